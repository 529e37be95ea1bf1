//! A results file as a table of text: read safely (regular files of a bounded size, files of
//! other kinds named), decoded (UTF-8 or Windows-1252), split on its delimiter, every record
//! with the file's own line number.

use std::path::Path;

use super::parse_number;
use crate::io::ImportError;
use crate::io::input::{Kind, read_regular_file, read_regular_file_after, sniff_binary_kind};

/// The largest results file read (national precinct-level files are a few hundred MB).
pub const MAX_RESULTS_BYTES: u64 = 1 << 30;

/// A results file split into records.
#[derive(Debug)]
pub struct Table {
    /// The header cells, trimmed.
    pub headers: Vec<String>,
    /// The records after the header, each with its first line in the file (1-based), blank
    /// records left out.
    pub records: Vec<(usize, csv::StringRecord)>,
    /// The text encoding found.
    pub encoding: &'static str,
    /// The delimiter.
    pub delimiter: u8,
    /// Whether numbers use a decimal comma.
    pub decimal_comma: bool,
    /// Blank or empty lines skipped.
    pub blank_lines: usize,
    /// Title lines above the header skipped (and an Excel `sep=` line).
    pub title_lines: usize,
}

/// Decodes bytes as UTF-16 (Excel's "Unicode text", told by its byte-order mark), UTF-8 (a
/// BOM is dropped) or else Windows-1252, which covers Latin-1.
fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, &'static str) {
    if let Some(utf16) = [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, "UTF-16LE"),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, "UTF-16BE"),
    ]
    .into_iter()
    .find(|(bom, _, _)| bytes.starts_with(bom))
    {
        let (_, encoding, name) = utf16;
        let (text, _, _) = encoding.decode(bytes);
        return (text, name);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        (std::borrow::Cow::Borrowed(text), "UTF-8")
    } else {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        (text, "Windows-1252 (Latin-1)")
    }
}

/// The delimiter: `;`, tab, `,` or `|`, whichever splits the most of the first lines into the
/// same number of cells (outside quotes). Agreement matters, not frequency: in
/// `lon;lat` / `24,945;60,175` the commas are decimal commas, more numerous than the
/// semicolons but absent from the header. A title line above the header (no delimiter) does not
/// vote.
fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b';', b'\t', b',', b'|'];
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .collect();
    let outside_quotes = |line: &str, d: u8| {
        let mut quoted = false;
        line.bytes()
            .filter(|&b| {
                if b == b'"' {
                    quoted = !quoted;
                }
                b == d && !quoted
            })
            .count()
    };
    CANDIDATES
        .iter()
        .enumerate()
        .filter_map(|(rank, &d)| {
            let counts: Vec<usize> = lines
                .iter()
                .map(|l| outside_quotes(l, d))
                .filter(|&n| n > 0)
                .collect();
            // The count most lines share, and how many share it.
            let (modal, agreeing) = counts
                .iter()
                .map(|&c| (c, counts.iter().filter(|&&x| x == c).count()))
                .max_by_key(|&(c, agreeing)| (agreeing, c))?;
            Some(((agreeing, modal, std::cmp::Reverse(rank)), d))
        })
        .max_by_key(|&(score, _)| score)
        .map_or(b',', |(_, d)| d)
}

/// The header cells of a results file, read from its first kilobytes only (for dialogs that
/// offer the file's columns).
pub fn read_headers(path: &Path) -> Result<Vec<String>, ImportError> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return read_regular_file(path, 0).map(|_| Vec::new());
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(1 << 20).read_to_end(&mut head))
        .map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if super::workbook::is_workbook(path, &head) {
        return super::workbook::read(path, None).map(|t| t.headers);
    }
    let (text, _) = decode(&head);
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).unwrap_or(false) {
        if record.iter().any(|c| !c.trim().is_empty()) {
            return Ok(record.iter().map(|h| h.trim().to_owned()).collect());
        }
    }
    Ok(Vec::new())
}

/// The newlines in `bytes`.
fn bytecount(bytes: &[u8]) -> usize {
    // Counted in chunks so the compiler can vectorise the comparison.
    bytes
        .chunks(4096)
        .map(|c| c.iter().map(|&b| usize::from(b == b'\n')).sum::<usize>())
        .sum()
}

/// What a table is read for: the words of its errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableOf {
    /// Election results.
    Results,
    /// Door points.
    Doors,
}

impl TableOf {
    fn expected(self) -> &'static str {
        match self {
            Self::Results => "a results table (CSV)",
            Self::Doors => "a table of doors (CSV)",
        }
    }

    fn hint(self, found: Kind) -> &'static str {
        match (self, found) {
            (_, Kind::Zip | Kind::OldExcel) => {
                "save the sheet as CSV (comma- or semicolon-separated) and import that"
            }
            (Self::Results, Kind::Json | Kind::Shapefile | Kind::Sqlite) => {
                "precinct shapes are imported with `import`, results with `results`"
            }
            (Self::Results, Kind::Pbf) => "door points are imported with `doors import`",
            (Self::Doors, Kind::Json) => "name it .geojson to import its points as doors",
            (Self::Doors, Kind::Pbf) => "name it .osm.pbf to import its addresses as doors",
            (Self::Doors, Kind::Shapefile | Kind::Sqlite) => {
                "doors are imported from GeoJSON points, a CSV or an OpenStreetMap .osm.pbf"
            }
            (_, Kind::Pdf | Kind::Binary) => "",
        }
    }

    fn row_of(self) -> &'static str {
        match self {
            Self::Results => {
                "a row of results, not a header: add a first line naming the \
                              columns (the precinct code, the totals and the lists)"
            }
            Self::Doors => {
                "a row of doors, not a header: add a first line naming the columns \
                            (lon, lat, and address or households)"
            }
        }
    }
}

/// Reads `path` as a delimited text table of `what`.
pub(crate) fn read_table(path: &Path, what: TableOf) -> Result<Table, ImportError> {
    read_table_in(path, what, None)
}

/// Reads `path` as a table of `what`: delimited text, or a workbook's sheet (`sheet`, else its
/// first).
pub(crate) fn read_table_in(
    path: &Path,
    what: TableOf,
    sheet: Option<&str>,
) -> Result<Table, ImportError> {
    // Only a regular file is opened here (opening a pipe would block): the rest is left to
    // the text reader, which says what it is.
    let mut head = [0_u8; 8];
    let n = if std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        std::fs::File::open(path)
            .ok()
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head).ok())
            .unwrap_or(0)
    } else {
        0
    };
    if super::workbook::is_workbook(path, &head[..n]) {
        let table = super::workbook::read(path, sheet)?;
        check_widths(path, &table.headers, &table.records, table.delimiter)?;
        return Ok(table);
    }
    if let Some(s) = sheet {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: format!(
                "--sheet {s:?} names a sheet of a workbook (.xlsx, .xls, .ods), and this file is \
                 a text table: leave --sheet out"
            ),
        });
    }
    // A file of another kind is told from its first bytes, before it is read whole.
    let bytes = read_regular_file_after(path, MAX_RESULTS_BYTES, |head| {
        let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
        match sniff_binary_kind(head).filter(|_| !utf16) {
            Some(found) => Err(ImportError::WrongKind {
                path: path.to_path_buf(),
                found,
                expected: what.expected(),
                hint: what.hint(found),
            }),
            None => Ok(()),
        }
    })?;
    let (decoded, encoding) = decode(&bytes);
    // Excel writes "sep=;" on a first line of its own to say the delimiter.
    let (text, sep_line): (&str, Option<u8>) = match decoded.split_once('\n') {
        Some((first, rest)) if first.trim().to_lowercase().starts_with("sep=") => {
            (rest, first.trim().as_bytes().get(4).copied())
        }
        _ => (&decoded, None),
    };
    let delimiter = sep_line.unwrap_or_else(|| sniff_delimiter(text));
    let format = |detail: String| ImportError::Format {
        path: path.to_path_buf(),
        detail,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut blank_lines = 0;
    let mut record = csv::StringRecord::new();
    // The reader's own line numbers are off by one; lines are counted from byte offsets.
    let (mut counted_to, mut line_at) = (0_usize, 1 + usize::from(sep_line.is_some()));
    let bytes = text.as_bytes();
    let mut line_of = |byte: usize| {
        // A record's offset can sit on the end of the line before it (CRLF, skipped empty
        // lines): its line starts after those line ends.
        let mut byte = byte.min(bytes.len());
        while byte < bytes.len() && matches!(bytes[byte], b'\n' | b'\r') {
            byte += 1;
        }
        if byte > counted_to {
            line_at += bytecount(&bytes[counted_to..byte]);
            counted_to = byte;
        }
        line_at
    };
    loop {
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format(format!("line {}: {e}", line_of(before)))),
        }
        let line = line_of(record.position().map_or(before, |p| p.byte() as usize));
        if record.iter().all(|c| c.trim().is_empty()) {
            blank_lines += 1;
            continue;
        }
        if let Some((column, cell)) = record.iter().enumerate().find(|(_, c)| c.contains('\n')) {
            // A line break inside a quoted value: in a results table it is nearly always a
            // quote left open, which would swallow the rows up to the next quote.
            let breaks = cell.matches('\n').count();
            let runs = if reader.position().byte() as usize >= bytes.len() {
                "to the end of the file".to_owned()
            } else {
                format!("over {} lines, to line {}", breaks + 1, line + breaks)
            };
            return Err(format(format!(
                "line {line}, field {}: a quoted value runs {runs}; a quote (\") is probably left \
                 open on line {line} (a line break inside a cell is not read either: remove it)",
                column + 1
            )));
        }
        if record.iter().any(|c| c.starts_with("=\"")) {
            record = unwrap_excel_text(&record);
        }
        records.push((line, std::mem::take(&mut record)));
    }
    // Lines the CSV reader skips itself (empty ones) count as blank too.
    blank_lines += text.lines().filter(|l| l.is_empty()).count();
    if records.is_empty() {
        return Err(format("the file is empty".to_owned()));
    }
    let title_lines = header_position(&records) + usize::from(sep_line.is_some());
    records.drain(..header_position(&records));
    let (_, header) = records.remove(0);
    if records.is_empty() {
        return Err(format("the file has a header but no rows".to_owned()));
    }
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let decimal_comma = delimiter == b';';
    let numbers = headers
        .iter()
        .filter(|h| matches!(parse_number(h, decimal_comma), Ok(Some(_))))
        .count();
    if numbers * 2 > headers.len() {
        let first: Vec<&str> = headers.iter().take(6).map(String::as_str).collect();
        return Err(format(format!(
            "the first line ({}…) is numbers, so it looks like {}",
            first.join(&(delimiter as char).to_string()),
            what.row_of()
        )));
    }
    check_widths(path, &headers, &records, delimiter)?;
    Ok(Table {
        headers,
        records,
        encoding,
        delimiter,
        decimal_comma,
        blank_lines,
        title_lines,
    })
}

/// Excel's way of keeping leading zeros, `="0101"`, read as the text inside.
fn unwrap_excel_text(record: &csv::StringRecord) -> csv::StringRecord {
    let mut out = csv::StringRecord::with_capacity(record.as_slice().len(), record.len());
    for cell in record {
        match cell
            .trim()
            .strip_prefix("=\"")
            .and_then(|c| c.strip_suffix('"'))
        {
            Some(inner) => out.push_field(inner),
            None => out.push_field(cell),
        }
    }
    out.set_position(record.position().cloned());
    out
}

/// The header is the first record as wide as the table: title lines above it ("Élections
/// municipales 2020", a date) have one or two cells filled.
pub(super) fn header_position(records: &[(usize, csv::StringRecord)]) -> usize {
    let filled = |r: &csv::StringRecord| r.iter().filter(|c| !c.trim().is_empty()).count();
    let widest = records
        .iter()
        .take(20)
        .map(|(_, r)| filled(r))
        .max()
        .unwrap_or(0);
    records
        .iter()
        .take(20)
        .position(|(_, r)| filled(r) >= 2 && filled(r) * 2 >= widest)
        .unwrap_or(0)
}

/// Refuses rows with more or fewer cells than the header: a number written "2,481" unquoted
/// in a comma-separated file shifts every value after it. Empty cells past the header's last
/// named column are allowed (spreadsheets add them).
fn check_widths(
    path: &Path,
    headers: &[String],
    records: &[(usize, csv::StringRecord)],
    delimiter: u8,
) -> Result<(), ImportError> {
    let named = headers
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);
    let mut wrong = Vec::new();
    let mut total = 0;
    for (line, r) in records {
        let last_filled = (0..r.len())
            .rev()
            .find(|&i| !r.get(i).unwrap_or("").trim().is_empty())
            .map_or(0, |i| i + 1);
        let too_long = last_filled > headers.len().max(named);
        let too_short = r.len() < named;
        if too_long || too_short {
            total += 1;
            if wrong.len() < 20 {
                wrong.push(format!(
                    "  line {line} has {} cells, the header {}",
                    if too_long { last_filled } else { r.len() },
                    named
                ));
            }
        }
    }
    if total == 0 {
        return Ok(());
    }
    if total > wrong.len() {
        wrong.push(format!("  … and {} more", total - wrong.len()));
    }
    let hint = if delimiter == b',' {
        "a number written with a comma (\"2,481\") in a comma-separated file must be quoted, or \
         the values after it shift"
    } else {
        "a delimiter inside a value must be quoted, or the values after it shift"
    };
    Err(ImportError::Format {
        path: path.to_path_buf(),
        detail: format!(
            "{total} {} not have as many cells as the header, so nothing was imported ({hint}):\n{}",
            if total == 1 { "row does" } else { "rows do" },
            wrong.join("\n")
        ),
    })
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn table(text: &str) -> Result<Table, ImportError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, text).unwrap();
        read_table(&path, TableOf::Results)
    }

    #[test]
    fn records_carry_the_files_own_line_numbers() {
        let t = table("code,a\n\n1,2\r\n2,3\n,\n3,4\n").unwrap();
        let lines: Vec<usize> = t.records.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![3, 4, 6]);
        assert_eq!(t.blank_lines, 2);
    }

    #[test]
    fn an_unbalanced_quote_is_refused_with_its_line_and_a_short_message() {
        let mut text = String::from("code,votes\n1,2\n2,\"3\n");
        for i in 0..200_000 {
            writeln!(text, "{i},{i}").unwrap();
        }
        let err = table(&text).unwrap_err().to_string();
        assert!(err.contains("line 3, field 2"), "{err}");
        assert!(err.contains("end of the file"), "{err}");
        assert!(err.len() < 300, "{err}");
    }

    #[test]
    fn a_geojson_given_as_results_is_named_as_such() {
        let err = table("{\"type\": \"FeatureCollection\", \"features\": []}")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is a GeoJSON or JSON file, not a results table"),
            "{err}"
        );
    }
}

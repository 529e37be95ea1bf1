//! The French Ministry of the Interior's results by polling station (*bureau de vote*), as it
//! publishes them: `;`-separated, Latin-1 or UTF-8, a header naming the bureau's columns and
//! only the **first** candidate's (or list's) block, then every row one block per candidate.
//! Read streaming, row by row (a whole-France file is ~100 MB), with the `--where` filters
//! applied as each row is read, so memory holds only the rows kept.
//!
//! Each block gives a list: "NOM Prénom", or the list's label in municipal files, with its
//! panel number and nuance code kept as the list's attributes. Inscrits, Votants and Exprimés
//! are registered, voters and valid votes; the percentage columns are never lists. The bureau
//! is keyed by the commune's INSEE code and its own code, matched to the campaign's precinct
//! codes in the forms real outline files use (`75056_0101`, `75056-0101`, `0101`).

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;

use super::{ElectionTable, Layout, ReadReport, ResultsTable, parse_count};
use crate::domain::results::{ListAttributes, ResultRow};
use crate::io::ImportError;

/// Lower case, accents and punctuation aside: how headers are compared.
fn norm(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'ç' => 'c',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'û' | 'ù' => 'u',
            '°' | '.' | '_' | '/' | '%' => ' ',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes one field: UTF-8, else Windows-1252 (which covers Latin-1).
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim().to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .trim()
            .to_owned(),
    }
}

/// Where the columns are.
struct Columns {
    department: Option<usize>,
    commune: usize,
    bureau: usize,
    registered: Option<usize>,
    voters: Option<usize>,
    valid: Option<usize>,
    /// The first block's first column, and its width.
    block: usize,
    width: usize,
    /// Offsets within a block.
    panel: Option<usize>,
    nuance: Option<usize>,
    surname: Option<usize>,
    first_name: Option<usize>,
    list: Option<usize>,
    votes: usize,
}

impl Columns {
    fn of(headers: &[String]) -> Option<Self> {
        // A `;` ending every line gives an empty last header: not a column of the blocks.
        let used = headers
            .iter()
            .rposition(|h| !h.trim().is_empty())
            .map_or(0, |i| i + 1);
        let h: Vec<String> = headers[..used].iter().map(|h| norm(h)).collect();
        let at = |name: &str| h.iter().position(|x| x == name);
        let bureau = at("code du b vote").or_else(|| at("code du bureau de vote"))?;
        let block = h
            .iter()
            .position(|x| x == "n panneau" || x == "n pan" || x == "numero de panneau")?;
        let width = h.len() - block;
        let within = |names: &[&str]| h[block..].iter().position(|x| names.contains(&x.as_str()));
        Some(Self {
            department: at("code du departement"),
            commune: at("code de la commune")?,
            bureau,
            registered: at("inscrits"),
            voters: at("votants"),
            valid: at("exprimes"),
            block,
            width,
            panel: Some(0),
            nuance: within(&["code nuance", "nuance"]),
            surname: within(&["nom"]),
            first_name: within(&["prenom"]),
            list: within(&["liste", "libelle abrege liste", "libelle de liste"]),
            votes: within(&["voix"])?,
        })
    }
}

/// What is wrong with a count, in words.
fn issue_words(e: &super::CountIssue) -> &'static str {
    match e {
        super::CountIssue::Missing => "marks a missing value",
        super::CountIssue::NotANumber => "is not a number",
        super::CountIssue::Negative => "is below zero",
        super::CountIssue::Fraction => "is not a whole number of votes",
        super::CountIssue::TooLarge => "is too large to be a count",
        super::CountIssue::Scientific => "is in scientific notation, which loses digits",
    }
}

/// Whether the file at `path` is in the ministry's per-bureau layout, from its first line.
pub fn sniff(path: &Path) -> Result<bool, ImportError> {
    // Only a regular file is looked into (a pipe would block): anything else is left to the
    // common reader, which names what it is.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(false);
    }
    let mut head = vec![0_u8; 64 * 1024];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let head = &head[..n];
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(head);
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let headers: Vec<String> = first.split(|b| *b == b';').map(decode).collect();
    Ok(headers.len() > 4 && is_ministry(&headers))
}

/// Whether `headers` are the ministry's per-bureau layout.
#[must_use]
pub fn is_ministry(headers: &[String]) -> bool {
    Columns::of(headers).is_some()
}

/// A bureau code's matching form: parts split at anything not a letter or digit, numeric
/// parts without their leading zeros, joined by `_` (`75056-0101` → `75056_101`).
fn bureau_form(code: &str) -> String {
    code.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                let t = p.trim_start_matches('0');
                if t.is_empty() { "0" } else { t }.to_owned()
            } else {
                p.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// Reads a ministry file: `filters` (column name, value) keep the rows wanted as they are read.
#[allow(clippy::too_many_lines)] // The file's columns, its filters, its blocks: one pass.
pub fn read(
    path: &Path,
    filters: &[(String, String)],
    key: Option<&str>,
    precinct_codes: &[String],
) -> Result<(ResultsTable, Vec<ListAttributes>), ImportError> {
    let format = |detail: String| ImportError::Format {
        path: path.to_path_buf(),
        detail,
    };
    let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    // A UTF-8 byte-order mark is skipped; the rest is read as it comes.
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut bom = [0_u8; 3];
    let n = reader.read(&mut bom).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let head: Vec<u8> = if bom[..n] == [0xEF, 0xBB, 0xBF] {
        Vec::new()
    } else {
        bom[..n].to_vec()
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .has_headers(false)
        .from_reader(std::io::Cursor::new(head).chain(reader));
    let mut record = csv::ByteRecord::new();
    if !csv
        .read_byte_record(&mut record)
        .map_err(|e| format(e.to_string()))?
    {
        return Err(format("the file is empty".to_owned()));
    }
    let headers: Vec<String> = record.iter().map(decode).collect();
    let cols = Columns::of(&headers).ok_or_else(|| {
        format(
            "not the ministry's per-bureau layout (no \"Code du b.vote\" and candidate block)"
                .to_owned(),
        )
    })?;
    // A key named: that column's value is the code (matched in its common forms).
    let key_column = match key {
        None => None,
        Some(k) => Some(
            headers
                .iter()
                .position(|h| norm(h) == norm(k))
                .ok_or_else(|| ImportError::Field {
                    path: path.to_path_buf(),
                    detail: format!(
                        "no column {k:?} for --key; the bureau's columns are: {}",
                        headers[..cols.block].join(", ")
                    ),
                })?,
        ),
    };
    let mut wanted = Vec::with_capacity(filters.len());
    for (name, value) in filters {
        let i = headers
            .iter()
            .position(|h| norm(h) == norm(name))
            .ok_or_else(|| ImportError::Field {
                path: path.to_path_buf(),
                detail: format!(
                    "no column {name:?} to filter on; the bureau's columns are: {}",
                    headers[..cols.block].join(", ")
                ),
            })?;
        wanted.push((i, value.trim().to_owned()));
    }
    // The campaign's codes in their matching form.
    let mut by_form: HashMap<String, Option<&str>> = HashMap::new();
    for c in precinct_codes {
        by_form
            .entry(bureau_form(c))
            .and_modify(|e| *e = None)
            .or_insert(Some(c.as_str()));
    }
    // The bureau code alone identifies a bureau only within one commune: it is tried only when
    // the rows kept are of a single commune (a one-commune file, or one commune filtered).
    let resolve = |insee: &str, bureau: &str, one_commune: bool| -> String {
        if insee.is_empty() {
            // A key column named: its value, in the campaign's form when it has one.
            return match by_form.get(&bureau_form(bureau)) {
                Some(Some(code)) => (*code).to_owned(),
                _ => bureau.to_owned(),
            };
        }
        let full = [format!("{insee}_{bureau}"), format!("{insee}{bureau}")];
        let bare = one_commune.then(|| bureau.to_owned());
        for candidate in full.into_iter().chain(bare) {
            if let Some(Some(code)) = by_form.get(&bureau_form(&candidate)) {
                return (*code).to_owned();
            }
        }
        format!("{insee}_{bureau}")
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut lists: Vec<ListAttributes> = Vec::new();
    let mut list_index: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    let (mut rows_read, mut filtered_out, mut line) = (0, 0, 1);
    let field = |r: &csv::ByteRecord, i: usize| r.get(i).map(decode).unwrap_or_default();
    while csv
        .read_byte_record(&mut record)
        .map_err(|e| format(format!("line {}: {e}", line + 1)))?
    {
        line += 1;
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        // Filters first: a row not wanted is neither decoded nor kept.
        if !wanted.iter().all(|(i, v)| {
            record
                .get(*i)
                .is_some_and(|c| decode(c) == *v || bureau_form(&decode(c)) == bureau_form(v))
        }) {
            filtered_out += 1;
            continue;
        }
        rows_read += 1;
        let count = |i: Option<usize>| -> Result<Option<u32>, ImportError> {
            match i {
                None => Ok(None),
                Some(i) => parse_count(&field(&record, i), true)
                    .map_err(|e| format(format!("line {line}, column {:?}: {e:?}", headers[i]))),
            }
        };
        let department = cols
            .department
            .map(|i| field(&record, i))
            .unwrap_or_default();
        let commune = field(&record, cols.commune);
        // The INSEE code: the department's two digits (or 2A, 971…) and the commune's three.
        let insee = if department.is_empty() || commune.len() >= 5 {
            commune.clone()
        } else {
            let dep = if department.len() == 1 {
                format!("0{department}")
            } else {
                department.clone()
            };
            let com = format!("{commune:0>3}");
            let com = if dep.len() == 3 {
                com[1..].to_owned()
            } else {
                com
            };
            format!("{dep}{com}")
        };
        let bureau = field(&record, cols.bureau);
        let mut votes = Vec::new();
        let mut start = cols.block;
        while start + cols.votes < record.len() {
            let at = |offset: Option<usize>| {
                offset
                    .map(|o| field(&record, start + o))
                    .filter(|s| !s.is_empty())
            };
            let label = at(cols.list).or_else(|| {
                let name = [at(cols.surname), at(cols.first_name)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!name.is_empty()).then_some(name)
            });
            if let Some(label) = label {
                let cell = field(&record, start + cols.votes);
                let v = parse_count(&cell, true)
                    .map_err(|e| {
                        format(format!(
                            "line {line}, the votes of {label:?}: {cell:?} {} (the blocks of \
                             this row may not line up with the header's)",
                            issue_words(&e)
                        ))
                    })?
                    .unwrap_or(0);
                let index = *list_index.entry(label.clone()).or_insert_with(|| {
                    lists.push(ListAttributes {
                        list: label.clone(),
                        nuance: None,
                        panel: None,
                    });
                    lists.len() - 1
                });
                let attrs = &mut lists[index];
                if attrs.nuance.is_none() {
                    attrs.nuance = at(cols.nuance);
                }
                if attrs.panel.is_none() {
                    attrs.panel = at(cols.panel);
                }
                votes.push((index, v));
            }
            start += cols.width;
        }
        match key_column {
            // The named column's value stands for the whole key.
            Some(k) => keys.push((String::new(), field(&record, k))),
            None => keys.push((insee, bureau)),
        }
        rows.push(ResultRow {
            line,
            code: String::new(),
            registered: count(cols.registered)?,
            voters: count(cols.voters)?,
            valid: count(cols.valid)?,
            votes,
        });
    }
    if rows.is_empty() {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: if filtered_out > 0 {
                format!("no row matches the filters ({filtered_out} rows left out)")
            } else {
                "the file has a header but no rows".to_owned()
            },
        });
    }
    let one_commune = keys.iter().all(|(insee, _)| *insee == keys[0].0);
    for (row, (insee, bureau)) in rows.iter_mut().zip(&keys) {
        row.code = resolve(insee, bureau, one_commune);
    }
    let names = |i: Option<usize>| i.map(|i| headers[i].clone());
    let report = ReadReport {
        encoding: "UTF-8 or Latin-1",
        delimiter: ";".to_owned(),
        decimal_comma: true,
        layout: Layout::Blocks,
        key: match key_column {
            Some(k) => headers[k].clone(),
            None => format!(
                "{} + {} + {}",
                cols.department
                    .map_or_else(String::new, |i| headers[i].clone()),
                headers[cols.commune],
                headers[cols.bureau]
            ),
        },
        registered: names(cols.registered),
        voters: names(cols.voters),
        valid: names(cols.valid),
        list_columns: lists.iter().map(|l| l.list.clone()).collect(),
        ignored_columns: Vec::new(),
        ignored_count: 0,
        blank_lines: 0,
        title_lines: 0,
        rows_read,
        rows_filtered_out: filtered_out,
        split_by: None,
        warnings: Vec::new(),
    };
    Ok((
        ResultsTable {
            elections: vec![ElectionTable {
                value: None,
                rows,
                lists: lists.iter().map(|l| l.list.clone()).collect(),
            }],
            report,
            list_attributes: Vec::new(),
        },
        lists,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bureau_codes_match_in_the_forms_outline_files_use() {
        assert_eq!(bureau_form("75056_0101"), bureau_form("75056-0101"));
        assert_eq!(bureau_form("0101"), "101");
        assert_ne!(bureau_form("75056_0101"), bureau_form("0101"));
    }
}

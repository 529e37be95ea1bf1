//! Election results from CSV files as they come in real life: `;` or `,`, UTF-8 (with or
//! without BOM) or Windows-1252/Latin-1, thousands separators ("1 234", "1,234"), decimal
//! commas, blank lines; **wide** (a row per precinct, a column per list) or **long** (a row per
//! precinct and list) layout. Columns are guessed from common French and English headers
//! unless the user names them.

use std::collections::HashMap;
use std::path::Path;

use crate::domain::results::ResultRow;

use super::ImportError;

/// The layout of a results file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per precinct, one column per list.
    Wide,
    /// One row per precinct and list, with list and votes columns.
    Long,
}

/// The user's column choices; `None` means "guess".
#[derive(Clone, Debug, Default)]
pub struct ColumnMapping {
    /// The layout.
    pub layout: Option<Layout>,
    /// The column joining rows to precinct codes.
    pub key: Option<String>,
    /// Registered voters (inscrits).
    pub registered: Option<String>,
    /// Voters (votants).
    pub voters: Option<String>,
    /// Valid votes (exprimés).
    pub valid: Option<String>,
    /// Wide layout: the list columns.
    pub lists: Option<Vec<String>>,
    /// Long layout: the column naming the list or candidate.
    pub list_column: Option<String>,
    /// Long layout: the column of votes.
    pub votes_column: Option<String>,
}

/// How the file was read, for the import report.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReadReport {
    /// The text encoding found.
    pub encoding: &'static str,
    /// The field delimiter found.
    pub delimiter: String,
    /// Whether numbers use a decimal comma.
    pub decimal_comma: bool,
    /// The layout used.
    pub layout: Layout,
    /// The key column.
    pub key: String,
    /// The registered column, if any.
    pub registered: Option<String>,
    /// The voters column, if any.
    pub voters: Option<String>,
    /// The valid-votes column, if any.
    pub valid: Option<String>,
    /// The list columns (wide) or the list and votes columns (long).
    pub list_columns: Vec<String>,
    /// Columns not used.
    pub ignored_columns: Vec<String>,
    /// Blank or empty lines skipped.
    pub blank_lines: usize,
}

/// A results file, read and parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultsTable {
    /// One row per precinct code found in the file.
    pub rows: Vec<ResultRow>,
    /// The lists, as `ResultRow::votes` indexes them.
    pub lists: Vec<String>,
    /// How it was read.
    pub report: ReadReport,
}

const KEY_NAMES: &[&str] = &[
    "code",
    "precinct",
    "precinct_code",
    "precinct_id",
    "code_bv",
    "id_bv",
    "bureau",
    "code bureau",
    "code du b.vote",
    "code_bureau",
    "num_bv",
    "district_id",
    "district",
    "geoid",
    "geoid20",
    "id",
];
const REGISTERED_NAMES: &[&str] = &[
    "inscrits",
    "registered",
    "registered_voters",
    "registered voters",
    "nb_inscrits",
    "electeurs inscrits",
    "électeurs inscrits",
];
const VOTERS_NAMES: &[&str] = &[
    "votants",
    "voters",
    "ballots",
    "ballots_cast",
    "ballots cast",
    "nb_votants",
    "turnout_count",
];
const VALID_NAMES: &[&str] = &[
    "exprimés",
    "exprimes",
    "suffrages exprimés",
    "valid",
    "valid_votes",
    "valid votes",
    "nb_exprimes",
    "total_valid",
    "total",
];
const LIST_COLUMN_NAMES: &[&str] = &[
    "candidate",
    "candidat",
    "list",
    "liste",
    "party",
    "parti",
    "nuance",
    "choice",
    "option",
    "nom",
    "name",
];
const VOTES_NAMES: &[&str] = &[
    "votes",
    "voix",
    "nb_voix",
    "vote_count",
    "votes_count",
    "count",
];
/// Numeric columns that are not lists.
const NOT_LISTS: &[&str] = &[
    "abstentions",
    "abstention",
    "blancs",
    "blanc",
    "nuls",
    "nul",
    "blancs et nuls",
    "winner",
    "result",
    "pct",
    "percent",
    "ratio",
    "share",
    "turnout",
    "participation",
    "year",
    "annee",
    "année",
    "tour",
    "round",
    "circonscription",
    "commune",
    "code_commune",
    "departement",
    "département",
    "population",
];

fn header_is(header: &str, names: &[&str]) -> bool {
    let h = header.trim().to_lowercase();
    names.iter().any(|n| h == *n)
}

fn find_column(headers: &[String], asked: Option<&str>, names: &[&str]) -> Option<usize> {
    match asked {
        Some(a) => headers
            .iter()
            .position(|h| h == a)
            .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(a))),
        None => names.iter().find_map(|n| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(n))
        }),
    }
}

/// A cell that should hold a number and does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a number")]
pub struct NotANumber;

/// Parses a number written in any of the usual ways; `None` for an empty cell.
///
/// # Examples
/// ```
/// use campaign_planner::io::csv_results::parse_number;
/// assert_eq!(parse_number("1 234", true), Ok(Some(1234.0)));
/// assert_eq!(parse_number("1\u{a0}234,5", true), Ok(Some(1234.5)));
/// assert_eq!(parse_number("1,234", false), Ok(Some(1234.0)));
/// assert_eq!(parse_number("1.234,5", true), Ok(Some(1234.5)));
/// assert_eq!(parse_number("", false), Ok(None));
/// assert!(parse_number("12a", false).is_err());
/// ```
pub fn parse_number(cell: &str, decimal_comma: bool) -> Result<Option<f64>, NotANumber> {
    let trimmed = cell.trim();
    if !trimmed.is_empty() && trimmed.len() <= 15 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        // The common case, plain digits: no copy.
        return trimmed.parse::<f64>().map(Some).map_err(|_| NotANumber);
    }
    if trimmed.is_empty()
        || ["-", "na", "n/a", "nd", "null", "—"].contains(&trimmed.to_lowercase().as_str())
    {
        return Ok(None);
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’'))
        .collect();
    let normalised = if decimal_comma {
        // "1.234,5": dots group thousands, the comma is the decimal point.
        compact.replace('.', "").replace(',', ".")
    } else if compact.contains(',') {
        // "1,234" or "1,234.5": commas group thousands (a lone decimal comma like "12,5" in a
        // comma-delimited file would have had to be quoted, and is read as a decimal).
        let groups_ok = compact
            .split('.')
            .next()
            .is_some_and(|int| int.split(',').skip(1).all(|g| g.len() == 3));
        if groups_ok {
            compact.replace(',', "")
        } else {
            compact.replace(',', ".")
        }
    } else {
        compact
    };
    normalised.parse::<f64>().map(Some).map_err(|_| NotANumber)
}

/// Decodes bytes as UTF-8 (a BOM is dropped) or else Windows-1252, which covers Latin-1.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), "UTF-8")
    } else {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        (text.into_owned(), "Windows-1252 (Latin-1)")
    }
}

/// The delimiter of the first non-blank line: `;`, tab or `,`, whichever is most frequent.
fn sniff_delimiter(text: &str) -> u8 {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let count = |c: char| line.chars().filter(|&x| x == c).count();
    let candidates = [(b';', count(';')), (b'\t', count('\t')), (b',', count(','))];
    candidates
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

/// Reads a results file. `precinct_codes` (the campaign's) help guess the key column: the
/// column whose values match the most precincts wins.
pub fn read_results(
    path: &Path,
    mapping: &ColumnMapping,
    precinct_codes: &[String],
) -> Result<ResultsTable, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, encoding) = decode(&bytes);
    let delimiter = sniff_delimiter(&text);
    let decimal_comma = delimiter == b';';
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
    let mut blank_lines = text.lines().filter(|l| l.trim().is_empty()).count();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format(format!("CSV error near record {}: {e}", i + 1)))?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        if record.iter().all(|c| c.trim().is_empty()) {
            blank_lines += 1;
            continue;
        }
        records.push((line, record));
    }
    if records.is_empty() {
        return Err(format("the file is empty".to_owned()));
    }
    let (_, headers) = records.remove(0);
    let headers: csv::StringRecord = headers;
    let headers: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    let records = records;
    if records.is_empty() {
        return Err(format("the file has a header but no rows".to_owned()));
    }

    let asked = |role: &str, name: &Option<String>| -> Result<Option<usize>, ImportError> {
        match name {
            None => Ok(None),
            Some(n) => find_column(&headers, Some(n), &[])
                .map(Some)
                .ok_or_else(|| ImportError::Field {
                    path: path.to_path_buf(),
                    detail: format!(
                        "no column named {n:?} for the {role}; columns: {}",
                        headers.join(", ")
                    ),
                }),
        }
    };

    // The key: the named column, or the one whose values match the most precinct codes.
    let key = match asked("precinct code", &mapping.key)? {
        Some(k) => k,
        None => guess_key(&headers, &records, precinct_codes).ok_or_else(|| ImportError::Field {
            path: path.to_path_buf(),
            detail: format!(
                "no column matches the campaign's precinct codes; name it with --key (columns: {})",
                headers.join(", ")
            ),
        })?,
    };
    let registered = asked("registered voters", &mapping.registered)?
        .or_else(|| find_column(&headers, None, REGISTERED_NAMES));
    let voters =
        asked("voters", &mapping.voters)?.or_else(|| find_column(&headers, None, VOTERS_NAMES));
    let valid =
        asked("valid votes", &mapping.valid)?.or_else(|| find_column(&headers, None, VALID_NAMES));
    let list_column = asked("list", &mapping.list_column)?
        .or_else(|| find_column(&headers, None, LIST_COLUMN_NAMES))
        .filter(|&c| c != key);
    let votes_column =
        asked("votes", &mapping.votes_column)?.or_else(|| find_column(&headers, None, VOTES_NAMES));
    let layout = mapping.layout.unwrap_or_else(|| {
        let mut seen = std::collections::HashSet::new();
        let repeats = records
            .iter()
            .any(|(_, r)| !seen.insert(cell(r, key).to_owned()));
        if list_column.is_some() && votes_column.is_some() && repeats {
            Layout::Long
        } else {
            Layout::Wide
        }
    });
    let used: Vec<usize> = [Some(key), registered, voters, valid]
        .into_iter()
        .flatten()
        .collect();

    let problems: std::cell::RefCell<Vec<String>> = std::cell::RefCell::new(Vec::new());
    let number = |line: usize, column: usize, text: &str| -> Option<f64> {
        if let Ok(v) = parse_number(text, decimal_comma) {
            v
        } else {
            problems.borrow_mut().push(format!(
                "line {line}, column {}: {text:?} is not a number",
                headers[column]
            ));
            None
        }
    };
    let mut lists: Vec<String> = Vec::new();
    let list_columns: Vec<usize>;
    let mut rows: Vec<ResultRow> = Vec::new();
    match layout {
        Layout::Wide => {
            list_columns = match &mapping.lists {
                Some(names) => names
                    .iter()
                    .map(|n| {
                        asked("list", &Some(n.clone())).map(std::option::Option::unwrap_or_default)
                    })
                    .collect::<Result<_, _>>()?,
                None => (0..headers.len())
                    .filter(|c| !used.contains(c))
                    .filter(|&c| is_list_header(&headers[c]))
                    .filter(|&c| mostly_numeric(&records, c, decimal_comma))
                    .collect(),
            };
            if list_columns.is_empty() {
                return Err(ImportError::Field {
                    path: path.to_path_buf(),
                    detail: format!(
                        "no column of votes per list found; name them with --lists (columns: {})",
                        headers.join(", ")
                    ),
                });
            }
            lists = list_columns.iter().map(|&c| headers[c].clone()).collect();
            for (line, record) in &records {
                let code = cell(record, key).to_owned();
                if code.is_empty() {
                    problems.borrow_mut().push(format!(
                        "line {line}: no precinct code in column {}",
                        headers[key]
                    ));
                    continue;
                }
                let mut row = ResultRow {
                    line: *line,
                    code,
                    registered: registered.and_then(|c| number(*line, c, cell(record, c))),
                    voters: voters.and_then(|c| number(*line, c, cell(record, c))),
                    valid: valid.and_then(|c| number(*line, c, cell(record, c))),
                    votes: Vec::with_capacity(list_columns.len()),
                };
                for (l, &c) in list_columns.iter().enumerate() {
                    if let Some(v) = number(*line, c, cell(record, c)) {
                        row.votes.push((l, v));
                    }
                }
                rows.push(row);
            }
        }
        Layout::Long => {
            let (Some(list_col), Some(votes_col)) = (list_column, votes_column) else {
                return Err(ImportError::Field {
                    path: path.to_path_buf(),
                    detail: format!(
                        "a long-format file needs a list (candidate, party) column and a votes \
                         column; name them with --list-column and --votes-column (columns: {})",
                        headers.join(", ")
                    ),
                });
            };
            list_columns = vec![list_col, votes_col];
            let mut index: HashMap<String, usize> = HashMap::new();
            let mut list_index: HashMap<String, usize> = HashMap::new();
            for (line, record) in &records {
                let code = cell(record, key).to_owned();
                if code.is_empty() {
                    problems.borrow_mut().push(format!(
                        "line {line}: no precinct code in column {}",
                        headers[key]
                    ));
                    continue;
                }
                let list = cell(record, list_col).to_owned();
                if list.is_empty() {
                    problems.borrow_mut().push(format!(
                        "line {line}: no list name in column {}",
                        headers[list_col]
                    ));
                    continue;
                }
                let l = *list_index.entry(list.clone()).or_insert_with(|| {
                    lists.push(list.clone());
                    lists.len() - 1
                });
                let r = *index.entry(code.clone()).or_insert_with(|| {
                    rows.push(ResultRow {
                        line: *line,
                        code: code.clone(),
                        registered: None,
                        voters: None,
                        valid: None,
                        votes: Vec::new(),
                    });
                    rows.len() - 1
                });
                let list_votes = number(*line, votes_col, cell(record, votes_col));
                let totals = [registered, voters, valid]
                    .map(|c| c.and_then(|c| number(*line, c, cell(record, c))));
                let row = &mut rows[r];
                for (slot, value) in [&mut row.registered, &mut row.voters, &mut row.valid]
                    .into_iter()
                    .zip(totals)
                {
                    if let Some(v) = value {
                        match *slot {
                            Some(old) if (old - v).abs() > 0.5 => {
                                problems.borrow_mut().push(format!(
                                    "line {line}: precinct {code} has totals that differ from its \
                                 earlier rows ({old} then {v})"
                                ));
                            }
                            _ => *slot = Some(v),
                        }
                    }
                }
                if let Some(v) = list_votes {
                    if row.votes.iter().any(|&(x, _)| x == l) {
                        problems.borrow_mut().push(format!(
                            "line {line}: precinct {code} has a second row for list {list:?}"
                        ));
                    } else {
                        row.votes.push((l, v));
                    }
                }
            }
        }
    }
    let problems = problems.into_inner();
    if !problems.is_empty() {
        let total = problems.len();
        let mut shown: Vec<String> = problems
            .into_iter()
            .take(20)
            .map(|p| format!("  {p}"))
            .collect();
        if total > 20 {
            shown.push(format!("  … and {} more", total - 20));
        }
        return Err(format(format!(
            "{total} values could not be read, so nothing was imported:\n{}",
            shown.join("\n")
        )));
    }
    let used_all: Vec<usize> = used.iter().chain(&list_columns).copied().collect();
    let report = ReadReport {
        encoding,
        delimiter: match delimiter {
            b'\t' => "tab".to_owned(),
            d => (d as char).to_string(),
        },
        decimal_comma,
        layout,
        key: headers[key].clone(),
        registered: registered.map(|c| headers[c].clone()),
        voters: voters.map(|c| headers[c].clone()),
        valid: valid.map(|c| headers[c].clone()),
        list_columns: list_columns.iter().map(|&c| headers[c].clone()).collect(),
        ignored_columns: (0..headers.len())
            .filter(|c| !used_all.contains(c))
            .map(|c| headers[c].clone())
            .collect(),
        blank_lines,
    };
    Ok(ResultsTable {
        rows,
        lists,
        report,
    })
}

/// A trimmed cell, empty when the row is short.
fn cell(row: &csv::StringRecord, c: usize) -> &str {
    row.get(c).map_or("", str::trim)
}

fn is_list_header(header: &str) -> bool {
    let h = header.to_lowercase();
    !h.is_empty()
        && !h.contains('%')
        && !h.starts_with("pct")
        && !h.starts_with("part ")
        && !header_is(header, NOT_LISTS)
        && !header_is(header, KEY_NAMES)
        && !header_is(header, REGISTERED_NAMES)
        && !header_is(header, VOTERS_NAMES)
        && !header_is(header, VALID_NAMES)
}

fn mostly_numeric(
    records: &[(usize, csv::StringRecord)],
    column: usize,
    decimal_comma: bool,
) -> bool {
    let mut filled = 0;
    let mut numeric = 0;
    for (_, r) in records.iter().take(GUESS_SAMPLE) {
        let text = r.get(column).unwrap_or("");
        if text.trim().is_empty() {
            continue;
        }
        filled += 1;
        if matches!(parse_number(text, decimal_comma), Ok(Some(_))) {
            numeric += 1;
        }
    }
    filled > 0 && numeric * 10 >= filled * 9
}

/// Rows looked at when guessing columns.
const GUESS_SAMPLE: usize = 2_000;

/// The column whose values match the most precinct codes (at least half of the sampled rows),
/// ties going to the best-named one; without precincts to match, the best-named column.
fn guess_key(
    headers: &[String],
    records: &[(usize, csv::StringRecord)],
    codes: &[String],
) -> Option<usize> {
    let by_name = find_column(headers, None, KEY_NAMES);
    if codes.is_empty() {
        return by_name;
    }
    let exact: std::collections::HashSet<&str> = codes.iter().map(String::as_str).collect();
    let loose: std::collections::HashSet<String> = codes
        .iter()
        .map(|c| crate::domain::results::loose_code(c))
        .collect();
    let sample = &records[..records.len().min(GUESS_SAMPLE)];
    let mut best: Option<(usize, usize)> = None;
    for c in 0..headers.len() {
        let hits = sample
            .iter()
            .filter(|(_, r)| {
                let v = r.get(c).unwrap_or("").trim();
                !v.is_empty()
                    && (exact.contains(v) || loose.contains(&crate::domain::results::loose_code(v)))
            })
            .count();
        let better = match best {
            None => true,
            Some((_, h)) => hits > h || (hits == h && Some(c) == by_name),
        };
        if better && hits > 0 {
            best = Some((c, hits));
        }
    }
    match best {
        Some((c, hits)) if hits * 2 >= sample.len() => Some(c),
        _ => None,
    }
}

/// What importing a results file did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ResultsImport {
    /// The election.
    pub election: crate::store::ElectionMeta,
    /// How the file was read.
    pub read: ReadReport,
    /// How it joined the precincts.
    pub join: crate::domain::results::JoinReport,
    /// What was written.
    pub written: crate::store::ResultsWritten,
    /// The lists found.
    pub lists: Vec<String>,
}

/// Reads a results file, joins it to the campaign's precincts and stores it as `election`,
/// all or nothing. Rows whose code matches no precinct are kept (and reported); a precinct
/// on two rows stops the import, since adding or choosing between them would be a guess.
pub fn import_results(
    campaign: &mut crate::store::Campaign,
    path: &Path,
    election: &crate::store::ElectionMeta,
    mapping: &ColumnMapping,
) -> Result<ResultsImport, ImportError> {
    let codes = campaign.precinct_codes()?;
    if codes.is_empty() {
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail:
                "the campaign has no precincts to join results to; import precinct shapes first"
                    .to_owned(),
        });
    }
    if election.name.trim().is_empty() {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: "the election needs a name (--election)".to_owned(),
        });
    }
    let table = read_results(path, mapping, &codes)?;
    let (matches, join) = crate::domain::results::join(&codes, &table.rows);
    if !join.duplicates.is_empty() {
        let listed: Vec<String> = join
            .duplicates
            .iter()
            .take(20)
            .map(|(code, lines)| {
                let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
                format!("  precinct {code} on lines {}", lines.join(", "))
            })
            .collect();
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: format!(
                "{} precincts have more than one row, so nothing was imported:\n{}",
                join.duplicates.len(),
                listed.join("\n")
            ),
        });
    }
    if join.matched == 0 {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: format!(
                "no row matches a precinct through column {:?} (e.g. {:?} vs the campaign's {:?}); \
                 name the key column with --key",
                table.report.key,
                table
                    .rows
                    .first()
                    .map(|r| r.code.clone())
                    .unwrap_or_default(),
                codes.first().cloned().unwrap_or_default()
            ),
        });
    }
    let written = campaign.store_results(election, &table.lists, &table.rows, &matches)?;
    Ok(ResultsImport {
        election: election.clone(),
        read: table.report,
        join,
        written,
        lists: table.lists,
    })
}

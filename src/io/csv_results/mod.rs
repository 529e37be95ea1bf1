//! Election results from CSV files as they come in real life: `;` or `,`, UTF-8 (with or
//! without BOM) or Windows-1252/Latin-1, thousands separators ("1 234", "1,234"), decimal
//! commas, blank lines; **wide** (a row per precinct, a column per list) or **long** (a row per
//! precinct and list) layout; several elections in one file (`split_by`, `filters`).
//!
//! Nothing wrong is imported in silence: a column that is mostly numbers is a list and its
//! unreadable cells are refused by line; totals, shares and margins are never lists; a header
//! with a typo is matched and said, or refused; impossible counts (negative, decimal, NaN,
//! beyond any electorate) and figures that contradict each other are refused by line. When the
//! columns' roles are in doubt, the import stops and lists each numeric column with the role
//! it would get.
//!
//! `text` reads the file into records, `columns` reads headers and finds the key, `number`
//! reads counts, `build` makes and checks rows, `problems` words what is wrong.

mod build;
mod columns;
mod number;
mod problems;
mod text;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::domain::results::{JoinReport, ResultRow, join};
use crate::store::{Campaign, ElectionMeta, ElectionResults, ResultsWritten};

use super::ImportError;
use super::error::list;
use build::{Findings, Plan};
use columns::{Header, NotList, Role, guess_key, read_header};
pub use number::{CountIssue, MAX_COUNT, NotANumber, parse_count, parse_number};
pub use problems::{Quoted, ResultsProblem, ResultsWarning};
pub use text::read_headers;

/// The layout of a results file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per precinct, one column per list.
    Wide,
    /// One row per precinct and list, with list and votes columns.
    Long,
}

/// The user's choices about the file; `None` means "guess".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// Store unreadable count cells ("n.d.", "NA", "abc") as missing values, counted in the
    /// report, instead of refusing the file.
    pub missing_as_empty: bool,
    /// Import one election per value of this column, named "NAME VALUE".
    pub split_by: Option<String>,
    /// Keep only the rows where each column holds its value (`COLUMN=VALUE`).
    pub filters: Vec<(String, String)>,
}

/// A column left out of the import, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IgnoredColumn {
    /// Its header.
    pub name: String,
    /// Why it is not used, in words ("a share or percentage").
    pub reason: String,
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
    /// Columns not used, with the reason (only the first 100 are named).
    pub ignored_columns: Vec<IgnoredColumn>,
    /// How many columns were not used.
    pub ignored_count: usize,
    /// Blank or empty lines skipped.
    pub blank_lines: usize,
    /// Rows left out by the filters.
    pub rows_filtered_out: usize,
    /// The column the file was split by, if it was.
    pub split_by: Option<String>,
    /// What is worth knowing although the file was imported.
    pub warnings: Vec<ResultsWarning>,
}

/// One election's rows, read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElectionTable {
    /// The value of the split-by column for this election, when the file was split.
    pub value: Option<String>,
    /// One row per precinct code found.
    pub rows: Vec<ResultRow>,
    /// The lists, as `ResultRow::votes` indexes them.
    pub lists: Vec<String>,
}

/// A results file, read, checked and parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultsTable {
    /// One election, or one per value of the split-by column (in order of first appearance).
    pub elections: Vec<ElectionTable>,
    /// How it was read.
    pub report: ReadReport,
}

/// At most this many ignored columns are named in a report.
const IGNORED_NAMED: usize = 100;

/// Looks up columns by header, exactly or else ignoring case; linear in the columns once.
struct Columns<'a> {
    headers: &'a [String],
    exact: HashMap<&'a str, Vec<usize>>,
    lower: HashMap<String, Vec<usize>>,
}

impl<'a> Columns<'a> {
    fn new(headers: &'a [String]) -> Self {
        let mut exact: HashMap<&str, Vec<usize>> = HashMap::with_capacity(headers.len());
        let mut lower: HashMap<String, Vec<usize>> = HashMap::with_capacity(headers.len());
        for (i, h) in headers.iter().enumerate() {
            exact.entry(h.as_str()).or_default().push(i);
            lower.entry(h.to_lowercase()).or_default().push(i);
        }
        Self {
            headers,
            exact,
            lower,
        }
    }

    /// Up to 20 headers, then "… and N more".
    fn some(&self) -> String {
        let shown: Vec<&str> = self.headers.iter().take(20).map(String::as_str).collect();
        if self.headers.len() > 20 {
            format!("{}, … and {} more", shown.join(", "), self.headers.len() - 20)
        } else {
            shown.join(", ")
        }
    }

    /// The column named `name` for `role`, with a clear error when there is none or two.
    fn find(&self, path: &Path, role: &str, name: &str) -> Result<usize, ImportError> {
        let found = self
            .exact
            .get(name.trim())
            .or_else(|| self.lower.get(&name.trim().to_lowercase()));
        match found.map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(several) => Err(ImportError::Field {
                path: path.to_path_buf(),
                detail: format!(
                    "{} columns are named {name:?} (columns {}), so the {role} column is \
                     ambiguous; rename them in the file",
                    several.len(),
                    several
                        .iter()
                        .take(5)
                        .map(|c| (c + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
            None => {
                let suggestion = self
                    .headers
                    .iter()
                    .map(|h| (strsim::levenshtein(&h.to_lowercase(), &name.to_lowercase()), h))
                    .filter(|(d, _)| *d <= 3)
                    .min_by_key(|(d, _)| *d)
                    .map(|(_, h)| format!("did you mean {h:?}? "))
                    .unwrap_or_default();
                Err(ImportError::Field {
                    path: path.to_path_buf(),
                    detail: format!(
                        "no column named {name:?} for the {role}; {suggestion}columns: {}",
                        self.some()
                    ),
                })
            }
        }
    }
}

/// Whether most filled cells of column `c` (in a sample) are numbers, and how they look.
#[derive(Clone, Copy, Debug, Default)]
struct Values {
    filled: usize,
    numeric: usize,
    fractional: usize,
    negative: usize,
}

impl Values {
    fn of(rows: &[&(usize, csv::StringRecord)], c: usize, decimal_comma: bool) -> Self {
        let mut v = Self::default();
        for (_, r) in rows.iter().take(GUESS_SAMPLE).map(|r| (r.0, &r.1)) {
            let text = r.get(c).unwrap_or("").trim();
            if text.is_empty() {
                continue;
            }
            v.filled += 1;
            if let Ok(Some(x)) = parse_number(text, decimal_comma) {
                v.numeric += 1;
                if x.fract() != 0.0 {
                    v.fractional += 1;
                }
                if x < 0.0 {
                    v.negative += 1;
                }
            }
        }
        v
    }

    /// Mostly numbers: a column of counts with a few bad cells is still a column of counts.
    fn is_numeric(self) -> bool {
        self.filled > 0 && self.numeric * 2 > self.filled
    }

    /// Numbers that cannot be vote counts.
    fn not_counts(self) -> Option<NotList> {
        if self.fractional * 2 > self.numeric {
            Some(NotList::Decimals)
        } else if self.negative * 2 > self.numeric {
            Some(NotList::Negatives)
        } else {
            None
        }
    }
}

/// Rows looked at when guessing what a column holds.
const GUESS_SAMPLE: usize = 2_000;

/// The role a column would get, for the "in doubt" message.
fn role_words(role: Option<Role>, is_list: bool) -> String {
    match role {
        _ if is_list => "votes of a list".to_owned(),
        Some(Role::NotList(n)) => format!("not a list: {}", n.words()),
        Some(r) => r.words().to_owned(),
        None => "not used".to_owned(),
    }
}

/// Reads a results file. `precinct_codes` (the campaign's) help guess the key column: the
/// column whose values match the most distinct precincts wins.
#[allow(clippy::too_many_lines)] // One pass over the choices, in the order the report gives them.
pub fn read_results(
    path: &Path,
    mapping: &ColumnMapping,
    precinct_codes: &[String],
) -> Result<ResultsTable, ImportError> {
    let table = text::read_table(path)?;
    let headers = &table.headers;
    let columns = Columns::new(headers);
    let read: Vec<Header> = headers.iter().map(|h| read_header(h)).collect();
    let field = |detail: String| ImportError::Field {
        path: path.to_path_buf(),
        detail,
    };
    let asked = |role: &str, name: Option<&String>| -> Result<Option<usize>, ImportError> {
        name.map(|n| columns.find(path, role, n)).transpose()
    };

    // Filters and the split column.
    let mut filters = Vec::with_capacity(mapping.filters.len());
    for (name, value) in &mapping.filters {
        filters.push((columns.find(path, "filter", name)?, value.trim()));
    }
    let split = asked("split-by", mapping.split_by.as_ref())?;
    let rows: Vec<&(usize, csv::StringRecord)> = table
        .records
        .iter()
        .filter(|(_, r)| {
            filters
                .iter()
                .all(|&(c, v)| r.get(c).unwrap_or("").trim() == v)
        })
        .collect();
    let rows_filtered_out = table.records.len() - rows.len();
    if rows.is_empty() {
        return Err(field(no_row_matches(headers, &table.records, &filters)));
    }

    // The key.
    let key = if let Some(k) = asked("precinct code", mapping.key.as_ref())? {
        k
    } else {
        let records: Vec<&csv::StringRecord> = rows.iter().map(|r| &r.1).collect();
        let guess = guess_key(&read, &records, precinct_codes);
        let accepted = guess.filter(|&(c, matched)| {
            let distinct: HashSet<&str> = records
                .iter()
                .take(200_000)
                .map(|r| r.get(c).unwrap_or("").trim())
                .filter(|v| !v.is_empty())
                .collect();
            matched * 2 >= precinct_codes.len() || matched * 2 >= distinct.len()
        });
        let Some((k, _)) = accepted else {
            let best = guess.map_or(String::new(), |(c, m)| {
                format!(
                    " (the best, column {:?}, matches only {m} of {} precincts)",
                    headers[c],
                    precinct_codes.len()
                )
            });
            return Err(field(format!(
                "no column matches the campaign's precinct codes{best}; name it with --key \
                 (columns: {})",
                columns.some()
            )));
        };
        k
    };

    // The totals, the list and votes columns of a long file: named, or read from the headers.
    let taken: HashSet<usize> = [Some(key), split]
        .into_iter()
        .flatten()
        .chain(filters.iter().map(|&(c, _)| c))
        .collect();
    // A wide file with columns of several years holds several elections; the lists named
    // say which year is meant, else the import stops and shows each year's columns.
    let prefer_year = match &mapping.lists {
        Some(names) => {
            let years: HashSet<Option<u16>> = names
                .iter()
                .filter_map(|n| columns.find(path, "list", n).ok())
                .map(|c| read[c].year)
                .collect();
            if years.len() == 1 {
                years.into_iter().next().flatten()
            } else {
                None
            }
        }
        None => {
            several_years(path, headers, &read, &taken)?;
            None
        }
    };
    let mut warnings = Vec::new();
    let mut pick = |role: Role, name: Option<&String>| -> Result<Option<usize>, ImportError> {
        if let Some(c) = asked(role.words(), name)? {
            return Ok(Some(c));
        }
        pick_role(path, headers, &read, &taken, role, prefer_year, &mut warnings)
    };
    let registered = pick(Role::Registered, mapping.registered.as_ref())?;
    let voters = pick(Role::Voters, mapping.voters.as_ref())?;
    let valid = pick(Role::Valid, mapping.valid.as_ref())?;
    let list_column = pick(Role::ListName, mapping.list_column.as_ref())?;
    let votes_column = pick(Role::Votes, mapping.votes_column.as_ref())?;
    let used: HashSet<usize> = taken
        .iter()
        .copied()
        .chain([registered, voters, valid].into_iter().flatten())
        .collect();

    // Elections: one, or one per value of the split column.
    let mut groups: Vec<(Option<String>, Vec<&(usize, csv::StringRecord)>)> = Vec::new();
    let mut findings = Findings::default();
    if let Some(s) = split {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for &row in &rows {
            let value = row.1.get(s).unwrap_or("").trim();
            if value.is_empty() {
                findings.problem(ResultsProblem::NoSplitValue {
                    line: row.0,
                    column: headers[s].clone(),
                });
                continue;
            }
            let g = *index.entry(value).or_insert_with(|| {
                groups.push((Some(value.to_owned()), Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(row);
        }
    } else {
        groups.push((None, rows.clone()));
    }

    let layout = mapping.layout.unwrap_or_else(|| {
        let repeats = groups.iter().any(|(_, g)| {
            let mut seen = HashSet::with_capacity(g.len());
            g.iter()
                .any(|r| !seen.insert(r.1.get(key).unwrap_or("").trim()))
        });
        if list_column.is_some() && votes_column.is_some() && repeats {
            Layout::Long
        } else {
            Layout::Wide
        }
    });

    // What every other column is, and the lists of a wide file.
    let mut roles: Vec<(usize, Option<Role>, bool)> = Vec::new();
    let mut lists = Vec::new();
    match layout {
        Layout::Long => {
            let (Some(l), Some(v)) = (list_column, votes_column) else {
                return Err(field(format!(
                    "a long-format file needs a list (candidate, party) column and a votes \
                     column; name them with --list-column and --votes-column (columns: {})",
                    columns.some()
                )));
            };
            if l == v || used.contains(&l) || used.contains(&v) {
                return Err(field(
                    "the list and votes columns must be two other columns than the key and \
                     the totals"
                        .to_owned(),
                ));
            }
        }
        Layout::Wide => {
            if let Some(names) = &mapping.lists {
                for n in names {
                    let c = columns.find(path, "list", n)?;
                    if used.contains(&c) || c == key {
                        return Err(field(format!(
                            "column {n:?} is already used as the key or a total; it cannot also \
                             be a list"
                        )));
                    }
                    lists.push(c);
                }
            } else {
                for c in (0..headers.len()).filter(|c| !used.contains(c)) {
                    let values = Values::of(&rows, c, table.decimal_comma);
                    if !values.is_numeric() {
                        continue;
                    }
                    let role = read[c].role.or_else(|| values.not_counts().map(Role::NotList));
                    let is_list = role.is_none();
                    if is_list {
                        lists.push(c);
                    }
                    roles.push((c, role, is_list));
                }
                let in_doubt = roles.iter().any(|&(_, r, _)| {
                    matches!(
                        r,
                        Some(Role::NotList(NotList::Decimals | NotList::Negatives))
                    )
                });
                if in_doubt {
                    return Err(field(doubt(headers, key, &used, &roles)));
                }
                check_years(path, headers, &read, &lists, [registered, voters, valid])?;
            }
            if lists.is_empty() {
                return Err(field(format!(
                    "no column of votes per list found; name them with --lists (columns: {})",
                    columns.some()
                )));
            }
        }
    }

    let plan = Plan {
        layout,
        key,
        registered,
        voters,
        valid,
        lists,
        long: list_column.zip(votes_column),
        missing_as_empty: mapping.missing_as_empty,
        decimal_comma: table.decimal_comma,
    };
    let elections: Vec<ElectionTable> = groups
        .iter()
        .map(|(value, records)| {
            let (rows, lists) = build::build(&plan, headers, records, &mut findings);
            ElectionTable {
                value: value.clone(),
                rows,
                lists,
            }
        })
        .collect();
    if findings.total > 0 {
        let could_be_missing = findings.problems.iter().any(ResultsProblem::could_be_missing);
        let doubled = findings
            .problems
            .iter()
            .find_map(|p| match p {
                ResultsProblem::SecondRow {
                    differs: Some((c, a, _)),
                    ..
                } => Some((c.clone(), a.clone())),
                _ => None,
            });
        let hint = match (could_be_missing, doubled) {
            (_, Some((c, a))) => Some(format!(
                "the rows differ in column {c}: import each {c} as its own election with \
                 --split-by {}, or keep one kind of row with --where {}={}",
                arg(&c),
                arg(&c),
                arg(&a.0)
            )),
            (true, None) => Some(
                "--missing-as-empty stores unreadable cells as missing values (counted in the \
                 report) instead"
                    .to_owned(),
            ),
            _ => None,
        };
        return Err(ImportError::Results {
            path: path.to_path_buf(),
            problems: findings.problems,
            total: findings.total,
            hint,
        });
    }
    warnings.extend(findings.warnings(headers, key));

    let used_all: HashSet<usize> = used
        .iter()
        .copied()
        .chain(plan.lists.iter().copied())
        .chain(plan.long.iter().flat_map(|&(l, v)| [l, v]))
        .collect();
    let role_of: HashMap<usize, Option<Role>> =
        roles.iter().map(|&(c, role, _)| (c, role)).collect();
    let ignored: Vec<usize> = (0..headers.len())
        .filter(|c| !used_all.contains(c))
        .collect();
    let report = ReadReport {
        encoding: table.encoding,
        delimiter: match table.delimiter {
            b'\t' => "tab".to_owned(),
            d => (d as char).to_string(),
        },
        decimal_comma: table.decimal_comma,
        layout,
        key: headers[key].clone(),
        registered: registered.map(|c| headers[c].clone()),
        voters: voters.map(|c| headers[c].clone()),
        valid: valid.map(|c| headers[c].clone()),
        list_columns: match plan.long {
            Some((l, v)) if layout == Layout::Long => vec![headers[l].clone(), headers[v].clone()],
            _ => plan.lists.iter().map(|&c| headers[c].clone()).collect(),
        },
        ignored_count: ignored.len(),
        ignored_columns: ignored
            .iter()
            .take(IGNORED_NAMED)
            .map(|&c| IgnoredColumn {
                name: headers[c].clone(),
                reason: match role_of.get(&c).copied().flatten().or(read[c].role) {
                    Some(Role::NotList(n)) => n.words().to_owned(),
                    Some(Role::Identifier) => "an identifier".to_owned(),
                    Some(r) => format!("another {} column", r.words()),
                    None if mapping.lists.is_some() => "not among the lists named".to_owned(),
                    None => "text".to_owned(),
                },
            })
            .collect(),
        blank_lines: table.blank_lines,
        rows_filtered_out,
        split_by: split.map(|c| headers[c].clone()),
        warnings,
    };
    Ok(ResultsTable { elections, report })
}

/// Picks the column for `role` among those whose header says so: an exact header before a
/// close spelling (said in a warning), the earliest known name first; two equally good
/// columns are a doubt, refused.
fn pick_role(
    path: &Path,
    headers: &[String],
    read: &[Header],
    taken: &HashSet<usize>,
    role: Role,
    prefer_year: Option<u16>,
    warnings: &mut Vec<ResultsWarning>,
) -> Result<Option<usize>, ImportError> {
    let mut candidates: Vec<usize> = (0..headers.len())
        .filter(|c| !taken.contains(c) && read[*c].role == Some(role))
        .collect();
    if prefer_year.is_some() {
        let of_year: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| read[c].year.is_none() || read[c].year == prefer_year)
            .collect();
        if !of_year.is_empty() {
            candidates = of_year;
        }
    }
    let exact: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| read[c].like.is_none())
        .collect();
    let close: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| read[c].like.is_some())
        .collect();
    if let (Some(&e), Some(&c)) = (exact.first(), close.first()) {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: format!(
                "column {:?} reads like {:?}, but column {:?} is the {} already: did you mean \
                 another name? Name the lists with --lists and the {} with --{}",
                headers[c],
                read[c].like.unwrap_or_default(),
                headers[e],
                role.words(),
                role.words(),
                role.option()
            ),
        });
    }
    let pool = if exact.is_empty() { &close } else { &exact };
    // The best-ranked known name wins ("exprimés" before "total"); equals are a doubt.
    let rank = |c: usize| read[c].normalised.clone();
    let best: Vec<usize> = match pool.as_slice() {
        [] => return Ok(None),
        [one] => vec![*one],
        several => {
            let order = columns::known_rank;
            let top = several
                .iter()
                .map(|&c| order(&rank(c)))
                .min()
                .unwrap_or(usize::MAX);
            several
                .iter()
                .copied()
                .filter(|&c| order(&rank(c)) == top)
                .collect()
        }
    };
    if let [one] = best.as_slice() {
        if let Some(like) = read[*one].like {
            warnings.push(ResultsWarning::HeaderMatched {
                header: headers[*one].clone(),
                role: role.words(),
                like,
                option: role.option(),
            });
        }
        return Ok(Some(*one));
    }
    let names: Vec<String> = best.iter().map(|&c| format!("{:?}", headers[c])).collect();
    Err(ImportError::Field {
        path: path.to_path_buf(),
        detail: format!(
            "columns {} could each be the {}; name one with --{}{}",
            names.join(" and "),
            role.words(),
            role.option(),
            if best.iter().any(|&c| read[c].year.is_some()) {
                " (a file with several years holds several elections: import one at a time)"
            } else {
                ""
            }
        ),
    })
}

/// Refuses a file whose count columns carry several years ("dem_2016", "dem_2020"), showing
/// each year's columns and the options that import one year.
fn several_years(
    path: &Path,
    headers: &[String],
    read: &[Header],
    taken: &HashSet<usize>,
) -> Result<(), ImportError> {
    let mut by_year: Vec<(u16, Vec<usize>)> = Vec::new();
    for c in (0..headers.len()).filter(|c| !taken.contains(c)) {
        let counts = matches!(
            read[c].role,
            None | Some(Role::Registered | Role::Voters | Role::Valid)
        );
        if let (Some(y), true) = (read[c].year, counts) {
            match by_year.iter_mut().find(|(year, _)| *year == y) {
                Some((_, cs)) => cs.push(c),
                None => by_year.push((y, vec![c])),
            }
        }
    }
    if by_year.len() < 2 {
        return Ok(());
    }
    by_year.sort_unstable();
    let options = |cs: &[usize]| {
        let lists: Vec<&str> = cs
            .iter()
            .filter(|&&c| read[c].role.is_none())
            .map(|&c| headers[c].as_str())
            .collect();
        let mut text = format!("--lists {}", arg(&lists.join(",")));
        for role in [Role::Registered, Role::Voters, Role::Valid] {
            if let Some(&c) = cs.iter().find(|&&c| read[c].role == Some(role)) {
                text.push_str(&format!(" --{} {}", role.option(), arg(&headers[c])));
            }
        }
        text
    };
    let listed: Vec<String> = by_year
        .iter()
        .take(10)
        .map(|(y, cs)| format!("  {y}: {}", options(cs)))
        .collect();
    Err(ImportError::Field {
        path: path.to_path_buf(),
        detail: format!(
            "the columns belong to {} elections (one per year); import one election at a time \
             with its columns, each under its own --election name:\n{}",
            by_year.len(),
            listed.join("\n")
        ),
    })
}

/// Refuses list columns of several years: a wide file with `dem_2016` and `dem_2020` holds two
/// elections, never one.
fn check_years(
    path: &Path,
    headers: &[String],
    read: &[Header],
    lists: &[usize],
    totals: [Option<usize>; 3],
) -> Result<(), ImportError> {
    let mut by_year: Vec<(u16, Vec<usize>)> = Vec::new();
    for &c in lists.iter().chain(totals.iter().flatten()) {
        if let Some(y) = read[c].year {
            match by_year.iter_mut().find(|(year, _)| *year == y) {
                Some((_, cs)) => cs.push(c),
                None => by_year.push((y, vec![c])),
            }
        }
    }
    if by_year.len() < 2 {
        return Ok(());
    }
    by_year.sort_unstable();
    let listed: Vec<String> = by_year
        .iter()
        .map(|(y, cs)| {
            let names: Vec<&str> = cs.iter().take(8).map(|&c| headers[c].as_str()).collect();
            format!("  {y}: {}", names.join(", "))
        })
        .collect();
    let (first_year, first) = &by_year[0];
    let first_lists: Vec<&str> = first
        .iter()
        .filter(|c| lists.contains(c))
        .map(|&c| headers[c].as_str())
        .collect();
    Err(ImportError::Field {
        path: path.to_path_buf(),
        detail: format!(
            "the columns belong to {} elections:\n{}\nimport one election at a time, e.g. \
             --election \"NAME {first_year}\" --lists {}",
            by_year.len(),
            listed.join("\n"),
            first_lists.join(",")
        ),
    })
}

/// The message when the roles of numeric columns are in doubt: each with the role it would get.
fn doubt(
    headers: &[String],
    key: usize,
    used: &HashSet<usize>,
    roles: &[(usize, Option<Role>, bool)],
) -> String {
    let width = headers.iter().map(|h| h.chars().count()).max().unwrap_or(0).min(30);
    let mut lines = vec![format!("  {:<width$}  precinct code (key)", headers[key])];
    let mut used: Vec<usize> = used.iter().copied().filter(|&c| c != key).collect();
    used.sort_unstable();
    lines.extend(
        used.iter()
            .map(|&c| format!("  {:<width$}  {}", headers[c], "a total (used)")),
    );
    lines.extend(
        roles
            .iter()
            .map(|&(c, role, is_list)| format!("  {:<width$}  {}", headers[c], role_words(role, is_list))),
    );
    let total = lines.len();
    lines.truncate(40);
    if total > 40 {
        lines.push(format!("  … and {} more", total - 40));
    }
    format!(
        "some numeric columns cannot be vote counts, so which columns are the lists is in doubt \
         and nothing was imported. The numeric columns and the role each would get:\n{}\nname \
         the lists with --lists A,B,… (and the totals with --registered, --voters, --valid)",
        lines.join("\n")
    )
}

/// Why no row passed the filters: the values a filtered column does hold when the value
/// asked is not among them, else that no row meets every condition at once.
fn no_row_matches(
    headers: &[String],
    records: &[(usize, csv::StringRecord)],
    filters: &[(usize, &str)],
) -> String {
    let mut parts = Vec::new();
    for &(c, v) in filters {
        let mut values: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for (_, r) in records {
            let x = r.get(c).unwrap_or("").trim();
            if seen.insert(x) && values.len() < 20 {
                values.push(x);
            }
        }
        if seen.contains(v) {
            continue;
        }
        let close = values
            .iter()
            .find(|x| x.eq_ignore_ascii_case(v) || strsim::levenshtein(x, v) <= 2)
            .map(|x| format!(" (did you mean {x:?}?)"))
            .unwrap_or_default();
        parts.push(format!(
            "no row has {:?} in column {:?}{close}; its values: {}{}",
            v,
            headers[c],
            values.join(", "),
            if seen.len() > 20 { ", …" } else { "" }
        ));
    }
    if parts.is_empty() {
        let all: Vec<String> = filters
            .iter()
            .map(|&(c, v)| format!("{}={v}", headers[c]))
            .collect();
        return format!("no row meets every condition at once ({})", all.join(" and "));
    }
    parts.join("; ")
}

/// A column name as it would be typed on a command line.
fn arg(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ',')) {
        name.to_owned()
    } else {
        format!("{name:?}")
    }
}

/// What importing one election did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ElectionImport {
    /// The election.
    pub election: ElectionMeta,
    /// The lists found.
    pub lists: Vec<String>,
    /// How it joined the precincts.
    pub join: JoinReport,
    /// What was written.
    pub written: ResultsWritten,
}

/// What importing a results file did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ResultsImport {
    /// How the file was read.
    pub read: ReadReport,
    /// The elections imported (one per value of the split-by column when split).
    pub elections: Vec<ElectionImport>,
}

/// Reads a results file, joins it to the campaign's precincts and stores it as `election`
/// (or, split, as one election per value named "NAME VALUE"), all or nothing. Rows whose code
/// matches no precinct are kept (and reported); a precinct on two rows stops the import, since
/// adding or choosing between them would be a guess.
pub fn import_results(
    campaign: &mut Campaign,
    path: &Path,
    election: &ElectionMeta,
    mapping: &ColumnMapping,
) -> Result<ResultsImport, ImportError> {
    let field = |detail: String| ImportError::Field {
        path: path.to_path_buf(),
        detail,
    };
    if election.name.trim().is_empty() {
        return Err(field("the election needs a name (--election)".to_owned()));
    }
    if let Some(round) = election.round
        && !(1..=2).contains(&round)
    {
        return Err(field(format!("the round is 1 or 2, not {round}")));
    }
    let codes = campaign.precinct_codes()?;
    if codes.is_empty() {
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail:
                "the campaign has no precincts to join results to; import precinct shapes first"
                    .to_owned(),
        });
    }
    let table = read_results(path, mapping, &codes)?;
    let mut joined = Vec::with_capacity(table.elections.len());
    for e in &table.elections {
        let meta = ElectionMeta {
            name: match &e.value {
                Some(v) => format!("{} {v}", election.name.trim()),
                None => election.name.trim().to_owned(),
            },
            ..election.clone()
        };
        let (matches, join) = join(&codes, &e.rows);
        let which = e
            .value
            .as_ref()
            .map(|_| format!(" in election {:?}", meta.name))
            .unwrap_or_default();
        if !join.duplicates.is_empty() {
            let listed: Vec<String> = join
                .duplicates
                .iter()
                .map(|(code, lines)| {
                    let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
                    format!("precinct {code} on lines {}", lines.join(", "))
                })
                .collect();
            return Err(ImportError::Format {
                path: path.to_path_buf(),
                detail: format!(
                    "{} precincts have more than one row{which}, so nothing was imported:\n{}",
                    join.duplicates.len(),
                    list(&listed)
                ),
            });
        }
        if join.matched == 0 {
            return Err(field(format!(
                "no row{which} matches a precinct through column {:?} (e.g. {:?} vs the \
                 campaign's {:?}); name the key column with --key",
                table.report.key,
                e.rows.first().map(|r| r.code.clone()).unwrap_or_default(),
                codes.first().cloned().unwrap_or_default()
            )));
        }
        joined.push((meta, matches, join));
    }
    let batches: Vec<ElectionResults<'_>> = table
        .elections
        .iter()
        .zip(&joined)
        .map(|(e, (meta, matches, _))| ElectionResults {
            meta,
            lists: &e.lists,
            rows: &e.rows,
            codes: matches,
        })
        .collect();
    let written = campaign.store_results(&batches)?;
    let elections = table
        .elections
        .iter()
        .zip(joined)
        .zip(written)
        .map(|((e, (meta, _, join)), written)| ElectionImport {
            election: meta,
            lists: e.lists.clone(),
            join,
            written,
        })
        .collect();
    Ok(ResultsImport {
        read: table.report,
        elections,
    })
}

//! A results file read into elections: filters, the key, the role of every column, the
//! layout, the lists, then the rows of each election, checked; the report of how it was read.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::build::{self, Findings, Plan};
use super::choose::{arg, check_years, doubt, no_row_matches, pick_role, several_years};
use super::columns::{Header, NotList, Role, guess_key, read_header};
use super::problems::ResultsProblem;
use super::{
    ColumnMapping, ElectionTable, IgnoredColumn, Layout, ReadReport, ResultsTable, parse_number,
    text,
};
use crate::io::ImportError;

/// Records of the file, each with its line.
type Records<'a> = Vec<&'a (usize, csv::StringRecord)>;

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
            format!(
                "{}, … and {} more",
                shown.join(", "),
                self.headers.len() - 20
            )
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
                    .map(|h| {
                        (
                            strsim::levenshtein(&h.to_lowercase(), &name.to_lowercase()),
                            h,
                        )
                    })
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
    let rows: Records<'_> = table
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
    let prefer_year = if let Some(names) = &mapping.lists {
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
    } else {
        several_years(path, headers, &read, &taken)?;
        None
    };
    let mut warnings = Vec::new();
    let mut pick = |role: Role, name: Option<&String>| -> Result<Option<usize>, ImportError> {
        if let Some(c) = asked(role.words(), name)? {
            return Ok(Some(c));
        }
        pick_role(
            path,
            headers,
            &read,
            &taken,
            role,
            prefer_year,
            &mut warnings,
        )
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
    let mut groups: Vec<(Option<String>, Records<'_>)> = Vec::new();
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
                    let role = read[c]
                        .role
                        .or_else(|| values.not_counts().map(Role::NotList));
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
        let could_be_missing = findings
            .problems
            .iter()
            .any(ResultsProblem::could_be_missing);
        let doubled = findings.problems.iter().find_map(|p| match p {
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

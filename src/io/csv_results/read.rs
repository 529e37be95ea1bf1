//! A results file read into elections: filters, the key, the role of every column, the
//! layout, the lists, then the rows of each election, checked; the report of how it was read.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::build::{self, Findings, Plan};
use super::choose::{arg, doubt, no_row_matches, pick_role, several_years};
use super::columns::{Header, NotList, Role, guess_key, names_a_contest, read_header};
use super::problems::{ResultsProblem, ResultsWarning};
use super::values::{
    Columns, GUESS_SAMPLE, IGNORED_NAMED, Records, Values, repeated_blocks, sum_of_others,
};
use super::{ColumnMapping, ElectionTable, IgnoredColumn, Layout, ReadReport, ResultsTable, text};
use crate::io::ImportError;

/// Reads a results file. `precinct_codes` (the campaign's) help guess the key column: the
/// column whose values match the most distinct precincts wins.
#[allow(clippy::too_many_lines)] // One pass over the choices, in the order the report gives them.
pub fn read_results(
    path: &Path,
    mapping: &ColumnMapping,
    precinct_codes: &[String],
) -> Result<ResultsTable, ImportError> {
    // The ministry's per-bureau files: one block of columns per candidate, read streaming.
    if matches!(mapping.layout, None | Some(Layout::Blocks)) && super::ministry::sniff(path)? {
        let (mut table, attributes) = super::ministry::read(
            path,
            &mapping.filters,
            mapping.key.as_deref(),
            precinct_codes,
        )?;
        table.list_attributes = attributes;
        return Ok(table);
    }
    let mut table = text::read_table_in(path, text::TableOf::Results, mapping.sheet.as_deref())?;
    super::long_keys::with_commune_bureau_key(&mut table, mapping, precinct_codes);
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
        // The key covers most of the campaign (a file of its own), or most of its values are
        // codes of the campaign (a file covering more, a nation for a county): a column of
        // votes whose numbers happen to match some codes is neither.
        let distinct_of = |c: usize| {
            records
                .iter()
                .take(200_000)
                .map(|r| r.get(c).unwrap_or("").trim())
                .filter(|v| !v.is_empty())
                .collect::<HashSet<&str>>()
                .len()
        };
        let accepted = guess.filter(|&(c, matched)| {
            matched * 2 >= precinct_codes.len() || matched * 10 >= distinct_of(c) * 9
        });
        let Some((k, _)) = accepted else {
            let best = guess.map_or(String::new(), |(c, m)| {
                format!(
                    " (the best, column {:?}, matches {m} of its {} values and {m} of the \
                     campaign's {} precincts: is this file for this campaign?)",
                    headers[c],
                    distinct_of(c),
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
    let chosen = [
        (Some(key), "precinct code"),
        (registered, Role::Registered.words()),
        (voters, Role::Voters.words()),
        (valid, Role::Valid.words()),
        (list_column, Role::ListName.words()),
        (votes_column, Role::Votes.words()),
    ];
    for (i, (a, a_role)) in chosen.iter().enumerate() {
        if let Some((_, b_role)) = chosen[i + 1..].iter().find(|(b, _)| a.is_some() && b == a) {
            return Err(field(format!(
                "column {:?} cannot be both the {a_role} and the {b_role}",
                headers[a.unwrap_or_default()]
            )));
        }
    }
    let mut valid = valid;
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

    // Long when the list and votes columns were named, or found and a precinct has several
    // rows (or their headers leave no doubt: "candidate" and "votes", not "name" and "count").
    let layout = mapping.layout.unwrap_or_else(|| {
        let named = mapping.list_column.is_some() || mapping.votes_column.is_some();
        let repeats = groups.iter().any(|(_, g)| {
            let mut seen = HashSet::with_capacity(g.len());
            g.iter()
                .any(|r| !seen.insert(r.1.get(key).unwrap_or("").trim()))
        });
        let strong = |c: Option<usize>| {
            c.is_some_and(|c| {
                !matches!(
                    read[c].normalised.as_str(),
                    "name" | "nom" | "count" | "option" | "choice"
                )
            })
        };
        let found = list_column.is_some() && votes_column.is_some();
        if named || (found && (repeats || (strong(list_column) && strong(votes_column)))) {
            Layout::Long
        } else {
            Layout::Wide
        }
    });

    // What every other column is, and the lists of a wide file.
    let mut roles: Vec<(usize, Option<Role>, bool)> = Vec::new();
    let mut lists = Vec::new();
    match layout {
        Layout::Blocks => {
            return Err(field(
                "this file is not in the ministry's per-bureau layout (a block of columns per \
                 candidate after \"Code du b.vote\"); leave --format out to have it guessed"
                    .to_owned(),
            ));
        }
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
            // A column naming the contest ("office", "Race") with several values: the rows of
            // several contests would add up into one election.
            for c in (0..headers.len())
                .filter(|&c| !used.contains(&c) && c != l && c != v && names_a_contest(&read[c]))
            {
                let mut values: Vec<&str> = Vec::new();
                for (_, r) in rows.iter().map(|r| (r.0, &r.1)) {
                    let x = r.get(c).unwrap_or("").trim();
                    if !x.is_empty() && !values.contains(&x) {
                        values.push(x);
                        if values.len() > 20 {
                            break;
                        }
                    }
                }
                if values.len() > 1 {
                    let shown: Vec<&str> = values.iter().take(5).copied().collect();
                    return Err(field(format!(
                        "column {:?} holds several contests ({}{}): their candidates would be \
                         added into one election; import one with --where {}={}, or each as \
                         its own election with --split-by {}",
                        headers[c],
                        shown.join(", "),
                        if values.len() > 5 { ", …" } else { "" },
                        arg(&headers[c]),
                        arg(values[0]),
                        arg(&headers[c])
                    )));
                }
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
                    if lists.contains(&c) {
                        return Err(field(format!("list {n:?} is named twice in --lists")));
                    }
                    lists.push(c);
                }
            } else {
                for c in (0..headers.len()).filter(|c| !used.contains(c)) {
                    let values = Values::of(&rows, c, table.decimal_comma);
                    let role = if read[c].normalised.is_empty() && read[c].year.is_none() {
                        if values.numeric == 0 {
                            continue;
                        }
                        Some(Role::NotList(NotList::NoHeader))
                    } else if values.is_numeric() {
                        read[c]
                            .role
                            .or_else(|| values.not_counts().map(Role::NotList))
                    } else if values.is_mixed() && read[c].role.is_none() {
                        Some(Role::NotList(NotList::Mixed))
                    } else {
                        continue;
                    };
                    let is_list = role.is_none();
                    if is_list {
                        lists.push(c);
                    }
                    roles.push((c, role, is_list));
                }
                let in_doubt = roles.iter().any(|&(_, r, _)| {
                    matches!(
                        r,
                        Some(Role::NotList(
                            NotList::Decimals
                                | NotList::Negatives
                                | NotList::Mixed
                                | NotList::NoHeader
                        ))
                    )
                });
                if in_doubt {
                    return Err(field(doubt(headers, key, &used, &roles)));
                }
                // A column holding the sum of the others is a total, not a list; without a
                // valid-votes column it is the valid votes.
                if let Some(sum) = sum_of_others(&rows, &lists, table.decimal_comma) {
                    lists.retain(|&c| c != sum);
                    if let Some(entry) = roles.iter_mut().find(|(c, _, _)| *c == sum) {
                        *entry = (sum, Some(Role::NotList(NotList::SumOfLists)), false);
                    }
                    if valid.is_none() {
                        valid = Some(sum);
                        warnings.push(ResultsWarning::ValidFound {
                            column: headers[sum].clone(),
                            how: "it holds the sum of the lists on every row",
                        });
                    }
                }
                if valid.is_none() {
                    // A lone column headed as a total ("Grand total") is the valid votes.
                    let totals: Vec<usize> = roles
                        .iter()
                        .filter(|(_, r, _)| *r == Some(Role::NotList(NotList::Total)))
                        .map(|(c, _, _)| *c)
                        .collect();
                    if let [only] = totals.as_slice() {
                        valid = Some(*only);
                        warnings.push(ResultsWarning::ValidFound {
                            column: headers[*only].clone(),
                            how: "its header reads as a total and no column is headed valid votes",
                        });
                    }
                }
            }
            let mut names: HashMap<String, usize> = HashMap::new();
            for &c in &lists {
                let same = headers[c]
                    .to_lowercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(first) = names.insert(same, c) {
                    return Err(field(format!(
                        "columns {} and {} are both named {:?}{}: rename one in the file, or \
                         name the lists with --lists",
                        first + 1,
                        c + 1,
                        headers[c],
                        if headers[first] == headers[c] {
                            String::new()
                        } else {
                            format!(" (written {:?} the first time)", headers[first])
                        }
                    )));
                }
            }
            if mapping.lists.is_none() {
                repeated_blocks(path, headers, &read, &lists)?;
            }
            if lists.is_empty() {
                return Err(field(format!(
                    "no column of votes per list found; name them with --lists (columns: {})",
                    columns.some()
                )));
            }
        }
    }

    // A file of semicolons usually writes "1.234" for a thousand and more; one whose numbers
    // show a dot that cannot group thousands ("1204.000", "12.5") writes decimals with a dot,
    // and "800.000" there is 800.
    let dots_are_decimal = table.decimal_comma
        && (0..headers.len()).any(|c| {
            rows.iter().take(GUESS_SAMPLE).any(|r| {
                let cell = r.1.get(c).unwrap_or("").trim();
                cell.split_once('.').is_some_and(|(int, frac)| {
                    let int = int.trim_start_matches(['-', '+']);
                    !cell.contains(',')
                        && !int.is_empty()
                        && int.bytes().all(|b| b.is_ascii_digit())
                        && !frac.is_empty()
                        && frac.bytes().all(|b| b.is_ascii_digit())
                        && (int.len() > 3 || frac.len() != 3)
                })
            })
        });
    let plan = Plan {
        layout,
        key,
        registered,
        voters,
        valid,
        lists,
        long: list_column.zip(votes_column),
        missing_as_empty: mapping.missing_as_empty,
        decimal_comma: table.decimal_comma && !dots_are_decimal,
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
    let guessed_lists = layout == Layout::Wide && mapping.lists.is_none();
    if guessed_lists && findings.lists_over * 2 > findings.rows {
        // Most rows have lists over their valid votes: a column taken for a list is not one.
        return Err(field(format!(
            "the lists add up to more than the valid votes on {} of {} rows, so a column taken \
             for a list is probably not one. {}",
            findings.lists_over,
            findings.rows,
            doubt(headers, key, &used, &roles)
        )));
    }
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
        let names_lists = |c: &str| {
            headers
                .iter()
                .position(|h| h == c)
                .is_some_and(|i| read[i].role == Some(Role::ListName))
        };
        let hint = match (could_be_missing, doubled) {
            (_, Some((c, _))) if names_lists(&c) => Some(format!(
                "the rows differ in column {c}, which names lists too: read each of its values \
                 as a list with --list-column {} (a candidate on two lines then counts as two \
                 lists: name both with --ours)",
                arg(&c)
            )),
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
    if let (Layout::Long, Some((l, _))) = (layout, plan.long)
        && !findings.list_rows.is_empty()
    {
        warnings.push(ResultsWarning::ListRowsRead {
            column: headers[l].clone(),
            names: findings.list_rows.clone(),
        });
    }

    let used_all: HashSet<usize> = used
        .iter()
        .copied()
        .chain(plan.lists.iter().copied())
        .chain(plan.valid)
        .chain(plan.long.iter().flat_map(|&(l, v)| [l, v]))
        .collect();
    let role_of: HashMap<usize, Option<Role>> =
        roles.iter().map(|&(c, role, _)| (c, role)).collect();
    let ignored: Vec<usize> = (0..headers.len())
        .filter(|c| !used_all.contains(c))
        .collect();
    // Long layout: totals read from rows of the list column ("Registered Voters").
    let from_rows = |role: Role| {
        let (l, _) = plan.long.filter(|_| layout == Layout::Long)?;
        findings
            .list_rows
            .iter()
            .find(|(_, what)| what == role.words())
            .map(|(name, _)| format!("{} = {name:?}", headers[l]))
    };
    let report = ReadReport {
        encoding: table.encoding,
        delimiter: match table.delimiter {
            b'\t' => "tab".to_owned(),
            d => (d as char).to_string(),
        },
        decimal_comma: plan.decimal_comma,
        layout,
        key: headers[key].clone(),
        registered: registered
            .map(|c| headers[c].clone())
            .or_else(|| from_rows(Role::Registered)),
        voters: voters
            .map(|c| headers[c].clone())
            .or_else(|| from_rows(Role::Voters)),
        valid: plan
            .valid
            .map(|c| headers[c].clone())
            .or_else(|| from_rows(Role::Valid)),
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
        title_lines: table.title_lines,
        rows_read: rows.len(),
        rows_filtered_out,
        split_by: split.map(|c| headers[c].clone()),
        warnings,
    };
    // A long file naming each list's nuance (or party): kept as the list's attribute.
    let list_attributes = match plan.long.filter(|_| layout == Layout::Long) {
        Some((l, _)) => super::long_keys::list_nuances(
            &read,
            rows.iter().map(|r| &r.1),
            l,
            elections.iter().flat_map(|e| e.lists.iter()),
        ),
        None => Vec::new(),
    };
    Ok(ResultsTable {
        elections,
        report,
        list_attributes,
    })
}

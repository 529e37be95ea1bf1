//! Result rows from the records of one election: every count checked (whole, not negative,
//! finite, plausible), every row's figures checked against each other, and every problem
//! kept with its line, so a file is imported whole or not at all.

use std::collections::HashMap;

use super::Layout;
use super::columns::{Role, read_header};
use super::number::{CountIssue, parse_count};
use super::problems::{Lines, Quoted, ResultsProblem, ResultsWarning};
use crate::domain::results::{Figures, ResultRow};

/// Which columns hold what, once chosen.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The layout.
    pub layout: Layout,
    /// The precinct code column.
    pub key: usize,
    /// Registered voters.
    pub registered: Option<usize>,
    /// Voters.
    pub voters: Option<usize>,
    /// Valid votes.
    pub valid: Option<usize>,
    /// Wide layout: the list columns.
    pub lists: Vec<usize>,
    /// Long layout: the list name and votes columns.
    pub long: Option<(usize, usize)>,
    /// Unreadable cells are stored as missing.
    pub missing_as_empty: bool,
    /// Numbers use a decimal comma.
    pub decimal_comma: bool,
}

/// Problems and warnings gathered over the whole file.
#[derive(Debug, Default)]
pub struct Findings {
    /// The first problems, in file order.
    pub problems: Vec<ResultsProblem>,
    /// All problems found.
    pub total: usize,
    /// Empty count cells per column.
    pub empty: HashMap<usize, Lines>,
    /// Unreadable count cells stored as missing, per column.
    pub unreadable: HashMap<usize, Lines>,
    /// Rows without a precinct code.
    pub no_code: Lines,
    /// Small disagreements accepted as rounding, per kind, with the largest.
    pub rounding: Vec<(Figures, Lines, u64)>,
    /// Rows whose lists add up to more than their valid votes (beyond rounding).
    pub lists_over: usize,
    /// Rows whose lists add up to less than 90 % of their valid votes.
    pub lists_short: Lines,
    /// Rows checked for their figures.
    pub rows: usize,
    /// Total rows ("Total", "Ensemble") left out, with one of their codes.
    pub total_rows: (Lines, String),
    /// Long layout: list names read as totals or left out, with what they were read as.
    pub list_rows: Vec<(String, String)>,
    /// Long layout: list names written two ways, merged (first spelling, other spelling).
    pub list_variants: Vec<(String, String)>,
    /// A list found to hold the sum of the others, read as the valid votes.
    pub sum_list: Option<String>,
}

/// At most this many problems are kept to show (the rest are counted).
const KEPT: usize = 20;

impl Findings {
    /// Records a problem.
    pub fn problem(&mut self, problem: ResultsProblem) {
        self.total += 1;
        if self.problems.len() < KEPT {
            self.problems.push(problem);
        }
    }

    /// The warnings for the report, in a stable order.
    pub fn warnings(&self, headers: &[String], key: usize) -> Vec<ResultsWarning> {
        let mut out = Vec::new();
        if self.no_code.count > 0 {
            out.push(ResultsWarning::NoCode {
                column: headers[key].clone(),
                count: self.no_code.count,
                lines: self.no_code.first.clone(),
            });
        }
        for (map, unreadable) in [(&self.unreadable, true), (&self.empty, false)] {
            let mut columns: Vec<(&usize, &Lines)> = map.iter().collect();
            columns.sort_unstable_by_key(|(c, _)| **c);
            for (&c, lines) in columns {
                out.push(ResultsWarning::MissingStored {
                    column: headers[c].clone(),
                    count: lines.count,
                    unreadable,
                    lines: lines.first.clone(),
                });
            }
        }
        if self.total_rows.0.count > 0 {
            out.push(ResultsWarning::TotalRows {
                count: self.total_rows.0.count,
                code: self.total_rows.1.clone(),
                lines: self.total_rows.0.first.clone(),
            });
        }
        if self.lists_short.count * 2 > self.rows {
            out.push(ResultsWarning::ListsShort {
                count: self.lists_short.count,
                lines: self.lists_short.first.clone(),
            });
        }
        if !self.list_variants.is_empty() {
            out.push(ResultsWarning::ListsMerged {
                names: self.list_variants.clone(),
            });
        }
        if let Some(list) = &self.sum_list {
            out.push(ResultsWarning::ValidFound {
                column: list.clone(),
                how: "its rows hold the sum of the other lists",
            });
        }
        for (figures, lines, most) in &self.rounding {
            out.push(ResultsWarning::SlightlyOver {
                what: figures.summary(),
                count: lines.count,
                most: u32::try_from(*most).unwrap_or(u32::MAX),
                lines: lines.first.clone(),
            });
        }
        out
    }
}

/// A cell that marks a missing precinct code.
fn no_code(code: &str) -> bool {
    code.is_empty() || ["na", "n/a", "null", "none", "-"].contains(&code.to_lowercase().as_str())
}

/// A row that totals the others ("Total", "Total général", "Sous-total secteur 1",
/// "Ensemble").
fn total_row(code: &str) -> bool {
    let words = super::columns::normalise(code);
    [
        "total", "totals", "totaux", "ensemble", "all", "sum", "somme",
    ]
    .contains(&words.as_str())
        || [
            "total ",
            "totals ",
            "grand total",
            "sous total",
            "subtotal",
            "sub total",
        ]
        .iter()
        .any(|p| words.starts_with(p))
}

/// Skips rows without a code or totalling the others, recording them; `true` to skip.
fn skip_row(findings: &mut Findings, line: usize, code: &str) -> bool {
    if no_code(code) {
        findings.no_code.push(line);
        return true;
    }
    if total_row(code) {
        findings.total_rows.0.push(line);
        if findings.total_rows.1.is_empty() {
            code.clone_into(&mut findings.total_rows.1);
        }
        return true;
    }
    false
}

/// Reads the count in column `c` of a record, recording what is wrong with it.
fn count(
    plan: &Plan,
    headers: &[String],
    findings: &mut Findings,
    line: usize,
    c: usize,
    record: &csv::StringRecord,
) -> Option<u32> {
    let text = record.get(c).unwrap_or("");
    match parse_count(text, plan.decimal_comma) {
        Ok(Some(v)) => Some(v),
        Ok(None) => {
            findings.empty.entry(c).or_default().push(line);
            None
        }
        Err(CountIssue::Missing | CountIssue::NotANumber) if plan.missing_as_empty => {
            findings.unreadable.entry(c).or_default().push(line);
            None
        }
        Err(issue) => {
            let (column, text) = (headers[c].clone(), Quoted::new(text.trim()));
            findings.problem(match issue {
                CountIssue::Missing => ResultsProblem::Missing { line, column, text },
                CountIssue::NotANumber => ResultsProblem::NotANumber { line, column, text },
                CountIssue::Negative => ResultsProblem::Negative { line, column, text },
                CountIssue::Fraction => ResultsProblem::Fraction { line, column, text },
                CountIssue::TooLarge => ResultsProblem::TooLarge { line, column, text },
                CountIssue::Scientific => ResultsProblem::Scientific { line, column, text },
            });
            None
        }
    }
}

/// Builds one election's rows and lists from its records.
pub fn build(
    plan: &Plan,
    headers: &[String],
    records: &[&(usize, csv::StringRecord)],
    findings: &mut Findings,
) -> (Vec<ResultRow>, Vec<String>) {
    let (mut rows, mut lists) = match plan.long {
        Some((list_col, votes_col)) if plan.layout == Layout::Long => {
            build_long(plan, headers, records, list_col, votes_col, findings)
        }
        _ => build_wide(plan, headers, records, findings),
    };
    if plan.layout == Layout::Long
        && let Some(l) = sum_list(&rows, lists.len())
    {
        // A "list" whose votes are the sum of the others ("Votes Cast", "Total") is the
        // valid votes.
        for row in &mut rows {
            let sum = row.votes.iter().find(|(i, _)| *i == l).map(|&(_, v)| v);
            row.votes.retain(|(i, _)| *i != l);
            for (i, _) in &mut row.votes {
                if *i > l {
                    *i -= 1;
                }
            }
            if row.valid.is_none() {
                row.valid = sum;
            }
        }
        findings.sum_list = Some(lists.remove(l));
    }
    check_figures(&rows, findings);
    (rows, lists)
}

fn build_wide(
    plan: &Plan,
    headers: &[String],
    records: &[&(usize, csv::StringRecord)],
    findings: &mut Findings,
) -> (Vec<ResultRow>, Vec<String>) {
    let lists = plan.lists.iter().map(|&c| headers[c].clone()).collect();
    let mut rows = Vec::with_capacity(records.len());
    for (line, record) in records.iter().map(|r| (r.0, &r.1)) {
        let code = record.get(plan.key).unwrap_or("").trim();
        if skip_row(findings, line, code) {
            continue;
        }
        let mut total =
            |c: Option<usize>| c.and_then(|c| count(plan, headers, findings, line, c, record));
        let (registered, voters, valid) = (
            total(plan.registered),
            total(plan.voters),
            total(plan.valid),
        );
        let mut by_list = Vec::with_capacity(plan.lists.len());
        for (l, &c) in plan.lists.iter().enumerate() {
            if let Some(v) = count(plan, headers, findings, line, c, record) {
                by_list.push((l, v));
            }
        }
        rows.push(ResultRow {
            line,
            code: code.to_owned(),
            registered,
            voters,
            valid,
            votes: by_list,
        });
    }
    (rows, lists)
}

/// The first column (other than the votes) where two records differ, with both values.
fn differing(
    headers: &[String],
    a: &csv::StringRecord,
    b: &csv::StringRecord,
    votes_col: usize,
) -> Option<(String, Quoted, Quoted)> {
    (0..a.len().max(b.len()))
        .filter(|&c| c != votes_col)
        .find_map(|c| {
            let (x, y) = (a.get(c).unwrap_or("").trim(), b.get(c).unwrap_or("").trim());
            (x != y).then(|| {
                (
                    headers.get(c).cloned().unwrap_or_default(),
                    Quoted::new(x),
                    Quoted::new(y),
                )
            })
        })
}

fn build_long(
    plan: &Plan,
    headers: &[String],
    records: &[&(usize, csv::StringRecord)],
    list_col: usize,
    votes_col: usize,
    findings: &mut Findings,
) -> (Vec<ResultRow>, Vec<String>) {
    let mut lists: Vec<String> = Vec::new();
    let mut rows: Vec<ResultRow> = Vec::new();
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    // Lists by their name in lower case with single spaces: "Jean DUPONT" and "jean  dupont"
    // are one list, under the first spelling met.
    let mut list_of: HashMap<String, usize> = HashMap::new();
    // (row, list) → the record that gave it, to tell doubled rows apart.
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    // What each list name is: a list, a total (registered, voters, valid) or left out.
    let mut kind_of: HashMap<&str, Option<Role>> = HashMap::new();
    for (i, (line, record)) in records.iter().map(|r| (r.0, &r.1)).enumerate() {
        let code = record.get(plan.key).unwrap_or("").trim();
        if skip_row(findings, line, code) {
            continue;
        }
        let list = record.get(list_col).unwrap_or("").trim();
        if list.is_empty() {
            findings.problem(ResultsProblem::NoListName {
                line,
                column: headers[list_col].clone(),
            });
            continue;
        }
        let kind = *kind_of.entry(list).or_insert_with(|| {
            let role = read_header(list).role;
            match role {
                Some(r @ (Role::Registered | Role::Voters | Role::Valid)) => {
                    findings
                        .list_rows
                        .push((list.to_owned(), r.words().to_owned()));
                    Some(r)
                }
                Some(Role::NotList(n)) => {
                    findings
                        .list_rows
                        .push((list.to_owned(), format!("left out ({})", n.words())));
                    Some(Role::NotList(n))
                }
                _ => None,
            }
        });
        let r = row_for(&mut rows, &mut row_of, code, line);
        if let Some(role) = kind {
            if let Some(v) = count(plan, headers, findings, line, votes_col, record) {
                set_total(findings, &mut rows[r], role, v, line, list);
            }
            continue;
        }
        let same = list
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let l = *list_of.entry(same).or_insert_with(|| {
            lists.push(list.to_owned());
            lists.len() - 1
        });
        if lists[l] != list
            && !findings
                .list_variants
                .iter()
                .any(|(_, v)| v.as_str() == list)
        {
            findings
                .list_variants
                .push((lists[l].clone(), list.to_owned()));
        }
        let votes = count(plan, headers, findings, line, votes_col, record);
        for (c, role) in [
            (plan.registered, Role::Registered),
            (plan.voters, Role::Voters),
            (plan.valid, Role::Valid),
        ] {
            if let Some(c) = c
                && let Some(v) = count(plan, headers, findings, line, c, record)
            {
                set_total(findings, &mut rows[r], role, v, line, &headers[c]);
            }
        }
        if let Some(&first) = seen.get(&(r, l)) {
            let (first_line, first_record) = (records[first].0, &records[first].1);
            findings.problem(ResultsProblem::SecondRow {
                line,
                code: code.to_owned(),
                list: Quoted::new(list),
                first: first_line,
                differs: differing(headers, first_record, record, votes_col),
            });
            continue;
        }
        seen.insert((r, l), i);
        if let Some(v) = votes {
            rows[r].votes.push((l, v));
        }
    }
    (rows, lists)
}

/// The row of precinct `code`, made when it is first met.
fn row_for<'a>(
    rows: &mut Vec<ResultRow>,
    row_of: &mut HashMap<&'a str, usize>,
    code: &'a str,
    line: usize,
) -> usize {
    *row_of.entry(code).or_insert_with(|| {
        rows.push(ResultRow {
            line,
            code: code.to_owned(),
            registered: None,
            voters: None,
            valid: None,
            votes: Vec::new(),
        });
        rows.len() - 1
    })
}

/// Sets one of a long file's totals for a precinct; the same total given twice must agree.
fn set_total(
    findings: &mut Findings,
    row: &mut ResultRow,
    role: Role,
    value: u32,
    line: usize,
    column: &str,
) {
    let slot = match role {
        Role::Registered => &mut row.registered,
        Role::Voters => &mut row.voters,
        Role::Valid => &mut row.valid,
        _ => return,
    };
    match *slot {
        Some(old) if old != value => findings.problem(ResultsProblem::TotalsDiffer {
            line,
            code: row.code.clone(),
            column: column.to_owned(),
            old,
            new: value,
        }),
        _ => *slot = Some(value),
    }
}

/// The list whose votes are the sum of the others' on nine rows in ten (at least three lists
/// and two rows), if one is.
fn sum_list(rows: &[ResultRow], lists: usize) -> Option<usize> {
    if lists < 3 {
        return None;
    }
    let mut agree = vec![0_usize; lists];
    let mut checked = 0;
    for row in rows.iter().filter(|r| r.votes.len() >= 3) {
        checked += 1;
        let total: u64 = row.votes.iter().map(|&(_, v)| u64::from(v)).sum();
        for &(l, v) in &row.votes {
            let v = u64::from(v);
            let others = total - v;
            if v > 0 && v.abs_diff(others) <= 2.max(v / 200) {
                agree[l] += 1;
            }
        }
    }
    if checked < 2 {
        return None;
    }
    let found: Vec<usize> = (0..lists)
        .filter(|&l| agree[l] * 10 >= checked * 9)
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Checks that each row's figures are in order; a few votes over is rounding (a warning), more
/// is a problem.
fn check_figures(rows: &[ResultRow], findings: &mut Findings) {
    for row in rows {
        findings.rows += 1;
        let lists: u64 = row.votes.iter().map(|&(_, v)| u64::from(v)).sum();
        if let Some(valid) = row.valid
            && !row.votes.is_empty()
            && lists * 10 < u64::from(valid) * 9
        {
            findings.lists_short.push(row.line);
        }
        for found in row.inconsistencies() {
            if found.is_rounding() {
                let at = findings
                    .rounding
                    .iter()
                    .position(|(f, _, _)| *f == found.figures);
                let at = at.unwrap_or_else(|| {
                    findings.rounding.push((found.figures, Lines::default(), 0));
                    findings.rounding.len() - 1
                });
                let entry = &mut findings.rounding[at];
                entry.1.push(row.line);
                entry.2 = entry.2.max(found.over());
            } else {
                if found.figures == Figures::ListsOverValid {
                    findings.lists_over += 1;
                }
                findings.problem(ResultsProblem::Inconsistent {
                    line: row.line,
                    code: row.code.clone(),
                    what: found,
                });
            }
        }
    }
}

//! What can be wrong in a results file (each problem stops the import, by line) and what is
//! only worth saying (each warning is printed in the import report).

use std::fmt;

use crate::domain::results::Inconsistency;

/// Cell text quoted in messages is cut to this many characters.
const QUOTED: usize = 40;

/// A cell's text, cut for messages: an unbalanced quote or a huge cell never floods them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Quoted(pub String);

impl Quoted {
    /// The first characters of `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut chars = text.chars();
        let cut: String = chars.by_ref().take(QUOTED).collect();
        if chars.next().is_some() {
            Self(format!("{cut}…"))
        } else {
            Self(cut)
        }
    }
}

impl fmt::Display for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// One reason a results file cannot be imported as it is, with the line of the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ResultsProblem {
    /// A count cell holds something that is not a number.
    #[error("line {line}, column {column}: {text} is not a number")]
    NotANumber {
        /// The file's line.
        line: usize,
        /// The column's header.
        column: String,
        /// The cell.
        text: Quoted,
    },
    /// A count cell holds a word for "no value" ("n.d.", "NA").
    #[error("line {line}, column {column}: {text} marks a missing value")]
    Missing {
        /// The file's line.
        line: usize,
        /// The column's header.
        column: String,
        /// The cell.
        text: Quoted,
    },
    /// A negative count.
    #[error("line {line}, column {column}: {text} is negative; counts cannot be")]
    Negative {
        /// The file's line.
        line: usize,
        /// The column's header.
        column: String,
        /// The cell.
        text: Quoted,
    },
    /// A count with decimals.
    #[error("line {line}, column {column}: {text} is not a whole number of votes")]
    Fraction {
        /// The file's line.
        line: usize,
        /// The column's header.
        column: String,
        /// The cell.
        text: Quoted,
    },
    /// A count larger than any electorate.
    #[error("line {line}, column {column}: {text} is more than any electorate counts")]
    TooLarge {
        /// The file's line.
        line: usize,
        /// The column's header.
        column: String,
        /// The cell.
        text: Quoted,
    },
    /// A count in scientific notation, which has lost digits.
    #[error(
        "line {line}, column {column}: {text} is written in scientific notation, which loses digits; export the column as whole numbers"
    )]
    Scientific {
        /// The file's line.
        line: usize,
        /// The column's header.
        column: String,
        /// The cell.
        text: Quoted,
    },
    /// The row's figures contradict each other by more than rounding.
    #[error("line {line}, precinct {code}: {what}")]
    Inconsistent {
        /// The file's line.
        line: usize,
        /// The precinct code.
        code: String,
        /// Which figures disagree, by how much.
        what: Inconsistency,
    },
    /// Long layout: a precinct and list on two rows.
    #[error("line {line}: precinct {code} has a second row for list {list} (the first is on line {first}){}",
        differs.as_ref().map(|(c, a, b)| format!("; the rows differ in column {c} ({a} then {b})"))
            .unwrap_or_default())]
    SecondRow {
        /// The file's line.
        line: usize,
        /// The precinct code.
        code: String,
        /// The list.
        list: Quoted,
        /// The line of the first row.
        first: usize,
        /// A column whose values tell the two rows apart, with both values.
        differs: Option<(String, Quoted, Quoted)>,
    },
    /// Long layout: a precinct's totals differ between its rows.
    #[error("line {line}: precinct {code} has {column} {new}, but {old} on its earlier rows")]
    TotalsDiffer {
        /// The file's line.
        line: usize,
        /// The precinct code.
        code: String,
        /// The totals column.
        column: String,
        /// The earlier value.
        old: u32,
        /// This row's value.
        new: u32,
    },
    /// Long layout: a row without a list name.
    #[error("line {line}: no list name in column {column}")]
    NoListName {
        /// The file's line.
        line: usize,
        /// The list column.
        column: String,
    },
    /// `--split-by`: a row without a value in the splitting column.
    #[error("line {line}: no value in column {column}, so the row belongs to no election")]
    NoSplitValue {
        /// The file's line.
        line: usize,
        /// The splitting column.
        column: String,
    },
}

impl ResultsProblem {
    /// Whether `--missing-as-empty` would let this cell in as a missing value.
    #[must_use]
    pub fn could_be_missing(&self) -> bool {
        matches!(self, Self::NotANumber { .. } | Self::Missing { .. })
    }
}

/// Something the import report says, though the file was imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum ResultsWarning {
    /// A header was taken for a known column although it is spelt differently.
    #[error(
        "column {header:?} was taken as the {role} column (it reads like {like:?}); name it with --{option} if that is wrong"
    )]
    HeaderMatched {
        /// The header as the file has it.
        header: String,
        /// The role it got, in words.
        role: &'static str,
        /// The known header it is close to.
        like: &'static str,
        /// The option that names that column.
        option: &'static str,
    },
    /// Figures that disagree by a few votes, as published files do after rounding or late
    /// corrections.
    #[error("{count} {} {what}, by at most {most} votes (accepted as rounding): {}",
        if *count == 1 { "precinct has" } else { "precincts have" }, lines_list(lines, *count))]
    SlightlyOver {
        /// Which figures.
        what: &'static str,
        /// How many rows.
        count: usize,
        /// The largest difference.
        most: u32,
        /// The first lines.
        lines: Vec<usize>,
    },
    /// Cells stored as missing (empty cells, or unreadable ones with `--missing-as-empty`).
    #[error("column {column}: {count} {} stored as missing ({}): {}",
        if *count == 1 { "cell" } else { "cells" },
        if *unreadable { "unreadable, --missing-as-empty" } else { "empty" }, lines_list(lines, *count))]
    MissingStored {
        /// The column.
        column: String,
        /// How many cells.
        count: usize,
        /// Whether they were unreadable (else empty).
        unreadable: bool,
        /// The first lines.
        lines: Vec<usize>,
    },
    /// The valid votes were found in a column whose header does not say so.
    #[error(
        "column {column:?} was taken as the valid votes: {how}; name the column with --valid if that is wrong"
    )]
    ValidFound {
        /// The column.
        column: String,
        /// Why, in words.
        how: &'static str,
    },
    /// Long layout: rows whose "list" is a total or a count of spoilt ballots.
    #[error("rows of column {column} read as totals or left out, not as lists: {}",
        names.iter().map(|(n, r)| format!("{n} → {r}")).collect::<Vec<_>>().join("; "))]
    ListRowsRead {
        /// The list column.
        column: String,
        /// Each name, and what it was read as.
        names: Vec<(String, String)>,
    },
    /// Long layout: list names written in two ways, read as one list.
    #[error("list names written differently were read as one list: {}",
        names.iter().map(|(a, b)| format!("{a:?} = {b:?}")).collect::<Vec<_>>().join("; "))]
    ListsMerged {
        /// The first spelling met, and another.
        names: Vec<(String, String)>,
    },
    /// Rows that total the others ("Total", "Ensemble"): left out.
    #[error("{count} total {} left out (a precinct code such as {code:?}): {}",
        if *count == 1 { "row" } else { "rows" }, lines_list(lines, *count))]
    TotalRows {
        /// How many.
        count: usize,
        /// One of their codes.
        code: String,
        /// The first lines.
        lines: Vec<usize>,
    },
    /// Few rows match a precinct, or few precincts get results: perhaps another campaign's file.
    #[error("election {election:?}: {}", few_matched(*matched, *rows, *precincts))]
    FewMatched {
        /// The election.
        election: String,
        /// Precincts matched.
        matched: usize,
        /// Rows of the election.
        rows: usize,
        /// Precincts of the campaign.
        precincts: usize,
    },
    /// The lists add up to much less than the valid votes: a list column may be missing.
    #[error("in {count} precincts the lists add up to less than 90 % of the valid votes: is a list column missing or unread? {}",
        lines_list(lines, *count))]
    ListsShort {
        /// How many rows.
        count: usize,
        /// The first lines.
        lines: Vec<usize>,
    },
    /// Rows whose precinct code is empty or "NA": kept out, reported as unmatched.
    #[error("{count} {} no precinct code in column {column} and {} no precinct: {}",
        if *count == 1 { "row has" } else { "rows have" }, if *count == 1 { "matches" } else { "match" },
        lines_list(lines, *count))]
    NoCode {
        /// The key column.
        column: String,
        /// How many rows.
        count: usize,
        /// The first lines.
        lines: Vec<usize>,
    },
}

fn few_matched(matched: usize, rows: usize, precincts: usize) -> String {
    if matched * 2 < rows {
        format!(
            "only {matched} of the file's {rows} precinct codes match the campaign's; check that \
             the file belongs to this campaign (or covers more than it)"
        )
    } else {
        format!(
            "only {matched} of the campaign's {precincts} precincts get results; the others have \
             none in this file"
        )
    }
}

/// At most this many lines are named in a warning.
pub(super) const LINES_NAMED: usize = 10;

fn lines_list(lines: &[usize], count: usize) -> String {
    let mut text: Vec<String> = lines.iter().map(ToString::to_string).collect();
    if count > lines.len() {
        text.push(format!("… ({} more)", count - lines.len()));
    }
    format!(
        "{} {}",
        if count == 1 { "line" } else { "lines" },
        text.join(", ")
    )
}

/// A warning's lines, counted as they come, with only the first ones kept.
#[derive(Clone, Debug, Default)]
pub(super) struct Lines {
    /// How many.
    pub count: usize,
    /// The first [`LINES_NAMED`].
    pub first: Vec<usize>,
}

impl Lines {
    /// Counts one more line.
    pub fn push(&mut self, line: usize) {
        self.count += 1;
        if self.first.len() < LINES_NAMED {
            self.first.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_cell_is_quoted_short() {
        let big = "x".repeat(5_000_000);
        let problem = ResultsProblem::NotANumber {
            line: 2,
            column: "Joly".to_owned(),
            text: Quoted::new(&big),
        };
        assert!(problem.to_string().len() < 100, "{problem}");
    }
}

//! Election results: rows as imported, joining them to precincts, and the column-wise data the
//! scores are computed from.

use std::collections::HashMap;

/// One row of imported results: a precinct's figures in one election. Counts are whole and
/// non-negative by their type: a file with "12.5" or "-3" votes never gets this far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow {
    /// The line of the source file (1-based, header included), for reports.
    pub line: usize,
    /// The precinct code as the file has it.
    pub code: String,
    /// Registered voters (inscrits), when the file has them.
    pub registered: Option<u32>,
    /// Voters who turned out (votants), when the file has them.
    pub voters: Option<u32>,
    /// Valid votes (exprimés), when the file has them.
    pub valid: Option<u32>,
    /// Votes per list, as `(index into the lists, votes)`.
    pub votes: Vec<(usize, u32)>,
}

/// What a results file says of a list besides its votes (the ministry's files).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ListAttributes {
    /// The list (as `ResultRow::votes` indexes it).
    pub list: String,
    /// Its nuance code (`LUG`, `LDVD`…), when the file gives one.
    pub nuance: Option<String>,
    /// Its panel number.
    pub panel: Option<String>,
}

/// Two figures of a row that should be in order (lists ≤ valid ≤ voters ≤ registered).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figures {
    /// The lists' votes add up to more than the valid votes.
    ListsOverValid,
    /// The lists' votes add up to more than the voters (when there is no valid column).
    ListsOverVoters,
    /// The lists' votes add up to more than the registered voters (when the file has neither
    /// voters nor valid votes).
    ListsOverRegistered,
    /// More valid votes than voters.
    ValidOverVoters,
    /// More valid votes than registered voters (when there is no voters column).
    ValidOverRegistered,
    /// More voters than registered voters.
    VotersOverRegistered,
}

impl Figures {
    /// The larger and the smaller figure, in words.
    #[must_use]
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::ListsOverValid => ("the lists' votes", "the valid votes"),
            Self::ListsOverVoters => ("the lists' votes", "the voters"),
            Self::ListsOverRegistered => ("the lists' votes", "the registered voters"),
            Self::ValidOverVoters => ("the valid votes", "the voters"),
            Self::ValidOverRegistered => ("the valid votes", "the registered voters"),
            Self::VotersOverRegistered => ("the voters", "the registered voters"),
        }
    }

    /// The disagreement in a few words, for a summary ("lists over valid votes").
    #[must_use]
    pub fn summary(self) -> &'static str {
        match self {
            Self::ListsOverValid => "lists' votes over their valid votes",
            Self::ListsOverVoters => "lists' votes over their voters",
            Self::ListsOverRegistered => "lists' votes over their registered voters",
            Self::ValidOverVoters => "more valid votes than voters",
            Self::ValidOverRegistered => "more valid votes than registered voters",
            Self::VotersOverRegistered => "more voters than registered voters",
        }
    }
}

/// Figures of one row that disagree: `more` should not exceed `less`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{} ({more}) exceed {} ({less}) by {}", figures.words().0, figures.words().1, self.over())]
pub struct Inconsistency {
    /// Which figures.
    pub figures: Figures,
    /// The figure that should be the smaller.
    pub more: u64,
    /// The figure that should be the larger.
    pub less: u64,
}

impl Inconsistency {
    /// By how much.
    #[must_use]
    pub fn over(&self) -> u64 {
        self.more.saturating_sub(self.less)
    }

    /// Whether the difference is small enough to be rounding or a late correction, as real
    /// published files have: at most 3 votes, or 0.5 % of the larger figure.
    #[must_use]
    pub fn is_rounding(&self) -> bool {
        self.over() <= 3.max(self.less / 200)
    }
}

impl ResultRow {
    /// The pairs of figures that are out of order (lists ≤ valid ≤ voters ≤ registered; a
    /// figure the file lacks is skipped, the next one is compared instead).
    #[must_use]
    pub fn inconsistencies(&self) -> Vec<Inconsistency> {
        let lists: u64 = self.votes.iter().map(|&(_, v)| u64::from(v)).sum();
        let mut found = Vec::new();
        let mut check = |figures, more: Option<u64>, less: Option<u64>| {
            if let (Some(more), Some(less)) = (more, less)
                && more > less
            {
                found.push(Inconsistency {
                    figures,
                    more,
                    less,
                });
            }
        };
        let (registered, voters, valid) = (
            self.registered.map(u64::from),
            self.voters.map(u64::from),
            self.valid.map(u64::from),
        );
        let any_list = (!self.votes.is_empty()).then_some(lists);
        if valid.is_some() {
            check(Figures::ListsOverValid, any_list, valid);
        } else if voters.is_some() {
            check(Figures::ListsOverVoters, any_list, voters);
        } else {
            check(Figures::ListsOverRegistered, any_list, registered);
        }
        if voters.is_some() {
            check(Figures::ValidOverVoters, valid, voters);
        } else {
            check(Figures::ValidOverRegistered, valid, registered);
        }
        check(Figures::VotersOverRegistered, voters, registered);
        found
    }
}

/// How a results file joined the campaign's precincts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct JoinReport {
    /// Result rows in the file.
    pub rows: usize,
    /// Precincts that got results.
    pub matched: usize,
    /// Of those, how many matched only once leading zeros were ignored ("01001" = "1001").
    pub matched_ignoring_zeros: usize,
    /// Codes of result rows that match no precinct (kept in the file, unused by scores).
    pub unmatched_rows: Vec<String>,
    /// Codes of precincts with no results.
    pub precincts_without_results: Vec<String>,
    /// Codes that appear on more than one row, with their lines.
    pub duplicates: Vec<(String, Vec<usize>)>,
}

/// The key used to match codes that differ only by leading zeros or case.
#[must_use]
pub fn loose_code(code: &str) -> String {
    let trimmed = code.trim();
    // A code a spreadsheet wrote as a decimal ("101.0") is the whole number.
    let trimmed = match trimmed.split_once(['.', ',']) {
        Some((int, zeros))
            if !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && !zeros.is_empty()
                && zeros.bytes().all(|b| b == b'0') =>
        {
            int
        }
        _ => trimmed,
    };
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
        let stripped = trimmed.trim_start_matches('0');
        if stripped.is_empty() {
            "0".to_owned()
        } else {
            stripped.to_owned()
        }
    } else {
        trimmed.to_lowercase()
    }
}

/// Matches result rows to precinct codes: exactly, else ignoring leading zeros and case.
///
/// Returns, for each row, the precinct code it belongs to (or `None`), and the report.
///
/// # Examples
/// ```
/// use campaign_planner::domain::results::{ResultRow, join};
///
/// let row = |code: &str| ResultRow { line: 2, code: code.to_owned(), registered: None,
///     voters: None, valid: None, votes: vec![] };
/// let precincts = vec!["01001".to_owned(), "01002".to_owned()];
/// let (matches, report) = join(&precincts, &[row("1001"), row("99")]);
/// assert_eq!(matches, vec![Some("01001".to_owned()), None]);
/// assert_eq!(report.matched_ignoring_zeros, 1);
/// assert_eq!(report.unmatched_rows, vec!["99".to_owned()]);
/// assert_eq!(report.precincts_without_results, vec!["01002".to_owned()]);
/// assert_eq!(join(&precincts, &[row("1002.0")]).1.matched, 1);
/// // A code the campaign lacks, twice, is a duplicate too (its rows are kept under it).
/// assert_eq!(join(&precincts, &[row("99"), row("99")]).1.duplicates.len(), 1);
/// ```
#[must_use]
pub fn join(precincts: &[String], rows: &[ResultRow]) -> (Vec<Option<String>>, JoinReport) {
    let exact: HashMap<&str, usize> = precincts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut by_loose: HashMap<String, Option<usize>> = HashMap::new();
    for (i, c) in precincts.iter().enumerate() {
        by_loose
            .entry(loose_code(c))
            .and_modify(|e| *e = None) // ambiguous once loosened: only exact matches count
            .or_insert(Some(i));
    }
    let mut report = JoinReport {
        rows: rows.len(),
        ..JoinReport::default()
    };
    let mut has_result = vec![false; precincts.len()];
    let mut lines: HashMap<usize, Vec<usize>> = HashMap::new();
    // Rows of codes the campaign lacks are kept under the file's code: twice the same is as
    // much a duplicate.
    let mut unmatched_lines: HashMap<&str, Vec<usize>> = HashMap::new();
    let matches = rows
        .iter()
        .map(|row| {
            let code = row.code.trim();
            let found = exact.get(code).copied().map(|i| (i, false)).or_else(|| {
                by_loose
                    .get(&loose_code(code))
                    .copied()
                    .flatten()
                    .map(|i| (i, true))
            });
            if let Some((i, loosely)) = found {
                if !has_result[i] && loosely {
                    report.matched_ignoring_zeros += 1;
                }
                has_result[i] = true;
                lines.entry(i).or_default().push(row.line);
                Some(precincts[i].clone())
            } else {
                report.unmatched_rows.push(row.code.clone());
                unmatched_lines.entry(&row.code).or_default().push(row.line);
                None
            }
        })
        .collect();
    report.matched = has_result.iter().filter(|&&h| h).count();
    report.precincts_without_results = precincts
        .iter()
        .zip(&has_result)
        .filter(|(_, h)| !**h)
        .map(|(c, _)| c.clone())
        .collect();
    let mut duplicates: Vec<(String, Vec<usize>)> = lines
        .into_iter()
        .filter(|(_, l)| l.len() > 1)
        .map(|(i, l)| (precincts[i].clone(), l))
        .chain(
            unmatched_lines
                .into_iter()
                .filter(|(_, l)| l.len() > 1)
                .map(|(code, l)| (code.to_owned(), l)),
        )
        .collect();
    duplicates.sort();
    report.duplicates = duplicates;
    (matches, report)
}

/// One election's results for the campaign's precincts, column by column (the layout the
/// scores are computed fastest from). Every vector has one entry per precinct; NaN means
/// "not known".
#[derive(Clone, Debug, PartialEq)]
pub struct ElectionData {
    /// The election's name.
    pub name: String,
    /// Its date, when known.
    pub date: Option<String>,
    /// Its round, when known.
    pub round: Option<i64>,
    /// The lists (candidates, parties) that ran.
    pub lists: Vec<String>,
    /// Registered voters per precinct.
    pub registered: Vec<f64>,
    /// Voters per precinct.
    pub voters: Vec<f64>,
    /// Valid votes per precinct (the sum of the lists when the file had no valid column).
    pub valid: Vec<f64>,
    /// Whether `valid` was computed as the sum of the lists.
    pub valid_is_sum_of_lists: bool,
    /// `votes[list][precinct]`.
    pub votes: Vec<Vec<f64>>,
}

impl ElectionData {
    /// The election as the user picks it: its name, and its round when it has one
    /// ("Municipales 2020 (round 2)"), which [`crate::domain::scoring::select_elections`] reads.
    #[must_use]
    pub fn label(&self, lang: crate::domain::numbers::Lang) -> String {
        match (self.round, lang) {
            (None, _) => self.name.clone(),
            (Some(r), crate::domain::numbers::Lang::En) => format!("{} (round {r})", self.name),
            (Some(r), crate::domain::numbers::Lang::Fr) => format!("{} (tour {r})", self.name),
        }
    }

    /// Whether any precinct has a known value in `column`.
    #[must_use]
    pub fn has(column: &[f64]) -> bool {
        column.iter().any(|v| v.is_finite())
    }
}

/// Everything scores are computed from: the precincts, in campaign order, and their results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoringData {
    /// Precinct codes.
    pub codes: Vec<String>,
    /// Precinct names.
    pub names: Vec<String>,
    /// The elections, oldest first.
    pub elections: Vec<ElectionData>,
}

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
//! `text` reads the file into records, `columns` reads headers and finds the key, `read`
//! decides what each column is (with `choose` for the doubtful cases), `number` reads counts,
//! `build` makes and checks rows, `problems` words what is wrong.

mod build;
mod choose;
mod columns;
mod long_keys;
pub mod ministry;
mod number;
mod problems;
mod read;
mod text;
mod values;
pub mod workbook;

use std::path::Path;

use crate::domain::results::{JoinReport, ResultRow, join};
use crate::store::{Campaign, ElectionMeta, ElectionResults, ResultsWritten};

use super::ImportError;
use super::error::list;
pub use number::{CountIssue, MAX_COUNT, NotANumber, parse_count, parse_number};
pub use problems::{Quoted, ResultsProblem, ResultsWarning};
pub use read::read_results;
pub use text::read_headers;
pub(crate) use text::{TableOf, read_table};

/// The layout of a results file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per precinct, one column per list.
    Wide,
    /// One row per precinct and list, with list and votes columns.
    Long,
    /// One row per precinct, one block of columns per candidate or list, the header naming
    /// only the first (the French ministry's per-bureau files).
    Blocks,
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
    /// A workbook's sheet to read (default: its first).
    pub sheet: Option<String>,
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
    /// Title lines above the header skipped.
    pub title_lines: usize,
    /// Rows read (after the filters), header excluded.
    pub rows_read: usize,
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
    /// The lists' nuance codes and panel numbers, when the file gives them (the ministry's).
    pub list_attributes: Vec<crate::domain::results::ListAttributes>,
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
    let name = election.name.trim();
    if name.is_empty() {
        return Err(field("the election needs a name (--election)".to_owned()));
    }
    if name.contains(',') || name.eq_ignore_ascii_case("all") {
        return Err(field(format!(
            "an election cannot be named {name:?}: `score --election` takes names separated by \
             commas, and `all` means every election"
        )));
    }
    if let Some(round) = election.round
        && !(1..=2).contains(&round)
    {
        return Err(field(format!("the round is 1 or 2, not {round}")));
    }
    if crate::domain::scoring::split_round(name).is_some() {
        return Err(field(format!(
            "the election name {name:?} ends like a round (\"round 2\", \"T2\"); name the \
             election without it and give the round with --round"
        )));
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
    let mut table = read_results(path, mapping, &codes)?;
    // An election imported with a round and again without one (or the other way) would be two
    // elections averaged together: say which is meant instead.
    let existing = campaign.elections()?;
    let mut joined = Vec::with_capacity(table.elections.len());
    let mut few_matched = Vec::new();
    for e in &table.elections {
        let meta = ElectionMeta {
            name: match &e.value {
                Some(v) => format!("{} {v}", election.name.trim()),
                None => election.name.trim().to_owned(),
            },
            ..election.clone()
        };
        if let Some(other) = existing
            .iter()
            .find(|x| x.name == meta.name && x.round.is_some() != meta.round.is_some())
        {
            return Err(field(format!(
                "the campaign has an election {:?} {}; give {} to replace it, or another name",
                other.name,
                other
                    .round
                    .map_or("without a round".to_owned(), |r| format!("for round {r}")),
                other
                    .round
                    .map_or("no --round".to_owned(), |r| format!("--round {r}"))
            )));
        }
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
            let key = &table.report.key;
            let hint = if table.report.layout == Layout::Wide {
                format!(
                    "\nthe precinct codes were read from column {key:?} (name another with --key \
                     if that is wrong); a file with a row per precinct and list is in the long \
                     layout: --format long --list-column COLUMN --votes-column COLUMN"
                )
            } else {
                format!("\nthe precinct codes were read from column {key:?}")
            };
            return Err(ImportError::Format {
                path: path.to_path_buf(),
                detail: format!(
                    "{} more than one row{which}, so nothing was imported:\n{}{hint}",
                    if join.duplicates.len() == 1 {
                        "1 precinct has".to_owned()
                    } else {
                        format!("{} precincts have", join.duplicates.len())
                    },
                    list(&listed)
                ),
            });
        }
        if join.matched == 0 {
            let hint = if table.report.layout == Layout::Blocks {
                "keep one commune with --where \"Code de la commune=…\" (its bureau codes alone \
                 then match), or name the column holding the campaign's codes with --key"
            } else {
                "name the key column with --key"
            };
            return Err(field(format!(
                "no row{which} matches a precinct through column {:?} (e.g. {:?} vs the \
                 campaign's {:?}); {hint}",
                table.report.key,
                e.rows.first().map(|r| r.code.clone()).unwrap_or_default(),
                codes.first().cloned().unwrap_or_default()
            )));
        }
        if join.matched * 2 < codes.len() || join.matched * 2 < e.rows.len() {
            few_matched.push(ResultsWarning::FewMatched {
                election: meta.name.clone(),
                matched: join.matched,
                rows: e.rows.len(),
                precincts: codes.len(),
            });
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
            attributes: &table.list_attributes,
        })
        .collect();
    let written = campaign.store_results(&batches)?;
    table.report.warnings.extend(few_matched);
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

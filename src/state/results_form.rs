//! The results import form: the election's name, date and round, and how to read the file
//! (which column is which, several elections per file, a row filter, missing values): the
//! same choices as `campaign-planner results`. The form only describes the import to run;
//! `ui::results_dialog` draws it.

use std::path::PathBuf;

use super::action::Action;
use crate::domain::date::{Date, DateError};
use crate::io::csv_results::{ColumnMapping, Layout, read_headers};
use crate::store::ElectionMeta;

/// A results file waiting for its election's name, and the user's choices about its columns
/// (`None` or empty: guessed).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultsDialog {
    /// The CSV file.
    pub path: PathBuf,
    /// The election's name.
    pub name: String,
    /// Its date, as typed.
    pub date: String,
    /// Its round (0 = none).
    pub round: i64,
    /// The file's columns, read from its header; empty when unreadable.
    pub columns: Vec<String>,
    /// Store unreadable cells as missing values.
    pub missing_as_empty: bool,
    /// One election per value of this column.
    pub split_by: Option<usize>,
    /// Only rows where this column holds `filter_value`.
    pub filter_column: Option<usize>,
    /// The value of the filter.
    pub filter_value: String,
    /// The precinct code column.
    pub key: Option<usize>,
    /// The registered voters column.
    pub registered: Option<usize>,
    /// The voters column.
    pub voters: Option<usize>,
    /// The valid votes column.
    pub valid: Option<usize>,
    /// The layout.
    pub layout: Option<Layout>,
    /// Wide layout: the list columns.
    pub lists: Vec<usize>,
    /// Long layout: the list name column.
    pub list_column: Option<usize>,
    /// Long layout: the votes column.
    pub votes_column: Option<usize>,
}

impl ResultsDialog {
    /// The dialog for `path`, its election named after the file, every column guessed.
    #[must_use]
    pub fn new(path: PathBuf) -> Self {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let columns = read_headers(&path).unwrap_or_default();
        Self {
            path,
            name,
            date: String::new(),
            round: 0,
            columns,
            missing_as_empty: false,
            split_by: None,
            filter_column: None,
            filter_value: String::new(),
            key: None,
            registered: None,
            voters: None,
            valid: None,
            layout: None,
            lists: Vec::new(),
            list_column: None,
            votes_column: None,
        }
    }

    /// The date typed, checked: `Ok(None)` when empty.
    pub fn date(&self) -> Result<Option<Date>, DateError> {
        let text = self.date.trim();
        if text.is_empty() {
            Ok(None)
        } else {
            Date::parse(text).map(Some)
        }
    }

    /// The import the dialog describes, when its name and date are right.
    #[must_use]
    pub fn action(&self) -> Option<Action> {
        let name = self.name.trim();
        let date = self.date().ok()?;
        if name.is_empty() {
            return None;
        }
        let column = |c: Option<usize>| c.and_then(|c| self.columns.get(c).cloned());
        let mapping = ColumnMapping {
            layout: self.layout,
            key: column(self.key),
            registered: column(self.registered),
            voters: column(self.voters),
            valid: column(self.valid),
            lists: (!self.lists.is_empty()).then(|| {
                self.lists
                    .iter()
                    .filter_map(|&c| self.columns.get(c).cloned())
                    .collect()
            }),
            list_column: column(self.list_column),
            votes_column: column(self.votes_column),
            missing_as_empty: self.missing_as_empty,
            split_by: column(self.split_by),
            filters: column(self.filter_column)
                .map(|c| (c, self.filter_value.trim().to_owned()))
                .into_iter()
                .collect(),
            sheet: None,
        };
        Some(Action::ImportResults(
            self.path.clone(),
            ElectionMeta {
                name: name.to_owned(),
                date,
                round: (self.round > 0).then_some(self.round),
            },
            Box::new(mapping),
        ))
    }
}

//! What the user is typing or choosing before it becomes an action: the drafts of the panels'
//! forms. Panels edit these in place; nothing here touches the campaign.

use super::results_form::ResultsDialog;
use crate::domain::turf::TurfId;

/// The turf being edited: which one, its new name, and the turf to merge into it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TurfEditForm {
    /// The turf.
    pub turf: Option<TurfId>,
    /// Its new name, as typed.
    pub new_name: String,
    /// The turf to merge into it.
    pub merge_from: Option<TurfId>,
}

/// The assignment being prepared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignForm {
    /// The turf's name.
    pub turf: String,
    /// The team's name.
    pub team: String,
    /// The date, as typed (YYYY-MM-DD).
    pub date: String,
}

/// Every form draft of the app.
#[derive(Debug)]
pub struct Forms {
    /// The find box's text.
    pub search: String,
    /// The formula being edited.
    pub formula_text: String,
    /// The name typed for a new turf.
    pub turf_name: String,
    /// The walk sheets' script being edited.
    pub sheet_script: String,
    /// The name typed for a new team.
    pub team_name: String,
    /// The door target of the auto-cut.
    pub autocut_target: i64,
    /// The turf being edited.
    pub turf_edit: TurfEditForm,
    /// The assignment being prepared.
    pub assign: AssignForm,
    /// A results import waiting for its election's name.
    pub results_dialog: Option<ResultsDialog>,
    /// A precinct the table should scroll to once (selected on the map).
    pub scroll_table_to: Option<usize>,
    /// Whether the sheet entry window is shown.
    pub entry_open: bool,
    /// The sheet code typed in it.
    pub entry_code: String,
    /// Why the code typed found no sheet, said under it.
    pub entry_code_error: Option<String>,
    /// The sheet being typed.
    pub entry: Option<super::entry::EntryDraft>,
    /// When the draft was last saved to disk.
    pub entry_saved: Option<std::time::Instant>,
    /// The totals-only grid, when shown.
    pub totals: Option<super::totals::TotalsDraft>,
    /// The campaign's start and election day, as typed in the progress panel.
    pub days_text: (String, String),
}

impl Default for Forms {
    fn default() -> Self {
        Self {
            search: String::new(),
            formula_text: String::new(),
            turf_name: String::new(),
            sheet_script: String::new(),
            team_name: String::new(),
            autocut_target: 150,
            turf_edit: TurfEditForm::default(),
            assign: AssignForm::default(),
            results_dialog: None,
            scroll_table_to: None,
            entry_open: false,
            entry_code: String::new(),
            entry_code_error: None,
            entry: None,
            entry_saved: None,
            totals: None,
            days_text: (String::new(), String::new()),
        }
    }
}

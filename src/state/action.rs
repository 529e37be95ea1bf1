//! Every user intent is one `Action`. Panels only return actions; the app shell's `apply` is
//! the one place that carries them out, so logging, tests and undo have a single seam.

use std::path::PathBuf;

use crate::domain::numbers::Lang;
use crate::domain::scoring::ScoringParams;
use crate::domain::turf::{TeamId, TurfId, TurfStatus};
use crate::io::csv_results::ColumnMapping;
use crate::map::basemap::BasemapChoice;
use crate::store::ElectionMeta;

/// How a selection gesture combines with the current selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectMode {
    /// The new selection replaces the old one.
    Replace,
    /// Adds to the selection (shift).
    Add,
    /// Adds what is not selected, removes what is (ctrl).
    Toggle,
}

impl SelectMode {
    /// The mode the held keys ask for: shift adds, ctrl (cmd on macOS) toggles.
    #[must_use]
    pub fn from_modifiers(modifiers: egui::Modifiers) -> Self {
        if modifiers.shift {
            Self::Add
        } else if modifiers.command {
            Self::Toggle
        } else {
            Self::Replace
        }
    }
}

/// A column of the attribute table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Precinct code.
    Code,
    /// Precinct name.
    Name,
    /// Registered voters.
    Registered,
    /// Priority score.
    Score,
    /// Priority class.
    Class,
}

/// What a drag on the map does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// Dragging pans the map (clicks select).
    #[default]
    Pan,
    /// Dragging draws a freehand lasso that selects the precincts inside it.
    Lasso,
    /// Clicks add vertices of a polygon; a double-click closes it and selects what is inside.
    Polygon,
}

/// A user intent.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Ask for a campaign file to open.
    OpenDialog,
    /// Ask where to create a new campaign.
    NewDialog,
    /// Ask where to save a copy of the campaign.
    SaveAsDialog,
    /// Ask for a shapes file to import.
    ImportShapesDialog,
    /// Ask for a results file to import.
    ImportResultsDialog,
    /// Open a campaign file (in the background).
    Open(PathBuf),
    /// Create and open a new campaign.
    New(PathBuf),
    /// Save a copy of the campaign and go on working in the copy.
    SaveAs(PathBuf),
    /// Import precinct shapes into the open campaign (in the background).
    ImportShapes(PathBuf),
    /// Import a precincts file although it removes precincts that are in use (asked first).
    ImportShapesReplacing(PathBuf),
    /// Answer "no" to a question.
    DismissConfirm,
    /// Import a results file as an election, or one per value of a column (in the background).
    ImportResults(PathBuf, ElectionMeta, Box<ColumnMapping>),
    /// Open the demo campaign.
    OpenDemo,
    /// Ask for a folder, then print the walk sheets of a turf, a team or every team there.
    PrintSheetsDialog(crate::io::sheets::Scope),
    /// Show a turf's walk sheet, page 1, before printing it.
    PreviewSheets(crate::io::sheets::Scope),
    /// Close the walk sheet's preview.
    ClosePreview,
    /// Save the script the campaign's walk sheets print.
    SetSheetScript(String),
    /// Print walk sheets into a folder.
    PrintSheets(crate::io::sheets::Scope, PathBuf),
    /// Open a file with the system's viewer (a printed PDF).
    OpenFile(PathBuf),
    /// Close the campaign's notice on the map.
    CloseNotice,
    /// Open the field demo (central Helsinki: streets, addresses, turfs and walks).
    OpenFieldDemo,
    /// Rebuild the demo campaign from the shipped data and open it.
    ResetDemo,
    /// Change the scoring method; recolours the map and is saved in the file.
    SetScoring(ScoringParams),
    /// Select precincts (by index).
    Select(Vec<usize>, SelectMode),
    /// Empty the selection.
    ClearSelection,
    /// Fit the map to every precinct.
    ZoomToCampaign,
    /// Fit the map to the selected precincts.
    ZoomToSelection,
    /// Fit the map to one precinct and select it.
    ZoomToPrecinct(usize),
    /// Switch the interface language.
    SetLanguage(Lang),
    /// Switch between the light and dark themes.
    SetDarkTheme(bool),
    /// Choose the basemap.
    SetBasemap(BasemapChoice),
    /// Ask for an MBTiles file to use as the basemap.
    BasemapFileDialog,
    /// Check the network again and retry failed online tiles.
    RetryNetwork,
    /// Show or hide the precinct layer.
    SetPrecinctsVisible(bool),
    /// Set the precinct layer's opacity (0–1).
    SetPrecinctOpacity(f32),
    /// Set the basemap's opacity (0–1).
    SetBasemapOpacity(f32),
    /// Show or hide labels.
    SetLabels(bool),
    /// Sort the table by a column (again: reverse).
    SortTable(Column),
    /// Cancel the running background work.
    CancelJob,
    /// Hide the message banner.
    DismissMessage,
    /// Files dropped on the window: campaigns are opened, shapes and results imported.
    Dropped(Vec<PathBuf>),
    /// Choose the map tool.
    SetTool(Tool),
    /// Select the precincts and doors inside a lasso (its vertices).
    Lasso(Vec<crate::map::coords::Position>, SelectMode),
    /// Select every precinct in class `k` or above.
    SelectClassAtLeast(u8),
    /// Make a turf of the selected precincts.
    CreateTurf(String),
    /// Delete a turf.
    DeleteTurf(TurfId),
    /// Show a turf's walk on the map (`None`: hide it).
    ShowWalk(Option<TurfId>),
    /// Move a turf's meeting point (longitude, latitude).
    SetMeetingPoint(TurfId, (f64, f64)),
    /// Create a team.
    CreateTeam(String),
    /// Assign a turf (by name) to a team (by name) on a date.
    AssignTurf {
        /// The turf's name.
        turf: String,
        /// The team's name.
        team: String,
        /// The date, YYYY-MM-DD.
        date: String,
    },
    /// Move the selected precincts into a turf.
    AddToTurf(TurfId),
    /// Take the selected precincts out of a turf.
    RemoveFromTurf(TurfId),
    /// Merge the second turf into the first.
    MergeTurfs(TurfId, TurfId),
    /// Rename and recolour a turf (its new name and colour).
    UpdateTurf(TurfId, String, Option<String>),
    /// Ask for a door points file to import.
    ImportDoorsDialog,
    /// Import door points (GeoJSON, CSV, `.osm.pbf`).
    ImportDoors(PathBuf),
    /// Import door points again, removing the doors an earlier import of the same file
    /// brought that it no longer has (the user agreed).
    ImportDoorsRemoving(PathBuf),
    /// Ask for an OpenStreetMap extract to import streets from.
    ImportStreetsDialog,
    /// Import the named streets of an OpenStreetMap `.osm.pbf` extract as the campaign's
    /// street map (in the background).
    ImportStreets(PathBuf),
    /// Cut the selected precincts (all when none is selected) into turfs of about this many
    /// doors.
    Autocut(i64),
    /// How the lasso and polygon decide that a precinct is inside.
    SetMembership(crate::domain::selection::Membership),
    /// Set the status of a turf.
    SetTurfStatus(TurfId, TurfStatus),
    /// Set the voters per household used to estimate doors.
    SetVotersPerHousehold(f64),
    /// Rename and recolour a team (its new name and colour).
    UpdateTeam(TeamId, String, Option<String>),
    /// Delete a team; its turfs lose their team.
    DeleteTeam(TeamId),
    /// Colour turf outlines by status instead of by team.
    SetTurfColouring(bool),
    /// Show the sheet entry window (it asks for a sheet's code).
    OpenEntry,
    /// Close the sheet entry window (a sheet half typed stays as a draft).
    CloseEntry,
    /// Load the printed sheet with this code (as typed) into the entry window.
    LoadSheet(String),
    /// Save the sheet being typed, in one transaction.
    CommitSheet,
    /// Show the totals-only grid.
    OpenTotals,
    /// Close the totals-only grid.
    CloseTotals,
    /// Save the totals grid's rows (all or none).
    CommitTotals,
    /// Delete a session (its uuid).
    DeleteSession(String),
    /// Colour precincts by field coverage (true) or by priority class.
    SetColourByCoverage(bool),
    /// Show the progress panel (true) or the turfs and teams.
    ShowProgress(bool),
    /// Set the campaign's start and election day.
    SetCampaignDays(
        Option<crate::domain::date::Date>,
        Option<crate::domain::date::Date>,
    ),
    /// Record support levels on door visits, or not.
    SetRecordSupport(bool),
    /// Ask where to write a team's pack.
    ExportPackDialog(TeamId),
    /// Write a team's pack to a new file.
    ExportPack(TeamId, PathBuf),
    /// Ask for team packs to merge.
    MergePacksDialog,
    /// Show what merging these packs would do (nothing written).
    PreviewMerge(Vec<PathBuf>),
    /// Merge these packs (each in one transaction).
    MergePacks(Vec<PathBuf>),
    /// Close the merge preview.
    CloseMergePreview,
    /// Undo the last edit of turfs and teams.
    Undo,
    /// Redo the last undone edit.
    Redo,
}

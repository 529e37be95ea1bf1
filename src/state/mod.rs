//! The app's state, below the panels (`ui`) and above the model: what the user asked for
//! (`Action`), the open campaign (`Session`), the selection, the undo history, the form
//! drafts, the view settings and the map's own state. Nothing here draws; the panels read it
//! and return actions, and the app shell (`app`) applies them.

pub mod action;
pub mod entry;
pub mod field;
pub mod forms;
pub mod history;
pub mod map_view;
pub mod persisted;
pub mod results_form;
pub mod selection;
pub mod session;
pub mod totals;
pub mod view;

pub use action::{Action, Column, SelectMode, Tool};
pub use forms::Forms;
pub use history::{Edit, History};
pub use map_view::MapView;
pub use persisted::Persisted;
pub use selection::Selection;
pub use session::Session;
pub use view::{Confirm, Message, View};

use crate::map::basemap::{BasemapChoice, NetState};

/// The running background work, as the status bar shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobStatus {
    /// What it is doing.
    pub label: String,
    /// How far it is (0–1).
    pub fraction: f32,
}

/// The basemap, as the panels show it.
#[derive(Clone, Debug, PartialEq)]
pub struct BasemapStatus {
    /// The basemap chosen.
    pub choice: BasemapChoice,
    /// Whether the network answers.
    pub net: NetState,
    /// Tiles being downloaded.
    pub downloads: usize,
}

/// Everything the panels read in one frame.
pub struct Shown<'a> {
    /// The saved settings (language, theme, recent files).
    pub persisted: &'a Persisted,
    /// The open campaign.
    pub session: Option<&'a Session>,
    /// What is selected.
    pub selection: &'a Selection,
    /// The view settings, messages and questions.
    pub view: &'a View,
    /// The basemap.
    pub basemap: BasemapStatus,
    /// The background work in progress.
    pub job: Option<JobStatus>,
}

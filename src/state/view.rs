//! How the campaign is shown: layer settings, the table's order, the map tool, and the
//! messages and questions on screen.

use super::action::{Action, Column, Tool};
use super::session::Session;
use crate::domain::selection::Membership;

/// A message for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Whether it says something went wrong.
    pub error: bool,
    /// What it says.
    pub text: String,
}

impl Message {
    /// A report.
    #[must_use]
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            error: false,
            text: text.into(),
        }
    }

    /// Something that went wrong.
    #[must_use]
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            error: true,
            text: text.into(),
        }
    }
}

/// A question before an edit that would destroy work, and the action that does it anyway.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    /// The question, in the user's words.
    pub question: String,
    /// What "yes" does.
    pub action: Action,
}

/// Team packs about to be merged, and what merging each would do (or why it cannot).
pub type MergePreview = (
    Vec<std::path::PathBuf>,
    Vec<Result<crate::store::MergeReport, String>>,
);

/// The view settings and what is on screen besides the map.
#[allow(clippy::struct_excessive_bools)] // Independent view toggles, not a state machine.
#[derive(Debug)]
pub struct View {
    /// Whether the precinct layer is drawn.
    pub precincts_visible: bool,
    /// The precinct layer's opacity.
    pub opacity: f32,
    /// Whether labels are drawn.
    pub labels: bool,
    /// The basemap's opacity.
    pub basemap_opacity: f32,
    /// The table's sort column and direction (true = ascending).
    pub sort: (Column, bool),
    /// Precinct indices in table order.
    pub table_order: Vec<usize>,
    /// What a drag on the map does.
    pub tool: Tool,
    /// How the lasso and polygon decide that a precinct is inside.
    pub membership: Membership,
    /// Turf outlines coloured by status (planned, in progress, done) instead of by team.
    pub turfs_by_status: bool,
    /// Precincts coloured by field coverage instead of by priority class.
    pub colour_by_coverage: bool,
    /// The right-hand panel shows progress instead of turfs and teams.
    pub show_progress: bool,
    /// Team packs about to be merged, with what merging each would do (or why it cannot).
    pub merge_preview: Option<MergePreview>,
    /// The preview of a turf's walk sheet, and what printing it prints.
    pub preview: Option<(
        crate::io::sheets::Scope,
        std::sync::Arc<crate::io::sheets::Preview>,
    )>,
    /// The walk sheets printed last, for the user to open.
    pub printed: Vec<std::path::PathBuf>,
    /// Whether the campaign's notice was closed.
    pub notice_closed: bool,
    /// The turf whose walk the map shows.
    pub walk_turf: Option<crate::domain::turf::TurfId>,
    /// A message for the user.
    pub message: Option<Message>,
    /// A question before an edit that would destroy work.
    pub confirm: Option<Confirm>,
}

impl Default for View {
    fn default() -> Self {
        Self {
            precincts_visible: true,
            opacity: 0.75,
            labels: true,
            basemap_opacity: 1.0,
            sort: (Column::Score, false),
            table_order: Vec::new(),
            tool: Tool::Pan,
            membership: Membership::Representative,
            turfs_by_status: false,
            colour_by_coverage: false,
            show_progress: false,
            merge_preview: None,
            walk_turf: None,
            notice_closed: false,
            printed: Vec::new(),
            preview: None,
            message: None,
            confirm: None,
        }
    }
}

impl View {
    /// Says something to the user (replacing what was said).
    pub fn say(&mut self, message: Message) {
        self.message = Some(message);
    }

    /// Adds an error to what is already said.
    pub fn add_error(&mut self, text: &str) {
        self.message = Some(match self.message.take() {
            Some(before) => Message::error(format!("{}\n{text}", before.text)),
            None => Message::error(text),
        });
    }

    /// Sorts the table again, by the current column.
    pub fn resort(&mut self, session: Option<&Session>) {
        let Some(l) = session else {
            self.table_order.clear();
            return;
        };
        let n = l.shapes.len();
        let mut order: Vec<usize> = (0..n).collect();
        let score = |i: usize| l.scored.as_ref().map_or(f64::NAN, |s| s.scores[i]);
        let class = |i: usize| l.scored.as_ref().map_or(0, |s| s.classes.class_of[i]);
        let (column, ascending) = self.sort;
        order.sort_by(|&a, &b| {
            let o = match column {
                Column::Code => natural(&l.data.codes[a], &l.data.codes[b]),
                Column::Name => l.data.names[a]
                    .to_lowercase()
                    .cmp(&l.data.names[b].to_lowercase()),
                Column::Registered => l.registered[a].cmp(&l.registered[b]),
                Column::Score => score(a).total_cmp(&score(b)),
                Column::Class => class(a).cmp(&class(b)),
            };
            if ascending { o } else { o.reverse() }
        });
        self.table_order = order;
    }

    /// Sorts by `column`; the same column again reverses the order.
    pub fn sort_by(&mut self, column: Column, session: Option<&Session>) {
        self.sort = if self.sort.0 == column {
            (column, !self.sort.1)
        } else {
            (column, matches!(column, Column::Code | Column::Name))
        };
        self.resort(session);
    }
}

/// Compares codes numerically when both are numbers ("9" before "10").
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_codes_sort_as_numbers_and_others_as_text() {
        assert_eq!(natural("9", "10"), std::cmp::Ordering::Less);
        assert_eq!(natural("A10", "A9"), std::cmp::Ordering::Less);
    }

    #[test]
    fn a_second_error_is_added_below_the_first_message() {
        let mut v = View::default();
        v.say(Message::info("imported"));
        v.add_error("but the scoring was reset");
        let m = v.message.unwrap();
        assert!(m.error);
        assert_eq!(m.text, "imported\nbut the scoring was reset");
    }
}

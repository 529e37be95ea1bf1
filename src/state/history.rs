//! The undo history of the app: edits of turfs, teams and doors, each able to replay itself
//! backwards or forwards on the campaign file.

use crate::domain::colour::Colour;
use crate::domain::turf::{TeamId, TurfId, TurfStatus};
use crate::store::{Campaign, StoreError, TurfState};

/// A team's name and colour, before or after an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamLook {
    /// Its name.
    pub name: String,
    /// Its colour (`#rrggbb`).
    pub colour: Option<String>,
}

/// A turf's team and status, before or after an assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurfAssignment {
    /// The team, if any.
    pub team: Option<TeamId>,
    /// The status.
    pub status: TurfStatus,
}

/// An edit of turfs and teams, as the undo history keeps it.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Turfs changed (created, deleted, members moved, renamed…): their states before and
    /// after, put back by undo and redo.
    Turfs {
        /// The turfs as they were.
        before: Vec<TurfState>,
        /// The turfs as the edit left them.
        after: Vec<TurfState>,
    },
    /// A team was created.
    CreatedTeam {
        /// The team.
        team: TeamId,
    },
    /// A team was deleted.
    DeletedTeam {
        /// The team.
        team: TeamId,
    },
    /// Doors were imported: those added (fids and points) and removed (UUID, geometry) and
    /// those updated (before, after).
    Doors {
        /// The doors added.
        added: crate::store::AddedDoors,
        /// The doors removed.
        removed: Vec<(String, Vec<u8>)>,
        /// The doors updated.
        changed: Vec<(crate::store::DoorRow, crate::store::DoorRow)>,
        /// The turf memberships the removed doors left.
        removed_members: Vec<String>,
    },
    /// A turf's meeting point was moved (`None`: the door nearest its centre).
    MeetingPoint {
        /// The turf.
        turf: TurfId,
        /// Where it was.
        before: Option<(f64, f64)>,
        /// Where it is.
        after: Option<(f64, f64)>,
    },
    /// A team was renamed or recoloured.
    UpdatedTeam {
        /// The team.
        team: TeamId,
        /// Its name and colour before.
        before: TeamLook,
        /// Its name and colour after.
        after: TeamLook,
    },
    /// A turf was assigned to a team.
    Assigned {
        /// The turf.
        turf: TurfId,
        /// Its team and status before.
        before: TurfAssignment,
        /// Its team and status after.
        after: TurfAssignment,
    },
}

impl Edit {
    /// Carries the edit backwards (`undo`) or forwards again on the campaign file.
    ///
    /// # Errors
    /// The store's refusal or failure.
    pub fn replay(&self, c: &mut Campaign, undo: bool) -> Result<(), StoreError> {
        match (self, undo) {
            (Self::Turfs { before: states, .. }, true)
            | (Self::Turfs { after: states, .. }, false) => c.restore_turf_states(states),
            (Self::MeetingPoint { turf, before, .. }, true) => {
                c.set_meeting_point(turf, *before).map(|_| ())
            }
            (Self::MeetingPoint { turf, after, .. }, false) => {
                c.set_meeting_point(turf, *after).map(|_| ())
            }
            (Self::CreatedTeam { team }, true) | (Self::DeletedTeam { team }, false) => {
                c.delete_team(team)
            }
            (Self::CreatedTeam { team }, false) | (Self::DeletedTeam { team }, true) => {
                c.restore_team(team)
            }
            (Self::UpdatedTeam { team, before, .. }, true)
            | (
                Self::UpdatedTeam {
                    team,
                    after: before,
                    ..
                },
                false,
            ) => {
                let colour = before.colour.as_deref().and_then(|h| Colour::parse(h).ok());
                c.update_team(team, &before.name, colour)
            }
            (
                Self::Doors {
                    added,
                    removed,
                    changed,
                    removed_members,
                },
                undo,
            ) => c.swap_doors(added, removed, changed, removed_members, undo),
            (Self::Assigned { turf, before, .. }, true)
            | (
                Self::Assigned {
                    turf,
                    after: before,
                    ..
                },
                false,
            ) => c.set_turf_assignment(turf, before.team.as_ref(), before.status),
        }
    }

    /// Whether the edit changed door points (the session re-reads them then).
    #[must_use]
    pub fn changes_doors(&self) -> bool {
        matches!(self, Self::Doors { .. })
    }
}

/// Edits that can be undone, and undone edits that can be redone.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// Records a new edit: it can be undone, and what was undone can no longer be redone.
    pub fn record(&mut self, edit: Edit) {
        self.undo.push(edit);
        self.redo.clear();
    }

    /// The edit to undo, moved to the redo list.
    pub fn undo(&mut self) -> Option<&Edit> {
        let edit = self.undo.pop()?;
        self.redo.push(edit);
        self.redo.last()
    }

    /// The edit to redo, moved back to the undo list.
    pub fn redo(&mut self) -> Option<&Edit> {
        let edit = self.redo.pop()?;
        self.undo.push(edit);
        self.undo.last()
    }

    /// Forgets everything (another campaign was opened).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }

    /// Whether there is something to undo.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(name: &str) -> Edit {
        Edit::CreatedTeam {
            team: TeamId(name.to_owned()),
        }
    }

    #[test]
    fn undo_moves_an_edit_to_redo_and_a_new_edit_forgets_the_redo_list() {
        let mut h = History::default();
        h.record(team("a"));
        h.record(team("b"));
        assert_eq!(h.undo(), Some(&team("b")));
        assert!(h.can_redo());
        assert_eq!(h.redo(), Some(&team("b")));
        assert_eq!(h.undo(), Some(&team("b")));
        h.record(team("c"));
        assert!(!h.can_redo(), "a new edit ends what could be redone");
        assert_eq!(h.undo(), Some(&team("c")));
        assert_eq!(h.undo(), Some(&team("a")));
        assert_eq!(h.undo(), None);
    }
}

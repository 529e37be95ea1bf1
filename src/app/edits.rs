//! Edits of the campaign: scoring, turfs, teams and assignments, each recorded for undo, and
//! undo and redo themselves.

use super::PlannerApp;
use crate::domain::colour::Colour;
use crate::domain::date::Date;
use crate::domain::scoring::ScoringParams;
use crate::domain::turf::{TeamId, TurfId, TurfStatus};
use crate::state::history::{TeamLook, TurfAssignment};
use crate::state::{Edit, Message, Session};
use crate::store::{Campaign, StoreError, TurfState};

/// A colour of the interface (always `#rrggbb`, from a picker) as the campaign file takes it.
fn colour_of(hex: Option<&String>) -> Option<Colour> {
    hex.and_then(|h| Colour::parse(h).ok())
}

impl PlannerApp {
    pub(super) fn campaign_mut(&mut self) -> Option<&mut Campaign> {
        self.session.as_mut().and_then(Session::campaign_mut)
    }

    /// Says a refused or failed edit, with the button that goes past a refusal.
    fn refused(&mut self, e: &StoreError) {
        let text = match e {
            StoreError::AlreadyInTurf { .. } => format!("{e}; {}", self.tr().move_hint),
            _ => e.to_string(),
        };
        self.view.say(Message::error(text));
    }

    /// Changes the scoring method; a method that cannot be applied is refused and said, and
    /// the scores shown and saved stay.
    pub(super) fn set_scoring(&mut self, params: ScoringParams) {
        let Some(s) = &mut self.session else {
            return;
        };
        s.params = params;
        let saved = if s.rescore() { s.save_scores() } else { Ok(()) };
        s.recolour(self.view.opacity, self.view.colour_by_coverage);
        if let Err(e) = saved {
            self.refused(&e);
        }
        self.view.resort(self.session.as_ref());
        // Turf figures sum the saved priorities.
        self.refresh(false);
    }

    /// Runs a turf edit, recording the affected turfs' states before and after for undo.
    /// `edit` returns the UUIDs of the turfs it created, if any. Returns whether it was done.
    fn turf_edit(
        &mut self,
        affected: Vec<TurfId>,
        edit: impl FnOnce(&mut Campaign) -> Result<Vec<TurfId>, StoreError>,
    ) -> bool {
        let Some(c) = self.campaign_mut() else {
            return false;
        };
        let before = c.turf_states(&affected);
        let result = edit(c);
        let outcome = match (before, result) {
            (Ok(mut before), Ok(created)) => {
                let mut ids = affected;
                ids.extend(created.clone());
                c.turf_states(&ids).map(|after| {
                    for state in after.iter().filter(|s| created.contains(&s.uuid)) {
                        before.push(TurfState {
                            deleted: true,
                            ..state.clone()
                        });
                    }
                    Edit::Turfs { before, after }
                })
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let done = match outcome {
            Ok(edit) => {
                self.history.record(edit);
                true
            }
            Err(e) => {
                self.refused(&e);
                false
            }
        };
        self.refresh(false);
        done
    }

    /// The selected precincts' codes, and the rows (fids) of the selected doors: an edit asks
    /// the file for their uuids ([`Campaign::door_uuids`]).
    fn selected(&self) -> (Vec<String>, Vec<i64>) {
        let Some(s) = &self.session else {
            return (Vec::new(), Vec::new());
        };
        let doors = self
            .selection
            .doors
            .iter()
            .filter_map(|&d| s.doors.get(d).map(|d| d.fid))
            .collect();
        (s.codes_of(&self.selection.precincts), doors)
    }

    /// Every turf's UUID (an edit of doors may touch any of them).
    fn all_turfs(&self) -> Vec<TurfId> {
        self.session.as_ref().map_or_else(Vec::new, |s| {
            s.turfs.iter().map(|t| t.uuid.clone()).collect()
        })
    }

    /// The turfs holding any of these precincts.
    fn turfs_holding(&self, codes: &[String]) -> Vec<TurfId> {
        self.session
            .as_ref()
            .map_or_else(Vec::new, |s| s.turfs_holding(codes))
    }

    /// Makes a turf of the selected precincts, or of the selected doors when only doors are.
    pub(super) fn create_turf(&mut self, name: &str) {
        let (codes, doors) = self.selected();
        let done = if self.selection.doors_only() {
            let affected = self.all_turfs();
            self.turf_edit(affected, |c| {
                let doors = c.door_uuids(&doors)?;
                c.create_door_turf(name, &doors, true).map(|t| vec![t.uuid])
            })
        } else {
            let affected = self.turfs_holding(&codes);
            self.turf_edit(affected, |c| {
                c.create_turf(name, &codes, true).map(|t| vec![t.uuid])
            })
        };
        if done {
            self.forms.turf_name.clear();
            self.selection.clear();
        }
    }

    /// Deletes a turf.
    pub(super) fn delete_turf(&mut self, uuid: &TurfId) {
        self.turf_edit(vec![uuid.clone()], |c| {
            c.delete_turf(uuid).map(|()| Vec::new())
        });
    }

    /// Shows (or hides) a turf's walk on the map.
    pub(super) fn show_walk(&mut self, turf: Option<TurfId>) {
        self.view.walk_turf = turf;
        if let Some(s) = &mut self.session
            && let Err(e) = s.refresh_walk(self.view.walk_turf.as_ref())
        {
            self.view.add_error(&e);
        }
    }

    /// Moves a turf's meeting point; the walk is ordered again from there. Undoable.
    pub(super) fn set_meeting_point(&mut self, turf: &TurfId, at: (f64, f64)) {
        let Some(c) = self.campaign_mut() else {
            return;
        };
        match c.set_meeting_point(turf, Some(at)) {
            Ok(before) => self.history.record(Edit::MeetingPoint {
                turf: turf.clone(),
                before,
                after: Some(at),
            }),
            Err(e) => self.refused(&e),
        }
        self.refresh(false);
    }

    /// Moves the selected precincts (or doors alone) into a turf.
    pub(super) fn add_to_turf(&mut self, uuid: &TurfId) {
        let (codes, doors) = self.selected();
        if self.selection.doors_only() {
            let affected = self.all_turfs();
            self.turf_edit(affected, |c| {
                let doors = c.door_uuids(&doors)?;
                c.add_doors_to_turf(uuid, &doors).map(|()| Vec::new())
            });
        } else {
            let mut affected = self.turfs_holding(&codes);
            affected.push(uuid.clone());
            self.turf_edit(affected, |c| {
                c.add_to_turf(uuid, &codes, true).map(|()| Vec::new())
            });
        }
    }

    /// Takes the selected precincts (or doors alone) out of a turf.
    pub(super) fn remove_from_turf(&mut self, uuid: &TurfId) {
        let (codes, doors) = self.selected();
        let doors_only = self.selection.doors_only();
        self.turf_edit(vec![uuid.clone()], |c| {
            if doors_only {
                let doors = c.door_uuids(&doors)?;
                c.remove_doors_from_turf(uuid, &doors)
            } else {
                c.remove_from_turf(uuid, &codes)
            }
            .map(|()| Vec::new())
        });
    }

    /// Merges the second turf into the first.
    pub(super) fn merge_turfs(&mut self, into: &TurfId, from: &TurfId) {
        if into != from {
            self.turf_edit(vec![into.clone(), from.clone()], |c| {
                c.merge_turfs(into, from).map(|()| Vec::new())
            });
        }
    }

    /// Renames and recolours a turf.
    pub(super) fn update_turf(&mut self, uuid: &TurfId, name: &str, colour: Option<&String>) {
        self.turf_edit(vec![uuid.clone()], |c| {
            c.update_turf(uuid, name, colour_of(colour))
                .map(|()| Vec::new())
        });
    }

    /// Sets a turf's status (its team stays).
    pub(super) fn set_turf_status(&mut self, uuid: &TurfId, status: TurfStatus) {
        self.turf_edit(vec![uuid.clone()], |c| {
            let (team, _) = c.turf_assignment(uuid)?;
            c.set_turf_assignment(uuid, team.as_ref(), status)
                .map(|()| Vec::new())
        });
    }

    /// Cuts the selected precincts (all when none is selected) into turfs of about `target`
    /// doors; one undo removes the whole cut.
    pub(super) fn autocut(&mut self, target: i64) {
        let (codes, _) = self.selected();
        let before = self.all_turfs();
        let prefix = self.tr().auto_prefix.trim().to_owned();
        let mut doors_only = None;
        self.turf_edit(Vec::new(), |c| {
            let within = (!codes.is_empty()).then_some(codes.as_slice());
            let report = c.autocut(target.max(3), within, &prefix)?;
            if report.doors_only {
                doors_only = Some(report);
            }
            Ok(c.turfs()?
                .into_iter()
                .map(|t| t.uuid)
                .filter(|u| !before.contains(u))
                .collect())
        });
        if let Some(r) = doors_only {
            let text = self
                .tr()
                .autocut_doors_only
                .replace("{turfs}", &r.turfs.to_string())
                .replace("{doors}", &r.doors.to_string());
            self.view.say(Message::info(text));
        }
    }

    /// Sets the voters per household used to estimate doors.
    pub(super) fn set_voters_per_household(&mut self, value: f64) {
        if let Some(Err(e)) = self
            .campaign_mut()
            .map(|c| c.set_voters_per_household(value))
        {
            self.refused(&e);
        }
        self.refresh(false);
    }

    /// Creates a team.
    pub(super) fn create_team(&mut self, name: &str) {
        match self
            .campaign_mut()
            .map(|c| c.create_team(name.trim(), None, None))
        {
            Some(Ok(team)) => {
                self.history.record(Edit::CreatedTeam { team });
                self.forms.team_name.clear();
            }
            Some(Err(e)) => self.refused(&e),
            None => {}
        }
        self.refresh(false);
    }

    /// Renames and recolours a team.
    pub(super) fn update_team(&mut self, uuid: &TeamId, name: &str, colour: Option<&String>) {
        let before = self.session.as_ref().and_then(|s| {
            s.teams.iter().find(|t| t.uuid == *uuid).map(|t| TeamLook {
                name: t.name.clone(),
                colour: t.colour.clone(),
            })
        });
        let after = TeamLook {
            name: name.to_owned(),
            colour: colour.cloned(),
        };
        match self
            .campaign_mut()
            .map(|c| c.update_team(uuid, name, colour_of(colour)))
        {
            Some(Ok(())) => {
                if let Some(before) = before {
                    self.history.record(Edit::UpdatedTeam {
                        team: uuid.clone(),
                        before,
                        after,
                    });
                }
            }
            Some(Err(e)) => self.refused(&e),
            None => {}
        }
        self.refresh(false);
    }

    /// Deletes a team; its turfs lose their team.
    pub(super) fn delete_team(&mut self, uuid: &TeamId) {
        match self.campaign_mut().map(|c| c.delete_team(uuid)) {
            Some(Ok(())) => self
                .history
                .record(Edit::DeletedTeam { team: uuid.clone() }),
            Some(Err(e)) => self.refused(&e),
            None => {}
        }
        self.refresh(false);
    }

    /// Assigns a turf (by name) to a team (by name) on a date, as planned.
    pub(super) fn assign(&mut self, turf: &str, team: &str, date: &str) {
        let Some(s) = &self.session else {
            return;
        };
        let turf_uuid = s
            .turfs
            .iter()
            .find(|t| t.name == turf)
            .map(|t| t.uuid.clone());
        let team_uuid = s
            .teams
            .iter()
            .find(|t| t.name == team)
            .map(|t| t.uuid.clone());
        let (Some(turf_uuid), Some(team_uuid)) = (turf_uuid, team_uuid) else {
            return;
        };
        let date = match Date::parse(date) {
            Ok(date) => date,
            Err(e) => {
                self.view.say(Message::error(e.to_string()));
                return;
            }
        };
        let Some(c) = self.campaign_mut() else {
            return;
        };
        let before = c.turf_assignment(&turf_uuid).ok();
        match c.assign(team, turf, date, TurfStatus::Planned) {
            Ok(()) => {
                if let Some((team, status)) = before {
                    self.history.record(Edit::Assigned {
                        turf: turf_uuid,
                        before: TurfAssignment { team, status },
                        after: TurfAssignment {
                            team: Some(team_uuid),
                            status: TurfStatus::Planned,
                        },
                    });
                }
            }
            Err(e) => self.refused(&e),
        }
        self.refresh(false);
    }

    /// Undoes the last edit (`undo`) or redoes the last undone one. Nothing moves while a
    /// background job has the campaign file.
    pub(super) fn undo(&mut self, undo: bool) {
        if self.campaign_mut().is_none() {
            return;
        }
        let edit = if undo {
            self.history.undo()
        } else {
            self.history.redo()
        };
        let Some(edit) = edit.cloned() else {
            return;
        };
        let result = self.campaign_mut().map_or(Ok(()), |c| edit.replay(c, undo));
        if let Err(e) = result {
            self.refused(&e);
        }
        self.refresh(edit.changes_doors());
    }
}

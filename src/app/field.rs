//! Field reports in the app: a printed sheet loaded by its code (with the draft left from an
//! earlier try), saved in one transaction; the draft kept on disk while it is typed; the
//! totals-only grid saved all or none; the field settings; the coverage map.

use std::path::PathBuf;

use super::PlannerApp;
use crate::domain::date::Date;
use crate::domain::field::TimeOfDay;
use crate::state::Message;
use crate::state::entry::{EntryDraft, EntryFocus, ShownRow};
use crate::store::NewSession;

/// How often a draft being typed is saved to disk.
const DRAFT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Where the draft of a print is kept: the data directory, by the print's uuid.
fn draft_path(print: &str) -> PathBuf {
    crate::paths::data_dir()
        .join("drafts")
        .join(format!("{print}.json"))
}

impl PlannerApp {
    /// Loads the sheet with the code typed: its printed rows in the printed order, what was
    /// entered for them before, or the draft left from an earlier try.
    pub(super) fn load_sheet(&mut self, typed: &str) {
        let lang = self.persisted.lang;
        let fr = lang == crate::domain::numbers::Lang::Fr;
        let Some(c) = self.session.as_ref().and_then(|s| s.campaign()) else {
            return;
        };
        let found = match c.print_by_code(typed) {
            Ok(Some(p)) => p,
            Ok(None) => {
                let text = if fr {
                    format!("aucune feuille n’a le code « {} »", typed.trim())
                } else {
                    format!("no walk sheet has the code {:?}", typed.trim())
                };
                self.forms.entry = None;
                self.forms.entry_code_error = Some(text);
                return;
            }
            Err(e) => return self.view.say(Message::error(e.to_string())),
        };
        let loaded = c
            .print_rows(&found.uuid)
            .and_then(|rows| Ok((rows, c.sheet_state(&found.uuid)?)));
        let (rows, state) = match loaded {
            Ok(x) => x,
            Err(e) => return self.view.say(Message::error(e.to_string())),
        };
        let shown = rows.iter().map(ShownRow::from).collect();
        let mut draft = EntryDraft::new(found.uuid.clone(), found.code.clone(), shown, state.rows);
        draft.turf.clone_from(&found.turf);
        draft.team.clone_from(&found.team);
        draft.printed_on = Some(found.printed_at.get(..10).unwrap_or_default().to_owned());
        draft.header.date = state.date.unwrap_or_else(Date::today).to_string();
        if let Some(s) = &state.session {
            let r = &s.report;
            let time = |t: Option<TimeOfDay>| t.map(|t| t.to_string()).unwrap_or_default();
            draft.header.start = time(r.start);
            draft.header.end = time(r.end);
            draft.header.canvassers = r.canvassers.map(|n| n.to_string()).unwrap_or_default();
            // Counts that match the codes were never typed: they stay blank and follow the
            // codes; counts typed from the paper's box are shown.
            let counted = draft.counted();
            if (r.knocked, r.opened) != counted {
                draft.header.knocked = r.knocked.to_string();
                draft.header.opened = r.opened.to_string();
            }
            draft.header.quality = r.quality.map(|q| q.to_string()).unwrap_or_default();
            if r.opponent_seen { "1" } else { "" }.clone_into(&mut draft.header.opponent);
            draft.header.notes.clone_from(&r.notes);
        }
        // A draft left by a crash (or a window closed half way) comes back.
        if let Some(saved) = std::fs::read(draft_path(&found.uuid))
            .ok()
            .and_then(|b| serde_json::from_slice::<EntryDraft>(&b).ok())
            .filter(|d| d.print == draft.print && d.rows == draft.rows)
        {
            draft = saved;
            draft.restored = true;
        }
        draft.focus = EntryFocus::Header;
        self.forms.entry_code_error = None;
        self.forms.entry_code = found.code;
        self.forms.entry = Some(draft);
        self.forms.entry_saved = Some(std::time::Instant::now());
    }

    /// Saves the draft being typed to disk, at most every few seconds.
    pub(super) fn autosave_draft(&mut self) {
        let Some(draft) = &mut self.forms.entry else {
            return;
        };
        let due = self
            .forms
            .entry_saved
            .is_none_or(|t| t.elapsed() >= DRAFT_EVERY);
        if !draft.dirty || !due {
            return;
        }
        let path = draft_path(&draft.print);
        let written = serde_json::to_vec(&*draft)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let tmp = path.with_extension("json.tmp");
                std::fs::write(&tmp, bytes)?;
                std::fs::rename(&tmp, &path)
            });
        match written {
            Ok(()) => draft.dirty = false,
            Err(e) => tracing::warn!("the draft {} could not be saved: {e}", path.display()),
        }
        self.forms.entry_saved = Some(std::time::Instant::now());
    }

    /// Saves the sheet typed: its visits and its session, in one transaction; what is wrong
    /// is said beside the grid and nothing is saved.
    pub(super) fn commit_sheet(&mut self) {
        let lang = self.persisted.lang;
        let Some(draft) = &mut self.forms.entry else {
            return;
        };
        let report = match draft.session(lang) {
            Ok(r) => r,
            Err(e) => {
                draft.error = Some(e);
                return;
            }
        };
        let Some(c) = self.session.as_mut().and_then(|s| s.campaign_mut()) else {
            return;
        };
        let date = report.date;
        match c.enter_sheet(
            &draft.print,
            date,
            &draft.entries,
            Some(&report),
            Date::today(),
        ) {
            Ok(w) => {
                let _ = std::fs::remove_file(draft_path(&draft.print));
                let t = crate::ui::i18n_field::ft(lang);
                let text = t
                    .sheet_saved
                    .replace("{code}", &draft.code)
                    .replace("{new}", &w.new.to_string())
                    .replace("{updated}", &w.updated.to_string())
                    .replace("{unchanged}", &w.unchanged.to_string());
                self.forms.entry = None;
                self.forms.entry_code.clear();
                self.view.say(Message::info(text));
                self.refresh_field();
            }
            Err(e) => draft.error = Some(e.to_string()),
        }
    }

    /// Saves the totals grid's rows, all or none.
    pub(super) fn commit_totals(&mut self) {
        let lang = self.persisted.lang;
        let fr = lang == crate::domain::numbers::Lang::Fr;
        let Some(s) = &self.session else {
            return;
        };
        let Some(days) = s.field.days.map(|d| crate::domain::field::CampaignDays {
            today: Date::today(),
            ..d
        }) else {
            return;
        };
        let Some(grid) = &mut self.forms.totals else {
            return;
        };
        let Some(rows) = grid.read(&days, lang) else {
            return;
        };
        if rows.is_empty() {
            grid.errors[0] = Some(if fr {
                "rien à enregistrer : tapez une sortie par ligne".to_owned()
            } else {
                "nothing to save: type one session per row".to_owned()
            });
            return;
        }
        // Turfs and teams by name.
        let mut sessions = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let key = crate::domain::name::name_key(&row.turf);
            let Some(turf) = s
                .turfs
                .iter()
                .find(|t| crate::domain::name::name_key(&t.name) == key)
            else {
                grid.errors[i] = Some(if fr {
                    format!("aucun secteur « {} »", row.turf)
                } else {
                    format!("no turf named {:?}", row.turf)
                });
                return;
            };
            let team_name = if row.team.is_empty() {
                turf.team.clone()
            } else {
                Some(row.team.clone())
            };
            let team = match team_name {
                Some(name) => {
                    let key = crate::domain::name::name_key(&name);
                    let Some(t) = s
                        .teams
                        .iter()
                        .find(|t| crate::domain::name::name_key(&t.name) == key)
                    else {
                        grid.errors[i] = Some(if fr {
                            format!("aucune équipe « {name} »")
                        } else {
                            format!("no team named {name:?}")
                        });
                        return;
                    };
                    Some(t.uuid.to_string())
                }
                None => None,
            };
            sessions.push(NewSession {
                uuid: None,
                turf: Some(turf.uuid.to_string()),
                team,
                print: None,
                report: row.report.clone(),
            });
        }
        let Some(c) = self.session.as_mut().and_then(|s| s.campaign_mut()) else {
            return;
        };
        match c.record_sessions(&sessions, Date::today()) {
            Ok(n) => {
                self.forms.totals = None;
                let t = crate::ui::i18n_field::ft(lang);
                self.view.say(Message::info(
                    t.sessions_saved.replace("{n}", &n.to_string()),
                ));
                self.refresh_field();
            }
            Err(e) => self.view.say(Message::error(e.to_string())),
        }
    }

    /// Deletes a session.
    pub(super) fn delete_session(&mut self, uuid: &str) {
        let Some(c) = self.campaign_mut() else {
            return;
        };
        if let Err(e) = c.delete_session(uuid) {
            return self.view.say(Message::error(e.to_string()));
        }
        self.refresh_field();
    }

    /// Sets the campaign's start and election day.
    pub(super) fn set_campaign_days(&mut self, start: Option<Date>, election: Option<Date>) {
        let Some(c) = self.campaign_mut() else {
            return;
        };
        if let Err(e) = c.set_campaign_days(start, election) {
            return self.view.say(Message::error(e.to_string()));
        }
        self.refresh_field();
    }

    /// Turns support levels on or off.
    pub(super) fn set_record_support(&mut self, on: bool) {
        let Some(c) = self.campaign_mut() else {
            return;
        };
        if let Err(e) = c.set_records_support(on) {
            return self.view.say(Message::error(e.to_string()));
        }
        self.refresh_field();
    }

    /// Colours precincts by coverage, or by priority.
    pub(super) fn set_colour_by_coverage(&mut self, coverage: bool) {
        self.view.colour_by_coverage = coverage;
        if let Some(s) = &mut self.session {
            s.recolour(self.view.opacity, coverage);
        }
    }

    /// Reads the field work again and recolours the map when it shows coverage.
    pub(super) fn refresh_field(&mut self) {
        let Some(s) = &mut self.session else {
            return;
        };
        if let Err(e) = s.refresh_field() {
            self.view.add_error(&e);
        }
        if self.view.colour_by_coverage {
            s.recolour(self.view.opacity, true);
        }
    }
}

//! Team packs from the app: a team's pack written to a new file, packs merged back after a
//! dry run shows what each would do; packs dropped on the window go to the same preview.

use std::path::{Path, PathBuf};

use super::PlannerApp;
use crate::domain::turf::TeamId;
use crate::state::Message;
use crate::store::PackOptions;
use crate::ui::i18n_field::ft;

/// Whether `path` is a team pack of the campaign `campaign_uuid`.
pub(super) fn is_pack_of(path: &Path, campaign_uuid: &str) -> bool {
    crate::store::team_pack_campaign(path).as_deref() == Some(campaign_uuid)
}

impl PlannerApp {
    /// Writes `team`'s pack to `out` (notes and support levels stay home).
    pub(super) fn export_pack(&mut self, team: &TeamId, out: &Path) {
        let t = ft(self.persisted.lang);
        let Some(c) = self.session.as_ref().and_then(|s| s.campaign()) else {
            return;
        };
        match c.write_pack(team, out, PackOptions::default()) {
            Ok(w) => self.view.say(Message::info(
                t.pack_written
                    .replace("{team}", &w.team)
                    .replace("{turfs}", &w.turfs.to_string())
                    .replace("{doors}", &w.doors.to_string())
                    .replace("{kb}", &w.bytes.div_ceil(1024).to_string()),
            )),
            Err(e) => self.view.say(Message::error(e.to_string())),
        }
    }

    /// What merging each pack would do, shown before anything is written.
    pub(super) fn preview_merge(&mut self, packs: Vec<PathBuf>) {
        let Some(c) = self.campaign_mut() else {
            return;
        };
        let reports = packs
            .iter()
            .map(|p| c.merge_pack(p, true).map_err(|e| e.to_string()))
            .collect();
        self.view.merge_preview = Some((packs, reports));
    }

    /// Merges the packs, each in its own transaction; the first refusal is said, the packs
    /// merged before it stay merged.
    pub(super) fn merge_packs(&mut self, packs: &[PathBuf]) {
        self.view.merge_preview = None;
        let t = ft(self.persisted.lang);
        let Some(c) = self.campaign_mut() else {
            return;
        };
        let mut rows = 0;
        let mut merged = 0;
        let mut failure = None;
        for p in packs {
            match c.merge_pack(p, false) {
                Ok(r) => {
                    rows += r.changed();
                    merged += 1;
                }
                Err(e) => {
                    failure = Some(e.to_string());
                    break;
                }
            }
        }
        self.refresh_field();
        match failure {
            Some(e) => self.view.say(Message::error(e)),
            None => self.view.say(Message::info(
                t.merged
                    .replace("{n}", &merged.to_string())
                    .replace("{rows}", &rows.to_string()),
            )),
        }
    }
}

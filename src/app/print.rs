//! Walk sheets from the app: printed in the background with progress and Cancel, then offered
//! to open with the system's PDF viewer.

use std::path::{Path, PathBuf};

use super::{JobDone, JobNote, JobOutcome, PlannerApp};
use crate::io::sheets::{Scope, SheetOptions, write_sheets};
use crate::state::Message;

impl PlannerApp {
    /// Prints the walk sheets of `scope` into `folder` in the background.
    pub(super) fn print_sheets(&mut self, ctx: &egui::Context, scope: Scope, folder: PathBuf) {
        let Some(mut campaign) = self.campaign_for_job() else {
            return;
        };
        let t = self.tr();
        // The user's own MBTiles, when it is the basemap in use, goes under the sheets' maps
        // (online tiles never do: their policy forbids bulk downloads).
        let mbtiles = match &self.basemap.choice {
            crate::map::basemap::BasemapChoice::File(p) => Some(p.clone()),
            _ => None,
        };
        let options = SheetOptions {
            lang: self.persisted.lang,
            mbtiles,
            ..SheetOptions::default()
        };
        let label = folder.display().to_string();
        self.jobs.start(ctx, label, move |progress| {
            let note = match write_sheets(&mut campaign, &scope, &folder, &options, progress) {
                Ok(files) => {
                    let mut lines = vec![format!("{} {}", t.sheets_printed, folder.display())];
                    if let Some(w) = files.first().and_then(|f| f.warnings.first()) {
                        lines.push(w.clone());
                    }
                    for f in &files {
                        let codes: Vec<String> = f
                            .prints
                            .iter()
                            .map(|p| format!("{} {}", p.turf, p.code))
                            .collect();
                        lines.push(format!(
                            "{} ({} {}): {}",
                            f.path
                                .file_name()
                                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                            f.pages,
                            t.pages,
                            codes.join(", ")
                        ));
                    }
                    JobNote::Printed(
                        Message::info(lines.join("\n")),
                        files.into_iter().map(|f| f.path).collect(),
                    )
                }
                Err(e) => JobNote::Say(Message::error(e.to_string())),
            };
            JobDone {
                outcome: JobOutcome::Returned(campaign),
                note: Some(note),
                edit: None,
            }
        });
    }

    /// Reads the preview of a turf's sheet (another scope goes straight to the folder).
    pub(super) fn preview_sheets(&mut self, scope: Scope) {
        let Scope::Turf(turf) = &scope else {
            self.view.preview = None;
            return;
        };
        let options = SheetOptions {
            lang: self.persisted.lang,
            ..SheetOptions::default()
        };
        let Some(c) = self.campaign_mut() else {
            return;
        };
        match crate::io::sheets::preview(c, turf, &options) {
            Ok(p) => self.view.preview = Some((scope, std::sync::Arc::new(p))),
            Err(e) => self.view.say(Message::error(e.to_string())),
        }
    }

    /// Saves the walk sheets' script in the campaign.
    pub(super) fn set_sheet_script(&mut self, text: &str) {
        let Some(c) = self.campaign_mut() else {
            return;
        };
        match c.set_sheet_script(Some(text)) {
            Ok(()) => {
                if let Some(s) = &mut self.session {
                    s.sheet_script = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
                }
                self.view
                    .say(Message::info(self.tr().script_saved.to_owned()));
            }
            Err(e) => self.view.say(Message::error(e.to_string())),
        }
    }

    /// Opens a file with the system's viewer; a viewer that cannot start is said.
    pub(super) fn open_file(&mut self, path: &Path) {
        if let Err(e) = open_with_system(path) {
            self.view
                .say(Message::error(format!("{}: {e}", path.display())));
        }
    }
}

/// Starts the system's viewer on `path` (xdg-open, open, or start).
fn open_with_system(path: &Path) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command.arg(path).spawn().map(|_| ())
}

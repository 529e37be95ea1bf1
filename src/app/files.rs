//! Files: opening and creating campaigns, saving a copy, the demo, and the imports (shapes,
//! results, doors and streets run as background jobs).

use std::path::{Path, PathBuf};

use super::{JobDone, JobNote, JobOutcome, PlannerApp};
use crate::domain::street::clip_box;
use crate::io::csv_results::{ColumnMapping, import_results};
use crate::io::{ImportOptions, import_precincts};
use crate::state::results_form::ResultsDialog;
use crate::state::{Edit, Message, Session};
use crate::store::{Campaign, ElectionMeta, StoreError};
use crate::ui::i18n::Tr;

/// The file's name, for messages.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl PlannerApp {
    /// Opens a campaign in the background (nothing when it is already open).
    pub(super) fn open(&mut self, ctx: &egui::Context, path: PathBuf) {
        if self.session.as_ref().is_some_and(|s| s.path == path) {
            return;
        }
        self.jobs
            .start(ctx, format!("{}", path.display()), move |_| JobDone {
                outcome: JobOutcome::Opened(Box::new(Session::open(&path))),
                note: None,
                edit: None,
            });
    }

    /// Creates a campaign (never over a file) and opens it.
    pub(super) fn create(&mut self, path: &Path) {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().trim_end_matches(".campaign").to_owned())
            .unwrap_or_default();
        match Campaign::create(path, &name)
            .map_err(|e| e.to_string())
            .and_then(Session::from_campaign)
        {
            Ok(s) => {
                self.session = None;
                self.show_new(s);
            }
            Err(e) => self.view.say(Message::error(e)),
        }
    }

    /// Saves a copy of the campaign and goes on working in the copy.
    pub(super) fn save_as(&mut self, path: &Path) {
        let Some(campaign) = self.session.as_mut().and_then(Session::take_campaign) else {
            return;
        };
        match campaign.save_as(path) {
            Ok(copy) => match Session::from_campaign(copy) {
                Ok(new) => {
                    self.session = None;
                    self.show_new(new);
                    self.view.say(Message::info(format!("{}", path.display())));
                }
                Err(e) => self.view.say(Message::error(e)),
            },
            Err((campaign, e)) => {
                if let Some(s) = &mut self.session {
                    s.put_back(campaign);
                }
                self.view.say(Message::error(e.to_string()));
            }
        }
    }

    /// Opens the demo campaign.
    pub(super) fn open_demo(&mut self, ctx: &egui::Context) {
        match crate::demo::demo_path() {
            Ok(p) => self.open(ctx, p),
            Err(e) => self.view.say(Message::error(e.to_string())),
        }
    }

    /// Opens the field demo (building it on first use).
    pub(super) fn open_field_demo(&mut self, ctx: &egui::Context) {
        match crate::demo::field_demo_path() {
            Ok(p) => self.open(ctx, p),
            Err(e) => self.view.say(Message::error(e.to_string())),
        }
    }

    /// Rebuilds the demo campaign from the shipped data and opens it.
    pub(super) fn reset_demo(&mut self) {
        let is_demo = self
            .session
            .as_ref()
            .is_some_and(|s| s.path.starts_with(crate::paths::data_dir()));
        if is_demo {
            // The demo's file is closed before it is rebuilt.
            self.session = None;
        }
        match crate::demo::reset_demo()
            .map_err(|e| e.to_string())
            .and_then(|p| Session::open(&p))
        {
            Ok(s) => self.show_new(s),
            Err(e) => self.view.say(Message::error(e)),
        }
    }

    /// Opens the results dialog for a file.
    pub(super) fn ask_election(&mut self, path: PathBuf) {
        self.forms.results_dialog = Some(ResultsDialog::new(path));
    }

    /// Files dropped on the window: campaigns are opened, door points, shapes and results
    /// imported (an OpenStreetMap extract brings its doors and its streets).
    pub(super) fn dropped(&mut self, paths: Vec<PathBuf>, ctx: &egui::Context) {
        // Team packs of the campaign open go to the merge preview, all together.
        let campaign_uuid = self
            .session
            .as_ref()
            .and_then(|s| s.campaign())
            .and_then(|c| c.meta("uuid").ok().flatten());
        let (packs, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|p| {
            campaign_uuid
                .as_deref()
                .is_some_and(|u| super::packs::is_pack_of(p, u))
        });
        if !packs.is_empty() {
            self.preview_merge(packs);
        }
        for path in paths {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            let is_campaign = ext == "gpkg" && Campaign::open_read_only(&path).is_ok();
            let is_pbf = path
                .to_string_lossy()
                .to_ascii_lowercase()
                .ends_with(".pbf");
            match ext.as_str() {
                _ if is_campaign => self.open(ctx, path),
                _ if is_pbf => self.import_osm(ctx, path, true),
                "csv" | "txt" | "xlsx" | "xls" | "ods" => self.ask_election(path),
                _ => self.import_shapes(ctx, path, false),
            }
        }
    }

    /// The campaign file for a background job, or the message that none is open.
    pub(super) fn campaign_for_job(&mut self) -> Option<Campaign> {
        if self.jobs.is_running() {
            return None;
        }
        let campaign = self.session.as_mut().and_then(Session::take_campaign);
        if campaign.is_none() {
            self.view.say(Message::error(self.tr().no_campaign));
        }
        campaign
    }

    /// Imports precinct shapes in the background; an import that would remove precincts in
    /// use is asked about (`replace` when the user agreed).
    pub(super) fn import_shapes(&mut self, ctx: &egui::Context, path: PathBuf, replace: bool) {
        self.view.confirm = None;
        let Some(mut campaign) = self.campaign_for_job() else {
            return;
        };
        let label = path.display().to_string();
        let (t, lang) = (self.tr(), self.persisted.lang);
        self.jobs.start(ctx, label, move |progress| {
            let options = ImportOptions {
                replace,
                ..ImportOptions::default()
            };
            let result = import_precincts(&mut campaign, &path, &options, progress);
            let note = match result {
                Ok(r) => {
                    let mut text = format!(
                        "{}: {} (+{} ~{} −{})",
                        r.file, r.features, r.changes.added, r.changes.updated, r.changes.removed
                    );
                    // What the reader worked around, and a system it had to assume.
                    for note in &r.notes {
                        text.push('\n');
                        text.push_str(note);
                    }
                    if r.crs_assumed {
                        text.push('\n');
                        text.push_str(t.crs_assumed);
                    }
                    JobNote::Say(Message {
                        error: r.crs_assumed,
                        text,
                    })
                }
                // An import that would remove precincts in use is asked about, not refused.
                Err(crate::io::ImportError::WouldRemove { impact, .. }) => JobNote::Confirm(
                    t.replace_detail
                        .replace("{file}", &file_name(&path))
                        .replace("{what}", &crate::io::removal(&impact, lang)),
                    Box::new(crate::state::Action::ImportShapesReplacing(path.clone())),
                ),
                Err(e) => JobNote::Say(Message::error(e.to_string())),
            };
            JobDone {
                outcome: JobOutcome::Opened(Box::new(Session::from_campaign(campaign))),
                note: Some(note),
                edit: None,
            }
        });
    }

    /// Imports a results file in the background, as the dialog described it.
    pub(super) fn import_results(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        meta: ElectionMeta,
        mapping: ColumnMapping,
    ) {
        let Some(mut campaign) = self.campaign_for_job() else {
            return;
        };
        let label = path.display().to_string();
        let t = self.tr();
        self.jobs.start(ctx, label, move |_| {
            let result = import_results(&mut campaign, &path, &meta, &mapping);
            let note = match result {
                Ok(r) => {
                    let mut lines: Vec<String> = r
                        .elections
                        .iter()
                        .map(|e| {
                            format!(
                                "{}: {} {} / {}; {} {}; {} {}",
                                e.election.name,
                                e.join.matched,
                                t.precincts_matched,
                                e.join.matched + e.join.precincts_without_results.len(),
                                e.join.unmatched_rows.len(),
                                t.rows_unmatched,
                                e.lists.len(),
                                t.lists_found
                            )
                        })
                        .collect();
                    lines.extend(
                        r.read
                            .warnings
                            .iter()
                            .map(|w| format!("{}: {w}", t.warning)),
                    );
                    JobNote::Say(Message::info(lines.join("\n")))
                }
                Err(e) => JobNote::Say(Message::error(e.to_string())),
            };
            JobDone {
                outcome: JobOutcome::Opened(Box::new(Session::from_campaign(campaign))),
                note: Some(note),
                edit: None,
            }
        });
    }

    /// Imports door points in the background; the import can be undone. An import that would
    /// remove most doors of its file's earlier import is asked about (`removing` when the user
    /// agreed).
    pub(super) fn import_doors(&mut self, ctx: &egui::Context, path: PathBuf, removing: bool) {
        self.view.confirm = None;
        let Some(mut campaign) = self.campaign_for_job() else {
            return;
        };
        let label = path.display().to_string();
        let t = self.tr();
        self.jobs.start(ctx, label, move |_| {
            let (note, edit) = doors_into(&mut campaign, &path, removing, t);
            JobDone {
                outcome: JobOutcome::Returned(campaign),
                note: Some(note),
                edit,
            }
        });
    }

    /// Imports the named streets of an OpenStreetMap extract in the background as the
    /// campaign's street map, clipped to what the campaign holds and a kilometre around it
    /// (the whole extract when it holds nothing yet); with `doors` (a dropped extract), its
    /// doors first, which undo can take back. Says both counts.
    pub(super) fn import_osm(&mut self, ctx: &egui::Context, path: PathBuf, doors: bool) {
        self.view.confirm = None;
        let Some(mut campaign) = self.campaign_for_job() else {
            return;
        };
        let label = path.display().to_string();
        let t = self.tr();
        self.jobs.start(ctx, label, move |progress| {
            let (doors_note, edit) = if doors {
                let (note, edit) = doors_into(&mut campaign, &path, false, t);
                (Some(note), edit)
            } else {
                (None, None)
            };
            let said = streets_into(&mut campaign, &path, progress, t);
            let note = match doors_note {
                None => JobNote::Say(said),
                Some(JobNote::Say(d)) => JobNote::Say(Message {
                    error: d.error || said.error,
                    text: format!("{}\n{}", d.text, said.text),
                }),
                Some(JobNote::Confirm(question, action)) => {
                    JobNote::Confirm(format!("{}\n\n{question}", said.text), action)
                }
                Some(other @ JobNote::Printed(..)) => other,
            };
            let streets = Session::read_streets(&campaign);
            JobDone {
                outcome: JobOutcome::Streets(campaign, Box::new(streets)),
                note: Some(note),
                edit,
            }
        });
    }
}

/// Imports the door points of `path` into `campaign` (on a job's thread): what to say or ask,
/// and the edit to record for undo.
fn doors_into(
    campaign: &mut Campaign,
    path: &Path,
    removing: bool,
    t: &'static Tr,
) -> (JobNote, Option<Edit>) {
    let source = file_name(path);
    let result = crate::io::doors::read_doors(path)
        .map_err(|e| DoorsFailed::Say(e.to_string()))
        .and_then(|doors| {
            campaign
                .import_doors(&doors, &source, removing)
                .map_err(|e| match e {
                    StoreError::WouldRemoveDoors { removing, of, .. } => {
                        DoorsFailed::WouldRemove(removing, of)
                    }
                    e => DoorsFailed::Say(e.to_string()),
                })
        });
    match result {
        Ok(w) => {
            let mut text = format!(
                "{source}: {} {} ({} {}, {} {}): {} {}, {} {}, {} {}",
                w.read,
                t.doors_read,
                w.households,
                t.households,
                w.in_precincts,
                t.in_precincts,
                w.new,
                t.doors_new,
                w.updated,
                t.doors_updated,
                w.unchanged,
                t.doors_unchanged
            );
            if w.removed > 0 {
                text = format!("{text}; {} {}", w.removed, t.doors_removed);
            }
            let outside = w.all_outside();
            if outside {
                text = format!(
                    "{text}. {}",
                    t.doors_all_outside
                        .replace("{n}", &w.campaign_precincts.to_string())
                );
            }
            if !w.also_from.is_empty() {
                text = format!(
                    "{text}; {} {}",
                    t.doors_already_there,
                    w.also_from.join(", ")
                );
            }
            let edit = Edit::Doors {
                added: w.added,
                removed: w.removed_doors,
                changed: w.changed,
                removed_members: w.removed_members,
            };
            // Said as a problem, so that it stays on screen: the doors are in, undo takes
            // them back.
            let message = if outside {
                Message::error(text)
            } else {
                Message::info(text)
            };
            (JobNote::Say(message), Some(edit))
        }
        Err(DoorsFailed::WouldRemove(removing, of)) => (
            JobNote::Confirm(
                t.doors_removal
                    .replace("{file}", &source)
                    .replace("{n}", &removing.to_string())
                    .replace("{of}", &of.to_string()),
                Box::new(crate::state::Action::ImportDoorsRemoving(
                    path.to_path_buf(),
                )),
            ),
            None,
        ),
        Err(DoorsFailed::Say(e)) => (JobNote::Say(Message::error(e)), None),
    }
}

/// Imports the named streets of the extract `path` into `campaign` (on a job's thread),
/// clipped as `campaign-planner streets import` does; what to say.
fn streets_into(
    campaign: &mut Campaign,
    path: &Path,
    progress: &mut crate::progress::ProgressFn<'_>,
    t: &'static Tr,
) -> Message {
    let source = file_name(path);
    let clip = match campaign.content_extent() {
        Ok(extent) => extent.map(|e| clip_box(e, false)),
        Err(e) => return Message::error(e.to_string()),
    };
    let (read, w) = match crate::io::streets::import_streets(campaign, path, clip, progress) {
        Ok(done) => done,
        Err(e) => return Message::error(e.to_string()),
    };
    let mut text = format!(
        "{source}: {} {} ({} {}, {} {})",
        w.streets,
        t.streets_imported,
        read.ways,
        t.streets_named_ways,
        read.outside,
        t.streets_outside
    );
    if w.replaced > 0 {
        text = format!("{text}; {} {}", w.replaced, t.streets_replaced);
    }
    if w.already_there > 0 {
        text = format!("{text}; {} {}", w.already_there, t.streets_already_there);
    }
    if clip.is_none() {
        text = format!("{text}\n{}", t.streets_whole_extract);
    }
    Message::info(text)
}

/// Why a doors import did not happen: a removal to ask about, or an error to say.
enum DoorsFailed {
    /// It would remove this many of that many doors.
    WouldRemove(usize, usize),
    /// An error, worded.
    Say(String),
}

//! The desktop app shell: the state, the one place actions are applied, and the frame.
//!
//! Panels (`ui`) read the state and return [`Action`]s; [`PlannerApp::apply`] carries them out
//! after the frame is drawn, by topic: files (`files.rs`), turfs and teams (`edits.rs`), the
//! view (`view.rs`). Every file dialog is in `dialogs.rs`; long work (opening, importing) runs
//! in `jobs.rs` on a worker thread that owns the campaign file meanwhile.

mod dialogs;
mod edits;
mod field;
mod files;
mod jobs;
mod packs;
mod print;
mod view;

use std::path::PathBuf;

pub use jobs::{Job, JobDone, JobNote, JobOutcome, Jobs};

use crate::domain::numbers::Lang;
use crate::map::basemap::Basemap;
pub use crate::state::results_form::ResultsDialog;
use crate::state::{
    Action, BasemapStatus, Forms, History, MapView, Message, Persisted, Selection, Session, Shown,
    View,
};
use crate::ui::i18n::tr;

/// The app's state.
pub struct PlannerApp {
    /// What is saved between sessions (language, theme, recent files).
    pub persisted: Persisted,
    /// The open campaign.
    pub session: Option<Session>,
    /// What is selected.
    pub selection: Selection,
    /// View settings, messages and questions.
    pub view: View,
    /// The map's own state.
    pub map: MapView,
    /// The panels' form drafts.
    pub forms: Forms,
    /// Edits that can be undone and redone.
    pub history: History,
    /// Background work.
    pub jobs: Jobs,
    /// The basemap.
    pub basemap: Basemap,
    /// A view sequence being replayed and timed (`bench-frames`).
    pub replay: Option<crate::replay::Replay>,
    /// Actions returned by the panels, applied after the frame.
    pending: Vec<Action>,
}

impl PlannerApp {
    /// A new app showing `session` (or nothing).
    #[must_use]
    pub fn new(ctx: &egui::Context, session: Option<Session>, lang: Lang) -> Self {
        egui_material_icons::initialize(ctx);
        ctx.set_theme(egui::Theme::Light);
        let basemap = Basemap::offline(crate::demo::basemap_path().ok(), ctx);
        let mut app = Self {
            persisted: Persisted {
                lang,
                ..Persisted::default()
            },
            session: None,
            selection: Selection::default(),
            view: View::default(),
            map: MapView::default(),
            forms: Forms::default(),
            history: History::default(),
            jobs: Jobs::default(),
            basemap,
            replay: None,
            pending: Vec::new(),
        };
        if let Some(session) = session {
            app.show_new(session);
        }
        app
    }

    /// The app on the demo campaign (built on first use).
    #[must_use]
    pub fn with_demo(ctx: &egui::Context, lang: Lang) -> Self {
        let session = crate::demo::demo_path()
            .map_err(|e| e.to_string())
            .and_then(|p| Session::open(&p));
        let mut app = Self::new(ctx, None, lang);
        match session {
            Ok(s) => app.show_new(s),
            Err(e) => app.view.say(Message::error(e)),
        }
        app
    }

    /// Queues an action, applied after the current frame.
    pub fn push(&mut self, action: Action) {
        self.pending.push(action);
    }

    /// The strings of the current language.
    #[must_use]
    pub fn tr(&self) -> &'static crate::ui::i18n::Tr {
        tr(self.persisted.lang)
    }

    /// Shows a campaign opened outside the app (the command line's `open FILE`).
    pub fn push_loaded(&mut self, session: Session) {
        self.show_new(session);
    }

    /// Carries out every queued action.
    pub fn apply_pending(&mut self, ctx: &egui::Context) {
        let actions = std::mem::take(&mut self.pending);
        for action in actions {
            self.apply(action, ctx);
        }
    }

    /// Carries out one action: the single place where user intents change the state.
    pub fn apply(&mut self, action: Action, ctx: &egui::Context) {
        tracing::debug!(?action, "apply");
        match action {
            Action::OpenDialog
            | Action::NewDialog
            | Action::SaveAsDialog
            | Action::ImportShapesDialog
            | Action::ImportResultsDialog
            | Action::ImportDoorsDialog
            | Action::ImportStreetsDialog
            | Action::BasemapFileDialog
            | Action::MergePacksDialog
            | Action::ExportPackDialog(_)
            | Action::PrintSheetsDialog(_) => self.dialog(&action, ctx),
            Action::Open(path) => self.open(ctx, path),
            Action::New(path) => self.create(&path),
            Action::SaveAs(path) => self.save_as(&path),
            Action::ImportShapes(path) => self.import_shapes(ctx, path, false),
            Action::ImportShapesReplacing(path) => self.import_shapes(ctx, path, true),
            Action::ImportResults(path, meta, mapping) => {
                self.import_results(ctx, path, meta, *mapping);
            }
            Action::ImportDoors(path) => self.import_doors(ctx, path, false),
            Action::ImportDoorsRemoving(path) => self.import_doors(ctx, path, true),
            Action::ImportStreets(path) => self.import_osm(ctx, path, false),
            Action::Dropped(paths) => self.dropped(paths, ctx),
            Action::OpenDemo => self.open_demo(ctx),
            Action::OpenFieldDemo => self.open_field_demo(ctx),
            Action::CloseNotice => self.view.notice_closed = true,
            Action::PrintSheets(scope, folder) => self.print_sheets(ctx, scope, folder),
            Action::OpenFile(path) => self.open_file(&path),
            Action::PreviewSheets(scope) => self.preview_sheets(scope),
            Action::ClosePreview => self.view.preview = None,
            Action::SetSheetScript(text) => self.set_sheet_script(&text),
            Action::ResetDemo => self.reset_demo(),
            Action::CancelJob => self.jobs.cancel(),
            Action::DismissMessage => self.view.message = None,
            Action::DismissConfirm => self.view.confirm = None,
            Action::SetScoring(params) => self.set_scoring(params),
            Action::Select(precincts, mode) => self.select(precincts, mode),
            Action::ClearSelection => self.selection.clear(),
            Action::SelectClassAtLeast(k) => self.select_class_at_least(k),
            Action::Lasso(ring, mode) => self.lasso(&ring, mode),
            Action::ZoomToCampaign => self.zoom_to(false),
            Action::ZoomToSelection => self.zoom_to(true),
            Action::ZoomToPrecinct(i) => self.zoom_to_precinct(i),
            Action::SetLanguage(lang) => self.persisted.lang = lang,
            Action::SetDarkTheme(dark) => self.set_dark(dark, ctx),
            Action::SetBasemap(choice) => self.set_basemap(choice, ctx),
            Action::RetryNetwork => self.basemap.retry(ctx),
            Action::SetPrecinctsVisible(v) => self.view.precincts_visible = v,
            Action::SetPrecinctOpacity(o) => self.set_opacity(o),
            Action::SetLabels(v) => self.view.labels = v,
            Action::SetBasemapOpacity(o) => self.view.basemap_opacity = o.clamp(0.0, 1.0),
            Action::SortTable(column) => self.view.sort_by(column, self.session.as_ref()),
            Action::SetTool(tool) => self.set_tool(tool),
            Action::SetMembership(m) => self.view.membership = m,
            Action::SetTurfColouring(by_status) => self.view.turfs_by_status = by_status,
            Action::CreateTurf(name) => self.create_turf(&name),
            Action::DeleteTurf(uuid) => self.delete_turf(&uuid),
            Action::ShowWalk(turf) => self.show_walk(turf),
            Action::SetMeetingPoint(turf, at) => self.set_meeting_point(&turf, at),
            Action::AddToTurf(uuid) => self.add_to_turf(&uuid),
            Action::RemoveFromTurf(uuid) => self.remove_from_turf(&uuid),
            Action::MergeTurfs(into, from) => self.merge_turfs(&into, &from),
            Action::UpdateTurf(uuid, name, colour) => {
                self.update_turf(&uuid, &name, colour.as_ref());
            }
            Action::SetTurfStatus(uuid, status) => self.set_turf_status(&uuid, status),
            Action::Autocut(target) => self.autocut(target),
            Action::SetVotersPerHousehold(v) => self.set_voters_per_household(v),
            Action::CreateTeam(name) => self.create_team(&name),
            Action::UpdateTeam(uuid, name, colour) => {
                self.update_team(&uuid, &name, colour.as_ref());
            }
            Action::DeleteTeam(uuid) => self.delete_team(&uuid),
            Action::AssignTurf { turf, team, date } => self.assign(&turf, &team, &date),
            Action::OpenEntry => self.forms.entry_open = true,
            Action::CloseEntry => {
                self.forms.entry_saved = None;
                self.autosave_draft();
                self.forms.entry_open = false;
                self.forms.entry = None;
            }
            Action::LoadSheet(code) => self.load_sheet(&code),
            Action::CommitSheet => self.commit_sheet(),
            Action::OpenTotals => {
                self.forms.totals.get_or_insert_with(Default::default);
            }
            Action::CloseTotals => self.forms.totals = None,
            Action::CommitTotals => self.commit_totals(),
            Action::DeleteSession(uuid) => self.delete_session(&uuid),
            Action::SetColourByCoverage(on) => self.set_colour_by_coverage(on),
            Action::ShowProgress(on) => self.view.show_progress = on,
            Action::SetCampaignDays(start, election) => self.set_campaign_days(start, election),
            Action::SetRecordSupport(on) => self.set_record_support(on),
            Action::ExportPack(team, out) => self.export_pack(&team, &out),
            Action::PreviewMerge(packs) => self.preview_merge(packs),
            Action::MergePacks(packs) => self.merge_packs(&packs),
            Action::CloseMergePreview => self.view.merge_preview = None,
            Action::Undo => self.undo(true),
            Action::Redo => self.undo(false),
        }
    }

    /// Shows a campaign opened anew: the map fits it, nothing is selected, and a scoring
    /// that had to be reset is said.
    fn show_new(&mut self, mut session: Session) {
        let reset = session.scoring_reset.take();
        self.show(session, false);
        if let Some(reset) = reset {
            self.view
                .say(Message::error(reset.localized(self.persisted.lang)));
        }
    }

    /// Shows `session`; with `keep_view` (the same campaign reloaded after an import), the
    /// map stays where it was and the selection keeps the precincts that still exist.
    fn show(&mut self, mut session: Session, keep_view: bool) {
        self.persisted.opened(&session.path);
        self.forms.formula_text = session.params.formula.clone().unwrap_or_default();
        self.forms.sheet_script = session.sheet_script.clone().unwrap_or_default();
        if keep_view {
            self.selection.keep_below(session.shapes.len());
        } else {
            self.map.zoom_request = session.bounds();
            self.selection.clear();
        }
        session.recolour(self.view.opacity, self.view.colour_by_coverage);
        if !keep_view {
            self.view.notice_closed = false;
            // The field demo opens on its first turf's walk.
            let field_demo = session.notice.as_deref() == Some(crate::demo::FIELD_NOTICE);
            self.view.walk_turf = session
                .turfs
                .first()
                .filter(|_| field_demo)
                .map(|t| t.uuid.clone());
        }
        if let Err(e) = session.refresh_walk(self.view.walk_turf.as_ref()) {
            self.view.add_error(&e);
        }
        self.basemap.suit(!session.streets.is_empty());
        self.session = Some(session);
        self.history.clear();
        self.map.hovered = None;
        self.view.resort(self.session.as_ref());
    }

    /// Re-reads turfs and teams (and door points with `doors`) after an edit; a failed read
    /// is said, never shown as an empty list.
    fn refresh(&mut self, doors: bool) {
        let Some(s) = &mut self.session else {
            return;
        };
        let mut result = s.refresh_turfs();
        if doors {
            self.selection.doors.clear();
            result = result.and(s.refresh_doors());
        }
        // The walk shown follows the turf's doors, streets and meeting point.
        result = result.and(s.refresh_walk(self.view.walk_turf.as_ref()));
        // Coverage follows the assignments.
        result = result.and(s.refresh_field());
        if self.view.colour_by_coverage {
            s.recolour(self.view.opacity, true);
        }
        if let Err(e) = result {
            self.view.add_error(&e);
        }
    }

    /// Draws the precinct layer and the street map on the GPU when the renderer is wgpu and
    /// the device can; says in the log which draws them.
    pub fn use_gpu(&mut self, render_state: Option<&eframe::egui_wgpu::RenderState>) {
        self.map.gpu = on_gpu(
            render_state,
            "the precinct layer",
            crate::map::gpu::GpuPrecincts::install,
        );
        self.map.gpu_streets = on_gpu(
            render_state,
            "the street map",
            crate::map::streets::GpuStreets::install,
        );
    }

    /// Restores the language, theme and recent files of the last session.
    pub fn restore(&mut self, storage: Option<&dyn eframe::Storage>, ctx: &egui::Context) {
        let Some(saved) = storage.and_then(|s| eframe::get_value::<Persisted>(s, Persisted::KEY))
        else {
            return;
        };
        self.persisted.restore(saved);
        self.set_dark(self.persisted.dark, ctx);
    }

    /// Moves a running replay to its next view, or reports and closes when it is done.
    fn replay_step(&mut self, ctx: &egui::Context) {
        let Some(replay) = &mut self.replay else {
            return;
        };
        // Frames are timed once every level of detail is ready (built for the CPU meshes,
        // uploaded for the GPU): the replay measures drawing, not loading.
        if !replay.started()
            && let Some(session) = &self.session
        {
            // Always the same window, whatever size the app was last left at.
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(egui::vec2(1280.0, 800.0)));
            let mut ready = match &mut self.map.gpu {
                Some(gpu) => gpu.prepare(&session.shapes),
                None => session.shapes.levels_ready(),
            };
            if self.basemap.choice == crate::map::basemap::BasemapChoice::Streets
                && !session.streets.is_empty()
            {
                ready &= if let Some(gpu) = &mut self.map.gpu_streets {
                    gpu.prepare(&session.streets)
                } else {
                    session.streets.prepare_in_background();
                    session.streets.levels_ready()
                };
            }
            if !ready && !replay.waited_too_long() {
                ctx.request_repaint_after(std::time::Duration::from_millis(20));
                return;
            }
        }
        // The layer's time: our code in the frame, and on the GPU path the renderer's
        // uploads and writes for it (the last frame's).
        let layer_time = self.map.layer_time
            + self.map.gpu.as_ref().map_or(
                std::time::Duration::ZERO,
                crate::map::gpu::GpuPrecincts::prepare_time,
            );
        let street_time = self.map.street_time
            + self.map.gpu_streets.as_ref().map_or(
                std::time::Duration::ZERO,
                crate::map::streets::GpuStreets::prepare_time,
            );
        if let Some((center, zoom)) = replay.advance(layer_time, street_time) {
            self.map.memory.center_at(center);
            let _ = self.map.memory.set_zoom(zoom);
            ctx.request_repaint();
        } else {
            let (f50, f99) = crate::replay::Replay::percentiles(&replay.frames);
            let (l50, l99) = crate::replay::Replay::percentiles(&replay.layer);
            let (s50, s99) = crate::replay::Replay::percentiles(&replay.streets);
            let streets = if self.map.street_stats == crate::map::streets::StreetStats::default() {
                String::new()
            } else {
                format!("; street map (our CPU time): p50 {s50:.2} ms, p99 {s99:.2} ms")
            };
            println!(
                "renderer {}: whole frame over {} frames: p50 {f50:.2} ms, p99 {f99:.2} ms; precinct layer (our CPU time): p50 {l50:.2} ms, p99 {l99:.2} ms{streets}",
                replay.renderer,
                replay.frames.len()
            );
            self.replay = None;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Files dropped on the window and the undo shortcuts, as actions.
    fn window_input(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.push(Action::Dropped(dropped));
        }
        // While a sheet or the totals grid is typed, Ctrl+Z is theirs.
        if self.forms.entry.is_some() || self.forms.totals.is_some() {
            return;
        }
        let (undo, redo) = ctx.input_mut(|i| {
            let redo = i.consume_shortcut(&egui::KeyboardShortcut::new(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::Z,
            ));
            let undo = i.consume_shortcut(&egui::KeyboardShortcut::new(
                egui::Modifiers::COMMAND,
                egui::Key::Z,
            ));
            (undo, redo)
        });
        if redo {
            self.push(Action::Redo);
        } else if undo {
            self.push(Action::Undo);
        }
    }
}

/// One map layer set up on the GPU by `install`, or `None` (the CPU draws it); the log says
/// which draws `what`, and on which device.
fn on_gpu<T>(
    render_state: Option<&eframe::egui_wgpu::RenderState>,
    what: &str,
    install: impl FnOnce(&eframe::egui_wgpu::RenderState) -> Result<T, crate::map::gpu::Unavailable>,
) -> Option<T> {
    let installed = render_state
        .ok_or(crate::map::gpu::Unavailable::NotWgpu)
        .and_then(|rs| install(rs).map(|g| (g, rs.adapter.get_info())));
    match installed {
        Ok((layer, info)) => {
            tracing::info!(
                "{what} is drawn on the GPU ({}, {:?})",
                info.name,
                info.backend
            );
            Some(layer)
        }
        Err(e) => {
            tracing::warn!("{what} is drawn by the CPU: {e}");
            None
        }
    }
}

impl eframe::App for PlannerApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, Persisted::KEY, &self.persisted);
    }

    /// The window's ground, seen under the map where no basemap covers it: the theme's, not
    /// eframe's near-black (free: the frame is cleared anyway, where painting it under the map
    /// cost a software renderer a tenth of a frame).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.extreme_bg_color.to_normalized_gamma_f32()
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll();
        self.replay_step(&ctx);
        self.window_input(&ctx);
        let shown = Shown {
            persisted: &self.persisted,
            session: self.session.as_ref(),
            selection: &self.selection,
            view: &self.view,
            basemap: BasemapStatus {
                choice: self.basemap.choice.clone(),
                net: self.basemap.net,
                downloads: self.basemap.downloads(),
            },
            job: self.jobs.status(),
        };
        let actions = crate::ui::frame(
            ui,
            &shown,
            &mut self.forms,
            &mut self.map,
            self.basemap.tiles(),
        );
        self.pending.extend(actions);
        self.apply_pending(&ctx);
        self.autosave_draft();
        if self.jobs.is_running() || self.basemap.downloads() > 0 {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

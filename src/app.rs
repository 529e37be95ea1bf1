//! The desktop app: state, the one place actions are applied, and the frame layout.
//!
//! Panels (`ui/`) only read the state and push [`Action`]s; [`PlannerApp::apply`] carries them
//! out after the frame is drawn. Long work (opening, importing) runs on a worker thread that
//! owns the campaign file meanwhile, reports progress, and can be cancelled.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use egui::{Color32, Rect};
use walkers::MapMemory;

use crate::action::{Action, Column, SelectMode};
use crate::domain::numbers::Lang;
use crate::domain::results::ScoringData;
use crate::domain::scoring::{Preset, Scored, ScoringParams, score};
use crate::io::csv_results::{ColumnMapping, import_results};
use crate::io::{ImportOptions, import_precincts};
use crate::map::basemap::Basemap;
use crate::map::layer::{DrawStats, MeshCache, PrecinctShapes, lon_lat};
use crate::progress::Progress;
use crate::store::{Campaign, ElectionMeta};
use crate::ui::i18n::tr;

/// An open campaign, as the app shows it.
pub struct Loaded {
    /// The campaign file; `None` while a background job has it.
    campaign: Option<Campaign>,
    /// The file's path.
    pub path: PathBuf,
    /// The campaign's name.
    pub name: String,
    /// Registered voters per precinct, when known.
    pub registered: Vec<Option<i64>>,
    /// The precinct geometry, ready to draw.
    pub shapes: Arc<PrecinctShapes>,
    /// Codes, names and results of the precincts (same order as `shapes`).
    pub data: ScoringData,
    /// The scoring method.
    pub params: ScoringParams,
    /// Scores and classes, when they could be computed.
    pub scored: Option<Scored>,
    /// Why the last scoring asked for was refused (the scores shown are the previous ones),
    /// or why there are no scores.
    pub scoring_error: Option<crate::domain::scoring::ScoringError>,
    /// Why the saved scoring was reset when the campaign was opened, to tell the user once.
    pub scoring_reset: Option<ScoringReset>,
}

/// Why a campaign's saved scoring could not be used when it was opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoringReset {
    /// The saved method could not be read.
    Unreadable(String),
    /// The saved method cannot run (a formula that no longer parses, or one too long to).
    Unusable(crate::domain::scoring::ScoringError),
}

impl ScoringReset {
    /// The sentence for the user.
    #[must_use]
    pub fn localized(&self, lang: crate::domain::numbers::Lang) -> String {
        use crate::domain::numbers::Lang;
        let reason = match self {
            Self::Unreadable(e) => e.clone(),
            Self::Unusable(e) => e.localized(lang),
        };
        match lang {
            Lang::En => format!(
                "The campaign's saved scoring could not be used ({reason}); the scoring was reset \
                 to the performance of the first list."
            ),
            Lang::Fr => format!(
                "La méthode de score enregistrée ne pouvait pas être utilisée ({reason}) ; elle a \
                 été remplacée par la performance de la première liste."
            ),
        }
    }
}

impl Loaded {
    /// Opens `path` and reads everything the app shows.
    pub fn open(path: &Path) -> Result<Self, String> {
        let campaign = Campaign::open(path).map_err(|e| e.to_string())?;
        Self::from_campaign(campaign)
    }

    /// Reads everything the app shows from an open campaign.
    pub fn from_campaign(campaign: Campaign) -> Result<Self, String> {
        let precincts = campaign.precincts().map_err(|e| e.to_string())?;
        let data = campaign.scoring_data().map_err(|e| e.to_string())?;
        // A saved scoring that cannot be read or run never keeps the campaign from opening.
        let (saved, mut scoring_reset) = match campaign.scoring_params() {
            Ok(saved) => (saved, None),
            Err(e) => (None, Some(ScoringReset::Unreadable(e.to_string()))),
        };
        let params = match saved {
            Some(p) if p.preset == Preset::Custom && !data.elections.is_empty() => {
                match score(&data, &p) {
                    Err(e @ crate::domain::scoring::ScoringError::Formula(_)) => {
                        scoring_reset = Some(ScoringReset::Unusable(e));
                        default_params(&data)
                    }
                    _ => p,
                }
            }
            Some(p) => p,
            None => default_params(&data),
        };
        let registered = precincts.iter().map(|p| p.registered).collect();
        let shapes = Arc::new(PrecinctShapes::new(
            precincts.into_iter().map(|p| p.geometry).collect(),
        ));
        shapes.prepare_in_background();
        let mut loaded = Self {
            path: campaign.path().to_path_buf(),
            name: campaign.name().map_err(|e| e.to_string())?,
            campaign: Some(campaign),
            registered,
            shapes,
            data,
            params,
            scored: None,
            scoring_error: None,
            scoring_reset,
        };
        loaded.rescore();
        Ok(loaded)
    }

    /// Recomputes scores and classes with `self.params`. A method that cannot be applied is
    /// refused: the previous scores and method stay, and `scoring_error` says why. Returns
    /// whether the new method was applied.
    fn rescore(&mut self) -> bool {
        if self.data.elections.is_empty() {
            self.scored = None;
            self.scoring_error = None;
            return false;
        }
        match score(&self.data, &self.params) {
            Ok(s) => {
                self.scored = Some(s);
                self.scoring_error = None;
                true
            }
            Err(e) => {
                if let Some(previous) = &self.scored {
                    self.params = previous.params.clone();
                }
                self.scoring_error = Some(e);
                false
            }
        }
    }

    /// The campaign's voters per household (for door estimates).
    #[must_use]
    pub fn campaign_voters_per_household(&self) -> f64 {
        self.campaign.as_ref().map_or(
            crate::domain::turf::DEFAULT_VOTERS_PER_HOUSEHOLD,
            Campaign::voters_per_household,
        )
    }

    /// Every list of every election, in order of first appearance.
    #[must_use]
    pub fn lists(&self) -> Vec<String> {
        let mut lists: Vec<String> = Vec::new();
        for e in &self.data.elections {
            for l in &e.lists {
                if !lists.contains(l) {
                    lists.push(l.clone());
                }
            }
        }
        lists
    }
}

/// A colour of the interface (always `#rrggbb`, from a picker) as the campaign file takes it.
fn colour_of(hex: Option<&String>) -> Option<crate::domain::colour::Colour> {
    hex.and_then(|h| crate::domain::colour::Colour::parse(h).ok())
}

/// A sensible first method: performance of the first list.
fn default_params(data: &ScoringData) -> ScoringParams {
    ScoringParams {
        preset: Preset::Performance,
        ours: data
            .elections
            .first()
            .and_then(|e| e.lists.first().cloned())
            .into_iter()
            .collect(),
        ..ScoringParams::default()
    }
}

/// Background work in progress.
pub struct Job {
    /// What it is doing.
    pub label: String,
    /// Its latest progress report.
    pub progress: Arc<Mutex<Option<Progress>>>,
    cancel: Arc<AtomicBool>,
    done: Receiver<JobDone>,
    /// When it started.
    pub started: Instant,
}

/// What a finished job hands back.
struct JobDone {
    loaded: Result<Loaded, String>,
    message: Option<JobNote>,
}

/// What a finished job has to say.
pub enum JobNote {
    /// A message (an error when `true`).
    Say(bool, String),
    /// A question: the job would destroy work; `Action` does it anyway if the user agrees.
    Confirm(String, Box<Action>),
}

pub use crate::ui::results_dialog::ResultsDialog;

/// The app's state.
#[allow(clippy::struct_excessive_bools)] // Independent view toggles, not a state machine.
pub struct PlannerApp {
    /// The interface language.
    pub lang: Lang,
    /// Dark theme.
    pub dark: bool,
    /// The open campaign.
    pub loaded: Option<Loaded>,
    /// Selected precincts (indices into the campaign's precincts).
    pub selection: HashSet<usize>,
    selection_version: u64,
    /// The precinct under the pointer.
    pub hovered: Option<usize>,
    /// The map's position and zoom.
    pub map_memory: MapMemory,
    /// The basemap.
    pub basemap: Basemap,
    pub(crate) mesh_cache: MeshCache,
    fills: Arc<Vec<Color32>>,
    fills_version: u64,
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
    /// The find box's text.
    pub search: String,
    /// The formula being edited.
    pub formula_text: String,
    /// Background work.
    pub job: Option<Job>,
    /// A message for the user (true = error).
    pub message: Option<(bool, String)>,
    /// Recently opened campaigns, newest first.
    pub recent: Vec<PathBuf>,
    /// A results import waiting for its election's name.
    pub results_dialog: Option<ResultsDialog>,
    /// A question before an edit that would destroy work, and the action that does it.
    pub confirm: Option<(String, Action)>,
    /// Longitude/latitude under the pointer.
    pub cursor: Option<(f64, f64)>,
    /// A world rectangle to fit when the map is next drawn.
    pub zoom_request: Option<[f64; 4]>,
    /// What the precinct layer drew last frame.
    pub frame_stats: DrawStats,
    /// Time spent in the precinct layer's code last frame.
    pub layer_time: std::time::Duration,
    /// A precinct the table should scroll to (selected on the map).
    pub scroll_table_to: Option<usize>,
    /// A view sequence being replayed and timed (`bench-frames`).
    pub replay: Option<crate::replay::Replay>,
    /// What a drag on the map does.
    pub tool: crate::action::Tool,
    /// The lasso being drawn (screen points).
    pub lasso: Vec<egui::Pos2>,
    /// The campaign's turfs.
    pub turfs: Vec<crate::store::TurfInfo>,
    /// The campaign's teams.
    pub teams: Vec<crate::store::TeamInfo>,
    /// The campaign's door points.
    pub doors: Vec<crate::store::StoredDoor>,
    /// Selected doors (indices into `doors`).
    pub selected_doors: HashSet<usize>,
    door_index: Option<Arc<crate::domain::selection::DoorIndex>>,
    /// Edits that can be undone, oldest first.
    pub undo: Vec<crate::action::Edit>,
    /// Undone edits that can be redone.
    pub redo: Vec<crate::action::Edit>,
    /// How the lasso and polygon decide that a precinct is inside.
    pub membership: crate::domain::selection::Membership,
    /// The door target of the auto-cut.
    pub autocut_target: i64,
    /// The turf being edited (UUID), its new name, and the turf to merge into it (UUID).
    pub turf_edit: (String, String, String),
    /// Turf outlines coloured by status (planned, in progress, done) instead of by team.
    pub turfs_by_status: bool,
    /// The polygon being drawn with the polygon tool (longitude/latitude).
    pub polygon: Vec<(f64, f64)>,
    /// The map view of the last frame (screen ↔ world), for tests and tools.
    pub last_view: Option<crate::map::layer::View>,
    /// The name typed for a new turf.
    pub turf_name: String,
    /// The name typed for a new team.
    pub team_name: String,
    /// The assignment being prepared: turf, team, date.
    pub assign: (String, String, String),
    index: Option<(PathBuf, Arc<crate::domain::selection::PrecinctIndex>)>,
    /// Actions pushed by the panels, applied after the frame.
    pending: Vec<Action>,
}

impl PlannerApp {
    /// A new app showing `loaded` (or nothing).
    #[must_use]
    pub fn new(ctx: &egui::Context, loaded: Option<Loaded>, lang: Lang) -> Self {
        egui_material_icons::initialize(ctx);
        ctx.set_theme(egui::Theme::Light);
        let basemap = Basemap::offline(crate::demo::basemap_path().ok(), ctx);
        let mut app = Self {
            lang,
            dark: false,
            loaded: None,
            selection: HashSet::new(),
            selection_version: 0,
            hovered: None,
            map_memory: MapMemory::default(),
            basemap,
            mesh_cache: MeshCache::default(),
            fills: Arc::new(Vec::new()),
            fills_version: 0,
            precincts_visible: true,
            opacity: 0.75,
            labels: true,
            basemap_opacity: 1.0,
            sort: (Column::Score, false),
            table_order: Vec::new(),
            search: String::new(),
            formula_text: String::new(),
            job: None,
            message: None,
            recent: Vec::new(),
            results_dialog: None,
            confirm: None,
            cursor: None,
            zoom_request: None,
            frame_stats: DrawStats::default(),
            layer_time: std::time::Duration::ZERO,
            replay: None,
            scroll_table_to: None,
            tool: crate::action::Tool::Pan,
            lasso: Vec::new(),
            turfs: Vec::new(),
            teams: Vec::new(),
            doors: Vec::new(),
            selected_doors: HashSet::new(),
            door_index: None,
            undo: Vec::new(),
            redo: Vec::new(),
            last_view: None,
            turfs_by_status: false,
            membership: crate::domain::selection::Membership::Representative,
            autocut_target: 150,
            turf_edit: (String::new(), String::new(), String::new()),
            polygon: Vec::new(),
            turf_name: String::new(),
            team_name: String::new(),
            assign: (String::new(), String::new(), String::new()),
            index: None,
            pending: Vec::new(),
        };
        if let Some(loaded) = loaded {
            app.show_loaded(loaded);
        }
        app
    }

    /// The app on the demo campaign (built on first use).
    #[must_use]
    pub fn with_demo(ctx: &egui::Context, lang: Lang) -> Self {
        let loaded = crate::demo::demo_path()
            .map_err(|e| e.to_string())
            .and_then(|p| Loaded::open(&p));
        let mut app = Self::new(ctx, None, lang);
        match loaded {
            Ok(l) => app.show_loaded(l),
            Err(e) => app.message = Some((true, e)),
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
        tr(self.lang)
    }

    /// Fill colour per precinct, from the classes and the opacity.
    #[must_use]
    pub fn fills(&self) -> (Arc<Vec<Color32>>, u64) {
        (self.fills.clone(), self.fills_version)
    }

    /// The selection's version, bumped on every change (the map redraws highlights then).
    #[must_use]
    pub fn selection_version(&self) -> u64 {
        self.selection_version
    }

    /// Shows a campaign opened outside the app (the command line's `open FILE`).
    pub fn push_loaded(&mut self, loaded: Loaded) {
        self.show_loaded(loaded);
    }

    fn show_loaded(&mut self, mut loaded: Loaded) {
        if let Some(reset) = loaded.scoring_reset.take() {
            self.message = Some((true, reset.localized(self.lang)));
        }
        if let Some(pos) = self.recent.iter().position(|p| *p == loaded.path) {
            self.recent.remove(pos);
        }
        self.recent.insert(0, loaded.path.clone());
        self.recent.truncate(8);
        self.formula_text = loaded.params.formula.clone().unwrap_or_default();
        self.zoom_request = loaded.shapes.bounds(None);
        self.loaded = Some(loaded);
        self.undo.clear();
        self.redo.clear();
        self.refresh_turfs();
        self.refresh_doors();
        self.selection.clear();
        self.selection_version += 1;
        self.hovered = None;
        self.recolour();
        self.resort();
    }

    /// Recomputes the fill colours from the classes and opacity.
    fn recolour(&mut self) {
        let alpha = (self.opacity.clamp(0.0, 1.0) * 255.0) as u8;
        let fills = match &self.loaded {
            None => Vec::new(),
            Some(l) => match &l.scored {
                None => {
                    vec![Color32::from_rgba_unmultiplied(150, 150, 150, alpha / 2); l.shapes.len()]
                }
                Some(s) => {
                    let colours: Vec<Color32> = s
                        .classes
                        .legend
                        .iter()
                        .map(|c| {
                            let [r, g, b] = crate::domain::classify::parse_hex(&c.colour);
                            Color32::from_rgba_unmultiplied(r, g, b, alpha)
                        })
                        .collect();
                    let none = Color32::from_rgba_unmultiplied(190, 190, 190, alpha / 2);
                    s.classes
                        .class_of
                        .iter()
                        .map(|&c| {
                            if c == 0 {
                                none
                            } else {
                                colours[usize::from(c) - 1]
                            }
                        })
                        .collect()
                }
            },
        };
        self.fills = Arc::new(fills);
        self.fills_version += 1;
    }

    /// Re-sorts the table.
    fn resort(&mut self) {
        let Some(l) = &self.loaded else {
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
            Action::OpenDialog => {
                if let Some(p) = rfd::FileDialog::new()
                    .add_filter("Campaign (GeoPackage)", &["gpkg"])
                    .pick_file()
                {
                    self.apply(Action::Open(p), ctx);
                }
            }
            Action::NewDialog => {
                if let Some(p) = rfd::FileDialog::new()
                    .add_filter("Campaign (GeoPackage)", &["gpkg"])
                    .set_file_name("campaign.campaign.gpkg")
                    .save_file()
                {
                    self.apply(Action::New(p), ctx);
                }
            }
            Action::SaveAsDialog => {
                if let Some(p) = rfd::FileDialog::new()
                    .add_filter("Campaign (GeoPackage)", &["gpkg"])
                    .save_file()
                {
                    self.apply(Action::SaveAs(p), ctx);
                }
            }
            Action::ImportShapesDialog => {
                if let Some(p) = rfd::FileDialog::new()
                    .add_filter("Shapes", &["geojson", "json", "shp", "gpkg"])
                    .pick_file()
                {
                    self.apply(Action::ImportShapes(p), ctx);
                }
            }
            Action::ImportResultsDialog => {
                if let Some(p) = rfd::FileDialog::new()
                    .add_filter("CSV", &["csv", "txt"])
                    .pick_file()
                {
                    self.ask_election(p);
                }
            }
            Action::Open(path) => {
                if self.loaded.as_ref().is_some_and(|l| l.path == path) {
                    return;
                }
                self.start_job(ctx, format!("{}", path.display()), None, move |_, _| {
                    (Loaded::open(&path), None)
                });
            }
            Action::New(path) => {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().trim_end_matches(".campaign").to_owned())
                    .unwrap_or_default();
                match Campaign::create(&path, &name)
                    .map_err(|e| e.to_string())
                    .and_then(Loaded::from_campaign)
                {
                    Ok(l) => {
                        self.loaded = None;
                        self.show_loaded(l);
                    }
                    Err(e) => self.message = Some((true, e)),
                }
            }
            Action::SaveAs(path) => self.save_as(&path),
            Action::ImportShapes(path) => self.import_shapes(ctx, path, false),
            Action::ImportShapesReplacing(path) => {
                self.confirm = None;
                self.import_shapes(ctx, path, true);
            }
            Action::DismissConfirm => self.confirm = None,
            Action::ImportResults(path, meta, mapping) => {
                self.import_results(ctx, path, meta, mapping);
            }
            Action::OpenDemo => match crate::demo::demo_path() {
                Ok(p) => self.apply(Action::Open(p), ctx),
                Err(e) => self.message = Some((true, e.to_string())),
            },
            Action::ResetDemo => {
                let is_demo = self
                    .loaded
                    .as_ref()
                    .is_some_and(|l| l.path.starts_with(crate::demo::data_dir()));
                if is_demo {
                    self.loaded = None;
                }
                match crate::demo::reset_demo()
                    .map_err(|e| e.to_string())
                    .and_then(|p| Loaded::open(&p))
                {
                    Ok(l) => self.show_loaded(l),
                    Err(e) => self.message = Some((true, e)),
                }
            }
            Action::SetScoring(params) => self.set_scoring(params),
            Action::Select(precincts, mode) => {
                if let [one] = precincts.as_slice() {
                    self.scroll_table_to = Some(*one);
                }
                match mode {
                    SelectMode::Replace => {
                        self.selection = precincts.into_iter().collect();
                    }
                    SelectMode::Add => self.selection.extend(precincts),
                    SelectMode::Toggle => {
                        for p in precincts {
                            if !self.selection.remove(&p) {
                                self.selection.insert(p);
                            }
                        }
                    }
                }
                self.selection_version += 1;
            }
            Action::ClearSelection => {
                self.selected_doors.clear();
                self.selection.clear();
                self.selection_version += 1;
            }
            Action::ZoomToCampaign => {
                self.zoom_request = self.loaded.as_ref().and_then(|l| l.shapes.bounds(None));
            }
            Action::ZoomToSelection => {
                self.zoom_request = self
                    .loaded
                    .as_ref()
                    .and_then(|l| l.shapes.bounds(Some(&self.selection)));
            }
            Action::ZoomToPrecinct(i) => {
                let one: HashSet<usize> = std::iter::once(i).collect();
                self.zoom_request = self
                    .loaded
                    .as_ref()
                    .and_then(|l| l.shapes.bounds(Some(&one)));
                self.selection = one;
                self.selection_version += 1;
            }
            Action::SetLanguage(lang) => self.lang = lang,
            Action::SetDarkTheme(dark) => {
                self.dark = dark;
                ctx.set_theme(if dark {
                    egui::Theme::Dark
                } else {
                    egui::Theme::Light
                });
            }
            Action::SetBasemap(choice) => {
                self.basemap.choose(choice, ctx);
                if let Some(problem) = &self.basemap.problem {
                    self.message = Some((true, problem.clone()));
                }
            }
            Action::RetryNetwork => self.basemap.retry(ctx),
            Action::SetPrecinctsVisible(v) => self.precincts_visible = v,
            Action::SetPrecinctOpacity(o) => {
                self.opacity = o;
                self.recolour();
            }
            Action::SetLabels(v) => self.labels = v,
            Action::SetBasemapOpacity(o) => self.basemap_opacity = o.clamp(0.0, 1.0),
            Action::SortTable(column) => {
                self.sort = if self.sort.0 == column {
                    (column, !self.sort.1)
                } else {
                    (column, matches!(column, Column::Code | Column::Name))
                };
                self.resort();
            }
            Action::CancelJob => {
                if let Some(job) = &self.job {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            }
            Action::DismissMessage => self.message = None,
            Action::SetTool(tool) => {
                self.tool = tool;
                self.lasso.clear();
                self.polygon.clear();
            }
            Action::Lasso(ring, mode) => {
                if !self.doors.is_empty() && ring.len() >= 3 {
                    let index = self
                        .door_index
                        .get_or_insert_with(|| {
                            let points: Vec<_> = self.doors.iter().map(|d| d.point).collect();
                            Arc::new(crate::domain::selection::DoorIndex::new(&points))
                        })
                        .clone();
                    let lasso = geo_types::Polygon::new(ring.clone().into(), vec![]);
                    let inside = index.select(&lasso);
                    match mode {
                        SelectMode::Replace => self.selected_doors = inside.into_iter().collect(),
                        SelectMode::Add => self.selected_doors.extend(inside),
                        SelectMode::Toggle => {
                            for d in inside {
                                if !self.selected_doors.remove(&d) {
                                    self.selected_doors.insert(d);
                                }
                            }
                        }
                    }
                }
                let index = self.precinct_index();
                if let (Some(index), Some(l), true) = (index, &self.loaded, ring.len() >= 3) {
                    let lasso = geo_types::Polygon::new(ring.into(), vec![]);
                    let chosen = index.select(l.shapes.geometries(), &lasso, self.membership);
                    self.apply(Action::Select(chosen, mode), ctx);
                }
            }
            Action::SelectClassAtLeast(k) => {
                let chosen: Vec<usize> = self
                    .loaded
                    .as_ref()
                    .and_then(|l| l.scored.as_ref())
                    .map(|s| {
                        s.classes
                            .class_of
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| **c >= k)
                            .map(|(i, _)| i)
                            .collect()
                    })
                    .unwrap_or_default();
                self.apply(Action::Select(chosen, SelectMode::Replace), ctx);
            }
            Action::CreateTurf(name)
                if self.selection.is_empty() && !self.selected_doors.is_empty() =>
            {
                let uuids: Vec<String> = self
                    .selected_doors
                    .iter()
                    .map(|&d| self.doors[d].uuid.clone())
                    .collect();
                let affected: Vec<String> = self.turfs.iter().map(|t| t.uuid.clone()).collect();
                self.turf_edit(affected, |c| {
                    c.create_door_turf(&name, &uuids, true)
                        .map(|t| vec![t.uuid])
                });
                self.turf_name.clear();
                self.selected_doors.clear();
            }
            Action::CreateTurf(name) => {
                let codes = self.selected_codes();
                let affected = self.turfs_holding(&codes);
                self.turf_edit(affected, |c| {
                    c.create_turf(&name, &codes, true).map(|t| vec![t.uuid])
                });
                if self.message.is_none() {
                    self.turf_name.clear();
                    self.selection.clear();
                    self.selection_version += 1;
                }
            }
            Action::DeleteTurf(uuid) => {
                let affected = vec![uuid.clone()];
                self.turf_edit(affected, |c| c.delete_turf(&uuid).map(|()| Vec::new()));
            }
            Action::AddToTurf(uuid)
                if self.selection.is_empty() && !self.selected_doors.is_empty() =>
            {
                let doors: Vec<String> = self
                    .selected_doors
                    .iter()
                    .map(|&d| self.doors[d].uuid.clone())
                    .collect();
                let affected: Vec<String> = self.turfs.iter().map(|t| t.uuid.clone()).collect();
                self.turf_edit(affected, |c| {
                    c.add_doors_to_turf(&uuid, &doors).map(|()| Vec::new())
                });
            }
            Action::RemoveFromTurf(uuid)
                if self.selection.is_empty() && !self.selected_doors.is_empty() =>
            {
                let doors: Vec<String> = self
                    .selected_doors
                    .iter()
                    .map(|&d| self.doors[d].uuid.clone())
                    .collect();
                self.turf_edit(vec![uuid.clone()], |c| {
                    c.remove_doors_from_turf(&uuid, &doors).map(|()| Vec::new())
                });
            }
            Action::AddToTurf(uuid) => {
                let codes = self.selected_codes();
                let mut affected = self.turfs_holding(&codes);
                affected.push(uuid.clone());
                self.turf_edit(affected, |c| {
                    c.add_to_turf(&uuid, &codes).map(|()| Vec::new())
                });
            }
            Action::RemoveFromTurf(uuid) => {
                let codes = self.selected_codes();
                self.turf_edit(vec![uuid.clone()], |c| {
                    c.remove_from_turf(&uuid, &codes).map(|()| Vec::new())
                });
            }
            Action::MergeTurfs(into, from) => {
                if into != from {
                    self.turf_edit(vec![into.clone(), from.clone()], |c| {
                        c.merge_turfs(&into, &from).map(|()| Vec::new())
                    });
                }
            }
            Action::UpdateTurf(uuid, name, colour) => {
                self.turf_edit(vec![uuid.clone()], |c| {
                    c.update_turf(&uuid, &name, colour_of(colour.as_ref()))
                        .map(|()| Vec::new())
                });
            }
            Action::SetTurfColouring(by_status) => self.turfs_by_status = by_status,
            Action::SetMembership(m) => self.membership = m,
            Action::SetTurfStatus(uuid, status) => {
                let affected = vec![uuid.clone()];
                self.turf_edit(affected, |c| {
                    let (team, _) = c.turf_assignment(&uuid)?;
                    c.set_turf_assignment(&uuid, team.as_deref(), &status)
                        .map(|()| Vec::new())
                });
            }
            Action::Autocut(target) => {
                let codes = self.selected_codes();
                let before: Vec<String> = self.turfs.iter().map(|t| t.uuid.clone()).collect();
                let prefix = format!("{} ", self.tr().auto_prefix).trim().to_owned();
                self.turf_edit(Vec::new(), |c| {
                    let within = if codes.is_empty() {
                        None
                    } else {
                        Some(codes.as_slice())
                    };
                    c.autocut(target.max(3), within, &prefix)?;
                    Ok(c.turfs()?
                        .into_iter()
                        .map(|t| t.uuid)
                        .filter(|u| !before.contains(u))
                        .collect())
                });
            }
            Action::ImportDoorsDialog => {
                if let Some(p) = rfd::FileDialog::new()
                    .add_filter("Doors", &["geojson", "json", "csv", "pbf"])
                    .pick_file()
                {
                    self.apply(Action::ImportDoors(p), ctx);
                }
            }
            Action::ImportDoors(path) => {
                let source = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let no_campaign = self.tr().no_campaign.to_owned();
                let result = crate::io::doors::read_doors(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|doors| {
                        self.campaign_mut()
                            .ok_or(no_campaign)?
                            .replace_doors(&doors, &source)
                            .map_err(|e| e.to_string())
                    });
                match result {
                    Ok(w) => {
                        self.message = Some((
                            false,
                            format!(
                                "{}: {} ({} / {}){}",
                                source,
                                w.doors,
                                w.in_precincts,
                                w.households,
                                if w.already_there > 0 {
                                    format!(
                                        "; {} {} {}",
                                        w.already_there,
                                        self.tr().doors_already_there,
                                        w.already_from.join(", ")
                                    )
                                } else {
                                    String::new()
                                }
                            ),
                        ));
                        self.record(crate::action::Edit::Doors {
                            added: w.added,
                            replaced: w.replaced_doors,
                        });
                    }
                    Err(e) => self.message = Some((true, e)),
                }
                self.refresh_turfs();
                self.refresh_doors();
            }
            Action::SetVotersPerHousehold(v) => {
                if let Some(Err(e)) = self.campaign_mut().map(|c| c.set_voters_per_household(v)) {
                    self.message = Some((true, e.to_string()));
                }
                self.refresh_turfs();
            }
            Action::UpdateTeam(uuid, name, colour) => {
                let old = self
                    .teams
                    .iter()
                    .find(|t| t.uuid == uuid)
                    .map(|t| (t.name.clone(), t.colour.clone()));
                match self
                    .campaign_mut()
                    .map(|c| c.update_team(&uuid, &name, colour_of(colour.as_ref())))
                {
                    Some(Ok(())) => {
                        if let Some((old_name, old_colour)) = old {
                            self.record(crate::action::Edit::UpdatedTeam(
                                uuid, old_name, old_colour, name, colour,
                            ));
                        }
                    }
                    Some(Err(e)) => self.message = Some((true, e.to_string())),
                    None => {}
                }
                self.refresh_turfs();
            }
            Action::DeleteTeam(uuid) => {
                match self.campaign_mut().map(|c| c.delete_team(&uuid)) {
                    Some(Ok(())) => self.record(crate::action::Edit::DeletedTeam(uuid)),
                    Some(Err(e)) => self.message = Some((true, e.to_string())),
                    None => {}
                }
                self.refresh_turfs();
            }
            Action::CreateTeam(name) => {
                match self
                    .campaign_mut()
                    .map(|c| c.create_team(name.trim(), None, None))
                {
                    Some(Ok(uuid)) => {
                        self.record(crate::action::Edit::CreatedTeam(uuid));
                        self.team_name.clear();
                    }
                    Some(Err(e)) => self.message = Some((true, e.to_string())),
                    None => {}
                }
                self.refresh_turfs();
            }
            Action::AssignTurf { turf, team, date } => {
                let turf_uuid = self
                    .turfs
                    .iter()
                    .find(|t| t.name == turf)
                    .map(|t| t.uuid.clone());
                let team_uuid = self
                    .teams
                    .iter()
                    .find(|t| t.name == team)
                    .map(|t| t.uuid.clone());
                if let (Some(turf_uuid), Some(team_uuid)) = (turf_uuid, team_uuid) {
                    let before = self
                        .campaign_mut()
                        .and_then(|c| c.turf_assignment(&turf_uuid).ok());
                    let date = match crate::domain::date::Date::parse(&date) {
                        Ok(date) => date,
                        Err(e) => {
                            self.message = Some((true, e.to_string()));
                            return;
                        }
                    };
                    match self
                        .campaign_mut()
                        .map(|c| c.assign(&team, &turf, date, "planned"))
                    {
                        Some(Ok(())) => {
                            if let Some((old_team, old_status)) = before {
                                self.record(crate::action::Edit::Assigned(
                                    turf_uuid,
                                    old_team,
                                    old_status,
                                    team_uuid,
                                    "planned".to_owned(),
                                ));
                            }
                        }
                        Some(Err(e)) => self.message = Some((true, e.to_string())),
                        None => {}
                    }
                }
                self.refresh_turfs();
            }
            Action::Undo => {
                if let Some(edit) = self.undo.pop() {
                    self.replay_edit(&edit, true);
                    self.refresh_after(&edit);
                    self.redo.push(edit);
                }
            }
            Action::Redo => {
                if let Some(edit) = self.redo.pop() {
                    self.replay_edit(&edit, false);
                    self.refresh_after(&edit);
                    self.undo.push(edit);
                }
            }
            Action::Dropped(paths) => {
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
                        _ if is_campaign => self.apply(Action::Open(path), ctx),
                        _ if is_pbf => self.apply(Action::ImportDoors(path), ctx),
                        "csv" | "txt" => self.ask_election(path),
                        _ => self.apply(Action::ImportShapes(path), ctx),
                    }
                }
            }
        }
    }

    fn campaign_mut(&mut self) -> Option<&mut Campaign> {
        self.loaded.as_mut().and_then(|l| l.campaign.as_mut())
    }

    /// Records a new edit: it can be undone, and what was undone can no longer be redone.
    fn record(&mut self, edit: crate::action::Edit) {
        self.undo.push(edit);
        self.redo.clear();
    }

    /// Carries an edit backwards (`undo`) or forwards again.
    fn replay_edit(&mut self, edit: &crate::action::Edit, undo: bool) {
        use crate::action::Edit;
        let Some(c) = self.campaign_mut() else {
            return;
        };
        let result = match (edit, undo) {
            (Edit::Turfs { before: states, .. }, true)
            | (Edit::Turfs { after: states, .. }, false) => c.restore_turf_states(states),
            (Edit::CreatedTeam(u), true) | (Edit::DeletedTeam(u), false) => c.delete_team(u),
            (Edit::CreatedTeam(u), false) | (Edit::DeletedTeam(u), true) => c.restore_team(u),
            (Edit::UpdatedTeam(u, name, colour, _, _), true)
            | (Edit::UpdatedTeam(u, _, _, name, colour), false) => {
                c.update_team(u, name, colour_of(colour.as_ref()))
            }
            (Edit::Doors { added, replaced }, undo) => c.swap_doors(added, replaced, undo),
            (Edit::Assigned(turf, old_team, old_status, _, _), true) => {
                c.set_turf_assignment(turf, old_team.as_deref(), old_status)
            }
            (Edit::Assigned(turf, _, _, team, status), false) => {
                c.set_turf_assignment(turf, Some(team), status)
            }
        };
        if let Err(e) = result {
            self.message = Some((true, e.to_string()));
        }
    }

    /// Re-reads what an undone or redone edit changed.
    fn refresh_after(&mut self, edit: &crate::action::Edit) {
        self.refresh_turfs();
        if matches!(edit, crate::action::Edit::Doors { .. }) {
            self.refresh_doors();
        }
    }

    /// The codes of the selected precincts, in campaign order.
    fn selected_codes(&self) -> Vec<String> {
        self.loaded.as_ref().map_or_else(Vec::new, |l| {
            let mut chosen: Vec<usize> = self.selection.iter().copied().collect();
            chosen.sort_unstable();
            chosen
                .into_iter()
                .map(|i| l.data.codes[i].clone())
                .collect()
        })
    }

    /// The turfs holding any of these precincts.
    fn turfs_holding(&self, codes: &[String]) -> Vec<String> {
        self.turfs
            .iter()
            .filter(|t| t.precincts.iter().any(|p| codes.contains(p)))
            .map(|t| t.uuid.clone())
            .collect()
    }

    /// Runs a turf edit, recording the affected turfs' states before and after for undo.
    /// `edit` returns the UUID of a turf it created, if any.
    fn turf_edit(
        &mut self,
        affected: Vec<String>,
        edit: impl FnOnce(&mut Campaign) -> Result<Vec<String>, crate::store::StoreError>,
    ) {
        let Some(c) = self.campaign_mut() else {
            return;
        };
        let before = c.turf_states(&affected);
        let result = edit(c);
        let outcome = match (before, result) {
            (Ok(mut before), Ok(created)) => {
                let mut ids = affected;
                ids.extend(created.clone());
                match c.turf_states(&ids) {
                    Ok(after) => {
                        for state in after.iter().filter(|s| created.contains(&s.uuid)) {
                            before.push(crate::store::TurfState {
                                deleted: true,
                                ..state.clone()
                            });
                        }
                        Ok(crate::action::Edit::Turfs { before, after })
                    }
                    Err(e) => Err(e),
                }
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match outcome {
            Ok(edit) => self.record(edit),
            Err(e) => self.message = Some((true, e.to_string())),
        }
        self.refresh_turfs();
    }

    /// Re-reads turfs and teams from the file.
    pub fn refresh_turfs(&mut self) {
        let Some(c) = self.loaded.as_ref().and_then(|l| l.campaign.as_ref()) else {
            return;
        };
        self.turfs = c.turfs().unwrap_or_default();
        self.teams = c.teams().unwrap_or_default();
    }

    /// Re-reads the door points from the file; only imports (and their undo) change them.
    pub fn refresh_doors(&mut self) {
        let Some(c) = self.loaded.as_ref().and_then(|l| l.campaign.as_ref()) else {
            return;
        };
        self.doors = c.doors().unwrap_or_default();
        self.door_index = None;
        self.selected_doors.clear();
    }

    /// The spatial index of the open campaign's precincts, built on first use.
    fn precinct_index(&mut self) -> Option<Arc<crate::domain::selection::PrecinctIndex>> {
        let l = self.loaded.as_ref()?;
        if let Some((path, index)) = &self.index
            && *path == l.path
        {
            return Some(index.clone());
        }
        let index = Arc::new(crate::domain::selection::PrecinctIndex::new(
            l.shapes.geometries(),
        ));
        self.index = Some((l.path.clone(), index.clone()));
        Some(index)
    }

    fn ask_election(&mut self, path: PathBuf) {
        self.results_dialog = Some(ResultsDialog::new(path));
    }

    fn set_scoring(&mut self, params: ScoringParams) {
        let Some(l) = &mut self.loaded else {
            return;
        };
        l.params = params;
        let applied = l.rescore();
        if applied
            && let (Some(scored), Some(campaign)) = (&l.scored, &mut l.campaign)
            && let Err(e) = campaign.save_scores(&l.data.codes, scored)
        {
            self.message = Some((true, e.to_string()));
        }
        self.recolour();
        self.resort();
    }

    fn save_as(&mut self, path: &Path) {
        let Some(l) = &mut self.loaded else {
            return;
        };
        let Some(campaign) = l.campaign.take() else {
            return;
        };
        let result = campaign.save_as(path);
        match result {
            Ok(copy) => match Loaded::from_campaign(copy) {
                Ok(new) => {
                    self.loaded = None;
                    self.show_loaded(new);
                    self.message = Some((false, format!("{}", path.display())));
                }
                Err(e) => self.message = Some((true, e)),
            },
            Err((campaign, e)) => {
                l.campaign = Some(campaign);
                self.message = Some((true, e.to_string()));
            }
        }
    }

    fn import_shapes(&mut self, ctx: &egui::Context, path: PathBuf, replace: bool) {
        let Some(campaign) = self.loaded.as_mut().and_then(|l| l.campaign.take()) else {
            self.message = Some((true, self.tr().no_campaign.to_owned()));
            return;
        };
        let label = path.display().to_string();
        let (t, lang) = (self.tr(), self.lang);
        self.start_job(ctx, label, Some(campaign), move |campaign, progress| {
            let Some(mut campaign) = campaign else {
                return (Err("no campaign".to_owned()), None);
            };
            let options = ImportOptions {
                replace,
                ..ImportOptions::default()
            };
            let result = import_precincts(&mut campaign, &path, &options, progress);
            let message = match result {
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
                    JobNote::Say(r.crs_assumed, text)
                }
                // An import that would remove precincts in use is asked about, not refused.
                Err(crate::io::ImportError::WouldRemove { impact, .. }) => JobNote::Confirm(
                    t.replace_detail
                        .replace(
                            "{file}",
                            &path
                                .file_name()
                                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                        )
                        .replace("{what}", &crate::io::removal(&impact, lang)),
                    Box::new(Action::ImportShapesReplacing(path.clone())),
                ),
                Err(e) => JobNote::Say(true, e.to_string()),
            };
            (Loaded::from_campaign(campaign), Some(message))
        });
    }

    fn import_results(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        meta: ElectionMeta,
        mapping: ColumnMapping,
    ) {
        let Some(campaign) = self.loaded.as_mut().and_then(|l| l.campaign.take()) else {
            self.message = Some((true, self.tr().no_campaign.to_owned()));
            return;
        };
        let label = path.display().to_string();
        let t = self.tr();
        self.start_job(ctx, label, Some(campaign), move |campaign, _| {
            let Some(mut campaign) = campaign else {
                return (Err("no campaign".to_owned()), None);
            };
            let result = import_results(&mut campaign, &path, &meta, &mapping);
            let message = match result {
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
                    JobNote::Say(false, lines.join("\n"))
                }
                Err(e) => JobNote::Say(true, e.to_string()),
            };
            (Loaded::from_campaign(campaign), Some(message))
        });
    }

    /// Runs `work` on a worker thread with the campaign, a progress sink and cancellation.
    fn start_job(
        &mut self,
        ctx: &egui::Context,
        label: String,
        campaign: Option<Campaign>,
        work: impl FnOnce(
            Option<Campaign>,
            &mut crate::progress::ProgressFn<'_>,
        ) -> (Result<Loaded, String>, Option<JobNote>)
        + Send
        + 'static,
    ) {
        if self.job.is_some() {
            return;
        }
        let progress = Arc::new(Mutex::new(None));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let (p, c, repaint) = (progress.clone(), cancel.clone(), ctx.clone());
        std::thread::spawn(move || {
            let mut report = |now: Progress| {
                if let Ok(mut slot) = p.lock() {
                    *slot = Some(now);
                }
                repaint.request_repaint();
                if c.load(Ordering::Relaxed) {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            };
            let (loaded, message) = work(campaign, &mut report);
            let _ = tx.send(JobDone { loaded, message });
            repaint.request_repaint();
        });
        self.job = Some(Job {
            label,
            progress,
            cancel,
            done: rx,
            started: Instant::now(),
        });
    }

    /// Collects a finished job and network checks; called every frame.
    pub fn poll(&mut self) {
        self.basemap.poll();
        let Some(job) = &self.job else {
            return;
        };
        let Ok(done) = job.done.try_recv() else {
            return;
        };
        self.job = None;
        let mut reset = None;
        match done.loaded {
            Ok(mut l) => {
                reset = l.scoring_reset.take();
                let same = self.loaded.as_ref().is_some_and(|old| old.path == l.path);
                let zoom = self.zoom_request;
                let selection = self.selection.clone();
                self.loaded = None;
                self.show_loaded(l);
                if same {
                    // The same campaign reloaded after an import: keep the view and selection.
                    self.zoom_request = zoom;
                    let n = self.loaded.as_ref().map_or(0, |l| l.shapes.len());
                    self.selection = selection.into_iter().filter(|&i| i < n).collect();
                }
            }
            Err(e) => self.message = Some((true, e)),
        }
        match done.message {
            Some(JobNote::Say(error, text)) => self.message = Some((error, text)),
            Some(JobNote::Confirm(text, action)) => self.confirm = Some((text, *action)),
            None => {}
        }
        if let Some(reset) = reset {
            let text = reset.localized(self.lang);
            self.message = Some(match self.message.take() {
                Some((_, before)) => (true, format!("{before}\n{text}")),
                None => (true, text),
            });
        }
    }

    /// Fits the map to a world rectangle inside `rect`.
    pub fn fit(&mut self, bounds: [f64; 4], rect: Rect) {
        let (w, h) = (
            (bounds[2] - bounds[0]).max(1e-9),
            (bounds[3] - bounds[1]).max(1e-9),
        );
        let scale = (f64::from(rect.width()) / w).min(f64::from(rect.height()) / h) * 0.9;
        let zoom = scale.log2().clamp(0.0, 19.0);
        let (lon, lat) = lon_lat([
            f64::midpoint(bounds[0], bounds[2]),
            f64::midpoint(bounds[1], bounds[3]),
        ]);
        self.map_memory.center_at(walkers::lon_lat(lon, lat));
        let _ = self.map_memory.set_zoom(zoom);
    }
}

/// Compares codes numerically when both are numbers ("9" before "10").
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

impl PlannerApp {
    /// Moves a running replay to its next view, or reports and closes when it is done.
    fn replay_step(&mut self, ctx: &egui::Context) {
        let Some(replay) = &mut self.replay else {
            return;
        };
        if let Some((lon, lat, zoom)) = replay.advance(self.layer_time) {
            self.map_memory.center_at(walkers::lon_lat(lon, lat));
            let _ = self.map_memory.set_zoom(zoom);
            ctx.request_repaint();
        } else {
            let (f50, f99) = crate::replay::Replay::percentiles(&replay.frames);
            let (l50, l99) = crate::replay::Replay::percentiles(&replay.layer);
            println!(
                "whole frame over {} frames: p50 {f50:.2} ms, p99 {f99:.2} ms; precinct layer: p50 {l50:.2} ms, p99 {l99:.2} ms",
                replay.frames.len()
            );
            self.replay = None;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// What the app remembers between sessions.
#[derive(serde::Serialize, serde::Deserialize)]
struct Remembered {
    lang: Lang,
    dark: bool,
    recent: Vec<PathBuf>,
}

/// The storage key of [`Remembered`].
const REMEMBERED: &str = "campaign-planner";

impl PlannerApp {
    /// Restores the language, theme and recent files of the last session.
    pub fn restore(&mut self, storage: Option<&dyn eframe::Storage>, ctx: &egui::Context) {
        let Some(r) = storage.and_then(|s| eframe::get_value::<Remembered>(s, REMEMBERED)) else {
            return;
        };
        self.lang = r.lang;
        self.dark = r.dark;
        ctx.set_theme(if r.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        for path in r.recent.into_iter().rev() {
            if path.exists() && !self.recent.contains(&path) {
                self.recent.insert(0, path);
            }
        }
        self.recent.truncate(8);
    }
}

impl eframe::App for PlannerApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let remembered = Remembered {
            lang: self.lang,
            dark: self.dark,
            recent: self.recent.clone(),
        };
        eframe::set_value(storage, REMEMBERED, &remembered);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll();
        self.replay_step(&ctx);
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
        crate::ui::frame(self, ui);
        self.apply_pending(&ctx);
        if self.job.is_some() || self.basemap.downloads() > 0 {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

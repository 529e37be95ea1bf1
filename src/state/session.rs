//! The open campaign as the app shows it: the file, its precincts ready to draw, results and
//! scores, turfs, teams, door points and the street map, with the indexes and fill colours
//! built from them.
//!
//! Everything here is read from the file when the campaign opens and re-read when an edit
//! lands (`refresh_*`); nothing is queried while a frame is drawn. A read that fails is said
//! (`Err`), never shown as an empty list.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::Color32;

use crate::domain::results::ScoringData;
use crate::domain::scoring::{Preset, Scored, ScoringError, ScoringParams, score};
use crate::domain::selection::{DoorIndex, PrecinctIndex};
use crate::domain::turf::{self, PrecinctFigures, TurfStats};
use crate::domain::turf::{Team, Turf, TurfId};
use crate::map::batches::{DoorBatch, Outline};
use crate::map::layer::PrecinctShapes;
use crate::map::streets::StreetLayer;
use crate::store::{Campaign, DoorPoint};

/// Why a campaign's saved scoring could not be used when it was opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoringReset {
    /// The saved method could not be read.
    Unreadable(String),
    /// The saved method cannot run (a formula that no longer parses, or one too long to).
    Unusable(ScoringError),
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

/// An open campaign, as the app shows it.
pub struct Session {
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
    pub scoring_error: Option<ScoringError>,
    /// Why the saved scoring was reset when the campaign was opened, to tell the user once.
    pub scoring_reset: Option<ScoringReset>,
    /// The campaign's turfs, by name.
    pub turfs: Vec<Turf>,
    /// The campaign's teams.
    pub teams: Vec<Team>,
    /// The campaign's door points (their rows, points and households: the rest is asked of
    /// the file when needed).
    pub doors: Vec<DoorPoint>,
    /// Voters per household, for door estimates.
    pub voters_per_household: f64,
    /// Each precinct's part in turf figures (same order as `shapes`).
    pub figures: Vec<PrecinctFigures>,
    /// The door points, projected for drawing.
    pub door_batch: DoorBatch,
    /// Each turf's outline, projected for drawing (same order as `turfs`).
    pub outlines: Vec<Outline>,
    /// The campaign's notice (what a demo's data is), shown on the map.
    pub notice: Option<String>,
    /// The script the campaign's walk sheets print.
    pub sheet_script: Option<String>,
    /// The walk the map shows (the turf chosen in the turfs panel), if any.
    pub walk: Option<crate::domain::walk::TurfWalk>,
    /// The field work: sessions, progress, coverage.
    pub field: super::field::FieldView,
    /// The team this file is a pack of (`None` for a master).
    pub pack_team: Option<String>,
    /// The nuance codes of the results' lists, with their lists (our side by nuance).
    pub nuances: Vec<(String, Vec<String>)>,
    /// The streets as walks take them, read once (and again when their count changes).
    walk_streets: Option<(usize, Arc<crate::domain::walk::StreetIndex>)>,
    /// The campaign's streets, ready to draw as its offline street map.
    pub streets: Arc<StreetLayer>,
    door_index: Option<Arc<DoorIndex>>,
    precinct_index: Option<Arc<PrecinctIndex>>,
    fills: Arc<Vec<Color32>>,
    fills_version: u64,
}

impl Session {
    /// Opens `path` and reads everything the app shows.
    ///
    /// # Errors
    /// The store's error, worded.
    pub fn open(path: &Path) -> Result<Self, String> {
        let campaign = Campaign::open(path).map_err(|e| e.to_string())?;
        Self::from_campaign(campaign)
    }

    /// Reads everything the app shows from an open campaign.
    ///
    /// # Errors
    /// The store's error, worded.
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
                    Err(e @ ScoringError::Formula(_)) => {
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
        // Each precinct's part in a turf's figures, from the rows just read (a second read of
        // the precincts table would walk every outline again).
        let stand_ins = campaign.registered_stand_ins().map_err(|e| e.to_string())?;
        let figures = precincts
            .iter()
            .map(|p| PrecinctFigures {
                doors_counted: p.doors,
                registered: p.registered.or_else(|| stand_ins.get(&p.code).copied()),
                priority: p.priority,
            })
            .collect();
        let shapes = Arc::new(PrecinctShapes::new(
            precincts.into_iter().map(|p| p.geometry).collect(),
        ));
        shapes.prepare_labels_in_background();
        let notice = campaign.notice().map_err(|e| e.to_string())?;
        let sheet_script = campaign.sheet_script().map_err(|e| e.to_string())?;
        let pack_team = campaign.pack_team().map_err(|e| e.to_string())?;
        let nuances = campaign.nuances().map_err(|e| e.to_string())?;
        let mut session = Self {
            notice,
            sheet_script,
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
            turfs: Vec::new(),
            teams: Vec::new(),
            doors: Vec::new(),
            voters_per_household: turf::DEFAULT_VOTERS_PER_HOUSEHOLD,
            figures,
            door_batch: DoorBatch::default(),
            outlines: Vec::new(),
            walk: None,
            field: super::field::FieldView::default(),
            pack_team,
            nuances,
            walk_streets: None,
            streets: Arc::default(),
            door_index: None,
            precinct_index: None,
            fills: Arc::new(Vec::new()),
            fills_version: 0,
        };
        session.rescore();
        session.refresh_turfs()?;
        session.refresh_field()?;
        if let Some(c) = &session.campaign {
            (session.doors, session.door_batch) = read_doors(c)?;
            let streets = Self::read_streets(c)?;
            // Opening read every row once: the pages SQLite kept (up to its 128 MB cache, kept
            // that large for bulk writes) are not read again soon.
            c.release_memory();
            session.set_streets(streets);
        }
        Ok(session)
    }

    /// Reads the field work again (after a report lands, or an edit of turfs or teams).
    ///
    /// # Errors
    /// The store's error, worded.
    pub fn refresh_field(&mut self) -> Result<(), String> {
        if let Some(c) = &self.campaign {
            self.field = super::field::FieldView::read(c, &self.data.codes)?;
        }
        Ok(())
    }

    /// The street map of a campaign, ready to draw (read by the session, and by a streets
    /// import's worker after writing).
    ///
    /// # Errors
    /// The store's error, worded.
    pub fn read_streets(c: &Campaign) -> Result<StreetLayer, String> {
        c.streets()
            .map(|streets| StreetLayer::new(&streets))
            .map_err(|e| e.to_string())
    }

    /// Shows `streets` as the campaign's street map from now on (its levels of detail are
    /// built when the map first draws it: in the background for the CPU meshes, for their
    /// upload on the GPU path).
    pub fn set_streets(&mut self, streets: StreetLayer) {
        self.streets = Arc::new(streets);
    }

    /// Recomputes scores and classes with `self.params`. A method that cannot be applied is
    /// refused: the previous scores and method stay, and `scoring_error` says why. Returns
    /// whether the new method was applied.
    pub fn rescore(&mut self) -> bool {
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

    /// Saves the scores shown, and their method, in the campaign file.
    ///
    /// # Errors
    /// The store's failure.
    pub fn save_scores(&mut self) -> Result<(), crate::store::StoreError> {
        match (&self.scored, &mut self.campaign) {
            (Some(scored), Some(c)) => c.save_scores(&self.data.codes, scored),
            _ => Ok(()),
        }
    }

    /// The world box the map fits the campaign to: its precincts, else its doors, else its
    /// streets.
    #[must_use]
    pub fn bounds(&self) -> Option<crate::map::coords::WorldBounds> {
        self.shapes
            .bounds(None)
            .or_else(|| self.door_batch.bounds())
            .or_else(|| self.streets.bounds())
    }

    /// The campaign file, unless a background job has it.
    #[must_use]
    pub fn campaign(&self) -> Option<&Campaign> {
        self.campaign.as_ref()
    }

    /// The campaign file to write, unless a background job has it.
    pub fn campaign_mut(&mut self) -> Option<&mut Campaign> {
        self.campaign.as_mut()
    }

    /// Hands the campaign file to a background job.
    pub fn take_campaign(&mut self) -> Option<Campaign> {
        self.campaign.take()
    }

    /// Takes the campaign file back from a background job.
    pub fn put_back(&mut self, campaign: Campaign) {
        self.campaign = Some(campaign);
    }

    /// Re-reads turfs, teams and the voters per household: after an edit of turfs or teams,
    /// a doors import, or new scores.
    ///
    /// # Errors
    /// The store's error, worded; what was shown before stays.
    pub fn refresh_turfs(&mut self) -> Result<(), String> {
        let Some(c) = &self.campaign else {
            return Ok(());
        };
        let turfs = c.turfs().map_err(|e| e.to_string())?;
        let teams = c.teams().map_err(|e| e.to_string())?;
        self.voters_per_household = c.voters_per_household();
        self.outlines = turfs
            .iter()
            .map(|t| t.outline.as_ref().map(Outline::new).unwrap_or_default())
            .collect();
        self.turfs = turfs;
        self.teams = teams;
        Ok(())
    }

    /// Orders the doors of `turf` for the map (`None`: no walk shown); the streets are read
    /// again only when their number changed (an import).
    ///
    /// # Errors
    /// The store's error, worded; no walk is shown then.
    pub fn refresh_walk(&mut self, turf: Option<&TurfId>) -> Result<(), String> {
        self.walk = None;
        let (Some(c), Some(turf)) = (&self.campaign, turf) else {
            return Ok(());
        };
        if !self.turfs.iter().any(|t| &t.uuid == turf) {
            return Ok(());
        }
        let count = c.street_count().map_err(|e| e.to_string())?;
        let streets = match &self.walk_streets {
            Some((n, index)) if *n == count => Arc::clone(index),
            _ => {
                let index = Arc::new(c.walk_streets().map_err(|e| e.to_string())?);
                self.walk_streets = Some((count, Arc::clone(&index)));
                index
            }
        };
        let walk = c
            .turf_walk_on(turf, crate::domain::walk::WalkMode::UpAndBack, &streets)
            .map_err(|e| e.to_string())?;
        self.walk = Some(walk);
        Ok(())
    }

    /// Re-reads the door points; only imports (and their undo) change them.
    ///
    /// # Errors
    /// The store's error, worded; what was shown before stays.
    pub fn refresh_doors(&mut self) -> Result<(), String> {
        let Some(c) = &self.campaign else {
            return Ok(());
        };
        let (doors, batch) = read_doors(c)?;
        c.release_memory();
        // Door points change the precincts' counted doors.
        let by_code: std::collections::HashMap<String, PrecinctFigures> = c
            .precinct_figures()
            .map_err(|e| e.to_string())?
            .into_iter()
            .collect();
        self.figures = self
            .data
            .codes
            .iter()
            .map(|code| by_code.get(code).copied().unwrap_or_default())
            .collect();
        self.door_batch = batch;
        self.doors = doors;
        self.door_index = None;
        Ok(())
    }

    /// The figures of some precincts together, as a turf of exactly them would count them
    /// (its priority from the scores shown, which the file may not hold yet).
    #[must_use]
    pub fn figures_of(&self, precincts: &HashSet<usize>) -> TurfStats {
        let live = |i: usize| {
            let mut f = self.figures.get(i).copied()?;
            if let Some(s) = &self.scored {
                f.priority = s.scores.get(i).copied().filter(|v| v.is_finite());
            }
            Some(f)
        };
        let figures: Vec<PrecinctFigures> = precincts.iter().filter_map(|&i| live(i)).collect();
        turf::sum(&figures, self.voters_per_household)
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

    /// The spatial index of the precincts, built on first use.
    pub fn precinct_index(&mut self) -> Arc<PrecinctIndex> {
        self.precinct_index
            .get_or_insert_with(|| Arc::new(PrecinctIndex::new(self.shapes.geometries())))
            .clone()
    }

    /// The spatial index of the door points, built on first use.
    pub fn door_index(&mut self) -> Arc<DoorIndex> {
        let doors = &self.doors;
        self.door_index
            .get_or_insert_with(|| {
                let points: Vec<_> = doors.iter().map(|d| d.point).collect();
                Arc::new(DoorIndex::new(&points))
            })
            .clone()
    }

    /// The codes of some precincts, in campaign order.
    #[must_use]
    pub fn codes_of(&self, precincts: &HashSet<usize>) -> Vec<String> {
        let mut chosen: Vec<usize> = precincts.iter().copied().collect();
        chosen.sort_unstable();
        chosen
            .into_iter()
            .filter_map(|i| self.data.codes.get(i).cloned())
            .collect()
    }

    /// The turfs holding any of these precincts.
    #[must_use]
    pub fn turfs_holding(&self, codes: &[String]) -> Vec<crate::domain::turf::TurfId> {
        self.turfs
            .iter()
            .filter(|t| t.precincts.iter().any(|p| codes.contains(p)))
            .map(|t| t.uuid.clone())
            .collect()
    }

    /// Fill colour per precinct, and its version (bumped on every change).
    #[must_use]
    pub fn fills(&self) -> (Arc<Vec<Color32>>, u64) {
        (self.fills.clone(), self.fills_version)
    }

    /// Recomputes the fill colours from the classes (or the field coverage) and the layer's
    /// opacity.
    pub fn recolour(&mut self, opacity: f32, coverage: bool) {
        let alpha = (opacity.clamp(0.0, 1.0) * 255.0) as u8;
        // Coverage: the ramp's step, lighter than the priority colours so the streets and
        // doors stay readable under; precincts with no door to knock in an assigned turf stay a
        // light veil.
        let coverage_fills = || -> Vec<Color32> {
            self.field
                .precinct_coverage
                .iter()
                .map(|c| match c {
                    Some(c) => super::field::coverage_colour(*c, alpha / 2),
                    None => Color32::from_rgba_unmultiplied(150, 150, 150, alpha / 6),
                })
                .collect()
        };
        let fills = match &self.scored {
            _ if coverage => coverage_fills(),
            // Nothing to show by colour: a light veil, so that the street map stays readable.
            None => {
                vec![Color32::from_rgba_unmultiplied(150, 150, 150, alpha / 6); self.shapes.len()]
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
        };
        self.fills = Arc::new(fills);
        // Unique across sessions: the map's mesh cache outlives a campaign.
        self.fills_version = FILLS_VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    }
}

/// The campaign's door points, and the same projected for drawing.
fn read_doors(c: &Campaign) -> Result<(Vec<DoorPoint>, DoorBatch), String> {
    let doors = c.door_points().map_err(|e| e.to_string())?;
    let batch = DoorBatch::new(doors.iter().map(|d| d.point));
    Ok((doors, batch))
}

/// The last version given to a set of fill colours.
static FILLS_VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

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

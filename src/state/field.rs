//! What the app shows of the field work: the sessions, the progress figures (by team, turf
//! and precinct), each precinct's and turf's coverage for the map, the stale turfs; read from
//! the campaign when it opens and again after each report lands.

use std::collections::{HashMap, HashSet};

use crate::domain::date::Date;
use crate::domain::field::CampaignDays;
use crate::domain::field::progress::{By, GroupRow, Progress, ProgressSettings, progress};
use crate::store::{Campaign, StoredSession};

/// Days without a report after which an assigned turf is stale.
pub const STALE_DAYS: i64 = 7;

/// The field work as the panels and the map show it.
#[derive(Clone, Debug, Default)]
pub struct FieldView {
    /// The days reports may be dated.
    pub days: Option<CampaignDays>,
    /// Whether support levels are recorded.
    pub records_support: bool,
    /// Every session, newest first.
    pub sessions: Vec<StoredSession>,
    /// The figures, broken down by team.
    pub progress: Option<Progress>,
    /// The rows by turf.
    pub by_turf: Vec<GroupRow>,
    /// Coverage of each precinct (in the session's precinct order), where it has doors to
    /// knock.
    pub precinct_coverage: Vec<Option<f64>>,
    /// Coverage of each turf, by name.
    pub turf_coverage: HashMap<String, f64>,
    /// Assigned turfs with no report for [`STALE_DAYS`], by name.
    pub stale: HashSet<String>,
}

impl FieldView {
    /// Reads the field work of `campaign`; `codes` are the session's precinct codes, in order.
    ///
    /// # Errors
    /// The store's error, worded.
    pub fn read(campaign: &Campaign, codes: &[String]) -> Result<Self, String> {
        let today = Date::today();
        let days = campaign.campaign_days(today);
        let facts = campaign.field_facts().map_err(|e| e.to_string())?;
        let settings = ProgressSettings {
            today,
            election: days.election,
            stale_days: STALE_DAYS,
            priority_top: 2,
        };
        let by_team = progress(&facts, &settings, By::Team);
        let by_turf = progress(&facts, &settings, By::Turf);
        let by_precinct = progress(&facts, &settings, By::Precinct);
        let position: HashMap<&str, usize> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let mut precinct_coverage = vec![None; codes.len()];
        for row in &by_precinct.rows {
            if let Some(p) = row.index.and_then(|i| facts.precincts.get(i))
                && let Some(&at) = position.get(p.code.as_str())
            {
                precinct_coverage[at] = row.coverage;
            }
        }
        let turf_coverage = by_turf
            .rows
            .iter()
            .filter_map(|r| r.coverage.map(|c| (r.key.clone(), c)))
            .collect();
        Ok(Self {
            days: Some(days),
            records_support: campaign.records_support(),
            sessions: campaign.sessions().map_err(|e| e.to_string())?,
            stale: by_team.stale.iter().map(|s| s.turf.clone()).collect(),
            progress: Some(by_team),
            by_turf: by_turf.rows,
            precinct_coverage,
            turf_coverage,
        })
    }
}

/// The coverage ramp (viridis, readable by colour-blind eyes and in grey): five steps of
/// 20 %, lightest for the most covered.
pub const COVERAGE_RAMP: [(u8, u8, u8); 5] = [
    (68, 1, 84),
    (59, 82, 139),
    (33, 145, 140),
    (94, 201, 98),
    (253, 231, 37),
];

/// The colour of a coverage on the map, at `alpha`.
#[must_use]
pub fn coverage_colour(coverage: f64, alpha: u8) -> egui::Color32 {
    let (r, g, b) = COVERAGE_RAMP[coverage_step(coverage)];
    egui::Color32::from_rgba_unmultiplied(r, g, b, alpha)
}

/// The step of [`COVERAGE_RAMP`] a coverage falls in.
#[must_use]
pub fn coverage_step(coverage: f64) -> usize {
    ((coverage.clamp(0.0, 1.0) * 5.0).floor() as usize).min(4)
}

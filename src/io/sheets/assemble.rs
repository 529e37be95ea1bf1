//! A turf's sheet put together from what a print run read: the campaign's context (read
//! once), each turf's precincts, team, date and nearby streets, its walk as a revisit prints
//! it, and the print recorded.

use super::{SheetOptions, TurfSheet, not_found, words};
use crate::domain::numbers::Lang;
use crate::domain::street::Street;
use crate::domain::turf::TurfId;
use crate::domain::walk::TurfWalk;
use crate::io::ImportError;
use crate::store::{Campaign, Print};

/// What every sheet of a print run reads from the campaign, read once.
pub(super) struct Context {
    pub(super) campaign: String,
    pub(super) script: Option<String>,
    pub(super) precincts: std::collections::HashMap<String, String>,
    pub(super) streets: Vec<Street>,
    pub(super) index: crate::domain::walk::StreetIndex,
    pub(super) turfs: Vec<crate::domain::turf::Turf>,
    pub(super) teams: Vec<crate::domain::turf::Team>,
    pub(super) assignments: Vec<crate::domain::turf::Assignment>,
    /// Each door's last visit (code, day), read once for every turf of the run.
    pub(super) latest: std::collections::HashMap<String, (char, String)>,
}

impl Context {
    pub(super) fn read(
        campaign: &Campaign,
        options: &SheetOptions,
        turfs: Vec<crate::domain::turf::Turf>,
        teams: Vec<crate::domain::turf::Team>,
        assignments: Vec<crate::domain::turf::Assignment>,
    ) -> Result<Self, ImportError> {
        // The streets read once: the walks' index and the maps both come from them.
        let streets = campaign.streets()?;
        let index = crate::domain::walk::StreetIndex::of_streets(&streets);
        Ok(Self {
            campaign: campaign.name()?,
            script: campaign.sheet_script()?,
            precincts: campaign
                .precincts()?
                .into_iter()
                .map(|p| (p.code, p.name))
                .collect(),
            streets: if options.no_streets {
                Vec::new()
            } else {
                streets
            },
            index,
            turfs,
            teams,
            assignments,
            latest: campaign.latest_codes()?,
        })
    }
}

/// A sheet's precinct names, team, date and streets.
pub(super) type Parts = (
    Vec<(String, String)>,
    Option<(String, Option<i64>)>,
    Option<String>,
    Vec<Street>,
);

/// What a turf's sheet reads besides its walk.
pub(super) fn parts(context: &Context, turf: &crate::domain::turf::Turf, walk: &TurfWalk) -> Parts {
    let names: Vec<(String, String)> = turf
        .precincts
        .iter()
        .map(|code| {
            let name = context.precincts.get(code).cloned().unwrap_or_default();
            (code.clone(), name)
        })
        .collect();
    let team = turf.team.as_ref().map(|name| {
        let size = context
            .teams
            .iter()
            .find(|t| &t.name == name)
            .and_then(|t| t.size);
        (name.clone(), size)
    });
    let date = context
        .assignments
        .iter()
        .filter(|a| a.turf == turf.uuid)
        .map(|a| a.date.to_string())
        .max();
    let mut bounds: Vec<(f64, f64)> = walk.stops.iter().map(|s| s.point).collect();
    if let Some(o) = &turf.outline {
        bounds.extend(
            o.0.iter()
                .flat_map(|p| p.exterior().0.iter().map(|c| (c.x, c.y))),
        );
    }
    (names, team, date, near(&context.streets, &bounds))
}

/// Reads what a turf's sheet shows and records its print.
pub(super) fn turf_sheet(
    campaign: &mut Campaign,
    context: &Context,
    id: &TurfId,
    options: &SheetOptions,
) -> Result<(TurfSheet, Print), ImportError> {
    let turf = context
        .turfs
        .iter()
        .find(|t| &t.uuid == id)
        .ok_or_else(|| not_found(campaign.path()))?;
    let walk = campaign.turf_walk_on(id, options.mode, &context.index)?;
    let (walk, previous, left_out) = revisit(walk, &context.latest);
    let (names, team, date, streets) = parts(context, turf, &walk);
    let print = campaign.record_print(
        id,
        &walk,
        match options.lang {
            Lang::En => "en",
            Lang::Fr => "fr",
        },
    )?;
    let mut sheet = sheet_of(
        context,
        turf,
        walk,
        names,
        team,
        date,
        streets,
        &print.code,
        options,
    );
    sheet.previous = previous;
    sheet.left_out = left_out;
    Ok((sheet, print))
}

/// A turf's sheet from what was read.
#[allow(clippy::too_many_arguments)] // The parts of one sheet, read in two places.
pub(super) fn sheet_of(
    context: &Context,
    turf: &crate::domain::turf::Turf,
    walk: TurfWalk,
    names: Vec<(String, String)>,
    team: Option<(String, Option<i64>)>,
    date: Option<String>,
    streets: Vec<Street>,
    code: &str,
    options: &SheetOptions,
) -> TurfSheet {
    let w = words::words(options.lang);
    TurfSheet {
        campaign: context.campaign.clone(),
        turf: turf.name.clone(),
        precincts: names,
        team,
        date,
        registered: turf.stats.registered,
        walk,
        outline: turf.outline.clone(),
        streets,
        code: code.to_owned(),
        // The script given, else the campaign's, else a short greeting.
        script: options
            .script
            .clone()
            .or_else(|| context.script.clone())
            .unwrap_or_else(|| w.default_script.to_owned()),
        notice: w.notice.to_owned(),
        previous: std::collections::HashMap::new(),
        left_out: 0,
    }
}

/// A walk as a revisit prints it: doors whose last code was X (do not knock) left out and the
/// rest renumbered; the earlier codes of the doors kept, for their notes.
pub(super) fn revisit(
    mut walk: TurfWalk,
    latest: &std::collections::HashMap<String, (char, String)>,
) -> (
    TurfWalk,
    std::collections::HashMap<String, (char, String)>,
    usize,
) {
    let before = walk.stops.len();
    walk.stops
        .retain(|s| latest.get(&s.door).is_none_or(|(c, _)| *c != 'X'));
    for (i, s) in walk.stops.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    let left_out = before - walk.stops.len();
    let previous = walk
        .stops
        .iter()
        .filter_map(|s| latest.get(&s.door).map(|v| (s.door.clone(), v.clone())))
        .collect();
    (walk, previous, left_out)
}

/// The streets within half a kilometre of some points.
fn near(streets: &[Street], points: &[(f64, f64)]) -> Vec<Street> {
    let Some(first) = points.first() else {
        return Vec::new();
    };
    let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
    for p in points {
        x0 = x0.min(p.0);
        y0 = y0.min(p.1);
        x1 = x1.max(p.0);
        y1 = y1.max(p.1);
    }
    let dy = 500.0 / 111_320.0;
    let dx = dy / f64::midpoint(y0, y1).to_radians().cos().max(0.01);
    streets
        .iter()
        .filter(|s| {
            s.points
                .iter()
                .any(|c| c.x >= x0 - dx && c.x <= x1 + dx && c.y >= y0 - dy && c.y <= y1 + dy)
        })
        .cloned()
        .collect()
}

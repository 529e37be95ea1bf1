//! `turf walk` and `turf meeting-point`: a turf's doors in walking order, and where it starts.

use std::fmt::Write as _;
use std::path::Path;

use super::turfs::{WalkModeArg, find_turf};
use crate::domain::walk::WalkMode;
use crate::store::Campaign;

impl From<WalkModeArg> for WalkMode {
    fn from(m: WalkModeArg) -> Self {
        match m {
            WalkModeArg::UpAndBack => Self::UpAndBack,
            WalkModeArg::BothSides => Self::BothSides,
            WalkModeArg::NumberOrder => Self::NumberOrder,
        }
    }
}

/// Prints a turf's walk.
pub(super) fn walk(file: &Path, turf: &str, mode: WalkModeArg, json: bool) -> anyhow::Result<()> {
    let campaign = Campaign::open_read_only(file)?;
    let t = find_turf(&campaign, turf)?;
    let w = campaign.turf_walk(&t.uuid, mode.into())?;
    if json {
        let text = serde_json::to_string_pretty(&w)? + "\n";
        std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
        return Ok(());
    }
    if w.stops.is_empty() {
        println!(
            "turf {:?} has no door points: nothing to walk (its precincts hold none, and it \
             holds no doors of its own)",
            w.turf
        );
        return Ok(());
    }
    let mut out = String::new();
    let start = match (mode, w.meeting_point, w.meeting_point_set) {
        (WalkModeArg::NumberOrder, _, _) => "in address-list order".to_owned(),
        (_, Some((x, y)), true) => {
            format!("starting at the street side nearest its meeting point ({x:.6}, {y:.6})")
        }
        (_, Some((x, y)), false) => format!(
            "starting at the street side nearest the door closest to its centre ({x:.6}, \
             {y:.6}; set a meeting point with `turf meeting-point`)"
        ),
        (_, None, _) => String::new(),
    };
    let _ = writeln!(
        out,
        "turf {:?}: {} doors, {:.1} km from door to door in straight lines, {start}{}",
        w.turf,
        w.stops.len(),
        w.length_m / 1000.0,
        if w.along_streets || mode == WalkModeArg::NumberOrder {
            ""
        } else {
            "; no street lines here: sides by house-number parity"
        }
    );
    let _ = writeln!(
        out,
        "{:>5}  {:<32} {:>8}  {:<10} {:>10}",
        "rank", "street", "number", "side", "households"
    );
    for s in &w.stops {
        let _ = writeln!(
            out,
            "{:>5}  {:<32} {:>8}  {:<10} {:>10}",
            s.rank,
            s.street_or_address(),
            s.number(),
            s.side.words(false),
            s.households
        );
    }
    // Written whole, so that a closed pipe (`| head`) is an error main() stays quiet about.
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(())
}

/// How far from its turf's doors a meeting point may be, in kilometres.
const MEETING_KM: f64 = 5.0;

/// The distance from a point to the nearest of some doors, in kilometres (`None`: no doors).
fn distance_km(doors: &[crate::store::StoredDoor], (lon, lat): (f64, f64)) -> Option<f64> {
    doors
        .iter()
        .map(|d| {
            let kx = 111.32 * lat.to_radians().cos().abs().max(0.01);
            ((d.point.x() - lon) * kx).hypot((d.point.y() - lat) * 111.32)
        })
        .min_by(f64::total_cmp)
}

/// Sets or clears a turf's meeting point.
pub(super) fn meeting_point(
    file: &Path,
    turf: &str,
    at: Option<&str>,
    clear: bool,
) -> anyhow::Result<()> {
    let mut campaign = Campaign::open(file)?;
    let t = find_turf(&campaign, turf)?;
    let point = if clear {
        None
    } else {
        let text = at.unwrap_or("");
        let numbers: Vec<f64> = text
            .split([' ', ','])
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| anyhow::anyhow!("{text:?} is not \"LON LAT\"; nothing was changed"))?;
        let [lon, lat] = numbers[..] else {
            anyhow::bail!("{text:?} is not \"LON LAT\"; nothing was changed");
        };
        // A point far from the turf's doors is most often latitude and longitude swapped.
        let doors = campaign.turf_doors(&t.uuid)?;
        if let Some(km) = distance_km(&doors, (lon, lat))
            && km > MEETING_KM
        {
            anyhow::bail!(
                "({lon}, {lat}) is {km:.0} km from turf {:?}'s doors: a meeting point is within \
                 {MEETING_KM} km of them (longitude first, then latitude); nothing was changed",
                t.name
            );
        }
        Some((lon, lat))
    };
    campaign.set_meeting_point(&t.uuid, point)?;
    match point {
        Some((x, y)) => println!("turf {:?} now starts at ({x}, {y})", t.name),
        None => println!(
            "turf {:?} now starts at the door nearest its centre",
            t.name
        ),
    }
    Ok(())
}

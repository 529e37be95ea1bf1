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
        anyhow::bail!(
            "turf {:?} has no door points to walk (import doors first: campaign-planner doors {} import FILE)",
            w.turf,
            file.display()
        );
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "turf {:?}: {} doors, {:.1} km in straight lines, from {} ({:.6}, {:.6}){}",
        w.turf,
        w.stops.len(),
        w.length_m / 1000.0,
        if w.meeting_point_set {
            "its meeting point"
        } else {
            "the door nearest its centre"
        },
        w.meeting_point.map_or(0.0, |p| p.0),
        w.meeting_point.map_or(0.0, |p| p.1),
        if w.along_streets {
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
        let street = s.street.clone().unwrap_or_else(|| s.address.clone());
        let number = s
            .housenumber
            .map(|n| format!("{n}{}", s.suffix.as_deref().unwrap_or("")))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>5}  {:<32} {:>8}  {:<10} {:>10}",
            s.rank,
            street,
            number,
            s.side.words(false),
            s.households
        );
    }
    // Written whole, so that a closed pipe (`| head`) is an error main() stays quiet about.
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(())
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

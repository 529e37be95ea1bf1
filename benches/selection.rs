//! Lasso selection benchmark (issue 5): the standard lasso of DESIGN.md §9 over 69,000
//! generated precincts and over 2,000,000 door points.
//!
//! `cargo bench --bench selection`. Targets: precincts under 2 ms (touching the lasso: 1 ms, and
//! at or under GEOS, run beside when `SHAPELY_PYTHON` names a Python with shapely 2), doors
//! under 10 ms.

use std::time::{Duration, Instant};

use campaign_planner::domain::autocut::{CutPrecinct, autocut};
use campaign_planner::domain::selection::{DoorIndex, Membership, PrecinctIndex, standard_lasso};
use campaign_planner::synth;
use geo::InteriorPoint as _;
use geo_types::{MultiPolygon, Point};

fn main() {
    let lasso = standard_lasso();
    let cells = synth::voronoi_precincts(synth::FRANCE_PRECINCTS, synth::FRANCE_BOX, 42);
    let geometries: Vec<MultiPolygon<f64>> = cells.into_iter().map(|c| c.geometry).collect();
    let started = Instant::now();
    let index = PrecinctIndex::new(&geometries);
    println!(
        "lasso benchmark: {} precincts (index built in {:.0} ms)",
        geometries.len(),
        ms(started.elapsed())
    );
    for (label, membership, reference) in [
        (
            "representative point inside",
            Membership::Representative,
            "target < 2 ms",
        ),
        (
            "intersecting the lasso",
            Membership::Intersects,
            "target ≤ 1 ms and at or under GEOS",
        ),
        ("wholly within", Membership::Within, "target < 2 ms"),
    ] {
        let mut n = 0;
        let t = time(25, || {
            n = index.select(&geometries, &lasso, membership).len();
        });
        println!(
            "  precincts {label:<28} {n:>6}: median {:.3} ms ({reference})",
            ms(t)
        );
    }
    geos_beside(&geometries, &lasso);
    let points: Vec<Point<f64>> = synth::random_points(2_000_000, synth::FRANCE_BOX, 7)
        .into_iter()
        .map(Point::from)
        .collect();
    let started = Instant::now();
    let doors = DoorIndex::new(&points);
    println!(
        "  ({} door points indexed in {:.0} ms)",
        points.len(),
        ms(started.elapsed())
    );
    let mut n = 0;
    let t = time(9, || n = doors.select(&lasso).len());
    println!(
        "  doors inside the lasso {n:>8}: median {:.2} ms (target < 10 ms; GEOS 41 ms)",
        ms(t)
    );

    // Auto-cut: 100,000 doors (1 to 3 households) in 700 precincts of a city, into 150-door
    // turfs; the time includes tying every door to its precinct.
    let bbox = (2.22, 48.81, 2.47, 48.91);
    let cells = synth::voronoi_precincts(700, bbox, 11);
    let geometries: Vec<MultiPolygon<f64>> = cells.into_iter().map(|c| c.geometry).collect();
    let points: Vec<Point<f64>> = synth::random_points(100_000, bbox, 12)
        .into_iter()
        .map(Point::from)
        .collect();
    let mut turfs = 0;
    let t = time(5, || {
        let index = PrecinctIndex::new(&geometries);
        let mut doors: Vec<Vec<(usize, i64)>> = vec![Vec::new(); geometries.len()];
        for (d, p) in points.iter().enumerate() {
            if let Some(i) = index.at(&geometries, *p) {
                doors[i].push((d, 1 + i64::from(d % 4 == 0) + i64::from(d % 9 == 0)));
            }
        }
        let precincts: Vec<CutPrecinct> = doors
            .into_iter()
            .enumerate()
            .map(|(i, doors)| CutPrecinct {
                index: i,
                center: geometries[i]
                    .interior_point()
                    .unwrap_or(Point::new(0.0, 0.0)),
                doors,
                estimated: 0,
            })
            .collect();
        turfs = autocut(&precincts, &points, 150).len();
    });
    println!(
        "  auto-cut of 100,000 doors in 700 precincts into {turfs} turfs of ~150: median {:.0} ms (target < 1 s)",
        ms(t)
    );
}

/// GEOS on the same precincts and lasso, when `SHAPELY_PYTHON` names a Python with shapely 2
/// (`benches/selection_geos.py` reads them from a GeoJSON file written here).
fn geos_beside(geometries: &[MultiPolygon<f64>], lasso: &geo_types::Polygon<f64>) {
    let Some(python) = std::env::var_os("SHAPELY_PYTHON") else {
        println!("  (set SHAPELY_PYTHON to a Python with shapely 2 to run GEOS beside these)");
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("selection.json");
    let precincts: Vec<geojson::Geometry> =
        geometries.iter().map(geojson::Geometry::from).collect();
    let data = serde_json::json!({
        "precincts": precincts,
        "lasso": geojson::Geometry::from(lasso),
    });
    std::fs::write(&path, data.to_string()).expect("write the shapes");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/selection_geos.py");
    match std::process::Command::new(python)
        .arg(script)
        .arg(&path)
        .output()
    {
        Ok(out) => print!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => println!("  (GEOS not run: {e})"),
    }
}

/// The median of `runs` timings of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

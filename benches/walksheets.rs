//! Walk sheets benchmark (issue 12): a seeded synthetic town (streets every 100 m, one way per
//! block side; doors 10 m either side every 12 m, numbered odd and even), cut into 200 turfs
//! of about 200 doors, 20 teams of 10 turfs. Reports the time of one turf's sheets (the
//! preview the app shows), then of every team's PDF (vector street maps), the largest team
//! PDF, and the process's peak memory.
//!
//! `cargo bench --bench walksheets`. Targets: one turf ≤ 300 ms; 200 turfs, ~40,000 doors and
//! ~600 pages ≤ 15 s; ≤ 10 MB per team PDF of 10 turfs; peak memory < 500 MB.

mod common;
use common::peak_mb;

use std::time::Instant;

use campaign_planner::domain::address::Address;
use campaign_planner::domain::date::Date;
use campaign_planner::domain::door::NewDoor;
use campaign_planner::domain::street::{RoadClass, Street};
use campaign_planner::domain::turf::TurfStatus;
use campaign_planner::io::sheets::{Scope, SheetOptions, write_sheets};
use campaign_planner::progress::ignore;
use campaign_planner::store::Campaign;
use geo_types::{Coord, Point};

const M: f64 = 1.0 / 111_320.0;
const LAT: f64 = 48.85;

fn town(blocks: usize) -> (Vec<Street>, Vec<NewDoor>) {
    let mx = M / LAT.to_radians().cos();
    let at = |x: f64, y: f64| Coord {
        x: 2.0 + x * mx,
        y: LAT + y * M,
    };
    let mut streets = Vec::new();
    let mut doors = Vec::new();
    for horizontal in [true, false] {
        for line in 0..=blocks {
            let name = format!("{} {line}", if horizontal { "Rue" } else { "Avenue" });
            let mut number = [1_u32, 2_u32];
            for block in 0..blocks {
                let (a, b) = (block as f64 * 100.0, (block + 1) as f64 * 100.0);
                let c = line as f64 * 100.0;
                let points = if horizontal {
                    vec![at(a, c), at(b, c)]
                } else {
                    vec![at(c, a), at(c, b)]
                };
                streets.push(Street {
                    name: name.clone(),
                    highway: "residential".into(),
                    class: RoadClass::Residential,
                    points,
                    osm_id: None,
                });
                let mut t = a + 8.0;
                while t < b - 8.0 {
                    for (side, offset) in [(0, 10.0), (1, -10.0)] {
                        let p = if horizontal {
                            at(t, c + offset)
                        } else {
                            at(c - offset, t)
                        };
                        let parts = Address {
                            housenumber: Some(number[side]),
                            street: Some(name.clone()),
                            ..Address::default()
                        };
                        doors.push(NewDoor::from_parts(Point::from(p), "", parts, 1));
                        number[side] += 2;
                    }
                    t += 12.0;
                }
            }
        }
    }
    (streets, doors)
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("sheets.campaign.gpkg");
    let mut c = Campaign::create(&path, "Walk-sheet benchmark").expect("campaign");
    let (streets, doors) = town(37);
    let doors: Vec<NewDoor> = doors.into_iter().take(40_000).collect();
    c.import_doors(&doors, "town.csv", false).expect("doors");
    c.replace_streets(&streets, "town.osm.pbf")
        .expect("streets");
    let cut = c.autocut(200, None, "Turf").expect("turfs");
    let turfs = c.turfs().expect("turfs");
    for team in 0..turfs.len().div_ceil(10) {
        let name = format!("Team {:02}", team + 1);
        c.create_team(&name, None, Some(4)).expect("team");
        for (k, t) in turfs.iter().skip(team * 10).take(10).enumerate() {
            let date = Date::parse(&format!("2026-12-{:02}", k + 1)).expect("date");
            c.assign(&name, &t.name, date, TurfStatus::Planned)
                .expect("assign");
        }
    }
    println!(
        "walk sheets benchmark: {} doors in {} turfs of {}–{} doors, {} teams, {} street pieces",
        doors.len(),
        cut.turfs,
        cut.smallest,
        cut.largest,
        turfs.len().div_ceil(10),
        streets.len()
    );
    let options = SheetOptions::default();
    let out = dir.path().join("sheets");
    // One turf, as the app's preview prints it.
    let mut times = Vec::new();
    for t in turfs.iter().take(5) {
        let started = Instant::now();
        write_sheets(
            &mut c,
            &Scope::Turf(t.uuid.clone()),
            &out,
            &options,
            &mut ignore,
        )
        .expect("one turf");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "one turf's sheets: median {:.0} ms, worst {:.0} ms (target ≤ 300 ms)",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    // Every team.
    let started = Instant::now();
    let files = write_sheets(&mut c, &Scope::EveryTeam, &out, &options, &mut ignore).expect("all");
    let elapsed = started.elapsed().as_secs_f64();
    let pages: usize = files.iter().map(|f| f.pages).sum();
    let largest = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .max()
        .unwrap_or(0);
    println!(
        "every team: {} PDFs, {pages} pages in {elapsed:.1} s (target ≤ 15 s); largest team PDF \
         {:.1} MB (target ≤ 10 MB); peak memory {:.0} MB (target < 500 MB)",
        files.len(),
        largest as f64 / 1e6,
        peak_mb()
    );
}

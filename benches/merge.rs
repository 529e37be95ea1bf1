//! Team packs and merge benchmark (issue 14), on a seeded synthetic master: 200 teams of 5
//! turfs of 300 doors (300,000 doors), streets every 100 m around them, 50,000 earlier visits.
//! Reports:
//! - building one team's pack (5 turfs, 1,500 doors, its streets and visits): time and size;
//! - merging one pack that carries 10,000 new visits;
//! - merging 1,000 packs of 200 new visits each into one master (a national campaign's
//!   evening), one after the other, with the process's peak memory.
//!
//! `cargo bench --bench merge`. Targets: a pack ≤ 1 s and ≤ 2 MB; 10,000 visits merged ≤ 2 s;
//! 1,000 packs < 60 s with memory bounded.
#![allow(clippy::unwrap_used)] // A benchmark fails loudly by design.

mod common;
use common::peak_mb;

use std::path::{Path, PathBuf};
use std::time::Instant;

use campaign_planner::store::gpkg::{encode_linestring, encode_multipolygon, encode_point};
use campaign_planner::store::{Campaign, PackOptions};
use geo_types::{LineString, MultiPolygon, Point, Polygon, coord};
use rusqlite::params;

const TEAMS: usize = 200;
const TURFS_PER_TEAM: usize = 5;
const DOORS_PER_TURF: usize = 300;

/// Metres to degrees near 48.85° N.
const M: f64 = 1.0 / 111_320.0;

/// The master: each turf a 300 m square of 300 doors, the squares side by side.
fn build_master(path: &Path) {
    drop(Campaign::create(path, "Bench merge").unwrap());
    let mut conn = rusqlite::Connection::open(path).unwrap();
    // As another program writes: with the R-tree triggers\' functions.
    campaign_planner::store::spatial::register(&conn).unwrap();
    let tx = conn.transaction().unwrap();
    let mx = M / 48.85_f64.to_radians().cos();
    let at = |x: f64, y: f64| coord! { x: 2.0 + x * mx, y: 48.85 + y * M };
    let mut door = tx
        .prepare("INSERT INTO doors (geom, uuid, address, precinct_uuid) VALUES (?1, ?2, ?3, NULL)")
        .unwrap();
    let mut member = tx
        .prepare("INSERT INTO turf_members (uuid, turf_uuid, door_uuid) VALUES (?1, ?2, ?3)")
        .unwrap();
    let mut visit = tx
        .prepare(
            "INSERT INTO door_visits (uuid, door_uuid, turf_uuid, team_uuid, visit_date, \
             outcome, replica_uuid, updated_at) VALUES (?1, ?2, ?3, ?4, '2026-11-01', 'A', \
             'hq', '2026-11-01T10:00:00.000Z')",
        )
        .unwrap();
    let mut visits = 0;
    for team in 0..TEAMS {
        tx.execute(
            "INSERT INTO teams (uuid, name) VALUES (?1, ?2)",
            params![format!("team-{team}"), format!("Équipe {team}")],
        )
        .unwrap();
        for k in 0..TURFS_PER_TEAM {
            let t = team * TURFS_PER_TEAM + k;
            let (x0, y0) = ((t % 40) as f64 * 300.0, (t / 40) as f64 * 300.0);
            let square = Polygon::new(
                LineString::from(vec![
                    at(x0, y0),
                    at(x0 + 300.0, y0),
                    at(x0 + 300.0, y0 + 300.0),
                    at(x0, y0 + 300.0),
                    at(x0, y0),
                ]),
                vec![],
            );
            tx.execute(
                "INSERT INTO turfs (geom, uuid, name, team_uuid, door_count) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    encode_multipolygon(&MultiPolygon(vec![square])).unwrap(),
                    format!("turf-{t}"),
                    format!("Turf {t}"),
                    format!("team-{team}"),
                    DOORS_PER_TURF as i64
                ],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO assignments (uuid, turf_uuid, team_uuid, date) VALUES (?1, ?2, ?3, '2026-11-01')",
                params![format!("a-{t}"), format!("turf-{t}"), format!("team-{team}")],
            )
            .unwrap();
            for d in 0..DOORS_PER_TURF {
                let id = format!("door-{t}-{d}");
                let p = at(
                    x0 + 10.0 + (d % 20) as f64 * 14.0,
                    y0 + 10.0 + (d / 20) as f64 * 18.0,
                );
                door.execute(params![
                    encode_point(Point(p)).unwrap(),
                    id,
                    format!("{d} Rue {t}")
                ])
                .unwrap();
                member
                    .execute(params![format!("m-{t}-{d}"), format!("turf-{t}"), id])
                    .unwrap();
                if d % 9 == 0 {
                    visit
                        .execute(params![
                            format!("hq-visit-{t}-{d}"),
                            id,
                            format!("turf-{t}"),
                            format!("team-{team}")
                        ])
                        .unwrap();
                    visits += 1;
                }
            }
        }
    }
    drop((door, member, visit));
    // Streets every 100 m across the whole area.
    let mut street = tx
        .prepare("INSERT INTO streets (geom, name, highway) VALUES (?1, ?2, 'residential')")
        .unwrap();
    for i in 0..=120 {
        let c = f64::from(i) * 100.0;
        for (name, line) in [
            (format!("Rue {i}"), vec![at(0.0, c), at(12_000.0, c)]),
            (format!("Avenue {i}"), vec![at(c, 0.0), at(c, 1_500.0)]),
        ] {
            street
                .execute(params![
                    encode_linestring(&LineString::from(line)).unwrap(),
                    name
                ])
                .unwrap();
        }
    }
    drop(street);
    tx.commit().unwrap();
    println!(
        "master: {} teams, {} turfs, {} doors, {visits} visits",
        TEAMS,
        TEAMS * TURFS_PER_TEAM,
        TEAMS * TURFS_PER_TEAM * DOORS_PER_TURF
    );
}

/// A copy of `pack` standing for another outing of its team: `n` new visits (new uuids) on
/// its doors and its own pack identity.
fn pack_with_visits(pack: &Path, out: &Path, n: usize, tag: &str) {
    std::fs::copy(pack, out).unwrap();
    let mut conn = rusqlite::Connection::open(out).unwrap();
    // As another program writes: with the R-tree triggers\' functions.
    campaign_planner::store::spatial::register(&conn).unwrap();
    let tx = conn.transaction().unwrap();
    let doors: Vec<String> = tx
        .prepare("SELECT uuid FROM doors")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let turf: String = tx
        .query_row("SELECT uuid FROM turfs LIMIT 1", [], |r| r.get(0))
        .unwrap();
    {
        let mut visit = tx
            .prepare(
                "INSERT INTO door_visits (uuid, door_uuid, turf_uuid, team_uuid, visit_date, \
                 outcome, source, replica_uuid, updated_at) VALUES (?1, ?2, ?3, 'team-0', \
                 '2026-11-20', 'O', 'paper', ?4, '2026-11-20T18:00:00.000Z')",
            )
            .unwrap();
        for i in 0..n {
            visit
                .execute(params![
                    format!("{tag}-visit-{i}"),
                    doors[i % doors.len()],
                    turf,
                    tag
                ])
                .unwrap();
        }
    }
    tx.execute(
        "UPDATE campaign_meta SET value = ?1 WHERE key IN ('pack_uuid', 'replica_uuid')",
        [tag],
    )
    .unwrap();
    tx.commit().unwrap();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let master = dir.path().join("master.campaign.gpkg");
    let t = Instant::now();
    build_master(&master);
    println!("built in {:.1} s", t.elapsed().as_secs_f64());

    // One team's pack.
    let pack = dir.path().join("team-0.pack.gpkg");
    let c = Campaign::open(&master).unwrap();
    let team = c
        .teams()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Équipe 0")
        .unwrap()
        .uuid;
    let t = Instant::now();
    let w = c.write_pack(&team, &pack, PackOptions::default()).unwrap();
    let took = t.elapsed();
    drop(c);
    println!(
        "a team's pack ({} turfs, {} doors, {} streets, {} visits): {:.0} ms, {:.2} MB (targets ≤ 1 s, ≤ 2 MB)",
        w.turfs,
        w.doors,
        w.streets,
        w.visits,
        took.as_secs_f64() * 1e3,
        w.bytes as f64 / 1e6
    );

    // A pack of 10,000 new visits.
    let big = dir.path().join("big.pack.gpkg");
    pack_with_visits(&pack, &big, 10_000, "big");
    let mut c = Campaign::open(&master).unwrap();
    let t = Instant::now();
    let r = c.merge_pack(&big, false).unwrap();
    println!(
        "a pack of 10,000 new visits merged: {:.2} s ({} rows new) (target ≤ 2 s)",
        t.elapsed().as_secs_f64(),
        r.changed()
    );

    // 1,000 packs of 200 visits each.
    let packs: Vec<PathBuf> = (0..1_000)
        .map(|i| {
            let p = dir.path().join(format!("p{i}.pack.gpkg"));
            pack_with_visits(&pack, &p, 200, &format!("p{i}"));
            p
        })
        .collect();
    let t = Instant::now();
    let mut rows = 0;
    for p in &packs {
        rows += c.merge_pack(p, false).unwrap().changed();
    }
    println!(
        "1,000 packs of 200 visits merged into one master: {:.1} s, {rows} rows new (target < 60 s); peak memory {:.0} MB",
        t.elapsed().as_secs_f64(),
        peak_mb()
    );
}

//! Walk order on real streets: the Helsinki address points and the streets of the same
//! OpenStreetMap extract (© OpenStreetMap contributors, `ODbL`), cut into 100-door turfs.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use campaign_planner::domain::walk::{
    Search, WalkDoor, WalkMode, WalkStreet, walk_length, walk_order_on, walk_order_searched,
};
use common::fixture;
use rand::rngs::StdRng;
use rand::{SeedableRng as _, seq::SliceRandom as _};

/// The Helsinki doors, with their parts, and the extract's streets.
fn helsinki() -> (Vec<WalkDoor>, Vec<WalkStreet>) {
    let doors =
        campaign_planner::io::doors::read_doors(&fixture("helsinki-address-points.geojson"))
            .unwrap()
            .into_iter()
            .map(|d| WalkDoor {
                point: (d.point.x(), d.point.y()),
                street: d.parts.street,
                housenumber: d.parts.housenumber,
                suffix: d.parts.suffix,
            })
            .collect();
    let streets = campaign_planner::io::streets::read_streets(
        &fixture("helsinki.osm.pbf"),
        None,
        &mut campaign_planner::progress::ignore,
    )
    .unwrap()
    .streets
    .into_iter()
    .map(|s| WalkStreet {
        name: s.name,
        points: s.points.iter().map(|c| (c.x, c.y)).collect(),
    })
    .collect();
    (doors, streets)
}

/// Turfs of 100 neighbouring doors (Morton order).
fn turfs(mut doors: Vec<WalkDoor>) -> Vec<Vec<WalkDoor>> {
    let morton = |d: &WalkDoor| {
        let x = ((d.point.0 - 24.0) * 1e5) as u64;
        let y = ((d.point.1 - 60.0) * 1e5) as u64;
        (0..24).fold(0_u64, |m, b| {
            m | ((x >> b & 1) << (2 * b)) | ((y >> b & 1) << (2 * b + 1))
        })
    };
    doors.sort_by_key(morton);
    doors.chunks(100).map(<[WalkDoor]>::to_vec).collect()
}

/// The shortest open walk through the doors from the same first door that 2-opt finds from
/// 20 random starting orders: the reference a street-blind optimiser reaches.
fn best_two_opt(doors: &[WalkDoor], first: usize, seed: u64) -> f64 {
    let mut rng = StdRng::seed_from_u64(seed);
    // Distances once: a walk's length is measured the same way, door to door.
    let m = doors.len();
    let table: Vec<f64> = (0..m * m)
        .map(|k| walk_length(doors, &[k / m, k % m]))
        .collect();
    let d = |a: usize, b: usize| table[a * m + b];
    let mut best = f64::MAX;
    for _ in 0..20 {
        let mut order: Vec<usize> = (0..doors.len()).filter(|&i| i != first).collect();
        order.shuffle(&mut rng);
        order.insert(0, first);
        let n = order.len();
        let mut improved = true;
        while improved {
            improved = false;
            for i in 1..n - 1 {
                for j in i + 1..n {
                    let before = d(order[i - 1], order[i])
                        + if j + 1 < n {
                            d(order[j], order[j + 1])
                        } else {
                            0.0
                        };
                    let after = d(order[i - 1], order[j])
                        + if j + 1 < n {
                            d(order[i], order[j + 1])
                        } else {
                            0.0
                        };
                    if after + 1e-9 < before {
                        order[i..=j].reverse();
                        improved = true;
                    }
                }
            }
        }
        best = best.min(walk_length(doors, &order));
    }
    best
}

/// One door per address (street, number, suffix) at the mean of its points: what a canvasser
/// knocks at, where the extract has many points (shops, offices) for one building.
fn one_per_address(doors: &[WalkDoor]) -> Vec<WalkDoor> {
    type Key = (Option<String>, Option<u32>, Option<String>);
    let mut by: std::collections::BTreeMap<Key, Vec<&WalkDoor>> = std::collections::BTreeMap::new();
    for d in doors {
        by.entry((d.street.clone(), d.housenumber, d.suffix.clone()))
            .or_default()
            .push(d);
    }
    by.into_values()
        .map(|group| {
            let n = group.len() as f64;
            let mut d = group[0].clone();
            d.point = (
                group.iter().map(|g| g.point.0).sum::<f64>() / n,
                group.iter().map(|g| g.point.1).sum::<f64>() / n,
            );
            d
        })
        .collect()
}

/// Walk lengths summed over 100-door turfs.
#[derive(Default)]
struct Lengths {
    /// Up one side and back the other (the default).
    walked: f64,
    /// Both sides together.
    both: f64,
    /// An address list: alphabetical by street, then number.
    listed: f64,
    /// The same street sides chained by the best of 20 random-restart 2-opt runs.
    restarts: f64,
    /// The doors alone (no streets, no sides) by the best of 20 random-restart 2-opt runs.
    free: f64,
}

fn lengths(doors: Vec<WalkDoor>, streets: &[WalkStreet]) -> Lengths {
    let mut l = Lengths::default();
    for (k, turf) in turfs(doors).iter().enumerate() {
        let order = walk_order_on(turf, streets, WalkMode::UpAndBack, None);
        l.walked += walk_length(turf, &order);
        l.listed += walk_length(turf, &walk_order_on(turf, &[], WalkMode::NumberOrder, None));
        l.both += walk_length(
            turf,
            &walk_order_on(turf, streets, WalkMode::BothSides, None),
        );
        let search = Search {
            nearest_neighbour: false,
            restarts: 20,
            seed: k as u64 + 1,
        };
        l.restarts += walk_length(
            turf,
            &walk_order_searched(turf, streets, WalkMode::UpAndBack, None, search),
        );
        l.free += best_two_opt(turf, order[0], k as u64);
    }
    l
}

#[test]
fn helsinki_turfs_walked_along_their_streets_beat_an_address_list_and_come_near_the_best_two_opt() {
    let (doors, streets) = helsinki();
    assert!(doors.len() > 1300 && streets.len() > 500);
    let addresses = one_per_address(&doors);
    for (label, doors) in [
        ("every address point", doors),
        ("one door per address", addresses),
    ] {
        let n = doors.len();
        let l = lengths(doors, &streets);
        println!(
            "Helsinki, {label} ({n}), 100-door turfs: up and back {:.0} m, both sides {:.0} m, \
             address list {:.0} m, street sides chained by the best of 20 random-restart 2-opt \
             runs {:.0} m, doors alone by the best of 20 random-restart 2-opt runs {:.0} m; up \
             and back / list = {:.2}, / restarts = {:.2}, / doors alone = {:.2}; both sides / \
             doors alone = {:.2}",
            l.walked,
            l.both,
            l.listed,
            l.restarts,
            l.free,
            l.walked / l.listed,
            l.walked / l.restarts,
            l.walked / l.free,
            l.both / l.free,
        );
        assert!(l.walked <= 0.7 * l.listed, "{label}");
        assert!(l.walked <= 1.15 * l.restarts, "{label}");
    }
}

/// A Helsinki campaign: the address points and the streets first, then a 3 × 4 grid of
/// illustrative precincts over them (the doors are tied to the precincts that come after
/// them), cut into 100-door turfs.
fn helsinki_campaign(dir: &std::path::Path) -> std::path::PathBuf {
    use common::{cli_ok, s};
    let file = dir.join("h.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "Helsinki"]);
    cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    cli_ok(&[
        "streets",
        s(&file),
        "import",
        s(&fixture("helsinki.osm.pbf")),
    ]);
    let (x0, y0, w, h) = (24.93, 60.16, 0.008, 0.005);
    let mut features = Vec::new();
    for i in 0..3 {
        for j in 0..4 {
            let (x, y) = (x0 + f64::from(i) * w, y0 + f64::from(j) * h);
            features.push(serde_json::json!({
                "type": "Feature",
                "properties": {"code": format!("G{i}{j}")},
                "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}
            }));
        }
    }
    let grid = dir.join("grid.geojson");
    std::fs::write(
        &grid,
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    cli_ok(&["import", s(&file), s(&grid)]);
    let cut = cli_ok(&["turf", s(&file), "autocut", "--target", "100"]);
    assert!(cut.contains("doors in all"), "{cut}");
    file
}

#[test]
fn the_command_line_prints_a_turf_s_walk_and_its_meeting_point_moves_its_start() {
    use common::{cli_err, cli_ok, s};
    let dir = tempfile::tempdir().unwrap();
    let file = helsinki_campaign(dir.path());
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let turf = turfs[0]["name"].as_str().unwrap().to_owned();
    let doors = turfs[0]["stats"]["doors"].as_u64().unwrap() as usize;
    let text = cli_ok(&["turf", s(&file), "walk", &turf]);
    assert!(
        text.contains("rank") && text.contains("side") && text.contains("households"),
        "{text}"
    );
    assert!(
        text.contains("odd side") || text.contains("even side"),
        "{text}"
    );
    assert!(
        !text.contains("no street lines"),
        "walked along the streets: {text}"
    );
    let walk: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "walk", &turf, "--json"])).unwrap();
    let stops = walk["stops"].as_array().unwrap();
    assert_eq!(stops.len(), doors, "every door of the turf once");
    let mut uuids: Vec<&str> = stops.iter().map(|s| s["door"].as_str().unwrap()).collect();
    uuids.sort_unstable();
    uuids.dedup();
    assert_eq!(uuids.len(), doors);
    assert!(stops.iter().enumerate().all(|(k, s)| s["rank"] == k + 1));
    // A meeting point at the turf's last door: the walk now starts there.
    let last = &stops[stops.len() - 1]["point"];
    let at = format!("{} {}", last[0], last[1]);
    cli_ok(&["turf", s(&file), "meeting-point", &turf, &at]);
    let moved: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "walk", &turf, "--json"])).unwrap();
    assert_eq!(moved["meeting_point_set"], true);
    assert_eq!(moved["stops"][0]["point"], *last);
    let err = cli_err(&["turf", s(&file), "meeting-point", &turf, "north"]);
    assert!(err.contains("\"north\" is not \"LON LAT\""), "{err}");
    cli_ok(&["turf", s(&file), "meeting-point", &turf, "--clear"]);
    // The address-list mode has no sides.
    let address_list = cli_ok(&["turf", s(&file), "walk", &turf, "--mode", "number-order"]);
    assert!(!address_list.contains("odd side"), "{address_list}");
    // The doors export says each door's turf and rank, as the walk does.
    let csv = cli_ok(&[
        "export",
        s(&file),
        "-",
        "--layer",
        "doors",
        "--format",
        "csv",
    ]);
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert!(
        header.contains(&"turf") && header.contains(&"walk_rank"),
        "{header:?}"
    );
    let first_door = stops[0]["door"].as_str().unwrap();
    let row = csv.lines().find(|l| l.contains(first_door)).unwrap();
    assert!(row.contains(&format!(",{turf},1,")), "{row}");
}

#[test]
fn the_field_demo_is_built_from_the_shipped_extract_with_real_streets_and_illustrative_precincts() {
    let dir = tempfile::tempdir().unwrap();
    campaign_planner::paths::set_data_dir(dir.path().to_path_buf());
    let path = campaign_planner::demo::field_demo_path().unwrap();
    let c = campaign_planner::store::Campaign::open_read_only(&path).unwrap();
    assert_eq!(c.doors().unwrap().len(), 1415);
    assert!(c.street_count().unwrap() > 700);
    let precincts = c.precincts().unwrap();
    assert_eq!(precincts.len(), 9);
    assert!(
        precincts
            .iter()
            .all(|p| p.name.starts_with("Illustrative cell"))
    );
    let turfs = c.turfs().unwrap();
    assert!(turfs.len() >= 10);
    let doors: i64 = turfs.iter().map(|t| t.stats.doors).sum();
    assert_eq!(doors, 1415, "every door in a turf");
    let notice = c.notice().unwrap().unwrap();
    assert!(
        notice.contains("real")
            && notice.contains("illustrative grid")
            && notice.contains("grille illustrative")
    );
    assert!(notice.contains("© OpenStreetMap contributors"));
    let walk = c
        .turf_walk(
            &turfs[0].uuid,
            campaign_planner::domain::walk::WalkMode::UpAndBack,
        )
        .unwrap();
    assert!(walk.along_streets && !walk.stops.is_empty());
    let report = c.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_meeting_point_far_from_the_turf_is_refused_and_western_longitudes_need_no_dashes() {
    use common::{cli_err, cli_ok, s};
    let dir = tempfile::tempdir().unwrap();
    let file = helsinki_campaign(dir.path());
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let turf = turfs[0]["name"].as_str().unwrap().to_owned();
    // Latitude first, by mistake.
    let err = cli_err(&["turf", s(&file), "meeting-point", &turf, "60.166 24.9395"]);
    assert!(
        err.contains("km from turf") && err.contains("longitude first"),
        "{err}"
    );
    let err = cli_err(&["turf", s(&file), "meeting-point", &turf, "-73.56 45.5"]);
    assert!(
        err.contains("km from turf"),
        "a western point is read, then refused: {err}"
    );
    cli_ok(&["turf", s(&file), "meeting-point", &turf, "24.9395 60.166"]);
}

#[test]
fn a_print_keeps_the_walk_as_printed_and_is_found_by_its_code_as_handwritten() {
    use campaign_planner::store::Campaign;
    let dir = tempfile::tempdir().unwrap();
    let file = helsinki_campaign(dir.path());
    let mut c = Campaign::open(&file).unwrap();
    let turf = c.turfs().unwrap()[0].clone();
    let walk = c
        .turf_walk(
            &turf.uuid,
            campaign_planner::domain::walk::WalkMode::UpAndBack,
        )
        .unwrap();
    let print = c.record_print(&turf.uuid, &walk, "fr").unwrap();
    assert!(print.code.starts_with("T001-"), "{}", print.code);
    let second = c.record_print(&turf.uuid, &walk, "fr").unwrap();
    assert!(second.code.starts_with("T002-") && second.code != print.code);
    // Typed back in lower case, with an O for the zero.
    let typed = print.code.to_lowercase().replacen('0', "o", 1);
    let found = c.print_by_code(&typed).unwrap().unwrap();
    assert_eq!(found.uuid, print.uuid);
    assert_eq!(found.turf, turf.name);
    let rows = c.print_rows(&print.uuid).unwrap();
    assert_eq!(rows.len(), walk.stops.len());
    for (row, stop) in rows.iter().zip(&walk.stops) {
        assert_eq!(
            (row.rank, row.door.as_str()),
            (stop.rank, stop.door.as_str())
        );
    }
    // The meeting point moves, the walk changes: the print keeps what was printed.
    let last = walk.stops[walk.stops.len() - 1].point;
    c.set_meeting_point(&turf.uuid, Some(last)).unwrap();
    assert_eq!(c.print_rows(&print.uuid).unwrap(), rows);
    assert!(c.print_by_code("T999-AAA").unwrap().is_none());
    assert!(c.print_by_code("nonsense").unwrap().is_none());
}

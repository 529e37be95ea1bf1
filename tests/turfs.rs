//! Turfs and teams from the command line, on the Montreal districts.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use common::{cli_err, cli_ok, fixture, montreal_campaign, s};
use geo::{Contains as _, InteriorPoint as _};

const WEST_ISLAND: &str = "-73.98 45.40, -73.75 45.40, -73.75 45.55, -73.98 45.55";

/// The districts whose representative point is in the west-island box, computed from the
/// GeoJSON directly.
fn expected_west() -> Vec<String> {
    let fc: geojson::FeatureCollection =
        std::fs::read_to_string(fixture("montreal-districts.geojson"))
            .unwrap()
            .parse()
            .unwrap();
    let lasso = campaign_planner::domain::selection::parse_lasso(WEST_ISLAND).unwrap();
    let mut codes: Vec<String> = fc
        .features
        .iter()
        .filter(|f| {
            let g: geo_types::Geometry<f64> = f.geometry.clone().unwrap().try_into().unwrap();
            lasso.contains(&g.interior_point().unwrap())
        })
        .map(|f| match f.id.as_ref().unwrap() {
            geojson::feature::Id::String(s) => s.clone(),
            geojson::feature::Id::Number(n) => n.to_string(),
        })
        .collect();
    codes.sort();
    codes
}

#[test]
fn a_lasso_makes_a_turf_of_the_districts_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let out = cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Ouest",
        "--lasso",
        WEST_ISLAND,
    ]);
    assert!(out.contains("created turf \"Ouest\""), "{out}");
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let mut codes: Vec<String> = serde_json::from_value(turfs[0]["precincts"].clone()).unwrap();
    codes.sort();
    assert_eq!(codes, expected_west());
    assert!(
        codes.contains(&"101".to_owned()) && codes.contains(&"102".to_owned()),
        "{codes:?}"
    );
    assert!(turfs[0]["stats"]["area_km2"].as_f64().unwrap() > 10.0);
}

#[test]
fn a_precinct_is_in_one_turf_at_most() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "A",
        "--precincts",
        "101,102",
    ]);
    let err = cli_err(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "B",
        "--precincts",
        "102,111",
    ]);
    assert!(
        err.contains("already in a turf") && err.contains("102 (in A)"),
        "{err}"
    );
    assert!(
        err.contains("move them with --move"),
        "the command line names its option: {err}"
    );
    // The library's own words name no option: the app offers a button instead.
    let mut campaign = campaign_planner::store::Campaign::open(&file).unwrap();
    let refused = campaign
        .create_turf("B", &["102".to_owned()], false)
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            campaign_planner::store::StoreError::AlreadyInTurf { taken, .. }
                if taken == &[("102".to_owned(), "A".to_owned())]
        ),
        "{refused}"
    );
    assert!(!refused.to_string().contains("--"), "{refused}");
    drop(campaign);
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "B",
        "--precincts",
        "102,111",
        "--move",
    ]);
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let by_name = |n: &str| {
        turfs
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("A")["precincts"], serde_json::json!(["101"]));
    assert_eq!(by_name("B")["precincts"], serde_json::json!(["102", "111"]));
    // Moving its last precinct away empties a turf: it is tombstoned and drawn no more.
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "C",
        "--precincts",
        "101",
        "--move",
    ]);
    let names: Vec<String> =
        serde_json::from_str::<serde_json::Value>(&cli_ok(&["turf", s(&file), "list", "--json"]))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
    assert_eq!(names, vec!["B", "C"]);
    let err = cli_err(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "B",
        "--precincts",
        "112",
    ]);
    assert!(err.contains("already exists"), "{err}");
    let err = cli_err(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "D",
        "--precincts",
        "9999",
    ]);
    assert!(err.contains("no precinct with code \"9999\""), "{err}");
}

#[test]
fn teams_are_created_and_assigned_turfs_on_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Centre",
        "--precincts",
        "101,102",
    ]);
    cli_ok(&[
        "team",
        s(&file),
        "create",
        "Équipe Nord",
        "--size",
        "4",
        "--colour",
        "#1b9e77",
    ]);
    let err = cli_err(&["team", s(&file), "create", "Équipe Nord"]);
    assert!(err.contains("already exists"), "{err}");
    // In any case, accented capitals too (SQLite's own lower() knows only ASCII).
    let err = cli_err(&["team", s(&file), "create", "ÉQUIPE NORD"]);
    assert!(err.contains("already exists"), "{err}");
    let err = cli_err(&[
        "team",
        s(&file),
        "assign",
        "Équipe Nord",
        "Centre",
        "--date",
        "1/12/2026",
    ]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Équipe Nord",
        "Centre",
        "--date",
        "2026-12-01",
        "--status",
        "in progress",
    ]);
    // Named in another case, the same team and turf: the same assignment, not a second.
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "équipe nord",
        "centre",
        "--date",
        "2026-12-01",
        "--status",
        "in progress",
    ]);
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert_eq!(turfs[0]["team"], "Équipe Nord");
    assert_eq!(turfs[0]["status"], "in progress");
    // The assignment is read back with its day, typed.
    let assignments = campaign_planner::store::Campaign::open_read_only(&file)
        .unwrap()
        .assignments()
        .unwrap();
    assert_eq!(assignments.len(), 1);
    assert_eq!(assignments[0].date.to_string(), "2026-12-01");
    assert_eq!(
        assignments[0].status,
        campaign_planner::domain::turf::TurfStatus::InProgress
    );
    let list = cli_ok(&["team", s(&file), "list"]);
    assert!(
        list.contains("assigned: Centre on 2026-12-01 (in progress)"),
        "{list}"
    );
    // The turfs layer is real GeoPackage: exported and read back with its outline.
    let out = dir.path().join("turfs.geojson");
    cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "turfs",
        "--format",
        "geojson",
        s(&out),
    ]);
    let fc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);
    assert_eq!(fc["features"][0]["geometry"]["type"], "MultiPolygon");
    let report = cli_ok(&["validate", s(&file)]);
    assert!(report.contains("valid campaign file"), "{report}");
}

#[test]
fn turfs_grow_shrink_merge_rename_and_come_back_as_they_were() {
    use campaign_planner::store::Campaign;
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let mut c = Campaign::open(&file).unwrap();
    let codes = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    let a = c.create_turf("A", &codes(&["101", "102"]), false).unwrap();
    let b = c.create_turf("B", &codes(&["111"]), false).unwrap();
    let before = c.turf_states(&[a.uuid.clone(), b.uuid.clone()]).unwrap();
    // Without `take`, a precinct of another turf is refused by the store, naming it.
    let refused = c
        .add_to_turf(&a.uuid, &codes(&["111", "112"]), false)
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            campaign_planner::store::StoreError::AlreadyInTurf { taken, .. }
                if taken == &[("111".to_owned(), "B".to_owned())]
        ),
        "{refused}"
    );
    assert_eq!(
        c.turf_states(&[a.uuid.clone(), b.uuid.clone()]).unwrap(),
        before,
        "nothing changed"
    );
    c.add_to_turf(&a.uuid, &codes(&["111", "112"]), true)
        .unwrap();
    let precincts = |c: &Campaign, name: &str| {
        c.turfs()
            .unwrap()
            .into_iter()
            .find(|t| t.name == name)
            .map(|t| t.precincts)
    };
    assert_eq!(
        precincts(&c, "A").unwrap(),
        codes(&["101", "102", "111", "112"])
    );
    assert_eq!(
        precincts(&c, "B"),
        None,
        "B lost its only precinct and is gone"
    );
    c.remove_from_turf(&a.uuid, &codes(&["101"])).unwrap();
    assert_eq!(precincts(&c, "A").unwrap(), codes(&["102", "111", "112"]));
    c.update_turf(
        &a.uuid,
        "Ouest",
        campaign_planner::domain::colour::Colour::parse("#ff0000").ok(),
    )
    .unwrap();
    assert!(precincts(&c, "Ouest").is_some());
    // Undo all of it by putting the states back.
    c.restore_turf_states(&before).unwrap();
    assert_eq!(precincts(&c, "A").unwrap(), codes(&["101", "102"]));
    assert_eq!(precincts(&c, "B").unwrap(), codes(&["111"]));
    c.merge_turfs(&a.uuid, &b.uuid).unwrap();
    assert_eq!(precincts(&c, "A").unwrap(), codes(&["101", "102", "111"]));
    assert_eq!(precincts(&c, "B"), None);
    drop(c);
    let report = cli_ok(&["validate", s(&file)]);
    assert!(report.contains("valid campaign file"), "{report}");
}

#[test]
fn the_voters_per_household_setting_drives_estimated_doors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "F"]);
    // Bureaux with 1 900 registered each (no door points): doors are estimated.
    let grid = serde_json::json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "A", "registered": 1900},
         "geometry": {"type": "Polygon", "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.1], [2.0, 48.0]]]}}
    ]});
    let shapes = dir.path().join("a.geojson");
    std::fs::write(&shapes, grid.to_string()).unwrap();
    cli_ok(&["import", s(&file), s(&shapes)]);
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "T",
        "--precincts",
        "A",
    ]);
    let doors = |file: &std::path::Path| -> serde_json::Value {
        let turfs: serde_json::Value =
            serde_json::from_str(&cli_ok(&["turf", s(file), "list", "--json"])).unwrap();
        turfs[0]["stats"].clone()
    };
    assert_eq!(doors(&file)["doors"], 1000);
    assert_eq!(doors(&file)["doors_estimated"], true);
    cli_ok(&["doors", s(&file), "households", "2.5"]);
    assert_eq!(doors(&file)["doors"], 760);
    let err = cli_err(&["doors", s(&file), "households", "0"]);
    assert!(err.contains("between 0.5 and 10"), "{err}");
}

#[test]
fn a_turf_is_split_along_a_line_and_teams_are_renamed_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Ouest",
        "--lasso",
        WEST_ISLAND,
    ]);
    let before: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let all = before[0]["precincts"].as_array().unwrap().len();
    // A north–south line through the middle of the west-island box.
    cli_ok(&[
        "turf",
        s(&file),
        "split",
        "Ouest",
        "--line",
        "-73.86 45.35, -73.86 45.60",
        "--name",
        "Ouest-Est",
    ]);
    let after: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let sizes: Vec<usize> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["precincts"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes.len(), 2);
    assert_eq!(
        sizes.iter().sum::<usize>(),
        all,
        "every precinct kept, in one turf"
    );
    assert!(sizes.iter().all(|&n| n > 0));
    let err = cli_err(&[
        "turf",
        s(&file),
        "split",
        "Ouest",
        "--line",
        "-80 45, -80 46",
        "--name",
        "X",
    ]);
    assert!(err.contains("one side"), "{err}");
    cli_ok(&["team", s(&file), "create", "Nord"]);
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Nord",
        "Ouest",
        "--date",
        "2026-12-01",
    ]);
    cli_ok(&[
        "team",
        s(&file),
        "rename",
        "Nord",
        "Nord-Ouest",
        "--colour",
        "#7570b3",
    ]);
    let t: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert!(
        t.as_array()
            .unwrap()
            .iter()
            .any(|x| x["team"] == "Nord-Ouest")
    );
    cli_ok(&["team", s(&file), "delete", "Nord-Ouest"]);
    let t: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert!(t.as_array().unwrap().iter().all(|x| x["team"].is_null()));
    cli_ok(&["turf", s(&file), "delete", "Ouest-Est"]);
    let t: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert_eq!(t.as_array().unwrap().len(), 1);
}

#[test]
fn a_turf_of_single_doors_is_outlined_by_their_hull_and_counted() {
    use campaign_planner::store::Campaign;
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let csv = dir.path().join("doors.csv");
    std::fs::write(
        &csv,
        "lon,lat,households\n-73.60,45.50,2\n-73.601,45.501,3\n-73.599,45.502,1\n-73.70,45.55,1\n",
    )
    .unwrap();
    cli_ok(&["doors", s(&file), "import", s(&csv)]);
    let mut c = Campaign::open(&file).unwrap();
    let doors = c.doors().unwrap();
    assert_eq!(doors.len(), 4);
    let three: Vec<String> = doors
        .iter()
        .filter(|d| d.point.x() > -73.65)
        .map(|d| d.uuid.clone())
        .collect();
    let t = c.create_door_turf("Rue", &three, false).unwrap();
    assert_eq!(t.stats.doors, 6);
    assert!(t.outline.is_some());
    let err = c
        .create_door_turf("Encore", &three[..1], false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("already in a turf"), "{err}");
    c.create_door_turf("Encore", &three[..1], true).unwrap();
    let rue = c
        .turfs()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Rue")
        .unwrap();
    assert_eq!(rue.stats.doors, 6 - 2, "the moved door left Rue");
}

#[test]
fn a_turf_is_renamed_and_recoloured_and_single_doors_move_in_and_out() {
    use campaign_planner::store::Campaign;
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "A",
        "--precincts",
        "101",
    ]);
    cli_ok(&[
        "turf",
        s(&file),
        "rename",
        "A",
        "Alpha",
        "--colour",
        "#e7298a",
    ]);
    let t: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert_eq!(t[0]["name"], "Alpha");
    assert_eq!(t[0]["colour"], "#e7298a");
    let csv = dir.path().join("d.csv");
    std::fs::write(
        &csv,
        "lon,lat\n-73.60,45.50\n-73.601,45.501\n-73.599,45.502\n",
    )
    .unwrap();
    cli_ok(&["doors", s(&file), "import", s(&csv)]);
    let mut c = Campaign::open(&file).unwrap();
    let doors: Vec<String> = c.doors().unwrap().into_iter().map(|d| d.uuid).collect();
    let street = c.create_door_turf("Rue", &doors[..2], false).unwrap();
    c.add_doors_to_turf(&street.uuid, &doors[2..]).unwrap();
    let count = |c: &Campaign| {
        c.turfs()
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Rue")
            .unwrap()
            .stats
            .doors
    };
    assert_eq!(count(&c), 3);
    c.remove_doors_from_turf(&street.uuid, &doors[..1]).unwrap();
    assert_eq!(count(&c), 2);
}

#[test]
fn registered_voters_from_the_results_stand_in_when_the_shapes_file_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fr.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "FR"]);
    cli_ok(&["import", s(&file), s(&fixture("fr/bureaux.geojson"))]);
    // No doors and no registered voters yet: nothing to cut, and said, not "0 turfs".
    let err = cli_err(&["turf", s(&file), "autocut", "--target", "300"]);
    assert!(
        err.contains("no door is counted or can be estimated"),
        "{err}"
    );
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("fr/resultats-2020-t1.csv")),
        "--election",
        "Municipales 2020",
        "--round",
        "1",
    ]);
    let out = cli_ok(&["turf", s(&file), "autocut", "--target", "300"]);
    assert!(!out.contains("into 0 turfs"), "{out}");
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let registered: i64 = turfs
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stats"]["registered"].as_i64().unwrap())
        .sum();
    // 1 204 + 2 010 + 950 + 1 500 inscrits in the results file.
    assert_eq!(registered, 5664, "{turfs}");
}

#[test]
fn doors_without_precinct_outlines_are_cut_into_compact_turfs_and_the_report_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "D"]);
    cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    let out = cli_ok(&["turf", s(&file), "autocut", "--target", "100"]);
    assert!(
        out.contains("no precinct outlines") && out.contains("1377 doors in all"),
        "{out}"
    );
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let turfs = turfs.as_array().unwrap();
    assert!(turfs.len() >= 10, "{} turfs", turfs.len());
    let mut total = 0;
    for t in turfs {
        let d = t["stats"]["doors"].as_i64().unwrap();
        assert!((34..=125).contains(&d), "a turf of {d} doors");
        assert_eq!(t["stats"]["doors_estimated"], false);
        total += d;
    }
    assert_eq!(total, 1377, "every door in one turf");
    // Compact: each turf's doors lie within a few hundred metres of each other.
    let campaign = campaign_planner::store::Campaign::open_read_only(&file).unwrap();
    for t in campaign.turfs().unwrap() {
        let doors = campaign.turf_doors(&t.uuid).unwrap();
        let (x0, x1) = doors.iter().fold((f64::MAX, f64::MIN), |(a, b), d| {
            (a.min(d.point.x()), b.max(d.point.x()))
        });
        let (y0, y1) = doors.iter().fold((f64::MAX, f64::MIN), |(a, b), d| {
            (a.min(d.point.y()), b.max(d.point.y()))
        });
        let km = ((x1 - x0) * 55.6).hypot((y1 - y0) * 111.3);
        assert!(km < 1.5, "turf {} spans {km:.2} km", t.name);
    }
    drop(campaign);
    // Nothing left to cut: said, never "0 turfs" with success.
    let err = cli_err(&["turf", s(&file), "autocut", "--target", "100"]);
    assert!(
        err.contains("all 1377 door points are in turfs already"),
        "{err}"
    );
    let empty = dir.path().join("e.campaign.gpkg");
    cli_ok(&["new", s(&empty), "--name", "E"]);
    let err = cli_err(&["turf", s(&empty), "autocut", "--target", "100"]);
    assert!(err.contains("no precincts and no door points"), "{err}");
}

#[test]
fn without_door_points_turfs_and_the_auto_cut_estimate_doors_from_registered_voters_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "F"]);
    cli_ok(&["import", s(&file), s(&fixture("fr/bureaux.geojson"))]);
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("fr/resultats-2020-t1.csv")),
        "--election",
        "Municipales 2020",
    ]);
    let out = cli_ok(&["turf", s(&file), "autocut", "--target", "600"]);
    assert!(
        out.contains("estimated from registered voters at 1.9 per household"),
        "{out}"
    );
    let list = cli_ok(&["turf", s(&file), "list"]);
    assert!(
        list.contains("* doors estimated from registered voters"),
        "{list}"
    );
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    // Bureau 0101: 1,204 registered ÷ 1.9 = 633.7, so 634 doors.
    let t = turfs
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["precincts"][0] == "0101")
        .unwrap();
    assert_eq!(t["stats"]["doors"], 634);
    assert_eq!(t["stats"]["doors_estimated"], true);
}

#[test]
fn a_move_that_empties_other_turfs_names_the_turfs_it_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::montreal_campaign(dir.path());
    common::create_turfs(&file, &[("Nord", "11"), ("Sud", "12"), ("Est", "13,14")]);
    let out = cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Grand",
        "--precincts",
        "11,12,13",
        "--move",
    ]);
    assert!(
        out.contains("turfs were left without precincts and deleted: Nord, Sud")
            && !out.contains("Est"),
        "{out}"
    );
}

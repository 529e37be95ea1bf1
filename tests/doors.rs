//! Door points: the Helsinki OpenStreetMap address nodes, and a French-style CSV.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use common::{cli_err, cli_ok, fixture, montreal_campaign, s};

/// Four precincts (a 2×2 grid) over central Helsinki, as GeoJSON.
fn helsinki_grid() -> String {
    let (x0, y0, w, h) = (24.90, 60.15, 0.04, 0.02);
    let mut features = Vec::new();
    for i in 0..2 {
        for j in 0..2 {
            let (x, y) = (x0 + f64::from(i) * w, y0 + f64::from(j) * h);
            features.push(serde_json::json!({
                "type": "Feature",
                "properties": {"code": format!("H{i}{j}"), "name": format!("Helsinki {i}{j}"), "registered": 1900},
                "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}
            }));
        }
    }
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

#[test]
fn helsinki_address_nodes_import_and_are_tied_to_their_precinct() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.campaign.gpkg");
    let grid = dir.path().join("grid.geojson");
    std::fs::write(&grid, helsinki_grid()).unwrap();
    cli_ok(&["new", s(&file), "--name", "Helsinki"]);
    cli_ok(&["import", s(&file), s(&grid)]);
    let out = cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    assert!(
        out.contains("1377 doors read") && out.contains("1377 new"),
        "{out}"
    );
    // Counted independently: the points inside the grid's box.
    let fc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("helsinki-address-points.geojson")).unwrap())
            .unwrap();
    let inside = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            (24.90..24.98).contains(&x) && (60.15..60.19).contains(&y)
        })
        .count();
    assert!(
        out.contains(&format!("{inside} inside a precinct")),
        "{out} (expected {inside})"
    );
    // Re-importing the same file matches every door, never doubles.
    let again = cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    assert!(
        again.contains("0 new, 0 updated, 1377 unchanged"),
        "{again}"
    );
    let info: serde_json::Value =
        serde_json::from_str(&cli_ok(&["info", s(&file), "--json"])).unwrap();
    let doors = info["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "doors")
        .unwrap()
        .clone();
    assert_eq!(doors["count"], 1377);
    // A turf's doors are counted from the points, not estimated.
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Centre",
        "--precincts",
        "H00,H10",
    ]);
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert_eq!(turfs[0]["stats"]["doors_estimated"], false);
    assert!(turfs[0]["stats"]["doors"].as_i64().unwrap() > 0);
    let report = cli_ok(&["validate", s(&file)]);
    assert!(report.contains("valid campaign file"), "{report}");
}

#[test]
fn a_french_csv_of_addresses_with_households_imports_and_bad_rows_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "F"]);
    cli_ok(&["import", s(&file), s(&fixture("fr/bureaux.geojson"))]);
    let csv = dir.path().join("adresses.csv");
    std::fs::write(&csv, "adresse;longitude;latitude;logements\n1 rue A;2,305;48,805;12\n2 rue B;2,315;48,805;3\n3 rue C;9,9;48,805;1\n").unwrap();
    let out = cli_ok(&["doors", s(&file), "import", s(&csv)]);
    assert!(
        out.contains("3 doors read")
            && out.contains("(16 households")
            && out.contains("2 inside a precinct"),
        "{out}"
    );
    // No turf estimate where doors were counted: bureau 0101 holds 12 households.
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "T",
        "--precincts",
        "0101",
    ]);
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert_eq!(turfs[0]["stats"]["doors"], 12);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "lon,lat\n2.3,48.8\n200,48.8\nx,48.8\n").unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&bad)]);
    assert!(
        err.contains("bad.csv")
            && err.contains("line 3: coordinate (200, 48.8) is out of range")
            && err.contains("line 4"),
        "{err}"
    );
}

#[test]
fn helsinki_doors_auto_cut_into_100_door_turfs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.campaign.gpkg");
    let grid = dir.path().join("grid.geojson");
    std::fs::write(&grid, helsinki_grid()).unwrap();
    cli_ok(&["new", s(&file), "--name", "Helsinki"]);
    cli_ok(&["import", s(&file), s(&grid)]);
    cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    let report: serde_json::Value = serde_json::from_str(&cli_ok(&[
        "turf",
        s(&file),
        "autocut",
        "--target",
        "100",
        "--json",
    ]))
    .unwrap();
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let turfs = turfs.as_array().unwrap();
    assert_eq!(turfs.len() as u64, report["turfs"].as_u64().unwrap());
    let total: i64 = turfs
        .iter()
        .map(|t| t["stats"]["doors"].as_i64().unwrap())
        .sum();
    assert_eq!(total, report["doors"].as_i64().unwrap());
    for t in turfs {
        let d = t["stats"]["doors"].as_i64().unwrap();
        assert!((34..=125).contains(&d), "a turf of {d} doors: {t}");
    }
    let check = cli_ok(&["validate", s(&file)]);
    assert!(check.contains("valid campaign file"), "{check}");
}

#[test]
fn an_openstreetmap_pbf_extract_gives_its_address_nodes_and_addressed_buildings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.campaign.gpkg");
    let grid = dir.path().join("grid.geojson");
    std::fs::write(&grid, helsinki_grid()).unwrap();
    cli_ok(&["new", s(&file), "--name", "Helsinki"]);
    cli_ok(&["import", s(&file), s(&grid)]);
    let out = cli_ok(&["doors", s(&file), "import", s(&fixture("helsinki.osm.pbf"))]);
    // The 1,377 address nodes (the GeoJSON fixture holds the same), plus buildings whose
    // address no node repeats.
    let n: usize = out.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n > 1377, "{out}");
    let report: serde_json::Value = serde_json::from_str(&cli_ok(&[
        "turf",
        s(&file),
        "autocut",
        "--target",
        "100",
        "--json",
    ]))
    .unwrap();
    assert!(
        report["smallest"].as_i64().unwrap() >= 34 && report["largest"].as_i64().unwrap() <= 125,
        "{report}"
    );
    let bad = dir.path().join("broken.osm.pbf");
    std::fs::write(&bad, b"not a pbf at all").unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&bad)]);
    assert!(
        err.contains("broken.osm.pbf") && err.contains("OpenStreetMap PBF"),
        "{err}"
    );
}

#[test]
fn the_same_addresses_from_a_second_file_are_not_added_twice() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "H"]);
    let area = dir.path().join("area.geojson");
    std::fs::write(
        &area,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"1"},"geometry":{"type":"Polygon","coordinates":[[[24.9,60.15],[25.0,60.15],[25.0,60.2],[24.9,60.2],[24.9,60.15]]]}}]}"#,
    )
    .unwrap();
    cli_ok(&["import", s(&file), s(&area)]);
    cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    let out = cli_ok(&["doors", s(&file), "import", s(&fixture("helsinki.osm.pbf"))]);
    assert!(
        out.contains(
            "doors already in the campaign from helsinki-address-points.geojson were recognised"
        ),
        "{out}"
    );
    // "1415 doors read from …: 38 new, 35 updated, 1342 unchanged": the extract's nodes are
    // the GeoJSON's, matched by their OpenStreetMap ids ("node/25389429" is the GeoJSON's
    // "25389429") or by street, number, suffix and unit; what is new are the buildings whose
    // address no node gives.
    let counts: Vec<usize> = out
        .split(": ")
        .nth(1)
        .unwrap()
        .split(", ")
        .map(|p| p.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    let (new, updated, unchanged) = (counts[0], counts[1], counts[2]);
    assert!(unchanged > 1300 && new < 100, "{out}");
    assert_eq!(new + updated + unchanged, 1415, "{out}");
    let info: serde_json::Value =
        serde_json::from_str(&cli_ok(&["info", s(&file), "--json"])).unwrap();
    let doors = info["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "doors")
        .unwrap()["count"]
        .as_i64()
        .unwrap();
    assert_eq!(doors, 1377 + new as i64, "each address once");
    // The extract again: every door matched by its OpenStreetMap id.
    let again = cli_ok(&["doors", s(&file), "import", s(&fixture("helsinki.osm.pbf"))]);
    assert!(
        again.contains("0 new, 0 updated, 1415 unchanged"),
        "{again}"
    );
}

#[test]
fn a_doors_csv_written_the_european_way_is_read_and_its_mistakes_are_worded_for_doors() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let csv = dir.path().join("portes.csv");
    // Semicolons between cells, decimal commas inside them: more commas than semicolons.
    std::fs::write(&csv, "lon;lat\n-73,60;45,50\n").unwrap();
    let out = cli_ok(&["doors", s(&file), "import", s(&csv)]);
    assert!(out.contains("1 doors read"), "{out}");
    std::fs::write(&csv, "-73,60;45,50\n-73,61;45,51\n").unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&csv)]);
    assert!(
        err.contains("looks like a row of doors") && !err.contains("results"),
        "{err}"
    );
}

#[test]
fn the_french_national_address_file_layout_gives_streets_numbers_and_suffixes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "F"]);
    let out = cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("fr/adresses-ban.csv")),
    ]);
    assert!(
        out.contains("6 doors read") && out.contains("6 new"),
        "{out}"
    );
    let campaign = campaign_planner::store::Campaign::open_read_only(&file).unwrap();
    let doors = campaign.doors().unwrap();
    let bis = doors
        .iter()
        .find(|d| d.suffix.as_deref() == Some("bis"))
        .unwrap();
    assert_eq!(bis.street.as_deref(), Some("Rue de la Paix"));
    assert_eq!(bis.housenumber, Some(12));
    assert_eq!(bis.address, "12 bis Rue de la Paix");
    // Longitude and latitude, not the Lambert-93 x and y before them.
    assert!((2.0..3.0).contains(&bis.point.x()) && (48.0..49.0).contains(&bis.point.y()));
    drop(campaign);
    // The same file again: matched by its BAN ids.
    let again = cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("fr/adresses-ban.csv")),
    ]);
    assert!(again.contains("0 new, 0 updated, 6 unchanged"), "{again}");
}

#[test]
fn columns_named_by_flags_are_used_and_a_missing_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "F"]);
    let csv = dir.path().join("points.csv");
    std::fs::write(
        &csv,
        "lon,lat,voie_principale,no_maison\n2.33,48.87,Rue de la Paix,12bis\n2.331,48.871,Rue de la Paix,14\n",
    )
    .unwrap();
    let err = cli_err(&[
        "doors",
        s(&file),
        "import",
        s(&csv),
        "--street-column",
        "voie",
    ]);
    assert!(
        err.contains("points.csv")
            && err.contains("no column \"voie\"")
            && err.contains("voie_principale"),
        "{err}"
    );
    cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&csv),
        "--street-column",
        "voie_principale",
        "--number-column",
        "no_maison",
    ]);
    let campaign = campaign_planner::store::Campaign::open_read_only(&file).unwrap();
    let doors = campaign.doors().unwrap();
    assert_eq!(doors[0].street.as_deref(), Some("Rue de la Paix"));
    assert_eq!(
        (doors[0].housenumber, doors[0].suffix.as_deref()),
        (Some(12), Some("bis"))
    );
    assert_eq!(doors[1].address, "14 Rue de la Paix");
}

#[test]
fn a_re_import_that_would_remove_most_of_its_doors_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "F"]);
    let csv = dir.path().join("rue.csv");
    let rows = |n: u32| {
        let mut t = String::from("lon,lat,street,housenumber\n");
        for i in 1..=n {
            t = format!(
                "{t}2.33,{},Rue de la Paix,{i}\n",
                48.87 + f64::from(i) * 0.0003
            );
        }
        t
    };
    std::fs::write(&csv, rows(20)).unwrap();
    cli_ok(&["doors", s(&file), "import", s(&csv)]);
    let before = std::fs::read(&file).unwrap();
    // The file cut short: 15 of its 20 doors would go.
    std::fs::write(&csv, rows(5)).unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&csv)]);
    assert!(
        err.contains("would remove 15 of the 20 doors") && err.contains("--allow-removal"),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before, "nothing changed");
    let out = cli_ok(&["doors", s(&file), "import", s(&csv), "--allow-removal"]);
    assert!(
        out.contains("5 unchanged") && out.contains("15 doors of the earlier import"),
        "{out}"
    );
}

#[test]
fn undoing_a_re_import_puts_back_the_doors_it_updated_added_and_removed() {
    use campaign_planner::domain::door::NewDoor;
    use geo_types::Point;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.campaign.gpkg");
    let mut c = campaign_planner::store::Campaign::create(&path, "U").unwrap();
    let a = |y: f64, text: &str, h: i64| NewDoor::from_text(Point::new(2.33, y), text, h);
    let first = vec![
        a(48.870, "1 rue A", 1),
        a(48.871, "2 rue A", 1),
        a(48.872, "3 rue A", 1),
    ];
    c.import_doors(&first, "a.csv", false).unwrap();
    let before = c.doors().unwrap();
    // 1 moved 5 m and has 4 households now; 2 is gone; 4 is new.
    let second = vec![
        a(48.870_045, "1 rue A", 4),
        a(48.872, "3 rue A", 1),
        a(48.873, "4 rue A", 1),
    ];
    let w = c.import_doors(&second, "a.csv", false).unwrap();
    assert_eq!((w.new, w.updated, w.unchanged, w.removed), (1, 1, 1, 1));
    c.swap_doors(
        &w.added,
        &w.removed_doors,
        &w.changed,
        &w.removed_members,
        true,
    )
    .unwrap();
    assert_eq!(c.doors().unwrap(), before);
    c.swap_doors(
        &w.added,
        &w.removed_doors,
        &w.changed,
        &w.removed_members,
        false,
    )
    .unwrap();
    let after = c.doors().unwrap();
    assert_eq!(after.len(), 3);
    assert_eq!(after.iter().map(|d| d.households).sum::<i64>(), 6);
}

#[test]
fn doors_removed_by_a_re_import_leave_their_turfs_and_the_file_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "R"]);
    let csv = dir.path().join("d.csv");
    // Four doors on one straight street side: a turf of them has an area all the same.
    let rows = |n: usize| {
        let mut t = String::from("lon,lat,street,housenumber\n");
        for i in 0..n {
            t = format!(
                "{t}{},60.17,Kaivokatu,{}\n",
                24.94 + i as f64 * 0.0002,
                2 * i + 1
            );
        }
        t
    };
    std::fs::write(&csv, rows(4)).unwrap();
    cli_ok(&["doors", s(&file), "import", s(&csv)]);
    let cut = cli_ok(&["turf", s(&file), "autocut", "--target", "4"]);
    assert!(cut.contains("1 compact turfs"), "{cut}");
    assert!(cli_ok(&["validate", s(&file)]).contains("valid campaign file"));
    // Cut to one door: most would go, so it is asked for, even in a small file.
    std::fs::write(&csv, rows(1)).unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&csv)]);
    assert!(err.contains("would remove 3 of the 4 doors"), "{err}");
    // Cut to three: one door goes, and its turf loses it.
    std::fs::write(&csv, rows(3)).unwrap();
    let out = cli_ok(&["doors", s(&file), "import", s(&csv)]);
    assert!(
        out.contains("3 unchanged") && out.contains("1 doors of the earlier import"),
        "{out}"
    );
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert_eq!(turfs[0]["stats"]["doors"], 3);
    let check = cli_ok(&["validate", s(&file)]);
    assert!(check.contains("valid campaign file"), "{check}");
    // All gone (allowed): the turf, left empty, is deleted, and the file is still valid.
    std::fs::write(&csv, "lon,lat,street,housenumber\n25.0,60.2,Other,1\n").unwrap();
    cli_ok(&["doors", s(&file), "import", s(&csv), "--allow-removal"]);
    assert!(cli_ok(&["turf", s(&file), "list"]).contains("no turfs yet"));
    assert!(cli_ok(&["validate", s(&file)]).contains("valid campaign file"));
}

#[test]
fn a_large_import_undone_and_redone_keeps_its_doors_and_the_spatial_index_true() {
    use campaign_planner::domain::door::NewDoor;
    use geo_types::Point;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.campaign.gpkg");
    let mut c = campaign_planner::store::Campaign::create(&path, "Big").unwrap();
    // Past the size where the R-tree is rebuilt in bulk rather than kept by its triggers.
    let doors: Vec<NewDoor> = (0..25_000)
        .map(|i| {
            let (x, y) = (
                2.3 + f64::from(i % 200) * 1e-4,
                48.8 + f64::from(i / 200) * 1e-4,
            );
            NewDoor::from_text(Point::new(x, y), &format!("{} rue B", i + 1), 1)
        })
        .collect();
    let w = c.import_doors(&doors, "big.csv", false).unwrap();
    assert_eq!((w.new, w.added.len()), (25_000, 25_000));
    let before = c.doors().unwrap();
    let index = |c: &campaign_planner::store::Campaign| -> (String, i64, i64) {
        c.conn_for_tests()
            .query_row(
                "SELECT rtreecheck('rtree_doors_geom'), \
                 (SELECT count(*) FROM rtree_doors_geom), \
                 (SELECT count(*) FROM doors WHERE geom IS NOT NULL)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    assert_eq!(index(&c), ("ok".to_owned(), 25_000, 25_000));
    c.swap_doors(
        &w.added,
        &w.removed_doors,
        &w.changed,
        &w.removed_members,
        true,
    )
    .unwrap();
    assert!(c.doors().unwrap().is_empty());
    assert_eq!(index(&c), ("ok".to_owned(), 0, 0));
    c.swap_doors(
        &w.added,
        &w.removed_doors,
        &w.changed,
        &w.removed_members,
        false,
    )
    .unwrap();
    assert_eq!(c.doors().unwrap(), before);
    assert_eq!(index(&c), ("ok".to_owned(), 25_000, 25_000));
    drop(c);
    let report = campaign_planner::store::Campaign::open_read_only(&path)
        .unwrap()
        .validate()
        .unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn doors_of_another_place_are_imported_with_a_warning_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::montreal_campaign(dir.path());
    let points = common::fixture("helsinki-address-points.geojson");
    let out = common::cli(&["doors", s(&file), "import", s(&points)]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("helsinki-address-points.geojson: none of its 1377 doors lies in any of the campaign's 58 precincts")
            && said.contains("longitude and latitude swapped"),
        "{said}"
    );
}

#[test]
fn a_large_doors_file_read_in_parts_keeps_its_order_and_names_its_bad_lines_in_order() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("big.csv");
    let mut text = String::from("lon,lat,numero,nom_voie\n");
    for i in 0..60_000 {
        let _ = writeln!(
            text,
            "{:.6},48.85,{},Rue {}",
            2.0 + f64::from(i) * 1e-6,
            i % 90 + 1,
            i
        );
    }
    std::fs::write(&csv, &text).unwrap();
    let doors = campaign_planner::io::doors::read_doors(&csv).unwrap();
    assert_eq!(doors.len(), 60_000);
    assert!(doors.windows(2).all(|w| w[0].point.x() < w[1].point.x()));
    assert_eq!(doors[59_999].parts.street.as_deref(), Some("Rue 59999"));
    // Bad lines in the first part and in the last, said in the file's order.
    let bad =
        text.replacen("2.000003,48.85", "x,48.85", 1)
            .replacen("2.059998,48.85", "2.059998,y", 1);
    std::fs::write(&csv, bad).unwrap();
    let err = campaign_planner::io::doors::read_doors(&csv)
        .unwrap_err()
        .to_string();
    let (first, last) = (
        err.find("line 5:").unwrap(),
        err.find("line 60000:").unwrap(),
    );
    assert!(first < last, "{err}");
    assert!(err.contains("2 of 60000 rows"), "{err}");
}

#[test]
fn two_files_numbering_their_rows_alike_keep_their_own_doors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "Ids"]);
    let write = |name: &str, rows: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("id,lon,lat,street,housenumber\n{rows}")).unwrap();
        path
    };
    let a = write(
        "a.csv",
        "1,2.300,48.80,Rue Alpha,1\n2,2.301,48.80,Rue Alpha,3\n",
    );
    // The same row numbers, 20 km away on another street.
    let b = write(
        "b.csv",
        "1,2.570,48.80,Boulevard Beta,1\n2,2.571,48.80,Boulevard Beta,3\n",
    );
    cli_ok(&["doors", s(&file), "import", s(&a)]);
    let out = cli_ok(&["doors", s(&file), "import", s(&b)]);
    assert!(out.contains("2 new, 0 updated"), "{out}");
    let c = campaign_planner::store::Campaign::open_read_only(&file).unwrap();
    let streets: Vec<Option<String>> = c.doors().unwrap().into_iter().map(|d| d.street).collect();
    assert_eq!(
        streets
            .iter()
            .filter(|s| s.as_deref() == Some("Rue Alpha"))
            .count(),
        2
    );
    drop(c);
    // Within its own file a row's id still finds its door, moved 40 m and renumbered.
    let a2 = write(
        "a.csv",
        "1,2.3005,48.80,Rue Alpha,5\n2,2.301,48.80,Rue Alpha,3\n",
    );
    let out = cli_ok(&["doors", s(&file), "import", s(&a2)]);
    assert!(out.contains("0 new, 1 updated, 1 unchanged"), "{out}");
}

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
    assert!(out.contains("imported 1377 doors"), "{out}");
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
    // Re-importing the same file replaces, never doubles.
    let again = cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    assert!(
        again.contains("1377 doors of the earlier import replaced"),
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
        out.contains("imported 3 doors (16 households)") && out.contains("2 inside a precinct"),
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
    let n: usize = out.split_whitespace().nth(1).unwrap().parse().unwrap();
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
            "1359 doors were already in the campaign from helsinki-address-points.geojson"
        ),
        "{out}"
    );
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
    assert_eq!(doors, 1377 + 56, "each address once");
}

#[test]
fn a_doors_csv_written_the_european_way_is_read_and_its_mistakes_are_worded_for_doors() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let csv = dir.path().join("portes.csv");
    // Semicolons between cells, decimal commas inside them: more commas than semicolons.
    std::fs::write(&csv, "lon;lat\n-73,60;45,50\n").unwrap();
    let out = cli_ok(&["doors", s(&file), "import", s(&csv)]);
    assert!(out.contains("imported 1 doors"), "{out}");
    std::fs::write(&csv, "-73,60;45,50\n-73,61;45,51\n").unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&csv)]);
    assert!(
        err.contains("looks like a row of doors") && !err.contains("results"),
        "{err}"
    );
}

//! The command line, end to end through the real binary.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use common::{bytes, cli, cli_err, cli_ok, fixture, montreal_campaign, s};

#[test]
fn help_lists_every_command() {
    let out = cli_ok(&["--help"]);
    for command in [
        "open", "new", "import", "results", "score", "info", "export", "validate",
    ] {
        assert!(out.contains(command), "{out}");
    }
}

#[test]
fn info_json_lists_layers_counts_extent_version_and_elections() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let info: serde_json::Value =
        serde_json::from_str(&cli_ok(&["info", s(&file), "--json"])).unwrap();
    assert_eq!(info["name"], "Montréal 2013");
    let version = campaign_planner::store::schema::CURRENT_VERSION;
    assert_eq!(info["schema_version"], version);
    assert_eq!(info["elections"], serde_json::json!([]));
    let layers = info["layers"].as_array().unwrap();
    let precincts = layers.iter().find(|l| l["name"] == "precincts").unwrap();
    assert_eq!(precincts["count"], 58);
    assert_eq!(precincts["kind"], "features");
    assert_eq!(precincts["geometry_type"], "MULTIPOLYGON");
    let bbox: Vec<f64> = serde_json::from_value(info["bbox"].clone()).unwrap();
    assert!(
        (bbox[0] - -73.947_536).abs() < 1e-5 && (bbox[3] - 45.705_471).abs() < 1e-5,
        "{bbox:?}"
    );
    let text = cli_ok(&["info", s(&file)]);
    assert!(
        text.contains("precincts")
            && text.contains("58")
            && text.contains(&format!("schema version: {version}")),
        "{text}"
    );
}

#[test]
fn exported_geojson_round_trips_the_precincts() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let out = dir.path().join("precincts.geojson");
    cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "precincts",
        "--format",
        "geojson",
        s(&out),
    ]);
    let fc: serde_json::Value = serde_json::from_slice(&bytes(&out)).unwrap();
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 58);
    let f = features
        .iter()
        .find(|f| f["properties"]["code"] == "101")
        .unwrap();
    assert_eq!(f["properties"]["name"], "101-Bois-de-Liesse");
    assert_eq!(f["properties"]["source"]["district"], "101-Bois-de-Liesse");
    assert_eq!(f["geometry"]["type"], "MultiPolygon");
    // And the export imports again into a new campaign.
    let again = dir.path().join("again.campaign.gpkg");
    cli_ok(&["new", s(&again), "--name", "Again"]);
    let report: serde_json::Value = serde_json::from_str(&cli_ok(&[
        "import",
        s(&again),
        s(&out),
        "--key",
        "code",
        "--name-field",
        "name",
        "--json",
    ]))
    .unwrap();
    assert_eq!(report["changes"]["added"], 58);
}

#[test]
fn exported_csv_has_a_header_and_a_row_per_precinct_with_a_point_inside() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let out = dir.path().join("precincts.csv");
    cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "precincts",
        "--format",
        "csv",
        s(&out),
    ]);
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header = reader.headers().unwrap().clone();
    for column in ["code", "name", "uuid", "priority", "lon", "lat"] {
        assert!(header.iter().any(|h| h == column), "{header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 58);
    let lon = header.iter().position(|h| h == "lon").unwrap();
    let x: f64 = rows[0][lon].parse().unwrap();
    assert!((-74.0..-73.4).contains(&x));
}

#[test]
fn export_never_replaces_a_file_unless_asked_nor_writes_over_the_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let out = dir.path().join("keep.csv");
    std::fs::write(&out, "mine").unwrap();
    let err = cli_err(&[
        "export",
        s(&file),
        "--layer",
        "precincts",
        "--format",
        "csv",
        s(&out),
    ]);
    assert!(
        err.contains("keep.csv") && err.contains("already exists"),
        "{err}"
    );
    assert_eq!(bytes(&out), b"mine");
    cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "precincts",
        "--format",
        "csv",
        s(&out),
        "--overwrite",
    ]);
    assert_ne!(bytes(&out), b"mine");
    let before = bytes(&file);
    let err = cli_err(&[
        "export",
        s(&file),
        "--layer",
        "precincts",
        "--format",
        "csv",
        s(&file),
        "--overwrite",
    ]);
    assert!(err.contains("campaign file itself"), "{err}");
    assert_eq!(bytes(&file), before);
    let err = cli_err(&[
        "export",
        s(&file),
        "--layer",
        "nope",
        "--format",
        "csv",
        s(&dir.path().join("x.csv")),
    ]);
    assert!(err.contains("no layer named \"nope\""), "{err}");
}

#[test]
fn validate_passes_a_sound_file_and_lists_problems_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let ok = cli_ok(&["validate", s(&file)]);
    assert!(
        ok.contains("valid campaign file") && ok.contains("58 geometries"),
        "{ok}"
    );
    let conn = common::open_sql(&file).unwrap();
    conn.execute(
        "UPDATE precincts SET geom = X'0102030405' WHERE code = '101'",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO turf_members (uuid, turf_uuid, precinct_uuid) VALUES ('m1', 'no-such-turf', 'p')",
        [],
    )
    .unwrap();
    drop(conn);
    let out = cli(&["validate", s(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("precincts row") && text.contains("turf members pointing at no turf"),
        "{text}"
    );
}

#[test]
fn errors_go_to_stderr_with_a_failing_status_and_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "C"]);
    let err = cli_err(&["new", s(&file), "--name", "Again"]);
    assert!(
        err.starts_with("error:")
            && err.contains("c.campaign.gpkg")
            && err.contains("already exists"),
        "{err}"
    );
    let err = cli_err(&["info", s(&dir.path().join("missing.gpkg"))]);
    assert!(
        err.contains("missing.gpkg") && err.contains("not found"),
        "{err}"
    );
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, "{ not json").unwrap();
    let before = bytes(&file);
    let err = cli_err(&["import", s(&file), s(&bad)]);
    assert!(
        err.contains("bad.geojson") && err.contains("line 1"),
        "{err}"
    );
    assert_eq!(
        bytes(&file),
        before,
        "a failed import leaves the campaign file as it was"
    );
}

#[test]
fn import_reports_repairs_and_the_fields_it_used() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kc.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "King County"]);
    let out = cli_ok(&[
        "import",
        s(&file),
        s(&fixture("king-county-precincts.geojson")),
    ]);
    assert!(
        out.contains("imported 2611 precincts") && out.contains("2611 added"),
        "{out}"
    );
    assert!(
        out.contains("code field: id") && out.contains("29 non-polygon parts"),
        "{out}"
    );
}

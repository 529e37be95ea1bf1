//! Importing precinct shapes: real data, every format, reprojection, and bad input.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::ops::ControlFlow;
use std::path::Path;

use campaign_planner::io::{ImportError, ImportOptions, import_precincts, read_precincts};
use campaign_planner::progress::{Progress, Stage, ignore};
use campaign_planner::store::Campaign;
use common::{bytes, fixture};
use geo::{Area as _, BoundingRect as _};

fn new_campaign(dir: &Path) -> Campaign {
    Campaign::create(&dir.join("t.campaign.gpkg"), "Test").unwrap()
}

fn import(
    campaign: &mut Campaign,
    file: &Path,
) -> Result<campaign_planner::io::ImportReport, ImportError> {
    import_precincts(campaign, file, &ImportOptions::default(), &mut ignore)
}

fn live_precincts(campaign: &Campaign) -> u64 {
    campaign
        .layers()
        .unwrap()
        .into_iter()
        .find(|l| l.name == "precincts")
        .unwrap()
        .count
}

#[test]
fn the_58_montreal_districts_import_with_their_ids_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = new_campaign(dir.path());
    let report = import(&mut campaign, &fixture("montreal-districts.geojson")).unwrap();
    assert_eq!(report.features, 58);
    assert_eq!(report.changes.added, 58);
    assert_eq!(report.key_field, "id (feature identifier)");
    assert_eq!(report.name_field.as_deref(), Some("district"));
    assert_eq!(live_precincts(&campaign), 58);
    let table = campaign.read_table("precincts").unwrap();
    let code = table.columns.iter().position(|c| c == "code").unwrap();
    let name = table.columns.iter().position(|c| c == "name").unwrap();
    let row = table
        .rows
        .iter()
        .find(|r| r[code] == rusqlite::types::Value::Text("101".into()))
        .unwrap();
    assert_eq!(
        row[name],
        rusqlite::types::Value::Text("101-Bois-de-Liesse".into())
    );
}

#[test]
fn the_2611_king_county_precincts_import_keyed_by_their_id_property() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = new_campaign(dir.path());
    let report = import(&mut campaign, &fixture("king-county-precincts.geojson")).unwrap();
    assert_eq!(report.features, 2611);
    assert_eq!(report.key_field, "id");
    assert_eq!(live_precincts(&campaign), 2611);
    // 22 precincts are collections of polygons and 29 stray lines left by simplification.
    assert_eq!(report.repairs.non_polygon_parts_dropped, 29);
    let layer = campaign
        .layers()
        .unwrap()
        .into_iter()
        .find(|l| l.name == "precincts")
        .unwrap();
    let [min_x, min_y, max_x, max_y] = layer.bbox.unwrap();
    assert!(
        min_x > -122.6 && max_x < -121.0 && min_y > 47.0 && max_y < 47.8,
        "{:?}",
        layer.bbox
    );
}

/// Every feature of `projected` must land within `tolerance` degrees of the GeoJSON's.
fn assert_same_places(projected: &Path, reference: &Path, key: &str, tolerance: f64) {
    let options = ImportOptions {
        key: Some(key.to_owned()),
        ..ImportOptions::default()
    };
    let (a, report) = read_precincts(projected, &options, &mut ignore).unwrap();
    assert!(
        !report.crs.contains("4326"),
        "{} should be projected",
        report.crs
    );
    let (b, _) = read_precincts(reference, &options, &mut ignore).unwrap();
    assert_eq!(a.len(), b.len());
    let mut worst: f64 = 0.0;
    for p in &a {
        let q = b.iter().find(|q| q.code == p.code).expect("same codes");
        let (pa, qa) = (
            p.geometry.bounding_rect().unwrap(),
            q.geometry.bounding_rect().unwrap(),
        );
        for (x, y) in [
            (pa.min().x, qa.min().x),
            (pa.min().y, qa.min().y),
            (pa.max().x, qa.max().x),
            (pa.max().y, qa.max().y),
        ] {
            worst = worst.max((x - y).abs());
        }
        let area_ratio = p.geometry.unsigned_area() / q.geometry.unsigned_area();
        assert!(
            (area_ratio - 1.0).abs() < 1e-3,
            "{}: area ratio {area_ratio}",
            p.code
        );
    }
    assert!(
        worst < tolerance,
        "{}: reprojected coordinates are {worst}° away from the GeoJSON",
        projected.display()
    );
}

#[test]
fn shapefiles_in_projected_crs_land_where_the_geojson_says() {
    // Tolerance 2e-5° (about 2 m): GDAL applied PROJ's datum shifts (NAD83 CSRS/HARN to WGS 84)
    // when it made these fixtures; proj4rs, like PROJ 4, treats those datums as WGS 84.
    let montreal = fixture("montreal-districts.geojson");
    for shp in [
        "shapefiles/montreal-mtm8.shp",
        "shapefiles/montreal-utm18n.shp",
        "shapefiles/montreal-webmercator.shp",
        "shapefiles/montreal-lambert93.shp",
    ] {
        assert_same_places(&fixture(shp), &montreal, "id", 2e-5);
    }
}

#[test]
fn a_state_plane_shapefile_in_us_feet_lands_where_the_geojson_says() {
    let dir = tempfile::tempdir().unwrap();
    // The first 100 King County precincts, as the shapefile fixtures hold.
    let all: serde_json::Value =
        serde_json::from_slice(&bytes(&fixture("king-county-precincts.geojson"))).unwrap();
    let mut first = all.clone();
    first["features"] =
        serde_json::Value::Array(all["features"].as_array().unwrap()[..100].to_vec());
    let reference = dir.path().join("kc100.geojson");
    std::fs::write(&reference, first.to_string()).unwrap();
    assert_same_places(
        &fixture("shapefiles/king-county-stateplane-ft.shp"),
        &reference,
        "id",
        2e-5,
    );
    assert_same_places(
        &fixture("shapefiles/king-county-nad83.shp"),
        &reference,
        "id",
        2e-5,
    );
}

#[test]
fn a_geopackage_layer_in_mtm_8_imports_reprojected_with_its_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = new_campaign(dir.path());
    let report = import(&mut campaign, &fixture("montreal-mtm8.gpkg")).unwrap();
    assert_eq!(report.format, "GeoPackage");
    assert_eq!(report.crs, "EPSG:2950");
    assert_eq!(report.layer.as_deref(), Some("montreal-districts"));
    assert_eq!(
        report.key_field, "id",
        "the fid is a row number, not a code"
    );
    assert_eq!(report.name_field.as_deref(), Some("district"));
    assert_eq!(report.features, 58);
    assert_same_places(
        &fixture("montreal-mtm8.gpkg"),
        &fixture("montreal-districts.geojson"),
        "id",
        2e-5,
    );
}

#[test]
fn reimporting_keeps_uuids_updates_changed_codes_and_tombstones_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = new_campaign(dir.path());
    import(&mut campaign, &fixture("montreal-districts.geojson")).unwrap();
    let uuid_of = |c: &Campaign, code: &str| -> String {
        c.conn_for_tests()
            .query_row("SELECT uuid FROM precincts WHERE code = ?1", [code], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let before = uuid_of(&campaign, "101");
    let mut fc: serde_json::Value =
        serde_json::from_slice(&bytes(&fixture("montreal-districts.geojson"))).unwrap();
    let features = fc["features"].as_array_mut().unwrap();
    let dropped = features.pop().unwrap();
    let smaller = dir.path().join("57.geojson");
    std::fs::write(&smaller, fc.to_string()).unwrap();
    let report = import(&mut campaign, &smaller).unwrap();
    assert_eq!(
        (
            report.changes.added,
            report.changes.updated,
            report.changes.removed
        ),
        (0, 57, 1)
    );
    assert_eq!(live_precincts(&campaign), 57);
    assert_eq!(uuid_of(&campaign, "101"), before);
    let report = import(&mut campaign, &fixture("montreal-districts.geojson")).unwrap();
    assert_eq!(
        (
            report.changes.added,
            report.changes.updated,
            report.changes.removed
        ),
        (1, 57, 0)
    );
    assert_eq!(live_precincts(&campaign), 58);
    let code = dropped["id"].as_str().unwrap().to_owned();
    let rows: i64 = campaign
        .conn_for_tests()
        .query_row(
            "SELECT count(*) FROM precincts WHERE code = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 1, "a returning code is revived, not doubled");
}

/// A FeatureCollection of squares near Paris; `edit` can break any of them.
fn squares(n: usize, edit: impl Fn(usize, &mut serde_json::Value)) -> String {
    let features: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let x = 2.0 + i as f64 * 0.01;
            let mut f = serde_json::json!({
                "type": "Feature",
                "properties": {"code_bv": format!("75{i:03}"), "nom": format!("Bureau {i}")},
                "geometry": {"type": "Polygon", "coordinates": [[[x, 48.0], [x + 0.01, 48.0], [x + 0.01, 48.01], [x, 48.01], [x, 48.0]]]}
            });
            edit(i, &mut f);
            f
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn import_text(
    dir: &Path,
    name: &str,
    text: &str,
) -> (
    Campaign,
    Result<campaign_planner::io::ImportReport, ImportError>,
) {
    let mut campaign = new_campaign(dir);
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let result = import(&mut campaign, &file);
    (campaign, result)
}

#[test]
fn french_style_fields_are_guessed_as_code_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let (campaign, report) = import_text(dir.path(), "bv.geojson", &squares(3, |_, _| {}));
    let report = report.unwrap();
    assert_eq!(report.key_field, "code_bv");
    assert_eq!(report.name_field.as_deref(), Some("nom"));
    assert_eq!(live_precincts(&campaign), 3);
}

#[test]
fn unclosed_rings_and_repeated_vertices_are_repaired_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let text = squares(4, |i, f| {
        let ring = f["geometry"]["coordinates"][0].as_array_mut().unwrap();
        if i % 2 == 0 {
            ring.pop();
        } else {
            let v = ring[1].clone();
            ring.insert(1, v);
        }
    });
    let (campaign, report) = import_text(dir.path(), "repair.geojson", &text);
    let report = report.unwrap();
    assert_eq!(report.repairs.closed_rings, 2);
    assert_eq!(report.repairs.duplicate_points_removed, 2);
    assert_eq!(live_precincts(&campaign), 4);
    assert!(campaign.validate().unwrap().is_ok());
}

/// The import must fail naming the file, the feature and the problem, and import nothing.
fn refused(text: &str, feature: usize, words: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (campaign, result) = import_text(dir.path(), "bad.geojson", text);
    let message = result.unwrap_err().to_string();
    assert!(message.contains("bad.geojson"), "{message}");
    assert!(message.contains(&format!("feature {feature}")), "{message}");
    assert!(message.contains(words), "{message:?} should say {words:?}");
    assert!(message.contains("nothing was imported"), "{message}");
    assert_eq!(live_precincts(&campaign), 0, "nothing half imported");
}

#[test]
fn out_of_range_coordinates_are_refused_with_the_feature_number() {
    refused(
        &squares(5, |i, f| {
            if i == 3 {
                f["geometry"]["coordinates"][0][2] = serde_json::json!([652_000.0, 6_862_000.0]);
            }
        }),
        4,
        "out of range",
    );
}

#[test]
fn an_empty_geometry_is_refused() {
    refused(
        &squares(3, |i, f| {
            if i == 1 {
                f["geometry"] = serde_json::Value::Null;
            }
        }),
        2,
        "empty geometry",
    );
    refused(
        &squares(3, |i, f| {
            if i == 2 {
                f["geometry"]["coordinates"] = serde_json::json!([]);
            }
        }),
        3,
        "empty geometry",
    );
}

#[test]
fn a_position_with_one_number_is_refused_as_not_a_number() {
    refused(
        &squares(3, |i, f| {
            if i == 0 {
                f["geometry"]["coordinates"][0][1] = serde_json::json!([2.0]);
            }
        }),
        1,
        "not a number",
    );
}

#[test]
fn duplicate_codes_are_refused_naming_both_features() {
    refused(
        &squares(4, |i, f| {
            if i == 3 {
                f["properties"]["code_bv"] = serde_json::json!("75001");
            }
        }),
        4,
        "duplicate code: feature 2",
    );
}

#[test]
fn a_point_where_a_polygon_should_be_is_refused() {
    refused(
        &squares(2, |i, f| {
            if i == 1 {
                f["geometry"] = serde_json::json!({"type": "Point", "coordinates": [2.0, 48.0]});
            }
        }),
        2,
        "geometry is Point",
    );
}

#[test]
fn a_named_key_field_that_does_not_exist_lists_the_fields_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bv.geojson");
    std::fs::write(&file, squares(2, |_, _| {})).unwrap();
    let mut campaign = new_campaign(dir.path());
    let options = ImportOptions {
        key: Some("insee".to_owned()),
        ..ImportOptions::default()
    };
    let message = import_precincts(&mut campaign, &file, &options, &mut ignore)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("\"insee\"") && message.contains("code_bv, nom"),
        "{message}"
    );
}

#[test]
fn an_unknown_crs_in_the_prj_is_refused_naming_the_prj() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(
            fixture(&format!("shapefiles/montreal-mtm8.{ext}")),
            dir.path().join(format!("odd.{ext}")),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("odd.prj"),
        "PROJCS[\"Made_Up\",PROJECTION[\"Nowhere_Conic\"]]",
    )
    .unwrap();
    let mut campaign = new_campaign(dir.path());
    let message = import(&mut campaign, &dir.path().join("odd.shp"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("odd.prj") && message.contains("Made_Up"),
        "{message}"
    );
    assert_eq!(live_precincts(&campaign), 0);
}

#[test]
fn a_shapefile_without_its_dbf_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "prj"] {
        std::fs::copy(
            fixture(&format!("shapefiles/montreal-mtm8.{ext}")),
            dir.path().join(format!("nodbf.{ext}")),
        )
        .unwrap();
    }
    let mut campaign = new_campaign(dir.path());
    let message = import(&mut campaign, &dir.path().join("nodbf.shp"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("nodbf.dbf") && message.contains("missing"),
        "{message}"
    );
}

#[test]
fn an_unsupported_file_type_is_refused_with_the_supported_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (_, result) = import_text(dir.path(), "shapes.kml", "<kml/>");
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("shapes.kml") && message.contains("GeoJSON"),
        "{message}"
    );
}

#[test]
fn progress_is_reported_per_stage_and_cancelling_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = new_campaign(dir.path());
    let mut seen = Vec::new();
    let mut cancel_while_writing = |p: Progress| {
        seen.push(p.stage);
        if p.stage == Stage::Writing && p.done >= 128 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let err = import_precincts(
        &mut campaign,
        &fixture("king-county-precincts.geojson"),
        &ImportOptions::default(),
        &mut cancel_while_writing,
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled { .. }), "{err}");
    for stage in [Stage::Reading, Stage::Checking, Stage::Writing] {
        assert!(seen.contains(&stage), "no {stage:?} progress");
    }
    assert_eq!(
        live_precincts(&campaign),
        0,
        "a cancelled import leaves nothing"
    );
}

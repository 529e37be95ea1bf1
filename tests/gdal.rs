//! GDAL, an independent reader, sees our campaign file as a real GeoPackage.
//!
//! Needs `ogrinfo` (Debian: gdal-bin), which the test command installs.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::process::Command;

use common::{montreal_campaign, s};

fn ogrinfo(args: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(args)
        .output()
        .expect("ogrinfo (GDAL, Debian package gdal-bin) must be installed: run `bash .ci/run`");
    assert!(
        out.status.success(),
        "ogrinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("ERROR"), "ogrinfo complained: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// GDAL's GeoPackage validator (`validate_gpkg.py`, with GDAL's Python bindings: Debian's
/// python3-gdal, pulled in by gdal-bin) accepts `file`; `what` says which file in a failure.
fn validator_accepts(file: &std::path::Path, what: &str) {
    let out = Command::new("/usr/bin/python3")
        .args(["-m", "osgeo_utils.samples.validate_gpkg", s(file)])
        .output()
        .expect("python3 with GDAL's bindings (python3-gdal) must be installed");
    assert!(
        out.status.success(),
        "validate_gpkg.py refused {what}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ogrinfo_lists_our_layers_and_reads_precinct_features_and_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let listing = ogrinfo(&["-ro", s(&file)]);
    assert!(
        listing.contains("using driver `GPKG' successful"),
        "{listing}"
    );
    assert!(listing.contains("precincts (Multi Polygon)"), "{listing}");
    assert!(listing.contains("turfs (Multi Polygon)"), "{listing}");
    assert!(listing.contains("doors (Point)"), "{listing}");
    assert!(listing.contains("elections (None)"), "{listing}");

    let summary = ogrinfo(&["-ro", "-so", s(&file), "precincts"]);
    assert!(summary.contains("Feature Count: 58"), "{summary}");
    assert!(
        summary.contains("Extent: (-73.947536, 45.414588) - (-73.474582, 45.705471)"),
        "{summary}"
    );
    assert!(summary.contains("ID[\"EPSG\",4326]"), "{summary}");

    let feature = ogrinfo(&["-ro", "-q", s(&file), "precincts", "-where", "code = '101'"]);
    assert!(
        feature.contains("name (String) = 101-Bois-de-Liesse"),
        "{feature}"
    );
    assert!(feature.contains("MULTIPOLYGON (((-73.8"), "{feature}");
}

#[test]
fn gdals_geopackage_validator_accepts_our_file() {
    // It checks every requirement of the GeoPackage specification.
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    validator_accepts(&file, "the file");
    // Also with turfs in: the same rules hold for every layer, empty or not.
    let listing = ogrinfo(&[
        "-ro",
        "-sql",
        "SELECT count(*) AS n FROM gpkg_contents",
        s(&file),
    ]);
    assert!(listing.contains("n (Integer) = 18"), "{listing}");
}

#[test]
fn ogrinfo_reads_the_streets_layer_an_extract_brought_with_names_and_classes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.campaign.gpkg");
    common::cli_ok(&["new", s(&file), "--name", "Helsinki"]);
    common::cli_ok(&[
        "doors",
        s(&file),
        "import",
        s(&common::fixture("helsinki-address-points.geojson")),
    ]);
    let out = common::cli_ok(&[
        "streets",
        s(&file),
        "import",
        s(&common::fixture("helsinki.osm.pbf")),
    ]);
    assert!(
        out.contains("imported") && out.contains("1 km around it"),
        "{out}"
    );
    let listing = ogrinfo(&["-ro", s(&file)]);
    assert!(listing.contains("streets (Line String)"), "{listing}");
    let feature = ogrinfo(&[
        "-ro",
        "-q",
        s(&file),
        "streets",
        "-where",
        "name = 'Mannerheimintie'",
    ]);
    assert!(feature.contains("highway (String) = "), "{feature}");
    assert!(feature.contains("LINESTRING (24.9"), "{feature}");
    validator_accepts(&file, "the file with streets");
}

#[test]
fn every_feature_layer_has_an_r_tree_that_gdal_uses_and_our_writes_keep_true() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.campaign.gpkg");
    common::cli_ok(&["new", s(&file), "--name", "Helsinki"]);
    let points = common::fixture("helsinki-address-points.geojson");
    common::cli_ok(&["doors", s(&file), "import", s(&points)]);
    common::cli_ok(&[
        "streets",
        s(&file),
        "import",
        s(&common::fixture("helsinki.osm.pbf")),
    ]);
    // Turfs cut from the doors, one of them deleted; the doors imported again (updates).
    common::cli_ok(&["turf", s(&file), "autocut", "--target", "150"]);
    common::cli_ok(&["turf", s(&file), "delete", "Auto 1"]);
    common::cli_ok(&["doors", s(&file), "import", s(&points)]);
    for layer in ["precincts", "turfs", "doors", "streets"] {
        let has = ogrinfo(&[
            "-ro",
            "-q",
            s(&file),
            "-sql",
            &format!("SELECT HasSpatialIndex('{layer}', 'geom') AS has"),
        ]);
        assert!(
            has.contains("HasSpatialIndex (Integer) = 1"),
            "{layer}: {has}"
        );
        // GDAL's own ST_* functions agree with every box the triggers wrote, and every
        // feature with a geometry has one.
        let wrong = ogrinfo(&[
            "-ro",
            "-q",
            s(&file),
            "-sql",
            &format!(
                "SELECT (SELECT count(*) FROM {layer} m LEFT JOIN rtree_{layer}_geom r \
                 ON r.id = m.fid WHERE m.geom IS NOT NULL AND (r.id IS NULL \
                 OR abs(r.minx - ST_MinX(m.geom)) > 1e-5 OR abs(r.maxx - ST_MaxX(m.geom)) > 1e-5 \
                 OR abs(r.miny - ST_MinY(m.geom)) > 1e-5 OR abs(r.maxy - ST_MaxY(m.geom)) > 1e-5)) \
                 + (SELECT count(*) FROM rtree_{layer}_geom r LEFT JOIN {layer} m \
                 ON r.id = m.fid WHERE m.fid IS NULL) AS wrong"
            ),
        ]);
        assert!(wrong.contains("wrong (Integer) = 0"), "{layer}: {wrong}");
    }
    // A window of the doors read through the index gives what a scan gives.
    let window = ["-spat", "24.94", "60.165", "24.95", "60.17"];
    let through_index = ogrinfo(&[&["-ro", "-so", s(&file), "doors"][..], &window[..]].concat());
    let count = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("Feature Count: "))
            .unwrap()
            .trim()
            .parse::<i64>()
            .unwrap()
    };
    let scanned: i64 = common::open_sql(&file)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM doors WHERE ST_MinX(geom) BETWEEN 24.94 AND 24.95 \
             AND ST_MinY(geom) BETWEEN 60.165 AND 60.17",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(scanned > 10);
    assert_eq!(count(&through_index), scanned);
    validator_accepts(&file, "the file with its R-trees");
}

//! Importers and edits that cannot hurt the campaign: Shapefiles whose parts disagree,
//! precincts that cross themselves, files that do not say their coordinate system, door files
//! with broken rows, an import that would wipe the map, names and colours and dates checked.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};

use campaign_planner::io::{ImportOptions, import_precincts};
use campaign_planner::progress::ignore;
use campaign_planner::store::Campaign;
use common::{bytes, cli, cli_err, cli_ok, create_turfs, fixture, montreal_campaign, s};

/// A copy of a fixture Shapefile (all its parts) under `dir`, returned by its `.shp`.
fn shapefile_copy(dir: &Path, stem: &str) -> PathBuf {
    for ext in ["shp", "shx", "dbf", "prj"] {
        std::fs::copy(
            fixture(&format!("shapefiles/{stem}.{ext}")),
            dir.join(format!("{stem}.{ext}")),
        )
        .unwrap();
    }
    dir.join(format!("{stem}.shp"))
}

fn new_campaign(dir: &Path) -> (PathBuf, Campaign) {
    let path = dir.join("c.campaign.gpkg");
    (path.clone(), Campaign::create(&path, "C").unwrap())
}

/// Every precinct's code and stored geometry blob, in code order.
fn geometries(campaign: &Campaign) -> Vec<(String, Vec<u8>)> {
    let mut stmt = campaign
        .conn_for_tests()
        .prepare("SELECT code, geom FROM precincts WHERE deleted_at IS NULL ORDER BY code")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_shx_index_that_disagrees_is_read_around_and_said_never_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let good = shapefile_copy(dir.path(), "king-county-nad83");
    let (_, mut reference) = new_campaign(dir.path());
    import_precincts(
        &mut reference,
        &good,
        &ImportOptions::default(),
        &mut ignore,
    )
    .unwrap();
    let expected = geometries(&reference);
    // Swap the index entries of the first two shapes.
    let shx = good.with_extension("shx");
    let mut index = bytes(&shx);
    let (a, b) = (index[100..108].to_vec(), index[108..116].to_vec());
    index[100..108].copy_from_slice(&b);
    index[108..116].copy_from_slice(&a);
    std::fs::write(&shx, &index).unwrap();
    let other = tempfile::tempdir().unwrap();
    let (file, campaign) = new_campaign(other.path());
    drop(campaign);
    let run = cli(&["import", s(&file), s(&good)]);
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(out.contains("100 added"), "{out}");
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.contains("disagrees with the .shp (100 entries for 100 shapes, first at shape 1)")
            && stderr.contains("read in order"),
        "{stderr}"
    );
    let campaign = Campaign::open_read_only(&file).unwrap();
    assert_eq!(
        geometries(&campaign),
        expected,
        "every precinct kept its own shape"
    );
}

#[test]
fn a_short_dbf_or_shp_or_a_dbf_of_another_file_is_refused_with_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile_copy(dir.path(), "king-county-nad83");
    let (file, campaign) = new_campaign(dir.path());
    drop(campaign);
    let before = bytes(&file);
    // The .dbf cut after 50 records.
    let dbf = shp.with_extension("dbf");
    let full = bytes(&dbf);
    std::fs::write(&dbf, &full[..97 + 90 * 50]).unwrap();
    let err = cli_err(&["import", s(&file), s(&shp)]);
    assert!(
        err.contains("cut short: its header announces 100 records but it holds 50"),
        "{err}"
    );
    std::fs::write(&dbf, &full).unwrap();
    // The .dbf of another Shapefile.
    std::fs::copy(fixture("shapefiles/montreal-mtm8.dbf"), &dbf).unwrap();
    let err = cli_err(&["import", s(&file), s(&shp)]);
    assert!(
        err.contains("the .shp holds 100 shapes but its .dbf 58 records"),
        "{err}"
    );
    std::fs::write(&dbf, &full).unwrap();
    // The .shp cut in the middle of a shape.
    let shapes = bytes(&shp);
    std::fs::write(&shp, &shapes[..shapes.len() / 2]).unwrap();
    let err = cli_err(&["import", s(&file), s(&shp)]);
    assert!(err.contains("past the end of the file"), "{err}");
    // Whole shapes, but a header that gives another length: the reader would stop early (and
    // drop the shapes after) or read past the end.
    for words in [100_u32, 0x7FFF_FFFF] {
        let mut lying = shapes.clone();
        lying[24..28].copy_from_slice(&words.to_be_bytes());
        std::fs::write(&shp, &lying).unwrap();
        let err = cli_err(&["import", s(&file), s(&shp)]);
        assert!(
            err.contains(&format!(
                "its header gives its length as {} bytes but the file holds 35004",
                u64::from(words) * 2
            )),
            "{err}"
        );
    }
    assert_eq!(bytes(&file), before, "nothing was written");
}

#[test]
fn a_shapefile_without_prj_is_said_to_be_assumed_and_crs_gives_its_system() {
    let dir = tempfile::tempdir().unwrap();
    let projected = shapefile_copy(dir.path(), "montreal-lambert93");
    std::fs::remove_file(projected.with_extension("prj")).unwrap();
    let (file, campaign) = new_campaign(dir.path());
    drop(campaign);
    let err = cli_err(&["import", s(&file), s(&projected)]);
    assert!(err.contains("give it with --crs EPSG:NNNN"), "{err}");
    let out = cli_ok(&["import", s(&file), s(&projected), "--crs", "EPSG:2154"]);
    assert!(
        out.contains("58 added") && out.contains("EPSG:2154"),
        "{out}"
    );
    // Degrees without a .prj: imported, and said to be assumed.
    let degrees = shapefile_copy(dir.path(), "king-county-nad83");
    std::fs::remove_file(degrees.with_extension("prj")).unwrap();
    let other = dir.path().join("kc.campaign.gpkg");
    cli_ok(&["new", s(&other), "--name", "KC"]);
    let run = cli(&["import", s(&other), s(&degrees)]);
    assert!(run.status.success());
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.contains("has no .prj") && stderr.contains("--crs EPSG:NNNN"),
        "{stderr}"
    );
    // --crs is for files that do not say.
    let with_prj = shapefile_copy(&dir.path().join("."), "montreal-utm18n");
    let err = cli_err(&["import", s(&file), s(&with_prj), "--crs", "EPSG:2154"]);
    assert!(err.contains("declares its coordinate system"), "{err}");
}

/// A GeoJSON of Montreal districts with feature `n`'s outline replaced.
fn montreal_with(dir: &Path, n: usize, ring: &serde_json::Value) -> PathBuf {
    let mut fc: serde_json::Value =
        serde_json::from_slice(&bytes(&fixture("montreal-districts.geojson"))).unwrap();
    fc["features"][n]["geometry"] =
        serde_json::json!({"type": "Polygon", "coordinates": [ring.clone()]});
    let path = dir.join("districts.geojson");
    std::fs::write(&path, fc.to_string()).unwrap();
    path
}

#[test]
fn a_precinct_crossing_itself_is_rebuilt_and_counted_and_one_of_no_area_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bow_tie = serde_json::json!([
        [-73.6, 45.5],
        [-73.5, 45.6],
        [-73.5, 45.5],
        [-73.6, 45.6],
        [-73.6, 45.5]
    ]);
    let file = montreal_with(dir.path(), 3, &bow_tie);
    let (campaign_file, campaign) = new_campaign(dir.path());
    drop(campaign);
    let out = cli_ok(&["import", s(&campaign_file), s(&file)]);
    assert!(
        out.contains("1 self-crossing or overlapping shapes rebuilt"),
        "{out}"
    );
    cli_ok(&["validate", s(&campaign_file)]);
    let flat = serde_json::json!([[-73.6, 45.5], [-73.5, 45.5], [-73.4, 45.5], [-73.6, 45.5]]);
    let file = montreal_with(dir.path(), 7, &flat);
    let err = cli_err(&["import", s(&campaign_file), s(&file)]);
    assert!(
        err.contains("feature 8") && err.contains("encloses no area"),
        "{err}"
    );
}

#[test]
fn validate_finds_an_invalid_geometry_written_by_another_program() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let ring = geo_types::LineString::from(vec![
        (-73.6, 45.5),
        (-73.5, 45.6),
        (-73.5, 45.5),
        (-73.6, 45.6),
        (-73.6, 45.5),
    ]);
    let bow_tie = geo_types::MultiPolygon(vec![geo_types::Polygon::new(ring, vec![])]);
    let blob = campaign_planner::store::gpkg::encode_multipolygon(&bow_tie).unwrap();
    common::open_sql(&file)
        .unwrap()
        .execute("UPDATE precincts SET geom = ?1 WHERE code = '101'", [blob])
        .unwrap();
    let out = cli(&["validate", s(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("a ring crosses itself"), "{text}");
}

#[test]
fn importing_another_places_shapes_is_refused_without_replace_and_says_what_would_go() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "Mairie 2013",
    ]);
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Ouest",
        "--precincts",
        "101,102",
    ]);
    let before = bytes(&file);
    let kc = fixture("king-county-precincts.geojson");
    let err = cli_err(&["import", s(&file), s(&kc)]);
    assert!(
        err.contains("would remove 58 of the campaign's 58 precincts")
            && err.contains("2 in turfs (101, 102)")
            && err.contains("58 with election results")
            && err.contains("--replace"),
        "{err}"
    );
    assert_eq!(bytes(&file), before, "nothing was imported");
    // A boundary update that drops one unused precinct goes through.
    let mut fc: serde_json::Value =
        serde_json::from_slice(&bytes(&fixture("montreal-districts.geojson"))).unwrap();
    let features = fc["features"].as_array_mut().unwrap();
    let last = features.pop().unwrap();
    let dropped = last["id"].to_string();
    let update = dir.path().join("update.geojson");
    std::fs::write(&update, fc.to_string()).unwrap();
    let message = cli(&["import", s(&file), s(&update)]);
    // The dropped district has results, so it is refused too, naming it.
    let err = String::from_utf8(message.stderr).unwrap();
    assert!(err.contains("1 with election results"), "{err} ({dropped})");
    let out = cli_ok(&["import", s(&file), s(&kc), "--replace"]);
    assert!(
        out.contains("2611 added") && out.contains("58 removed"),
        "{out}"
    );
}

#[test]
fn renames_onto_a_taken_name_and_bad_colours_and_dates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    create_turfs(&file, &[("A", "101"), ("B", "102")]);
    // Said with the name as it is stored.
    let err = cli_err(&["turf", s(&file), "rename", "A", "b"]);
    assert!(err.contains("a turf named \"B\" already exists"), "{err}");
    let err = cli_err(&[
        "turf",
        s(&file),
        "create",
        "--name",
        " B ",
        "--precincts",
        "111",
    ]);
    assert!(err.contains("already exists"), "{err}");
    cli_ok(&["team", s(&file), "create", "Nord"]);
    cli_ok(&["team", s(&file), "create", "Sud"]);
    let err = cli_err(&["team", s(&file), "rename", "Sud", "NORD"]);
    assert!(
        err.contains("a team named \"Nord\" already exists"),
        "{err}"
    );
    for colour in ["pink", "#zzzzzz", "rouge", "#12345"] {
        let err = cli_err(&["team", s(&file), "create", "Est", "--colour", colour]);
        assert!(err.contains("write it #rrggbb"), "{colour}: {err}");
    }
    cli_ok(&["team", s(&file), "create", "Est", "--colour", "#1B9E77"]);
    for date in ["2026-13-45", "tomorrow", "2026-02-30"] {
        let err = cli_err(&["team", s(&file), "assign", "Nord", "A", "--date", date]);
        assert!(
            err.contains("not a date") || err.contains("not a day of the calendar"),
            "{date}: {err}"
        );
    }
    // The deletes go to the turf named, never another.
    cli_ok(&["turf", s(&file), "delete", "B"]);
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    let names: Vec<&str> = turfs
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["A"]);
}

#[test]
fn door_rows_with_an_open_quote_or_impossible_households_are_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let before = bytes(&file);
    let quote = dir.path().join("quote.csv");
    std::fs::write(
        &quote,
        "lon,lat,address\n-73.6,45.5,\"1 rue A\n-73.61,45.5,2 rue B\n-73.62,45.5,3 rue C\n",
    )
    .unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&quote)]);
    assert!(
        err.contains("line 2, field 3") && err.contains("left open"),
        "{err}"
    );
    let households = dir.path().join("households.csv");
    std::fs::write(
        &households,
        "lon,lat,households\n-73.6,45.5,2\n-73.61,45.5,1e308\n-73.62,45.5,-2\n-73.63,45.5,1.5\n",
    )
    .unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&households)]);
    for line in ["line 3", "line 4", "line 5"] {
        assert!(err.contains(line), "{line}: {err}");
    }
    assert!(err.contains("whole number from 1 to 10,000"), "{err}");
    assert_eq!(bytes(&file), before);
}

#[test]
fn validate_finds_what_other_programs_write_wrong_and_deletes_leave_nothing_dangling() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "Mairie 2013",
    ]);
    cli_ok(&[
        "score",
        s(&file),
        "--preset",
        "performance",
        "--ours",
        "Joly",
    ]);
    create_turfs(&file, &[("A", "101"), ("B", "102"), ("C", "111")]);
    cli_ok(&["team", s(&file), "create", "Nord"]);
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Nord",
        "A",
        "--date",
        "2026-12-01",
    ]);
    // A deleted turf takes its assignments with it: nothing dangles.
    cli_ok(&["turf", s(&file), "delete", "A"]);
    cli_ok(&["validate", s(&file)]);
    // What another program might write.
    let conn = common::open_sql(&file).unwrap();
    for sql in [
        "UPDATE teams SET colour = 'pink'",
        "UPDATE elections SET date = '2013-13-45'",
        "UPDATE turfs SET name = 'b' WHERE name = 'C'",
        "UPDATE assignments SET deleted_at = NULL",
        "UPDATE precincts SET priority = priority + 0.5 WHERE code = '101'",
    ] {
        conn.execute(sql, []).unwrap();
    }
    drop(conn);
    let out = cli(&["validate", s(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "teams row 1, colour: \"pink\" is not a colour",
        "elections row 1, date: \"2013-13-45\" is not a day of the calendar",
        "live assignments of a deleted turf",
        "turf names used twice",
        "1 precincts have a score or class other than the saved method gives (101)",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn turfs_gain_add_remove_and_merge_teams_a_list_and_assignments_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    create_turfs(&file, &[("A", "101,102"), ("B", "111")]);
    let err = cli_err(&["turf", s(&file), "add", "A", "--precincts", "111"]);
    assert!(
        err.contains("111 (in B)") && err.contains("--move"),
        "{err}"
    );
    cli_ok(&["turf", s(&file), "add", "A", "--precincts", "112"]);
    let err = cli_err(&["turf", s(&file), "remove", "A", "--precincts", "113"]);
    assert!(err.contains("not in turf \"A\": 113"), "{err}");
    cli_ok(&["turf", s(&file), "remove", "A", "--precincts", "102"]);
    cli_ok(&["turf", s(&file), "merge", "A", "B"]);
    let turfs: serde_json::Value =
        serde_json::from_str(&cli_ok(&["turf", s(&file), "list", "--json"])).unwrap();
    assert_eq!(turfs.as_array().unwrap().len(), 1);
    let mut members: Vec<&str> = turfs[0]["precincts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    members.sort_unstable();
    assert_eq!(members, vec!["101", "111", "112"]);
    cli_ok(&[
        "team",
        s(&file),
        "create",
        "=cmd|' /C calc'!A0",
        "--size",
        "3",
    ]);
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "=cmd|' /C calc'!A0",
        "A",
        "--date",
        "2026-12-01",
    ]);
    let list = cli_ok(&["team", s(&file), "list"]);
    assert!(list.contains("turfs: A"), "{list}");
    let out = dir.path().join("assignments.csv");
    cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "assignments",
        "--format",
        "csv",
        s(&out),
    ]);
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "turf,team,date,status,uuid,updated_at"
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("A,'=cmd|' /C calc'!A0,2026-12-01,planned,"),
        "the formula is neutralised: {row}"
    );
    let err = cli_err(&[
        "export",
        s(&file),
        "--layer",
        "assignments",
        "--format",
        "csv",
        s(&out),
    ]);
    assert_eq!(err.matches("already exists").count(), 1, "said once: {err}");
    assert!(err.contains("--overwrite"), "{err}");
}

#[test]
fn output_piped_into_head_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kc.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "KC"]);
    let shapes = fixture("king-county-precincts.geojson");
    cli_ok(&["import", s(&file), s(&shapes)]);
    // A door inside every precinct, then a turf of each: a long `turf list`.
    let fc: geojson::FeatureCollection = serde_json::from_slice(&bytes(&shapes)).unwrap();
    let mut csv = String::from("lon,lat\n");
    for f in &fc.features {
        let geometry: geo_types::Geometry<f64> =
            f.geometry.clone().unwrap().value.try_into().unwrap();
        if let Some(p) = geo::InteriorPoint::interior_point(&geometry) {
            std::fmt::Write::write_fmt(&mut csv, format_args!("{},{}\n", p.x(), p.y())).unwrap();
        }
    }
    let doors = dir.path().join("doors.csv");
    std::fs::write(&doors, csv).unwrap();
    cli_ok(&["doors", s(&file), "import", s(&doors)]);
    cli_ok(&["turf", s(&file), "autocut", "--target", "3"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args(["turf", s(&file), "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0_u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn a_doors_file_of_nothing_or_a_geopackage_left_mid_write_is_refused_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let doors = dir.path().join("doors.geojson");
    std::fs::write(
        &doors,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[-73.6,45.5]}}]}"#,
    )
    .unwrap();
    cli_ok(&["doors", s(&file), "import", s(&doors)]);
    // The same file, emptied: importing it would replace its door with none.
    std::fs::write(&doors, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    let before = bytes(&file);
    let err = cli_err(&["doors", s(&file), "import", s(&doors)]);
    assert!(err.contains("no doors in the file"), "{err}");
    assert_eq!(bytes(&file), before);
    // A GeoPackage whose writer did not finish: not replayed, not misread, said.
    let gpkg = dir.path().join("other.gpkg");
    std::fs::copy(fixture("montreal-mtm8.gpkg"), &gpkg).unwrap();
    let journal = dir.path().join("other.gpkg-journal");
    std::fs::write(
        &journal,
        [0xD9, 0xD5, 0x05, 0xF9, 0x20, 0xA1, 0x63, 0xD7, 1, 2, 3],
    )
    .unwrap();
    let input = bytes(&gpkg);
    let err = cli_err(&["import", s(&file), s(&gpkg), "--replace"]);
    assert!(
        err.contains("did not finish (a -journal file is beside it)"),
        "{err}"
    );
    assert_eq!(bytes(&gpkg), input, "the input is never written to");
    std::fs::remove_file(&journal).unwrap();
    std::fs::write(&gpkg, b"").unwrap();
    let err = cli_err(&["import", s(&file), s(&gpkg)]);
    assert!(err.contains("other.gpkg: the file is empty"), "{err}");
    // JSON errors say where, once, without the reader's type names.
    std::fs::write(&doors, "[[[[").unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&doors)]);
    assert!(
        err.contains("not GeoJSON: a GeoJSON file starts with '{'"),
        "{err}"
    );
    std::fs::write(&doors, r#"{"type": "FeatureCollection", "features": [[]]}"#).unwrap();
    let err = cli_err(&["doors", s(&file), "import", s(&doors)]);
    assert!(
        err.contains(
            "not valid GeoJSON (line 1, column 43: invalid type: sequence, expected a Feature \
             object)"
        ),
        "{err}"
    );
    assert!(
        !err.contains("Deserialize") && !err.contains(" at line "),
        "{err}"
    );
    assert_eq!(bytes(&file), before);
}

#[test]
fn export_over_a_pipe_or_a_folder_is_refused_and_over_a_link_replaces_the_file_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let fifo = dir.path().join("pipe.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    for out in [&fifo, &folder] {
        let err = cli_err(&[
            "export",
            s(&file),
            "--layer",
            "precincts",
            "--format",
            "csv",
            s(out),
            "--overwrite",
        ]);
        assert!(err.contains("not a file"), "{err}");
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    let target = dir.path().join("target.csv");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "precincts",
        "--format",
        "csv",
        s(&link),
        "--overwrite",
    ]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("fid,uuid,code,")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_import_whose_messages_nobody_reads_any_more_still_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kc.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "KC"]);
    // `import … --progress 2>&1 | head -1`: standard error closes after the first line.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args([
            "import",
            s(&file),
            s(&fixture("king-county-precincts.geojson")),
            "--progress",
        ])
        .env("CAMPAIGN_PLANNER_TEST_WRITE_DELAY_MS", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    drop(stderr);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?} after {first:?}");
    let campaign = Campaign::open_read_only(&file).unwrap();
    assert_eq!(campaign.precinct_codes().unwrap().len(), 2611);
}

#[test]
fn turf_add_names_unknown_codes_and_counts_what_it_added_and_names_hold_no_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "North",
        "--precincts",
        "101",
    ]);
    let err = cli_err(&["turf", s(&file), "add", "North", "--precincts", "999"]);
    assert!(err.contains("no precinct has the code 999"), "{err}");
    let out = cli_ok(&[
        "turf",
        s(&file),
        "add",
        "North",
        "--precincts",
        "102,102,,  101",
    ]);
    assert!(
        out.contains("added 1 precinct to turf \"North\" (101 in it already)"),
        "{out}"
    );
    for bad in ["a\nb", "\u{1b}[31mred", &"x".repeat(101)] {
        let err = cli_err(&["turf", s(&file), "rename", "North", bad]);
        assert!(
            err.contains("control characters") || err.contains("at most 100 characters"),
            "{err}"
        );
        let err = cli_err(&["team", s(&file), "create", bad]);
        assert!(
            err.contains("control characters") || err.contains("at most 100 characters"),
            "{err}"
        );
    }
}

#[test]
fn a_huge_file_of_zeros_is_told_from_its_first_bytes_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let before = bytes(&file);
    for (name, args, said) in [
        (
            "zeros.geojson",
            vec!["import"],
            "is a binary file, not GeoJSON",
        ),
        (
            "zeros.geojson",
            vec!["doors", "import"],
            "is a binary file, not GeoJSON",
        ),
        (
            "zeros.csv",
            vec!["doors", "import"],
            "is a binary file, not a table of doors",
        ),
    ] {
        let path = dir.path().join(name);
        // A gigabyte of zeros that takes no disk: read whole, it would take as much memory.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(1_000_000_000)
            .unwrap();
        let all: Vec<&str> = if args.len() == 1 {
            vec![args[0], s(&file), s(&path)]
        } else {
            vec![args[0], s(&file), args[1], s(&path)]
        };
        let err = cli_err(&all);
        assert!(err.contains(said), "{all:?}: {err}");
    }
    let results = dir.path().join("zeros.csv");
    let err = cli_err(&["results", s(&file), s(&results), "--election", "X"]);
    assert!(
        err.contains("is a binary file, not a results table"),
        "{err}"
    );
    assert_eq!(bytes(&file), before);
}

#[test]
fn validate_finds_a_damaged_schema_and_values_no_planner_writes_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let base = montreal_campaign(dir.path());
    cli_ok(&[
        "results",
        s(&base),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "Mairie 2013",
    ]);
    cli_ok(&[
        "turf",
        s(&base),
        "create",
        "--name",
        "A",
        "--precincts",
        "101",
    ]);
    cli_ok(&["team", s(&base), "create", "Nord", "--size", "3"]);
    let case = |name: &str, sql: &str| {
        let copy = dir.path().join(format!("{name}.campaign.gpkg"));
        std::fs::copy(&base, &copy).unwrap();
        let conn = common::open_sql(&copy).unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let out = cli(&["validate", s(&copy)]);
        assert_eq!(out.status.code(), Some(2), "{name}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = case(
        "renamed",
        "ALTER TABLE elections RENAME COLUMN uuid TO \"uuid$TEXT\"",
    );
    assert!(
        said.contains("table elections lacks its column uuid"),
        "{said}"
    );
    let said = case("dropped", "ALTER TABLE teams DROP COLUMN colour");
    assert!(
        said.contains("table teams lacks its column colour"),
        "{said}"
    );
    let said = case(
        "default",
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = \
         replace(sql, 'strftime(', 'strftim(') WHERE name = 'teams'; \
         PRAGMA writable_schema = OFF;",
    );
    assert!(
        said.contains("table teams, column updated_at") && said.contains("strftim("),
        "{said}"
    );
    let said = case(
        "values",
        "UPDATE teams SET size = -5; UPDATE turfs SET name = ''; \
         UPDATE elections SET round = 7; \
         INSERT INTO teams (uuid, name) VALUES ('x', CAST(x'41ff42' AS TEXT));",
    );
    for expected in [
        "1 teams with a size outside 1 to 1,000",
        "a turf needs a name",
        "1 elections with a round other than 1 or 2",
        "teams, column name: text that is not UTF-8",
    ] {
        assert!(said.contains(expected), "{expected}: {said}");
    }
    let said = case(
        "blob",
        "UPDATE precincts SET geom = CAST(substr(geom, 1, 2) || x'10' || substr(geom, 4) AS BLOB) \
         WHERE code = '101'",
    );
    assert!(said.contains("GeoPackage blob version 16, not 0"), "{said}");
}

#[test]
fn names_are_looked_up_as_they_are_kept_apart_assignments_are_not_doubled_and_exports_say_what_is_wrong()
 {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    create_turfs(&file, &[("A", "101"), ("B", "102")]);
    cli_ok(&["team", s(&file), "create", "Blue"]);
    for _ in 0..2 {
        cli_ok(&[
            "team",
            s(&file),
            "assign",
            " blue ",
            "a",
            "--date",
            "2026-12-01",
        ]);
    }
    let out = dir.path().join("assignments.csv");
    cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "assignments",
        "--format",
        "csv",
        s(&out),
    ]);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap().lines().count(),
        2,
        "one assignment, given twice"
    );
    cli_ok(&["turf", s(&file), "merge", "a", " B "]);
    // Exports: an unknown layer lists the layers; a missing folder is said; `-` is the screen.
    let err = cli_err(&[
        "export",
        s(&file),
        "--layer",
        "nope",
        "--format",
        "csv",
        "x.csv",
    ]);
    assert!(
        err.contains("no layer named \"nope\"; the layers are precincts")
            && !err.contains("invalid"),
        "{err}"
    );
    let missing = dir.path().join("nodir").join("x.csv");
    let err = cli_err(&[
        "export",
        s(&file),
        "--layer",
        "turfs",
        "--format",
        "csv",
        s(&missing),
    ]);
    assert!(err.contains("nodir does not exist"), "{err}");
    let screen = cli_ok(&[
        "export",
        s(&file),
        "--layer",
        "teams",
        "--format",
        "csv",
        "-",
    ]);
    assert!(
        screen.starts_with("id,uuid,name") && screen.contains(",Blue,"),
        "{screen}"
    );
    // Auto-cut of a campaign without precincts.
    let empty = dir.path().join("empty.campaign.gpkg");
    cli_ok(&["new", s(&empty), "--name", "E"]);
    let err = cli_err(&["turf", s(&empty), "autocut", "--target", "100"]);
    assert!(
        err.contains("has no precincts and no door points to cut"),
        "{err}"
    );
}

#[test]
fn validate_lists_a_lost_version_and_impossible_results_and_doors_read_french_households() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "M",
    ]);
    let copy = dir.path().join("votes.campaign.gpkg");
    std::fs::copy(&file, &copy).unwrap();
    common::open_sql(&copy)
        .unwrap()
        .execute("UPDATE results SET votes = -10 WHERE rowid = 1", [])
        .unwrap();
    let out = cli(&["validate", s(&copy)]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("1 results with a vote count that is negative"),
        "{said}"
    );
    let copy = dir.path().join("meta.campaign.gpkg");
    std::fs::copy(&file, &copy).unwrap();
    common::open_sql(&copy)
        .unwrap()
        .execute("DELETE FROM campaign_meta", [])
        .unwrap();
    let out = cli(&["validate", s(&copy)]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("lost its schema_version"), "{said}");
    let doors = dir.path().join("portes.csv");
    std::fs::write(
        &doors,
        "lon;lat;adresse;foyers\n-73,60;45,50;1 rue A;2\n-73,61;45,51;2 rue B;3\n",
    )
    .unwrap();
    let out = cli_ok(&["doors", s(&file), "import", s(&doors)]);
    assert!(
        out.contains("2 doors read") && out.contains("(5 households"),
        "{out}"
    );
    let feature = dir.path().join("one.geojson");
    std::fs::write(
        &feature,
        r#"{"type":"Feature","properties":{"address":"3 rue C"},"geometry":{"type":"Point","coordinates":[-73.62,45.52]}}"#,
    )
    .unwrap();
    let out = cli_ok(&["doors", s(&file), "import", s(&feature)]);
    assert!(out.contains("1 doors read"), "{out}");
}

#[test]
fn validate_finds_a_spatial_index_another_program_left_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.campaign.gpkg");
    cli_ok(&["new", s(&base), "--name", "Index"]);
    cli_ok(&[
        "doors",
        s(&base),
        "import",
        s(&fixture("helsinki-address-points.geojson")),
    ]);
    assert!(cli_ok(&["validate", s(&base)]).contains("valid campaign file"));
    let damaged = |name: &str, sql: &str| -> String {
        let copy = dir.path().join(format!("{name}.campaign.gpkg"));
        std::fs::copy(&base, &copy).unwrap();
        common::open_sql(&copy).unwrap().execute_batch(sql).unwrap();
        let out = cli(&["validate", s(&copy)]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = damaged(
        "rows-gone",
        "DELETE FROM rtree_doors_geom WHERE id IN (SELECT fid FROM doors LIMIT 3)",
    );
    assert!(
        said.contains("doors: 3 features are missing from its spatial index"),
        "{said}"
    );
    let said = damaged(
        "moved",
        "UPDATE rtree_doors_geom SET minx = minx + 1, maxx = maxx + 1 \
         WHERE id = (SELECT min(fid) FROM doors)",
    );
    assert!(
        said.contains("doors: 1 feature has another box in its spatial index"),
        "{said}"
    );
    let said = damaged(
        "no-trigger",
        "DROP TRIGGER rtree_doors_geom_insert; \
         INSERT INTO doors (uuid, geom) SELECT 'extra', geom FROM doors LIMIT 1",
    );
    assert!(
        said.contains("trigger rtree_doors_geom_insert is missing"),
        "{said}"
    );
    assert!(
        said.contains("doors: 1 feature is missing from its spatial index"),
        "{said}"
    );
}

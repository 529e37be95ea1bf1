//! The campaign file: creation, refusals of bad files (left byte-for-byte untouched), the
//! write lock, and schema upgrades.
#![allow(clippy::unwrap_used, clippy::float_cmp)] // Test helpers fail loudly; counts are exact.

mod common;

use campaign_planner::store::{Campaign, StoreError, schema};
use common::{bytes, fixture, montreal_campaign};

#[test]
fn a_new_campaign_is_a_geopackage_with_every_designed_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.campaign.gpkg");
    let campaign = Campaign::create(&path, "Test").unwrap();
    assert_eq!(campaign.name().unwrap(), "Test");
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    let names: Vec<String> = campaign
        .layers()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    for table in [
        "precincts",
        "turfs",
        "doors",
        "elections",
        "results",
        "results_totals",
        "teams",
        "turf_members",
        "assignments",
        "field_reports",
        "scoring",
        "campaign_meta",
    ] {
        assert!(
            names.contains(&table.to_owned()),
            "{table} missing from {names:?}"
        );
    }
    let report = campaign.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    drop(campaign);
    let head = bytes(&path);
    assert_eq!(&head[68..72], b"GPKG", "application_id");
    assert_eq!(
        u32::from_be_bytes(head[60..64].try_into().unwrap()),
        10_200,
        "user_version"
    );
    assert!(
        !dir.path().join("new.campaign.gpkg.lock").exists(),
        "lock removed on close"
    );
}

#[test]
fn every_travelling_table_has_uuid_updated_at_and_a_tombstone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.gpkg");
    drop(Campaign::create(&path, "T").unwrap());
    let conn = common::open_sql(&path).unwrap();
    let columns = |table: &str| -> Vec<String> {
        conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    for table in [
        "precincts",
        "turfs",
        "doors",
        "elections",
        "teams",
        "turf_members",
        "assignments",
        "field_reports",
        "scoring",
        "prints",
    ] {
        let columns = columns(table);
        for needed in ["uuid", "updated_at", "deleted_at"] {
            assert!(
                columns.contains(&needed.to_owned()),
                "{table} lacks {needed}"
            );
        }
    }
    // Results travel with their election (schema v2): they point at it and have no identity
    // of their own.
    for table in ["results", "results_totals"] {
        assert!(
            columns(table).contains(&"election_id".to_owned()),
            "{table}"
        );
    }
}

#[test]
fn creating_over_an_existing_file_is_refused_and_the_file_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("precious.gpkg");
    std::fs::write(&path, b"my precious data").unwrap();
    let err = Campaign::create(&path, "T").unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");
    assert_eq!(bytes(&path), b"my precious data");
}

/// Opens `path` both ways and checks the error, the message and that nothing changed.
fn refused(path: &std::path::Path, expect: impl Fn(&StoreError) -> bool, words: &str) {
    let before = bytes(path);
    for err in [
        Campaign::open(path).unwrap_err(),
        Campaign::open_read_only(path).unwrap_err(),
    ] {
        let message = err.to_string();
        assert!(expect(&err), "unexpected error: {message}");
        assert!(message.contains(words), "{message:?} should say {words:?}");
        assert!(
            message.contains(path.file_name().unwrap().to_str().unwrap()),
            "{message:?} should name the file"
        );
    }
    assert_eq!(
        bytes(path),
        before,
        "the file must be left byte-for-byte untouched"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.campaign.gpkg");
    std::fs::write(&path, "these are my notes, not a database\n".repeat(50)).unwrap();
    refused(
        &path,
        |e| matches!(e, StoreError::NotSqlite { .. }),
        "not a SQLite",
    );
}

#[test]
fn an_empty_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.campaign.gpkg");
    std::fs::write(&path, b"").unwrap();
    refused(&path, |e| matches!(e, StoreError::Empty { .. }), "empty");
}

#[test]
fn a_plain_geopackage_from_another_tool_is_refused_with_an_offer_to_import_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("districts.gpkg");
    std::fs::copy(fixture("montreal-mtm8.gpkg"), &path).unwrap();
    refused(
        &path,
        |e| {
            matches!(
                e,
                StoreError::NotACampaign {
                    kind: "a GeoPackage",
                    ..
                }
            )
        },
        "campaign-planner import",
    );
}

#[test]
fn a_plain_sqlite_database_is_refused_as_not_a_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    refused(
        &path,
        |e| {
            matches!(
                e,
                StoreError::NotACampaign {
                    kind: "a SQLite database",
                    ..
                }
            )
        },
        "not a campaign file",
    );
}

#[test]
fn a_truncated_campaign_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let full = montreal_campaign(dir.path());
    let data = bytes(&full);
    let path = dir.path().join("cut.campaign.gpkg");
    std::fs::write(&path, &data[..data.len() / 2]).unwrap();
    refused(
        &path,
        |e| matches!(e, StoreError::Truncated { .. }),
        "truncated",
    );
    // Cut inside the 100-byte header too.
    std::fs::write(&path, &data[..40]).unwrap();
    refused(
        &path,
        |e| matches!(e, StoreError::Truncated { .. }),
        "truncated",
    );
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = montreal_campaign(dir.path());
    let conn = common::open_sql(&path).unwrap();
    conn.execute(
        "UPDATE campaign_meta SET value = '99' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    refused(
        &path,
        |e| matches!(e, StoreError::NewerVersion { found: 99, .. }),
        "newer version",
    );
}

#[test]
fn a_missing_file_is_reported_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.campaign.gpkg");
    let err = Campaign::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("nowhere.campaign.gpkg"));
    assert!(!path.exists(), "opening must not create the file");
}

#[test]
fn a_second_program_opening_a_file_open_for_writing_is_told_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = montreal_campaign(dir.path());
    let campaign = Campaign::open(&path).unwrap();
    let stderr = common::cli_err(&[
        "import",
        common::s(&path),
        common::s(&fixture("montreal-districts.geojson")),
    ]);
    assert!(stderr.contains("already open for writing"), "{stderr}");
    assert!(
        stderr.contains(&format!("process {}", std::process::id())),
        "{stderr}"
    );
    // Reading is still allowed meanwhile.
    common::cli_ok(&["info", common::s(&path)]);
    drop(campaign);
    common::cli_ok(&[
        "import",
        common::s(&path),
        common::s(&fixture("montreal-districts.geojson")),
    ]);
}

#[test]
fn a_version_1_file_from_the_fixture_is_upgraded_with_every_field_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v1.sql")).unwrap())
        .unwrap();
    drop(conn);

    let campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v1 fixture");
    let precincts = campaign.read_table("precincts").unwrap();
    assert_eq!(precincts.rows.len(), 3);
    let code = precincts.columns.iter().position(|c| c == "code").unwrap();
    let name = precincts.columns.iter().position(|c| c == "name").unwrap();
    assert_eq!(
        precincts.rows[0][code],
        rusqlite::types::Value::Text("11".into())
    );
    assert_eq!(
        precincts.rows[0][name],
        rusqlite::types::Value::Text("11-Sault-au-Récollet".into())
    );
    assert!(
        precincts
            .geometries
            .as_ref()
            .unwrap()
            .iter()
            .all(Option::is_some)
    );
    let elections = campaign.elections().unwrap();
    assert_eq!(elections.len(), 1);
    assert_eq!(elections[0].name, "Mairie 2013");
    assert_eq!(elections[0].date.as_deref(), Some("2013-11-03"));
    assert_eq!(elections[0].round, Some(1));
    assert_eq!(campaign.read_table("teams").unwrap().rows.len(), 1);
    assert_eq!(campaign.read_table("scoring").unwrap().rows.len(), 1);
    // Version 2 moved results under their election: the row and its figures survive.
    let data = campaign.scoring_data().unwrap();
    assert_eq!(data.elections.len(), 1);
    let e = &data.elections[0];
    assert_eq!(e.lists, vec!["Joly".to_owned()]);
    let p = data.codes.iter().position(|c| c == "11").unwrap();
    assert_eq!(e.votes[0][p], 2081.0);
    assert_eq!(e.valid[p], 6500.0);
    assert!(e.registered[p].is_nan());
    let (election_id, list): (i64, String) = campaign
        .conn_for_tests()
        .query_row("SELECT election_id, list FROM results", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((election_id, list.as_str()), (1, "Joly"));
    drop(campaign);
    // The upgrade was written: the file now reads as the current version.
    let again = Campaign::open_read_only(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), schema::CURRENT_VERSION);
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_campaign_meta_without_a_readable_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v0.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v1.sql")).unwrap())
        .unwrap();
    conn.execute(
        "UPDATE campaign_meta SET value = 'garbage' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let before = bytes(&path);
    assert!(Campaign::open(&path).is_err());
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_version_2_file_from_the_fixture_is_upgraded_with_its_doors_read_into_address_parts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v2.sql")).unwrap())
        .unwrap();
    drop(conn);

    let campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v2 fixture");
    assert_eq!(campaign.read_table("precincts").unwrap().rows.len(), 3);
    // The doors, their households and their places are kept; their parts are read.
    let doors = campaign.doors().unwrap();
    assert_eq!(doors.len(), 3);
    assert_eq!(doors.iter().map(|d| d.households).sum::<i64>(), 7);
    let paix = doors
        .iter()
        .find(|d| d.address == "12 bis rue de la Paix")
        .unwrap();
    assert_eq!(paix.street.as_deref(), Some("rue de la Paix"));
    assert_eq!(paix.housenumber, Some(12));
    assert_eq!(paix.suffix.as_deref(), Some("bis"));
    let blank = doors.iter().find(|d| d.address.is_empty()).unwrap();
    assert_eq!((blank.street.as_deref(), blank.housenumber), (None, None));
    // The turf, the team and the assignment survive; the turf has no meeting point yet.
    let turfs = campaign.turfs().unwrap();
    assert_eq!(turfs.len(), 1);
    assert_eq!(turfs[0].name, "Nord");
    assert_eq!(campaign.read_table("teams").unwrap().rows.len(), 1);
    assert_eq!(campaign.read_table("assignments").unwrap().rows.len(), 1);
    let meeting: Option<f64> = campaign
        .conn_for_tests()
        .query_row("SELECT meeting_lon FROM turfs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(meeting, None);
    // The streets layer is there, empty, and declared to GeoPackage readers.
    let declared: String = campaign
        .conn_for_tests()
        .query_row(
            "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'streets'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(declared, "LINESTRING");
    drop(campaign);
    let again = Campaign::open_read_only(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), schema::CURRENT_VERSION);
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_version_3_file_from_the_fixture_is_upgraded_with_its_streets_doors_and_meeting_point_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v3.sql")).unwrap())
        .unwrap();
    drop(conn);

    let campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v3 fixture");
    let doors = campaign.doors().unwrap();
    assert_eq!(doors.len(), 108);
    assert!(
        doors
            .iter()
            .all(|d| d.street.is_some() && d.housenumber.is_some())
    );
    assert_eq!(campaign.street_count().unwrap(), 53);
    let turfs = campaign.turfs().unwrap();
    assert_eq!(turfs.len(), 2);
    assert_eq!(
        campaign.meeting_point(&turfs[0].uuid).unwrap(),
        Some((24.941, 60.169))
    );
    assert_eq!(campaign.read_table("assignments").unwrap().rows.len(), 1);
    // The print tables are there, empty, and declared.
    assert_eq!(campaign.read_table("prints").unwrap().rows.len(), 0);
    assert_eq!(campaign.read_table("print_rows").unwrap().rows.len(), 0);
    drop(campaign);
    let again = Campaign::open_read_only(&path).unwrap();
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_version_4_file_from_the_fixture_is_upgraded_with_its_print_and_old_session_kept_and_a_replica_given()
 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v4.sql")).unwrap())
        .unwrap();
    drop(conn);

    let mut campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v4 fixture");
    assert_eq!(campaign.doors().unwrap().len(), 108);
    let print = campaign.print_by_code("t001-ewc").unwrap().unwrap();
    assert_eq!(campaign.print_rows(&print.uuid).unwrap().len(), 54);
    // The session typed before the upgrade keeps its figures; its new columns are empty.
    let sessions = campaign.sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(
        (s.report.knocked, s.report.opened, s.report.quality),
        (40, 17, Some(4))
    );
    assert!(s.report.opponent_seen && s.report.notes == "Rue calme");
    assert_eq!(s.turf.as_deref(), Some("Auto 1"));
    assert!(s.print.is_none() && s.report.canvassers.is_none());
    // The file has its own replica identity, and the visits table is there, empty, declared.
    assert_eq!(campaign.replica().unwrap().len(), 36);
    assert_eq!(campaign.read_table("door_visits").unwrap().rows.len(), 0);
    // A sheet can be entered into the upgraded file.
    let mut rows = vec![campaign_planner::domain::field::RowEntry::default(); 54];
    rows[0].outcome = Some('O');
    let today = campaign_planner::domain::date::Date::parse("2026-11-26").unwrap();
    let written = campaign
        .enter_sheet(
            &print.uuid,
            print_day(&print.printed_at),
            &rows,
            None,
            today,
        )
        .unwrap();
    assert_eq!(written.new, 1);
    drop(campaign);
    let again = Campaign::open_read_only(&path).unwrap();
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

fn print_day(printed_at: &str) -> campaign_planner::domain::date::Date {
    campaign_planner::domain::date::Date::of_timestamp(printed_at).unwrap()
}

#[test]
fn a_version_5_file_from_the_fixture_is_upgraded_with_its_visits_and_sessions_kept_and_becomes_a_master()
 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v5.sql")).unwrap())
        .unwrap();
    drop(conn);

    let campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v5 fixture");
    assert_eq!(campaign.meta("kind").unwrap().as_deref(), Some("master"));
    assert_eq!(campaign.pack_team().unwrap(), None);
    assert_eq!(campaign.read_table("door_visits").unwrap().rows.len(), 54);
    let sessions = campaign.sessions().unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(
        sessions
            .iter()
            .any(|s| s.uuid == "0b9f3c1e-5d2a-4e6b-9c8d-7a6b5c4d3e2f" && s.report.knocked == 30)
    );
    let print = campaign.print_by_code("T001-GNR").unwrap().unwrap();
    assert_eq!(campaign.sheet_state(&print.uuid).unwrap().rows.len(), 54);
    assert_eq!(campaign.read_table("merges").unwrap().rows.len(), 0);
    drop(campaign);
    let again = Campaign::open_read_only(&path).unwrap();
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_version_6_file_from_the_fixture_is_upgraded_with_its_merge_kept_and_gains_list_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v6.sql")).unwrap())
        .unwrap();
    drop(conn);

    let campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v6 fixture");
    assert_eq!(campaign.read_table("door_visits").unwrap().rows.len(), 10);
    assert_eq!(campaign.merges().unwrap().len(), 1);
    assert!(campaign.print_by_code("T001-H4T").unwrap().is_some());
    assert_eq!(
        campaign.read_table("list_attributes").unwrap().rows.len(),
        0
    );
    assert!(campaign.nuances().unwrap().is_empty());
    drop(campaign);
    let again = Campaign::open_read_only(&path).unwrap();
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_version_7_file_from_the_fixture_is_upgraded_with_its_nuances_kept_and_its_doors_indexed_by_precinct()
 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.campaign.gpkg");
    let conn = common::open_sql(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v7.sql")).unwrap())
        .unwrap();
    drop(conn);

    let campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v7 fixture");
    assert_eq!(campaign.nuances().unwrap().len(), 3);
    assert_eq!(campaign.doors().unwrap().len(), 6);
    assert_eq!(campaign.turfs().unwrap().len(), 1);
    // The count of a precinct's doors is found by the index, not by a scan of every door.
    let plan: String = campaign
        .conn_for_tests()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT sum(households) FROM doors \
             WHERE precinct_uuid = 'x' AND deleted_at IS NULL",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("doors_precinct"), "{plan}");
    drop(campaign);
    let again = Campaign::open_read_only(&path).unwrap();
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_version_8_file_from_the_fixture_is_upgraded_with_an_r_tree_of_every_feature_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v8.campaign.gpkg");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture("schema/v8.sql")).unwrap())
        .unwrap();
    drop(conn);

    let campaign = Campaign::open(&path).unwrap();
    assert_eq!(campaign.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(campaign.name().unwrap(), "Schema v8 fixture");
    assert_eq!(campaign.doors().unwrap().len(), 6);
    let conn = campaign.conn_for_tests();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    for (layer, features) in [("precincts", 4), ("turfs", 1), ("doors", 6), ("streets", 0)] {
        assert_eq!(
            count(&format!("SELECT count(*) FROM rtree_{layer}_geom")),
            features,
            "{layer}"
        );
    }
    assert_eq!(
        count(
            "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' \
             AND column_name = 'geom' AND scope = 'write-only'"
        ),
        4
    );
    // A door's box is its point, from the blob the fixture holds.
    let (x, minx, maxx): (f64, f64, f64) = conn
        .query_row(
            "SELECT ST_MinX(d.geom), r.minx, r.maxx FROM doors d \
             JOIN rtree_doors_geom r ON r.id = d.fid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    // SQLite's R-tree keeps 32-bit floats, rounded outwards.
    assert!(
        minx <= x && x <= maxx && maxx - minx < 1e-5,
        "{minx} {x} {maxx}"
    );
    drop(campaign);
    let again = Campaign::open_read_only(&path).unwrap();
    let report = again.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

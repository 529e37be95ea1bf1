//! Team packs and their merge (DESIGN §11), as properties over random edit sequences on the
//! master and on two teams' packs (proptest): merging twice is merging once; any order gives
//! the same field tables; nothing is lost or doubled; the newer version wins; tombstones stay;
//! plan edits in a pack never reach the master; a pack sent back unchanged changes nothing;
//! progress is the same whatever the order. And: a pack's privacy, schema versions, clock
//! skew, a crash mid-merge, GDAL reading both files.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use campaign_planner::domain::date::Date;
use campaign_planner::domain::field::progress::{By, ProgressSettings, progress};
use campaign_planner::domain::field::{RowEntry, SessionReport};
use campaign_planner::domain::turf::TeamId;
use campaign_planner::store::{Campaign, NewSession, PackOptions};
use common::{add_nord, cli_err, cli_ok, eglise, s};
use proptest::prelude::*;

fn day(offset: i64) -> Date {
    Date::today().plus_days(offset).unwrap()
}

/// The template: the Église campaign (12 doors, turf "Église" of "Équipe Cœur") and a turf
/// "Nord" of 10 doors on the Rue du Nord held by "Équipe Nord", both printed a week ago.
fn template() -> &'static Path {
    static T: OnceLock<PathBuf> = OnceLock::new();
    T.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let file = eglise(&dir);
        add_nord(&dir, &file);
        cli_ok(&["team", s(&file), "create", "Équipe Nord"]);
        let week_ago = day(-7).to_string();
        cli_ok(&[
            "team",
            s(&file),
            "assign",
            "Équipe Nord",
            "Nord",
            "--date",
            &week_ago,
        ]);
        for turf in ["Église", "Nord"] {
            cli_ok(&[
                "sheets",
                s(&file),
                "--turf",
                turf,
                "--out",
                s(&dir.join("out")),
            ]);
        }
        let conn = common::open_sql(&file).unwrap();
        conn.execute(
            "UPDATE prints SET printed_at = ?1",
            [format!("{week_ago}T09:00:00.000Z")],
        )
        .unwrap();
        drop(conn);
        file
    })
}

/// A private copy of the template.
fn copy(dir: &Path, name: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::copy(template(), &file).unwrap();
    file
}

fn team(c: &Campaign, name: &str) -> TeamId {
    c.teams()
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap()
        .uuid
}

/// The field rows of a file: (table, uuid) → every column but the local id and the source.
fn field_dump(file: &Path) -> BTreeMap<(String, String), Vec<String>> {
    let conn = common::open_sql(file).unwrap();
    let mut out = BTreeMap::new();
    for table in ["door_visits", "field_reports", "prints"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let uuid = names.iter().position(|n| n == "uuid").unwrap();
        let rows: Vec<Vec<String>> = stmt
            .query_map([], |r| {
                (0..names.len())
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect()
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for row in rows {
            let kept: Vec<String> = row
                .iter()
                .zip(&names)
                .filter(|(_, n)| !matches!(n.as_str(), "id" | "source"))
                .map(|(v, n)| format!("{n}={v}"))
                .collect();
            out.insert(
                (table.to_owned(), row[uuid].trim_matches('"').to_owned()),
                kept,
            );
        }
    }
    out
}

/// The plan tables of a file, every column.
fn plan_dump(file: &Path) -> Vec<String> {
    let conn = common::open_sql(file).unwrap();
    let mut out = Vec::new();
    for table in [
        "precincts",
        "turfs",
        "turf_members",
        "teams",
        "assignments",
        "doors",
        "streets",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out.extend(rows.into_iter().map(|r| format!("{table}: {r}")));
    }
    out
}

const SESSIONS: [&str; 3] = [
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
];

/// One edit a master or a team makes.
#[derive(Clone, Debug)]
enum Op {
    /// A sheet of the turf (0 Église, 1 Nord) typed: a code (or blank) per row, n days ago.
    Enter(usize, Vec<Option<char>>, i64),
    /// A session of a turf, under one of three uuids (or a new one).
    Session(usize, u32, u32, Option<usize>),
    /// One of the three sessions deleted.
    Delete(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let code = prop_oneof![
        Just(None),
        Just(Some('A')),
        Just(Some('O')),
        Just(Some('R')),
        Just(Some('X'))
    ];
    prop_oneof![
        (0..2_usize, proptest::collection::vec(code, 1..10), 0..5_i64)
            .prop_map(|(t, c, d)| Op::Enter(t, c, d)),
        (
            0..2_usize,
            0..20_u32,
            0..20_u32,
            proptest::option::of(0..3_usize)
        )
            .prop_map(|(t, k, o, u)| Op::Session(t, k.max(o), o.min(k), u)),
        (0..3_usize).prop_map(Op::Delete),
    ]
}

/// Applies `op` to `c` (a master, or a pack of the turf's team: edits of another team's turf
/// are skipped, a pack has none).
fn apply(c: &mut Campaign, op: &Op) {
    let turfs = c.turfs().unwrap();
    let name = |t: usize| ["Église", "Nord"][t];
    match op {
        Op::Enter(t, codes, ago) => {
            let Some(turf) = turfs.iter().find(|x| x.name == name(*t)) else {
                return;
            };
            let print: String = c
                .conn_for_tests()
                .query_row(
                    "SELECT uuid FROM prints WHERE turf_uuid = ?1 ORDER BY id LIMIT 1",
                    [turf.uuid.as_str()],
                    |r| r.get(0),
                )
                .unwrap();
            let rows = c.print_rows(&print).unwrap();
            let entries: Vec<RowEntry> = rows
                .iter()
                .zip(codes.iter().chain(std::iter::repeat(&None)))
                .map(|(_, code)| RowEntry {
                    outcome: *code,
                    note: if code.is_some() {
                        "secret-note".to_owned()
                    } else {
                        String::new()
                    },
                    ..RowEntry::default()
                })
                .collect();
            c.enter_sheet(&print, day(-*ago), &entries, None, Date::today())
                .unwrap();
        }
        Op::Session(t, knocked, opened, uuid) => {
            let Some(turf) = turfs.iter().find(|x| x.name == name(*t)) else {
                return;
            };
            c.record_session(
                &NewSession {
                    uuid: uuid.map(|u| SESSIONS[u].to_owned()),
                    turf: Some(turf.uuid.to_string()),
                    team: None,
                    print: None,
                    report: SessionReport {
                        date: day(-1),
                        start: None,
                        end: None,
                        canvassers: None,
                        knocked: *knocked,
                        opened: *opened,
                        quality: None,
                        opponent_seen: false,
                        notes: String::new(),
                    },
                },
                Date::today(),
            )
            .unwrap();
        }
        Op::Delete(u) => c.delete_session(SESSIONS[*u]).unwrap(),
    }
}

fn totals(file: &Path) -> (u32, String, String) {
    let c = Campaign::open_read_only(file).unwrap();
    let settings = ProgressSettings {
        today: Date::today(),
        election: None,
        stale_days: 7,
        priority_top: 2,
    };
    let p = progress(&c.field_facts().unwrap(), &settings, By::Turf);
    (
        p.sessions,
        format!("{:.3}", p.knocked),
        format!("{:.3}", p.opened),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn merges_are_idempotent_commutative_lossless_and_the_newer_version_wins(
        before in proptest::collection::vec(op(), 0..4),
        master_after in proptest::collection::vec(op(), 0..4),
        team_a in proptest::collection::vec(op(), 0..4),
        team_b in proptest::collection::vec(op(), 0..4),
        plan_edit in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let m = copy(dir.path(), "m.gpkg");
        let (pa, pb) = (dir.path().join("a.gpkg"), dir.path().join("b.gpkg"));
        {
            let mut c = Campaign::open(&m).unwrap();
            for o in &before {
                apply(&mut c, o);
            }
            c.write_pack(&team(&c, "Équipe Cœur"), &pa, PackOptions::default()).unwrap();
            c.write_pack(&team(&c, "Équipe Nord"), &pb, PackOptions::default()).unwrap();
            for o in &master_after {
                apply(&mut c, o);
            }
        }
        for (pack, ops) in [(&pa, &team_a), (&pb, &team_b)] {
            let mut c = Campaign::open(pack).unwrap();
            for o in ops {
                apply(&mut c, o);
            }
        }
        if plan_edit {
            // A pack's plan edited behind the app's back (in QGIS, say).
            let conn = common::open_sql(&pa).unwrap();
            conn.execute("UPDATE turfs SET name = 'Renamed', updated_at = '2099-01-01T00:00:00.000Z'", []).unwrap();
            conn.execute("UPDATE doors SET address = 'Elsewhere'", []).unwrap();
        }
        let plan_before = plan_dump(&m);
        let master_rows = field_dump(&m);
        let (rows_a, rows_b) = (field_dump(&pa), field_dump(&pb));

        // Both orders, on two copies.
        let ab = dir.path().join("ab.gpkg");
        let ba = dir.path().join("ba.gpkg");
        std::fs::copy(&m, &ab).unwrap();
        std::fs::copy(&m, &ba).unwrap();
        {
            let mut c = Campaign::open(&ab).unwrap();
            let first = c.merge_pack(&pa, false).unwrap();
            c.merge_pack(&pb, false).unwrap();
            if plan_edit {
                prop_assert!(first.tables.iter().any(|t| t.ignored > 0), "{first:?}");
            }
            // Merging again changes nothing.
            let once = field_dump(&ab);
            let again = c.merge_pack(&pa, false).unwrap();
            prop_assert!(again.already_merged);
            prop_assert_eq!(field_dump(&ab), once);
        }
        {
            let mut c = Campaign::open(&ba).unwrap();
            c.merge_pack(&pb, false).unwrap();
            c.merge_pack(&pa, false).unwrap();
        }
        let (merged, other) = (field_dump(&ab), field_dump(&ba));
        prop_assert_eq!(&merged, &other, "the order of the packs matters");
        prop_assert_eq!(totals(&ab), totals(&ba));
        // Nothing lost, nothing doubled: the union of uuids, once each.
        let union: BTreeSet<_> = master_rows.keys().chain(rows_a.keys()).chain(rows_b.keys()).cloned().collect();
        prop_assert_eq!(merged.keys().cloned().collect::<BTreeSet<_>>(), union);
        // The newer version wins, column by column, tombstones included.
        for (key, row) in &merged {
            let version = |r: &Vec<String>| {
                let get = |name: &str| r.iter().find(|c| c.starts_with(&format!("{name}="))).cloned().unwrap_or_default();
                (get("updated_at"), get("replica_uuid"))
            };
            let newest = [master_rows.get(key), rows_a.get(key), rows_b.get(key)]
                .into_iter()
                .flatten()
                .max_by_key(|r| version(r))
                .unwrap();
            prop_assert_eq!(version(row), version(newest));
        }
        // Headquarters' plan is untouched.
        prop_assert_eq!(plan_dump(&ab), plan_before);
    }
}

#[test]
fn a_pack_sent_back_unchanged_changes_nothing_and_holds_nothing_of_another_team() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("coeur.gpkg");
    {
        let mut c = Campaign::open(&m).unwrap();
        apply(&mut c, &Op::Enter(0, vec![Some('O'); 12], 2));
        apply(&mut c, &Op::Enter(1, vec![Some('R'); 10], 2));
        let w = c
            .write_pack(&team(&c, "Équipe Cœur"), &pack, PackOptions::default())
            .unwrap();
        assert_eq!((w.turfs, w.doors), (1, 12), "{w:?}");
        assert!(w.bytes < 2_000_000);
    }
    let conn = common::open_sql(&pack).unwrap();
    let free: i64 = conn
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(free, 0);
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM turfs WHERE name = 'Nord'"), 0);
    assert_eq!(count("SELECT count(*) FROM teams"), 1);
    assert_eq!(count("SELECT count(*) FROM door_visits"), 12);
    assert_eq!(
        count("SELECT count(*) FROM door_visits WHERE note <> ''"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM precincts WHERE priority IS NOT NULL"),
        0
    );
    drop(conn);
    // Not a byte of the other team's street, nor of the notes.
    let bytes = std::fs::read(&pack).unwrap();
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!has("Rue du Nord") && !has("secret-note") && has("glise"));

    let before = (field_dump(&m), plan_dump(&m));
    let report = Campaign::open(&m)
        .unwrap()
        .merge_pack(&pack, false)
        .unwrap();
    assert_eq!(report.changed(), 0, "{report:?}");
    assert_eq!((field_dump(&m), plan_dump(&m)), before);

    // Notes travel only when asked.
    let with = dir.path().join("notes.gpkg");
    let c = Campaign::open(&m).unwrap();
    c.write_pack(
        &team(&c, "Équipe Cœur"),
        &with,
        PackOptions {
            include_notes: true,
            include_support: false,
        },
    )
    .unwrap();
    drop(c);
    let bytes = std::fs::read(&with).unwrap();
    assert!(bytes.windows(11).any(|w| w == b"secret-note"));
}

#[test]
fn a_pack_refuses_plan_edits_and_another_campaign_s_pack_or_a_newer_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("p.gpkg");
    cli_ok(&["pack", s(&m), "--team", "Équipe Cœur", "--out", s(&pack)]);
    let err = cli_err(&["turf", s(&pack), "rename", "Église", "Autre"]);
    assert!(err.contains("team pack of \"Équipe Cœur\""), "{err}");
    // Sheets print and reports enter in a pack.
    cli_ok(&[
        "sheets",
        s(&pack),
        "--turf",
        "Église",
        "--out",
        s(&dir.path().join("o")),
    ]);

    let other = dir.path().join("other.gpkg");
    cli_ok(&["new", s(&other), "--name", "Autre campagne"]);
    let err = cli_err(&["merge", s(&other), s(&pack)]);
    assert!(err.contains("another campaign"), "{err}");

    // A pack of a newer schema: refused, the master byte for byte as it was.
    let newer = dir.path().join("newer.gpkg");
    std::fs::copy(&pack, &newer).unwrap();
    common::open_sql(&newer)
        .unwrap()
        .execute(
            "UPDATE campaign_meta SET value = '99' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    let before = std::fs::read(&m).unwrap();
    let err = cli_err(&["merge", s(&m), s(&newer)]);
    assert!(err.contains("99"), "{err}");
    assert_eq!(std::fs::read(&m).unwrap(), before);
}

#[test]
fn a_pack_of_the_previous_schema_is_merged_from_an_upgraded_copy_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("p.gpkg");
    cli_ok(&["pack", s(&m), "--team", "Équipe Nord", "--out", s(&pack)]);
    {
        let mut c = Campaign::open(&pack).unwrap();
        apply(&mut c, &Op::Enter(1, vec![Some('A'), Some('O')], 1));
    }
    // Back to version 5, as an older build would have written it.
    let old = common::open_sql(&pack).unwrap();
    for table in ["precincts", "turfs", "doors", "streets"] {
        old.execute_batch(&format!("DROP TABLE rtree_{table}_geom;"))
            .unwrap();
        for trigger in [
            "insert", "update1", "update2", "update3", "update4", "delete",
        ] {
            old.execute_batch(&format!("DROP TRIGGER rtree_{table}_geom_{trigger};"))
                .unwrap();
        }
    }
    old.execute_batch(
        "DROP TABLE merges; DELETE FROM gpkg_contents WHERE table_name = 'merges';
             ALTER TABLE prints DROP COLUMN replica_uuid;
             DROP INDEX door_visits_print; DROP INDEX field_reports_uuid_version;
             CREATE UNIQUE INDEX door_visits_print_door ON door_visits(print_uuid, door_uuid)
               WHERE print_uuid IS NOT NULL AND deleted_at IS NULL;
             DROP TABLE list_attributes;
             DROP INDEX doors_precinct; DROP INDEX turf_members_precinct;
             DROP INDEX turf_members_door; DROP INDEX door_visits_turf;
             DROP INDEX results_totals_code;
             DROP TABLE gpkg_extensions;
             DELETE FROM gpkg_contents WHERE table_name = 'list_attributes';
             UPDATE campaign_meta SET value = '5' WHERE key = 'schema_version';",
    )
    .unwrap();
    let bytes = std::fs::read(&pack).unwrap();
    let said = cli_ok(&["merge", s(&m), s(&pack)]);
    assert!(said.contains("door_visits    2 new"), "{said}");
    assert!(
        !said.contains("prints"),
        "the sheet is the same on both sides: {said}"
    );
    assert_eq!(
        std::fs::read(&pack).unwrap(),
        bytes,
        "the pack is only read"
    );
}

#[test]
fn a_pack_whose_clock_runs_ahead_is_merged_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("p.gpkg");
    cli_ok(&["pack", s(&m), "--team", "Équipe Nord", "--out", s(&pack)]);
    {
        let mut c = Campaign::open(&pack).unwrap();
        apply(&mut c, &Op::Enter(1, vec![Some('A')], 1));
    }
    common::open_sql(&pack)
        .unwrap()
        .execute(
            "UPDATE door_visits SET updated_at = '2099-01-01T00:00:00.000Z'",
            [],
        )
        .unwrap();
    let said = cli_ok(&["merge", s(&m), s(&pack)]);
    assert!(said.contains("runs more than 10 minutes ahead"), "{said}");
    // Later edits at headquarters are newer still: the clock moved past what it saw.
    let mut c = Campaign::open(&m).unwrap();
    apply(&mut c, &Op::Session(0, 3, 1, Some(0)));
    let stamp: String = c
        .conn_for_tests()
        .query_row(
            "SELECT updated_at FROM field_reports WHERE uuid = ?1",
            [SESSIONS[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stamp.as_str() > "2099-01-01T00:00:00.000Z", "{stamp}");
}

#[test]
fn killing_the_process_mid_merge_leaves_the_master_as_it_was_and_gdal_reads_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("p.gpkg");
    cli_ok(&["pack", s(&m), "--team", "Équipe Cœur", "--out", s(&pack)]);
    {
        let mut c = Campaign::open(&pack).unwrap();
        apply(&mut c, &Op::Enter(0, vec![Some('O'); 12], 1));
    }
    let before = field_dump(&m);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args(["merge", s(&m), s(&pack)])
        .env("CAMPAIGN_PLANNER_TEST_COMMIT_DELAY_MS", "3000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    child.kill().unwrap();
    child.wait().unwrap();
    drop(Campaign::open(&m).unwrap()); // the journal rolled back
    assert_eq!(field_dump(&m), before);
    cli_ok(&["merge", s(&m), s(&pack)]);
    assert_ne!(field_dump(&m), before);
    for file in [&m, &pack] {
        let out = std::process::Command::new("ogrinfo")
            .args(["-ro", "-so", "-q", s(file)])
            .output()
            .expect("ogrinfo (gdal-bin) must be installed: run `bash .ci/run`");
        let listing = String::from_utf8_lossy(&out.stdout);
        for layer in ["doors", "turfs", "door_visits", "prints", "merges"] {
            assert!(listing.contains(layer), "{}: {listing}", file.display());
        }
    }
}

fn app(file: &Path) -> egui_kittest::Harness<'static, campaign_planner::app::PlannerApp> {
    let file = file.to_path_buf();
    let mut h = egui_kittest::Harness::builder()
        .with_size((1280.0, 900.0))
        .build_eframe(move |cc| {
            campaign_planner::app::PlannerApp::new(
                &cc.egui_ctx,
                Some(campaign_planner::state::Session::open(&file).unwrap()),
                campaign_planner::domain::numbers::Lang::En,
            )
        });
    h.run_steps(3);
    h
}

#[test]
fn a_pack_dropped_on_the_app_is_previewed_then_merged_and_a_pack_opened_says_whose_it_is() {
    use egui_kittest::kittest::Queryable as _;
    let dir = tempfile::tempdir().unwrap();
    campaign_planner::paths::set_data_dir(dir.path().join("data"));
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("nord.pack.gpkg");
    cli_ok(&["pack", s(&m), "--team", "Équipe Nord", "--out", s(&pack)]);
    {
        let mut c = Campaign::open(&pack).unwrap();
        apply(
            &mut c,
            &Op::Enter(1, vec![Some('O'), Some('A'), Some('R')], 1),
        );
    }
    // The pack opened alone: its team is said, a plan edit is refused in words.
    {
        let mut h = app(&pack);
        h.get_by_label("Team pack: Équipe Nord");
        h.state_mut().forms.team_name = "Nouvelle".to_owned();
        h.run();
        h.get_by_label("Create team").click();
        h.run_steps(2);
        let said = h.state().view.message.clone().unwrap().text;
        assert!(said.contains("team pack of \"Équipe Nord\""), "{said}");
    }
    // Dropped on the master: the preview, then the merge.
    let mut h = app(&m);
    h.state_mut()
        .push(campaign_planner::state::Action::Dropped(vec![pack.clone()]));
    h.run_steps(4);
    h.get_by_label_contains("door_visits: 3 new");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Merge these packs")
        .click();
    h.run_steps(2);
    let said = h.state().view.message.clone().unwrap().text;
    assert!(
        said.contains("Packs merged: 1; rows new or updated: 3"),
        "{said}"
    );
    let knocked = h
        .state()
        .session
        .as_ref()
        .unwrap()
        .field
        .progress
        .as_ref()
        .unwrap()
        .knocked;
    assert!((knocked - 3.0).abs() < 1e-9, "{knocked}");
}

#[test]
fn a_pack_made_without_notes_or_support_never_blanks_them_at_headquarters() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("p.gpkg");
    {
        let mut c = Campaign::open(&m).unwrap();
        // Headquarters typed the sheet with notes (apply writes "secret-note") and a support.
        apply(&mut c, &Op::Enter(1, vec![Some('O'), Some('A')], 3));
        c.conn_for_tests()
            .execute("UPDATE door_visits SET support = 4", [])
            .unwrap();
        c.write_pack(&team(&c, "Équipe Nord"), &pack, PackOptions::default())
            .unwrap();
    }
    // The team corrects the first row in its pack (its note and support are blank there).
    {
        let mut c = Campaign::open(&pack).unwrap();
        let print: String = c
            .conn_for_tests()
            .query_row("SELECT uuid FROM prints LIMIT 1", [], |r| r.get(0))
            .unwrap();
        let mut rows = c.sheet_state(&print).unwrap().rows;
        rows[0].outcome = Some('R');
        c.enter_sheet(&print, day(-3), &rows, None, Date::today())
            .unwrap();
    }
    let said = cli_ok(&["merge", s(&m), s(&pack)]);
    assert!(!said.contains("note"), "{said}");
    let conn = common::open_sql(&m).unwrap();
    let (outcome, note, support): (String, String, Option<i64>) = conn
        .query_row(
            "SELECT outcome, note, support FROM door_visits WHERE deleted_at IS NULL \
             ORDER BY updated_at DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (outcome.as_str(), note.as_str(), support),
        ("R", "secret-note", Some(4))
    );
}

#[test]
fn a_team_without_turfs_gets_no_pack_and_a_missing_pack_stops_the_merge_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    cli_ok(&["team", s(&m), "create", "Idle"]);
    let out = dir.path().join("idle.gpkg");
    let err = cli_err(&["pack", s(&m), "--team", "Idle", "--out", s(&out)]);
    assert!(err.contains("holds no turf"), "{err}");
    assert!(!out.exists());
    let err = cli_err(&["pack", s(&m), "--team", "Nobody", "--out", s(&out)]);
    assert!(err.contains("\"Équipe Nord\""), "{err}");

    let pack = dir.path().join("p.gpkg");
    cli_ok(&["pack", s(&m), "--team", "Équipe Nord", "--out", s(&pack)]);
    {
        let mut c = Campaign::open(&pack).unwrap();
        apply(&mut c, &Op::Enter(1, vec![Some('A')], 1));
    }
    let before = field_dump(&m);
    let err = cli_err(&["merge", s(&m), s(&pack), s(&dir.path().join("nope.gpkg"))]);
    assert!(
        err.contains("team pack not found") && err.contains("nothing was merged"),
        "{err}"
    );
    assert_eq!(field_dump(&m), before);
}

#[test]
fn visits_of_a_door_deleted_at_headquarters_are_merged_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let m = copy(dir.path(), "m.gpkg");
    let pack = dir.path().join("p.gpkg");
    cli_ok(&["pack", s(&m), "--team", "Équipe Nord", "--out", s(&pack)]);
    {
        let mut c = Campaign::open(&pack).unwrap();
        apply(&mut c, &Op::Enter(1, vec![Some('O'), Some('A')], 1));
    }
    // Meanwhile headquarters deleted the door of the first row.
    let door: String = common::open_sql(&pack)
        .unwrap()
        .query_row(
            "SELECT door_uuid FROM door_visits WHERE outcome = 'O'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    common::open_sql(&m)
        .unwrap()
        .execute(
            "UPDATE doors SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE uuid = ?1",
            [&door],
        )
        .unwrap();
    let report = Campaign::open(&m)
        .unwrap()
        .merge_pack(&pack, false)
        .unwrap();
    assert_eq!(report.visits_of_deleted_doors, 1, "{report:?}");
    assert_eq!(report.changed(), 2, "both visits are merged: {report:?}");
}

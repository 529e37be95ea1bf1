//! Field reports from the command line: a sheet entered by its print code, a session's totals,
//! corrections, the same thing entered twice, bad input refused, and every progress figure on
//! a small campaign computed by hand.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::path::{Path, PathBuf};

use campaign_planner::domain::date::Date;
use common::{add_nord, cli_err, cli_ok, eglise, s};

fn day(offset: i64) -> String {
    Date::today().plus_days(offset).unwrap().to_string()
}

/// The Église campaign (12 doors, turf "Église" of team "Équipe Cœur"), plus a precinct 0102
/// with 10 doors on the Rue du Nord in a turf "Nord" of the same team; the Église sheet is
/// printed and its print dated a week ago. Returns the file and the sheet's code.
fn campaign(dir: &Path) -> (PathBuf, String) {
    let file = eglise(dir);
    add_nord(dir, &file);
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Équipe Cœur",
        "Nord",
        "--date",
        &day(-7),
    ]);
    let said = cli_ok(&[
        "sheets",
        s(&file),
        "--turf",
        "Église",
        "--out",
        s(&dir.join("out")),
    ]);
    let code = said.split_whitespace().last().unwrap().to_owned();
    // Printed a week ago, so the sheet can be dated any day since.
    let conn = common::open_sql(&file).unwrap();
    conn.execute(
        "UPDATE prints SET printed_at = ?1",
        [format!("{}T09:00:00.000Z", day(-7))],
    )
    .unwrap();
    drop(conn);
    cli_ok(&[
        "report",
        s(&file),
        "settings",
        "--start",
        &day(-30),
        "--election-day",
        &day(10),
    ]);
    (file, code)
}

fn progress(file: &Path, by: &str) -> serde_json::Value {
    serde_json::from_str(&cli_ok(&["progress", s(file), "--json", "--by", by])).unwrap()
}

fn close(v: &serde_json::Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

#[test]
fn every_progress_figure_matches_the_hand_count_of_a_small_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let (file, code) = campaign(dir.path());
    // Rows 1–12: A A O A R P . I D X A O → knocked {A,O,R,P} = 8, opened {O,R,P} = 4.
    let said = cli_ok(&[
        "report",
        s(&file),
        "enter",
        &code.to_lowercase().replace('o', "0"),
        "--codes",
        "AAOARP.IDXAO",
        "--date",
        &day(-2),
        "--start",
        "17h",
        "--end",
        "19:00",
        "--canvassers",
        "2",
        "--quality",
        "5",
    ]);
    assert!(
        said.contains("11 new") && said.contains("8 knocked, 4 opened of 12 rows"),
        "{said}"
    );
    // Nord brought back counts only: 6 knocked, 3 opened, quality 3, the opponent seen.
    cli_ok(&[
        "report",
        s(&file),
        "session",
        "--date",
        &day(-1),
        "--turf",
        "nord",
        "--knocked",
        "6",
        "--opened",
        "3",
        "--quality",
        "3",
        "--opponent",
    ]);
    let p = progress(&file, "turf");
    assert_eq!(p["doors_assigned"], 22);
    assert!(
        close(&p["knocked"], 14.0) && close(&p["opened"], 7.0),
        "{p}"
    );
    assert!(close(&p["coverage"], 14.0 / 22.0), "{p}");
    assert!(close(&p["contact_rate"], 0.5), "{p}");
    // 2 canvassers × 2 hours; the Nord session gives no times.
    assert!(close(&p["canvasser_hours"], 4.0), "{p}");
    assert!(close(&p["doors_per_canvasser_hour"], 2.0), "{p}");
    assert!(close(&p["quality"], 4.0), "{p}");
    assert_eq!(p["sessions"], 2);
    assert_eq!(p["opponent_by_precinct"][0][0], "0102");
    // Pace: 8 doors left, 10 days to go; 14 knocks in the last 7 days.
    assert_eq!(p["pace"]["days_left"], 10);
    assert!(close(&p["pace"]["needed_per_day"], 0.8), "{p}");
    assert!(close(&p["pace"]["last_7_days_per_day"], 2.0), "{p}");
    let rows = p["rows"].as_array().unwrap();
    assert_eq!(rows[0]["key"], "Église");
    assert_eq!(rows[0]["doors"], 12);
    assert!(close(&rows[0]["knocked"], 8.0), "{p}");
    assert_eq!(rows[1]["key"], "Nord");
    assert!(close(&rows[1]["coverage"], 0.6), "{p}");
    // Days: one row per day, every knock of it.
    let days = progress(&file, "day");
    let rows = days["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["key"], day(-2));
    assert!(close(&rows[0]["knocked"], 8.0) && close(&rows[1]["knocked"], 6.0));
    // Teams: both turfs are the one team's.
    let teams = progress(&file, "team");
    assert_eq!(teams["rows"][0]["key"], "Équipe Cœur");
    assert!(close(&teams["rows"][0]["knocked"], 14.0), "{teams}");
    // The text form says the same.
    let text = cli_ok(&["progress", s(&file), "--by", "precinct"]);
    assert!(
        text.contains("coverage 63.6\u{a0}%") && text.contains("0102 Gymnase"),
        "{text}"
    );
}

#[test]
fn the_same_sheet_or_session_entered_twice_counts_once_and_a_correction_updates_its_visit() {
    let dir = tempfile::tempdir().unwrap();
    let (file, code) = campaign(dir.path());
    let enter = |codes: &str| {
        cli_ok(&[
            "report",
            s(&file),
            "enter",
            &code,
            "--codes",
            codes,
            "--date",
            &day(-1),
            "--quality",
            "4",
        ])
    };
    enter("AAAAAAAAAAAA");
    let again = enter("AAAAAAAAAAAA");
    assert!(again.contains("0 new, 0 updated, 12 unchanged"), "{again}");
    let fixed = enter("OAAAAAAAAAA.");
    assert!(
        fixed.contains("1 updated") && fixed.contains("1 cleared"),
        "{fixed}"
    );
    let p = progress(&file, "turf");
    assert!(
        close(&p["knocked"], 11.0) && close(&p["opened"], 1.0),
        "{p}"
    );
    // One session for the sheet, however often it is typed.
    assert_eq!(p["sessions"], 1);
    let conn = common::open_sql(&file).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM door_visits", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 12, "a correction is an update, never a second row");
    drop(conn);
    // A session sent twice with its uuid is one.
    let uuid = "5b0e4a3c-1d2e-4f60-8a7b-9c0d1e2f3a4b";
    for _ in 0..2 {
        cli_ok(&[
            "report",
            s(&file),
            "session",
            "--date",
            &day(-1),
            "--turf",
            "Nord",
            "--knocked",
            "5",
            "--opened",
            "2",
            "--uuid",
            uuid,
        ]);
    }
    let p = progress(&file, "turf");
    assert_eq!(p["sessions"], 2);
    assert!(close(&p["knocked"], 16.0), "{p}");
}

#[test]
fn bad_field_reports_are_refused_by_name_and_nothing_is_saved_half() {
    let dir = tempfile::tempdir().unwrap();
    let (file, code) = campaign(dir.path());
    let err = cli_err(&["report", s(&file), "enter", "T999-XXX", "--codes", "AA"]);
    assert!(err.contains("no walk sheet with the code"), "{err}");
    let err = cli_err(&["report", s(&file), "enter", &code, "--codes", "AAZ"]);
    assert!(err.contains("\"Z\"") || err.contains("'Z'"), "{err}");
    assert!(err.contains("row 3"), "{err}");
    let err = cli_err(&[
        "report",
        s(&file),
        "enter",
        &code,
        "--codes",
        "AAO",
        "--date",
        &day(11),
    ]);
    assert!(err.contains("future") || err.contains("election"), "{err}");
    let err = cli_err(&[
        "report",
        s(&file),
        "enter",
        &code,
        "--codes",
        "AAO",
        "--date",
        &day(-8),
    ]);
    assert!(err.contains("before the sheet was printed"), "{err}");
    let err = cli_err(&[
        "report",
        s(&file),
        "enter",
        &code,
        "--codes",
        "AAO",
        "--knocked",
        "2",
        "--opened",
        "3",
    ]);
    assert!(err.contains("3 doors opened but only 2 knocked"), "{err}");
    let err = cli_err(&[
        "report",
        s(&file),
        "enter",
        &code,
        "--codes",
        "AAAAAAAAAAAAA",
    ]);
    assert!(err.contains("row 13") && err.contains("12 rows"), "{err}");
    let err = cli_err(&[
        "report",
        s(&file),
        "session",
        "--date",
        &day(-1),
        "--turf",
        "Nord",
        "--knocked",
        "4",
        "--opened",
        "9",
    ]);
    assert!(err.contains("9 doors opened but only 4 knocked"), "{err}");
    // Nothing of any of them was kept.
    let p = progress(&file, "turf");
    assert!(close(&p["knocked"], 0.0) && p["sessions"] == 0, "{p}");
}

#[test]
fn a_sheet_typed_as_a_csv_of_rank_code_and_note_is_entered_and_a_bad_code_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let (file, code) = campaign(dir.path());
    let csv = dir.path().join("feuille.csv");
    std::fs::write(&csv, "rang;code;note\n1;O;chien méchant\n2;A\n12;r;\n").unwrap();
    let said = cli_ok(&[
        "report",
        s(&file),
        "enter",
        &code,
        "--csv",
        s(&csv),
        "--date",
        &day(-1),
    ]);
    assert!(
        said.contains("3 new") && said.contains("3 knocked, 2 opened"),
        "{said}"
    );
    let conn = common::open_sql(&file).unwrap();
    let note: String = conn
        .query_row(
            "SELECT note FROM door_visits WHERE outcome = 'O'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note, "chien méchant");
    drop(conn);
    std::fs::write(&csv, "1,O\n2,Q\n").unwrap();
    let err = cli_err(&["report", s(&file), "enter", &code, "--csv", s(&csv)]);
    assert!(err.contains("line 2") && err.contains("\"Q\""), "{err}");
}

#[test]
fn coverage_stays_within_each_turf_s_doors_and_a_turf_without_a_team_still_shows_its_doors() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = campaign(dir.path());
    // Nord has 10 doors: 25 knocked reported as totals count as 10 towards coverage.
    cli_ok(&[
        "report",
        s(&file),
        "session",
        "--date",
        &day(-1),
        "--turf",
        "Nord",
        "--knocked",
        "25",
        "--opened",
        "5",
    ]);
    let p = progress(&file, "turf");
    assert!(close(&p["coverage"], 10.0 / 22.0), "{p}");
    assert!(close(&p["pace"]["to_knock"], 12.0), "{p}");
    // A turf with no team: its row keeps its doors; the headline leaves it out.
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Libre",
        "--precincts",
        "0102",
        "--move",
    ]);
    let p = progress(&file, "turf");
    let libre = p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "Libre")
        .cloned()
        .unwrap();
    assert_eq!(libre["doors"], 10, "{p}");
}

#[test]
fn a_correction_keeps_the_session_s_other_fields_and_bad_session_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (file, code) = campaign(dir.path());
    let yesterday = day(-1);
    let enter = |extra: &[&str]| {
        let mut args = vec![
            "report",
            s(&file),
            "enter",
            &code,
            "--date",
            &yesterday,
            "--codes",
            "AOLAAAAAAAAAA",
        ];
        args.extend_from_slice(extra);
        cli_ok(&args)
    };
    enter(&[
        "--start",
        "17h",
        "--end",
        "19h",
        "--canvassers",
        "2",
        "--quality",
        "3",
    ]);
    enter(&["--quality", "5"]);
    let list: serde_json::Value =
        serde_json::from_str(&cli_ok(&["report", s(&file), "list", "--json"])).unwrap();
    let r = &list[0]["report"];
    assert_eq!(r["quality"], 5);
    assert_eq!(r["canvassers"], 2, "{list}");
    assert_eq!(r["start"], "17:00", "{list}");
    // "OL": talked, and a leaflet left on that row.
    let conn = common::open_sql(&file).unwrap();
    let leaflet: bool = conn
        .query_row(
            "SELECT leaflet FROM door_visits WHERE outcome = 'O'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(leaflet);
    drop(conn);
    let err = cli_err(&[
        "report",
        s(&file),
        "session",
        "--date",
        &day(-1),
        "--knocked",
        "3",
    ]);
    assert!(err.contains("which turf"), "{err}");
    let err = cli_err(&[
        "report",
        s(&file),
        "session",
        "--date",
        &day(-1),
        "--turf",
        "Nord",
        "--print",
        &code,
        "--knocked",
        "3",
    ]);
    assert!(err.contains("is of the turf"), "{err}");
    let err = cli_err(&[
        "report",
        s(&file),
        "session",
        "--date",
        &day(-1),
        "--turf",
        "Nord",
        "--knocked",
        "3",
        "--uuid",
        "not-a-uuid",
    ]);
    assert!(err.contains("is not a UUID"), "{err}");
    let csv = dir.path().join("twice.csv");
    std::fs::write(&csv, "1,A\n1,O\n2,Q\n").unwrap();
    let err = cli_err(&["report", s(&file), "enter", &code, "--csv", s(&csv)]);
    assert!(
        err.contains("row 1 was already given on line 1") && err.contains("line 3"),
        "{err}"
    );
}

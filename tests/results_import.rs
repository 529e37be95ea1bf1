//! Results files taken as they come, and nothing wrong imported in silence: each test makes a
//! small variant of a real file (Montreal 2013, the French fixture, the US county files) with
//! one of the mistakes real files have, and checks the import refuses it by line, or takes it
//! with a named warning, and never stores a wrong number.
#![allow(clippy::unwrap_used, clippy::float_cmp)] // Test helpers fail loudly; sums are exact.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use campaign_planner::domain::scoring::{Preset, ScoringParams, score};
use campaign_planner::io::ImportError;
use campaign_planner::io::csv_results::{
    ColumnMapping, ResultsImport, ResultsProblem, ResultsWarning, import_results,
};
use campaign_planner::store::{Campaign, ElectionMeta};
use common::{bytes, campaign_with, cli, cli_err, cli_ok, fixture, s};

fn meta(name: &str) -> ElectionMeta {
    ElectionMeta {
        name: name.to_owned(),
        date: None,
        round: None,
    }
}

/// The Montreal results with `edit` applied to the cells (row 0 is the header).
fn montreal_variant(dir: &Path, name: &str, edit: impl Fn(&mut Vec<Vec<String>>)) -> PathBuf {
    let text = std::fs::read_to_string(fixture("montreal-results-2013.csv")).unwrap();
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    edit(&mut rows);
    let path = dir.join(name);
    let lines: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Imports `file` into a new Montreal campaign.
fn montreal_import(
    dir: &Path,
    file: &Path,
    mapping: &ColumnMapping,
) -> (Campaign, Result<ResultsImport, ImportError>) {
    let (_, mut campaign) = campaign_with(dir, &fixture("montreal-districts.geojson"));
    let result = import_results(&mut campaign, file, &meta("Mairie 2013"), mapping);
    (campaign, result)
}

fn problems(err: &ImportError) -> (&[ResultsProblem], usize) {
    match err {
        ImportError::Results {
            problems, total, ..
        } => (problems, *total),
        other => panic!("expected problems by line, got: {other}"),
    }
}

/// Column 3 is Joly; line n of the file is row n - 1.
const JOLY: usize = 3;

#[test]
fn a_list_column_with_a_few_unreadable_cells_is_refused_by_line_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "nd.csv", |rows| {
        for k in 0..10 {
            rows[1 + 5 * k][JOLY] = "n.d.".to_owned();
        }
    });
    let (campaign, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let err = result.unwrap_err();
    let (listed, total) = problems(&err);
    assert_eq!(total, 10);
    assert_eq!(
        listed[0],
        ResultsProblem::Missing {
            line: 2,
            column: "Joly".to_owned(),
            text: campaign_planner::io::csv_results::Quoted::new("n.d."),
        }
    );
    let message = err.to_string();
    assert!(message.contains("line 47, column Joly"), "{message}");
    assert!(message.contains("--missing-as-empty"), "{message}");
    assert!(campaign.elections().unwrap().is_empty());

    // One "abc" in a four-row file is as much a problem.
    let small = montreal_variant(dir.path(), "abc.csv", |rows| {
        rows.truncate(5);
        rows[3][1] = "abc".to_owned();
    });
    let dir2 = tempfile::tempdir().unwrap();
    let (_, result) = montreal_import(dir2.path(), &small, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("line 4, column Coderre: \"abc\" is not a number"),
        "{message}"
    );
}

#[test]
fn missing_as_empty_stores_unreadable_cells_as_missing_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "nd.csv", |rows| {
        for k in 0..10 {
            rows[1 + 5 * k][JOLY] = "n.d.".to_owned();
        }
    });
    let mapping = ColumnMapping {
        missing_as_empty: true,
        ..ColumnMapping::default()
    };
    let (campaign, result) = montreal_import(dir.path(), &file, &mapping);
    let report = result.unwrap();
    assert_eq!(
        report.read.list_columns,
        vec!["Coderre", "Bergeron", "Joly"],
        "Joly stays a list"
    );
    assert!(
        report.read.warnings.iter().any(|w| matches!(
            w,
            ResultsWarning::MissingStored { column, count: 10, unreadable: true, .. } if column == "Joly"
        )),
        "{:?}",
        report.read.warnings
    );
    let data = campaign.scoring_data().unwrap();
    let joly = data.elections[0]
        .lists
        .iter()
        .position(|l| l == "Joly")
        .unwrap();
    let p = data.codes.iter().position(|c| c == "101").unwrap();
    assert!(
        data.elections[0].votes[joly][p].is_nan(),
        "missing, not zero"
    );
    let known = data.elections[0].votes[joly]
        .iter()
        .filter(|v| v.is_finite())
        .count();
    assert_eq!(known, 48);
}

#[test]
fn a_typo_in_the_valid_votes_header_is_matched_with_a_warning_and_shares_stay_right() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "typo.csv", |rows| {
        rows[0][4] = "Exprmés".to_owned();
    });
    let (campaign, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let report = result.unwrap();
    assert_eq!(report.read.valid.as_deref(), Some("Exprmés"));
    assert_eq!(
        report.elections[0].lists,
        vec!["Coderre", "Bergeron", "Joly"]
    );
    let warning = report
        .read
        .warnings
        .iter()
        .find(|w| matches!(w, ResultsWarning::HeaderMatched { .. }))
        .unwrap()
        .to_string();
    assert!(
        warning.contains("\"Exprmés\" was taken as the valid votes") && warning.contains("--valid"),
        "{warning}"
    );
    let data = campaign.scoring_data().unwrap();
    let params = ScoringParams {
        preset: Preset::Performance,
        ours: vec!["Joly".to_owned()],
        ..ScoringParams::default()
    };
    let scored = score(&data, &params).unwrap();
    let p = data.codes.iter().position(|c| c == "101").unwrap();
    assert!((scored.scores[p] - 3024.0 / 7334.0).abs() < 1e-12);
}

#[test]
fn a_header_close_to_a_role_already_taken_is_refused_with_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "both.csv", |rows| {
        rows[0][4] = "Exprimés".to_owned();
        rows[0].push("Exprmés".to_owned());
        for r in rows.iter_mut().skip(1) {
            let valid = r[4].clone();
            r.push(valid);
        }
    });
    let (campaign, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("\"Exprmés\" reads like \"exprimés\"") && message.contains("did you mean"),
        "{message}"
    );
    assert!(campaign.elections().unwrap().is_empty());
}

fn us_campaign(dir: &Path) -> Campaign {
    campaign_with(dir, &fixture("us/counties.geojson")).1
}

#[test]
fn totals_shares_and_margins_in_a_wide_file_are_never_lists() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = us_campaign(dir.path());
    let report = import_results(
        &mut campaign,
        &fixture("us/county-wide-2016.csv"),
        &meta("President 2016"),
        &ColumnMapping::default(),
    )
    .unwrap();
    assert_eq!(report.elections[0].lists, vec!["dem_2016", "rep_2016"]);
    assert_eq!(report.read.valid.as_deref(), Some("total_2016"));
    let reasons: Vec<(&str, &str)> = report
        .read
        .ignored_columns
        .iter()
        .map(|c| (c.name.as_str(), c.reason.as_str()))
        .collect();
    assert!(
        reasons.contains(&("dem_share_2016", "a share or percentage")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("margin_2016", "a margin or difference")),
        "{reasons:?}"
    );
    let data = campaign.scoring_data().unwrap();
    let params = ScoringParams {
        preset: Preset::Performance,
        ours: vec!["dem_2016".to_owned()],
        ..ScoringParams::default()
    };
    let scored = score(&data, &params).unwrap();
    let king = data.codes.iter().position(|c| c == "53033").unwrap();
    assert!((scored.scores[king] - 718_322.0 / 1_001_700.0).abs() < 1e-12);
}

#[test]
fn numeric_columns_of_unclear_role_are_refused_with_the_role_each_would_get() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("us/county-wide-2016.csv"))
        .unwrap()
        .replace("dem_share_2016", "d16");
    let file = dir.path().join("unclear.csv");
    std::fs::write(&file, text).unwrap();
    let mut campaign = us_campaign(dir.path());
    let message = import_results(&mut campaign, &file, &meta("P"), &ColumnMapping::default())
        .unwrap_err()
        .to_string();
    for expected in [
        "fips",
        "precinct code (key)",
        "dem_2016",
        "votes of a list",
        "d16",
        "decimal values, not vote counts",
        "--lists",
    ] {
        assert!(message.contains(expected), "{expected}: {message}");
    }
    assert!(campaign.elections().unwrap().is_empty());
}

#[test]
fn a_wide_file_of_two_years_is_refused_and_named_lists_pick_their_years_totals() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = us_campaign(dir.path());
    let file = fixture("us/county-wide-2016-2020.csv");
    let message = import_results(&mut campaign, &file, &meta("P"), &ColumnMapping::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("2 elections")
            && message.contains("2016: --lists dem_2016,rep_2016 --valid total_2016")
            && message.contains("2020: --lists dem_2020,rep_2020 --valid total_2020"),
        "{message}"
    );
    let report = import_results(
        &mut campaign,
        &file,
        &meta("P 2020"),
        &ColumnMapping {
            lists: Some(vec!["dem_2020".to_owned(), "rep_2020".to_owned()]),
            ..ColumnMapping::default()
        },
    )
    .unwrap();
    assert_eq!(report.read.valid.as_deref(), Some("total_2020"));
}

#[test]
fn impossible_numbers_are_refused_by_line_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "impossible.csv", |rows| {
        rows[1][1] = "-5".to_owned();
        rows[2][2] = "12.5".to_owned();
        rows[3][JOLY] = "NaN".to_owned();
        rows[4][1] = "inf".to_owned();
        rows[5][2] = "1e309".to_owned();
        rows[6][2] = "99999999999".to_owned();
        // Lists far over the valid votes.
        let valid: u64 = rows[7][4].parse().unwrap();
        rows[7][1] = (valid + 500).to_string();
    });
    let (campaign, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let err = result.unwrap_err();
    let message = err.to_string();
    for expected in [
        "line 2, column Coderre: \"-5\" is negative",
        "line 3, column Bergeron: \"12.5\" is not a whole number",
        "line 4, column Joly: \"NaN\" marks a missing value",
        "line 5, column Coderre: \"inf\" is not a number",
        "line 6, column Bergeron: \"1e309\" is not a number",
        "line 7, column Bergeron: \"99999999999\" is more than any electorate",
        "line 8, precinct",
        "exceed the valid votes",
    ] {
        assert!(message.contains(expected), "{expected}: {message}");
    }
    assert_eq!(problems(&err).1, 7);
    assert!(campaign.elections().unwrap().is_empty());
}

#[test]
fn a_few_votes_over_is_accepted_with_a_named_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "rounding.csv", |rows| {
        let sum: u64 = (1..=3).map(|c| rows[1][c].parse::<u64>().unwrap()).sum();
        rows[1][4] = (sum - 2).to_string();
    });
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let report = result.unwrap();
    let warning = report
        .read
        .warnings
        .iter()
        .find(|w| matches!(w, ResultsWarning::SlightlyOver { .. }))
        .unwrap()
        .to_string();
    assert!(
        warning.contains("1 precinct has lists' votes over their valid votes, by at most 2 votes")
            && warning.contains("line 2"),
        "{warning}"
    );
}

#[test]
fn voters_above_registered_are_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = std::fs::read(fixture("fr/resultats-2020-t1.csv")).unwrap();
    let text: String = latin1.iter().map(|&b| char::from(b)).collect();
    // Bureau 102: 2 010 registered, 3 005 voters.
    let bad = text.replace("2 010;1 005;", "2 010;3 005;");
    let file = dir.path().join("fr.csv");
    std::fs::write(&file, bad).unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &fixture("fr/bureaux.geojson"));
    let message = import_results(&mut campaign, &file, &meta("T1"), &ColumnMapping::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(
            "line 3, precinct 102: the voters (3005) exceed the registered voters (2010) by 995"
        ),
        "{message}"
    );
}

#[test]
fn split_by_imports_one_election_per_value_and_rows_without_a_code_are_unmatched() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = us_campaign(dir.path());
    let report = import_results(
        &mut campaign,
        &fixture("us/countypres-long.csv"),
        &meta("President"),
        &ColumnMapping {
            split_by: Some("year".to_owned()),
            filters: vec![("mode".to_owned(), "TOTAL".to_owned())],
            ..ColumnMapping::default()
        },
    )
    .unwrap();
    let names: Vec<&str> = report
        .elections
        .iter()
        .map(|e| e.election.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["President 2012", "President 2016", "President 2020"]
    );
    assert_eq!(report.read.key, "county_fips", "never the year");
    assert_eq!(report.read.rows_filtered_out, 6);
    for e in &report.elections {
        assert_eq!(e.join.matched, 4, "{}", e.election.name);
        assert_eq!(e.join.matched_ignoring_zeros, 1, "1001 is 01001");
    }
    assert!(
        report.read.warnings.iter().any(|w| matches!(
            w,
            ResultsWarning::NoCode { count: 3, column, .. } if column == "county_fips"
        )),
        "{:?}",
        report.read.warnings
    );
    let data = campaign.scoring_data().unwrap();
    assert_eq!(data.elections.len(), 3);
    let e2020 = data
        .elections
        .iter()
        .find(|e| e.name == "President 2020")
        .unwrap();
    let pierce = data.codes.iter().position(|c| c == "53053").unwrap();
    let biden = e2020
        .lists
        .iter()
        .position(|l| l == "JOSEPH R BIDEN JR")
        .unwrap();
    assert_eq!(
        e2020.votes[biden][pierce], 249_506.0,
        "the TOTAL row, not a mode"
    );
    assert_eq!(e2020.valid[pierce], 249_506.0 + 197_730.0 + 12_283.0);

    // Importing again replaces the three elections, never doubles them.
    let again = import_results(
        &mut campaign,
        &fixture("us/countypres-long.csv"),
        &meta("President"),
        &ColumnMapping {
            split_by: Some("year".to_owned()),
            filters: vec![("mode".to_owned(), "TOTAL".to_owned())],
            ..ColumnMapping::default()
        },
    )
    .unwrap();
    assert!(again.elections.iter().all(|e| e.written.replaced));
    assert_eq!(campaign.elections().unwrap().len(), 3);
}

#[test]
fn rows_doubled_by_a_column_are_refused_with_the_option_that_tells_them_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = us_campaign(dir.path());
    let file = fixture("us/countypres-long.csv");
    let mapping = ColumnMapping {
        filters: vec![("year".to_owned(), "2020".to_owned())],
        ..ColumnMapping::default()
    };
    let message = import_results(&mut campaign, &file, &meta("P 2020"), &mapping)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("has a second row for list \"JOSEPH R BIDEN JR\"")
            && message.contains("column mode (\"TOTAL\" then \"ELECTION DAY\")")
            && message.contains("--where mode=TOTAL"),
        "{message}"
    );
    // A filter value the column does not hold is said with the values it does hold.
    let mapping = ColumnMapping {
        filters: vec![("mode".to_owned(), "TOTL".to_owned())],
        ..ColumnMapping::default()
    };
    let message = import_results(&mut campaign, &file, &meta("P"), &mapping)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("did you mean \"TOTAL\"") && message.contains("ELECTION DAY"),
        "{message}"
    );
}

#[test]
fn the_key_is_never_a_year_column_that_matches_a_code_by_accident() {
    let dir = tempfile::tempdir().unwrap();
    // A campaign whose codes include "2016", as precinct numbers can.
    let mut fc: serde_json::Value =
        serde_json::from_slice(&bytes(&fixture("us/counties.geojson"))).unwrap();
    let mut extra = fc["features"][0].clone();
    extra["properties"]["GEOID"] = "2016".into();
    extra["properties"]["NAME"] = "Precinct 2016".into();
    fc["features"].as_array_mut().unwrap().push(extra);
    let shapes = dir.path().join("with-2016.geojson");
    std::fs::write(&shapes, fc.to_string()).unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &shapes);
    let report = import_results(
        &mut campaign,
        &fixture("us/countypres-long.csv"),
        &meta("P 2016"),
        &ColumnMapping {
            filters: vec![
                ("year".to_owned(), "2016".to_owned()),
                ("mode".to_owned(), "TOTAL".to_owned()),
            ],
            ..ColumnMapping::default()
        },
    )
    .unwrap();
    assert_eq!(report.read.key, "county_fips");
    assert_eq!(report.elections[0].join.matched, 4);
}

#[test]
fn wrong_kinds_folders_and_missing_files_get_one_clear_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "M"]);
    cli_ok(&[
        "import",
        s(&file),
        s(&fixture("montreal-districts.geojson")),
    ]);
    let before = bytes(&file);
    let geojson = fixture("montreal-districts.geojson");
    let err = cli_err(&["results", s(&file), s(&geojson), "--election", "X"]);
    assert!(
        err.contains("is a GeoJSON or JSON file, not a results table (CSV)")
            && err.contains("`import`"),
        "{err}"
    );
    let err = cli_err(&["results", s(&file), s(dir.path()), "--election", "X"]);
    assert_eq!(
        err.trim(),
        format!("error: {} is a folder, not a file", dir.path().display())
    );
    let missing = dir.path().join("missing.csv");
    let err = cli_err(&["results", s(&file), s(&missing), "--election", "X"]);
    assert_eq!(
        err.trim(),
        format!("error: {}: no such file", missing.display())
    );
    assert_eq!(bytes(&file), before, "the campaign was left untouched");
}

#[test]
fn a_round_other_than_1_or_2_and_a_date_not_of_the_calendar_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "M"]);
    let csv = fixture("montreal-results-2013.csv");
    for (flag, value, words) in [
        ("--round", "3", "3 is not in 1..=2"),
        ("--round", "0", "0 is not in 1..=2"),
        ("--date", "2013-13-45", "not a day of the calendar"),
        ("--date", "03/11/2013", "YYYY-MM-DD"),
    ] {
        let out = cli(&["results", s(&file), s(&csv), "--election", "X", flag, value]);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(words), "{flag} {value}: {err}");
    }
}

#[test]
fn an_unbalanced_quote_in_a_large_file_is_refused_in_a_short_message_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(fixture("montreal-results-2013.csv")).unwrap();
    text = text.replacen(",Joly,plurality,101", ",\"Joly,plurality,101", 1);
    while text.len() < 5_700_000 {
        text.push_str("999-Nowhere,1,2,3,6,Joly,plurality,999\n");
    }
    let file = dir.path().join("quote.csv");
    std::fs::write(&file, &text).unwrap();
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("line 2, field 6: a quoted value runs to the end of the file"),
        "{}",
        &message[..message.len().min(500)]
    );
    assert!(message.len() < 400, "{} bytes", message.len());
}

#[test]
fn a_header_of_two_hundred_thousand_columns_gives_an_error_of_a_few_lines() {
    let dir = tempfile::tempdir().unwrap();
    let n = 200_000;
    let header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..n).map(|i| (i % 7).to_string()).collect();
    let file = dir.path().join("wide.csv");
    std::fs::write(&file, format!("{}\n{}\n", header.join(","), row.join(","))).unwrap();
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(message.contains("… and 199980 more"), "{message}");
    assert!(message.len() < 600, "{} bytes", message.len());
}

#[test]
fn error_lines_are_the_files_own_despite_blank_lines_and_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("montreal-results-2013.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines.insert(1, String::new());
    lines.insert(3, ",,,,,,,".to_owned());
    // Line 5 of the file is now the fourth district's row.
    lines[4] = lines[4].replacen(',', ",x", 2).replacen(",x", ",", 1);
    let file = dir.path().join("crlf.csv");
    std::fs::write(&file, lines.join("\r\n")).unwrap();
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(message.contains("line 5, column Bergeron"), "{message}");
}

/// A King County style long file: one row per precinct and counter, with counters that are
/// totals (registered, times counted, total votes) or spoilt ballots beside the candidates.
fn counter_rows(dir: &Path) -> PathBuf {
    let mut text = String::from("Precinct,Race,CounterType,SumOfCount\n");
    for code in ["01001", "53033", "53053", "53061"] {
        for (counter, n) in [
            ("Registered Voters", 902),
            ("Times Counted", 564),
            ("Jane Doe", 368),
            ("John Roe", 180),
            ("Write-in", 5),
            ("Times Under Voted", 11),
            ("Times Over Voted", 0),
            ("Total Votes", 553),
        ] {
            writeln!(text, "{code},Mayor,{counter},{n}").unwrap();
        }
    }
    let file = dir.join("counters.csv");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn counter_rows_of_a_long_file_are_read_as_totals_or_left_out_never_as_lists() {
    let dir = tempfile::tempdir().unwrap();
    let mut campaign = us_campaign(dir.path());
    let mapping = ColumnMapping {
        layout: Some(campaign_planner::io::csv_results::Layout::Long),
        list_column: Some("CounterType".to_owned()),
        votes_column: Some("SumOfCount".to_owned()),
        ..ColumnMapping::default()
    };
    let file = counter_rows(dir.path());
    let report = import_results(&mut campaign, &file, &meta("Mayor"), &mapping).unwrap();
    assert_eq!(
        report.elections[0].lists,
        vec!["Jane Doe", "John Roe", "Write-in"]
    );
    assert_eq!(
        report.read.registered.as_deref(),
        Some("CounterType = \"Registered Voters\"")
    );
    assert_eq!(
        report.read.valid.as_deref(),
        Some("CounterType = \"Total Votes\"")
    );
    assert!(
        report
            .read
            .warnings
            .iter()
            .any(|w| w.to_string().contains("Times Under Voted → left out")),
        "{:?}",
        report.read.warnings
    );
    let data = campaign.scoring_data().unwrap();
    let params = ScoringParams {
        preset: Preset::Performance,
        ours: vec!["Jane Doe".to_owned()],
        ..ScoringParams::default()
    };
    let scored = score(&data, &params).unwrap();
    assert!((scored.scores[0] - 368.0 / 553.0).abs() < 1e-12);
    // The layout and columns are found without being named too.
    let again = import_results(
        &mut campaign,
        &file,
        &meta("Mayor"),
        &ColumnMapping::default(),
    )
    .unwrap();
    assert_eq!(again.read.list_columns, vec!["CounterType", "SumOfCount"]);
}

#[test]
fn a_column_holding_the_sum_of_the_lists_is_the_valid_votes_not_a_list() {
    for header in ["Tot.", "X", "Totaal"] {
        let dir = tempfile::tempdir().unwrap();
        let file = montreal_variant(dir.path(), "sum.csv", |rows| {
            rows[0][4] = header.to_owned();
        });
        let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
        let report = result.unwrap();
        assert_eq!(report.read.valid.as_deref(), Some(header));
        assert_eq!(
            report.elections[0].lists,
            vec!["Coderre", "Bergeron", "Joly"]
        );
        assert!(
            report.read.warnings.iter().any(|w| matches!(
                w,
                ResultsWarning::ValidFound { column, .. } if column == header
            )),
            "{header}"
        );
    }
    // Headers known as the valid votes need no detection.
    for header in ["Sum", "Votes cast"] {
        let dir = tempfile::tempdir().unwrap();
        let file = montreal_variant(dir.path(), "sum.csv", |rows| {
            rows[0][4] = header.to_owned();
        });
        let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
        assert_eq!(result.unwrap().read.valid.as_deref(), Some(header));
    }
    // A lone column headed as a total is the valid votes too.
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "grand.csv", |rows| {
        rows[0][4] = "Grand total".to_owned();
    });
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    assert_eq!(result.unwrap().read.valid.as_deref(), Some("Grand total"));
}

#[test]
fn a_list_column_half_unreadable_is_refused_never_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "half.csv", |rows| {
        for r in rows.iter_mut().skip(1).step_by(2) {
            r[1] = "n.d.".to_owned();
        }
    });
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let err = result.unwrap_err();
    assert_eq!(problems(&err).1, 29);
    // Half text: in doubt, with each column's role.
    let file = montreal_variant(dir.path(), "half-text.csv", |rows| {
        for r in rows.iter_mut().skip(1).step_by(2) {
            r[1] = "abc".to_owned();
        }
    });
    let dir2 = tempfile::tempdir().unwrap();
    let (_, result) = montreal_import(dir2.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("Coderre") && message.contains("numbers and text mixed"),
        "{message}"
    );
}

#[test]
fn results_of_another_campaign_are_refused_naming_the_best_column() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &fixture("king-county-precincts.geojson"));
    let message = import_results(
        &mut campaign,
        &fixture("montreal-results-2013.csv"),
        &meta("Wrong"),
        &ColumnMapping::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("no column matches the campaign's precinct codes")
            && message.contains("is this file for this campaign?"),
        "{message}"
    );
    assert!(campaign.elections().unwrap().is_empty());
}

#[test]
fn doubled_list_names_blank_headers_and_one_column_for_two_roles_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let doubled = montreal_variant(dir.path(), "doubled.csv", |rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r.insert(4, if i == 0 { "Joly" } else { "0" }.to_owned());
        }
    });
    let (_, result) = montreal_import(dir.path(), &doubled, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(message.contains("are both named \"Joly\""), "{message}");

    let blank = montreal_variant(dir.path(), "blank.csv", |rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r.insert(
                2,
                if i == 0 {
                    String::new()
                } else {
                    "38".to_owned()
                },
            );
        }
    });
    let dir2 = tempfile::tempdir().unwrap();
    let (_, result) = montreal_import(dir2.path(), &blank, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(message.contains("numbers without a header"), "{message}");

    let dir3 = tempfile::tempdir().unwrap();
    let mapping = ColumnMapping {
        voters: Some("total".to_owned()),
        valid: Some("total".to_owned()),
        ..ColumnMapping::default()
    };
    let (_, result) = montreal_import(dir3.path(), &fixture("montreal-results-2013.csv"), &mapping);
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("column \"total\" cannot be both the voters and the valid votes"),
        "{message}"
    );
    let mapping = ColumnMapping {
        lists: Some(vec!["Coderre".to_owned(), "Coderre".to_owned()]),
        ..ColumnMapping::default()
    };
    let dir4 = tempfile::tempdir().unwrap();
    let (_, result) = montreal_import(dir4.path(), &fixture("montreal-results-2013.csv"), &mapping);
    assert!(result.unwrap_err().to_string().contains("named twice"));
}

#[test]
fn row_numbers_ranks_and_percentages_are_not_lists() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "extras.csv", |rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r.remove(4); // no valid column to catch them
            let extra = if i == 0 {
                vec!["#".to_owned(), "Rank".to_owned(), "Coderre (pc)".to_owned()]
            } else {
                vec![i.to_string(), "1".to_owned(), "34".to_owned()]
            };
            r.extend(extra);
        }
    });
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = match result {
        Ok(report) => panic!("imported {:?}", report.elections[0].lists),
        Err(e) => e.to_string(),
    };
    // "#" has no name: in doubt; the others are said to be no lists.
    assert!(message.contains("numbers without a header"), "{message}");
    assert!(
        message.contains("Rank") && message.contains("Coderre (pc)"),
        "{message}"
    );
    let file = montreal_variant(dir.path(), "extras2.csv", |rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r.remove(4);
            let extra = if i == 0 {
                vec!["Rank".to_owned(), "Coderre (pc)".to_owned()]
            } else {
                vec!["1".to_owned(), "34".to_owned()]
            };
            r.extend(extra);
        }
    });
    let dir2 = tempfile::tempdir().unwrap();
    let (_, result) = montreal_import(dir2.path(), &file, &ColumnMapping::default());
    assert_eq!(
        result.unwrap().elections[0].lists,
        vec!["Coderre", "Bergeron", "Joly"]
    );
}

#[test]
fn lists_over_the_valid_votes_on_most_rows_show_each_columns_role() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_variant(dir.path(), "extra-list.csv", |rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r.push(if i == 0 {
                "Zorglub".to_owned()
            } else {
                (5000 + 7 * i).to_string()
            });
        }
    });
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("the lists add up to more than the valid votes on 58 of 58 rows")
            && message.contains("Zorglub")
            && message.contains("votes of a list"),
        "{message}"
    );
}

#[test]
fn a_row_with_a_cell_too_many_is_refused_not_shifted() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("montreal-results-2013.csv"))
        .unwrap()
        .replacen("101-Bois-de-Liesse,2481,", "101-Bois-de-Liesse,2,481,", 1);
    let file = dir.path().join("ragged.csv");
    std::fs::write(&file, text).unwrap();
    let (campaign, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("1 row does not have as many cells as the header")
            && message.contains("line 2 has 9 cells, the header 8")
            && message.contains("must be quoted"),
        "{message}"
    );
    assert!(campaign.elections().unwrap().is_empty());
}

#[test]
fn spreadsheet_exports_are_read_as_they_come() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = std::fs::read(fixture("fr/resultats-2020-t1.csv")).unwrap();
    let text: String = latin1.iter().map(|&b| char::from(b)).collect();
    // Excel: a "sep=" line, a title above the header, ="0101" codes, a total row, in UTF-16.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for line in lines.iter_mut().skip(1) {
        if let Some((code, rest)) = line.split_once(';')
            && !code.is_empty()
        {
            *line = format!("=\"0{code}\";{rest}");
        }
    }
    lines.insert(0, "sep=;".to_owned());
    lines.insert(1, "Municipales 2020 - premier tour;;".to_owned());
    lines.push("Total;Commune;6 664;4 205;2 459;4 150;45;1 114;1 418;654".to_owned());
    let body = lines.join("\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in body.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let file = dir.path().join("excel.csv");
    std::fs::write(&file, bytes).unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &fixture("fr/bureaux.geojson"));
    let report =
        import_results(&mut campaign, &file, &meta("T1"), &ColumnMapping::default()).unwrap();
    assert_eq!(report.read.encoding, "UTF-16LE");
    assert_eq!(report.read.title_lines, 2);
    assert_eq!(report.elections[0].join.matched, 4);
    assert_eq!(
        report.elections[0].join.matched_ignoring_zeros, 0,
        "=\"0101\" is 0101"
    );
    assert!(
        report
            .read
            .warnings
            .iter()
            .any(|w| matches!(w, ResultsWarning::TotalRows { count: 1, .. })),
        "{:?}",
        report.read.warnings
    );
}

#[test]
fn a_line_break_inside_a_quoted_cell_is_refused_with_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("montreal-results-2013.csv"))
        .unwrap()
        .replacen("102-Cap-Saint-Jacques", "\"102-Cap-\nSaint-Jacques\"", 1);
    let file = dir.path().join("break.csv");
    std::fs::write(&file, text).unwrap();
    let (_, result) = montreal_import(dir.path(), &file, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("line 3, field 1: a quoted value runs over 2 lines, to line 4"),
        "{message}"
    );
}

#[test]
fn elections_named_all_or_with_a_comma_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["all", "A, B"] {
        let (_, mut campaign) = campaign_with(dir.path(), &fixture("montreal-districts.geojson"));
        let message = import_results(
            &mut campaign,
            &fixture("montreal-results-2013.csv"),
            &meta(name),
            &ColumnMapping::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(message.contains("an election cannot be named"), "{message}");
        drop(campaign);
        std::fs::remove_file(dir.path().join("t.campaign.gpkg")).unwrap();
    }
}

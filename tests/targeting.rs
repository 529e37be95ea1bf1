//! Targeting: results import and join, scores with explanations, colour classes — on the real
//! Montreal 2013 results and a French-format fixture.
#![allow(clippy::unwrap_used, clippy::float_cmp)] // Test helpers fail loudly; sums are exact.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use campaign_planner::domain::classify::ClassMethod;
use campaign_planner::domain::date::Date;
use campaign_planner::domain::numbers::Lang;
use campaign_planner::domain::scoring::{Preset, ScoringError, ScoringParams, score};
use campaign_planner::io::csv_results::{ColumnMapping, Layout, ResultsImport, import_results};
use campaign_planner::store::{Campaign, ElectionMeta};
use common::{campaign_with, cli, cli_ok, fixture, s};

/// The names of the columns an import left out.
fn ignored(report: &ResultsImport) -> Vec<&str> {
    report
        .read
        .ignored_columns
        .iter()
        .map(|c| c.name.as_str())
        .collect()
}

fn election(name: &str) -> ElectionMeta {
    ElectionMeta {
        name: name.to_owned(),
        date: Date::parse("2013-11-03").ok(),
        round: None,
    }
}

fn montreal(dir: &Path) -> (PathBuf, Campaign) {
    let (path, mut campaign) = campaign_with(dir, &fixture("montreal-districts.geojson"));
    import_results(
        &mut campaign,
        &fixture("montreal-results-2013.csv"),
        &election("Mairie 2013"),
        &ColumnMapping::default(),
    )
    .unwrap();
    (path, campaign)
}

/// The Montreal CSV read independently: district id → (Coderre, Bergeron, Joly, total).
fn montreal_csv() -> Vec<(String, [f64; 4])> {
    let mut reader = csv::Reader::from_path(fixture("montreal-results-2013.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let n = |i: usize| r[i].parse::<f64>().unwrap();
            (r[7].to_owned(), [n(1), n(2), n(3), n(4)])
        })
        .collect()
}

fn joly_performance() -> ScoringParams {
    ScoringParams {
        preset: Preset::Performance,
        ours: vec!["Joly".to_owned()],
        ..ScoringParams::default()
    }
}

#[test]
fn montreal_results_join_all_58_districts() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &fixture("montreal-districts.geojson"));
    let report = import_results(
        &mut campaign,
        &fixture("montreal-results-2013.csv"),
        &election("Mairie 2013"),
        &ColumnMapping::default(),
    )
    .unwrap();
    assert_eq!(report.elections[0].join.rows, 58);
    assert_eq!(report.elections[0].join.matched, 58);
    assert!(report.elections[0].join.unmatched_rows.is_empty());
    assert!(
        report.elections[0]
            .join
            .precincts_without_results
            .is_empty()
    );
    assert_eq!(report.read.key, "district_id");
    assert_eq!(report.read.valid.as_deref(), Some("total"));
    assert_eq!(
        report.elections[0].lists,
        vec!["Coderre", "Bergeron", "Joly"]
    );
    assert_eq!(ignored(&report), vec!["district", "winner", "result"]);
    assert_eq!(report.elections[0].written.vote_rows, 58 * 3);
    // The totals the data README checked.
    let data = campaign.scoring_data().unwrap();
    let e = &data.elections[0];
    let sum = |l: usize| e.votes[l].iter().sum::<f64>();
    assert_eq!((sum(0), sum(1), sum(2)), (149_467.0, 118_637.0, 123_062.0));
    assert_eq!(e.valid.iter().sum::<f64>(), 391_166.0);
}

#[test]
fn the_performance_score_of_each_district_is_jolys_share_of_valid_votes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, campaign) = montreal(dir.path());
    let data = campaign.scoring_data().unwrap();
    let scored = score(&data, &joly_performance()).unwrap();
    for (code, [_, _, joly, total]) in montreal_csv() {
        let p = data.codes.iter().position(|c| *c == code).unwrap();
        assert!(
            (scored.scores[p] - joly / total).abs() < 1e-12,
            "district {code}"
        );
    }
    let p = data.codes.iter().position(|c| c == "101").unwrap();
    let why = scored.explain(&data, p, Lang::En);
    assert!(
        why.starts_with("Joly won 41.2\u{a0}% of valid votes"),
        "{why}"
    );
    assert!(why.contains("class 5 of 5"), "{why}");
    let pourquoi = scored.explain(&data, p, Lang::Fr);
    assert!(
        pourquoi.starts_with("Joly a obtenu 41,2\u{a0}% des exprimés"),
        "{pourquoi}"
    );
}

/// Joly's shares, sorted.
fn sorted_shares() -> Vec<f64> {
    let mut shares: Vec<f64> = montreal_csv().iter().map(|(_, v)| v[2] / v[3]).collect();
    shares.sort_by(f64::total_cmp);
    shares
}

#[test]
fn quantile_classes_hold_equal_counts_with_bounds_at_the_ranks() {
    let dir = tempfile::tempdir().unwrap();
    let (_, campaign) = montreal(dir.path());
    let data = campaign.scoring_data().unwrap();
    let scored = score(&data, &joly_performance()).unwrap();
    let shares = sorted_shares();
    // 58 districts in 5 classes: the bounds fall at ranks ⌈58·k/5⌉ = 12, 24, 35, 47, 58.
    let counts: Vec<usize> = scored.classes.legend.iter().map(|l| l.count).collect();
    assert_eq!(counts, vec![12, 12, 11, 12, 11]);
    let starts = [0, 12, 24, 35, 47];
    let ends = [11, 23, 34, 46, 57];
    for (k, l) in scored.classes.legend.iter().enumerate() {
        assert_eq!(l.min, Some(shares[starts[k]]), "class {}", k + 1);
        assert_eq!(l.max, Some(shares[ends[k]]), "class {}", k + 1);
    }
    assert_eq!(scored.classes.legend[0].colour, "#ffffb2");
    assert_eq!(scored.classes.legend[4].colour, "#bd0026");
}

/// Jenks natural breaks by brute force (Fisher's exact dynamic programme, O(k·n²)), an
/// implementation independent of the ckmeans crate the planner uses.
#[allow(clippy::needless_range_loop)] // The textbook form of the recurrence.
fn fisher_jenks_counts(sorted: &[f64], k: usize) -> Vec<usize> {
    let n = sorted.len();
    let ssd = |i: usize, j: usize| {
        let part = &sorted[i..=j];
        let mean = part.iter().sum::<f64>() / part.len() as f64;
        part.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
    };
    let mut cost = vec![vec![f64::INFINITY; n]; k + 1];
    let mut back = vec![vec![0usize; n]; k + 1];
    for j in 0..n {
        cost[1][j] = ssd(0, j);
    }
    for c in 2..=k {
        for j in c - 1..n {
            for i in c - 1..=j {
                let v = cost[c - 1][i - 1] + ssd(i, j);
                if v < cost[c][j] {
                    cost[c][j] = v;
                    back[c][j] = i;
                }
            }
        }
    }
    let mut counts = Vec::new();
    let mut end = n - 1;
    for c in (1..=k).rev() {
        let start = if c == 1 { 0 } else { back[c][end] };
        counts.push(end - start + 1);
        if c > 1 {
            end = start - 1;
        }
    }
    counts.reverse();
    counts
}

#[test]
fn jenks_classes_match_an_independent_exact_computation() {
    let dir = tempfile::tempdir().unwrap();
    let (_, campaign) = montreal(dir.path());
    let data = campaign.scoring_data().unwrap();
    let params = ScoringParams {
        method: ClassMethod::Jenks,
        ..joly_performance()
    };
    let scored = score(&data, &params).unwrap();
    let shares = sorted_shares();
    let expected = fisher_jenks_counts(&shares, 5);
    let counts: Vec<usize> = scored.classes.legend.iter().map(|l| l.count).collect();
    assert_eq!(counts, expected);
    let mut start = 0;
    for (l, n) in scored.classes.legend.iter().zip(&expected) {
        assert_eq!(l.min, Some(shares[start]));
        assert_eq!(l.max, Some(shares[start + n - 1]));
        start += n;
    }
}

#[test]
fn mobilisation_on_montreal_says_registered_counts_are_missing_and_what_works() {
    let dir = tempfile::tempdir().unwrap();
    let (_, campaign) = montreal(dir.path());
    let data = campaign.scoring_data().unwrap();
    let params = ScoringParams {
        preset: Preset::Mobilisation,
        ..joly_performance()
    };
    let err = score(&data, &params).unwrap_err();
    assert!(matches!(err, ScoringError::MissingField { .. }));
    let message = err.to_string();
    assert!(
        message.contains("registered voters") && message.contains("Mairie 2013"),
        "{message}"
    );
    assert!(message.contains("performance score"), "{message}");
}

fn french(dir: &Path) -> (PathBuf, Campaign, ResultsImport) {
    let (path, mut campaign) = campaign_with(dir, &fixture("fr/bureaux.geojson"));
    let report = import_results(
        &mut campaign,
        &fixture("fr/resultats-2020-t1.csv"),
        &ElectionMeta {
            name: "Municipales 2020".to_owned(),
            date: Date::parse("2020-03-15").ok(),
            round: Some(1),
        },
        &ColumnMapping::default(),
    )
    .unwrap();
    (path, campaign, report)
}

#[test]
fn a_french_latin1_semicolon_file_is_read_and_joined_despite_missing_leading_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, report) = french(dir.path());
    assert_eq!(report.read.encoding, "Windows-1252 (Latin-1)");
    assert_eq!(report.read.delimiter, ";");
    assert!(report.read.decimal_comma);
    assert_eq!(report.read.layout, Layout::Wide);
    assert_eq!(report.read.key, "Code BV");
    assert_eq!(report.read.registered.as_deref(), Some("Inscrits"));
    assert_eq!(report.read.voters.as_deref(), Some("Votants"));
    assert_eq!(report.read.valid.as_deref(), Some("Exprimés"));
    assert_eq!(
        report.elections[0].lists,
        vec!["Liste Dupont", "Liste Martin", "Liste Bernard"]
    );
    assert_eq!(
        ignored(&report),
        vec!["Libellé du bureau", "Abstentions", "Blancs"]
    );
    assert_eq!(report.read.blank_lines, 2);
    assert_eq!(report.elections[0].join.matched, 4);
    assert_eq!(report.elections[0].join.matched_ignoring_zeros, 4);
}

#[test]
fn french_mobilisation_potentials_match_the_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let (_, campaign, _) = french(dir.path());
    let data = campaign.scoring_data().unwrap();
    let params = ScoringParams {
        preset: Preset::Mobilisation,
        ours: vec!["Liste Dupont".to_owned()],
        classes: 3,
        ..ScoringParams::default()
    };
    let scored = score(&data, &params).unwrap();
    // fixtures/fr/README.md: (inscrits − votants) × Dupont / exprimés.
    let expected = [
        ("0101", 161.6),
        ("0102", 251.25),
        ("0103", 210.0),
        ("0104", 30.0),
    ];
    for (code, value) in expected {
        let p = data.codes.iter().position(|c| c == code).unwrap();
        assert!(
            (scored.scores[p] - value).abs() < 1e-9,
            "{code}: {}",
            scored.scores[p]
        );
    }
    let p = data.codes.iter().position(|c| c == "0102").unwrap();
    assert_eq!(
        scored.explain(&data, p, Lang::En),
        "1,005 abstainers × 25.0\u{a0}% for us = 251: class 3 of 3, top 25\u{a0}%"
    );
    assert_eq!(
        scored.explain(&data, p, Lang::Fr),
        "1\u{a0}005 abstentionnistes × 25,0\u{a0}% pour nous = 251 : classe 3 sur 3, dans les 25\u{a0}% premiers"
    );
}

#[test]
fn reimporting_an_election_replaces_it_and_never_doubles() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut campaign) = montreal(dir.path());
    let report = import_results(
        &mut campaign,
        &fixture("montreal-results-2013.csv"),
        &election("Mairie 2013"),
        &ColumnMapping::default(),
    )
    .unwrap();
    assert!(report.elections[0].written.replaced);
    assert_eq!(campaign.elections().unwrap().len(), 1);
    let data = campaign.scoring_data().unwrap();
    assert_eq!(data.elections.len(), 1);
    assert_eq!(data.elections[0].votes[2].iter().sum::<f64>(), 123_062.0);
}

#[test]
fn a_long_format_file_gives_the_same_scores_as_the_wide_one() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.csv");
    let mut text = String::from("precinct,candidate,votes,total_valid\n");
    for (code, [c, b, j, total]) in montreal_csv() {
        for (name, v) in [("Coderre", c), ("Bergeron", b), ("Joly", j)] {
            writeln!(text, "{code},{name},{v},{total}").unwrap();
        }
    }
    std::fs::write(&long, text).unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &fixture("montreal-districts.geojson"));
    let report = import_results(
        &mut campaign,
        &long,
        &election("Long"),
        &ColumnMapping::default(),
    )
    .unwrap();
    assert_eq!(report.read.layout, Layout::Long);
    assert_eq!(report.elections[0].join.matched, 58);
    let data = campaign.scoring_data().unwrap();
    let scored = score(&data, &joly_performance()).unwrap();
    for (code, [_, _, joly, total]) in montreal_csv() {
        let p = data.codes.iter().position(|c| *c == code).unwrap();
        assert!((scored.scores[p] - joly / total).abs() < 1e-12);
    }
}

#[test]
fn unparseable_values_are_listed_by_line_and_column_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    let text = std::fs::read_to_string(fixture("montreal-results-2013.csv"))
        .unwrap()
        .replacen(",3024,", ",30x4,", 1);
    std::fs::write(&bad, text).unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &fixture("montreal-districts.geojson"));
    let message = import_results(
        &mut campaign,
        &bad,
        &election("Bad"),
        &ColumnMapping::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("bad.csv") && message.contains("line 2, column Joly: \"30x4\""),
        "{message}"
    );
    assert!(message.contains("nothing was imported"), "{message}");
    assert!(campaign.elections().unwrap().is_empty());
}

#[test]
fn rows_without_precinct_and_precincts_without_results_are_reported_and_duplicates_refused() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(fixture("montreal-results-2013.csv")).unwrap();
    let mut lines: Vec<&str> = original.lines().collect();
    lines.remove(1); // district 101 loses its results
    lines.push("999-Nowhere,1,2,3,6,Joly,plurality,999");
    let partial = dir.path().join("partial.csv");
    std::fs::write(&partial, lines.join("\n")).unwrap();
    let (_, mut campaign) = campaign_with(dir.path(), &fixture("montreal-districts.geojson"));
    let report = import_results(
        &mut campaign,
        &partial,
        &election("Partial"),
        &ColumnMapping::default(),
    )
    .unwrap();
    assert_eq!(report.elections[0].join.matched, 57);
    assert_eq!(
        report.elections[0].join.unmatched_rows,
        vec!["999".to_owned()]
    );
    assert_eq!(
        report.elections[0].join.precincts_without_results,
        vec!["101".to_owned()]
    );
    let data = campaign.scoring_data().unwrap();
    let scored = score(&data, &joly_performance()).unwrap();
    let p = data.codes.iter().position(|c| c == "101").unwrap();
    assert!(scored.scores[p].is_nan());
    assert_eq!(scored.classes.class_of[p], 0);
    assert!(scored.explain(&data, p, Lang::En).starts_with("no score"));

    let mut doubled = original.clone();
    doubled.push_str(original.lines().nth(1).unwrap());
    let twice = dir.path().join("twice.csv");
    std::fs::write(&twice, doubled).unwrap();
    let message = import_results(
        &mut campaign,
        &twice,
        &election("Twice"),
        &ColumnMapping::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(message.contains("precinct 101 on lines 2, 60"), "{message}");
}

#[test]
fn the_score_command_saves_scores_classes_and_method_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "M"]);
    cli_ok(&[
        "import",
        s(&file),
        s(&fixture("montreal-districts.geojson")),
    ]);
    let out = cli_ok(&[
        "results",
        s(&file),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "Mairie 2013",
    ]);
    assert!(out.contains("58 precincts matched"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&cli_ok(&[
        "score",
        s(&file),
        "--preset",
        "performance",
        "--ours",
        "Joly",
        "--classes",
        "5",
        "--json",
    ]))
    .unwrap();
    let precincts = json["precincts"].as_array().unwrap();
    assert_eq!(precincts.len(), 58);
    let p = precincts.iter().find(|p| p["code"] == "101").unwrap();
    assert_eq!(p["name"], "101-Bois-de-Liesse");
    assert!((p["score"].as_f64().unwrap() - 3024.0 / 7334.0).abs() < 1e-12);
    assert_eq!(p["class"], 5);
    assert!(p["explanation"].as_str().unwrap().contains("41.2"));
    let legend = json["legend"].as_array().unwrap();
    assert_eq!(legend.len(), 5);
    for key in ["class", "min", "max", "count", "colour"] {
        assert!(legend[0].get(key).is_some(), "legend lacks {key}");
    }

    // Stored where QGIS can style by it, and the method is reused without flags.
    let campaign = Campaign::open_read_only(&file).unwrap();
    let (priority, class): (f64, i64) = campaign
        .conn_for_tests()
        .query_row(
            "SELECT priority, priority_class FROM precincts WHERE code = '101'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!((priority - 3024.0 / 7334.0).abs() < 1e-12);
    assert_eq!(class, 5);
    let params = campaign.scoring_params().unwrap().unwrap();
    assert_eq!(params.preset, Preset::Performance);
    assert_eq!(params.ours, vec!["Joly".to_owned()]);
    drop(campaign);
    let again = cli_ok(&["score", s(&file), "--method", "jenks"]);
    assert!(
        again.starts_with("performance score") && again.contains("by jenks"),
        "{again}"
    );
}

#[test]
fn a_bad_custom_formula_is_refused_pointing_at_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let (file, campaign) = montreal(dir.path());
    drop(campaign);
    let out = cli(&[
        "score",
        s(&file),
        "--preset",
        "custom",
        "--ours",
        "Joly",
        "--formula",
        "Joly / totl",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("column 8") && err.contains("unknown name \"totl\""),
        "{err}"
    );
    let ok = cli_ok(&[
        "score",
        s(&file),
        "--preset",
        "custom",
        "--formula",
        "(Joly - Coderre) / valid",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok).unwrap();
    let p = json["precincts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "101")
        .unwrap();
    assert!((p["score"].as_f64().unwrap() - (3024.0 - 2481.0) / 7334.0).abs() < 1e-12);
}

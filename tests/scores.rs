//! Scores you can trust: a method that scores nothing is refused and the scores in place stay,
//! formulas cannot crash the process (nor a file that saved one), the settings used are said,
//! breaks outside the scores are warned about, and `--lang fr` speaks French throughout.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::path::{Path, PathBuf};

use campaign_planner::domain::scoring::Preset;
use campaign_planner::state::Session;
use campaign_planner::state::session::ScoringReset;
use campaign_planner::store::Campaign;
use common::{cli, cli_err, cli_ok, fixture, montreal_campaign, s};

/// A Montreal campaign with its 2013 results, scored by Joly's performance.
fn scored_montreal(dir: &Path) -> PathBuf {
    let file = montreal_campaign(dir);
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "Mairie 2013",
        "--date",
        "2013-11-03",
        "--round",
        "1",
    ]);
    cli_ok(&[
        "score",
        s(&file),
        "--preset",
        "performance",
        "--ours",
        "Joly",
    ]);
    file
}

/// Every precinct's stored priority, by code.
fn priorities(file: &Path) -> Vec<(String, Option<f64>)> {
    let campaign = Campaign::open_read_only(file).unwrap();
    let mut stmt = campaign
        .conn_for_tests()
        .prepare("SELECT code, priority FROM precincts ORDER BY code")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_formula_that_scores_nothing_is_refused_and_the_previous_scores_stay() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let before = priorities(&file);
    assert!(before.iter().all(|(_, p)| p.is_some()));
    let err = cli_err(&[
        "score",
        s(&file),
        "--preset",
        "custom",
        "--formula",
        "valid / (valid - valid)",
    ]);
    assert!(
        err.contains("leaves every precinct without a score")
            && err.contains("division by zero at column 9: (valid - valid) is 0")
            && err.contains("in 58 of 58 precincts")
            && err.contains("previous scores are kept"),
        "{err}"
    );
    assert_eq!(priorities(&file), before);
    let campaign = Campaign::open_read_only(&file).unwrap();
    assert_eq!(
        campaign.scoring_params().unwrap().unwrap().preset,
        Preset::Performance
    );
    // In French too.
    drop(campaign);
    let err = cli_err(&[
        "score",
        s(&file),
        "--preset",
        "custom",
        "--formula",
        "valid / (valid - valid)",
        "--lang",
        "fr",
    ]);
    assert!(
        err.contains("le score personnalisé ne donne de score à aucun bureau")
            && err.contains("division par zéro en colonne 9"),
        "{err}"
    );
}

#[test]
fn a_formula_that_scores_some_precincts_says_why_the_others_have_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let out = cli(&[
        "score",
        s(&file),
        "--preset",
        "custom",
        "--formula",
        "valid / (Joly > 3000)",
    ]);
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("warning: some precincts get no score: division by zero at column 9"),
        "{err}"
    );
}

#[test]
fn formulas_deep_or_long_enough_to_overflow_the_stack_are_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let nested = format!("{}valid{}", "(".repeat(8_000), ")".repeat(8_000));
    let plus = vec!["1"; 40_000].join("+");
    let minus = format!("{}valid", "-".repeat(100_000));
    for formula in [nested, plus, minus] {
        let out = cli(&[
            "score",
            s(&file),
            "--preset",
            "custom",
            "--formula",
            &formula,
        ]);
        assert_eq!(out.status.code(), Some(1), "an error, not a crash");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("the formula is too long"), "{err}");
        assert!(err.len() < 400, "{} bytes", err.len());
    }
    let deep = format!("{}valid{}", "(".repeat(100), ")".repeat(100));
    let err = cli_err(&["score", s(&file), "--preset", "custom", "--formula", &deep]);
    assert!(err.contains("nests too deeply"), "{err}");
}

/// Saves a scoring row with `formula` straight into the file, as an older or damaged program
/// might have.
fn save_formula(file: &Path, formula: &str) {
    let conn = common::open_sql(file).unwrap();
    let parameters = serde_json::json!({
        "preset": "custom",
        "ours": ["Joly"],
        "elections": [],
        "formula": formula,
        "classes": 5,
        "method": {"method": "quantile"},
        "ramp": "ylorrd",
    });
    conn.execute(
        "UPDATE scoring SET parameters = ?1 WHERE deleted_at IS NULL",
        [parameters.to_string()],
    )
    .unwrap();
}

#[test]
fn a_saved_formula_that_cannot_parse_opens_with_the_scoring_reset_and_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    save_formula(&file, &format!("{}valid", "-".repeat(100_000)));
    // The command line says so instead of crashing.
    let out = cli(&["score", s(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("the saved scoring cannot be run")
            && err.contains("too long")
            && err.contains("--preset performance"),
        "{err}"
    );
    // The app opens the campaign with the scoring reset, and says why.
    let loaded = Session::open(&file).unwrap();
    assert_eq!(loaded.params.preset, Preset::Performance);
    assert!(loaded.scored.is_some());
    let reset = loaded.scoring_reset.as_ref().unwrap();
    assert!(matches!(reset, ScoringReset::Unusable(_)));
    let text = reset.localized(campaign_planner::domain::numbers::Lang::En);
    assert!(
        text.contains("saved scoring could not be used") && text.contains("too long"),
        "{text}"
    );
}

#[test]
fn unreadable_saved_parameters_do_not_keep_the_campaign_from_opening() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let conn = common::open_sql(&file).unwrap();
    conn.execute(
        "UPDATE scoring SET parameters = '{not json' WHERE deleted_at IS NULL",
        [],
    )
    .unwrap();
    drop(conn);
    let loaded = Session::open(&file).unwrap();
    assert!(matches!(
        loaded.scoring_reset,
        Some(ScoringReset::Unreadable(_))
    ));
    assert!(loaded.scored.is_some());
}

#[test]
fn score_prints_the_settings_it_used_and_options_replace_only_their_part() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    // A second election, so that the choice of elections shows.
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "Copie 2013",
    ]);
    let out = cli_ok(&[
        "score",
        s(&file),
        "--election",
        "Mairie 2013",
        "--breaks",
        "0.3,0.4",
    ]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "performance score (ours / valid), ours: Joly; 3 classes by manual breaks 0.3, 0.4, ramp ylorrd"
    );
    assert_eq!(
        lines.next().unwrap(),
        "elections: Mairie 2013 (2013-11-03, round 1)"
    );
    // Run bare, the saved scoring is run again, and says so.
    let again = cli_ok(&["score", s(&file)]);
    assert!(
        again.contains("by manual breaks 0.3, 0.4")
            && again.contains("elections: Mairie 2013 (2013-11-03, round 1)"),
        "{again}"
    );
    // `all` and another method put the defaults back.
    let all = cli_ok(&[
        "score",
        s(&file),
        "--election",
        "all",
        "--method",
        "quantile",
    ]);
    assert!(
        all.contains("5 classes by quantile")
            && all.contains("elections (all): Copie 2013; Mairie 2013 (2013-11-03, round 1)"),
        "{all}"
    );
    let help = cli_ok(&["score", "--help"]);
    assert!(
        help.contains("saved scoring") && help.contains("[default: the saved ones, else all]"),
        "{help}"
    );
}

#[test]
fn breaks_outside_the_scores_are_warned_about_with_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let out = cli(&["score", s(&file), "--breaks", "30,40,50"]);
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "warning: breaks 30, 40, 50 lie outside the scores, which run from 0.1304 to 0.5654"
        ) && err.contains("write 0.3 for 30 %"),
        "{err}"
    );
    let inside = cli(&["score", s(&file), "--breaks", "0.3,0.4"]);
    assert!(String::from_utf8(inside.stderr).unwrap().is_empty());
}

#[test]
fn lang_fr_writes_the_settings_the_legend_and_the_numbers_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let out = cli_ok(&["score", s(&file), "--lang", "fr"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "score de performance (ours / valid), notre camp : Joly ; 5 classes par quantiles, palette ylorrd"
    );
    assert_eq!(
        lines[1],
        "élections (toutes) : Mairie 2013 (2013-11-03, tour 1)"
    );
    let district = lines.iter().find(|l| l.starts_with("101 ")).unwrap();
    assert!(
        district.contains("0,4123") && district.contains("Joly a obtenu 41,2"),
        "{district}"
    );
    assert!(out.contains("légende :"), "{out}");
    assert!(
        out.contains("classe 5 #bd0026  0,4123 … 0,5654  (11 bureaux)"),
        "{out}"
    );
    assert!(!out.contains("class "), "no English left: {out}");
}

/// The French fixture imported as two rounds of one election (the second with the same file).
fn two_rounds(dir: &Path) -> PathBuf {
    let file = dir.join("fr.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "FR"]);
    cli_ok(&["import", s(&file), s(&fixture("fr/bureaux.geojson"))]);
    for round in ["1", "2"] {
        cli_ok(&[
            "results",
            s(&file),
            s(&fixture("fr/resultats-2020-t1.csv")),
            "--election",
            "Municipales 2020",
            "--round",
            round,
        ]);
    }
    file
}

#[test]
fn an_election_name_chooses_every_round_and_a_round_chooses_one_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let file = two_rounds(dir.path());
    let both = cli_ok(&[
        "score",
        s(&file),
        "--preset",
        "mobilisation",
        "--ours",
        "Liste Dupont",
        "--election",
        "Municipales 2020",
    ]);
    assert!(
        both.contains("elections: Municipales 2020 (round 1); Municipales 2020 (round 2)")
            && both.contains("(average of 2 elections)"),
        "{both}"
    );
    let one = cli_ok(&[
        "score",
        s(&file),
        "--election",
        "Municipales 2020 (round 2)",
    ]);
    assert!(
        one.contains("elections: Municipales 2020 (round 2)\n")
            && !one.contains("average of 2")
            && one.contains("161.6"),
        "{one}"
    );
    let err = cli_err(&["score", s(&file), "--election", "Municipales 2021"]);
    assert!(
        err.contains("Municipales 2020 (round 1), Municipales 2020 (round 2)")
            && err.contains("--election all"),
        "{err}"
    );
}

#[test]
fn class_options_that_cannot_go_together_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let err = cli_err(&["score", s(&file), "--classes", "9"]);
    assert!(err.contains("9 is not in 3..=7"), "{err}");
    cli_ok(&["score", s(&file), "--breaks", "0.3,0.4"]);
    let err = cli_err(&["score", s(&file), "--classes", "4"]);
    assert!(
        err.contains("--classes 4 sets the number of quantile") && err.contains("2 manual breaks"),
        "{err}"
    );
    // The saved breaks serve `--method manual`.
    let out = cli_ok(&["score", s(&file), "--method", "manual"]);
    assert!(out.contains("manual breaks 0.3, 0.4"), "{out}");
    let err = cli_err(&["score", s(&file), "--breaks", "0.5"]);
    assert!(err.contains("1 manual breaks make 2 classes"), "{err}");
    let many = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9";
    let err = cli_err(&["score", s(&file), "--breaks", many]);
    assert!(err.contains("9 manual breaks make 10 classes"), "{err}");
}

#[test]
fn a_list_named_twice_on_our_side_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let out = cli_ok(&["score", s(&file), "--ours", "Joly,joly", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p = json["precincts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "101")
        .unwrap();
    assert!((p["score"].as_f64().unwrap() - 3024.0 / 7334.0).abs() < 1e-12);
}

#[test]
fn errors_are_french_too_with_lang_fr() {
    let dir = tempfile::tempdir().unwrap();
    let file = scored_montreal(dir.path());
    let err = cli_err(&[
        "score",
        s(&file),
        "--preset",
        "custom",
        "--formula",
        "log(Joly)",
        "--lang",
        "fr",
    ]);
    assert_eq!(
        err.trim(),
        "erreur : erreur de formule, colonne 1 : fonction inconnue « log » (fonctions : min, \
         max, abs, sqrt, ln)"
    );
    let err = cli_err(&["score", s(&file), "--breaks", "0.5", "--lang", "fr"]);
    assert!(
        err.starts_with("erreur : 1 seuils manuels font 2 classes"),
        "{err}"
    );
    let out = cli_ok(&["score", s(&file), "--preset", "persuasion", "--lang", "fr"]);
    assert!(out.contains("meilleur adversaire"), "{out}");
}

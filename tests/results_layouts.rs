//! Results files laid out as authorities and spreadsheets publish them: several contests in
//! one file, no header, UK ward columns, uncontested races, repeated candidate blocks, numbers
//! written oddly. Each is read right, or refused with what to do; never imported wrong.
#![allow(clippy::unwrap_used, clippy::float_cmp)] // Test helpers fail loudly; counts are exact.

mod common;

use std::path::{Path, PathBuf};

use campaign_planner::io::ImportError;
use campaign_planner::io::csv_results::{
    ColumnMapping, ResultsImport, ResultsWarning, import_results,
};
use campaign_planner::io::{ImportOptions, import_precincts};
use campaign_planner::progress::ignore;
use campaign_planner::store::{Campaign, ElectionMeta};
use common::fixture;

/// A new campaign of the four French polling stations ("0101"…"0104").
fn french(dir: &Path) -> Campaign {
    let path = dir.join("fr.campaign.gpkg");
    let _ = std::fs::remove_file(&path);
    let mut campaign = Campaign::create(&path, "FR").unwrap();
    import_precincts(
        &mut campaign,
        &fixture("fr/bureaux.geojson"),
        &ImportOptions::default(),
        &mut ignore,
    )
    .unwrap();
    campaign
}

fn meta(name: &str, round: Option<i64>) -> ElectionMeta {
    ElectionMeta {
        name: name.to_owned(),
        date: None,
        round,
    }
}

/// Imports `text` (written to a file) into a new French campaign.
fn import(
    dir: &Path,
    text: &str,
    mapping: &ColumnMapping,
) -> (Campaign, Result<ResultsImport, ImportError>) {
    let file: PathBuf = dir.join("results.csv");
    std::fs::write(&file, text).unwrap();
    let mut campaign = french(dir);
    let result = import_results(&mut campaign, &file, &meta("T1", None), mapping);
    (campaign, result)
}

#[test]
fn several_contests_in_one_long_file_are_refused_with_the_options_that_separate_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code,office,candidate,votes\n\
                0101,PRESIDENT,Biden,312\n0101,PRESIDENT,Trump,300\n0101,SENATE,Doe,612\n\
                0102,PRESIDENT,Biden,250\n0102,PRESIDENT,Trump,500\n0102,SENATE,Doe,750\n";
    let (campaign, result) = import(dir.path(), text, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("column \"office\" holds several contests (PRESIDENT, SENATE)")
            && message.contains("--where office=PRESIDENT")
            && message.contains("--split-by office"),
        "{message}"
    );
    assert!(campaign.elections().unwrap().is_empty());
    drop(campaign);
    let mapping = ColumnMapping {
        filters: vec![("office".to_owned(), "SENATE".to_owned())],
        ..ColumnMapping::default()
    };
    let (_, result) = import(dir.path(), text, &mapping);
    let report = result.unwrap();
    assert_eq!(
        report.elections[0].lists,
        vec!["Doe"],
        "one row per precinct is still long"
    );
}

#[test]
fn a_file_without_a_header_line_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "0101;1204;800;780;312;300;168\n0102;2010;1005;1000;250;500;250\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("looks like a row of results, not a header"),
        "{message}"
    );
}

#[test]
fn uk_ward_columns_are_read_as_totals_not_lists() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Ward;Electorate;Ballot papers issued;Turnout;Labour;Conservative;Green\n\
                0101;1204;800;66%;400;300;95\n0102;2010;1005;50%;500;400;100\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let report = result.unwrap();
    assert_eq!(report.read.registered.as_deref(), Some("Electorate"));
    assert_eq!(report.read.voters.as_deref(), Some("Ballot papers issued"));
    assert_eq!(
        report.elections[0].lists,
        vec!["Labour", "Conservative", "Green"]
    );
    // "Total Registration" is the electorate, not the valid votes.
    let text = "code;Total Registration;Dupont;Martin\n0101;1204;400;300\n0102;2010;500;400\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let report = result.unwrap();
    assert_eq!(
        report.read.registered.as_deref(),
        Some("Total Registration")
    );
    assert_eq!(report.read.valid, None);
}

#[test]
fn a_list_row_holding_the_sum_of_the_others_is_the_valid_votes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code,candidate,votes\n\
                0101,Dupont,312\n0101,Martin,300\n0101,Bernard,168\n0101,Overall,780\n\
                0102,Dupont,250\n0102,Martin,500\n0102,Bernard,250\n0102,Overall,1000\n";
    let (campaign, result) = import(dir.path(), text, &ColumnMapping::default());
    let report = result.unwrap();
    assert_eq!(
        report.elections[0].lists,
        vec!["Dupont", "Martin", "Bernard"]
    );
    assert!(report.read.warnings.iter().any(|w| matches!(
        w,
        ResultsWarning::ValidFound { column, .. } if column == "Overall"
    )));
    let data = campaign.scoring_data().unwrap();
    assert_eq!(data.elections[0].valid[0], 780.0);
}

#[test]
fn a_column_with_the_same_number_on_every_row_is_not_a_list() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code;LEG;Dupont;Martin\n0101;37;312;300\n0102;37;250;500\n0103;37;354;118\n\
                0104;37;118;700\n0105;37;1;1\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let report = result.unwrap();
    assert_eq!(report.elections[0].lists, vec!["Dupont", "Martin"]);
}

#[test]
fn repeated_name_and_votes_blocks_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code;Nom 1;Voix 1;Nom 2;Voix 2\n0101;DUPONT;312;MARTIN;300\n\
                0102;MARTIN;500;DUPONT;250\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("repeats a name and votes block per candidate (Voix 1, Voix 2"),
        "{message}"
    );
}

#[test]
fn numbers_are_never_multiplied_by_a_thousand_and_scientific_notation_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code;Inscrits;Votants;Dupont;Martin\n0101;1204.000;800.000;312;300\n";
    let (campaign, result) = import(dir.path(), text, &ColumnMapping::default());
    result.unwrap();
    let data = campaign.scoring_data().unwrap();
    assert_eq!(data.elections[0].registered[0], 1204.0);
    assert_eq!(data.elections[0].voters[0], 800.0);
    drop(campaign);
    let text = "code;Inscrits;Votants;Dupont;Martin\n0101;1.23457E+06;800;312;300\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(message.contains("scientific notation"), "{message}");
}

#[test]
fn lists_above_the_registered_voters_are_refused_when_the_file_has_no_other_total() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code;Inscrits;Dupont;Martin\n0101;1204;1000;300\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("the lists' votes (1300) exceed the registered voters (1204)"),
        "{message}"
    );
}

#[test]
fn list_names_written_in_other_cases_or_spaces_are_one_list_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code,candidate,votes\n0101,Jean DUPONT,312\n0101,Marie MARTIN,300\n\
                0102,jean dupont,250\n0102,Marie  MARTIN,500\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let report = result.unwrap();
    assert_eq!(
        report.elections[0].lists,
        vec!["Jean DUPONT", "Marie MARTIN"]
    );
    let merged = report
        .read
        .warnings
        .iter()
        .find(|w| matches!(w, ResultsWarning::ListsMerged { .. }))
        .unwrap()
        .to_string();
    assert!(
        merged.contains("\"Jean DUPONT\" = \"jean dupont\""),
        "{merged}"
    );
}

#[test]
fn lines_after_an_excel_sep_line_keep_the_files_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "sep=;\ncode;Dupont;Martin\n0101;312;300\n0102;25x;500\n0103;354;118\n0104;118;700\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(message.contains("line 4, column Dupont"), "{message}");
}

#[test]
fn a_title_line_without_delimiters_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Résultats municipales 2020\ncode;Dupont;Martin\n0101;312;300\n0102;250;500\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let report = result.unwrap();
    assert_eq!(report.read.title_lines, 1);
    assert_eq!(report.elections[0].join.matched, 2);
}

#[test]
fn an_election_imported_with_and_without_a_round_is_refused_not_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("fr/resultats-2020-t1.csv");
    let mut campaign = french(dir.path());
    let mapping = ColumnMapping::default();
    import_results(&mut campaign, &file, &meta("Muni 2020", Some(1)), &mapping).unwrap();
    let message = import_results(&mut campaign, &file, &meta("Muni 2020", None), &mapping)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("has an election \"Muni 2020\" for round 1; give --round 1"),
        "{message}"
    );
    let message = import_results(&mut campaign, &file, &meta("Muni 2020 T2", None), &mapping)
        .unwrap_err()
        .to_string();
    assert!(message.contains("ends like a round"), "{message}");
    assert_eq!(campaign.elections().unwrap().len(), 1);
}

#[test]
fn a_candidate_on_two_party_lines_gets_the_list_column_hint() {
    let dir = tempfile::tempdir().unwrap();
    let text = "code,candidate,party,votes\n0101,Dupont,DEM,300\n0101,Dupont,WOR,12\n\
                0101,Martin,REP,300\n0102,Dupont,DEM,250\n0102,Dupont,WOR,9\n0102,Martin,REP,500\n";
    let (_, result) = import(dir.path(), text, &ColumnMapping::default());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("which names lists too") && message.contains("--list-column party"),
        "{message}"
    );
}

/// A campaign of the four bureaux keyed by their bureau code alone ("0101"…), through the
/// command line.
fn bureaux(dir: &Path, name: &str) -> PathBuf {
    let file = dir.join(name);
    common::cli_ok(&["new", common::s(&file), "--name", "Bureaux"]);
    common::cli_ok(&[
        "import",
        common::s(&file),
        common::s(&fixture("fr/bureaux.geojson")),
        "--key",
        "code_bv",
    ]);
    file
}

/// A campaign of the four Paris bureaux keyed `75056_0101`…, through the command line.
fn paris(dir: &Path) -> PathBuf {
    let file = dir.join("paris.campaign.gpkg");
    common::cli_ok(&["new", common::s(&file), "--name", "Paris"]);
    common::cli_ok(&[
        "import",
        common::s(&file),
        common::s(&fixture("fr/bureaux-paris-75056.geojson")),
        "--key",
        "id_bv",
        "--name-field",
        "nom",
    ]);
    file
}

#[test]
fn the_ministry_s_per_bureau_file_gives_every_candidate_s_votes_to_its_bureau_and_no_percentage_list()
 {
    let dir = tempfile::tempdir().unwrap();
    let file = paris(dir.path());
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/ministere-presidentielle-bv.csv")),
        "--election",
        "Présidentielle 2022",
        "--date",
        "2022-04-10",
        "--round",
        "1",
    ]);
    assert!(
        said.contains(
            "4 lists (ARTHAUD Nathalie, ROUSSEL Fabien, MACRON Emmanuel, PÉCRESSE Valérie)"
        ) && said.contains("4 precincts matched")
            && said.contains("75111_0001"),
        "{said}"
    );
    let c = Campaign::open_read_only(&file).unwrap();
    let votes = |code: &str, list: &str| -> i64 {
        c.conn_for_tests()
            .query_row(
                "SELECT votes FROM results WHERE precinct_code = ?1 AND list = ?2",
                [code, list],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(votes("75056_0104", "MACRON Emmanuel"), 600);
    assert_eq!(votes("75056_0104", "PÉCRESSE Valérie"), 300);
    assert_eq!(votes("75056_0102", "ARTHAUD Nathalie"), 8);
    let lists: i64 = c
        .conn_for_tests()
        .query_row("SELECT count(DISTINCT list) FROM results", [], |r| r.get(0))
        .unwrap();
    assert_eq!(lists, 4, "no percentage, code or panel became a list");
    drop(c);
    // Mobilisation of bureau 0101 by hand: (1 000 − 623) × 410 / 605 = 255.49.
    let json: serde_json::Value = serde_json::from_str(&common::cli_ok(&[
        "score",
        common::s(&file),
        "--preset",
        "mobilisation",
        "--ours",
        "MACRON Emmanuel",
        "--json",
    ]))
    .unwrap();
    let bureau = json["precincts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "75056_0101")
        .unwrap();
    assert!(
        (bureau["score"].as_f64().unwrap() - 377.0 * 410.0 / 605.0).abs() < 1e-6,
        "{bureau}"
    );
}

#[test]
fn a_municipal_file_keeps_each_list_s_nuance_and_our_side_can_be_a_nuance_and_one_commune_needs_only_the_bureau()
 {
    let dir = tempfile::tempdir().unwrap();
    // Outlines keyed by the bureau alone ("0101"), the file filtered to the commune.
    let file = bureaux(dir.path(), "c.campaign.gpkg");
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/ministere-municipales-bv.csv")),
        "--election",
        "Municipales 2020",
        "--date",
        "2020-03-15",
        "--round",
        "1",
        "--where",
        "Code de la commune=56",
    ]);
    assert!(said.contains("3 precincts matched"), "{said}");
    let c = Campaign::open_read_only(&file).unwrap();
    assert_eq!(
        c.nuances().unwrap(),
        vec![
            ("LDVD".to_owned(), vec!["Changer Paris".to_owned()]),
            ("LECO".to_owned(), vec!["Décidons Paris".to_owned()]),
            ("LUG".to_owned(), vec!["Paris en commun".to_owned()]),
        ]
    );
    drop(c);
    let scored = common::cli_ok(&[
        "score",
        common::s(&file),
        "--preset",
        "performance",
        "--ours-nuance",
        "LUG",
    ]);
    // 300 / 670 for bureau 0101.
    assert!(
        scored.contains("ours: Paris en commun") && scored.contains("0.4478"),
        "{scored}"
    );
}

#[test]
fn the_flattened_long_layout_is_recognised_without_flags_and_keeps_each_list_s_nuance() {
    let dir = tempfile::tempdir().unwrap();
    let file = bureaux(dir.path(), "long.campaign.gpkg");
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/resultats-long-municipales.csv")),
        "--election",
        "Municipales 2020",
    ]);
    assert!(
        said.contains("long layout")
            && said.contains("list and votes columns: liste, voix")
            && said.contains("ratio_voix_exprimes (a share or percentage)")
            && said.contains("3 precincts matched"),
        "{said}"
    );
    let c = Campaign::open_read_only(&file).unwrap();
    let nuances = c.nuances().unwrap();
    assert_eq!(nuances.len(), 3);
    assert!(nuances.contains(&("LUG".to_owned(), vec!["Paris en commun".to_owned()])));
}

#[test]
fn results_in_an_xlsx_or_ods_workbook_are_read_like_a_csv_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = bureaux(dir.path(), "book.campaign.gpkg");
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/resultats-2020-t1.xlsx")),
        "--election",
        "Municipales 2020",
    ]);
    assert!(
        said.contains("a workbook")
            && said.contains("% Dupont (a share or percentage)")
            && said.contains("4 precincts matched"),
        "{said}"
    );
    let scored = common::cli_ok(&[
        "score",
        common::s(&file),
        "--preset",
        "performance",
        "--ours",
        "Liste Dupont",
    ]);
    // 312 / 780 in bureau 0101.
    assert!(scored.contains("0.4000"), "{scored}");
    let ods = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/resultats-2020-t1.ods")),
        "--election",
        "Municipales 2020 (tableur)",
    ]);
    assert!(ods.contains("4 precincts matched"), "{ods}");
    let err = common::cli_err(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/resultats-2020-t1.xlsx")),
        "--election",
        "Autre",
        "--sheet",
        "Feuil2",
    ]);
    assert!(
        err.contains("no sheet named \"Feuil2\"") && err.contains("Résultats T1"),
        "{err}"
    );
}

#[test]
fn bare_bureau_codes_match_only_when_the_rows_kept_are_of_one_commune() {
    let dir = tempfile::tempdir().unwrap();
    let file = bureaux(dir.path(), "bare.campaign.gpkg");
    let results = fixture("fr/ministere-presidentielle-bv.csv");
    // Two communes in the file: "0101" could be either's, so nothing matches on it.
    let err = common::cli_err(&[
        "results",
        common::s(&file),
        common::s(&results),
        "--election",
        "P",
    ]);
    assert!(err.contains("no row matches a precinct"), "{err}");
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&results),
        "--election",
        "P",
        "--where",
        "Code de la commune=056",
    ]);
    assert!(said.contains("4 precincts matched"), "{said}");
}

#[test]
fn a_ministry_file_ending_every_line_with_a_semicolon_or_keyed_by_one_column_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = bureaux(dir.path(), "k.campaign.gpkg");
    let text = std::fs::read_to_string(fixture("fr/ministere-municipales-bv.csv")).unwrap();
    let trailing = dir.path().join("trailing.csv");
    std::fs::write(&trailing, text.replace('\n', ";\r\n")).unwrap();
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&trailing),
        "--election",
        "M",
    ]);
    assert!(
        said.contains("3 lists (Paris en commun, Changer Paris, Décidons Paris)")
            && said.contains("3 precincts matched"),
        "{said}"
    );
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/ministere-presidentielle-bv.csv")),
        "--election",
        "P",
        "--key",
        "Code du b.vote",
    ]);
    assert!(
        said.contains("key \"Code du b.vote\"") && said.contains("4 precincts matched"),
        "{said}"
    );
    let err = common::cli_err(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/ministere-presidentielle-bv.csv")),
        "--election",
        "P2",
        "--key",
        "Bogus",
    ]);
    assert!(err.contains("no column \"Bogus\" for --key"), "{err}");
}

#[test]
fn a_long_file_with_commune_and_bureau_columns_joins_outlines_keyed_by_both() {
    let dir = tempfile::tempdir().unwrap();
    let file = paris(dir.path());
    let said = common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("fr/resultats-long-municipales.csv")),
        "--election",
        "Municipales 2020",
    ]);
    assert!(
        said.contains("key \"code_commune + code_bvote\"") && said.contains("3 precincts matched"),
        "{said}"
    );
}

#[test]
fn a_us_long_file_s_party_is_the_lists_nuance_so_our_side_follows_a_party() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("us.campaign.gpkg");
    common::cli_ok(&["new", common::s(&file), "--name", "US"]);
    common::cli_ok(&[
        "import",
        common::s(&file),
        common::s(&fixture("us/counties.geojson")),
    ]);
    common::cli_ok(&[
        "results",
        common::s(&file),
        common::s(&fixture("us/countypres-long.csv")),
        "--election",
        "President",
        "--split-by",
        "year",
        "--where",
        "mode=TOTAL",
    ]);
    let c = Campaign::open_read_only(&file).unwrap();
    let democrats = c
        .nuances()
        .unwrap()
        .into_iter()
        .find(|(n, _)| n == "DEMOCRAT")
        .map(|(_, lists)| lists)
        .unwrap();
    assert!(
        democrats.contains(&"BARACK OBAMA".to_owned())
            && democrats.contains(&"JOSEPH R BIDEN JR".to_owned()),
        "{democrats:?}"
    );
}

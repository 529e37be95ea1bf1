//! Panels drawn alone, without the app or a window: each reads the state it is given and
//! returns the actions the user chose (`egui_kittest` drives them by label).
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

use campaign_planner::map::basemap::{BasemapChoice, NetState};
use campaign_planner::state::{
    Action, BasemapStatus, Forms, Persisted, SelectMode, Selection, Session, Shown, View,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

fn basemap() -> BasemapStatus {
    BasemapStatus {
        choice: BasemapChoice::None,
        net: NetState::Unknown,
        downloads: 0,
    }
}

#[test]
fn the_layers_panel_returns_the_switch_the_user_clicked_and_changes_nothing_itself() {
    let (persisted, selection, view) =
        (Persisted::default(), Selection::default(), View::default());
    let shown = Shown {
        persisted: &persisted,
        session: None,
        selection: &selection,
        view: &view,
        basemap: basemap(),
        job: None,
    };
    let mut h = Harness::new_ui_state(
        |ui, actions: &mut Vec<Action>| {
            actions.extend(campaign_planner::ui::panels::layers(ui, &shown));
        },
        Vec::new(),
    );
    h.run();
    h.get_by_label("Labels").click();
    h.run();
    assert!(
        h.state().contains(&Action::SetLabels(false)),
        "{:?}",
        h.state()
    );
    assert!(view.labels, "the panel only asks; the view is unchanged");
    h.get_by_label("MBTiles file…").click();
    h.run();
    assert!(
        h.state().contains(&Action::BasemapFileDialog),
        "a file is asked for by an action, not by the panel: {:?}",
        h.state()
    );
}

#[test]
fn the_turfs_panel_shows_the_selection_s_figures_and_returns_the_turf_to_make() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("panel.campaign.gpkg");
    let mut campaign = campaign_planner::store::Campaign::create(&file, "panel").unwrap();
    campaign_planner::io::import_precincts(
        &mut campaign,
        std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/montreal-districts.geojson"
        )),
        &campaign_planner::io::ImportOptions::default(),
        &mut campaign_planner::progress::ignore,
    )
    .unwrap();
    let session = Session::from_campaign(campaign).unwrap();
    let (persisted, view) = (Persisted::default(), View::default());
    let mut selection = Selection::default();
    selection.select_precincts(0..session.shapes.len().min(3), SelectMode::Replace);
    let shown = Shown {
        persisted: &persisted,
        session: Some(&session),
        selection: &selection,
        view: &view,
        basemap: basemap(),
        job: None,
    };
    let mut forms = Forms {
        turf_name: "Nord".to_owned(),
        ..Forms::default()
    };
    let mut icons = false;
    let mut h = Harness::new_ui_state(
        |ui, actions: &mut Vec<Action>| {
            // The panel's icon buttons need the icon font, in place from the next frame.
            if !icons {
                egui_material_icons::initialize(ui.ctx());
                icons = true;
                return;
            }
            actions.extend(campaign_planner::ui::turfs::turfs(ui, &shown, &mut forms));
        },
        Vec::new(),
    );
    h.run();
    h.get_by_label_contains("3 precincts ·");
    h.get_by_label("Make a turf of the selection").click();
    h.run();
    assert_eq!(h.state(), &vec![Action::CreateTurf("Nord".to_owned())]);
}

#[test]
fn our_side_is_chosen_by_nuance_in_the_scoring_panel() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nuances.campaign.gpkg");
    let fixture = |name: &str| format!("{}/fixtures/fr/{name}", env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let f = file.to_str().unwrap();
    run(&["new", f, "--name", "Nuances"]);
    run(&["import", f, &fixture("bureaux.geojson"), "--key", "code_bv"]);
    run(&[
        "results",
        f,
        &fixture("ministere-municipales-bv.csv"),
        "--election",
        "Municipales 2020",
        "--date",
        "2020-03-15",
    ]);
    let session = Session::open(&file).unwrap();
    assert_eq!(session.nuances.len(), 3);
    let (persisted, selection, view) =
        (Persisted::default(), Selection::default(), View::default());
    let shown = Shown {
        persisted: &persisted,
        session: Some(&session),
        selection: &selection,
        view: &view,
        basemap: basemap(),
        job: None,
    };
    let mut formula = String::new();
    let mut h = Harness::new_ui_state(
        |ui, actions: &mut Vec<Action>| {
            actions.extend(campaign_planner::ui::panels::scoring(
                ui,
                &shown,
                &mut formula,
            ));
        },
        Vec::new(),
    );
    h.run();
    h.get_by_label("LUG").click();
    h.run();
    let chosen = h.state().iter().find_map(|a| match a {
        Action::SetScoring(p) => Some(p.ours.clone()),
        _ => None,
    });
    assert_eq!(chosen, Some(vec!["Paris en commun".to_owned()]));
}

#[test]
fn the_results_dialog_offers_a_workbook_s_columns_from_its_header_row() {
    let dialog = campaign_planner::state::results_form::ResultsDialog::new(
        std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/fr/resultats-2020-t1.xlsx"
        )),
    );
    assert_eq!(
        dialog.columns[0], "Bureau",
        "the title row above is skipped"
    );
    assert!(dialog.columns.contains(&"Liste Dupont".to_owned()));
    assert_eq!(dialog.name, "resultats-2020-t1");
}

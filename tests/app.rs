//! The real app, driven with `egui_kittest` on the demo campaign (Montreal 2013), by AccessKit
//! role and label — no display needed.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use campaign_planner::app::PlannerApp;
use campaign_planner::domain::numbers::Lang;
use campaign_planner::domain::scoring::Preset;
use campaign_planner::state::Session;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

mod common;

/// The demo campaign of this test binary.
fn demo() -> &'static PathBuf {
    common::demo_campaign("app")
}

/// The app on a private copy of the demo campaign (each test holds its own write lock).
fn harness(name: &str, size: (f32, f32)) -> Harness<'static, PlannerApp> {
    let demo = demo();
    let copy = demo.with_file_name(format!("{name}.campaign.gpkg"));
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(demo, &copy).unwrap();
    let mut harness = Harness::builder().with_size(size).build_eframe(move |cc| {
        let loaded = Session::open(&copy).unwrap();
        PlannerApp::new(&cc.egui_ctx, Some(loaded), Lang::En)
    });
    harness.run_steps(4);
    harness
}

fn legend_counts(h: &Harness<'_, PlannerApp>) -> Vec<usize> {
    h.state()
        .session
        .as_ref()
        .unwrap()
        .scored
        .as_ref()
        .unwrap()
        .classes
        .legend
        .iter()
        .map(|c| c.count)
        .collect()
}

#[test]
fn the_demo_opens_scored_with_a_legend_on_the_map() {
    let h = harness("opens", (1280.0, 800.0));
    let app = h.state();
    let loaded = app.session.as_ref().unwrap();
    assert_eq!(loaded.shapes.len(), 58);
    assert_eq!(loaded.params.preset, Preset::Performance);
    assert_eq!(legend_counts(&h), vec![12, 12, 11, 12, 11]);
    // The legend is on screen, one line per class, with its count.
    h.get_by_label("legend class 5: 11");
    h.get_by_label("legend class 1: 12");
    assert!(
        app.map.frame_stats.visible > 0,
        "the precinct layer drew the districts"
    );
}

#[test]
fn the_mouse_wheel_over_the_map_zooms_in_as_in_a_desktop_gis() {
    let mut h = harness("wheel-zoom", (1280.0, 800.0));
    let before = h.state().map.memory.zoom();
    h.hover_at(egui::pos2(650.0, 300.0));
    for _ in 0..6 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, 3.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(2);
    }
    h.run_steps(10);
    let after = h.state().map.memory.zoom();
    assert!(after > before + 0.2, "zoom {before} -> {after}");
}

#[test]
fn a_hidden_precinct_layer_is_neither_hovered_nor_clicked() {
    let mut h = harness("hidden-hover", (1280.0, 800.0));
    let view = h.state().map.last_view.unwrap();
    let shapes = h.state().session.as_ref().unwrap().shapes.clone();
    // A point over a precinct, well inside the map.
    let inner = view.rect.shrink(100.0);
    let over = (0..100)
        .map(|k| inner.lerp_inside(egui::vec2((k % 10) as f32 / 9.0, (k / 10) as f32 / 9.0)))
        .find(|p| shapes.hit(view.to_world(*p)).is_some())
        .unwrap();
    h.hover_at(over);
    h.run_steps(2);
    assert!(
        h.state().map.hovered.is_some(),
        "a precinct under the pointer"
    );
    h.state_mut().view.precincts_visible = false;
    h.hover_at(over + egui::vec2(1.0, 0.0));
    h.run_steps(2);
    assert_eq!(h.state().map.hovered, None, "no tooltip for a hidden layer");
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: over,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(2);
    assert!(h.state().selection.precincts.is_empty(), "nothing selected");
}

#[test]
fn changing_the_preset_changes_the_legend_counts() {
    let mut h = harness("preset", (1280.0, 800.0));
    // Natural breaks follow the values, so a new method moves precincts between classes.
    h.get_by_label("Classes by").click();
    h.run_steps(2);
    h.get_by_label("Natural breaks (Jenks)").click();
    h.run_steps(3);
    let before = legend_counts(&h);
    h.get_by_label("Method").click();
    h.run_steps(2);
    h.get_by_label("Persuasion / swing").click();
    h.run_steps(3);
    let after = legend_counts(&h);
    assert_eq!(
        h.state().session.as_ref().unwrap().params.preset,
        Preset::Persuasion
    );
    assert_ne!(before, after, "the legend's counts changed with the preset");
    assert_eq!(after.iter().sum::<usize>(), 58);
    h.get_by_label(&format!("legend class 1: {}", after[0]));
    // Saved in the file: the campaign reopens with the new method.
    let path = h.state().session.as_ref().unwrap().path.clone();
    drop(h);
    let again = campaign_planner::store::Campaign::open_read_only(&path).unwrap();
    assert_eq!(
        again.scoring_params().unwrap().unwrap().preset,
        Preset::Persuasion
    );
}

#[test]
fn clicking_a_table_row_selects_the_precinct_on_the_map() {
    let mut h = harness("table", (1280.0, 800.0));
    let first = h.state().view.table_order[0];
    let name = h.state().session.as_ref().unwrap().data.names[first].clone();
    h.get_by_label(&name).click();
    h.run_steps(3);
    let app = h.state();
    assert!(
        app.selection.precincts.contains(&first),
        "{name} is selected"
    );
    assert_eq!(app.selection.precincts.len(), 1);
    // The inspector explains its score.
    h.get_by_label("Why this score");
}

#[test]
fn switching_the_language_shows_french_labels() {
    let mut h = harness("french", (1280.0, 800.0));
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Français").click();
    h.run_steps(3);
    assert_eq!(h.state().persisted.lang, Lang::Fr);
    h.get_by_label("Couches");
    h.get_by_label("Ciblage");
    h.get_by_label("Table attributaire");
}

#[test]
fn the_map_renders() {
    let mut h = harness("snapshot", (900.0, 600.0));
    h.run_steps(4);
    h.snapshot("demo_map");
}

#[test]
fn a_lasso_drag_makes_a_turf_that_undo_removes_redo_restores_and_a_team_gets() {
    let mut h = harness("lasso", (1280.0, 900.0)); // Tall enough for the turfs panel, under its tabs, to show the assign row.
    h.get_by_label("Lasso selection").click();
    h.run_steps(2);
    let view = h.state().map.last_view.unwrap();
    // A lasso over the left half of the map: the west of the island.
    let r = view.rect;
    let corners = [
        egui::pos2(r.left() + 5.0, r.top() + 5.0),
        egui::pos2(r.center().x, r.top() + 5.0),
        egui::pos2(r.center().x, r.bottom() - 5.0),
        egui::pos2(r.left() + 5.0, r.bottom() - 5.0),
    ];
    let mut path = Vec::new();
    for k in 0..4 {
        let (a, b) = (corners[k], corners[(k + 1) % 4]);
        for s in 0..10 {
            path.push(a + (b - a) * (s as f32 / 10.0));
        }
    }
    h.hover_at(path[0]);
    h.run_steps(1);
    h.drag_at(path[0]);
    h.run_steps(1);
    for p in &path[1..] {
        h.hover_at(*p);
        h.run_steps(1);
    }
    h.drop_at(path[0]);
    h.run_steps(3);

    // The districts whose representative point is in the lasso, computed apart.
    let expected: Vec<String> = {
        use geo::{Contains as _, InteriorPoint as _};
        let app = h.state();
        let l = app.session.as_ref().unwrap();
        let ring: Vec<geo_types::Coord<f64>> = corners
            .iter()
            .map(|p| view.to_world(*p).position().0)
            .collect();
        let lasso = geo_types::Polygon::new(ring.into(), vec![]);
        let mut codes: Vec<String> = (0..l.shapes.len())
            .filter(|&i| lasso.contains(&l.shapes.geometry(i).interior_point().unwrap()))
            .map(|i| l.data.codes[i].clone())
            .collect();
        codes.sort();
        codes
    };
    assert!(expected.contains(&"101".to_owned()), "{expected:?}");
    let mut selected: Vec<String> = {
        let app = h.state();
        let l = app.session.as_ref().unwrap();
        app.selection
            .precincts
            .iter()
            .map(|&i| l.data.codes[i].clone())
            .collect()
    };
    selected.sort();
    assert_eq!(
        selected, expected,
        "the lasso selected the districts inside it"
    );

    h.state_mut().forms.turf_name = "Ouest".to_owned();
    h.run_steps(1);
    h.get_by_label("Make a turf of the selection").click();
    h.run_steps(3);
    assert_eq!(
        h.state().session.as_ref().unwrap().turfs.len(),
        1,
        "{:?}",
        h.state().view.message
    );
    let mut in_turf = h.state().session.as_ref().unwrap().turfs[0]
        .precincts
        .clone();
    in_turf.sort();
    assert_eq!(in_turf, expected);

    h.get_by_label("Undo (Ctrl+Z)").click();
    h.run_steps(3);
    assert!(
        h.state().session.as_ref().unwrap().turfs.is_empty(),
        "undo removed the turf"
    );
    h.get_by_label("Redo (Ctrl+Shift+Z)").click();
    h.run_steps(3);
    assert_eq!(
        h.state().session.as_ref().unwrap().turfs.len(),
        1,
        "redo brought it back"
    );

    h.state_mut().forms.team_name = "Équipe Nord".to_owned();
    h.run_steps(1);
    h.get_by_label("Create team").click();
    h.run_steps(3);
    h.state_mut().forms.assign = campaign_planner::state::forms::AssignForm {
        turf: "Ouest".to_owned(),
        team: "Équipe Nord".to_owned(),
        date: "2026-12-01".to_owned(),
    };
    h.run_steps(1);
    h.get_by_label("Assign").click();
    h.run_steps(3);
    assert_eq!(
        h.state().session.as_ref().unwrap().turfs[0].team.as_deref(),
        Some("Équipe Nord")
    );
    h.get_by_label_contains("Équipe Nord: Ouest");
}

/// A click (press and release) at `pos`.
fn click_at(h: &mut Harness<'_, PlannerApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(1);
}

#[test]
fn a_polygon_selects_and_a_turf_grows_with_the_selection_and_undo_puts_it_back() {
    let mut h = harness("polygon", (1280.0, 800.0));
    h.get_by_label("Polygon selection (double-click, Enter or the first vertex closes)")
        .click();
    h.run_steps(2);
    let r = h.state().map.last_view.unwrap().rect;
    let c = r.center();
    for p in [
        c + egui::vec2(-120.0, -90.0),
        c + egui::vec2(120.0, -90.0),
        c + egui::vec2(120.0, 90.0),
    ] {
        click_at(&mut h, p);
        h.run_steps(20); // far apart in time: single clicks
    }
    assert_eq!(h.state().map.polygon.len(), 3, "three vertices placed");
    click_at(&mut h, c + egui::vec2(-120.0, 90.0));
    h.run_steps(20);
    click_at(&mut h, c + egui::vec2(-120.0, -90.0)); // back on the first vertex: closed
    h.run_steps(3);
    let first_pick: Vec<usize> = h.state().selection.precincts.iter().copied().collect();
    assert!(
        !first_pick.is_empty(),
        "the polygon selected precincts: {:?} {:?}",
        h.state().map.polygon,
        h.state().view.message
    );

    h.state_mut().forms.turf_name = "P".to_owned();
    h.run_steps(1);
    h.get_by_label("Make a turf of the selection").click();
    h.run_steps(3);
    let size = h.state().session.as_ref().unwrap().turfs[0].precincts.len();
    assert_eq!(size, first_pick.len());

    // Select one more district in the table and add it to the turf.
    let other = *h
        .state()
        .view
        .table_order
        .iter()
        .find(|i| !first_pick.contains(i))
        .unwrap();
    let name = h.state().session.as_ref().unwrap().data.names[other].clone();
    h.get_by_label(&name).click();
    h.run_steps(3);
    h.get_by_label("Add the selection P").click();
    h.run_steps(3);
    assert_eq!(
        h.state().session.as_ref().unwrap().turfs[0].precincts.len(),
        size + 1
    );
    h.get_by_label("Undo (Ctrl+Z)").click();
    h.run_steps(3);
    assert_eq!(
        h.state().session.as_ref().unwrap().turfs[0].precincts.len(),
        size,
        "undo took it out again"
    );
    h.get_by_label("Redo (Ctrl+Shift+Z)").click();
    h.run_steps(3);
    assert_eq!(
        h.state().session.as_ref().unwrap().turfs[0].precincts.len(),
        size + 1
    );
}

#[test]
fn a_doors_import_is_undone_and_redone() {
    let mut h = harness("doors", (1280.0, 800.0));
    let path = h.state().session.as_ref().unwrap().path.clone();
    let live_doors = || {
        let c = campaign_planner::store::Campaign::open_read_only(&path).unwrap();
        c.layers()
            .unwrap()
            .into_iter()
            .find(|l| l.name == "doors")
            .unwrap()
            .count
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("montreal-doors.csv");
    std::fs::write(
        &csv,
        "lon,lat,households\n-73.80,45.50,3\n-73.60,45.55,1\n-73.57,45.50,2\n",
    )
    .unwrap();
    h.state_mut()
        .push(campaign_planner::state::Action::ImportDoors(csv));
    h.run_steps(1);
    wait_for_job(&mut h);
    assert_eq!(live_doors(), 3);
    h.get_by_label("Undo (Ctrl+Z)").click();
    h.run_steps(3);
    assert_eq!(live_doors(), 0, "undo removed the imported doors");
    h.get_by_label("Redo (Ctrl+Shift+Z)").click();
    h.run_steps(3);
    assert_eq!(live_doors(), 3, "redo brought them back");
    // A lasso selects door points too, and a turf can be made of doors alone.
    let ring = vec![
        walkers::lon_lat(-73.9, 45.4),
        walkers::lon_lat(-73.4, 45.4),
        walkers::lon_lat(-73.4, 45.7),
        walkers::lon_lat(-73.9, 45.7),
    ];
    h.state_mut().push(campaign_planner::state::Action::Lasso(
        ring,
        campaign_planner::state::SelectMode::Replace,
    ));
    h.run_steps(3);
    assert_eq!(h.state().selection.doors.len(), 3);
    h.state_mut()
        .push(campaign_planner::state::Action::ClearSelection);
    h.run_steps(2);
    assert!(h.state().selection.doors.is_empty());
}

#[test]
fn auto_cut_in_the_app_makes_turfs_of_the_target_size_and_undo_removes_them_all() {
    let mut h = harness("autocut", (1280.0, 800.0));
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("doors.csv");
    let mut text = String::from("lon,lat\n");
    for p in campaign_planner::synth::random_points(3000, (-73.75, 45.45, -73.55, 45.60), 3) {
        writeln!(text, "{},{}", p.x, p.y).unwrap();
    }
    std::fs::write(&csv, text).unwrap();
    h.state_mut()
        .push(campaign_planner::state::Action::ImportDoors(csv));
    h.run_steps(1);
    wait_for_job(&mut h);
    h.state_mut().forms.autocut_target = 100;
    h.run_steps(1);
    h.get_by_label("Cut the selection (or everything) into turfs")
        .click();
    h.run_steps(3);
    let turfs = h.state().session.as_ref().unwrap().turfs.clone();
    assert!(turfs.len() > 5, "{} turfs", turfs.len());
    for t in &turfs {
        assert!(
            (34..=125).contains(&t.stats.doors),
            "{}: {} doors",
            t.name,
            t.stats.doors
        );
    }
    h.get_by_label("Undo (Ctrl+Z)").click();
    h.run_steps(3);
    assert!(
        h.state().session.as_ref().unwrap().turfs.is_empty(),
        "one undo removes the whole cut"
    );
}

#[test]
fn a_formula_typed_in_the_app_that_scores_nothing_is_refused_and_the_map_keeps_its_colours() {
    use campaign_planner::domain::scoring::ScoringError;
    let mut h = harness("nothing-scored", (1280.0, 800.0));
    let before = legend_counts(&h);
    let mut params = h.state().session.as_ref().unwrap().params.clone();
    params.preset = Preset::Custom;
    params.formula = Some("valid / (valid - valid)".to_owned());
    h.state_mut()
        .push(campaign_planner::state::Action::SetScoring(params));
    h.run_steps(3);
    let loaded = h.state().session.as_ref().unwrap();
    assert_eq!(
        loaded.params.preset,
        Preset::Performance,
        "the method stays"
    );
    assert!(matches!(
        loaded.scoring_error,
        Some(ScoringError::NothingScored { .. })
    ));
    assert_eq!(legend_counts(&h), before, "the classes stay");
    h.get_by_label_contains("division by zero at column 9");
    // The file keeps its method too.
    let saved = loaded.path.clone();
    drop(h);
    let campaign = campaign_planner::store::Campaign::open_read_only(&saved).unwrap();
    assert_eq!(
        campaign.scoring_params().unwrap().unwrap().preset,
        Preset::Performance
    );
}

#[test]
fn a_campaign_whose_saved_formula_cannot_parse_opens_with_its_scoring_reset_and_says_so() {
    let demo = demo();
    let copy = demo.with_file_name("bad-formula.campaign.gpkg");
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(demo, &copy).unwrap();
    let parameters = serde_json::json!({
        "preset": "custom", "ours": ["Joly"], "elections": [],
        "formula": format!("{}valid", "(".repeat(8_000)),
        "classes": 5, "method": {"method": "quantile"}, "ramp": "ylorrd",
    });
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute(
            "UPDATE scoring SET parameters = ?1 WHERE deleted_at IS NULL",
            [parameters.to_string()],
        )
        .unwrap();
    let mut h = Harness::builder()
        .with_size((1280.0, 800.0))
        .build_eframe(move |cc| {
            let loaded = Session::open(&copy).unwrap();
            PlannerApp::new(&cc.egui_ctx, Some(loaded), Lang::Fr)
        });
    h.run_steps(4);
    let app = h.state();
    assert_eq!(
        app.session.as_ref().unwrap().params.preset,
        Preset::Performance
    );
    let campaign_planner::state::Message {
        error: is_error,
        text,
    } = app.view.message.clone().unwrap();
    assert!(is_error);
    assert!(
        text.contains("La méthode de score enregistrée ne pouvait pas être utilisée"),
        "{text}"
    );
    h.get_by_label_contains("ne pouvait pas être utilisée");
}

#[test]
fn the_results_dialog_checks_the_date_and_imports_one_election_per_value_of_a_column() {
    use campaign_planner::state::results_form::ResultsDialog;
    let mut h = harness("results-dialog", (1280.0, 800.0));
    // The Montreal results in the long layout, for two ballots "A" and "B".
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ballots.csv");
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/montreal-results-2013.csv"
    ))
    .unwrap();
    let mut text = String::from("district_id,ballot,candidate,votes\n");
    for line in source.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        for ballot in ["A", "B"] {
            for (c, name) in [(1, "Coderre"), (2, "Bergeron"), (3, "Joly")] {
                writeln!(text, "{},{ballot},{name},{}", f[7], f[c]).unwrap();
            }
        }
    }
    std::fs::write(&csv, text).unwrap();
    let mut dialog = ResultsDialog::new(csv);
    assert_eq!(
        dialog.columns,
        vec!["district_id", "ballot", "candidate", "votes"]
    );
    dialog.name = "Scrutin".to_owned();
    dialog.date = "2013-13-45".to_owned();
    h.state_mut().forms.results_dialog = Some(dialog);
    h.run_steps(2);
    h.get_by_label_contains("Not a date");
    assert!(
        h.state()
            .forms
            .results_dialog
            .as_ref()
            .unwrap()
            .action()
            .is_none()
    );
    {
        let d = h.state_mut().forms.results_dialog.as_mut().unwrap();
        d.date = "2013-11-03".to_owned();
        d.split_by = Some(1);
    }
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Import")
        .click();
    for _ in 0..500 {
        h.run_steps(1);
        if !h.state().jobs.is_running() && h.state().forms.results_dialog.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let app = h.state();
    let names: Vec<&str> = app
        .session
        .as_ref()
        .unwrap()
        .data
        .elections
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert!(
        names.contains(&"Scrutin A") && names.contains(&"Scrutin B"),
        "{names:?}"
    );
    let campaign_planner::state::Message {
        error: is_error,
        text: message,
    } = app.view.message.clone().unwrap();
    assert!(!is_error, "{message}");
    assert!(
        message.contains("Scrutin A: 58 precincts matched / 58"),
        "{message}"
    );
}

#[test]
fn the_results_dialog_passes_the_columns_chosen_to_the_import() {
    use campaign_planner::state::Action;
    use campaign_planner::state::results_form::ResultsDialog;
    let mut d = ResultsDialog::new(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/fr/resultats-2020-t1.csv"
    )));
    assert_eq!(d.columns[0], "Code BV");
    d.key = Some(0);
    d.valid = Some(5);
    d.lists = vec![7, 8];
    d.missing_as_empty = true;
    let Some(Action::ImportResults(_, meta, mapping)) = d.action() else {
        panic!("an import");
    };
    assert_eq!(meta.name, "resultats-2020-t1");
    assert_eq!(mapping.key.as_deref(), Some("Code BV"));
    assert_eq!(mapping.valid.as_deref(), Some("Exprimés"));
    assert_eq!(
        mapping.lists,
        Some(vec!["Liste Dupont".to_owned(), "Liste Martin".to_owned()])
    );
    assert!(mapping.missing_as_empty && mapping.registered.is_none());
}

/// Runs frames until the background job (an import) is done.
fn wait_for_job(h: &mut Harness<'_, PlannerApp>) {
    for _ in 0..3000 {
        h.run_steps(1);
        if !h.state().jobs.is_running() {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the job did not end");
}

#[test]
fn importing_another_places_shapes_asks_first_and_cancel_keeps_every_precinct() {
    let mut h = harness("replace", (1280.0, 800.0));
    let king_county = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("king-county-precincts.geojson");
    let shapes = |h: &Harness<'_, PlannerApp>| h.state().session.as_ref().unwrap().shapes.len();
    assert_eq!(shapes(&h), 58);
    h.state_mut()
        .push(campaign_planner::state::Action::ImportShapes(
            king_county.clone(),
        ));
    wait_for_job(&mut h);
    let question = h
        .state()
        .view
        .confirm
        .clone()
        .expect("the app asks")
        .question;
    assert!(
        question.contains("would remove 58 of the campaign's 58 precincts")
            && question.contains("58 with election results"),
        "says what would go: {question}"
    );
    assert!(
        !question.contains("--replace"),
        "no command-line option in the app"
    );
    h.get_by_label("Replace the precincts?");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Cancel")
        .click();
    h.run_steps(2);
    assert!(h.state().view.confirm.is_none());
    assert_eq!(shapes(&h), 58, "cancel keeps the campaign as it was");
    // Asked again, the user replaces them on purpose.
    h.state_mut()
        .push(campaign_planner::state::Action::ImportShapes(king_county));
    wait_for_job(&mut h);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Replace them anyway")
        .click();
    h.run_steps(1);
    wait_for_job(&mut h);
    assert!(h.state().view.confirm.is_none());
    assert!(shapes(&h) > 2000, "King County replaced Montreal");
}

#[test]
fn a_shapefile_without_prj_imported_in_the_app_says_its_system_was_assumed() {
    let mut h = harness("noprj", (1280.0, 800.0));
    let dir = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("fixtures/shapefiles/king-county-nad83.{ext}")),
            dir.path().join(format!("kc.{ext}")),
        )
        .unwrap();
    }
    h.state_mut()
        .push(campaign_planner::state::Action::ImportShapesReplacing(
            dir.path().join("kc.shp"),
        ));
    h.run_steps(1);
    wait_for_job(&mut h);
    let message = h.state().view.message.clone().expect("a message").text;
    assert!(message.contains("kc.shp: 100 (+100 ~0 −58)"), "{message}");
    assert!(
        message.contains("longitude and latitude (EPSG:4326) were assumed"),
        "{message}"
    );
    assert_eq!(h.state().session.as_ref().unwrap().shapes.len(), 100);
}

#[test]
fn the_doors_shown_for_a_selection_are_the_doors_of_the_turf_made_of_it() {
    use campaign_planner::domain::numbers::number;
    // Registered voters in every district and no door points: each district's doors are
    // estimated from its voters, one by one, as a turf counts them (not from the sum of the
    // selection's voters, which gave another figure).
    let demo = demo();
    let copy = demo.with_file_name("live-figures.campaign.gpkg");
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(demo, &copy).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    campaign_planner::store::spatial::register(&conn).unwrap();
    conn.execute("UPDATE precincts SET registered = 1001 + 7 * fid", [])
        .unwrap();
    let mut h = Harness::builder()
        .with_size((1280.0, 800.0))
        .build_eframe(move |cc| {
            PlannerApp::new(&cc.egui_ctx, Some(Session::open(&copy).unwrap()), Lang::En)
        });
    h.run_steps(4);
    let chosen: Vec<usize> = (0..20).collect();
    h.state_mut().push(campaign_planner::state::Action::Select(
        chosen,
        campaign_planner::state::SelectMode::Replace,
    ));
    h.run_steps(3);
    let shown = h
        .state()
        .session
        .as_ref()
        .unwrap()
        .figures_of(&h.state().selection.precincts);
    assert!(shown.doors_estimated, "some doors are estimated");
    let label = format!(
        "{} doors (estimated)",
        number(shown.doors as f64, 0, Lang::En)
    );
    h.get_by_label_contains(&label);
    h.state_mut().forms.turf_name = "Vingt".to_owned();
    h.run_steps(1);
    h.get_by_label("Make a turf of the selection").click();
    h.run_steps(3);
    let turfs = &h.state().session.as_ref().unwrap().turfs;
    assert_eq!(turfs.len(), 1, "{:?}", h.state().view.message);
    assert_eq!(
        turfs[0].stats.doors, shown.doors,
        "the turf counts what the panel said"
    );
    assert_eq!(turfs[0].stats.registered, shown.registered);
}

/// The app on a private copy of the field demo (Helsinki).
fn field_harness(name: &str) -> Harness<'static, PlannerApp> {
    // Built once for the whole test binary: tests run side by side.
    static FIELD: OnceLock<PathBuf> = OnceLock::new();
    let field = FIELD
        .get_or_init(|| {
            demo();
            campaign_planner::demo::field_demo_path().unwrap()
        })
        .clone();
    let copy = field.with_file_name(format!("{name}.campaign.gpkg"));
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(&field, &copy).unwrap();
    let mut harness = Harness::builder()
        .with_size((1280.0, 800.0))
        .build_eframe(move |cc| {
            let mut app = PlannerApp::new(&cc.egui_ctx, None, Lang::En);
            app.push(campaign_planner::state::Action::Open(copy.clone()));
            app
        });
    harness.run_steps(2);
    wait_for_job(&mut harness);
    harness.run_steps(2);
    harness
}

#[test]
fn the_field_demo_opens_on_a_turf_s_walk_says_what_is_illustrative_and_its_flag_can_be_dragged() {
    let mut h = field_harness("field");
    {
        let app = h.state();
        let s = app.session.as_ref().expect("the field demo opened");
        assert!(s.doors.len() > 1400, "{} doors", s.doors.len());
        assert!(s.turfs.len() >= 10, "{} turfs", s.turfs.len());
        assert!(
            s.data
                .names
                .iter()
                .all(|n| n.starts_with("Illustrative cell"))
        );
        let walk = s.walk.as_ref().expect("the first turf's walk is shown");
        assert_eq!(walk.turf, s.turfs[0].name);
        assert_eq!(walk.stops.len() as i64, s.turfs[0].stats.doors);
        assert!(walk.along_streets, "walked along the extract's streets");
        assert!(!walk.meeting_point_set);
    }
    // The notice says what is real and what is not.
    h.get_by_label_contains("the precincts are an illustrative grid");
    // The walk's doors are listed under the turf, by street and side.
    h.get_by_label_contains("km in straight lines");
    // Zoomed to the turf, the flag is dragged 60 points east: the walk starts there now.
    let (bounds, meeting) = {
        let app = h.state();
        let s = app.session.as_ref().unwrap();
        let w = s.walk.as_ref().unwrap();
        let pts: Vec<(f64, f64)> = w.stops.iter().map(|s| s.point).collect();
        let world = |(x, y): (f64, f64)| campaign_planner::map::coords::World::from_lon_lat(x, y);
        let (mut b0, mut b1, mut b2, mut b3) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in &pts {
            let w = world(*p);
            b0 = b0.min(w.x);
            b1 = b1.min(w.y);
            b2 = b2.max(w.x);
            b3 = b3.max(w.y);
        }
        ([b0, b1, b2, b3], w.meeting_point.unwrap())
    };
    h.state_mut().map.zoom_request = Some(bounds);
    h.run_steps(4);
    let view = h.state().map.last_view.unwrap();
    let flag = view.to_screen(campaign_planner::map::coords::World::from_lon_lat(
        meeting.0, meeting.1,
    ));
    let grab = flag + egui::vec2(4.0, -12.0);
    let to = grab + egui::vec2(60.0, 0.0);
    h.hover_at(grab);
    h.run_steps(1);
    h.drag_at(grab);
    h.run_steps(1);
    for k in 1..=6 {
        h.hover_at(grab + egui::vec2(10.0 * k as f32, 0.0));
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(3);
    let moved = {
        let app = h.state();
        let w = app.session.as_ref().unwrap().walk.clone().unwrap();
        assert!(
            w.meeting_point_set,
            "the flag was dropped: {:?}",
            app.view.message
        );
        w.meeting_point.unwrap()
    };
    let expected = view.to_world(flag + egui::vec2(60.0, 0.0)).position();
    assert!(
        (moved.0 - expected.x()).abs() < 2e-4 && (moved.1 - expected.y()).abs() < 2e-4,
        "{moved:?} against {expected:?}"
    );
    // Undo puts the meeting point back (the door nearest the centre again).
    h.get_by_label("Undo (Ctrl+Z)").click();
    h.run_steps(3);
    let app = h.state();
    let w = app.session.as_ref().unwrap().walk.as_ref().unwrap();
    assert!(!w.meeting_point_set);
    assert_eq!(w.meeting_point, Some(meeting));
}

/// A campaign of Helsinki's address points and the streets of its extract around them (the
/// fixtures), made as `doors import` and `streets import` make it.
fn helsinki(name: &str) -> PathBuf {
    use campaign_planner::store::Campaign;
    let path = demo().with_file_name(format!("{name}.campaign.gpkg"));
    let _ = std::fs::remove_file(&path);
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut c = Campaign::create(&path, "Helsinki").unwrap();
    let doors =
        campaign_planner::io::doors::read_doors(&fixtures.join("helsinki-address-points.geojson"))
            .unwrap();
    c.import_doors(&doors, "helsinki-address-points.geojson", false)
        .unwrap();
    let clip = c
        .content_extent()
        .unwrap()
        .map(|e| campaign_planner::domain::street::clip_box(e, false));
    let read = campaign_planner::io::streets::read_streets(
        &fixtures.join("helsinki.osm.pbf"),
        clip,
        &mut campaign_planner::progress::ignore,
    )
    .unwrap();
    c.replace_streets(&read.streets, "helsinki.osm.pbf")
        .unwrap();
    path
}

#[test]
fn a_campaign_with_streets_opens_on_its_street_map_with_street_names_at_zoom_16() {
    use campaign_planner::map::basemap::BasemapChoice;
    let _ = demo();
    let path = helsinki("helsinki-streets");
    let mut h = Harness::builder()
        .with_size((1280.0, 800.0))
        .build_eframe(move |cc| {
            PlannerApp::new(&cc.egui_ctx, Some(Session::open(&path).unwrap()), Lang::En)
        });
    h.run_steps(4);
    assert_eq!(h.state().basemap.choice, BasemapChoice::Streets);
    assert!(
        h.state().map.street_stats.pieces > 0,
        "the streets are drawn"
    );
    // Zoom 16 over Aleksanterinkatu, in the centre.
    h.state_mut()
        .map
        .memory
        .center_at(walkers::lon_lat(24.9470, 60.1693));
    let _ = h.state_mut().map.memory.set_zoom(16.0);
    h.run_steps(3);
    let app = h.state();
    let stats = app.map.street_stats;
    assert!(stats.pieces > 50 && stats.labels >= 10, "{stats:?}");
    let streets = &app.session.as_ref().unwrap().streets;
    let names: Vec<&str> = app
        .map
        .street_cache
        .labels(streets)
        .map(|(name, _, _)| name)
        .collect();
    for name in ["Aleksanterinkatu", "Pohjoisesplanadi", "Fabianinkatu"] {
        assert!(names.contains(&name), "{name} is written: {names:?}");
    }
    h.snapshot("helsinki_street_map_z16");
    // The bundled map can still be chosen: the streets are then not drawn.
    h.get_by_label("Offline map (bundled)").click();
    h.run_steps(3);
    assert_eq!(h.state().basemap.choice, BasemapChoice::Offline);
    assert_eq!(h.state().map.street_stats.pieces, 0);
}

#[test]
fn a_dropped_openstreetmap_extract_brings_its_doors_and_its_streets() {
    use campaign_planner::map::basemap::BasemapChoice;
    let path = demo().with_file_name("dropped-extract.campaign.gpkg");
    let _ = std::fs::remove_file(&path);
    campaign_planner::store::Campaign::create(&path, "Kluuvi").unwrap();
    let mut h = Harness::builder()
        .with_size((1280.0, 800.0))
        .build_eframe(move |cc| {
            PlannerApp::new(&cc.egui_ctx, Some(Session::open(&path).unwrap()), Lang::En)
        });
    h.run_steps(2);
    assert_eq!(
        h.state().basemap.choice,
        BasemapChoice::Offline,
        "no streets yet"
    );
    let extract = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("helsinki.osm.pbf");
    h.state_mut()
        .push(campaign_planner::state::Action::Dropped(vec![
            extract.clone(),
        ]));
    h.run_steps(1);
    wait_for_job(&mut h);
    let app = h.state();
    let message = &app.view.message.as_ref().unwrap().text;
    assert!(message.contains("doors read"), "{message}");
    assert!(message.contains("streets imported"), "{message}");
    let session = app.session.as_ref().unwrap();
    assert!(!session.doors.is_empty());
    assert!(session.streets.len() > 500, "{}", session.streets.len());
    assert_eq!(app.basemap.choice, BasemapChoice::Streets);
    // Undo takes the doors back; the street map stays.
    h.get_by_label("Undo (Ctrl+Z)").click();
    h.run_steps(3);
    let session = h.state().session.as_ref().unwrap();
    assert!(session.doors.is_empty());
    let streets = session.streets.len();
    assert!(streets > 0);
    // Importing the streets again (the menu's import) replaces those of the first import.
    h.state_mut()
        .push(campaign_planner::state::Action::ImportStreets(extract));
    h.run_steps(1);
    wait_for_job(&mut h);
    let message = &h.state().view.message.as_ref().unwrap().text;
    assert!(
        message.contains(&format!("{streets} streets of its earlier import replaced")),
        "{message}"
    );
    assert_eq!(h.state().session.as_ref().unwrap().streets.len(), streets);
}

#[test]
fn a_turf_s_walk_sheets_print_in_the_background_and_are_offered_to_open() {
    let mut h = field_harness("print");
    let turf = h.state().session.as_ref().unwrap().turfs[0].clone();
    // The print button on the turf's row shows page 1 first, as it will print.
    h.get_by_label(&format!(
        "Print walk sheets… (a PDF of this turf: map, doors in walk order, boxes to tick) {}",
        turf.name
    ))
    .click();
    h.run_steps(3);
    assert!(
        h.state().view.preview.is_some(),
        "{:?}",
        h.state().view.message
    );
    h.get_by_label_contains("Walk sheet, page 1");
    h.get_by_label("Print…");
    // The campaign's script is written there, once, and the preview shows it.
    h.get_by_label("Walk-sheet script").click();
    h.run_steps(2);
    h.state_mut().forms.sheet_script = "Hei! Olemme kampanjan vapaaehtoisia.".to_owned();
    h.run_steps(1);
    h.get_by_label("Save the script").click();
    h.run_steps(3);
    assert_eq!(
        h.state().session.as_ref().unwrap().sheet_script.as_deref(),
        Some("Hei! Olemme kampanjan vapaaehtoisia.")
    );
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.state().view.preview.is_none());
    // Printing (its dialog asks for a folder: given here).
    let dir = tempfile::tempdir().unwrap();
    h.state_mut()
        .push(campaign_planner::state::Action::PrintSheets(
            campaign_planner::io::sheets::Scope::Turf(turf.uuid.clone()),
            dir.path().to_path_buf(),
        ));
    h.run_steps(1);
    wait_for_job(&mut h);
    let printed = h.state().view.printed.clone();
    assert_eq!(printed.len(), 1, "{:?}", h.state().view.message);
    assert!(printed[0].exists() && printed[0].extension().is_some_and(|e| e == "pdf"));
    let message = &h.state().view.message.as_ref().unwrap().text;
    assert!(
        message.contains("Walk sheets printed in") && message.contains("T001-"),
        "{message}"
    );
    // Offered to open, by name.
    h.get_by_label(&format!(
        "Open {}",
        printed[0].file_name().unwrap().to_string_lossy()
    ));
    // The campaign came back from the job: the print is recorded.
    let path = h.state().session.as_ref().unwrap().path.clone();
    let c = campaign_planner::store::Campaign::open_read_only(&path).unwrap();
    assert_eq!(c.read_table("prints").unwrap().rows.len(), 1);
}

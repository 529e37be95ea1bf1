//! The real app, driven with `egui_kittest` on the demo campaign (Montreal 2013), by AccessKit
//! role and label — no display needed.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

use std::path::PathBuf;
use std::sync::OnceLock;

use campaign_planner::app::{Loaded, PlannerApp};
use campaign_planner::domain::numbers::Lang;
use campaign_planner::domain::scoring::Preset;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// One data directory for the whole test binary, with the demo built once.
fn demo() -> &'static PathBuf {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("campaign-planner-app-tests-{}", std::process::id()));
        campaign_planner::demo::set_data_dir(dir);
        campaign_planner::demo::basemap_path().unwrap();
        campaign_planner::demo::demo_path().unwrap()
    })
}

/// The app on a private copy of the demo campaign (each test holds its own write lock).
fn harness(name: &str, size: (f32, f32)) -> Harness<'static, PlannerApp> {
    let demo = demo();
    let copy = demo.with_file_name(format!("{name}.campaign.gpkg"));
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(demo, &copy).unwrap();
    let mut harness = Harness::builder().with_size(size).build_eframe(move |cc| {
        let loaded = Loaded::open(&copy).unwrap();
        PlannerApp::new(&cc.egui_ctx, Some(loaded), Lang::En)
    });
    harness.run_steps(4);
    harness
}

fn legend_counts(h: &Harness<'_, PlannerApp>) -> Vec<usize> {
    h.state()
        .loaded
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
    let loaded = app.loaded.as_ref().unwrap();
    assert_eq!(loaded.shapes.len(), 58);
    assert_eq!(loaded.params.preset, Preset::Performance);
    assert_eq!(legend_counts(&h), vec![12, 12, 11, 12, 11]);
    // The legend is on screen, one line per class, with its count.
    h.get_by_label("legend class 5: 11");
    h.get_by_label("legend class 1: 12");
    assert!(
        app.frame_stats.visible > 0,
        "the precinct layer drew the districts"
    );
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
        h.state().loaded.as_ref().unwrap().params.preset,
        Preset::Persuasion
    );
    assert_ne!(before, after, "the legend's counts changed with the preset");
    assert_eq!(after.iter().sum::<usize>(), 58);
    h.get_by_label(&format!("legend class 1: {}", after[0]));
    // Saved in the file: the campaign reopens with the new method.
    let path = h.state().loaded.as_ref().unwrap().path.clone();
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
    let first = h.state().table_order[0];
    let name = h.state().loaded.as_ref().unwrap().data.names[first].clone();
    h.get_by_label(&name).click();
    h.run_steps(3);
    let app = h.state();
    assert!(app.selection.contains(&first), "{name} is selected");
    assert_eq!(app.selection.len(), 1);
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
    assert_eq!(h.state().lang, Lang::Fr);
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

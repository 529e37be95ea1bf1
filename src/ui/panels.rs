//! The side panel (layers, scoring, inspector), the status bar and the dialogs.

use egui::RichText;

use crate::domain::classify::{ClassMethod, Ramp};
use crate::domain::numbers::number;
use crate::domain::scoring::Preset;
use crate::map::basemap::{BasemapChoice, NetState};
use crate::state::{Action, Forms, Shown};

/// The layers section: precinct layer and basemap.
pub fn layers(ui: &mut egui::Ui, shown: &Shown<'_>) -> Vec<Action> {
    let t = super::tr(shown);
    let mut actions = Vec::new();
    ui.heading(t.layers);
    let mut visible = shown.view.precincts_visible;
    if ui.checkbox(&mut visible, t.precincts).changed() {
        actions.push(Action::SetPrecinctsVisible(visible));
    }
    let mut opacity = shown.view.opacity;
    if ui
        .add(egui::Slider::new(&mut opacity, 0.0..=1.0).text(t.opacity))
        .changed()
    {
        actions.push(Action::SetPrecinctOpacity(opacity));
    }
    let mut labels = shown.view.labels;
    if ui.checkbox(&mut labels, t.labels).changed() {
        actions.push(Action::SetLabels(labels));
    }
    ui.label(RichText::new(t.basemap).strong());
    let mut basemap_opacity = shown.view.basemap_opacity;
    if ui
        .add(egui::Slider::new(&mut basemap_opacity, 0.0..=1.0).text(t.basemap_opacity))
        .changed()
    {
        actions.push(Action::SetBasemapOpacity(basemap_opacity));
    }
    let current = shown.basemap.choice.clone();
    let has_streets = shown.session.is_some_and(|s| !s.streets.is_empty());
    let streets = ui
        .add_enabled(
            has_streets,
            egui::RadioButton::new(current == BasemapChoice::Streets, t.basemap_streets),
        )
        .on_disabled_hover_text(t.basemap_streets_missing);
    if streets.clicked() && current != BasemapChoice::Streets {
        actions.push(Action::SetBasemap(BasemapChoice::Streets));
    }
    for (choice, label) in [
        (BasemapChoice::Offline, t.basemap_offline),
        (BasemapChoice::OpenStreetMap, t.basemap_osm),
        (BasemapChoice::None, t.basemap_none),
    ] {
        if ui.radio(current == choice, label).clicked() && current != choice {
            actions.push(Action::SetBasemap(choice));
        }
    }
    let is_file = matches!(current, BasemapChoice::File(_));
    if ui.radio(is_file, t.basemap_mbtiles_file).clicked() {
        actions.push(Action::BasemapFileDialog);
    }
    if current == BasemapChoice::OpenStreetMap && shown.basemap.net == NetState::Offline {
        ui.horizontal(|ui| {
            ui.colored_label(crate::map::style::ERROR, t.status_offline);
            if ui.button(t.retry).clicked() {
                actions.push(Action::RetryNetwork);
            }
        });
    }
    actions
}

/// The scoring section: method, our side, elections, classes, legend.
pub fn scoring(ui: &mut egui::Ui, shown: &Shown<'_>, formula_text: &mut String) -> Vec<Action> {
    let t = super::tr(shown);
    ui.heading(t.scoring);
    let Some(l) = shown.session else {
        ui.label(t.no_campaign);
        return Vec::new();
    };
    if l.data.elections.is_empty() {
        ui.label(t.results_needed);
        return Vec::new();
    }
    let params = l.params.clone();
    let lists = l.lists();
    // Each election by its label (its round too when it has one), as the scoring stores it.
    let elections: Vec<String> = l
        .data
        .elections
        .iter()
        .map(|e| e.label(crate::domain::numbers::Lang::En))
        .collect();
    let chosen_now =
        crate::domain::scoring::select_elections(&l.data, &params.elections).unwrap_or_default();
    let mut actions = Vec::new();

    let preset_name = |p: Preset| match p {
        Preset::Mobilisation => t.mobilisation,
        Preset::Performance => t.performance,
        Preset::Persuasion => t.persuasion,
        Preset::Custom => t.custom,
    };
    egui::ComboBox::from_label(t.preset)
        .selected_text(preset_name(params.preset))
        .show_ui(ui, |ui| {
            for p in [
                Preset::Mobilisation,
                Preset::Performance,
                Preset::Persuasion,
                Preset::Custom,
            ] {
                if ui
                    .selectable_label(params.preset == p, preset_name(p))
                    .clicked()
                    && params.preset != p
                {
                    let mut next = params.clone();
                    next.preset = p;
                    if p == Preset::Custom && next.formula.is_none() {
                        next.formula = Some("(registered - voters) * share".to_owned());
                    }
                    actions.push(Action::SetScoring(next));
                }
            }
        });
    let shown_formula = if params.preset == Preset::Custom {
        params.formula.clone().unwrap_or_default()
    } else {
        params.preset.formula().to_owned()
    };
    if params.preset == Preset::Custom {
        ui.horizontal(|ui| {
            let edit = ui.add(
                egui::TextEdit::singleline(formula_text)
                    .hint_text(shown_formula.clone())
                    .desired_width(180.0),
            );
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(t.apply_formula).clicked() || enter {
                let mut next = params.clone();
                next.formula = Some(formula_text.clone());
                actions.push(Action::SetScoring(next));
            }
        });
    } else {
        ui.label(RichText::new(shown_formula).monospace().small());
    }

    ui.label(RichText::new(t.our_side).strong());
    // Our side by nuance (the ministry's files give each list one): every list of it at once.
    if !l.nuances.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(t.by_nuance);
            for (nuance, of) in &l.nuances {
                let all = of.iter().all(|x| params.ours.contains(x));
                if ui
                    .selectable_label(all, nuance)
                    .on_hover_text(of.join(", "))
                    .clicked()
                {
                    let mut next = params.clone();
                    next.ours.clone_from(of);
                    actions.push(Action::SetScoring(next));
                }
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        for list in &lists {
            let mut on = params.ours.contains(list);
            if ui.checkbox(&mut on, list).changed() {
                let mut next = params.clone();
                if on {
                    next.ours.push(list.clone());
                } else {
                    next.ours.retain(|o| o != list);
                }
                actions.push(Action::SetScoring(next));
            }
        }
    });
    if elections.len() > 1 {
        ui.label(RichText::new(t.elections).strong());
        for i in 0..elections.len() {
            let mut on = params.elections.is_empty() || chosen_now.contains(&i);
            let label = l.data.elections[i].label(shown.persisted.lang);
            if ui.checkbox(&mut on, label).changed() {
                let mut next = params.clone();
                let chosen: Vec<String> = elections
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| if j == i { on } else { chosen_now.contains(&j) })
                    .map(|(_, label)| label.clone())
                    .collect();
                next.elections = if chosen.len() == elections.len() {
                    Vec::new()
                } else {
                    chosen
                };
                actions.push(Action::SetScoring(next));
            }
        }
    }
    let mut classes = params.classes;
    if ui
        .add(egui::Slider::new(&mut classes, 3..=7).text(t.classes))
        .changed()
    {
        let mut next = params.clone();
        next.classes = classes;
        actions.push(Action::SetScoring(next));
    }
    let method_name = |m: &ClassMethod| match m {
        ClassMethod::Quantile => t.quantile,
        ClassMethod::Jenks => t.jenks,
        ClassMethod::Equal => t.equal,
        ClassMethod::Manual(_) => t.manual,
    };
    egui::ComboBox::from_label(t.method)
        .selected_text(method_name(&params.method))
        .show_ui(ui, |ui| {
            for m in [
                ClassMethod::Quantile,
                ClassMethod::Jenks,
                ClassMethod::Equal,
            ] {
                if ui
                    .selectable_label(params.method == m, method_name(&m))
                    .clicked()
                {
                    let mut next = params.clone();
                    next.method = m;
                    actions.push(Action::SetScoring(next));
                }
            }
        });
    egui::ComboBox::from_label(t.ramp)
        .selected_text(match params.ramp {
            Ramp::YlOrRd => "YlOrRd",
            Ramp::Viridis => "Viridis",
        })
        .show_ui(ui, |ui| {
            for (r, name) in [(Ramp::YlOrRd, "YlOrRd"), (Ramp::Viridis, "Viridis")] {
                if ui.selectable_label(params.ramp == r, name).clicked() {
                    let mut next = params.clone();
                    next.ramp = r;
                    actions.push(Action::SetScoring(next));
                }
            }
        });
    if let Some(s) = &l.scored {
        ui.horizontal(|ui| {
            ui.label(t.select_class);
            for k in (1..=s.classes.count()).rev() {
                if ui.small_button(k.to_string()).clicked() {
                    actions.push(Action::SelectClassAtLeast(k as u8));
                }
            }
        });
    }
    if let Some(error) = &l.scoring_error {
        ui.colored_label(
            crate::map::style::ERROR,
            error.localized(shown.persisted.lang),
        );
    }
    actions
}

/// The selected precinct's details and the sentence explaining its score.
pub fn inspector(ui: &mut egui::Ui, shown: &Shown<'_>) {
    let t = super::tr(shown);
    let Some(l) = shown.session else {
        return;
    };
    let selection = &shown.selection.precincts;
    if selection.is_empty() {
        return;
    }
    if selection.len() > 1 {
        ui.label(format!("{} {}", selection.len(), t.selected));
        return;
    }
    let Some(&i) = selection.iter().next() else {
        return;
    };
    ui.heading(&l.data.names[i]);
    ui.label(format!("{}: {}", t.code, l.data.codes[i]));
    if let Some(r) = l.registered[i] {
        ui.label(format!(
            "{}: {}",
            t.registered,
            number(r as f64, 0, shown.persisted.lang)
        ));
    }
    if let Some(s) = &l.scored {
        ui.label(RichText::new(t.why_this_score).strong());
        ui.add(egui::Label::new(s.explain(&l.data, i, shown.persisted.lang)).wrap());
    }
}

/// The status bar: coordinates, zoom, basemap state, work in progress, messages.
pub fn status_bar(
    ui: &mut egui::Ui,
    shown: &Shown<'_>,
    cursor: Option<crate::map::coords::Position>,
    zoom: f64,
) -> Vec<Action> {
    let t = super::tr(shown);
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        match cursor {
            Some(p) => ui.monospace(format!("{:>9.5}, {:>10.5}", p.y(), p.x())),
            None => ui.monospace(" ".repeat(21)),
        };
        ui.separator();
        ui.label(format!("{} {zoom:.1}", t.status_zoom));
        ui.separator();
        let (text, colour) = match (&shown.basemap.choice, shown.basemap.net) {
            (BasemapChoice::None, _) => (t.status_no_basemap.to_owned(), None),
            (BasemapChoice::Streets, _) => (t.status_street_map.to_owned(), None),
            (BasemapChoice::Offline | BasemapChoice::File(_), _) => {
                (t.status_offline_basemap.to_owned(), None)
            }
            (BasemapChoice::OpenStreetMap, NetState::Offline) => {
                (t.status_offline.to_owned(), Some(crate::map::style::ERROR))
            }
            (BasemapChoice::OpenStreetMap, NetState::Checking | NetState::Unknown) => {
                (t.status_checking.to_owned(), None)
            }
            (BasemapChoice::OpenStreetMap, NetState::Online) => {
                let n = shown.basemap.downloads;
                (
                    if n > 0 {
                        format!("{} ({n}…)", t.status_online)
                    } else {
                        t.status_online.to_owned()
                    },
                    None,
                )
            }
        };
        match colour {
            Some(c) => ui.colored_label(c, text),
            None => ui.label(text),
        };
        if shown.basemap.choice == BasemapChoice::OpenStreetMap
            && shown.basemap.net == NetState::Offline
            && ui.small_button(t.retry).clicked()
        {
            actions.push(Action::RetryNetwork);
        }
        if !shown.selection.precincts.is_empty() {
            ui.separator();
            ui.label(format!(
                "{} {}",
                shown.selection.precincts.len(),
                t.selected
            ));
        }
        if let Some(job) = &shown.job {
            ui.separator();
            ui.label(format!("{} {}", t.working, job.label));
            ui.add(
                egui::ProgressBar::new(job.fraction)
                    .desired_width(120.0)
                    .show_percentage(),
            );
            if ui.button(t.cancel).clicked() {
                actions.push(Action::CancelJob);
            }
        }
    });
    actions
}

/// The message banner and the election dialog of a results import.
pub fn dialogs(ctx: &egui::Context, shown: &Shown<'_>, forms: &mut Forms) -> Vec<Action> {
    let t = super::tr(shown);
    let mut actions = Vec::new();
    if let Some(message) = &shown.view.message {
        let text = message.text.clone();
        egui::Window::new(String::from(if message.error {
            egui_material_icons::icons::ICON_WARNING
        } else {
            egui_material_icons::icons::ICON_CHECK_CIRCLE
        }))
        .id(egui::Id::unique("message"))
        // Above the map's own overlays (legend, attribution), which are in the foreground.
        .order(egui::Order::Foreground)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
        .show(ctx, |ui| {
            ui.set_max_width(640.0);
            // Reports and refusals list lines and columns: a fixed-width font keeps them in
            // columns, and a long one scrolls instead of running off the window.
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    if text.lines().nth(2).is_some() {
                        ui.label(RichText::new(text).monospace().size(12.0));
                    } else {
                        ui.label(text);
                    }
                });
            if ui.button(t.dismiss).clicked() {
                actions.push(Action::DismissMessage);
            }
        });
    }
    if let Some(confirm) = &shown.view.confirm {
        let text = confirm.question.clone();
        egui::Window::new(t.replace_question)
            .id(egui::Id::unique("confirm"))
            .order(egui::Order::Foreground)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
            .show(ctx, |ui| {
                ui.set_max_width(640.0);
                ui.label(text);
                ui.horizontal(|ui| {
                    if ui.button(t.replace_anyway).clicked() {
                        actions.push(confirm.action.clone());
                    }
                    if ui.button(t.cancel).clicked() {
                        actions.push(Action::DismissConfirm);
                    }
                });
            });
    }
    let mut import = None;
    let mut close = false;
    if let Some(d) = &mut forms.results_dialog {
        egui::Window::new(t.import_results)
            .order(egui::Order::Foreground)
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                super::results_dialog::show(ui, t, d, &mut import, &mut close);
            });
    }
    if import.is_some() || close {
        forms.results_dialog = None;
    }
    actions.extend(import);
    actions
}

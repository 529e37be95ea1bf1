//! The turfs and teams section: live figures of the selection, making a turf of it, the turfs
//! with their figures, teams and assignments.

use egui::RichText;
use egui_material_icons::icons;

use crate::action::Action;
use crate::app::PlannerApp;
use crate::domain::classify::{parse_hex, to_hex};
use crate::domain::numbers::number;
use crate::domain::selection::Membership;
use crate::ui::LabelledBy as _;

/// Draws the section.
pub fn turfs(app: &mut PlannerApp, ui: &mut egui::Ui) {
    let t = app.tr();
    ui.heading(t.turfs_teams);
    let Some(l) = &app.loaded else {
        return;
    };
    let lang = app.lang;
    // Live figures of the selection.
    if !app.selection.is_empty() {
        let registered: i64 = app.selection.iter().filter_map(|&i| l.registered[i]).sum();
        let priority: f64 = l.scored.as_ref().map_or(0.0, |s| {
            app.selection
                .iter()
                .map(|&i| s.scores[i])
                .filter(|v| v.is_finite())
                .sum()
        });
        let per_household = l.campaign_voters_per_household();
        let doors = (registered as f64 / per_household).ceil();
        ui.label(format!(
            "{} {} · {} {} · {} {} ({}) · {} {}",
            app.selection.len(),
            t.precincts_count,
            number(registered as f64, 0, lang),
            t.registered.to_lowercase(),
            number(doors, 0, lang),
            t.doors,
            t.estimated,
            t.priority_sum,
            number(priority, 2, lang)
        ));
    }
    let mut actions = Vec::new();
    let mut per_household = l.campaign_voters_per_household();
    let changed = ui
        .horizontal(|ui| {
            let label = ui.label(t.voters_per_household);
            let r = ui
                .add(
                    egui::DragValue::new(&mut per_household)
                        .range(0.5..=10.0)
                        .speed(0.05)
                        .max_decimals(2),
                )
                .labelled_by(label.id);
            r.drag_stopped() || r.lost_focus()
        })
        .inner;
    if changed && (per_household - l.campaign_voters_per_household()).abs() > 1e-9 {
        actions.push(Action::SetVotersPerHousehold(per_household));
    }
    ui.add(
        egui::TextEdit::singleline(&mut app.turf_name)
            .hint_text(t.turf_name_hint)
            .desired_width(200.0),
    );
    if !app.selected_doors.is_empty() {
        let households: i64 = app
            .selected_doors
            .iter()
            .map(|&d| app.doors[d].households)
            .sum();
        ui.label(format!(
            "{} {} ({} {})",
            number(app.selected_doors.len() as f64, 0, lang),
            t.door_points,
            number(households as f64, 0, lang),
            t.households
        ));
    }
    let can = (!app.selection.is_empty() || !app.selected_doors.is_empty())
        && !app.turf_name.trim().is_empty();
    if ui
        .add_enabled(can, egui::Button::new(t.make_turf))
        .clicked()
    {
        actions.push(Action::CreateTurf(app.turf_name.trim().to_owned()));
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t.autocut);
        ui.add(
            egui::DragValue::new(&mut app.autocut_target)
                .range(3..=5000)
                .speed(5),
        )
        .labelled_by(label.id);
        ui.label(t.doors);
        if ui
            .button(String::from(icons::ICON_CONTENT_CUT))
            .on_hover_text(t.cut_now)
            .labelled_by_text(t.cut_now)
            .clicked()
        {
            actions.push(Action::Autocut(app.autocut_target));
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(t.membership);
        for (m, name) in [
            (Membership::Representative, t.representative),
            (Membership::Intersects, t.intersects),
            (Membership::Within, t.within),
        ] {
            if ui.radio(app.membership == m, name).clicked() {
                actions.push(Action::SetMembership(m));
            }
        }
    });
    for turf in &app.turfs {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&turf.name).strong());
            ui.label(format!(
                "{} {}, {} {}{}, {} {}, {} {}, {}",
                turf.stats.precincts,
                t.precincts_count,
                number(turf.stats.doors as f64, 0, lang),
                t.doors,
                if turf.stats.doors_estimated { "*" } else { "" },
                number(turf.stats.registered as f64, 0, lang),
                t.registered_short,
                number(turf.stats.area_km2, 1, lang),
                t.area,
                turf.team.as_deref().unwrap_or(t.no_team)
            ));
            let has_selection = !app.selection.is_empty() || !app.selected_doors.is_empty();
            if ui
                .add_enabled(
                    has_selection,
                    egui::Button::new(String::from(icons::ICON_ADD)).small(),
                )
                .on_hover_text(t.add_selection)
                .labelled_by_text(&format!("{} {}", t.add_selection, turf.name))
                .clicked()
            {
                actions.push(Action::AddToTurf(turf.uuid.clone()));
            }
            if ui
                .add_enabled(
                    has_selection,
                    egui::Button::new(String::from(icons::ICON_REMOVE)).small(),
                )
                .on_hover_text(t.remove_selection)
                .labelled_by_text(&format!("{} {}", t.remove_selection, turf.name))
                .clicked()
            {
                actions.push(Action::RemoveFromTurf(turf.uuid.clone()));
            }
            if ui
                .small_button(String::from(icons::ICON_DELETE))
                .on_hover_text(t.delete)
                .labelled_by_text(&format!("{} {}", t.delete, turf.name))
                .clicked()
            {
                actions.push(Action::DeleteTurf(turf.uuid.clone()));
            }
        });
    }
    if app.turfs.len() >= 2 || !app.turfs.is_empty() {
        let names: Vec<(String, String)> = app
            .turfs
            .iter()
            .map(|x| (x.uuid.clone(), x.name.clone()))
            .collect();
        let name_of = |uuid: &str| {
            names
                .iter()
                .find(|n| n.0 == uuid)
                .map(|n| n.1.clone())
                .unwrap_or_default()
        };
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("edit-turf")
                .selected_text(name_of(&app.turf_edit.0))
                .width(80.0)
                .show_ui(ui, |ui| {
                    for (uuid, name) in &names {
                        ui.selectable_value(&mut app.turf_edit.0, uuid.clone(), name);
                    }
                });
            ui.add(egui::TextEdit::singleline(&mut app.turf_edit.1).desired_width(80.0));
            if ui
                .add_enabled(
                    !app.turf_edit.0.is_empty() && !app.turf_edit.1.trim().is_empty(),
                    egui::Button::new(t.rename),
                )
                .clicked()
            {
                let colour = app
                    .turfs
                    .iter()
                    .find(|x| x.uuid == app.turf_edit.0)
                    .and_then(|x| x.colour.clone());
                actions.push(Action::UpdateTurf(
                    app.turf_edit.0.clone(),
                    app.turf_edit.1.trim().to_owned(),
                    colour,
                ));
            }
            // The turf's own colour (used when it has no team, or outlines go by status).
            if let Some(turf) = app.turfs.iter().find(|x| x.uuid == app.turf_edit.0) {
                let mut rgb = turf.colour.as_deref().map_or([40, 40, 40], parse_hex);
                if egui::color_picker::color_edit_button_srgb(ui, &mut rgb)
                    .labelled_by_text(t.turf_colour)
                    .changed()
                {
                    actions.push(Action::UpdateTurf(
                        turf.uuid.clone(),
                        turf.name.clone(),
                        Some(to_hex(rgb)),
                    ));
                }
            }
        });
        if names.len() >= 2 {
            ui.horizontal_wrapped(|ui| {
                ui.label(t.merge);
                egui::ComboBox::from_id_salt("merge-from")
                    .selected_text(name_of(&app.turf_edit.2))
                    .width(70.0)
                    .show_ui(ui, |ui| {
                        for (uuid, name) in &names {
                            ui.selectable_value(&mut app.turf_edit.2, uuid.clone(), name);
                        }
                    });
                ui.label(t.merge_into);
                egui::ComboBox::from_id_salt("merge-into")
                    .selected_text(name_of(&app.turf_edit.0))
                    .width(70.0)
                    .show_ui(ui, |ui| {
                        for (uuid, name) in &names {
                            ui.selectable_value(&mut app.turf_edit.0, uuid.clone(), name);
                        }
                    });
                if ui
                    .add_enabled(
                        !app.turf_edit.0.is_empty() && !app.turf_edit.2.is_empty(),
                        egui::Button::new(t.merge),
                    )
                    .clicked()
                {
                    actions.push(Action::MergeTurfs(
                        app.turf_edit.0.clone(),
                        app.turf_edit.2.clone(),
                    ));
                }
            });
        }
        if !app.turf_edit.0.is_empty() {
            let current = app
                .turfs
                .iter()
                .find(|x| x.uuid == app.turf_edit.0)
                .map(|x| x.status.clone());
            ui.horizontal_wrapped(|ui| {
                for (status, name) in [
                    ("planned", t.status_planned),
                    ("in progress", t.status_in_progress),
                    ("done", t.status_done),
                ] {
                    if ui.radio(current.as_deref() == Some(status), name).clicked() {
                        actions.push(Action::SetTurfStatus(
                            app.turf_edit.0.clone(),
                            status.to_owned(),
                        ));
                    }
                }
            });
        }
        ui.horizontal(|ui| {
            if ui.radio(!app.turfs_by_status, t.colour_by_team).clicked() {
                actions.push(Action::SetTurfColouring(false));
            }
            if ui.radio(app.turfs_by_status, t.colour_by_status).clicked() {
                actions.push(Action::SetTurfColouring(true));
            }
        });
    }
    ui.label(RichText::new(t.teams).strong());
    ui.add(
        egui::TextEdit::singleline(&mut app.team_name)
            .hint_text(t.team_name_hint)
            .desired_width(200.0),
    );
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(
                !app.team_name.trim().is_empty(),
                egui::Button::new(t.create_team),
            )
            .clicked()
        {
            actions.push(Action::CreateTeam(app.team_name.trim().to_owned()));
        }
        let target = app
            .teams
            .iter()
            .find(|x| x.name == app.assign.1)
            .map(|x| (x.uuid.clone(), x.colour.clone()));
        if let Some((uuid, colour)) = target {
            let label = format!("{} {}", t.rename_team, app.assign.1);
            if ui
                .add_enabled(!app.team_name.trim().is_empty(), egui::Button::new(label))
                .clicked()
            {
                actions.push(Action::UpdateTeam(
                    uuid,
                    app.team_name.trim().to_owned(),
                    colour,
                ));
            }
        }
    });
    for team in &app.teams {
        let theirs: Vec<&str> = app
            .turfs
            .iter()
            .filter(|x| x.team.as_deref() == Some(team.name.as_str()))
            .map(|x| x.name.as_str())
            .collect();
        let doors: i64 = app
            .turfs
            .iter()
            .filter(|x| x.team.as_deref() == Some(team.name.as_str()))
            .map(|x| x.stats.doors)
            .sum();
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{}: {} ({} {})",
                team.name,
                theirs.join(", "),
                number(doors as f64, 0, lang),
                t.doors
            ));
            let mut rgb = team.colour.as_deref().map_or([0x1b, 0x9e, 0x77], parse_hex);
            if egui::color_picker::color_edit_button_srgb(ui, &mut rgb)
                .labelled_by_text(&format!("{} {}", t.team_colour, team.name))
                .changed()
            {
                actions.push(Action::UpdateTeam(
                    team.uuid.clone(),
                    team.name.clone(),
                    Some(to_hex(rgb)),
                ));
            }
            if ui
                .small_button(String::from(icons::ICON_DELETE))
                .on_hover_text(t.delete)
                .labelled_by_text(&format!("{} {}", t.delete, team.name))
                .clicked()
            {
                actions.push(Action::DeleteTeam(team.uuid.clone()));
            }
        });
    }
    if !app.turfs.is_empty() && !app.teams.is_empty() {
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("assign-turf")
                .selected_text(app.assign.0.clone())
                .width(80.0)
                .show_ui(ui, |ui| {
                    for turf in &app.turfs {
                        ui.selectable_value(&mut app.assign.0, turf.name.clone(), &turf.name);
                    }
                });
            egui::ComboBox::from_id_salt("assign-team")
                .selected_text(app.assign.1.clone())
                .width(80.0)
                .show_ui(ui, |ui| {
                    for team in &app.teams {
                        ui.selectable_value(&mut app.assign.1, team.name.clone(), &team.name);
                    }
                });
            ui.add(
                egui::TextEdit::singleline(&mut app.assign.2)
                    .hint_text(t.date_hint)
                    .desired_width(80.0),
            );
            if ui.button(t.assign).clicked() {
                actions.push(Action::AssignTurf {
                    turf: app.assign.0.clone(),
                    team: app.assign.1.clone(),
                    date: app.assign.2.clone(),
                });
            }
        });
    }
    for a in actions {
        app.push(a);
    }
}

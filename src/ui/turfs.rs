//! The turfs and teams section: live figures of the selection, making a turf of it, the turfs
//! with their figures, teams and assignments.

use egui::RichText;
use egui_material_icons::icons;

use crate::domain::classify::{parse_hex, to_hex};
use crate::domain::numbers::number;
use crate::domain::selection::Membership;
use crate::domain::turf::{TurfId, TurfStatus};
use crate::state::{Action, Forms, Shown};
use crate::ui::LabelledBy as _;

/// Draws the section; returns what the user chose.
pub fn turfs(ui: &mut egui::Ui, shown: &Shown<'_>, forms: &mut Forms) -> Vec<Action> {
    let t = super::tr(shown);
    let field = crate::ui::i18n_field::ft(shown.persisted.lang);
    ui.heading(t.turfs_teams);
    let Some(l) = shown.session else {
        return Vec::new();
    };
    let lang = shown.persisted.lang;
    let selection = shown.selection;
    // Live figures of the selection: what a turf of exactly these precincts would count.
    if !selection.precincts.is_empty() {
        let figures = l.figures_of(&selection.precincts);
        ui.label(format!(
            "{} {} · {} {} · {} {}{} · {} {}",
            selection.precincts.len(),
            t.precincts_count,
            number(figures.registered as f64, 0, lang),
            t.registered.to_lowercase(),
            number(figures.doors as f64, 0, lang),
            t.doors,
            if figures.doors_estimated {
                format!(" ({})", t.estimated)
            } else {
                String::new()
            },
            t.priority_sum,
            number(figures.priority, 2, lang)
        ));
    }
    let mut actions = Vec::new();
    let mut per_household = l.voters_per_household;
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
    if changed && (per_household - l.voters_per_household).abs() > 1e-9 {
        actions.push(Action::SetVotersPerHousehold(per_household));
    }
    ui.add(
        egui::TextEdit::singleline(&mut forms.turf_name)
            .hint_text(t.turf_name_hint)
            .desired_width(200.0),
    );
    if !selection.doors.is_empty() {
        let households: i64 = selection
            .doors
            .iter()
            .filter_map(|&d| l.doors.get(d))
            .map(|d| d.households)
            .sum();
        ui.label(format!(
            "{} {} ({} {})",
            number(selection.doors.len() as f64, 0, lang),
            t.door_points,
            number(households as f64, 0, lang),
            t.households
        ));
    }
    let can = !selection.is_empty() && !forms.turf_name.trim().is_empty();
    if ui
        .add_enabled(can, egui::Button::new(t.make_turf))
        .clicked()
    {
        actions.push(Action::CreateTurf(forms.turf_name.trim().to_owned()));
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t.autocut);
        ui.add(
            egui::DragValue::new(&mut forms.autocut_target)
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
            actions.push(Action::Autocut(forms.autocut_target));
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(t.membership);
        for (m, name) in [
            (Membership::Representative, t.representative),
            (Membership::Intersects, t.intersects),
            (Membership::Within, t.within),
        ] {
            if ui.radio(shown.view.membership == m, name).clicked() {
                actions.push(Action::SetMembership(m));
            }
        }
    });
    for turf in &l.turfs {
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
            let has_selection = !selection.is_empty();
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
            if ui
                .small_button(String::from(icons::ICON_PRINT))
                .on_hover_text(t.print_sheets)
                .labelled_by_text(&format!("{} {}", t.print_sheets, turf.name))
                .clicked()
            {
                actions.push(Action::PreviewSheets(crate::io::sheets::Scope::Turf(
                    turf.uuid.clone(),
                )));
            }
            let shown_walk = shown.view.walk_turf.as_ref() == Some(&turf.uuid);
            if ui
                .add(
                    egui::Button::new(String::from(icons::ICON_DIRECTIONS_WALK))
                        .small()
                        .selected(shown_walk),
                )
                .on_hover_text(t.show_walk)
                .labelled_by_text(&format!("{} {}", t.show_walk, turf.name))
                .clicked()
            {
                actions.push(Action::ShowWalk((!shown_walk).then(|| turf.uuid.clone())));
            }
        });
        if shown.view.walk_turf.as_ref() == Some(&turf.uuid)
            && let Some(walk) = &l.walk
        {
            walk_list(ui, walk, t, lang);
        }
    }
    if !l.turfs.is_empty() {
        let names: Vec<(TurfId, String)> = l
            .turfs
            .iter()
            .map(|x| (x.uuid.clone(), x.name.clone()))
            .collect();
        let name_of = |id: &Option<TurfId>| {
            names
                .iter()
                .find(|n| Some(&n.0) == id.as_ref())
                .map(|n| n.1.clone())
                .unwrap_or_default()
        };
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("edit-turf")
                .selected_text(or_word(name_of(&forms.turf_edit.turf), field.turf))
                .width(80.0)
                .show_ui(ui, |ui| {
                    for (uuid, name) in &names {
                        ui.selectable_value(&mut forms.turf_edit.turf, Some(uuid.clone()), name);
                    }
                })
                .response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, field.turf));
            ui.add(
                egui::TextEdit::singleline(&mut forms.turf_edit.new_name)
                    .hint_text(t.turf_name_hint)
                    .desired_width(80.0),
            );
            let editing = forms
                .turf_edit
                .turf
                .as_ref()
                .and_then(|id| l.turfs.iter().find(|x| &x.uuid == id));
            if ui
                .add_enabled(
                    editing.is_some() && !forms.turf_edit.new_name.trim().is_empty(),
                    egui::Button::new(t.rename),
                )
                .clicked()
                && let Some(turf) = editing
            {
                actions.push(Action::UpdateTurf(
                    turf.uuid.clone(),
                    forms.turf_edit.new_name.trim().to_owned(),
                    turf.colour.clone(),
                ));
            }
            // The turf's own colour (used when it has no team, or outlines go by status).
            if let Some(turf) = editing {
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
                    .selected_text(or_word(name_of(&forms.turf_edit.merge_from), field.turf))
                    .width(70.0)
                    .show_ui(ui, |ui| {
                        for (uuid, name) in &names {
                            ui.selectable_value(
                                &mut forms.turf_edit.merge_from,
                                Some(uuid.clone()),
                                name,
                            );
                        }
                    })
                    .response
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::ComboBox, true, field.turf)
                    });
                ui.label(t.merge_into);
                egui::ComboBox::from_id_salt("merge-into")
                    .selected_text(or_word(name_of(&forms.turf_edit.turf), field.turf))
                    .width(70.0)
                    .show_ui(ui, |ui| {
                        for (uuid, name) in &names {
                            ui.selectable_value(
                                &mut forms.turf_edit.turf,
                                Some(uuid.clone()),
                                name,
                            );
                        }
                    })
                    .response
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::ComboBox, true, field.turf)
                    });
                let pair = forms
                    .turf_edit
                    .turf
                    .clone()
                    .zip(forms.turf_edit.merge_from.clone());
                if ui
                    .add_enabled(pair.is_some(), egui::Button::new(t.merge))
                    .clicked()
                    && let Some((into, from)) = pair
                {
                    actions.push(Action::MergeTurfs(into, from));
                }
            });
        }
        if let Some(editing) = forms.turf_edit.turf.clone() {
            let current = l.turfs.iter().find(|x| x.uuid == editing).map(|x| x.status);
            ui.horizontal_wrapped(|ui| {
                for (status, name) in [
                    (TurfStatus::Planned, t.status_planned),
                    (TurfStatus::InProgress, t.status_in_progress),
                    (TurfStatus::Done, t.status_done),
                ] {
                    if ui.radio(current == Some(status), name).clicked() {
                        actions.push(Action::SetTurfStatus(editing.clone(), status));
                    }
                }
            });
        }
        ui.horizontal(|ui| {
            if ui
                .radio(!shown.view.turfs_by_status, t.colour_by_team)
                .clicked()
            {
                actions.push(Action::SetTurfColouring(false));
            }
            if ui
                .radio(shown.view.turfs_by_status, t.colour_by_status)
                .clicked()
            {
                actions.push(Action::SetTurfColouring(true));
            }
        });
    }
    ui.label(RichText::new(t.teams).strong());
    ui.add(
        egui::TextEdit::singleline(&mut forms.team_name)
            .hint_text(t.team_name_hint)
            .desired_width(200.0),
    );
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(
                !forms.team_name.trim().is_empty(),
                egui::Button::new(t.create_team),
            )
            .clicked()
        {
            actions.push(Action::CreateTeam(forms.team_name.trim().to_owned()));
        }
        let target = l
            .teams
            .iter()
            .find(|x| x.name == forms.assign.team)
            .map(|x| (x.uuid.clone(), x.colour.clone()));
        if let Some((uuid, colour)) = target {
            let label = format!("{} {}", t.rename_team, forms.assign.team);
            if ui
                .add_enabled(!forms.team_name.trim().is_empty(), egui::Button::new(label))
                .clicked()
            {
                actions.push(Action::UpdateTeam(
                    uuid,
                    forms.team_name.trim().to_owned(),
                    colour,
                ));
            }
        }
    });
    for team in &l.teams {
        let theirs: Vec<&str> = l
            .turfs
            .iter()
            .filter(|x| x.team.as_deref() == Some(team.name.as_str()))
            .map(|x| x.name.as_str())
            .collect();
        let doors: i64 = l
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
            if ui
                .small_button(String::from(icons::ICON_PRINT))
                .on_hover_text(t.print_team_sheets)
                .labelled_by_text(&format!("{} {}", t.print_team_sheets, team.name))
                .clicked()
            {
                actions.push(Action::PrintSheetsDialog(crate::io::sheets::Scope::Team(
                    team.uuid.clone(),
                )));
            }
            let pack_label = format!("{} {}", field.export_pack, team.name);
            if l.pack_team.is_none()
                && ui
                    .small_button(String::from(icons::ICON_BACKPACK))
                    .on_hover_text(field.export_pack)
                    .labelled_by_text(&pack_label)
                    .clicked()
            {
                actions.push(Action::ExportPackDialog(team.uuid.clone()));
            }
        });
    }
    if !l.turfs.is_empty() && ui.button(t.print_all_sheets).clicked() {
        actions.push(Action::PrintSheetsDialog(
            crate::io::sheets::Scope::EveryTeam,
        ));
    }

    for path in &shown.view.printed {
        ui.horizontal(|ui| {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            ui.label(&name);
            if ui
                .small_button(t.open_pdf)
                .labelled_by_text(&format!("{} {name}", t.open_pdf))
                .clicked()
            {
                actions.push(Action::OpenFile(path.clone()));
            }
        });
    }
    if !l.turfs.is_empty() && !l.teams.is_empty() {
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("assign-turf")
                .selected_text(or_word(forms.assign.turf.clone(), field.turf))
                .width(80.0)
                .show_ui(ui, |ui| {
                    for turf in &l.turfs {
                        ui.selectable_value(&mut forms.assign.turf, turf.name.clone(), &turf.name);
                    }
                })
                .response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, field.turf));
            egui::ComboBox::from_id_salt("assign-team")
                .selected_text(or_word(forms.assign.team.clone(), field.team))
                .width(80.0)
                .show_ui(ui, |ui| {
                    for team in &l.teams {
                        ui.selectable_value(&mut forms.assign.team, team.name.clone(), &team.name);
                    }
                })
                .response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, field.team));
            ui.add(
                egui::TextEdit::singleline(&mut forms.assign.date)
                    .hint_text(t.date_hint)
                    .desired_width(80.0),
            );
            if ui.button(t.assign).clicked() {
                actions.push(Action::AssignTurf {
                    turf: forms.assign.turf.clone(),
                    team: forms.assign.team.clone(),
                    date: forms.assign.date.clone(),
                });
            }
        });
    }
    actions
}

/// A turf's walk under its row: how long, from where, and its doors in order.
fn walk_list(
    ui: &mut egui::Ui,
    walk: &crate::domain::walk::TurfWalk,
    t: &crate::ui::i18n::Tr,
    lang: crate::domain::numbers::Lang,
) {
    let french = lang == crate::domain::numbers::Lang::Fr;
    ui.label(format!(
        "{} {}, {} km {}; {}",
        walk.stops.len(),
        t.doors,
        number(walk.length_m / 1000.0, 1, lang),
        t.walk_straight,
        if walk.meeting_point_set {
            t.walk_from_meeting_point
        } else {
            t.walk_from_centre
        }
    ));
    if !walk.along_streets && !walk.stops.is_empty() {
        ui.label(RichText::new(t.walk_no_streets).weak());
    }
    egui::ScrollArea::vertical()
        .id_salt("walk-list")
        .max_height(160.0)
        .show(ui, |ui| {
            let mut street: Option<(&str, &str)> = None;
            for s in &walk.stops {
                let name = s.street_or_address();
                let side = s.side.words(french);
                if street != Some((name, side)) {
                    ui.label(RichText::new(format!("{name} {side}")).strong());
                    street = Some((name, side));
                }
                ui.label(format!("{:>4}. {} ({})", s.rank, s.number(), s.households));
            }
        });
}

/// A choice's text, or the word for what is to be chosen while nothing is (so the box is
/// never blank, for the eye and for screen readers).
fn or_word(text: String, word: &str) -> String {
    if text.is_empty() {
        format!("{word}…")
    } else {
        text
    }
}

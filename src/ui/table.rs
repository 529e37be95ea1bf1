//! The attribute table: the precincts with their fields, score and class; sortable; its
//! selection and the map's are one; double-click zooms to a precinct.

use egui::RichText;
use egui_extras::{Column as Width, TableBuilder};
use egui_material_icons::icons;

use crate::domain::numbers::number;
use crate::state::{Action, Column, SelectMode, Shown};

/// Draws the table (scrolled once to `scroll_to`); returns what the user chose.
pub fn table(ui: &mut egui::Ui, shown: &Shown<'_>, scroll_to: &mut Option<usize>) -> Vec<Action> {
    let t = super::tr(shown);
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.table).strong());
        if let Some(l) = shown.session {
            ui.label(format!("({})", l.shapes.len()));
        }
    });
    let Some(l) = shown.session else {
        return Vec::new();
    };
    let lang = shown.persisted.lang;
    let mut actions = Vec::new();
    let header = |ui: &mut egui::Ui,
                  label: &str,
                  column: Column,
                  sort: (Column, bool),
                  actions: &mut Vec<Action>| {
        let arrow = if sort.0 == column {
            String::from(if sort.1 {
                icons::ICON_ARROW_DROP_UP
            } else {
                icons::ICON_ARROW_DROP_DOWN
            })
        } else {
            String::new()
        };
        if ui
            .button(RichText::new(format!("{label} {arrow}")).strong())
            .clicked()
        {
            actions.push(Action::SortTable(column));
        }
    };
    let sort = shown.view.sort;
    let order = &shown.view.table_order;
    let scroll_to = scroll_to
        .take()
        .and_then(|i| order.iter().position(|&k| k == i));
    let mut builder = TableBuilder::new(ui);
    if let Some(row) = scroll_to {
        builder = builder.scroll_to_row(row, Some(egui::Align::Center));
    }
    builder
        .striped(true)
        .sense(egui::Sense::click())
        .column(Width::auto().at_least(60.0))
        .column(Width::remainder().at_least(160.0))
        .column(Width::auto().at_least(80.0))
        .column(Width::auto().at_least(80.0))
        .column(Width::auto().at_least(50.0))
        .header(22.0, |mut row| {
            row.col(|ui| header(ui, t.code, Column::Code, sort, &mut actions));
            row.col(|ui| header(ui, t.name, Column::Name, sort, &mut actions));
            row.col(|ui| header(ui, t.registered, Column::Registered, sort, &mut actions));
            row.col(|ui| header(ui, t.score, Column::Score, sort, &mut actions));
            row.col(|ui| header(ui, t.class, Column::Class, sort, &mut actions));
        })
        .body(|body| {
            body.rows(20.0, order.len(), |mut row| {
                let i = order[row.index()];
                let selected = shown.selection.precincts.contains(&i);
                row.set_selected(selected);
                let mut clicks: Vec<egui::Response> = Vec::with_capacity(5);
                let cell = |ui: &mut egui::Ui, text: String| {
                    ui.add(
                        egui::Label::new(text)
                            .sense(egui::Sense::click())
                            .truncate(),
                    )
                };
                row.col(|ui| clicks.push(cell(ui, l.data.codes[i].clone())));
                row.col(|ui| clicks.push(cell(ui, l.data.names[i].clone())));
                row.col(|ui| {
                    clicks.push(cell(
                        ui,
                        l.registered[i].map_or(String::new(), |r| number(r as f64, 0, lang)),
                    ));
                });
                row.col(|ui| {
                    let s = l.scored.as_ref().map_or(f64::NAN, |s| s.scores[i]);
                    let text = if s.is_finite() {
                        number(s, if s.abs() < 10.0 { 3 } else { 0 }, lang)
                    } else {
                        "–".to_owned()
                    };
                    clicks.push(cell(ui, text));
                });
                row.col(|ui| {
                    let c = l.scored.as_ref().map_or(0, |s| s.classes.class_of[i]);
                    clicks.push(cell(
                        ui,
                        if c > 0 {
                            c.to_string()
                        } else {
                            "–".to_owned()
                        },
                    ));
                });
                let response = clicks.into_iter().fold(row.response(), |a, b| a | b);
                if response.double_clicked() {
                    actions.push(Action::ZoomToPrecinct(i));
                } else if response.clicked() {
                    let modifiers = response.ctx.input(|inp| inp.modifiers);
                    let mode = SelectMode::from_modifiers(modifiers);
                    actions.push(Action::Select(vec![i], mode));
                }
            });
        });
    actions
}

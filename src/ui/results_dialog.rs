//! The results import dialog: draws the form of `state::results_form` and returns the import
//! to run.

use crate::io::csv_results::Layout;
use crate::state::Action;
use crate::state::results_form::ResultsDialog;
use crate::ui::i18n::Tr;

/// At most this many columns are offered in a choice (a file of thousands of columns is read
/// by the guess, or from the command line).
const OFFERED: usize = 200;

/// A combo box choosing one of the file's columns, or none (`none` says what that means).
fn column_choice(
    ui: &mut egui::Ui,
    none: &str,
    columns: &[String],
    id: &str,
    label: &str,
    choice: &mut Option<usize>,
) {
    let shown = choice
        .and_then(|c| columns.get(c))
        .map_or(none, String::as_str);
    egui::ComboBox::new(id, label)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(choice, None, none);
            for (i, c) in columns.iter().enumerate().take(OFFERED) {
                ui.selectable_value(choice, Some(i), c);
            }
        });
}

/// Draws the dialog; `import` receives the import to run, `close` whether it was cancelled.
pub fn show(
    ui: &mut egui::Ui,
    t: &Tr,
    d: &mut ResultsDialog,
    import: &mut Option<Action>,
    close: &mut bool,
) {
    ui.label(d.path.display().to_string());
    ui.horizontal(|ui| {
        ui.label(t.election_name);
        ui.text_edit_singleline(&mut d.name);
    });
    ui.horizontal(|ui| {
        ui.label(t.date);
        ui.text_edit_singleline(&mut d.date);
    });
    if d.date().is_err() {
        ui.colored_label(crate::map::style::ERROR, t.bad_date);
    }
    ui.add(egui::Slider::new(&mut d.round, 0..=2).text(t.round));
    ui.checkbox(&mut d.missing_as_empty, t.missing_as_empty);
    if !d.columns.is_empty() {
        let columns = d.columns.clone();
        column_choice(
            ui,
            t.none_choice,
            &columns,
            "split_by",
            t.split_by,
            &mut d.split_by,
        );
        ui.horizontal(|ui| {
            column_choice(
                ui,
                t.none_choice,
                &columns,
                "filter_column",
                t.only_rows_where,
                &mut d.filter_column,
            );
            if d.filter_column.is_some() {
                ui.label("=");
                ui.text_edit_singleline(&mut d.filter_value);
            }
        });
        egui::CollapsingHeader::new(t.columns_section)
            .id_salt("results_columns")
            .show(ui, |ui| {
                column_choice(ui, t.guessed, &columns, "key", t.key_column, &mut d.key);
                column_choice(
                    ui,
                    t.guessed,
                    &columns,
                    "registered",
                    t.registered,
                    &mut d.registered,
                );
                column_choice(
                    ui,
                    t.guessed,
                    &columns,
                    "voters",
                    t.voters_column,
                    &mut d.voters,
                );
                column_choice(
                    ui,
                    t.guessed,
                    &columns,
                    "valid",
                    t.valid_column,
                    &mut d.valid,
                );
                egui::ComboBox::new("layout", t.layout)
                    .selected_text(match d.layout {
                        None => t.guessed,
                        Some(Layout::Wide) => t.layout_wide,
                        Some(Layout::Long) => t.layout_long,
                        Some(Layout::Blocks) => t.layout_blocks,
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut d.layout, None, t.guessed);
                        ui.selectable_value(&mut d.layout, Some(Layout::Wide), t.layout_wide);
                        ui.selectable_value(&mut d.layout, Some(Layout::Long), t.layout_long);
                    });
                if d.layout == Some(Layout::Long) {
                    column_choice(
                        ui,
                        t.guessed,
                        &columns,
                        "list_column",
                        t.list_name_column,
                        &mut d.list_column,
                    );
                    column_choice(
                        ui,
                        t.guessed,
                        &columns,
                        "votes_column",
                        t.votes_column,
                        &mut d.votes_column,
                    );
                } else {
                    ui.label(t.list_columns);
                    egui::ScrollArea::vertical()
                        .max_height(140.0)
                        .id_salt("list_columns")
                        .show(ui, |ui| {
                            ui.horizontal_wrapped(|ui| {
                                for (i, c) in columns.iter().enumerate().take(OFFERED) {
                                    let mut on = d.lists.contains(&i);
                                    if ui.checkbox(&mut on, c).changed() {
                                        if on {
                                            d.lists.push(i);
                                        } else {
                                            d.lists.retain(|&l| l != i);
                                        }
                                    }
                                }
                            });
                        });
                }
            });
    }
    ui.horizontal(|ui| {
        let action = d.action();
        if ui
            .add_enabled(action.is_some(), egui::Button::new(t.import_button))
            .clicked()
        {
            *import = action;
        }
        if ui.button(t.cancel).clicked() {
            *close = true;
        }
    });
}

//! The results import dialog: the election's name, date and round, and how to read the file
//! (which column is which, several elections per file, a row filter, missing values): the
//! same choices as `campaign-planner results`. The dialog only returns the import to run.

use std::path::PathBuf;

use egui::Color32;

use crate::action::Action;
use crate::domain::date::{Date, DateError};
use crate::io::csv_results::{ColumnMapping, Layout, read_headers};
use crate::store::ElectionMeta;
use crate::ui::i18n::Tr;

/// A results file waiting for its election's name, and the user's choices about its columns
/// (`None` or empty: guessed).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultsDialog {
    /// The CSV file.
    pub path: PathBuf,
    /// The election's name.
    pub name: String,
    /// Its date, as typed.
    pub date: String,
    /// Its round (0 = none).
    pub round: i64,
    /// The file's columns, read from its header; empty when unreadable.
    pub columns: Vec<String>,
    /// Store unreadable cells as missing values.
    pub missing_as_empty: bool,
    /// One election per value of this column.
    pub split_by: Option<usize>,
    /// Only rows where this column holds `filter_value`.
    pub filter_column: Option<usize>,
    /// The value of the filter.
    pub filter_value: String,
    /// The precinct code column.
    pub key: Option<usize>,
    /// The registered voters column.
    pub registered: Option<usize>,
    /// The voters column.
    pub voters: Option<usize>,
    /// The valid votes column.
    pub valid: Option<usize>,
    /// The layout.
    pub layout: Option<Layout>,
    /// Wide layout: the list columns.
    pub lists: Vec<usize>,
    /// Long layout: the list name column.
    pub list_column: Option<usize>,
    /// Long layout: the votes column.
    pub votes_column: Option<usize>,
}

impl ResultsDialog {
    /// The dialog for `path`, its election named after the file, every column guessed.
    #[must_use]
    pub fn new(path: PathBuf) -> Self {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let columns = read_headers(&path).unwrap_or_default();
        Self {
            path,
            name,
            date: String::new(),
            round: 0,
            columns,
            missing_as_empty: false,
            split_by: None,
            filter_column: None,
            filter_value: String::new(),
            key: None,
            registered: None,
            voters: None,
            valid: None,
            layout: None,
            lists: Vec::new(),
            list_column: None,
            votes_column: None,
        }
    }

    /// The date typed, checked: `Ok(None)` when empty.
    pub fn date(&self) -> Result<Option<Date>, DateError> {
        let text = self.date.trim();
        if text.is_empty() {
            Ok(None)
        } else {
            Date::parse(text).map(Some)
        }
    }

    /// The import the dialog describes, when its name and date are right.
    #[must_use]
    pub fn action(&self) -> Option<Action> {
        let name = self.name.trim();
        let date = self.date().ok()?;
        if name.is_empty() {
            return None;
        }
        let column = |c: Option<usize>| c.and_then(|c| self.columns.get(c).cloned());
        let mapping = ColumnMapping {
            layout: self.layout,
            key: column(self.key),
            registered: column(self.registered),
            voters: column(self.voters),
            valid: column(self.valid),
            lists: (!self.lists.is_empty()).then(|| {
                self.lists
                    .iter()
                    .filter_map(|&c| self.columns.get(c).cloned())
                    .collect()
            }),
            list_column: column(self.list_column),
            votes_column: column(self.votes_column),
            missing_as_empty: self.missing_as_empty,
            split_by: column(self.split_by),
            filters: column(self.filter_column)
                .map(|c| (c, self.filter_value.trim().to_owned()))
                .into_iter()
                .collect(),
        };
        Some(Action::ImportResults(
            self.path.clone(),
            ElectionMeta {
                name: name.to_owned(),
                date,
                round: (self.round > 0).then_some(self.round),
            },
            mapping,
        ))
    }
}

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
        ui.colored_label(Color32::from_rgb(0xc0, 0x39, 0x2b), t.bad_date);
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

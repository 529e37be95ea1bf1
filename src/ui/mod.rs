//! The panels of the app. Each reads the state ([`Shown`]), may edit its own form drafts, and
//! returns the [`Action`]s the user chose; nothing here changes the campaign or imports the
//! app shell.

pub mod entry;
pub mod i18n;
pub mod i18n_field;
pub mod map_view;
pub mod merge_dialog;
pub mod panels;
pub mod progress;
pub mod results_dialog;
pub mod sheet_preview;
pub mod table;
pub mod totals;
pub mod turfs;

use egui::RichText;
use egui_material_icons::icons;

use crate::domain::numbers::Lang;
use crate::state::{Action, Forms, MapView, Shown, Tool};

/// The warning sign (a material icon: the interface fonts have no U+26A0).
pub(crate) const WARN: &str = egui_material_icons::icons::ICON_WARNING.codepoint;

/// The leaflet-left mark of an entered row.
pub(crate) const LEAFLET: &str = egui_material_icons::icons::ICON_DESCRIPTION.codepoint;

/// The strings of the interface language.
fn tr(shown: &Shown<'_>) -> &'static i18n::Tr {
    i18n::tr(shown.persisted.lang)
}

/// Lays out one frame: toolbar, status bar, table, side panel, map; returns what the user
/// asked for. `tiles` is the basemap's tile source.
pub fn frame(
    ui: &mut egui::Ui,
    shown: &Shown<'_>,
    forms: &mut Forms,
    map: &mut MapView,
    tiles: Option<&mut dyn walkers::Tiles>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::Panel::top("toolbar").show(ui, |ui| actions.extend(toolbar(ui, shown, forms)));
    egui::Panel::bottom("status").show(ui, |ui| {
        actions.extend(panels::status_bar(ui, shown, map.cursor, map.memory.zoom()));
    });
    egui::Panel::bottom("table")
        .resizable(true)
        .default_size(210.0)
        .min_size(80.0)
        .show(ui, |ui| {
            actions.extend(table::table(ui, shown, &mut forms.scroll_table_to));
        });
    egui::Panel::left("side")
        .resizable(true)
        .default_size(290.0)
        .min_size(220.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                actions.extend(panels::layers(ui, shown));
                ui.separator();
                actions.extend(panels::scoring(ui, shown, &mut forms.formula_text));
            });
        });
    egui::Panel::right("turfs")
        .resizable(true)
        .default_size(270.0)
        .min_size(220.0)
        .max_size(420.0)
        .show(ui, |ui| {
            let f = i18n_field::ft(shown.persisted.lang);
            ui.horizontal(|ui| {
                for (progress, label) in [(false, f.turfs_tab), (true, f.progress)] {
                    if ui
                        .selectable_label(shown.view.show_progress == progress, label)
                        .clicked()
                    {
                        actions.push(Action::ShowProgress(progress));
                    }
                }
            });
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| {
                if shown.view.show_progress {
                    actions.extend(progress::progress(ui, shown, forms));
                } else {
                    panels::inspector(ui, shown);
                    ui.separator();
                    actions.extend(turfs::turfs(ui, shown, forms));
                }
            });
        });
    egui::CentralPanel::no_frame().show(ui, |ui| {
        actions.extend(map_view::map(ui, shown, map, tiles));
    });
    actions.extend(panels::dialogs(ui.ctx(), shown, forms));
    actions.extend(sheet_preview::preview(ui.ctx(), shown, forms));
    actions.extend(entry::entry(ui.ctx(), shown, forms));
    actions.extend(totals::totals(ui.ctx(), shown, forms));
    actions.extend(merge_dialog::merge_preview(ui.ctx(), shown));
    actions
}

fn tool(ui: &mut egui::Ui, icon: egui_material_icons::MaterialIcon, label: &str) -> egui::Response {
    ui.add(egui::Button::new(
        RichText::new(String::from(icon)).size(18.0),
    ))
    .on_hover_text(label)
    .labelled_by_text(label)
}

/// Gives an icon-only button an accessible label.
pub(crate) trait LabelledBy {
    fn labelled_by_text(self, label: &str) -> Self;
}

impl LabelledBy for egui::Response {
    fn labelled_by_text(self, label: &str) -> Self {
        let label = label.to_owned();
        self.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label.clone()));
        self
    }
}

fn toolbar(ui: &mut egui::Ui, shown: &Shown<'_>, forms: &mut Forms) -> Vec<Action> {
    let t = tr(shown);
    let mut actions = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button(t.file, |ui| {
            if ui.button(t.new).clicked() {
                actions.push(Action::NewDialog);
            }
            if ui.button(t.open).clicked() {
                actions.push(Action::OpenDialog);
            }
            if ui.button(t.save_as).clicked() {
                actions.push(Action::SaveAsDialog);
            }
            ui.separator();
            if ui.button(t.import_shapes).clicked() {
                actions.push(Action::ImportShapesDialog);
            }
            if ui.button(t.import_results).clicked() {
                actions.push(Action::ImportResultsDialog);
            }
            if ui.button(t.import_doors).clicked() {
                actions.push(Action::ImportDoorsDialog);
            }
            if ui.button(t.import_streets).clicked() {
                actions.push(Action::ImportStreetsDialog);
            }
            let f = i18n_field::ft(shown.persisted.lang);
            let master = shown.session.is_some_and(|s| s.pack_team.is_none());
            if ui
                .add_enabled(master, egui::Button::new(f.merge_packs))
                .clicked()
            {
                actions.push(Action::MergePacksDialog);
            }
            ui.separator();
            ui.menu_button(t.recent, |ui| {
                for path in &shown.persisted.recent {
                    if ui.button(path.display().to_string()).clicked() {
                        actions.push(Action::Open(path.clone()));
                    }
                }
            });
            ui.separator();
            if ui.button(t.open_demo).clicked() {
                actions.push(Action::OpenDemo);
            }
            if ui.button(t.open_field_demo).clicked() {
                actions.push(Action::OpenFieldDemo);
            }
            if ui.button(t.reset_demo).clicked() {
                actions.push(Action::ResetDemo);
            }
        });
        let f = i18n_field::ft(shown.persisted.lang);
        ui.menu_button(f.menu, |ui| {
            let open = shown.session.is_some();
            if ui
                .add_enabled(open, egui::Button::new(f.enter_sheets))
                .clicked()
            {
                actions.push(Action::OpenEntry);
            }
            if ui
                .add_enabled(open, egui::Button::new(f.enter_totals))
                .clicked()
            {
                actions.push(Action::OpenTotals);
            }
            ui.separator();
            if ui
                .add_enabled(open, egui::Button::new(f.show_progress))
                .clicked()
            {
                actions.push(Action::ShowProgress(true));
            }
            let mut coverage = shown.view.colour_by_coverage;
            if ui
                .add_enabled(
                    open,
                    egui::Checkbox::new(&mut coverage, f.colour_by_coverage),
                )
                .changed()
            {
                actions.push(Action::SetColourByCoverage(coverage));
            }
        });
        ui.menu_button(t.view, |ui| {
            ui.label(t.language);
            for (lang, name) in [(Lang::En, "English"), (Lang::Fr, "Français")] {
                if ui.radio(shown.persisted.lang == lang, name).clicked() {
                    actions.push(Action::SetLanguage(lang));
                }
            }
            ui.separator();
            let mut dark = shown.persisted.dark;
            if ui.checkbox(&mut dark, t.dark_theme).changed() {
                actions.push(Action::SetDarkTheme(dark));
            }
        });
        ui.separator();
        if tool(ui, icons::ICON_FOLDER_OPEN, t.open).clicked() {
            actions.push(Action::OpenDialog);
        }
        if tool(ui, icons::ICON_SAVE_AS, t.save_as).clicked() {
            actions.push(Action::SaveAsDialog);
        }
        if tool(ui, icons::ICON_UPLOAD_FILE, t.import_shapes).clicked() {
            actions.push(Action::ImportShapesDialog);
        }
        if tool(ui, icons::ICON_HOW_TO_VOTE, t.import_results).clicked() {
            actions.push(Action::ImportResultsDialog);
        }
        ui.separator();
        if tool(ui, icons::ICON_ZOOM_OUT_MAP, t.zoom_to_campaign).clicked() {
            actions.push(Action::ZoomToCampaign);
        }
        if tool(ui, icons::ICON_CENTER_FOCUS_STRONG, t.zoom_to_selection).clicked() {
            actions.push(Action::ZoomToSelection);
        }
        if tool(ui, icons::ICON_DESELECT, t.clear_selection).clicked() {
            actions.push(Action::ClearSelection);
        }
        ui.separator();
        for (mode, icon, label) in [
            (Tool::Pan, icons::ICON_PAN_TOOL, t.pan_tool),
            (Tool::Lasso, icons::ICON_GESTURE, t.lasso_tool),
            (Tool::Polygon, icons::ICON_POLYLINE, t.polygon_tool),
        ] {
            let button = egui::Button::new(RichText::new(String::from(icon)).size(18.0))
                .selected(shown.view.tool == mode);
            if ui
                .add(button)
                .on_hover_text(label)
                .labelled_by_text(label)
                .clicked()
            {
                actions.push(Action::SetTool(mode));
            }
        }
        if tool(ui, icons::ICON_UNDO, t.undo).clicked() {
            actions.push(Action::Undo);
        }
        if tool(ui, icons::ICON_REDO, t.redo).clicked() {
            actions.push(Action::Redo);
        }
        ui.separator();
        let other = match shown.persisted.lang {
            Lang::En => (Lang::Fr, "FR"),
            Lang::Fr => (Lang::En, "EN"),
        };
        if ui
            .button(format!(
                "{} {}",
                String::from(icons::ICON_TRANSLATE),
                other.1
            ))
            .on_hover_text(t.language)
            .clicked()
        {
            actions.push(Action::SetLanguage(other.0));
        }
        ui.separator();
        let search = ui.add(
            egui::TextEdit::singleline(&mut forms.search)
                .hint_text(t.search)
                .desired_width(240.0),
        );
        if search.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(i) = find(shown, &forms.search)
        {
            actions.push(Action::ZoomToPrecinct(i));
        }
        if let Some(l) = shown.session {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(RichText::new(&l.name).strong());
                // A team pack says so: its plan is headquarters'.
                if let Some(team) = &l.pack_team {
                    let f = i18n_field::ft(shown.persisted.lang);
                    ui.label(
                        RichText::new(format!("{}: {team}", f.team_pack))
                            .strong()
                            .color(ui.visuals().warn_fg_color),
                    );
                }
            });
        }
    });
    actions
}

/// The precinct whose code or name matches the find box (exact code first).
fn find(shown: &Shown<'_>, search: &str) -> Option<usize> {
    let l = shown.session?;
    let q = search.trim().to_lowercase();
    if q.is_empty() {
        return None;
    }
    l.data
        .codes
        .iter()
        .position(|c| c.to_lowercase() == q)
        .or_else(|| {
            l.data
                .names
                .iter()
                .position(|n| n.to_lowercase().contains(&q))
        })
}

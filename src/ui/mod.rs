//! The panels of the app. They read [`PlannerApp`]'s state and push [`Action`]s; nothing here
//! changes the campaign directly.

pub mod i18n;
mod map_view;
mod panels;
pub mod results_dialog;
mod table;
mod turfs;

use egui::RichText;
use egui_material_icons::icons;

use crate::action::Action;
use crate::app::PlannerApp;
use crate::domain::numbers::Lang;

/// Lays out one frame: toolbar, status bar, table, side panel, map.
pub fn frame(app: &mut PlannerApp, ui: &mut egui::Ui) {
    egui::Panel::top("toolbar").show(ui, |ui| toolbar(app, ui));
    egui::Panel::bottom("status").show(ui, |ui| panels::status_bar(app, ui));
    egui::Panel::bottom("table")
        .resizable(true)
        .default_size(210.0)
        .min_size(80.0)
        .show(ui, |ui| table::table(app, ui));
    egui::Panel::left("side")
        .resizable(true)
        .default_size(290.0)
        .min_size(220.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                panels::layers(app, ui);
                ui.separator();
                panels::scoring(app, ui);
            });
        });
    egui::Panel::right("turfs")
        .resizable(true)
        .default_size(270.0)
        .min_size(220.0)
        .max_size(420.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                panels::inspector(app, ui);
                ui.separator();
                turfs::turfs(app, ui);
            });
        });
    egui::CentralPanel::no_frame().show(ui, |ui| {
        map_view::map(app, ui);
    });
    panels::dialogs(app, ui.ctx());
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

fn toolbar(app: &mut PlannerApp, ui: &mut egui::Ui) {
    let t = app.tr();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button(t.file, |ui| {
            if ui.button(t.new).clicked() {
                app.push(Action::NewDialog);
            }
            if ui.button(t.open).clicked() {
                app.push(Action::OpenDialog);
            }
            if ui.button(t.save_as).clicked() {
                app.push(Action::SaveAsDialog);
            }
            ui.separator();
            if ui.button(t.import_shapes).clicked() {
                app.push(Action::ImportShapesDialog);
            }
            if ui.button(t.import_results).clicked() {
                app.push(Action::ImportResultsDialog);
            }
            if ui.button(t.import_doors).clicked() {
                app.push(Action::ImportDoorsDialog);
            }
            ui.separator();
            ui.menu_button(t.recent, |ui| {
                for path in app.recent.clone() {
                    if ui.button(path.display().to_string()).clicked() {
                        app.push(Action::Open(path));
                    }
                }
            });
            ui.separator();
            if ui.button(t.open_demo).clicked() {
                app.push(Action::OpenDemo);
            }
            if ui.button(t.reset_demo).clicked() {
                app.push(Action::ResetDemo);
            }
        });
        ui.menu_button(t.view, |ui| {
            ui.label(t.language);
            for (lang, name) in [(Lang::En, "English"), (Lang::Fr, "Français")] {
                if ui.radio(app.lang == lang, name).clicked() {
                    app.push(Action::SetLanguage(lang));
                }
            }
            ui.separator();
            let mut dark = app.dark;
            if ui.checkbox(&mut dark, t.dark_theme).changed() {
                app.push(Action::SetDarkTheme(dark));
            }
        });
        ui.separator();
        if tool(ui, icons::ICON_FOLDER_OPEN, t.open).clicked() {
            app.push(Action::OpenDialog);
        }
        if tool(ui, icons::ICON_SAVE_AS, t.save_as).clicked() {
            app.push(Action::SaveAsDialog);
        }
        if tool(ui, icons::ICON_UPLOAD_FILE, t.import_shapes).clicked() {
            app.push(Action::ImportShapesDialog);
        }
        if tool(ui, icons::ICON_HOW_TO_VOTE, t.import_results).clicked() {
            app.push(Action::ImportResultsDialog);
        }
        ui.separator();
        if tool(ui, icons::ICON_ZOOM_OUT_MAP, t.zoom_to_campaign).clicked() {
            app.push(Action::ZoomToCampaign);
        }
        if tool(ui, icons::ICON_CENTER_FOCUS_STRONG, t.zoom_to_selection).clicked() {
            app.push(Action::ZoomToSelection);
        }
        if tool(ui, icons::ICON_DESELECT, t.clear_selection).clicked() {
            app.push(Action::ClearSelection);
        }
        ui.separator();
        for (mode, icon, label) in [
            (crate::action::Tool::Pan, icons::ICON_PAN_TOOL, t.pan_tool),
            (
                crate::action::Tool::Lasso,
                icons::ICON_GESTURE,
                t.lasso_tool,
            ),
            (
                crate::action::Tool::Polygon,
                icons::ICON_POLYLINE,
                t.polygon_tool,
            ),
        ] {
            let button = egui::Button::new(RichText::new(String::from(icon)).size(18.0))
                .selected(app.tool == mode);
            if ui
                .add(button)
                .on_hover_text(label)
                .labelled_by_text(label)
                .clicked()
            {
                app.push(Action::SetTool(mode));
            }
        }
        if tool(ui, icons::ICON_UNDO, t.undo).clicked() {
            app.push(Action::Undo);
        }
        if tool(ui, icons::ICON_REDO, t.redo).clicked() {
            app.push(Action::Redo);
        }
        ui.separator();
        let other = match app.lang {
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
            app.push(Action::SetLanguage(other.0));
        }
        ui.separator();
        let search = ui.add(
            egui::TextEdit::singleline(&mut app.search)
                .hint_text(t.search)
                .desired_width(240.0),
        );
        if search.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(i) = find(app)
        {
            app.push(Action::ZoomToPrecinct(i));
        }
        if let Some(l) = &app.loaded {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(RichText::new(&l.name).strong());
            });
        }
    });
}

/// The precinct whose code or name matches the find box (exact code first).
fn find(app: &PlannerApp) -> Option<usize> {
    let l = app.loaded.as_ref()?;
    let q = app.search.trim().to_lowercase();
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

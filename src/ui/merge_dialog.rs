//! The merge preview: for each team pack chosen or dropped, what merging it would do (rows
//! new, updated, unchanged, older than ours, plan rows ignored, rows edited on both sides),
//! with *Merge* and *Cancel*.

use egui::RichText;

use crate::state::{Action, Shown};
use crate::ui::WARN;
use crate::ui::i18n_field::ft;

/// Draws the preview when there is one.
#[must_use]
pub fn merge_preview(ctx: &egui::Context, shown: &Shown<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    let Some((packs, reports)) = &shown.view.merge_preview else {
        return actions;
    };
    let t = ft(shown.persisted.lang);
    let mut open = true;
    egui::Window::new(t.merge_title)
        .id(egui::Id::unique("merge-preview"))
        .open(&mut open)
        .default_size([560.0, 420.0])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (path, report) in packs.iter().zip(reports) {
                        let name = path
                            .file_name()
                            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                        match report {
                            Err(e) => {
                                ui.label(RichText::new(&name).strong());
                                ui.colored_label(ui.visuals().error_fg_color, e);
                            }
                            Ok(r) => {
                                ui.label(
                                    RichText::new(format!(
                                        "{name}{}",
                                        r.team
                                            .as_ref()
                                            .map(|t| format!(" — {t}"))
                                            .unwrap_or_default()
                                    ))
                                    .strong(),
                                );
                                if r.already_merged {
                                    ui.label(t.already_merged);
                                    continue;
                                }
                                for m in &r.tables {
                                    let parts: Vec<String> = [
                                        (m.inserted, t.inserted),
                                        (m.updated, t.updated),
                                        (m.unchanged, t.unchanged),
                                        (m.superseded, t.superseded),
                                        (m.ignored, t.ignored),
                                    ]
                                    .iter()
                                    .filter(|(n, _)| *n > 0)
                                    .map(|(n, w)| format!("{n} {w}"))
                                    .collect();
                                    if !parts.is_empty() {
                                        ui.label(format!("  {}: {}", m.table, parts.join(", ")));
                                    }
                                }
                                if !r.conflicts.is_empty() {
                                    ui.label(format!("  {} {}:", r.conflicts.len(), t.conflicts));
                                    for c in r.conflicts.iter().take(20) {
                                        ui.label(
                                            RichText::new(format!(
                                                "    {} {} {}: {:?} / {:?} → {}",
                                                c.table,
                                                &c.uuid[..8.min(c.uuid.len())],
                                                c.column,
                                                c.master,
                                                c.pack,
                                                c.winner
                                            ))
                                            .small(),
                                        );
                                    }
                                }
                                if r.visits_of_deleted_doors > 0 {
                                    ui.label(format!(
                                        "  {} {}",
                                        r.visits_of_deleted_doors, t.deleted_doors
                                    ));
                                }
                                if r.from_the_future {
                                    ui.colored_label(
                                        ui.visuals().warn_fg_color,
                                        format!("  {WARN} {}", t.from_the_future),
                                    );
                                }
                            }
                        }
                        ui.separator();
                    }
                });
            ui.horizontal(|ui| {
                let any = reports
                    .iter()
                    .any(|r| r.as_ref().is_ok_and(|r| !r.already_merged));
                if ui
                    .add_enabled(any, egui::Button::new(t.merge_apply))
                    .clicked()
                {
                    let ok: Vec<_> = packs
                        .iter()
                        .zip(reports)
                        .filter(|(_, r)| r.as_ref().is_ok_and(|r| !r.already_merged))
                        .map(|(p, _)| p.clone())
                        .collect();
                    actions.push(Action::MergePacks(ok));
                }
                if ui.button(t.cancel).clicked() {
                    actions.push(Action::CloseMergePreview);
                }
            });
        });
    if !open {
        actions.push(Action::CloseMergePreview);
    }
    actions
}

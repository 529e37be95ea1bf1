//! The totals-only grid: one row per outing for teams that bring back counts only, with the
//! entry screen's keys; what is wrong with a row is said beside it.

use egui::{Key, RichText};

use crate::state::totals::{COLUMNS, TotalsDraft};
use crate::state::{Action, Forms, Shown};
use crate::ui::i18n_field::ft;

fn cell_id(row: usize, column: usize) -> egui::Id {
    egui::Id::unique(("totals-cell", row, column))
}

/// Draws the totals grid when it is open; returns what the user asked for.
pub fn totals(ctx: &egui::Context, shown: &Shown<'_>, forms: &mut Forms) -> Vec<Action> {
    let mut actions = Vec::new();
    let Some(grid) = &mut forms.totals else {
        return actions;
    };
    let t = ft(shown.persisted.lang);
    let headers = [
        t.date, t.turf, t.team, t.knocked, t.opened, t.quality, t.opponent, t.start, t.end, t.notes,
    ];
    let widths = [
        86.0, 110.0, 100.0, 56.0, 56.0, 56.0, 56.0, 50.0, 50.0, 160.0,
    ];
    let mut open = true;
    egui::Window::new(t.totals_title)
        .id(egui::Id::unique("totals-window"))
        .open(&mut open)
        .default_size([900.0, 420.0])
        .show(ctx, |ui| {
            ui.label(RichText::new(t.totals_help).small().weak());
            keys(ui, grid);
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    egui::Grid::new("totals-grid").striped(true).show(ui, |ui| {
                        for h in headers {
                            ui.label(RichText::new(h).strong());
                        }
                        ui.end_row();
                        for r in 0..grid.rows.len() {
                            for (c, width) in widths.iter().enumerate() {
                                let before = grid.rows[r][c].clone();
                                let resp = ui.add(
                                    egui::TextEdit::singleline(&mut grid.rows[r][c])
                                        .id(cell_id(r, c))
                                        .hint_text(headers[c])
                                        .desired_width(*width),
                                );
                                if resp.gained_focus() || resp.has_focus() {
                                    grid.cursor = (r, c);
                                }
                                if resp.changed() {
                                    let now = std::mem::replace(&mut grid.rows[r][c], before);
                                    grid.remember();
                                    grid.rows[r][c] = now;
                                }
                            }
                            if let Some(e) = grid.errors.get(r).cloned().flatten() {
                                ui.colored_label(ui.visuals().error_fg_color, e);
                            }
                            ui.end_row();
                        }
                    });
                });
            let save = ui.input_mut(|i| {
                i.consume_shortcut(&egui::KeyboardShortcut::new(
                    egui::Modifiers::COMMAND,
                    Key::S,
                ))
            });
            ui.horizontal(|ui| {
                if ui.button(t.save_rows).clicked() || save {
                    actions.push(Action::CommitTotals);
                }
                if ui.button(t.close).clicked() {
                    actions.push(Action::CloseTotals);
                }
            });
        });
    if !open {
        actions.push(Action::CloseTotals);
    }
    actions
}

/// ↓/Enter, ↑, Space in an empty cell, Ctrl+Z: the entry screen's keys, on the grid's cells.
fn keys(ui: &egui::Ui, grid: &mut TotalsDraft) {
    let focused = ui.memory(egui::Memory::focused);
    let at = (0..grid.rows.len())
        .flat_map(|r| (0..COLUMNS).map(move |c| (r, c)))
        .find(|&(r, c)| Some(cell_id(r, c)) == focused);
    let (down, up, space, undo) = ui.input_mut(|i| {
        let undo = i.consume_shortcut(&egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND,
            Key::Z,
        ));
        let down = at.is_some()
            && (i.consume_key(egui::Modifiers::NONE, Key::ArrowDown)
                || i.consume_key(egui::Modifiers::NONE, Key::Enter));
        let up = at.is_some() && i.consume_key(egui::Modifiers::NONE, Key::ArrowUp);
        let space = at.is_some_and(|(r, c)| grid.rows[r][c].is_empty())
            && i.consume_key(egui::Modifiers::NONE, Key::Space);
        if space {
            // The space itself is not typed into the cell.
            i.events
                .retain(|e| !matches!(e, egui::Event::Text(t) if t == " "));
        }
        (down, up, space, undo)
    });
    if let Some((r, c)) = at {
        grid.cursor = (r, c);
    }
    if space {
        grid.repeat_above();
    }
    if undo {
        grid.undo();
    }
    if down {
        grid.down();
    }
    if up {
        grid.up();
    }
    if down || up {
        let (r, c) = grid.cursor;
        ui.memory_mut(|m| m.request_focus(cell_id(r, c)));
    }
}

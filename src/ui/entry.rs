//! The sheet entry window (*saisie des feuilles*): a sheet's code, then its session header and
//! its rows in the printed order, typed with the keyboard only. The keys of the grid are read
//! here and applied by [`EntryDraft::key`].

use egui::{Color32, Key, RichText};

use crate::state::entry::{EntryDraft, EntryFocus, EntryKey};
use crate::state::{Action, Forms, Shown};
use crate::ui::i18n_field::{FieldTr, ft};
use crate::ui::{LEAFLET, WARN};

/// The id of the code field (its label is "Sheet code").
const CODE_ID: &str = "entry-code";

/// Draws the entry window when it is open; returns what the user asked for.
pub fn entry(ctx: &egui::Context, shown: &Shown<'_>, forms: &mut Forms) -> Vec<Action> {
    let mut actions = Vec::new();
    if !forms.entry_open || shown.session.is_none() {
        return actions;
    }
    let t = ft(shown.persisted.lang);
    let support_on = shown.session.is_some_and(|s| s.field.records_support);
    let days = shown.session.and_then(|s| s.field.days);
    let lang = shown.persisted.lang;
    let mut open = true;
    egui::Window::new(t.enter_sheets.trim_end_matches('…'))
        .id(egui::Id::unique("entry-window"))
        .open(&mut open)
        .default_size([620.0, 640.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label(t.sheet_code);
                let code = ui.add(
                    egui::TextEdit::singleline(&mut forms.entry_code)
                        .id(egui::Id::unique(CODE_ID))
                        .hint_text(t.code_hint)
                        .desired_width(160.0),
                );
                if forms.entry.is_none() && !code.has_focus() && forms.entry_code.is_empty() {
                    code.request_focus();
                }
                let enter = code.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                if (ui.button(t.load).clicked() || enter) && !forms.entry_code.trim().is_empty() {
                    actions.push(Action::LoadSheet(forms.entry_code.clone()));
                }
            });
            if let Some(e) = &forms.entry_code_error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if let Some(draft) = &mut forms.entry {
                ui.separator();
                actions.extend(sheet(ui, t, draft, support_on));
                // What is wrong in the header, said as it is typed.
                if let Some(problem) = header_problem(draft, days, lang) {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
            }
        });
    if !open {
        actions.push(Action::CloseEntry);
    }
    actions
}

/// The first thing wrong with the session header as typed: a date that is none or lies
/// outside the campaign (or before the print), a time, a quality, more opened than knocked.
fn header_problem(
    d: &EntryDraft,
    days: Option<crate::domain::field::CampaignDays>,
    lang: crate::domain::numbers::Lang,
) -> Option<String> {
    use crate::domain::date::Date;
    use crate::domain::field::CampaignDays;
    // Nothing to say while the day is not typed yet.
    if d.header.date.trim().is_empty() {
        return None;
    }
    let report = match d.session(lang) {
        Ok(r) => r,
        Err(e) => return Some(e),
    };
    let days = CampaignDays {
        today: Date::today(),
        ..days.unwrap_or(CampaignDays {
            start: None,
            election: None,
            today: Date::today(),
        })
    };
    let printed = d.printed_on.as_deref().and_then(|p| Date::parse(p).ok());
    report.check(&days, printed).err().map(|e| e.words(lang))
}

/// The header fields in the order they are typed.
const HEADER: [&str; 9] = [
    "date",
    "start",
    "end",
    "canvassers",
    "knocked",
    "opened",
    "quality",
    "opponent",
    "notes",
];

fn header_id(field: &str) -> egui::Id {
    egui::Id::unique(("entry-header", field))
}

fn sheet(ui: &mut egui::Ui, t: &FieldTr, d: &mut EntryDraft, support_on: bool) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.label(
        RichText::new(format!(
            "{} — {}{} — {} {} — {} {}",
            d.code,
            d.turf,
            d.team
                .as_ref()
                .map(|t| format!(" — {t}"))
                .unwrap_or_default(),
            t.printed,
            d.printed_on.clone().unwrap_or_default(),
            d.rows.len(),
            t.rows
        ))
        .strong(),
    );
    if d.restored {
        ui.label(RichText::new(t.restored).italics());
    }
    // The grid's keys first: a key that just left a header field is that field's.
    // (egui moves its focus on Tab before this runs: a Tab from the grid is still the grid's.)
    let tab = ui.input(|i| i.key_pressed(Key::Tab));
    if d.focus == EntryFocus::Rows
        && (ui.memory(|m| m.focused().is_none()) || (tab && d.grid_had_keys))
    {
        read_keys(ui, d);
    }
    header(ui, t, d);
    ui.label(RichText::new(t.keys_help).small().weak());
    if let Some(e) = &d.error {
        let text = if e.chars().count() == 1 {
            format!("« {e} » {}", t.not_a_code)
        } else {
            e.clone()
        };
        ui.colored_label(ui.visuals().error_fg_color, text);
    }
    grid(ui, t, d, support_on);
    let (k, o) = d.counted();
    ui.label(format!(
        "{} / {} {} · {} {k} · {} {o}",
        d.filled(),
        d.rows.len(),
        t.typed,
        t.knocked,
        t.opened
    ));
    let save = ui.input_mut(|i| {
        i.consume_shortcut(&egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND,
            Key::S,
        ))
    });
    d.grid_had_keys = d.focus == EntryFocus::Rows && ui.memory(|m| m.focused().is_none());
    ui.horizontal(|ui| {
        if ui.button(t.save_sheet).clicked() || save {
            actions.push(Action::CommitSheet);
        }
        if ui.button(t.close).clicked() {
            actions.push(Action::CloseEntry);
        }
    });
    actions
}

/// The session header: Enter goes to the next field, and from the last into the rows.
fn header(ui: &mut egui::Ui, t: &FieldTr, d: &mut EntryDraft) {
    let labels = [
        t.date,
        t.start,
        t.end,
        t.canvassers,
        t.knocked,
        t.opened,
        t.quality,
        t.opponent,
        t.notes,
    ];
    let (k, o) = d.counted();
    let disagree = |typed: &str, counted: u32| {
        typed.trim().parse::<u32>().is_ok_and(|v| {
            (f64::from(v) - f64::from(counted)).abs() > 0.1 * f64::from(v.max(counted).max(1))
        })
    };
    let warn = [
        disagree(&d.header.knocked, k).then_some(k),
        disagree(&d.header.opened, o).then_some(o),
    ];
    let mut next: Option<usize> = None;
    egui::Grid::new("entry-header")
        .num_columns(6)
        .show(ui, |ui| {
            for (i, field) in HEADER.iter().enumerate() {
                let h = &mut d.header;
                let value = match i {
                    0 => &mut h.date,
                    1 => &mut h.start,
                    2 => &mut h.end,
                    3 => &mut h.canvassers,
                    4 => &mut h.knocked,
                    5 => &mut h.opened,
                    6 => &mut h.quality,
                    7 => &mut h.opponent,
                    _ => &mut h.notes,
                };
                ui.label(labels[i]);
                let r = ui.add(
                    egui::TextEdit::singleline(value)
                        .id(header_id(field))
                        .desired_width(if i == 8 { 220.0 } else { 90.0 }),
                );
                if r.changed() {
                    d.dirty = true;
                }
                if r.has_focus() {
                    d.focus = EntryFocus::Header;
                }
                if r.lost_focus() && ui.input(|inp| inp.key_pressed(Key::Enter)) {
                    next = Some(i + 1);
                }
                if let Some(c) = match i {
                    4 => Some(warn[0]),
                    5 => Some(warn[1]),
                    _ => None,
                } {
                    match c {
                        Some(counted) => ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!("{WARN} {} {counted}: {}", t.counted, t.differs),
                        ),
                        None => ui.label(""),
                    };
                }
                if i % 3 == 2 {
                    ui.end_row();
                }
            }
        });
    // The header is typed first, as on paper, when the sheet loads.
    if d.focus == EntryFocus::Header && ui.memory(|m| m.focused().is_none()) && next.is_none() {
        next = Some(0);
    }
    match next {
        Some(i) if i < HEADER.len() => ui.memory_mut(|m| m.request_focus(header_id(HEADER[i]))),
        Some(_) => d.focus = EntryFocus::Rows,
        None => {}
    }
}

/// The keys of the grid, as [`EntryKey`]s.
fn read_keys(ui: &egui::Ui, d: &mut EntryDraft) {
    let keys: Vec<(Key, egui::Modifiers)> = ui.input(|i| {
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } => Some((*key, *modifiers)),
                _ => None,
            })
            .collect()
    });
    for (key, m) in keys {
        let k = match key {
            Key::Enter if m.command => EntryKey::RestAbsent,
            Key::Z if m.command => EntryKey::Undo,
            Key::ArrowDown if m.shift => EntryKey::ExtendDown,
            Key::ArrowDown | Key::Enter => EntryKey::Down,
            Key::ArrowUp => EntryKey::Up,
            Key::Space => EntryKey::RepeatAbove,
            Key::Delete | Key::Backspace => EntryKey::Clear,
            Key::Tab => {
                d.focus = EntryFocus::RowNote;
                d.note_pending = true;
                continue;
            }
            _ if m.command || m.alt => continue,
            other => match other.symbol_or_name().chars().collect::<Vec<_>>()[..] {
                [c] if c.is_ascii_alphabetic() => EntryKey::Letter(c),
                _ => continue,
            },
        };
        d.key(k);
    }
}

/// The rows, the current one highlighted and kept in view; its note (and support) editable.
fn grid(ui: &mut egui::Ui, t: &FieldTr, d: &mut EntryDraft, support_on: bool) {
    let range = d.range();
    let note_id = egui::Id::unique("entry-note");
    let support_id = egui::Id::unique("entry-support");
    let mut back_to_rows = false;
    egui::ScrollArea::vertical()
        .max_height(360.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let mut street = None;
            for i in 0..d.rows.len() {
                let row = &d.rows[i];
                if street.as_ref() != Some(&row.street) {
                    ui.label(RichText::new(&row.street).strong());
                    street = Some(row.street.clone());
                }
                let current = i == d.cursor;
                let fill = if current {
                    ui.visuals().selection.bg_fill
                } else if range.contains(&i) {
                    ui.visuals().selection.bg_fill.gamma_multiply(0.4)
                } else if i % 5 == 4 {
                    ui.visuals().faint_bg_color
                } else {
                    Color32::TRANSPARENT
                };
                let response = egui::Frame::new().fill(fill).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let e = &mut d.entries[i];
                        ui.add_sized([34.0, 18.0], egui::Label::new(row.rank.to_string()));
                        ui.add_sized([80.0, 18.0], egui::Label::new(&row.number));
                        ui.add_sized(
                            [28.0, 18.0],
                            egui::Label::new(RichText::new(row.households.to_string()).weak()),
                        );
                        ui.add_sized(
                            [24.0, 18.0],
                            egui::Label::new(
                                RichText::new(e.outcome.map_or("·".to_owned(), |c| c.to_string()))
                                    .strong()
                                    .monospace()
                                    .size(15.0),
                            ),
                        );
                        ui.label(if e.leaflet { LEAFLET } else { "  " });
                        if current && d.focus == EntryFocus::RowNote {
                            if support_on {
                                let mut text = e.support.map(|s| s.to_string()).unwrap_or_default();
                                let r = ui.add(
                                    egui::TextEdit::singleline(&mut text)
                                        .id(support_id)
                                        .hint_text(t.support)
                                        .desired_width(70.0),
                                );
                                if r.changed() {
                                    e.support =
                                        text.trim().parse().ok().filter(|s| (1..=5).contains(s));
                                    d.dirty = true;
                                }
                            }
                            let r = ui.add(
                                egui::TextEdit::singleline(&mut e.note)
                                    .id(note_id)
                                    .hint_text(t.notes)
                                    .desired_width(200.0),
                            );
                            if r.changed() {
                                d.dirty = true;
                            }
                            if r.lost_focus() {
                                back_to_rows = true;
                            }
                        } else if !e.note.is_empty() {
                            ui.label(RichText::new(&e.note).italics());
                        }
                    });
                });
                if current && ui.memory(|m| m.focused().is_none()) {
                    response.response.scroll_to_me(None);
                }
            }
        });
    if d.focus == EntryFocus::RowNote {
        if back_to_rows {
            d.focus = EntryFocus::Rows;
            d.key(EntryKey::Down);
            d.keys -= 1; // Enter in the note both left it and moved on: one key.
        } else if d.note_pending || ui.memory(|m| m.focused().is_none()) {
            // Tab may have moved egui's own focus elsewhere first: the note takes it back.
            d.note_pending = false;
            let first = if support_on { support_id } else { note_id };
            ui.memory_mut(|m| m.request_focus(first));
        }
    }
}

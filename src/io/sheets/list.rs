//! The list pages of a turf's walk sheet: one row per door in walk order, a street header row
//! per street side, tick boxes per door code, the column header repeated on every page.

use super::pdf::{Canvas, INK, PAGE_H, PAGE_W};
use super::words::Words;
use super::{TurfSheet, footer};

/// Row height, millimetres.
const ROW: f32 = 7.5;
/// Where rows start under the column header.
const TOP: f32 = 24.0;
/// Where rows stop above the footer.
const BOTTOM: f32 = PAGE_H - 14.0;
/// A building with more households than this is one row with tallies.
pub(super) const TALLY_ABOVE: i64 = 8;

/// A line of the list: a street side's header, or a door.
pub(super) enum Line<'a> {
    /// A street and side.
    Street(String),
    /// A door (an index into the walk's stops).
    Door(&'a crate::domain::walk::WalkStop),
}

/// The lines of `sheet`'s list, street headers included.
pub(super) fn lines(sheet: &TurfSheet, french: bool) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut last: Option<(String, &'static str)> = None;
    for s in &sheet.walk.stops {
        let street = s.street_or_address().to_owned();
        let side = s.side.words(french);
        if last.as_ref() != Some(&(street.clone(), side)) {
            out.push(Line::Street(if side.is_empty() {
                street.clone()
            } else {
                format!("{street} — {side}")
            }));
            last = Some((street, side));
        }
        out.push(Line::Door(s));
    }
    out
}

/// How many list pages `lines` take.
pub(super) fn pages(lines: usize) -> usize {
    let per_page = ((BOTTOM - TOP) / ROW).floor() as usize;
    lines.div_ceil(per_page.max(1))
}

/// Draws list page `k` (from 0) of `lines`.
pub(super) fn draw(
    c: &mut Canvas<'_>,
    sheet: &TurfSheet,
    lines: &[Line<'_>],
    k: usize,
    w: &Words,
    pages: (usize, usize),
) {
    let left = 10.0;
    let right = PAGE_W - 10.0;
    let per_page = ((BOTTOM - TOP) / ROW).floor() as usize;
    // The title line and the column header.
    c.text(
        left,
        12.0,
        10.0,
        true,
        &format!("{} — {}", w.title, sheet.turf),
        INK,
    );
    c.text_right(right, 12.0, 10.0, true, &sheet.code);
    let cols = Columns::new(left, right);
    c.rect(
        left,
        TOP - 7.0,
        right - left,
        6.0,
        Some((225, 225, 225)),
        None,
    );
    let y = TOP - 2.6;
    c.text(cols.rank, y, 7.5, true, w.rank, INK);
    c.text(cols.number, y, 7.5, true, w.number, INK);
    c.text(cols.households, y, 7.0, true, "⌂", INK);
    for (i, (letter, _)) in w.codes.iter().enumerate() {
        c.text_centred(
            cols.boxes + i as f32 * cols.box_w + cols.box_w / 2.0,
            y,
            7.5,
            true,
            letter,
            INK,
        );
    }
    c.text(cols.notes, y, 7.5, true, w.notes, INK);
    // The rows.
    let mut y = TOP;
    let mut door_row = 0_usize;
    for line in lines.iter().skip(k * per_page).take(per_page) {
        match line {
            Line::Street(title) => {
                c.rect(left, y, right - left, ROW, Some((236, 240, 248)), None);
                let title = c.fonts.fit(title, 8.5, true, right - left - 4.0);
                c.text(left + 2.0, y + ROW - 2.2, 8.5, true, &title, INK);
            }
            Line::Door(s) => {
                // Doors are counted through the whole list: every fifth row is shaded.
                door_row = s.rank;
                if door_row.is_multiple_of(5) {
                    c.rect(left, y, right - left, ROW, Some((244, 244, 244)), None);
                }
                let base = y + ROW - 2.2;
                c.text(cols.rank, base, 8.0, true, &s.rank.to_string(), INK);
                let number =
                    c.fonts
                        .fit(&s.number(), 8.0, false, cols.households - cols.number - 1.0);
                c.text(cols.number, base, 8.0, false, &number, INK);
                c.text(
                    cols.households,
                    base,
                    8.0,
                    false,
                    &s.households.to_string(),
                    INK,
                );
                // What happened here last time (a revisit): the code and its day.
                if let Some((code, day)) = sheet.previous.get(&s.door) {
                    let day = day.get(5..).unwrap_or(day);
                    c.text(
                        cols.notes,
                        base,
                        6.5,
                        false,
                        &format!("{} {code} {day}", w.before),
                        (90, 90, 90),
                    );
                }
                if s.households > TALLY_ABOVE {
                    // A building: tallies instead of one tick per household.
                    c.text(cols.boxes + 1.0, base, 8.0, false, w.tally, INK);
                } else {
                    for i in 0..w.codes.len() {
                        let x = cols.boxes + i as f32 * cols.box_w + (cols.box_w - 4.2) / 2.0;
                        c.rect(
                            x,
                            y + 1.6,
                            4.2,
                            4.2,
                            Some((255, 255, 255)),
                            Some((0.25, INK)),
                        );
                    }
                }
            }
        }
        c.line((left, y + ROW), (right, y + ROW), 0.1, (170, 170, 170));
        y += ROW;
    }
    let _ = door_row;
    footer(c, sheet, w, pages);
}

/// Where each column starts, millimetres.
struct Columns {
    rank: f32,
    number: f32,
    households: f32,
    boxes: f32,
    box_w: f32,
    notes: f32,
}

impl Columns {
    fn new(left: f32, _right: f32) -> Self {
        let box_w = 7.0;
        let boxes = left + 52.0;
        Self {
            rank: left + 1.5,
            number: left + 11.0,
            households: left + 44.0,
            boxes,
            box_w,
            notes: boxes + 8.0 * box_w + 3.0,
        }
    }
}

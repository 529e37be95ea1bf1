//! Page 1 of a turf's walk sheet: the header, the map, the door-code key, the script, the
//! session summary to fill in and the notice for residents.

use super::map::{self, Frame};
use super::pdf::{Canvas, INK, PAGE_W};
use super::words::Words;
use super::{TurfSheet, footer};
use crate::domain::numbers::{Lang, number};

/// Draws page 1 of `sheet`.
pub(super) fn draw(
    c: &mut Canvas<'_>,
    sheet: &TurfSheet,
    w: &Words,
    lang: Lang,
    pages: (usize, usize),
    tiles: Option<&super::SheetTiles>,
) {
    let left = 10.0;
    let right = PAGE_W - 10.0;
    // Title and code.
    c.text(
        left,
        15.0,
        15.0,
        true,
        &format!("{} — {}", w.title, sheet.turf),
        INK,
    );
    let code_w = c.fonts.width(&sheet.code, 13.0, true) + 6.0;
    c.rect(right - code_w, 8.0, code_w, 9.0, None, Some((0.5, INK)));
    c.text_right(right - 3.0, 14.6, 13.0, true, &sheet.code);
    c.text_right(right - code_w - 2.0, 14.0, 7.0, false, w.code);
    // The header lines.
    let size = 8.5;
    let mut y = 22.0;
    let line = |c: &mut Canvas<'_>, y: &mut f32, label: &str, value: &str| {
        c.text(left, *y, size, true, label, INK);
        let x = left + 22.0;
        let value = c.fonts.fit(value, size, false, right - x);
        c.text(x, *y, size, false, &value, INK);
        *y += 4.3;
    };
    line(c, &mut y, w.campaign, &sheet.campaign);
    let precincts = if sheet.precincts.is_empty() {
        "–".to_owned()
    } else {
        sheet
            .precincts
            .iter()
            .map(|(code, name)| {
                if name.is_empty() || name == code {
                    code.clone()
                } else {
                    format!("{code} {name}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    line(c, &mut y, w.precincts, &precincts);
    let team = match &sheet.team {
        Some((name, Some(size))) => format!("{name} ({size} {})", w.canvassers),
        Some((name, None)) => name.clone(),
        None => w.no_team.to_owned(),
    };
    let date = sheet.date.clone().unwrap_or_else(|| "–".to_owned());
    line(c, &mut y, w.team, &format!("{team}     {}: {date}", w.date));
    let households: i64 = sheet.walk.stops.iter().map(|s| s.households).sum();
    line(
        c,
        &mut y,
        "",
        &format!(
            "{} {}, {} {}, {} {}",
            number(sheet.walk.stops.len() as f64, 0, lang),
            w.doors,
            number(households as f64, 0, lang),
            w.households,
            number(sheet.registered as f64, 0, lang),
            w.registered
        ),
    );
    if sheet.left_out > 0 {
        c.text(
            left + 120.0,
            y - 1.0,
            7.0,
            false,
            &format!("{} {}", w.left_out, sheet.left_out),
            (150, 40, 40),
        );
    }
    // The map: 190 × 150 mm.
    let frame = Frame {
        x: left,
        y: 41.0,
        w: right - left,
        h: 150.0,
    };
    map::draw(c, sheet, frame, w.attribution, tiles);
    if sheet.walk.stops.is_empty() {
        c.rect(
            left + 20.0,
            110.0,
            frame.w - 40.0,
            10.0,
            Some((255, 255, 255)),
            Some((0.3, INK)),
        );
        c.text_centred(left + frame.w / 2.0, 116.5, 9.0, true, w.no_doors, INK);
    }
    // The boxes below.
    let top = 195.0;
    let half = (right - left - 4.0) / 2.0;
    // The door-code key.
    c.rect(left, top, half, 24.0, None, Some((0.3, INK)));
    c.text(left + 2.0, top + 4.5, 8.0, true, w.key, INK);
    for (k, (letter, meaning)) in w.codes.iter().enumerate() {
        let (col, row) = (k % 2, k / 2);
        let x = left + 2.0 + col as f32 * (half / 2.0);
        let y = top + 9.0 + row as f32 * 4.0;
        c.rect(x, y - 2.8, 3.4, 3.4, None, Some((0.25, INK)));
        c.text_centred(x + 1.7, y, 7.0, true, letter, INK);
        c.text(x + 5.0, y, 7.5, false, meaning, INK);
    }
    // The script.
    let st = top + 27.0;
    c.rect(left, st, half, 32.0, None, Some((0.3, INK)));
    c.text(left + 2.0, st + 4.5, 8.0, true, w.script, INK);
    let mut y = st + 9.0;
    for l in wrap(c, &sheet.script, 7.5, half - 4.0).into_iter().take(6) {
        c.text(left + 2.0, y, 7.5, false, &l, INK);
        y += 3.6;
    }
    // The session summary, filled in by hand.
    let sx = left + half + 4.0;
    c.rect(sx, top, half, 59.0, None, Some((0.3, INK)));
    c.text(sx + 2.0, top + 4.5, 8.0, true, w.summary, INK);
    let mut y = top + 11.0;
    for field in &w.summary_fields {
        c.text(sx + 2.0, y, 7.5, false, field, INK);
        let from = sx + 2.0 + c.fonts.width(field, 7.5, false) + 2.0;
        c.line(
            (from, y + 0.5),
            (sx + half - 3.0, y + 0.5),
            0.15,
            (120, 120, 120),
        );
        y += 6.0;
    }
    c.text(sx + 2.0, y, 7.5, false, w.notes, INK);
    // The notice for residents.
    let notice = c.fonts.fit(&sheet.notice, 6.5, false, right - left);
    c.text(left, 259.0, 6.5, false, &notice, (70, 70, 70));
    footer(c, sheet, w, pages);
}

/// `text` cut into lines of at most `width` millimetres at `size`.
pub(super) fn wrap(c: &Canvas<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    // Broken at plain spaces only: a non-breaking space keeps its words together.
    for word in text.split([' ', '\n', '\t']).filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if c.fonts.width(&candidate, size, false) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            word.clone_into(&mut line);
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

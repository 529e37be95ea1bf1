//! The map frame of a walk sheet: the campaign's streets (styled by class, named along them),
//! the turf's outline, the walk's path, its doors numbered as on the list, the meeting point,
//! a scale bar, a north arrow and the attribution; all vectors, from the campaign file alone.

use geo_types::MultiPolygon;

use super::TurfSheet;
use super::pdf::{Canvas, INK, Rgb};
use crate::domain::street::RoadClass;

/// The frame on the page, in millimetres.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

use crate::domain::geometry::web_mercator as world;

/// From longitude/latitude to the page.
struct Fit {
    frame: Frame,
    centre: (f64, f64),
    /// Millimetres per world unit.
    scale: f64,
}

impl Fit {
    fn page(&self, lon: f64, lat: f64) -> (f32, f32) {
        let (x, y) = world(lon, lat);
        (
            (f64::from(self.frame.x + self.frame.w / 2.0) + (x - self.centre.0) * self.scale)
                as f32,
            (f64::from(self.frame.y + self.frame.h / 2.0) + (y - self.centre.1) * self.scale)
                as f32,
        )
    }
}

/// A street on the page: its class, its name and its points (mm).
type PageLine<'a> = (RoadClass, &'a str, Vec<(f32, f32)>);

/// A stretch of a street on the page: its two ends and its length (mm).
type Stretch = ((f32, f32), (f32, f32), f32);

/// The width (mm) and colours (casing, fill) of a street class.
fn style(class: RoadClass) -> (f32, Rgb, Rgb) {
    match class {
        RoadClass::Motorway => (1.5, (180, 110, 90), (233, 144, 160)),
        RoadClass::Primary => (1.3, (190, 140, 80), (252, 214, 164)),
        RoadClass::Secondary => (1.1, (180, 170, 90), (247, 250, 191)),
        RoadClass::Tertiary | RoadClass::Residential => (0.9, (170, 170, 170), (255, 255, 255)),
        RoadClass::Service => (0.5, (185, 185, 185), (255, 255, 255)),
        RoadClass::Path => (0.25, (250, 128, 114), (250, 128, 114)),
    }
}

const BLUE: Rgb = (31, 78, 216);
const RED: Rgb = (217, 45, 32);
const LAND: Rgb = (242, 239, 233);

/// Draws the map of `sheet` in `frame`.
pub(super) fn draw(
    c: &mut Canvas<'_>,
    sheet: &TurfSheet,
    frame: Frame,
    attribution: &str,
    tiles: Option<&super::SheetTiles>,
) {
    let Some(fit) = fit(sheet, frame) else {
        c.rect(
            frame.x,
            frame.y,
            frame.w,
            frame.h,
            Some(LAND),
            Some((0.3, INK)),
        );
        return;
    };
    c.rect(frame.x, frame.y, frame.w, frame.h, Some(LAND), None);
    c.clip(frame.x, frame.y, frame.w, frame.h);
    // The user's MBTiles under everything, at the zoom that gives about 150 dpi.
    if let Some(t) = tiles {
        let half = (
            f64::from(frame.w) / 2.0 / fit.scale,
            f64::from(frame.h) / 2.0 / fit.scale,
        );
        let bounds = (
            fit.centre.0 - half.0,
            fit.centre.1 - half.1,
            fit.centre.0 + half.0,
            fit.centre.1 + half.1,
        );
        let (z, _) = t.zoom(half.0 * 2.0, f64::from(frame.w));
        for tile in t.tiles(z, bounds) {
            let (wx, wy, size) = tile.world;
            let x = (f64::from(frame.x + frame.w / 2.0) + (wx - fit.centre.0) * fit.scale) as f32;
            let y = (f64::from(frame.y + frame.h / 2.0) + (wy - fit.centre.1) * fit.scale) as f32;
            let s = (size * fit.scale) as f32;
            c.image(x, y, s, s, &tile.bytes, tile.jpeg);
        }
    }
    let inside = |p: (f32, f32)| {
        p.0 >= frame.x - 20.0
            && p.0 <= frame.x + frame.w + 20.0
            && p.1 >= frame.y - 20.0
            && p.1 <= frame.y + frame.h + 20.0
    };
    // Streets: casings, then fills, minor classes first.
    let lines: Vec<PageLine<'_>> = sheet
        .streets
        .iter()
        .map(|s| {
            (
                s.class,
                s.name.as_str(),
                s.points
                    .iter()
                    .map(|p| fit.page(p.x, p.y))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, _, pts)| pts.iter().any(|p| inside(*p)))
        .collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|a, b| lines[*b].0.cmp(&lines[*a].0));
    for &k in &order {
        let (class, _, pts) = &lines[k];
        let (w, casing, _) = style(*class);
        if *class != RoadClass::Path {
            c.polyline(pts, w + 0.35, casing, None);
        }
    }
    for &k in &order {
        let (class, _, pts) = &lines[k];
        let (w, _, fill) = style(*class);
        let dash = (*class == RoadClass::Path).then_some((0.8, 0.5));
        c.polyline(pts, w, fill, dash);
    }
    // The turf's outline.
    if let Some(outline) = &sheet.outline {
        draw_outline(c, &fit, outline);
    }
    // Street names along their longest stretch in the frame, never on one another.
    names(c, &lines, frame);
    // The walk: from the meeting point (dashed) through the doors in order.
    let points: Vec<(f32, f32)> = sheet
        .walk
        .stops
        .iter()
        .map(|s| fit.page(s.point.0, s.point.1))
        .collect();
    let meeting = sheet.walk.meeting_point.map(|(x, y)| fit.page(x, y));
    if let (Some(m), Some(first)) = (meeting, points.first()) {
        c.polyline(&[m, *first], 0.35, BLUE, Some((1.2, 0.8)));
    }
    c.polyline(&points, 0.35, BLUE, None);
    // Doors: a dot each; its rank where it does not crowd another rank.
    let mut ranked: Vec<(f32, f32)> = Vec::new();
    for (k, p) in points.iter().enumerate() {
        let room = ranked.iter().all(|q| (q.0 - p.0).hypot(q.1 - p.1) >= 3.6);
        if room {
            ranked.push(*p);
            c.circle(*p, 1.5, Some((255, 255, 255)), Some((0.25, BLUE)));
            let rank = (k + 1).to_string();
            let size = if rank.len() > 2 { 4.0 } else { 5.0 };
            c.text_centred(p.0, p.1 + 0.6, size, true, &rank, BLUE);
        } else {
            c.circle(*p, 0.5, Some(BLUE), None);
        }
    }
    if let Some(m) = meeting {
        flag(c, m);
    }
    c.unclip();
    // Scale bar, north arrow, attribution, frame.
    scale_bar(c, &fit, sheet);
    north(c, frame);
    // The attributions of what is drawn: the streets', the tiles'.
    let mut credits: Vec<String> = Vec::new();
    if !sheet.streets.is_empty() {
        credits.push(attribution.to_owned());
    }
    if let Some(a) = tiles.and_then(|t| t.attribution.as_deref()) {
        // MBTiles attributions are often HTML: the text between tags is kept.
        let mut text = String::new();
        let mut in_tag = false;
        for ch in a.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => text.push(ch),
                _ => {}
            }
        }
        let text = text.replace("&copy;", "©").trim().to_owned();
        if !text.is_empty() && !credits.contains(&text) {
            credits.push(text);
        }
    }
    if credits.is_empty() {
        c.rect(frame.x, frame.y, frame.w, frame.h, None, Some((0.3, INK)));
        return;
    }
    let attribution = c
        .fonts
        .fit(&credits.join(" · "), 6.0, false, frame.w - 60.0);
    let attribution = attribution.as_str();
    let w = c.fonts.width(attribution, 6.0, false);
    c.rect(
        frame.x + frame.w - w - 3.0,
        frame.y + frame.h - 4.2,
        w + 2.0,
        3.4,
        Some((255, 255, 255)),
        None,
    );
    c.text(
        frame.x + frame.w - w - 2.0,
        frame.y + frame.h - 1.6,
        6.0,
        false,
        attribution,
        INK,
    );
    c.rect(frame.x, frame.y, frame.w, frame.h, None, Some((0.3, INK)));
}

/// The fit of the turf's doors, outline and meeting point in the frame, with a margin.
fn fit(sheet: &TurfSheet, frame: Frame) -> Option<Fit> {
    let mut pts: Vec<(f64, f64)> = sheet.walk.stops.iter().map(|s| s.point).collect();
    if let Some(m) = sheet.walk.meeting_point {
        pts.push(m);
    }
    if let Some(o) = &sheet.outline {
        pts.extend(
            o.0.iter()
                .flat_map(|p| p.exterior().0.iter().map(|c| (c.x, c.y))),
        );
    }
    let worlds: Vec<(f64, f64)> = pts.iter().map(|p| world(p.0, p.1)).collect();
    let first = worlds.first()?;
    let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
    for w in &worlds {
        x0 = x0.min(w.0);
        y0 = y0.min(w.1);
        x1 = x1.max(w.0);
        y1 = y1.max(w.1);
    }
    // At least 150 m across, and 8 % of room around.
    let min = 150.0 / (40_075_016.686 / 256.0);
    let (w, h) = ((x1 - x0).max(min) * 1.16, (y1 - y0).max(min) * 1.16);
    let scale = (f64::from(frame.w) / w).min(f64::from(frame.h) / h);
    Some(Fit {
        frame,
        centre: (f64::midpoint(x0, x1), f64::midpoint(y0, y1)),
        scale,
    })
}

fn draw_outline(c: &mut Canvas<'_>, fit: &Fit, outline: &MultiPolygon<f64>) {
    for polygon in &outline.0 {
        let ring: Vec<(f32, f32)> = polygon
            .exterior()
            .0
            .iter()
            .map(|p| fit.page(p.x, p.y))
            .collect();
        c.ring(&ring, Some(((120, 40, 140), 0.06)), None);
        c.polyline(&ring, 0.6, (120, 40, 140), Some((2.0, 1.0)));
    }
}

/// Street names: each name once, on its longest straight stretch that is long enough, turned
/// along it and upright, never overlapping another.
fn names(c: &mut Canvas<'_>, lines: &[PageLine<'_>], frame: Frame) {
    let mut best: std::collections::BTreeMap<&str, Stretch> = std::collections::BTreeMap::new();
    for (class, name, pts) in lines {
        if *class == RoadClass::Path || name.is_empty() {
            continue;
        }
        for w in pts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = (b.0 - a.0).hypot(b.1 - a.1);
            let mid = (f32::midpoint(a.0, b.0), f32::midpoint(a.1, b.1));
            let within = mid.0 > frame.x + 4.0
                && mid.0 < frame.x + frame.w - 4.0
                && mid.1 > frame.y + 4.0
                && mid.1 < frame.y + frame.h - 6.0;
            if within && best.get(name).is_none_or(|e| len > e.2) {
                best.insert(name, (a, b, len));
            }
        }
    }
    let mut placed: Vec<((f32, f32), f32)> = Vec::new();
    let size = 5.5;
    let mut candidates: Vec<(&str, Stretch)> = best.into_iter().collect();
    candidates.sort_by(|a, b| b.1.2.total_cmp(&a.1.2).then(a.0.cmp(b.0)));
    for (name, (a, b, len)) in candidates {
        let width = c.fonts.width(name, size, false);
        if len < width + 2.0 {
            continue;
        }
        let mid = (f32::midpoint(a.0, b.0), f32::midpoint(a.1, b.1));
        // Upright: text never reads upside down.
        let mut angle = (b.1 - a.1).atan2(b.0 - a.0);
        if angle > std::f32::consts::FRAC_PI_2 {
            angle -= std::f32::consts::PI;
        } else if angle < -std::f32::consts::FRAC_PI_2 {
            angle += std::f32::consts::PI;
        }
        let clear = placed
            .iter()
            .all(|(p, r)| (p.0 - mid.0).hypot(p.1 - mid.1) > r + width / 2.0);
        if !clear {
            continue;
        }
        placed.push((mid, width / 2.0));
        c.text_turned(mid.0, mid.1, angle, size, name, (60, 60, 60));
    }
}

fn flag(c: &mut Canvas<'_>, p: (f32, f32)) {
    let top = (p.0, p.1 - 6.0);
    c.line(p, top, 0.4, (40, 40, 40));
    c.ring(
        &[top, (top.0 + 4.0, top.1 + 1.4), (top.0, top.1 + 2.8)],
        Some((RED, 1.0)),
        Some((0.2, (40, 40, 40))),
    );
    c.circle(p, 0.7, Some((40, 40, 40)), None);
}

/// A scale bar of a round length, about a sixth of the frame wide.
fn scale_bar(c: &mut Canvas<'_>, fit: &Fit, sheet: &TurfSheet) {
    let lat = sheet.walk.stops.first().map_or(0.0, |s| s.point.1);
    // Metres per millimetre on the page at the turf's latitude.
    let per_mm = (40_075_016.686 / 256.0) * lat.to_radians().cos() / fit.scale;
    let wanted = per_mm * f64::from(fit.frame.w) / 6.0;
    let nice = [
        10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0, 5000.0,
    ];
    let metres = nice.iter().copied().rfind(|m| *m <= wanted).unwrap_or(10.0);
    let len = (metres / per_mm) as f32;
    let (x, y) = (fit.frame.x + 4.0, fit.frame.y + fit.frame.h - 4.0);
    c.rect(
        x - 1.5,
        y - 5.0,
        len + 14.0,
        6.5,
        Some((255, 255, 255)),
        None,
    );
    c.rect(x, y - 1.2, len / 2.0, 1.2, Some(INK), Some((0.2, INK)));
    c.rect(
        x + len / 2.0,
        y - 1.2,
        len / 2.0,
        1.2,
        Some((255, 255, 255)),
        Some((0.2, INK)),
    );
    let label = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };
    c.text(x + len + 1.5, y, 6.0, false, &label, INK);
}

fn north(c: &mut Canvas<'_>, frame: Frame) {
    let (x, y) = (frame.x + frame.w - 7.0, frame.y + 5.0);
    c.circle((x, y + 4.0), 4.6, Some((255, 255, 255)), Some((0.2, INK)));
    c.ring(
        &[(x, y), (x + 2.0, y + 6.0), (x, y + 4.8), (x - 2.0, y + 6.0)],
        Some((INK, 1.0)),
        None,
    );
    c.text_centred(x, y + 8.1, 4.5, true, "N", INK);
}

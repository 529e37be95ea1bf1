//! A turf's walk on the map: the path through its doors in order, their ranks where there is
//! room for them, and the meeting point as a flag the user can drag.

use egui::{Align2, Color32, FontId, Pos2, Sense, Stroke, vec2};

use super::coords::World;
use super::layer::View;
use crate::domain::walk::TurfWalk;

/// The path's colour.
const PATH: Color32 = Color32::from_rgb(0x1f, 0x4e, 0xd8);
/// The flag's colour.
const FLAG: Color32 = Color32::from_rgb(0xd9, 0x2d, 0x20);
/// Ranks are drawn from this zoom level.
const RANK_ZOOM: i32 = 15;
/// The least screen distance between two drawn ranks, in points.
const RANK_SPACING: f32 = 18.0;

/// Draws `walk` in `view`; returns the new meeting point (longitude, latitude) when the user
/// has just dropped the flag somewhere.
#[must_use]
pub fn paint(ui: &egui::Ui, view: &View, walk: &TurfWalk) -> Option<(f64, f64)> {
    let painter = ui.painter().with_clip_rect(view.rect);
    let at = |(lon, lat): (f64, f64)| view.to_screen(World::from_lon_lat(lon, lat));
    let points: Vec<Pos2> = walk.stops.iter().map(|s| at(s.point)).collect();
    let meeting = walk.meeting_point.map(at);
    // From the meeting point to the first door, dashed; then door to door.
    if let (Some(m), Some(first)) = (meeting, points.first()) {
        painter.extend(egui::Shape::dashed_line(
            &[m, *first],
            Stroke::new(2.0, PATH),
            6.0,
            4.0,
        ));
    }
    if points.len() >= 2 {
        painter.add(egui::Shape::line(
            points.clone(),
            Stroke::new(5.0, Color32::from_white_alpha(200)),
        ));
        painter.add(egui::Shape::line(points.clone(), Stroke::new(2.5, PATH)));
    }
    // Ranks, where they do not crowd each other: the first and last always.
    if view.scale >= 2f64.powi(RANK_ZOOM) || points.len() <= 2 {
        let mut drawn: Vec<Pos2> = Vec::new();
        let last = points.len().saturating_sub(1);
        for (k, p) in points.iter().enumerate() {
            if !view.rect.expand(20.0).contains(*p) {
                continue;
            }
            let room = drawn.iter().all(|d| d.distance(*p) >= RANK_SPACING);
            if !(room || k == 0 || k == last) {
                continue;
            }
            drawn.push(*p);
            painter.circle(*p, 8.0, Color32::WHITE, Stroke::new(1.5, PATH));
            painter.text(
                *p,
                Align2::CENTER_CENTER,
                (k + 1).to_string(),
                FontId::proportional(if k + 1 >= 100 { 8.0 } else { 10.0 }),
                PATH,
            );
        }
    } else {
        for p in &points {
            painter.circle_filled(*p, 2.0, PATH);
        }
    }
    // The flag: dragged, it follows the pointer; dropped, it is the new meeting point.
    let m = meeting?;
    let id = ui.scope_id().with(("meeting-point", &walk.turf));
    let hit = egui::Rect::from_center_size(m + vec2(4.0, -9.0), vec2(22.0, 26.0));
    let response = ui
        .interact(hit, id, Sense::drag())
        .on_hover_cursor(egui::CursorIcon::Grab);
    // The flag moves with the pointer from where it was grabbed; the offset is kept between
    // frames, since the frame that ends the drag no longer knows where it began.
    let shown_at = if let Some(offset) = response.total_drag_delta() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
        ui.data_mut(|d| d.insert_temp(id, offset));
        m + offset
    } else {
        m
    };
    flag(&painter, shown_at);
    if response.drag_stopped()
        && let Some(offset) = ui.data_mut(|d| d.remove_temp::<egui::Vec2>(id))
        && offset.length() > 2.0
    {
        let position = view.to_world(m + offset).position();
        return Some((position.x(), position.y()));
    }
    None
}

/// A flag on a pole, its foot at `p`.
fn flag(painter: &egui::Painter, p: Pos2) {
    let top = p + vec2(0.0, -22.0);
    painter.line_segment([p, top], Stroke::new(2.0, Color32::from_gray(40)));
    painter.add(egui::Shape::convex_polygon(
        vec![top, top + vec2(14.0, 5.0), top + vec2(0.0, 10.0)],
        FLAG,
        Stroke::new(1.0, Color32::from_gray(40)),
    ));
    painter.circle_filled(p, 3.0, Color32::from_gray(40));
}

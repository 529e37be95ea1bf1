//! The map: basemap tiles (walkers) or the campaign's street map, the precinct layer, hover
//! tooltip, click selection, labels, the legend in a corner and the attribution.

use egui::{Align2, Color32, FontId, RichText, Stroke, pos2, vec2};
use walkers::Map;

use crate::domain::numbers::number;
use crate::domain::turf::TurfStatus;
use crate::map::basemap::{BasemapChoice, NetState};
use crate::map::coords::World;
use crate::map::gpu::GpuFrame;
use crate::map::layer::{Style, View};
use crate::map::style;
use crate::state::{Action, MapView, SelectMode, Session, Shown, Tool};
use crate::ui::WARN;

/// Draws the map in the remaining space, on the basemap's `tiles`; returns what the user chose
/// (a click, a lasso or polygon closed). The map keeps its own state in `map`.
pub fn map(
    ui: &mut egui::Ui,
    shown: &Shown<'_>,
    map: &mut MapView,
    tiles: Option<&mut dyn walkers::Tiles>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let rect = ui.available_rect_before_wrap();
    if let Some(bounds) = map.zoom_request.take() {
        map.fit(bounds, rect);
    }
    let default_center = shown
        .session
        .and_then(Session::bounds)
        .map_or(walkers::lon_lat(2.35, 48.85), |b| {
            World::center_of(b).position()
        });
    let (fills, fills_version) = shown
        .session
        .map_or_else(|| (std::sync::Arc::new(Vec::new()), 0), Session::fills);
    let selection_version = shown.selection.version();
    let mut hovered = None;
    let mut clicked: Option<(Option<usize>, egui::Modifiers)> = None;
    let mut cursor = None;
    let mut stats = None;
    let mut drawn_view = None;
    let mut layer_time = std::time::Duration::ZERO;
    let mut street_stats = None;
    let mut street_time = std::time::Duration::ZERO;
    {
        let mut memory = std::mem::take(&mut map.memory);
        let loaded = shown.session;
        let mesh_cache = &mut map.mesh_cache;
        let gpu = &mut map.gpu;
        let street_cache = &mut map.street_cache;
        let gpu_streets = &mut map.gpu_streets;
        let streets = loaded
            .filter(|l| shown.basemap.choice == BasemapChoice::Streets && !l.streets.is_empty())
            .map(|l| &l.streets);
        let basemap_opacity = shown.view.basemap_opacity;
        let selection = &shown.selection.precincts;
        let visible = shown.view.precincts_visible;
        let show_labels = shown.view.labels;
        let lasso_tool = shown.view.tool == Tool::Lasso;
        let polygon_tool = shown.view.tool == Tool::Polygon;
        let polygon = &mut map.polygon;
        let by_status = shown.view.turfs_by_status;
        let by_coverage = shown.view.colour_by_coverage;
        let no_doors = crate::map::batches::DoorBatch::default();
        let doors = loaded.map_or(&no_doors, |l| &l.door_batch);
        let selected_doors = &shown.selection.doors;
        let lasso = &mut map.lasso;
        let no_turfs = Vec::new();
        let no_teams = Vec::new();
        let no_outlines = Vec::new();
        let turfs = loaded.map_or(&no_turfs, |l| &l.turfs);
        let teams = loaded.map_or(&no_teams, |l| &l.teams);
        let outlines = loaded.map_or(&no_outlines, |l| &l.outlines);
        let mut lasso_done: Option<(Vec<crate::map::coords::Position>, SelectMode)> = None;
        let walk = loaded.and_then(|l| l.walk.as_ref());
        let mut moved_meeting_point: Option<(f64, f64)> = None;
        // Under the street map's opaque land the bundled map cannot be seen: it is not drawn
        // (a software renderer spent a tenth of a frame filling the map with it).
        let under_land = streets.is_some()
            && shown.view.basemap_opacity >= 1.0
            && memory.zoom() >= crate::map::streets::LAND_OPAQUE_FROM + 0.5;
        let mut walkers_map = Map::new(None, &mut memory, default_center)
            .panning(!lasso_tool)
            // The mouse wheel zooms, as in every desktop GIS (walkers' default
            // pans with it and zooms only with Ctrl held).
            .zoom_with_ctrl(false)
            .double_click_to_zoom(!polygon_tool);
        if let Some(tiles) = tiles.filter(|_| !under_land) {
            walkers_map = walkers_map.with_layer(tiles, shown.view.basemap_opacity);
        }
        walkers_map.show(ui, |ui, response, projector, _memory| {
            let map_rect = response.rect;
            let center = projector.unproject(map_rect.center().to_vec2());
            let view = View {
                rect: map_rect,
                center: World::of(center),
                scale: 2f64.powf(projector.zoom()),
            };
            drawn_view = Some(view);
            // The street map first: under everything else the map shows.
            if let Some(streets) = streets {
                let started = std::time::Instant::now();
                // The GPU draws the lines once their level is up; until then, or without
                // it, the CPU's meshes (every level built ahead only for them).
                let lines = if let Some(g) = gpu_streets {
                    g.shape(streets, &view, basemap_opacity)
                } else {
                    streets.prepare_in_background();
                    None
                };
                let (shapes, s) = street_cache.shapes_with(
                    streets,
                    &view,
                    basemap_opacity,
                    Some(ui.ctx()),
                    lines,
                );
                street_time = started.elapsed();
                street_stats = Some(s);
                ui.painter().with_clip_rect(map_rect).extend(shapes);
            }
            if let Some(p) = response.hover_pos() {
                let w = view.to_world(p);
                cursor = Some(w.position());
                // A hidden precinct layer is not hovered, nor clicked.
                hovered = loaded.filter(|_| visible).and_then(|l| l.shapes.hit(w));
            }
            if response.clicked() && !lasso_tool && !polygon_tool {
                clicked = Some((hovered, ui.input(|i| i.modifiers)));
            }
            if polygon_tool {
                let modifiers = ui.input(|i| i.modifiers);
                // Closed by a double-click, by Enter, or by clicking the first vertex again.
                let on_first = response
                    .interact_pointer_pos()
                    .zip(polygon.first())
                    .is_some_and(|(p, &first)| p.distance(view.to_screen(World::of(first))) < 8.0);
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                if response.double_clicked()
                    || enter
                    || (response.clicked() && on_first && polygon.len() >= 3)
                {
                    if polygon.len() >= 3 {
                        let mode = SelectMode::from_modifiers(modifiers);
                        lasso_done = Some((std::mem::take(polygon), mode));
                    }
                    polygon.clear();
                } else if response.clicked()
                    && let Some(p) = response.interact_pointer_pos()
                {
                    polygon.push(view.to_world(p).position());
                }
                let mut points: Vec<egui::Pos2> = polygon
                    .iter()
                    .map(|&p| view.to_screen(World::of(p)))
                    .collect();
                if let Some(p) = response.hover_pos() {
                    points.push(p);
                }
                if points.len() >= 2 {
                    ui.painter().add(egui::Shape::line(
                        points,
                        Stroke::new(2.0, style::SELECTION),
                    ));
                }
            }
            if lasso_tool {
                if response.drag_started() {
                    lasso.clear();
                }
                if response.dragged()
                    && let Some(p) = response.interact_pointer_pos()
                    && lasso.last().is_none_or(|q| q.distance(p) > 2.0)
                {
                    lasso.push(p);
                }
                if response.drag_stopped() && lasso.len() >= 3 {
                    let modifiers = ui.input(|i| i.modifiers);
                    let mode = SelectMode::from_modifiers(modifiers);
                    let ring = lasso.iter().map(|p| view.to_world(*p).position()).collect();
                    lasso_done = Some((ring, mode));
                    lasso.clear();
                }
                if lasso.len() >= 2 {
                    ui.painter().add(egui::Shape::line(
                        lasso.clone(),
                        Stroke::new(2.0, style::SELECTION),
                    ));
                }
            }
            // Door points, once the street level is near enough to tell them apart.
            if view.scale >= 2f64.powi(13) && !doors.is_empty() {
                let painter = ui.painter();
                for (k, w) in doors.within(view.world_bounds()).take(20_000) {
                    let selected = selected_doors.contains(&k);
                    painter.circle_filled(
                        view.to_screen(w),
                        if selected { 3.5 } else { 2.5 },
                        if selected {
                            style::SELECTION
                        } else {
                            style::DOOR
                        },
                    );
                }
            }
            // Turf outlines, coloured by team (or by status).
            let in_view = view.world_bounds();
            for (turf, outline) in turfs.iter().zip(outlines) {
                if outline.rings.is_empty() || !outline.meets(in_view) {
                    continue;
                }
                let colour = if by_status {
                    match turf.status {
                        TurfStatus::Done => style::STATUS_DONE,
                        TurfStatus::InProgress => style::STATUS_IN_PROGRESS,
                        TurfStatus::Planned => style::STATUS_PLANNED,
                    }
                } else {
                    let team = turf
                        .team
                        .as_ref()
                        .and_then(|n| teams.iter().position(|t| &t.name == n));
                    match team {
                        Some(k) => style::team_colour(k, teams[k].colour.as_deref()),
                        None => turf.colour.as_deref().map_or(style::TURF_PLAIN, style::hex),
                    }
                };
                // Coloured by coverage: the turf filled with its step of the ramp.
                if by_coverage
                    && let Some(c) = loaded.and_then(|l| l.field.turf_coverage.get(&turf.name))
                {
                    let fill = crate::state::field::coverage_colour(*c, 150);
                    let mut mesh = egui::Mesh::default();
                    for w in outline.rings.iter().flatten() {
                        mesh.colored_vertex(view.to_screen(*w), fill);
                    }
                    mesh.indices.clone_from(&outline.triangles);
                    ui.painter().add(egui::Shape::mesh(mesh));
                    // The figure itself, not the colour alone.
                    let b = outline.bounds;
                    let centre = World {
                        x: f64::midpoint(b[0], b[2]),
                        y: f64::midpoint(b[1], b[3]),
                    };
                    ui.painter().text(
                        view.to_screen(centre),
                        egui::Align2::CENTER_CENTER,
                        crate::domain::numbers::percent(*c, shown.persisted.lang),
                        egui::FontId::proportional(13.0),
                        egui::Color32::BLACK,
                    );
                }
                // A turf assigned with no report for a week stands out: dashed, in the warning
                // colour, with a sign.
                let stale = loaded.is_some_and(|l| l.field.stale.contains(&turf.name));
                for ring in &outline.rings {
                    let mut points: Vec<egui::Pos2> =
                        ring.iter().map(|&w| view.to_screen(w)).collect();
                    if stale {
                        if let Some(first) = points.first().copied() {
                            points.push(first);
                        }
                        ui.painter().extend(egui::Shape::dashed_line(
                            &points,
                            Stroke::new(3.5, style::STALE),
                            9.0,
                            5.0,
                        ));
                    } else {
                        ui.painter()
                            .add(egui::Shape::closed_line(points, Stroke::new(2.5, colour)));
                    }
                }
                if stale && let Some(first) = outline.rings.first().and_then(|r| r.first()) {
                    ui.painter().text(
                        view.to_screen(*first),
                        egui::Align2::LEFT_BOTTOM,
                        format!("{WARN} {}", turf.name),
                        egui::FontId::proportional(13.0),
                        style::STALE,
                    );
                }
            }
            if let (Some(l), true) = (loaded, visible) {
                let style = Style {
                    fills: fills.clone(),
                    fills_version,
                    outline: style::PRECINCT_OUTLINE,
                    outline_min_px: 6.0,
                };
                let started = std::time::Instant::now();
                let painter = ui.painter().with_clip_rect(map_rect);
                // On the GPU when it can (buffers kept there), else the CPU meshes.
                let on_gpu = gpu.as_mut().map_or(GpuFrame::Refused, |g| {
                    g.shape(&l.shapes, &view, &style, selection, selection_version)
                });
                let labels: Vec<(egui::Pos2, usize)> = match on_gpu {
                    GpuFrame::Drawn(shape, s) => {
                        stats = Some(s);
                        painter.add(shape);
                        gpu.as_ref()
                            .map(|g| g.labels().copied().collect())
                            .unwrap_or_default()
                    }
                    GpuFrame::Waiting => {
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_millis(30));
                        Vec::new()
                    }
                    GpuFrame::Refused => {
                        l.shapes.prepare_levels_in_background();
                        let (shapes, s) = mesh_cache.shapes(
                            &l.shapes,
                            &view,
                            &style,
                            selection,
                            selection_version,
                        );
                        stats = Some(s);
                        painter.extend(shapes);
                        mesh_cache.labels().copied().collect()
                    }
                };
                layer_time = started.elapsed();
                if let Some(h) = hovered {
                    // A light outline under the pointer.
                    if let Some(b) = l.shapes.bbox_of(h) {
                        let r = egui::Rect::from_two_pos(
                            view.to_screen(World { x: b[0], y: b[1] }),
                            view.to_screen(World { x: b[2], y: b[3] }),
                        );
                        painter.rect_stroke(
                            r,
                            0.0,
                            Stroke::new(1.0, Color32::from_black_alpha(90)),
                            egui::StrokeKind::Outside,
                        );
                    }
                }
                if show_labels {
                    for &(pos, i) in &labels {
                        painter.text(
                            pos,
                            Align2::CENTER_CENTER,
                            &l.data.names[i],
                            FontId::proportional(11.0),
                            style::LABEL,
                        );
                    }
                }
            }
            // The walk of the turf chosen in the turfs panel, on top; its flag can be dragged.
            if let Some(w) = walk {
                moved_meeting_point = crate::map::walk::paint(ui, &view, w);
            }
        });
        map.memory = memory;
        if let Some((ring, mode)) = lasso_done {
            actions.push(Action::Lasso(ring, mode));
        }
        if let (Some(at), Some(turf)) = (moved_meeting_point, shown.view.walk_turf.clone()) {
            actions.push(Action::SetMeetingPoint(turf, at));
        }
    }
    if let Some(s) = stats {
        map.frame_stats = s;
    }
    map.layer_time = layer_time;
    map.street_stats = street_stats.unwrap_or_default();
    map.street_time = street_time;
    if drawn_view.is_some() {
        map.last_view = drawn_view;
    }
    map.cursor = cursor;
    map.hovered = hovered;
    if let Some((hit, modifiers)) = clicked {
        match hit {
            Some(i) => {
                let mode = SelectMode::from_modifiers(modifiers);
                actions.push(Action::Select(vec![i], mode));
            }
            None if !modifiers.shift => actions.push(Action::ClearSelection),
            None => {}
        }
    }
    tooltip(ui, shown, hovered);
    legend(ui, shown, rect);
    actions.extend(overlay(ui, shown, rect));
    actions.extend(notice(ui, shown, rect));
    actions
}

/// The campaign's notice (what a demo's data is), in the map's lower left corner, until the
/// user closes it.
fn notice(ui: &egui::Ui, shown: &Shown<'_>, rect: egui::Rect) -> Option<Action> {
    let text = shown.session.and_then(|s| s.notice.as_deref())?;
    if shown.view.notice_closed {
        return None;
    }
    // The notice holds English, then French, one paragraph each.
    let french = shown.persisted.lang == crate::domain::numbers::Lang::Fr;
    let mut paragraphs = text.split('\n');
    let first = paragraphs.next().unwrap_or(text);
    let shown_text = if french {
        paragraphs.next().unwrap_or(first)
    } else {
        first
    };
    let mut close = false;
    egui::Area::new(egui::Id::unique("campaign-notice"))
        .fixed_pos(rect.left_bottom() + egui::vec2(8.0, -70.0))
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width((rect.width() * 0.45).min(520.0));
                ui.horizontal_top(|ui| {
                    ui.label(egui::RichText::new(shown_text).small());
                    close = ui
                        .small_button("×")
                        .on_hover_text(super::tr(shown).close)
                        .clicked();
                });
            });
        });
    close.then_some(Action::CloseNotice)
}

/// Name, score, class and explanation of the precinct under the pointer.
fn tooltip(ui: &egui::Ui, shown: &Shown<'_>, hovered: Option<usize>) {
    let (Some(i), Some(l)) = (hovered, shown.session) else {
        return;
    };
    let Some(pointer) = ui.ctx().pointer_hover_pos() else {
        return;
    };
    let t = super::tr(shown);
    let lang = shown.persisted.lang;
    egui::Area::new(egui::Id::unique("precinct-tooltip"))
        .fixed_pos(pointer + vec2(16.0, 16.0))
        .order(egui::Order::Tooltip)
        .interactable(false)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(340.0);
                ui.label(RichText::new(&l.data.names[i]).strong());
                ui.label(format!("{}: {}", t.code, l.data.codes[i]));
                if let Some(s) = &l.scored {
                    let score = s.scores[i];
                    if score.is_finite() {
                        ui.label(format!(
                            "{}: {}   {}: {} / {}",
                            t.score,
                            number(score, if score.abs() < 10.0 { 3 } else { 0 }, lang),
                            t.class,
                            s.classes.class_of[i],
                            s.classes.count()
                        ));
                    }
                    ui.label(s.explain(&l.data, i, lang));
                }
            });
        });
}

/// The legend, floating over the map's bottom-left corner.
fn legend(ui: &egui::Ui, shown: &Shown<'_>, rect: egui::Rect) {
    let Some(l) = shown.session else {
        return;
    };
    if shown.view.colour_by_coverage {
        return coverage_legend(ui, shown, rect);
    }
    let Some(s) = &l.scored else {
        return;
    };
    let t = super::tr(shown);
    let lang = shown.persisted.lang;
    egui::Area::new(egui::Id::unique("legend"))
        .fixed_pos(pos2(
            rect.left() + 10.0,
            rect.bottom() - 16.0 - 22.0 * (s.classes.count() as f32 + 2.0),
        ))
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(
                    RichText::new(format!("{} — {}", t.legend, l.params.ours.join(" + "))).strong(),
                );
                for c in s.classes.legend.iter().rev() {
                    ui.horizontal(|ui| {
                        let (swatch, _) =
                            ui.allocate_exact_size(vec2(18.0, 14.0), egui::Sense::hover());
                        ui.painter().rect_filled(swatch, 2.0, style::hex(&c.colour));
                        let range = match (c.min, c.max) {
                            (Some(a), Some(b)) => format!(
                                "{} – {}",
                                number(a, if a.abs() < 10.0 { 3 } else { 0 }, lang),
                                number(b, if b.abs() < 10.0 { 3 } else { 0 }, lang)
                            ),
                            _ => "–".to_owned(),
                        };
                        ui.label(format!("{}  {range}  ({})", c.class, c.count))
                            .labelled_legend(c.class, c.count);
                    });
                }
                if s.classes.no_data > 0 {
                    ui.label(format!("{}: {}", t.no_score, s.classes.no_data));
                }
            });
        });
}

/// The coverage legend: five steps of 20 %, and the precincts with nothing to knock.
fn coverage_legend(ui: &egui::Ui, shown: &Shown<'_>, rect: egui::Rect) {
    let f = super::i18n_field::ft(shown.persisted.lang);
    let lang = shown.persisted.lang;
    egui::Area::new(egui::Id::unique("coverage-legend"))
        .fixed_pos(pos2(rect.left() + 10.0, rect.bottom() - 16.0 - 22.0 * 8.0))
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(RichText::new(f.coverage_legend).strong());
                for (step, (r, g, b)) in crate::state::field::COVERAGE_RAMP.iter().enumerate().rev()
                {
                    ui.horizontal(|ui| {
                        let (swatch, _) =
                            ui.allocate_exact_size(vec2(18.0, 14.0), egui::Sense::hover());
                        ui.painter()
                            .rect_filled(swatch, 2.0, egui::Color32::from_rgb(*r, *g, *b));
                        let low = step as f64 * 0.2;
                        ui.label(format!(
                            "{} – {}",
                            crate::domain::numbers::percent(low, lang),
                            crate::domain::numbers::percent(low + 0.2, lang)
                        ));
                    });
                }
                ui.horizontal(|ui| {
                    let (swatch, _) =
                        ui.allocate_exact_size(vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_stroke(
                        swatch,
                        2.0,
                        Stroke::new(1.0, egui::Color32::GRAY),
                        egui::StrokeKind::Inside,
                    );
                    ui.label(f.not_assigned);
                });
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("{WARN} - - -")).color(style::STALE));
                    ui.label(f.stale);
                });
            });
        });
}

trait LegendLabel {
    fn labelled_legend(self, class: usize, count: usize) -> Self;
}

impl LegendLabel for egui::Response {
    fn labelled_legend(self, class: usize, count: usize) -> Self {
        self.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Label,
                true,
                format!("legend class {class}: {count}"),
            )
        });
        self
    }
}

/// Attribution, and the offline notice with its retry button.
fn overlay(ui: &egui::Ui, shown: &Shown<'_>, rect: egui::Rect) -> Option<Action> {
    let t = super::tr(shown);
    // The bundled map, the street map and online tiles all come from OpenStreetMap.
    let attribution = match shown.basemap.choice {
        BasemapChoice::None => None,
        _ => Some("© OpenStreetMap contributors"),
    };
    if let Some(text) = attribution {
        egui::Area::new(egui::Id::unique("attribution"))
            .fixed_pos(pos2(rect.right() - 190.0, rect.bottom() - 22.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::NONE
                    .fill(Color32::from_white_alpha(200))
                    .inner_margin(3.0)
                    .show(ui, |ui| {
                        ui.hyperlink_to(
                            RichText::new(text)
                                .small()
                                .color(Color32::from_rgb(40, 40, 40)),
                            "https://www.openstreetmap.org/copyright",
                        );
                    });
            });
    }
    if shown.basemap.choice == BasemapChoice::OpenStreetMap
        && shown.basemap.net == NetState::Offline
    {
        let mut retry = false;
        egui::Area::new(egui::Id::unique("offline"))
            .fixed_pos(pos2(rect.center().x - 160.0, rect.top() + 12.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.colored_label(style::ERROR, t.status_offline);
                        retry = ui.button(t.retry).clicked();
                    });
                });
            });
        if retry {
            return Some(Action::RetryNetwork);
        }
    }
    None
}

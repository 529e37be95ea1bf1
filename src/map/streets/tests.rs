use egui::{Pos2, Rect, vec2};
use geo_types::Coord;

use super::*;
use crate::map::layer::View;

/// A street from (lon, lat) pairs.
fn street(name: &str, class: RoadClass, points: &[(f64, f64)]) -> Street {
    Street {
        name: name.to_owned(),
        highway: "residential".to_owned(),
        class,
        points: points.iter().map(|&(x, y)| Coord { x, y }).collect(),
        osm_id: None,
    }
}

/// A grid of streets around Helsinki, 100 m apart, each crossing 20 blocks with a vertex
/// every 10 m or so; every fifth a primary road.
pub(super) fn grid() -> Vec<Street> {
    let (lon0, lat0) = (24.90, 60.15);
    let (dlon, dlat) = (0.0018, 0.0009);
    let mut out = Vec::new();
    for k in 0..20 {
        let class = if k % 5 == 0 {
            RoadClass::Primary
        } else {
            RoadClass::Residential
        };
        let lon = lon0 + f64::from(k) * dlon;
        let points: Vec<(f64, f64)> = (0..=200)
            .map(|i| {
                let t = f64::from(i) / 10.0;
                (lon + 0.00003 * (t * 1.7).sin(), lat0 + t * dlat)
            })
            .collect();
        out.push(street(&format!("Katu {k}"), class, &points));
        let lat = lat0 + f64::from(k) * dlat;
        let points: Vec<(f64, f64)> = (0..=200)
            .map(|i| {
                let t = f64::from(i) / 10.0;
                (lon0 + t * dlon, lat + 0.00002 * (t * 2.3).cos())
            })
            .collect();
        out.push(street(&format!("Tie {k}"), class, &points));
    }
    out
}

pub(super) fn view_at(lon: f64, lat: f64, zoom: f64) -> View {
    View {
        rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
        center: World::from_lon_lat(lon, lat),
        scale: 2f64.powf(zoom),
    }
}

/// The world box of a street.
fn world_box(s: &Street) -> WorldBounds {
    let mut b = None;
    for c in &s.points {
        let w = World::from_lon_lat(c.x, c.y);
        extend(&mut b, [w.x, w.y, w.x, w.y]);
    }
    b.unwrap_or_default()
}

#[test]
fn every_street_in_view_is_drawn_and_none_beyond_the_margin() {
    let streets = grid();
    let layer = StreetLayer::new(&streets);
    let mut cache = StreetCache::default();
    for (lon, lat, zoom) in [
        (24.915, 60.158, 16.0),
        (24.93, 60.165, 15.3),
        (24.90, 60.15, 17.0),
        (24.92, 60.16, 14.0),
    ] {
        let view = view_at(lon, lat, zoom);
        let (_, stats) = cache.shapes(&layer, &view, 1.0, None);
        assert!(stats.rebuilt && stats.pieces > 0);
        let drawn = cache.drawn();
        let seen = view.world_bounds();
        let margin = 160.0 / view.scale + 1e-12;
        let covered = [
            seen[0] - margin,
            seen[1] - margin,
            seen[2] + margin,
            seen[3] + margin,
        ];
        for (k, s) in streets.iter().enumerate() {
            let b = world_box(s);
            if meets(b, seen) {
                assert!(drawn.contains(&k), "{} in view at z{zoom} is drawn", s.name);
            }
            if drawn.contains(&k) {
                assert!(meets(b, covered), "{} is drawn but far out of view", s.name);
            }
        }
    }
}

#[test]
fn zoomed_out_only_the_major_classes_are_drawn() {
    let streets = grid();
    let layer = StreetLayer::new(&streets);
    let mut cache = StreetCache::default();
    let _ = cache.shapes(&layer, &view_at(24.917, 60.159, 12.0), 1.0, None);
    let drawn = cache.drawn();
    assert!(!drawn.is_empty());
    assert!(
        drawn
            .iter()
            .all(|&k| streets[k].class == RoadClass::Primary)
    );
    let _ = cache.shapes(&layer, &view_at(24.917, 60.159, 13.5), 1.0, None);
    assert!(
        cache
            .drawn()
            .iter()
            .any(|&k| streets[k].class == RoadClass::Residential)
    );
    let _ = cache.shapes(&layer, &view_at(24.917, 60.159, 4.0), 1.0, None);
    assert!(cache.drawn().is_empty(), "nothing below the coarsest level");
}

#[test]
fn simplification_keeps_the_ends_and_drops_what_a_pixel_hides() {
    // A wavy line 2 km long with a vertex every 2 m (world units near Helsinki).
    let origin = World::from_lon_lat(24.9, 60.15);
    let line: Vec<[f32; 2]> = (0..=1000)
        .map(|i| {
            let t = i as f32 / 1000.0;
            let w = World::from_lon_lat(24.9 + 0.036 * f64::from(t), 60.15);
            [
                (w.x - origin.x) as f32,
                (w.y - origin.y) as f32 + 1e-5 * (t * 40.0).sin(),
            ]
        })
        .collect();
    let mut out = Vec::new();
    let mut counts = Vec::new();
    for zoom in [10.0_f32, 13.0, 16.0, 18.0] {
        let pixel = 1.0 / 2f32.powf(zoom);
        simplify(&line, pixel, &mut out);
        assert_eq!(out.first(), line.first(), "first vertex kept at z{zoom}");
        assert_eq!(out.last(), line.last(), "last vertex kept at z{zoom}");
        // No two vertices closer than a pixel but the last two.
        for w in out[..out.len() - 1].windows(2) {
            let d = ((w[0][0] - w[1][0]).powi(2) + (w[0][1] - w[1][1]).powi(2)).sqrt();
            assert!(d >= pixel * 0.999, "{d} < {pixel} at z{zoom}");
        }
        counts.push(out.len());
    }
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(counts[0] < 10 && counts[3] > 30, "{counts:?}");
    // A line of two vertices, or of one repeated, stays whole.
    simplify(&[[0.0, 0.0], [1e-9, 0.0]], 1e-3, &mut out);
    assert_eq!(out, vec![[0.0, 0.0], [1e-9, 0.0]]);
}

#[test]
fn a_long_street_is_cut_into_pieces_that_share_their_ends() {
    // 60 km of straight road, one vertex every 100 m.
    let points: Vec<(f64, f64)> = (0..=600)
        .map(|i| (2.0 + f64::from(i) * 0.00125, 46.5))
        .collect();
    let layer = StreetLayer::new(&[street("N7", RoadClass::Primary, &points)]);
    assert!(layer.pieces.len() > 10, "{}", layer.pieces.len());
    assert_eq!(layer.len(), 1);
    for p in &layer.pieces {
        assert!(p.bounds[2] - p.bounds[0] <= layer.grid.cell + 1e-12);
    }
    // Consecutive pieces (in the street's order) share a vertex: no gap in the line.
    let mut starts: Vec<(f64, f64)> = layer
        .pieces
        .iter()
        .map(|p| (p.bounds[0], p.bounds[2]))
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    for w in starts.windows(2) {
        assert!(w[1].0 <= w[0].1 + 1e-12, "a gap between {w:?}");
    }
}

#[test]
fn meshes_are_reused_while_still_moved_while_panning_and_rebuilt_on_zoom() {
    let layer = StreetLayer::new(&grid());
    let mut cache = StreetCache::default();
    let view = view_at(24.915, 60.158, 16.0);
    let (first, stats) = cache.shapes(&layer, &view, 1.0, None);
    assert!(stats.rebuilt && stats.vertices > 0);
    let (_, still) = cache.shapes(&layer, &view, 1.0, None);
    assert!(!still.rebuilt && !still.moved);
    // 50 points east: within the margin, the meshes move.
    let panned = View {
        center: World {
            x: view.center.x + 50.0 / view.scale,
            ..view.center
        },
        ..view
    };
    let first_vertex = |shapes: &[egui::Shape]| {
        shapes.iter().find_map(|s| match s {
            egui::Shape::Mesh(m) => m.vertices.first().map(|v| v.pos),
            _ => None,
        })
    };
    let before = first_vertex(&first);
    drop(first);
    let (moved_shapes, moved) = cache.shapes(&layer, &panned, 1.0, None);
    assert!(moved.moved && !moved.rebuilt);
    // Every point moved 50 points west.
    let after = first_vertex(&moved_shapes);
    assert!(
        before
            .zip(after)
            .is_some_and(|(a, b)| (a - vec2(50.0, 0.0)).distance(b) < 1e-3),
        "{before:?} {after:?}"
    );
    // 1,000 points away: beyond the margin, rebuilt.
    let far = View {
        center: World {
            x: view.center.x + 1000.0 / view.scale,
            ..view.center
        },
        ..view
    };
    let (_, far_stats) = cache.shapes(&layer, &far, 1.0, None);
    assert!(far_stats.rebuilt);
    let (_, zoomed) = cache.shapes(&layer, &view_at(24.915, 60.158, 16.2), 1.0, None);
    assert!(zoomed.rebuilt);
}

#[test]
fn an_empty_street_map_draws_nothing() {
    let layer = StreetLayer::new(&[]);
    assert!(layer.is_empty() && layer.bounds().is_none());
    let (shapes, stats) =
        StreetCache::default().shapes(&layer, &view_at(2.0, 46.0, 15.0), 1.0, None);
    assert!(shapes.is_empty() && stats.pieces == 0);
}

#[test]
fn names_are_written_along_the_streets_in_view_at_street_zoom_and_not_zoomed_out() {
    let streets = grid();
    let layer = StreetLayer::new(&streets);
    let ctx = egui::Context::default();
    // One pass gives egui its fonts; the font texture it would upload is not needed.
    ctx.run_ui(egui::RawInput::default(), |_| {})
        .textures_delta
        .clear();
    let mut cache = StreetCache::default();
    let view = view_at(24.915, 60.158, 16.0);
    let (shapes, stats) = cache.shapes(&layer, &view, 1.0, Some(&ctx));
    assert!(stats.labels >= 5, "{stats:?}");
    let texts = shapes
        .iter()
        .filter(|s| matches!(s, egui::Shape::Text(_)))
        .count();
    assert_eq!(texts, 9 * stats.labels, "a halo of eight and the text");
    let labels: Vec<(&str, Pos2, f32)> = cache.labels(&layer).collect();
    for (name, at, angle) in &labels {
        assert!(
            streets.iter().any(|s| s.name == *name),
            "{name} is a street"
        );
        assert!(view.rect.expand(160.0).contains(*at));
        assert!(angle.abs() <= std::f32::consts::FRAC_PI_2 + 1e-4);
    }
    // A primary road's name goes first: "Katu 10" is one.
    assert!(
        labels
            .iter()
            .any(|(n, _, _)| n.starts_with("Katu 10") || n.starts_with("Tie 10"))
    );
    let (_, far) = cache.shapes(&layer, &view_at(24.915, 60.158, 12.5), 1.0, Some(&ctx));
    assert_eq!(far.labels, 0, "no names below zoom 13");
}

#[test]
fn with_the_gpu_drawing_the_lines_no_mesh_is_built_and_the_names_are_still_written() {
    let layer = StreetLayer::new(&grid());
    let ctx = egui::Context::default();
    ctx.run_ui(egui::RawInput::default(), |_| {})
        .textures_delta
        .clear();
    let view = view_at(24.915, 60.158, 16.0);
    let mut cpu = StreetCache::default();
    let (_, cpu_stats) = cpu.shapes(&layer, &view, 1.0, Some(&ctx));
    let mut gpu = StreetCache::default();
    let lines = egui::Shape::rect_filled(view.rect, 0.0, egui::Color32::RED);
    let (drawn_shapes, gpu_stats) =
        gpu.shapes_with(&layer, &view, 1.0, Some(&ctx), Some(lines.clone()));
    assert!(gpu_stats.gpu && !cpu_stats.gpu);
    assert_eq!(gpu_stats.vertices, 0);
    assert!(
        !drawn_shapes
            .iter()
            .any(|s| matches!(s, egui::Shape::Mesh(_)))
    );
    // The lines come after the land and before the names.
    assert_eq!(drawn_shapes[1], lines);
    assert!(matches!(drawn_shapes[2], egui::Shape::Text(_)));
    assert_eq!(
        (gpu_stats.pieces, gpu_stats.labels),
        (cpu_stats.pieces, cpu_stats.labels)
    );
    assert_eq!(gpu.drawn(), cpu.drawn());
    // Back to the CPU (the GPU's level not there): the meshes are built again.
    let (_, back) = gpu.shapes(&layer, &view, 1.0, Some(&ctx));
    assert!(back.rebuilt && back.vertices == cpu_stats.vertices);
}

#[test]
fn below_the_names_zoom_the_gpu_path_lists_the_same_streets_without_building_a_level() {
    let layer = StreetLayer::new(&grid());
    let ctx = egui::Context::default();
    ctx.run_ui(egui::RawInput::default(), |_| {})
        .textures_delta
        .clear();
    let view = view_at(24.915, 60.158, 12.2);
    let level = level_for(view.scale.log2());
    let mut gpu = StreetCache::default();
    let lines = egui::Shape::Noop;
    let (_, gpu_stats) = gpu.shapes_with(&layer, &view, 1.0, Some(&ctx), Some(lines));
    assert!(gpu_stats.pieces > 0);
    assert!(
        (0..layer.chunks.len()).all(|k| layer.lod_if_built(level, k).is_none()),
        "no level of detail built on the UI thread"
    );
    let mut cpu = StreetCache::default();
    let (_, cpu_stats) = cpu.shapes(&layer, &view, 1.0, Some(&ctx));
    assert_eq!(gpu.drawn(), cpu.drawn());
    assert_eq!(gpu_stats.pieces, cpu_stats.pieces);
}

#[test]
fn names_are_laid_out_again_when_the_theme_changes_egui_s_font_atlas() {
    // A new user's trial saw names turn to garbage glyphs after switching to the dark theme:
    // egui rebuilt its font atlas (the text options follow the theme) and the names kept
    // pointing into the old one.
    let layer = StreetLayer::new(&grid());
    let ctx = egui::Context::default();
    let pass = |ctx: &egui::Context| {
        ctx.run_ui(egui::RawInput::default(), |ui| {
            ui.label("Layers, Basemap, Scoring");
        })
        .textures_delta
        .clear();
    };
    pass(&ctx);
    let view = view_at(24.915, 60.158, 16.0);
    let mut cache = StreetCache::default();
    let galley = |shapes: &[egui::Shape]| {
        shapes.iter().find_map(|s| match s {
            egui::Shape::Text(t) => Some(Arc::clone(&t.galley)),
            _ => None,
        })
    };
    let (shapes, _) = cache.shapes(&layer, &view, 1.0, Some(&ctx));
    let before = galley(&shapes).expect("a name");
    pass(&ctx);
    let (shapes, _) = cache.shapes(&layer, &view, 1.0, Some(&ctx));
    assert!(
        Arc::ptr_eq(&before, &galley(&shapes).expect("a name")),
        "kept while nothing changed"
    );
    // egui starts dark: the light theme's text options differ.
    ctx.set_visuals(egui::Visuals::light());
    pass(&ctx);
    let (shapes, _) = cache.shapes(&layer, &view, 1.0, Some(&ctx));
    assert!(
        !Arc::ptr_eq(&before, &galley(&shapes).expect("a name")),
        "laid out again in the new atlas"
    );
}

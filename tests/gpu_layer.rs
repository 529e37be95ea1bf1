//! The precinct layer and the street map drawn by the GPU (wgpu paint callbacks over buffers
//! kept there) look like the CPU meshes they replace: the same demo campaigns rendered both
//! ways by `egui_kittest`'s wgpu renderer, at the whole campaign and at street level, with and
//! without a selection.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

use std::path::PathBuf;

use campaign_planner::app::PlannerApp;
use campaign_planner::domain::numbers::Lang;
use campaign_planner::state::{SelectMode, Session};
use egui_kittest::Harness;

mod common;

/// The demo campaign of this test binary.
fn demo() -> &'static PathBuf {
    common::demo_campaign("gpu")
}

/// The app on a copy of the demo, its precinct layer on the GPU or not.
fn harness(name: &str, gpu: bool) -> Harness<'static, PlannerApp> {
    let copy = demo().with_file_name(format!("{name}.campaign.gpkg"));
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(demo(), &copy).unwrap();
    harness_on(copy, gpu)
}

/// The app on a campaign file, its precinct layer on the GPU or not; with the GPU, once every
/// level of detail is uploaded.
fn harness_on(copy: PathBuf, gpu: bool) -> Harness<'static, PlannerApp> {
    let mut h = Harness::builder()
        .with_size((900.0, 600.0))
        .wgpu()
        .build_eframe(move |cc| {
            let mut app =
                PlannerApp::new(&cc.egui_ctx, Some(Session::open(&copy).unwrap()), Lang::En);
            if gpu {
                app.use_gpu(cc.wgpu_render_state.as_ref());
                assert!(
                    app.map.gpu.is_some(),
                    "the test renderer runs the GPU layer"
                );
            }
            app
        });
    h.run_steps(4);
    for _ in 0..500 {
        let app = h.state_mut();
        let shapes = app.session.as_ref().unwrap().shapes.clone();
        let streets = app.session.as_ref().unwrap().streets.clone();
        let ready = app.map.gpu.as_mut().is_none_or(|g| g.prepare(&shapes))
            && app
                .map
                .gpu_streets
                .as_mut()
                .is_none_or(|g| streets.is_empty() || g.prepare(&streets));
        if ready {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run_steps(2);
    h
}

/// Moves the map to a centre and zoom and renders the window.
fn render_at(h: &mut Harness<'_, PlannerApp>, at: (f64, f64), zoom: f64) -> image::RgbaImage {
    h.state_mut()
        .map
        .memory
        .center_at(walkers::lon_lat(at.0, at.1));
    let _ = h.state_mut().map.memory.set_zoom(zoom);
    h.run_steps(3);
    h.render().unwrap()
}

/// The share of the map's pixels whose colours differ by more than `tolerance` in a channel.
fn differing(a: &image::RgbaImage, b: &image::RgbaImage, map: egui::Rect, tolerance: u8) -> f64 {
    let (mut differ, mut total) = (0_usize, 0_usize);
    for y in map.min.y as u32 + 2..map.max.y as u32 - 2 {
        for x in map.min.x as u32 + 2..map.max.x as u32 - 2 {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            total += 1;
            if p.iter().zip(q).any(|(u, v)| u.abs_diff(v) > tolerance) {
                differ += 1;
            }
        }
    }
    differ as f64 / total as f64
}

#[test]
fn the_gpu_layer_draws_what_the_cpu_meshes_draw_at_every_zoom_and_with_a_selection() {
    let mut cpu = harness("gpu-compare-cpu", false);
    let mut gpu = harness("gpu-compare-gpu", true);
    let centre = (-73.59, 45.52);
    for (zoom, note) in [
        (10.5, "the whole island"),
        (13.5, "a district"),
        (16.0, "streets"),
    ] {
        let a = render_at(&mut cpu, centre, zoom);
        let b = render_at(&mut gpu, centre, zoom);
        let map = gpu.state().map.last_view.unwrap().rect;
        assert_eq!(cpu.state().map.last_view.unwrap().rect, map);
        assert!(
            gpu.state().map.frame_stats.visible > 0,
            "{note}: precincts on screen"
        );
        // Edges are rasterised a little differently (egui's pixel-wide quads versus GPU
        // hairlines), so a few pixels along outlines may differ; the fills must not.
        let share = differing(&a, &b, map, 40);
        assert!(
            share < 0.005,
            "{note} (zoom {zoom}): {:.1} % of the map differs",
            share * 100.0
        );
    }
    // The layer really is drawn: hiding it changes most of the map.
    let drawn = render_at(&mut gpu, centre, 13.5);
    gpu.state_mut().view.precincts_visible = false;
    let hidden = render_at(&mut gpu, centre, 13.5);
    let map = gpu.state().map.last_view.unwrap().rect;
    assert!(
        differing(&drawn, &hidden, map, 40) > 0.3,
        "the layer changes the map"
    );
    gpu.state_mut().view.precincts_visible = true;
    let before = render_at(&mut gpu, centre, 12.5);
    // A selection is outlined the same way: some precincts around the centre.
    for h in [&mut cpu, &mut gpu] {
        let app = h.state_mut();
        let shapes = app.session.as_ref().unwrap().shapes.clone();
        let chosen: Vec<usize> = (0..shapes.len()).step_by(7).collect();
        app.selection.select_precincts(chosen, SelectMode::Replace);
    }
    let a = render_at(&mut cpu, centre, 12.5);
    let b = render_at(&mut gpu, centre, 12.5);
    let map = gpu.state().map.last_view.unwrap().rect;
    assert!(
        differing(&before, &b, map, 40) > 0.01,
        "the selection is outlined"
    );
    let share = differing(&a, &b, map, 40);
    assert!(
        share < 0.04,
        "with a selection: {:.1} % differs",
        share * 100.0
    );
}

/// The app on a generated campaign of `n` Voronoi precincts around Paris, GPU or not.
fn generated(name: &str, n: usize, gpu: bool) -> Harness<'static, PlannerApp> {
    let path = demo().with_file_name(format!("{name}.campaign.gpkg"));
    let _ = std::fs::remove_file(&path);
    let mut campaign = campaign_planner::store::Campaign::create(&path, "Grille").unwrap();
    let precincts = campaign_planner::synth::voronoi_precincts(n, (2.0, 48.3, 2.8, 49.1), 3);
    campaign
        .replace_precincts(&precincts, &mut campaign_planner::progress::ignore)
        .unwrap();
    drop(campaign);
    harness_on(path, gpu)
}

#[test]
fn a_selection_spread_over_many_chunks_is_outlined_only_where_it_is() {
    // A new user's trial saw stray blue lines across the map once zoomed in on a selection
    // whose precincts lay in chunks off screen.
    let mut cpu = generated("spread-cpu", 3000, false);
    let mut gpu = generated("spread-gpu", 3000, true);
    for h in [&mut cpu, &mut gpu] {
        let chosen: Vec<usize> = (0..3000).step_by(5).collect();
        h.state_mut()
            .selection
            .select_precincts(chosen, SelectMode::Replace);
    }
    let centre = (2.4, 48.7);
    for zoom in [9.5, 12.0, 14.0, 16.0] {
        let a = render_at(&mut cpu, centre, zoom);
        let b = render_at(&mut gpu, centre, zoom);
        let map = gpu.state().map.last_view.unwrap().rect;
        // Dense hairlines are rasterised a little differently (quads against lines), so
        // the selection's blue is compared on its own: none where the CPU has none near.
        let (stray, missing) = (unmatched_blue(&b, &a, map), unmatched_blue(&a, &b, map));
        assert!(
            stray < 0.02 && missing < 0.05,
            "zoom {zoom}: {:.1} % of the GPU's selection blue is stray, {:.1} % of the CPU's missing",
            stray * 100.0,
            missing * 100.0
        );
        let share = differing(&a, &b, map, 40);
        assert!(
            share < 0.03,
            "zoom {zoom}: {:.1} % of the map differs",
            share * 100.0
        );
    }
}

/// The share of `a`'s selection-blue pixels with no selection-blue pixel of `b` within two
/// pixels.
fn unmatched_blue(a: &image::RgbaImage, b: &image::RgbaImage, map: egui::Rect) -> f64 {
    let blue = |img: &image::RgbaImage, x: u32, y: u32| {
        let [r, g, bl, _] = img.get_pixel(x, y).0;
        u16::from(bl) > u16::from(r) + 80 && u16::from(bl) > u16::from(g) + 30
    };
    let (mut unmatched, mut total) = (0_usize, 0_usize);
    for y in map.min.y as u32 + 4..map.max.y as u32 - 4 {
        for x in map.min.x as u32 + 4..map.max.x as u32 - 4 {
            if !blue(a, x, y) {
                continue;
            }
            total += 1;
            let near = (y - 2..=y + 2).any(|v| (x - 2..=x + 2).any(|u| blue(b, u, v)));
            if !near {
                unmatched += 1;
            }
        }
    }
    unmatched as f64 / total.max(1) as f64
}

#[test]
fn the_gpu_draws_the_street_map_as_the_cpu_meshes_do_from_the_town_to_the_doorsteps() {
    let _ = demo();
    let field = campaign_planner::demo::field_demo_path().unwrap();
    let copy = |name: &str| {
        let path = field.with_file_name(format!("{name}.campaign.gpkg"));
        let _ = std::fs::remove_file(&path);
        std::fs::copy(&field, &path).unwrap();
        path
    };
    let mut cpu = harness_on(copy("streets-cpu"), false);
    let mut gpu = harness_on(copy("streets-gpu"), true);
    let uploaded = gpu
        .state()
        .map
        .gpu_streets
        .as_ref()
        .map(campaign_planner::map::streets::GpuStreets::bytes);
    assert!(
        uploaded.is_some_and(|b| b > 0),
        "the street levels are on the GPU"
    );
    // The streets alone: the precinct layer hidden on both.
    for h in [&mut cpu, &mut gpu] {
        h.state_mut().view.precincts_visible = false;
    }
    let streets = gpu.state().session.as_ref().unwrap().streets.clone();
    let centre =
        campaign_planner::map::coords::World::center_of(streets.bounds().unwrap()).position();
    let centre = (centre.x(), centre.y());
    for zoom in [12.4, 14.0, 15.5, 17.0, 18.6] {
        let a = render_at(&mut cpu, centre, zoom);
        let b = render_at(&mut gpu, centre, zoom);
        let map = gpu.state().map.last_view.unwrap().rect;
        let (cpu_stats, gpu_stats) = (cpu.state().map.street_stats, gpu.state().map.street_stats);
        assert!(
            gpu_stats.gpu && !cpu_stats.gpu,
            "zoom {zoom}: who drew the lines"
        );
        assert!(
            gpu_stats.pieces > 0 && gpu_stats.pieces == cpu_stats.pieces,
            "zoom {zoom}"
        );
        // The same triangles rasterised by the same device: only rounding differs.
        let share = differing(&a, &b, map, 40);
        assert!(
            share < 0.01,
            "zoom {zoom}: {:.2} % of the map differs",
            share * 100.0
        );
    }
    // The lines really are drawn: without the street map, the map changes.
    let drawn = render_at(&mut gpu, centre, 16.0);
    let app = gpu.state_mut();
    app.basemap.choice = campaign_planner::map::basemap::BasemapChoice::None;
    let bare = render_at(&mut gpu, centre, 16.0);
    let map = gpu.state().map.last_view.unwrap().rect;
    assert!(
        differing(&drawn, &bare, map, 40) > 0.1,
        "the street map changes the map"
    );
}

//! One frame of the street layer: the land, then the pieces in view at the zoom's level of
//! detail as meshes (every casing, then every fill, minor classes under major ones), then the
//! streets' names. Meshes are built for the view and a margin around it: while the view only
//! pans within that margin they are moved as they are, and while it stays they are reused.

use std::collections::HashMap;
use std::sync::Arc;

use egui::emath::Rot2;
use egui::epaint::{TextShape, Vertex, WHITE_UV};
use egui::{Color32, Galley, Mesh, Pos2, Rect, Shape, Vec2, pos2, vec2};

use super::labels::{self, Candidate, Placed};
use super::{StreetLayer, label_zoom, level_for, meets, min_zoom, shown_at};
use crate::domain::street::RoadClass;
use crate::map::coords::{World, WorldBounds};
use crate::map::layer::View;
use crate::map::style;

/// Screen points built beyond each side of the view, so that panning that far moves the last
/// meshes instead of building new ones.
const MARGIN: f64 = 160.0;
/// Looks: one per road class, and pedestrian streets (among paths) drawn as streets.
pub(super) const LOOKS: usize = RoadClass::ALL.len() + 1;
/// The look of pedestrian streets.
const PEDESTRIAN: usize = RoadClass::ALL.len();
/// The zoom from which the street map's land is opaque (at full basemap opacity): the raster
/// basemap under it is hidden.
pub const LAND_OPAQUE_FROM: f64 = 10.0;

/// Where each look is drawn, minor first: paths, pedestrian streets, service roads,
/// residential streets… motorways.
pub(super) const DRAW_ORDER: [usize; LOOKS] = [7, 6, 5, 4, 3, 2, 0, 1];

/// The look of a piece: its class, or `PEDESTRIAN`.
pub(super) fn look_of(pedestrian: bool, class: RoadClass) -> usize {
    if pedestrian {
        PEDESTRIAN
    } else {
        class as usize
    }
}

/// What one frame of the street layer drew.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreetStats {
    /// The level of detail (an integer zoom).
    pub level: u8,
    /// Street pieces drawn (in the view and its margin).
    pub pieces: usize,
    /// Vertices of the meshes.
    pub vertices: usize,
    /// Names written.
    pub labels: usize,
    /// Whether the meshes were built for this frame.
    pub rebuilt: bool,
    /// Whether the last frame's meshes were moved (the view panned within the margin).
    pub moved: bool,
    /// Whether the GPU drew the lines (no meshes were built).
    pub gpu: bool,
}

/// What the meshes depend on besides where the view is.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Key {
    layer: u64,
    scale: f64,
    size: Vec2,
    opacity: f32,
    /// The text's pixels per point (0 without names).
    pixels_per_point: f32,
    /// Whether the lines are meshes built here (not drawn by the GPU).
    meshes: bool,
}

/// The street layer's meshes and names of the last frame.
#[derive(Default)]
pub struct StreetCache {
    key: Option<Key>,
    /// The view the meshes are placed for.
    view: Option<View>,
    /// The world box they cover.
    covered: WorldBounds,
    /// Casings of each look, then fills of each look, in `DRAW_ORDER`.
    meshes: Vec<Arc<Mesh>>,
    labels: Vec<Placed>,
    /// Laid-out names by (name, size key), while egui's font atlas keeps their glyphs.
    galleys: Galleys,
    /// The streets drawn (indices in the streets the layer was made of; a street in several
    /// pieces is listed for each).
    drawn: Vec<u32>,
    stats: StreetStats,
    land: Color32,
}

/// Street names laid out by egui, kept across frames. A galley points into egui's font atlas,
/// which egui clears when its text options change (they follow the theme) or when it is nearly
/// full; every galley is then laid out again. A cleared atlas is told by its options, or by
/// holding less than it held after the names were last laid out (it only grows in between).
#[derive(Default)]
struct Galleys {
    by_name: HashMap<(u32, u8), Arc<Galley>>,
    /// The pixels per point and text options when last used, and the atlas fill after.
    pixels_per_point: f32,
    options: Option<egui::epaint::text::TextOptions>,
    atlas_fill: f32,
}

/// How full egui's font atlas is.
fn atlas_fill(ctx: &egui::Context) -> f32 {
    #[allow(clippy::redundant_closure_for_method_calls)]
    // The method path is too narrow a type.
    ctx.fonts(|f| f.font_atlas_fill_ratio())
}

impl Galleys {
    /// Forgets every galley if egui's fonts changed since the names were last laid out.
    fn check(&mut self, ctx: &egui::Context) {
        let ppp = ctx.pixels_per_point();
        let options = ctx.fonts(|f| *f.options());
        if ppp.to_bits() != self.pixels_per_point.to_bits()
            || self.options != Some(options)
            || atlas_fill(ctx) < self.atlas_fill
        {
            self.by_name.clear();
            self.pixels_per_point = ppp;
            self.options = Some(options);
        }
    }

    /// Notes how full the atlas is once this frame's names are laid out.
    fn seen(&mut self, ctx: &egui::Context) {
        self.atlas_fill = atlas_fill(ctx);
    }

    /// The galley of a name at a size key, laid out the first time.
    fn get(&mut self, ctx: &egui::Context, layer: &StreetLayer, name: u32, key: u8) -> Arc<Galley> {
        Arc::clone(self.by_name.entry((name, key)).or_insert_with(|| {
            ctx.fonts_mut(|f| {
                f.layout_no_wrap(
                    layer.name(name).to_owned(),
                    egui::FontId::proportional(f32::from(key) / 2.0),
                    Color32::PLACEHOLDER,
                )
            })
        }))
    }
}

/// How a class is drawn at a zoom: half widths in screen points (no casing when 0).
#[derive(Clone, Copy, Debug)]
pub(super) struct ClassStyle {
    pub fill: f32,
    pub casing: f32,
    pub fill_colour: Color32,
    pub casing_colour: Color32,
}

/// Zooms of the width table.
const ZOOMS: [f64; 10] = [5.0, 8.0, 10.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0];
/// Full width of each look's fill (screen points) at `ZOOMS`; past the last zoom, half as
/// wide again each zoom.
const WIDTHS: [[f32; 10]; LOOKS] = [
    [1.0, 1.5, 2.2, 3.5, 5.0, 6.5, 8.5, 11.0, 15.0, 20.0],
    [0.8, 1.0, 1.8, 3.0, 4.5, 6.0, 8.0, 10.5, 14.5, 19.0],
    [0.6, 0.8, 1.4, 2.6, 4.0, 5.5, 7.5, 10.0, 14.0, 18.0],
    [0.5, 0.6, 1.0, 1.6, 2.4, 3.8, 6.0, 8.5, 12.0, 16.0],
    [0.5, 0.5, 0.6, 0.8, 1.1, 2.0, 4.4, 7.5, 11.0, 15.0],
    [0.5, 0.5, 0.5, 0.5, 0.6, 0.8, 1.6, 3.2, 5.5, 8.0],
    [0.5, 0.5, 0.5, 0.5, 0.6, 0.8, 1.0, 1.2, 1.5, 1.8],
    [0.5, 0.5, 0.5, 0.5, 0.6, 0.8, 3.0, 5.5, 9.0, 13.0],
];

impl ClassStyle {
    /// How look `look` (a class, or `PEDESTRIAN`) is drawn at `zoom`, `None` below its zoom.
    pub(super) fn at(look: usize, zoom: f64, opacity: f32) -> Option<Self> {
        let class = RoadClass::ALL.get(look).copied().unwrap_or(RoadClass::Path);
        if zoom < min_zoom(class) {
            return None;
        }
        let row = &WIDTHS[look];
        let k = ZOOMS.iter().rposition(|&z| z <= zoom).unwrap_or(0);
        let width = if k + 1 < ZOOMS.len() {
            let t = ((zoom - ZOOMS[k]) / (ZOOMS[k + 1] - ZOOMS[k])) as f32;
            row[k] + (row[k + 1] - row[k]) * t
        } else {
            row[k] * 1.5_f32.powf((zoom - ZOOMS[k]) as f32)
        };
        let [fill, casing] = match class {
            _ if look == PEDESTRIAN => style::STREET_PEDESTRIAN,
            RoadClass::Motorway => style::STREET_MOTORWAY,
            RoadClass::Primary => style::STREET_PRIMARY,
            RoadClass::Secondary => style::STREET_SECONDARY,
            RoadClass::Tertiary => style::STREET_TERTIARY,
            RoadClass::Residential | RoadClass::Service => style::STREET_MINOR,
            RoadClass::Path => [style::STREET_PATH, style::STREET_PATH],
        };
        let out = if look == class as usize && class == RoadClass::Path {
            Self {
                fill: width / 2.0,
                casing: 0.0,
                fill_colour: fill,
                casing_colour: fill,
            }
        } else if width >= 3.0 {
            // A casing of 0.6 to 1.2 points on each side.
            let edge = (0.6 + (width - 3.0) * 0.08).min(1.2);
            Self {
                fill: width / 2.0,
                casing: width / 2.0 + edge,
                fill_colour: fill,
                casing_colour: casing,
            }
        } else {
            // Too thin for a casing: one line, of the casing's colour for white roads, else
            // of the fill darkened towards it.
            let colour = if fill == Color32::WHITE {
                casing
            } else {
                fill.lerp_to_gamma(casing, 0.35)
            };
            Self {
                fill: width / 2.0 + 0.2,
                casing: 0.0,
                fill_colour: colour,
                casing_colour: colour,
            }
        };
        Some(Self {
            fill_colour: out.fill_colour.gamma_multiply(opacity),
            casing_colour: out.casing_colour.gamma_multiply(opacity),
            ..out
        })
    }
}

/// The zoom from which names are written (those of the first class named).
fn names_from() -> f64 {
    label_zoom(RoadClass::Motorway)
}

/// Offsets of the halo drawn around a name (screen points).
const HALO: [Vec2; 8] = [
    vec2(-1.0, -1.0),
    vec2(0.0, -1.2),
    vec2(1.0, -1.0),
    vec2(1.2, 0.0),
    vec2(1.0, 1.0),
    vec2(0.0, 1.2),
    vec2(-1.0, 1.0),
    vec2(-1.2, 0.0),
];

/// The font size of a class rank's names at a zoom, as a key (twice the size).
fn font_key(rank: u8, zoom: f64) -> u8 {
    let base = if rank <= 2 { 25 } else { 23 };
    if zoom >= 17.0 { base + 2 } else { base }
}

/// A mesh to refill: the last frame's allocation when egui has let go of it.
fn reuse(mesh: &mut Arc<Mesh>) -> &mut Mesh {
    let m = Arc::make_mut(mesh);
    m.vertices.clear();
    m.indices.clear();
    m
}

/// Whether box `outer` holds box `inner`.
fn holds(outer: WorldBounds, inner: WorldBounds) -> bool {
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
}

impl StreetCache {
    /// The shapes of the street layer for `view` (the land, the streets, their names when
    /// `fonts` is given), under `opacity`; built only when the view or the layer changed.
    pub fn shapes(
        &mut self,
        layer: &StreetLayer,
        view: &View,
        opacity: f32,
        fonts: Option<&egui::Context>,
    ) -> (Vec<Shape>, StreetStats) {
        self.shapes_with(layer, view, opacity, fonts, None)
    }

    /// As [`Self::shapes`], the streets' lines being `lines` when given (the GPU's paint
    /// callback, see [`super::GpuStreets`]) instead of meshes built here.
    pub fn shapes_with(
        &mut self,
        layer: &StreetLayer,
        view: &View,
        opacity: f32,
        fonts: Option<&egui::Context>,
        lines: Option<Shape>,
    ) -> (Vec<Shape>, StreetStats) {
        let key = Key {
            layer: layer.id,
            scale: view.scale,
            size: view.rect.size(),
            opacity,
            pixels_per_point: fonts.map_or(0.0, egui::Context::pixels_per_point),
            meshes: lines.is_none(),
        };
        if let Some(ctx) = fonts {
            self.galleys.check(ctx);
        }
        let same = self.key == Some(key);
        match self.view {
            Some(old) if same && old == *view => {
                self.stats.rebuilt = false;
                self.stats.moved = false;
            }
            Some(old) if same && holds(self.covered, view.world_bounds()) => {
                // Same scale: every point moves by the same offset.
                let delta = vec2(
                    (f64::from(view.rect.center().x - old.rect.center().x)
                        + (old.center.x - view.center.x) * view.scale) as f32,
                    (f64::from(view.rect.center().y - old.rect.center().y)
                        + (old.center.y - view.center.y) * view.scale) as f32,
                );
                for mesh in &mut self.meshes {
                    Arc::make_mut(mesh).translate(delta);
                }
                for label in &mut self.labels {
                    label.center += delta;
                }
                self.view = Some(*view);
                self.stats.rebuilt = false;
                self.stats.moved = true;
            }
            _ => {
                self.rebuild(layer, view, opacity, fonts, key.meshes);
                self.key = Some(key);
            }
        }
        let mut shapes = Vec::with_capacity(2 + self.meshes.len() + 9 * self.labels.len());
        if self.land != Color32::TRANSPARENT {
            shapes.push(Shape::rect_filled(view.rect, 0.0, self.land));
        }
        self.stats.gpu = lines.is_some();
        shapes.extend(lines);
        shapes.extend(
            self.meshes
                .iter()
                .filter(|m| !m.indices.is_empty())
                .map(|m| Shape::mesh(Arc::clone(m))),
        );
        if let Some(ctx) = fonts {
            self.label_shapes(&mut shapes, layer, ctx, opacity);
            self.galleys.seen(ctx);
        }
        (shapes, self.stats)
    }

    /// The streets drawn in the last frame built (indices in the streets the layer was made
    /// of), each once, in order.
    #[must_use]
    pub fn drawn(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self.drawn.iter().map(|&k| k as usize).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The names written in the last frame, with where (screen) and at what angle.
    pub fn labels<'a>(
        &'a self,
        layer: &'a StreetLayer,
    ) -> impl Iterator<Item = (&'a str, Pos2, f32)> + 'a {
        self.labels
            .iter()
            .map(|l| (layer.name(l.name), l.center, l.angle))
    }

    fn rebuild(
        &mut self,
        layer: &StreetLayer,
        view: &View,
        opacity: f32,
        fonts: Option<&egui::Context>,
        build_meshes: bool,
    ) {
        let zoom = view.scale.log2();
        let level = level_for(zoom);
        let margin = MARGIN / view.scale;
        let b = view.world_bounds();
        let covered = [b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin];
        // The land fades in over the two zooms before `LAND_OPAQUE_FROM`, over the raster
        // basemap it hides.
        let land = ((zoom - (LAND_OPAQUE_FROM - 2.0)) * 0.5).clamp(0.0, 1.0) as f32 * opacity;
        self.land = if layer.is_empty() {
            Color32::TRANSPARENT
        } else {
            style::STREET_LAND.gamma_multiply(land)
        };
        self.meshes.resize_with(2 * LOOKS, Arc::default);
        let mut meshes: Vec<&mut Mesh> = self.meshes.iter_mut().map(reuse).collect();
        let styles: Vec<Option<ClassStyle>> = (0..LOOKS)
            .map(|k| ClassStyle::at(k, zoom, opacity))
            .collect();
        self.drawn.clear();
        let mut candidates = Vec::new();
        let mut label_points: Vec<Pos2> = Vec::new();
        let mut screen: Vec<Pos2> = Vec::new();
        let scale = view.scale as f32;
        let visible = shown_at(zoom);
        // Without meshes to build or names to write (the GPU draws the lines), the pieces
        // drawn are listed without their points: no level of detail is built here.
        let points_needed = build_meshes || (fonts.is_some() && zoom >= names_from());
        for k in layer.chunks_in(covered).filter(|_| visible) {
            if !points_needed {
                for p in layer.kept(level, k) {
                    let piece = &layer.pieces[p as usize];
                    let look = look_of(piece.pedestrian, piece.class);
                    if styles[look].is_some() && meets(piece.bounds, covered) {
                        self.drawn.push(piece.street);
                    }
                }
                continue;
            }
            let lod = layer.lod(level, k);
            let o = view.to_screen(layer.chunks[k].origin);
            for strip in &lod.strips {
                let piece = &layer.pieces[strip.piece as usize];
                let rank = piece.class as usize;
                let look = look_of(piece.pedestrian, piece.class);
                let Some(st) = styles[look] else {
                    continue;
                };
                if !meets(piece.bounds, covered) {
                    continue;
                }
                self.drawn.push(piece.street);
                let labelled = fonts.is_some() && zoom >= label_zoom(piece.class);
                if !build_meshes && !labelled {
                    continue;
                }
                let (a, e) = (strip.points.start as usize, strip.points.end as usize);
                screen.clear();
                screen.extend(
                    lod.points[a..e]
                        .iter()
                        .map(|p| pos2(o.x + p[0] * scale, o.y + p[1] * scale)),
                );
                if build_meshes {
                    let miters = &lod.miters[a..e];
                    let casing = st.casing > 0.0;
                    if casing {
                        strip_mesh(
                            meshes[DRAW_ORDER[look]],
                            &screen,
                            miters,
                            st.casing,
                            st.casing_colour,
                            true,
                        );
                    }
                    strip_mesh(
                        meshes[LOOKS + DRAW_ORDER[look]],
                        &screen,
                        miters,
                        st.fill,
                        st.fill_colour,
                        casing,
                    );
                }
                if labelled {
                    let start = label_points.len();
                    label_points.extend_from_slice(&screen);
                    candidates.push(Candidate {
                        name: piece.name,
                        rank: rank as u8,
                        points: start..label_points.len(),
                    });
                }
            }
        }
        let vertices = meshes.iter().map(|m| m.vertices.len()).sum();
        self.labels = match fonts {
            Some(ctx) => {
                let galleys = &mut self.galleys;
                let area = Rect::from_min_max(
                    view.to_screen(World {
                        x: covered[0],
                        y: covered[1],
                    }),
                    view.to_screen(World {
                        x: covered[2],
                        y: covered[3],
                    }),
                );
                let (streets, points) = labels::join(&candidates, &label_points);
                labels::place(&streets, &points, area, |name, rank| {
                    let key = font_key(rank, zoom);
                    (galleys.get(ctx, layer, name, key).size(), key)
                })
            }
            None => Vec::new(),
        };
        self.view = Some(*view);
        self.covered = covered;
        self.stats = StreetStats {
            level,
            pieces: self.drawn.len(),
            vertices,
            labels: self.labels.len(),
            rebuilt: true,
            moved: false,
            gpu: !build_meshes,
        };
    }

    /// The names' text shapes: a halo, then the text.
    fn label_shapes(
        &mut self,
        shapes: &mut Vec<Shape>,
        layer: &StreetLayer,
        ctx: &egui::Context,
        opacity: f32,
    ) {
        let [ink, halo] = style::STREET_NAME.map(|c| c.gamma_multiply(opacity));
        for label in &self.labels {
            let galley = self.galleys.get(ctx, layer, label.name, label.size);
            let pos = label.center - Rot2::from_angle(label.angle) * (galley.size() / 2.0);
            for offset in HALO {
                shapes.push(Shape::Text(
                    TextShape::new(pos + offset, Arc::clone(&galley), halo)
                        .with_override_text_color(halo)
                        .with_angle(label.angle),
                ));
            }
            shapes.push(Shape::Text(
                TextShape::new(pos, galley, ink).with_angle(label.angle),
            ));
        }
    }
}

/// A line `half` points wide on each side as drawn: the inner and outer half widths of its
/// feathered edge (one point wide, for antialiasing) and its colour; thinner than a point, a
/// point-wide ramp, fainter.
pub(super) fn band(half: f32, colour: Color32) -> (f32, f32, Color32) {
    if half >= 0.5 {
        (half - 0.5, half + 0.5, colour)
    } else {
        (0.0, 1.0, colour.gamma_multiply(half * 2.0))
    }
}

/// Adds a line of `half` points on each side of `points` (screen) to `mesh`, with a feathered
/// edge one point wide for antialiasing; `cap` lengthens both ends by `half` (square caps, so
/// that pieces meeting at an angle leave no notch).
fn strip_mesh(
    mesh: &mut Mesh,
    points: &[Pos2],
    miters: &[[f32; 2]],
    half: f32,
    colour: Color32,
    cap: bool,
) {
    let n = points.len();
    if n < 2 {
        return;
    }
    let (inner, outer, colour) = band(half, colour);
    let base = mesh.vertices.len() as u32;
    mesh.vertices.reserve(4 * n);
    mesh.indices.reserve(18 * (n - 1));
    let vertex = |pos: Pos2, color: Color32| Vertex {
        pos,
        uv: WHITE_UV,
        color,
    };
    for (i, (&p, m)) in points.iter().zip(miters).enumerate() {
        let m = vec2(m[0], m[1]);
        let p = if cap && i == 0 {
            p - vec2(m.y, -m.x) * half
        } else if cap && i == n - 1 {
            p + vec2(m.y, -m.x) * half
        } else {
            p
        };
        mesh.vertices.extend([
            vertex(p + m * outer, Color32::TRANSPARENT),
            vertex(p + m * inner, colour),
            vertex(p - m * inner, colour),
            vertex(p - m * outer, Color32::TRANSPARENT),
        ]);
    }
    for i in 0..n as u32 - 1 {
        let a = base + 4 * i;
        let b = a + 4;
        for k in 0..3 {
            mesh.indices
                .extend([a + k, a + k + 1, b + k, a + k + 1, b + k + 1, b + k]);
        }
    }
}

//! The precinct layer: triangulated once, drawn as one mesh per frame.
//!
//! Precincts are concave polygons with holes and egui fills only convex paths, so each is
//! triangulated once (earcut) in Web-Mercator space and cached. Drawing a frame is then a scale
//! and an offset per vertex, for the precincts on screen only; precincts smaller than two
//! pixels are drawn as a single quad; outlines are built as thin quads, not strokes. Three
//! levels of detail (simplified geometry for zoomed-out views) are built lazily, the first
//! time a zoom band needs them. When neither the view nor the colours change, the last
//! frame's meshes are reused as they are.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use egui::{Color32, Mesh, Pos2, Rect, Shape, pos2, vec2};
use geo::{Contains as _, Simplify as _, TriangulateEarcut as _};
use geo_types::{MultiPolygon, Point, Polygon};

use super::coords::{World, meets};

/// Where the map is looking: screen = `rect.center() + (world − center) × scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The map's rectangle on screen.
    pub rect: Rect,
    /// The world point at the rectangle's centre.
    pub center: World,
    /// Screen points per world unit (256 × 2^zoom / 256 = 2^zoom).
    pub scale: f64,
}

impl View {
    /// The screen position of a world coordinate.
    #[must_use]
    pub fn to_screen(&self, w: World) -> Pos2 {
        let c = self.rect.center();
        pos2(
            c.x + ((w.x - self.center.x) * self.scale) as f32,
            c.y + ((w.y - self.center.y) * self.scale) as f32,
        )
    }

    /// The world coordinate under a screen position.
    #[must_use]
    pub fn to_world(&self, p: Pos2) -> World {
        let c = self.rect.center();
        World {
            x: self.center.x + f64::from(p.x - c.x) / self.scale,
            y: self.center.y + f64::from(p.y - c.y) / self.scale,
        }
    }

    /// The visible world rectangle `[min_x, min_y, max_x, max_y]`.
    #[must_use]
    pub fn world_bounds(&self) -> [f64; 4] {
        let a = self.to_world(self.rect.min);
        let b = self.to_world(self.rect.max);
        [a.x, a.y, b.x, b.y]
    }
}

/// One level of detail: triangles and outline rings of every precinct, relative to its
/// origin (f32 offsets from an f64 origin keep street-level precision).
///
/// A precinct's vertices are the earcut vertices of its polygons: each ring without its
/// closing point, exterior first; a ring's points are its run of those vertices (the ring
/// closes from its last point back to its first), so outlines are drawn from the vertices.
#[derive(Default)]
pub(crate) struct Lod {
    /// Per precinct: start of its vertices in `verts` (and one past the last precinct).
    pub(crate) vert_start: Vec<u32>,
    /// Per precinct: start of its indices in `indices`.
    pub(crate) index_start: Vec<u32>,
    /// Vertices, relative to their precinct's origin (the minimum corner of its box).
    pub(crate) verts: Vec<[f32; 2]>,
    /// Triangle indices, local to each precinct's vertices.
    pub(crate) indices: Vec<u32>,
    /// Per precinct: start of its rings in `ring_start`.
    pub(crate) rings_of: Vec<u32>,
    /// Start of each ring's points in `verts` (and one past the last ring's).
    pub(crate) ring_start: Vec<u32>,
}

impl Lod {
    /// The segments of ring `r`, closed (its last point joined to its first); none for a
    /// ring of fewer than two points.
    pub(crate) fn ring_segments(
        &self,
        r: usize,
    ) -> impl Iterator<Item = ([f32; 2], [f32; 2])> + '_ {
        let pts = &self.verts[self.ring_start[r] as usize..self.ring_start[r + 1] as usize];
        let n = if pts.len() >= 2 { pts.len() } else { 0 };
        (0..n).map(move |k| (pts[k], pts[(k + 1) % n]))
    }
}

/// A precinct smaller than this (points) both ways is drawn as a quad of its box.
pub(crate) const SMALL_PX: f32 = 2.0;
/// A precinct narrower than this (points) gets no outline.
pub(crate) const OUTLINE_MIN_PX: f32 = 3.0;
/// The width of the CPU's outline quads (points): a whole pixel, so that every row or column
/// an edge crosses has a pixel centre inside it, as the GPU's hairlines have (0.8 left
/// near-vertical edges that fell between pixel centres out, and dashed others).
const OUTLINE_WIDTH: f32 = 1.0;
/// A precinct wider than this (points) gets its name written.
pub(crate) const LABEL_MIN_PX: f32 = 70.0;
/// The most names written on the map at once.
pub(crate) const MAX_LABELS: usize = 200;
/// The selection's outline width (points).
pub(crate) const SELECTION_WIDTH: f32 = 3.0;

/// World-unit simplification tolerance of each level of detail, and the zoom from which the
/// next finer level takes over.
const LODS: [(f64, f64); 3] = [
    (0.0, f64::INFINITY),
    (0.5 / 2048.0, 11.0),
    (0.5 / 128.0, 7.0),
];

/// The precinct geometry, ready to draw and to hit-test.
pub struct PrecinctShapes {
    /// Unique to this set of shapes in this process, so GPU buffers know what they hold.
    id: u64,
    geometries: Vec<MultiPolygon<f64>>,
    /// World `[min_x, min_y, max_x, max_y]` per precinct.
    bbox: Vec<[f64; 4]>,
    /// A point inside each precinct (world), for labels; found the first time it is needed.
    label_at: Vec<OnceLock<World>>,
    /// The mean precinct width (world units), to decide when outlines are worth drawing.
    mean_width: f64,
    /// The box around every precinct, computed once.
    total: Option<[f64; 4]>,
    lods: [OnceLock<Lod>; 3],
    /// Whether level 1 would keep nearly every vertex (and so is level 0), once known.
    one_is_full: OnceLock<bool>,
    /// Whether the CPU levels are being built in the background.
    levels_started: std::sync::atomic::AtomicBool,
    /// Vertices of the full outlines (each ring without its closing point).
    vertex_count: usize,
}

impl PrecinctShapes {
    /// Prepares the precincts' outlines (longitude/latitude).
    #[must_use]
    pub fn new(geometries: Vec<MultiPolygon<f64>>) -> Self {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        // Mercator keeps the order of longitudes and latitudes, so the corners of the
        // longitude/latitude box are the corners of the world box: two projections a precinct.
        let bbox: Vec<[f64; 4]> = geometries
            .iter()
            .map(|g| match geo::BoundingRect::bounding_rect(g) {
                Some(r) => {
                    let a = World::from_lon_lat(r.min().x, r.max().y);
                    let b = World::from_lon_lat(r.max().x, r.min().y);
                    [a.x, a.y, b.x, b.y]
                }
                None => [
                    f64::INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NEG_INFINITY,
                ],
            })
            .collect();
        let label_at = (0..geometries.len()).map(|_| OnceLock::new()).collect();
        let n = bbox.len().max(1) as f64;
        let mean_width = bbox
            .iter()
            .map(|b| b[2] - b[0])
            .filter(|w| w.is_finite())
            .sum::<f64>()
            / n;
        let total = union(bbox.iter());
        let vertex_count = geometries
            .iter()
            .flat_map(|g| &g.0)
            .map(open_vertices)
            .sum();
        Self {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            geometries,
            bbox,
            label_at,
            mean_width,
            total,
            lods: [OnceLock::new(), OnceLock::new(), OnceLock::new()],
            one_is_full: OnceLock::new(),
            levels_started: std::sync::atomic::AtomicBool::new(false),
            vertex_count,
        }
    }

    /// The number of precincts.
    #[must_use]
    pub fn len(&self) -> usize {
        self.geometries.len()
    }

    /// Whether there are no precincts.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.geometries.is_empty()
    }

    /// What identifies this set of shapes (unique in this process).
    #[must_use]
    pub fn id(&self) -> u64 {
        self.id
    }

    /// World `[min_x, min_y, max_x, max_y]` of every precinct (infinite for an empty one).
    pub(crate) fn boxes(&self) -> &[[f64; 4]] {
        &self.bbox
    }

    /// The mean precinct width (world units).
    pub(crate) fn mean_width(&self) -> f64 {
        self.mean_width
    }

    /// A point inside precinct `i` (world), where its label goes.
    pub(crate) fn label_point(&self, i: usize) -> World {
        *self.label_at[i].get_or_init(|| {
            geo::InteriorPoint::interior_point(&self.geometries[i])
                .map_or(World::center_of(self.bbox[i]), |p| {
                    World::from_lon_lat(p.x(), p.y())
                })
        })
    }

    /// Every precinct's outline (longitude/latitude).
    #[must_use]
    pub fn geometries(&self) -> &[MultiPolygon<f64>] {
        &self.geometries
    }

    /// A precinct's outline (longitude/latitude).
    #[must_use]
    pub fn geometry(&self, i: usize) -> &MultiPolygon<f64> {
        &self.geometries[i]
    }

    /// The world bounding box of some precincts (all when `only` is `None`).
    #[must_use]
    pub fn bounds(&self, only: Option<&HashSet<usize>>) -> Option<[f64; 4]> {
        let Some(only) = only else {
            return self.total;
        };
        union(only.iter().filter_map(|&i| self.bbox.get(i)))
    }

    /// The world bounding box of precinct `i`.
    #[must_use]
    pub fn bbox_of(&self, i: usize) -> Option<[f64; 4]> {
        self.bbox.get(i).copied().filter(|b| b[0].is_finite())
    }
}

/// The box around `boxes` (empty ones left out).
pub(crate) fn union<'a>(boxes: impl Iterator<Item = &'a [f64; 4]>) -> Option<[f64; 4]> {
    boxes.filter(|b| b[0].is_finite()).fold(None, |out, b| {
        Some(match out {
            None => *b,
            Some(o) => [
                o[0].min(b[0]),
                o[1].min(b[1]),
                o[2].max(b[2]),
                o[3].max(b[3]),
            ],
        })
    })
}

impl PrecinctShapes {
    /// The precinct under a world point, if any.
    #[must_use]
    pub fn hit(&self, w: World) -> Option<usize> {
        let point: Point<f64> = w.position();
        self.bbox
            .iter()
            .enumerate()
            .filter(|(_, b)| w.x >= b[0] && w.x <= b[2] && w.y >= b[1] && w.y <= b[3])
            .find(|(i, _)| self.geometries[*i].contains(&point))
            .map(|(i, _)| i)
    }

    /// Level of detail `level` (0 = full), built the first time it is asked for and kept (the
    /// CPU meshes; the GPU layer builds its own and keeps only its buffers). Level 1 is level 0
    /// itself where simplifying keeps nearly every vertex (straight-edged precincts).
    pub(crate) fn lod(&self, level: usize) -> &Lod {
        let level = self.level_kept(level);
        self.lods[level].get_or_init(|| self.build_level(level))
    }

    /// The level actually kept for `level`: 0 for level 1 when its simplification keeps 90 %
    /// of the vertices or more (a twin of level 0 would double the memory for nothing).
    pub(crate) fn level_kept(&self, level: usize) -> usize {
        if level != 1 {
            return level;
        }
        let full = *self.one_is_full.get_or_init(|| {
            let kept: usize = self
                .geometries
                .iter()
                .flat_map(|g| &g.0)
                .map(|p| open_vertices(&simplified(p, LODS[1].0)))
                .sum();
            kept as f64 >= 0.9 * self.vertex_count as f64
        });
        usize::from(!full)
    }

    /// Precinct `i`'s outline alone at level of detail `level` (for the selection's outline):
    /// its vertices and rings, not triangulated.
    pub(crate) fn precinct_outline(&self, i: usize, level: usize) -> Lod {
        let tolerance = LODS[self.level_kept(level)].0;
        build_lod(
            &self.geometries[i..=i],
            &self.bbox[i..=i],
            tolerance,
            Fill::No,
        )
    }

    /// Builds level of detail `level`, without keeping it.
    pub(crate) fn build_level(&self, level: usize) -> Lod {
        // Two halves on two threads, then joined: the first frame at a new zoom band waits
        // half as long.
        let half = self.geometries.len() / 2;
        let tolerance = LODS[level].0;
        let (a, b) = std::thread::scope(|scope| {
            let first = scope.spawn(|| {
                build_lod(
                    &self.geometries[..half],
                    &self.bbox[..half],
                    tolerance,
                    Fill::Triangles,
                )
            });
            let second = build_lod(
                &self.geometries[half..],
                &self.bbox[half..],
                tolerance,
                Fill::Triangles,
            );
            (first.join().unwrap_or_default(), second)
        });
        a.append(b)
    }

    /// Whether every level of detail is built.
    #[must_use]
    pub fn levels_ready(&self) -> bool {
        (0..3).all(|l| self.lods[self.level_kept(l)].get().is_some())
    }

    /// Finds where each precinct's label goes on a background thread, so that zooming in
    /// later finds them ready (a detailed outline's inner point takes tens of microseconds:
    /// 200 labels found in one frame were a millisecond).
    pub fn prepare_labels_in_background(self: &Arc<Self>) {
        let shapes = Arc::clone(self);
        std::thread::spawn(move || {
            for i in 0..shapes.len() {
                let _ = shapes.label_point(i);
            }
        });
    }

    /// Builds every level of detail for the CPU meshes on a background thread (once), coarse
    /// to fine, so that zooming in later finds them ready.
    pub fn prepare_levels_in_background(self: &Arc<Self>) {
        if self
            .levels_started
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            return;
        }
        let shapes = Arc::clone(self);
        std::thread::spawn(move || {
            for level in [2, 1, 0] {
                let _ = shapes.lod(level);
            }
        });
    }

    /// The level of detail for a zoom (scale = 2^zoom).
    pub(crate) fn level_for(scale: f64) -> usize {
        let zoom = scale.log2();
        if zoom < LODS[2].1 {
            2
        } else {
            usize::from(zoom < LODS[1].1)
        }
    }
}

impl Lod {
    /// This level followed by `other` (the precincts after this one's).
    fn append(mut self, other: Self) -> Self {
        // Drop the closing sentinels, then shift the other half's offsets past this one's.
        self.vert_start.pop();
        self.index_start.pop();
        self.rings_of.pop();
        self.ring_start.pop();
        let (v, i, r) = (
            self.verts.len() as u32,
            self.indices.len() as u32,
            self.ring_start.len() as u32,
        );
        self.vert_start
            .extend(other.vert_start.iter().map(|x| x + v));
        self.index_start
            .extend(other.index_start.iter().map(|x| x + i));
        self.rings_of.extend(other.rings_of.iter().map(|x| x + r));
        self.ring_start
            .extend(other.ring_start.iter().map(|x| x + v));
        self.verts.extend(other.verts);
        self.indices.extend(other.indices);
        self
    }
}

/// A polygon (longitude/latitude) projected to world units and simplified there, so a
/// tolerance means the same on screen everywhere; kept whole where simplifying would leave
/// less than a triangle.
fn simplified(polygon: &Polygon<f64>, tolerance: f64) -> Polygon<f64> {
    let projected: Polygon<f64> = polygon.map_coords(|c| {
        let w = World::from_lon_lat(c.x, c.y);
        geo_types::coord! { x: w.x, y: w.y }
    });
    if tolerance > 0.0 {
        let simple = projected.simplify(tolerance);
        if simple.exterior().0.len() >= 4 {
            return simple;
        }
    }
    projected
}

/// Vertices of a polygon's rings, each without its closing point (as earcut takes them).
fn open_vertices(polygon: &Polygon<f64>) -> usize {
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(|r| r.0.len().saturating_sub(1))
        .sum()
}

/// Whether a level of detail is triangulated for its fills, or only outlined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fill {
    Triangles,
    No,
}

fn build_lod(
    geometries: &[MultiPolygon<f64>],
    bbox: &[[f64; 4]],
    tolerance: f64,
    fill: Fill,
) -> Lod {
    let mut lod = Lod::default();
    for (g, b) in geometries.iter().zip(bbox) {
        lod.vert_start.push(lod.verts.len() as u32);
        lod.index_start.push(lod.indices.len() as u32);
        lod.rings_of.push(lod.ring_start.len() as u32);
        let origin = [b[0], b[1]];
        for polygon in &g.0 {
            let shape = simplified(polygon, tolerance);
            let base = (lod.verts.len() as u32) - lod.vert_start.last().copied().unwrap_or(0);
            // Each ring's points without its closing one, exterior first: the vertices
            // earcut takes, in its order, so its triangles index them.
            for ring in std::iter::once(shape.exterior()).chain(shape.interiors()) {
                lod.ring_start.push(lod.verts.len() as u32);
                let open = &ring.0[..ring.0.len().saturating_sub(1)];
                lod.verts.extend(
                    open.iter()
                        .map(|c| [(c.x - origin[0]) as f32, (c.y - origin[1]) as f32]),
                );
            }
            if fill == Fill::Triangles {
                let raw = shape.earcut_triangles_raw();
                debug_assert_eq!(
                    base as usize + raw.vertices.len(),
                    lod.verts.len() - lod.vert_start.last().copied().unwrap_or(0) as usize
                );
                lod.indices
                    .extend(raw.triangle_indices.iter().map(|&i| base + i as u32));
            }
        }
    }
    lod.vert_start.push(lod.verts.len() as u32);
    lod.index_start.push(lod.indices.len() as u32);
    lod.rings_of.push(lod.ring_start.len() as u32);
    lod.ring_start.push(lod.verts.len() as u32);
    lod
}

use geo::MapCoords as _;

/// How the layer is styled this frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// Fill colour per precinct (alpha included).
    pub fills: Arc<Vec<Color32>>,
    /// Bumped whenever `fills` changes, so meshes are rebuilt.
    pub fills_version: u64,
    /// Outline colour.
    pub outline: Color32,
    /// Draw outlines when precincts are at least this many points wide on average.
    pub outline_min_px: f32,
}

/// What one frame of the layer drew, for the benchmark and the status bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrawStats {
    /// Precincts on screen.
    pub visible: usize,
    /// Vertices in the fill mesh.
    pub vertices: usize,
    /// Whether the meshes were rebuilt (else reused from the last frame).
    pub rebuilt: bool,
    /// The level of detail used (0 = full).
    pub level: usize,
}

/// One share of a frame's meshes, built by one thread.
#[derive(Default)]
struct Part {
    fill: Arc<Mesh>,
    outline: Arc<Mesh>,
    highlight: Arc<Mesh>,
    labels: Vec<(Pos2, usize)>,
    visible: usize,
}

/// A mesh to refill: the last frame's allocation when egui has let go of it.
fn reuse(mesh: &mut Arc<Mesh>) -> &mut Mesh {
    if Arc::get_mut(mesh).is_none() {
        *mesh = Arc::new(Mesh::default());
    }
    let m = Arc::get_mut(mesh).unwrap_or_else(|| unreachable!("just made unique"));
    m.vertices.clear();
    m.indices.clear();
    m
}

/// The meshes of the last frame, reused while nothing changes.
#[derive(Default)]
pub struct MeshCache {
    key: Option<(View, u64, u64)>,
    parts: Vec<Part>,
    stats: DrawStats,
}

/// Threads that build a frame's meshes (the machines this runs on have two cores or more).
const THREADS: usize = 2;

impl MeshCache {
    /// The shapes to paint for `view`, rebuilding the meshes only when something changed.
    pub fn shapes(
        &mut self,
        layer: &PrecinctShapes,
        view: &View,
        style: &Style,
        selected: &HashSet<usize>,
        selection_version: u64,
    ) -> (Vec<Shape>, DrawStats) {
        let key = (*view, style.fills_version, selection_version);
        if self.key == Some(key) {
            self.stats.rebuilt = false;
        } else {
            self.rebuild(layer, view, style, selected);
            self.key = Some(key);
            self.stats.rebuilt = true;
        }
        let mut shapes = Vec::with_capacity(3 * self.parts.len());
        shapes.extend(self.parts.iter().map(|p| Shape::mesh(p.fill.clone())));
        shapes.extend(self.parts.iter().map(|p| Shape::mesh(p.outline.clone())));
        shapes.extend(self.parts.iter().map(|p| Shape::mesh(p.highlight.clone())));
        (shapes, self.stats)
    }

    /// Label anchors (screen position, precinct) of the last build.
    pub fn labels(&self) -> impl Iterator<Item = &(Pos2, usize)> {
        self.parts.iter().flat_map(|p| p.labels.iter())
    }

    fn rebuild(
        &mut self,
        layer: &PrecinctShapes,
        view: &View,
        style: &Style,
        selected: &HashSet<usize>,
    ) {
        let level = PrecinctShapes::level_for(view.scale);
        let lod = layer.lod(level);
        let draw_outlines = (layer.mean_width * view.scale) as f32 >= style.outline_min_px;
        self.parts.resize_with(THREADS, Part::default);
        let n = layer.len();
        let chunk = n.div_ceil(THREADS).max(1);
        std::thread::scope(|scope| {
            for (t, part) in self.parts.iter_mut().enumerate() {
                let range = (t * chunk).min(n)..((t + 1) * chunk).min(n);
                scope.spawn(move || {
                    build_part(
                        layer,
                        lod,
                        range,
                        view,
                        style,
                        selected,
                        draw_outlines,
                        part,
                    );
                });
            }
        });
        self.stats = DrawStats {
            visible: self.parts.iter().map(|p| p.visible).sum(),
            vertices: self.parts.iter().map(|p| p.fill.vertices.len()).sum(),
            rebuilt: true,
            level,
        };
    }
}

/// Builds the meshes of precincts `range` for `view` into `part`.
#[allow(clippy::too_many_arguments)] // One call site; a struct would only rename them.
fn build_part(
    layer: &PrecinctShapes,
    lod: &Lod,
    range: std::ops::Range<usize>,
    view: &View,
    style: &Style,
    selected: &HashSet<usize>,
    draw_outlines: bool,
    part: &mut Part,
) {
    let in_view = view.world_bounds();
    let c = view.rect.center();
    let scale = view.scale as f32;
    let fill = reuse(&mut part.fill);
    let outline = reuse(&mut part.outline);
    let highlight = reuse(&mut part.highlight);
    part.labels.clear();
    part.visible = 0;
    for i in range {
        let b = &layer.bbox[i];
        if !meets(*b, in_view) {
            continue;
        }
        part.visible += 1;
        let colour = style.fills.get(i).copied().unwrap_or(Color32::TRANSPARENT);
        let origin = pos2(
            c.x + ((b[0] - view.center.x) * view.scale) as f32,
            c.y + ((b[1] - view.center.y) * view.scale) as f32,
        );
        let width = ((b[2] - b[0]) * view.scale) as f32;
        let height = ((b[3] - b[1]) * view.scale) as f32;
        if width < SMALL_PX && height < SMALL_PX {
            // Smaller than two points: a quad says as much, for a fraction of the vertices.
            let rect = Rect::from_min_size(origin, vec2(width.max(0.5), height.max(0.5)));
            fill.add_colored_rect(rect, colour);
        } else {
            let (v0, v1) = (lod.vert_start[i] as usize, lod.vert_start[i + 1] as usize);
            let base = fill.vertices.len() as u32;
            fill.vertices
                .extend(lod.verts[v0..v1].iter().map(|v| egui::epaint::Vertex {
                    pos: pos2(origin.x + v[0] * scale, origin.y + v[1] * scale),
                    uv: egui::epaint::WHITE_UV,
                    color: colour,
                }));
            let (i0, i1) = (lod.index_start[i] as usize, lod.index_start[i + 1] as usize);
            fill.indices
                .extend(lod.indices[i0..i1].iter().map(|&k| base + k));
            if draw_outlines && width >= OUTLINE_MIN_PX {
                rings(outline, lod, i, origin, scale, OUTLINE_WIDTH, style.outline);
            }
            if width > LABEL_MIN_PX && part.labels.len() < MAX_LABELS {
                part.labels.push((view.to_screen(layer.label_point(i)), i));
            }
        }
        if selected.contains(&i) {
            rings(
                highlight,
                lod,
                i,
                origin,
                scale,
                SELECTION_WIDTH,
                super::style::SELECTION,
            );
        }
    }
}

/// Adds precinct `i`'s rings as quads of `width` points.
fn rings(
    mesh: &mut Mesh,
    lod: &Lod,
    i: usize,
    origin: Pos2,
    scale: f32,
    width: f32,
    colour: Color32,
) {
    let (r0, r1) = (lod.rings_of[i] as usize, lod.rings_of[i + 1] as usize);
    for r in r0..r1 {
        for (p, q) in lod.ring_segments(r) {
            let a = pos2(origin.x + p[0] * scale, origin.y + p[1] * scale);
            let b = pos2(origin.x + q[0] * scale, origin.y + q[1] * scale);
            let d = b - a;
            let len = d.length();
            if len < 0.01 {
                continue;
            }
            let n = vec2(-d.y, d.x) / len * (width / 2.0);
            let base = mesh.vertices.len() as u32;
            mesh.colored_vertex(a + n, colour);
            mesh.colored_vertex(a - n, colour);
            mesh.colored_vertex(b + n, colour);
            mesh.colored_vertex(b - n, colour);
            mesh.add_triangle(base, base + 1, base + 2);
            mesh.add_triangle(base + 1, base + 2, base + 3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concave_precinct_with_a_hole_is_hit_inside_and_not_in_its_hole() {
        let shell = geo_types::LineString::from(vec![
            (0.0, 0.0),
            (4.0, 0.0),
            (4.0, 4.0),
            (2.0, 2.0),
            (0.0, 4.0),
            (0.0, 0.0),
        ]);
        let hole = geo_types::LineString::from(vec![
            (1.0, 0.5),
            (3.0, 0.5),
            (3.0, 1.0),
            (1.0, 1.0),
            (1.0, 0.5),
        ]);
        let shapes = PrecinctShapes::new(vec![MultiPolygon(vec![Polygon::new(shell, vec![hole])])]);
        assert_eq!(shapes.hit(World::from_lon_lat(0.5, 3.0)), Some(0));
        assert_eq!(
            shapes.hit(World::from_lon_lat(2.0, 0.75)),
            None,
            "in the hole"
        );
        assert_eq!(
            shapes.hit(World::from_lon_lat(2.0, 3.5)),
            None,
            "in the notch"
        );
    }

    #[test]
    fn a_level_built_in_two_halves_equals_one_built_whole() {
        let cells = crate::synth::voronoi_precincts(101, (0.0, 40.0, 2.0, 42.0), 5);
        let geometries: Vec<MultiPolygon<f64>> = cells.into_iter().map(|c| c.geometry).collect();
        let shapes = PrecinctShapes::new(geometries.clone());
        let whole = build_lod(&geometries, &shapes.bbox, 0.0, Fill::Triangles);
        let halves = shapes.lod(0);
        assert_eq!(whole.vert_start, halves.vert_start);
        assert_eq!(whole.index_start, halves.index_start);
        assert_eq!(whole.rings_of, halves.rings_of);
        assert_eq!(whole.ring_start, halves.ring_start);
        assert_eq!(whole.indices, halves.indices);
        assert_eq!(whole.verts, halves.verts);
    }

    #[test]
    fn level_one_is_level_zero_for_straight_edges_and_its_own_for_jagged_ones() {
        let cells = crate::synth::voronoi_precincts(300, (0.0, 40.0, 3.0, 42.0), 5);
        let straight = PrecinctShapes::new(cells.iter().map(|c| c.geometry.clone()).collect());
        assert_eq!(straight.level_kept(1), 0);
        assert_eq!(straight.level_kept(2), 2);
        assert!(
            std::ptr::eq(straight.lod(1), straight.lod(0)),
            "one level, kept once"
        );
        let jagged = PrecinctShapes::new(
            cells
                .iter()
                .map(|c| crate::synth::subdivide(&c.geometry, 40))
                .collect(),
        );
        assert_eq!(jagged.level_kept(1), 1);
        assert!(jagged.lod(1).verts.len() < jagged.lod(0).verts.len() / 2);
        assert!(!jagged.levels_ready(), "level 2 is not built yet");
        let _ = jagged.lod(2);
        assert!(jagged.levels_ready());
    }

    #[test]
    fn meshes_are_reused_until_the_view_or_colours_change() {
        let cells = crate::synth::voronoi_precincts(200, (0.0, 40.0, 2.0, 42.0), 3);
        let shapes = PrecinctShapes::new(cells.into_iter().map(|c| c.geometry).collect());
        let style = Style {
            fills: Arc::new(vec![Color32::RED; 200]),
            fills_version: 1,
            outline: Color32::BLACK,
            outline_min_px: 6.0,
        };
        let view = View {
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            center: World::from_lon_lat(1.0, 41.0),
            scale: 2f64.powi(8),
        };
        let mut cache = MeshCache::default();
        let (_, first) = cache.shapes(&shapes, &view, &style, &HashSet::new(), 0);
        assert!(first.rebuilt && first.visible == 200 && first.vertices > 200);
        let (_, second) = cache.shapes(&shapes, &view, &style, &HashSet::new(), 0);
        assert!(!second.rebuilt);
        let moved = View {
            center: World::from_lon_lat(2.5, 41.0),
            ..view
        };
        let (_, third) = cache.shapes(&shapes, &moved, &style, &HashSet::new(), 0);
        assert!(third.rebuilt && third.visible < 200);
    }
}

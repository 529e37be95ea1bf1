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

/// Web-Mercator "world" coordinates: zoom-0 pixels of a 256-pixel tile, x east, y south.
#[must_use]
pub fn world(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = (lon + 180.0) / 360.0 * 256.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * 256.0;
    [x, y]
}

/// Longitude/latitude of a world coordinate.
#[must_use]
pub fn lon_lat(w: [f64; 2]) -> (f64, f64) {
    let lon = w[0] / 256.0 * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * w[1] / 256.0);
    let lat = n.sinh().atan().to_degrees();
    (lon, lat)
}

/// Where the map is looking: screen = `rect.center() + (world − center) × scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The map's rectangle on screen.
    pub rect: Rect,
    /// The world coordinate at the rectangle's centre.
    pub center: [f64; 2],
    /// Screen points per world unit (256 × 2^zoom / 256 = 2^zoom).
    pub scale: f64,
}

impl View {
    /// The screen position of a world coordinate.
    #[must_use]
    pub fn to_screen(&self, w: [f64; 2]) -> Pos2 {
        let c = self.rect.center();
        pos2(
            c.x + ((w[0] - self.center[0]) * self.scale) as f32,
            c.y + ((w[1] - self.center[1]) * self.scale) as f32,
        )
    }

    /// The world coordinate under a screen position.
    #[must_use]
    pub fn to_world(&self, p: Pos2) -> [f64; 2] {
        let c = self.rect.center();
        [
            self.center[0] + f64::from(p.x - c.x) / self.scale,
            self.center[1] + f64::from(p.y - c.y) / self.scale,
        ]
    }

    /// The visible world rectangle `[min_x, min_y, max_x, max_y]`.
    #[must_use]
    pub fn world_bounds(&self) -> [f64; 4] {
        let a = self.to_world(self.rect.min);
        let b = self.to_world(self.rect.max);
        [a[0], a[1], b[0], b[1]]
    }
}

/// One level of detail: triangles and outline rings of every precinct, relative to its
/// origin (f32 offsets from an f64 origin keep street-level precision).
#[derive(Default)]
struct Lod {
    /// Per precinct: start of its vertices in `verts` (and one past the last precinct).
    vert_start: Vec<u32>,
    /// Per precinct: start of its indices in `indices`.
    index_start: Vec<u32>,
    verts: Vec<[f32; 2]>,
    /// Triangle indices, local to each precinct's vertices.
    indices: Vec<u32>,
    /// Per precinct: start of its rings in `ring_start`.
    rings_of: Vec<u32>,
    /// Start of each ring in `ring_verts` (and one past the last).
    ring_start: Vec<u32>,
    ring_verts: Vec<[f32; 2]>,
}

/// World-unit simplification tolerance of each level of detail, and the zoom from which the
/// next finer level takes over.
const LODS: [(f64, f64); 3] = [(0.0, f64::INFINITY), (0.5 / 2048.0, 11.0), (0.5 / 128.0, 7.0)];

/// The precinct geometry, ready to draw and to hit-test.
pub struct PrecinctShapes {
    geometries: Vec<MultiPolygon<f64>>,
    /// World `[min_x, min_y, max_x, max_y]` per precinct.
    bbox: Vec<[f64; 4]>,
    /// A point inside each precinct (world), for labels.
    label_at: Vec<[f64; 2]>,
    lods: [OnceLock<Lod>; 3],
}

impl PrecinctShapes {
    /// Prepares the precincts' outlines (longitude/latitude).
    #[must_use]
    pub fn new(geometries: Vec<MultiPolygon<f64>>) -> Self {
        let mut bbox = Vec::with_capacity(geometries.len());
        let mut label_at = Vec::with_capacity(geometries.len());
        for g in &geometries {
            let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
            for c in g.0.iter().flat_map(|p| p.exterior().0.iter()) {
                let w = world(c.x, c.y);
                b = [b[0].min(w[0]), b[1].min(w[1]), b[2].max(w[0]), b[3].max(w[1])];
            }
            bbox.push(b);
            let inside = geo::InteriorPoint::interior_point(g)
                .map_or([(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0], |p| world(p.x(), p.y()));
            label_at.push(inside);
        }
        Self {
            geometries,
            bbox,
            label_at,
            lods: [OnceLock::new(), OnceLock::new(), OnceLock::new()],
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

    /// A precinct's outline (longitude/latitude).
    #[must_use]
    pub fn geometry(&self, i: usize) -> &MultiPolygon<f64> {
        &self.geometries[i]
    }

    /// The world bounding box of some precincts (all when `only` is `None`).
    #[must_use]
    pub fn bounds(&self, only: Option<&HashSet<usize>>) -> Option<[f64; 4]> {
        let mut out: Option<[f64; 4]> = None;
        for (i, b) in self.bbox.iter().enumerate() {
            if only.is_some_and(|s| !s.contains(&i)) || !b[0].is_finite() {
                continue;
            }
            out = Some(match out {
                None => *b,
                Some(o) => [o[0].min(b[0]), o[1].min(b[1]), o[2].max(b[2]), o[3].max(b[3])],
            });
        }
        out
    }

    /// The precinct under a world point, if any.
    #[must_use]
    pub fn hit(&self, w: [f64; 2]) -> Option<usize> {
        let (lon, lat) = lon_lat(w);
        let point = Point::new(lon, lat);
        self.bbox
            .iter()
            .enumerate()
            .filter(|(_, b)| w[0] >= b[0] && w[0] <= b[2] && w[1] >= b[1] && w[1] <= b[3])
            .find(|(i, _)| self.geometries[*i].contains(&point))
            .map(|(i, _)| i)
    }

    fn lod(&self, level: usize) -> &Lod {
        self.lods[level].get_or_init(|| build_lod(&self.geometries, &self.bbox, LODS[level].0))
    }

    /// The level of detail for a zoom (scale = 2^zoom).
    fn level_for(scale: f64) -> usize {
        let zoom = scale.log2();
        if zoom < LODS[2].1 {
            2
        } else if zoom < LODS[1].1 {
            1
        } else {
            0
        }
    }
}

fn build_lod(geometries: &[MultiPolygon<f64>], bbox: &[[f64; 4]], tolerance: f64) -> Lod {
    let mut lod = Lod::default();
    for (g, b) in geometries.iter().zip(bbox) {
        lod.vert_start.push(lod.verts.len() as u32);
        lod.index_start.push(lod.indices.len() as u32);
        lod.rings_of.push(lod.ring_start.len() as u32);
        let origin = [b[0], b[1]];
        let local = |lon: f64, lat: f64| {
            let w = world(lon, lat);
            [(w[0] - origin[0]) as f32, (w[1] - origin[1]) as f32]
        };
        for polygon in &g.0 {
            // Simplify in world units, so a tolerance means the same on screen everywhere.
            let projected: Polygon<f64> = polygon.map_coords(|c| {
                let w = world(c.x, c.y);
                geo_types::coord! { x: w[0], y: w[1] }
            });
            let shape = if tolerance > 0.0 {
                let simple = projected.simplify(tolerance);
                if simple.exterior().0.len() >= 4 { simple } else { projected }
            } else {
                projected
            };
            let raw = shape.earcut_triangles_raw();
            let base = (lod.verts.len() as u32) - lod.vert_start.last().copied().unwrap_or(0);
            lod.verts.extend(
                raw.vertices
                    .iter()
                    .map(|v| [(v[0] - origin[0]) as f32, (v[1] - origin[1]) as f32]),
            );
            lod.indices.extend(raw.triangle_indices.iter().map(|&i| base + i as u32));
            for ring in std::iter::once(shape.exterior()).chain(shape.interiors()) {
                lod.ring_start.push(lod.ring_verts.len() as u32);
                lod.ring_verts.extend(
                    ring.0
                        .iter()
                        .map(|c| [(c.x - origin[0]) as f32, (c.y - origin[1]) as f32]),
                );
            }
        }
        let _ = local;
    }
    lod.vert_start.push(lod.verts.len() as u32);
    lod.index_start.push(lod.indices.len() as u32);
    lod.rings_of.push(lod.ring_start.len() as u32);
    lod.ring_start.push(lod.ring_verts.len() as u32);
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

/// The meshes of the last frame, reused while nothing changes.
#[derive(Default)]
pub struct MeshCache {
    key: Option<(View, u64, u64)>,
    fill: Arc<Mesh>,
    outline: Arc<Mesh>,
    highlight: Arc<Mesh>,
    labels: Vec<(Pos2, usize)>,
    stats: DrawStats,
}

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
        if self.key != Some(key) {
            self.rebuild(layer, view, style, selected);
            self.key = Some(key);
            self.stats.rebuilt = true;
        } else {
            self.stats.rebuilt = false;
        }
        let shapes = vec![
            Shape::mesh(self.fill.clone()),
            Shape::mesh(self.outline.clone()),
            Shape::mesh(self.highlight.clone()),
        ];
        (shapes, self.stats)
    }

    /// Label anchors (screen position, precinct) of the last build.
    #[must_use]
    pub fn labels(&self) -> &[(Pos2, usize)] {
        &self.labels
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
        let [min_x, min_y, max_x, max_y] = view.world_bounds();
        let c = view.rect.center();
        let scale = view.scale as f32;
        let mut fill = Mesh::default();
        let mut outline = Mesh::default();
        let mut highlight = Mesh::default();
        let mut labels = Vec::new();
        let mut visible = 0;
        let draw_outlines = {
            let n = layer.len().max(1) as f64;
            let mean_width: f64 = layer.bbox.iter().map(|b| b[2] - b[0]).sum::<f64>() / n;
            (mean_width * view.scale) as f32 >= style.outline_min_px
        };
        for (i, b) in layer.bbox.iter().enumerate() {
            if b[2] < min_x || b[0] > max_x || b[3] < min_y || b[1] > max_y {
                continue;
            }
            visible += 1;
            let colour = style.fills.get(i).copied().unwrap_or(Color32::TRANSPARENT);
            let origin = pos2(
                c.x + ((b[0] - view.center[0]) * view.scale) as f32,
                c.y + ((b[1] - view.center[1]) * view.scale) as f32,
            );
            let width = ((b[2] - b[0]) * view.scale) as f32;
            let height = ((b[3] - b[1]) * view.scale) as f32;
            if width < 2.0 && height < 2.0 {
                // Smaller than two points: a quad says as much, for a fraction of the vertices.
                let rect = Rect::from_min_size(origin, vec2(width.max(0.5), height.max(0.5)));
                fill.add_colored_rect(rect, colour);
            } else {
                let (v0, v1) = (lod.vert_start[i] as usize, lod.vert_start[i + 1] as usize);
                let base = fill.vertices.len() as u32;
                for v in &lod.verts[v0..v1] {
                    fill.colored_vertex(pos2(origin.x + v[0] * scale, origin.y + v[1] * scale), colour);
                }
                let (i0, i1) = (lod.index_start[i] as usize, lod.index_start[i + 1] as usize);
                fill.indices.extend(lod.indices[i0..i1].iter().map(|&k| base + k));
                if draw_outlines && width >= 3.0 {
                    rings(&mut outline, lod, i, origin, scale, 0.8, style.outline);
                }
                if width > 70.0 && labels.len() < 400 {
                    labels.push((view.to_screen(layer.label_at[i]), i));
                }
            }
            if selected.contains(&i) {
                rings(&mut highlight, lod, i, origin, scale, 3.0, Color32::from_rgb(0x1f, 0x6f, 0xeb));
            }
        }
        self.stats = DrawStats {
            visible,
            vertices: fill.vertices.len(),
            rebuilt: true,
            level,
        };
        self.fill = Arc::new(fill);
        self.outline = Arc::new(outline);
        self.highlight = Arc::new(highlight);
        self.labels = labels;
    }
}

/// Adds precinct `i`'s rings as quads of `width` points.
fn rings(mesh: &mut Mesh, lod: &Lod, i: usize, origin: Pos2, scale: f32, width: f32, colour: Color32) {
    let (r0, r1) = (lod.rings_of[i] as usize, lod.rings_of[i + 1] as usize);
    for r in r0..r1 {
        let (s, e) = (lod.ring_start[r] as usize, lod.ring_start[r + 1] as usize);
        let pts = &lod.ring_verts[s..e];
        for w in pts.windows(2) {
            let a = pos2(origin.x + w[0][0] * scale, origin.y + w[0][1] * scale);
            let b = pos2(origin.x + w[1][0] * scale, origin.y + w[1][1] * scale);
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
    fn world_and_lon_lat_are_inverse() {
        for (lon, lat) in [(-73.6, 45.5), (2.35, 48.85), (0.0, 0.0), (179.0, -60.0)] {
            let (a, b) = lon_lat(world(lon, lat));
            assert!((a - lon).abs() < 1e-9 && (b - lat).abs() < 1e-9);
        }
    }

    #[test]
    fn a_concave_precinct_with_a_hole_is_hit_inside_and_not_in_its_hole() {
        let shell = geo_types::LineString::from(vec![(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (2.0, 2.0), (0.0, 4.0), (0.0, 0.0)]);
        let hole = geo_types::LineString::from(vec![(1.0, 0.5), (3.0, 0.5), (3.0, 1.0), (1.0, 1.0), (1.0, 0.5)]);
        let shapes = PrecinctShapes::new(vec![MultiPolygon(vec![Polygon::new(shell, vec![hole])])]);
        assert_eq!(shapes.hit(world(0.5, 3.0)), Some(0));
        assert_eq!(shapes.hit(world(2.0, 0.75)), None, "in the hole");
        assert_eq!(shapes.hit(world(2.0, 3.5)), None, "in the notch");
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
            center: world(1.0, 41.0),
            scale: 2f64.powi(8),
        };
        let mut cache = MeshCache::default();
        let (_, first) = cache.shapes(&shapes, &view, &style, &HashSet::new(), 0);
        assert!(first.rebuilt && first.visible == 200 && first.vertices > 200);
        let (_, second) = cache.shapes(&shapes, &view, &style, &HashSet::new(), 0);
        assert!(!second.rebuilt);
        let moved = View { center: world(2.5, 41.0), ..view };
        let (_, third) = cache.shapes(&shapes, &moved, &style, &HashSet::new(), 0);
        assert!(third.rebuilt && third.visible < 200);
    }
}

//! The street layer: the campaign's streets drawn as an offline vector street map.
//!
//! Prepared once, when the campaign opens: every street projected to Web-Mercator, cut into
//! pieces no wider than a grid cell, the pieces grouped by the cell their box starts in (a
//! chunk) and, inside a chunk, by class, the major first. Each integer zoom has its own level
//! of detail per chunk, built the first time a frame needs it (or ahead, in the background):
//! only the classes drawn at that zoom, vertices closer than a pixel dropped and the rest
//! simplified within half a pixel, each vertex with its miter ready. A frame (`draw.rs`) culls
//! chunks and pieces by their boxes and turns the level's vertices into screen meshes, and
//! writes the streets' names along them (`labels.rs`).

mod draw;
mod gpu;
mod gpu_pack;
mod gpu_paint;
mod labels;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

pub use draw::{LAND_OPAQUE_FROM, StreetCache, StreetStats};
pub use gpu::GpuStreets;

use super::coords::{World, WorldBounds, meets};
use crate::domain::street::{RoadClass, Street};

/// The side of a grid cell, in world units: a zoom-13 tile (about 3 km in France).
const CELL: f64 = 256.0 / 8192.0;
/// The most cells a grid may have: a street map of a whole country gets wider cells.
const MAX_CELLS: usize = 1 << 20;
/// The coarsest level of detail (zooms below it draw nothing).
const MIN_LEVEL: u8 = 5;
/// The finest level of detail (zooms above it use it).
const MAX_LEVEL: u8 = 18;
/// Levels of detail.
const LEVELS: usize = (MAX_LEVEL - MIN_LEVEL + 1) as usize;

/// The zoom from which a class is drawn (non-decreasing from the major classes to the minor:
/// a level keeps a prefix of each chunk's pieces).
#[must_use]
pub fn min_zoom(class: RoadClass) -> f64 {
    match class {
        RoadClass::Motorway => 5.0,
        RoadClass::Primary => 7.0,
        RoadClass::Secondary => 9.0,
        RoadClass::Tertiary => 12.0,
        RoadClass::Residential => 13.0,
        RoadClass::Service | RoadClass::Path => 15.0,
    }
}

/// The zoom from which a class's names are written along it.
#[must_use]
pub fn label_zoom(class: RoadClass) -> f64 {
    match class {
        RoadClass::Motorway | RoadClass::Primary | RoadClass::Secondary => 13.0,
        RoadClass::Tertiary => 14.0,
        RoadClass::Residential => 15.0,
        RoadClass::Service | RoadClass::Path => 16.0,
    }
}

/// Whether a zoom draws any street (the coarsest level's, from half a zoom before it).
fn shown_at(zoom: f64) -> bool {
    zoom >= f64::from(MIN_LEVEL) - 0.5
}

/// The level of detail drawn at a zoom: the nearest integer zoom, within the levels kept.
#[must_use]
pub fn level_for(zoom: f64) -> u8 {
    zoom.round()
        .clamp(f64::from(MIN_LEVEL), f64::from(MAX_LEVEL)) as u8
}

/// Where level `level` (a zoom, clamped to the levels kept) is among the levels.
fn level_index(level: u8) -> usize {
    usize::from(level.clamp(MIN_LEVEL, MAX_LEVEL) - MIN_LEVEL)
}

/// A piece of a street, no wider or taller than a grid cell.
struct Piece {
    /// The street it is part of (its index in the streets given).
    street: u32,
    /// Its name (an index in `names`).
    name: u32,
    class: RoadClass,
    /// A pedestrian street (drawn as a street, not as a footpath).
    pedestrian: bool,
    /// World box.
    bounds: WorldBounds,
    /// Its vertices in `verts`, relative to its chunk's origin.
    verts: Range<u32>,
}

/// The pieces whose box starts in one grid cell.
struct Chunk {
    /// The cell's corner (world): the pieces' vertices are relative to it.
    origin: World,
    /// The cell (column, row) in the grid.
    cell: [i32; 2],
    /// The box around its pieces (reaches into the next cells).
    bounds: WorldBounds,
    /// Its pieces, by class, the major first.
    pieces: Range<u32>,
}

/// One piece at one level of detail: its points in the level's `points`.
pub(super) struct Strip {
    /// The piece (an index in the layer's pieces).
    pub piece: u32,
    /// Its points and miters.
    pub points: Range<u32>,
}

/// A chunk at one level of detail: the pieces of the classes drawn at that zoom, simplified.
#[derive(Default)]
pub(super) struct ChunkLod {
    /// The pieces kept, in the chunk's order (major classes first).
    pub strips: Vec<Strip>,
    /// Their points, relative to the chunk's origin (world units).
    pub points: Vec<[f32; 2]>,
    /// Each point's miter: the offset of the line's edge at half a unit of width (the unit
    /// normal at the ends, the normals' bisector lengthened by the turn inside).
    pub miters: Vec<[f32; 2]>,
}

/// The grid of cells over the layer's box.
#[derive(Default)]
struct Grid {
    /// The corner of cell (0, 0).
    origin: World,
    /// The side of a cell (world units).
    cell: f64,
    cols: usize,
    rows: usize,
    /// Per cell (row-major), its chunk, or `u32::MAX`.
    chunk_of: Vec<u32>,
}

/// The streets ready to draw.
pub struct StreetLayer {
    /// Unique among layers, so a frame cache knows when it is given another.
    id: u64,
    names: Vec<String>,
    pieces: Vec<Piece>,
    verts: Vec<[f32; 2]>,
    chunks: Vec<Chunk>,
    grid: Grid,
    /// Per level, per chunk.
    lods: Vec<Vec<OnceLock<ChunkLod>>>,
    streets: usize,
    bounds: Option<WorldBounds>,
    /// Whether the background build of every level was started, and whether it finished.
    preparing: AtomicBool,
    prepared: AtomicBool,
}

/// The last id given to a layer.
static LAYER_ID: AtomicU64 = AtomicU64::new(0);

impl Default for StreetLayer {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl StreetLayer {
    /// Prepares `streets` (longitude/latitude) for drawing.
    #[must_use]
    pub fn new(streets: &[Street]) -> Self {
        // Every vertex projected once, in one buffer; each street's run of it.
        let mut flat: Vec<World> = Vec::with_capacity(streets.iter().map(|s| s.points.len()).sum());
        let mut runs = Vec::with_capacity(streets.len());
        let mut bounds: Option<WorldBounds> = None;
        for s in streets {
            let start = flat.len();
            flat.extend(s.points.iter().map(|c| World::from_lon_lat(c.x, c.y)));
            for w in &flat[start..] {
                extend(&mut bounds, [w.x, w.y, w.x, w.y]);
            }
            runs.push(start..flat.len());
        }
        let grid = Grid::over(bounds);
        let mut names: Vec<String> = Vec::new();
        let mut name_ids: HashMap<&str, u32> = HashMap::new();
        // (cell, piece) pairs, the piece's vertices as a range of `flat`.
        let mut cut: Vec<(u32, Piece)> = Vec::new();
        for (k, (s, run)) in streets.iter().zip(runs).enumerate() {
            let name = *name_ids.entry(s.name.as_str()).or_insert_with(|| {
                names.push(s.name.clone());
                (names.len() - 1) as u32
            });
            for range in split(&flat[run.clone()], grid.cell) {
                let verts = (run.start + range.start) as u32..(run.start + range.end) as u32;
                let mut b = None;
                for w in &flat[verts.start as usize..verts.end as usize] {
                    extend(&mut b, [w.x, w.y, w.x, w.y]);
                }
                let Some(b) = b else { continue };
                cut.push((
                    grid.cell_of(b[0], b[1]),
                    Piece {
                        street: k as u32,
                        name,
                        class: s.class,
                        pedestrian: s.highway == "pedestrian",
                        bounds: b,
                        verts,
                    },
                ));
            }
        }
        cut.sort_by_key(|(cell, p)| (*cell, p.class, p.street));
        let mut layer = Self {
            id: LAYER_ID.fetch_add(1, Ordering::Relaxed) + 1,
            names,
            pieces: Vec::with_capacity(cut.len()),
            verts: Vec::with_capacity(flat.len()),
            chunks: Vec::new(),
            grid,
            lods: Vec::new(),
            streets: streets.len(),
            bounds,
            preparing: AtomicBool::new(false),
            prepared: AtomicBool::new(false),
        };
        for (cell, mut piece) in cut {
            if layer.grid.chunk_of[cell as usize] == u32::MAX {
                let (col, row) = (
                    cell as usize % layer.grid.cols,
                    cell as usize / layer.grid.cols,
                );
                layer.grid.chunk_of[cell as usize] = layer.chunks.len() as u32;
                layer.chunks.push(Chunk {
                    origin: World {
                        x: layer.grid.origin.x + col as f64 * layer.grid.cell,
                        y: layer.grid.origin.y + row as f64 * layer.grid.cell,
                    },
                    cell: [col as i32, row as i32],
                    bounds: piece.bounds,
                    pieces: layer.pieces.len() as u32..layer.pieces.len() as u32,
                });
            }
            let Some(chunk) = layer.chunks.last_mut() else {
                continue;
            };
            let start = layer.verts.len() as u32;
            let o = chunk.origin;
            layer.verts.extend(
                flat[piece.verts.start as usize..piece.verts.end as usize]
                    .iter()
                    .map(|w| [(w.x - o.x) as f32, (w.y - o.y) as f32]),
            );
            piece.verts = start..layer.verts.len() as u32;
            let mut b = Some(chunk.bounds);
            extend(&mut b, piece.bounds);
            chunk.bounds = b.unwrap_or(piece.bounds);
            chunk.pieces.end += 1;
            layer.pieces.push(piece);
        }
        layer.lods = (0..LEVELS)
            .map(|_| (0..layer.chunks.len()).map(|_| OnceLock::new()).collect())
            .collect();
        layer
    }

    /// How many streets it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.streets
    }

    /// Whether it holds no street.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.streets == 0
    }

    /// How many vertices its streets have.
    #[must_use]
    pub fn vertex_count(&self) -> usize {
        self.verts.len()
    }

    /// The world box around every street.
    #[must_use]
    pub fn bounds(&self) -> Option<WorldBounds> {
        self.bounds
    }

    /// The name of a street name index.
    fn name(&self, k: u32) -> &str {
        self.names.get(k as usize).map_or("", String::as_str)
    }

    /// The chunks whose box meets `area` (world).
    fn chunks_in(&self, area: WorldBounds) -> impl Iterator<Item = usize> + '_ {
        let g = &self.grid;
        // A chunk's pieces start in its cell and reach at most one cell further.
        let col = |x: f64| ((x - g.origin.x) / g.cell).floor();
        let row = |y: f64| ((y - g.origin.y) / g.cell).floor();
        let clamp = |v: f64, n: usize| v.clamp(0.0, n.saturating_sub(1) as f64) as usize;
        let empty = g.cols == 0 || col(area[2]) < 0.0 || row(area[3]) < 0.0;
        let (c0, c1) = (
            clamp(col(area[0] - g.cell), g.cols),
            clamp(col(area[2]), g.cols),
        );
        let (r0, r1) = (
            clamp(row(area[1] - g.cell), g.rows),
            clamp(row(area[3]), g.rows),
        );
        let rows = if empty { 0..0 } else { r0..r1 + 1 };
        rows.flat_map(move |r| (c0..=c1).map(move |c| r * g.cols + c))
            .filter_map(|cell| {
                let k = *self.grid.chunk_of.get(cell)?;
                (k != u32::MAX).then_some(k as usize)
            })
            .filter(move |&k| meets(self.chunks[k].bounds, area))
    }

    /// Chunk `chunk` at level of detail `level`, built the first time it is asked for.
    fn lod(&self, level: u8, chunk: usize) -> &ChunkLod {
        self.lods[level_index(level)][chunk].get_or_init(|| self.build_lod(level, chunk))
    }

    /// Chunk `chunk` at level `level` when it was built already.
    fn lod_if_built(&self, level: u8, chunk: usize) -> Option<&ChunkLod> {
        self.lods.get(level_index(level))?.get(chunk)?.get()
    }

    /// The pieces of chunk `chunk` that level `level` keeps: those of the classes drawn at
    /// its zoom, none smaller than a pixel.
    fn kept(&self, level: u8, chunk: usize) -> impl Iterator<Item = u32> + '_ {
        let zoom = f64::from(level);
        // One pixel at this zoom, in world units.
        let pixel = (1.0 / 2f64.powf(zoom)) as f32;
        let pieces = self.chunks.get(chunk).map_or(0..0, |c| c.pieces.clone());
        pieces
            // The classes after one drawn from further in are drawn from further in still.
            .take_while(move |&p| min_zoom(self.pieces[p as usize].class) <= zoom)
            .filter(move |&p| {
                let b = self.pieces[p as usize].bounds;
                ((b[2] - b[0]).max(b[3] - b[1]) as f32) >= pixel
            })
    }

    fn build_lod(&self, level: u8, chunk: usize) -> ChunkLod {
        let zoom = f64::from(level);
        // One pixel at this zoom, in world units.
        let pixel = (1.0 / 2f64.powf(zoom)) as f32;
        let mut lod = ChunkLod::default();
        let mut scratch = Vec::new();
        for p in self.kept(level, chunk) {
            let piece = &self.pieces[p as usize];
            let start = lod.points.len();
            let raw = &self.verts[piece.verts.start as usize..piece.verts.end as usize];
            simplify(raw, pixel, &mut scratch);
            lod.points.extend_from_slice(&scratch);
            miters(&scratch, &mut lod.miters);
            lod.strips.push(Strip {
                piece: p,
                points: start as u32..lod.points.len() as u32,
            });
        }
        lod
    }

    /// Builds every level of detail of every chunk now, coarse to fine.
    pub fn prepare_now(&self) {
        for level in MIN_LEVEL..=MAX_LEVEL {
            for chunk in 0..self.chunks.len() {
                let _ = self.lod(level, chunk);
            }
        }
    }

    /// Builds every level of detail on a background thread (once), coarse to fine, so that
    /// zooming in finds them ready. Only the CPU meshes need them all: the GPU path builds
    /// each level for its upload and drops it.
    pub fn prepare_in_background(self: &Arc<Self>) {
        if self.preparing.swap(true, Ordering::Relaxed) {
            return;
        }
        let layer = Arc::clone(self);
        std::thread::spawn(move || {
            layer.prepare_now();
            layer.prepared.store(true, Ordering::Release);
        });
    }

    /// Whether every level of detail is built (after [`Self::prepare_in_background`]).
    #[must_use]
    pub fn levels_ready(&self) -> bool {
        self.prepared.load(Ordering::Acquire)
    }
}

impl Grid {
    /// A grid over `bounds` with cells of `CELL`, wider when that would make too many.
    fn over(bounds: Option<WorldBounds>) -> Self {
        let Some(b) = bounds else {
            return Self::default();
        };
        let mut cell = CELL;
        let count = |cell: f64| {
            (
                ((b[2] - b[0]) / cell).floor() as usize + 1,
                ((b[3] - b[1]) / cell).floor() as usize + 1,
            )
        };
        while count(cell).0 * count(cell).1 > MAX_CELLS {
            cell *= 2.0;
        }
        let (cols, rows) = count(cell);
        Self {
            origin: World { x: b[0], y: b[1] },
            cell,
            cols,
            rows,
            chunk_of: vec![u32::MAX; cols * rows],
        }
    }

    /// The cell (row-major index) holding a world point of the grid's box.
    fn cell_of(&self, x: f64, y: f64) -> u32 {
        let col = (((x - self.origin.x) / self.cell).floor() as usize).min(self.cols - 1);
        let row = (((y - self.origin.y) / self.cell).floor() as usize).min(self.rows - 1);
        (row * self.cols + col) as u32
    }
}

/// Grows a box to hold another.
fn extend(acc: &mut Option<WorldBounds>, b: WorldBounds) {
    *acc = Some(match *acc {
        None => b,
        Some(a) => [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ],
    });
}

/// Cuts a line into runs of its vertices (neighbouring runs share a vertex) no wider or
/// taller than `side`, except a single segment longer than that.
fn split(line: &[World], side: f64) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if line.len() < 2 {
        return out;
    }
    let mut start = 0;
    let mut b = [line[0].x, line[0].y, line[0].x, line[0].y];
    for (i, w) in line.iter().enumerate().skip(1) {
        let grown = [b[0].min(w.x), b[1].min(w.y), b[2].max(w.x), b[3].max(w.y)];
        if (grown[2] - grown[0] > side || grown[3] - grown[1] > side) && i - start >= 2 {
            out.push(start..i);
            start = i - 1;
            let p = line[start];
            b = [p.x.min(w.x), p.y.min(w.y), p.x.max(w.x), p.y.max(w.y)];
        } else {
            b = grown;
        }
    }
    out.push(start..line.len());
    out
}

/// The line drawn at a zoom where a world unit is `1 / pixel` pixels: vertices closer than a
/// pixel to the last one kept are dropped (the last vertex always stays, in place of the one
/// before it when they are that close), then Douglas–Peucker within half a pixel.
fn simplify(line: &[[f32; 2]], pixel: f32, out: &mut Vec<[f32; 2]>) {
    out.clear();
    let Some((&last, rest)) = line.split_last() else {
        return;
    };
    let d2 = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2);
    let limit = pixel * pixel;
    for &p in rest {
        if out.last().is_none_or(|&q| d2(p, q) >= limit) {
            out.push(p);
        }
    }
    if out.len() >= 2 && out.last().is_some_and(|&q| d2(q, last) < limit) {
        out.pop();
    }
    out.push(last);
    if out.len() <= 2 {
        if out.len() == 1 {
            out.push(last);
        }
        return;
    }
    // Douglas–Peucker, marking the vertices kept.
    let tolerance = pixel * 0.5;
    let mut keep = vec![false; out.len()];
    keep[0] = true;
    keep[out.len() - 1] = true;
    let mut stack = vec![(0, out.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (pa, pb) = (out[a], out[b]);
        let (dx, dy) = (pb[0] - pa[0], pb[1] - pa[1]);
        let len = (dx * dx + dy * dy).sqrt();
        let mut far = (0.0, a);
        for (i, p) in out.iter().enumerate().take(b).skip(a + 1) {
            let d = if len > 0.0 {
                ((p[0] - pa[0]) * dy - (p[1] - pa[1]) * dx).abs() / len
            } else {
                d2(*p, pa).sqrt()
            };
            if d > far.0 {
                far = (d, i);
            }
        }
        if far.0 > tolerance {
            keep[far.1] = true;
            stack.push((a, far.1));
            stack.push((far.1, b));
        }
    }
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Appends the miter of each point of a line to `out`: the unit normal at the ends, the
/// bisector of the neighbouring normals, lengthened so that the edges stay parallel to the
/// segments (at most 2.5 times, on sharp turns).
fn miters(points: &[[f32; 2]], out: &mut Vec<[f32; 2]>) {
    let normal = |a: [f32; 2], b: [f32; 2]| {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        (len > 0.0).then(|| [-dy / len, dx / len])
    };
    let n = points.len();
    let mut previous: Option<[f32; 2]> = None;
    for i in 0..n {
        let next = if i + 1 < n {
            normal(points[i], points[i + 1])
        } else {
            None
        };
        let m = match (previous, next) {
            (Some(a), Some(b)) => {
                let s = [a[0] + b[0], a[1] + b[1]];
                let len = (s[0] * s[0] + s[1] * s[1]).sqrt();
                if len < 1e-4 {
                    b
                } else {
                    let u = [s[0] / len, s[1] / len];
                    let stretch = (1.0 / (u[0] * b[0] + u[1] * b[1]).max(0.4)).min(2.5);
                    [u[0] * stretch, u[1] * stretch]
                }
            }
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => [0.0, 1.0],
        };
        out.push(m);
        if next.is_some() {
            previous = next;
        }
    }
}

#[cfg(test)]
mod tests;

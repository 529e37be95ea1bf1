//! The precinct layer laid out for the GPU, without the GPU: precincts grouped into chunks
//! (cells of a Web-Mercator grid), each chunk with an `f64` origin. A vertex is an `f32`
//! offset from its chunk's origin, so street zooms stay exact to a hundredth of a pixel where
//! absolute `f32` world coordinates would jitter by pixels; each frame, only the chunks'
//! screen offsets are computed (in `f64`) and sent. A chunk's fill triangles and outline
//! segments are contiguous in their index buffers, and chunks are in row order, so culling is
//! a few ranges of indices.

use std::ops::Range;

use bytemuck::{Pod, Zeroable};

use crate::map::coords::meets;
use crate::map::layer::{Lod, PrecinctShapes, View, union};

/// Grid cell (world units; the world is 256 wide) of each level of detail's chunks. At the
/// deepest zoom a level is used for, a cell's `f32` offsets err by under 0.02 pixels (zoom 21
/// for level 0, 11 for level 1, 7 for level 2).
const CELL: [f64; 3] = [1.0 / 8.0, 0.5, 4.0];

/// One vertex: its offset from its chunk's origin (world units) and its precinct.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct Vertex {
    /// World offset from the chunk's origin.
    pub pos: [f32; 2],
    /// The precinct (its colour and chunk are looked up by it).
    pub precinct: u32,
}

/// What the vertex shader knows of a precinct, besides its colour.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct PrecinctMeta {
    /// Its chunk (whose screen offset places it).
    pub chunk: u32,
    /// Its width (world units): its outline is not drawn when it is narrower than a few
    /// points, as on the CPU path.
    pub width: f32,
    /// Its height (world units): smaller than two points both ways, it is drawn as a quad
    /// (as on the CPU path), its triangles dropped.
    pub height: f32,
    /// Keeps the array 16-byte strided.
    pub pad: u32,
}

/// A precinct's box, drawn as a quad while it is smaller than two points.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct BoxQuad {
    /// Its minimum corner, as an offset from its chunk's origin.
    pub min: [f32; 2],
    /// Its width and height (world units).
    pub size: [f32; 2],
    /// The precinct.
    pub precinct: u32,
}

/// One selected precinct's outline segment, drawn as a quad a few points wide.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct Segment {
    /// Start, as an offset from the precinct's chunk origin.
    pub a: [f32; 2],
    /// End, as an offset from the precinct's chunk origin.
    pub b: [f32; 2],
    /// The precinct.
    pub precinct: u32,
}

/// One chunk: where it is and what it draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// World origin of its vertices' offsets.
    pub origin: [f64; 2],
    /// World box around its precincts (infinite when they are all empty).
    pub bounds: [f64; 4],
    /// Its triangles' indices in the fill index buffer.
    pub fills: Range<u32>,
    /// Its outline segments' indices in the line index buffer.
    pub lines: Range<u32>,
    /// Its precincts, as a range of [`Chunks::order`].
    pub precincts: Range<u32>,
}

/// A level of detail's precincts grouped in chunks (what culling and labels need each frame).
#[derive(Clone, Debug, Default)]
pub struct Chunks {
    /// The chunks, in row order of their grid cells.
    pub chunks: Vec<Chunk>,
    /// Precincts in chunk order.
    pub order: Vec<u32>,
    /// Per precinct: its chunk and width.
    pub meta: Vec<PrecinctMeta>,
    /// Vertices of the whole level.
    pub vertex_count: usize,
    /// Fill indices of the whole level.
    pub fill_count: usize,
    /// Line indices of the whole level.
    pub line_count: usize,
    /// The widest precinct (world units), to skip labels while none can be wide enough.
    pub max_width: f64,
}

/// The buffers of a level, ready to upload.
#[derive(Clone, Debug, Default)]
pub struct Packed {
    /// Vertices, in chunk order.
    pub vertices: Vec<Vertex>,
    /// Triangle indices (into `vertices`), chunk by chunk.
    pub fills: Vec<u32>,
    /// Outline segments as pairs of indices (into `vertices`), chunk by chunk.
    pub lines: Vec<u32>,
    /// Every precinct's box, in chunk order.
    pub boxes: Vec<BoxQuad>,
}

/// The outline segments of precinct `i` (pairs of vertex numbers local to the precinct): each
/// ring closed.
fn ring_pairs(lod: &Lod, i: usize) -> impl Iterator<Item = [u32; 2]> + '_ {
    let first = lod.vert_start[i];
    (lod.rings_of[i] as usize..lod.rings_of[i + 1] as usize).flat_map(move |r| {
        let (start, n) = (
            lod.ring_start[r] - first,
            lod.ring_start[r + 1] - lod.ring_start[r],
        );
        (0..if n >= 2 { n } else { 0 }).map(move |k| [start + k, start + (k + 1) % n])
    })
}

/// Groups a level's precincts into chunks.
#[must_use]
pub(crate) fn chunks(shapes: &PrecinctShapes, lod: &Lod, level: usize) -> Chunks {
    let cell = CELL[level];
    let boxes = shapes.boxes();
    let key = |b: &[f64; 4]| {
        if b[0].is_finite() {
            (
                (f64::midpoint(b[1], b[3]) / cell).floor() as i64,
                (f64::midpoint(b[0], b[2]) / cell).floor() as i64,
            )
        } else {
            (i64::MAX, i64::MAX)
        }
    };
    let keys: Vec<(i64, i64)> = boxes.iter().map(key).collect();
    let mut order: Vec<u32> = (0..boxes.len() as u32).collect();
    order.sort_by_key(|&i| keys[i as usize]);
    let mut out = Chunks {
        meta: vec![PrecinctMeta::default(); boxes.len()],
        ..Chunks::default()
    };
    let (mut vertices, mut fills, mut lines) = (0_u32, 0_u32, 0_u32);
    let mut at = 0;
    while at < order.len() {
        let k = keys[order[at] as usize];
        let first = at;
        while at < order.len() && keys[order[at] as usize] == k {
            at += 1;
        }
        let chunk = out.chunks.len() as u32;
        let (fills_start, lines_start) = (fills, lines);
        let members = &order[first..at];
        // Empty precincts (infinite boxes) are left out of the union; a chunk of them only
        // keeps an inverted box that meets no view.
        let bounds = union(members.iter().map(|&p| &boxes[p as usize])).unwrap_or([
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ]);
        for &p in members {
            let i = p as usize;
            let b = boxes[i];
            let (width, height) = if b[0].is_finite() {
                ((b[2] - b[0]) as f32, (b[3] - b[1]) as f32)
            } else {
                (0.0, 0.0)
            };
            out.max_width = out.max_width.max(f64::from(width));
            out.meta[i] = PrecinctMeta {
                chunk,
                width,
                height,
                pad: 0,
            };
            vertices += lod.vert_start[i + 1] - lod.vert_start[i];
            fills += lod.index_start[i + 1] - lod.index_start[i];
            lines += 2 * ring_pairs(lod, i).count() as u32;
        }
        out.chunks.push(Chunk {
            origin: [k.1 as f64 * cell, k.0 as f64 * cell],
            bounds,
            fills: fills_start..fills,
            lines: lines_start..lines,
            precincts: first as u32..at as u32,
        });
    }
    out.order = order;
    out.vertex_count = vertices as usize;
    out.fill_count = fills as usize;
    out.line_count = lines as usize;
    out
}

/// A precinct's origin relative to its chunk's (world units), in `f64`.
fn shift(shapes: &PrecinctShapes, chunks: &Chunks, i: usize) -> [f64; 2] {
    let b = shapes.boxes()[i];
    let o = chunks.chunks[chunks.meta[i].chunk as usize].origin;
    if b[0].is_finite() {
        [b[0] - o[0], b[1] - o[1]]
    } else {
        [0.0, 0.0]
    }
}

/// Lays a level's vertices and indices out chunk by chunk.
#[must_use]
pub(crate) fn pack(shapes: &PrecinctShapes, lod: &Lod, chunks: &Chunks) -> Packed {
    let mut out = Packed {
        vertices: Vec::with_capacity(chunks.vertex_count),
        fills: Vec::with_capacity(chunks.fill_count),
        lines: Vec::with_capacity(chunks.line_count),
        boxes: Vec::with_capacity(chunks.order.len()),
    };
    for &p in &chunks.order {
        let i = p as usize;
        let [dx, dy] = shift(shapes, chunks, i);
        let base = out.vertices.len() as u32;
        let (v0, v1) = (lod.vert_start[i] as usize, lod.vert_start[i + 1] as usize);
        out.vertices
            .extend(lod.verts[v0..v1].iter().map(|v| Vertex {
                pos: [(dx + f64::from(v[0])) as f32, (dy + f64::from(v[1])) as f32],
                precinct: p,
            }));
        let (i0, i1) = (lod.index_start[i] as usize, lod.index_start[i + 1] as usize);
        out.fills
            .extend(lod.indices[i0..i1].iter().map(|&k| base + k));
        out.lines
            .extend(ring_pairs(lod, i).flat_map(|[a, b]| [base + a, base + b]));
        let m = chunks.meta[i];
        out.boxes.push(BoxQuad {
            min: [dx as f32, dy as f32],
            size: [m.width, m.height],
            precinct: p,
        });
    }
    out
}

/// The outline segments of some precincts (the selection) at a level of detail, offsets from
/// their chunks' origins, in chunk order (a frame draws those of the chunks it sent offsets
/// for); each precinct's rings are simplified for it alone.
#[must_use]
pub(crate) fn segments(
    shapes: &PrecinctShapes,
    level: usize,
    chunks: &Chunks,
    precincts: impl IntoIterator<Item = usize>,
) -> Vec<Segment> {
    let mut order: Vec<usize> = precincts
        .into_iter()
        .filter(|&i| i < chunks.meta.len())
        .collect();
    order.sort_by_key(|&i| (chunks.meta[i].chunk, i));
    let mut out = Vec::new();
    for i in order {
        let lod = shapes.precinct_outline(i, level);
        let [dx, dy] = shift(shapes, chunks, i);
        let at = |v: [f32; 2]| [(dx + f64::from(v[0])) as f32, (dy + f64::from(v[1])) as f32];
        for r in lod.rings_of[0] as usize..lod.rings_of[1] as usize {
            out.extend(lod.ring_segments(r).map(|(a, b)| Segment {
                a: at(a),
                b: at(b),
                precinct: i as u32,
            }));
        }
    }
    out
}

/// What one frame draws of a level: merged index ranges and the chunks' screen offsets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visible {
    /// Ranges of the fill index buffer (consecutive visible chunks merged).
    pub fills: Vec<Range<u32>>,
    /// Ranges of the line index buffer.
    pub lines: Vec<Range<u32>>,
    /// Ranges of the box buffer (precincts in chunk order).
    pub boxes: Vec<Range<u32>>,
    /// The first chunk whose offset is in `offsets`.
    pub first_chunk: u32,
    /// Screen offsets (points from the map's top-left corner) of chunks `first_chunk..`.
    pub offsets: Vec<[f32; 2]>,
}

impl Visible {
    /// Precincts whose chunk is on screen (an upper bound of those drawn).
    #[must_use]
    pub fn precincts(&self) -> usize {
        self.boxes.iter().map(|r| (r.end - r.start) as usize).sum()
    }
}

impl Chunks {
    /// The chunks meeting the view, their ranges merged where they follow one another.
    #[must_use]
    pub fn visible(&self, view: &View) -> Visible {
        let in_view = view.world_bounds();
        let half = [
            f64::from(view.rect.width()) / 2.0,
            f64::from(view.rect.height()) / 2.0,
        ];
        let mut out = Visible::default();
        let mut first = None;
        for (k, c) in self.chunks.iter().enumerate() {
            if !meets(c.bounds, in_view) {
                continue;
            }
            let k = k as u32;
            let start = *first.get_or_insert(k);
            // Offsets are sent for every chunk from the first visible to the last.
            for j in (start + out.offsets.len() as u32)..=k {
                let o = self.chunks[j as usize].origin;
                out.offsets.push([
                    ((o[0] - view.center.x) * view.scale + half[0]) as f32,
                    ((o[1] - view.center.y) * view.scale + half[1]) as f32,
                ]);
            }
            merge(&mut out.fills, c.fills.clone());
            merge(&mut out.lines, c.lines.clone());
            merge(&mut out.boxes, c.precincts.clone());
        }
        out.first_chunk = first.unwrap_or(0);
        out
    }
}

/// Adds `range` to `ranges`, extending the last one when they touch.
fn merge(ranges: &mut Vec<Range<u32>>, range: Range<u32>) {
    if range.is_empty() {
        return;
    }
    match ranges.last_mut() {
        Some(last) if last.end == range.start => last.end = range.end,
        _ => ranges.push(range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::coords::World;
    use egui::{Pos2, Rect, vec2};
    use geo_types::MultiPolygon;

    fn shapes(n: usize) -> PrecinctShapes {
        let cells = crate::synth::voronoi_precincts(n, (0.0, 40.0, 3.0, 42.0), 7);
        PrecinctShapes::new(
            cells
                .into_iter()
                .map(|c| c.geometry)
                .collect::<Vec<MultiPolygon<f64>>>(),
        )
    }

    #[test]
    fn every_vertex_lands_where_the_level_puts_it_and_every_triangle_and_segment_is_kept() {
        let shapes = shapes(300);
        for level in 0..3 {
            let lod = shapes.lod(level);
            let chunks = chunks(&shapes, lod, level);
            let packed = pack(&shapes, lod, &chunks);
            assert_eq!(packed.vertices.len(), lod.verts.len());
            assert_eq!(packed.fills.len(), lod.indices.len());
            assert_eq!(packed.vertices.len(), chunks.vertex_count);
            assert_eq!(packed.lines.len(), chunks.line_count);
            // Each precinct's rings become closed loops of its own vertices: one segment per
            // ring point.
            let ring_points: usize = (0..shapes.len())
                .map(|i| {
                    (lod.rings_of[i] as usize..lod.rings_of[i + 1] as usize)
                        .map(|r| (lod.ring_start[r + 1] - lod.ring_start[r]) as usize)
                        .sum::<usize>()
                })
                .sum();
            assert_eq!(packed.lines.len(), 2 * ring_points);
            for v in &packed.vertices {
                let i = v.precinct as usize;
                let chunk = &chunks.chunks[chunks.meta[i].chunk as usize];
                let world = [
                    chunk.origin[0] + f64::from(v.pos[0]),
                    chunk.origin[1] + f64::from(v.pos[1]),
                ];
                let b = shapes.boxes()[i];
                assert!(
                    world[0] >= b[0] - 1e-6 && world[0] <= b[2] + 1e-6,
                    "level {level}: precinct {i} vertex outside its box"
                );
                assert!(world[1] >= b[1] - 1e-6 && world[1] <= b[3] + 1e-6);
            }
            // A chunk's indices only name its own precincts' vertices.
            for c in &chunks.chunks {
                let own: std::collections::HashSet<u32> = chunks.order
                    [c.precincts.start as usize..c.precincts.end as usize]
                    .iter()
                    .copied()
                    .collect();
                for &k in &packed.fills[c.fills.start as usize..c.fills.end as usize] {
                    assert!(own.contains(&packed.vertices[k as usize].precinct));
                }
                for &k in &packed.lines[c.lines.start as usize..c.lines.end as usize] {
                    assert!(own.contains(&packed.vertices[k as usize].precinct));
                }
            }
        }
    }

    #[test]
    fn outline_segments_join_the_same_points_as_the_rings() {
        let shapes = shapes(40);
        let lod = shapes.lod(0);
        let chunks = chunks(&shapes, lod, 0);
        let packed = pack(&shapes, lod, &chunks);
        let mut from_lines: Vec<[u32; 4]> = packed
            .lines
            .chunks(2)
            .map(|p| {
                let (a, b) = (
                    packed.vertices[p[0] as usize],
                    packed.vertices[p[1] as usize],
                );
                [
                    a.pos[0].to_bits(),
                    a.pos[1].to_bits(),
                    b.pos[0].to_bits(),
                    b.pos[1].to_bits(),
                ]
            })
            .collect();
        let mut from_rings: Vec<[u32; 4]> = segments(&shapes, 0, &chunks, 0..shapes.len())
            .iter()
            .map(|s| {
                [
                    s.a[0].to_bits(),
                    s.a[1].to_bits(),
                    s.b[0].to_bits(),
                    s.b[1].to_bits(),
                ]
            })
            .collect();
        from_lines.sort_unstable();
        from_rings.sort_unstable();
        assert_eq!(from_lines, from_rings);
    }

    #[test]
    fn a_street_view_draws_few_chunks_whose_offsets_place_vertices_exactly() {
        let shapes = shapes(2000);
        let lod = shapes.lod(0);
        let chunks = chunks(&shapes, lod, 0);
        let packed = pack(&shapes, lod, &chunks);
        let centre = World::from_lon_lat(1.5, 41.0);
        let view = View {
            rect: Rect::from_min_size(Pos2::new(10.0, 20.0), vec2(800.0, 600.0)),
            center: centre,
            scale: 2f64.powi(19),
        };
        let visible = chunks.visible(&view);
        assert!(!visible.fills.is_empty() && visible.fills.len() <= 4);
        let drawn: u32 = visible.fills.iter().map(|r| r.end - r.start).sum();
        assert!(
            (drawn as usize) < packed.fills.len() / 20,
            "culled to a few chunks"
        );
        // A vertex placed by its chunk's offset (f32) is where the f64 view puts it, to a
        // hundredth of a point, at zoom 19.
        for r in &visible.fills {
            for &k in &packed.fills[r.start as usize..r.end as usize] {
                let v = packed.vertices[k as usize];
                let chunk = chunks.meta[v.precinct as usize].chunk;
                let offset = visible.offsets[(chunk - visible.first_chunk) as usize];
                let gpu = [
                    offset[0] + v.pos[0] * view.scale as f32,
                    offset[1] + v.pos[1] * view.scale as f32,
                ];
                let c = &chunks.chunks[chunk as usize];
                let world = World {
                    x: c.origin[0] + f64::from(v.pos[0]),
                    y: c.origin[1] + f64::from(v.pos[1]),
                };
                let exact = view.to_screen(world) - view.rect.min;
                assert!((gpu[0] - exact.x).abs() < 0.01 && (gpu[1] - exact.y).abs() < 0.01);
            }
        }
        // Zoomed out, every chunk is drawn, in one range.
        let whole = View {
            scale: 2f64.powi(6),
            ..view
        };
        let all = chunks.visible(&whole);
        assert_eq!(all.fills, vec![0..packed.fills.len() as u32]);
        assert_eq!(all.precincts(), shapes.len());
    }
}

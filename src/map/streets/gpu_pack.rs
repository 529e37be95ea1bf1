//! The street map's levels of detail packed for the GPU, and what one frame draws of a level:
//! no wgpu here, so that packing and culling are tested without a device.
//!
//! A level is every chunk's pieces at that zoom's detail: their points (offset from the
//! chunk's cell, with their miters) and their segments, grouped by look and, inside a look,
//! by chunk, so that a frame draws each look's on-screen chunks as a few ranges, minor looks
//! first, every casing before every fill (as the CPU meshes are drawn).

use std::ops::Range;

use bytemuck::{Pod, Zeroable};
use egui::Color32;

use super::draw::{ClassStyle, DRAW_ORDER, LOOKS, band, look_of};
use super::{ChunkLod, StreetLayer, level_for};
use crate::map::gpu::floats;
use crate::map::layer::View;

/// A point of a line: its offset from its chunk's cell (world units) and its miter.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct Point {
    /// Offset from the chunk's cell corner.
    pub pos: [f32; 2],
    /// The line's edge at half a point of width.
    pub miter: [f32; 2],
}

/// A segment: its first point (the next is its other end) and what it belongs to.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct Segment {
    /// Its first point in the level's points.
    pub point: u32,
    /// `chunk << 8 | look << 2 | first << 1 | last`: first and last say it ends its piece.
    pub info: u32,
}

#[cfg(test)]
impl Segment {
    /// The chunk it is in.
    #[must_use]
    pub fn chunk(self) -> u32 {
        self.info >> 8
    }

    /// Its look (a road class, or pedestrian streets).
    #[must_use]
    pub fn look(self) -> usize {
        ((self.info >> 2) & 7) as usize
    }
}

/// One chunk's segments of one look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkRange {
    /// The chunk.
    pub chunk: u32,
    /// Its segments of the look.
    pub segments: Range<u32>,
}

/// A level of detail packed for upload.
#[derive(Debug, Default)]
pub struct Packed {
    /// Every piece's points, in chunk order.
    pub points: Vec<Point>,
    /// Segments grouped by look, then by chunk.
    pub segments: Vec<Segment>,
    /// Per look: its chunks' segments, by chunk.
    pub ranges: Vec<Vec<ChunkRange>>,
}

/// The most chunks a segment can name (24 bits): more than a grid may have cells.
const MAX_CHUNKS: usize = 1 << 24;
const _: () = assert!(super::MAX_CELLS <= MAX_CHUNKS);

/// Packs level `level` of every chunk of `layer`. Chunks already built for the CPU are read
/// as they are; the others are built for the upload and dropped after it.
#[must_use]
pub fn pack(layer: &StreetLayer, level: u8) -> Packed {
    let mut points = Vec::new();
    let mut per_look: Vec<Vec<Segment>> = vec![Vec::new(); LOOKS];
    let mut ranges: Vec<Vec<ChunkRange>> = vec![Vec::new(); LOOKS];
    for chunk in 0..layer.chunks.len() {
        let built;
        let lod: &ChunkLod = if let Some(lod) = layer.lod_if_built(level, chunk) {
            lod
        } else {
            built = layer.build_lod(level, chunk);
            &built
        };
        for strip in &lod.strips {
            let piece = &layer.pieces[strip.piece as usize];
            let look = look_of(piece.pedestrian, piece.class);
            let (a, e) = (strip.points.start as usize, strip.points.end as usize);
            if e < a + 2 {
                continue;
            }
            let first = points.len() as u32;
            points.extend(
                lod.points[a..e]
                    .iter()
                    .zip(&lod.miters[a..e])
                    .map(|(&pos, &miter)| Point { pos, miter }),
            );
            let last = (e - a - 2) as u32;
            let segments = &mut per_look[look];
            let start = segments.len() as u32;
            segments.extend((0..=last).map(|i| Segment {
                point: first + i,
                info: (chunk as u32) << 8
                    | (look as u32) << 2
                    | u32::from(i == 0) << 1
                    | u32::from(i == last),
            }));
            let end = segments.len() as u32;
            match ranges[look].last_mut() {
                Some(r) if r.chunk == chunk as u32 => r.segments.end = end,
                _ => ranges[look].push(ChunkRange {
                    chunk: chunk as u32,
                    segments: start..end,
                }),
            }
        }
    }
    // One buffer of segments: each look's after the one before, its ranges moved with it.
    let mut segments = Vec::with_capacity(per_look.iter().map(Vec::len).sum());
    for (look, own) in per_look.into_iter().enumerate() {
        let shift = segments.len() as u32;
        for r in &mut ranges[look] {
            r.segments = r.segments.start + shift..r.segments.end + shift;
        }
        segments.extend(own);
    }
    Packed {
        points,
        segments,
        ranges,
    }
}

/// How one look is drawn on the GPU in one pass (the shader's `Look`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct LookUniform {
    /// Inner and outer half widths (points), the caps' length (0: none), unused.
    pub geom: [f32; 4],
    /// Premultiplied, gamma space.
    pub colour: [f32; 4],
}

impl LookUniform {
    /// A line `half` points wide on each side, as `draw::strip_mesh` draws it.
    fn new(half: f32, colour: Color32, cap: bool) -> Self {
        let (inner, outer, colour) = band(half, colour);
        Self {
            geom: [inner, outer, if cap { half } else { 0.0 }, 0.0],
            colour: floats(colour),
        }
    }
}

/// The uniform of one frame (the shader's `Frame`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct Frame {
    size: [f32; 2],
    scale: f32,
    cell: f32,
    origin: [f32; 2],
    base: [i32; 2],
    looks: [LookUniform; 2 * LOOKS],
}

/// What one frame draws: the uniform and the segment ranges of each pass (0: casings, 1:
/// fills), in drawing order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draws {
    /// The frame's uniform.
    pub frame: Frame,
    /// (pass, segments), casings first, minor looks first.
    pub ranges: Vec<(u32, Range<u32>)>,
}

#[cfg(test)]
impl Draws {
    /// How many segments are drawn (each pass counted).
    #[must_use]
    pub fn segments(&self) -> usize {
        self.ranges
            .iter()
            .map(|(_, r)| (r.end - r.start) as usize)
            .sum()
    }
}

/// The looks in drawing order (minor first).
fn by_position() -> [usize; LOOKS] {
    let mut out = [0; LOOKS];
    for (look, &position) in DRAW_ORDER.iter().enumerate() {
        out[position] = look;
    }
    out
}

/// What a frame at `view` under `opacity` draws of `ranges` (a level's, see [`Packed`]).
#[must_use]
pub fn draws(layer: &StreetLayer, ranges: &[Vec<ChunkRange>], view: &View, opacity: f32) -> Draws {
    let zoom = view.scale.log2();
    let styles: Vec<Option<ClassStyle>> = (0..LOOKS)
        .map(|k| ClassStyle::at(k, zoom, opacity))
        .collect();
    let g = &layer.grid;
    let col = ((view.center.x - g.origin.x) / g.cell).floor();
    let row = ((view.center.y - g.origin.y) / g.cell).floor();
    let half = [
        f64::from(view.rect.width()) / 2.0,
        f64::from(view.rect.height()) / 2.0,
    ];
    let mut frame = Frame {
        size: [view.rect.width(), view.rect.height()],
        scale: view.scale as f32,
        cell: (g.cell * view.scale) as f32,
        origin: [
            ((g.origin.x + col * g.cell - view.center.x) * view.scale + half[0]) as f32,
            ((g.origin.y + row * g.cell - view.center.y) * view.scale + half[1]) as f32,
        ],
        base: [col as i32, row as i32],
        looks: [LookUniform::default(); 2 * LOOKS],
    };
    for (look, style) in styles.iter().enumerate() {
        if let Some(st) = style {
            let cap = st.casing > 0.0;
            frame.looks[look] = LookUniform::new(st.casing, st.casing_colour, cap);
            frame.looks[LOOKS + look] = LookUniform::new(st.fill, st.fill_colour, cap);
        }
    }
    let visible: Vec<u32> = if super::shown_at(zoom) {
        layer
            .chunks_in(view.world_bounds())
            .map(|k| k as u32)
            .collect()
    } else {
        Vec::new()
    };
    // Per look, its on-screen chunks' ranges, merged where they follow one another.
    let mut on_screen: Vec<Vec<Range<u32>>> = vec![Vec::new(); LOOKS];
    for (look, own) in ranges.iter().enumerate() {
        if styles[look].is_none() {
            continue;
        }
        for &chunk in &visible {
            let i = own.partition_point(|r| r.chunk < chunk);
            if let Some(r) = own.get(i).filter(|r| r.chunk == chunk) {
                match on_screen[look].last_mut() {
                    Some(last) if last.end == r.segments.start => last.end = r.segments.end,
                    _ => on_screen[look].push(r.segments.clone()),
                }
            }
        }
    }
    let order = by_position();
    let mut out = Vec::new();
    for pass in 0..2_u32 {
        for &look in &order {
            let Some(st) = styles[look] else { continue };
            if pass == 0 && st.casing <= 0.0 {
                continue;
            }
            out.extend(on_screen[look].iter().map(|r| (pass, r.clone())));
        }
    }
    Draws { frame, ranges: out }
}

/// The level a frame at `view` draws.
#[must_use]
pub fn level_of(view: &View) -> u8 {
    level_for(view.scale.log2())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::coords::World;
    use crate::map::streets::tests::{grid, view_at};

    #[test]
    fn a_packed_level_keeps_every_point_and_segment_grouped_by_look_then_chunk() {
        let layer = StreetLayer::new(&grid());
        for level in [12, 16, 18] {
            let packed = pack(&layer, level);
            let (mut points, mut segments, mut strips) = (0, 0, 0);
            for k in 0..layer.chunks.len() {
                let lod = layer.lod(level, k);
                points += lod.points.len();
                segments += lod.strips.iter().map(|s| s.points.len() - 1).sum::<usize>();
                strips += lod.strips.len();
            }
            assert!(segments > 0);
            assert_eq!(packed.points.len(), points, "level {level}: every point");
            assert_eq!(
                packed.segments.len(),
                segments,
                "level {level}: every segment"
            );
            let firsts = packed.segments.iter().filter(|s| s.info & 2 != 0).count();
            let lasts = packed.segments.iter().filter(|s| s.info & 1 != 0).count();
            assert_eq!(
                (firsts, lasts),
                (strips, strips),
                "each piece starts and ends once"
            );
            let keys: Vec<(usize, u32)> = packed
                .segments
                .iter()
                .map(|s| (s.look(), s.chunk()))
                .collect();
            assert!(keys.is_sorted(), "grouped by look, then by chunk");
            for (look, ranges) in packed.ranges.iter().enumerate() {
                for r in ranges {
                    let own = &packed.segments[r.segments.start as usize..r.segments.end as usize];
                    assert!(own.iter().all(|s| s.look() == look && s.chunk() == r.chunk));
                }
            }
            let ranged: u32 = packed
                .ranges
                .iter()
                .flatten()
                .map(|r| r.segments.end - r.segments.start)
                .sum();
            assert_eq!(ranged as usize, segments, "the ranges cover every segment");
            // A segment's two ends are points of the same piece, in order.
            for s in &packed.segments {
                let (a, b) = (
                    packed.points[s.point as usize],
                    packed.points[s.point as usize + 1],
                );
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_frame_draws_the_chunks_on_screen_casings_first_and_minor_streets_under_major_ones() {
        let layer = StreetLayer::new(&grid());
        let view = view_at(24.915, 60.158, 16.0);
        let level = level_of(&view);
        let packed = pack(&layer, level);
        let draws = draws(&layer, &packed.ranges, &view, 1.0);
        assert!(draws.segments() > 0);
        let on_screen: Vec<u32> = layer
            .chunks_in(view.world_bounds())
            .map(|k| k as u32)
            .collect();
        let mut drawn_chunks = std::collections::HashSet::new();
        let mut last = (0, 0);
        for (pass, range) in &draws.ranges {
            let own = &packed.segments[range.start as usize..range.end as usize];
            let look = own[0].look();
            assert!(own.iter().all(|s| s.look() == look));
            // Casings, then fills; inside each, looks in drawing order.
            let key = (*pass, DRAW_ORDER[look]);
            assert!(key >= last, "{key:?} after {last:?}");
            last = key;
            for s in own {
                assert!(on_screen.contains(&s.chunk()), "only chunks on screen");
                drawn_chunks.insert(s.chunk());
            }
        }
        for k in on_screen {
            let has_segments = packed.ranges.iter().flatten().any(|r| r.chunk == k);
            assert_eq!(drawn_chunks.contains(&k), has_segments, "chunk {k}");
        }
        // Zoomed out past the coarsest level, nothing.
        let far = view_at(24.915, 60.158, 4.0);
        assert!(draws_at(&layer, &far).ranges.is_empty());
    }

    fn draws_at(layer: &StreetLayer, view: &View) -> Draws {
        draws(layer, &pack(layer, level_of(view)).ranges, view, 1.0)
    }

    #[test]
    fn the_gpu_puts_points_where_the_cpu_meshes_do_to_a_hundredth_of_a_point_at_zoom_19() {
        let layer = StreetLayer::new(&grid());
        for zoom in [13.3, 17.0, 19.0] {
            let view = view_at(24.931, 60.163, zoom);
            let f = draws_at(&layer, &view).frame;
            for k in layer.chunks_in(view.world_bounds()) {
                let lod = layer.lod(level_of(&view), k);
                let origin = layer.chunks[k].origin;
                let cell = layer.chunks[k].cell;
                for p in lod.points.iter().step_by(7) {
                    // The shader's sum, in f32 as on the GPU.
                    let gpu = [0, 1].map(|i| {
                        f.origin[i] + (cell[i] - f.base[i]) as f32 * f.cell + p[i] * f.scale
                    });
                    let cpu = view.to_screen(World {
                        x: origin.x + f64::from(p[0]),
                        y: origin.y + f64::from(p[1]),
                    });
                    let d = (gpu[0] - cpu.x).abs().max((gpu[1] - cpu.y).abs());
                    assert!(d < 0.01, "zoom {zoom}: {d} points apart");
                }
            }
        }
    }

    #[test]
    #[allow(clippy::float_cmp)] // Halves and sums of halves: exact.
    fn each_look_is_as_wide_and_as_faint_as_the_cpu_draws_it() {
        let wide = LookUniform::new(3.0, Color32::WHITE, true);
        assert_eq!(wide.geom, [2.5, 3.5, 3.0, 0.0]);
        assert_eq!(wide.colour, [1.0; 4]);
        // Thinner than a point: a point-wide ramp, fainter, no caps asked.
        let thin = LookUniform::new(0.25, Color32::WHITE, false);
        assert_eq!(thin.geom, [0.0, 1.0, 0.0, 0.0]);
        assert!(thin.colour[3] < 0.6 && thin.colour[3] > 0.4);
    }
}

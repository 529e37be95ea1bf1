// The precinct layer on the GPU: fills, hairline outlines and the selection's wide outlines.
// Positions are offsets from a chunk's origin (world units); each frame sends the chunks'
// screen offsets (points from the map's top-left corner) and the scale.

struct Frame {
    // The map's size in points.
    size: vec2<f32>,
    // Points per world unit.
    scale: f32,
    // A precinct narrower than this (points) gets no hairline outline.
    outline_min: f32,
    // Outline and selection colours: premultiplied, gamma space.
    outline: vec4<f32>,
    highlight: vec4<f32>,
    // Selection outline width (points).
    highlight_width: f32,
    // Smaller than this (points) both ways, a precinct is drawn as a quad of its box.
    small: f32,
    _pad0: f32,
    _pad1: f32,
};

struct Meta {
    chunk: u32,
    width: f32,
    height: f32,
    pad: u32,
};

fn small(precinct: u32) -> bool {
    let m = metas[precinct];
    return m.width * frame.scale < frame.small && m.height * frame.scale < frame.small;
}

// A position outside the view: a triangle or line with all its corners there is dropped
// before it is rasterised.
const AWAY: vec4<f32> = vec4<f32>(2.0, 2.0, 0.0, 1.0);

// Group 0, kept by the renderer: the frame and the colours.
@group(0) @binding(0) var<uniform> frame: Frame;
// Per precinct: premultiplied RGBA8 (egui's Color32), red in the lowest byte.
@group(0) @binding(1) var<storage, read> colours: array<u32>;
// Group 1, one per level of detail: the chunks' screen offsets and the precincts' metas.
@group(1) @binding(0) var<storage, read> offsets: array<vec2<f32>>;
@group(1) @binding(1) var<storage, read> metas: array<Meta>;


fn screen(pos: vec2<f32>, precinct: u32) -> vec2<f32> {
    return offsets[metas[precinct].chunk] + pos * frame.scale;
}

@vertex
fn vs_fill(@location(0) pos: vec2<f32>, @location(1) precinct: u32) -> Out {
    var out: Out;
    if small(precinct) {
        out.position = AWAY;
    } else {
        out.position = clip(screen(pos, precinct));
    }
    out.colour = unpack4x8unorm(colours[precinct]);
    return out;
}

@vertex
fn vs_box(
    @builtin(vertex_index) corner: u32,
    @location(0) min: vec2<f32>,
    @location(1) size: vec2<f32>,
    @location(2) precinct: u32,
) -> Out {
    var out: Out;
    var xs = array<f32, 6>(0.0, 1.0, 0.0, 1.0, 1.0, 0.0);
    var ys = array<f32, 6>(0.0, 0.0, 1.0, 0.0, 1.0, 1.0);
    if small(precinct) {
        // At least half a point each way, as on the CPU path.
        let extent = max(size * frame.scale, vec2<f32>(0.5, 0.5));
        out.position = clip(screen(min, precinct) + vec2<f32>(xs[corner], ys[corner]) * extent);
    } else {
        out.position = AWAY;
    }
    out.colour = unpack4x8unorm(colours[precinct]);
    return out;
}

@vertex
fn vs_line(@location(0) pos: vec2<f32>, @location(1) precinct: u32) -> Out {
    var out: Out;
    if metas[precinct].width * frame.scale < frame.outline_min {
        // Too narrow to outline: both ends put away, so the segment is dropped.
        out.position = AWAY;
    } else {
        out.position = clip(screen(pos, precinct));
    }
    out.colour = frame.outline;
    return out;
}

@vertex
fn vs_highlight(
    @builtin(vertex_index) corner: u32,
    @location(0) a: vec2<f32>,
    @location(1) b: vec2<f32>,
    @location(2) precinct: u32,
) -> Out {
    var out: Out;
    let pa = screen(a, precinct);
    let pb = screen(b, precinct);
    let d = pb - pa;
    let len = length(d);
    var along = vec2<f32>(1.0, 0.0);
    if len > 0.0001 {
        along = d / len;
    }
    let across = vec2<f32>(-along.y, along.x) * (frame.highlight_width * 0.5);
    // Two triangles: corners (end, side) of the quad, each end pushed out by half the width
    // so that segments meet without notches.
    var ends = array<f32, 6>(0.0, 0.0, 1.0, 0.0, 1.0, 1.0);
    var sides = array<f32, 6>(-1.0, 1.0, -1.0, 1.0, 1.0, -1.0);
    let end = ends[corner];
    let p = mix(pa - along * frame.highlight_width * 0.5, pb + along * frame.highlight_width * 0.5, end)
        + across * sides[corner];
    out.position = clip(p);
    out.colour = frame.highlight;
    return out;
}

// `Out`, `fs_gamma` and `fs_linear` are in colour.wgsl, appended to this source.

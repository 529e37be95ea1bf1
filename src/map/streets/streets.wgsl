// The street map on the GPU, drawn as the CPU meshes are (`draw.rs`): each segment of a
// street's line is three quads across it (a feathered edge a point wide, the body, the other
// edge), at the half widths and colours of its look for this zoom. Points are offsets from
// their chunk's grid cell (world units); each frame sends the scale, the screen position of
// the cell under the view's centre and the cell's side in points, so that positions stay
// exact at street zooms. Each segment is an instance; one pipeline draws casings, the other
// fills.

struct Look {
    // Inner and outer half widths (points), the caps' length (0: none), unused.
    geom: vec4<f32>,
    // Premultiplied, gamma space.
    colour: vec4<f32>,
};

struct Frame {
    // The map's size in points.
    size: vec2<f32>,
    // Points per world unit.
    scale: f32,
    // A grid cell's side in points.
    cell: f32,
    // The screen position (points from the map's corner) of cell `base`'s corner.
    origin: vec2<f32>,
    base: vec2<i32>,
    // Casings of each look, then fills.
    looks: array<Look, 16>,
};

@group(0) @binding(0) var<uniform> frame: Frame;
// Per point: its offset from its chunk's cell (xy, world units) and its miter (zw: the edge's
// offset at half a point of width).
@group(1) @binding(0) var<storage, read> points: array<vec4<f32>>;
// Per segment: its first point, then chunk << 8 | look << 2 | first segment << 1 | last.
@group(1) @binding(1) var<storage, read> segments: array<vec2<u32>>;
// Per chunk: its grid cell (column, row).
@group(1) @binding(2) var<storage, read> cells: array<vec2<i32>>;

// Corner `slot` (0 to 7: end × 4 + across, across being an edge's outside and inside, the
// other edge's inside and outside) of segment `s`, for casings (`layer` 0) or fills (1). The
// index buffer makes each segment's three quads of the eight corners, as the CPU's indices:
// (end, across) = (0, k), (0, k+1), (1, k), (0, k+1), (1, k+1), (1, k) for band k.
fn street(slot: u32, s: u32, layer: u32) -> Out {
    let segment = segments[s];
    let end = slot / 4u;
    let across = slot % 4u;
    let info = segment.y;
    let look = frame.looks[layer * 8u + ((info >> 2u) & 7u)];
    let point = points[segment.x + end];
    let miter = point.zw;
    var pos = point.xy * frame.scale;
    // Square caps at the piece's ends, so that pieces meeting at an angle leave no notch.
    let tangent = vec2<f32>(miter.y, -miter.x);
    if end == 0u && (info & 2u) != 0u {
        pos -= tangent * look.geom.z;
    }
    if end == 1u && (info & 1u) != 0u {
        pos += tangent * look.geom.z;
    }
    var lateral = array<f32, 4>(look.geom.y, look.geom.x, -look.geom.x, -look.geom.y);
    var alpha = array<f32, 4>(0.0, 1.0, 1.0, 0.0);
    let cell = vec2<f32>(cells[info >> 8u] - frame.base) * frame.cell;
    var out: Out;
    out.position = clip(frame.origin + cell + pos + miter * lateral[across]);
    out.colour = look.colour * alpha[across];
    return out;
}

@vertex
fn vs_casing(@builtin(vertex_index) slot: u32, @builtin(instance_index) s: u32) -> Out {
    return street(slot, s, 0u);
}

@vertex
fn vs_fill(@builtin(vertex_index) slot: u32, @builtin(instance_index) s: u32) -> Out {
    return street(slot, s, 1u);
}

// The street map on the GPU, drawn as the CPU meshes are (`draw.rs`): each segment of a
// street's line is three quads across it (a feathered edge a point wide, the body, the other
// edge), at the half widths and colours of its look for this zoom. Points are offsets from
// their chunk's grid cell (world units); each frame sends the scale, the screen position of
// the cell under the view's centre and the cell's side in points, so that positions stay
// exact at street zooms. Instance 0 draws casings, instance 1 fills.

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

@vertex
fn vs_street(@builtin(vertex_index) index: u32, @builtin(instance_index) layer: u32) -> Out {
    let segment = segments[index / 18u];
    let corner = index % 18u;
    // The band (0: one edge, 1: the body, 2: the other edge) and the corner of its quad, as
    // the CPU's indices: (end, across) = (0, k), (0, k+1), (1, k), (0, k+1), (1, k+1), (1, k).
    let band = corner / 6u;
    var ends = array<u32, 6>(0u, 0u, 1u, 0u, 1u, 1u);
    var steps = array<u32, 6>(0u, 1u, 0u, 1u, 1u, 0u);
    let end = ends[corner % 6u];
    let across = band + steps[corner % 6u];
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

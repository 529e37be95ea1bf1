// What the map's GPU layers share (appended to each layer's shader): the vertex output, the
// position of a screen point, and the fragment shaders, for a window in gamma space or sRGB.
// Each layer's `Frame` uniform starts with the map's size in points.

struct Out {
    @builtin(position) position: vec4<f32>,
    @location(0) colour: vec4<f32>,
};

fn clip(points: vec2<f32>) -> vec4<f32> {
    let ndc = points / frame.size * 2.0 - vec2<f32>(1.0, 1.0);
    return vec4<f32>(ndc.x, -ndc.y, 0.0, 1.0);
}

@fragment
fn fs_gamma(in: Out) -> @location(0) vec4<f32> {
    return in.colour;
}

fn linear_from_gamma(srgb: vec3<f32>) -> vec3<f32> {
    let cutoff = srgb < vec3<f32>(0.04045);
    let lower = srgb / vec3<f32>(12.92);
    let higher = pow((srgb + vec3<f32>(0.055)) / vec3<f32>(1.055), vec3<f32>(2.4));
    return select(higher, lower, cutoff);
}

@fragment
fn fs_linear(in: Out) -> @location(0) vec4<f32> {
    return vec4<f32>(linear_from_gamma(in.colour.rgb), in.colour.a);
}

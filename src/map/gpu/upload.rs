//! Levels of detail uploaded to the GPU on a background thread, coarse to fine, as soon as a
//! campaign's shapes are shown: a frame never waits for a level to be packed or copied; until
//! the level it wants is there, it draws the nearest one that is.

use std::sync::{Arc, Mutex, PoisonError};

use eframe::wgpu::{self, util::DeviceExt as _};

use super::Unavailable;
use super::pack::{self, Chunks};
use crate::map::layer::PrecinctShapes;

/// One level of detail on the GPU, with its chunk table.
pub struct GpuLevel {
    /// Which level (0 = full detail).
    pub level: usize,
    /// Its chunks (culling, labels).
    pub chunks: Chunks,
    /// Vertices, in chunk order.
    pub vertices: wgpu::Buffer,
    /// Triangle indices.
    pub fills: wgpu::Buffer,
    /// Outline segments (pairs of indices).
    pub lines: wgpu::Buffer,
    /// Every precinct's box (drawn while it is smaller than two points).
    pub boxes: wgpu::Buffer,
    /// The chunks' screen offsets, written each frame.
    pub offsets: wgpu::Buffer,
    /// Offsets and per-precinct metas (the shader's group 1).
    pub bind_group: wgpu::BindGroup,
}

/// What the device allows.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest buffer.
    pub buffer: u64,
    /// The largest storage binding.
    pub storage: u64,
}

/// The levels uploaded so far, for one set of shapes.
#[derive(Default)]
pub struct Uploaded {
    /// The shapes they belong to.
    pub shapes_id: u64,
    /// Each level, once uploaded.
    pub levels: [Option<Arc<GpuLevel>>; 3],
    /// Each level the device refused, and why.
    pub refused: [Option<Unavailable>; 3],
}

/// A buffer holding `bytes` (at least 16 bytes: bindings may not be empty).
pub fn buffer(
    device: &wgpu::Device,
    label: &str,
    bytes: &[u8],
    usage: wgpu::BufferUsages,
) -> wgpu::Buffer {
    let mut padded = [0_u8; 16];
    let contents = if bytes.len() >= padded.len() {
        bytes
    } else {
        padded[..bytes.len()].copy_from_slice(bytes);
        &padded
    };
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents,
        usage,
    })
}

/// Runs the upload of `what`: a panic inside wgpu becomes an error (the level refused, the CPU
/// draws it), not a dead upload thread and a map left blank.
pub fn guarded<T>(
    what: &str,
    upload: impl FnOnce() -> Result<T, Unavailable>,
) -> Result<T, Unavailable> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(upload))
        .unwrap_or_else(|_| Err(Unavailable::UploadFailed(format!("{what} stopped short"))))
}

/// Whether a level's buffers fit the device.
fn fits(chunks: &Chunks, limits: Limits) -> Result<(), Unavailable> {
    let largest = [
        (chunks.vertex_count * std::mem::size_of::<pack::Vertex>()) as u64,
        (chunks.fill_count * 4) as u64,
        (chunks.line_count * 4) as u64,
        (chunks.order.len() * std::mem::size_of::<pack::BoxQuad>()) as u64,
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    if largest > limits.buffer {
        return Err(Unavailable::TooLarge {
            needed: largest,
            allowed: limits.buffer,
        });
    }
    let storage = (chunks.meta.len() * std::mem::size_of::<pack::PrecinctMeta>()) as u64;
    if storage > limits.storage {
        return Err(Unavailable::TooLarge {
            needed: storage,
            allowed: limits.storage,
        });
    }
    Ok(())
}

/// Packs and uploads one level.
fn upload(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    shapes: &PrecinctShapes,
    level: usize,
    limits: Limits,
) -> Result<GpuLevel, Unavailable> {
    // Built for the upload and dropped after it: the CPU keeps no copy of what the GPU holds.
    let lod = shapes.build_level(level);
    let chunks = pack::chunks(shapes, &lod, level);
    fits(&chunks, limits)?;
    let packed = pack::pack(shapes, &lod, &chunks);
    drop(lod);
    let vertices = buffer(
        device,
        "precinct vertices",
        bytemuck::cast_slice(&packed.vertices),
        wgpu::BufferUsages::VERTEX,
    );
    let fills = buffer(
        device,
        "precinct triangles",
        bytemuck::cast_slice(&packed.fills),
        wgpu::BufferUsages::INDEX,
    );
    let lines = buffer(
        device,
        "precinct outlines",
        bytemuck::cast_slice(&packed.lines),
        wgpu::BufferUsages::INDEX,
    );
    let boxes = buffer(
        device,
        "precinct boxes",
        bytemuck::cast_slice(&packed.boxes),
        wgpu::BufferUsages::VERTEX,
    );
    drop(packed);
    let metas = buffer(
        device,
        "precinct metas",
        bytemuck::cast_slice(&chunks.meta),
        wgpu::BufferUsages::STORAGE,
    );
    let offsets = buffer(
        device,
        "chunk offsets",
        &vec![0; chunks.chunks.len() * 8],
        wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
    );
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("precinct level"),
        layout,
        entries: &[
            wgpu::BindGroupEntry {
                binding: 0,
                resource: offsets.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 1,
                resource: metas.as_entire_binding(),
            },
        ],
    });
    Ok(GpuLevel {
        level,
        chunks,
        vertices,
        fills,
        lines,
        boxes,
        offsets,
        bind_group,
    })
}

/// Uploads every level of `shapes`, coarse to fine, into `slot` (given up when the slot is
/// taken by other shapes).
pub fn spawn(
    device: wgpu::Device,
    layout: wgpu::BindGroupLayout,
    shapes: Arc<PrecinctShapes>,
    slot: Arc<Mutex<Uploaded>>,
    limits: Limits,
) {
    let on_error = Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name("precinct upload".into())
        .spawn(move || {
            // The slot, while it still belongs to these shapes.
            let lock = || {
                let uploaded = slot.lock().unwrap_or_else(PoisonError::into_inner);
                (uploaded.shapes_id == shapes.id()).then_some(uploaded)
            };
            for level in [2, 1, 0] {
                // A level kept as another (level 1 as level 0) shares its buffers.
                let kept = shapes.level_kept(level);
                let Some(uploaded) = lock() else { return };
                let done = uploaded.levels[kept].is_some() || uploaded.refused[kept].is_some();
                drop(uploaded);
                if !done {
                    let started = std::time::Instant::now();
                    let result = guarded(&format!("level {kept}"), || {
                        upload(&device, &layout, &shapes, kept, limits)
                    });
                    if let Ok(l) = &result {
                        tracing::debug!(
                            "precinct level {kept} on the GPU: {} vertices, {} triangle and {} outline indices, {} chunks, in {:.0} ms",
                            l.chunks.vertex_count,
                            l.chunks.fill_count,
                            l.chunks.line_count,
                            l.chunks.chunks.len(),
                            started.elapsed().as_secs_f64() * 1e3
                        );
                    }
                    let Some(mut uploaded) = lock() else { return };
                    match result {
                        Ok(l) => uploaded.levels[kept] = Some(Arc::new(l)),
                        Err(e) => uploaded.refused[kept] = Some(e),
                    }
                }
                let Some(mut uploaded) = lock() else { return };
                let (shared, refused) =
                    (uploaded.levels[kept].clone(), uploaded.refused[kept].clone());
                uploaded.levels[level] = shared;
                uploaded.refused[level] = refused;
            }
        });
    if let Err(e) = spawned {
        // Every level refused: the CPU meshes draw the layer.
        let e = Unavailable::UploadFailed(e.to_string());
        on_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .refused = [Some(e.clone()), Some(e.clone()), Some(e)];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_larger_than_the_device_allows_is_refused_naming_the_sizes() {
        let chunks = Chunks {
            vertex_count: 1_000,
            fill_count: 3_000,
            line_count: 2_000,
            ..Chunks::default()
        };
        let roomy = Limits {
            buffer: 1 << 20,
            storage: 1 << 20,
        };
        assert_eq!(fits(&chunks, roomy), Ok(()));
        let small = Limits {
            buffer: 10_000,
            storage: 1 << 20,
        };
        // The triangle indices are the largest buffer: 12,000 bytes.
        assert_eq!(
            fits(&chunks, small),
            Err(Unavailable::TooLarge {
                needed: 12_000,
                allowed: 10_000
            })
        );
    }
}

//! The street map drawn by the GPU (issue 16): each level of detail's points and segments
//! uploaded once, on a background thread (the level the view wants first, then the others
//! coarse to fine); each frame sends only a uniform (scale, where the view is, each look's
//! widths and colours) and draws the on-screen chunks' segment ranges. The land and the names
//! stay egui shapes (`draw.rs`). Until the level a zoom wants is on the GPU, or where the
//! device refused it, the CPU meshes draw the streets.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use eframe::egui_wgpu;
use eframe::wgpu;
use egui::Shape;

use super::gpu_pack::{self, Point, Segment};
use super::gpu_paint::{StreetPaint, StreetResources, level_layout};
use super::{LEVELS, MIN_LEVEL, StreetLayer};
use crate::map::gpu::{Limits, Unavailable, buffer, guarded, install_layer};
use crate::map::layer::View;

/// One level of detail on the GPU.
pub struct GpuStreetLevel {
    /// Per look: its chunks' segments (culling).
    ranges: Vec<Vec<gpu_pack::ChunkRange>>,
    /// Points, segments and the chunks' cells (the shader's group 1).
    pub bind_group: wgpu::BindGroup,
    /// Bytes on the GPU.
    bytes: u64,
}

/// The levels uploaded so far, for one street layer.
#[derive(Default)]
struct Uploaded {
    /// The layer they belong to.
    layer_id: u64,
    levels: Vec<Option<Arc<GpuStreetLevel>>>,
    refused: Vec<Option<Unavailable>>,
}

impl Uploaded {
    fn done(&self, level: usize) -> bool {
        self.levels.get(level).is_some_and(Option::is_some)
            || self.refused.get(level).is_some_and(Option::is_some)
    }
}

/// The UI-thread half of the street map on the GPU.
pub struct GpuStreets {
    device: wgpu::Device,
    level_layout: wgpu::BindGroupLayout,
    limits: Limits,
    prepare_ns: Arc<AtomicU64>,
    uploaded: Arc<Mutex<Uploaded>>,
    /// The level the view wants (an index from `MIN_LEVEL`), uploaded before the others.
    wanted: Arc<AtomicU8>,
    /// A refused level is said once.
    refused: Option<Unavailable>,
}

impl GpuStreets {
    /// Sets up the pipeline in the renderer, if the device can run it.
    ///
    /// # Errors
    /// Why the device cannot (no storage buffers in vertex shaders, too few of them, or it
    /// refused the shader).
    pub fn install(render_state: &egui_wgpu::RenderState) -> Result<Self, Unavailable> {
        let prepare_ns = Arc::new(AtomicU64::new(0));
        let level_layout = level_layout(&render_state.device);
        let limits = install_layer(render_state, || {
            StreetResources::new(
                &render_state.device,
                render_state.target_format,
                &level_layout,
                Arc::clone(&prepare_ns),
            )
        })?;
        Ok(Self {
            device: render_state.device.clone(),
            level_layout,
            limits,
            prepare_ns,
            uploaded: Arc::new(Mutex::new(Uploaded::default())),
            wanted: Arc::new(AtomicU8::new(0)),
            refused: None,
        })
    }

    /// The renderer's time in the last frame's `prepare` (writing the uniform).
    #[must_use]
    pub fn prepare_time(&self) -> Duration {
        Duration::from_nanos(self.prepare_ns.load(Ordering::Relaxed))
    }

    /// Starts uploading `layer` (once per layer); returns whether every level is on the GPU
    /// or refused, so nothing more will change.
    pub fn prepare(&mut self, layer: &Arc<StreetLayer>) -> bool {
        let mut uploaded = self.uploaded.lock().unwrap_or_else(PoisonError::into_inner);
        if uploaded.layer_id != layer.id {
            *uploaded = Uploaded {
                layer_id: layer.id,
                levels: vec![None; LEVELS],
                refused: vec![None; LEVELS],
            };
            drop(uploaded);
            self.refused = None;
            spawn(
                self.device.clone(),
                self.level_layout.clone(),
                Arc::clone(layer),
                Arc::clone(&self.uploaded),
                Arc::clone(&self.wanted),
                self.limits,
            );
            return false;
        }
        (0..LEVELS).all(|l| uploaded.done(l))
    }

    /// This frame's paint callback for the streets' lines, or `None` when the CPU meshes
    /// draw them (the level is not uploaded yet, or was refused).
    pub fn shape(&mut self, layer: &Arc<StreetLayer>, view: &View, opacity: f32) -> Option<Shape> {
        // Said before a new layer's upload starts, so that it starts with this level.
        let wanted = usize::from(gpu_pack::level_of(view) - MIN_LEVEL);
        self.wanted.store(wanted as u8, Ordering::Relaxed);
        self.prepare(layer);
        let uploaded = self.uploaded.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(e) = &uploaded.refused[wanted] {
            if self.refused.as_ref() != Some(e) {
                tracing::warn!("the street map is drawn by the CPU at this zoom: {e}");
                self.refused = Some(e.clone());
            }
            return None;
        }
        let level = uploaded.levels[wanted].clone()?;
        drop(uploaded);
        let draws = gpu_pack::draws(layer, &level.ranges, view, opacity);
        let paint = StreetPaint { level, draws };
        Some(Shape::Callback(egui_wgpu::Callback::new_paint_callback(
            view.rect, paint,
        )))
    }

    /// Bytes of the levels uploaded so far.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        let uploaded = self.uploaded.lock().unwrap_or_else(PoisonError::into_inner);
        uploaded.levels.iter().flatten().map(|l| l.bytes).sum()
    }
}

/// Whether a level's buffers fit the device.
fn fits(points: usize, segments: usize, limits: Limits) -> Result<(), Unavailable> {
    let largest = (points * size_of::<Point>()).max(segments * size_of::<Segment>()) as u64;
    let allowed = limits.buffer.min(limits.storage);
    if largest > allowed {
        return Err(Unavailable::TooLarge {
            needed: largest,
            allowed,
        });
    }
    Ok(())
}

/// Packs and uploads level `level` of `layer`.
fn upload(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    layer: &StreetLayer,
    level: u8,
    cells: &wgpu::Buffer,
    limits: Limits,
) -> Result<GpuStreetLevel, Unavailable> {
    let packed = gpu_pack::pack(layer, level);
    fits(packed.points.len(), packed.segments.len(), limits)?;
    let storage = wgpu::BufferUsages::STORAGE;
    let points = buffer(
        device,
        "street points",
        bytemuck::cast_slice(&packed.points),
        storage,
    );
    let segments = buffer(
        device,
        "street segments",
        bytemuck::cast_slice(&packed.segments),
        storage,
    );
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("street level"),
        layout,
        entries: &[
            wgpu::BindGroupEntry {
                binding: 0,
                resource: points.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 1,
                resource: segments.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 2,
                resource: cells.as_entire_binding(),
            },
        ],
    });
    Ok(GpuStreetLevel {
        ranges: packed.ranges,
        bind_group,
        bytes: points.size() + segments.size(),
    })
}

/// Uploads every level of `layer` into `slot` (given up when the slot is taken by another
/// layer): the one `wanted` names first whenever it is not there yet, else the next coarse
/// to fine.
fn spawn(
    device: wgpu::Device,
    layout: wgpu::BindGroupLayout,
    layer: Arc<StreetLayer>,
    slot: Arc<Mutex<Uploaded>>,
    wanted: Arc<AtomicU8>,
    limits: Limits,
) {
    let on_error = Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name("street upload".into())
        .spawn(move || {
            let lock = || {
                let uploaded = slot.lock().unwrap_or_else(PoisonError::into_inner);
                (uploaded.layer_id == layer.id).then_some(uploaded)
            };
            let cells: Vec<[i32; 2]> = layer.chunks.iter().map(|c| c.cell).collect();
            let cells = buffer(
                &device,
                "street cells",
                bytemuck::cast_slice(&cells),
                wgpu::BufferUsages::STORAGE,
            );
            loop {
                let next = {
                    let Some(uploaded) = lock() else { return };
                    let w = usize::from(wanted.load(Ordering::Relaxed)).min(LEVELS - 1);
                    if uploaded.done(w) {
                        (0..LEVELS).find(|&l| !uploaded.done(l))
                    } else {
                        Some(w)
                    }
                };
                let Some(l) = next else { return };
                let level = MIN_LEVEL + l as u8;
                let started = std::time::Instant::now();
                let result = guarded(&format!("street level {level}"), || {
                    upload(&device, &layout, &layer, level, &cells, limits)
                });
                if let Ok(u) = &result {
                    tracing::debug!(
                        "street level {level} on the GPU: {} bytes in {:.0} ms",
                        u.bytes,
                        started.elapsed().as_secs_f64() * 1e3
                    );
                }
                let Some(mut uploaded) = lock() else { return };
                match result {
                    Ok(u) => uploaded.levels[l] = Some(Arc::new(u)),
                    Err(e) => uploaded.refused[l] = Some(e),
                }
            }
        });
    if let Err(e) = spawned {
        // Every level refused: the CPU meshes draw the streets.
        let e = Unavailable::UploadFailed(e.to_string());
        let mut uploaded = on_error.lock().unwrap_or_else(PoisonError::into_inner);
        uploaded.refused = vec![Some(e); LEVELS];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_street_level_larger_than_the_device_allows_is_refused_naming_the_sizes() {
        let roomy = Limits {
            buffer: 1 << 20,
            storage: 1 << 20,
        };
        assert_eq!(fits(1_000, 2_000, roomy), Ok(()));
        let small = Limits {
            buffer: 1 << 20,
            storage: 10_000,
        };
        // 1,000 points of 16 bytes: the largest buffer.
        assert_eq!(
            fits(1_000, 900, small),
            Err(Unavailable::TooLarge {
                needed: 16_000,
                allowed: 10_000
            })
        );
    }
}

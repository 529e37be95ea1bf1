//! The precinct layer drawn by the GPU (DESIGN §5): an `egui_wgpu` paint callback over vertex
//! and index buffers uploaded once per level of detail. Each frame sends only a small uniform
//! (size, scale, colours), the screen offsets of the chunks on screen, and the index ranges to
//! draw; per-precinct colours are rewritten when the scoring changes, the selection's outline
//! when the selection changes. Where the device cannot (no storage buffers in vertex shaders,
//! or a level larger than its buffers may be), the map view uses the CPU meshes of
//! [`crate::map::layer::MeshCache`] instead.
//!
//! Three parts: [`GpuPrecincts`] lives with the map's state and decides, on the UI thread, what
//! a frame draws (culling by chunk, labels); `upload` packs and uploads the levels of detail
//! on a background thread; `resources` lives in the renderer's callback resources and holds
//! the pipelines, the colours and the paint callback.

pub mod pack;
mod resources;
mod upload;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use eframe::egui_wgpu;
use eframe::wgpu;
use egui::{Color32, Pos2, Shape};

pub(crate) use self::resources::{Stage, floats, pipeline, shader, storage_entry, uniform_entry};
pub(crate) use self::upload::{Limits, buffer, guarded};

use self::pack::{Chunks, Visible};
use self::resources::{Frame, Paint, Resources};
use self::upload::{GpuLevel, Uploaded};
use super::coords::meets;
use super::layer::{DrawStats, LABEL_MIN_PX, MAX_LABELS, PrecinctShapes, Style, View};

/// Why the GPU cannot draw the precinct layer (the CPU meshes are used instead).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum Unavailable {
    /// The app runs without wgpu (another renderer).
    #[error("the renderer is not wgpu")]
    NotWgpu,
    /// The device cannot read storage buffers in vertex shaders (a downlevel GL device).
    #[error("the device cannot read storage buffers in vertex shaders")]
    NoVertexStorage,
    /// The device allows fewer storage buffers per shader stage than the layer binds.
    #[error("the device allows {0} storage buffers per shader stage, the layer needs 3")]
    TooFewStorageBuffers(u32),
    /// Uploading failed (the upload thread could not start, or stopped short).
    #[error("the upload failed: {0}")]
    UploadFailed(String),
    /// The device refused the layer's shader or pipelines.
    #[error("the device refused the layer's shader or pipelines: {0}")]
    Invalid(String),
    /// A level of detail is larger than the device's buffers may be.
    #[error("a level of detail needs a {needed}-byte buffer, the device allows {allowed}")]
    TooLarge {
        /// Bytes the largest buffer would take.
        needed: u64,
        /// The device's limit.
        allowed: u64,
    },
}

/// What the GPU layer does with a frame.
pub enum GpuFrame {
    /// It draws it: the paint callback and what it draws.
    Drawn(Shape, DrawStats),
    /// No level is uploaded yet: nothing is drawn this frame.
    Waiting,
    /// The device refused this zoom's level: the CPU meshes draw it.
    Refused,
}

/// The UI-thread half of the GPU precinct layer: what each frame draws.
pub struct GpuPrecincts {
    device: wgpu::Device,
    level_layout: wgpu::BindGroupLayout,
    limits: Limits,
    /// Time the renderer spent in the last `prepare` (nanoseconds), counted as the layer's.
    prepare_ns: Arc<AtomicU64>,
    /// The levels uploaded so far by the background thread.
    uploaded: Arc<Mutex<Uploaded>>,
    /// The shapes whose upload was started.
    shapes_id: u64,
    /// The selection as a list, and the version it was made from.
    selected: (u64, Arc<Vec<u32>>),
    /// The labels of the last view, and what they were computed for.
    labels: Vec<(Pos2, usize)>,
    labels_key: Option<(u64, usize, View)>,
    /// A level refused as too large is said once.
    refused: Option<Unavailable>,
}

impl GpuPrecincts {
    /// Sets up the pipelines in the renderer, if the device can run them.
    pub fn install(render_state: &egui_wgpu::RenderState) -> Result<Self, Unavailable> {
        let prepare_ns = Arc::new(AtomicU64::new(0));
        let level_layout = resources::level_layout(&render_state.device);
        let limits = install_layer(render_state, || {
            Resources::new(
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
            shapes_id: 0,
            selected: (u64::MAX, Arc::new(Vec::new())),
            labels: Vec::new(),
            labels_key: None,
            refused: None,
        })
    }

    /// The renderer's time in the last frame's `prepare` (uploads and writes).
    #[must_use]
    pub fn prepare_time(&self) -> Duration {
        Duration::from_nanos(self.prepare_ns.load(Ordering::Relaxed))
    }

    /// Starts uploading `shapes` (once per set of shapes); returns whether every level is
    /// on the GPU or refused, so nothing more will change.
    pub fn prepare(&mut self, shapes: &Arc<PrecinctShapes>) -> bool {
        if self.shapes_id != shapes.id() {
            self.shapes_id = shapes.id();
            self.selected = (u64::MAX, Arc::new(Vec::new()));
            self.labels_key = None;
            self.refused = None;
            *self.uploaded.lock().unwrap_or_else(PoisonError::into_inner) = Uploaded {
                shapes_id: shapes.id(),
                ..Uploaded::default()
            };
            upload::spawn(
                self.device.clone(),
                self.level_layout.clone(),
                Arc::clone(shapes),
                Arc::clone(&self.uploaded),
                self.limits,
            );
        }
        let uploaded = self.uploaded.lock().unwrap_or_else(PoisonError::into_inner);
        (0..3).all(|l| uploaded.levels[l].is_some() || uploaded.refused[l].is_some())
    }

    /// The level to draw: the one the zoom wants when it is uploaded, else the nearest one
    /// that is (finer first); `Err` when the device refused the wanted level.
    fn level(&mut self, wanted: usize) -> Result<Option<Arc<GpuLevel>>, Unavailable> {
        let uploaded = self.uploaded.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(e) = &uploaded.refused[wanted] {
            return Err(e.clone());
        }
        let ready = [0, 1, 2].map(|l| uploaded.levels[l].is_some());
        Ok(nearest_ready(ready, wanted).and_then(|l| uploaded.levels[l].clone()))
    }

    /// This frame's paint callback for the precinct layer; or that no level is on the GPU yet
    /// (the layer shows a moment later; the frame does not wait), or that the device refused
    /// this zoom's level (the caller then draws the CPU meshes).
    pub fn shape(
        &mut self,
        shapes: &Arc<PrecinctShapes>,
        view: &View,
        style: &Style,
        selected: &HashSet<usize>,
        selection_version: u64,
    ) -> GpuFrame {
        self.prepare(shapes);
        let level = match self.level(PrecinctShapes::level_for(view.scale)) {
            Ok(Some(level)) => level,
            Ok(None) => return GpuFrame::Waiting,
            Err(e) => {
                if self.refused.as_ref() != Some(&e) {
                    tracing::warn!("the precinct layer is drawn by the CPU at this zoom: {e}");
                    self.refused = Some(e);
                }
                return GpuFrame::Refused;
            }
        };
        if self.selected.0 != selection_version {
            let list: Vec<u32> = selected.iter().map(|&i| i as u32).collect();
            self.selected = (selection_version, Arc::new(list));
        }
        let visible = level.chunks.visible(view);
        self.update_labels(shapes, &level, &visible, view);
        let draw_outlines = (shapes.mean_width() * view.scale) as f32 >= style.outline_min_px;
        let stats = DrawStats {
            visible: visible.precincts(),
            vertices: level.chunks.vertex_count,
            rebuilt: false,
            level: level.level,
        };
        let paint = Paint {
            shapes: Arc::clone(shapes),
            level,
            frame: Frame::new(view, style),
            visible,
            outlines: draw_outlines,
            fills: Arc::clone(&style.fills),
            fills_version: style.fills_version,
            selected: Arc::clone(&self.selected.1),
            selection_version,
        };
        GpuFrame::Drawn(
            Shape::Callback(egui_wgpu::Callback::new_paint_callback(view.rect, paint)),
            stats,
        )
    }

    /// Label anchors (screen position, precinct) of the last frame.
    pub fn labels(&self) -> impl Iterator<Item = &(Pos2, usize)> {
        self.labels.iter()
    }

    /// Labels the precincts on screen wider than `LABEL_MIN_PX` (at most `MAX_LABELS`), as the
    /// CPU path does; recomputed only when the view changes, skipped while no precinct is that
    /// wide, and looked for among the precincts of the chunks on screen only.
    fn update_labels(
        &mut self,
        shapes: &PrecinctShapes,
        level: &GpuLevel,
        visible: &Visible,
        view: &View,
    ) {
        let chunks: &Chunks = &level.chunks;
        let key = (shapes.id(), level.level, *view);
        if self.labels_key == Some(key) {
            return;
        }
        self.labels_key = Some(key);
        self.labels.clear();
        if (chunks.max_width * view.scale) as f32 <= LABEL_MIN_PX {
            return;
        }
        let in_view = view.world_bounds();
        let boxes = shapes.boxes();
        // `visible.boxes` ranges the on-screen chunks' precincts in chunk order.
        for range in &visible.boxes {
            for &p in &chunks.order[range.start as usize..range.end as usize] {
                let (i, b) = (p as usize, boxes[p as usize]);
                if meets(b, in_view) && ((b[2] - b[0]) * view.scale) as f32 > LABEL_MIN_PX {
                    self.labels.push((view.to_screen(shapes.label_point(i)), i));
                    if self.labels.len() >= MAX_LABELS {
                        return;
                    }
                }
            }
        }
    }
}

/// Sets up a GPU map layer: checks that the device reads storage buffers (three of them) in
/// vertex shaders, makes the layer's renderer half with `make` (validated), puts it in the
/// renderer's callback resources, and gives the device's buffer limits.
///
/// # Errors
/// Why the device cannot draw the layer.
pub(crate) fn install_layer<T: Send + Sync + 'static>(
    render_state: &egui_wgpu::RenderState,
    make: impl FnOnce() -> T,
) -> Result<Limits, Unavailable> {
    let caps = render_state.adapter.get_downlevel_capabilities();
    if !caps.flags.contains(wgpu::DownlevelFlags::VERTEX_STORAGE) {
        return Err(Unavailable::NoVertexStorage);
    }
    let limits = render_state.device.limits();
    if limits.max_storage_buffers_per_shader_stage < 3 {
        return Err(Unavailable::TooFewStorageBuffers(
            limits.max_storage_buffers_per_shader_stage,
        ));
    }
    let resources = validated(&render_state.device, make)?;
    render_state
        .renderer
        .write()
        .callback_resources
        .insert(resources);
    Ok(Limits {
        buffer: limits.max_buffer_size,
        storage: limits.max_storage_buffer_binding_size,
    })
}

/// Runs `make` (shaders, pipelines) in a validation error scope: what the device refuses is
/// an error (the CPU then draws the layer), not a panic.
fn validated<T>(device: &wgpu::Device, make: impl FnOnce() -> T) -> Result<T, Unavailable> {
    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let value = make();
    match pollster::block_on(scope.pop()) {
        None => Ok(value),
        Some(e) => Err(Unavailable::Invalid(e.to_string())),
    }
}

/// The level to draw for `wanted` among those `ready`: itself, else the nearest, the finer
/// of two as near.
fn nearest_ready(ready: [bool; 3], wanted: usize) -> Option<usize> {
    let mut levels: [usize; 3] = [0, 1, 2];
    levels.sort_by_key(|&l| (l.abs_diff(wanted), l));
    levels.into_iter().find(|&l| ready[l])
}

/// A colour as the shader reads it: premultiplied RGBA8, red in the lowest byte.
fn packed_colour(c: Color32) -> u32 {
    u32::from_le_bytes(c.to_array())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zoom_draws_its_own_level_else_the_nearest_uploaded_finer_first() {
        assert_eq!(nearest_ready([true, true, true], 1), Some(1));
        assert_eq!(nearest_ready([true, false, true], 1), Some(0));
        assert_eq!(nearest_ready([false, false, true], 0), Some(2));
        assert_eq!(nearest_ready([true, false, false], 2), Some(0));
        assert_eq!(nearest_ready([false; 3], 1), None);
    }

    #[test]
    fn a_colour_reaches_the_shader_red_in_the_lowest_byte() {
        let c = Color32::from_rgba_premultiplied(1, 2, 3, 4);
        assert_eq!(packed_colour(c), 0x0403_0201);
    }
}

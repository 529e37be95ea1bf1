//! The render-thread half of the street map on the GPU: the pipeline and the frame uniform in
//! the renderer's callback resources, and the paint callback that writes the uniform and
//! draws a level's on-screen ranges.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use eframe::egui_wgpu::{CallbackResources, CallbackTrait, ScreenDescriptor};
use eframe::wgpu;

use super::gpu::GpuStreetLevel;
use super::gpu_pack::{Draws, Frame};
use crate::map::gpu::{Stage, buffer, pipeline, shader, storage_entry, uniform_entry};

/// The corners of a segment's three quads (end × 4 + across), as `draw::strip_mesh` makes
/// them: for band k, (0, k), (0, k + 1), (1, k), (0, k + 1), (1, k + 1), (1, k).
const CORNERS: [u16; 18] = [0, 1, 4, 1, 5, 4, 1, 2, 5, 2, 6, 5, 2, 3, 6, 3, 7, 6];

/// The pipeline and the frame uniform, in the renderer's callback resources.
pub struct StreetResources {
    /// Casings, then fills.
    pipelines: [wgpu::RenderPipeline; 2],
    corners: wgpu::Buffer,
    uniform: wgpu::Buffer,
    frame_group: wgpu::BindGroup,
    prepare_ns: Arc<AtomicU64>,
}

/// The layout of a level's bind group: points, segments, the chunks' cells.
pub fn level_layout(device: &wgpu::Device) -> wgpu::BindGroupLayout {
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("street level"),
        entries: &[storage_entry(0), storage_entry(1), storage_entry(2)],
    })
}

impl StreetResources {
    /// Compiles the shader and makes the pipeline for egui's render pass; `level_layout` is
    /// the layout of each level's bind group (group 1).
    pub fn new(
        device: &wgpu::Device,
        format: wgpu::TextureFormat,
        level_layout: &wgpu::BindGroupLayout,
        prepare_ns: Arc<AtomicU64>,
    ) -> Self {
        let module = shader(device, "streets", include_str!("streets.wgsl"));
        let frame_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("street frame"),
            entries: &[uniform_entry(0)],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("streets"),
            bind_group_layouts: &[Some(&frame_layout), Some(level_layout)],
            immediate_size: 0,
        });
        let pipelines = ["vs_casing", "vs_fill"].map(|entry| {
            pipeline(
                device,
                &layout,
                &module,
                format,
                &Stage {
                    label: entry,
                    entry,
                    buffers: &[],
                    topology: wgpu::PrimitiveTopology::TriangleList,
                },
            )
        });
        let corners = buffer(
            device,
            "street corners",
            bytemuck::cast_slice(&CORNERS),
            wgpu::BufferUsages::INDEX,
        );
        let uniform = buffer(
            device,
            "street frame",
            bytemuck::bytes_of(&Frame::default()),
            wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        );
        let frame_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("street frame"),
            layout: &frame_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: uniform.as_entire_binding(),
            }],
        });
        Self {
            pipelines,
            corners,
            uniform,
            frame_group,
            prepare_ns,
        }
    }
}

/// One frame of the street map: the level drawn and what of it.
pub struct StreetPaint {
    /// The level, already on the GPU.
    pub level: Arc<GpuStreetLevel>,
    /// The uniform and the ranges.
    pub draws: Draws,
}

impl CallbackTrait for StreetPaint {
    fn prepare(
        &self,
        _device: &wgpu::Device,
        queue: &wgpu::Queue,
        _screen: &ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        let started = Instant::now();
        if let Some(r) = resources.get_mut::<StreetResources>() {
            queue.write_buffer(&r.uniform, 0, bytemuck::bytes_of(&self.draws.frame));
            r.prepare_ns
                .store(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        }
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &CallbackResources,
    ) {
        let Some(r) = resources.get::<StreetResources>() else {
            return;
        };
        pass.set_bind_group(0, &r.frame_group, &[]);
        pass.set_bind_group(1, &self.level.bind_group, &[]);
        pass.set_index_buffer(r.corners.slice(..), wgpu::IndexFormat::Uint16);
        let mut current = None;
        for (layer, segments) in &self.draws.ranges {
            if current != Some(*layer) {
                pass.set_pipeline(&r.pipelines[*layer as usize]);
                current = Some(*layer);
            }
            // Each segment an instance: its eight corners shaded once, its quads indexed.
            pass.draw_indexed(0..CORNERS.len() as u32, 0, segments.clone());
        }
    }
}

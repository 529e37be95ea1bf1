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

/// Vertices per segment: three quads of two triangles.
const CORNERS: u32 = 18;

/// The pipeline and the frame uniform, in the renderer's callback resources.
pub struct StreetResources {
    pipeline: wgpu::RenderPipeline,
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
        let pipeline = pipeline(
            device,
            &layout,
            &module,
            format,
            &Stage {
                label: "streets",
                entry: "vs_street",
                buffers: &[],
                topology: wgpu::PrimitiveTopology::TriangleList,
            },
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
            pipeline,
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
        pass.set_pipeline(&r.pipeline);
        pass.set_bind_group(0, &r.frame_group, &[]);
        pass.set_bind_group(1, &self.level.bind_group, &[]);
        for (instance, range) in &self.draws.ranges {
            pass.draw(
                range.start * CORNERS..range.end * CORNERS,
                *instance..*instance + 1,
            );
        }
    }
}

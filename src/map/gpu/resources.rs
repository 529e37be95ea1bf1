//! The render-thread half of the GPU precinct layer: pipelines and buffers kept in the
//! renderer's callback resources, and the paint callback that uploads what changed and draws.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bytemuck::{Pod, Zeroable};
use eframe::egui_wgpu::{CallbackResources, CallbackTrait, ScreenDescriptor};
use eframe::wgpu;
use egui::Color32;

use super::pack::{self, Visible};
use super::packed_colour;
use super::upload::{GpuLevel, buffer};
use crate::map::layer::{OUTLINE_MIN_PX, PrecinctShapes, SELECTION_WIDTH, SMALL_PX, Style, View};
use crate::map::style;

/// The uniform of one frame (the shader's `Frame`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct Frame {
    size: [f32; 2],
    scale: f32,
    outline_min: f32,
    outline: [f32; 4],
    highlight: [f32; 4],
    highlight_width: f32,
    small: f32,
    pad: [f32; 2],
}

/// A colour as four floats (premultiplied, gamma space).
pub fn floats(c: Color32) -> [f32; 4] {
    c.to_array().map(|v| f32::from(v) / 255.0)
}

impl Frame {
    /// The uniform for a view and style, with the CPU path's sizes.
    pub fn new(view: &View, style: &Style) -> Self {
        Self {
            size: [view.rect.width(), view.rect.height()],
            scale: view.scale as f32,
            outline_min: OUTLINE_MIN_PX,
            outline: floats(style.outline),
            highlight: floats(style::SELECTION),
            highlight_width: SELECTION_WIDTH,
            small: SMALL_PX,
            pad: [0.0; 2],
        }
    }
}

/// The pipelines, the frame uniform, the colours and the selection's outline, in the
/// renderer's callback resources.
pub struct Resources {
    fill: wgpu::RenderPipeline,
    boxes: wgpu::RenderPipeline,
    line: wgpu::RenderPipeline,
    highlight: wgpu::RenderPipeline,
    frame_layout: wgpu::BindGroupLayout,
    uniform: wgpu::Buffer,
    /// Uniform and colours (group 0); made again when the colour buffer is replaced.
    frame_group: Option<wgpu::BindGroup>,
    colours: Option<wgpu::Buffer>,
    colours_key: Option<(u64, u64)>,
    segments: Option<wgpu::Buffer>,
    /// The chunk of each selected segment (they are in chunk order).
    segment_chunks: Vec<u32>,
    segments_key: Option<(u64, usize, u64)>,
    prepare_ns: Arc<AtomicU64>,
}

/// A map layer's shader module: `source` with the shared part (`colour.wgsl`) appended.
pub fn shader(device: &wgpu::Device, label: &str, source: &str) -> wgpu::ShaderModule {
    device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(label),
        source: wgpu::ShaderSource::Wgsl(
            format!("{source}\n{}", include_str!("colour.wgsl")).into(),
        ),
    })
}

/// What a pipeline draws: its vertex entry point, buffers and topology.
#[derive(Clone, Copy)]
pub struct Stage<'a> {
    /// The pipeline's name (in wgpu's messages).
    pub label: &'a str,
    /// The vertex shader's entry point.
    pub entry: &'a str,
    /// The vertex buffers it reads.
    pub buffers: &'a [Option<wgpu::VertexBufferLayout<'a>>],
    /// Triangles or lines.
    pub topology: wgpu::PrimitiveTopology,
}

/// A pipeline for egui's render pass: one sample, no depth buffer, premultiplied alpha, the
/// window's format (the fragment shader converting to linear for an sRGB window).
pub fn pipeline(
    device: &wgpu::Device,
    layout: &wgpu::PipelineLayout,
    module: &wgpu::ShaderModule,
    format: wgpu::TextureFormat,
    stage: &Stage<'_>,
) -> wgpu::RenderPipeline {
    let fragment = if format.is_srgb() {
        "fs_linear"
    } else {
        "fs_gamma"
    };
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some(stage.label),
        layout: Some(layout),
        vertex: wgpu::VertexState {
            module,
            entry_point: Some(stage.entry),
            buffers: stage.buffers,
            compilation_options: wgpu::PipelineCompilationOptions::default(),
        },
        primitive: wgpu::PrimitiveState {
            topology: stage.topology,
            ..wgpu::PrimitiveState::default()
        },
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        fragment: Some(wgpu::FragmentState {
            module,
            entry_point: Some(fragment),
            targets: &[Some(wgpu::ColorTargetState {
                format,
                // egui's own blending: premultiplied alpha.
                blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                write_mask: wgpu::ColorWrites::ALL,
            })],
            compilation_options: wgpu::PipelineCompilationOptions::default(),
        }),
        multiview_mask: None,
        cache: None,
    })
}

/// A uniform buffer read by the vertex shader.
pub fn uniform_entry(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::VERTEX,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// A storage buffer read by the vertex shader.
pub fn storage_entry(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::VERTEX,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only: true },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

impl Resources {
    /// Compiles the shader and makes the pipelines for egui's render pass (one sample, no
    /// depth buffer, premultiplied alpha, the window's format); `level_layout` is the layout
    /// of each level's bind group (group 1).
    pub fn new(
        device: &wgpu::Device,
        format: wgpu::TextureFormat,
        level_layout: &wgpu::BindGroupLayout,
        prepare_ns: Arc<AtomicU64>,
    ) -> Self {
        let module = shader(device, "precincts", include_str!("precincts.wgsl"));
        let frame_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("precinct frame"),
            entries: &[uniform_entry(0), storage_entry(1)],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("precincts"),
            bind_group_layouts: &[Some(&frame_layout), Some(level_layout)],
            immediate_size: 0,
        });
        let vertex = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<pack::Vertex>() as u64,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Uint32],
        };
        let quad = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<pack::BoxQuad>() as u64,
            step_mode: wgpu::VertexStepMode::Instance,
            attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Float32x2, 2 => Uint32],
        };
        let segment = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<pack::Segment>() as u64,
            step_mode: wgpu::VertexStepMode::Instance,
            attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Float32x2, 2 => Uint32],
        };
        let pipeline =
            |label: &str, entry: &str, buffers: wgpu::VertexBufferLayout<'_>, topology| {
                pipeline(
                    device,
                    &pipeline_layout,
                    &module,
                    format,
                    &Stage {
                        label,
                        entry,
                        buffers: &[Some(buffers)],
                        topology,
                    },
                )
            };
        let fill = pipeline(
            "precinct fills",
            "vs_fill",
            vertex.clone(),
            wgpu::PrimitiveTopology::TriangleList,
        );
        let boxes = pipeline(
            "small precincts",
            "vs_box",
            quad,
            wgpu::PrimitiveTopology::TriangleList,
        );
        let line = pipeline(
            "precinct outlines",
            "vs_line",
            vertex,
            wgpu::PrimitiveTopology::LineList,
        );
        let highlight = pipeline(
            "selected precincts",
            "vs_highlight",
            segment,
            wgpu::PrimitiveTopology::TriangleList,
        );
        let uniform = buffer(
            device,
            "precinct frame",
            bytemuck::bytes_of(&Frame::default()),
            wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        );
        Self {
            fill,
            boxes,
            line,
            highlight,
            frame_layout,
            uniform,
            frame_group: None,
            colours: None,
            colours_key: None,
            segments: None,
            segment_chunks: Vec::new(),
            segments_key: None,
            prepare_ns,
        }
    }
}

/// The layout of a level's bind group: the chunks' offsets and the precincts' metas.
pub fn level_layout(device: &wgpu::Device) -> wgpu::BindGroupLayout {
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("precinct level"),
        entries: &[storage_entry(0), storage_entry(1)],
    })
}

/// One frame of the precinct layer: what to upload if it changed, and what to draw.
pub struct Paint {
    /// The shapes (their identity, and their rings for the selection's outline).
    pub shapes: Arc<PrecinctShapes>,
    /// The level drawn, already on the GPU.
    pub level: Arc<GpuLevel>,
    /// The frame uniform.
    pub frame: Frame,
    /// The chunks on screen and their offsets.
    pub visible: Visible,
    /// Whether hairline outlines are drawn.
    pub outlines: bool,
    /// Fill colour per precinct, and its version.
    pub fills: Arc<Vec<Color32>>,
    /// Bumped whenever `fills` changes.
    pub fills_version: u64,
    /// The selected precincts, and the selection's version.
    pub selected: Arc<Vec<u32>>,
    /// Bumped whenever the selection changes.
    pub selection_version: u64,
}

impl CallbackTrait for Paint {
    fn prepare(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        _screen: &ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        let started = Instant::now();
        let Some(r) = resources.get_mut::<Resources>() else {
            return Vec::new();
        };
        let id = self.shapes.id();
        if r.colours_key != Some((id, self.fills_version)) {
            let mut colours: Vec<u32> = self.fills.iter().map(|&c| packed_colour(c)).collect();
            colours.resize(self.shapes.len(), 0);
            let bytes: &[u8] = bytemuck::cast_slice(&colours);
            match &r.colours {
                Some(b) if b.size() == bytes.len() as u64 => queue.write_buffer(b, 0, bytes),
                _ => {
                    r.colours = Some(buffer(
                        device,
                        "precinct colours",
                        bytes,
                        wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                    ));
                    r.frame_group = None;
                }
            }
            r.colours_key = Some((id, self.fills_version));
        }
        let level = self.level.level;
        if r.segments_key != Some((id, level, self.selection_version)) {
            let segments = pack::segments(
                &self.shapes,
                level,
                &self.level.chunks,
                self.selected.iter().map(|&i| i as usize),
            );
            r.segment_chunks = segments
                .iter()
                .map(|s| self.level.chunks.meta[s.precinct as usize].chunk)
                .collect();
            r.segments = (!segments.is_empty()).then(|| {
                buffer(
                    device,
                    "selected outlines",
                    bytemuck::cast_slice(&segments),
                    wgpu::BufferUsages::VERTEX,
                )
            });
            r.segments_key = Some((id, level, self.selection_version));
        }
        if r.frame_group.is_none()
            && let Some(colours) = &r.colours
        {
            r.frame_group = Some(device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("precinct frame"),
                layout: &r.frame_layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: r.uniform.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: colours.as_entire_binding(),
                    },
                ],
            }));
        }
        if !self.visible.offsets.is_empty() {
            queue.write_buffer(
                &self.level.offsets,
                u64::from(self.visible.first_chunk) * 8,
                bytemuck::cast_slice(&self.visible.offsets),
            );
        }
        queue.write_buffer(&r.uniform, 0, bytemuck::bytes_of(&self.frame));
        r.prepare_ns
            .store(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &CallbackResources,
    ) {
        let Some(r) = resources.get::<Resources>() else {
            return;
        };
        let Some(frame_group) = r.frame_group.as_ref() else {
            return;
        };
        let level = &self.level;
        pass.set_bind_group(0, frame_group, &[]);
        pass.set_bind_group(1, &level.bind_group, &[]);
        pass.set_vertex_buffer(0, level.vertices.slice(..));
        pass.set_pipeline(&r.fill);
        pass.set_index_buffer(level.fills.slice(..), wgpu::IndexFormat::Uint32);
        for range in &self.visible.fills {
            pass.draw_indexed(range.clone(), 0, 0..1);
        }
        pass.set_pipeline(&r.boxes);
        pass.set_vertex_buffer(0, level.boxes.slice(..));
        for range in &self.visible.boxes {
            pass.draw(0..6, range.clone());
        }
        pass.set_vertex_buffer(0, level.vertices.slice(..));
        if self.outlines {
            pass.set_pipeline(&r.line);
            pass.set_index_buffer(level.lines.slice(..), wgpu::IndexFormat::Uint32);
            for range in &self.visible.lines {
                pass.draw_indexed(range.clone(), 0, 0..1);
            }
        }
        if let Some(segments) = &r.segments {
            // Only the segments of chunks whose offsets this frame sent: the others' offsets
            // are a past frame's.
            let first = self.visible.first_chunk;
            let end = first + self.visible.offsets.len() as u32;
            let lo = r.segment_chunks.partition_point(|&c| c < first) as u32;
            let hi = r.segment_chunks.partition_point(|&c| c < end) as u32;
            if hi > lo {
                pass.set_pipeline(&r.highlight);
                pass.set_vertex_buffer(0, segments.slice(..));
                pass.draw(0..6, lo..hi);
            }
        }
    }
}

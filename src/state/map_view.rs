//! The map's own state: where it looks, the meshes cached for the view (precincts and
//! streets), the lasso or polygon being drawn, and what it measured and found under the
//! pointer last frame. The map view (`ui::map_view`) owns it while it draws, as walkers' map
//! owns its `MapMemory`.

use walkers::MapMemory;

use crate::map::coords::{Position, World, WorldBounds};
use crate::map::gpu::GpuPrecincts;
use crate::map::layer::{DrawStats, MeshCache, View as WorldView};
use crate::map::streets::{GpuStreets, StreetCache, StreetStats};

/// The map's state between frames.
#[derive(Default)]
pub struct MapView {
    /// The map's position and zoom.
    pub memory: MapMemory,
    /// Precinct meshes cached for the view (the CPU path).
    pub mesh_cache: MeshCache,
    /// The precinct layer on the GPU, when the renderer and device allow it.
    pub gpu: Option<GpuPrecincts>,
    /// Street meshes and names cached for the view.
    pub street_cache: StreetCache,
    /// The street map's lines on the GPU, when the renderer and device allow it.
    pub gpu_streets: Option<GpuStreets>,
    /// The lasso being drawn (screen points).
    pub lasso: Vec<egui::Pos2>,
    /// The polygon being drawn with the polygon tool.
    pub polygon: Vec<Position>,
    /// A world rectangle to fit when the map is next drawn.
    pub zoom_request: Option<WorldBounds>,
    /// The position under the pointer.
    pub cursor: Option<Position>,
    /// The precinct under the pointer.
    pub hovered: Option<usize>,
    /// What the precinct layer drew last frame.
    pub frame_stats: DrawStats,
    /// Time spent in the precinct layer's code last frame.
    pub layer_time: std::time::Duration,
    /// What the street layer drew last frame (default when it was not drawn).
    pub street_stats: StreetStats,
    /// Time spent in the street layer's code last frame.
    pub street_time: std::time::Duration,
    /// The map view of the last frame (screen ↔ world), for tests and tools.
    pub last_view: Option<WorldView>,
}

impl MapView {
    /// Fits the map to a world rectangle inside `rect`.
    pub fn fit(&mut self, bounds: WorldBounds, rect: egui::Rect) {
        let (w, h) = (
            (bounds[2] - bounds[0]).max(1e-9),
            (bounds[3] - bounds[1]).max(1e-9),
        );
        let scale = (f64::from(rect.width()) / w).min(f64::from(rect.height()) / h) * 0.9;
        let zoom = scale.log2().clamp(0.0, 19.0);
        self.memory.center_at(World::center_of(bounds).position());
        let _ = self.memory.set_zoom(zoom);
    }

    /// Forgets the shapes being drawn (another tool was chosen).
    pub fn clear_drawing(&mut self) {
        self.lasso.clear();
        self.polygon.clear();
    }
}

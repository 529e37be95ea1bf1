//! Map rendering: the precinct layer (cached meshes), the street map, and the basemap tile
//! sources.

pub mod basemap;
pub mod batches;
pub mod coords;
pub mod gpu;
pub mod layer;
pub mod mbtiles;
pub mod streets;
pub mod style;
pub mod walk;

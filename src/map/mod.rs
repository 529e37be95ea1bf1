//! Map rendering: the precinct layer (cached meshes) and the basemap tile sources.

pub mod basemap;
pub mod batches;
pub mod coords;
pub mod layer;
pub mod mbtiles;
pub mod style;
pub mod walk;

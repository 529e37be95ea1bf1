//! Map rendering: the precinct layer (cached meshes) and the basemap tile sources.

pub mod basemap;
pub mod layer;
pub mod mbtiles;

//! The pure campaign model: precincts, geometry checks and repairs.
//!
//! Nothing here knows about files, SQLite or the UI; it is the same code the app and the command
//! line run, and it is tested without a display.

pub mod address;
pub mod autocut;
pub mod classify;
pub mod colour;
pub mod date;
pub mod dedupe;
pub mod door;
pub mod field;
pub mod formula;
pub mod geometry;
pub mod jenks;
pub mod lasso;
pub mod name;
pub mod numbers;
pub mod precinct;
pub mod print_code;
pub mod results;
pub mod scoring;
pub mod selection;
pub mod street;
pub mod turf;
pub mod validity;
pub mod walk;

pub use geometry::{GeometryProblem, RawPolygons, Repairs, clean_polygons};
pub use precinct::NewPrecinct;

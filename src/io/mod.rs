//! Importers and exporters: files in other formats ↔ the campaign.
//!
//! Readers (`geojson`, `shapefile`, `gpkg`) turn a shapes file into a [`SourceLayer`] exactly as
//! the file has it; [`import`] checks, repairs, reprojects and keys those features, then hands
//! them to the store in one transaction. [`export`] writes layers back out. No UI here.

pub mod crs;
pub mod csv_results;
pub mod doors;
mod error;
pub mod export;
pub mod geojson;
pub mod gpkg;
pub mod import;
pub mod input;
pub mod shapefile;
pub mod sheets;
mod source;
pub mod streets;

pub use error::{FeatureProblem, ImportError, removal};
pub use import::{ImportOptions, ImportReport, import_precincts, read_precincts};
pub use source::{SourceFeature, SourceGeometry, SourceLayer};

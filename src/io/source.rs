//! Features as read from a source file, before any check.

use std::path::PathBuf;

use serde_json::{Map, Value};

use super::crs::Crs;
use crate::domain::RawPolygons;

/// The geometry of a source feature.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceGeometry {
    /// Polygon or MultiPolygon rings, in the source CRS, exactly as the file has them.
    Polygons(RawPolygons),
    /// A geometry collection: its polygons, and how many other parts (lines, points) it had.
    Collection {
        /// The polygon members, as [`SourceGeometry::Polygons`] holds them.
        polygons: RawPolygons,
        /// Members that were not polygons.
        other_parts: usize,
    },
    /// The feature has no geometry.
    Missing,
    /// A geometry of another type (its name: `Point`, `LineString`…).
    Other(String),
}

/// One feature of a source file.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFeature {
    /// Its 1-based position in the file, for error messages.
    pub number: usize,
    /// The feature-level identifier (GeoJSON `id`), when the format has one.
    pub id: Option<Value>,
    /// Its attributes.
    pub properties: Map<String, Value>,
    /// Its geometry.
    pub geometry: SourceGeometry,
}

/// A layer read from a shapes file.
#[derive(Debug)]
pub struct SourceLayer {
    /// The file it came from.
    pub path: PathBuf,
    /// The format's name, for reports ("GeoJSON", "Shapefile", "GeoPackage").
    pub format: &'static str,
    /// The layer's name inside the file, when the format has several.
    pub layer: Option<String>,
    /// The coordinate reference system the file declares (or EPSG:4326 when it says none).
    pub crs: Crs,
    /// Whether the file declares its CRS (a `.prj`, a GeoJSON `crs` member, a GeoPackage
    /// SRS); GeoJSON without one is EPSG:4326 by its standard, a Shapefile without one is
    /// only assumed to be.
    pub crs_declared: bool,
    /// Attribute names, in the file's order.
    pub fields: Vec<String>,
    /// The features, in file order.
    pub features: Vec<SourceFeature>,
    /// What the reader noticed and worked around (a wrong `.shx` index, read around).
    pub notes: Vec<String>,
}

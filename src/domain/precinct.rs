//! Precincts (polling stations) as they enter a campaign.

use geo_types::MultiPolygon;

/// A precinct read from a shapes file, checked and ready to be stored.
///
/// Coordinates are longitude/latitude in degrees (EPSG:4326).
#[derive(Clone, Debug, PartialEq)]
pub struct NewPrecinct {
    /// The key that joins it to election results (unique in the campaign).
    pub code: String,
    /// A human name; the code again when the source has none.
    pub name: String,
    /// Registered voters, when the source carries them.
    pub registered: Option<i64>,
    /// The precinct outline.
    pub geometry: MultiPolygon<f64>,
    /// Every attribute of the source feature, kept as it was.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

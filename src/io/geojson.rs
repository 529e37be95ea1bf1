//! GeoJSON `FeatureCollections` of Polygon / MultiPolygon precincts.
//!
//! Coordinates are EPSG:4326 as RFC 7946 says, unless the file carries the older `crs` member
//! (`"urn:ogc:def:crs:EPSG::2154"`), which is honoured.

use std::path::Path;

use geo_types::Coord;
use geojson::{GeometryValue, Position};

use super::crs::Crs;
use super::{ImportError, SourceFeature, SourceGeometry, SourceLayer};
use crate::domain::RawPolygons;

/// Reads a GeoJSON FeatureCollection (or a single Feature).
pub fn read(path: &Path) -> Result<SourceLayer, ImportError> {
    let bytes = super::input::read_regular_file_after(path, super::input::MAX_SHAPES_BYTES, |h| {
        starts_like_json(path, h)
    })?;
    parse(path, &bytes)
}

/// Refuses a file whose first bytes cannot begin a GeoJSON object (a workbook, a database,
/// gigabytes of zeros), before it is read whole.
pub(crate) fn starts_like_json(path: &Path, head: &[u8]) -> Result<(), ImportError> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_none_or(|&b| b == b'{') {
        // Empty: the JSON reader says so.
        return Ok(());
    }
    if let Some(found) = super::input::sniff_binary_kind(head)
        && found != super::input::Kind::Json
    {
        return Err(ImportError::WrongKind {
            path: path.to_path_buf(),
            found,
            expected: "GeoJSON",
            hint: "",
        });
    }
    Err(ImportError::Format {
        path: path.to_path_buf(),
        detail: "not GeoJSON: a GeoJSON file starts with '{'".to_owned(),
    })
}

/// A JSON reader's error in a user's words: where it is, once, and what was expected, without
/// the reader's own type names.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json ends its messages with " at line 3 column 7": the place is said first instead.
    let mut text = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(t, _)| t)
        .replace("expected GeoJson object", "expected a GeoJSON object")
        .replace("Error while deserializing GeoJSON: ", "");
    // "expected struct DeserializeFeatureHelper" is the geojson crate's own type: "a Feature".
    if let Some(at) = text.find("struct Deserialize") {
        let rest = &text[at + "struct Deserialize".len()..];
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = rest[..name_len].trim_end_matches("Helper");
        text = format!("{}a {name} object{}", &text[..at], &rest[name_len..]);
    }
    if e.line() == 0 {
        text
    } else {
        format!("line {}, column {}: {text}", e.line(), e.column())
    }
}

/// Parses GeoJSON bytes; `path` only names the source in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<SourceLayer, ImportError> {
    let format = |detail: String| ImportError::Format {
        path: path.to_path_buf(),
        detail,
    };
    // A UTF-8 byte order mark is not JSON but some tools write one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let geojson: geojson::GeoJson = serde_json::from_slice(bytes)
        .map_err(|e| format(format!("not valid GeoJSON ({})", json_error(&e))))?;
    let (features, foreign) = match geojson {
        geojson::GeoJson::FeatureCollection(fc) => (fc.features, fc.foreign_members),
        geojson::GeoJson::Feature(f) => (vec![f], None),
        geojson::GeoJson::Geometry(_) => {
            return Err(format(
                "a bare Geometry has no attributes to key precincts by; expected a \
                 FeatureCollection"
                    .to_owned(),
            ));
        }
    };
    let crs_declared = foreign.as_ref().is_some_and(|m| m.contains_key("crs"));
    let crs = match foreign.as_ref().and_then(|m| m.get("crs")) {
        None => Crs::wgs84(),
        Some(member) => {
            let name = member
                .pointer("/properties/name")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            Crs::from_name(name).map_err(|source| ImportError::Crs {
                path: path.to_path_buf(),
                source,
            })?
        }
    };
    let mut fields: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.into_iter().enumerate() {
        let properties = f.properties.unwrap_or_default();
        for key in properties.keys() {
            if !fields.contains(key) {
                fields.push(key.clone());
            }
        }
        let id = f.id.map(|id| match id {
            geojson::feature::Id::String(s) => serde_json::Value::String(s),
            geojson::feature::Id::Number(n) => serde_json::Value::Number(n),
        });
        let geometry = match f.geometry.map(|g| g.value) {
            None => SourceGeometry::Missing,
            Some(GeometryValue::Polygon { coordinates }) => {
                SourceGeometry::Polygons(vec![rings(coordinates)])
            }
            Some(GeometryValue::MultiPolygon { coordinates }) => {
                SourceGeometry::Polygons(coordinates.into_iter().map(rings).collect())
            }
            Some(GeometryValue::GeometryCollection { geometries }) => {
                let mut polygons = Vec::new();
                let mut other_parts = 0;
                collect(geometries, &mut polygons, &mut other_parts);
                SourceGeometry::Collection {
                    polygons,
                    other_parts,
                }
            }
            Some(other) => SourceGeometry::Other(other.type_name().to_owned()),
        };
        out.push(SourceFeature {
            number: i + 1,
            id,
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        crs_declared,
        path: path.to_path_buf(),
        format: "GeoJSON",
        layer: None,
        crs,
        fields,
        features: out,
        notes: Vec::new(),
    })
}

/// Gathers the polygons of a (possibly nested) geometry collection, counting the other parts.
fn collect(members: Vec<geojson::Geometry>, polygons: &mut RawPolygons, other_parts: &mut usize) {
    for member in members {
        match member.value {
            GeometryValue::Polygon { coordinates } => polygons.push(rings(coordinates)),
            GeometryValue::MultiPolygon { coordinates } => {
                polygons.extend(coordinates.into_iter().map(rings));
            }
            GeometryValue::GeometryCollection { geometries } => {
                collect(geometries, polygons, other_parts);
            }
            _ => *other_parts += 1,
        }
    }
}

fn rings(polygon: Vec<Vec<Position>>) -> Vec<Vec<Coord<f64>>> {
    polygon
        .into_iter()
        .map(|ring| {
            ring.iter()
                .map(|p| match p.as_slice() {
                    [x, y, ..] => Coord { x: *x, y: *y },
                    // A position needs two numbers; NaN makes the check report it.
                    _ => Coord {
                        x: f64::NAN,
                        y: f64::NAN,
                    },
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_names_the_line_and_column() {
        let err = parse(
            Path::new("bad.geojson"),
            b"{\"type\": \"FeatureCollection\",\n oops}",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("bad.geojson") && err.contains("line 2"),
            "{err}"
        );
    }

    #[test]
    fn an_old_style_crs_member_is_honoured() {
        let text = br#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[]}"#;
        let layer = parse(Path::new("l93.geojson"), text).unwrap();
        assert_eq!(layer.crs.label(), "EPSG:2154");
    }

    #[test]
    fn a_point_feature_is_read_as_another_geometry_type() {
        let text = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        let layer = parse(Path::new("p.geojson"), text).unwrap();
        assert_eq!(
            layer.features[0].geometry,
            SourceGeometry::Other("Point".to_owned())
        );
        assert_eq!(layer.fields, vec!["a".to_owned()]);
    }
}

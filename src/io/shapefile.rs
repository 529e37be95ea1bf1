//! ESRI Shapefiles (`.shp` + `.shx` + `.dbf`, and the `.prj` that says their CRS).

use std::path::Path;

use geo::Contains as _;
use geo_types::{Coord, LineString, Polygon};
use serde_json::{Map, Value};
use shapefile::{PolygonRing, Shape};

use super::crs::Crs;
use super::input::{MAX_SHAPES_BYTES, MAX_SIDECAR_BYTES, check_regular_file, read_regular_file};
use super::{ImportError, SourceFeature, SourceGeometry, SourceLayer};
use crate::domain::RawPolygons;

/// Reads a Shapefile with its attributes; the `.prj` beside it declares the CRS (EPSG:4326 is
/// assumed, and said in the report, when there is none).
pub fn read(path: &Path) -> Result<SourceLayer, ImportError> {
    let format = |detail: String| ImportError::Format {
        path: path.to_path_buf(),
        detail,
    };
    check_regular_file(path, MAX_SHAPES_BYTES)?;
    let prj = path.with_extension("prj");
    let crs = match read_regular_file(&prj, MAX_SIDECAR_BYTES) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            Crs::from_wkt(&text).map_err(|source| ImportError::Crs {
                path: prj.clone(),
                source,
            })?
        }
        Err(ImportError::Missing { .. }) => Crs::wgs84(),
        Err(e) => return Err(e),
    };
    let dbf = path.with_extension("dbf");
    match check_regular_file(&dbf, MAX_SHAPES_BYTES) {
        Err(ImportError::Missing { .. }) => {
            return Err(format(format!(
                "the attribute file {} is missing; a Shapefile needs its .dbf beside the .shp",
                dbf.display()
            )));
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let shx = path.with_extension("shx");
    match check_regular_file(&shx, MAX_SHAPES_BYTES) {
        Err(ImportError::Missing { .. }) | Ok(_) => {}
        Err(e) => return Err(e),
    }
    let dbase = dbase::Reader::from_path(&dbf).map_err(|e| ImportError::Format {
        path: dbf.clone(),
        detail: format!("unreadable attributes: {e}"),
    })?;
    let fields: Vec<String> = dbase.fields().iter().map(|f| f.name().to_owned()).collect();
    let shapes = shapefile::ShapeReader::from_path(path)
        .map_err(|e| format(format!("unreadable shapes: {e}")))?;
    let mut reader = shapefile::Reader::new(shapes, dbase);
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(|e| format(format!("record {}: {e}", i + 1)))?;
        let mut properties = Map::new();
        let mut record: std::collections::HashMap<String, dbase::FieldValue> = record.into();
        for name in &fields {
            if let Some(value) = record.remove(name) {
                properties.insert(name.clone(), field_value(value));
            }
        }
        let geometry = match shape {
            Shape::NullShape => SourceGeometry::Missing,
            Shape::Polygon(p) => SourceGeometry::Polygons(group_rings(
                p.rings()
                    .iter()
                    .map(|r| ring(r, |pt| Coord { x: pt.x, y: pt.y }))
                    .collect(),
            )),
            Shape::PolygonM(p) => SourceGeometry::Polygons(group_rings(
                p.rings()
                    .iter()
                    .map(|r| ring(r, |pt| Coord { x: pt.x, y: pt.y }))
                    .collect(),
            )),
            Shape::PolygonZ(p) => SourceGeometry::Polygons(group_rings(
                p.rings()
                    .iter()
                    .map(|r| ring(r, |pt| Coord { x: pt.x, y: pt.y }))
                    .collect(),
            )),
            other => SourceGeometry::Other(other.shapetype().to_string()),
        };
        features.push(SourceFeature {
            number: i + 1,
            id: None,
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        path: path.to_path_buf(),
        format: "Shapefile",
        layer: None,
        crs,
        fields,
        features,
    })
}

/// A ring and whether it is an outer ring (clockwise in Shapefiles).
fn ring<P>(r: &PolygonRing<P>, coord: impl Fn(&P) -> Coord<f64>) -> (bool, Vec<Coord<f64>>) {
    match r {
        PolygonRing::Outer(points) => (true, points.iter().map(&coord).collect()),
        PolygonRing::Inner(points) => (false, points.iter().map(&coord).collect()),
    }
}

/// Groups Shapefile rings into polygons: each hole goes to the outer ring that contains it
/// (the format does not promise holes follow their shell); a hole inside no shell is kept as a
/// polygon of its own rather than lost.
fn group_rings(rings: Vec<(bool, Vec<Coord<f64>>)>) -> RawPolygons {
    // Each shell as a polygon (for containment tests) and its rings as read.
    type Shell = (Polygon<f64>, Vec<Vec<Coord<f64>>>);
    let mut shells: Vec<Shell> = Vec::new();
    let mut holes = Vec::new();
    for (outer, coords) in rings {
        if outer {
            let shape = Polygon::new(LineString(coords.clone()), vec![]);
            shells.push((shape, vec![coords]));
        } else {
            holes.push(coords);
        }
    }
    for hole in holes {
        let owner = hole.first().and_then(|first| {
            shells
                .iter()
                .position(|(shape, _)| shape.contains(&geo_types::Point(*first)))
        });
        match owner {
            Some(i) => shells[i].1.push(hole),
            None => shells.push((Polygon::new(LineString(vec![]), vec![]), vec![hole])),
        }
    }
    shells.into_iter().map(|(_, rings)| rings).collect()
}

fn field_value(value: dbase::FieldValue) -> Value {
    use dbase::FieldValue as F;
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 9.0e15 {
            Value::from(n as i64)
        } else {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        }
    };
    match value {
        F::Character(s) => s.map_or(Value::Null, |s| Value::String(s.trim().to_owned())),
        F::Memo(s) => Value::String(s),
        F::Numeric(n) => n.map_or(Value::Null, number),
        F::Float(n) => n.map_or(Value::Null, |n| number(f64::from(n))),
        F::Double(n) | F::Currency(n) => number(n),
        F::Integer(n) => Value::from(n),
        F::Logical(b) => b.map_or(Value::Null, Value::Bool),
        F::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        F::DateTime(dt) => {
            let d = dt.date();
            let t = dt.time();
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
    }
}

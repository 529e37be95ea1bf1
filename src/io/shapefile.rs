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
    let (crs, crs_declared) = match read_regular_file(&prj, MAX_SIDECAR_BYTES) {
        // An empty `.prj` says no more than a missing one: the system is assumed (and said),
        // or given with --crs.
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => (Crs::wgs84(), false),
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let crs = Crs::from_wkt(&text).map_err(|source| ImportError::Crs {
                path: prj.clone(),
                source,
            })?;
            (crs, true)
        }
        Err(ImportError::Missing { .. }) => (Crs::wgs84(), false),
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
    let shx_present = match check_regular_file(&shx, MAX_SHAPES_BYTES) {
        Err(ImportError::Missing { .. }) => false,
        Ok(_) => true,
        Err(e) => return Err(e),
    };
    let notes = check_parts(path, shx_present.then_some(shx.as_path()), &dbf)?;
    let dbase = dbase::Reader::from_path(&dbf).map_err(|e| ImportError::Format {
        path: dbf.clone(),
        detail: format!("unreadable attributes: {}", dbase_message(&e)),
    })?;
    let fields: Vec<String> = dbase.fields().iter().map(|f| f.name().to_owned()).collect();
    // The shapes are read in order from the `.shp`, never through the `.shx` index: an index
    // that disagrees would give precincts each other's shapes.
    let shp = std::fs::File::open(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let shapes = shapefile::ShapeReader::new(std::io::BufReader::new(shp))
        .map_err(|e| format(format!("unreadable shapes: {}", shapefile_message(&e))))?;
    let mut reader = shapefile::Reader::new(shapes, dbase);
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) =
            item.map_err(|e| format(format!("record {}: {}", i + 1, shapefile_message(&e))))?;
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
        crs_declared,
        path: path.to_path_buf(),
        format: "Shapefile",
        layer: None,
        crs,
        fields,
        features,
        notes,
    })
}

/// Cross-checks the `.shp`, its `.shx` index and the `.dbf`: the shapes counted in order in the
/// `.shp`, the records the `.dbf` says it has and really holds, the index's entries. Counts
/// that disagree are refused; an index alone that disagrees is read around (returned as a
/// note), since the `.shp` read in order is the truth.
fn check_parts(shp: &Path, shx: Option<&Path>, dbf: &Path) -> Result<Vec<String>, ImportError> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Io {
            path: path.clone(),
            source,
        }
    };
    let format = |path: &Path, detail: String| ImportError::Format {
        path: path.to_path_buf(),
        detail,
    };
    let be32 = |b: &[u8]| i64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]]));

    // The .shp, record by record: offsets and lengths in 16-bit words, as the .shx has them.
    let mut file = std::io::BufReader::new(std::fs::File::open(shp).map_err(io(shp))?);
    let size = file.get_ref().metadata().map_err(io(shp))?.len();
    let mut header = [0_u8; 100];
    file.read_exact(&mut header).map_err(|_| {
        format(
            shp,
            "the file is shorter than a Shapefile header".to_owned(),
        )
    })?;
    if be32(&header[0..4]) != 9994 {
        return Err(format(
            shp,
            "not a Shapefile (its header lacks the file code 9994)".to_owned(),
        ));
    }
    let mut records: Vec<(i64, i64)> = Vec::new();
    let mut at: u64 = 100;
    while at < size {
        let mut head = [0_u8; 8];
        if size - at < 8 {
            return Err(format(
                shp,
                format!(
                    "the file ends inside the header of shape {}",
                    records.len() + 1
                ),
            ));
        }
        file.read_exact(&mut head).map_err(io(shp))?;
        let words = be32(&head[4..8]);
        let bytes = u64::try_from(words * 2).unwrap_or(u64::MAX);
        if words < 2 || at + 8 + bytes > size {
            return Err(format(
                shp,
                format!(
                    "shape {} at byte {at} says it is {words} words long, past the end of the \
                     file (cut short?)",
                    records.len() + 1
                ),
            ));
        }
        records.push(((at / 2) as i64, words));
        file.seek(SeekFrom::Current(bytes as i64))
            .map_err(io(shp))?;
        at += 8 + bytes;
    }

    // The shapes are whole, but the reader stops where the header says the file ends: a
    // length that is not the file's would drop the shapes after it, or read past the end.
    let declared = be32(&header[24..28]) * 2;
    if u64::try_from(declared).ok() != Some(size) {
        return Err(format(
            shp,
            format!(
                "its header gives its length as {declared} bytes but the file holds {size}: the \
                 file was cut short or its header is damaged"
            ),
        ));
    }

    // The .dbf: the records its header announces, and those it really holds.
    let mut file = std::fs::File::open(dbf).map_err(io(dbf))?;
    let dbf_size = file.metadata().map_err(io(dbf))?.len();
    let mut header = [0_u8; 12];
    file.read_exact(&mut header)
        .map_err(|_| format(dbf, "the file is shorter than a dBase header".to_owned()))?;
    let announced = u64::from(u32::from_le_bytes([
        header[4], header[5], header[6], header[7],
    ]));
    let header_len = u64::from(u16::from_le_bytes([header[8], header[9]]));
    let record_len = u64::from(u16::from_le_bytes([header[10], header[11]]));
    let held = dbf_size
        .saturating_sub(header_len)
        .checked_div(record_len)
        .unwrap_or(0);
    if held < announced {
        return Err(format(
            dbf,
            format!(
                "the attribute file is cut short: its header announces {announced} records but it \
                 holds {held}"
            ),
        ));
    }
    if announced != records.len() as u64 {
        return Err(format(
            shp,
            format!(
                "the .shp holds {} shapes but its .dbf {announced} records: the files do not \
                 belong together, or one was cut short (nothing was imported)",
                records.len()
            ),
        ));
    }

    // The .shx: one entry per shape, at the shape's offset.
    let Some(shx) = shx else {
        return Ok(Vec::new());
    };
    let index = std::fs::read(shx).map_err(io(shx))?;
    let entries: Vec<(i64, i64)> = index
        .get(100..)
        .unwrap_or_default()
        .chunks_exact(8)
        .map(|e| (be32(&e[0..4]), be32(&e[4..8])))
        .collect();
    if entries == records {
        return Ok(Vec::new());
    }
    let wrong = entries
        .iter()
        .zip(&records)
        .position(|(e, r)| e != r)
        .map_or(String::new(), |i| format!(", first at shape {}", i + 1));
    Ok(vec![format!(
        "the index {} disagrees with the .shp ({} entries for {} shapes{wrong}): the shapes were \
         read in order from the .shp, without the index",
        shx.display(),
        entries.len(),
        records.len()
    )])
}

/// A ring and whether it is an outer ring (clockwise in Shapefiles).
/// A `shapefile` error in words (its own wording falls back to a debugging dump for some).
fn shapefile_message(e: &shapefile::Error) -> String {
    match e {
        shapefile::Error::DbaseError(e) => dbase_message(e),
        shapefile::Error::InvalidPatchType(code) => format!("unknown patch type {code}"),
        shapefile::Error::MissingDbf => "the .dbf file is missing".to_owned(),
        shapefile::Error::MissingIndexFile => "the .shx file is missing".to_owned(),
        other => other.to_string(),
    }
}

/// A `dbase` error in words (its own wording for a header error reads "Error { kind: … }").
fn dbase_message(e: &dbase::Error) -> String {
    match e.record_index() {
        Some(_) => e.to_string(),
        None => e.kind().to_string(),
    }
}

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

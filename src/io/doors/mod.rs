//! Door (address) points: GeoJSON Point features, CSV files with longitude/latitude columns
//! (the French national address file among them), or OpenStreetMap extracts; each door with
//! its address in parts (`columns`), its households and the source's own id.

mod columns;
mod osm;

use std::path::Path;

use geo_types::Point;
use serde_json::Value;

use super::{FeatureProblem, ImportError};

pub use crate::domain::door::NewDoor;
pub use columns::DoorColumns;

/// Reads doors from a `.geojson`/`.json`, `.csv` or `.osm.pbf` file, guessing which columns
/// hold the address parts.
pub fn read_doors(path: &Path) -> Result<Vec<NewDoor>, ImportError> {
    read_doors_with(path, &DoorColumns::default())
}

/// Reads doors from a file, with the columns the user named (the others guessed).
pub fn read_doors_with(path: &Path, chosen: &DoorColumns) -> Result<Vec<NewDoor>, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    super::input::check_regular_file(path, super::input::MAX_SHAPES_BYTES)?;
    let doors = if name.ends_with(".osm.pbf") || ext == "pbf" {
        osm::read_pbf(path)?
    } else {
        match ext.as_str() {
            "geojson" | "json" => read_geojson(path, chosen)?,
            "csv" | "txt" => read_csv(path, chosen)?,
            _ => {
                return Err(ImportError::Format {
                    path: path.to_path_buf(),
                    detail: format!(
                        "unsupported file type {ext:?}; doors can be GeoJSON points, a CSV with longitude and latitude columns, or an OpenStreetMap .osm.pbf extract"
                    ),
                });
            }
        }
    };
    // Importing nothing would replace the doors of an earlier import of the same file with
    // none: an empty or addressless file is refused instead.
    if doors.is_empty() {
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: "no doors in the file (no points, rows or addressed buildings), so nothing \
                     was imported"
                .to_owned(),
        });
    }
    Ok(doors)
}

/// What a user should know about the addresses read: none has a house number, or none has an
/// address at all (a column not recognised), in English.
#[must_use]
pub fn address_warnings(doors: &[NewDoor]) -> Vec<String> {
    let mut out = Vec::new();
    let addressed = doors
        .iter()
        .any(|d| d.parts.street.is_some() || !d.address.trim().is_empty());
    if !addressed {
        out.push(
            "no door has an address (no address or street column was recognised: name one \
             with --address-column or --street-column); walks will order these doors by \
             position only"
                .to_owned(),
        );
    } else if !doors.iter().any(|d| d.parts.housenumber.is_some()) {
        out.push(
            "no door has a house number (no number column was recognised: name it with \
             --number-column); walks cannot tell the sides of a street without street lines"
                .to_owned(),
        );
    }
    out
}

fn check(
    path: &Path,
    doors: Vec<NewDoor>,
    problems: Vec<FeatureProblem>,
    total: usize,
) -> Result<Vec<NewDoor>, ImportError> {
    if problems.is_empty() {
        Ok(doors)
    } else {
        Err(ImportError::Features {
            path: path.to_path_buf(),
            total,
            problems,
        })
    }
}

pub(super) fn valid(x: f64, y: f64) -> Result<Point<f64>, String> {
    if !x.is_finite() || !y.is_finite() {
        return Err("coordinate is not a number".to_owned());
    }
    if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
        return Err(format!(
            "coordinate ({x}, {y}) is out of range for longitude/latitude"
        ));
    }
    Ok(Point::new(x, y))
}

fn read_geojson(path: &Path, chosen: &DoorColumns) -> Result<Vec<NewDoor>, ImportError> {
    let text = super::input::read_regular_file_after(path, super::input::MAX_SHAPES_BYTES, |h| {
        super::geojson::starts_like_json(path, h)
    })?;
    // A UTF-8 byte order mark is not JSON but some tools write one.
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let geojson: geojson::GeoJson =
        serde_json::from_slice(text).map_err(|e| ImportError::Format {
            path: path.to_path_buf(),
            detail: format!("not valid GeoJSON ({})", super::geojson::json_error(&e)),
        })?;
    let features = match geojson {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(_) => {
            return Err(ImportError::Format {
                path: path.to_path_buf(),
                detail: "a bare geometry, not a Feature or FeatureCollection of points".to_owned(),
            });
        }
    };
    let total = features.len();
    // The properties of every feature, in the order they first appear, are the columns.
    let mut names: Vec<String> = Vec::new();
    for f in &features {
        for k in f.properties.iter().flat_map(|p| p.keys()) {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    let found = columns::find(path, &names, chosen)?;
    let mut doors = Vec::with_capacity(total);
    let mut problems = Vec::new();
    for (i, f) in features.into_iter().enumerate() {
        let props = f.properties.unwrap_or_default();
        let text = |name: &str| match props.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (line, parts) = found.parts(text);
        let id = found.id(text).or_else(|| match &f.id {
            Some(geojson::feature::Id::String(s)) => Some(s.clone()),
            Some(geojson::feature::Id::Number(n)) => Some(n.to_string()),
            None => None,
        });
        let households = match found.households.as_deref().and_then(|h| props.get(h)) {
            None | Some(Value::Null) => Ok(1),
            Some(Value::Number(n)) => household_count(&n.to_string(), false),
            Some(Value::String(t)) => household_count(t, false),
            Some(other) => Err(format!(
                "households {other}: write a whole number from 1 to 10,000"
            )),
        };
        let households = match households {
            Ok(h) => h,
            Err(problem) => {
                problems.push(FeatureProblem {
                    feature: i + 1,
                    code: None,
                    problem,
                });
                continue;
            }
        };
        let points: Vec<(f64, f64)> = match f.geometry.map(|g| g.value) {
            Some(geojson::GeometryValue::Point { coordinates }) => {
                vec![(
                    coordinates[0],
                    coordinates.as_slice().get(1).copied().unwrap_or(f64::NAN),
                )]
            }
            Some(geojson::GeometryValue::MultiPoint { coordinates }) => coordinates
                .iter()
                .map(|c| (c[0], c.as_slice().get(1).copied().unwrap_or(f64::NAN)))
                .collect(),
            Some(other) => {
                problems.push(FeatureProblem {
                    feature: i + 1,
                    code: None,
                    problem: format!("geometry is {}; doors must be points", other.type_name()),
                });
                continue;
            }
            None => {
                problems.push(FeatureProblem {
                    feature: i + 1,
                    code: None,
                    problem: "no geometry".to_owned(),
                });
                continue;
            }
        };
        for (x, y) in points {
            match valid(x, y) {
                Ok(point) => doors.push(
                    NewDoor::from_parts(point, &line, parts.clone(), households)
                        .with_source_id(id.clone()),
                ),
                Err(problem) => problems.push(FeatureProblem {
                    feature: i + 1,
                    code: None,
                    problem,
                }),
            }
        }
    }
    check(path, doors, problems, total)
}

fn read_csv(path: &Path, chosen: &DoorColumns) -> Result<Vec<NewDoor>, ImportError> {
    // The results reader's table: encodings, delimiters, title lines, the file's own line
    // numbers, and refusals of unbalanced quotes and rows of the wrong width.
    let table = super::csv_results::read_table(path, super::csv_results::TableOf::Doors)?;
    let headers = &table.headers;
    let at = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| headers.iter().position(|h| h == n))
    };
    let (Some(lon), Some(lat)) = (
        at(&columns::guess(headers, columns::LON)),
        at(&columns::guess(headers, columns::LAT)),
    ) else {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: format!(
                "no longitude/latitude columns (lon, lat…); columns: {}",
                headers.join(", ")
            ),
        });
    };
    let found = columns::find(path, headers, chosen)?;
    let households = at(&found.households);
    let decimal_comma = table.decimal_comma;
    // One record into a door, or the problem of its line.
    let door_of = |line: usize, record: &csv::StringRecord| -> Result<NewDoor, String> {
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let point = match (
            coordinate(cell(lon), decimal_comma),
            coordinate(cell(lat), decimal_comma),
        ) {
            (Some(x), Some(y)) => valid(x, y),
            _ => Err(format!(
                "longitude/latitude {:?}, {:?} are not numbers",
                cell(lon),
                cell(lat)
            )),
        };
        let count = match households {
            None => Ok(1),
            Some(c) => household_count(cell(c), decimal_comma),
        };
        match (point, count) {
            (Ok(point), Ok(households)) => {
                let text = |name: &str| {
                    headers
                        .iter()
                        .position(|h| h == name)
                        .map(|c| cell(c).to_owned())
                };
                let (address, parts) = found.parts(text);
                Ok(NewDoor::from_parts(point, &address, parts, households)
                    .with_source_id(found.id(text)))
            }
            (Err(problem), _) | (_, Err(problem)) => Err(format!("line {line}: {problem}")),
        }
    };
    // Records into doors, each record dropped once read (the whole table and every door held
    // at once was the import's peak at two million doors); a vector sized once.
    let convert = |records: Vec<(usize, csv::StringRecord)>| {
        let mut doors = Vec::with_capacity(records.len());
        let mut problems: Vec<String> = Vec::new();
        for (line, record) in records {
            match door_of(line, &record) {
                Ok(door) => doors.push(door),
                Err(problem) => problems.push(problem),
            }
        }
        (doors, problems)
    };
    let total = table.records.len();
    // Large files are read in eight parts on the machine's cores, kept in file order (two
    // million doors: 1.4 s on one core). Eight, not one a core: the parts are joined one by
    // one, so only one part's doors are held twice at a time.
    let mut records = table.records;
    let parts = if total < 50_000 { 1 } else { 8 };
    let mut chunks: Vec<Vec<(usize, csv::StringRecord)>> = Vec::with_capacity(parts);
    for k in (1..parts).rev() {
        chunks.push(records.split_off(total * k / parts));
    }
    chunks.push(records);
    chunks.reverse();
    let converted: Vec<(Vec<NewDoor>, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(|| convert(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(part) => part,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut doors = Vec::with_capacity(total);
    let mut problems: Vec<String> = Vec::new();
    for (d, p) in converted {
        doors.extend(d);
        problems.extend(p);
    }
    if problems.is_empty() {
        return Ok(doors);
    }
    Err(ImportError::Format {
        path: path.to_path_buf(),
        detail: format!(
            "{} of {total} rows cannot be imported, so nothing was imported:\n{}",
            problems.len(),
            super::error::list(&problems)
        ),
    })
}

/// A longitude or latitude: never grouped in thousands, so a dot is always the decimal point
/// (and a comma too, in a semicolon file).
fn coordinate(text: &str, decimal_comma: bool) -> Option<f64> {
    let text = text.trim();
    // Parsed in place unless a comma must become a point (no copy of the cell).
    let value = if decimal_comma && text.contains(',') {
        text.replace(',', ".").parse::<f64>()
    } else {
        text.parse::<f64>()
    };
    value.ok().filter(|v| v.is_finite())
}

/// The households at an address: an empty cell is one; otherwise a whole number from 1 to
/// 10,000.
fn household_count(text: &str, decimal_comma: bool) -> Result<i64, String> {
    let wrong = || format!("households {text:?}: write a whole number from 1 to 10,000");
    match super::csv_results::parse_count(text, decimal_comma) {
        Ok(None) => Ok(1),
        Ok(Some(n)) if (1..=10_000).contains(&n) => Ok(i64::from(n)),
        _ => Err(wrong()),
    }
}

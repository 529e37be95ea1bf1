//! Door (address) points: GeoJSON Point features, or CSV files with longitude/latitude
//! columns, with an optional households-per-address column.

use std::path::Path;

use geo_types::Point;
use serde_json::Value;

use super::{FeatureProblem, ImportError};
use crate::io::csv_results::parse_number;

/// A door read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct NewDoor {
    /// Where it is (longitude/latitude).
    pub point: Point<f64>,
    /// Its address, as the file writes it.
    pub address: String,
    /// Households behind it (1 when the file does not say).
    pub households: i64,
}

const HOUSEHOLD_NAMES: &[&str] = &[
    "households",
    "menages",
    "ménages",
    "logements",
    "dwellings",
    "units",
    "nb_logements",
];
const ADDRESS_NAMES: &[&str] = &["address", "adresse", "addr", "full_address"];
const LON_NAMES: &[&str] = &["lon", "lng", "long", "longitude", "x"];
const LAT_NAMES: &[&str] = &["lat", "latitude", "y"];

/// Reads doors from a `.geojson`/`.json` or `.csv` file.
pub fn read_doors(path: &Path) -> Result<Vec<NewDoor>, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "geojson" | "json" => read_geojson(path),
        "csv" | "txt" => read_csv(path),
        _ => Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: format!(
                "unsupported file type {ext:?}; doors can be GeoJSON points or a CSV with longitude and latitude columns"
            ),
        }),
    }
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

fn valid(x: f64, y: f64) -> Result<Point<f64>, String> {
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

fn read_geojson(path: &Path) -> Result<Vec<NewDoor>, ImportError> {
    let text = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let fc: geojson::FeatureCollection =
        serde_json::from_slice(&text).map_err(|e| ImportError::Format {
            path: path.to_path_buf(),
            detail: format!(
                "not a GeoJSON FeatureCollection (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        })?;
    let total = fc.features.len();
    let mut doors = Vec::with_capacity(total);
    let mut problems = Vec::new();
    for (i, f) in fc.features.into_iter().enumerate() {
        let props = f.properties.unwrap_or_default();
        let get = |names: &[&str]| {
            names.iter().find_map(|n| {
                props
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
                    .map(|(_, v)| v.clone())
            })
        };
        let address = if let Some(Value::String(s)) = get(ADDRESS_NAMES) {
            s
        } else {
            let street = props
                .get("addr_street")
                .or_else(|| props.get("addr:street"))
                .and_then(Value::as_str);
            let number = props
                .get("addr_housenumber")
                .or_else(|| props.get("addr:housenumber"))
                .and_then(Value::as_str);
            match (number, street) {
                (Some(n), Some(s)) => format!("{s} {n}"),
                (None, Some(s)) => s.to_owned(),
                _ => String::new(),
            }
        };
        let households = get(HOUSEHOLD_NAMES)
            .and_then(|v| v.as_f64())
            .map_or(1, |h| h.round().max(1.0) as i64);
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
                Ok(point) => doors.push(NewDoor {
                    point,
                    address: address.clone(),
                    households,
                }),
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

fn read_csv(path: &Path) -> Result<Vec<NewDoor>, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).into_owned();
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::Format {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(lon), Some(lat)) = (find(LON_NAMES), find(LAT_NAMES)) else {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: format!(
                "no longitude/latitude columns (lon, lat…); columns: {}",
                headers.join(", ")
            ),
        });
    };
    let address = find(ADDRESS_NAMES);
    let households = find(HOUSEHOLD_NAMES);
    let decimal_comma = delimiter == b';';
    let mut doors = Vec::new();
    let mut problems = Vec::new();
    let mut total = 0;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ImportError::Format {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        total += 1;
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let number = |c: usize| parse_number(cell(c), decimal_comma).ok().flatten();
        let point = match (number(lon), number(lat)) {
            (Some(x), Some(y)) => valid(x, y),
            _ => Err(format!(
                "longitude/latitude {:?}, {:?} are not numbers",
                cell(lon),
                cell(lat)
            )),
        };
        match point {
            Ok(point) => doors.push(NewDoor {
                point,
                address: address.map(|c| cell(c).to_owned()).unwrap_or_default(),
                households: households
                    .and_then(number)
                    .map_or(1, |h| h.round().max(1.0) as i64),
            }),
            Err(problem) => problems.push(FeatureProblem {
                feature: i + 2,
                code: None,
                problem,
            }),
        }
    }
    check(path, doors, problems, total)
}

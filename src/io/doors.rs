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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    super::input::check_regular_file(path, super::input::MAX_SHAPES_BYTES)?;
    if name.ends_with(".osm.pbf") || ext == "pbf" {
        return read_pbf(path);
    }
    match ext.as_str() {
        "geojson" | "json" => read_geojson(path),
        "csv" | "txt" => read_csv(path),
        _ => Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: format!(
                "unsupported file type {ext:?}; doors can be GeoJSON points, a CSV with longitude and latitude columns, or an OpenStreetMap .osm.pbf extract"
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
    let text = super::input::read_regular_file(path, super::input::MAX_SHAPES_BYTES)?;
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
    let bytes = super::input::read_regular_file(path, super::input::MAX_SHAPES_BYTES)?;
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

/// Reads the address nodes and the addressed buildings (at the centre of their outline) of an
/// OpenStreetMap `.osm.pbf` extract. A building's `building:flats` gives its households. An
/// address given both by a node and by its building counts once.
fn read_pbf(path: &Path) -> Result<Vec<NewDoor>, ImportError> {
    use std::collections::{HashMap, HashSet};

    use osmpbf::{Element, ElementReader, IndexedReader};

    fn door<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<(String, i64)> {
        let mut street = None;
        let mut number = None;
        let mut flats = None;
        for (k, v) in tags {
            match k {
                "addr:street" | "addr:place" => street = Some(v.to_owned()),
                "addr:housenumber" => number = Some(v.to_owned()),
                "building:flats" => flats = v.trim().parse::<i64>().ok(),
                _ => {}
            }
        }
        let number = number?;
        let address = match street {
            Some(s) => format!("{s} {number}"),
            None => number,
        };
        Some((address, flats.unwrap_or(1).max(1)))
    }

    let format = |e: osmpbf::Error| ImportError::Format {
        path: path.to_path_buf(),
        detail: format!("not a readable OpenStreetMap PBF extract: {e}"),
    };
    let mut doors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    ElementReader::from_path(path)
        .map_err(format)?
        .for_each(|element| {
            let found = match &element {
                Element::Node(n) => door(n.tags()).map(|d| (d, n.lon(), n.lat())),
                Element::DenseNode(n) => door(n.tags()).map(|d| (d, n.lon(), n.lat())),
                _ => None,
            };
            if let Some(((address, households), lon, lat)) = found
                && let Ok(point) = valid(lon, lat)
            {
                seen.insert(address.clone());
                doors.push(NewDoor {
                    point,
                    address,
                    households,
                });
            }
        })
        .map_err(format)?;
    let mut ways: Vec<(String, i64, Vec<i64>)> = Vec::new();
    let mut nodes: HashMap<i64, (f64, f64)> = HashMap::new();
    IndexedReader::from_path(path)
        .map_err(format)?
        .read_ways_and_deps(
            |way| way.tags().any(|(k, _)| k == "addr:housenumber"),
            |element| match element {
                Element::Way(w) => {
                    if let Some((address, households)) = door(w.tags()) {
                        ways.push((address, households, w.refs().collect()));
                    }
                }
                Element::Node(n) => {
                    nodes.insert(n.id(), (n.lon(), n.lat()));
                }
                Element::DenseNode(n) => {
                    nodes.insert(n.id(), (n.lon(), n.lat()));
                }
                Element::Relation(_) => {}
            },
        )
        .map_err(format)?;
    for (address, households, refs) in ways {
        if seen.contains(&address) {
            continue;
        }
        // The outline's vertices, the closing one not counted twice.
        let open = if refs.len() > 1 && refs.first() == refs.last() {
            &refs[..refs.len() - 1]
        } else {
            &refs[..]
        };
        let coords: Vec<(f64, f64)> = open.iter().filter_map(|r| nodes.get(r).copied()).collect();
        if coords.is_empty() {
            continue;
        }
        let n = coords.len() as f64;
        let (x, y) = coords
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        if let Ok(point) = valid(x / n, y / n) {
            seen.insert(address.clone());
            doors.push(NewDoor {
                point,
                address,
                households,
            });
        }
    }
    Ok(doors)
}

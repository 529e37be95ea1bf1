//! Door (address) points: GeoJSON Point features, or CSV files with longitude/latitude
//! columns, with an optional households-per-address column.

use std::path::Path;

use geo_types::Point;
use serde_json::Value;

use super::{FeatureProblem, ImportError};

pub use crate::domain::door::NewDoor;

const HOUSEHOLD_NAMES: &[&str] = &[
    "households",
    "household",
    "menages",
    "ménages",
    "nb_menages",
    "foyers",
    "nb_foyers",
    "logements",
    "nb_logements",
    "dwellings",
    "units",
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
    let doors = if name.ends_with(".osm.pbf") || ext == "pbf" {
        read_pbf(path)?
    } else {
        match ext.as_str() {
            "geojson" | "json" => read_geojson(path)?,
            "csv" | "txt" => read_csv(path)?,
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
    let mut doors = Vec::with_capacity(total);
    let mut problems = Vec::new();
    for (i, f) in features.into_iter().enumerate() {
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
        let households = match get(HOUSEHOLD_NAMES) {
            None | Some(Value::Null) => Ok(1),
            Some(Value::Number(n)) => household_count(&n.to_string(), false),
            Some(Value::String(t)) => household_count(&t, false),
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
    // The results reader's table: encodings, delimiters, title lines, the file's own line
    // numbers, and refusals of unbalanced quotes and rows of the wrong width.
    let table = super::csv_results::read_table(path, super::csv_results::TableOf::Doors)?;
    let headers = &table.headers;
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
    let mut doors = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut total = 0;
    for (line, record) in &table.records {
        total += 1;
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let point = match (
            coordinate(cell(lon), table.decimal_comma),
            coordinate(cell(lat), table.decimal_comma),
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
            Some(c) => household_count(cell(c), table.decimal_comma),
        };
        match (point, count) {
            (Ok(point), Ok(households)) => doors.push(NewDoor {
                point,
                address: address.map(|c| cell(c).to_owned()).unwrap_or_default(),
                households,
            }),
            (Err(problem), _) | (_, Err(problem)) => {
                problems.push(format!("line {line}: {problem}"));
            }
        }
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
    let plain = if decimal_comma {
        text.replace(',', ".")
    } else {
        text.to_owned()
    };
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
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

//! Importing precinct shapes: read any supported file, check and repair every feature,
//! reproject to EPSG:4326, find the code and name fields, then write all or nothing.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::crs::Crs;
use super::{FeatureProblem, ImportError, SourceGeometry, SourceLayer};
use crate::domain::{NewPrecinct, Repairs, clean_polygons};
use crate::progress::{Progress, ProgressFn, Stage};
use crate::store::{Campaign, PrecinctChanges, StoreError};

/// Choices the user can make about an import; `None` means "guess".
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The field holding the precinct code (the key results join on). `id` also names the
    /// feature-level identifier of GeoJSON features and GeoPackage rows.
    pub key: Option<String>,
    /// The field holding the precinct's name.
    pub name_field: Option<String>,
    /// The layer to read, for files with several (GeoPackage).
    pub layer: Option<String>,
    /// Import even when the file would remove most precincts, or precincts that turfs,
    /// results or doors use (else such an import is refused and says what would be lost).
    pub replace: bool,
    /// The CRS of a Shapefile that has no `.prj` (else EPSG:4326 is assumed, and said).
    pub crs: Option<String>,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ImportReport {
    /// The file imported.
    pub file: String,
    /// Its format.
    pub format: &'static str,
    /// The layer read, for multi-layer formats.
    pub layer: Option<String>,
    /// The CRS the coordinates were reprojected from.
    pub crs: String,
    /// Whether the CRS was assumed (a Shapefile without `.prj`, no `--crs`).
    pub crs_assumed: bool,
    /// What the reader noticed and worked around.
    pub notes: Vec<String>,
    /// Features read.
    pub features: usize,
    /// The field used as the precinct code.
    pub key_field: String,
    /// The field used as the name, or `None` when names are the codes.
    pub name_field: Option<String>,
    /// The field read as registered voters, when one was recognised.
    pub registered_field: Option<String>,
    /// Geometry repairs made.
    pub repairs: Repairs,
    /// What changed in the campaign (zero when only reading).
    pub changes: PrecinctChanges,
}

/// Names tried, in order, when guessing the code field.
const KEY_GUESSES: &[&str] = &[
    "code",
    "precinct_code",
    "precinct",
    "code_bv",
    "id_bv",
    "bureau",
    "num_bv",
    "numero",
    "district_id",
    "geoid",
    "geoid20",
    "geoid10",
    "id",
    "fid",
    "objectid",
];
/// Names tried, in order, when guessing the name field.
const NAME_GUESSES: &[&str] = &[
    "name",
    "nom",
    "libelle",
    "lib_bv",
    "nom_bv",
    "label",
    "precinct_name",
    "district",
    "namelsad",
    "name20",
];
/// Names recognised as registered voters.
const REGISTERED_GUESSES: &[&str] = &[
    "registered",
    "inscrits",
    "nb_inscrits",
    "registered_voters",
    "voters_registered",
];

/// Reads the file at `path` by its extension.
pub fn read_layer(path: &Path, layer: Option<&str>) -> Result<SourceLayer, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "geojson" | "json" => super::geojson::read(path),
        "shp" => super::shapefile::read(path),
        "gpkg" => super::gpkg::read(path, layer),
        _ => Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: format!(
                "unsupported file type {:?}; precinct shapes can be GeoJSON (.geojson, .json), \
                 Shapefile (.shp with its .dbf and .prj) or GeoPackage (.gpkg)",
                if ext.is_empty() {
                    "(no extension)"
                } else {
                    &ext
                }
            ),
        }),
    }
}

/// Reads, checks, repairs and reprojects the precincts of `path`, without writing anything.
pub fn read_precincts(
    path: &Path,
    options: &ImportOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<(Vec<NewPrecinct>, ImportReport), ImportError> {
    let cancelled = || ImportError::Cancelled {
        path: path.to_path_buf(),
    };
    if progress(Progress {
        stage: Stage::Reading,
        done: 0,
        total: 1,
    })
    .is_break()
    {
        return Err(cancelled());
    }
    let mut source = read_layer(path, options.layer.as_deref())?;
    if let Some(given) = &options.crs {
        if source.crs_declared {
            return Err(ImportError::Field {
                path: path.to_path_buf(),
                detail: format!(
                    "the file declares its coordinate system ({}); --crs is for files that do not",
                    source.crs.label()
                ),
            });
        }
        source.crs = Crs::from_name(given).map_err(|source| ImportError::Crs {
            path: path.to_path_buf(),
            source,
        })?;
    }
    let crs_assumed = !source.crs_declared && options.crs.is_none() && source.format == "Shapefile";
    let total = source.features.len();
    if total == 0 {
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: "the file has no features".to_owned(),
        });
    }
    let key = resolve_key(&source, options.key.as_deref())?;
    let name_field = resolve_field(&source, options.name_field.as_deref(), NAME_GUESSES, &key)?;
    let registered_field = guess_field(&source, REGISTERED_GUESSES).filter(|f| {
        source
            .features
            .iter()
            .all(|x| is_count(x.properties.get(f)))
    });

    let mut problems = Vec::new();
    let mut repairs = Repairs::default();
    let mut precincts = Vec::with_capacity(total);
    let mut first_of_code: HashMap<String, usize> = HashMap::with_capacity(total);
    for (i, feature) in source.features.into_iter().enumerate() {
        if i % 64 == 0
            && progress(Progress {
                stage: Stage::Checking,
                done: i,
                total,
            })
            .is_break()
        {
            return Err(cancelled());
        }
        let code = key.value(&feature.properties, feature.id.as_ref());
        let mut problem = |text: String| {
            problems.push(FeatureProblem {
                feature: feature.number,
                code: code.clone(),
                problem: text,
            });
        };
        let Some(code_text) = code.clone() else {
            problem(format!("no value in the code field {}", key.label()));
            continue;
        };
        if let Some(first) = first_of_code.get(&code_text) {
            problem(format!("duplicate code: feature {first} has the same code"));
            continue;
        }
        first_of_code.insert(code_text.clone(), feature.number);
        let mut dropped_parts = 0;
        let mut raw = match feature.geometry {
            SourceGeometry::Polygons(raw) => raw,
            SourceGeometry::Collection {
                polygons,
                other_parts,
            } => {
                if polygons.is_empty() {
                    problem(format!(
                        "geometry collection of {other_parts} parts holds no polygon"
                    ));
                    continue;
                }
                dropped_parts = other_parts;
                polygons
            }
            SourceGeometry::Missing => {
                problem("empty geometry (no geometry at all)".to_owned());
                continue;
            }
            SourceGeometry::Other(kind) => {
                problem(format!(
                    "geometry is {kind}; precincts must be Polygon or MultiPolygon"
                ));
                continue;
            }
        };
        let mut reprojected = Ok(());
        for ring in raw.iter_mut().flatten() {
            reprojected = source.crs.to_wgs84(ring);
            if reprojected.is_err() {
                break;
            }
        }
        if let Err(e) = reprojected {
            problem(e.to_string());
            continue;
        }
        match clean_polygons(raw) {
            Ok((geometry, fixed)) => {
                repairs.add(fixed);
                repairs.non_polygon_parts_dropped += dropped_parts;
                let name = name_field
                    .as_ref()
                    .and_then(|f| feature.properties.get(f))
                    .and_then(text_of)
                    .unwrap_or_else(|| code_text.clone());
                let registered = registered_field
                    .as_ref()
                    .and_then(|f| feature.properties.get(f))
                    .and_then(Value::as_f64)
                    .map(|n| n.round() as i64);
                precincts.push(NewPrecinct {
                    code: code_text,
                    name,
                    registered,
                    geometry,
                    properties: feature.properties,
                });
            }
            Err(e) => problem(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Features {
            path: path.to_path_buf(),
            total,
            problems,
        });
    }
    let report = ImportReport {
        file: path.display().to_string(),
        format: source.format,
        layer: source.layer,
        crs: source.crs.label().to_owned(),
        crs_assumed,
        notes: source.notes.clone(),
        features: total,
        key_field: key.label(),
        name_field,
        registered_field,
        repairs,
        changes: PrecinctChanges::default(),
    };
    Ok((precincts, report))
}

/// Imports the precincts of `path` into `campaign`: all of them in one transaction, or none.
pub fn import_precincts(
    campaign: &mut Campaign,
    path: &Path,
    options: &ImportOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<ImportReport, ImportError> {
    let (precincts, mut report) = read_precincts(path, options, progress)?;
    if !options.replace {
        let codes: Vec<&str> = precincts.iter().map(|p| p.code.as_str()).collect();
        let impact = campaign.removal_impact(&codes)?;
        if impact.destroys_work() {
            return Err(ImportError::WouldRemove {
                path: path.to_path_buf(),
                impact: Box::new(impact),
            });
        }
    }
    report.changes = campaign
        .replace_precincts(&precincts, progress)
        .map_err(|e| match e {
            StoreError::Cancelled { .. } => ImportError::Cancelled {
                path: path.to_path_buf(),
            },
            e => ImportError::Store(e),
        })?;
    Ok(report)
}

/// Where precinct codes come from.
enum Key {
    /// A property.
    Field(String),
    /// The feature-level identifier.
    FeatureId,
}

impl Key {
    fn label(&self) -> String {
        match self {
            Self::Field(f) => f.clone(),
            Self::FeatureId => "id (feature identifier)".to_owned(),
        }
    }

    fn value(&self, properties: &Map<String, Value>, id: Option<&Value>) -> Option<String> {
        match self {
            Self::Field(f) => properties.get(f).and_then(text_of),
            Self::FeatureId => id.and_then(text_of),
        }
    }
}

fn resolve_key(source: &SourceLayer, asked: Option<&str>) -> Result<Key, ImportError> {
    if let Some(asked) = asked {
        if let Some(field) = find_field(source, asked) {
            return Ok(Key::Field(field));
        }
        let is_id = ["id", "fid", "@id"]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(asked));
        if is_id && source.features.iter().any(|f| f.id.is_some()) {
            return Ok(Key::FeatureId);
        }
        return Err(missing_field(source, "code", asked));
    }
    let unique_field = |field: &String| {
        unique(
            source
                .features
                .iter()
                .map(|f| f.properties.get(field).and_then(text_of)),
        )
    };
    // A field named like a code wins; then a GeoJSON feature id (a GeoPackage fid is only a
    // row number); then any field unique on every feature.
    // A field named like a code and filled on every feature is the code even when some values
    // repeat: the duplicates are then reported, rather than another field silently chosen.
    if let Some(field) = KEY_GUESSES
        .iter()
        .filter_map(|g| find_field(source, g))
        .find(|f| {
            source
                .features
                .iter()
                .all(|x| x.properties.get(f).and_then(text_of).is_some())
        })
    {
        return Ok(Key::Field(field));
    }
    let ids_are_codes = source.format == "GeoJSON";
    if ids_are_codes
        && unique(
            source
                .features
                .iter()
                .map(|f| f.id.as_ref().and_then(text_of)),
        )
    {
        return Ok(Key::FeatureId);
    }
    if let Some(field) = source.fields.iter().find(|f| unique_field(f)) {
        return Ok(Key::Field(field.clone()));
    }
    Err(ImportError::Field {
        path: source.path.clone(),
        detail: format!(
            "no field has a unique value for every feature, so none can be the precinct code; \
             say which with --key (fields: {})",
            source.fields.join(", ")
        ),
    })
}

fn resolve_field(
    source: &SourceLayer,
    asked: Option<&str>,
    guesses: &[&str],
    key: &Key,
) -> Result<Option<String>, ImportError> {
    match asked {
        Some(asked) => find_field(source, asked)
            .map(Some)
            .ok_or_else(|| missing_field(source, "name", asked)),
        None => Ok(guess_field(source, guesses).filter(|f| match key {
            Key::Field(k) => k != f,
            Key::FeatureId => true,
        })),
    }
}

fn guess_field(source: &SourceLayer, guesses: &[&str]) -> Option<String> {
    guesses.iter().find_map(|g| find_field(source, g))
}

/// The field named `name`, exactly or else ignoring case.
fn find_field(source: &SourceLayer, name: &str) -> Option<String> {
    source
        .fields
        .iter()
        .find(|f| *f == name)
        .or_else(|| source.fields.iter().find(|f| f.eq_ignore_ascii_case(name)))
        .cloned()
}

fn missing_field(source: &SourceLayer, role: &str, asked: &str) -> ImportError {
    ImportError::Field {
        path: source.path.clone(),
        detail: format!(
            "no field named {asked:?} for the {role}; fields: {}",
            if source.fields.is_empty() {
                "(none)".to_owned()
            } else {
                source.fields.join(", ")
            }
        ),
    }
}

fn unique(values: impl Iterator<Item = Option<String>>) -> bool {
    let mut seen = std::collections::HashSet::new();
    for v in values {
        let Some(v) = v else { return false };
        if !seen.insert(v) {
            return false;
        }
    }
    !seen.is_empty()
}

/// A value as code or name text: strings trimmed, whole numbers without a decimal point.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 && !n.is_i64() && !n.is_u64() => {
                format!("{}", f as i64)
            }
            _ => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_count(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(v) => v.as_f64().is_some_and(|n| n >= 0.0),
    }
}

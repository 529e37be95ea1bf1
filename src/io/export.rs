//! Exporting campaign layers to GeoJSON and CSV.
//!
//! Output is written to a temporary file beside the target and moved into place once
//! complete, so a failed export never leaves half a file, and an existing file is replaced
//! only when the caller says so.

use std::io::Write as _;
use std::path::Path;

use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value};

use super::ImportError;
use crate::store::{Campaign, Table};

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A GeoJSON FeatureCollection (EPSG:4326); attribute tables get null geometries.
    GeoJson,
    /// CSV with a header row; feature layers gain `lon`/`lat` columns (a point inside each
    /// feature) so spreadsheets can place them.
    Csv,
}

/// Writes `layer` of `campaign` to `out`. Refuses to replace an existing file unless
/// `overwrite`, and never writes over the campaign file itself.
pub fn export_layer(
    campaign: &Campaign,
    layer: &str,
    format: Format,
    out: &Path,
    overwrite: bool,
) -> Result<usize, ImportError> {
    let same_file = std::fs::canonicalize(out)
        .ok()
        .zip(std::fs::canonicalize(campaign.path()).ok())
        .is_some_and(|(a, b)| a == b);
    if same_file {
        return Err(ImportError::Format {
            path: out.to_path_buf(),
            detail: "this is the campaign file itself; export to another file".to_owned(),
        });
    }
    // The names SQLite and the planner keep beside the campaign: what is written there is
    // deleted or replayed by the next command.
    let in_folder = |p: &Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::canonicalize(dir)
            .ok()
            .zip(p.file_name())
            .map(|(d, n)| d.join(n))
    };
    if let (Some(o), Some(c)) = (in_folder(out), in_folder(campaign.path()))
        && crate::store::sidecars(&c).contains(&o)
    {
        return Err(ImportError::Format {
            path: out.to_path_buf(),
            detail: "this name is one the campaign file keeps for itself (its journal, log or \
                     lock): export to another name"
                .to_owned(),
        });
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(ImportError::Format {
            path: out.to_path_buf(),
            detail: format!("the folder {} does not exist", dir.display()),
        });
    }
    // A link is followed: the file it names is replaced, the link stays. Only a regular file
    // is ever replaced: a pipe, a device or a folder at `out` is refused.
    let linked;
    let out = if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        linked = std::fs::canonicalize(out).map_err(|_| ImportError::Format {
            path: out.to_path_buf(),
            detail: "this link leads nowhere; export to a file".to_owned(),
        })?;
        linked.as_path()
    } else {
        out
    };
    if out.exists() {
        super::input::check_regular_file(out, u64::MAX)?;
    }
    if out.exists() && !overwrite {
        return Err(ImportError::Exists {
            path: out.to_path_buf(),
        });
    }
    let (bytes, rows) = layer_bytes(campaign, layer, format).map_err(|e| match e {
        ImportError::Io { source, .. } => ImportError::Io {
            path: out.to_path_buf(),
            source,
        },
        e => e,
    })?;
    write_atomically(out, &bytes)?;
    Ok(rows)
}

/// `layer` of `campaign` as the bytes of a file of `format`, and its row count (for `export
/// … -`, to standard output).
pub fn layer_bytes(
    campaign: &Campaign,
    layer: &str,
    format: Format,
) -> Result<(Vec<u8>, usize), ImportError> {
    // Assignments are exported with the names people use, not the ids rows carry.
    let table = match layer {
        "assignments" => campaign.assignments_table()?,
        // Doors gain the turf they are walked in and their rank in its walk.
        "doors" => {
            let mut table = campaign.read_table(layer)?;
            let ranks = campaign.walk_ranks()?;
            let uuid = table.columns.iter().position(|c| c == "uuid");
            table.columns.push("turf".to_owned());
            table.columns.push("walk_rank".to_owned());
            for row in &mut table.rows {
                let found = uuid
                    .and_then(|k| match &row[k] {
                        SqlValue::Text(u) => ranks.get(u),
                        _ => None,
                    })
                    .cloned();
                if let Some((turf, rank)) = found {
                    row.push(SqlValue::Text(turf));
                    row.push(SqlValue::Integer(rank as i64));
                } else {
                    row.push(SqlValue::Null);
                    row.push(SqlValue::Null);
                }
            }
            table
        }
        _ => campaign.read_table(layer)?,
    };
    let bytes = match format {
        Format::GeoJson => geojson_bytes(&table),
        Format::Csv => csv_bytes(&table),
    }
    .map_err(|source| ImportError::Io {
        path: campaign.path().to_path_buf(),
        source,
    })?;
    Ok((bytes, table.rows.len()))
}

/// Writes `bytes` to `out` through a new temporary file beside it, renamed over it once
/// complete: a failure never leaves a half-written file (exports, walk sheets).
pub(crate) fn write_atomically(out: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    let io = |source| ImportError::Io {
        path: out.to_path_buf(),
        source,
    };
    // A new file of its own beside `out` (never one that is there already), renamed over it
    // once complete; dropped on failure.
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".export-")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(io)?;
    // Readable as an ordinary new file would be (a temporary file is private), or as the file
    // it replaces.
    #[cfg(unix)]
    {
        let permissions = std::fs::metadata(out).map_or_else(
            |_| std::os::unix::fs::PermissionsExt::from_mode(0o644),
            |m| m.permissions(),
        );
        tmp.as_file().set_permissions(permissions).map_err(io)?;
    }
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(out).map_err(|e| io(e.error))?;
    Ok(())
}

/// A row as JSON properties; the `properties` column (the source attributes, JSON text) is
/// embedded as an object under `source`.
fn properties(table: &Table, row: &[SqlValue]) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in table.columns.iter().zip(row) {
        let json = match value {
            SqlValue::Null => Value::Null,
            SqlValue::Integer(i) => Value::from(*i),
            SqlValue::Real(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            SqlValue::Text(t) if name == "properties" => {
                out.insert(
                    "source".to_owned(),
                    serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.clone())),
                );
                continue;
            }
            SqlValue::Text(t) => Value::String(t.clone()),
            SqlValue::Blob(b) => Value::String(format!("<{} bytes>", b.len())),
        };
        out.insert(name.clone(), json);
    }
    out
}

fn geojson_bytes(table: &Table) -> std::io::Result<Vec<u8>> {
    let features = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let geometry = table
                .geometries
                .as_ref()
                .and_then(|g| g[i].as_ref())
                .map(|g| geojson::Geometry::new(geojson::GeometryValue::from(g)));
            geojson::Feature {
                bbox: None,
                geometry,
                id: None,
                properties: Some(properties(table, row)),
                foreign_members: None,
            }
        })
        .collect();
    let mut members = Map::new();
    members.insert("name".to_owned(), Value::String(table.name.clone()));
    let collection = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    };
    serde_json::to_vec(&collection).map_err(std::io::Error::other)
}

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a
/// carriage return first) gets a leading `'`, as OWASP advises against CSV injection.
fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn csv_bytes(table: &Table) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = table.columns.clone();
    if table.geometries.is_some() {
        header.push("lon".to_owned());
        header.push("lat".to_owned());
    }
    writer.write_record(&header)?;
    for (i, row) in table.rows.iter().enumerate() {
        let mut record: Vec<String> = row
            .iter()
            .map(|v| match v {
                SqlValue::Null => String::new(),
                SqlValue::Integer(i) => i.to_string(),
                SqlValue::Real(f) => f.to_string(),
                SqlValue::Text(t) => neutralised(t),
                SqlValue::Blob(b) => format!("<{} bytes>", b.len()),
            })
            .collect();
        if let Some(geometries) = &table.geometries {
            let point = geometries[i]
                .as_ref()
                .and_then(geo::InteriorPoint::interior_point);
            record.push(point.map(|p| p.x().to_string()).unwrap_or_default());
            record.push(point.map(|p| p.y().to_string()).unwrap_or_default());
        }
        writer.write_record(&record)?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

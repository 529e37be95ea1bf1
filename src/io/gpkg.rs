//! Feature layers of GeoPackages made by other tools (QGIS, GDAL), in any CRS their
//! `gpkg_spatial_ref_sys` declares.

use std::path::Path;

use geo_types::{Coord, Geometry, Polygon};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};

use super::crs::{Crs, CrsError};
use super::{ImportError, SourceFeature, SourceGeometry, SourceLayer};
use crate::store::gpkg::decode;

/// The feature layers of a GeoPackage, as `(name, geometry type)`.
pub fn feature_layers(path: &Path) -> Result<Vec<(String, String)>, ImportError> {
    let conn = open(path)?;
    let sql = |e: rusqlite::Error| format_error(path, &e);
    let mut stmt = conn
        .prepare(
            "SELECT c.table_name, g.geometry_type_name FROM gpkg_contents c \
             JOIN gpkg_geometry_columns g USING (table_name) \
             WHERE c.data_type = 'features' ORDER BY c.table_name",
        )
        .map_err(sql)?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(sql)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql)
}

/// Reads one feature layer: the one named, or the only polygon layer.
pub fn read(path: &Path, layer: Option<&str>) -> Result<SourceLayer, ImportError> {
    let layers = feature_layers(path)?;
    let polygon_layers: Vec<&(String, String)> = layers
        .iter()
        .filter(|(_, t)| {
            t.to_ascii_uppercase().contains("POLYGON") || t.eq_ignore_ascii_case("GEOMETRY")
        })
        .collect();
    let listing = || {
        layers
            .iter()
            .map(|(n, t)| format!("{n} ({t})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let name = match layer {
        Some(wanted) => layers
            .iter()
            .find(|(n, _)| n == wanted)
            .map(|(n, _)| n.clone())
            .ok_or_else(|| ImportError::Field {
                path: path.to_path_buf(),
                detail: format!("no feature layer named {wanted:?}; layers: {}", listing()),
            })?,
        None => match polygon_layers.as_slice() {
            [only] => only.0.clone(),
            [] => {
                return Err(ImportError::Format {
                    path: path.to_path_buf(),
                    detail: format!("no polygon layer to import; layers: {}", listing()),
                });
            }
            _ => {
                return Err(ImportError::Field {
                    path: path.to_path_buf(),
                    detail: format!(
                        "several polygon layers; say which with --layer: {}",
                        listing()
                    ),
                });
            }
        },
    };
    let conn = open(path)?;
    let sql = |e: rusqlite::Error| format_error(path, &e);
    let (column, srs_id): (String, i64) = conn
        .query_row(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
            [&name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(sql)?;
    let crs = layer_crs(&conn, srs_id).map_err(|source| ImportError::Crs {
        path: path.to_path_buf(),
        source,
    })?;
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM \"{}\"", name.replace('"', "\"\"")))
        .map_err(sql)?;
    let names = crate::store::column_names(&conn, &name, stmt.column_count()).map_err(sql)?;
    let geom_index = names.iter().position(|n| *n == column);
    let pk: Option<String> = conn
        .query_row(
            "SELECT name FROM pragma_table_info(?1) WHERE pk = 1",
            [&name],
            |r| r.get(0),
        )
        .ok();
    let fields: Vec<String> = names
        .iter()
        .enumerate()
        .filter(|(i, n)| Some(*i) != geom_index && Some(*n) != pk.as_ref())
        .map(|(_, n)| n.clone())
        .collect();
    let mut rows = stmt.query([]).map_err(sql)?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(sql)? {
        let number = features.len() + 1;
        let mut properties = Map::new();
        let mut id = None;
        let mut geometry = SourceGeometry::Missing;
        for (i, n) in names.iter().enumerate() {
            let value = row.get_ref(i).map_err(sql)?;
            if Some(i) == geom_index {
                if let ValueRef::Blob(blob) = value {
                    geometry = match decode(blob) {
                        Ok(g) => source_geometry(g),
                        Err(e) => SourceGeometry::Other(format!("unreadable ({e})")),
                    };
                }
            } else if Some(n) == pk.as_ref() {
                id = Some(json(value));
            } else {
                properties.insert(n.clone(), json(value));
            }
        }
        features.push(SourceFeature {
            number,
            id,
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        crs_declared: true,
        path: path.to_path_buf(),
        format: "GeoPackage",
        layer: Some(name),
        crs,
        fields,
        features,
        notes: Vec::new(),
    })
}

fn open(path: &Path) -> Result<Connection, ImportError> {
    let size = super::input::check_regular_file(path, u64::MAX)?;
    let refuse = |detail: &str| ImportError::Format {
        path: path.to_path_buf(),
        detail: detail.to_owned(),
    };
    if size == 0 {
        return Err(refuse("the file is empty"));
    }
    let mut header = [0_u8; 16];
    let read =
        std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if read.is_err() || &header != b"SQLite format 3\0" {
        return Err(refuse(
            "not a GeoPackage: a GeoPackage is a SQLite database, and this file is not one",
        ));
    }
    // A write the program that made it did not finish: reading it read-only would fail with
    // "attempt to write a readonly database", and it is not ours to roll back.
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    let mut first = [0_u8; 1];
    let hot = std::fs::File::open(std::path::PathBuf::from(journal))
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut first))
        .is_ok_and(|()| first[0] != 0);
    if hot {
        return Err(refuse(
            "the program that wrote it did not finish (a -journal file is beside it): open it \
             once in that program (QGIS, GDAL) so it completes or rolls back, then import again",
        ));
    }
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format_error(path, &e))
}

fn format_error(path: &Path, e: &rusqlite::Error) -> ImportError {
    ImportError::Format {
        path: path.to_path_buf(),
        detail: format!("not a readable GeoPackage: {e}"),
    }
}

/// The CRS of an SRS id: its EPSG code when the organisation is EPSG, else its WKT.
fn layer_crs(conn: &Connection, srs_id: i64) -> Result<Crs, CrsError> {
    let row: Option<(String, i64, String)> = conn
        .query_row(
            "SELECT organization, organization_coordsys_id, definition \
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok();
    let Some((organization, code, definition)) = row else {
        return Err(CrsError::Unknown {
            definition: format!("srs_id {srs_id}"),
            detail: "not listed in gpkg_spatial_ref_sys".to_owned(),
        });
    };
    if organization.eq_ignore_ascii_case("EPSG")
        && let Ok(crs) = Crs::from_epsg(code)
    {
        return Ok(crs);
    }
    if srs_id == 0 || srs_id == -1 {
        // "Undefined" systems: GeoPackages from other tools use them for lon/lat too often to
        // refuse; the range check refuses them if they are not.
        return Ok(Crs::wgs84());
    }
    Crs::from_wkt(&definition)
}

fn source_geometry(g: Geometry<f64>) -> SourceGeometry {
    fn rings(p: Polygon<f64>) -> Vec<Vec<Coord<f64>>> {
        let (shell, holes) = p.into_inner();
        std::iter::once(shell.0)
            .chain(holes.into_iter().map(|h| h.0))
            .collect()
    }
    match g {
        Geometry::Polygon(p) => SourceGeometry::Polygons(vec![rings(p)]),
        Geometry::MultiPolygon(mp) => {
            SourceGeometry::Polygons(mp.0.into_iter().map(rings).collect())
        }
        Geometry::Point(_) => SourceGeometry::Other("Point".to_owned()),
        Geometry::MultiPoint(_) => SourceGeometry::Other("MultiPoint".to_owned()),
        Geometry::LineString(_) | Geometry::Line(_) => {
            SourceGeometry::Other("LineString".to_owned())
        }
        Geometry::MultiLineString(_) => SourceGeometry::Other("MultiLineString".to_owned()),
        Geometry::GeometryCollection(gc) => {
            let mut polygons = Vec::new();
            let mut other_parts = 0;
            for member in gc {
                match source_geometry(member) {
                    SourceGeometry::Polygons(p) => polygons.extend(p),
                    SourceGeometry::Collection {
                        polygons: p,
                        other_parts: n,
                    } => {
                        polygons.extend(p);
                        other_parts += n;
                    }
                    _ => other_parts += 1,
                }
            }
            SourceGeometry::Collection {
                polygons,
                other_parts,
            }
        }
        Geometry::Rect(r) => SourceGeometry::Polygons(vec![rings(r.to_polygon())]),
        Geometry::Triangle(t) => SourceGeometry::Polygons(vec![rings(t.to_polygon())]),
    }
}

fn json(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::String(format!("<{} bytes>", b.len())),
    }
}

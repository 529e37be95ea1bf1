//! Reading layers generically: what `info` lists and what exporters write.

use geo_types::{Geometry, Rect};
use rusqlite::types::Value;

use super::{Campaign, StoreError, gpkg};

/// What kind of layer a table is, as `gpkg_contents.data_type` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    /// A feature layer with a geometry column.
    Features,
    /// A plain attribute table.
    Attributes,
}

/// A layer of the campaign file, with its live (not deleted) row count.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Layer {
    /// The table name.
    pub name: String,
    /// Features or attributes.
    pub kind: LayerKind,
    /// The geometry type (`MULTIPOLYGON`, `POINT`) of a feature layer.
    pub geometry_type: Option<String>,
    /// Rows that are not tombstoned.
    pub count: u64,
    /// The extent of a feature layer's live features, in EPSG:4326 `[min_x, min_y, max_x,
    /// max_y]`, or `None` when it is empty.
    pub bbox: Option<[f64; 4]>,
}

/// The rows of one layer, ready to export.
#[derive(Clone, Debug)]
pub struct Table {
    /// The table name.
    pub name: String,
    /// Column names, geometry column excluded.
    pub columns: Vec<String>,
    /// One row of values per feature, in `columns` order.
    pub rows: Vec<Vec<Value>>,
    /// The geometry of each row, for feature layers.
    pub geometries: Option<Vec<Option<Geometry<f64>>>>,
}

impl Campaign {
    /// The live assignments with their turf and team names, date and status, by date.
    pub fn assignments_table(&self) -> Result<Table, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT t.name, m.name, a.date, a.status, a.uuid, a.updated_at \
                 FROM assignments a \
                 LEFT JOIN turfs t ON t.uuid = a.turf_uuid \
                 LEFT JOIN teams m ON m.uuid = a.team_uuid \
                 WHERE a.deleted_at IS NULL ORDER BY a.date, t.name",
            )
            .map_err(q)?;
        let rows = stmt
            .query_map([], |r| (0..6).map(|i| r.get::<_, Value>(i)).collect())
            .map_err(q)?
            .collect::<Result<Vec<Vec<Value>>, _>>()
            .map_err(q)?;
        Ok(Table {
            name: "assignments".to_owned(),
            columns: ["turf", "team", "date", "status", "uuid", "updated_at"]
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            rows,
            geometries: None,
        })
    }

    /// The layers listed in `gpkg_contents`, features first, each with its count and extent.
    pub fn layers(&self) -> Result<Vec<Layer>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT c.table_name, c.data_type, g.geometry_type_name, g.column_name \
                 FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g USING (table_name) \
                 ORDER BY c.data_type DESC, c.rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        let mut layers = Vec::with_capacity(rows.len());
        for (name, data_type, geometry_type, geometry_column) in rows {
            let live = self.live_filter(&name)?;
            let count: i64 = conn
                .query_row(&format!("SELECT count(*) FROM \"{name}\"{live}"), [], |r| {
                    r.get(0)
                })
                .map_err(|e| self.err(e))?;
            let count = count.unsigned_abs();
            let bbox = match &geometry_column {
                Some(column) => self.extent(&name, column, &live)?,
                None => None,
            };
            layers.push(Layer {
                kind: if data_type == "features" {
                    LayerKind::Features
                } else {
                    LayerKind::Attributes
                },
                name,
                geometry_type,
                count,
                bbox,
            });
        }
        Ok(layers)
    }

    /// `" WHERE deleted_at IS NULL"` for tables with tombstones, `""` for the others.
    fn live_filter(&self, table: &str) -> Result<String, StoreError> {
        let has: bool = self
            .conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = 'deleted_at')",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(if has {
            " WHERE deleted_at IS NULL".to_owned()
        } else {
            String::new()
        })
    }

    /// The extent of live features, from each blob's envelope (decoding only points).
    fn extent(
        &self,
        table: &str,
        column: &str,
        live: &str,
    ) -> Result<Option<[f64; 4]>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT \"{column}\" FROM \"{table}\"{live}"))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        let mut acc: Option<Rect<f64>> = None;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let Some(blob) = row
                .get_ref(0)
                .map_err(|e| self.err(e))?
                .as_blob_or_null()
                .ok()
                .flatten()
            else {
                continue;
            };
            if let Some(rect) = gpkg::blob_envelope(blob) {
                gpkg::extend(&mut acc, rect);
            } else if let Ok(g) = gpkg::decode(blob)
                && let Some(rect) = geo::BoundingRect::bounding_rect(&g)
            {
                gpkg::extend(&mut acc, rect);
            }
        }
        Ok(acc.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]))
    }

    /// Reads the live rows of `layer` (any table in `gpkg_contents`), decoding geometries.
    pub fn read_table(&self, layer: &str) -> Result<Table, StoreError> {
        let known: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT g.column_name FROM gpkg_contents c \
                 LEFT JOIN gpkg_geometry_columns g USING (table_name) WHERE c.table_name = ?1",
                [layer],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => StoreError::Refused {
                    path: self.path().to_path_buf(),
                    detail: format!(
                        "no layer named {layer:?}; the layers are {}, and assignments",
                        self.layers()
                            .map(|l| l
                                .iter()
                                .map(|l| l.name.clone())
                                .collect::<Vec<_>>()
                                .join(", "))
                            .unwrap_or_default()
                    ),
                },
                e => self.err(e),
            })
            .map(Some)?;
        let geometry_column = known.flatten();
        let live = self.live_filter(layer)?;
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT * FROM \"{layer}\"{live}"))
            .map_err(|e| self.err(e))?;
        let names =
            column_names(self.conn(), layer, stmt.column_count()).map_err(|e| self.err(e))?;
        let geom_index = geometry_column
            .as_ref()
            .and_then(|g| names.iter().position(|n| n == g));
        let columns = names
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != geom_index)
            .map(|(_, n)| n.clone())
            .collect();
        let mut rows = Vec::new();
        let mut geometries = geom_index.map(|_| Vec::new());
        let mut query = stmt.query([]).map_err(|e| self.err(e))?;
        while let Some(row) = query.next().map_err(|e| self.err(e))? {
            let mut values = Vec::with_capacity(names.len());
            for i in 0..names.len() {
                let value: Value = row.get(i).map_err(|e| self.err(e))?;
                if Some(i) == geom_index {
                    let geometry = match &value {
                        Value::Blob(b) => {
                            Some(gpkg::decode(b).map_err(|e| StoreError::Invalid {
                                path: self.path().to_path_buf(),
                                detail: format!("{layer}: {e}"),
                            })?)
                        }
                        _ => None,
                    };
                    if let Some(g) = geometries.as_mut() {
                        g.push(geometry);
                    }
                } else {
                    values.push(value);
                }
            }
            rows.push(values);
        }
        Ok(Table {
            name: layer.to_owned(),
            columns,
            rows,
            geometries,
        })
    }
}

/// An election whose results are in the campaign.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Election {
    /// Its stable identifier.
    pub uuid: String,
    /// Its name ("Municipales 2020").
    pub name: String,
    /// Its date, `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// Its round (1 or 2), when it has rounds.
    pub round: Option<i64>,
}

impl Campaign {
    /// The live elections, by date then name.
    pub fn elections(&self) -> Result<Vec<Election>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT uuid, name, date, round FROM elections WHERE deleted_at IS NULL \
                 ORDER BY date, name, round",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(Election {
                uuid: r.get(0)?,
                name: r.get(1)?,
                date: r.get(2)?,
                round: r.get(3)?,
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| self.err(e))
    }
}

/// The names of `table`'s columns, in `SELECT *` order, `count` of them. Read from the
/// schema as bytes: a name that is not UTF-8 (a damaged or hostile file) comes back with
/// replacement characters, where `rusqlite`'s own column names would panic.
pub(crate) fn column_names(
    conn: &rusqlite::Connection,
    table: &str,
    count: usize,
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names: Vec<String> = stmt
        .query_map([table], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                    String::from_utf8_lossy(b).into_owned()
                }
                _ => String::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if names.len() == count {
        Ok(names)
    } else {
        Err(rusqlite::Error::InvalidColumnIndex(count))
    }
}

//! Reading the live doors, as the app, walk orders and sheets use them.

use super::{Campaign, StoreError, gpkg};

/// A door as the app and walk order use it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDoor {
    /// Its stable identifier.
    pub uuid: String,
    /// Where it is.
    pub point: geo_types::Point<f64>,
    /// Households behind it.
    pub households: i64,
    /// Its address string.
    pub address: String,
    /// Its street.
    pub street: Option<String>,
    /// Its house number's integer part.
    pub housenumber: Option<u32>,
    /// Its house number's suffix.
    pub suffix: Option<String>,
    /// Its flat, staircase or floor.
    pub unit: Option<String>,
}

impl Campaign {
    /// The live doors.
    pub fn doors(&self) -> Result<Vec<StoredDoor>, StoreError> {
        self.doors_where("", [])
    }

    /// The live doors that `filter` (an SQL condition on `d`, the doors table, after `AND`)
    /// keeps, in file order.
    pub(in crate::store) fn doors_where<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
    ) -> Result<Vec<StoredDoor>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(&format!(
                "SELECT d.uuid, d.geom, d.households, d.address, d.street, d.housenumber, \
                 d.housenumber_suffix, d.unit FROM doors d WHERE d.deleted_at IS NULL AND d.geom IS NOT NULL \
                 {} ORDER BY d.fid",
                if filter.is_empty() {
                    String::new()
                } else {
                    format!("AND ({filter})")
                }
            ))
            .map_err(q)?;
        let mut rows = stmt.query(params).map_err(q)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(q)? {
            let blob: Vec<u8> = row.get(1).map_err(q)?;
            if let Ok(geo_types::Geometry::Point(point)) = gpkg::decode(&blob) {
                out.push(StoredDoor {
                    uuid: row.get(0).map_err(q)?,
                    point,
                    households: row.get(2).map_err(q)?,
                    address: row
                        .get::<_, Option<String>>(3)
                        .map_err(q)?
                        .unwrap_or_default(),
                    street: row.get(4).map_err(q)?,
                    housenumber: row.get(5).map_err(q)?,
                    suffix: row.get(6).map_err(q)?,
                    unit: row.get(7).map_err(q)?,
                });
            }
        }
        Ok(out)
    }
}

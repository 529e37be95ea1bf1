//! Reading the live doors, as the app, walk orders and sheets use them.

use rusqlite::OptionalExtension as _;

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

/// A door as the map holds it for every door of the campaign: its row, its point and its
/// households (32 bytes; the whole [`StoredDoor`] with its address took about 250 a door, half a
/// gigabyte at two million).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DoorPoint {
    /// Its row (`fid`), to ask the file for the rest.
    pub fid: i64,
    /// Where it is.
    pub point: geo_types::Point<f64>,
    /// Households behind it.
    pub households: i64,
}

impl Campaign {
    /// Every live door's point and households, in file order.
    pub fn door_points(&self) -> Result<Vec<DoorPoint>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT fid, geom, households FROM doors \
                 WHERE deleted_at IS NULL AND geom IS NOT NULL ORDER BY fid",
            )
            .map_err(q)?;
        let count: i64 = self
            .conn()
            .query_row(
                "SELECT count(*) FROM doors WHERE deleted_at IS NULL AND geom IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .map_err(q)?;
        // Sized once: a vector doubling as it grew held twice the doors for a moment.
        let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut rows = stmt.query([]).map_err(q)?;
        while let Some(row) = rows.next().map_err(q)? {
            let rusqlite::types::ValueRef::Blob(blob) = row.get_ref(1).map_err(q)? else {
                continue;
            };
            if let Some(point) = gpkg::read_point(blob) {
                out.push(DoorPoint {
                    fid: row.get(0).map_err(q)?,
                    point,
                    households: row.get(2).map_err(q)?,
                });
            }
        }
        Ok(out)
    }

    /// The uuids of the live doors of rows `fids`, in the same order (a row gone is left out).
    pub fn door_uuids(&self, fids: &[i64]) -> Result<Vec<String>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT uuid FROM doors WHERE fid = ?1 AND deleted_at IS NULL")
            .map_err(q)?;
        let mut out = Vec::with_capacity(fids.len());
        for fid in fids {
            if let Some(uuid) = stmt
                .query_row([fid], |r| r.get::<_, String>(0))
                .optional()
                .map_err(q)?
            {
                out.push(uuid);
            }
        }
        Ok(out)
    }

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
            let rusqlite::types::ValueRef::Blob(blob) = row.get_ref(1).map_err(q)? else {
                continue;
            };
            if let Some(point) = gpkg::read_point(blob) {
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

//! The doors already stored, as an import matches the file's doors to them: each kept small
//! (its row, point, key, source id, source and a fingerprint of its fields; a re-import of two
//! million doors held every row whole, 2.2 GB), its whole row read again only when the import
//! changes or removes it.

use rusqlite::Transaction;

use super::doors::DoorRow;
use super::{Campaign, StoreError, gpkg};
use crate::domain::address::Address;
use crate::domain::dedupe::door_key;

/// A live door as the import reads it to match.
/// Its row is read again only when the import changes or removes it: a re-import of two
/// million doors held every row whole (2.2 GB).
pub(super) struct Existing {
    pub(super) fid: i64,
    pub(super) point: geo_types::Point<f64>,
    pub(super) key: Box<str>,
    pub(super) source_id: Option<Box<str>>,
    /// Its source file, an index into the sources read with the doors.
    pub(super) source: u32,
    /// The fields an update compares besides the point ([`fields_print`]).
    pub(super) fields: u64,
}

/// Whether a source's id is a bare number, which names a row of its own file only (an
/// OpenStreetMap `node/123` or a national address key names the same thing in any file).
pub(super) fn plain_number(id: &str) -> bool {
    let id = id.trim();
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// A fingerprint of what an update compares besides the point: the address and its parts,
/// the households, the source's id and the precinct. Equal prints: nothing to write.
pub(super) fn fields_print(
    address: &str,
    households: i64,
    parts: &Address,
    source_id: Option<&str>,
    precinct: Option<&str>,
) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::hash::DefaultHasher::new();
    address.hash(&mut h);
    households.hash(&mut h);
    parts.street.hash(&mut h);
    parts.housenumber.hash(&mut h);
    parts.suffix.hash(&mut h);
    parts.unit.hash(&mut h);
    parts.postcode.hash(&mut h);
    source_id.hash(&mut h);
    precinct.hash(&mut h);
    h.finish()
}

/// The columns of a door row, as [`row_of`] reads them.
const ROW: &str = "uuid, geom, address, households, street, housenumber, housenumber_suffix, \
                   unit, postcode, source_id, precinct_uuid";

/// A door row from a query of [`ROW`] (and more columns after).
fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<DoorRow> {
    Ok(DoorRow {
        uuid: r.get(0)?,
        geom: r.get(1)?,
        address: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        households: r.get(3)?,
        parts: Address {
            street: r.get(4)?,
            housenumber: r.get(5)?,
            suffix: r.get(6)?,
            unit: r.get(7)?,
            postcode: r.get(8)?,
            locality: None,
        },
        source_id: r.get(9)?,
        precinct_uuid: r.get(10)?,
    })
}

/// The door row of `fid`, whole (what undo puts back).
pub(super) fn row_at(tx: &Transaction<'_>, fid: i64) -> rusqlite::Result<DoorRow> {
    tx.prepare_cached(&format!("SELECT {ROW} FROM doors WHERE fid = ?1"))?
        .query_row([fid], row_of)
}

/// The live doors with what matching needs, and the sources they came from.
pub(super) fn read_existing(c: &Campaign) -> Result<(Vec<Existing>, Vec<String>), StoreError> {
    let q = |e| c.err(e);
    let mut stmt = c
        .conn()
        .prepare(&format!(
            "SELECT {ROW}, coalesce(source, ''), fid FROM doors \
             WHERE deleted_at IS NULL AND geom IS NOT NULL"
        ))
        .map_err(q)?;
    let mut rows = stmt.query([]).map_err(q)?;
    let mut out = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    while let Some(r) = rows.next().map_err(q)? {
        let row = row_of(r).map_err(q)?;
        let Some(point) = gpkg::read_point(&row.geom) else {
            continue;
        };
        let source: String = r.get(11).map_err(q)?;
        let source = sources
            .iter()
            .position(|s| *s == source)
            .unwrap_or_else(|| {
                sources.push(source);
                sources.len() - 1
            });
        out.push(Existing {
            fid: r.get(12).map_err(q)?,
            point,
            key: door_key(&row.parts, &row.address).into_boxed_str(),
            fields: fields_print(
                &row.address,
                row.households,
                &row.parts,
                row.source_id.as_deref(),
                row.precinct_uuid.as_deref(),
            ),
            source_id: row.source_id.map(String::into_boxed_str),
            source: u32::try_from(source).unwrap_or(u32::MAX),
        });
    }
    Ok((out, sources))
}

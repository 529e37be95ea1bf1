//! Door points in the campaign file, each tied to the precinct it falls in.
//!
//! An import matches every door of the file to the doors already stored (the same source id,
//! or the same address within 30 m: `domain::dedupe`), updates those that changed, adds the
//! others, and removes the doors an earlier import of the same file brought that the file no
//! longer has. Every change is kept for undo.

use geo_types::Rect;
use rusqlite::{OptionalExtension as _, Transaction, params};

use super::{Campaign, StoreError, gpkg, spatial};
use crate::domain::address::Address;
use crate::domain::dedupe::{Keyed, door_key, matches, same_id};
use crate::domain::door::NewDoor;
use crate::domain::selection::PrecinctIndex;
use crate::store::NOW;

/// One door row as stored: what an update replaces and its undo puts back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoorRow {
    /// Its stable identifier.
    pub uuid: String,
    /// Its geometry blob.
    pub geom: Vec<u8>,
    /// Its address string.
    pub address: String,
    /// Households behind it.
    pub households: i64,
    /// Its address in parts.
    pub parts: Address,
    /// The source's own identifier.
    pub source_id: Option<String>,
    /// The precinct it falls in.
    pub precinct_uuid: Option<String>,
}

/// What storing doors did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct DoorsWritten {
    /// The doors added, for undo.
    #[serde(skip)]
    pub added: AddedDoors,
    /// The doors removed (UUID and geometry blob), for undo.
    #[serde(skip)]
    pub removed_doors: Vec<(String, Vec<u8>)>,
    /// The doors updated, before and after, for undo.
    #[serde(skip)]
    pub changed: Vec<(DoorRow, DoorRow)>,
    /// The turf memberships of the removed doors (their UUIDs), ended with them, for undo.
    #[serde(skip)]
    pub removed_members: Vec<String>,
    /// Doors in the file.
    pub read: usize,
    /// Doors added.
    pub new: usize,
    /// Doors already in the campaign that the file changed (place, households, address).
    pub updated: usize,
    /// Doors already in the campaign as the file has them.
    pub unchanged: usize,
    /// Doors an earlier import of the same file brought that the file no longer has.
    pub removed: usize,
    /// Households behind the file's doors.
    pub households: i64,
    /// The file's doors inside a precinct.
    pub in_precincts: usize,
    /// Files other than this one that the matched doors came from.
    pub also_from: Vec<String>,
}

/// The doors an import added, as undo and redo need them: one transaction gives them
/// consecutive fids, so their first fid and their points (16 bytes a door; a uuid and a blob
/// each took about 130 at two million doors) say which they are and where.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddedDoors {
    /// The fid of the first door added.
    pub first_fid: i64,
    /// Their points, the door of fid `first_fid + i` at `i`.
    pub points: Vec<[f64; 2]>,
}

impl AddedDoors {
    /// How many doors were added.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether none were.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

/// How many doors of an earlier import of the same file may go without asking: a file that
/// would remove more than this share of them (and more than [`FEW_DOORS`]) is refused unless
/// the caller allows it (a truncated or wrong file of the same name).
pub const MOST_DOORS: f64 = 0.5;

/// Removals this small never need asking (one door gone from a file is an edit).
pub const FEW_DOORS: usize = 1;

/// A live door as the import reads it to match.
struct Existing {
    row: DoorRow,
    point: geo_types::Point<f64>,
    key: String,
    source: String,
}

impl Campaign {
    /// Stores `doors` from `source` (a file name) in one transaction, matching them to the
    /// doors already stored (see the module). Every precinct's door count becomes the
    /// households counted in it (none counted: the count stays empty and turfs estimate it
    /// from registered voters). Refused, with nothing changed, when the file would remove most
    /// doors its earlier import brought and `allow_removal` is false.
    pub fn import_doors(
        &mut self,
        doors: &[NewDoor],
        source: &str,
        allow_removal: bool,
    ) -> Result<DoorsWritten, StoreError> {
        let precincts = self.precincts()?;
        let uuids: Vec<String> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT uuid FROM precincts WHERE deleted_at IS NULL ORDER BY fid")
                .map_err(|e| self.err(e))?;
            stmt.query_map([], |r| r.get(0))
                .map_err(|e| self.err(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| self.err(e))?
        };
        let geometries: Vec<_> = precincts.into_iter().map(|p| p.geometry).collect();
        let index = PrecinctIndex::new(&geometries);
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        let invalid = |e: gpkg::BlobError| StoreError::Invalid {
            path: path.clone(),
            detail: e.to_string(),
        };
        let existing = read_existing(self)?;
        let old: Vec<Keyed<'_>> = existing
            .iter()
            .map(|e| Keyed {
                point: e.point,
                key: &e.key,
                source_id: e.row.source_id.as_deref(),
            })
            .collect();
        // A campaign without doors matches nothing: no keys are made (two million of them
        // held 130 MB).
        let matched = if existing.is_empty() {
            vec![None; doors.len()]
        } else {
            let new_keys: Vec<String> = doors
                .iter()
                .map(|d| door_key(&d.parts, &d.address))
                .collect();
            let new: Vec<Keyed<'_>> = doors
                .iter()
                .zip(&new_keys)
                .map(|(d, k)| Keyed {
                    point: d.point,
                    key: k,
                    source_id: d.source_id.as_deref(),
                })
                .collect();
            matches(&old, &new)
        };
        let mut kept = vec![false; existing.len()];
        for i in matched.iter().flatten() {
            kept[*i] = true;
        }
        let mine = existing.iter().filter(|e| e.source == source).count();
        let going: Vec<&Existing> = existing
            .iter()
            .zip(&kept)
            .filter(|(e, k)| !**k && e.source == source)
            .map(|(e, _)| e)
            .collect();
        if !allow_removal
            && going.len() > FEW_DOORS
            && going.len() as f64 > mine as f64 * MOST_DOORS
        {
            return Err(StoreError::WouldRemoveDoors {
                path: path.clone(),
                removing: going.len(),
                of: mine,
            });
        }
        let mut written = DoorsWritten {
            read: doors.len(),
            ..DoorsWritten::default()
        };
        let changes = going.len() + doors.len();
        self.write(|tx| {
            spatial::bulk(tx, "doors", changes, sql, || {
                for e in &going {
                    kill(tx, &e.row.uuid).map_err(sql)?;
                    written
                        .removed_doors
                        .push((e.row.uuid.clone(), e.row.geom.clone()));
                }
                written.removed = going.len();
                // A door that leaves the campaign leaves its turf too.
                let gone: Vec<String> = going.iter().map(|e| e.row.uuid.clone()).collect();
                written.removed_members = end_memberships(tx, &gone).map_err(sql)?;
                let mut insert = tx
                .prepare(
                    "INSERT INTO doors (geom, uuid, address, households, precinct_uuid, source, \
                     street, housenumber, housenumber_suffix, unit, postcode, source_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(sql)?;
                let mut also: Vec<String> = Vec::new();
                let mut uuids_v7 = UuidsV7::new();
                // Doors are written precinct by precinct, in the order of the precincts' uuids, so
                // the index of doors by precinct grows at its end rather than at random places;
                // each door's blob is made as it is written (a list of them all first held
                // hundreds of megabytes at two million doors).
                let points: Vec<geo_types::Point<f64>> = doors.iter().map(|d| d.point).collect();
                let precinct_of = index.locate_all(&geometries, &points);
                drop(points);
                let mut by_uuid: Vec<usize> = (0..uuids.len()).collect();
                by_uuid.sort_unstable_by(|&a, &b| uuids[a].cmp(&uuids[b]));
                let mut rank = vec![0; uuids.len()];
                for (r, &p) in by_uuid.iter().enumerate() {
                    rank[p] = r;
                }
                let mut order: Vec<usize> = (0..doors.len()).collect();
                order.sort_unstable_by_key(|&k| (precinct_of[k].map(|p| rank[p]), k));
                for k in order {
                    let (d, m) = (&doors[k], &matched[k]);
                    let blob = gpkg::encode_point(d.point).map_err(invalid)?;
                    let precinct = precinct_of[k].map(|i| uuids[i].as_str());
                    if precinct.is_some() {
                        written.in_precincts += 1;
                    }
                    written.households += d.households;
                    if let Some(i) = m {
                        let e = &existing[*i];
                        if e.source != source {
                            also.push(e.source.clone());
                        }
                        // The stored id stays when the file writes the same id another way.
                        let source_id = match (&d.source_id, &e.row.source_id) {
                            (Some(new), Some(old)) if same_id(new) == same_id(old) => {
                                Some(old.clone())
                            }
                            (new, old) => new.clone().or_else(|| old.clone()),
                        };
                        let after = DoorRow {
                            uuid: e.row.uuid.clone(),
                            geom: blob,
                            address: d.address.clone(),
                            households: d.households,
                            parts: d.parts.clone(),
                            source_id,
                            precinct_uuid: precinct.map(str::to_owned),
                        };
                        if same_door(&e.row, &after) {
                            written.unchanged += 1;
                        } else {
                            put(tx, &after).map_err(sql)?;
                            written.changed.push((e.row.clone(), after));
                            written.updated += 1;
                        }
                        continue;
                    }
                    // Time-ordered (v7): two million new doors go to the end of the uuid index
                    // instead of to random places in it.
                    let door_uuid = uuids_v7.next();
                    insert
                        .execute(params![
                            blob,
                            door_uuid,
                            d.address,
                            d.households,
                            precinct,
                            source,
                            d.parts.street,
                            d.parts.housenumber,
                            d.parts.suffix,
                            d.parts.unit,
                            d.parts.postcode,
                            d.source_id,
                        ])
                        .map_err(sql)?;
                    if written.added.is_empty() {
                        written.added.first_fid = tx.last_insert_rowid();
                    }
                    written.added.points.push([d.point.x(), d.point.y()]);
                    written.new += 1;
                }
                also.sort_unstable();
                also.dedup();
                written.also_from = also;
                recount(tx).map_err(sql)?;
                let mut extent: Option<Rect<f64>> = None;
                for d in doors {
                    gpkg::extend(&mut extent, Rect::new(d.point.0, d.point.0));
                }
                if let Some(r) = extent {
                    gpkg::grow_extent(tx, "doors", r).map_err(sql)?;
                }
                Ok(())
            })?;
            Ok(written)
        })
    }

    /// Undoes (`undo`) or redoes a doors import: the added doors are tombstoned, the removed
    /// ones brought back and the updated ones put back as they were; or the other way round.
    pub fn swap_doors(
        &mut self,
        added: &AddedDoors,
        removed: &[(String, Vec<u8>)],
        changed: &[(DoorRow, DoorRow)],
        removed_members: &[String],
        undo: bool,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        let invalid = |e: gpkg::BlobError| StoreError::Invalid {
            path: path.clone(),
            detail: e.to_string(),
        };
        let rows = added.len() + removed.len() + changed.len();
        self.write(|tx| {
            spatial::bulk(tx, "doors", rows, sql, || {
                if undo && !added.is_empty() {
                    // One statement for every door the import added.
                    tx.execute(
                        &format!(
                            "UPDATE doors SET geom = NULL, deleted_at = {NOW}, updated_at = {NOW} \
                             WHERE fid BETWEEN ?1 AND ?2"
                        ),
                        params![added.first_fid, added.first_fid + added.len() as i64 - 1],
                    )
                    .map_err(sql)?;
                }
                if undo {
                    for (u, blob) in removed {
                        tx.execute(
                            &format!(
                                "UPDATE doors SET deleted_at = NULL, geom = ?2, \
                                 updated_at = {NOW} WHERE uuid = ?1"
                            ),
                            params![u, blob],
                        )
                        .map_err(sql)?;
                    }
                } else {
                    let mut put_back = tx
                        .prepare(&format!(
                            "UPDATE doors SET deleted_at = NULL, geom = ?2, updated_at = {NOW} \
                             WHERE fid = ?1"
                        ))
                        .map_err(sql)?;
                    for (fid, [x, y]) in (added.first_fid..).zip(&added.points) {
                        let blob =
                            gpkg::encode_point(geo_types::Point::new(*x, *y)).map_err(invalid)?;
                        put_back.execute(params![fid, blob]).map_err(sql)?;
                    }
                    for (u, _) in removed {
                        kill(tx, u).map_err(sql)?;
                    }
                }
                for (before, after) in changed {
                    put(tx, if undo { before } else { after }).map_err(sql)?;
                }
                // The removed doors' turf memberships come back with them, or go again.
                let mut turfs = Vec::new();
                for m in removed_members {
                    let turf: Option<String> = tx
                        .query_row(
                            &format!(
                                "UPDATE turf_members SET deleted_at = {}, updated_at = {NOW} \
                             WHERE uuid = ?1 RETURNING turf_uuid",
                                if undo { "NULL" } else { NOW }
                            ),
                            [m],
                            |r| r.get(0),
                        )
                        .optional()
                        .map_err(sql)?;
                    turfs.extend(turf);
                }
                turfs.sort_unstable();
                turfs.dedup();
                for t in &turfs {
                    if undo {
                        tx.execute(
                        &format!(
                            "UPDATE turfs SET deleted_at = NULL, updated_at = {NOW} WHERE uuid = ?1"
                        ),
                        [t],
                    )
                    .map_err(sql)?;
                    }
                    super::turfs::refresh_turf(tx, t).map_err(sql)?;
                }
                recount(tx).map_err(sql)?;
                Ok(())
            })
        })
    }
}

/// Time-ordered (v7) uuids, their random bits drawn from one generator seeded once from the
/// system (`Uuid::now_v7` asked the kernel for randomness for each door: a tenth of the time
/// of a two-million-door import), written into a buffer rather than a new string each.
struct UuidsV7 {
    rng: rand::rngs::StdRng,
    text: [u8; uuid::fmt::Hyphenated::LENGTH],
}

impl UuidsV7 {
    fn new() -> Self {
        use rand::SeedableRng as _;
        let mut seed = [0_u8; 32];
        seed[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        seed[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self {
            rng: rand::rngs::StdRng::from_seed(seed),
            text: [0; uuid::fmt::Hyphenated::LENGTH],
        }
    }

    /// The next uuid, as text.
    fn next(&mut self) -> &str {
        use rand::RngCore as _;
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut random = [0_u8; 10];
        self.rng.fill_bytes(&mut random);
        uuid::Builder::from_unix_timestamp_millis(millis, &random)
            .into_uuid()
            .hyphenated()
            .encode_lower(&mut self.text)
    }
}

/// Whether an update would change nothing.
fn same_door(a: &DoorRow, b: &DoorRow) -> bool {
    let moved = match (gpkg::decode(&a.geom), gpkg::decode(&b.geom)) {
        (Ok(geo_types::Geometry::Point(p)), Ok(geo_types::Geometry::Point(q))) => {
            // Files round coordinates differently (1e-6 or 1e-7 degree): a move under about
            // 10 cm is none.
            (p.x() - q.x()).abs() > 1e-6 || (p.y() - q.y()).abs() > 1e-6
        }
        _ => true,
    };
    !moved
        && a.address == b.address
        && a.households == b.households
        && a.parts.street == b.parts.street
        && a.parts.housenumber == b.parts.housenumber
        && a.parts.suffix == b.parts.suffix
        && a.parts.unit == b.parts.unit
        && a.parts.postcode == b.parts.postcode
        && a.source_id == b.source_id
        && a.precinct_uuid == b.precinct_uuid
}

/// Ends the live turf memberships of `doors` and refreshes their turfs (a turf left without
/// members is deleted); returns the memberships ended.
fn end_memberships(tx: &Transaction<'_>, doors: &[String]) -> rusqlite::Result<Vec<String>> {
    let mut ended = Vec::new();
    let mut turfs = Vec::new();
    let mut stmt = tx.prepare(&format!(
        "UPDATE turf_members SET deleted_at = {NOW}, updated_at = {NOW} \
         WHERE door_uuid = ?1 AND deleted_at IS NULL RETURNING uuid, turf_uuid"
    ))?;
    for d in doors {
        let rows: Vec<(String, String)> = stmt
            .query_map([d], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (m, t) in rows {
            ended.push(m);
            turfs.push(t);
        }
    }
    drop(stmt);
    turfs.sort_unstable();
    turfs.dedup();
    for t in &turfs {
        super::turfs::refresh_turf(tx, t)?;
    }
    Ok(ended)
}

/// Tombstones a door.
fn kill(tx: &Transaction<'_>, uuid: &str) -> rusqlite::Result<usize> {
    tx.execute(
        &format!(
            "UPDATE doors SET geom = NULL, deleted_at = {NOW}, updated_at = {NOW} WHERE uuid = ?1"
        ),
        [uuid],
    )
}

/// Writes a door's fields (its UUID and source stay).
fn put(tx: &Transaction<'_>, row: &DoorRow) -> rusqlite::Result<usize> {
    tx.execute(
        &format!(
            "UPDATE doors SET geom = ?2, address = ?3, households = ?4, street = ?5, \
             housenumber = ?6, housenumber_suffix = ?7, unit = ?8, postcode = ?9, \
             source_id = ?10, precinct_uuid = ?11, deleted_at = NULL, updated_at = {NOW} \
             WHERE uuid = ?1"
        ),
        params![
            row.uuid,
            row.geom,
            row.address,
            row.households,
            row.parts.street,
            row.parts.housenumber,
            row.parts.suffix,
            row.parts.unit,
            row.parts.postcode,
            row.source_id,
            row.precinct_uuid,
        ],
    )
}

/// Every precinct's door count: the households of its live doors.
fn recount(tx: &Transaction<'_>) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE precincts SET doors = (SELECT sum(households) FROM doors \
         WHERE doors.precinct_uuid = precincts.uuid AND doors.deleted_at IS NULL) \
         WHERE deleted_at IS NULL",
        [],
    )
}

/// The live doors with what matching needs.
fn read_existing(c: &Campaign) -> Result<Vec<Existing>, StoreError> {
    let q = |e| c.err(e);
    let mut stmt = c
        .conn()
        .prepare(
            "SELECT uuid, geom, address, households, street, housenumber, housenumber_suffix, \
             unit, postcode, source_id, precinct_uuid, coalesce(source, '') FROM doors \
             WHERE deleted_at IS NULL AND geom IS NOT NULL",
        )
        .map_err(q)?;
    let mut rows = stmt.query([]).map_err(q)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(q)? {
        let geom: Vec<u8> = r.get(1).map_err(q)?;
        let Ok(geo_types::Geometry::Point(point)) = gpkg::decode(&geom) else {
            continue;
        };
        let row = DoorRow {
            uuid: r.get(0).map_err(q)?,
            geom,
            address: r
                .get::<_, Option<String>>(2)
                .map_err(q)?
                .unwrap_or_default(),
            households: r.get(3).map_err(q)?,
            parts: Address {
                street: r.get(4).map_err(q)?,
                housenumber: r.get(5).map_err(q)?,
                suffix: r.get(6).map_err(q)?,
                unit: r.get(7).map_err(q)?,
                postcode: r.get(8).map_err(q)?,
                locality: None,
            },
            source_id: r.get(9).map_err(q)?,
            precinct_uuid: r.get(10).map_err(q)?,
        };
        let key = door_key(&row.parts, &row.address);
        out.push(Existing {
            row,
            point,
            key,
            source: r.get(11).map_err(q)?,
        });
    }
    Ok(out)
}

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

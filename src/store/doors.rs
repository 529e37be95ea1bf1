//! Door points in the campaign file, each tied to the precinct it falls in.
//!
//! An import matches every door of the file to the doors already stored (the same source id,
//! or the same address within 30 m: `domain::dedupe`), updates those that changed, adds the
//! others, and removes the doors an earlier import of the same file brought that the file no
//! longer has. Every change is kept for undo.

use geo_types::Rect;
use rusqlite::{OptionalExtension as _, Transaction, params};

use super::door_match::{Existing, fields_print, plain_number, read_existing, row_at};
use super::door_rows::{BATCH, NewRows, Pending, UuidsV7, precinct_order, recount_from};
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
    /// The campaign's precincts when the doors were imported (none: no door can be inside one).
    pub campaign_precincts: usize,
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

impl DoorsWritten {
    /// Whether none of the file's doors fell in a precinct of a campaign that has some: the
    /// file is of another place, or its longitude and latitude are swapped.
    #[must_use]
    pub fn all_outside(&self) -> bool {
        self.read > 0 && self.campaign_precincts > 0 && self.in_precincts == 0
    }
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
        let (existing, sources) = read_existing(self)?;
        let source_of = |e: &Existing| sources[e.source as usize].as_str();
        let old: Vec<Keyed<'_>> = existing
            .iter()
            .map(|e| Keyed {
                point: e.point,
                key: &e.key,
                // A plain number (a row's number) is an id within its own file only: two
                // files both number their rows 1, 2, 3, and their doors are not each other's.
                source_id: e
                    .source_id
                    .as_deref()
                    .filter(|id| source_of(e) == source || !plain_number(id)),
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
        let mine = existing.iter().filter(|e| source_of(e) == source).count();
        let going: Vec<&Existing> = existing
            .iter()
            .zip(&kept)
            .filter(|(e, k)| !**k && source_of(e) == source)
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
            campaign_precincts: uuids.len(),
            ..DoorsWritten::default()
        };
        let changes = going.len() + doors.len();
        self.write(|tx| {
            // Into a layer without points, the new doors are all the index holds: it is packed
            // from them rather than read back.
            let only_these =
                existing.is_empty() && spatial::holds_no_geometry(tx, "doors").map_err(sql)?;
            spatial::bulk_known(tx, "doors", changes, sql, || {
                for e in &going {
                    let before = row_at(tx, e.fid).map_err(sql)?;
                    kill(tx, &before.uuid).map_err(sql)?;
                    written.removed_doors.push((before.uuid, before.geom));
                }
                written.removed = going.len();
                // A door that leaves the campaign leaves its turf too.
                let gone: Vec<String> = written
                    .removed_doors
                    .iter()
                    .map(|(uuid, _)| uuid.clone())
                    .collect();
                written.removed_members = end_memberships(tx, &gone).map_err(sql)?;
                let mut pending: Vec<Pending> = Vec::with_capacity(BATCH);
                let mut first_fid: Option<i64> = None;
                let now: String = tx
                    .query_row(&format!("SELECT {NOW}"), [], |r| r.get(0))
                    .map_err(sql)?;
                let mut new_rows = NewRows::new(tx, doors, &uuids, source, &now);
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
                for k in precinct_order(&precinct_of, &rank) {
                    let (d, m) = (&doors[k], &matched[k]);
                    let blob = gpkg::point_blob(d.point);
                    let precinct = precinct_of[k].map(|i| uuids[i].as_str());
                    if precinct.is_some() {
                        written.in_precincts += 1;
                    }
                    written.households += d.households;
                    if let Some(i) = m {
                        let e = &existing[*i];
                        if source_of(e) != source {
                            also.push(source_of(e).to_owned());
                        }
                        // The stored id stays when the file writes the same id another way.
                        let source_id: Option<&str> = match (&d.source_id, &e.source_id) {
                            (Some(new), Some(old)) if same_id(new) == same_id(old) => Some(old),
                            (new, old) => new.as_deref().or(old.as_deref()),
                        };
                        // Files round coordinates differently (1e-6 or 1e-7 degree): a move
                        // under about 10 cm is none.
                        let moved = (d.point.x() - e.point.x()).abs() > 1e-6
                            || (d.point.y() - e.point.y()).abs() > 1e-6;
                        let fields =
                            fields_print(&d.address, d.households, &d.parts, source_id, precinct);
                        if !moved && fields == e.fields {
                            written.unchanged += 1;
                        } else {
                            let before = row_at(tx, e.fid).map_err(sql)?;
                            let after = DoorRow {
                                uuid: before.uuid.clone(),
                                geom: blob.to_vec(),
                                address: d.address.clone(),
                                households: d.households,
                                parts: d.parts.clone(),
                                source_id: source_id.map(str::to_owned),
                                precinct_uuid: precinct.map(str::to_owned),
                            };
                            put(tx, &after).map_err(sql)?;
                            written.changed.push((before, after));
                            written.updated += 1;
                        }
                        continue;
                    }
                    // Time-ordered (v7): two million new doors go to the end of the uuid index
                    // instead of to random places in it.
                    pending.push(Pending {
                        door: k,
                        uuid: uuids_v7.next_bytes(),
                        blob,
                        precinct: precinct_of[k],
                    });
                    if pending.len() == BATCH {
                        let first = new_rows.write(&pending).map_err(sql)?;
                        first_fid.get_or_insert(first);
                        pending.clear();
                    }
                    written.added.points.push([d.point.x(), d.point.y()]);
                    written.new += 1;
                }
                if !pending.is_empty() {
                    let first = new_rows.write(&pending).map_err(sql)?;
                    first_fid.get_or_insert(first);
                }
                written.added.first_fid = first_fid.unwrap_or(0);
                also.sort_unstable();
                also.dedup();
                written.also_from = also;
                if existing.is_empty() {
                    // The campaign had no doors: each precinct's count is what this file puts
                    // in it (a recount walked two million rows again).
                    let mut counts = vec![0_i64; uuids.len()];
                    for (d, p) in doors.iter().zip(&precinct_of) {
                        if let Some(p) = p {
                            counts[*p] += d.households;
                        }
                    }
                    recount_from(tx, &uuids, &counts).map_err(sql)?;
                } else {
                    recount(tx).map_err(sql)?;
                }
                let mut extent: Option<Rect<f64>> = None;
                for d in doors {
                    gpkg::extend(&mut extent, Rect::new(d.point.0, d.point.0));
                }
                if let Some(r) = extent {
                    gpkg::grow_extent(tx, "doors", r).map_err(sql)?;
                }
                let points = only_these.then(|| {
                    (written.added.first_fid..)
                        .zip(written.added.points.iter().copied())
                        .collect()
                });
                Ok(((), points))
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
                        let blob = gpkg::point_blob(geo_types::Point::new(*x, *y));
                        put_back.execute(params![fid, &blob[..]]).map_err(sql)?;
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

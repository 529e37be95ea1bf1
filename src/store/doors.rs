//! Door points in the campaign file, each tied to the precinct it falls in.

use crate::store::NOW;
use geo_types::Rect;
use rusqlite::params;

use super::{Campaign, StoreError, gpkg};
use crate::domain::dedupe::already_there;
use crate::domain::door::NewDoor;
use crate::domain::selection::PrecinctIndex;

/// What storing doors did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DoorsWritten {
    /// The doors written (UUID and geometry blob), for undo.
    #[serde(skip)]
    pub added: Vec<(String, Vec<u8>)>,
    /// The doors replaced (UUID and geometry blob), for undo.
    #[serde(skip)]
    pub replaced_doors: Vec<(String, Vec<u8>)>,
    /// Doors written.
    pub doors: usize,
    /// Households behind them.
    pub households: i64,
    /// Doors inside a precinct.
    pub in_precincts: usize,
    /// Doors from the same source replaced (tombstoned).
    pub replaced: usize,
    /// Doors not added because the campaign has them from another file (same address
    /// nearby), with those files' names.
    pub already_there: usize,
    /// The files the doors already there came from.
    pub already_from: Vec<String>,
}

impl Campaign {
    /// Stores `doors` from `source` (a file name) in one transaction: doors earlier imported
    /// from the same source are replaced, each door is tied to the precinct it falls in, and
    /// every precinct's door count becomes the households counted in it (none counted: the
    /// count stays empty and turfs estimate it from registered voters).
    pub fn replace_doors(
        &mut self,
        doors: &[NewDoor],
        source: &str,
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
        self.write(|tx| {
            let replaced_doors: Vec<(String, Vec<u8>)> = tx
                .prepare("SELECT uuid, geom FROM doors WHERE source = ?1 AND deleted_at IS NULL AND geom IS NOT NULL")
                .map_err(sql)?
                .query_map([source], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?;
            let replaced = tx
                .execute(
                    &format!("UPDATE doors SET geom = NULL, deleted_at = {NOW}, \
                     updated_at = {NOW} \
                     WHERE source = ?1 AND deleted_at IS NULL"),
                    [source],
                )
                .map_err(sql)?;
            let mut written = DoorsWritten {
                replaced_doors,
                replaced,
                ..DoorsWritten::default()
            };
            // Doors another file brought already (the same address nearby) are not added twice.
            let others: Vec<(Vec<u8>, String, String)> = tx
                .prepare(
                    "SELECT geom, coalesce(address, ''), source FROM doors \
                     WHERE deleted_at IS NULL AND geom IS NOT NULL AND source IS NOT ?1",
                )
                .map_err(sql)?
                .query_map([source], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?;
            let other_points: Vec<(geo_types::Point<f64>, &str, &str)> = others
                .iter()
                .filter_map(|(blob, address, from)| {
                    match gpkg::decode(blob).ok()? {
                        geo_types::Geometry::Point(p) => Some((p, address.as_str(), from.as_str())),
                        _ => None,
                    }
                })
                .collect();
            let existing: Vec<(geo_types::Point<f64>, &str)> =
                other_points.iter().map(|&(p, a, _)| (p, a)).collect();
            let new: Vec<(geo_types::Point<f64>, &str)> =
                doors.iter().map(|d| (d.point, d.address.as_str())).collect();
            let twice = already_there(&existing, &new);
            if twice.iter().any(|t| *t) {
                let mut from: Vec<String> =
                    other_points.iter().map(|&(_, _, f)| f.to_owned()).collect();
                from.sort_unstable();
                from.dedup();
                written.already_from = from;
            }
            let mut insert = tx
                .prepare(
                    "INSERT INTO doors (geom, uuid, address, households, precinct_uuid, source) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(sql)?;
            for (d, twice) in doors.iter().zip(&twice) {
                if *twice {
                    written.already_there += 1;
                    continue;
                }
                let blob = gpkg::encode_point(d.point).map_err(|e| StoreError::Invalid {
                    path: path.clone(),
                    detail: e.to_string(),
                })?;
                let precinct = index.at(&geometries, d.point).map(|i| uuids[i].as_str());
                if precinct.is_some() {
                    written.in_precincts += 1;
                }
                let door_uuid = uuid::Uuid::new_v4().to_string();
                written.added.push((door_uuid.clone(), blob.clone()));
                insert
                    .execute(params![
                        blob,
                        door_uuid,
                        d.address,
                        d.households,
                        precinct,
                        source
                    ])
                    .map_err(sql)?;
                written.doors += 1;
                written.households += d.households;
            }
            tx.execute(
                "UPDATE precincts SET doors = (SELECT sum(households) FROM doors \
                 WHERE doors.precinct_uuid = precincts.uuid AND doors.deleted_at IS NULL) \
                 WHERE deleted_at IS NULL",
                [],
            )
            .map_err(sql)?;
            let mut extent: Option<Rect<f64>> = None;
            for (d, _) in doors.iter().zip(&twice).filter(|(_, t)| !**t) {
                gpkg::extend(&mut extent, Rect::new(d.point.0, d.point.0));
            }
            if let Some(r) = extent {
                tx.execute(
                    &format!("UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4, \
                     last_change = {NOW} WHERE table_name = 'doors'"),
                    params![r.min().x, r.min().y, r.max().x, r.max().y],
                )
                .map_err(sql)?;
            }
            Ok(written)
        })
    }
}

impl Campaign {
    /// Undoes (`undo`) or redoes a doors import: the added doors are tombstoned and the
    /// replaced ones brought back with their geometry, or the other way round.
    pub fn swap_doors(
        &mut self,
        added: &[(String, Vec<u8>)],
        replaced: &[(String, Vec<u8>)],
        undo: bool,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            let mut kill = tx
                .prepare(&format!(
                    "UPDATE doors SET geom = NULL, deleted_at = {NOW}, \
                     updated_at = {NOW} WHERE uuid = ?1"
                ))
                .map_err(sql)?;
            let mut revive = tx
                .prepare(&format!(
                    "UPDATE doors SET deleted_at = NULL, geom = ?2, \
                     updated_at = {NOW} WHERE uuid = ?1"
                ))
                .map_err(sql)?;
            for (u, blob) in added {
                if undo {
                    kill.execute([u]).map_err(sql)?;
                } else {
                    revive.execute(params![u, blob]).map_err(sql)?;
                }
            }
            for (u, blob) in replaced {
                if undo {
                    revive.execute(params![u, blob]).map_err(sql)?;
                } else {
                    kill.execute([u]).map_err(sql)?;
                }
            }
            tx.execute(
                "UPDATE precincts SET doors = (SELECT sum(households) FROM doors \
                 WHERE doors.precinct_uuid = precincts.uuid AND doors.deleted_at IS NULL) \
                 WHERE deleted_at IS NULL",
                [],
            )
            .map_err(sql)?;
            Ok(())
        })
    }
}

/// A door as the app shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDoor {
    /// Its stable identifier.
    pub uuid: String,
    /// Where it is.
    pub point: geo_types::Point<f64>,
    /// Households behind it.
    pub households: i64,
}

impl Campaign {
    /// The live doors.
    pub fn doors(&self) -> Result<Vec<StoredDoor>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare("SELECT uuid, geom, households FROM doors WHERE deleted_at IS NULL AND geom IS NOT NULL")
            .map_err(q)?;
        let mut rows = stmt.query([]).map_err(q)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(q)? {
            let blob: Vec<u8> = row.get(1).map_err(q)?;
            if let Ok(geo_types::Geometry::Point(point)) = gpkg::decode(&blob) {
                out.push(StoredDoor {
                    uuid: row.get(0).map_err(q)?,
                    point,
                    households: row.get(2).map_err(q)?,
                });
            }
        }
        Ok(out)
    }
}

//! A turf's walk: its doors in walking order along the campaign's streets, from its meeting
//! point, and the meeting point itself.

use std::collections::HashMap;

use rusqlite::{OptionalExtension as _, params};

use super::{Campaign, StoreError, StoredDoor};
use crate::domain::turf::TurfId;
use crate::domain::walk::{self, StreetIndex, WalkDoor, WalkMode};
pub use crate::domain::walk::{TurfWalk, WalkStop};
use crate::store::NOW;

impl Campaign {
    /// The live doors of a turf: those in its precincts and those it holds one by one.
    pub fn turf_doors(&self, turf: &TurfId) -> Result<Vec<StoredDoor>, StoreError> {
        self.doors_where(
            "d.precinct_uuid IN (SELECT m.precinct_uuid FROM turf_members m \
               WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND m.precinct_uuid IS NOT NULL) \
             OR d.uuid IN (SELECT m.door_uuid FROM turf_members m \
               WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND m.door_uuid IS NOT NULL)",
            [turf],
        )
    }

    /// The streets as walk order takes them.
    pub fn walk_streets(&self) -> Result<StreetIndex, StoreError> {
        Ok(StreetIndex::of_streets(&self.streets()?))
    }

    /// A turf's meeting point, if one was set.
    pub fn meeting_point(&self, turf: &TurfId) -> Result<Option<(f64, f64)>, StoreError> {
        self.conn()
            .query_row(
                "SELECT meeting_lon, meeting_lat FROM turfs WHERE uuid = ?1 AND deleted_at IS NULL",
                [turf],
                |r| Ok((r.get::<_, Option<f64>>(0)?, r.get::<_, Option<f64>>(1)?)),
            )
            .optional()
            .map(|row| match row {
                Some((Some(x), Some(y))) => Some((x, y)),
                _ => None,
            })
            .map_err(|e| self.err(e))
    }

    /// Sets (or, with `None`, clears) a turf's meeting point; returns the one it had, for undo.
    pub fn set_meeting_point(
        &mut self,
        turf: &TurfId,
        point: Option<(f64, f64)>,
    ) -> Result<Option<(f64, f64)>, StoreError> {
        let before = self.meeting_point(turf)?;
        if let Some((x, y)) = point
            && !((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y))
        {
            return Err(self.invalid(&format!(
                "the meeting point ({x}, {y}) is not a longitude and latitude"
            )));
        }
        let path = self.path.clone();
        let turf = turf.clone();
        self.write(|tx| {
            let n = tx
                .execute(
                    &format!(
                        "UPDATE turfs SET meeting_lon = ?2, meeting_lat = ?3, updated_at = {NOW} \
                         WHERE uuid = ?1 AND deleted_at IS NULL"
                    ),
                    params![turf, point.map(|p| p.0), point.map(|p| p.1)],
                )
                .map_err(|e| StoreError::sqlite(&path, e))?;
            if n == 0 {
                return Err(StoreError::Refused {
                    path: path.clone(),
                    detail: "no such turf".to_owned(),
                });
            }
            Ok(())
        })?;
        Ok(before)
    }

    /// A turf's walk in `mode`, along the campaign's streets.
    pub fn turf_walk(&self, turf: &TurfId, mode: WalkMode) -> Result<TurfWalk, StoreError> {
        let streets = self.walk_streets()?;
        self.turf_walk_on(turf, mode, &streets)
    }

    /// A turf's walk along streets already read (to walk many turfs).
    pub fn turf_walk_on(
        &self,
        turf: &TurfId,
        mode: WalkMode,
        streets: &StreetIndex,
    ) -> Result<TurfWalk, StoreError> {
        let name: String = self
            .conn()
            .query_row(
                "SELECT name FROM turfs WHERE uuid = ?1 AND deleted_at IS NULL",
                [turf],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| self.invalid("no such turf"))?;
        let doors = self.turf_doors(turf)?;
        let set = self.meeting_point(turf)?;
        Ok(order(name, &doors, mode, set, streets))
    }

    /// Every door's turf and walk rank (default mode), by door UUID: for exports.
    pub fn walk_ranks(&self) -> Result<HashMap<String, (String, usize)>, StoreError> {
        let streets = self.walk_streets()?;
        let mut out = HashMap::new();
        for t in self.turfs()? {
            let w = self.turf_walk_on(&t.uuid, WalkMode::UpAndBack, &streets)?;
            for s in w.stops {
                out.insert(s.door, (t.name.clone(), s.rank));
            }
        }
        Ok(out)
    }
}

/// Orders a turf's doors.
fn order(
    turf: String,
    doors: &[StoredDoor],
    mode: WalkMode,
    set: Option<(f64, f64)>,
    streets: &StreetIndex,
) -> TurfWalk {
    let walk_doors: Vec<WalkDoor> = doors
        .iter()
        .map(|d| WalkDoor {
            point: (d.point.x(), d.point.y()),
            street: d.street.clone(),
            housenumber: d.housenumber,
            suffix: d.suffix.clone(),
        })
        .collect();
    let near = streets.near(&walk_doors);
    let start = set.or_else(|| walk::default_start(&walk_doors));
    let walked = walk::walk(&walk_doors, &near, mode, start);
    let indices: Vec<usize> = walked.iter().map(|s| s.door).collect();
    let length_m = walk::walk_length(&walk_doors, &indices);
    let stops = walked
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let d = &doors[s.door];
            WalkStop {
                rank: k + 1,
                door: d.uuid.clone(),
                address: d.address.clone(),
                street: d.street.clone(),
                housenumber: d.housenumber,
                suffix: d.suffix.clone(),
                unit: d.unit.clone(),
                side: s.side,
                households: d.households,
                point: (d.point.x(), d.point.y()),
            }
        })
        .collect();
    TurfWalk {
        turf,
        mode,
        meeting_point: start,
        meeting_point_set: set.is_some(),
        along_streets: !near.is_empty(),
        stops,
        length_m,
    }
}

//! The auto-cut in the campaign file: the free precincts and their doors cut into turfs of
//! about a door target (`domain::autocut`), in one transaction.

use rusqlite::params;

use super::{name_taken, refresh_turf};
use crate::domain::name::clean_name;
use crate::domain::turf;
use crate::store::settings::voters_per_household;
use crate::store::{Campaign, StoreError, gpkg};

/// What an auto-cut made.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct AutocutReport {
    /// Turfs created.
    pub turfs: usize,
    /// Precincts cut.
    pub precincts: usize,
    /// Precincts left out because they are already in a turf.
    pub already_in_turfs: Vec<String>,
    /// Doors (households) in the new turfs.
    pub doors: i64,
    /// Turf sizes, smallest and largest.
    pub smallest: i64,
    /// The largest turf.
    pub largest: i64,
    /// Whether the campaign had no precinct outlines and its door points were cut alone.
    pub doors_only: bool,
    /// Whether some doors were estimated from registered voters (precincts without door
    /// points), at `voters_per_household`.
    pub estimated: bool,
    /// The voters per household the estimates used.
    pub voters_per_household: f64,
    /// Door points in no precinct and no turf, which a cut of precincts leaves out.
    pub doors_outside: usize,
}

impl Campaign {
    /// Cuts the precincts `within` (all when `None`) that are in no turf yet into turfs of
    /// about `target` doors named "`prefix` 1", "`prefix` 2"…, in one transaction.
    pub fn autocut(
        &mut self,
        target: i64,
        within: Option<&[String]>,
        prefix: &str,
    ) -> Result<AutocutReport, StoreError> {
        use crate::domain::autocut::{CutPrecinct, autocut};
        use geo::InteriorPoint as _;
        // The names made are "PREFIX 12": the prefix is held to a name's rules, with room for
        // the number.
        let prefix = clean_name(prefix, "turf").map_err(|e| self.invalid(&e.to_string()))?;
        if prefix.chars().count() > crate::domain::name::MAX_NAME_CHARS - 8 {
            return Err(self.invalid("the turfs' name prefix is too long"));
        }
        let q = |e| self.err(e);
        let precincts = self.precincts()?;
        if precincts.is_empty() && within.is_none() {
            return self.autocut_doors(target, prefix);
        }
        let (uuids, taken): (Vec<String>, Vec<bool>) = {
            let mut stmt = self
                .conn()
                .prepare(
                    "SELECT uuid, EXISTS (SELECT 1 FROM turf_members m JOIN turfs t ON t.uuid = m.turf_uuid \
                     WHERE m.precinct_uuid = p.uuid AND m.deleted_at IS NULL AND t.deleted_at IS NULL) \
                     FROM precincts p WHERE deleted_at IS NULL ORDER BY fid",
                )
                .map_err(q)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))
                .map_err(q)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(q)?;
            rows.into_iter().unzip()
        };
        let position: std::collections::HashMap<&str, usize> = uuids
            .iter()
            .enumerate()
            .map(|(i, u)| (u.as_str(), i))
            .collect();
        // Door points, tied to their precinct (doors already in a turf are left alone).
        let mut points = Vec::new();
        let mut door_uuids = Vec::new();
        let mut doors_of: Vec<Vec<(usize, i64)>> = vec![Vec::new(); precincts.len()];
        {
            let mut stmt = self
                .conn()
                .prepare(
                    "SELECT d.uuid, d.geom, d.households, d.precinct_uuid FROM doors d \
                     WHERE d.deleted_at IS NULL AND d.precinct_uuid IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM turf_members m WHERE m.door_uuid = d.uuid AND m.deleted_at IS NULL)",
                )
                .map_err(q)?;
            let mut rows = stmt.query([]).map_err(q)?;
            while let Some(row) = rows.next().map_err(q)? {
                let blob: Option<Vec<u8>> = row.get(1).map_err(q)?;
                let Some(geo_types::Geometry::Point(p)) = blob.and_then(|b| gpkg::decode(&b).ok())
                else {
                    continue;
                };
                let precinct: String = row.get(3).map_err(q)?;
                if let Some(&i) = position.get(precinct.as_str()) {
                    doors_of[i].push((points.len(), row.get(2).map_err(q)?));
                    points.push(p);
                    door_uuids.push(row.get::<_, String>(0).map_err(q)?);
                }
            }
        }
        // Where the shapes file gave no registered voters, the latest election's stand in.
        let from_results = self.registered_stand_ins()?;
        let per_household = voters_per_household(self.conn());
        let mut report = AutocutReport::default();
        let mut offered = Vec::new();
        for (i, p) in precincts.iter().enumerate() {
            if within.is_some_and(|w| !w.contains(&p.code)) {
                continue;
            }
            if taken[i] {
                report.already_in_turfs.push(p.code.clone());
                continue;
            }
            let estimated = p
                .registered
                .or_else(|| from_results.get(&p.code).copied())
                .map_or(0, |r| turf::estimated_doors(r, per_household));
            offered.push(CutPrecinct {
                index: i,
                center: p
                    .geometry
                    .interior_point()
                    .unwrap_or_else(|| geo_types::Point::new(0.0, 0.0)),
                doors: std::mem::take(&mut doors_of[i]),
                estimated,
            });
        }
        report.precincts = offered.len();
        if precincts.is_empty() {
            return Err(
                self.invalid("the campaign has no precincts to cut: import precinct shapes first")
            );
        }
        if let Some(w) = within
            && !precincts.iter().any(|p| w.contains(&p.code))
        {
            return Err(self.invalid(&format!(
                "no precinct has the codes given to cut ({})",
                w.join(", ")
            )));
        }
        if offered.is_empty() && !report.already_in_turfs.is_empty() {
            return Err(self.invalid(&format!(
                "all {} precincts asked for are in turfs already: there is nothing left to cut",
                report.already_in_turfs.len()
            )));
        }
        if !offered.is_empty()
            && offered
                .iter()
                .all(|p| p.doors.is_empty() && p.estimated == 0)
        {
            return Err(self.invalid(
                "no door is counted or can be estimated in these precincts: import door points \
                 (doors import), or registered voters (a registered-voters field in the shapes \
                 file, or results with registered voters)",
            ));
        }
        report.estimated = offered
            .iter()
            .any(|p| p.doors.is_empty() && p.estimated > 0);
        report.voters_per_household = per_household;
        report.doors_outside = self
            .conn()
            .query_row(
                "SELECT count(*) FROM doors d WHERE d.deleted_at IS NULL AND d.geom IS NOT NULL \
                 AND d.precinct_uuid IS NULL AND NOT EXISTS (SELECT 1 FROM turf_members m \
                 WHERE m.door_uuid = d.uuid AND m.deleted_at IS NULL)",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(q)?
            .unsigned_abs() as usize;
        let cuts = autocut(&offered, &points, target);
        self.write_cuts(&cuts, prefix, &uuids, &door_uuids, &points, &mut report)?;
        report.smallest = cuts.iter().map(|c| c.size).min().unwrap_or(0);
        report.largest = cuts.iter().map(|c| c.size).max().unwrap_or(0);
        Ok(report)
    }

    /// Writes the turfs of an auto-cut, named "`prefix` N", in one transaction.
    fn write_cuts(
        &mut self,
        cuts: &[crate::domain::autocut::Cut],
        prefix: &str,
        uuids: &[String],
        door_uuids: &[String],
        points: &[geo_types::Point<f64>],
        report: &mut AutocutReport,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            // "Auto 1", "Auto 2"…, skipping numbers a turf already has (an earlier cut).
            let mut number = 0;
            for cut in cuts {
                let turf_uuid = uuid::Uuid::new_v4().to_string();
                let name = loop {
                    number += 1;
                    let name = format!("{} {number}", prefix.trim());
                    if name_taken(tx, "turfs", &name, None).map_err(sql)?.is_none() {
                        break name;
                    }
                };
                tx.execute(
                    "INSERT INTO turfs (uuid, name) VALUES (?1, ?2)",
                    params![turf_uuid, name],
                )
                .map_err(sql)?;
                for &p in &cut.precincts {
                    tx.execute(
                        "INSERT INTO turf_members (uuid, turf_uuid, precinct_uuid) VALUES (?1, ?2, ?3)",
                        params![uuid::Uuid::new_v4().to_string(), turf_uuid, uuids[p]],
                    )
                    .map_err(sql)?;
                }
                for &d in &cut.doors {
                    tx.execute(
                        "INSERT INTO turf_members (uuid, turf_uuid, door_uuid) VALUES (?1, ?2, ?3)",
                        params![uuid::Uuid::new_v4().to_string(), turf_uuid, door_uuids[d]],
                    )
                    .map_err(sql)?;
                }
                if cut.doors.is_empty() {
                    refresh_turf(tx, &turf_uuid).map_err(sql)?;
                } else {
                    // A turf of doors: its outline is their hull.
                    let hull = turf::door_outline(&cut.doors.iter().map(|&d| points[d]).collect::<Vec<_>>());
                    let blob = gpkg::encode_multipolygon(&hull)
                        .map_err(|e| StoreError::Invalid { path: path.clone(), detail: e.to_string() })?;
                    tx.execute(
                        "UPDATE turfs SET geom = ?1, door_count = ?2, doors_estimated = 0 WHERE uuid = ?3",
                        params![blob, cut.size, turf_uuid],
                    )
                    .map_err(sql)?;
                }
                report.turfs += 1;
                report.doors += cut.size;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// The auto-cut of a campaign without precinct outlines: its free door points alone, cut
    /// into compact turfs of about `target` households.
    fn autocut_doors(&mut self, target: i64, prefix: &str) -> Result<AutocutReport, StoreError> {
        use crate::domain::autocut::{CutPrecinct, autocut};
        let q = |e| self.err(e);
        let mut points = Vec::new();
        let mut door_uuids = Vec::new();
        let mut doors = Vec::new();
        {
            let mut stmt = self
                .conn()
                .prepare(
                    "SELECT d.uuid, d.geom, d.households FROM doors d \
                     WHERE d.deleted_at IS NULL AND d.geom IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM turf_members m WHERE m.door_uuid = d.uuid AND m.deleted_at IS NULL) \
                     ORDER BY d.fid",
                )
                .map_err(q)?;
            let mut rows = stmt.query([]).map_err(q)?;
            while let Some(row) = rows.next().map_err(q)? {
                let blob: Vec<u8> = row.get(1).map_err(q)?;
                let Ok(geo_types::Geometry::Point(p)) = gpkg::decode(&blob) else {
                    continue;
                };
                doors.push((points.len(), row.get::<_, i64>(2).map_err(q)?));
                points.push(p);
                door_uuids.push(row.get::<_, String>(0).map_err(q)?);
            }
        }
        if points.is_empty() {
            let all: i64 = self
                .conn()
                .query_row(
                    "SELECT count(*) FROM doors WHERE deleted_at IS NULL AND geom IS NOT NULL",
                    [],
                    |r| r.get(0),
                )
                .map_err(q)?;
            return Err(self.invalid(&if all > 0 {
                format!("all {all} door points are in turfs already: there is nothing left to cut")
            } else {
                "the campaign has no precincts and no door points to cut: import precinct shapes \
                 or door points first"
                    .to_owned()
            }));
        }
        let n = points.len() as f64;
        let center = geo_types::Point::new(
            points.iter().map(|p| p.x()).sum::<f64>() / n,
            points.iter().map(|p| p.y()).sum::<f64>() / n,
        );
        // All the doors as one area: the cut splits it by position into compact turfs.
        let all = CutPrecinct {
            index: 0,
            center,
            doors: doors.clone(),
            estimated: 0,
        };
        let cuts: Vec<crate::domain::autocut::Cut> = autocut(&[all], &points, target)
            .into_iter()
            .map(|mut cut| {
                if cut.precincts.contains(&0) {
                    // Small enough for one turf: all its doors.
                    cut.precincts.clear();
                    cut.doors = doors.iter().map(|d| d.0).collect();
                }
                cut
            })
            .collect();
        let mut report = AutocutReport {
            doors_only: true,
            ..AutocutReport::default()
        };
        self.write_cuts(&cuts, prefix, &[], &door_uuids, &points, &mut report)?;
        report.smallest = cuts.iter().map(|c| c.size).min().unwrap_or(0);
        report.largest = cuts.iter().map(|c| c.size).max().unwrap_or(0);
        Ok(report)
    }
}

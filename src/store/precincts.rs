//! Writing precincts into the campaign file.

use crate::store::NOW;
use std::collections::HashMap;

use geo::BoundingRect as _;
use geo_types::Rect;
use rusqlite::params;

use super::{Campaign, StoreError, gpkg, spatial};
use crate::domain::NewPrecinct;
use crate::progress::{Progress, ProgressFn, Stage};

/// What replacing the precinct layer changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PrecinctChanges {
    /// Codes new to the campaign.
    pub added: usize,
    /// Codes already there, whose geometry and attributes were replaced (their UUID is kept, so
    /// turfs and results still refer to them).
    pub updated: usize,
    /// Codes no longer in the source, tombstoned (marked deleted, not erased).
    pub removed: usize,
}

/// What replacing the precinct layer by a set of codes would remove, and what uses it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RemovalImpact {
    /// Live precincts now.
    pub live: usize,
    /// Codes that would be removed.
    pub removed: Vec<String>,
    /// Of those, the ones in a turf.
    pub in_turfs: Vec<String>,
    /// Of those, the ones with election results.
    pub with_results: Vec<String>,
    /// Of those, the ones with door points.
    pub with_doors: Vec<String>,
}

impl RemovalImpact {
    /// Whether the replacement would destroy work: most precincts gone, or any precinct that
    /// a turf, a result or a door uses.
    #[must_use]
    pub fn destroys_work(&self) -> bool {
        self.removed.len() * 2 > self.live
            || !self.in_turfs.is_empty()
            || !self.with_results.is_empty()
            || !self.with_doors.is_empty()
    }
}

impl Campaign {
    /// What making the precinct layer exactly `codes` would remove, and what uses it.
    pub fn removal_impact(&self, codes: &[&str]) -> Result<RemovalImpact, StoreError> {
        let kept: std::collections::HashSet<&str> = codes.iter().copied().collect();
        let q = |e| self.err(e);
        let mut impact = RemovalImpact::default();
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT code, \
                 EXISTS (SELECT 1 FROM turf_members m JOIN turfs t ON t.uuid = m.turf_uuid \
                   WHERE m.precinct_uuid = p.uuid AND m.deleted_at IS NULL AND t.deleted_at IS NULL), \
                 EXISTS (SELECT 1 FROM results_totals r WHERE r.precinct_code = p.code), \
                 EXISTS (SELECT 1 FROM doors d WHERE d.precinct_uuid = p.uuid AND d.deleted_at IS NULL) \
                 FROM precincts p WHERE deleted_at IS NULL ORDER BY fid",
            )
            .map_err(q)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })
            .map_err(q)?;
        for row in rows {
            let (code, turf, results, doors) = row.map_err(q)?;
            impact.live += 1;
            if kept.contains(code.as_str()) {
                continue;
            }
            if turf {
                impact.in_turfs.push(code.clone());
            }
            if results {
                impact.with_results.push(code.clone());
            }
            if doors {
                impact.with_doors.push(code.clone());
            }
            impact.removed.push(code);
        }
        Ok(impact)
    }

    /// Makes `precincts` the campaign's precinct layer, in one transaction.
    ///
    /// Precincts are matched by code: a known code keeps its UUID and gets the new geometry and
    /// attributes, a new code is added, and a live code missing from `precincts` is tombstoned.
    /// Codes must be unique in `precincts` (importers check this first). If `progress` cancels,
    /// or anything fails, the file is left exactly as it was.
    pub fn replace_precincts(
        &mut self,
        precincts: &[NewPrecinct],
        progress: &mut ProgressFn<'_>,
    ) -> Result<PrecinctChanges, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            spatial::bulk(tx, "precincts", precincts.len(), sql, || {
                let mut known: HashMap<String, (String, bool)> = HashMap::new();
                {
                    // Live codes first, then tombstoned ones that a re-import may bring back.
                    let mut stmt = tx
                        .prepare(
                            "SELECT code, uuid, deleted_at IS NULL FROM precincts \
                         ORDER BY deleted_at IS NULL, updated_at",
                        )
                        .map_err(sql)?;
                    let rows = stmt
                        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))
                        .map_err(sql)?;
                    for row in rows {
                        let (code, uuid, live) = row.map_err(sql)?;
                        known.insert(code, (uuid, live));
                    }
                }
                let mut changes = PrecinctChanges::default();
                let mut extent: Option<Rect<f64>> = None;
                let mut insert = tx
                    .prepare(
                        "INSERT INTO precincts (geom, uuid, code, name, registered, properties) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )
                    .map_err(sql)?;
                let mut update = tx
                    .prepare(&format!(
                        "UPDATE precincts SET geom = ?1, name = ?3, \
                     registered = coalesce(?4, registered), properties = ?5, deleted_at = NULL, \
                     updated_at = {NOW} WHERE uuid = ?2"
                    ))
                    .map_err(sql)?;
                let total = precincts.len();
                let mut seen = HashMap::with_capacity(total);
                let mut uuids: Vec<String> = Vec::with_capacity(total);
                for (i, p) in precincts.iter().enumerate() {
                    if i % 64 == 0
                        && progress(Progress {
                            stage: Stage::Writing,
                            done: i,
                            total,
                        })
                        .is_break()
                    {
                        return Err(StoreError::Cancelled { path: path.clone() });
                    }
                    if let Some(rect) = p.geometry.bounding_rect() {
                        gpkg::extend(&mut extent, rect);
                    }
                    let blob = gpkg::encode_multipolygon(&p.geometry).map_err(|e| {
                        StoreError::Invalid {
                            path: path.clone(),
                            detail: format!("precinct {}: {e}", p.code),
                        }
                    })?;
                    let properties = serde_json::Value::Object(p.properties.clone()).to_string();
                    if seen.insert(p.code.as_str(), i).is_some() {
                        return Err(StoreError::Invalid {
                            path: path.clone(),
                            detail: format!("precinct code {} appears twice", p.code),
                        });
                    }
                    if let Some((uuid, live)) = known.get(&p.code) {
                        update
                            .execute(params![blob, uuid, p.name, p.registered, properties])
                            .map_err(sql)?;
                        uuids.push(uuid.clone());
                        if *live {
                            changes.updated += 1;
                        } else {
                            changes.added += 1;
                        }
                    } else {
                        let uuid = uuid::Uuid::new_v4().to_string();
                        uuids.push(uuid.clone());
                        insert
                            .execute(params![
                                blob,
                                uuid,
                                p.code,
                                p.name,
                                p.registered,
                                properties
                            ])
                            .map_err(sql)?;
                        changes.added += 1;
                    }
                }
                let mut tombstone = tx
                    .prepare(&format!(
                        "UPDATE precincts SET geom = NULL, \
                     deleted_at = {NOW}, \
                     updated_at = {NOW} WHERE uuid = ?1"
                    ))
                    .map_err(sql)?;
                // A removed precinct leaves its turf (a turf emptied so is tombstoned), so no turf
                // keeps a member that is gone.
                let mut leave = tx
                    .prepare(&format!(
                        "UPDATE turf_members SET deleted_at = {NOW}, \
                     updated_at = {NOW} \
                     WHERE precinct_uuid = ?1 AND deleted_at IS NULL RETURNING turf_uuid"
                    ))
                    .map_err(sql)?;
                let mut touched: Vec<String> = Vec::new();
                for (code, (uuid, live)) in &known {
                    if *live && !seen.contains_key(code.as_str()) {
                        tombstone.execute([uuid]).map_err(sql)?;
                        let turfs = leave
                            .query_map([uuid], |r| r.get::<_, String>(0))
                            .map_err(sql)?
                            .collect::<Result<Vec<String>, _>>()
                            .map_err(sql)?;
                        touched.extend(turfs);
                        changes.removed += 1;
                    }
                }
                touched.sort_unstable();
                touched.dedup();
                for turf in &touched {
                    super::turfs::refresh_turf(tx, turf).map_err(sql)?;
                }
                set_extent(tx, "precincts", extent).map_err(sql)?;
                retie_doors(tx, precincts, &uuids).map_err(sql)?;
                if progress(Progress {
                    stage: Stage::Writing,
                    done: total,
                    total,
                })
                .is_break()
                {
                    return Err(StoreError::Cancelled { path: path.clone() });
                }
                Ok(changes)
            })
        })
    }
}

/// Ties every live door to the precinct it now falls in (doors imported before the precincts,
/// or precincts redrawn), and recounts the precincts' doors.
fn retie_doors(
    tx: &rusqlite::Transaction<'_>,
    precincts: &[NewPrecinct],
    uuids: &[String],
) -> rusqlite::Result<()> {
    let doors: Vec<(String, Vec<u8>, Option<String>)> = tx
        .prepare("SELECT uuid, geom, precinct_uuid FROM doors WHERE deleted_at IS NULL AND geom IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if doors.is_empty() {
        return Ok(());
    }
    let geometries: Vec<geo_types::MultiPolygon<f64>> =
        precincts.iter().map(|p| p.geometry.clone()).collect();
    let index = crate::domain::selection::PrecinctIndex::new(&geometries);
    let mut tie = tx.prepare("UPDATE doors SET precinct_uuid = ?2 WHERE uuid = ?1")?;
    for (uuid, blob, was) in doors {
        let Ok(geo_types::Geometry::Point(p)) = gpkg::decode(&blob) else {
            continue;
        };
        let now = index.at(&geometries, p).map(|i| uuids[i].as_str());
        if now != was.as_deref() {
            tie.execute(params![uuid, now])?;
        }
    }
    tx.execute(
        "UPDATE precincts SET doors = (SELECT sum(households) FROM doors \
         WHERE doors.precinct_uuid = precincts.uuid AND doors.deleted_at IS NULL) \
         WHERE deleted_at IS NULL",
        [],
    )?;
    Ok(())
}

/// Records a layer's extent and change time in `gpkg_contents`, as GeoPackage readers expect.
fn set_extent(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    extent: Option<Rect<f64>>,
) -> rusqlite::Result<()> {
    let (min_x, min_y, max_x, max_y) = match extent {
        Some(r) => (
            Some(r.min().x),
            Some(r.min().y),
            Some(r.max().x),
            Some(r.max().y),
        ),
        None => (None, None, None, None),
    };
    tx.execute(
        &format!(
            "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4, \
         last_change = {NOW} WHERE table_name = ?5"
        ),
        params![min_x, min_y, max_x, max_y, table],
    )?;
    Ok(())
}

/// A precinct as stored, for drawing and tables.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPrecinct {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Registered voters, when known.
    pub registered: Option<i64>,
    /// Door points counted in it (`None`: no door points were imported).
    pub doors: Option<i64>,
    /// Its saved priority score.
    pub priority: Option<f64>,
    /// Its outline (longitude/latitude).
    pub geometry: geo_types::MultiPolygon<f64>,
}

impl Campaign {
    /// The live precincts in campaign order (the order of [`Campaign::scoring_data`]).
    pub fn precincts(&self) -> Result<Vec<StoredPrecinct>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT code, name, registered, geom, doors, priority FROM precincts \
                 WHERE deleted_at IS NULL ORDER BY fid",
            )
            .map_err(q)?;
        let mut rows = stmt.query([]).map_err(q)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(q)? {
            let code: String = row.get(0).map_err(q)?;
            let blob = row.get_ref(3).map_err(q)?.as_blob_or_null().ok().flatten();
            if let Some(mp) = blob.and_then(gpkg::decode_polygons) {
                out.push(StoredPrecinct {
                    code,
                    name: row.get(1).map_err(q)?,
                    registered: row.get(2).map_err(q)?,
                    doors: row.get(4).map_err(q)?,
                    priority: row.get(5).map_err(q)?,
                    geometry: mp,
                });
                continue;
            }
            let geometry = match blob.map(gpkg::decode) {
                Some(Ok(geo_types::Geometry::MultiPolygon(mp))) => mp,
                Some(Ok(geo_types::Geometry::Polygon(p))) => geo_types::MultiPolygon(vec![p]),
                Some(Err(e)) => {
                    return Err(StoreError::Invalid {
                        path: self.path().to_path_buf(),
                        detail: format!("precinct {code}: {e}"),
                    });
                }
                _ => geo_types::MultiPolygon(Vec::new()),
            };
            out.push(StoredPrecinct {
                code,
                name: row.get(1).map_err(q)?,
                registered: row.get(2).map_err(q)?,
                doors: row.get(4).map_err(q)?,
                priority: row.get(5).map_err(q)?,
                geometry,
            });
        }
        Ok(out)
    }
}

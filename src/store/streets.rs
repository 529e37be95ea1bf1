//! The streets layer: the campaign's offline street map, replaced by re-importing its extract.

use geo::BoundingRect as _;
use geo_types::{LineString, Rect};
use rusqlite::params;

use super::{Campaign, StoreError, gpkg, spatial};
use crate::domain::street::{RoadClass, Street};

/// What storing streets did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StreetsWritten {
    /// Streets written.
    pub streets: usize,
    /// Streets of an earlier import of the same file replaced.
    pub replaced: usize,
    /// Streets left out because another file brought the same way already.
    pub already_there: usize,
}

impl Campaign {
    /// Stores `streets` from `source` (a file name) in one transaction, replacing the streets
    /// an earlier import of the same file brought; a way another extract brought already (the
    /// same OpenStreetMap id) is not stored twice.
    pub fn replace_streets(
        &mut self,
        streets: &[Street],
        source: &str,
    ) -> Result<StreetsWritten, StoreError> {
        self.replace_streets_with(source, |put| {
            for s in streets {
                put(s)?;
            }
            Ok::<(), StoreError>(())
        })
    }

    /// [`Campaign::replace_streets`] with the streets given one by one to `put` by `fill`, in
    /// the same transaction: an import streams them in without holding them all. When `fill`
    /// fails, nothing is written and its error comes back.
    pub fn replace_streets_with<E: From<StoreError>>(
        &mut self,
        source: &str,
        fill: impl FnOnce(&mut dyn FnMut(&Street) -> Result<(), StoreError>) -> Result<(), E>,
    ) -> Result<StreetsWritten, E> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        let invalid = |e: gpkg::BlobError| StoreError::Invalid {
            path: path.clone(),
            detail: e.to_string(),
        };
        let mut failed: Option<E> = None;
        let result = self.write(|tx| {
            // Streamed: how many come is not known before; a rebuild of the index costs about
            // what reading the streets costs.
            spatial::bulk(tx, "streets", usize::MAX, sql, || {
                let replaced = tx
                    .execute("DELETE FROM streets WHERE source = ?1", [source])
                    .map_err(sql)?;
                let others: std::collections::HashSet<i64> = tx
                    .prepare("SELECT osm_id FROM streets WHERE osm_id IS NOT NULL")
                    .map_err(sql)?
                    .query_map([], |r| r.get(0))
                    .map_err(sql)?
                    .collect::<Result<_, _>>()
                    .map_err(sql)?;
                let mut insert = tx
                    .prepare(
                        "INSERT INTO streets (geom, name, highway, osm_id, source) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    )
                    .map_err(sql)?;
                let mut written = StreetsWritten {
                    replaced,
                    ..StreetsWritten::default()
                };
                let mut extent: Option<Rect<f64>> = None;
                let mut put = |s: &Street| -> Result<(), StoreError> {
                    if s.osm_id.is_some_and(|id| others.contains(&id)) {
                        written.already_there += 1;
                        return Ok(());
                    }
                    let line = LineString(s.points.clone());
                    let blob = gpkg::encode_linestring(&line).map_err(invalid)?;
                    if let Some(r) = line.bounding_rect() {
                        gpkg::extend(&mut extent, r);
                    }
                    insert
                        .execute(params![blob, s.name, s.highway, s.osm_id, source])
                        .map_err(sql)?;
                    written.streets += 1;
                    Ok(())
                };
                if let Err(e) = fill(&mut put) {
                    failed = Some(e);
                    // Rolled back: nothing of a failed or cancelled read is kept.
                    return Err(StoreError::Cancelled { path: path.clone() });
                }
                if let Some(r) = extent {
                    gpkg::grow_extent(tx, "streets", r).map_err(sql)?;
                }
                Ok(written)
            })
        });
        match (result, failed) {
            (_, Some(e)) => Err(e),
            (Ok(w), None) => Ok(w),
            (Err(e), None) => Err(e.into()),
        }
    }

    /// Every street of the street map.
    pub fn streets(&self) -> Result<Vec<Street>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare("SELECT geom, name, highway, osm_id FROM streets WHERE geom IS NOT NULL ORDER BY fid")
            .map_err(q)?;
        let mut rows = stmt.query([]).map_err(q)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(q)? {
            let blob: Vec<u8> = r.get(0).map_err(q)?;
            let highway: String = r.get(2).map_err(q)?;
            let Ok(geo_types::Geometry::LineString(line)) = gpkg::decode(&blob) else {
                continue;
            };
            if line.0.len() < 2 {
                continue;
            }
            out.push(Street {
                name: r.get(1).map_err(q)?,
                class: RoadClass::of_highway(&highway).unwrap_or(RoadClass::Residential),
                highway,
                points: line.0,
                osm_id: r.get(3).map_err(q)?,
            });
        }
        Ok(out)
    }

    /// How many streets the street map has.
    pub fn street_count(&self) -> Result<usize, StoreError> {
        self.conn()
            .query_row("SELECT count(*) FROM streets", [], |r| r.get::<_, i64>(0))
            .map(|n| n.unsigned_abs() as usize)
            .map_err(|e| self.err(e))
    }

    /// The extent of what the campaign holds (precincts, doors, turfs), from the layers'
    /// declared extents; `None` for a campaign with nothing in it.
    pub fn content_extent(&self) -> Result<Option<Rect<f64>>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents \
                 WHERE table_name IN ('precincts', 'doors', 'turfs') AND min_x IS NOT NULL",
            )
            .map_err(|e| self.err(e))?;
        let rows: Vec<(f64, f64, f64, f64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        let mut acc: Option<Rect<f64>> = None;
        for (a, b, c, d) in rows {
            if [a, b, c, d].iter().all(|v| v.is_finite()) {
                gpkg::extend(
                    &mut acc,
                    Rect::new(
                        geo_types::Coord { x: a, y: b },
                        geo_types::Coord { x: c, y: d },
                    ),
                );
            }
        }
        Ok(acc)
    }
}

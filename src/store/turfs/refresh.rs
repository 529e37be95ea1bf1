//! A turf's outline and figures, refreshed after its members changed.

use crate::store::NOW;
use rusqlite::params;

use super::history::tombstone_assignments;
use super::members;
use crate::domain::turf;
use crate::store::gpkg;
use crate::store::settings::voters_per_household;

/// Refreshes a turf's outline and figures after its members changed, or tombstones it (and
/// its assignments) when it has none left.
pub(in crate::store) fn refresh_turf(
    tx: &rusqlite::Transaction<'_>,
    uuid: &str,
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT p.geom FROM turf_members m JOIN precincts p ON p.uuid = m.precinct_uuid \
         WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND p.deleted_at IS NULL",
    )?;
    let outlines: Vec<geo_types::MultiPolygon<f64>> = stmt
        .query_map([uuid], |r| r.get::<_, Option<Vec<u8>>>(0))?
        .filter_map(|b| b.ok().flatten().and_then(|b| gpkg::decode_polygons(&b)))
        .collect();
    drop(stmt);
    if outlines.is_empty() {
        // A turf of doors: its outline is their hull, its count their households.
        let mut doors = tx.prepare_cached(
            "SELECT d.geom, d.households FROM turf_members m JOIN doors d ON d.uuid = m.door_uuid \
             WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND d.deleted_at IS NULL",
        )?;
        let rows: Vec<(Option<Vec<u8>>, i64)> = doors
            .query_map([uuid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(doors);
        let points: Vec<geo_types::Point<f64>> = rows
            .iter()
            .filter_map(|(b, _)| match b.as_deref().map(gpkg::decode) {
                Some(Ok(geo_types::Geometry::Point(p))) => Some(p),
                _ => None,
            })
            .collect();
        if !points.is_empty() {
            let blob = gpkg::encode_multipolygon(&turf::door_outline(&points))
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            let households: i64 = rows.iter().map(|r| r.1).sum();
            tx.execute(
                &format!(
                    "UPDATE turfs SET geom = ?1, door_count = ?2, doors_estimated = 0, \
                 updated_at = {NOW} WHERE uuid = ?3"
                ),
                params![blob, households, uuid],
            )?;
            return Ok(());
        }
    }
    if outlines.is_empty() {
        // A tombstone keeps its identity for merges but no geometry, so GIS tools that read the
        // layer draw nothing for it.
        tx.execute(
            &format!(
                "UPDATE turfs SET geom = NULL, deleted_at = {NOW}, \
             updated_at = {NOW} WHERE uuid = ?1"
            ),
            [uuid],
        )?;
        return tombstone_assignments(tx, "turf_uuid", uuid);
    }
    let refs: Vec<&geo_types::MultiPolygon<f64>> = outlines.iter().collect();
    let outline = turf::outline(&refs);
    let (_, figures) = members(tx, uuid)?;
    let stats = turf::stats(&figures, &outline, voters_per_household(tx));
    let blob = gpkg::encode_multipolygon(&outline)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.execute(
        &format!(
            "UPDATE turfs SET geom = ?1, door_count = ?2, doors_estimated = ?3, \
         updated_at = {NOW} WHERE uuid = ?4"
        ),
        params![blob, stats.doors, stats.doors_estimated, uuid],
    )?;
    let mut extent: Option<geo_types::Rect<f64>> = None;
    let mut all = tx.prepare_cached("SELECT geom FROM turfs WHERE deleted_at IS NULL")?;
    for blob in all.query_map([], |r| r.get::<_, Option<Vec<u8>>>(0))? {
        if let Some(r) = blob?.as_deref().and_then(gpkg::blob_envelope) {
            gpkg::extend(&mut extent, r);
        }
    }
    if let Some(r) = extent {
        tx.execute(
            &format!(
                "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4, \
             last_change = {NOW} WHERE table_name = 'turfs'"
            ),
            params![r.min().x, r.min().y, r.max().x, r.max().y],
        )?;
    }
    Ok(())
}

//! The GeoPackage R-tree spatial index (`gpkg_rtree_index`, GeoPackage 1.2 §F.3): the SQL
//! functions its triggers call, registered on every connection that writes a campaign.
//!
//! Each feature layer (precincts, turfs, doors, streets) has an `rtree_<table>_geom` virtual
//! table kept true by the triggers of `sql/v9.sql`, which call `ST_MinX`, `ST_MaxX`, `ST_MinY`,
//! `ST_MaxY` and `ST_IsEmpty` on the geometry blobs. GDAL and QGIS register their own; a
//! connection of ours registers these before it writes, or the triggers fail with "no such
//! function". Reading needs none of them.

use geo::BoundingRect as _;
use geo_types::Rect;
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use super::gpkg;

/// The flags of a blob header saying the geometry is empty.
const EMPTY: u8 = 0b1_0000;

/// Registers the `ST_*` functions the R-tree triggers call on `conn`.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ST_IsEmpty", 1, flags, |ctx| {
        Ok(blob(ctx).map(|b| i64::from(is_empty(b))))
    })?;
    for (name, pick) in [
        ("ST_MinX", 0_usize),
        ("ST_MaxX", 1),
        ("ST_MinY", 2),
        ("ST_MaxY", 3),
    ] {
        conn.create_scalar_function(name, 1, flags, move |ctx| {
            Ok(blob(ctx).and_then(bounds).map(|r| match pick {
                0 => r.min().x,
                1 => r.max().x,
                2 => r.min().y,
                _ => r.max().y,
            }))
        })?;
    }
    Ok(())
}

/// The blob argument, `None` for NULL or anything else.
fn blob<'a>(ctx: &'a Context<'_>) -> Option<&'a [u8]> {
    match ctx.get_raw(0) {
        ValueRef::Blob(b) => Some(b),
        _ => None,
    }
}

/// Whether a blob holds an empty geometry (or is no GeoPackage blob at all).
fn is_empty(blob: &[u8]) -> bool {
    blob.len() < 8 || &blob[..2] != b"GP" || blob[3] & EMPTY != 0
}

/// A geometry's bounds: the header's envelope when it has one, a point read straight from its
/// WKB (points carry none), else the decoded geometry's.
#[must_use]
pub fn bounds(blob: &[u8]) -> Option<Rect<f64>> {
    if is_empty(blob) {
        return None;
    }
    if let Some(r) = gpkg::blob_envelope(blob) {
        return Some(r);
    }
    if let Some((x, y)) = wkb_point(blob) {
        return Some(Rect::new((x, y), (x, y)));
    }
    gpkg::decode(blob).ok()?.bounding_rect()
}

/// The coordinates of a WKB point after a header without envelope.
fn wkb_point(blob: &[u8]) -> Option<(f64, f64)> {
    let wkb = blob.get(8..)?;
    let little = *wkb.first()? == 1;
    let word: [u8; 4] = wkb.get(1..5)?.try_into().ok()?;
    let kind = if little {
        u32::from_le_bytes(word)
    } else {
        u32::from_be_bytes(word)
    };
    if kind != 1 {
        return None;
    }
    let read = |at: usize| -> Option<f64> {
        let bytes: [u8; 8] = wkb.get(at..at + 8)?.try_into().ok()?;
        Some(if little {
            f64::from_le_bytes(bytes)
        } else {
            f64::from_be_bytes(bytes)
        })
    };
    Some((read(5)?, read(13)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Point, line_string, polygon};

    #[test]
    fn the_functions_give_the_bounds_of_points_lines_and_polygons_and_null_for_null() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let point = gpkg::encode_point(Point::new(2.35, 48.85)).unwrap();
        let line =
            gpkg::encode_linestring(&line_string![(x: 1.0, y: 2.0), (x: 3.0, y: -1.0)]).unwrap();
        let square = gpkg::encode_multipolygon(&geo_types::MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 5.0), (x: 0.0, y: 5.0)
        ]]))
        .unwrap();
        let ask = |blob: &[u8]| -> (f64, f64, f64, f64, i64) {
            conn.query_row(
                "SELECT ST_MinX(?1), ST_MaxX(?1), ST_MinY(?1), ST_MaxY(?1), ST_IsEmpty(?1)",
                [blob],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap()
        };
        assert_eq!(ask(&point), (2.35, 2.35, 48.85, 48.85, 0));
        assert_eq!(ask(&line), (1.0, 3.0, -1.0, 2.0, 0));
        assert_eq!(ask(&square), (0.0, 4.0, 0.0, 5.0, 0));
        let null: Option<f64> = conn
            .query_row("SELECT ST_MinX(NULL)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(null, None);
    }
}

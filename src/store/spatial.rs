//! The GeoPackage R-tree spatial index (`gpkg_rtree_index`, GeoPackage 1.2 §F.3): each feature
//! layer's `rtree_<table>_geom` table, its triggers, the SQL functions they call, and a bulk
//! loader for writes of many features.
//!
//! The triggers (the specification's, as GDAL 3.6 writes them) call `ST_MinX`, `ST_MaxX`,
//! `ST_MinY`, `ST_MaxY` and `ST_IsEmpty` on the geometry blobs. GDAL and QGIS register their
//! own; a connection of ours registers these before it writes ([`register`]), or the triggers
//! fail with "no such function". Reading needs none of them.
//!
//! A trigger inserts one box at a time into SQLite's R*-tree: two million doors took 31 s more
//! that way. A write of many features ([`bulk`]) drops the layer's triggers, writes, and builds
//! the index again from every row, packed bottom-up in sort-tile-recursive order straight into
//! the R-tree's own tables (as GDAL's bulk loader does), then puts the triggers back, all in the
//! caller's transaction.

use geo::BoundingRect as _;
use geo_types::Rect;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Transaction, params};

use super::gpkg;

/// Registers the `ST_*` functions the R-tree triggers call on `conn`.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ST_IsEmpty", 1, flags, |ctx| {
        Ok(blob(ctx).map(|b| i64::from(gpkg::blob_is_empty(b))))
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

/// The feature layers of a campaign, each with an R-tree on its `geom` column (primary key
/// `fid`).
pub const LAYERS: [&str; 4] = ["precincts", "turfs", "doors", "streets"];

/// Below this many rows written, the triggers keep the index (a rebuild reads every row).
const BULK_FROM: usize = 20_000;

/// The triggers of the specification that keep `rtree_<table>_geom` true (annex F.3, the
/// `update1`–`update4` form GDAL's validator asks for).
fn triggers(table: &str) -> String {
    let boxed =
        "NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)";
    let rtree = format!("rtree_{table}_geom");
    [
        format!(
            "CREATE TRIGGER {rtree}_insert AFTER INSERT ON {table}
               WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
             BEGIN INSERT OR REPLACE INTO {rtree} VALUES ({boxed}); END;"
        ),
        format!(
            "CREATE TRIGGER {rtree}_update1 AFTER UPDATE OF geom ON {table}
               WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
             BEGIN INSERT OR REPLACE INTO {rtree} VALUES ({boxed}); END;"
        ),
        format!(
            "CREATE TRIGGER {rtree}_update2 AFTER UPDATE OF geom ON {table}
               WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
             BEGIN DELETE FROM {rtree} WHERE id = OLD.fid; END;"
        ),
        format!(
            "CREATE TRIGGER {rtree}_update3 AFTER UPDATE OF geom ON {table}
               WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
             BEGIN
               DELETE FROM {rtree} WHERE id = OLD.fid;
               INSERT OR REPLACE INTO {rtree} VALUES ({boxed});
             END;"
        ),
        format!(
            "CREATE TRIGGER {rtree}_update4 AFTER UPDATE ON {table}
               WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
             BEGIN DELETE FROM {rtree} WHERE id IN (OLD.fid, NEW.fid); END;"
        ),
        format!(
            "CREATE TRIGGER {rtree}_delete AFTER DELETE ON {table}
               WHEN old.geom NOT NULL
             BEGIN DELETE FROM {rtree} WHERE id = OLD.fid; END;"
        ),
    ]
    .concat()
}

/// The names of a layer's triggers.
pub(super) const TRIGGERS: [&str; 6] = [
    "insert", "update1", "update2", "update3", "update4", "delete",
];

/// Gives `table` its R-tree: the index table filled from the rows stored, the triggers, and its
/// row in `gpkg_extensions` (schema version 9).
pub(crate) fn create_index(tx: &Transaction<'_>, table: &str) -> rusqlite::Result<()> {
    tx.execute_batch(&format!(
        "CREATE VIRTUAL TABLE rtree_{table}_geom USING rtree(id, minx, maxx, miny, maxy);"
    ))?;
    tx.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
         VALUES (?1, 'geom', 'gpkg_rtree_index',
                 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        [table],
    )?;
    load(tx, table)?;
    tx.execute_batch(&triggers(table))
}

/// Runs `write`, a write of about `rows` features of `table`: with the triggers when few, else
/// with them dropped and the index built again afterwards (see the module). `sql` words a
/// SQLite error as the caller's.
pub(crate) fn bulk<T, E>(
    tx: &Transaction<'_>,
    table: &str,
    rows: usize,
    sql: impl Fn(rusqlite::Error) -> E,
    write: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    bulk_known(tx, table, rows, sql, || write().map(|done| (done, None)))
}

/// [`bulk`], where `write` may also give every point the table holds after it (fid, point):
/// the index is then packed from them without reading the table back (two million doors
/// imported into a layer that had none).
pub(crate) fn bulk_known<T, E>(
    tx: &Transaction<'_>,
    table: &str,
    rows: usize,
    sql: impl Fn(rusqlite::Error) -> E,
    write: impl FnOnce() -> Result<(T, Option<Vec<(i64, [f64; 2])>>), E>,
) -> Result<T, E> {
    if rows < BULK_FROM {
        return write().map(|(done, _)| done);
    }
    for name in TRIGGERS {
        tx.execute_batch(&format!("DROP TRIGGER rtree_{table}_geom_{name};"))
            .map_err(&sql)?;
    }
    let (done, points) = write()?;
    tx.execute_batch(&format!(
        "DROP TABLE rtree_{table}_geom;
         CREATE VIRTUAL TABLE rtree_{table}_geom USING rtree(id, minx, maxx, miny, maxy);"
    ))
    .map_err(&sql)?;
    let entries = match points {
        Some(points) => points
            .into_iter()
            .map(|(fid, [x, y])| (fid, index_box(Rect::new((x, y), (x, y)))))
            .collect(),
        None => read_entries(tx, table).map_err(&sql)?,
    };
    pack_into(tx, table, entries).map_err(&sql)?;
    tx.execute_batch(&triggers(table)).map_err(&sql)?;
    Ok(done)
}

/// Whether `table` holds no geometry at all (a write into it may then give its points to
/// [`bulk_known`]).
pub(crate) fn holds_no_geometry(tx: &Transaction<'_>, table: &str) -> rusqlite::Result<bool> {
    tx.query_row(
        &format!("SELECT NOT EXISTS (SELECT 1 FROM {table} WHERE geom IS NOT NULL)"),
        [],
        |r| r.get(0),
    )
}

/// One entry of a node: a feature's fid (in a leaf) or a child node's index (above), and its
/// box as the R-tree keeps it (32-bit floats, rounded outwards).
type Entry = (i64, [f32; 4]);

/// Fills the empty `rtree_<table>_geom` from every row of `table`, node by node.
fn load(tx: &Transaction<'_>, table: &str) -> rusqlite::Result<()> {
    let entries = read_entries(tx, table)?;
    pack_into(tx, table, entries)
}

/// Every row's box, read from `table`.
fn read_entries(tx: &Transaction<'_>, table: &str) -> rusqlite::Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    {
        let mut stmt = tx.prepare(&format!(
            "SELECT fid, geom FROM {table} WHERE geom IS NOT NULL"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let ValueRef::Blob(blob) = row.get_ref(1)? else {
                continue;
            };
            if let Some(r) = bounds(blob) {
                entries.push((row.get(0)?, index_box(r)));
            }
        }
    }
    Ok(entries)
}

/// Writes `entries` into the empty `rtree_<table>_geom`, node by node.
fn pack_into(tx: &Transaction<'_>, table: &str, entries: Vec<Entry>) -> rusqlite::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let node_size: i64 = tx.query_row(
        &format!("SELECT length(data) FROM rtree_{table}_geom_node WHERE nodeno = 1"),
        [],
        |r| r.get(0),
    )?;
    let node_size = usize::try_from(node_size).unwrap_or(0).max(4 + 2 * CELL);
    let capacity = ((node_size - 4) / CELL).max(2);
    // Levels of nodes, leaves first; each node is its entries (fids, or child indexes in the
    // level below).
    let mut levels: Vec<Vec<Vec<Entry>>> = vec![pack(entries, capacity)];
    while levels.last().map_or(0, Vec::len) > 1 {
        let below = levels.last().map_or(&[][..], Vec::as_slice);
        let boxes: Vec<Entry> = below
            .iter()
            .enumerate()
            .map(|(i, node)| (i as i64, cover(node)))
            .collect();
        levels.push(pack(boxes, capacity));
    }
    // Node numbers: the root is 1, the others follow level by level from the top.
    let mut first_number = vec![0_i64; levels.len()];
    let mut next = 1;
    for (depth, level) in levels.iter().enumerate().rev() {
        first_number[depth] = next;
        next += level.len() as i64;
    }
    let depth = levels.len() - 1;
    let mut put_node = tx.prepare(&format!(
        "INSERT OR REPLACE INTO rtree_{table}_geom_node (nodeno, data) VALUES (?1, ?2)"
    ))?;

    let mut put_parent = tx.prepare(&format!(
        "INSERT INTO rtree_{table}_geom_parent (nodeno, parentnode) VALUES (?1, ?2)"
    ))?;
    let mut data = vec![0_u8; node_size];
    for (level_depth, level) in levels.iter().enumerate() {
        for (i, node) in level.iter().enumerate() {
            let number = first_number[level_depth] + i as i64;
            data.fill(0);
            if number == 1 {
                data[..2].copy_from_slice(&u16::try_from(depth).unwrap_or(u16::MAX).to_be_bytes());
            }
            data[2..4]
                .copy_from_slice(&u16::try_from(node.len()).unwrap_or(u16::MAX).to_be_bytes());
            if level_depth == 0 {
                // A leaf's features in one statement (one a feature took a second at two
                // million doors).
                let mut put_rowids = tx.prepare_cached(&format!(
                    "INSERT INTO rtree_{table}_geom_rowid (rowid, nodeno) VALUES {}",
                    vec!["(?, ?)"; node.len()].join(", ")
                ))?;
                for (k, (id, _)) in node.iter().enumerate() {
                    put_rowids.raw_bind_parameter(2 * k + 1, id)?;
                    put_rowids.raw_bind_parameter(2 * k + 2, number)?;
                }
                put_rowids.raw_execute()?;
            }
            for (k, (id, b)) in node.iter().enumerate() {
                let at = 4 + k * CELL;
                let id = if level_depth == 0 {
                    *id
                } else {
                    let child = first_number[level_depth - 1] + id;
                    put_parent.execute(params![child, number])?;
                    child
                };
                data[at..at + 8].copy_from_slice(&id.to_be_bytes());
                for (c, v) in b.iter().enumerate() {
                    data[at + 8 + c * 4..at + 12 + c * 4]
                        .copy_from_slice(&v.to_bits().to_be_bytes());
                }
            }
            put_node.execute(params![number, &data])?;
        }
    }
    Ok(())
}

/// Bytes of one cell: an 8-byte id and four 4-byte floats.
const CELL: usize = 8 + 4 * 4;

/// Packs entries into nodes of at most `capacity` in sort-tile-recursive order: sorted by the
/// centre's x into vertical slices, each sorted by y and cut into nodes.
fn pack(mut entries: Vec<Entry>, capacity: usize) -> Vec<Vec<Entry>> {
    let nodes = entries.len().div_ceil(capacity);
    let slices = (nodes as f64).sqrt().ceil().max(1.0) as usize;
    let per_slice = capacity * nodes.div_ceil(slices);
    let centre = |b: &[f32; 4], axis: usize| b[axis * 2] + b[axis * 2 + 1];
    entries.sort_unstable_by(|a, b| centre(&a.1, 0).total_cmp(&centre(&b.1, 0)));
    let mut out = Vec::with_capacity(nodes);
    for slice in entries.chunks_mut(per_slice) {
        slice.sort_unstable_by(|a, b| centre(&a.1, 1).total_cmp(&centre(&b.1, 1)));
        out.extend(slice.chunks(capacity).map(<[Entry]>::to_vec));
    }
    out
}

/// The box covering a node's entries.
fn cover(node: &[Entry]) -> [f32; 4] {
    node.iter().fold(
        [
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ],
        |a, (_, b)| {
            [
                a[0].min(b[0]),
                a[1].max(b[1]),
                a[2].min(b[2]),
                a[3].max(b[3]),
            ]
        },
    )
}

/// A box as the R-tree keeps it: `[minx, maxx, miny, maxy]` in 32-bit floats rounded outwards.
fn index_box(r: Rect<f64>) -> [f32; 4] {
    let (min, max) = (r.min(), r.max());
    [down(min.x), up(max.x), down(min.y), up(max.y)]
}

/// `value` as a 32-bit float no greater than it (SQLite's R-tree rounds minima down).
fn down(value: f64) -> f32 {
    #[allow(clippy::cast_possible_truncation)]
    let f = value as f32;
    if f64::from(f) > value {
        f.next_down()
    } else {
        f
    }
}

/// `value` as a 32-bit float no less than it (maxima are rounded up).
fn up(value: f64) -> f32 {
    #[allow(clippy::cast_possible_truncation)]
    let f = value as f32;
    if f64::from(f) < value { f.next_up() } else { f }
}

/// The blob argument, `None` for NULL or anything else.
fn blob<'a>(ctx: &'a Context<'_>) -> Option<&'a [u8]> {
    match ctx.get_raw(0) {
        ValueRef::Blob(b) => Some(b),
        _ => None,
    }
}

/// A geometry's bounds: the header's envelope when it has one, a point read straight from its
/// WKB (points carry none), else the decoded geometry's.
#[must_use]
pub fn bounds(blob: &[u8]) -> Option<Rect<f64>> {
    if gpkg::blob_is_empty(blob) {
        return None;
    }
    if let Some(r) = gpkg::blob_envelope(blob) {
        return Some(r);
    }
    if let Some(p) = gpkg::read_point(blob) {
        return Some(Rect::new(p.0, p.0));
    }
    gpkg::decode(blob).ok()?.bounding_rect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Point, line_string, polygon};

    fn layer(conn: &mut Connection, points: usize) -> Transaction<'_> {
        register(conn).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(
            "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, \
             extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL); \
             CREATE TABLE doors (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB);",
        )
        .unwrap();
        add_points(&tx, 0, points);
        tx
    }

    fn add_points(tx: &Transaction<'_>, from: usize, count: usize) {
        let mut put = tx.prepare("INSERT INTO doors (geom) VALUES (?1)").unwrap();
        for i in from..from + count {
            let (x, y) = (
                ((i * 7919) % 1000) as f64 * 0.01,
                ((i * 104_729) % 997) as f64 * 0.01,
            );
            put.execute([gpkg::encode_point(Point::new(x, y)).unwrap()])
                .unwrap();
        }
    }

    /// SQLite's own check of an R-tree's structure, and windows read through it against a scan.
    fn check(tx: &Transaction<'_>) {
        let verdict: String = tx
            .query_row("SELECT rtreecheck('rtree_doors_geom')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(verdict, "ok");
        // Bounds between the points' hundredths: the index keeps 32-bit floats.
        for (x0, y0, x1, y1) in [
            (-0.005, -0.005, 1.005, 1.005),
            (2.505, 3.005, 7.005, 4.205),
            (-1.0, -1.0, 11.0, 11.0),
        ] {
            let through: i64 = tx
                .query_row(
                    "SELECT count(*) FROM rtree_doors_geom WHERE minx >= ?1 AND maxx <= ?3 \
                     AND miny >= ?2 AND maxy <= ?4",
                    params![x0, y0, x1, y1],
                    |r| r.get(0),
                )
                .unwrap();
            let scanned: i64 = tx
                .query_row(
                    "SELECT count(*) FROM doors WHERE ST_MinX(geom) BETWEEN ?1 AND ?3 \
                     AND ST_MinY(geom) BETWEEN ?2 AND ?4",
                    params![x0, y0, x1, y1],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(through, scanned, "window {x0} {y0} {x1} {y1}");
        }
    }

    #[test]
    fn an_index_packed_from_many_rows_passes_sqlite_s_check_and_finds_what_a_scan_finds() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = layer(&mut conn, 30_000);
        create_index(&tx, "doors").unwrap();
        check(&tx);
        // The triggers keep it true afterwards.
        add_points(&tx, 30_000, 10);
        tx.execute("DELETE FROM doors WHERE fid % 3 = 0", [])
            .unwrap();
        check(&tx);
        // A bulk write drops them, rebuilds the index, and puts them back.
        let written: Result<(), rusqlite::Error> = bulk(
            &tx,
            "doors",
            25_000,
            |e| e,
            || {
                add_points(&tx, 40_000, 25_000);
                Ok(())
            },
        );
        written.unwrap();
        check(&tx);
        let triggers: i64 = tx
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' \
                 AND name LIKE 'rtree_doors_geom_%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 6);
        add_points(&tx, 70_000, 5);
        check(&tx);
        // An empty layer and a one-node layer.
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = layer(&mut conn, 0);
        create_index(&tx, "doors").unwrap();
        add_points(&tx, 0, 3);
        check(&tx);
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = layer(&mut conn, 40);
        create_index(&tx, "doors").unwrap();
        check(&tx);
    }

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

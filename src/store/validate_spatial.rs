//! Checking the layers' R-tree spatial indexes against their features, for `validate`: another
//! program may write past the triggers (or drop them).

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::spatial::{LAYERS, TRIGGERS, bounds};

/// What is wrong with the layers' R-trees, each said in a sentence: an index, trigger or
/// extension row missing, SQLite's own check of the tree failing, features missing from it,
/// rows of it with no feature, or boxes that are not their feature's (another program wrote
/// past the triggers). Reads only.
pub(super) fn index_problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut problems = Vec::new();
    let exists = |kind: &str, name: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2)",
            [kind, name],
            |r| r.get(0),
        )
    };
    for table in LAYERS {
        let rtree = format!("rtree_{table}_geom");
        if !exists("table", &rtree)? {
            problems.push(format!("{table}: its spatial index ({rtree}) is missing"));
            continue;
        }
        for name in TRIGGERS {
            if !exists("trigger", &format!("{rtree}_{name}"))? {
                problems.push(format!(
                    "{table}: the spatial index's trigger {rtree}_{name} is missing, so edits \
                     no longer reach the index"
                ));
            }
        }
        let declared: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = ?1 \
             AND column_name = 'geom' AND extension_name = 'gpkg_rtree_index')",
            [table],
            |r| r.get(0),
        )?;
        if !declared {
            problems.push(format!(
                "{table}: gpkg_extensions does not declare its spatial index"
            ));
        }
        let verdict: String =
            conn.query_row(&format!("SELECT rtreecheck('{rtree}')"), [], |r| r.get(0))?;
        if verdict != "ok" {
            let first = verdict.lines().next().unwrap_or_default();
            problems.push(format!("{table}: its spatial index is damaged: {first}"));
        }
        let (mut missing, mut wrong) = (0_usize, 0_usize);
        let mut stmt = conn.prepare(&format!(
            "SELECT m.geom, r.minx, r.maxx, r.miny, r.maxy FROM {table} m \
             LEFT JOIN {rtree} r ON r.id = m.fid WHERE m.geom IS NOT NULL"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let ValueRef::Blob(blob) = row.get_ref(0)? else {
                continue;
            };
            let Some(b) = bounds(blob) else {
                continue;
            };
            let Some(minx) = row.get::<_, Option<f64>>(1)? else {
                missing += 1;
                continue;
            };
            // The index keeps 32-bit floats rounded outwards (by SQLite's rounding or by
            // `down` and `up`, which may differ by a step): a box must hold its feature and
            // lie within a few steps of it.
            let stored = [
                minx,
                row.get::<_, f64>(2)?,
                row.get::<_, f64>(3)?,
                row.get::<_, f64>(4)?,
            ];
            let (min, max) = (b.min(), b.max());
            let near = |kept: f64, exact: f64| {
                (kept - exact).abs()
                    <= exact.abs() * 4.0 * f64::from(f32::EPSILON) + f64::from(f32::MIN_POSITIVE)
            };
            let holds = stored[0] <= min.x
                && stored[1] >= max.x
                && stored[2] <= min.y
                && stored[3] >= max.y;
            let close = near(stored[0], min.x)
                && near(stored[1], max.x)
                && near(stored[2], min.y)
                && near(stored[3], max.y);
            if !(holds && close) {
                wrong += 1;
            }
        }
        let orphans: i64 = conn.query_row(
            &format!(
                "SELECT count(*) FROM {rtree} r WHERE NOT EXISTS \
                 (SELECT 1 FROM {table} m WHERE m.fid = r.id AND m.geom IS NOT NULL)"
            ),
            [],
            |r| r.get(0),
        )?;
        let counted = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        if missing > 0 {
            problems.push(format!(
                "{table}: {} from its spatial index",
                counted(missing, "feature is missing", "features are missing")
            ));
        }
        if wrong > 0 {
            problems.push(format!(
                "{table}: {} another box in its spatial index",
                counted(wrong, "feature has", "features have")
            ));
        }
        if orphans > 0 {
            let orphans = usize::try_from(orphans).unwrap_or(usize::MAX);
            problems.push(format!(
                "{table}: its spatial index has {} of no feature",
                counted(orphans, "row", "rows")
            ));
        }
    }
    Ok(problems)
}

//! The campaign schema: creating it, and upgrading older files to it.
//!
//! GeoPackage owns SQLite's `user_version`, so our own schema version is the `schema_version`
//! row of `campaign_meta`. Version 1 is the first. Upgrades are one function per version step,
//! all run in one transaction: a file is either fully upgraded or left as it was.

use crate::store::NOW;
use rusqlite::{Connection, OptionalExtension as _, Transaction};

/// `PRAGMA application_id` of every GeoPackage: "GPKG" in ASCII.
pub const GPKG_APPLICATION_ID: u32 = 0x4750_4B47;

/// `PRAGMA user_version` for GeoPackage 1.2.0.
pub const GPKG_USER_VERSION: i32 = 10_200;

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = 9;

/// The `campaign_meta` key holding the schema version.
pub const VERSION_KEY: &str = "schema_version";

const GPKG_CORE: &str = include_str!("sql/gpkg_core.sql");
const V1: &str = include_str!("sql/v1.sql");
const V2: &str = include_str!("sql/v2.sql");
const V3: &str = include_str!("sql/v3.sql");
const V4: &str = include_str!("sql/v4.sql");
const V5: &str = include_str!("sql/v5.sql");
const V6: &str = include_str!("sql/v6.sql");
const V7: &str = include_str!("sql/v7.sql");
const V8: &str = include_str!("sql/v8.sql");
const V9: &str = include_str!("sql/v9.sql");

/// One upgrade step: `UPGRADES[i]` takes a file from version `i + 1` to `i + 2`.
type Upgrade = fn(&Transaction<'_>) -> rusqlite::Result<()>;

/// The upgrade steps, oldest first. Each new version adds a step here, a fixture
/// `fixtures/schema/vN.sql` of the version before, and a test that upgrades it.
const UPGRADES: &[Upgrade] = &[to_v2, to_v3, to_v4, to_v5, to_v6, to_v7, to_v8, to_v9];

// Every version but the last has an upgrade step.
const _: () = assert!(UPGRADES.len() as i64 + 1 == CURRENT_VERSION);

/// Version 1 → 2: results owned by their election (see `sql/v2.sql`).
fn to_v2(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V2)
}

/// Version 2 → 3: addresses in parts, streets, meeting points (see `sql/v3.sql`); the parts
/// of the doors already stored are read from their address strings.
fn to_v3(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V3)?;
    let doors: Vec<(i64, String)> = tx
        .prepare("SELECT fid, address FROM doors WHERE deleted_at IS NULL AND address <> ''")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut put = tx.prepare(
        "UPDATE doors SET street = ?2, housenumber = ?3, housenumber_suffix = ?4, unit = ?5, \
         postcode = ?6 WHERE fid = ?1",
    )?;
    for (fid, address) in doors {
        let a = crate::domain::address::parse(&address);
        put.execute(rusqlite::params![
            fid,
            a.street,
            a.housenumber,
            a.suffix,
            a.unit,
            a.postcode
        ])?;
    }
    Ok(())
}

/// Version 3 → 4: print snapshots of walk sheets (see `sql/v4.sql`).
fn to_v4(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V4)
}

/// Version 4 → 5: door visits and richer sessions (see `sql/v5.sql`); the file gets its
/// replica identity, which every field row it writes carries.
fn to_v5(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V5)?;
    tx.execute(
        "INSERT OR IGNORE INTO campaign_meta (key, value) VALUES ('replica_uuid', ?1)",
        [uuid::Uuid::new_v4().to_string()],
    )?;
    Ok(())
}

/// Version 5 → 6: team packs and merges (see `sql/v6.sql`).
fn to_v6(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V6)
}

/// Version 6 → 7: lists' nuance codes and panel numbers (see `sql/v7.sql`).
fn to_v7(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V7)
}

/// Version 7 → 8: indexes of doors, turf members and visits by what they belong to (see
/// `sql/v8.sql`).
fn to_v8(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V8)
}

/// Version 8 → 9: GeoPackage R-tree spatial indexes on every feature layer (see `sql/v9.sql`;
/// the connection has the `ST_*` functions of `store::spatial`).
fn to_v9(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V9)?;
    for table in crate::store::spatial::LAYERS {
        crate::store::spatial::create_index(tx, table)?;
    }
    Ok(())
}

/// Creates the GeoPackage core tables and the current campaign schema in an empty database.
///
/// New files are built as version 1 and upgraded step by step, so that every file, new or
/// old, reaches the current schema by the same, tested path.
pub fn create(tx: &Transaction<'_>, name: &str, uuid: &str) -> rusqlite::Result<()> {
    tx.pragma_update(None, "application_id", GPKG_APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", GPKG_USER_VERSION)?;
    tx.execute_batch(GPKG_CORE)?;
    tx.execute_batch(V1)?;
    let mut put = tx.prepare("INSERT INTO campaign_meta (key, value) VALUES (?1, ?2)")?;
    put.execute((VERSION_KEY, "1"))?;
    put.execute(("name", name))?;
    put.execute(("uuid", uuid))?;
    put.execute((
        "created_by",
        concat!("campaign-planner ", env!("CARGO_PKG_VERSION")),
    ))?;
    tx.execute(
        &format!(
            "INSERT INTO campaign_meta (key, value) \
         VALUES ('created_at', {NOW})"
        ),
        [],
    )?;
    upgrade(tx, 1)
}

/// The schema version of a campaign file, or `None` when it has no `campaign_meta` table.
pub fn version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'campaign_meta')",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM campaign_meta WHERE key = ?1",
            [VERSION_KEY],
            |r| r.get(0),
        )
        .optional()?;
    // A campaign_meta without a readable version is not one of ours.
    Ok(value.and_then(|v| v.trim().parse().ok()))
}

/// Upgrades a file at version `from` to [`CURRENT_VERSION`] inside `tx`.
///
/// The caller has already refused files newer than this build.
pub fn upgrade(tx: &Transaction<'_>, from: i64) -> rusqlite::Result<()> {
    let start = usize::try_from(from.max(1) - 1).unwrap_or(0);
    for step in UPGRADES.iter().skip(start) {
        step(tx)?;
    }
    tx.execute(
        "UPDATE campaign_meta SET value = ?1 WHERE key = ?2",
        (CURRENT_VERSION.to_string(), VERSION_KEY),
    )?;
    Ok(())
}

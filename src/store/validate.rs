//! `validate`: a full check of a campaign file, as GeoPackage and as campaign.

use rusqlite::types::ValueRef;

use super::{Campaign, StoreError, gpkg, schema};

/// The outcome of [`Campaign::validate`].
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ValidationReport {
    /// Every problem found, one sentence each; empty for a sound file.
    pub problems: Vec<String>,
    /// Geometries decoded and checked.
    pub geometries_checked: u64,
}

impl ValidationReport {
    /// Whether the file passed every check.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Tables the campaign schema must have, with their `gpkg_contents` data type.
const REQUIRED: &[(&str, &str)] = &[
    ("precincts", "features"),
    ("turfs", "features"),
    ("doors", "features"),
    ("elections", "attributes"),
    ("results", "attributes"),
    ("results_totals", "attributes"),
    ("teams", "attributes"),
    ("turf_members", "attributes"),
    ("assignments", "attributes"),
    ("field_reports", "attributes"),
    ("scoring", "attributes"),
    ("campaign_meta", "attributes"),
];

impl Campaign {
    /// Checks the whole file: SQLite integrity, the GeoPackage requirements, the campaign
    /// schema, every geometry blob, and references between tables. Reads only.
    pub fn validate(&self) -> Result<ValidationReport, StoreError> {
        let conn = self.conn();
        let q = |e| self.err(e);
        let mut report = ValidationReport::default();
        let problems = &mut report.problems;

        let mut stmt = conn.prepare("PRAGMA integrity_check").map_err(q)?;
        for line in stmt.query_map([], |r| r.get::<_, String>(0)).map_err(q)? {
            let line = line.map_err(q)?;
            if line != "ok" {
                problems.push(format!("SQLite integrity: {line}"));
            }
        }

        let app_id: u32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(q)?;
        if app_id != schema::GPKG_APPLICATION_ID {
            problems.push(format!(
                "application_id is {app_id:#x}, not GeoPackage's {:#x}",
                schema::GPKG_APPLICATION_ID
            ));
        }
        let user_version: i32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(q)?;
        if user_version < schema::GPKG_USER_VERSION {
            problems.push(format!(
                "user_version {user_version} is older than GeoPackage 1.2 ({})",
                schema::GPKG_USER_VERSION
            ));
        }
        for srs in [-1, 0, 4326] {
            let n: i64 = conn
                .query_row(
                    "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
                    [srs],
                    |r| r.get(0),
                )
                .map_err(q)?;
            if n != 1 {
                problems.push(format!(
                    "gpkg_spatial_ref_sys lacks the required srs_id {srs}"
                ));
            }
        }
        for (table, data_type) in REQUIRED {
            let found: Option<String> = conn
                .query_row(
                    "SELECT data_type FROM gpkg_contents WHERE table_name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .ok();
            match found {
                None => problems.push(format!("gpkg_contents does not list {table}")),
                Some(t) if t != *data_type => {
                    problems.push(format!(
                        "gpkg_contents lists {table} as {t}, not {data_type}"
                    ));
                }
                Some(_) => {}
            }
            let exists: bool = conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                    [table],
                    |r| r.get(0),
                )
                .map_err(q)?;
            if !exists {
                problems.push(format!("table {table} is missing"));
            }
        }
        match schema::version(conn).map_err(q)? {
            Some(v) if v == schema::CURRENT_VERSION => {}
            Some(v) => problems.push(format!(
                "schema version {v}, expected {}",
                schema::CURRENT_VERSION
            )),
            None => problems.push("campaign_meta has no schema_version".to_owned()),
        }

        let mut geometry_columns = conn
            .prepare("SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns")
            .map_err(q)?;
        let columns = geometry_columns
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i32>(2)?,
                ))
            })
            .map_err(q)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(q)?;
        for (table, column, srs_id) in columns {
            let mut stmt = conn
                .prepare(&format!("SELECT rowid, \"{column}\" FROM \"{table}\""))
                .map_err(q)?;
            let mut rows = stmt.query([]).map_err(q)?;
            while let Some(row) = rows.next().map_err(q)? {
                let rowid: i64 = row.get(0).map_err(q)?;
                match row.get_ref(1).map_err(q)? {
                    ValueRef::Null => {}
                    ValueRef::Blob(blob) => {
                        report.geometries_checked += 1;
                        if gpkg::blob_srs_id(blob) != Some(srs_id) {
                            problems.push(format!(
                                "{table} row {rowid}: geometry SRS {:?} differs from the layer's {srs_id}",
                                gpkg::blob_srs_id(blob)
                            ));
                        }
                        match gpkg::decode(blob) {
                            Err(e) => problems.push(format!("{table} row {rowid}: {e}")),
                            Ok(g) => {
                                let bad = geo::CoordsIter::coords_iter(&g).find(|c| {
                                    !(-180.0..=180.0).contains(&c.x)
                                        || !(-90.0..=90.0).contains(&c.y)
                                });
                                if let Some(c) = bad {
                                    problems.push(format!(
                                        "{table} row {rowid}: coordinate ({}, {}) out of range",
                                        c.x, c.y
                                    ));
                                }
                            }
                        }
                    }
                    _ => problems.push(format!("{table} row {rowid}: geometry is not a blob")),
                }
            }
        }

        for (what, sql) in [
            (
                "turf members pointing at no turf",
                "SELECT count(*) FROM turf_members m WHERE deleted_at IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM turfs t WHERE t.uuid = m.turf_uuid)",
            ),
            (
                "turf members pointing at no precinct",
                "SELECT count(*) FROM turf_members m WHERE deleted_at IS NULL AND \
                 precinct_uuid IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM precincts p WHERE p.uuid = m.precinct_uuid)",
            ),
            (
                "assignments pointing at no team",
                "SELECT count(*) FROM assignments a WHERE deleted_at IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM teams t WHERE t.uuid = a.team_uuid)",
            ),
            (
                "results pointing at no election",
                "SELECT count(*) FROM results r WHERE NOT EXISTS \
                 (SELECT 1 FROM elections e WHERE e.id = r.election_id)",
            ),
            (
                "results doubled (a precinct and list twice in one election)",
                "SELECT count(*) FROM (SELECT 1 FROM results \
                 GROUP BY election_id, precinct_code, list HAVING count(*) > 1)",
            ),
            (
                "precincts with an empty code",
                "SELECT count(*) FROM precincts WHERE deleted_at IS NULL AND trim(code) = ''",
            ),
        ] {
            let n: i64 = conn.query_row(sql, [], |r| r.get(0)).map_err(q)?;
            if n > 0 {
                problems.push(format!("{n} {what}"));
            }
        }
        Ok(report)
    }
}

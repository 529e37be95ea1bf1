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

/// Checks one decoded geometry: its coordinates, its type for the layer, the envelope its blob
/// declares, and its validity as a polygon (GDAL refuses self-crossing rings).
fn check_geometry(
    table: &str,
    rowid: i64,
    blob: &[u8],
    geometry: &geo_types::Geometry<f64>,
    problems: &mut Vec<String>,
) {
    use geo::BoundingRect as _;
    let bad = geo::CoordsIter::coords_iter(geometry)
        .find(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y));
    if let Some(c) = bad {
        problems.push(format!(
            "{table} row {rowid}: coordinate ({}, {}) out of range",
            c.x, c.y
        ));
    }
    let expected = match table {
        "precincts" | "turfs" => Some("a multipolygon"),
        "doors" => Some("a point"),
        "streets" => Some("a line"),
        _ => None,
    };
    let fits = match geometry {
        geo_types::Geometry::MultiPolygon(_) | geo_types::Geometry::Polygon(_) => {
            expected == Some("a multipolygon") || expected.is_none()
        }
        geo_types::Geometry::Point(_) => expected == Some("a point") || expected.is_none(),
        geo_types::Geometry::LineString(_) => expected == Some("a line") || expected.is_none(),
        _ => expected.is_none(),
    };
    if let (false, Some(expected)) = (fits, expected) {
        problems.push(format!(
            "{table} row {rowid}: the geometry is not {expected}"
        ));
    }
    if let (Some(declared), Some(actual)) = (gpkg::blob_envelope(blob), geometry.bounding_rect()) {
        let off = [
            declared.min().x - actual.min().x,
            declared.min().y - actual.min().y,
            declared.max().x - actual.max().x,
            declared.max().y - actual.max().y,
        ];
        if off.iter().any(|d| d.abs() > 1e-9) {
            problems.push(format!(
                "{table} row {rowid}: the envelope in the blob's header does not match its \
                 geometry"
            ));
        }
    }
    let multi = match geometry {
        geo_types::Geometry::MultiPolygon(m) => Some(m.clone()),
        geo_types::Geometry::Polygon(p) => Some(geo_types::MultiPolygon(vec![p.clone()])),
        _ => None,
    };
    if let Some(multi) = multi
        && let Err(e) = crate::domain::validity::check(&multi)
    {
        problems.push(format!("{table} row {rowid}: invalid geometry: {e}"));
    }
}

/// Tables the campaign schema must have, with their `gpkg_contents` data type.
const REQUIRED: &[(&str, &str)] = &[
    ("precincts", "features"),
    ("turfs", "features"),
    ("doors", "features"),
    ("streets", "features"),
    ("elections", "attributes"),
    ("results", "attributes"),
    ("results_totals", "attributes"),
    ("teams", "attributes"),
    ("turf_members", "attributes"),
    ("assignments", "attributes"),
    ("field_reports", "attributes"),
    ("scoring", "attributes"),
    ("campaign_meta", "attributes"),
    ("prints", "attributes"),
    ("print_rows", "attributes"),
];

impl Campaign {
    /// Checks the whole file: SQLite integrity, the GeoPackage requirements, the campaign
    /// schema, the spatial indexes against their features, every geometry blob, and
    /// references between tables. Reads only.
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
        let required: Vec<&str> = REQUIRED.iter().map(|(t, _)| *t).collect();
        let schema_problems =
            super::validate_schema::schema_problems(conn, &required).map_err(q)?;
        if !schema_problems.is_empty() || !problems.is_empty() {
            // The rows are read through the schema: with the schema wrong, reading them would
            // only fail on what is already said.
            problems.extend(schema_problems);
            return Ok(report);
        }
        // The spatial indexes (GeoPackage R-trees) against the features.
        report
            .problems
            .extend(super::validate_spatial::index_problems(conn).map_err(q)?);
        // Whatever stops the reading of the rows is one more problem of the file, said as such.
        if let Err(e) = self.check_rows(&mut report) {
            report
                .problems
                .push(format!("the file could not be read to its end: {e}"));
        }
        Ok(report)
    }

    /// Every geometry, reference between tables and value, once the schema is known right.
    fn check_rows(&self, report: &mut ValidationReport) -> Result<(), StoreError> {
        let conn = self.conn();
        let q = |e| self.err(e);
        let ValidationReport {
            problems,
            geometries_checked,
        } = report;
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
                        *geometries_checked += 1;
                        match gpkg::blob_srs_id(blob) {
                            Some(id) if id == srs_id => {}
                            Some(id) => problems.push(format!(
                                "{table} row {rowid}: the geometry's system (srs_id {id}) is not \
                                 the layer's ({srs_id})"
                            )),
                            None => problems.push(format!(
                                "{table} row {rowid}: the geometry blob is too short to say its \
                                 system"
                            )),
                        }
                        if let Some(&version) = blob.get(2)
                            && version != 0
                        {
                            problems.push(format!(
                                "{table} row {rowid}: GeoPackage blob version {version}, not 0"
                            ));
                        }
                        match gpkg::decode(blob) {
                            Err(e) => problems.push(format!("{table} row {rowid}: {e}")),
                            Ok(g) => check_geometry(&table, rowid, blob, &g, problems),
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
                "live assignments of a deleted turf",
                "SELECT count(*) FROM assignments a WHERE deleted_at IS NULL AND EXISTS \
                 (SELECT 1 FROM turfs t WHERE t.uuid = a.turf_uuid AND t.deleted_at IS NOT NULL)",
            ),
            (
                "live assignments of a deleted team",
                "SELECT count(*) FROM assignments a WHERE deleted_at IS NULL AND EXISTS \
                 (SELECT 1 FROM teams t WHERE t.uuid = a.team_uuid AND t.deleted_at IS NOT NULL)",
            ),
            (
                "live turf members of a deleted turf, precinct or door",
                "SELECT count(*) FROM turf_members m WHERE deleted_at IS NULL AND (\
                 EXISTS (SELECT 1 FROM turfs t WHERE t.uuid = m.turf_uuid AND t.deleted_at IS NOT NULL) \
                 OR EXISTS (SELECT 1 FROM precincts p WHERE p.uuid = m.precinct_uuid AND p.deleted_at IS NOT NULL) \
                 OR EXISTS (SELECT 1 FROM doors d WHERE d.uuid = m.door_uuid AND d.deleted_at IS NOT NULL))",
            ),
            (
                "live turfs with no members",
                "SELECT count(*) FROM turfs t WHERE deleted_at IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM turf_members m WHERE m.turf_uuid = t.uuid AND m.deleted_at IS NULL)",
            ),
            (
                "turfs or assignments with a status other than planned, in progress or done",
                "SELECT (SELECT count(*) FROM turfs WHERE deleted_at IS NULL AND status NOT IN \
                 ('planned', 'in progress', 'done')) + (SELECT count(*) FROM assignments WHERE \
                 deleted_at IS NULL AND status NOT IN ('planned', 'in progress', 'done'))",
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
        for (table, what) in [("turfs", "turf names"), ("teams", "team names")] {
            let n = names_used_twice(conn, table).map_err(q)?;
            if n > 0 {
                problems.push(format!("{n} {what} used twice"));
            }
        }
        self.check_values(problems)?;
        self.check_text(problems)?;
        self.check_scores(problems)?;
        Ok(())
    }

    /// The stored scores and classes are the ones the stored method gives today.
    fn check_scores(&self, problems: &mut Vec<String>) -> Result<(), StoreError> {
        let Ok(Some(params)) = self.scoring_params() else {
            if self.scoring_params().is_err() {
                problems.push("the saved scoring method cannot be read".to_owned());
            }
            return Ok(());
        };
        let data = self.scoring_data()?;
        let Ok(scored) = crate::domain::scoring::score(&data, &params) else {
            problems
                .push("the saved scoring method cannot be run on the file's results".to_owned());
            return Ok(());
        };
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT code, priority, priority_class FROM precincts WHERE deleted_at IS NULL",
            )
            .map_err(q)?;
        let saved: std::collections::HashMap<String, (Option<f64>, Option<i64>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
            .map_err(q)?
            .collect::<Result<_, _>>()
            .map_err(q)?;
        if saved
            .values()
            .all(|(score, class)| score.is_none() && class.is_none())
        {
            // Scores were never saved: nothing to disagree with.
            return Ok(());
        }
        let mut differ = Vec::new();
        for (i, code) in data.codes.iter().enumerate() {
            let (score, class) = saved.get(code).copied().unwrap_or((None, None));
            let expected = scored.scores[i];
            let expected_class = scored.classes.class_of[i];
            let score_ok = match score {
                None => !expected.is_finite(),
                Some(s) => (s - expected).abs() <= 1e-9 * expected.abs().max(1.0),
            };
            let class_ok = class.unwrap_or(0) == i64::from(expected_class);
            if !(score_ok && class_ok) {
                differ.push(code.as_str());
            }
        }
        if !differ.is_empty() {
            let shown: Vec<&str> = differ.iter().take(10).copied().collect();
            problems.push(format!(
                "{} precincts have a score or class other than the saved method gives ({}{}): \
                 run `score` again",
                differ.len(),
                shown.join(", "),
                if differ.len() > 10 { ", …" } else { "" }
            ));
        }
        Ok(())
    }
}

/// How many live names of `table` are held by more than one row, compared as names are
/// ([`crate::domain::name::name_key`]: any case, any alphabet).
fn names_used_twice(conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name FROM {table} WHERE deleted_at IS NULL"
    ))?;
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    // Text that is not UTF-8 is said by its own check; here it is compared as it reads.
    let names = stmt.query_map([], |r| {
        Ok(match r.get_ref(0)? {
            rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                String::from_utf8_lossy(b).into_owned()
            }
            _ => String::new(),
        })
    })?;
    for name in names {
        *seen
            .entry(crate::domain::name::name_key(&name?))
            .or_default() += 1;
    }
    Ok(seen.values().filter(|&&n| n > 1).count())
}

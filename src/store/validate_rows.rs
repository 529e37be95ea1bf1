//! `validate`'s checks of the values in the campaign's rows: colours, dates, names, team sizes,
//! rounds, and text that is text (UTF-8).

use rusqlite::types::ValueRef;

use super::{Campaign, StoreError};

impl Campaign {
    /// Colours and dates as the file must write them (`#rrggbb`, `YYYY-MM-DD`), names as the
    /// planner gives them, team sizes of 1 to 1,000, rounds 1 or 2, results that can be.
    pub(super) fn check_values(&self, problems: &mut Vec<String>) -> Result<(), StoreError> {
        let q = |e| self.err(e);
        for (table, column, kind) in [
            ("turfs", "colour", "colour"),
            ("teams", "colour", "colour"),
            ("assignments", "date", "date"),
            ("elections", "date", "date"),
            ("turfs", "name", "name"),
            ("teams", "name", "name"),
        ] {
            let mut stmt = self
                .conn()
                .prepare(&format!(
                    "SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL \
                     AND deleted_at IS NULL AND typeof({column}) = 'text'"
                ))
                .map_err(q)?;
            let mut rows = stmt.query([]).map_err(q)?;
            while let Some(row) = rows.next().map_err(q)? {
                let rowid: i64 = row.get(0).map_err(q)?;
                // Text that is not UTF-8 is said by `check_text`.
                let Ok(value) = row.get_ref(1).map_err(q)?.as_str() else {
                    continue;
                };
                let why = match kind {
                    "colour" => crate::domain::colour::Colour::parse(value)
                        .err()
                        .map(|e| e.to_string()),
                    "date" => crate::domain::date::Date::parse(value)
                        .err()
                        .map(|e| e.to_string()),
                    _ => {
                        let singular = if table == "turfs" { "turf" } else { "team" };
                        crate::domain::name::clean_name(value, singular)
                            .err()
                            .map(|e| e.to_string())
                    }
                };
                if let Some(why) = why {
                    problems.push(format!("{table} row {rowid}, {column}: {why}"));
                }
            }
        }
        for (what, sql) in [
            (
                "teams with a size outside 1 to 1,000",
                "SELECT count(*) FROM teams WHERE deleted_at IS NULL AND size IS NOT NULL \
                 AND (typeof(size) != 'integer' OR size < 1 OR size > 1000)",
            ),
            (
                "elections with a round other than 1 or 2",
                "SELECT count(*) FROM elections WHERE deleted_at IS NULL AND round IS NOT NULL \
                 AND round NOT IN (1, 2)",
            ),
            (
                "results with a vote count that is negative or not a whole number",
                "SELECT count(*) FROM results WHERE typeof(votes) != 'integer' OR votes < 0",
            ),
            (
                "precinct totals (registered, voters, valid) negative or not whole numbers",
                "SELECT count(*) FROM results_totals WHERE \
                 (registered IS NOT NULL AND (typeof(registered) != 'integer' OR registered < 0)) \
                 OR (voters IS NOT NULL AND (typeof(voters) != 'integer' OR voters < 0)) \
                 OR (valid IS NOT NULL AND (typeof(valid) != 'integer' OR valid < 0))",
            ),
            (
                "precinct totals whose voters exceed the registered voters, or valid votes the \
                 voters (beyond rounding: 3 votes or 0.5 %)",
                "SELECT count(*) FROM results_totals WHERE \
                 voters > registered + max(3, registered / 200) \
                 OR valid > voters + max(3, voters / 200)",
            ),
            (
                "precincts whose lists add up to more than their valid votes (beyond rounding)",
                "SELECT count(*) FROM (SELECT election_id, precinct_code, sum(votes) AS total \
                 FROM results GROUP BY election_id, precinct_code) r JOIN results_totals t \
                 USING (election_id, precinct_code) WHERE r.total > t.valid + max(3, t.valid / 200)",
            ),
        ] {
            let n: i64 = self.conn().query_row(sql, [], |r| r.get(0)).map_err(q)?;
            if n > 0 {
                problems.push(format!("{n} {what}"));
            }
        }
        Ok(())
    }

    /// Every text cell of the campaign's tables is UTF-8 (other programs can write any bytes;
    /// the planner would fail reading them later).
    pub(super) fn check_text(&self, problems: &mut Vec<String>) -> Result<(), StoreError> {
        let q = |e| self.err(e);
        let conn = self.conn();
        let tables: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE 'rtree_%'",
            )
            .map_err(q)?
            .query_map([], |r| r.get(0))
            .map_err(q)?
            .collect::<rusqlite::Result<_>>()
            .map_err(q)?;
        for table in tables {
            let quoted = table.replace('"', "\"\"");
            let Ok(stmt) = conn.prepare(&format!("SELECT * FROM \"{quoted}\" LIMIT 0")) else {
                continue;
            };
            let columns = super::column_names(conn, &table, stmt.column_count()).map_err(q)?;
            drop(stmt);
            for column in columns {
                let sql = format!(
                    "SELECT rowid, \"{c}\" FROM \"{quoted}\" WHERE typeof(\"{c}\") = 'text'",
                    c = column.replace('"', "\"\"")
                );
                let Ok(mut stmt) = conn.prepare(&sql) else {
                    continue; // A table without rowid: nothing of ours.
                };
                let mut rows = stmt.query([]).map_err(q)?;
                let mut bad = Vec::new();
                while let Some(row) = rows.next().map_err(q)? {
                    if let ValueRef::Text(bytes) = row.get_ref(1).map_err(q)?
                        && std::str::from_utf8(bytes).is_err()
                    {
                        bad.push(row.get::<_, i64>(0).map_err(q)?);
                    }
                }
                if !bad.is_empty() {
                    let shown: Vec<String> = bad.iter().take(5).map(ToString::to_string).collect();
                    problems.push(format!(
                        "{table}, column {column}: text that is not UTF-8 on {} rows ({}{})",
                        bad.len(),
                        shown.join(", "),
                        if bad.len() > 5 { ", …" } else { "" }
                    ));
                }
            }
        }
        Ok(())
    }
}

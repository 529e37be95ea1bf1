//! Turfs in the campaign file: listing them with their figures, and what their edits share.
//! Every edit is one transaction; a precinct is in one turf at most. The edits are split by
//! job: members (`members.rs`), outline and figures after a change (`refresh.rs`), undo
//! snapshots and deletion (`history.rs`), the auto-cut (`autocut.rs`).

mod autocut;
mod history;
mod members;
mod refresh;

pub use autocut::AutocutReport;
pub use history::TurfState;
pub(in crate::store) use history::{tombstone_assignments, undelete};
pub(in crate::store) use refresh::refresh_turf;

use super::settings::voters_per_household;
use crate::domain::name::name_key;
use crate::domain::turf::{self, PrecinctFigures, TeamId, Turf, TurfId, TurfStatus};
use crate::store::{Campaign, StoreError, gpkg};

impl rusqlite::types::ToSql for TurfStatus {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// Typed identifiers are stored as their UUID's text.
macro_rules! sql_id {
    ($name:ident) => {
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                value.as_str().map(|s| Self(s.to_owned()))
            }
        }
    };
}

sql_id!(TurfId);
sql_id!(TeamId);

impl rusqlite::types::FromSql for TurfStatus {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        TurfStatus::parse(text).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

impl Campaign {
    pub(in crate::store) fn invalid(&self, detail: &str) -> StoreError {
        StoreError::Refused {
            path: self.path.clone(),
            detail: detail.to_owned(),
        }
    }

    /// The live turfs, by name.
    pub fn turfs(&self) -> Result<Vec<Turf>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT t.uuid, t.name, t.status, (SELECT name FROM teams WHERE uuid = t.team_uuid AND deleted_at IS NULL), geom, t.colour \
                 FROM turfs t WHERE t.deleted_at IS NULL ORDER BY t.name",
            )
            .map_err(q)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, TurfStatus>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<Vec<u8>>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(q)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(q)?;
        let mut out = Vec::with_capacity(rows.len());
        for (uuid, name, status, team, blob, colour) in rows {
            let (mut codes, figures) = members(self.conn(), &uuid).map_err(q)?;
            let outline = blob
                .and_then(|b| gpkg::decode_polygons(&b))
                .unwrap_or_else(|| geo_types::MultiPolygon(Vec::new()));
            let mut stats = turf::stats(&figures, &outline, voters_per_household(self.conn()));
            // A turf of doors (cut out of a precinct): its doors are counted, one by one.
            let (doors, households, within): (i64, Option<i64>, Option<String>) = self
                .conn()
                .query_row(
                    "SELECT count(*), sum(d.households), \
                     (SELECT group_concat(DISTINCT p.code) FROM turf_members m2 JOIN doors d2 ON d2.uuid = m2.door_uuid \
                      JOIN precincts p ON p.uuid = d2.precinct_uuid WHERE m2.turf_uuid = ?1 AND m2.deleted_at IS NULL) \
                     FROM turf_members m JOIN doors d ON d.uuid = m.door_uuid \
                     WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND d.deleted_at IS NULL",
                    [&uuid],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .map_err(q)?;
            if doors > 0 {
                stats.doors += households.unwrap_or(doors);
                if let Some(w) = within {
                    codes.extend(w.split(',').map(str::to_owned));
                }
            }
            out.push(Turf {
                uuid: TurfId(uuid),
                name,
                team,
                colour,
                status,
                precincts: codes,
                stats,
                outline: Some(outline).filter(|o| !o.0.is_empty()),
            });
        }
        out.sort_by(|a, b| crate::domain::name::natural_cmp(&a.name, &b.name));
        Ok(out)
    }
}

/// The UUID and name of the live row of `table` (turfs or teams) other than `except` that has
/// `name` in any case, if one does: names say which turf or team a command means, so they are
/// unique per kind. Compared in Rust ([`name_key`]): SQLite's `lower` knows only ASCII.
pub(in crate::store) fn named(
    conn: &rusqlite::Connection,
    table: &str,
    name: &str,
    except: Option<&str>,
) -> rusqlite::Result<Option<(String, String)>> {
    let key = name_key(name);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT uuid, name FROM {table} WHERE deleted_at IS NULL AND uuid IS NOT ?1"
    ))?;
    let rows = stmt.query_map([except], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (uuid, stored) = row?;
        if name_key(&stored) == key {
            return Ok(Some((uuid, stored)));
        }
    }
    Ok(None)
}

/// The name of another live row of `table` that has `name` in any case, if one does.
pub(in crate::store) fn name_taken(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    name: &str,
    except: Option<&str>,
) -> rusqlite::Result<Option<String>> {
    Ok(named(tx, table, name, except)?.map(|(_, stored)| stored))
}

/// The election whose registered voters stand in for a precinct's own figure when the shapes
/// file had none: the latest (by date, then by import) that has registered voters.
const REGISTERED_ELECTION: &str = "(SELECT e.id FROM elections e WHERE e.deleted_at IS NULL \
     AND EXISTS (SELECT 1 FROM results_totals x WHERE x.election_id = e.id \
     AND x.registered IS NOT NULL) ORDER BY e.date DESC, e.id DESC LIMIT 1)";

/// A turf's precinct codes and figures (registered voters from the shapes file, else from the
/// latest election that has them).
pub(in crate::store) fn members(
    conn: &rusqlite::Connection,
    turf: &str,
) -> rusqlite::Result<(Vec<String>, Vec<PrecinctFigures>)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.code, p.doors, coalesce(p.registered, t.registered), p.priority \
         FROM turf_members m JOIN precincts p ON p.uuid = m.precinct_uuid \
         LEFT JOIN results_totals t ON t.election_id = {REGISTERED_ELECTION} \
         AND t.precinct_code = p.code \
         WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND p.deleted_at IS NULL ORDER BY p.code"
    ))?;
    let rows = stmt
        .query_map([turf], figures_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().unzip())
}

/// A precinct's code and figures from a row of `code, doors, registered, priority`.
fn figures_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, PrecinctFigures)> {
    Ok((
        r.get(0)?,
        PrecinctFigures {
            doors_counted: r.get(1)?,
            registered: r.get(2)?,
            priority: r.get(3)?,
        },
    ))
}

impl Campaign {
    /// Registered voters from the latest election that has them, by precinct code: they
    /// stand in for a precinct's own figure when the shapes file had none.
    pub fn registered_stand_ins(
        &self,
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(&format!(
                "SELECT precinct_code, registered FROM results_totals \
                 WHERE election_id = {REGISTERED_ELECTION} AND registered IS NOT NULL"
            ))
            .map_err(q)?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(q)?
            .collect::<Result<_, _>>()
            .map_err(q)
    }

    /// Every live precinct's code and figures, as a turf of it would count them (door points,
    /// registered voters from the shapes file, else from the latest election that has them,
    /// priority): the live figures of a selection are summed from these.
    pub fn precinct_figures(&self) -> Result<Vec<(String, PrecinctFigures)>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(&format!(
                "SELECT p.code, p.doors, coalesce(p.registered, t.registered), p.priority \
                 FROM precincts p LEFT JOIN results_totals t ON t.election_id = {REGISTERED_ELECTION} \
                 AND t.precinct_code = p.code WHERE p.deleted_at IS NULL"
            ))
            .map_err(q)?;
        stmt.query_map([], figures_row)
            .map_err(q)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(q)
    }
}

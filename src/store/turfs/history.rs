//! Undo snapshots of turfs (`TurfState`), deleting and restoring turfs, and the tombstones
//! of assignments that follow a deleted turf or team.

use crate::store::NOW;
use rusqlite::{OptionalExtension as _, params};

use super::refresh_turf;
use crate::domain::turf::{TeamId, TurfId, TurfStatus};
use crate::store::{Campaign, StoreError};

/// Tombstones the live assignments of a turf or team (`column` says which) that was deleted.
pub(in crate::store) fn tombstone_assignments(
    tx: &rusqlite::Transaction<'_>,
    column: &str,
    uuid: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        &format!(
            "UPDATE assignments SET deleted_at = {NOW}, \
             updated_at = {NOW} \
             WHERE {column} = ?1 AND deleted_at IS NULL"
        ),
        [uuid],
    )?;
    Ok(())
}

/// Brings back the assignments of a restored turf or team: those tombstoned when it was.
pub(in crate::store) fn restore_assignments(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    column: &str,
    uuid: &str,
    deleted_at: Option<&str>,
) -> rusqlite::Result<()> {
    let Some(since) = deleted_at else {
        return Ok(());
    };
    tx.execute(
        &format!(
            "UPDATE assignments SET deleted_at = NULL, \
             updated_at = {NOW} \
             WHERE {column} = ?1 AND deleted_at >= ?2 AND EXISTS \
             (SELECT 1 FROM {table} WHERE uuid = ?1 AND deleted_at IS NULL)"
        ),
        params![uuid, since],
    )?;
    Ok(())
}

/// Brings back a tombstoned turf or team (`table`; `column` names it in assignments) with
/// the assignments tombstoned with it.
pub(in crate::store) fn undelete(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    column: &str,
    uuid: &str,
) -> rusqlite::Result<()> {
    let since = deleted_at(tx, table, uuid)?;
    tx.execute(
        &format!(
            "UPDATE {table} SET deleted_at = NULL, \
             updated_at = {NOW} WHERE uuid = ?1"
        ),
        [uuid],
    )?;
    restore_assignments(tx, table, column, uuid, since.as_deref())
}

/// When a turf or team was tombstoned, if it is.
pub(in crate::store) fn deleted_at(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    uuid: &str,
) -> rusqlite::Result<Option<String>> {
    tx.query_row(
        &format!("SELECT deleted_at FROM {table} WHERE uuid = ?1"),
        [uuid],
        |r| r.get(0),
    )
    .optional()
    .map(Option::flatten)
}

/// A turf's row: name, colour, team, status, tombstoned.
type TurfRow = (String, Option<String>, Option<TeamId>, TurfStatus, bool);

/// Everything about one turf that its edits change: the unit of undo and redo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurfState {
    /// The turf.
    pub uuid: TurfId,
    /// Its name.
    pub name: String,
    /// Its colour.
    pub colour: Option<String>,
    /// Its team.
    pub team_uuid: Option<TeamId>,
    /// Its status.
    pub status: TurfStatus,
    /// Whether it is tombstoned.
    pub deleted: bool,
    /// Its live members: precinct UUIDs.
    pub precincts: Vec<String>,
    /// Its live members: door UUIDs.
    pub doors: Vec<String>,
}

impl Campaign {
    /// The current state of some turfs (unknown UUIDs are left out).
    pub fn turf_states(&self, uuids: &[TurfId]) -> Result<Vec<TurfState>, StoreError> {
        let q = |e| self.err(e);
        let mut out = Vec::new();
        for uuid in uuids {
            let row: Option<TurfRow> = self
                .conn()
                .query_row(
                    "SELECT name, colour, team_uuid, status, deleted_at IS NOT NULL FROM turfs WHERE uuid = ?1",
                    [uuid],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()
                .map_err(q)?;
            let Some((name, colour, team_uuid, status, deleted)) = row else {
                continue;
            };
            let mut stmt = self
                .conn()
                .prepare_cached(
                    "SELECT precinct_uuid, door_uuid FROM turf_members WHERE turf_uuid = ?1 AND deleted_at IS NULL",
                )
                .map_err(q)?;
            let members = stmt
                .query_map([uuid], |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                    ))
                })
                .map_err(q)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(q)?;
            out.push(TurfState {
                uuid: uuid.clone(),
                name,
                colour,
                team_uuid,
                status,
                deleted,
                precincts: members.iter().filter_map(|m| m.0.clone()).collect(),
                doors: members.iter().filter_map(|m| m.1.clone()).collect(),
            });
        }
        Ok(out)
    }

    /// Puts turfs back in the given states, in one transaction (undo and redo).
    pub fn restore_turf_states(&mut self, states: &[TurfState]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            // Memberships first released everywhere, then given back, so a precinct moving
            // between two of these turfs never sits in both.
            for s in states {
                tx.execute(
                    &format!("UPDATE turf_members SET deleted_at = {NOW}, \
                     updated_at = {NOW} WHERE turf_uuid = ?1 AND deleted_at IS NULL"),
                    [&s.uuid],
                )
                .map_err(sql)?;
            }
            for s in states {
                let since = deleted_at(tx, "turfs", s.uuid.as_str()).map_err(sql)?;
                tx.execute(
                    &format!("UPDATE turfs SET name = ?2, colour = ?3, team_uuid = ?4, status = ?5, \
                     deleted_at = CASE WHEN ?6 THEN coalesce(deleted_at, {NOW}) END, \
                     updated_at = {NOW} WHERE uuid = ?1"),
                    params![s.uuid, s.name, s.colour, s.team_uuid, s.status, s.deleted],
                )
                .map_err(sql)?;
                if s.deleted {
                    tx.execute("UPDATE turfs SET geom = NULL WHERE uuid = ?1", [&s.uuid]).map_err(sql)?;
                    tombstone_assignments(tx, "turf_uuid", s.uuid.as_str()).map_err(sql)?;
                    continue;
                }
                restore_assignments(tx, "turfs", "turf_uuid", s.uuid.as_str(), since.as_deref())
                    .map_err(sql)?;
                for p in &s.precincts {
                    tx.execute(
                        "INSERT INTO turf_members (uuid, turf_uuid, precinct_uuid) VALUES (?1, ?2, ?3)",
                        params![uuid::Uuid::new_v4().to_string(), s.uuid, p],
                    )
                    .map_err(sql)?;
                }
                for d in &s.doors {
                    tx.execute(
                        "INSERT INTO turf_members (uuid, turf_uuid, door_uuid) VALUES (?1, ?2, ?3)",
                        params![uuid::Uuid::new_v4().to_string(), s.uuid, d],
                    )
                    .map_err(sql)?;
                }
            }
            for s in states.iter().filter(|s| !s.deleted) {
                refresh_turf(tx, s.uuid.as_str()).map_err(sql)?;
            }
            Ok(())
        })
    }
}

impl Campaign {
    /// Tombstones a turf and its memberships (undone by [`Campaign::restore_turf`]).
    pub fn delete_turf(&mut self, uuid: &TurfId) -> Result<(), StoreError> {
        self.set_turf_deleted(uuid.as_str(), true)
    }

    /// Brings back a tombstoned turf with the precincts it had, unless they have been put in
    /// another turf meanwhile.
    pub fn restore_turf(&mut self, uuid: &TurfId) -> Result<(), StoreError> {
        self.set_turf_deleted(uuid.as_str(), false)
    }

    pub(in crate::store) fn set_turf_deleted(
        &mut self,
        uuid: &str,
        deleted: bool,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            if deleted {
                for table in ["turf_members", "turfs"] {
                    let key = if table == "turfs" { "uuid" } else { "turf_uuid" };
                    tx.execute(
                        &format!(
                            "UPDATE {table} SET deleted_at = {NOW}, \
                             updated_at = {NOW} \
                             WHERE {key} = ?1 AND deleted_at IS NULL"
                        ),
                        [uuid],
                    )
                    .map_err(sql)?;
                }
                tx.execute("UPDATE turfs SET geom = NULL WHERE uuid = ?1", [uuid]).map_err(sql)?;
                tombstone_assignments(tx, "turf_uuid", uuid).map_err(sql)?;
            } else {
                undelete(tx, "turfs", "turf_uuid", uuid).map_err(sql)?;
                // Only memberships whose precinct or door is free again come back.
                tx.execute(
                    &format!("UPDATE turf_members SET deleted_at = NULL, updated_at = {NOW} \
                     WHERE turf_uuid = ?1 AND deleted_at IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM turf_members o WHERE o.deleted_at IS NULL AND o.turf_uuid <> ?1 AND \
                      (o.precinct_uuid = turf_members.precinct_uuid OR o.door_uuid = turf_members.door_uuid))"),
                    [uuid],
                )
                .map_err(sql)?;
                refresh_turf(tx, uuid).map_err(sql)?;
            }
            Ok(())
        })
    }
}

//! Teams and assignments in the campaign file.

use crate::store::NOW;
use rusqlite::params;

use super::turfs::{name_taken, named, tombstone_assignments, undelete};
use crate::domain::colour::Colour;
use crate::domain::date::Date;
use crate::domain::name::clean_name;
use crate::domain::turf::{Assignment, Team, TeamId, TurfId, TurfStatus};
use crate::store::{Campaign, StoreError};

impl Campaign {
    /// Creates a team; a live team of the same name is refused.
    pub fn create_team(
        &mut self,
        name: &str,
        colour: Option<Colour>,
        size: Option<i64>,
    ) -> Result<TeamId, StoreError> {
        let name = clean_name(name, "team").map_err(|e| self.invalid(&e.to_string()))?;
        if size.is_some_and(|s| !(1..=1000).contains(&s)) {
            return Err(self.invalid("a team's size is 1 to 1,000 canvassers"));
        }
        let colour = colour.map(|c| c.to_string());
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            if let Some(other) = name_taken(tx, "teams", name, None).map_err(sql)? {
                return Err(StoreError::Refused {
                    path: path.clone(),
                    detail: format!("a team named {other:?} already exists"),
                });
            }
            let uuid = uuid::Uuid::new_v4().to_string();
            tx.execute(
                "INSERT INTO teams (uuid, name, colour, size) VALUES (?1, ?2, ?3, ?4)",
                params![uuid, name, colour, size],
            )
            .map_err(sql)?;
            Ok(TeamId(uuid))
        })
    }

    /// Assigns a turf to a team on a date, with a status.
    pub fn assign(
        &mut self,
        team: &str,
        turf_name: &str,
        date: Date,
        status: TurfStatus,
    ) -> Result<(), StoreError> {
        let date = date.to_string();
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        let invalid = |detail: String| StoreError::Refused {
            path: path.clone(),
            detail,
        };
        self.write(|tx| {
            let team_uuid = named(tx, "teams", team, None).map_err(sql)?.map(|(u, _)| u);
            let Some(team_uuid) = team_uuid else {
                return Err(invalid(format!("no team named {team:?}")));
            };
            let turf_uuid = named(tx, "turfs", turf_name, None).map_err(sql)?.map(|(u, _)| u);
            let Some(turf_uuid) = turf_uuid else {
                return Err(invalid(format!("no turf named {turf_name:?}")));
            };
            // The same team on the same turf and day is one assignment: given again, its status
            // is updated, never a second row.
            let updated = tx
                .execute(
                    &format!("UPDATE assignments SET status = ?4, updated_at = {NOW} \
                     WHERE turf_uuid = ?1 AND team_uuid = ?2 AND date = ?3 AND deleted_at IS NULL"),
                    params![turf_uuid, team_uuid, date, status],
                )
                .map_err(sql)?;
            if updated == 0 {
                tx.execute(
                    "INSERT INTO assignments (uuid, turf_uuid, team_uuid, date, status) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![uuid::Uuid::new_v4().to_string(), turf_uuid, team_uuid, date, status],
                )
                .map_err(sql)?;
            }
            tx.execute(
                &format!("UPDATE turfs SET team_uuid = ?1, status = ?2, \
                 updated_at = {NOW} WHERE uuid = ?3"),
                params![team_uuid, status, turf_uuid],
            )
            .map_err(sql)?;
            Ok(())
        })
    }
}

impl Campaign {
    /// The live teams, by name.
    pub fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT uuid, name, colour, size FROM teams WHERE deleted_at IS NULL ORDER BY name",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(Team {
                uuid: r.get(0)?,
                name: r.get(1)?,
                colour: r.get(2)?,
                size: r.get(3)?,
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| self.err(e))
    }

    /// The live assignments of live turfs and teams, by date; a date the file holds that is
    /// not a calendar day is said, not skipped.
    pub fn assignments(&self) -> Result<Vec<Assignment>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT a.turf_uuid, a.team_uuid, a.date, a.status FROM assignments a \
                 JOIN turfs t ON t.uuid = a.turf_uuid AND t.deleted_at IS NULL \
                 JOIN teams m ON m.uuid = a.team_uuid AND m.deleted_at IS NULL \
                 WHERE a.deleted_at IS NULL ORDER BY a.date, t.name",
            )
            .map_err(q)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, TurfId>(0)?,
                    r.get::<_, TeamId>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, TurfStatus>(3)?,
                ))
            })
            .map_err(q)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(q)?;
        rows.into_iter()
            .map(|(turf, team, date, status)| {
                let date = Date::parse(&date).map_err(|e| StoreError::Invalid {
                    path: self.path.clone(),
                    detail: format!("an assignment's date: {e}"),
                })?;
                Ok(Assignment {
                    turf,
                    team,
                    date,
                    status,
                })
            })
            .collect()
    }

    /// The team UUID and status of a turf.
    pub fn turf_assignment(
        &self,
        turf_uuid: &TurfId,
    ) -> Result<(Option<TeamId>, TurfStatus), StoreError> {
        self.conn()
            .query_row(
                "SELECT team_uuid, status FROM turfs WHERE uuid = ?1",
                [turf_uuid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))
    }

    /// Sets a turf's team and status directly (undo and redo of assignments).
    pub fn set_turf_assignment(
        &mut self,
        turf_uuid: &TurfId,
        team_uuid: Option<&TeamId>,
        status: TurfStatus,
    ) -> Result<(), StoreError> {
        self.write_one(
            &format!(
                "UPDATE turfs SET team_uuid = ?1, status = ?2, \
             updated_at = {NOW} WHERE uuid = ?3"
            ),
            params![team_uuid, status, turf_uuid],
        )
    }

    /// Tombstones a team (undone by [`Campaign::restore_team`]).
    pub fn delete_team(&mut self, uuid: &TeamId) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            tx.execute(
                &format!(
                    "UPDATE teams SET deleted_at = {NOW}, \
                 updated_at = {NOW} WHERE uuid = ?1"
                ),
                [uuid],
            )
            .map_err(sql)?;
            tombstone_assignments(tx, "team_uuid", uuid.as_str()).map_err(sql)?;
            Ok(())
        })
    }

    /// Renames and recolours a team.
    pub fn update_team(
        &mut self,
        uuid: &TeamId,
        name: &str,
        colour: Option<Colour>,
    ) -> Result<(), StoreError> {
        self.rename("teams", "team", uuid.as_str(), name, colour)
    }

    /// Renames and recolours a turf or team; another of the same kind with the name is refused.
    pub(in crate::store) fn rename(
        &mut self,
        table: &str,
        kind: &'static str,
        uuid: &str,
        name: &str,
        colour: Option<Colour>,
    ) -> Result<(), StoreError> {
        let name = clean_name(name, kind).map_err(|e| self.invalid(&e.to_string()))?;
        let colour = colour.map(|c| c.to_string());
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            if let Some(other) = name_taken(tx, table, name, Some(uuid)).map_err(sql)? {
                return Err(StoreError::Refused {
                    path: path.clone(),
                    detail: format!("a {kind} named {other:?} already exists"),
                });
            }
            tx.execute(
                &format!(
                    "UPDATE {table} SET name = ?2, colour = ?3, \
                     updated_at = {NOW} WHERE uuid = ?1"
                ),
                params![uuid, name, colour],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// Brings a tombstoned team back.
    pub fn restore_team(&mut self, uuid: &TeamId) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            undelete(tx, "teams", "team_uuid", uuid.as_str()).map_err(sql)?;
            Ok(())
        })
    }
}

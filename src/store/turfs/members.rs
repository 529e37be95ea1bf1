//! Turf members: creating a turf of precincts or doors, moving members between turfs,
//! merging, splitting along a line, renaming.

use crate::store::NOW;
use rusqlite::{OptionalExtension as _, params};

use super::{name_taken, refresh_turf};
use crate::domain::colour::Colour;
use crate::domain::name::clean_name;
use crate::domain::turf;
use crate::domain::turf::{Turf, TurfId};
use crate::store::{Campaign, StoreError};

impl Campaign {
    /// Creates a turf of the precincts `codes`. Precincts already in another turf are refused
    /// (listed in the error) unless `take` moves them here; a turf emptied that way is
    /// tombstoned.
    pub fn create_turf(
        &mut self,
        name: &str,
        codes: &[String],
        take: bool,
    ) -> Result<Turf, StoreError> {
        if codes.is_empty() {
            return Err(self.invalid("a turf needs at least one precinct"));
        }
        let mut uuids = Vec::with_capacity(codes.len());
        for code in codes {
            let Some(p) = self.precinct_uuid(code)? else {
                return Err(self.invalid(&format!("no precinct with code {code:?}")));
            };
            uuids.push(p);
        }
        self.create_member_turf(name, Member::Precinct, &uuids, codes, take)
    }

    /// Creates a turf of the members `uuids` (precincts or doors; `labels` name them in
    /// errors), in one transaction. Members already in another turf are refused, listed,
    /// unless `take` moves them here; every turf they leave is refreshed.
    fn create_member_turf(
        &mut self,
        name: &str,
        kind: Member,
        uuids: &[String],
        labels: &[String],
        take: bool,
    ) -> Result<Turf, StoreError> {
        let name = clean_name(name, "turf").map_err(|e| self.invalid(&e.to_string()))?;
        let column = kind.column();
        let path = self.path.clone();
        let invalid = |detail: String| StoreError::Refused {
            path: path.clone(),
            detail,
        };
        let sql = |e| StoreError::sqlite(&path, e);
        let uuid = self.write(|tx| {
            if let Some(other) = name_taken(tx, "turfs", name, None).map_err(sql)? {
                return Err(invalid(format!("a turf named {other:?} already exists")));
            }
            let taken = owners(tx, kind, uuids).map_err(sql)?;
            if !taken.is_empty() && !take {
                return Err(already_in_turf(&path, kind, &taken, labels));
            }
            let mut touched: Vec<String> = Vec::new();
            for (i, turf_uuid, _) in &taken {
                tx.execute(
                    &format!(
                        "UPDATE turf_members SET deleted_at = {NOW}, \
                         updated_at = {NOW} \
                         WHERE deleted_at IS NULL AND turf_uuid = ?1 AND {column} = ?2"
                    ),
                    params![turf_uuid, uuids[*i]],
                )
                .map_err(sql)?;
                if !touched.contains(turf_uuid) {
                    touched.push(turf_uuid.clone());
                }
            }
            let uuid = uuid::Uuid::new_v4().to_string();
            tx.execute(
                "INSERT INTO turfs (uuid, name) VALUES (?1, ?2)",
                params![uuid, name],
            )
            .map_err(sql)?;
            for member in uuids {
                tx.execute(
                    &format!(
                        "INSERT INTO turf_members (uuid, turf_uuid, {column}) VALUES (?1, ?2, ?3)"
                    ),
                    params![uuid::Uuid::new_v4().to_string(), uuid, member],
                )
                .map_err(sql)?;
            }
            touched.push(uuid.clone());
            for t in &touched {
                refresh_turf(tx, t).map_err(sql)?;
            }
            Ok(uuid)
        })?;
        self.turfs()?
            .into_iter()
            .find(|t| t.uuid.as_str() == uuid)
            .ok_or_else(|| self.invalid("the new turf could not be read back"))
    }
}

impl Campaign {
    /// Moves the precincts `codes` into an existing turf. Precincts in another turf are
    /// refused (listed in the error) unless `take` moves them here; a turf emptied that way is
    /// tombstoned.
    pub fn add_to_turf(
        &mut self,
        turf_uuid: &TurfId,
        codes: &[String],
        take: bool,
    ) -> Result<(), StoreError> {
        self.edit_members(turf_uuid, codes, Some(take))
    }

    /// Takes the precincts `codes` out of a turf (an emptied turf is tombstoned).
    pub fn remove_from_turf(
        &mut self,
        turf_uuid: &TurfId,
        codes: &[String],
    ) -> Result<(), StoreError> {
        self.edit_members(turf_uuid, codes, None)
    }

    /// Adds precincts (`Some(take)`) or takes them out (`None`).
    fn edit_members(
        &mut self,
        turf_uuid: &TurfId,
        codes: &[String],
        add: Option<bool>,
    ) -> Result<(), StoreError> {
        let mut uuids = Vec::with_capacity(codes.len());
        let mut labels = Vec::with_capacity(codes.len());
        let mut unknown = Vec::new();
        for code in codes {
            match self.precinct_uuid(code)? {
                Some(uuid) if !uuids.contains(&uuid) => {
                    uuids.push(uuid);
                    labels.push(code.clone());
                }
                Some(_) => {}
                None => unknown.push(code.as_str()),
            }
        }
        if !unknown.is_empty() {
            return Err(self.invalid(&format!(
                "no precinct has the code {}; nothing was changed",
                unknown.join(", ")
            )));
        }
        self.move_members(turf_uuid, Member::Precinct, &uuids, &labels, add)
    }

    /// Moves members (precincts or doors, by UUID; `labels` name them in errors) into a turf
    /// (`Some(take)`: those in another turf are refused unless `take`), or takes them out of
    /// it (`None`); every turf touched is refreshed (an emptied one is tombstoned), in one
    /// transaction.
    fn move_members(
        &mut self,
        turf_uuid: &TurfId,
        kind: Member,
        uuids: &[String],
        labels: &[String],
        add: Option<bool>,
    ) -> Result<(), StoreError> {
        let turf_uuid = turf_uuid.as_str();
        let column = kind.column();
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            if add == Some(false) {
                let elsewhere: Vec<(usize, String, String)> = owners(tx, kind, uuids)
                    .map_err(sql)?
                    .into_iter()
                    .filter(|(_, owner, _)| owner != turf_uuid)
                    .collect();
                if !elsewhere.is_empty() {
                    return Err(already_in_turf(&path, kind, &elsewhere, labels));
                }
            }
            let add = add.is_some();
            let mut touched = vec![turf_uuid.to_owned()];
            for member in uuids {
                let owner: Option<String> = tx
                    .query_row(
                        &format!("SELECT turf_uuid FROM turf_members WHERE {column} = ?1 AND deleted_at IS NULL"),
                        [member],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(sql)?;
                let release = match (&owner, add) {
                    (Some(o), true) => o != turf_uuid,
                    (Some(o), false) => o == turf_uuid,
                    (None, _) => false,
                };
                if release {
                    tx.execute(
                        &format!(
                            "UPDATE turf_members SET deleted_at = {NOW}, \
                             updated_at = {NOW} \
                             WHERE {column} = ?1 AND deleted_at IS NULL"
                        ),
                        [member],
                    )
                    .map_err(sql)?;
                    if let Some(o) = owner.clone()
                        && !touched.contains(&o) {
                            touched.push(o);
                        }
                }
                if add && owner.as_deref() != Some(turf_uuid) {
                    tx.execute(
                        &format!("INSERT INTO turf_members (uuid, turf_uuid, {column}) VALUES (?1, ?2, ?3)"),
                        params![uuid::Uuid::new_v4().to_string(), turf_uuid, member],
                    )
                    .map_err(sql)?;
                }
            }
            for t in &touched {
                refresh_turf(tx, t).map_err(sql)?;
            }
            Ok(())
        })
    }

    /// Moves every member of turf `from` into turf `into`; `from` is tombstoned.
    pub fn merge_turfs(&mut self, into: &TurfId, from: &TurfId) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            tx.execute(
                &format!(
                    "UPDATE turf_members SET turf_uuid = ?1, updated_at = {NOW} \
                 WHERE turf_uuid = ?2 AND deleted_at IS NULL"
                ),
                params![into, from],
            )
            .map_err(sql)?;
            refresh_turf(tx, from.as_str()).map_err(sql)?;
            refresh_turf(tx, into.as_str()).map_err(sql)?;
            Ok(())
        })
    }

    /// Renames and recolours a turf.
    pub fn update_turf(
        &mut self,
        uuid: &TurfId,
        name: &str,
        colour: Option<Colour>,
    ) -> Result<(), StoreError> {
        self.rename("turfs", "turf", uuid.as_str(), name, colour)
    }
}

impl Campaign {
    /// Splits a turf along a line (`"lon lat"` points, two or more): its precincts whose
    /// representative point lies left of the line (walking from its first point to its last)
    /// move to a new turf named `new_name`. Returns the new turf's UUID.
    pub fn split_turf(
        &mut self,
        uuid: &TurfId,
        line: &[(f64, f64)],
        new_name: &str,
    ) -> Result<TurfId, StoreError> {
        use geo::InteriorPoint as _;
        let invalid = |detail: String| StoreError::Refused {
            path: self.path.clone(),
            detail,
        };
        if line.len() < 2 {
            return Err(invalid("a split line needs two points or more".to_owned()));
        }
        let turf = self
            .turfs()?
            .into_iter()
            .find(|t| t.uuid == *uuid)
            .ok_or_else(|| invalid(format!("no turf {uuid}")))?;
        let precincts = self.precincts()?;
        let left: Vec<String> = precincts
            .iter()
            .filter(|p| turf.precincts.contains(&p.code))
            .filter(|p| {
                p.geometry
                    .interior_point()
                    .is_some_and(|c| turf::side_of_line(line, (c.x(), c.y())) > 0.0)
            })
            .map(|p| p.code.clone())
            .collect();
        if left.is_empty() || left.len() == turf.precincts.len() {
            return Err(invalid(format!(
                "the line leaves every precinct of {} on one side; draw it across the turf",
                turf.name
            )));
        }
        Ok(self.create_turf(new_name, &left, true)?.uuid)
    }
}

impl Campaign {
    /// The UUID of the live precinct with this code, if there is one.
    fn precinct_uuid(&self, code: &str) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_row(
                "SELECT uuid FROM precincts WHERE code = ?1 AND deleted_at IS NULL",
                [code],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Creates a turf of single doors (by UUID); doors already in another turf are moved
    /// when `take`, else refused.
    pub fn create_door_turf(
        &mut self,
        name: &str,
        doors: &[String],
        take: bool,
    ) -> Result<Turf, StoreError> {
        if doors.is_empty() {
            return Err(self.invalid("a turf needs at least one door"));
        }
        let labels: Vec<String> = doors.iter().map(|d| format!("door {d}")).collect();
        self.create_member_turf(name, Member::Door, doors, &labels, take)
    }
}

impl Campaign {
    /// Moves single doors (by UUID) into a turf, taking them from any other turf.
    pub fn add_doors_to_turf(
        &mut self,
        turf_uuid: &TurfId,
        doors: &[String],
    ) -> Result<(), StoreError> {
        self.move_members(turf_uuid, Member::Door, doors, doors, Some(true))
    }

    /// Takes single doors (by UUID) out of a turf.
    pub fn remove_doors_from_turf(
        &mut self,
        turf_uuid: &TurfId,
        doors: &[String],
    ) -> Result<(), StoreError> {
        self.move_members(turf_uuid, Member::Door, doors, doors, None)
    }
}

/// What a turf member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Member {
    /// A whole precinct.
    Precinct,
    /// A single door.
    Door,
}

impl Member {
    /// How errors name several of them.
    pub(in crate::store) fn plural(self) -> &'static str {
        match self {
            Self::Precinct => "precincts",
            Self::Door => "doors",
        }
    }

    /// Its column in `turf_members`.
    pub(in crate::store) fn column(self) -> &'static str {
        match self {
            Self::Precinct => "precinct_uuid",
            Self::Door => "door_uuid",
        }
    }
}

/// The members (by position in `uuids`) that are in a live turf already, with its UUID and
/// name.
fn owners(
    tx: &rusqlite::Transaction<'_>,
    kind: Member,
    uuids: &[String],
) -> rusqlite::Result<Vec<(usize, String, String)>> {
    let column = kind.column();
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT t.uuid, t.name FROM turf_members m JOIN turfs t ON t.uuid = m.turf_uuid \
         WHERE m.{column} = ?1 AND m.deleted_at IS NULL AND t.deleted_at IS NULL"
    ))?;
    let mut out = Vec::new();
    for (i, member) in uuids.iter().enumerate() {
        let owner: Option<(String, String)> = stmt
            .query_row([member], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((uuid, name)) = owner {
            out.push((i, uuid, name));
        }
    }
    Ok(out)
}

/// The refusal of members that are in another turf, each named by its label.
fn already_in_turf(
    path: &std::path::Path,
    kind: Member,
    taken: &[(usize, String, String)],
    labels: &[String],
) -> StoreError {
    StoreError::AlreadyInTurf {
        path: path.to_path_buf(),
        what: kind.plural(),
        taken: taken
            .iter()
            .map(|(i, _, turf)| (labels.get(*i).cloned().unwrap_or_default(), turf.clone()))
            .collect(),
    }
}

//! Turfs, teams and assignments in the campaign file. Every edit is one transaction; a
//! precinct is in one turf at most.

use rusqlite::{OptionalExtension as _, params};

use super::{Campaign, StoreError, gpkg};
use crate::domain::colour::Colour;
use crate::domain::date::Date;
use crate::domain::name::clean_name;
use crate::domain::turf::{self, PrecinctFigures, TurfStats, TurfStatus};

impl rusqlite::types::ToSql for TurfStatus {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for TurfStatus {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        TurfStatus::parse(text).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

/// A turf as listed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TurfInfo {
    /// Its stable identifier.
    pub uuid: String,
    /// Its name.
    pub name: String,
    /// The team it is assigned to, if any.
    pub team: Option<String>,
    /// Its own colour, `#rrggbb`, if one was chosen.
    pub colour: Option<String>,
    /// Where it stands.
    pub status: TurfStatus,
    /// Its precincts' codes.
    pub precincts: Vec<String>,
    /// Its figures.
    pub stats: TurfStats,
    /// Its outline (longitude/latitude), for drawing.
    #[serde(skip)]
    pub outline: Option<geo_types::MultiPolygon<f64>>,
}

impl Campaign {
    /// Creates a turf of the precincts `codes`. Precincts already in another turf are refused
    /// (listed in the error) unless `take` moves them here; a turf emptied that way is
    /// tombstoned.
    pub fn create_turf(
        &mut self,
        name: &str,
        codes: &[String],
        take: bool,
    ) -> Result<TurfInfo, StoreError> {
        if codes.is_empty() {
            return Err(self.invalid("a turf needs at least one precinct"));
        }
        let mut uuids = Vec::with_capacity(codes.len());
        for code in codes {
            let p: Option<String> = self
                .conn()
                .query_row(
                    "SELECT uuid FROM precincts WHERE code = ?1 AND deleted_at IS NULL",
                    [code],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| self.err(e))?;
            let Some(p) = p else {
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
    ) -> Result<TurfInfo, StoreError> {
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
            // (member, owning turf, its name) for members already in a turf.
            let mut taken: Vec<(usize, String, String)> = Vec::new();
            for (i, member) in uuids.iter().enumerate() {
                let other: Option<(String, String)> = tx
                    .query_row(
                        &format!(
                            "SELECT t.uuid, t.name FROM turf_members m JOIN turfs t ON t.uuid = m.turf_uuid \
                             WHERE m.{column} = ?1 AND m.deleted_at IS NULL AND t.deleted_at IS NULL"
                        ),
                        [member],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()
                    .map_err(sql)?;
                if let Some((t, tname)) = other {
                    taken.push((i, t, tname));
                }
            }
            if !taken.is_empty() && !take {
                let list: Vec<String> = taken
                    .iter()
                    .map(|(i, _, t)| format!("{} (in {t})", labels.get(*i).map_or("?", String::as_str)))
                    .collect();
                return Err(invalid(format!(
                    "{} {} are already in a turf: {}; move them with --move",
                    taken.len(),
                    kind.plural(),
                    list.join(", ")
                )));
            }
            let mut touched: Vec<String> = Vec::new();
            for (i, turf_uuid, _) in &taken {
                tx.execute(
                    &format!(
                        "UPDATE turf_members SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
                         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
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
                    &format!("INSERT INTO turf_members (uuid, turf_uuid, {column}) VALUES (?1, ?2, ?3)"),
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
            .find(|t| t.uuid == uuid)
            .ok_or_else(|| self.invalid("the new turf could not be read back"))
    }

    fn invalid(&self, detail: &str) -> StoreError {
        StoreError::Refused {
            path: self.path.clone(),
            detail: detail.to_owned(),
        }
    }

    /// The live turfs, by name.
    pub fn turfs(&self) -> Result<Vec<TurfInfo>, StoreError> {
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
            out.push(TurfInfo {
                uuid,
                name,
                team,
                colour,
                status,
                precincts: codes,
                stats,
                outline: Some(outline).filter(|o| !o.0.is_empty()),
            });
        }
        Ok(out)
    }

    /// Creates a team; a live team of the same name is refused.
    pub fn create_team(
        &mut self,
        name: &str,
        colour: Option<Colour>,
        size: Option<i64>,
    ) -> Result<String, StoreError> {
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
            Ok(uuid)
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
            let team_uuid: Option<String> = tx
                .query_row(
                    "SELECT uuid FROM teams WHERE lower(trim(name)) = lower(trim(?1)) AND deleted_at IS NULL",
                    [team],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?;
            let Some(team_uuid) = team_uuid else {
                return Err(invalid(format!("no team named {team:?}")));
            };
            let turf_uuid: Option<String> = tx
                .query_row(
                    "SELECT uuid FROM turfs WHERE lower(trim(name)) = lower(trim(?1)) AND deleted_at IS NULL",
                    [turf_name],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?;
            let Some(turf_uuid) = turf_uuid else {
                return Err(invalid(format!("no turf named {turf_name:?}")));
            };
            // The same team on the same turf and day is one assignment: given again, its status
            // is updated, never a second row.
            let updated = tx
                .execute(
                    "UPDATE assignments SET status = ?4, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
                     WHERE turf_uuid = ?1 AND team_uuid = ?2 AND date = ?3 AND deleted_at IS NULL",
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
                "UPDATE turfs SET team_uuid = ?1, status = ?2, \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?3",
                params![team_uuid, status, turf_uuid],
            )
            .map_err(sql)?;
            Ok(())
        })
    }
}

/// The name of another live row of `table` (turfs or teams) that has `name` in any case, if
/// one does: names say which turf or team a command means, so they are unique per kind.
fn name_taken(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    name: &str,
    except: Option<&str>,
) -> rusqlite::Result<Option<String>> {
    tx.query_row(
        &format!(
            "SELECT name FROM {table} WHERE lower(trim(name)) = lower(trim(?1)) \
             AND deleted_at IS NULL AND uuid IS NOT ?2 LIMIT 1"
        ),
        params![name, except],
        |r| r.get(0),
    )
    .optional()
}

/// The campaign's voters per household (doors are estimated from it where no door points
/// exist): `campaign_meta.voters_per_household`, or the default.
fn voters_per_household(conn: &rusqlite::Connection) -> f64 {
    conn.query_row(
        "SELECT value FROM campaign_meta WHERE key = 'voters_per_household'",
        [],
        |r| r.get::<_, String>(0),
    )
    .ok()
    .and_then(|v| v.parse::<f64>().ok())
    .filter(|v| *v > 0.0 && v.is_finite())
    .unwrap_or(turf::DEFAULT_VOTERS_PER_HOUSEHOLD)
}

impl Campaign {
    /// Voters per household, used to estimate doors where no door points exist.
    #[must_use]
    pub fn voters_per_household(&self) -> f64 {
        voters_per_household(self.conn())
    }

    /// Sets the voters per household (a campaign setting) and updates every turf's figures.
    pub fn set_voters_per_household(&mut self, value: f64) -> Result<(), StoreError> {
        let path = self.path.clone();
        if !(value.is_finite() && (0.5..=10.0).contains(&value)) {
            return Err(StoreError::Refused {
                path,
                detail: format!("{value} voters per household: give a number between 0.5 and 10"),
            });
        }
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO campaign_meta (key, value) VALUES ('voters_per_household', ?1) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [value.to_string()],
            )
            .map_err(sql)?;
            let turfs: Vec<String> = tx
                .prepare("SELECT uuid FROM turfs WHERE deleted_at IS NULL")
                .map_err(sql)?
                .query_map([], |r| r.get(0))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?;
            for t in &turfs {
                refresh_turf(tx, t).map_err(sql)?;
            }
            Ok(())
        })
    }
}

/// The election whose registered voters stand in for a precinct's own figure when the shapes
/// file had none: the latest (by date, then by import) that has registered voters.
const REGISTERED_ELECTION: &str = "(SELECT e.id FROM elections e WHERE e.deleted_at IS NULL \
     AND EXISTS (SELECT 1 FROM results_totals x WHERE x.election_id = e.id \
     AND x.registered IS NOT NULL) ORDER BY e.date DESC, e.id DESC LIMIT 1)";

/// A turf's precinct codes and figures (registered voters from the shapes file, else from the
/// latest election that has them).
fn members(
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
        .query_map([turf], |r| {
            Ok((
                r.get::<_, String>(0)?,
                PrecinctFigures {
                    doors_counted: r.get(1)?,
                    registered: r.get(2)?,
                    priority: r.get(3)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().unzip())
}

impl Campaign {
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
        stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                PrecinctFigures {
                    doors_counted: r.get(1)?,
                    registered: r.get(2)?,
                    priority: r.get(3)?,
                },
            ))
        })
        .map_err(q)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(q)
    }
}

/// Tombstones the live assignments of a turf or team (`column` says which) that was deleted.
fn tombstone_assignments(
    tx: &rusqlite::Transaction<'_>,
    column: &str,
    uuid: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        &format!(
            "UPDATE assignments SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
             WHERE {column} = ?1 AND deleted_at IS NULL"
        ),
        [uuid],
    )?;
    Ok(())
}

/// Brings back the assignments of a restored turf or team: those tombstoned when it was.
fn restore_assignments(
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
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
             WHERE {column} = ?1 AND deleted_at >= ?2 AND EXISTS \
             (SELECT 1 FROM {table} WHERE uuid = ?1 AND deleted_at IS NULL)"
        ),
        params![uuid, since],
    )?;
    Ok(())
}

/// Brings back a tombstoned turf or team (`table`; `column` names it in assignments) with
/// the assignments tombstoned with it.
fn undelete(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    column: &str,
    uuid: &str,
) -> rusqlite::Result<()> {
    let since = deleted_at(tx, table, uuid)?;
    tx.execute(
        &format!(
            "UPDATE {table} SET deleted_at = NULL, \
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?1"
        ),
        [uuid],
    )?;
    restore_assignments(tx, table, column, uuid, since.as_deref())
}

/// When a turf or team was tombstoned, if it is.
fn deleted_at(
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

/// Refreshes a turf's outline and figures after its members changed, or tombstones it (and
/// its assignments) when it has none left.
pub(super) fn refresh_turf(tx: &rusqlite::Transaction<'_>, uuid: &str) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT p.geom FROM turf_members m JOIN precincts p ON p.uuid = m.precinct_uuid \
         WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND p.deleted_at IS NULL",
    )?;
    let outlines: Vec<geo_types::MultiPolygon<f64>> = stmt
        .query_map([uuid], |r| r.get::<_, Option<Vec<u8>>>(0))?
        .filter_map(|b| b.ok().flatten().and_then(|b| gpkg::decode_polygons(&b)))
        .collect();
    drop(stmt);
    if outlines.is_empty() {
        // A turf of doors: its outline is their hull, its count their households.
        let mut doors = tx.prepare_cached(
            "SELECT d.geom, d.households FROM turf_members m JOIN doors d ON d.uuid = m.door_uuid \
             WHERE m.turf_uuid = ?1 AND m.deleted_at IS NULL AND d.deleted_at IS NULL",
        )?;
        let rows: Vec<(Option<Vec<u8>>, i64)> = doors
            .query_map([uuid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(doors);
        let points: Vec<geo_types::Point<f64>> = rows
            .iter()
            .filter_map(|(b, _)| match b.as_deref().map(gpkg::decode) {
                Some(Ok(geo_types::Geometry::Point(p))) => Some(p),
                _ => None,
            })
            .collect();
        if !points.is_empty() {
            use geo::ConvexHull as _;
            let hull = geo_types::MultiPoint(points).convex_hull();
            let blob = gpkg::encode_multipolygon(&geo_types::MultiPolygon(vec![hull]))
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            let households: i64 = rows.iter().map(|r| r.1).sum();
            tx.execute(
                "UPDATE turfs SET geom = ?1, door_count = ?2, doors_estimated = 0, \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?3",
                params![blob, households, uuid],
            )?;
            return Ok(());
        }
    }
    if outlines.is_empty() {
        // A tombstone keeps its identity for merges but no geometry, so GIS tools that read the
        // layer draw nothing for it.
        tx.execute(
            "UPDATE turfs SET geom = NULL, deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?1",
            [uuid],
        )?;
        return tombstone_assignments(tx, "turf_uuid", uuid);
    }
    let refs: Vec<&geo_types::MultiPolygon<f64>> = outlines.iter().collect();
    let outline = turf::outline(&refs);
    let (_, figures) = members(tx, uuid)?;
    let stats = turf::stats(&figures, &outline, voters_per_household(tx));
    let blob = gpkg::encode_multipolygon(&outline)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.execute(
        "UPDATE turfs SET geom = ?1, door_count = ?2, doors_estimated = ?3, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?4",
        params![blob, stats.doors, stats.doors_estimated, uuid],
    )?;
    let mut extent: Option<geo_types::Rect<f64>> = None;
    let mut all = tx.prepare_cached("SELECT geom FROM turfs WHERE deleted_at IS NULL")?;
    for blob in all.query_map([], |r| r.get::<_, Option<Vec<u8>>>(0))? {
        if let Some(r) = blob?.as_deref().and_then(gpkg::blob_envelope) {
            gpkg::extend(&mut extent, r);
        }
    }
    if let Some(r) = extent {
        tx.execute(
            "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4, \
             last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'turfs'",
            params![r.min().x, r.min().y, r.max().x, r.max().y],
        )?;
    }
    Ok(())
}

/// What an auto-cut made.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct AutocutReport {
    /// Turfs created.
    pub turfs: usize,
    /// Precincts cut.
    pub precincts: usize,
    /// Precincts left out because they are already in a turf.
    pub already_in_turfs: Vec<String>,
    /// Doors (households) in the new turfs.
    pub doors: i64,
    /// Turf sizes, smallest and largest.
    pub smallest: i64,
    /// The largest turf.
    pub largest: i64,
}

impl Campaign {
    /// Cuts the precincts `within` (all when `None`) that are in no turf yet into turfs of
    /// about `target` doors named "`prefix` 1", "`prefix` 2"…, in one transaction.
    pub fn autocut(
        &mut self,
        target: i64,
        within: Option<&[String]>,
        prefix: &str,
    ) -> Result<AutocutReport, StoreError> {
        use crate::domain::autocut::{CutPrecinct, autocut};
        use geo::InteriorPoint as _;
        // The names made are "PREFIX 12": the prefix is held to a name's rules, with room for
        // the number.
        let prefix = clean_name(prefix, "turf").map_err(|e| self.invalid(&e.to_string()))?;
        if prefix.chars().count() > crate::domain::name::MAX_NAME_CHARS - 8 {
            return Err(self.invalid("the turfs' name prefix is too long"));
        }
        let q = |e| self.err(e);
        let precincts = self.precincts()?;
        let (uuids, taken): (Vec<String>, Vec<bool>) = {
            let mut stmt = self
                .conn()
                .prepare(
                    "SELECT uuid, EXISTS (SELECT 1 FROM turf_members m JOIN turfs t ON t.uuid = m.turf_uuid \
                     WHERE m.precinct_uuid = p.uuid AND m.deleted_at IS NULL AND t.deleted_at IS NULL) \
                     FROM precincts p WHERE deleted_at IS NULL ORDER BY fid",
                )
                .map_err(q)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))
                .map_err(q)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(q)?;
            rows.into_iter().unzip()
        };
        let position: std::collections::HashMap<&str, usize> = uuids
            .iter()
            .enumerate()
            .map(|(i, u)| (u.as_str(), i))
            .collect();
        // Door points, tied to their precinct (doors already in a turf are left alone).
        let mut points = Vec::new();
        let mut door_uuids = Vec::new();
        let mut doors_of: Vec<Vec<(usize, i64)>> = vec![Vec::new(); precincts.len()];
        {
            let mut stmt = self
                .conn()
                .prepare(
                    "SELECT d.uuid, d.geom, d.households, d.precinct_uuid FROM doors d \
                     WHERE d.deleted_at IS NULL AND d.precinct_uuid IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM turf_members m WHERE m.door_uuid = d.uuid AND m.deleted_at IS NULL)",
                )
                .map_err(q)?;
            let mut rows = stmt.query([]).map_err(q)?;
            while let Some(row) = rows.next().map_err(q)? {
                let blob: Option<Vec<u8>> = row.get(1).map_err(q)?;
                let Some(geo_types::Geometry::Point(p)) = blob.and_then(|b| gpkg::decode(&b).ok())
                else {
                    continue;
                };
                let precinct: String = row.get(3).map_err(q)?;
                if let Some(&i) = position.get(precinct.as_str()) {
                    doors_of[i].push((points.len(), row.get(2).map_err(q)?));
                    points.push(p);
                    door_uuids.push(row.get::<_, String>(0).map_err(q)?);
                }
            }
        }
        // Where the shapes file gave no registered voters, the latest election's stand in.
        let from_results: std::collections::HashMap<String, i64> = {
            let mut stmt = self
                .conn()
                .prepare(&format!(
                    "SELECT precinct_code, registered FROM results_totals \
                     WHERE election_id = {REGISTERED_ELECTION} AND registered IS NOT NULL"
                ))
                .map_err(q)?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(q)?
                .collect::<rusqlite::Result<_>>()
                .map_err(q)?
        };
        let per_household = voters_per_household(self.conn());
        let mut report = AutocutReport::default();
        let mut offered = Vec::new();
        for (i, p) in precincts.iter().enumerate() {
            if within.is_some_and(|w| !w.contains(&p.code)) {
                continue;
            }
            if taken[i] {
                report.already_in_turfs.push(p.code.clone());
                continue;
            }
            let estimated = p
                .registered
                .or_else(|| from_results.get(&p.code).copied())
                .map_or(0, |r| turf::estimated_doors(r, per_household));
            offered.push(CutPrecinct {
                index: i,
                center: p
                    .geometry
                    .interior_point()
                    .unwrap_or_else(|| geo_types::Point::new(0.0, 0.0)),
                doors: std::mem::take(&mut doors_of[i]),
                estimated,
            });
        }
        report.precincts = offered.len();
        if precincts.is_empty() {
            return Err(
                self.invalid("the campaign has no precincts to cut: import precinct shapes first")
            );
        }
        if let Some(w) = within
            && !precincts.iter().any(|p| w.contains(&p.code))
        {
            return Err(self.invalid(&format!(
                "no precinct has the codes given to cut ({})",
                w.join(", ")
            )));
        }
        if !offered.is_empty()
            && offered
                .iter()
                .all(|p| p.doors.is_empty() && p.estimated == 0)
        {
            return Err(self.invalid(
                "no door is counted or can be estimated in these precincts: import door points \
                 (doors import), or registered voters (a registered-voters field in the shapes \
                 file, or results with registered voters)",
            ));
        }
        let cuts = autocut(&offered, &points, target);
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            // "Auto 1", "Auto 2"…, skipping numbers a turf already has (an earlier cut).
            let mut number = 0;
            for cut in &cuts {
                let turf_uuid = uuid::Uuid::new_v4().to_string();
                let name = loop {
                    number += 1;
                    let name = format!("{} {number}", prefix.trim());
                    if name_taken(tx, "turfs", &name, None).map_err(sql)?.is_none() {
                        break name;
                    }
                };
                tx.execute(
                    "INSERT INTO turfs (uuid, name) VALUES (?1, ?2)",
                    params![turf_uuid, name],
                )
                .map_err(sql)?;
                for &p in &cut.precincts {
                    tx.execute(
                        "INSERT INTO turf_members (uuid, turf_uuid, precinct_uuid) VALUES (?1, ?2, ?3)",
                        params![uuid::Uuid::new_v4().to_string(), turf_uuid, uuids[p]],
                    )
                    .map_err(sql)?;
                }
                for &d in &cut.doors {
                    tx.execute(
                        "INSERT INTO turf_members (uuid, turf_uuid, door_uuid) VALUES (?1, ?2, ?3)",
                        params![uuid::Uuid::new_v4().to_string(), turf_uuid, door_uuids[d]],
                    )
                    .map_err(sql)?;
                }
                if cut.doors.is_empty() {
                    refresh_turf(tx, &turf_uuid).map_err(sql)?;
                } else {
                    // A turf of doors: its outline is their hull.
                    use geo::ConvexHull as _;
                    let hull = geo_types::MultiPoint(cut.doors.iter().map(|&d| points[d]).collect()).convex_hull();
                    let blob = gpkg::encode_multipolygon(&geo_types::MultiPolygon(vec![hull]))
                        .map_err(|e| StoreError::Invalid { path: path.clone(), detail: e.to_string() })?;
                    tx.execute(
                        "UPDATE turfs SET geom = ?1, door_count = ?2, doors_estimated = 0 WHERE uuid = ?3",
                        params![blob, cut.size, turf_uuid],
                    )
                    .map_err(sql)?;
                }
                report.turfs += 1;
                report.doors += cut.size;
            }
            Ok(())
        })?;
        report.smallest = cuts.iter().map(|c| c.size).min().unwrap_or(0);
        report.largest = cuts.iter().map(|c| c.size).max().unwrap_or(0);
        Ok(report)
    }
}

/// A team as listed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TeamInfo {
    /// Its stable identifier.
    pub uuid: String,
    /// Its name.
    pub name: String,
    /// Its colour, `#rrggbb`.
    pub colour: Option<String>,
    /// How many canvassers.
    pub size: Option<i64>,
}

impl Campaign {
    /// Tombstones a turf and its memberships (undone by [`Campaign::restore_turf`]).
    pub fn delete_turf(&mut self, uuid: &str) -> Result<(), StoreError> {
        self.set_turf_deleted(uuid, true)
    }

    /// Brings back a tombstoned turf with the precincts it had, unless they have been put in
    /// another turf meanwhile.
    pub fn restore_turf(&mut self, uuid: &str) -> Result<(), StoreError> {
        self.set_turf_deleted(uuid, false)
    }

    fn set_turf_deleted(&mut self, uuid: &str, deleted: bool) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            if deleted {
                for table in ["turf_members", "turfs"] {
                    let key = if table == "turfs" { "uuid" } else { "turf_uuid" };
                    tx.execute(
                        &format!(
                            "UPDATE {table} SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
                             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
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
                    "UPDATE turf_members SET deleted_at = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
                     WHERE turf_uuid = ?1 AND deleted_at IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM turf_members o WHERE o.deleted_at IS NULL AND o.turf_uuid <> ?1 AND \
                      (o.precinct_uuid = turf_members.precinct_uuid OR o.door_uuid = turf_members.door_uuid))",
                    [uuid],
                )
                .map_err(sql)?;
                refresh_turf(tx, uuid).map_err(sql)?;
            }
            Ok(())
        })
    }

    /// The live teams, by name.
    pub fn teams(&self) -> Result<Vec<TeamInfo>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT uuid, name, colour, size FROM teams WHERE deleted_at IS NULL ORDER BY name",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(TeamInfo {
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

    /// The team UUID and status of a turf.
    pub fn turf_assignment(
        &self,
        turf_uuid: &str,
    ) -> Result<(Option<String>, TurfStatus), StoreError> {
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
        turf_uuid: &str,
        team_uuid: Option<&str>,
        status: TurfStatus,
    ) -> Result<(), StoreError> {
        self.write_one(
            "UPDATE turfs SET team_uuid = ?1, status = ?2, \
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?3",
            params![team_uuid, status, turf_uuid],
        )
    }

    /// Tombstones a team (undone by [`Campaign::restore_team`]).
    pub fn delete_team(&mut self, uuid: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            tx.execute(
                "UPDATE teams SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?1",
                [uuid],
            )
            .map_err(sql)?;
            tombstone_assignments(tx, "team_uuid", uuid).map_err(sql)?;
            Ok(())
        })
    }

    /// Renames and recolours a team.
    pub fn update_team(
        &mut self,
        uuid: &str,
        name: &str,
        colour: Option<Colour>,
    ) -> Result<(), StoreError> {
        self.rename("teams", "team", uuid, name, colour)
    }

    /// Renames and recolours a turf or team; another of the same kind with the name is refused.
    fn rename(
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
                     updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?1"
                ),
                params![uuid, name, colour],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// Brings a tombstoned team back.
    pub fn restore_team(&mut self, uuid: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            undelete(tx, "teams", "team_uuid", uuid).map_err(sql)?;
            Ok(())
        })
    }
}

/// A turf's row: name, colour, team, status, tombstoned.
type TurfRow = (String, Option<String>, Option<String>, TurfStatus, bool);

/// Everything about one turf that its edits change: the unit of undo and redo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurfState {
    /// The turf.
    pub uuid: String,
    /// Its name.
    pub name: String,
    /// Its colour.
    pub colour: Option<String>,
    /// Its team.
    pub team_uuid: Option<String>,
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
    pub fn turf_states(&self, uuids: &[String]) -> Result<Vec<TurfState>, StoreError> {
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
                    "UPDATE turf_members SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
                     updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE turf_uuid = ?1 AND deleted_at IS NULL",
                    [&s.uuid],
                )
                .map_err(sql)?;
            }
            for s in states {
                let since = deleted_at(tx, "turfs", &s.uuid).map_err(sql)?;
                tx.execute(
                    "UPDATE turfs SET name = ?2, colour = ?3, team_uuid = ?4, status = ?5, \
                     deleted_at = CASE WHEN ?6 THEN coalesce(deleted_at, strftime('%Y-%m-%dT%H:%M:%fZ','now')) END, \
                     updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE uuid = ?1",
                    params![s.uuid, s.name, s.colour, s.team_uuid, s.status, s.deleted],
                )
                .map_err(sql)?;
                if s.deleted {
                    tx.execute("UPDATE turfs SET geom = NULL WHERE uuid = ?1", [&s.uuid]).map_err(sql)?;
                    tombstone_assignments(tx, "turf_uuid", &s.uuid).map_err(sql)?;
                    continue;
                }
                restore_assignments(tx, "turfs", "turf_uuid", &s.uuid, since.as_deref())
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
                refresh_turf(tx, &s.uuid).map_err(sql)?;
            }
            Ok(())
        })
    }

    /// Moves the precincts `codes` into an existing turf (taking them from any other turf).
    pub fn add_to_turf(&mut self, turf_uuid: &str, codes: &[String]) -> Result<(), StoreError> {
        self.edit_members(turf_uuid, codes, true)
    }

    /// Takes the precincts `codes` out of a turf (an emptied turf is tombstoned).
    pub fn remove_from_turf(
        &mut self,
        turf_uuid: &str,
        codes: &[String],
    ) -> Result<(), StoreError> {
        self.edit_members(turf_uuid, codes, false)
    }

    fn edit_members(
        &mut self,
        turf_uuid: &str,
        codes: &[String],
        add: bool,
    ) -> Result<(), StoreError> {
        let mut uuids = Vec::with_capacity(codes.len());
        let mut unknown = Vec::new();
        for code in codes {
            let p: Option<String> = self
                .conn()
                .query_row(
                    "SELECT uuid FROM precincts WHERE code = ?1 AND deleted_at IS NULL",
                    [code],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| self.err(e))?;
            match p {
                Some(uuid) if !uuids.contains(&uuid) => uuids.push(uuid),
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
        self.move_members(turf_uuid, Member::Precinct, &uuids, add)
    }

    /// Moves members (precincts or doors, by UUID) into a turf, taking them from any other
    /// turf (`add`), or takes them out of it; every turf touched is refreshed (an emptied one
    /// is tombstoned), in one transaction.
    fn move_members(
        &mut self,
        turf_uuid: &str,
        kind: Member,
        uuids: &[String],
        add: bool,
    ) -> Result<(), StoreError> {
        let column = kind.column();
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
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
                            "UPDATE turf_members SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
                             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
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
    pub fn merge_turfs(&mut self, into: &str, from: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            tx.execute(
                "UPDATE turf_members SET turf_uuid = ?1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
                 WHERE turf_uuid = ?2 AND deleted_at IS NULL",
                params![into, from],
            )
            .map_err(sql)?;
            refresh_turf(tx, from).map_err(sql)?;
            refresh_turf(tx, into).map_err(sql)?;
            Ok(())
        })
    }

    /// Renames and recolours a turf.
    pub fn update_turf(
        &mut self,
        uuid: &str,
        name: &str,
        colour: Option<Colour>,
    ) -> Result<(), StoreError> {
        self.rename("turfs", "turf", uuid, name, colour)
    }
}

impl Campaign {
    /// Splits a turf along a line (`"lon lat"` points, two or more): its precincts whose
    /// representative point lies left of the line (walking from its first point to its last)
    /// move to a new turf named `new_name`. Returns the new turf's UUID.
    pub fn split_turf(
        &mut self,
        uuid: &str,
        line: &[(f64, f64)],
        new_name: &str,
    ) -> Result<String, StoreError> {
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
            .find(|t| t.uuid == uuid)
            .ok_or_else(|| invalid(format!("no turf {uuid}")))?;
        let precincts = self.precincts()?;
        let left: Vec<String> = precincts
            .iter()
            .filter(|p| turf.precincts.contains(&p.code))
            .filter(|p| {
                p.geometry
                    .interior_point()
                    .is_some_and(|c| side_of(line, (c.x(), c.y())) > 0.0)
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

/// Which side of a polyline a point lies: positive on the left, using the segment whose
/// projection is nearest.
fn side_of(line: &[(f64, f64)], p: (f64, f64)) -> f64 {
    let mut best = (f64::INFINITY, 0.0);
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        if len2 == 0.0 {
            continue;
        }
        let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
        let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
        let d2 = (p.0 - qx).powi(2) + (p.1 - qy).powi(2);
        if d2 < best.0 {
            best = (d2, dx * (p.1 - a.1) - dy * (p.0 - a.0));
        }
    }
    best.1
}

impl Campaign {
    /// Creates a turf of single doors (by UUID); doors already in another turf are moved
    /// when `take`, else refused.
    pub fn create_door_turf(
        &mut self,
        name: &str,
        doors: &[String],
        take: bool,
    ) -> Result<TurfInfo, StoreError> {
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
        turf_uuid: &str,
        doors: &[String],
    ) -> Result<(), StoreError> {
        self.move_members(turf_uuid, Member::Door, doors, true)
    }

    /// Takes single doors (by UUID) out of a turf.
    pub fn remove_doors_from_turf(
        &mut self,
        turf_uuid: &str,
        doors: &[String],
    ) -> Result<(), StoreError> {
        self.move_members(turf_uuid, Member::Door, doors, false)
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
    fn plural(self) -> &'static str {
        match self {
            Self::Precinct => "precincts",
            Self::Door => "doors",
        }
    }

    /// Its column in `turf_members`.
    fn column(self) -> &'static str {
        match self {
            Self::Precinct => "precinct_uuid",
            Self::Door => "door_uuid",
        }
    }
}

//! Team packs (DESIGN §11): a new campaign file holding only what one team needs: its turfs,
//! their doors, precincts and members, its assignments, the streets around its turfs, its
//! prints, the campaign's scripts and days, and the previous visit codes of its doors (notes
//! and support levels only when asked). Built through the normal create path with the allowed
//! rows copied in, never a copy of the master with rows deleted, then vacuumed: no free page
//! keeps another team's row.

use std::path::Path;

use geo::BoundingRect as _;
use rusqlite::params;

use super::{Campaign, StoreError};
use crate::domain::turf::TeamId;

/// What a pack may carry beyond visit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PackOptions {
    /// The visits' and sessions' free-text notes.
    pub include_notes: bool,
    /// The visits' support levels (political opinions: off unless asked).
    pub include_support: bool,
}

/// What a pack holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PackWritten {
    /// The team.
    pub team: String,
    /// Turfs.
    pub turfs: usize,
    /// Door points.
    pub doors: usize,
    /// Precincts.
    pub precincts: usize,
    /// Streets.
    pub streets: usize,
    /// Prints.
    pub prints: usize,
    /// Door visits (codes).
    pub visits: usize,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// The campaign a team pack belongs to (its uuid), read without opening the file as a
/// campaign (so an older pack is recognised too); `None` for anything else, or for what is not
/// a regular file.
#[must_use]
pub fn team_pack_campaign(path: &Path) -> Option<String> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let meta = |key: &str| -> Option<String> {
        conn.query_row(
            "SELECT value FROM campaign_meta WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .ok()
    };
    (meta("kind").as_deref() == Some("team_pack"))
        .then(|| meta("uuid"))
        .flatten()
}

/// The margin of streets kept around a pack's turfs, in metres.
const STREET_MARGIN_M: f64 = 200.0;

/// Campaign settings a pack carries.
const META_KEYS: [&str; 7] = [
    "voters_per_household",
    "notice",
    "sheet_script",
    "campaign_start",
    "election_day",
    "hlc_last",
    "created_by",
];

impl Campaign {
    /// Writes the team pack of `team` to `out` (a new file; an existing one is never touched).
    #[allow(clippy::too_many_lines)] // One INSERT … SELECT per table, in order.
    pub fn write_pack(
        &self,
        team: &TeamId,
        out: &Path,
        options: PackOptions,
    ) -> Result<PackWritten, StoreError> {
        if self.pack_team.is_some() {
            return Err(StoreError::Refused {
                path: self.path.clone(),
                detail: "this file is already a team pack: packs are made from the master"
                    .to_owned(),
            });
        }
        let team_name: String = self
            .conn()
            .query_row(
                "SELECT name FROM teams WHERE uuid = ?1 AND deleted_at IS NULL",
                [team],
                |r| r.get(0),
            )
            .map_err(|_| StoreError::Refused {
                path: self.path.clone(),
                detail: "no such team".to_owned(),
            })?;
        let turfs: i64 = self
            .conn()
            .query_row(
                "SELECT count(*) FROM turfs WHERE team_uuid = ?1 AND deleted_at IS NULL",
                [team],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if turfs == 0 {
            return Err(StoreError::Refused {
                path: self.path.clone(),
                detail: format!(
                    "the team {team_name:?} holds no turf: assign it turfs before making its pack"
                ),
            });
        }
        let campaign_uuid = self.meta("uuid")?.unwrap_or_default();
        let replica = self.replica()?;
        let name = self.name()?;
        // The streets kept: those meeting the team's turfs' box and a margin.
        let streets = self.pack_streets(team)?;
        let mut pack = Campaign::create(out, &name)?;
        let built = (|| -> Result<PackWritten, StoreError> {
            let out_path = pack.path.clone();
            let sql = |e| StoreError::sqlite(&out_path, e);
            let master = self.path.to_str().ok_or_else(|| StoreError::Invalid {
                path: self.path.clone(),
                detail: "the path is not valid Unicode".to_owned(),
            })?;
            pack.conn
                .execute("ATTACH DATABASE ?1 AS m", [master])
                .map_err(sql)?;
            let copied = pack.write(|tx| {
                let mut meta = tx
                    .prepare(
                        "INSERT INTO campaign_meta (key, value) VALUES (?1, ?2) \
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    )
                    .map_err(sql)?;
                for (k, v) in [
                    ("uuid", campaign_uuid.as_str()),
                    ("kind", "team_pack"),
                    ("pack_team_uuid", team.as_str()),
                    ("pack_team_name", team_name.as_str()),
                    ("pack_uuid", &uuid::Uuid::new_v4().to_string()),
                    // Rows edited after this moment on both sides are conflicts at merge.
                    (
                        "base_hlc",
                        &super::clock::format(time::OffsetDateTime::now_utc()),
                    ),
                    ("parent_replica_uuid", replica.as_str()),
                    (
                        "record_support",
                        if options.include_support { "1" } else { "0" },
                    ),
                    // What the pack carries of notes and support levels: a blank in a field
                    // it was made without is no edit at merge.
                    ("pack_notes", if options.include_notes { "1" } else { "0" }),
                    ("pack_support", if options.include_support { "1" } else { "0" }),
                ] {
                    meta.execute([k, v]).map_err(sql)?;
                }
                drop(meta);
                for key in META_KEYS {
                    tx.execute(
                        "INSERT INTO campaign_meta (key, value) SELECT key, value FROM m.campaign_meta \
                         WHERE key = ?1 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        [key],
                    )
                    .map_err(sql)?;
                }
                // The team's turfs, and what they are made of.
                tx.execute_batch(
                    "CREATE TEMP TABLE pack_turfs (uuid TEXT PRIMARY KEY);
                     CREATE TEMP TABLE pack_doors (uuid TEXT PRIMARY KEY);
                     CREATE TEMP TABLE pack_precincts (uuid TEXT PRIMARY KEY);",
                )
                .map_err(sql)?;
                tx.execute(
                    "INSERT INTO temp.pack_turfs SELECT uuid FROM m.turfs \
                     WHERE team_uuid = ?1 AND deleted_at IS NULL",
                    [team],
                )
                .map_err(sql)?;
                tx.execute_batch(
                    "INSERT OR IGNORE INTO temp.pack_doors SELECT door_uuid FROM m.turf_members \
                       WHERE door_uuid IS NOT NULL AND deleted_at IS NULL \
                       AND turf_uuid IN (SELECT uuid FROM temp.pack_turfs);
                     INSERT OR IGNORE INTO temp.pack_doors SELECT d.uuid FROM m.doors d \
                       JOIN m.turf_members t ON t.precinct_uuid = d.precinct_uuid \
                       WHERE t.deleted_at IS NULL AND d.deleted_at IS NULL \
                       AND t.turf_uuid IN (SELECT uuid FROM temp.pack_turfs);
                     INSERT OR IGNORE INTO temp.pack_precincts SELECT precinct_uuid FROM m.turf_members \
                       WHERE precinct_uuid IS NOT NULL AND deleted_at IS NULL \
                       AND turf_uuid IN (SELECT uuid FROM temp.pack_turfs);
                     INSERT OR IGNORE INTO temp.pack_precincts SELECT precinct_uuid FROM m.doors \
                       WHERE precinct_uuid IS NOT NULL \
                       AND uuid IN (SELECT uuid FROM temp.pack_doors);",
                )
                .map_err(sql)?;
                // No scores, classes or imported attributes travel: only what sheets need.
                tx.execute_batch(
                    "INSERT INTO main.precincts (geom, uuid, code, name, registered, doors, \
                       properties, updated_at, deleted_at) \
                       SELECT geom, uuid, code, name, registered, doors, '{}', updated_at, deleted_at \
                       FROM m.precincts WHERE uuid IN (SELECT uuid FROM temp.pack_precincts);
                     INSERT INTO main.turfs (geom, uuid, name, colour, team_uuid, status, \
                       door_count, doors_estimated, meeting_lon, meeting_lat, updated_at, deleted_at) \
                       SELECT geom, uuid, name, colour, team_uuid, status, door_count, \
                       doors_estimated, meeting_lon, meeting_lat, updated_at, deleted_at \
                       FROM m.turfs WHERE uuid IN (SELECT uuid FROM temp.pack_turfs);
                     INSERT INTO main.turf_members (uuid, turf_uuid, precinct_uuid, door_uuid, \
                       updated_at, deleted_at) \
                       SELECT uuid, turf_uuid, precinct_uuid, door_uuid, updated_at, deleted_at \
                       FROM m.turf_members WHERE deleted_at IS NULL \
                       AND turf_uuid IN (SELECT uuid FROM temp.pack_turfs);
                     INSERT INTO main.doors SELECT * FROM m.doors \
                       WHERE uuid IN (SELECT uuid FROM temp.pack_doors);
                     INSERT INTO main.prints SELECT * FROM m.prints \
                       WHERE turf_uuid IN (SELECT uuid FROM temp.pack_turfs);
                     INSERT INTO main.print_rows SELECT * FROM m.print_rows \
                       WHERE print_uuid IN (SELECT uuid FROM main.prints);",
                )
                .map_err(sql)?;
                tx.execute(
                    "INSERT INTO main.teams (uuid, name, colour, size, updated_at, deleted_at) \
                     SELECT uuid, name, colour, size, updated_at, deleted_at FROM m.teams \
                     WHERE uuid = ?1",
                    [team],
                )
                .map_err(sql)?;
                tx.execute(
                    "INSERT INTO main.assignments (uuid, turf_uuid, team_uuid, date, status, \
                     updated_at, deleted_at) SELECT uuid, turf_uuid, team_uuid, date, status, \
                     updated_at, deleted_at FROM m.assignments WHERE team_uuid = ?1 \
                     AND deleted_at IS NULL AND turf_uuid IN (SELECT uuid FROM temp.pack_turfs)",
                    [team],
                )
                .map_err(sql)?;
                // Previous visits of its doors: codes always; notes and support when asked.
                // Their versions are kept, so a visit sent back unchanged changes nothing.
                tx.execute(
                    "INSERT INTO main.door_visits (uuid, door_uuid, turf_uuid, team_uuid, \
                     print_uuid, visit_date, outcome, leaflet, support, note, source, \
                     replica_uuid, entered_at, updated_at, deleted_at) \
                     SELECT uuid, door_uuid, turf_uuid, team_uuid, print_uuid, visit_date, \
                     outcome, leaflet, CASE WHEN ?1 THEN support END, \
                     CASE WHEN ?2 THEN note ELSE '' END, source, replica_uuid, entered_at, \
                     updated_at, deleted_at FROM m.door_visits \
                     WHERE door_uuid IN (SELECT uuid FROM temp.pack_doors)",
                    params![options.include_support, options.include_notes],
                )
                .map_err(sql)?;
                tx.execute(
                    "INSERT INTO main.field_reports (uuid, turf_uuid, team_uuid, date, \
                     doors_knocked, doors_opened, quality, opponent_seen, notes, updated_at, \
                     deleted_at, print_uuid, start_time, end_time, canvassers, replica_uuid) \
                     SELECT uuid, turf_uuid, team_uuid, date, doors_knocked, doors_opened, \
                     quality, opponent_seen, CASE WHEN ?2 THEN notes ELSE '' END, updated_at, \
                     deleted_at, print_uuid, start_time, end_time, canvassers, replica_uuid \
                     FROM m.field_reports WHERE team_uuid = ?1 \
                     AND turf_uuid IN (SELECT uuid FROM temp.pack_turfs)",
                    params![team, options.include_notes],
                )
                .map_err(sql)?;
                let mut street = tx
                    .prepare(
                        "INSERT INTO main.streets (geom, name, highway, osm_id, source) \
                         SELECT geom, name, highway, osm_id, source FROM m.streets WHERE fid = ?1",
                    )
                    .map_err(sql)?;
                for fid in &streets {
                    street.execute([fid]).map_err(sql)?;
                }
                drop(street);
                let count = |table: &str| -> Result<usize, StoreError> {
                    tx.query_row(&format!("SELECT count(*) FROM main.{table}"), [], |r| {
                        r.get::<_, i64>(0)
                    })
                    .map(|n| usize::try_from(n).unwrap_or(0))
                    .map_err(sql)
                };
                let written = PackWritten {
                    team: team_name.clone(),
                    turfs: count("turfs")?,
                    doors: count("doors")?,
                    precincts: count("precincts")?,
                    streets: count("streets")?,
                    prints: count("prints")?,
                    visits: count("door_visits")?,
                    bytes: 0,
                };
                tx.execute_batch(
                    "DROP TABLE temp.pack_turfs; DROP TABLE temp.pack_doors; \
                     DROP TABLE temp.pack_precincts;",
                )
                .map_err(sql)?;
                Ok(written)
            });
            pack.conn.execute("DETACH DATABASE m", []).map_err(sql)?;
            let mut written = copied?;
            // No free page may keep a row of the create path's steps.
            pack.conn.execute_batch("VACUUM").map_err(sql)?;
            pack.pack_team = Some(team.as_str().to_owned());
            written.bytes = std::fs::metadata(&out_path).map_or(0, |m| m.len());
            Ok(written)
        })();
        match built {
            Ok(w) => Ok(w),
            Err(e) => {
                // A half-built pack is no pack: it goes, and the error is said.
                drop(pack);
                let _ = std::fs::remove_file(out);
                Err(e)
            }
        }
    }

    /// The streets (fids) meeting the box of `team`'s turfs and a margin.
    fn pack_streets(&self, team: &TeamId) -> Result<Vec<i64>, StoreError> {
        let q = |e| self.err(e);
        let mut outlines = self
            .conn()
            .prepare("SELECT geom FROM turfs WHERE team_uuid = ?1 AND deleted_at IS NULL AND geom IS NOT NULL")
            .map_err(q)?;
        let mut bounds: Option<geo_types::Rect<f64>> = None;
        for blob in outlines
            .query_map([team], |r| r.get::<_, Vec<u8>>(0))
            .map_err(q)?
        {
            let blob = blob.map_err(q)?;
            if let Some(rect) = super::gpkg::decode_polygons(&blob).and_then(|p| p.bounding_rect())
            {
                bounds = Some(match bounds {
                    None => rect,
                    Some(b) => geo_types::Rect::new(
                        (b.min().x.min(rect.min().x), b.min().y.min(rect.min().y)),
                        (b.max().x.max(rect.max().x), b.max().y.max(rect.max().y)),
                    ),
                });
            }
        }
        let Some(b) = bounds else {
            return Ok(Vec::new());
        };
        let lat = f64::midpoint(b.min().y, b.max().y)
            .to_radians()
            .cos()
            .max(0.1);
        let dy = STREET_MARGIN_M / 111_320.0;
        let dx = dy / lat;
        let (x0, y0, x1, y1) = (
            b.min().x - dx,
            b.min().y - dy,
            b.max().x + dx,
            b.max().y + dy,
        );
        let mut stmt = self
            .conn()
            .prepare("SELECT fid, geom FROM streets WHERE geom IS NOT NULL")
            .map_err(q)?;
        let mut keep = Vec::new();
        for row in stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
            .map_err(q)?
        {
            let (fid, blob) = row.map_err(q)?;
            let Ok(geometry) = super::gpkg::decode(&blob) else {
                continue;
            };
            if let Some(r) = geometry.bounding_rect()
                && r.min().x <= x1
                && r.max().x >= x0
                && r.min().y <= y1
                && r.max().y >= y0
            {
                keep.push(fid);
            }
        }
        Ok(keep)
    }
}

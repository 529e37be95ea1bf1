//! What comes back from the field: door visits typed from a printed sheet, session reports,
//! the campaign's field settings, and the facts progress is computed from.
//!
//! A sheet is entered in one transaction: one visit per printed row that has a code (a
//! correction updates that visit; a row made blank again tombstones it) and the sheet's
//! session. Sessions given with a uuid are updated, never doubled, so entering the same thing
//! twice changes nothing.

use std::collections::HashMap;

use rusqlite::{OptionalExtension as _, params};

use super::{Campaign, StoreError};
use crate::domain::date::Date;
use crate::domain::field::{CampaignDays, Outcome, RowEntry, SessionReport, TimeOfDay};
use crate::store::clock;

/// A session as stored, with what it is about.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoredSession {
    /// Its uuid.
    pub uuid: String,
    /// The turf's name.
    pub turf: Option<String>,
    /// The team's name.
    pub team: Option<String>,
    /// The sheet's code.
    pub print: Option<String>,
    /// What the team reported.
    pub report: SessionReport,
    /// Doors knocked and opened as counted from the sheet's door rows, when it has any.
    pub counted: Option<(u32, u32)>,
}

impl StoredSession {
    /// Whether the typed totals differ from the counted ones by more than 10 %.
    #[must_use]
    pub fn totals_disagree(&self) -> bool {
        self.counted.is_some_and(|(k, o)| {
            let off = |typed: u32, counted: u32| {
                let (t, c) = (f64::from(typed), f64::from(counted));
                (t - c).abs() > 0.1 * c.max(t).max(1.0)
            };
            off(self.report.knocked, k) || off(self.report.opened, o)
        })
    }
}

/// A session to record: its report and what it is about (uuids).
#[derive(Clone, Debug, PartialEq)]
pub struct NewSession {
    /// Its uuid when known (a second entry of the same session updates it); a new one if not.
    pub uuid: Option<String>,
    /// The turf.
    pub turf: Option<String>,
    /// The team.
    pub team: Option<String>,
    /// The sheet.
    pub print: Option<String>,
    /// The report.
    pub report: SessionReport,
}

/// What entering a sheet changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SheetWritten {
    /// Visits recorded for the first time.
    pub new: usize,
    /// Visits corrected.
    pub updated: usize,
    /// Visits as they were.
    pub unchanged: usize,
    /// Visits removed (their row made blank again).
    pub cleared: usize,
}

/// What a sheet holds so far: its rows as entered and its session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SheetState {
    /// One entry per printed row, in the printed order.
    pub rows: Vec<RowEntry>,
    /// The day of its visits (the latest typed).
    pub date: Option<Date>,
    /// Its session, when one was entered.
    pub session: Option<StoredSession>,
}

fn meta_date(conn: &rusqlite::Connection, key: &str) -> Option<Date> {
    conn.query_row(
        "SELECT value FROM campaign_meta WHERE key = ?1",
        [key],
        |r| r.get::<_, String>(0),
    )
    .ok()
    .and_then(|v| Date::parse(&v).ok())
}

impl Campaign {
    /// This file's replica identity (every field row it writes carries it).
    pub fn replica(&self) -> Result<String, StoreError> {
        self.meta("replica_uuid")?
            .ok_or_else(|| StoreError::Invalid {
                path: self.path.clone(),
                detail: "its campaign_meta has no replica_uuid".to_owned(),
            })
    }

    /// The days field work may be dated: the campaign's start and election day (settings),
    /// and today.
    #[must_use]
    pub fn campaign_days(&self, today: Date) -> CampaignDays {
        CampaignDays {
            start: meta_date(self.conn(), "campaign_start"),
            election: meta_date(self.conn(), "election_day"),
            today,
        }
    }

    /// Sets (or clears) election day and the campaign's start.
    pub fn set_campaign_days(
        &mut self,
        start: Option<Date>,
        election: Option<Date>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        if let (Some(s), Some(e)) = (start, election)
            && e < s
        {
            return Err(StoreError::Refused {
                path,
                detail: format!("election day {e} comes before the campaign's start {s}"),
            });
        }
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            for (key, value) in [("campaign_start", start), ("election_day", election)] {
                match value {
                    Some(d) => tx.execute(
                        "INSERT INTO campaign_meta (key, value) VALUES (?1, ?2) \
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        [key, &d.to_string()],
                    ),
                    None => tx.execute("DELETE FROM campaign_meta WHERE key = ?1", [key]),
                }
                .map_err(sql)?;
            }
            Ok(())
        })
    }

    /// Whether the campaign records support levels (off unless turned on).
    #[must_use]
    pub fn records_support(&self) -> bool {
        matches!(self.meta("record_support"), Ok(Some(v)) if v == "1")
    }

    /// Turns support levels on or off.
    pub fn set_records_support(&mut self, on: bool) -> Result<(), StoreError> {
        self.write_one(
            "INSERT INTO campaign_meta (key, value) VALUES ('record_support', ?1) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [if on { "1" } else { "0" }],
        )
    }

    /// What was entered for a print so far.
    pub fn sheet_state(&self, print: &str) -> Result<SheetState, StoreError> {
        let q = |e| self.err(e);
        let rows = self.print_rows(print)?;
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT door_uuid, outcome, leaflet, support, note, visit_date FROM door_visits \
                 WHERE print_uuid = ?1 AND deleted_at IS NULL ORDER BY updated_at, replica_uuid",
            )
            .map_err(q)?;
        let mut date = None;
        let mut by_door: HashMap<String, RowEntry> = HashMap::new();
        let visits = stmt
            .query_map([print], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<u8>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .map_err(q)?;
        for v in visits {
            let (door, outcome, leaflet, support, note, day) = v.map_err(q)?;
            let day = Date::parse(&day).ok();
            date = date.max(day);
            by_door.insert(
                door,
                RowEntry {
                    outcome: outcome.chars().next(),
                    leaflet,
                    support,
                    note,
                },
            );
        }
        let sessions = self.sessions_where("f.print_uuid = ?1", [print])?;
        Ok(SheetState {
            rows: rows
                .iter()
                .map(|r| by_door.remove(&r.door).unwrap_or_default())
                .collect(),
            date,
            session: sessions.into_iter().next(),
        })
    }

    /// Records a sheet typed from paper: `rows` (one per printed row, in the printed order)
    /// dated `date`, and its session when given, in one transaction. Checked first: the codes,
    /// the support levels, the date against the campaign and the print, the session.
    pub fn enter_sheet(
        &mut self,
        print: &str,
        date: Date,
        rows: &[RowEntry],
        session: Option<&SessionReport>,
        today: Date,
    ) -> Result<SheetWritten, StoreError> {
        let path = self.path.clone();
        let refused = |detail: String| StoreError::Refused {
            path: path.clone(),
            detail,
        };
        let (turf, team, printed_at): (String, Option<String>, String) = self
            .conn()
            .query_row(
                "SELECT turf_uuid, team_uuid, printed_at FROM prints \
                 WHERE uuid = ?1 AND deleted_at IS NULL",
                [print],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| refused("no such walk sheet".to_owned()))?;
        let printed = self.print_rows(print)?;
        if rows.len() > printed.len() {
            return Err(refused(format!(
                "{} rows for a sheet of {} rows",
                rows.len(),
                printed.len()
            )));
        }
        let days = self.campaign_days(today);
        let printed_on = Date::of_timestamp(&printed_at);
        days.check(date, printed_on)
            .map_err(|e| refused(e.to_string()))?;
        let mut checked = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let outcome = match row.outcome {
                None => None,
                Some(c) => Some(Outcome::from_letter(c).ok_or_else(|| {
                    refused(format!(
                        "{c:?} (row {}) is not a door code: use A, O, R, P, I, D or X",
                        i + 1
                    ))
                })?),
            };
            if let Some(s) = row.support
                && !(1..=5).contains(&s)
            {
                return Err(refused(format!("support {s} (row {}): give 1 to 5", i + 1)));
            }
            checked.push(outcome);
        }
        if let Some(s) = session {
            s.check(&days, printed_on)
                .map_err(|e| refused(e.to_string()))?;
        }
        let replica = self.replica()?;
        let support_on = self.records_support();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write_field(|tx| {
            let stamp = clock::tick(tx).map_err(sql)?;
            let mut written = SheetWritten::default();
            for ((row, outcome), p) in rows.iter().zip(&checked).zip(&printed) {
                let existing: Option<(String, String, bool, Option<u8>, String, String)> = tx
                    .query_row(
                        "SELECT uuid, outcome, leaflet, support, note, visit_date FROM door_visits \
                         WHERE print_uuid = ?1 AND door_uuid = ?2 AND deleted_at IS NULL \
                         ORDER BY updated_at DESC, replica_uuid DESC LIMIT 1",
                        [print, &p.door],
                        |r| {
                            Ok((
                                r.get(0)?,
                                r.get(1)?,
                                r.get(2)?,
                                r.get(3)?,
                                r.get(4)?,
                                r.get(5)?,
                            ))
                        },
                    )
                    .optional()
                    .map_err(sql)?;
                let support = row.support.filter(|_| support_on);
                match (outcome, existing) {
                    (None, None) => {}
                    (None, Some((uuid, ..))) => {
                        tx.execute(
                            "UPDATE door_visits SET deleted_at = ?3, updated_at = ?3, \
                             replica_uuid = ?2 WHERE uuid = ?1",
                            [&uuid, &replica, &stamp],
                        )
                        .map_err(sql)?;
                        written.cleared += 1;
                    }
                    (Some(o), None) => {
                        tx.execute(
                            "INSERT INTO door_visits (uuid, door_uuid, turf_uuid, team_uuid, \
                             print_uuid, visit_date, outcome, leaflet, support, note, source, \
                             replica_uuid, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
                             ?9, ?10, 'paper', ?11, ?12)",
                            params![
                                uuid::Uuid::new_v4().to_string(),
                                p.door,
                                turf,
                                team,
                                print,
                                date.to_string(),
                                o.letter().to_string(),
                                row.leaflet,
                                support,
                                row.note.trim(),
                                replica,
                                stamp
                            ],
                        )
                        .map_err(sql)?;
                        written.new += 1;
                    }
                    (Some(o), Some((uuid, old, leaflet, old_support, note, day))) => {
                        let same = old == o.letter().to_string()
                            && leaflet == row.leaflet
                            && old_support == support
                            && note == row.note.trim()
                            && day == date.to_string();
                        if same {
                            written.unchanged += 1;
                        } else {
                            tx.execute(
                                "UPDATE door_visits SET outcome = ?2, leaflet = ?3, \
                                 support = ?4, note = ?5, visit_date = ?6, \
                                 replica_uuid = ?7, updated_at = ?8 WHERE uuid = ?1",
                                params![
                                    uuid,
                                    o.letter().to_string(),
                                    row.leaflet,
                                    support,
                                    row.note.trim(),
                                    date.to_string(),
                                    replica,
                                    stamp
                                ],
                            )
                            .map_err(sql)?;
                            written.updated += 1;
                        }
                    }
                }
            }
            if let Some(report) = session {
                let uuid: Option<String> = tx
                    .query_row(
                        "SELECT uuid FROM field_reports WHERE print_uuid = ?1 \
                         AND deleted_at IS NULL",
                        [print],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(sql)?;
                put_session(
                    tx,
                    &NewSession {
                        uuid,
                        turf: Some(turf.clone()),
                        team: team.clone(),
                        print: Some(print.to_owned()),
                        report: report.clone(),
                    },
                    &replica,
                )
                .map_err(sql)?;
            }
            Ok(written)
        })
    }

    /// Records a session (totals only, or a sheet's): updated when its uuid is known, so the
    /// same session entered twice is one. Returns its uuid and whether it was new.
    pub fn record_session(
        &mut self,
        session: &NewSession,
        today: Date,
    ) -> Result<(String, bool), StoreError> {
        let path = self.path.clone();
        let printed_on = match &session.print {
            Some(p) => self
                .conn()
                .query_row("SELECT printed_at FROM prints WHERE uuid = ?1", [p], |r| {
                    r.get::<_, String>(0)
                })
                .optional()
                .map_err(|e| self.err(e))?
                .and_then(|s| Date::of_timestamp(&s)),
            None => None,
        };
        session
            .report
            .check(&self.campaign_days(today), printed_on)
            .map_err(|e| StoreError::Refused {
                path: path.clone(),
                detail: e.to_string(),
            })?;
        let replica = self.replica()?;
        let sql = |e| StoreError::sqlite(&path, e);
        self.write_field(|tx| put_session(tx, session, &replica).map_err(sql))
    }

    /// Records several sessions (the totals grid) in one transaction: all or none.
    pub fn record_sessions(
        &mut self,
        sessions: &[NewSession],
        today: Date,
    ) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let days = self.campaign_days(today);
        for (i, s) in sessions.iter().enumerate() {
            s.report
                .check(&days, None)
                .map_err(|e| StoreError::Refused {
                    path: path.clone(),
                    detail: format!("session {}: {e}", i + 1),
                })?;
        }
        let replica = self.replica()?;
        let sql = |e| StoreError::sqlite(&path, e);
        self.write_field(|tx| {
            for s in sessions {
                put_session(tx, s, &replica).map_err(sql)?;
            }
            Ok(sessions.len())
        })
    }

    /// Tombstones a session.
    pub fn delete_session(&mut self, uuid: &str) -> Result<(), StoreError> {
        let replica = self.replica()?;
        let path = self.path.clone();
        self.write_field(|tx| {
            let sql = |e| StoreError::sqlite(&path, e);
            let stamp = clock::tick(tx).map_err(sql)?;
            tx.execute(
                "UPDATE field_reports SET deleted_at = ?2, updated_at = ?2, replica_uuid = ?3 \
                 WHERE uuid = ?1 AND deleted_at IS NULL",
                [uuid, &stamp, &replica],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// The latest visit of each door that has one: its code and day (a revisit's sheet says
    /// what happened last time, and leaves out doors never to knock again).
    pub fn latest_codes(&self) -> Result<HashMap<String, (char, String)>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT door_uuid, outcome, visit_date FROM door_visits WHERE deleted_at IS NULL \
                 ORDER BY visit_date, updated_at, replica_uuid",
            )
            .map_err(q)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(q)?;
        let mut out = HashMap::new();
        for row in rows {
            let (door, code, day) = row.map_err(q)?;
            if let Some(c) = code.chars().next() {
                out.insert(door, (c, day));
            }
        }
        Ok(out)
    }

    /// Every session, newest first.
    pub fn sessions(&self) -> Result<Vec<StoredSession>, StoreError> {
        self.sessions_where("1", [])
    }

    fn sessions_where(
        &self,
        filter: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<StoredSession>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(&format!(
                "SELECT f.uuid, t.name, m.name, p.code, f.date, f.start_time, f.end_time, \
                 f.canvassers, f.doors_knocked, f.doors_opened, f.quality, f.opponent_seen, \
                 f.notes, \
                 (SELECT count(*) FROM door_visits v WHERE v.print_uuid = f.print_uuid \
                  AND v.deleted_at IS NULL AND v.outcome IN ('A','O','R','P')), \
                 (SELECT count(*) FROM door_visits v WHERE v.print_uuid = f.print_uuid \
                  AND v.deleted_at IS NULL AND v.outcome IN ('O','R','P')), \
                 (SELECT count(*) FROM door_visits v WHERE v.print_uuid = f.print_uuid \
                  AND v.deleted_at IS NULL) \
                 FROM field_reports f LEFT JOIN turfs t ON t.uuid = f.turf_uuid \
                 LEFT JOIN teams m ON m.uuid = f.team_uuid \
                 LEFT JOIN prints p ON p.uuid = f.print_uuid \
                 WHERE f.deleted_at IS NULL AND {filter} ORDER BY f.date DESC, f.id DESC"
            ))
            .map_err(q)?;
        let rows = stmt
            .query_map(args, |r| {
                let time = |i: usize| -> rusqlite::Result<Option<TimeOfDay>> {
                    Ok(r.get::<_, Option<String>>(i)?
                        .and_then(|t| TimeOfDay::parse(&t).ok()))
                };
                let date: String = r.get(4)?;
                let typed: i64 = r.get(15)?;
                Ok(StoredSession {
                    uuid: r.get(0)?,
                    turf: r.get(1)?,
                    team: r.get(2)?,
                    print: r.get(3)?,
                    report: SessionReport {
                        date: Date::parse(&date).unwrap_or_else(|_| Date::today()),
                        start: time(5)?,
                        end: time(6)?,
                        canvassers: r.get(7)?,
                        knocked: r.get(8)?,
                        opened: r.get(9)?,
                        quality: r.get(10)?,
                        opponent_seen: r.get(11)?,
                        notes: r.get(12)?,
                    },
                    counted: (typed > 0).then(|| {
                        (
                            u32::try_from(r.get::<_, i64>(13).unwrap_or(0)).unwrap_or(0),
                            u32::try_from(r.get::<_, i64>(14).unwrap_or(0)).unwrap_or(0),
                        )
                    }),
                })
            })
            .map_err(q)?;
        rows.collect::<Result<_, _>>().map_err(q)
    }
}

/// Inserts or updates a session by its uuid.
fn put_session(
    tx: &rusqlite::Transaction<'_>,
    s: &NewSession,
    replica: &str,
) -> rusqlite::Result<(String, bool)> {
    let r = &s.report;
    let uuid = s
        .uuid
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let stamp = clock::tick(tx)?;
    let values = params![
        uuid,
        s.turf,
        s.team,
        s.print,
        r.date.to_string(),
        r.start.map(|t| t.to_string()),
        r.end.map(|t| t.to_string()),
        r.canvassers,
        r.knocked,
        r.opened,
        r.quality,
        r.opponent_seen,
        r.notes.trim(),
        replica,
        stamp
    ];
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM field_reports WHERE uuid = ?1)",
        [&uuid],
        |row| row.get(0),
    )?;
    if exists {
        let changed = tx.execute(
            "UPDATE field_reports SET turf_uuid = ?2, team_uuid = ?3, print_uuid = ?4, \
                 date = ?5, start_time = ?6, end_time = ?7, canvassers = ?8, \
                 doors_knocked = ?9, doors_opened = ?10, quality = ?11, opponent_seen = ?12, \
                 notes = ?13, replica_uuid = ?14, deleted_at = NULL, updated_at = ?15 \
                 WHERE uuid = ?1 AND NOT (turf_uuid IS ?2 AND team_uuid IS ?3 \
                 AND print_uuid IS ?4 AND date IS ?5 AND start_time IS ?6 AND end_time IS ?7 \
                 AND canvassers IS ?8 AND doors_knocked IS ?9 AND doors_opened IS ?10 \
                 AND quality IS ?11 AND opponent_seen IS ?12 AND notes IS ?13 \
                 AND deleted_at IS NULL)",
            values,
        )?;
        let _ = changed;
        Ok((uuid, false))
    } else {
        tx.execute(
            "INSERT INTO field_reports (uuid, turf_uuid, team_uuid, print_uuid, date, \
             start_time, end_time, canvassers, doors_knocked, doors_opened, quality, \
             opponent_seen, notes, replica_uuid, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            values,
        )?;
        Ok((uuid, true))
    }
}

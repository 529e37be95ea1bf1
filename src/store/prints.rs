//! Print snapshots: each printed walk sheet's code, turf, team and date, and its doors in the
//! printed order, so that entering its results shows exactly what was printed.

use rusqlite::{OptionalExtension as _, params};

use super::{Campaign, StoreError};
use crate::domain::print_code;
use crate::domain::turf::TurfId;
use crate::domain::walk::{TurfWalk, WalkMode};

/// A print as stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Print {
    /// Its stable identifier.
    pub uuid: String,
    /// The code written on every page.
    pub code: String,
    /// The turf printed (its name).
    pub turf: String,
    /// The turf printed (its uuid).
    pub turf_uuid: String,
    /// The team it was printed for, if the turf had one.
    pub team: Option<String>,
    /// When it was printed (UTC, ISO 8601).
    pub printed_at: String,
}

/// One printed row: a door in its printed place.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PrintRow {
    /// Its place on the sheet, from 1.
    pub rank: usize,
    /// The door's UUID.
    pub door: String,
    /// Households printed for it.
    pub households: i64,
    /// The street printed.
    pub street: Option<String>,
    /// The number printed ("12 bis A 5").
    pub number: String,
}

impl Campaign {
    /// Records a print of `walk` (the turf's walk as printed) for `turf`: a new code, and the
    /// rows in the printed order, in one transaction.
    pub fn record_print(
        &mut self,
        turf: &TurfId,
        walk: &TurfWalk,
        lang: &str,
    ) -> Result<Print, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        let mode = match walk.mode {
            WalkMode::UpAndBack => "up_and_back",
            WalkMode::BothSides => "both_sides",
            WalkMode::NumberOrder => "number_order",
        };
        let uuid = uuid::Uuid::new_v4().to_string();
        let mut seed = uuid::Uuid::new_v4().as_u128();
        let replica = self.replica()?;
        self.write_field(|tx| {
            let stamp = crate::store::clock::tick(tx).map_err(sql)?;
            let team: Option<String> = tx
                .query_row(
                    "SELECT team_uuid FROM turfs WHERE uuid = ?1 AND deleted_at IS NULL",
                    [turf],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?
                .ok_or_else(|| StoreError::Refused {
                    path: path.clone(),
                    detail: "no such turf".to_owned(),
                })?;
            let number: u32 = tx
                .query_row("SELECT count(*) + 1 FROM prints", [], |r| r.get(0))
                .map_err(sql)?;
            // A code not used yet: the random part is drawn again on the rare clash.
            let code = loop {
                let code = print_code::make(number, || {
                    seed = seed.rotate_left(7) ^ 0x9E37_79B9_7F4A_7C15;
                    (seed & 0xFFFF_FFFF) as u32
                });
                if !code_taken(tx, &code).map_err(sql)? {
                    break code;
                }
            };
            tx.execute(
                "INSERT INTO prints (uuid, code, turf_uuid, team_uuid, lang, mode, replica_uuid, \
                 updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![uuid, code, turf, team, lang, mode, replica, stamp],
            )
            .map_err(sql)?;
            let mut row = tx
                .prepare(
                    "INSERT INTO print_rows (print_uuid, rank, door_uuid, households, street, \
                     number, side) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(sql)?;
            for s in &walk.stops {
                row.execute(params![
                    uuid,
                    s.rank as i64,
                    s.door,
                    s.households,
                    s.street,
                    s.number(),
                    format!("{:?}", s.side).to_lowercase(),
                ])
                .map_err(sql)?;
            }
            let printed_at: String = tx
                .query_row(
                    "SELECT printed_at FROM prints WHERE uuid = ?1",
                    [&uuid],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            let team_name: Option<String> = match &team {
                Some(t) => tx
                    .query_row("SELECT name FROM teams WHERE uuid = ?1", [t], |r| r.get(0))
                    .optional()
                    .map_err(sql)?,
                None => None,
            };
            Ok(Print {
                uuid: uuid.clone(),
                code,
                turf: walk.turf.clone(),
                turf_uuid: turf.to_string(),
                team: team_name,
                printed_at,
            })
        })
    }

    /// A print found by its code as typed (any case, look-alike digits; see
    /// [`print_code::normalise`]).
    pub fn print_by_code(&self, typed: &str) -> Result<Option<Print>, StoreError> {
        let Some(code) = print_code::normalise(typed) else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                "SELECT p.uuid, p.code, coalesce(t.name, ''), m.name, p.printed_at, p.turf_uuid \
                 FROM prints p \
                 LEFT JOIN turfs t ON t.uuid = p.turf_uuid \
                 LEFT JOIN teams m ON m.uuid = p.team_uuid \
                 WHERE p.code = ?1 AND p.deleted_at IS NULL",
                [code],
                |r| {
                    Ok(Print {
                        uuid: r.get(0)?,
                        code: r.get(1)?,
                        turf: r.get(2)?,
                        team: r.get(3)?,
                        printed_at: r.get(4)?,
                        turf_uuid: r.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// A print's rows, in the printed order.
    pub fn print_rows(&self, print: &str) -> Result<Vec<PrintRow>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT rank, door_uuid, households, street, coalesce(number, '') \
                 FROM print_rows WHERE print_uuid = ?1 ORDER BY rank",
            )
            .map_err(q)?;
        stmt.query_map([print], |r| {
            Ok(PrintRow {
                rank: r.get::<_, i64>(0)?.unsigned_abs() as usize,
                door: r.get(1)?,
                households: r.get(2)?,
                street: r.get(3)?,
                number: r.get(4)?,
            })
        })
        .map_err(q)?
        .collect::<Result<_, _>>()
        .map_err(q)
    }

    /// Tombstones a print (a sheet thrown away); its rows stay for the record.
    pub fn discard_print(&mut self, print: &str) -> Result<(), StoreError> {
        let replica = self.replica()?;
        let path = self.path.clone();
        self.write_field(|tx| {
            let sql = |e| StoreError::sqlite(&path, e);
            let stamp = crate::store::clock::tick(tx).map_err(sql)?;
            tx.execute(
                "UPDATE prints SET deleted_at = ?2, updated_at = ?2, replica_uuid = ?3 \
                 WHERE uuid = ?1 AND deleted_at IS NULL",
                [print, &stamp, &replica],
            )
            .map_err(sql)?;
            Ok(())
        })
    }
}

/// Whether a print already has `code`.
pub(super) fn code_taken(tx: &rusqlite::Transaction<'_>, code: &str) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM prints WHERE code = ?1)",
        [code],
        |r| r.get(0),
    )
}

//! Campaign settings kept in `campaign_meta`: the voters per household doors are estimated
//! with.

use super::turfs::refresh_turf;
use super::{Campaign, StoreError};
use crate::domain::turf;

/// The campaign's voters per household (doors are estimated from it where no door points
/// exist): `campaign_meta.voters_per_household`, or the default.
pub(in crate::store) fn voters_per_household(conn: &rusqlite::Connection) -> f64 {
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

impl Campaign {
    /// The campaign's notice: a few lines the app shows on the map (what a demo's data is).
    pub fn notice(&self) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension as _;
        self.conn()
            .query_row(
                "SELECT value FROM campaign_meta WHERE key = 'notice'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sets (or, with `None`, removes) the campaign's notice.
    pub fn set_notice(&mut self, text: Option<&str>) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            match text {
                Some(t) => tx.execute(
                    "INSERT INTO campaign_meta (key, value) VALUES ('notice', ?1) \
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [t],
                ),
                None => tx.execute("DELETE FROM campaign_meta WHERE key = 'notice'", []),
            }
            .map_err(sql)?;
            Ok(())
        })
    }
}

/// The longest walk-sheet script, in characters (its box holds about six lines).
pub const MAX_SCRIPT_CHARS: usize = 600;

impl Campaign {
    /// The script printed on the campaign's walk sheets, if the director wrote one.
    pub fn sheet_script(&self) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension as _;
        self.conn()
            .query_row(
                "SELECT value FROM campaign_meta WHERE key = 'sheet_script'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sets (or, with `None` or blank text, removes) the walk sheets' script; refused when
    /// longer than [`MAX_SCRIPT_CHARS`].
    pub fn set_sheet_script(&mut self, text: Option<&str>) -> Result<(), StoreError> {
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = text
            && t.chars().count() > MAX_SCRIPT_CHARS
        {
            return Err(StoreError::Refused {
                path: self.path.clone(),
                detail: format!(
                    "the script has {} characters; a walk sheet's box holds {MAX_SCRIPT_CHARS}",
                    t.chars().count()
                ),
            });
        }
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            match text {
                Some(t) => tx.execute(
                    "INSERT INTO campaign_meta (key, value) VALUES ('sheet_script', ?1) \
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [t],
                ),
                None => tx.execute("DELETE FROM campaign_meta WHERE key = 'sheet_script'", []),
            }
            .map_err(sql)?;
            Ok(())
        })
    }
}

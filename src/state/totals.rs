//! The totals-only grid: one row per session for teams that bring back counts only, typed
//! with the entry screen's keys (↓ or Enter the next row, ↑ the one before, Space in an empty
//! cell repeats the cell above, Ctrl+Z undoes), checked row by row before anything is saved.

use crate::domain::date::Date;
use crate::domain::field::{CampaignDays, FieldError, SessionReport, TimeOfDay};
use crate::domain::numbers::Lang;

/// The grid's columns, in order.
pub const COLUMNS: usize = 10;

/// One typed row: date, turf, team, knocked, opened, quality, opponent, start, end, notes.
pub type TotalsRow = [String; COLUMNS];

/// The grid being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotalsDraft {
    /// The rows.
    pub rows: Vec<TotalsRow>,
    /// The cell with the keyboard (row, column).
    pub cursor: (usize, usize),
    /// What was wrong with each row at the last check, said beside it.
    pub errors: Vec<Option<String>>,
    /// Undo steps.
    pub undo: Vec<Vec<TotalsRow>>,
}

impl Default for TotalsDraft {
    fn default() -> Self {
        Self {
            rows: vec![TotalsRow::default()],
            cursor: (0, 0),
            errors: vec![None],
            undo: Vec::new(),
        }
    }
}

/// A row read: its report and the turf and team named.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadRow {
    /// The report.
    pub report: SessionReport,
    /// The turf's name.
    pub turf: String,
    /// The team's name (empty: the turf's).
    pub team: String,
}

impl TotalsDraft {
    /// Remembers the rows before a change.
    pub fn remember(&mut self) {
        self.undo.push(self.rows.clone());
    }

    /// Moves to the next row (a new one after the last, when the last has something typed).
    pub fn down(&mut self) {
        let (r, c) = self.cursor;
        if r + 1 == self.rows.len() && self.rows[r].iter().any(|s| !s.trim().is_empty()) {
            self.rows.push(TotalsRow::default());
            self.errors.push(None);
        }
        self.cursor = ((r + 1).min(self.rows.len() - 1), c);
    }

    /// Moves to the row before.
    pub fn up(&mut self) {
        self.cursor.0 = self.cursor.0.saturating_sub(1);
    }

    /// Space in an empty cell: the cell above.
    pub fn repeat_above(&mut self) {
        let (r, c) = self.cursor;
        if r > 0 && self.rows[r][c].trim().is_empty() {
            self.remember();
            self.rows[r][c] = self.rows[r - 1][c].clone();
        }
    }

    /// Undoes the last change.
    pub fn undo(&mut self) {
        if let Some(rows) = self.undo.pop() {
            self.errors.resize(rows.len(), None);
            self.rows = rows;
            self.cursor.0 = self.cursor.0.min(self.rows.len() - 1);
        }
    }

    /// Reads every row with something typed; `errors` says what is wrong with each other one.
    /// Nothing is returned unless every such row reads.
    pub fn read(&mut self, days: &CampaignDays, lang: Lang) -> Option<Vec<ReadRow>> {
        let mut out = Vec::new();
        self.errors = vec![None; self.rows.len()];
        for (i, row) in self.rows.iter().enumerate() {
            if row.iter().all(|s| s.trim().is_empty()) {
                continue;
            }
            match read_row(row, days, lang) {
                Ok(r) => out.push(r),
                Err(e) => self.errors[i] = Some(e),
            }
        }
        self.errors.iter().all(Option::is_none).then_some(out)
    }
}

fn read_row(row: &TotalsRow, days: &CampaignDays, lang: Lang) -> Result<ReadRow, String> {
    let fr = lang == Lang::Fr;
    let date = Date::parse(&row[0]).map_err(|e| e.to_string())?;
    let count = |s: &str, what: &str| -> Result<u32, String> {
        s.trim().parse::<u32>().map_err(|_| {
            if fr {
                format!("{what} : un nombre de portes")
            } else {
                format!("{what}: a number of doors")
            }
        })
    };
    let knocked = count(&row[3], if fr { "frappées" } else { "knocked" })?;
    let opened = if row[4].trim().is_empty() {
        0
    } else {
        count(&row[4], if fr { "ouvertes" } else { "opened" })?
    };
    let quality = match row[5].trim() {
        "" => None,
        q => Some(
            q.parse::<u8>()
                .map_err(|_| FieldError::Quality(0).words(lang))?,
        ),
    };
    let opponent = crate::domain::field::says_yes(&row[6]);
    let time = |s: &str| TimeOfDay::parse_blank(s).map_err(|e| e.to_string());
    let report = SessionReport {
        date,
        start: time(&row[7])?,
        end: time(&row[8])?,
        canvassers: None,
        knocked,
        opened,
        quality,
        opponent_seen: opponent,
        notes: row[9].trim().to_owned(),
    };
    report.check(days, None).map_err(|e| e.words(lang))?;
    if row[1].trim().is_empty() {
        return Err(if fr {
            "quel secteur ?".to_owned()
        } else {
            "which turf?".to_owned()
        });
    }
    Ok(ReadRow {
        report,
        turf: row[1].trim().to_owned(),
        team: row[2].trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_with_more_opened_than_knocked_is_said_beside_it_and_nothing_is_read() {
        let today = Date::parse("2026-11-26").unwrap();
        let days = CampaignDays {
            start: None,
            election: None,
            today,
        };
        let mut g = TotalsDraft::default();
        g.rows[0] = [
            "2026-11-20",
            "Nord",
            "",
            "30",
            "12",
            "4",
            "oui",
            "17h",
            "19h",
            "",
        ]
        .map(String::from);
        g.down();
        g.repeat_above();
        g.rows[1][1] = "Sud".into();
        g.rows[1][3] = "5".into();
        g.rows[1][4] = "9".into();
        assert!(g.read(&days, Lang::En).is_none());
        assert!(g.errors[1].as_deref().unwrap().contains("9 doors opened"));
        g.rows[1][4] = "2".into();
        let rows = g.read(&days, Lang::En).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1].report.date, rows[0].report.date,
            "Space repeated the date"
        );
        assert!(rows[0].report.opponent_seen);
    }
}

//! The sheet being typed in: its printed rows, the code of each, the session header, the
//! cursor and range, and the undo steps. Every key the entry screen understands is one
//! [`EntryKey`]; [`EntryDraft::key`] applies it, so the keyboard rules are tested without a
//! window. A draft is saved beside the campaign while it is typed and survives a crash.

use crate::domain::date::Date;
use crate::domain::field::{FieldError, Outcome, RowEntry, SessionReport, TimeOfDay};
use crate::domain::numbers::Lang;

/// A printed row as the entry screen shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShownRow {
    /// Its printed rank.
    pub rank: usize,
    /// The street printed.
    pub street: String,
    /// The number printed.
    pub number: String,
    /// Households printed.
    pub households: i64,
}

impl From<&crate::store::PrintRow> for ShownRow {
    fn from(r: &crate::store::PrintRow) -> Self {
        Self {
            rank: r.rank,
            street: r.street.clone().unwrap_or_default(),
            number: r.number.clone(),
            households: r.households,
        }
    }
}

/// Which field of the entry screen has the keyboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EntryFocus {
    /// The session header (its text fields).
    Header,
    /// The grid of rows: letters set codes.
    #[default]
    Rows,
    /// The current row's support and note.
    RowNote,
}

/// The session header as typed (checked when the sheet is saved, and at once where it can).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeaderText {
    /// The day walked.
    pub date: String,
    /// Start time.
    pub start: String,
    /// End time.
    pub end: String,
    /// Canvassers.
    pub canvassers: String,
    /// Doors knocked, from the paper's session box.
    pub knocked: String,
    /// Doors opened.
    pub opened: String,
    /// Quality 1–5.
    pub quality: String,
    /// Opponent seen ("y"/"o"/"1" or empty).
    pub opponent: String,
    /// Notes.
    pub notes: String,
}

/// One key of the entry screen's grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKey {
    /// A letter: a door code sets the row (or the range) and moves on; L toggles the leaflet.
    Letter(char),
    /// ↓ or Enter: the next row.
    Down,
    /// ↑: the row before.
    Up,
    /// Shift+↓: extends the range one row down.
    ExtendDown,
    /// Space: the row above's code, and on.
    RepeatAbove,
    /// Ctrl+Enter: every blank row left is absent.
    RestAbsent,
    /// Delete or Backspace: blanks the row (or range).
    Clear,
    /// Ctrl+Z: undoes the last change.
    Undo,
}

/// A sheet being typed.
// Four independent flags of the screen (changed, restored, note asked, grid active).
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EntryDraft {
    /// The print's uuid.
    pub print: String,
    /// Its code.
    pub code: String,
    /// Its turf's name.
    pub turf: String,
    /// Its team's name.
    pub team: Option<String>,
    /// The day it was printed.
    pub printed_on: Option<String>,
    /// The printed rows.
    pub rows: Vec<ShownRow>,
    /// What is typed for each.
    pub entries: Vec<RowEntry>,
    /// The session header.
    pub header: HeaderText,
    /// The current row.
    pub cursor: usize,
    /// The other end of the range (Shift+↓), if one is being made.
    pub anchor: Option<usize>,
    /// Which field has the keyboard.
    pub focus: EntryFocus,
    /// Undo steps: the entries, cursor and range before each change.
    #[serde(skip)]
    pub undo: Vec<(Vec<RowEntry>, usize, Option<usize>)>,
    /// What was wrong with the last key or the last save, said beside the grid.
    #[serde(skip)]
    pub error: Option<String>,
    /// Keys typed into the grid (for the operator's speed, and the speed test).
    #[serde(skip)]
    pub keys: usize,
    /// Changed since the draft was last saved.
    #[serde(skip)]
    pub dirty: bool,
    /// Restored from a draft saved earlier (said once).
    #[serde(skip)]
    pub restored: bool,
    /// The row's note (or support) is to take the keyboard on the next frame (Tab).
    #[serde(skip)]
    pub note_pending: bool,
    /// The grid had the keyboard at the end of the last frame.
    #[serde(skip)]
    pub grid_had_keys: bool,
}

impl EntryDraft {
    /// A fresh draft of `rows`, with what was already entered for them.
    #[must_use]
    pub fn new(print: String, code: String, rows: Vec<ShownRow>, entries: Vec<RowEntry>) -> Self {
        let cursor = entries
            .iter()
            .position(|e| e.outcome.is_none())
            .unwrap_or(0);
        Self {
            print,
            code,
            rows,
            entries,
            cursor,
            ..Self::default()
        }
    }

    /// The rows the next code key sets: the range, else the current row.
    #[must_use]
    pub fn range(&self) -> std::ops::RangeInclusive<usize> {
        let a = self.anchor.unwrap_or(self.cursor);
        a.min(self.cursor)..=a.max(self.cursor)
    }

    fn remember(&mut self) {
        self.undo
            .push((self.entries.clone(), self.cursor, self.anchor));
        if self.undo.len() > 500 {
            self.undo.remove(0);
        }
        self.dirty = true;
    }

    fn last(&self) -> usize {
        self.rows.len().saturating_sub(1)
    }

    /// Applies one key; a letter that is no door code is refused (said in `error`).
    pub fn key(&mut self, key: EntryKey) {
        self.keys += 1;
        self.error = None;
        if self.rows.is_empty() {
            return;
        }
        match key {
            EntryKey::Letter(c) if c.eq_ignore_ascii_case(&'l') => {
                self.remember();
                for i in self.range() {
                    self.entries[i].leaflet = !self.entries[i].leaflet;
                }
            }
            EntryKey::Letter(c) => match Outcome::from_letter(c) {
                Some(o) => self.set(Some(o.letter())),
                None => {
                    self.error = Some(c.to_uppercase().to_string());
                }
            },
            EntryKey::RepeatAbove => {
                let above = self.range().start().checked_sub(1);
                match above.and_then(|a| self.entries[a].outcome) {
                    Some(c) => self.set(Some(c)),
                    None => self.move_to(self.cursor + 1),
                }
            }
            EntryKey::Clear => self.set_in_place(None),
            EntryKey::Down => self.move_to(self.cursor + 1),
            EntryKey::Up => self.move_to(self.cursor.saturating_sub(1)),
            EntryKey::ExtendDown => {
                if self.anchor.is_none() {
                    self.anchor = Some(self.cursor);
                }
                self.cursor = (self.cursor + 1).min(self.last());
            }
            EntryKey::RestAbsent => {
                self.remember();
                for e in &mut self.entries {
                    if e.outcome.is_none() {
                        e.outcome = Some('A');
                    }
                }
                self.anchor = None;
                self.cursor = self.last();
            }
            EntryKey::Undo => {
                if let Some((entries, cursor, anchor)) = self.undo.pop() {
                    self.entries = entries;
                    self.cursor = cursor;
                    self.anchor = anchor;
                    self.dirty = true;
                }
            }
        }
    }

    fn move_to(&mut self, row: usize) {
        self.anchor = None;
        self.cursor = row.min(self.last());
    }

    /// Sets the range (or row) to `code` and moves past it.
    fn set(&mut self, code: Option<char>) {
        let end = *self.range().end();
        self.set_in_place(code);
        self.move_to(end + 1);
    }

    fn set_in_place(&mut self, code: Option<char>) {
        self.remember();
        for i in self.range() {
            self.entries[i].outcome = code;
        }
    }

    /// Rows with a code.
    #[must_use]
    pub fn filled(&self) -> usize {
        self.entries.iter().filter(|e| e.outcome.is_some()).count()
    }

    /// The session header read into a report: counts left blank are those of the codes; a
    /// date, time, count or quality that does not read is said, in the user's language.
    ///
    /// # Errors
    /// The first field that does not read.
    pub fn session(&self, lang: Lang) -> Result<SessionReport, String> {
        let h = &self.header;
        let date = Date::parse(&h.date).map_err(|e| e.to_string())?;
        let time = |s: &str| TimeOfDay::parse_blank(s).map_err(|e| e.to_string());
        let number = |s: &str| -> Result<Option<u32>, String> {
            match s.trim() {
                "" => Ok(None),
                n => n.parse().map(Some).map_err(|_| format!("{n:?}: a number")),
            }
        };
        let counted = self.counted();
        let quality = match h.quality.trim() {
            "" => None,
            q => Some(
                q.parse::<u8>()
                    .ok()
                    .filter(|q| (1..=5).contains(q))
                    .ok_or_else(|| FieldError::Quality(q.parse().unwrap_or(0)).words(lang))?,
            ),
        };
        Ok(SessionReport {
            date,
            start: time(&h.start)?,
            end: time(&h.end)?,
            canvassers: number(&h.canvassers)?,
            knocked: number(&h.knocked)?.unwrap_or(counted.0),
            opened: number(&h.opened)?.unwrap_or(counted.1),
            quality,
            opponent_seen: crate::domain::field::says_yes(&h.opponent),
            notes: h.notes.trim().to_owned(),
        })
    }

    /// Knocked and opened, counted from the codes.
    #[must_use]
    pub fn counted(&self) -> (u32, u32) {
        self.entries
            .iter()
            .filter_map(|e| e.outcome.and_then(Outcome::from_letter))
            .fold((0, 0), |(k, o), c| {
                (k + u32::from(c.knocked()), o + u32::from(c.opened()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(n: usize) -> EntryDraft {
        let rows = (1..=n)
            .map(|rank| ShownRow {
                rank,
                street: "Rue".into(),
                number: rank.to_string(),
                households: 1,
            })
            .collect();
        EntryDraft::new(
            "p".into(),
            "T001-AAA".into(),
            rows,
            vec![RowEntry::default(); n],
        )
    }

    fn codes(d: &EntryDraft) -> String {
        d.entries.iter().map(|e| e.outcome.unwrap_or('.')).collect()
    }

    #[test]
    fn a_code_key_sets_its_row_and_moves_on_space_repeats_the_row_above_and_ctrl_enter_fills_absent()
     {
        let mut d = draft(8);
        d.key(EntryKey::Letter('o'));
        d.key(EntryKey::RepeatAbove);
        d.key(EntryKey::Down);
        d.key(EntryKey::Letter('R'));
        d.key(EntryKey::ExtendDown);
        d.key(EntryKey::ExtendDown);
        d.key(EntryKey::Letter('p'));
        assert_eq!(codes(&d), "OO.RPPP.");
        assert_eq!(d.cursor, 7);
        d.key(EntryKey::Letter('z'));
        assert_eq!(d.error.as_deref(), Some("Z"));
        assert_eq!(
            codes(&d),
            "OO.RPPP.",
            "a letter that is no code changes nothing"
        );
        d.key(EntryKey::RestAbsent);
        assert_eq!(codes(&d), "OOARPPPA");
        d.key(EntryKey::Undo);
        assert_eq!(codes(&d), "OO.RPPP.");
        d.key(EntryKey::Up);
        d.key(EntryKey::Clear);
        assert_eq!(codes(&d), "OO.RPP..");
        assert_eq!(d.counted(), (5, 5));
    }
}

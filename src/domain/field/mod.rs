//! What comes back from the field (DESIGN §10): door codes, door visits and session reports,
//! checked once when they come in, and the progress figures computed from them.
//!
//! Door codes are fixed and the same on paper and on screen: A absent, O talked, R refused,
//! P come back, I inaccessible, D moved or vacant, X do not knock. Knocked = {A, O, R, P};
//! opened = {O, R, P}.

mod facts;
pub mod progress;
mod time_of_day;

use crate::domain::date::Date;
use crate::domain::numbers::Lang;

pub use time_of_day::TimeOfDay;

/// What happened at a door: one of the seven codes of the sheets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Outcome {
    /// A: nobody answered.
    Absent,
    /// O: someone opened and talked.
    Talked,
    /// R: refused or hostile.
    Refused,
    /// P: come back later (*repasser*).
    ComeBack,
    /// I: the door could not be reached (entry code, gate).
    Inaccessible,
    /// D: moved away, vacant, no such address.
    Moved,
    /// X: never knock here again.
    DoNotKnock,
}

impl Outcome {
    /// Every code, in the order of the sheets' key.
    pub const ALL: [Self; 7] = [
        Self::Absent,
        Self::Talked,
        Self::Refused,
        Self::ComeBack,
        Self::Inaccessible,
        Self::Moved,
        Self::DoNotKnock,
    ];

    /// The letter printed on the sheets and stored in the file.
    #[must_use]
    pub fn letter(self) -> char {
        match self {
            Self::Absent => 'A',
            Self::Talked => 'O',
            Self::Refused => 'R',
            Self::ComeBack => 'P',
            Self::Inaccessible => 'I',
            Self::Moved => 'D',
            Self::DoNotKnock => 'X',
        }
    }

    /// The code a letter stands for, in either case; `None` for any other character.
    #[must_use]
    pub fn from_letter(c: char) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|o| o.letter() == c.to_ascii_uppercase())
    }

    /// Whether someone knocked (A, O, R, P).
    #[must_use]
    pub fn knocked(self) -> bool {
        matches!(
            self,
            Self::Absent | Self::Talked | Self::Refused | Self::ComeBack
        )
    }

    /// Whether the door opened (O, R, P).
    #[must_use]
    pub fn opened(self) -> bool {
        matches!(self, Self::Talked | Self::Refused | Self::ComeBack)
    }

    /// Its name in the user's language, as on the sheets' key.
    #[must_use]
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Absent, _) => "absent",
            (Self::Talked, Lang::En) => "talked",
            (Self::Talked, Lang::Fr) => "ouvert, échange",
            (Self::Refused, Lang::En) => "refused",
            (Self::Refused, Lang::Fr) => "refus",
            (Self::ComeBack, Lang::En) => "come back",
            (Self::ComeBack, Lang::Fr) => "repasser",
            (Self::Inaccessible, _) => "inaccessible",
            (Self::Moved, Lang::En) => "moved / vacant",
            (Self::Moved, Lang::Fr) => "déménagé / vacant",
            (Self::DoNotKnock, Lang::En) => "do not knock",
            (Self::DoNotKnock, Lang::Fr) => "ne plus visiter",
        }
    }

    /// Its place in [`Outcome::ALL`].
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Reads a string of door codes ("AAOAR…", spaces and dots ignored as separators are not;
/// a dot or a dash leaves a row blank).
///
/// # Errors
/// The first character that is not a door code, with its place (from 1).
pub fn parse_codes(text: &str) -> Result<Vec<Option<Outcome>>, FieldError> {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .enumerate()
        .map(|(i, c)| match c {
            '.' | '-' | '_' => Ok(None),
            c => Outcome::from_letter(c)
                .map(Some)
                .ok_or(FieldError::NotACode { at: i + 1, code: c }),
        })
        .collect()
}

/// Whether a box ticked by hand says yes: "y", "yes", "o", "oui", "1" or "x", in any case.
#[must_use]
pub fn says_yes(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "y" | "yes" | "o" | "oui" | "1" | "x"
    )
}

/// Where a visit was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum VisitSource {
    /// Typed from a paper sheet.
    Paper,
    /// Merged from a team pack.
    Pack,
}

impl VisitSource {
    /// The word stored in the file.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paper => "paper",
            Self::Pack => "pack",
        }
    }
}

/// One row of a sheet as entered: its code (blank rows are not stored), the leaflet flag, a
/// support level (only when the campaign records them) and a note.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowEntry {
    /// The code, or `None` while blank.
    pub outcome: Option<char>,
    /// A leaflet was left.
    pub leaflet: bool,
    /// Support 1–5.
    pub support: Option<u8>,
    /// A note.
    pub note: String,
}

/// A session as a team reports it (`field_reports`): its totals and how it went.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SessionReport {
    /// The day.
    pub date: Date,
    /// When it started.
    pub start: Option<TimeOfDay>,
    /// When it ended.
    pub end: Option<TimeOfDay>,
    /// How many canvassers went.
    pub canvassers: Option<u32>,
    /// Doors knocked.
    pub knocked: u32,
    /// Doors opened.
    pub opened: u32,
    /// Quality of the exchange, 1–5.
    pub quality: Option<u8>,
    /// Whether the opponent's canvassers were seen.
    pub opponent_seen: bool,
    /// Free notes.
    pub notes: String,
}

/// The days a campaign's field work may be dated: from its start (when set) to election day
/// (when set) and never after today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CampaignDays {
    /// The first day of the campaign.
    pub start: Option<Date>,
    /// Election day.
    pub election: Option<Date>,
    /// Today.
    pub today: Date,
}

impl CampaignDays {
    /// Refuses a date outside the campaign, or before the sheet it is typed from was printed.
    ///
    /// # Errors
    /// [`FieldError::DateOutside`] naming the bound it crosses.
    pub fn check(&self, date: Date, printed: Option<Date>) -> Result<(), FieldError> {
        let outside = |bound: Bound| FieldError::DateOutside { date, bound };
        if date > self.today {
            return Err(outside(Bound::Future(self.today)));
        }
        if let Some(e) = self.election
            && date > e
        {
            return Err(outside(Bound::Election(e)));
        }
        if let Some(s) = self.start
            && date < s
        {
            return Err(outside(Bound::Start(s)));
        }
        if let Some(p) = printed
            && date < p
        {
            return Err(outside(Bound::Printed(p)));
        }
        Ok(())
    }
}

/// The bound a date crosses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// After today.
    Future(Date),
    /// After election day.
    Election(Date),
    /// Before the campaign's start.
    Start(Date),
    /// Before the sheet was printed.
    Printed(Date),
}

impl SessionReport {
    /// Checks what a session says against itself and the campaign's days.
    ///
    /// # Errors
    /// The first thing wrong: more doors opened than knocked, a quality outside 1–5, an end
    /// before the start, no canvassers, a date outside the campaign.
    pub fn check(&self, days: &CampaignDays, printed: Option<Date>) -> Result<(), FieldError> {
        if self.opened > self.knocked {
            return Err(FieldError::OpenedOverKnocked {
                knocked: self.knocked,
                opened: self.opened,
            });
        }
        if let Some(q) = self.quality
            && !(1..=5).contains(&q)
        {
            return Err(FieldError::Quality(q));
        }
        if let (Some(s), Some(e)) = (self.start, self.end)
            && e <= s
        {
            return Err(FieldError::EndBeforeStart { start: s, end: e });
        }
        if self.canvassers == Some(0) {
            return Err(FieldError::NoCanvassers);
        }
        days.check(self.date, printed)
    }

    /// Canvasser-hours (hours out × canvassers), when both are known.
    #[must_use]
    pub fn canvasser_hours(&self) -> Option<f64> {
        let (s, e, n) = (self.start?, self.end?, self.canvassers?);
        let minutes = e.minutes().checked_sub(s.minutes())?;
        Some(f64::from(minutes) / 60.0 * f64::from(n))
    }
}

/// Why a field report is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A character that is not one of the seven door codes.
    #[error("{code:?} (row {at}) is not a door code: use A, O, R, P, I, D or X")]
    NotACode {
        /// The row, from 1.
        at: usize,
        /// The character.
        code: char,
    },
    /// More doors opened than knocked.
    #[error("{opened} doors opened but only {knocked} knocked: opened doors were knocked too")]
    OpenedOverKnocked {
        /// Knocked.
        knocked: u32,
        /// Opened.
        opened: u32,
    },
    /// A quality outside 1–5.
    #[error("quality {0}: give 1 (poor) to 5 (excellent)")]
    Quality(u8),
    /// A support level outside 1–5.
    #[error("support {0}: give 1 to 5")]
    Support(u8),
    /// The session ends before it starts.
    #[error("the session ends ({end}) before it starts ({start})")]
    EndBeforeStart {
        /// Start.
        start: TimeOfDay,
        /// End.
        end: TimeOfDay,
    },
    /// Zero canvassers.
    #[error("a session has at least one canvasser")]
    NoCanvassers,
    /// A date outside the campaign.
    #[error("{date} is {}", bound_words(*bound, Lang::En))]
    DateOutside {
        /// The date typed.
        date: Date,
        /// The bound it crosses.
        bound: Bound,
    },
    /// More codes than the sheet has rows.
    #[error("{given} codes for a sheet of {rows} rows")]
    TooManyCodes {
        /// Codes given.
        given: usize,
        /// Rows printed.
        rows: usize,
    },
}

fn bound_words(bound: Bound, lang: Lang) -> String {
    match (bound, lang) {
        (Bound::Future(d), Lang::En) => format!("in the future (today is {d})"),
        (Bound::Future(d), Lang::Fr) => format!("dans le futur (nous sommes le {d})"),
        (Bound::Election(d), Lang::En) => format!("after election day ({d})"),
        (Bound::Election(d), Lang::Fr) => format!("après le jour du scrutin ({d})"),
        (Bound::Start(d), Lang::En) => format!("before the campaign's start ({d})"),
        (Bound::Start(d), Lang::Fr) => format!("avant le début de la campagne ({d})"),
        (Bound::Printed(d), Lang::En) => format!("before the sheet was printed ({d})"),
        (Bound::Printed(d), Lang::Fr) => format!("avant l’impression de la feuille ({d})"),
    }
}

impl FieldError {
    /// The message in the user's language.
    #[must_use]
    pub fn words(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Self::NotACode { at, code } => format!(
                "« {code} » (ligne {at}) n’est pas un code de porte : A, O, R, P, I, D ou X"
            ),
            Self::OpenedOverKnocked { knocked, opened } => format!(
                "{opened} portes ouvertes pour {knocked} frappées : une porte ouverte a été frappée"
            ),
            Self::Quality(q) => format!("qualité {q} : de 1 (mauvaise) à 5 (excellente)"),
            Self::Support(s) => format!("soutien {s} : de 1 à 5"),
            Self::EndBeforeStart { start, end } => {
                format!("la sortie finit ({end}) avant de commencer ({start})")
            }
            Self::NoCanvassers => "une sortie compte au moins un militant".to_owned(),
            Self::DateOutside { date, bound } => {
                format!("le {date} est {}", bound_words(*bound, Lang::Fr))
            }
            Self::TooManyCodes { given, rows } => {
                format!("{given} codes pour une feuille de {rows} lignes")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn knocked_and_opened_follow_the_design_s_sets() {
        let knocked: String = Outcome::ALL
            .iter()
            .filter(|o| o.knocked())
            .map(|o| o.letter())
            .collect();
        let opened: String = Outcome::ALL
            .iter()
            .filter(|o| o.opened())
            .map(|o| o.letter())
            .collect();
        assert_eq!(knocked, "AORP");
        assert_eq!(opened, "ORP");
    }

    #[test]
    fn codes_read_in_either_case_with_dots_for_blanks_and_a_stray_letter_named_with_its_row() {
        let codes = parse_codes("aAo. R").unwrap();
        assert_eq!(codes.len(), 5);
        assert_eq!(codes[2], Some(Outcome::Talked));
        assert_eq!(codes[3], None);
        assert_eq!(
            parse_codes("AAZ"),
            Err(FieldError::NotACode { at: 3, code: 'Z' })
        );
    }

    #[test]
    fn a_session_with_more_opened_than_knocked_or_a_date_after_election_day_is_refused() {
        let days = CampaignDays {
            start: Some(d("2026-10-01")),
            election: Some(d("2026-11-20")),
            today: d("2026-11-26"),
        };
        let mut s = SessionReport {
            date: d("2026-11-02"),
            start: TimeOfDay::parse("17:30").ok(),
            end: TimeOfDay::parse("19h").ok(),
            canvassers: Some(2),
            knocked: 40,
            opened: 18,
            quality: Some(4),
            opponent_seen: false,
            notes: String::new(),
        };
        assert_eq!(s.check(&days, None), Ok(()));
        assert_eq!(s.canvasser_hours(), Some(3.0));
        s.opened = 41;
        assert!(matches!(
            s.check(&days, None),
            Err(FieldError::OpenedOverKnocked { .. })
        ));
        s.opened = 10;
        s.date = d("2026-11-21");
        let err = s.check(&days, None).unwrap_err();
        assert!(err.to_string().contains("after election day"), "{err}");
        assert!(err.words(Lang::Fr).contains("scrutin"), "{err}");
        s.date = d("2026-10-05");
        assert!(
            s.check(&days, Some(d("2026-10-06")))
                .unwrap_err()
                .to_string()
                .contains("printed")
        );
    }
}

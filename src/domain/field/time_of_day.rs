//! A time of day as a team writes it on a sheet: "17:30", "17h30", "17h", "9.30", "1730".

use std::fmt;

/// A time of day to the minute (00:00–23:59).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

/// Why a text is not a time of day.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time of day: write it 17:30 (or 17h30)")]
pub struct TimeError(pub String);

impl TimeOfDay {
    /// Reads "17:30", "17h30", "17h", "17.30", "1730" or "17".
    ///
    /// # Errors
    /// [`TimeError`] for anything else, or a time past 23:59.
    ///
    /// # Examples
    /// ```
    /// use campaign_planner::domain::field::TimeOfDay;
    /// assert_eq!(TimeOfDay::parse("17h30").unwrap().to_string(), "17:30");
    /// assert_eq!(TimeOfDay::parse("930").unwrap().to_string(), "09:30");
    /// assert!(TimeOfDay::parse("25:00").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let t = text.trim().to_ascii_lowercase();
        let bad = || TimeError(text.trim().to_owned());
        let (h, m) = if let Some((h, m)) = t.split_once([':', 'h', '.']) {
            (
                h.to_owned(),
                if m.is_empty() {
                    "0".to_owned()
                } else {
                    m.to_owned()
                },
            )
        } else if t.len() >= 3 {
            let (h, m) = t.split_at(t.len() - 2);
            (h.to_owned(), m.to_owned())
        } else {
            (t.clone(), "0".to_owned())
        };
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(&h) || !digits(&m) {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(Self(h * 60 + m))
    }

    /// Reads a time that may be left blank (`None`).
    ///
    /// # Errors
    /// As [`TimeOfDay::parse`], for a text that is not blank.
    pub fn parse_blank(text: &str) -> Result<Option<Self>, TimeError> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(text).map(Some)
        }
    }

    /// Minutes since midnight.
    #[must_use]
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl serde::Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_teams_write_times_all_read_and_nonsense_does_not() {
        for (text, want) in [
            ("17:30", "17:30"),
            ("17h30", "17:30"),
            ("17H", "17:00"),
            ("9.05", "09:05"),
            ("1730", "17:30"),
            ("8", "08:00"),
        ] {
            assert_eq!(TimeOfDay::parse(text).unwrap().to_string(), want, "{text}");
        }
        for bad in ["", "24:00", "12:60", "soir", "1:2:3"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
    }
}

//! Calendar dates as the campaign writes them (`YYYY-MM-DD`), checked once when they come in:
//! a `Date` is always a real day of the calendar, so nothing downstream re-checks strings.

use std::fmt;
use std::str::FromStr;

/// A real calendar day (ISO 8601, `YYYY-MM-DD`), between the years 1800 and 2200.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not written `YYYY-MM-DD`.
    #[error("{0:?} is not a date: write it YYYY-MM-DD, e.g. 2026-03-15")]
    Form(String),
    /// Written right, but no such day ("2026-13-45", "2025-02-29").
    #[error("{0:?} is not a day of the calendar: write a real date YYYY-MM-DD, e.g. 2026-03-15")]
    NoSuchDay(String),
    /// A year no election file of ours can be about.
    #[error("{0:?}: the year must lie between 1800 and 2200")]
    Year(String),
}

impl Date {
    /// Parses `YYYY-MM-DD` (surrounding spaces ignored).
    ///
    /// # Examples
    /// ```
    /// use campaign_planner::domain::date::Date;
    /// assert_eq!(Date::parse("2013-11-03").unwrap().to_string(), "2013-11-03");
    /// assert!(Date::parse("2026-13-45").is_err());
    /// assert!(Date::parse("2025-02-29").is_err());
    /// assert!(Date::parse("2024-02-29").is_ok());
    /// assert!(Date::parse("03/11/2013").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let trimmed = text.trim();
        let form = || DateError::Form(trimmed.to_owned());
        let parts: Vec<&str> = trimmed.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(form());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(form());
        }
        let year: i32 = y.parse().map_err(|_| form())?;
        let month: u8 = m.parse().map_err(|_| form())?;
        let day: u8 = d.parse().map_err(|_| form())?;
        if !(1800..=2200).contains(&year) {
            return Err(DateError::Year(trimmed.to_owned()));
        }
        let month =
            time::Month::try_from(month).map_err(|_| DateError::NoSuchDay(trimmed.to_owned()))?;
        time::Date::from_calendar_date(year, month, day)
            .map(Self)
            .map_err(|_| DateError::NoSuchDay(trimmed.to_owned()))
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// Today in UTC (the one place the model reads the clock; callers pass it down).
    #[must_use]
    pub fn today() -> Self {
        Self(time::OffsetDateTime::now_utc().date())
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    #[must_use]
    pub fn days_until(self, later: Self) -> i64 {
        (later.0 - self.0).whole_days()
    }

    /// The day `days` after this one (before it when negative); `None` past the calendar.
    #[must_use]
    pub fn plus_days(self, days: i64) -> Option<Self> {
        self.0
            .checked_add(time::Duration::days(days))
            .filter(|d| (1800..=2200).contains(&d.year()))
            .map(Self)
    }

    /// The date part of a stored UTC timestamp (`2026-11-26T19:58:53.123Z`), if it has one.
    #[must_use]
    pub fn of_timestamp(stamp: &str) -> Option<Self> {
        stamp.get(..10).and_then(|d| Self::parse(d).ok())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_round_trips_through_its_text() {
        for text in ["2013-11-03", "2000-02-29", "1999-12-31"] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn impossible_days_and_other_forms_are_refused_with_the_form_to_use() {
        for text in ["2026-13-45", "2026-00-10", "2026-04-31", "2100-02-29"] {
            assert!(
                matches!(Date::parse(text), Err(DateError::NoSuchDay(_))),
                "{text}"
            );
        }
        for text in ["", "2026-1-5", "03/11/2013", "2026-03-15T10:00", "twenty"] {
            let err = Date::parse(text).unwrap_err();
            assert!(err.to_string().contains("YYYY-MM-DD"), "{text}: {err}");
        }
        assert!(matches!(Date::parse("0001-01-01"), Err(DateError::Year(_))));
    }
}

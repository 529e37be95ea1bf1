//! The hybrid logical clock of field writes (DESIGN §11): every write to a travelling field row
//! stamps `updated_at` with `max(now, last stamp + 1 ms)` as fixed-width UTC ISO 8601 to the
//! millisecond, so stamps sort as text, never go backwards on one file even when its computer's
//! clock does, and a merge moves the clock past every stamp it has seen.

use rusqlite::{OptionalExtension as _, Transaction};

/// The `campaign_meta` key holding the last stamp given or seen.
const KEY: &str = "hlc_last";

/// A UTC time as the clock writes it: `2026-11-26T20:55:01.123Z`.
#[must_use]
pub fn format(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Reads a stamp back (`None` for anything else).
#[must_use]
pub fn parse(stamp: &str) -> Option<time::OffsetDateTime> {
    let b = stamp.as_bytes();
    if b.len() != 24 || b[10] != b'T' || b[23] != b'Z' {
        return None;
    }
    let n = |from: usize, to: usize| stamp.get(from..to)?.parse::<u16>().ok();
    let month = time::Month::try_from(u8::try_from(n(5, 7)?).ok()?).ok()?;
    let date =
        time::Date::from_calendar_date(i32::from(n(0, 4)?), month, u8::try_from(n(8, 10)?).ok()?)
            .ok()?;
    let clock = time::Time::from_hms_milli(
        u8::try_from(n(11, 13)?).ok()?,
        u8::try_from(n(14, 16)?).ok()?,
        u8::try_from(n(17, 19)?).ok()?,
        n(20, 23)?,
    )
    .ok()?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_utc())
}

/// The next stamp of this file, recorded as its last.
pub(crate) fn tick(tx: &Transaction<'_>) -> rusqlite::Result<String> {
    let now = time::OffsetDateTime::now_utc();
    let last = last(tx)?.and_then(|s| parse(&s));
    let next = match last {
        Some(l) if l >= now => l + time::Duration::milliseconds(1),
        _ => now,
    };
    let stamp = format(next);
    set(tx, &stamp)?;
    Ok(stamp)
}

/// Moves the clock past `seen` (a stamp merged in), so this file's next writes are newer.
pub(crate) fn witness(tx: &Transaction<'_>, seen: &str) -> rusqlite::Result<()> {
    let last = last(tx)?;
    if parse(seen).is_some() && last.as_deref().is_none_or(|l| l < seen) {
        set(tx, seen)?;
    }
    Ok(())
}

fn last(tx: &Transaction<'_>) -> rusqlite::Result<Option<String>> {
    tx.query_row(
        "SELECT value FROM campaign_meta WHERE key = ?1",
        [KEY],
        |r| r.get(0),
    )
    .optional()
}

fn set(tx: &Transaction<'_>, stamp: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO campaign_meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [KEY, stamp],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_fixed_width_and_sort_as_text_in_time_order() {
        let a = time::OffsetDateTime::from_unix_timestamp_nanos(1_795_683_901_007_000_000).unwrap();
        let b = a + time::Duration::milliseconds(1);
        let (sa, sb) = (format(a), format(b));
        assert_eq!(sa.len(), 24);
        assert_eq!(sa.len(), sb.len());
        assert!(sa < sb);
        assert_eq!(parse(&sa), Some(a));
    }
}

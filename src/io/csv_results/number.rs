//! Numbers in results files: written the English or French way, and checked as vote counts
//! (whole, not negative, finite, of a plausible size) before anything is stored.

/// A cell that should hold a number and does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a number")]
pub struct NotANumber;

/// Parses a number written in any of the usual ways; `None` for an empty cell. Only finite
/// numbers are numbers: "NaN", "inf" and "1e309" are not.
///
/// # Examples
/// ```
/// use campaign_planner::io::csv_results::parse_number;
/// assert_eq!(parse_number("1 234", true), Ok(Some(1234.0)));
/// assert_eq!(parse_number("1\u{a0}234,5", true), Ok(Some(1234.5)));
/// assert_eq!(parse_number("1,234", false), Ok(Some(1234.0)));
/// assert_eq!(parse_number("1.234,5", true), Ok(Some(1234.5)));
/// assert_eq!(parse_number("1.5", true), Ok(Some(1.5)));
/// assert_eq!(parse_number("", false), Ok(None));
/// assert!(parse_number("12a", false).is_err());
/// assert!(parse_number("NaN", false).is_err());
/// assert!(parse_number("1e309", false).is_err());
/// ```
pub fn parse_number(cell: &str, decimal_comma: bool) -> Result<Option<f64>, NotANumber> {
    let trimmed = cell.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.len() <= 15 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        // The common case, plain digits: no copy.
        return trimmed.parse::<f64>().map(Some).map_err(|_| NotANumber);
    }
    // Only digits, signs, separators and exponents can make a number ("inf" and "NaN",
    // which Rust would parse, are not numbers of a results file).
    if !trimmed.chars().all(|c| {
        c.is_ascii_digit()
            || matches!(
                c,
                '+' | '-' | '.' | ',' | 'e' | 'E' | ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’'
            )
    }) {
        return Err(NotANumber);
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’'))
        .collect();
    let normalised = if decimal_comma {
        // "1.234,5": dots group thousands, the comma is the decimal point; a dot that does not
        // group three digits ("1.5") is a decimal point written the English way.
        if compact.contains(',') || groups_of_three(&compact, '.') {
            compact.replace('.', "").replace(',', ".")
        } else {
            compact
        }
    } else if compact.contains(',') {
        // "1,234" or "1,234.5": commas group thousands (a lone decimal comma like "12,5" in a
        // comma-delimited file would have had to be quoted, and is read as a decimal).
        if groups_of_three(&compact, ',') {
            compact.replace(',', "")
        } else {
            compact.replace(',', ".")
        }
    } else {
        compact
    };
    match normalised.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(NotANumber),
    }
}

/// Whether `separator` groups thousands in the integer part of `text`: one to three digits
/// first ("1204.000" is not "1.204.000"), then groups of exactly three.
fn groups_of_three(text: &str, separator: char) -> bool {
    let integer = text.split(if separator == '.' { ',' } else { '.' }).next();
    integer.is_some_and(|int| {
        let mut groups = int.split(separator);
        let first = groups
            .next()
            .unwrap_or_default()
            .trim_start_matches(['-', '+']);
        int.contains(separator)
            && (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The largest count one row of a results file can hold: more votes than any electorate has.
pub const MAX_COUNT: f64 = 1e9;

/// Words that mean "no value here" in published results ("n.d.", "NA", "-").
const MISSING_MARKERS: &[&str] = &[
    "na", "n/a", "n.a.", "n.a", "nd", "n.d.", "n.d", "nan", "null", "none", "-", "--", "—", "–",
    "?", "s.o.", "so", "x", "*",
];

/// Whether a cell holds a word that marks a missing value ("n.d.", "NA", "-").
#[must_use]
pub fn is_missing_marker(cell: &str) -> bool {
    let lower = cell.trim().to_lowercase();
    MISSING_MARKERS.contains(&lower.as_str())
}

/// Why a cell is not a vote count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CountIssue {
    /// A word that marks a missing value ("n.d.", "NA").
    Missing,
    /// Not a number at all, or not a finite one.
    NotANumber,
    /// Below zero.
    Negative,
    /// Not a whole number.
    Fraction,
    /// Over [`MAX_COUNT`].
    TooLarge,
    /// Written in scientific notation ("1.23457E+06"), which loses digits.
    Scientific,
}

/// Reads a vote count: `Ok(None)` for an empty cell, the count when it is a whole number of
/// votes, else what is wrong with it.
///
/// # Examples
/// ```
/// use campaign_planner::io::csv_results::{CountIssue, parse_count};
/// assert_eq!(parse_count("1 204", true), Ok(Some(1204)));
/// assert_eq!(parse_count("1204.0", false), Ok(Some(1204)));
/// assert_eq!(parse_count("", false), Ok(None));
/// assert_eq!(parse_count("n.d.", false), Err(CountIssue::Missing));
/// assert_eq!(parse_count("-3", false), Err(CountIssue::Negative));
/// assert_eq!(parse_count("12.5", false), Err(CountIssue::Fraction));
/// assert_eq!(parse_count("inf", false), Err(CountIssue::NotANumber));
/// assert_eq!(parse_count("1e12", false), Err(CountIssue::Scientific));
/// assert_eq!(parse_count("2000000000", false), Err(CountIssue::TooLarge));
/// ```
pub fn parse_count(cell: &str, decimal_comma: bool) -> Result<Option<u32>, CountIssue> {
    let trimmed = cell.trim();
    if trimmed.len() <= 9 && !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        // The common case, plain digits (at most 999,999,999): no float, no copy.
        return trimmed
            .parse::<u32>()
            .map(Some)
            .map_err(|_| CountIssue::NotANumber);
    }
    let value = match parse_number(trimmed, decimal_comma) {
        Ok(None) => return Ok(None),
        Ok(Some(v)) => v,
        Err(NotANumber) => {
            return Err(if is_missing_marker(trimmed) {
                CountIssue::Missing
            } else {
                CountIssue::NotANumber
            });
        }
    };
    if trimmed.contains(['e', 'E']) {
        Err(CountIssue::Scientific)
    } else if value < 0.0 {
        Err(CountIssue::Negative)
    } else if value > MAX_COUNT {
        Err(CountIssue::TooLarge)
    } else if value.fract() != 0.0 {
        Err(CountIssue::Fraction)
    } else {
        Ok(Some(value as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_and_signs_are_read_as_written() {
        assert_eq!(parse_count("0", false), Ok(Some(0)));
        assert_eq!(parse_count("+12", false), Ok(Some(12)));
        assert_eq!(parse_count("-0", false), Ok(Some(0)));
        assert_eq!(parse_count("-1", true), Err(CountIssue::Negative));
    }

    #[test]
    fn values_beyond_any_electorate_are_too_large_not_clamped() {
        assert_eq!(parse_count("1e309", false), Err(CountIssue::NotANumber));
        assert_eq!(
            parse_count("99999999999999999999", false),
            Err(CountIssue::TooLarge)
        );
        assert_eq!(parse_count("1 000 000 000", true), Ok(Some(1_000_000_000)));
    }

    #[test]
    fn french_thousands_with_dots_and_english_decimals_are_told_apart() {
        assert_eq!(parse_number("1.234", true), Ok(Some(1234.0)));
        assert_eq!(parse_number("12.345.678", true), Ok(Some(12_345_678.0)));
        assert_eq!(parse_number("0.27", true), Ok(Some(0.27)));
        assert_eq!(parse_number("12,5", false), Ok(Some(12.5)));
        assert_eq!(parse_number("1,234,567", false), Ok(Some(1_234_567.0)));
        // A first group of four digits groups nothing: the separator is a decimal point.
        assert_eq!(parse_number("1204.000", true), Ok(Some(1204.0)));
        assert_eq!(parse_number("1204,000", false), Ok(Some(1204.0)));
        assert_eq!(
            parse_count("1.23457E+06", false),
            Err(CountIssue::Scientific)
        );
    }
}

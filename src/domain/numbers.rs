//! Numbers written the way each language writes them: "1,234.5" and "41.2 %" in English,
//! "1 234,5" and "41,2 %" in French.

use serde::{Deserialize, Serialize};

/// A language of the user interface and of explanations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    fn separators(self) -> (char, char) {
        match self {
            // French groups thousands with a no-break space (U+00A0: every font has it, which
            // is not true of the narrow one typographers prefer).
            Self::En => (',', '.'),
            Self::Fr => ('\u{a0}', ','),
        }
    }
}

/// `value` with `decimals` decimals and grouped thousands.
///
/// # Examples
/// ```
/// use campaign_planner::domain::numbers::{Lang, number};
/// assert_eq!(number(1234.5, 1, Lang::En), "1,234.5");
/// assert_eq!(number(1234.5, 1, Lang::Fr), "1\u{a0}234,5");
/// assert_eq!(number(-0.04, 1, Lang::En), "-0.0");
/// ```
#[must_use]
pub fn number(value: f64, decimals: usize, lang: Lang) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let (group, point) = lang.separators();
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + 4);
    if value.is_sign_negative() && text.chars().any(|c| c.is_ascii_digit()) && value != 0.0 {
        out.push('-');
    }
    let digits = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A number with as many decimals as it needs, up to `max_decimals`: 30 → "30", 0.3 → "0.3".
///
/// # Examples
/// ```
/// use campaign_planner::domain::numbers::{Lang, short};
/// assert_eq!(short(30.0, 4, Lang::En), "30");
/// assert_eq!(short(0.35, 4, Lang::Fr), "0,35");
/// assert_eq!(short(1.0 / 3.0, 4, Lang::En), "0.3333");
/// ```
#[must_use]
pub fn short(value: f64, max_decimals: usize, lang: Lang) -> String {
    let text = number(value, max_decimals, lang);
    let point = lang.separators().1;
    if text.contains(point) {
        text.trim_end_matches('0')
            .trim_end_matches(point)
            .to_owned()
    } else {
        text
    }
}

/// A fraction as a percentage with one decimal: 0.412 → "41.2 %" / "41,2 %".
#[must_use]
pub fn percent(fraction: f64, lang: Lang) -> String {
    format!("{}\u{a0}%", number(fraction * 100.0, 1, lang))
}

/// A count, rounded: 1204.4 → "1,204" / "1 204".
#[must_use]
pub fn count(value: f64, lang: Lang) -> String {
    number(value.round(), 0, lang)
}

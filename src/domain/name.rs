//! Names people give turfs and teams: what a name may be.

/// The longest name, in characters: a walk sheet's title line, a legend entry.
pub const MAX_NAME_CHARS: usize = 100;

/// What two names must share to be one name: names are unique in any case (any alphabet's:
/// "Équipe" and "équipe" are one) and without surrounding spaces.
#[must_use]
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Why a name is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// Nothing but spaces.
    #[error("a {0} needs a name")]
    Empty(&'static str),
    /// A line break, tab or other control character (they break lists, exports and sheets).
    #[error("a {0}'s name cannot hold line breaks, tabs or other control characters")]
    Control(&'static str),
    /// Longer than [`MAX_NAME_CHARS`].
    #[error("a {kind}'s name is at most {MAX_NAME_CHARS} characters; this one has {length}")]
    TooLong {
        /// "turf" or "team".
        kind: &'static str,
        /// Its length in characters.
        length: usize,
    },
}

/// `name` trimmed, when it is a name a `kind` ("turf", "team") may have.
///
/// # Examples
/// ```
/// use campaign_planner::domain::name::{NameProblem, clean_name};
///
/// assert_eq!(clean_name("  Nord ", "team"), Ok("Nord"));
/// assert_eq!(clean_name(" ", "turf"), Err(NameProblem::Empty("turf")));
/// assert_eq!(clean_name("a\nb", "turf"), Err(NameProblem::Control("turf")));
/// ```
pub fn clean_name<'a>(name: &'a str, kind: &'static str) -> Result<&'a str, NameProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameProblem::Empty(kind));
    }
    if name.chars().any(char::is_control) {
        return Err(NameProblem::Control(kind));
    }
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong { kind, length });
    }
    Ok(name)
}

/// A letter without its accent, for sorting as French readers expect ("Église" among the E,
/// "œ" as "oe").
fn unaccented(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'œ' => "oe",
        'æ' => "ae",
        _ => "",
    }
}

/// Names in the order people expect: letters in any case alike and accents aside ("Église"
/// among the E), numbers by value ("Auto 2" before "Auto 10").
#[must_use]
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        let folded: String = name_key(s)
            .chars()
            .flat_map(|c| match unaccented(c) {
                "" => vec![c],
                base => base.chars().collect(),
            })
            .collect();
        for c in folded.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (x, y) = (chunks(a), chunks(b));
    for (p, q) in x.iter().zip(&y) {
        let order = match (p, q) {
            ((true, m), (true, n)) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            _ => p.1.cmp(&q.1),
        };
        if order.is_ne() {
            return order;
        }
    }
    x.len()
        .cmp(&y.len())
        .then_with(|| name_key(a).cmp(&name_key(b)))
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod natural_tests {
    use super::natural_cmp;

    #[test]
    fn numbered_names_sort_by_their_numbers() {
        let mut names = vec![
            "Auto 10",
            "auto 2",
            "Auto 1",
            "Équipe B",
            "Auto 02b",
            "équipe a",
            "Nord",
            "Est",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            vec![
                "Auto 1",
                "auto 2",
                "Auto 02b",
                "Auto 10",
                "équipe a",
                "Équipe B",
                "Est",
                "Nord"
            ]
        );
    }
}

//! A single address string read into its parts: house number (its integer part and a suffix
//! such as bis, ter or A), street, unit, postcode and locality. French ("12 bis rue de la Paix,
//! 75002 Paris"), Finnish ("Mannerheimintie 12 A 5, 00100 Helsinki") and English ("1600
//! Pennsylvania Ave NW Apt 2") orders are read; walk order and de-duplication need the parts,
//! not the string.

/// An address in parts. Parts the string does not give are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// The integer part of the house number (12 of "12 bis").
    pub housenumber: Option<u32>,
    /// What follows the number: "bis", "ter", "A", "-14" (a range).
    pub suffix: Option<String>,
    /// The street (or place) name, as written.
    pub street: Option<String>,
    /// The flat, staircase or suite: "Apt 2", "A 5", "Flat 3".
    pub unit: Option<String>,
    /// The postcode.
    pub postcode: Option<String>,
    /// The town or city.
    pub locality: Option<String>,
}

impl Address {
    /// The address on one line, in the order its street's language writes it: number after a
    /// one-word street ("Mannerheimintie 12 A 5", "Hauptstraße 3"), before a longer one ("12 bis
    /// rue de la Paix", "1600 Pennsylvania Ave NW Apt 2").
    #[must_use]
    pub fn line(&self) -> String {
        let number = match (self.housenumber, &self.suffix) {
            (Some(n), Some(s)) if s.chars().count() > 1 && s.chars().all(char::is_alphabetic) => {
                format!("{n} {s}")
            }
            (Some(n), Some(s)) => format!("{n}{s}"),
            (Some(n), None) => n.to_string(),
            (None, _) => String::new(),
        };
        let street = self.street.as_deref().unwrap_or("");
        let one_word = !street.trim().contains(' ');
        let mut words: Vec<&str> = Vec::new();
        if one_word {
            words.extend([street, number.as_str()]);
        } else {
            words.extend([number.as_str(), street]);
        }
        if let Some(u) = &self.unit {
            words.push(u);
        }
        words
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Suffixes of a French house number, written after it.
const FRENCH_SUFFIXES: &[&str] = &["bis", "ter", "quater", "quinquies", "b", "t", "q"];

/// Words that start a unit (flat, suite, staircase), in any case, with or without a dot.
const UNIT_WORDS: &[&str] = &[
    "apt",
    "apartment",
    "appartement",
    "appt",
    "app",
    "suite",
    "ste",
    "unit",
    "flat",
    "room",
    "rm",
    "floor",
    "fl",
    "bâtiment",
    "batiment",
    "bât",
    "bat",
    "escalier",
    "esc",
    "étage",
    "etage",
    "porte",
    "as",
    "asunto",
    "lgh",
];

/// Reads an address string. Never fails: what cannot be read stays in `street`.
#[must_use]
pub fn parse(text: &str) -> Address {
    let mut out = Address::default();
    let parts: Vec<String> = text
        .split(',')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return out;
    }
    // "12bis, rue de la Paix": a part that is only a number belongs to the next one.
    let mut joined: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        if i + 1 < parts.len() && only_number(&parts[i]) {
            joined.push(format!("{} {}", parts[i], parts[i + 1]));
            i += 2;
        } else {
            joined.push(parts[i].clone());
            i += 1;
        }
    }
    // The street part: the first with a house number, else the first that is not a unit.
    let main = joined
        .iter()
        .position(|p| has_house_number(p) && unit_of(p).is_none())
        .or_else(|| joined.iter().position(|p| unit_of(p).is_none()))
        .unwrap_or(0);
    for (k, part) in joined.iter().enumerate() {
        if k == main {
            continue;
        }
        if let Some(unit) = unit_of(part) {
            out.unit = Some(unit);
        } else if k > main {
            read_place(part, &mut out);
        }
    }
    read_street_part(&joined[main], &mut out);
    out
}

/// A house number written alone ("12", "12bis", "12 bis", "12 B", "45-47"): its integer part
/// and suffix, or `None` when it does not start with a number.
#[must_use]
pub fn house_number(text: &str) -> Option<(u32, Option<String>)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [one] => split_number(one),
        [n, s] if n.chars().all(|c| c.is_ascii_digit()) && is_suffix(s) => {
            let (number, _) = split_number(n)?;
            Some((number, Some((*s).to_owned())))
        }
        _ => None,
    }
}

/// Whether a part is a house number alone ("12", "12bis", "12 B").
fn only_number(part: &str) -> bool {
    let words: Vec<&str> = part.split(' ').collect();
    match words.as_slice() {
        [one] => split_number(one).is_some(),
        [n, s] => n.chars().all(|c| c.is_ascii_digit()) && is_suffix(s),
        _ => false,
    }
}

/// Whether a part holds a house number before or after a name.
fn has_house_number(part: &str) -> bool {
    let words: Vec<&str> = part.split(' ').collect();
    words.len() >= 2
        && (split_number(words[0]).is_some()
            || words[1..].iter().any(|w| split_number(w).is_some()))
        && !is_postcode_part(part)
}

/// "12" → (12, None); "12bis" → (12, "bis"); "221B" → (221, "B"); "45-47" → (45, "-47").
fn split_number(word: &str) -> Option<(u32, Option<String>)> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    let number: u32 = digits.parse().ok()?;
    let rest = &word[digits.len()..];
    if rest.is_empty() {
        return Some((number, None));
    }
    let range = rest
        .strip_prefix(['-', '–', '/'])
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()));
    if range || is_suffix(rest) {
        return Some((number, Some(rest.to_owned())));
    }
    None
}

/// "bis", "ter", a single letter.
fn is_suffix(word: &str) -> bool {
    let lower = word.to_lowercase();
    FRENCH_SUFFIXES.contains(&lower.as_str())
        || (word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
}

/// A unit part or the unit words ending a part ("Apt 2", "#4", "Flat 3"), if it is one.
fn unit_of(part: &str) -> Option<String> {
    let words: Vec<&str> = part.split(' ').collect();
    let first = words.first()?;
    if first.starts_with('#') && first.len() > 1 {
        return Some(part.to_owned());
    }
    let word = first.trim_end_matches('.').to_lowercase();
    (UNIT_WORDS.contains(&word.as_str()) && words.len() >= 2).then(|| part.to_owned())
}

/// A part after the street: "75002 Paris", "00100 Helsinki", "CA 95014", "Paris".
fn read_place(part: &str, out: &mut Address) {
    let words: Vec<&str> = part.split(' ').collect();
    if let Some(k) = words.iter().position(|w| is_postcode(w)) {
        out.postcode = Some(words[k].to_owned());
        let rest: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != k)
            .map(|(_, w)| *w)
            .collect();
        // "CA 95014": a state before a US ZIP code is not a locality.
        let state = rest.len() == 1
            && rest[0].len() == 2
            && rest[0].chars().all(|c| c.is_ascii_uppercase());
        if !rest.is_empty() && !state {
            out.locality = Some(rest.join(" "));
        }
    } else if out.locality.is_none()
        && !(part.len() == 2 && part.chars().all(|c| c.is_ascii_uppercase()))
    {
        out.locality = Some(part.to_owned());
    }
}

/// Five digits (France, Finland, the US), or a US ZIP+4.
fn is_postcode(word: &str) -> bool {
    let (main, plus4) = word.split_once('-').unwrap_or((word, ""));
    main.len() == 5
        && main.chars().all(|c| c.is_ascii_digit())
        && (plus4.is_empty() || (plus4.len() == 4 && plus4.chars().all(|c| c.is_ascii_digit())))
}

/// Whether a part is a postcode and locality ("75002 Paris").
fn is_postcode_part(part: &str) -> bool {
    part.split(' ').next().is_some_and(is_postcode)
}

/// The part with the street: number first (French, English) or last (Finnish, German).
fn read_street_part(part: &str, out: &mut Address) {
    let mut words: Vec<&str> = part.split(' ').collect();
    // A unit at the end ("… Apt 2", "… #4", "… appartement 12").
    if let Some(k) = (1..words.len()).find(|&k| unit_of(&words[k..].join(" ")).is_some()) {
        out.unit = Some(words[k..].join(" "));
        words.truncate(k);
    }
    // Number first: "12", "12bis", "12 bis", "221B", "45-47", then the street.
    if let Some((number, mut suffix)) = words.first().and_then(|w| split_number(w)) {
        let mut rest = &words[1..];
        if suffix.is_none()
            && rest.len() >= 2
            && is_suffix(rest[0])
            && is_french_suffix_or_letter(rest[0], rest[1])
        {
            suffix = Some(rest[0].to_owned());
            rest = &rest[1..];
        }
        out.housenumber = Some(number);
        out.suffix = suffix;
        if !rest.is_empty() {
            out.street = Some(rest.join(" "));
        }
        return;
    }
    // Number last: "Mannerheimintie 12", "Mannerheimintie 12 A 5", "Kalevankatu 3b".
    if let Some(k) = (1..words.len()).find(|&k| split_number(words[k]).is_some()) {
        let Some((number, suffix)) = split_number(words[k]) else {
            return;
        };
        out.street = Some(words[..k].join(" "));
        out.housenumber = Some(number);
        out.suffix = suffix;
        let after = &words[k + 1..];
        if !after.is_empty() && out.unit.is_none() {
            out.unit = Some(after.join(" "));
        }
        return;
    }
    out.street = Some(words.join(" "));
}

/// Whether `word` after a number is its suffix rather than the street's first word: French
/// suffixes always are; a lone capital letter is when a street follows ("12 B avenue …").
fn is_french_suffix_or_letter(word: &str, next: &str) -> bool {
    let lower = word.to_lowercase();
    if ["bis", "ter", "quater", "quinquies"].contains(&lower.as_str()) {
        return true;
    }
    // "2 E 42nd St": a compass point before a street that is not a French one is the
    // street's own prefix.
    let compass = ["N", "S", "E", "W"].contains(&word);
    let french_street = FRENCH_STREET_TYPES.contains(&next.to_lowercase().as_str());
    word.chars().count() == 1
        && word.chars().all(char::is_uppercase)
        && !next.is_empty()
        && (!compass || french_street)
}

/// The words a French street name starts with, to tell "12 B avenue …" (a suffix) from
/// "2 E 42nd St" (a compass point).
const FRENCH_STREET_TYPES: &[&str] = &[
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "av",
    "chemin",
    "impasse",
    "allée",
    "allee",
    "place",
    "route",
    "quai",
    "cours",
    "square",
    "passage",
    "voie",
    "sentier",
    "lotissement",
    "cité",
    "résidence",
    "hameau",
    "lieu-dit",
    "faubourg",
    "rond-point",
    "esplanade",
    "promenade",
];

#[cfg(test)]
mod tests;

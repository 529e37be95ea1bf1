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
mod tests {
    use super::*;

    /// (text, number, suffix, street, unit, postcode, locality).
    type Case = (
        &'static str,
        Option<u32>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );

    const CASES: &[Case] = &[
        // French.
        (
            "12 bis rue de la Paix",
            Some(12),
            Some("bis"),
            Some("rue de la Paix"),
            None,
            None,
            None,
        ),
        (
            "12bis, rue de la Paix",
            Some(12),
            Some("bis"),
            Some("rue de la Paix"),
            None,
            None,
            None,
        ),
        (
            "12 BIS Rue de la Paix",
            Some(12),
            Some("BIS"),
            Some("Rue de la Paix"),
            None,
            None,
            None,
        ),
        (
            "3 ter boulevard Voltaire",
            Some(3),
            Some("ter"),
            Some("boulevard Voltaire"),
            None,
            None,
            None,
        ),
        (
            "18 quater impasse des Lilas",
            Some(18),
            Some("quater"),
            Some("impasse des Lilas"),
            None,
            None,
            None,
        ),
        (
            "45, avenue des Champs-Élysées",
            Some(45),
            None,
            Some("avenue des Champs-Élysées"),
            None,
            None,
            None,
        ),
        (
            "1 place Bellecour, 69002 Lyon",
            Some(1),
            None,
            Some("place Bellecour"),
            None,
            Some("69002"),
            Some("Lyon"),
        ),
        (
            "7 rue du Faubourg Saint-Antoine, 75011 Paris",
            Some(7),
            None,
            Some("rue du Faubourg Saint-Antoine"),
            None,
            Some("75011"),
            Some("Paris"),
        ),
        (
            "2A chemin des Vignes",
            Some(2),
            Some("A"),
            Some("chemin des Vignes"),
            None,
            None,
            None,
        ),
        (
            "12 B avenue Jean Jaurès",
            Some(12),
            Some("B"),
            Some("avenue Jean Jaurès"),
            None,
            None,
            None,
        ),
        (
            "102 rue de Rivoli, Paris",
            Some(102),
            None,
            Some("rue de Rivoli"),
            None,
            None,
            Some("Paris"),
        ),
        (
            "place de la République",
            None,
            None,
            Some("place de la République"),
            None,
            None,
            None,
        ),
        (
            "5 allée des Tilleuls, appartement 12",
            Some(5),
            None,
            Some("allée des Tilleuls"),
            Some("appartement 12"),
            None,
            None,
        ),
        (
            "14 rue Pasteur bât. B",
            Some(14),
            None,
            Some("rue Pasteur"),
            Some("bât. B"),
            None,
            None,
        ),
        (
            "9 avenue Foch escalier 2",
            Some(9),
            None,
            Some("avenue Foch"),
            Some("escalier 2"),
            None,
            None,
        ),
        (
            "33 cours Mirabeau, 13100 Aix-en-Provence",
            Some(33),
            None,
            Some("cours Mirabeau"),
            None,
            Some("13100"),
            Some("Aix-en-Provence"),
        ),
        (
            "4 quai des Orfèvres",
            Some(4),
            None,
            Some("quai des Orfèvres"),
            None,
            None,
            None,
        ),
        (
            "10t rue Victor Hugo",
            Some(10),
            Some("t"),
            Some("rue Victor Hugo"),
            None,
            None,
            None,
        ),
        (
            "8 bis, avenue de la Gare, 31000 Toulouse",
            Some(8),
            Some("bis"),
            Some("avenue de la Gare"),
            None,
            Some("31000"),
            Some("Toulouse"),
        ),
        (
            "  6   rue   des   Écoles  ",
            Some(6),
            None,
            Some("rue des Écoles"),
            None,
            None,
            None,
        ),
        (
            "21 route de Lyon",
            Some(21),
            None,
            Some("route de Lyon"),
            None,
            None,
            None,
        ),
        (
            "11 rue du 8 Mai 1945",
            Some(11),
            None,
            Some("rue du 8 Mai 1945"),
            None,
            None,
            None,
        ),
        (
            "lieu-dit Les Granges",
            None,
            None,
            Some("lieu-dit Les Granges"),
            None,
            None,
            None,
        ),
        (
            "27 rue Nationale étage 3",
            Some(27),
            None,
            Some("rue Nationale"),
            Some("étage 3"),
            None,
            None,
        ),
        (
            "1 rue de la Mairie, 59000 Lille",
            Some(1),
            None,
            Some("rue de la Mairie"),
            None,
            Some("59000"),
            Some("Lille"),
        ),
        // Finnish.
        (
            "Mannerheimintie 12 A 5",
            Some(12),
            None,
            Some("Mannerheimintie"),
            Some("A 5"),
            None,
            None,
        ),
        (
            "Mannerheimintie 12",
            Some(12),
            None,
            Some("Mannerheimintie"),
            None,
            None,
            None,
        ),
        (
            "Aleksanterinkatu 52 B 7",
            Some(52),
            None,
            Some("Aleksanterinkatu"),
            Some("B 7"),
            None,
            None,
        ),
        (
            "Kalevankatu 3b",
            Some(3),
            Some("b"),
            Some("Kalevankatu"),
            None,
            None,
            None,
        ),
        (
            "Fredrikinkatu 48 A 12, 00100 Helsinki",
            Some(48),
            None,
            Some("Fredrikinkatu"),
            Some("A 12"),
            Some("00100"),
            Some("Helsinki"),
        ),
        (
            "Runeberginkatu 5 as. 3",
            Some(5),
            None,
            Some("Runeberginkatu"),
            Some("as. 3"),
            None,
            None,
        ),
        (
            "Hämeentie 19",
            Some(19),
            None,
            Some("Hämeentie"),
            None,
            None,
            None,
        ),
        (
            "Itämerenkatu 1, 00180 Helsinki",
            Some(1),
            None,
            Some("Itämerenkatu"),
            None,
            Some("00180"),
            Some("Helsinki"),
        ),
        (
            "Pohjoisesplanadi 11-13",
            Some(11),
            Some("-13"),
            Some("Pohjoisesplanadi"),
            None,
            None,
            None,
        ),
        (
            "Töölönkatu 4 C",
            Some(4),
            None,
            Some("Töölönkatu"),
            Some("C"),
            None,
            None,
        ),
        (
            "Lapinlahdenkatu 16",
            Some(16),
            None,
            Some("Lapinlahdenkatu"),
            None,
            None,
            None,
        ),
        (
            "Bulevardi 2-4 B 10",
            Some(2),
            Some("-4"),
            Some("Bulevardi"),
            Some("B 10"),
            None,
            None,
        ),
        (
            "Kauppatori",
            None,
            None,
            Some("Kauppatori"),
            None,
            None,
            None,
        ),
        (
            "Mechelininkatu 1a, Helsinki",
            Some(1),
            Some("a"),
            Some("Mechelininkatu"),
            None,
            None,
            Some("Helsinki"),
        ),
        (
            "Annankatu 31-33 C 48",
            Some(31),
            Some("-33"),
            Some("Annankatu"),
            Some("C 48"),
            None,
            None,
        ),
        // English.
        (
            "1600 Pennsylvania Ave NW Apt 2",
            Some(1600),
            None,
            Some("Pennsylvania Ave NW"),
            Some("Apt 2"),
            None,
            None,
        ),
        (
            "221B Baker Street",
            Some(221),
            Some("B"),
            Some("Baker Street"),
            None,
            None,
            None,
        ),
        (
            "10 Downing Street",
            Some(10),
            None,
            Some("Downing Street"),
            None,
            None,
            None,
        ),
        (
            "350 Fifth Avenue, Suite 3300",
            Some(350),
            None,
            Some("Fifth Avenue"),
            Some("Suite 3300"),
            None,
            None,
        ),
        (
            "1 Infinite Loop, Cupertino, CA 95014",
            Some(1),
            None,
            Some("Infinite Loop"),
            None,
            Some("95014"),
            Some("Cupertino"),
        ),
        (
            "Flat 3, 12 High Street",
            Some(12),
            None,
            Some("High Street"),
            Some("Flat 3"),
            None,
            None,
        ),
        (
            "123 Main St #4",
            Some(123),
            None,
            Some("Main St"),
            Some("#4"),
            None,
            None,
        ),
        (
            "45-47 King Street",
            Some(45),
            Some("-47"),
            Some("King Street"),
            None,
            None,
            None,
        ),
        (
            "742 Evergreen Terrace",
            Some(742),
            None,
            Some("Evergreen Terrace"),
            None,
            None,
            None,
        ),
        (
            "500 Pine St Unit 12, Seattle, WA 98101",
            Some(500),
            None,
            Some("Pine St"),
            Some("Unit 12"),
            Some("98101"),
            Some("Seattle"),
        ),
        (
            "2 E 42nd St",
            Some(2),
            None,
            Some("E 42nd St"),
            None,
            None,
            None,
        ),
        (
            "88 Colin P Kelly Jr St",
            Some(88),
            None,
            Some("Colin P Kelly Jr St"),
            None,
            None,
            None,
        ),
        (
            "1000 5th Ave",
            Some(1000),
            None,
            Some("5th Ave"),
            None,
            None,
            None,
        ),
        (
            "30 Rockefeller Plaza Fl 5",
            Some(30),
            None,
            Some("Rockefeller Plaza"),
            Some("Fl 5"),
            None,
            None,
        ),
        (
            "77 Massachusetts Ave Room 10-250",
            Some(77),
            None,
            Some("Massachusetts Ave"),
            Some("Room 10-250"),
            None,
            None,
        ),
        ("", None, None, None, None, None, None),
    ];

    #[test]
    fn at_least_99_percent_of_real_looking_french_finnish_and_english_addresses_read_right() {
        let mut wrong = Vec::new();
        for &(text, number, suffix, street, unit, postcode, locality) in CASES {
            let want = Address {
                housenumber: number,
                suffix: suffix.map(str::to_owned),
                street: street.map(str::to_owned),
                unit: unit.map(str::to_owned),
                postcode: postcode.map(str::to_owned),
                locality: locality.map(str::to_owned),
            };
            let got = parse(text);
            if got != want {
                wrong.push(format!("{text:?}: got {got:?}"));
            }
        }
        assert!(CASES.len() >= 50, "{} cases", CASES.len());
        assert!(
            wrong.len() * 100 <= CASES.len(),
            "{} of {} read wrong:\n{}",
            wrong.len(),
            CASES.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn the_helsinki_address_points_written_out_are_read_back_into_their_parts() {
        // OpenStreetMap's own parts (© OpenStreetMap contributors, ODbL), written as one
        // string the way a letter or a spreadsheet would, then read back.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/helsinki-address-points.geojson"
        ))
        .unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let (mut checked, mut wrong) = (0, Vec::new());
        for f in json["features"].as_array().unwrap() {
            let p = &f["properties"];
            let (Some(street), Some(number)) =
                (p["addr_street"].as_str(), p["addr_housenumber"].as_str())
            else {
                continue;
            };
            let mut line = format!("{street} {number}");
            if let (Some(code), Some(city)) = (p["addr_postcode"].as_str(), p["addr_city"].as_str())
            {
                line = format!("{line}, {code} {city}");
            }
            let got = parse(&line);
            let leading: Option<u32> = number
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok();
            checked += 1;
            if got.street.as_deref() != Some(street)
                || got.housenumber != leading
                || got.postcode.as_deref()
                    != p["addr_postcode"]
                        .as_str()
                        .filter(|_| p["addr_city"].is_string())
            {
                wrong.push(format!("{line:?}: {got:?}"));
            }
        }
        assert!(checked > 1000, "{checked} addresses");
        assert!(
            wrong.len() * 100 <= checked,
            "{} of {checked} read wrong:\n{}",
            wrong.len(),
            wrong
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

//! Which column is which: headers read the way people write them (any case, with or without
//! accents, with a year, a typo), the key found by the precinct codes it matches, and the
//! columns that must never be taken for lists (totals, shares, margins, identifiers).

use std::collections::HashMap;

use crate::domain::results::loose_code;

/// What a column holds, as far as its header tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Registered voters (inscrits).
    Registered,
    /// Voters (votants).
    Voters,
    /// Valid votes (exprimés).
    Valid,
    /// Long layout: the list or candidate name.
    ListName,
    /// Long layout: the votes.
    Votes,
    /// A precinct identifier (not necessarily the key).
    Identifier,
    /// A figure that is not a list's votes.
    NotList(NotList),
}

/// Figures that are numbers but not a list's votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotList {
    /// A share or percentage.
    Share,
    /// A margin or difference.
    Margin,
    /// A turnout rate.
    Turnout,
    /// Abstentions.
    Abstentions,
    /// Blank or spoilt ballots.
    BlankOrNull,
    /// A total that is not the valid votes (ballots, "total" with several meanings).
    Total,
    /// A year, a round, a place code or name, a population: a description of the row.
    Description,
    /// Decimal values: not counts.
    Decimals,
    /// Negative values: not counts.
    Negatives,
    /// Numbers and text mixed: a column of counts with many unreadable cells, or of text.
    Mixed,
    /// A column of numbers without a header.
    NoHeader,
    /// The sum of the other lists.
    SumOfLists,
}

impl NotList {
    /// The reason in words, for reports.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Self::Share => "a share or percentage",
            Self::Margin => "a margin or difference",
            Self::Turnout => "a turnout",
            Self::Abstentions => "abstentions",
            Self::BlankOrNull => "blank or spoilt ballots",
            Self::Total => "a total",
            Self::Description => "describes the row",
            Self::Decimals => "decimal values, not vote counts",
            Self::Negatives => "negative values, not vote counts",
            Self::Mixed => "numbers and text mixed",
            Self::NoHeader => "numbers without a header",
            Self::SumOfLists => "the sum of the lists",
        }
    }
}

impl Role {
    /// The role in words, for reports and warnings.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Self::Registered => "registered voters",
            Self::Voters => "voters",
            Self::Valid => "valid votes",
            Self::ListName => "list name",
            Self::Votes => "votes",
            Self::Identifier => "identifier",
            Self::NotList(n) => n.words(),
        }
    }

    /// The command-line option that names this column.
    #[must_use]
    pub fn option(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Voters => "voters",
            Self::Valid => "valid",
            Self::ListName => "list-column",
            Self::Votes => "votes-column",
            Self::Identifier | Self::NotList(_) => "lists",
        }
    }
}

/// Known headers (already normalised: lower case, no accents, words split by one space), and
/// their role.
const KNOWN: &[(&str, Role)] = &[
    ("inscrits", Role::Registered),
    ("nb inscrits", Role::Registered),
    ("electeurs inscrits", Role::Registered),
    ("registered", Role::Registered),
    ("registered voters", Role::Registered),
    ("registration", Role::Registered),
    ("electors", Role::Registered),
    ("votants", Role::Voters),
    ("nb votants", Role::Voters),
    ("voters", Role::Voters),
    ("ballots", Role::Voters),
    ("ballots cast", Role::Voters),
    ("total ballots", Role::Voters),
    ("turnout count", Role::Voters),
    ("exprimes", Role::Valid),
    ("nb exprimes", Role::Valid),
    ("suffrages exprimes", Role::Valid),
    ("valid", Role::Valid),
    ("valid votes", Role::Valid),
    ("total valid", Role::Valid),
    ("total", Role::Valid),
    ("total votes", Role::Valid),
    ("totalvotes", Role::Valid),
    ("total votes cast", Role::Valid),
    ("countertype", Role::ListName),
    ("counter type", Role::ListName),
    ("candidate", Role::ListName),
    ("candidat", Role::ListName),
    ("list", Role::ListName),
    ("liste", Role::ListName),
    ("party", Role::ListName),
    ("parti", Role::ListName),
    ("nuance", Role::ListName),
    ("choice", Role::ListName),
    ("option", Role::ListName),
    ("nom", Role::ListName),
    ("name", Role::ListName),
    ("votes", Role::Votes),
    ("voix", Role::Votes),
    ("nb voix", Role::Votes),
    ("vote count", Role::Votes),
    ("votes count", Role::Votes),
    ("candidatevotes", Role::Votes),
    ("candidate votes", Role::Votes),
    ("count", Role::Votes),
    ("sumofcount", Role::Votes),
    ("sum of count", Role::Votes),
    ("times counted", Role::Voters),
    ("electorate", Role::Registered),
    ("eligible", Role::Registered),
    ("eligible voters", Role::Registered),
    ("electeurs", Role::Registered),
    ("registrants", Role::Registered),
    ("registrations", Role::Registered),
    ("reg", Role::Registered),
    ("reg voters", Role::Registered),
    ("registered electors", Role::Registered),
    ("active voters", Role::Registered),
    ("total registration", Role::Registered),
    ("ballot papers issued", Role::Voters),
    ("ballots issued", Role::Voters),
    ("cards cast", Role::Voters),
    ("counted", Role::Voters),
    ("voted", Role::Voters),
    ("ballots counted", Role::Voters),
    ("total ballots cast", Role::Voters),
    ("votes cast", Role::Valid),
    ("valid ballots", Role::Valid),
    ("valid votes cast", Role::Valid),
    ("all candidates", Role::Valid),
    ("sum", Role::Valid),
    ("ballots cast blank", Role::NotList(NotList::BlankOrNull)),
    ("times blank voted", Role::NotList(NotList::BlankOrNull)),
    ("expr", Role::Valid),
    ("exp", Role::Valid),
    ("ins", Role::Registered),
    ("vot", Role::Voters),
    ("abs", Role::NotList(NotList::Abstentions)),
    ("times under voted", Role::NotList(NotList::BlankOrNull)),
    ("times over voted", Role::NotList(NotList::BlankOrNull)),
    ("under votes", Role::NotList(NotList::BlankOrNull)),
    ("over votes", Role::NotList(NotList::BlankOrNull)),
    ("undervotes", Role::NotList(NotList::BlankOrNull)),
    ("overvotes", Role::NotList(NotList::BlankOrNull)),
    ("blank votes", Role::NotList(NotList::BlankOrNull)),
    ("blank ballots", Role::NotList(NotList::BlankOrNull)),
    ("spoiled ballots", Role::NotList(NotList::BlankOrNull)),
    ("spoilt ballots", Role::NotList(NotList::BlankOrNull)),
    ("rejected ballots", Role::NotList(NotList::BlankOrNull)),
    ("abstentions", Role::NotList(NotList::Abstentions)),
    ("abstention", Role::NotList(NotList::Abstentions)),
    ("blancs", Role::NotList(NotList::BlankOrNull)),
    ("blanc", Role::NotList(NotList::BlankOrNull)),
    ("nuls", Role::NotList(NotList::BlankOrNull)),
    ("nul", Role::NotList(NotList::BlankOrNull)),
    ("blancs et nuls", Role::NotList(NotList::BlankOrNull)),
    ("blank", Role::NotList(NotList::BlankOrNull)),
    ("spoilt", Role::NotList(NotList::BlankOrNull)),
    ("spoiled", Role::NotList(NotList::BlankOrNull)),
    ("rejected", Role::NotList(NotList::BlankOrNull)),
    ("invalid", Role::NotList(NotList::BlankOrNull)),
    ("winner", Role::NotList(NotList::Description)),
    ("result", Role::NotList(NotList::Description)),
    ("code", Role::Identifier),
    ("precinct", Role::Identifier),
    ("precinct code", Role::Identifier),
    ("precinct id", Role::Identifier),
    ("code bv", Role::Identifier),
    ("id bv", Role::Identifier),
    ("bureau", Role::Identifier),
    ("code bureau", Role::Identifier),
    ("code du b vote", Role::Identifier),
    ("num bv", Role::Identifier),
    ("district id", Role::Identifier),
    ("district", Role::Identifier),
    ("geoid", Role::Identifier),
    ("geoid20", Role::Identifier),
    ("id", Role::Identifier),
];

/// Words that make a column a figure other than a list's votes wherever they appear in its
/// header (`dem_share_2016`, `margin_2016`, `% Voix/Ins`).
const NOT_LIST_WORDS: &[(&str, NotList)] = &[
    ("share", NotList::Share),
    ("pct", NotList::Share),
    ("percent", NotList::Share),
    ("percentage", NotList::Share),
    ("pourcentage", NotList::Share),
    ("ratio", NotList::Share),
    ("rate", NotList::Share),
    ("taux", NotList::Share),
    ("prop", NotList::Share),
    ("proportion", NotList::Share),
    ("part", NotList::Share),
    ("margin", NotList::Margin),
    ("marge", NotList::Margin),
    ("ecart", NotList::Margin),
    ("diff", NotList::Margin),
    ("difference", NotList::Margin),
    ("lead", NotList::Margin),
    ("swing", NotList::Margin),
    ("turnout", NotList::Turnout),
    ("participation", NotList::Turnout),
    ("abstentions", NotList::Abstentions),
    ("abstention", NotList::Abstentions),
    ("blancs", NotList::BlankOrNull),
    ("nuls", NotList::BlankOrNull),
    ("total", NotList::Total),
    ("totals", NotList::Total),
    ("pc", NotList::Share),
    ("avance", NotList::Margin),
    ("majorite", NotList::Margin),
    ("majority", NotList::Margin),
    ("position", NotList::Description),
    ("panneau", NotList::Description),
    ("households", NotList::Description),
    ("menages", NotList::Description),
    ("foyers", NotList::Description),
    ("index", NotList::Description),
    ("idx", NotList::Description),
    ("seq", NotList::Description),
    ("rank", NotList::Description),
    ("rang", NotList::Description),
    ("seats", NotList::Description),
    ("sieges", NotList::Description),
    ("siege", NotList::Description),
    ("num", NotList::Description),
    ("numero", NotList::Description),
    ("row", NotList::Description),
    ("ligne", NotList::Description),
    ("year", NotList::Description),
    ("annee", NotList::Description),
    ("tour", NotList::Description),
    ("round", NotList::Description),
    ("circonscription", NotList::Description),
    ("circ", NotList::Description),
    ("commune", NotList::Description),
    ("canton", NotList::Description),
    ("departement", NotList::Description),
    ("dept", NotList::Description),
    ("dep", NotList::Description),
    ("insee", NotList::Description),
    ("fips", NotList::Description),
    ("state", NotList::Description),
    ("county", NotList::Description),
    ("ward", NotList::Description),
    ("zip", NotList::Description),
    ("postcode", NotList::Description),
    ("population", NotList::Description),
    ("pop", NotList::Description),
    ("area", NotList::Description),
    ("superficie", NotList::Description),
    ("surface", NotList::Description),
    ("km2", NotList::Description),
    ("lat", NotList::Description),
    ("latitude", NotList::Description),
    ("lon", NotList::Description),
    ("lng", NotList::Description),
    ("longitude", NotList::Description),
    ("version", NotList::Description),
    ("code", NotList::Description),
    ("id", NotList::Description),
];

/// Words that make a column the registered voters wherever they appear in its header.
const REGISTERED_WORDS: &[&str] = &[
    "registration",
    "registered",
    "electorate",
    "eligible",
    "inscrits",
    "electeurs",
    "registrants",
];

/// Words of a column naming the contest a row belongs to ("office", "race", "scrutin").
const CONTEST_WORDS: &[&str] = &[
    "office", "race", "contest", "scrutin", "election", "poste", "seat", "mandat", "ballot",
];

/// Whether a header names the contest of a row: a long file with several of them holds
/// several elections.
#[must_use]
pub fn names_a_contest(header: &Header) -> bool {
    header
        .normalised
        .split(' ')
        .any(|w| CONTEST_WORDS.contains(&w))
}

/// Headers worth matching despite a typo: the figures whose loss or doubling changes every
/// score. A typo'd "Exprmés" read as a list would double the valid votes.
const FUZZY: &[(&str, Role)] = &[
    ("inscrits", Role::Registered),
    ("registered", Role::Registered),
    ("votants", Role::Voters),
    ("exprimes", Role::Valid),
    ("suffrages exprimes", Role::Valid),
    ("valid votes", Role::Valid),
    ("abstentions", Role::NotList(NotList::Abstentions)),
    ("blancs et nuls", Role::NotList(NotList::BlankOrNull)),
    ("participation", Role::NotList(NotList::Turnout)),
];

/// Where a normalised header stands among the known names (earlier is preferred when two
/// columns could hold the same figure: "exprimés" before "total").
#[must_use]
pub fn known_rank(normalised: &str) -> usize {
    KNOWN
        .iter()
        .position(|(n, _)| *n == normalised)
        .unwrap_or(usize::MAX)
}

/// The display form of a fuzzy target ("exprimés" for "exprimes").
fn display_name(normalised: &'static str) -> &'static str {
    match normalised {
        "exprimes" => "exprimés",
        "suffrages exprimes" => "suffrages exprimés",
        other => other,
    }
}

/// A header read: its normalised words, its year if it carries one, and its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Lower case, accents removed, words split by one space, the year taken out.
    pub normalised: String,
    /// A year in the header (`total_2016`).
    pub year: Option<u16>,
    /// The role its words give, if any.
    pub role: Option<Role>,
    /// When the role comes from a header close to a known one (a typo), that known header.
    pub like: Option<&'static str>,
}

/// Lower case, accents removed, anything but letters and digits turned into single spaces.
#[must_use]
pub fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut space = true;
    for c in header.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'œ' => {
                out.push('o');
                'e'
            }
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if plain == ' ' {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(plain);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Reads a header: exact known names first, then the words in it, then a close spelling.
#[must_use]
pub fn read_header(header: &str) -> Header {
    let words = normalise(header);
    let mut year = None;
    let kept: Vec<&str> = words
        .split(' ')
        .filter(|w| {
            let is_year = w.len() == 4
                && w.bytes().all(|b| b.is_ascii_digit())
                && (1900..=2100).contains(&w.parse::<u16>().unwrap_or(0));
            if is_year && year.is_none() {
                year = w.parse().ok();
            }
            !is_year
        })
        .collect();
    let normalised = kept.join(" ");
    let mut read = Header {
        normalised,
        year,
        role: None,
        like: None,
    };
    if let Some(&(_, role)) = KNOWN.iter().find(|(n, _)| *n == read.normalised) {
        read.role = Some(role);
        return read;
    }
    if header.contains('%') {
        read.role = Some(Role::NotList(NotList::Share));
        return read;
    }
    // Words that make a column the electorate wherever they stand ("Total Registration").
    if kept.iter().any(|w| REGISTERED_WORDS.contains(w)) {
        read.role = Some(Role::Registered);
        return read;
    }
    if let Some(&(_, kind)) = kept
        .iter()
        .find_map(|w| NOT_LIST_WORDS.iter().find(|(n, _)| n == w))
    {
        read.role = Some(Role::NotList(kind));
        return read;
    }
    if let Some((target, role)) = close_to_known(&read.normalised) {
        read.role = Some(role);
        read.like = Some(display_name(target));
    }
    read
}

/// A known header within a typo or two of `normalised` (one edit for short names, two for
/// names of nine letters or more); only the figures in [`FUZZY`] are matched this way.
fn close_to_known(normalised: &str) -> Option<(&'static str, Role)> {
    static SQUEEZED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    if normalised.len() < 5 {
        return None;
    }
    let known_names =
        SQUEEZED.get_or_init(|| FUZZY.iter().map(|(k, _)| k.replace(' ', "")).collect());
    let squeezed: String = normalised.chars().filter(|c| *c != ' ').collect();
    FUZZY
        .iter()
        .zip(known_names)
        .filter_map(|(&(known, role), known_squeezed)| {
            // Two slips are allowed in long names that start alike ("Expirés" for "exprimés").
            let same_start = squeezed.as_bytes().first() == known_squeezed.as_bytes().first();
            let same_end = squeezed.as_bytes().last() == known_squeezed.as_bytes().last();
            let allowed = if known_squeezed.len() >= 8 && same_start {
                2
            } else {
                1
            };
            // Names of another length than the slips allow, or differing at both ends, are not
            // compared at all: a typo keeps one end of the word.
            if squeezed.len().abs_diff(known_squeezed.len()) > allowed || !(same_start || same_end)
            {
                return None;
            }
            // Optimal string alignment: typos and swapped letters, without allocating.
            let d = strsim::osa_distance(&squeezed, known_squeezed);
            (d > 0 && d <= allowed).then_some((d, known, role))
        })
        .min_by_key(|(d, _, _)| *d)
        .map(|(_, known, role)| (known, role))
}

/// The key column: the one whose values match the most **distinct** precinct codes (a
/// `year` column matching a code by accident matches one code, the real key hundreds), ties
/// going to a column named like a key, then to the leftmost. Returns the column and how many
/// precincts it matched.
#[must_use]
pub fn guess_key(
    headers: &[Header],
    rows: &[&csv::StringRecord],
    codes: &[String],
) -> Option<(usize, usize)> {
    if codes.is_empty() || rows.is_empty() {
        return None;
    }
    let exact: HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let loose: HashMap<String, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (loose_code(c), i))
        .collect();
    // One stamp per precinct, set to the column being counted: no set to clear per column.
    let mut seen = vec![usize::MAX; codes.len()];
    let mut best: Option<(usize, usize)> = None;
    let sample = &rows[..rows.len().min(KEY_SAMPLE)];
    for (c, header) in headers.iter().enumerate() {
        // Counts and derived figures are never the key, even when their numbers match codes.
        if matches!(
            header.role,
            Some(
                Role::Registered
                    | Role::Voters
                    | Role::Valid
                    | Role::Votes
                    | Role::NotList(
                        NotList::Share
                            | NotList::Margin
                            | NotList::Turnout
                            | NotList::Abstentions
                            | NotList::BlankOrNull
                            | NotList::Total
                    )
            )
        ) {
            continue;
        }
        let mut distinct = 0;
        for row in sample {
            let value = row.get(c).unwrap_or("").trim();
            if value.is_empty() {
                continue;
            }
            let found = exact
                .get(value)
                .or_else(|| loose.get(&loose_code(value)))
                .copied();
            if let Some(p) = found
                && seen[p] != c
            {
                seen[p] = c;
                distinct += 1;
            }
        }
        let named = header.role == Some(Role::Identifier);
        let better = match best {
            None => distinct > 0,
            Some((b, d)) => {
                distinct > d
                    || (distinct == d && named && headers[b].role != Some(Role::Identifier))
            }
        };
        if better {
            best = Some((c, distinct));
        }
    }
    best
}

/// Rows looked at when guessing the key (enough for every precinct of a large campaign).
const KEY_SAMPLE: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_in_any_case_with_or_without_accents() {
        for h in ["Exprimés", "EXPRIMES", "exprimes", "Suffrages exprimés"] {
            assert_eq!(read_header(h).role, Some(Role::Valid), "{h}");
            assert_eq!(read_header(h).like, None, "{h}");
        }
        assert_eq!(read_header("Nb_Inscrits").role, Some(Role::Registered));
    }

    #[test]
    fn a_typo_in_a_known_header_is_matched_and_said() {
        let h = read_header("Exprmés");
        assert_eq!(h.role, Some(Role::Valid));
        assert_eq!(h.like, Some("exprimés"));
        assert_eq!(read_header("Inscirts").role, Some(Role::Registered));
        // Candidates are not typos of known headers.
        for name in [
            "Joly",
            "Coderre",
            "Bergeron",
            "Blanco",
            "Liste Dupont",
            "dem",
            "rep",
        ] {
            assert_eq!(read_header(name).role, None, "{name}");
        }
    }

    #[test]
    fn totals_shares_margins_and_years_are_not_lists() {
        let total = read_header("total_2016");
        assert_eq!(total.role, Some(Role::Valid));
        assert_eq!(total.year, Some(2016));
        assert_eq!(
            read_header("dem_share_2016").role,
            Some(Role::NotList(NotList::Share))
        );
        assert_eq!(
            read_header("margin_2016").role,
            Some(Role::NotList(NotList::Margin))
        );
        assert_eq!(
            read_header("% Voix/Exp").role,
            Some(Role::NotList(NotList::Share))
        );
        assert_eq!(
            read_header("county_fips").role,
            Some(Role::NotList(NotList::Description))
        );
        let dem = read_header("dem_2016");
        assert_eq!((dem.role, dem.year), (None, Some(2016)));
    }

    #[test]
    fn the_key_is_the_column_matching_the_most_distinct_codes_not_a_year() {
        let codes: Vec<String> = ["2016", "01001", "01003", "01005"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let records: Vec<csv::StringRecord> = [
            ["2016", "1001", "A"],
            ["2016", "1003", "B"],
            ["2016", "1005", "C"],
            ["2016", "1001", "D"],
        ]
        .iter()
        .map(|r| csv::StringRecord::from(r.to_vec()))
        .collect();
        let rows: Vec<&csv::StringRecord> = records.iter().collect();
        let headers: Vec<Header> = ["year", "county_fips", "candidate"]
            .iter()
            .map(|h| read_header(h))
            .collect();
        assert_eq!(guess_key(&headers, &rows, &codes), Some((1, 3)));
    }
}

//! What the results reader knows of columns before it reads rows: lookups by header, what a
//! column's values are (numbers, words, a mix), a file of repeated name/votes blocks, and a
//! list column that is the sum of the others.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::columns::{Header, NotList};
use super::number::is_missing_marker;
use super::parse_number;
use crate::io::ImportError;

/// Rows looked at when guessing what a column holds.
pub(super) const GUESS_SAMPLE: usize = 2_000;

/// Records of the file, each with its line.
pub(super) type Records<'a> = Vec<&'a (usize, csv::StringRecord)>;

/// At most this many ignored columns are named in a report.
pub(super) const IGNORED_NAMED: usize = 100;

/// Looks up columns by header, exactly or else ignoring case; linear in the columns once.
pub(super) struct Columns<'a> {
    headers: &'a [String],
    exact: HashMap<&'a str, Vec<usize>>,
    lower: HashMap<String, Vec<usize>>,
}

impl<'a> Columns<'a> {
    pub(super) fn new(headers: &'a [String]) -> Self {
        let mut exact: HashMap<&str, Vec<usize>> = HashMap::with_capacity(headers.len());
        let mut lower: HashMap<String, Vec<usize>> = HashMap::with_capacity(headers.len());
        for (i, h) in headers.iter().enumerate() {
            exact.entry(h.as_str()).or_default().push(i);
            lower.entry(h.to_lowercase()).or_default().push(i);
        }
        Self {
            headers,
            exact,
            lower,
        }
    }

    /// Up to 20 headers, then "… and N more".
    pub(super) fn some(&self) -> String {
        let shown: Vec<&str> = self.headers.iter().take(20).map(String::as_str).collect();
        if self.headers.len() > 20 {
            format!(
                "{}, … and {} more",
                shown.join(", "),
                self.headers.len() - 20
            )
        } else {
            shown.join(", ")
        }
    }

    /// The column named `name` for `role`, with a clear error when there is none or two.
    pub(super) fn find(&self, path: &Path, role: &str, name: &str) -> Result<usize, ImportError> {
        let found = self
            .exact
            .get(name.trim())
            .or_else(|| self.lower.get(&name.trim().to_lowercase()));
        match found.map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(several) => Err(ImportError::Field {
                path: path.to_path_buf(),
                detail: format!(
                    "{} columns are named {name:?} (columns {}), so the {role} column is \
                     ambiguous; rename them in the file",
                    several.len(),
                    several
                        .iter()
                        .take(5)
                        .map(|c| (c + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
            None => {
                let suggestion = self
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            strsim::levenshtein(&h.to_lowercase(), &name.to_lowercase()),
                            h,
                        )
                    })
                    .filter(|(d, _)| *d <= 1.max(name.chars().count() / 3))
                    .min_by_key(|(d, _)| *d)
                    .map(|(_, h)| format!("did you mean {h:?}? "))
                    .unwrap_or_default();
                Err(ImportError::Field {
                    path: path.to_path_buf(),
                    detail: format!(
                        "no column named {name:?} for the {role}; {suggestion}columns: {}",
                        self.some()
                    ),
                })
            }
        }
    }
}

/// Whether most filled cells of column `c` (in a sample) are numbers, and how they look.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Values {
    filled: usize,
    /// Cells that read as numbers.
    pub(super) numeric: usize,
    markers: usize,
    fractional: usize,
    negative: usize,
    /// Whether every number so far is the one before it plus one (a row number).
    counting: bool,
    /// Whether every number so far is the first one.
    constant: bool,
    last: Option<f64>,
}

impl Values {
    pub(super) fn of(rows: &[&(usize, csv::StringRecord)], c: usize, decimal_comma: bool) -> Self {
        let mut v = Self {
            counting: true,
            constant: true,
            ..Self::default()
        };
        for (_, r) in rows.iter().take(GUESS_SAMPLE).map(|r| (r.0, &r.1)) {
            let text = r.get(c).unwrap_or("").trim();
            if text.is_empty() {
                continue;
            }
            v.filled += 1;
            if is_missing_marker(text) {
                v.markers += 1;
            } else if let Ok(Some(x)) = parse_number(text, decimal_comma) {
                v.numeric += 1;
                if x.fract() != 0.0 {
                    v.fractional += 1;
                }
                if x < 0.0 {
                    v.negative += 1;
                }
                v.counting = v.counting && v.last.is_none_or(|l| (x - l - 1.0).abs() < 1e-9);
                v.constant = v.constant && v.last.is_none_or(|l| l.total_cmp(&x).is_eq());
                v.last = Some(x);
            }
        }
        v
    }

    /// Mostly numbers or words for "no value": a column of counts with some bad or missing
    /// cells is still a column of counts (its bad cells are refused by line).
    pub(super) fn is_numeric(self) -> bool {
        self.numeric > 0 && (self.numeric + self.markers) * 2 > self.filled
    }

    /// Numbers and text mixed, neither clearly: in doubt.
    pub(super) fn is_mixed(self) -> bool {
        !self.is_numeric() && self.numeric * 5 >= self.filled && self.numeric > 0
    }

    /// Numbers that cannot be vote counts.
    pub(super) fn not_counts(self) -> Option<NotList> {
        let all_numbers = self.numeric == self.filled;
        // Row numbers, and the same non-zero number on every row (a district, a panel number):
        // no list gets the same votes in five precincts.
        if (self.counting && self.numeric >= 3 && all_numbers)
            || (self.constant && self.numeric >= 5 && all_numbers && self.last != Some(0.0))
        {
            Some(NotList::Description)
        } else if self.fractional * 2 > self.numeric {
            Some(NotList::Decimals)
        } else if self.negative * 2 > self.numeric {
            Some(NotList::Negatives)
        } else {
            None
        }
    }
}

/// Refuses a file that repeats a name and votes block per candidate ("Nom 1; Voix 1; Nom 2;
/// Voix 2"), as French ministry files do: column "Voix 1" is not one list but whoever is
/// first on each row.
pub(super) fn repeated_blocks(
    path: &Path,
    headers: &[String],
    read: &[Header],
    lists: &[usize],
) -> Result<(), ImportError> {
    const VOTES: &[&str] = &["voix", "votes", "vote", "nb voix", "suffrages"];
    const NAMES: &[&str] = &[
        "nom",
        "name",
        "candidat",
        "candidate",
        "liste",
        "list",
        "nuance",
        "parti",
        "party",
        "code nuance",
        "prenom",
        "sexe",
        "libelle",
        "libelle abrege liste",
    ];
    let numbered = |normalised: &str| -> Option<(String, String)> {
        let (base, n) = normalised.rsplit_once(' ')?;
        n.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| (base.to_owned(), n.to_owned()))
    };
    let names: HashSet<String> = read
        .iter()
        .filter_map(|h| numbered(&h.normalised))
        .filter(|(base, _)| NAMES.contains(&base.as_str()))
        .map(|(_, n)| n)
        .collect();
    let blocks: Vec<&str> = lists
        .iter()
        .filter(|&&c| {
            numbered(&read[c].normalised)
                .is_some_and(|(base, n)| VOTES.contains(&base.as_str()) && names.contains(&n))
        })
        .map(|&c| headers[c].as_str())
        .collect();
    if blocks.len() < 2 {
        return Ok(());
    }
    Err(ImportError::Field {
        path: path.to_path_buf(),
        detail: format!(
            "the file repeats a name and votes block per candidate ({}…): each votes column \
             holds whoever is in that place on its row, not one list, so it cannot be imported \
             as it is; export one row per precinct and list (the long layout) or one column \
             per list",
            blocks
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// The list column that holds the sum of the others on nine rows in ten (at least three
/// lists and two rows with every list readable), if one does.
pub(super) fn sum_of_others(
    rows: &[&(usize, csv::StringRecord)],
    lists: &[usize],
    decimal_comma: bool,
) -> Option<usize> {
    if lists.len() < 3 {
        return None;
    }
    let mut agree = vec![0_usize; lists.len()];
    let mut checked = 0;
    for (_, r) in rows.iter().take(GUESS_SAMPLE).map(|r| (r.0, &r.1)) {
        let values: Option<Vec<f64>> = lists
            .iter()
            .map(|&c| {
                parse_number(r.get(c).unwrap_or(""), decimal_comma)
                    .ok()
                    .flatten()
            })
            .collect();
        let Some(values) = values else {
            continue;
        };
        let total: f64 = values.iter().sum();
        checked += 1;
        for (i, v) in values.iter().enumerate() {
            let others = total - v;
            if *v > 0.0 && (v - others).abs() <= 2.0_f64.max(0.005 * v) {
                agree[i] += 1;
            }
        }
    }
    if checked < 2 {
        return None;
    }
    let found: Vec<usize> = (0..lists.len())
        .filter(|&i| agree[i] * 10 >= checked * 9)
        .collect();
    match found.as_slice() {
        [one] => Some(lists[*one]),
        _ => None,
    }
}

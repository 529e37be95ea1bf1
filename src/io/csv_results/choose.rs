//! The doubtful cases of reading a results file, decided or refused with what to do: two
//! columns for one figure, a typo beside the real header, columns of several years, numeric
//! columns that cannot be counts, filters that keep no row.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use super::columns::{self, Header, Role};
use super::problems::ResultsWarning;
use crate::io::ImportError;

/// The role a column would get, for the "in doubt" message.
fn role_words(role: Option<Role>, is_list: bool) -> String {
    match role {
        _ if is_list => "votes of a list".to_owned(),
        Some(Role::NotList(n)) => format!("not a list: {}", n.words()),
        Some(r) => r.words().to_owned(),
        None => "not used".to_owned(),
    }
}

/// Picks the column for `role` among those whose header says so: an exact header before a
/// close spelling (said in a warning), the earliest known name first; two equally good
/// columns are a doubt, refused.
pub(super) fn pick_role(
    path: &Path,
    headers: &[String],
    read: &[Header],
    taken: &HashSet<usize>,
    role: Role,
    prefer_year: Option<u16>,
    warnings: &mut Vec<ResultsWarning>,
) -> Result<Option<usize>, ImportError> {
    let mut candidates: Vec<usize> = (0..headers.len())
        .filter(|c| !taken.contains(c) && read[*c].role == Some(role))
        .collect();
    if prefer_year.is_some() {
        let of_year: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| read[c].year.is_none() || read[c].year == prefer_year)
            .collect();
        if !of_year.is_empty() {
            candidates = of_year;
        }
    }
    let exact: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| read[c].like.is_none())
        .collect();
    let close: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| read[c].like.is_some())
        .collect();
    if let (Some(&e), Some(&c)) = (exact.first(), close.first()) {
        return Err(ImportError::Field {
            path: path.to_path_buf(),
            detail: format!(
                "column {:?} reads like {:?}, but column {:?} is the {} already: did you mean \
                 another name? Name the lists with --lists and the {} with --{}",
                headers[c],
                read[c].like.unwrap_or_default(),
                headers[e],
                role.words(),
                role.words(),
                role.option()
            ),
        });
    }
    let pool = if exact.is_empty() { &close } else { &exact };
    // The best-ranked known name wins ("exprimés" before "total"); equals are a doubt.
    let rank = |c: usize| read[c].normalised.clone();
    let best: Vec<usize> = match pool.as_slice() {
        [] => return Ok(None),
        [one] => vec![*one],
        several => {
            let order = columns::known_rank;
            let top = several
                .iter()
                .map(|&c| order(&rank(c)))
                .min()
                .unwrap_or(usize::MAX);
            several
                .iter()
                .copied()
                .filter(|&c| order(&rank(c)) == top)
                .collect()
        }
    };
    if let [one] = best.as_slice() {
        if let Some(like) = read[*one].like {
            warnings.push(ResultsWarning::HeaderMatched {
                header: headers[*one].clone(),
                role: role.words(),
                like,
                option: role.option(),
            });
        }
        return Ok(Some(*one));
    }
    let names: Vec<String> = best.iter().map(|&c| format!("{:?}", headers[c])).collect();
    Err(ImportError::Field {
        path: path.to_path_buf(),
        detail: format!(
            "columns {} could each be the {}; name one with --{}{}",
            names.join(" and "),
            role.words(),
            role.option(),
            if best.iter().any(|&c| read[c].year.is_some()) {
                " (a file with several years holds several elections: import one at a time)"
            } else {
                ""
            }
        ),
    })
}

/// Refuses a file whose count columns carry several years (`dem_2016`, `dem_2020`), showing
/// each year's columns and the options that import one year.
pub(super) fn several_years(
    path: &Path,
    headers: &[String],
    read: &[Header],
    taken: &HashSet<usize>,
) -> Result<(), ImportError> {
    let mut by_year: Vec<(u16, Vec<usize>)> = Vec::new();
    for c in (0..headers.len()).filter(|c| !taken.contains(c)) {
        let counts = matches!(
            read[c].role,
            None | Some(Role::Registered | Role::Voters | Role::Valid)
        );
        if let (Some(y), true) = (read[c].year, counts) {
            match by_year.iter_mut().find(|(year, _)| *year == y) {
                Some((_, cs)) => cs.push(c),
                None => by_year.push((y, vec![c])),
            }
        }
    }
    if by_year.len() < 2 {
        return Ok(());
    }
    by_year.sort_unstable();
    let options = |cs: &[usize]| {
        let lists: Vec<&str> = cs
            .iter()
            .filter(|&&c| read[c].role.is_none())
            .map(|&c| headers[c].as_str())
            .collect();
        let mut text = format!("--lists {}", arg(&lists.join(",")));
        for role in [Role::Registered, Role::Voters, Role::Valid] {
            if let Some(&c) = cs.iter().find(|&&c| read[c].role == Some(role)) {
                let _ = write!(text, " --{} {}", role.option(), arg(&headers[c]));
            }
        }
        text
    };
    let listed: Vec<String> = by_year
        .iter()
        .take(10)
        .map(|(y, cs)| format!("  {y}: {}", options(cs)))
        .collect();
    Err(ImportError::Field {
        path: path.to_path_buf(),
        detail: format!(
            "the columns belong to {} elections (one per year); import one election at a time \
             with its columns, each under its own --election name:\n{}",
            by_year.len(),
            listed.join("\n")
        ),
    })
}

/// The message when the roles of numeric columns are in doubt: each with the role it would get.
pub(super) fn doubt(
    headers: &[String],
    key: usize,
    used: &HashSet<usize>,
    roles: &[(usize, Option<Role>, bool)],
) -> String {
    let width = headers
        .iter()
        .map(|h| h.chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    let mut lines = vec![format!("  {:<width$}  precinct code (key)", headers[key])];
    let mut used: Vec<usize> = used.iter().copied().filter(|&c| c != key).collect();
    used.sort_unstable();
    lines.extend(
        used.iter()
            .map(|&c| format!("  {:<width$}  {}", headers[c], "a total (used)")),
    );
    lines.extend(roles.iter().map(|&(c, role, is_list)| {
        format!("  {:<width$}  {}", headers[c], role_words(role, is_list))
    }));
    let total = lines.len();
    lines.truncate(40);
    if total > 40 {
        lines.push(format!("  … and {} more", total - 40));
    }
    format!(
        "some numeric columns cannot be vote counts, so which columns are the lists is in doubt \
         and nothing was imported. The numeric columns and the role each would get:\n{}\nname \
         the lists with --lists A,B,… (and the totals with --registered, --voters, --valid)",
        lines.join("\n")
    )
}

/// Why no row passed the filters: the values a filtered column does hold when the value
/// asked is not among them, else that no row meets every condition at once.
pub(super) fn no_row_matches(
    headers: &[String],
    records: &[(usize, csv::StringRecord)],
    filters: &[(usize, &str)],
) -> String {
    let mut parts = Vec::new();
    for &(c, v) in filters {
        let mut values: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for (_, r) in records {
            let x = r.get(c).unwrap_or("").trim();
            if seen.insert(x) && values.len() < 20 {
                values.push(x);
            }
        }
        if seen.contains(v) {
            continue;
        }
        let close = values
            .iter()
            .find(|x| x.eq_ignore_ascii_case(v) || strsim::levenshtein(x, v) <= 2)
            .map(|x| format!(" (did you mean {x:?}?)"))
            .unwrap_or_default();
        parts.push(format!(
            "no row has {:?} in column {:?}{close}; its values: {}{}",
            v,
            headers[c],
            values.join(", "),
            if seen.len() > 20 { ", …" } else { "" }
        ));
    }
    if parts.is_empty() {
        let all: Vec<String> = filters
            .iter()
            .map(|&(c, v)| format!("{}={v}", headers[c]))
            .collect();
        return format!(
            "no row meets every condition at once ({})",
            all.join(" and ")
        );
    }
    parts.join("; ")
}

/// A column name as it would be typed on a command line.
pub(super) fn arg(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ','))
    {
        name.to_owned()
    } else {
        format!("{name:?}")
    }
}

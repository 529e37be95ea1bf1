//! What a long file says besides its votes: the commune and the bureau in two columns made
//! into one key when that is the campaign's form, and each list's nuance (or party).

use std::collections::{HashMap, HashSet};

use super::ColumnMapping;
use super::columns::{Header, read_header};
use super::text;
use crate::domain::results::ListAttributes;

/// A file naming the commune and the bureau in two columns (the flattened open-data layout:
/// `code_commune`, `code_bvote`) gets a key column of both, `75056_0101`, when that form is
/// the campaign's (outline files keyed by the commune's INSEE code and the bureau).
pub(super) fn with_commune_bureau_key(
    table: &mut text::Table,
    mapping: &ColumnMapping,
    precinct_codes: &[String],
) {
    if mapping.key.is_some() {
        return;
    }
    let norm = |h: &str| read_header(h).normalised;
    let find = |names: &[&str]| {
        table
            .headers
            .iter()
            .position(|h| names.contains(&norm(h).as_str()))
    };
    let (Some(commune), Some(bureau)) = (
        find(&["code commune", "code de la commune", "code insee"]),
        find(&[
            "code bvote",
            "code b vote",
            "code du b vote",
            "code bureau",
            "code bureau vote",
        ]),
    ) else {
        return;
    };
    let codes: HashSet<&str> = precinct_codes.iter().map(String::as_str).collect();
    let key = |r: &csv::StringRecord| {
        format!(
            "{}_{}",
            r.get(commune).unwrap_or("").trim(),
            r.get(bureau).unwrap_or("").trim()
        )
    };
    let matched = table
        .records
        .iter()
        .take(2_000)
        .filter(|(_, r)| codes.contains(key(r).as_str()))
        .count();
    if matched == 0 {
        return;
    }
    let name = format!("{} + {}", table.headers[commune], table.headers[bureau]);
    for (_, r) in &mut table.records {
        let k = key(r);
        r.push_field(&k);
    }
    table.headers.push(name);
}

/// Each list's nuance, from a column naming it (`code_nuance`, `nuance`, `party`), as the
/// first row of the list gives it.
pub(super) fn list_nuances<'a>(
    read: &[Header],
    rows: impl Iterator<Item = &'a csv::StringRecord>,
    list_column: usize,
    lists: impl Iterator<Item = &'a String>,
) -> Vec<ListAttributes> {
    let Some(n) = read.iter().position(|h| {
        matches!(
            h.normalised.as_str(),
            "code nuance" | "code_nuance" | "nuance" | "nuance liste" | "party" | "parti"
        )
    }) else {
        return Vec::new();
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    for r in rows {
        let list = r.get(list_column).unwrap_or("").trim().to_lowercase();
        let nuance = r.get(n).unwrap_or("").trim();
        if !list.is_empty() && !nuance.is_empty() {
            seen.entry(list).or_insert_with(|| nuance.to_owned());
        }
    }
    let mut out: Vec<ListAttributes> = Vec::new();
    for list in lists {
        if let Some(nuance) = seen.get(&list.trim().to_lowercase())
            && !out.iter().any(|a| &a.list == list)
        {
            out.push(ListAttributes {
                list: list.clone(),
                nuance: Some(nuance.clone()),
                panel: None,
            });
        }
    }
    out
}

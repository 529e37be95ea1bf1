//! Doors from an OpenStreetMap `.osm.pbf` extract: address nodes and addressed buildings, with
//! their `addr:*` parts and their OpenStreetMap ids.

use std::path::Path;

use super::{NewDoor, valid};
use crate::domain::address::{self, Address};
use crate::io::ImportError;

/// Reads the address nodes and the addressed buildings (at the centre of their outline) of an
/// OpenStreetMap `.osm.pbf` extract. A building's `building:flats` gives its households. An
/// address given both by a node and by its building counts once.
pub(super) fn read_pbf(path: &Path) -> Result<Vec<NewDoor>, ImportError> {
    use std::collections::{HashMap, HashSet};

    use osmpbf::{Element, ElementReader, IndexedReader};

    /// An addressed element's parts and households, if it has a house number.
    fn door<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<(Address, String, i64)> {
        let mut parts = Address::default();
        let mut number = None;
        let mut flats = None;
        for (k, v) in tags {
            match k {
                "addr:street" => parts.street = Some(v.to_owned()),
                "addr:place" if parts.street.is_none() => parts.street = Some(v.to_owned()),
                "addr:housenumber" => number = Some(v.trim().to_owned()),
                "addr:unit" => parts.unit = Some(v.to_owned()),
                "addr:postcode" => parts.postcode = Some(v.to_owned()),
                "addr:city" => parts.locality = Some(v.to_owned()),
                "building:flats" => flats = v.trim().parse::<i64>().ok(),
                _ => {}
            }
        }
        let number = number?;
        if let Some((n, suffix)) = address::house_number(&number) {
            parts.housenumber = Some(n);
            parts.suffix = suffix;
        }
        // The line as OpenStreetMap writes it: the house number as tagged.
        let line = match &parts.street {
            Some(_) if parts.housenumber.is_some() => parts.line(),
            Some(s) => format!("{s} {number}"),
            None => number,
        };
        Some((parts, line, flats.unwrap_or(1).clamp(1, 10_000)))
    }

    let format = |e: osmpbf::Error| ImportError::Format {
        path: path.to_path_buf(),
        detail: format!("not a readable OpenStreetMap PBF extract: {e}"),
    };
    let mut doors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let key = |parts: &Address, line: &str| crate::domain::dedupe::door_key(parts, line);
    ElementReader::from_path(path)
        .map_err(format)?
        .for_each(|element| {
            let found = match &element {
                Element::Node(n) => door(n.tags()).map(|d| (d, n.id(), n.lon(), n.lat())),
                Element::DenseNode(n) => door(n.tags()).map(|d| (d, n.id(), n.lon(), n.lat())),
                _ => None,
            };
            if let Some(((parts, line, households), id, lon, lat)) = found
                && let Ok(point) = valid(lon, lat)
            {
                seen.insert(key(&parts, &line));
                doors.push(
                    NewDoor::from_parts(point, &line, parts, households)
                        .with_source_id(Some(format!("node/{id}"))),
                );
            }
        })
        .map_err(format)?;
    let mut ways: Vec<(Address, String, i64, i64, Vec<i64>)> = Vec::new();
    let mut nodes: HashMap<i64, (f64, f64)> = HashMap::new();
    IndexedReader::from_path(path)
        .map_err(format)?
        .read_ways_and_deps(
            |way| way.tags().any(|(k, _)| k == "addr:housenumber"),
            |element| match element {
                Element::Way(w) => {
                    if let Some((parts, line, households)) = door(w.tags()) {
                        ways.push((parts, line, households, w.id(), w.refs().collect()));
                    }
                }
                Element::Node(n) => {
                    nodes.insert(n.id(), (n.lon(), n.lat()));
                }
                Element::DenseNode(n) => {
                    nodes.insert(n.id(), (n.lon(), n.lat()));
                }
                Element::Relation(_) => {}
            },
        )
        .map_err(format)?;
    for (parts, line, households, id, refs) in ways {
        // An address given both by a node and by its building counts once.
        if seen.contains(&key(&parts, &line)) {
            continue;
        }
        // The outline's vertices, the closing one not counted twice.
        let open = if refs.len() > 1 && refs.first() == refs.last() {
            &refs[..refs.len() - 1]
        } else {
            &refs[..]
        };
        let coords: Vec<(f64, f64)> = open.iter().filter_map(|r| nodes.get(r).copied()).collect();
        if coords.is_empty() {
            continue;
        }
        let n = coords.len() as f64;
        let (x, y) = coords
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        if let Ok(point) = valid(x / n, y / n) {
            seen.insert(key(&parts, &line));
            doors.push(
                NewDoor::from_parts(point, &line, parts, households)
                    .with_source_id(Some(format!("way/{id}"))),
            );
        }
    }
    Ok(doors)
}

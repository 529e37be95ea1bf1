//! Doors already in the campaign: the same address imported twice (the same file again, or
//! address points and then an OpenStreetMap extract of the same streets) is one door, updated,
//! never two.

use std::collections::HashMap;

use geo_types::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::address::Address;

/// How far apart two records of one address may be and still be one door, in metres (an
/// address node and the centre of its building).
pub const SAME_ADDRESS_METRES: f64 = 30.0;

/// How close two doors without an address must be to be one, in metres.
pub const SAME_POINT_METRES: f64 = 0.5;

/// Metres per degree of latitude.
const METRES_PER_DEGREE: f64 = 111_320.0;

/// An address written the same way whatever the file: lower case, punctuation and repeated
/// spaces gone.
#[must_use]
pub fn address_key(address: &str) -> String {
    address
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What makes two doors the same address: the street, the house number, its suffix and the
/// unit, each written as [`address_key`] writes it; a door without street or number is known
/// by its whole address string (empty when it has none).
#[must_use]
pub fn door_key(parts: &Address, address: &str) -> String {
    if parts.street.is_none() && parts.housenumber.is_none() {
        return address_key(address);
    }
    format!(
        "{}|{}|{}|{}",
        address_key(parts.street.as_deref().unwrap_or("")),
        parts.housenumber.map(|n| n.to_string()).unwrap_or_default(),
        address_key(parts.suffix.as_deref().unwrap_or("")),
        address_key(parts.unit.as_deref().unwrap_or("")),
    )
}

/// A door as the matcher sees it.
#[derive(Clone, Copy, Debug)]
pub struct Keyed<'a> {
    /// Where it is.
    pub point: Point<f64>,
    /// Its [`door_key`].
    pub key: &'a str,
    /// The source's own identifier.
    pub source_id: Option<&'a str>,
}

/// For each new door, the existing door it is (an index into `existing`), if any: the same
/// source identifier anywhere, else the same [`door_key`] within [`SAME_ADDRESS_METRES`] (no
/// address: within [`SAME_POINT_METRES`]). Each existing door is matched at most once, to the
/// nearest new door that comes first, so two doors of one address in a file stay two.
///
/// # Examples
/// ```
/// use campaign_planner::domain::dedupe::{Keyed, matches};
/// use geo_types::Point;
///
/// let existing = [Keyed { point: Point::new(24.94, 60.17), key: "kaivokatu|1||", source_id: None }];
/// let new = [
///     Keyed { point: Point::new(24.9401, 60.1701), key: "kaivokatu|1||", source_id: None },
///     Keyed { point: Point::new(24.95, 60.18), key: "kaivokatu|1||", source_id: None },
/// ];
/// assert_eq!(matches(&existing, &new), vec![Some(0), None]);
/// ```
#[must_use]
pub fn matches(existing: &[Keyed<'_>], new: &[Keyed<'_>]) -> Vec<Option<usize>> {
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in existing.iter().enumerate() {
        if let Some(id) = e.source_id {
            by_id.entry(same_id(id)).or_default().push(i);
        }
    }
    let tree: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(
        existing
            .iter()
            .enumerate()
            .map(|(i, e)| GeomWithData::new([e.point.x(), e.point.y()], i))
            .collect(),
    );
    let mut taken = vec![false; existing.len()];
    let mut out = vec![None; new.len()];
    // First every door whose source id is known: an exact id wins over a nearby address.
    for (k, n) in new.iter().enumerate() {
        let Some(ids) = n.source_id.and_then(|s| by_id.get(&same_id(s))) else {
            continue;
        };
        let nearest = ids.iter().copied().filter(|&i| !taken[i]).min_by(|&a, &b| {
            metres(existing[a].point, n.point)
                .total_cmp(&metres(existing[b].point, n.point))
                .then(a.cmp(&b))
        });
        if let Some(i) = nearest {
            taken[i] = true;
            out[k] = Some(i);
        }
    }
    // Then the others, by address and place.
    for (k, n) in new.iter().enumerate() {
        if out[k].is_some() {
            continue;
        }
        let reach = if n.key.is_empty() {
            SAME_POINT_METRES
        } else {
            SAME_ADDRESS_METRES
        };
        let p = n.point;
        // Longitude degrees are narrower away from the equator: the search box uses each
        // axis's own scale.
        let scale = p.y().to_radians().cos().max(0.01);
        let degrees = reach / METRES_PER_DEGREE;
        let box_ = rstar::AABB::from_corners(
            [p.x() - degrees / scale, p.y() - degrees],
            [p.x() + degrees / scale, p.y() + degrees],
        );
        let best = tree
            .locate_in_envelope(&box_)
            .filter(|e| !taken[e.data] && existing[e.data].key == n.key)
            // A door whose id the file gives is that door, not another of the same address.
            .filter(|e| {
                n.source_id.is_none()
                    || existing[e.data].source_id.is_none()
                    || !by_id.contains_key(&same_id(n.source_id.unwrap_or_default()))
            })
            .map(|e| (metres(existing[e.data].point, p), e.data))
            .filter(|&(m, _)| m <= reach)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if let Some((_, i)) = best {
            taken[i] = true;
            out[k] = Some(i);
        }
    }
    out
}

/// A source id written one way whatever the file: an OpenStreetMap node's id with or without
/// its `node/` prefix (exports of address points often drop it) is the same id.
#[must_use]
pub fn same_id(id: &str) -> String {
    let id = id.trim();
    match id.strip_prefix("node/") {
        Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n.to_owned(),
        _ => id.to_owned(),
    }
}

/// Metres between two longitude/latitude points (equirectangular: exact enough within 30 m).
fn metres(a: Point<f64>, b: Point<f64>) -> f64 {
    let scale = a.y().to_radians().cos().max(0.01);
    let dx = (a.x() - b.x()) * METRES_PER_DEGREE * scale;
    let dy = (a.y() - b.y()) * METRES_PER_DEGREE;
    dx.hypot(dy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::address::parse;

    fn keyed<'a>(x: f64, y: f64, key: &'a str, id: Option<&'a str>) -> Keyed<'a> {
        Keyed {
            point: Point::new(x, y),
            key,
            source_id: id,
        }
    }

    #[test]
    fn the_same_street_number_suffix_and_unit_within_thirty_metres_is_one_door() {
        let a = door_key(&parse("12 bis rue de la Paix"), "");
        let b = door_key(&parse("12bis, Rue de la  Paix"), "");
        let c = door_key(&parse("12 ter rue de la Paix"), "");
        assert_eq!(a, b);
        assert_ne!(a, c);
        // 20 m north; then 40 m north.
        let existing = [keyed(2.33, 48.87, &a, None)];
        let near = [keyed(2.33, 48.87 + 20.0 / 111_320.0, &b, None)];
        let far = [keyed(2.33, 48.87 + 40.0 / 111_320.0, &b, None)];
        assert_eq!(matches(&existing, &near), vec![Some(0)]);
        assert_eq!(matches(&existing, &far), vec![None]);
        assert_eq!(
            matches(&existing, &[keyed(2.33, 48.87, &c, None)]),
            vec![None]
        );
    }

    #[test]
    fn the_same_source_id_is_one_door_wherever_it_moved() {
        let existing = [keyed(24.9, 60.1, "a|1||", Some("node/1"))];
        let new = [keyed(25.0, 60.2, "b|2||", Some("node/1"))];
        assert_eq!(matches(&existing, &new), vec![Some(0)]);
    }

    #[test]
    fn two_doors_of_one_address_in_a_file_stay_two_on_re_import() {
        let existing = [
            keyed(0.0, 0.0, "x|1||", None),
            keyed(0.0, 0.0001, "x|1||", None),
        ];
        let new = [
            keyed(0.0, 0.0001, "x|1||", None),
            keyed(0.0, 0.0, "x|1||", None),
        ];
        assert_eq!(matches(&existing, &new), vec![Some(1), Some(0)]);
    }

    #[test]
    fn an_exact_source_id_wins_over_a_nearby_door_of_the_same_address() {
        // X and Y: one address, 11 m apart, each with its id; the file lists Y first.
        let existing = [
            keyed(24.9400, 60.17, "k|12||", Some("X")),
            keyed(24.9402, 60.17, "k|12||", Some("Y")),
        ];
        let new = [
            keyed(24.9402, 60.17, "k|12||", Some("Y")),
            keyed(24.9400, 60.17, "k|12||", Some("X")),
        ];
        assert_eq!(matches(&existing, &new), vec![Some(1), Some(0)]);
        // Two rows of one id stay two doors, each matched to the nearest.
        let twice = [
            keyed(24.9400, 60.17, "k|1||", Some("A")),
            keyed(24.9500, 60.17, "k|2||", Some("A")),
        ];
        assert_eq!(matches(&twice, &twice), vec![Some(0), Some(1)]);
        // An OpenStreetMap node's id with and without its prefix.
        let osm = [keyed(24.94, 60.17, "k|1||", Some("node/123"))];
        assert_eq!(
            matches(&osm, &[keyed(24.95, 60.18, "", Some("123"))]),
            vec![Some(0)]
        );
    }

    #[test]
    fn doors_without_address_are_one_only_on_the_same_spot() {
        let existing = [keyed(0.0, 0.0, "", None)];
        assert_eq!(
            matches(&existing, &[keyed(0.0, 0.000_001, "", None)]),
            vec![Some(0)]
        );
        assert_eq!(
            matches(&existing, &[keyed(0.0, 0.0001, "", None)]),
            vec![None]
        );
    }
}

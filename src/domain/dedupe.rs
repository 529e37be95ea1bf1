//! Doors already in the campaign: the same address imported from a second file (address
//! points, then an OpenStreetMap extract of the same streets) must not count twice.

use geo_types::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// How far apart two records of one address may be and still be one door, in metres (an
/// address node and the centre of its building).
pub const SAME_ADDRESS_METRES: f64 = 50.0;

/// How close two doors without an address must be to be one, in metres.
pub const SAME_POINT_METRES: f64 = 0.5;

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

/// For each new door, whether a door in `existing` is the same: the same address within
/// [`SAME_ADDRESS_METRES`], or no address and within [`SAME_POINT_METRES`].
///
/// # Examples
/// ```
/// use campaign_planner::domain::dedupe::already_there;
/// use geo_types::Point;
///
/// let existing = [(Point::new(24.94, 60.17), "Mannerheimintie 1")];
/// let new = [
///     (Point::new(24.9401, 60.1701), "mannerheimintie  1"),
///     (Point::new(24.95, 60.18), "Mannerheimintie 1"),
///     (Point::new(24.9401, 60.1701), "Mannerheimintie 3"),
/// ];
/// assert_eq!(already_there(&existing, &new), vec![true, false, false]);
/// ```
#[must_use]
pub fn already_there(existing: &[(Point<f64>, &str)], new: &[(Point<f64>, &str)]) -> Vec<bool> {
    let tree: RTree<GeomWithData<[f64; 2], String>> = RTree::bulk_load(
        existing
            .iter()
            .map(|(p, a)| GeomWithData::new([p.x(), p.y()], address_key(a)))
            .collect(),
    );
    // Degrees of latitude per metre; longitude degrees are wider apart nearer the equator,
    // so the search box uses the latitude scale and the exact test uses both.
    let degrees = SAME_ADDRESS_METRES / 111_320.0;
    new.iter()
        .map(|(p, a)| {
            let key = address_key(a);
            let scale = p.y().to_radians().cos().max(0.01);
            let box_ = rstar::AABB::from_corners(
                [p.x() - degrees / scale, p.y() - degrees],
                [p.x() + degrees / scale, p.y() + degrees],
            );
            tree.locate_in_envelope(&box_).any(|e| {
                let dx = (e.geom()[0] - p.x()) * 111_320.0 * scale;
                let dy = (e.geom()[1] - p.y()) * 111_320.0;
                let metres = dx.hypot(dy);
                if key.is_empty() {
                    e.data.is_empty() && metres <= SAME_POINT_METRES
                } else {
                    e.data == key && metres <= SAME_ADDRESS_METRES
                }
            })
        })
        .collect()
}

//! Turfs: what a team canvasses. A turf is whole precincts (its outline is their union) and its
//! statistics update as it is cut.

use geo::ChamberlainDuquetteArea as _;
use geo_types::MultiPolygon;

/// A turf's figures, shown live while cutting and stored with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct TurfStats {
    /// Precincts in the turf.
    pub precincts: usize,
    /// Doors: counted from door points, or estimated from registered voters.
    pub doors: i64,
    /// Whether any of `doors` is an estimate.
    pub doors_estimated: bool,
    /// Registered voters, where known.
    pub registered: i64,
    /// The sum of the precincts' priority scores.
    pub priority: f64,
    /// Area in square kilometres (on the sphere).
    pub area_km2: f64,
}

/// One precinct's part in a turf's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PrecinctFigures {
    /// Door points counted in it (`None`: no door points were imported).
    pub doors_counted: Option<i64>,
    /// Registered voters, when known.
    pub registered: Option<i64>,
    /// Its priority score, when scored.
    pub priority: Option<f64>,
}

/// Voters per household used to estimate doors where no door points exist (a campaign
/// setting; 1.9 is the French average household of voting age).
pub const DEFAULT_VOTERS_PER_HOUSEHOLD: f64 = 1.9;

/// Sums the figures of a turf's precincts.
#[must_use]
pub fn stats(
    figures: &[PrecinctFigures],
    outline: &MultiPolygon<f64>,
    voters_per_household: f64,
) -> TurfStats {
    let mut s = TurfStats {
        precincts: figures.len(),
        area_km2: outline.chamberlain_duquette_unsigned_area() / 1e6,
        ..TurfStats::default()
    };
    for f in figures {
        s.registered += f.registered.unwrap_or(0);
        s.priority += f.priority.unwrap_or(0.0);
        match (f.doors_counted, f.registered) {
            (Some(d), _) => s.doors += d,
            (None, Some(r)) => {
                s.doors += (r as f64 / voters_per_household).ceil() as i64;
                s.doors_estimated = true;
            }
            (None, None) => {}
        }
    }
    s
}

/// The outline of a turf: the union of its precincts.
#[must_use]
pub fn outline(precincts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    geo::unary_union(precincts.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn doors_are_counted_where_known_and_estimated_elsewhere() {
        let square = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)],
        ]);
        let figures = [
            PrecinctFigures {
                doors_counted: Some(120),
                registered: Some(300),
                priority: Some(2.0),
            },
            PrecinctFigures {
                doors_counted: None,
                registered: Some(190),
                priority: Some(1.5),
            },
        ];
        let s = stats(&figures, &square, 1.9);
        assert_eq!(s.doors, 220);
        assert!(s.doors_estimated);
        assert_eq!(s.registered, 490);
        assert!((s.priority - 3.5).abs() < 1e-12);
        assert!((s.area_km2 - 1.236).abs() < 0.01, "{}", s.area_km2);
    }

    #[test]
    fn adjacent_precincts_merge_into_one_outline() {
        let a = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
        ]);
        let b = MultiPolygon(vec![
            polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)],
        ]);
        assert_eq!(outline(&[&a, &b]).0.len(), 1);
    }
}

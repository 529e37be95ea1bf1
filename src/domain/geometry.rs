//! Checking and repairing polygon geometry read from files.
//!
//! Importers hand over rings exactly as the file had them ([`RawPolygons`]), so that problems a
//! geometry library would silently hide (an unclosed ring, a repeated vertex) can be counted and
//! reported. [`clean_polygons`] repairs what is safe to repair and refuses the rest.

use geo::BooleanOps as _;
use geo::MapCoordsInPlace as _;

use super::validity::{Invalidity, check};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};

/// Polygons as read from a file, before any repair: polygons → rings (the first ring is the
/// shell, the others are holes) → vertices, in EPSG:4326 degrees.
pub type RawPolygons = Vec<Vec<Vec<Coord<f64>>>>;

/// What [`clean_polygons`] repaired, to be summed into an import report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Repairs {
    /// Rings whose last vertex did not repeat the first, closed by adding it.
    pub closed_rings: usize,
    /// Consecutive repeated vertices removed.
    pub duplicate_points_removed: usize,
    /// Holes with fewer than three distinct vertices, dropped.
    pub degenerate_holes_dropped: usize,
    /// Lines and points dropped from geometry collections that also hold polygons (slivers
    /// left by simplification or overlay in other tools).
    pub non_polygon_parts_dropped: usize,
    /// Geometries that crossed themselves, overlapped or had holes outside their shell,
    /// rebuilt as the area they enclose (a bow tie becomes two triangles).
    pub invalid_rebuilt: usize,
}

impl Repairs {
    /// Adds another feature's repairs to these.
    pub fn add(&mut self, other: Self) {
        self.closed_rings += other.closed_rings;
        self.duplicate_points_removed += other.duplicate_points_removed;
        self.degenerate_holes_dropped += other.degenerate_holes_dropped;
        self.non_polygon_parts_dropped += other.non_polygon_parts_dropped;
        self.invalid_rebuilt += other.invalid_rebuilt;
    }

    /// Whether anything was repaired.
    #[must_use]
    pub fn any(&self) -> bool {
        *self != Self::default()
    }
}

/// Why a geometry cannot be used, even after repair.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GeometryProblem {
    /// No polygon, or only empty rings.
    #[error("empty geometry")]
    Empty,
    /// A vertex is NaN or infinite.
    #[error("coordinate is not a number (polygon {polygon}, ring {ring}, vertex {vertex})")]
    NotANumber {
        /// 1-based polygon number.
        polygon: usize,
        /// 1-based ring number (1 is the shell).
        ring: usize,
        /// 1-based vertex number.
        vertex: usize,
    },
    /// A vertex is outside longitude −180…180 / latitude −90…90.
    #[error(
        "coordinate ({x}, {y}) is out of range for longitude/latitude in degrees; \
         the file may be in a projected CRS that it does not declare (give it with --crs \
         EPSG:NNNN)"
    )]
    OutOfRange {
        /// The longitude (or x) found.
        x: f64,
        /// The latitude (or y) found.
        y: f64,
    },
    /// A shell with fewer than three distinct vertices.
    #[error("polygon {polygon} has an outer ring with fewer than 3 distinct vertices")]
    DegenerateShell {
        /// 1-based polygon number.
        polygon: usize,
    },
    /// Rings that enclose no area (every vertex on one line).
    #[error("the geometry encloses no area (its vertices lie on a line)")]
    NoArea,
    /// Invalid even once rebuilt.
    #[error("invalid geometry that could not be repaired: {0}")]
    Invalid(String),
}

/// Checks and repairs `raw`, returning a clean multipolygon and what was repaired.
///
/// Repairs: unclosed rings are closed, consecutive repeated vertices removed, degenerate holes
/// dropped. Refused: empty geometry, NaN or infinite coordinates, coordinates out of the
/// longitude/latitude range, shells with fewer than three distinct vertices.
///
/// # Examples
/// ```
/// use campaign_planner::domain::clean_polygons;
/// use geo_types::coord;
///
/// // An unclosed triangle with a repeated vertex.
/// let raw = vec![vec![vec![
///     coord! { x: 2.0, y: 48.0 },
///     coord! { x: 2.1, y: 48.0 },
///     coord! { x: 2.1, y: 48.0 },
///     coord! { x: 2.1, y: 48.1 },
/// ]]];
/// let (clean, repairs) = clean_polygons(raw).unwrap();
/// assert_eq!(repairs.closed_rings, 1);
/// assert_eq!(repairs.duplicate_points_removed, 1);
/// assert_eq!(clean.0[0].exterior().0.len(), 4);
/// ```
pub fn clean_polygons(raw: RawPolygons) -> Result<(MultiPolygon<f64>, Repairs), GeometryProblem> {
    let mut repairs = Repairs::default();
    let mut polygons = Vec::with_capacity(raw.len());
    for (p, rings) in raw.into_iter().enumerate() {
        if rings.iter().all(Vec::is_empty) {
            continue;
        }
        let mut rings = rings.into_iter().enumerate();
        let Some((_, shell)) = rings.next() else {
            continue;
        };
        let shell = clean_ring(shell, p + 1, 1, &mut repairs)?
            .ok_or(GeometryProblem::DegenerateShell { polygon: p + 1 })?;
        let mut holes = Vec::new();
        for (r, ring) in rings {
            if ring.is_empty() {
                continue;
            }
            match clean_ring(ring, p + 1, r + 1, &mut repairs)? {
                Some(hole) => holes.push(hole),
                None => repairs.degenerate_holes_dropped += 1,
            }
        }
        polygons.push(Polygon::new(shell, holes));
    }
    if polygons.is_empty() {
        return Err(GeometryProblem::Empty);
    }
    let multi = MultiPolygon(polygons);
    match check(&multi) {
        Ok(()) => return Ok((multi, repairs)),
        Err(Invalidity::NoArea) => return Err(GeometryProblem::NoArea),
        Err(_) => {}
    }
    // Crossing rings, overlapping parts, holes outside their shell: the area the rings enclose
    // is rebuilt as valid polygons (what GDAL's MakeValid does for these cases).
    let mut rebuilt = multi.union(&MultiPolygon::new(Vec::new()));
    // The crossings it computes may land a rounding error beyond a vertex at ±90° or ±180°
    // (every input vertex was checked in range): keep them on the world.
    rebuilt.map_coords_in_place(|c| Coord {
        x: c.x.clamp(-180.0, 180.0),
        y: c.y.clamp(-90.0, 90.0),
    });
    match check(&rebuilt) {
        Ok(()) => {
            repairs.invalid_rebuilt += 1;
            Ok((rebuilt, repairs))
        }
        Err(Invalidity::NoArea) => Err(GeometryProblem::NoArea),
        Err(e) => Err(GeometryProblem::Invalid(e.to_string())),
    }
}

/// Checks one ring; `None` when it has fewer than three distinct vertices.
fn clean_ring(
    mut ring: Vec<Coord<f64>>,
    polygon: usize,
    ring_no: usize,
    repairs: &mut Repairs,
) -> Result<Option<LineString<f64>>, GeometryProblem> {
    for (v, c) in ring.iter().enumerate() {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(GeometryProblem::NotANumber {
                polygon,
                ring: ring_no,
                vertex: v + 1,
            });
        }
        if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
            return Err(GeometryProblem::OutOfRange { x: c.x, y: c.y });
        }
    }
    let before = ring.len();
    ring.dedup();
    repairs.duplicate_points_removed += before - ring.len();
    if ring.len() > 1 && ring.first() != ring.last() {
        repairs.closed_rings += 1;
        ring.push(ring[0]);
    }
    // A closed ring needs three distinct vertices plus the closing one.
    if ring.len() < 4 {
        return Ok(None);
    }
    Ok(Some(LineString(ring)))
}

/// Web-Mercator "world" coordinates of a longitude and latitude: zoom-0 pixels of a 256-pixel
/// tile, x east, y south (latitudes past ±85.05° are clamped). The map and the walk sheets'
/// maps both place things by it.
#[must_use]
pub fn web_mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    (
        (lon + 180.0) / 360.0 * 256.0,
        (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * 256.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::CoordsIter as _;
    use geo_types::coord;

    fn square(x: f64, y: f64, size: f64) -> Vec<Coord<f64>> {
        vec![
            coord! { x: x, y: y },
            coord! { x: x + size, y: y },
            coord! { x: x + size, y: y + size },
            coord! { x: x, y: y + size },
            coord! { x: x, y: y },
        ]
    }

    #[test]
    fn a_clean_polygon_passes_with_no_repairs() {
        let (mp, repairs) = clean_polygons(vec![vec![square(2.0, 48.0, 0.1)]]).unwrap();
        assert_eq!(mp.0.len(), 1);
        assert!(!repairs.any());
    }

    #[test]
    fn an_unclosed_ring_is_closed_and_counted() {
        let mut ring = square(2.0, 48.0, 0.1);
        ring.pop();
        let (mp, repairs) = clean_polygons(vec![vec![ring]]).unwrap();
        assert_eq!(repairs.closed_rings, 1);
        assert_eq!(mp.0[0].exterior().0.len(), 5);
    }

    #[test]
    fn a_nan_coordinate_is_refused_with_its_position() {
        let mut ring = square(2.0, 48.0, 0.1);
        ring[2].y = f64::NAN;
        let err = clean_polygons(vec![vec![ring]]).unwrap_err();
        assert_eq!(
            err,
            GeometryProblem::NotANumber {
                polygon: 1,
                ring: 1,
                vertex: 3
            }
        );
    }

    #[test]
    fn projected_coordinates_are_refused_as_out_of_range() {
        let err = clean_polygons(vec![vec![square(652_000.0, 6_862_000.0, 100.0)]]).unwrap_err();
        assert!(matches!(err, GeometryProblem::OutOfRange { .. }));
        assert!(err.to_string().contains("projected CRS"));
    }

    #[test]
    fn an_empty_geometry_is_refused() {
        assert_eq!(clean_polygons(vec![]).unwrap_err(), GeometryProblem::Empty);
        assert_eq!(
            clean_polygons(vec![vec![vec![]]]).unwrap_err(),
            GeometryProblem::Empty
        );
    }

    #[test]
    fn a_bow_tie_is_rebuilt_as_two_triangles_and_counted() {
        let bow_tie = vec![
            coord! { x: 2.0, y: 48.0 },
            coord! { x: 2.1, y: 48.1 },
            coord! { x: 2.1, y: 48.0 },
            coord! { x: 2.0, y: 48.1 },
            coord! { x: 2.0, y: 48.0 },
        ];
        let (mp, repairs) = clean_polygons(vec![vec![bow_tie]]).unwrap();
        assert_eq!(repairs.invalid_rebuilt, 1);
        assert_eq!(mp.0.len(), 2);
        assert_eq!(check(&mp), Ok(()));
        assert!((geo::Area::unsigned_area(&mp) - 0.005).abs() < 1e-9);
    }

    #[test]
    fn a_shape_rebuilt_at_the_pole_stays_on_the_world() {
        // A bow tie whose crossing is computed from vertices on the south pole's latitude.
        let ring = vec![
            Coord {
                x: -121.0,
                y: -90.0,
            },
            Coord {
                x: -120.0,
                y: -89.999_999_9,
            },
            Coord {
                x: -120.0,
                y: -90.0,
            },
            Coord {
                x: -121.0,
                y: -89.999_999_9,
            },
            Coord {
                x: -121.0,
                y: -90.0,
            },
        ];
        let (multi, _) = clean_polygons(vec![vec![ring]]).unwrap();
        for c in multi.coords_iter() {
            assert!(
                (-90.0..=90.0).contains(&c.y) && (-180.0..=180.0).contains(&c.x),
                "{c:?}"
            );
        }
    }

    #[test]
    fn a_polygon_of_no_area_is_refused() {
        let flat = vec![
            coord! { x: 2.0, y: 48.0 },
            coord! { x: 2.1, y: 48.0 },
            coord! { x: 2.2, y: 48.0 },
            coord! { x: 2.0, y: 48.0 },
        ];
        assert_eq!(
            clean_polygons(vec![vec![flat]]).unwrap_err(),
            GeometryProblem::NoArea
        );
    }

    #[test]
    fn a_degenerate_hole_is_dropped_but_a_degenerate_shell_is_refused() {
        let hole = vec![coord! { x: 2.01, y: 48.01 }, coord! { x: 2.02, y: 48.02 }];
        let (mp, repairs) =
            clean_polygons(vec![vec![square(2.0, 48.0, 0.1), hole.clone()]]).unwrap();
        assert_eq!(repairs.degenerate_holes_dropped, 1);
        assert!(mp.0[0].interiors().is_empty());
        assert_eq!(
            clean_polygons(vec![vec![hole]]).unwrap_err(),
            GeometryProblem::DegenerateShell { polygon: 1 }
        );
    }
}

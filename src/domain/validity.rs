//! Whether a multipolygon is valid as GDAL and the OGC rules understand it — no ring crossing
//! itself or another, holes inside their shell, parts apart — checked in `O(n log n)` with an
//! R-tree of the segments (a precinct outline has thousands of vertices; a pairwise check of
//! its segments would take seconds for a county).

use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Area as _, Contains as _};
use geo_types::{Coord, Line, MultiPolygon, Polygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// Why a multipolygon is not valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Invalidity {
    /// Two segments of one ring cross or touch (a bow tie, a figure eight).
    #[error("a ring crosses itself")]
    SelfCrossing,
    /// Two rings cross or overlap along a segment.
    #[error("two rings cross each other")]
    RingsCross,
    /// A hole lies outside its shell.
    #[error("a hole lies outside its outer ring")]
    HoleOutside,
    /// One part lies inside another.
    #[error("one part lies inside another")]
    NestedParts,
    /// No area at all.
    #[error("the geometry encloses no area")]
    NoArea,
}

/// A segment with its ring (a global ring number) and its place in that ring.
type Segment = GeomWithData<Line<f64>, (usize, usize, usize)>;

/// Checks `multi` against the rules of valid polygons.
///
/// # Examples
/// ```
/// use campaign_planner::domain::validity::{Invalidity, check};
/// use geo_types::{MultiPolygon, polygon};
///
/// let square = polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)];
/// assert_eq!(check(&MultiPolygon(vec![square])), Ok(()));
/// let bow_tie = polygon![(x: 0., y: 0.), (x: 1., y: 1.), (x: 1., y: 0.), (x: 0., y: 1.)];
/// assert_eq!(check(&MultiPolygon(vec![bow_tie])), Err(Invalidity::SelfCrossing));
/// ```
pub fn check(multi: &MultiPolygon<f64>) -> Result<(), Invalidity> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut ring_no = 0;
    for polygon in &multi.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            let n = ring.0.len().saturating_sub(1);
            for (i, line) in ring.lines().enumerate() {
                segments.push(GeomWithData::new(line, (ring_no, i, n)));
            }
            ring_no += 1;
        }
    }
    let tree = RTree::bulk_load(segments);
    for a in &tree {
        let (ring_a, i, n) = a.data;
        for b in tree.locate_in_envelope_intersecting(&rstar::RTreeObject::envelope(a.geom())) {
            let (ring_b, j, _) = b.data;
            if (ring_b, j) <= (ring_a, i) {
                continue;
            }
            let Some(meet) = line_intersection(*a.geom(), *b.geom()) else {
                continue;
            };
            if ring_a == ring_b {
                // Neighbours in a ring share their common vertex, and only it.
                let neighbours = j == i + 1 || (i == 0 && j + 1 == n);
                if neighbours && matches!(meet, LineIntersection::SinglePoint { .. }) {
                    continue;
                }
                return Err(Invalidity::SelfCrossing);
            }
            // Rings may touch at a point, never cross nor share a stretch.
            match meet {
                LineIntersection::SinglePoint {
                    is_proper: false, ..
                } => {}
                _ => return Err(Invalidity::RingsCross),
            }
        }
    }
    // With no crossing, one vertex tells on which side of another ring a whole ring lies.
    for polygon in &multi.0 {
        let shell = Polygon::new(polygon.exterior().clone(), vec![]);
        for hole in polygon.interiors() {
            if !inside_or_on(&shell, hole.0.iter()) {
                return Err(Invalidity::HoleOutside);
            }
        }
    }
    let shells: Vec<Polygon<f64>> = multi
        .0
        .iter()
        .map(|p| Polygon::new(p.exterior().clone(), vec![]))
        .collect();
    for (k, a) in multi.0.iter().enumerate() {
        for (l, b) in shells.iter().enumerate() {
            if k != l && inside_or_on(b, a.exterior().0.iter()) && !in_a_hole(&multi.0[l], a) {
                return Err(Invalidity::NestedParts);
            }
        }
    }
    if multi.unsigned_area() == 0.0 {
        return Err(Invalidity::NoArea);
    }
    Ok(())
}

/// Whether the ring of `points` lies inside `shell`: its first vertex not on the shell's
/// boundary decides (rings that do not cross are wholly on one side).
fn inside_or_on<'a>(shell: &Polygon<f64>, points: impl Iterator<Item = &'a Coord<f64>>) -> bool {
    use geo::{CoordinatePosition as _, coordinate_position::CoordPos};
    for c in points {
        match shell.coordinate_position(c) {
            CoordPos::Inside => return true,
            CoordPos::Outside => return false,
            CoordPos::OnBoundary => {}
        }
    }
    // Every vertex on the boundary: the same ring, drawn twice.
    true
}

/// Whether part `a` sits in one of `b`'s holes (islands in a lake are valid).
fn in_a_hole(b: &Polygon<f64>, a: &Polygon<f64>) -> bool {
    b.interiors().iter().any(|hole| {
        let lake = Polygon::new(hole.clone(), vec![]);
        lake.contains(a.exterior()) || inside_or_on(&lake, a.exterior().0.iter())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{LineString, polygon};

    #[test]
    fn a_hole_outside_and_overlapping_parts_are_found() {
        let shell = LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]);
        let outside = LineString::from(vec![(5., 5.), (6., 5.), (6., 6.), (5., 5.)]);
        let p = Polygon::new(shell.clone(), vec![outside]);
        assert_eq!(check(&MultiPolygon(vec![p])), Err(Invalidity::HoleOutside));
        let a = polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)];
        let b = polygon![(x: 1., y: 1.), (x: 3., y: 1.), (x: 3., y: 3.), (x: 1., y: 3.)];
        assert_eq!(
            check(&MultiPolygon(vec![a, b])),
            Err(Invalidity::RingsCross)
        );
        let big = Polygon::new(shell, vec![]);
        let small = polygon![(x: 1., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.), (x: 1., y: 2.)];
        assert_eq!(
            check(&MultiPolygon(vec![big, small])),
            Err(Invalidity::NestedParts)
        );
    }

    #[test]
    fn holes_touching_their_shell_at_a_point_and_islands_in_lakes_are_valid() {
        let shell = LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]);
        let lake = LineString::from(vec![(1., 1.), (3., 1.), (3., 3.), (1., 3.), (1., 1.)]);
        let island = polygon![(x: 1.5, y: 1.5), (x: 2.5, y: 1.5), (x: 2.5, y: 2.5)];
        let with_lake = Polygon::new(shell, vec![lake]);
        assert_eq!(check(&MultiPolygon(vec![with_lake, island])), Ok(()));
        let shell = LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]);
        let touching = LineString::from(vec![(0., 2.), (2., 1.), (2., 3.), (0., 2.)]);
        assert_eq!(
            check(&MultiPolygon(vec![Polygon::new(shell, vec![touching])])),
            Ok(())
        );
    }
}

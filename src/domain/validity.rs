//! Whether a multipolygon is valid as GDAL and the OGC rules understand it — no ring crossing
//! itself or another, holes inside their shell, parts apart — checked in `O(n log n)` by a
//! sweep of the segments along x (a precinct outline has thousands of vertices; a pairwise
//! check of its segments would take seconds for a county).

use geo::kernels::{Kernel as _, Orientation, RobustKernel};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Area as _, Contains as _};
use geo_types::{Coord, Line, MultiPolygon, Polygon};

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

/// A segment with its box, its ring (a global ring number), its place in that ring and the
/// ring's segment count.
struct Segment {
    line: Line<f64>,
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
    ring: usize,
    at: usize,
    of: usize,
}

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
            let of = ring.0.len().saturating_sub(1);
            for (at, line) in ring.lines().enumerate() {
                segments.push(Segment {
                    line,
                    x_min: line.start.x.min(line.end.x),
                    x_max: line.start.x.max(line.end.x),
                    y_min: line.start.y.min(line.end.y),
                    y_max: line.start.y.max(line.end.y),
                    ring: ring_no,
                    at,
                    of,
                });
            }
            ring_no += 1;
        }
    }
    // A sweep along x: each segment meets only those that start before it ends. Outlines are
    // long and thin in every direction, so few pairs share an x range and a y range.
    segments.sort_unstable_by(|a, b| a.x_min.total_cmp(&b.x_min));
    for (k, a) in segments.iter().enumerate() {
        for b in &segments[k + 1..] {
            if b.x_min > a.x_max {
                break;
            }
            if b.y_max < a.y_min || b.y_min > a.y_max {
                continue;
            }
            if a.ring == b.ring {
                let (i, j) = (a.at.min(b.at), a.at.max(b.at));
                let neighbours = j == i + 1 || (i == 0 && j + 1 == a.of);
                let meet = if neighbours {
                    // Neighbours share their common vertex, and only it unless they fold back
                    // along one line (a spike): only then is the costlier test needed.
                    let on_line = |c| {
                        RobustKernel::orient2d(a.line.start, a.line.end, c)
                            == Orientation::Collinear
                    };
                    if !(on_line(b.line.start) && on_line(b.line.end)) {
                        continue;
                    }
                    match line_intersection(a.line, b.line) {
                        None | Some(LineIntersection::SinglePoint { .. }) => continue,
                        Some(overlap) => Some(overlap),
                    }
                } else {
                    line_intersection(a.line, b.line)
                };
                if meet.is_some() {
                    return Err(Invalidity::SelfCrossing);
                }
                continue;
            }
            let Some(meet) = line_intersection(a.line, b.line) else {
                continue;
            };
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
    for polygon in multi.0.iter().filter(|p| !p.interiors().is_empty()) {
        let shell = Polygon::new(polygon.exterior().clone(), vec![]);
        for hole in polygon.interiors() {
            if !inside_or_on(&shell, hole.0.iter()) {
                return Err(Invalidity::HoleOutside);
            }
        }
    }
    let shells: Vec<Polygon<f64>> = if multi.0.len() > 1 {
        multi
            .0
            .iter()
            .map(|p| Polygon::new(p.exterior().clone(), vec![]))
            .collect()
    } else {
        Vec::new()
    };
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
    fn a_spike_folding_back_is_found_and_a_straight_run_of_vertices_is_valid() {
        let spike = polygon![
            (x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 1., y: 2.), (x: 1., y: 3.),
            (x: 1., y: 2.), (x: 0., y: 2.)
        ];
        assert_eq!(
            check(&MultiPolygon(vec![spike])),
            Err(Invalidity::SelfCrossing)
        );
        let straight = polygon![
            (x: 0., y: 0.), (x: 1., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)
        ];
        assert_eq!(check(&MultiPolygon(vec![straight])), Ok(()));
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

//! A lasso prepared for many "does this precinct touch it?" tests, as GEOS prepares a geometry:
//! its edges with their boxes, so that a precinct is compared only with the few lasso edges
//! near it.
//!
//! Two polygons share a point when an edge of one meets an edge of the other, or, when no edges
//! meet, when one lies inside the other, which a single vertex of it tells. The orientation
//! tests are geo's robust kernel, so touching edges and shared vertices count, as in geo's
//! `intersects` (the tests compare both).

use geo::Intersects as _;
use geo::kernels::{Kernel as _, Orientation, RobustKernel};
use geo_types::{Coord, MultiPolygon, Polygon};

/// One edge of the lasso and its box.
struct Edge {
    a: Coord<f64>,
    b: Coord<f64>,
    min: Coord<f64>,
    max: Coord<f64>,
}

/// A lasso ready to be tested against many precincts.
pub struct PreparedLasso {
    edges: Vec<Edge>,
    /// A vertex of the lasso: inside a precinct whose edges it does not meet, the whole lasso
    /// is inside that precinct.
    vertex: Option<Coord<f64>>,
}

impl PreparedLasso {
    /// Prepares `lasso` (every ring's edges).
    #[must_use]
    pub fn new(lasso: &Polygon<f64>) -> Self {
        let edges = std::iter::once(lasso.exterior())
            .chain(lasso.interiors())
            .flat_map(geo_types::LineString::lines)
            .map(|l| Edge {
                a: l.start,
                b: l.end,
                min: Coord {
                    x: l.start.x.min(l.end.x),
                    y: l.start.y.min(l.end.y),
                },
                max: Coord {
                    x: l.start.x.max(l.end.x),
                    y: l.start.y.max(l.end.y),
                },
            })
            .collect();
        Self {
            edges,
            vertex: lasso.exterior().0.first().copied(),
        }
    }

    /// Whether `shape`, whose box is `min`–`max`, shares a point with the lasso, knowing that a
    /// point inside `shape` is outside the lasso (the caller decided the other case already).
    #[must_use]
    pub fn touches_from_outside(
        &self,
        shape: &MultiPolygon<f64>,
        min: Coord<f64>,
        max: Coord<f64>,
    ) -> bool {
        let near: Vec<&Edge> = self
            .edges
            .iter()
            .filter(|e| {
                e.min.x <= max.x && e.max.x >= min.x && e.min.y <= max.y && e.max.y >= min.y
            })
            .collect();
        if !near.is_empty() {
            let crossed = shape.0.iter().any(|polygon| {
                std::iter::once(polygon.exterior())
                    .chain(polygon.interiors())
                    .flat_map(geo_types::LineString::lines)
                    .any(|l| near.iter().any(|e| meet(l.start, l.end, e)))
            });
            if crossed {
                return true;
            }
        }
        // No edges meet: the shape is wholly outside the lasso (a point of it is), so they
        // share a point only if the lasso lies inside the shape.
        self.vertex.is_some_and(|v| {
            v.x >= min.x && v.x <= max.x && v.y >= min.y && v.y <= max.y && shape.intersects(&v)
        })
    }
}

/// Whether segment `p`–`q` and `edge` share a point.
fn meet(p: Coord<f64>, q: Coord<f64>, edge: &Edge) -> bool {
    if p.x.max(q.x) < edge.min.x
        || p.x.min(q.x) > edge.max.x
        || p.y.max(q.y) < edge.min.y
        || p.y.min(q.y) > edge.max.y
    {
        return false;
    }
    let d1 = RobustKernel::orient2d(edge.a, edge.b, p);
    let d2 = RobustKernel::orient2d(edge.a, edge.b, q);
    let d3 = RobustKernel::orient2d(p, q, edge.a);
    let d4 = RobustKernel::orient2d(p, q, edge.b);
    let opposite = |x: Orientation, y: Orientation| {
        matches!(
            (x, y),
            (Orientation::Clockwise, Orientation::CounterClockwise)
                | (Orientation::CounterClockwise, Orientation::Clockwise)
        )
    };
    if opposite(d1, d2) && opposite(d3, d4) {
        return true;
    }
    // Touching: an end lying on the other segment (the boxes overlap, so collinear ends
    // within both boxes are on the segment).
    let within = |c: Coord<f64>, a: Coord<f64>, b: Coord<f64>| {
        c.x >= a.x.min(b.x) && c.x <= a.x.max(b.x) && c.y >= a.y.min(b.y) && c.y <= a.y.max(b.y)
    };
    (d1 == Orientation::Collinear && within(p, edge.a, edge.b))
        || (d2 == Orientation::Collinear && within(q, edge.a, edge.b))
        || (d3 == Orientation::Collinear && within(edge.a, p, q))
        || (d4 == Orientation::Collinear && within(edge.b, p, q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::BoundingRect as _;
    use geo_types::{LineString, polygon};

    fn touches(lasso: &Polygon<f64>, shape: &MultiPolygon<f64>) -> bool {
        let r = shape.bounding_rect().unwrap();
        PreparedLasso::new(lasso).touches_from_outside(shape, r.min(), r.max())
    }

    #[test]
    fn crossing_touching_enclosing_and_apart_are_told_as_geo_tells_them() {
        let square = |x: f64, y: f64, s: f64| {
            MultiPolygon::new(vec![polygon![
                (x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s)
            ]])
        };
        let lasso =
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
        let cases = [
            ("crossing an edge", square(3.0, 1.0, 2.0), true),
            ("touching at a corner", square(4.0, 4.0, 1.0), true),
            ("along an edge", square(4.0, 1.0, 1.0), true),
            ("apart", square(5.0, 5.0, 1.0), false),
            ("around the lasso", square(-1.0, -1.0, 6.0), true),
        ];
        for (what, shape, expected) in cases {
            assert_eq!(touches(&lasso, &shape), expected, "{what}");
            assert_eq!(lasso.intersects(&shape), expected, "geo: {what}");
        }
        // The lasso in a hole of the shape: apart.
        let holed = MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(-2.0, -2.0), (6.0, -2.0), (6.0, 6.0), (-2.0, 6.0)]),
            vec![LineString::from(vec![
                (-1.0, -1.0),
                (5.0, -1.0),
                (5.0, 5.0),
                (-1.0, 5.0),
            ])],
        )]);
        assert!(!touches(&lasso, &holed));
        assert!(!lasso.intersects(&holed));
    }
}

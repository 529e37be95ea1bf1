//! Selecting precincts and doors with a lasso or polygon: rstar filters by bounding box, geo
//! (and, for precincts touching the lasso, a prepared lasso: `domain::lasso`) tests exactly.

use geo::{BoundingRect as _, Contains as _, InteriorPoint as _};
use geo_types::{Coord, MultiPolygon, Point, Polygon};

use super::lasso::PreparedLasso;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// How a precinct counts as inside a lasso.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Membership {
    /// Its representative point (a point surely inside it) is inside the lasso (the default:
    /// every precinct is decided, none is cut in two).
    #[default]
    Representative,
    /// It touches the lasso.
    Intersects,
    /// It lies wholly inside the lasso.
    Within,
}

type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A spatial index of precinct outlines (longitude/latitude).
pub struct PrecinctIndex {
    tree: RTree<Boxed>,
    representative: Vec<Point<f64>>,
}

impl PrecinctIndex {
    /// Indexes `geometries` (their position in the slice is their index).
    #[must_use]
    pub fn new(geometries: &[MultiPolygon<f64>]) -> Self {
        let mut boxes = Vec::with_capacity(geometries.len());
        let mut representative = Vec::with_capacity(geometries.len());
        for (i, g) in geometries.iter().enumerate() {
            representative.push(
                g.interior_point()
                    .unwrap_or_else(|| Point::new(f64::NAN, f64::NAN)),
            );
            if let Some(r) = g.bounding_rect() {
                boxes.push(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ));
            }
        }
        Self {
            tree: RTree::bulk_load(boxes),
            representative,
        }
    }

    /// The precinct containing `point`, if any.
    #[must_use]
    pub fn at(&self, geometries: &[MultiPolygon<f64>], point: Point<f64>) -> Option<usize> {
        self.tree
            .locate_all_at_point(&[point.x(), point.y()])
            .map(|b| b.data)
            .find(|&i| geometries[i].contains(&point))
    }

    /// The precinct containing each point ([`PrecinctIndex::at`] of each), the points shared
    /// among the machine's cores: two million doors are tied to their precincts in half the
    /// time on two.
    #[must_use]
    pub fn locate_all(
        &self,
        geometries: &[MultiPolygon<f64>],
        points: &[Point<f64>],
    ) -> Vec<Option<usize>> {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let chunk = points.len().div_ceil(threads).max(4_096);
        let mut out = vec![None; points.len()];
        std::thread::scope(|scope| {
            for (points, out) in points.chunks(chunk).zip(out.chunks_mut(chunk)) {
                scope.spawn(move || {
                    for (p, o) in points.iter().zip(out) {
                        *o = self.at(geometries, *p);
                    }
                });
            }
        });
        out
    }

    /// The precincts inside `lasso`, in increasing order.
    #[must_use]
    pub fn select(
        &self,
        geometries: &[MultiPolygon<f64>],
        lasso: &Polygon<f64>,
        membership: Membership,
    ) -> Vec<usize> {
        let Some(r) = lasso.bounding_rect() else {
            return Vec::new();
        };
        let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        // Forty-odd edges and their boxes: cheap beside one precinct's test.
        let prepared = PreparedLasso::new(lasso);
        let mut out: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .filter(|b| {
                let i = b.data;
                let inside = lasso.contains(&self.representative[i]);
                match membership {
                    Membership::Representative => inside,
                    // A precinct whose inner point is inside surely touches the lasso.
                    Membership::Intersects => {
                        let [x0, y0] = b.geom().lower();
                        let [x1, y1] = b.geom().upper();
                        inside
                            || prepared.touches_from_outside(
                                &geometries[i],
                                Coord { x: x0, y: y0 },
                                Coord { x: x1, y: y1 },
                            )
                    }
                    // One whose inner point is outside is surely not within it.
                    Membership::Within => inside && within(lasso, &geometries[i]),
                }
            })
            .map(|b| b.data)
            .collect();
        out.sort_unstable();
        out
    }
}

/// Whether `shape` lies within `lasso`: every vertex of the shape inside the lasso and no
/// vertex of the lasso inside the shape. For polygons this is exact (a lasso edge that crossed
/// the shape would cut off a part of it holding one of its vertices) and much faster than a
/// general relate.
fn within(lasso: &Polygon<f64>, shape: &MultiPolygon<f64>) -> bool {
    use geo::CoordsIter as _;
    shape
        .exterior_coords_iter()
        .all(|c| lasso.contains(&c) || lasso.exterior().contains(&c))
        && !lasso.exterior().0.iter().any(|c| shape.contains(c))
}

type Pointed = GeomWithData<[f64; 2], usize>;

/// A spatial index of door points (longitude/latitude).
pub struct DoorIndex {
    tree: RTree<Pointed>,
}

impl DoorIndex {
    /// Indexes `points` (their position in the slice is their index).
    #[must_use]
    pub fn new(points: &[Point<f64>]) -> Self {
        Self {
            tree: RTree::bulk_load(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| GeomWithData::new([p.x(), p.y()], i))
                    .collect(),
            ),
        }
    }

    /// The doors inside `lasso`, in increasing order.
    #[must_use]
    pub fn select(&self, lasso: &Polygon<f64>) -> Vec<usize> {
        let Some(r) = lasso.bounding_rect() else {
            return Vec::new();
        };
        let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut out: Vec<usize> = self
            .tree
            .locate_in_envelope(&envelope)
            .filter(|d| {
                let [x, y] = *d.geom();
                lasso.contains(&Point::new(x, y))
            })
            .map(|d| d.data)
            .collect();
        out.sort_unstable();
        out
    }
}

/// Parses a lasso written as `"lon lat, lon lat, …"` (closed or not, at least 3 points).
pub fn parse_lasso(text: &str) -> Result<Polygon<f64>, String> {
    let points = parse_points(text)?;
    if points.len() < 3 {
        return Err(format!(
            "a lasso needs at least 3 points, got {}",
            points.len()
        ));
    }
    Ok(Polygon::new(points.into(), vec![]))
}

/// Parses points written as `"lon lat, lon lat, …"`.
pub fn parse_points(text: &str) -> Result<Vec<(f64, f64)>, String> {
    let mut points = Vec::new();
    for (k, pair) in text.split(',').enumerate() {
        let mut numbers = pair.split_whitespace().map(str::parse::<f64>);
        match (numbers.next(), numbers.next(), numbers.next()) {
            (Some(Ok(x)), Some(Ok(y)), None) if x.is_finite() && y.is_finite() => {
                points.push((x, y));
            }
            _ => {
                return Err(format!(
                    "point {} of the lasso, {:?}, is not \"lon lat\"",
                    k + 1,
                    pair.trim()
                ));
            }
        }
    }
    Ok(points)
}

/// The standard lasso of DESIGN.md §9 over Paris: 40 vertices at a = 2πk/40,
/// r = 1 + 0.3 sin(5a), x = 2.35 + r cos a, y = 48.85 + 0.7 r sin a.
#[must_use]
pub fn standard_lasso() -> Polygon<f64> {
    let ring: Vec<(f64, f64)> = (0..40)
        .map(|k| {
            let a = 2.0 * std::f64::consts::PI * f64::from(k) / 40.0;
            let r = 1.0 + 0.3 * (5.0 * a).sin();
            (2.35 + r * a.cos(), 48.85 + 0.7 * r * a.sin())
        })
        .collect();
    Polygon::new(ring.into(), vec![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth;
    use geo::Intersects as _;

    #[test]
    fn the_index_selects_exactly_what_a_brute_force_scan_selects() {
        let cells = synth::voronoi_precincts(3000, synth::FRANCE_BOX, 1);
        let geometries: Vec<MultiPolygon<f64>> = cells.into_iter().map(|c| c.geometry).collect();
        let index = PrecinctIndex::new(&geometries);
        let lasso = standard_lasso();
        for membership in [
            Membership::Representative,
            Membership::Intersects,
            Membership::Within,
        ] {
            let fast = index.select(&geometries, &lasso, membership);
            let slow: Vec<usize> = (0..geometries.len())
                .filter(|&i| match membership {
                    Membership::Representative => {
                        lasso.contains(&geometries[i].interior_point().unwrap())
                    }
                    Membership::Intersects => lasso.intersects(&geometries[i]),
                    Membership::Within => lasso.contains(&geometries[i]),
                })
                .collect();
            assert_eq!(fast, slow, "{membership:?}");
            assert!(!fast.is_empty());
        }
        let within = index.select(&geometries, &lasso, Membership::Within).len();
        let rep = index
            .select(&geometries, &lasso, Membership::Representative)
            .len();
        let touch = index
            .select(&geometries, &lasso, Membership::Intersects)
            .len();
        assert!(within <= rep && rep <= touch);
    }

    #[test]
    fn random_lassos_even_self_crossing_touch_what_geo_says_they_touch() {
        use rand::{Rng as _, SeedableRng as _};
        let cells = synth::voronoi_precincts(2000, (2.0, 48.5, 2.8, 49.2), 5);
        let geometries: Vec<MultiPolygon<f64>> = cells.into_iter().map(|c| c.geometry).collect();
        let index = PrecinctIndex::new(&geometries);
        let mut random = rand::rngs::StdRng::seed_from_u64(9);
        for case in 0..30 {
            let vertices = random.random_range(3..30);
            let ring: Vec<(f64, f64)> = (0..vertices)
                .map(|_| {
                    (
                        random.random_range(2.1..2.7),
                        random.random_range(48.6..49.1),
                    )
                })
                .collect();
            let lasso = Polygon::new(ring.into(), vec![]);
            let fast = index.select(&geometries, &lasso, Membership::Intersects);
            let slow: Vec<usize> = (0..geometries.len())
                .filter(|&i| lasso.intersects(&geometries[i]))
                .collect();
            assert_eq!(fast, slow, "lasso {case}");
        }
    }

    #[test]
    fn points_located_on_several_threads_are_in_the_precinct_one_at_a_time_finds() {
        let cells = synth::voronoi_precincts(500, synth::FRANCE_BOX, 3);
        let geometries: Vec<MultiPolygon<f64>> = cells.into_iter().map(|c| c.geometry).collect();
        let index = PrecinctIndex::new(&geometries);
        let points: Vec<Point<f64>> = synth::random_points(20_000, synth::FRANCE_BOX, 4)
            .into_iter()
            .map(Point::from)
            .collect();
        let all = index.locate_all(&geometries, &points);
        let one_by_one: Vec<Option<usize>> =
            points.iter().map(|p| index.at(&geometries, *p)).collect();
        assert_eq!(all, one_by_one);
        assert!(all.iter().flatten().count() > 15_000);
    }

    #[test]
    fn doors_are_selected_by_containment() {
        let points: Vec<Point<f64>> = synth::random_points(20_000, synth::FRANCE_BOX, 2)
            .into_iter()
            .map(Point::from)
            .collect();
        let index = DoorIndex::new(&points);
        let lasso = standard_lasso();
        let fast = index.select(&lasso);
        let slow: Vec<usize> = (0..points.len())
            .filter(|&i| lasso.contains(&points[i]))
            .collect();
        assert_eq!(fast, slow);
    }

    #[test]
    fn a_lasso_is_parsed_from_text_with_clear_errors() {
        assert_eq!(
            parse_lasso("2 48, 3 48, 3 49").unwrap().exterior().0.len(),
            4
        );
        assert!(
            parse_lasso("2 48, 3 48")
                .unwrap_err()
                .contains("at least 3")
        );
        assert!(
            parse_lasso("2 48, x 48, 3 49")
                .unwrap_err()
                .contains("point 2")
        );
    }
}

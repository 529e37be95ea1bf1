//! Door points and turf outlines prepared for drawing: projected to world points once, when
//! the campaign's doors or turfs change, never while a frame is drawn (as rerun's map view
//! prepares its point batches).

use geo_types::MultiPolygon;

use super::coords::{World, WorldBounds};

/// Door points in world coordinates, in the campaign's order.
#[derive(Clone, Debug, Default)]
pub struct DoorBatch {
    points: Vec<World>,
}

impl DoorBatch {
    /// Projects door points (longitude/latitude).
    #[must_use]
    pub fn new(points: impl IntoIterator<Item = geo_types::Point<f64>>) -> Self {
        Self {
            points: points.into_iter().map(World::of).collect(),
        }
    }

    /// How many doors.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The world box around the doors.
    #[must_use]
    pub fn bounds(&self) -> Option<WorldBounds> {
        self.points.iter().fold(None, |acc, w| {
            let [a, b, c, d] = acc.unwrap_or([w.x, w.y, w.x, w.y]);
            Some([a.min(w.x), b.min(w.y), c.max(w.x), d.max(w.y)])
        })
    }

    /// The doors inside a world rectangle, with their index.
    pub fn within(&self, bounds: WorldBounds) -> impl Iterator<Item = (usize, World)> + '_ {
        self.points
            .iter()
            .copied()
            .enumerate()
            .filter(move |(_, w)| {
                w.x >= bounds[0] && w.x <= bounds[2] && w.y >= bounds[1] && w.y <= bounds[3]
            })
    }
}

/// One turf's outline in world coordinates.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// The outer ring of each part.
    pub rings: Vec<Vec<World>>,
    /// The parts triangulated (indexes into `rings` flattened), for a filled turf.
    pub triangles: Vec<u32>,
    /// The box around them.
    pub bounds: WorldBounds,
}

impl Outline {
    /// Projects an outline (longitude/latitude).
    #[must_use]
    pub fn new(outline: &MultiPolygon<f64>) -> Self {
        let rings: Vec<Vec<World>> = outline
            .0
            .iter()
            .map(|p| {
                p.exterior()
                    .0
                    .iter()
                    .map(|c| World::from_lon_lat(c.x, c.y))
                    .collect()
            })
            .collect();
        let mut bounds = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for w in rings.iter().flatten() {
            bounds = [
                bounds[0].min(w.x),
                bounds[1].min(w.y),
                bounds[2].max(w.x),
                bounds[3].max(w.y),
            ];
        }
        // Triangulated once (earcut), so a turf can be filled by its coverage.
        let mut triangles = Vec::new();
        let mut base = 0_u32;
        for (part, ring) in outline.0.iter().zip(&rings) {
            use geo::TriangulateEarcut as _;
            let outer = geo_types::Polygon::new(part.exterior().clone(), Vec::new());
            let raw = outer.earcut_triangles_raw();
            // earcut drops a closing vertex equal to the first; map its indexes to the ring's.
            triangles.extend(raw.triangle_indices.iter().filter_map(|&i| {
                u32::try_from(i)
                    .ok()
                    .filter(|i| (*i as usize) < ring.len())
                    .map(|i| base + i)
            }));
            base += u32::try_from(ring.len()).unwrap_or(0);
        }
        if triangles.len() % 3 != 0 {
            triangles.clear();
        }
        Self {
            rings,
            triangles,
            bounds,
        }
    }

    /// Whether any of it is inside a world rectangle.
    #[must_use]
    pub fn meets(&self, view: WorldBounds) -> bool {
        super::coords::meets(self.bounds, view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Point, polygon};

    #[test]
    fn only_doors_in_view_are_given_and_outlines_know_their_box() {
        let batch = DoorBatch::new([Point::new(2.35, 48.85), Point::new(-73.6, 45.5)]);
        let paris = World::from_lon_lat(2.35, 48.85);
        let view = [paris.x - 1.0, paris.y - 1.0, paris.x + 1.0, paris.y + 1.0];
        let inside: Vec<usize> = batch.within(view).map(|(i, _)| i).collect();
        assert_eq!(inside, vec![0]);
        let square = MultiPolygon(vec![polygon![
            (x: 2.3, y: 48.8), (x: 2.4, y: 48.8), (x: 2.4, y: 48.9), (x: 2.3, y: 48.9)
        ]]);
        let outline = Outline::new(&square);
        assert!(outline.meets(view));
        assert!(!outline.meets([0.0, 0.0, 1.0, 1.0]));
    }
}

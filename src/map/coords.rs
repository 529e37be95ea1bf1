//! The map's two coordinate systems: longitude/latitude as walkers' [`Position`], and
//! Web-Mercator world points ([`World`]) that the layers are drawn in.

pub use walkers::Position;

/// A Web-Mercator "world" point: zoom-0 pixels of a 256-pixel tile, x east, y south.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct World {
    /// East, 0–256.
    pub x: f64,
    /// South, 0–256.
    pub y: f64,
}

/// A world rectangle `[min_x, min_y, max_x, max_y]`.
pub type WorldBounds = [f64; 4];

impl World {
    /// The world point of a longitude and latitude (latitudes past ±85.05° are clamped).
    #[must_use]
    pub fn from_lon_lat(lon: f64, lat: f64) -> Self {
        let (x, y) = crate::domain::geometry::web_mercator(lon, lat);
        Self { x, y }
    }

    /// The world point of a position.
    #[must_use]
    pub fn of(position: Position) -> Self {
        Self::from_lon_lat(position.x(), position.y())
    }

    /// The longitude and latitude of this point.
    #[must_use]
    pub fn position(self) -> Position {
        let lon = self.x / 256.0 * 360.0 - 180.0;
        let n = std::f64::consts::PI * (1.0 - 2.0 * self.y / 256.0);
        walkers::lon_lat(lon, n.sinh().atan().to_degrees())
    }

    /// The centre of a world rectangle.
    #[must_use]
    pub fn center_of(bounds: WorldBounds) -> Self {
        Self {
            x: f64::midpoint(bounds[0], bounds[2]),
            y: f64::midpoint(bounds[1], bounds[3]),
        }
    }
}

/// Whether two world boxes meet (an empty box, infinite and inverted, meets none).
#[must_use]
pub fn meets(a: WorldBounds, b: WorldBounds) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_comes_back_from_its_world_point() {
        for (lon, lat) in [(-73.6, 45.5), (2.35, 48.85), (0.0, 0.0), (179.0, -60.0)] {
            let back = World::from_lon_lat(lon, lat).position();
            assert!((back.x() - lon).abs() < 1e-9 && (back.y() - lat).abs() < 1e-9);
        }
    }
}

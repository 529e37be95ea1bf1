//! A door point: an address where canvassers knock, with the households behind it.

use geo_types::Point;

/// A door read from a file, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct NewDoor {
    /// Where it is (longitude/latitude).
    pub point: Point<f64>,
    /// Its address, as the file writes it.
    pub address: String,
    /// Households behind it (1 when the file does not say).
    pub households: i64,
}

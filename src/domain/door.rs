//! A door point: an address where canvassers knock, with the households behind it.

use geo_types::Point;

use super::address::{self, Address};

/// A door read from a file, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct NewDoor {
    /// Where it is (longitude/latitude).
    pub point: Point<f64>,
    /// Its address, as the file writes it (or as its parts read, when the file gives parts).
    pub address: String,
    /// Households behind it (1 when the file does not say).
    pub households: i64,
    /// Its address in parts (street, house number and suffix, unit, postcode).
    pub parts: Address,
    /// The source's own identifier, when it has one ("node/25389429" in OpenStreetMap, a BAN
    /// `id`, an `id` column): a re-import matches doors by it first.
    pub source_id: Option<String>,
}

impl NewDoor {
    /// A door with one address string, read into its parts by [`address::parse`].
    #[must_use]
    pub fn from_text(point: Point<f64>, address: &str, households: i64) -> Self {
        Self {
            point,
            address: address.to_owned(),
            households,
            parts: address::parse(address),
            source_id: None,
        }
    }

    /// A door whose file gives the parts; the address string is written from them when the
    /// file has none, and the parts the file leaves out are read from the string.
    #[must_use]
    pub fn from_parts(point: Point<f64>, address: &str, parts: Address, households: i64) -> Self {
        let parsed = address::parse(address);
        let parts = Address {
            housenumber: parts.housenumber.or(parsed.housenumber),
            suffix: parts.suffix.or(parsed.suffix),
            street: parts.street.or(parsed.street),
            unit: parts.unit.or(parsed.unit),
            postcode: parts.postcode.or(parsed.postcode),
            locality: parts.locality.or(parsed.locality),
        };
        let address = if address.trim().is_empty() {
            parts.line()
        } else {
            address.to_owned()
        };
        Self {
            point,
            address,
            households,
            parts,
            source_id: None,
        }
    }

    /// The same door with the source's identifier.
    #[must_use]
    pub fn with_source_id(mut self, id: Option<String>) -> Self {
        self.source_id = id.filter(|s| !s.trim().is_empty());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_door_from_parts_writes_its_address_and_keeps_what_the_file_gave() {
        let parts = Address {
            housenumber: Some(12),
            suffix: Some("bis".into()),
            street: Some("rue de la Paix".into()),
            postcode: Some("75002".into()),
            ..Address::default()
        };
        let d = NewDoor::from_parts(Point::new(2.33, 48.87), "", parts, 1);
        assert_eq!(d.address, "12 bis rue de la Paix");
        assert_eq!(d.parts.postcode.as_deref(), Some("75002"));
    }

    #[test]
    fn a_door_from_text_is_read_into_parts() {
        let d = NewDoor::from_text(Point::new(24.9, 60.1), "Mannerheimintie 12 A 5", 1);
        assert_eq!(d.parts.street.as_deref(), Some("Mannerheimintie"));
        assert_eq!(d.parts.housenumber, Some(12));
        assert_eq!(d.parts.unit.as_deref(), Some("A 5"));
    }
}

//! GeoPackage geometry blobs: the `GP` header followed by WKB (GeoPackage 1.2, section 2.1.3).
//!
//! Blobs are read and written with geozero; SQLite access stays with rusqlite (geozero's
//! `with-gpkg` feature would bring sqlx, whose `links = "sqlite3"` conflicts with rusqlite).

use geo::BoundingRect as _;
use geo_types::{Geometry, MultiPolygon, Point, Rect};
use geozero::wkb::GpkgWkb;
use geozero::{CoordDimensions, ToGeo as _, ToWkb as _};

/// The SRS id every geometry of a campaign file is stored in.
pub const WGS84: i32 = 4326;

/// Why a geometry blob could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("GeoPackage geometry blob: {0}")]
pub struct BlobError(String);

/// Encodes a multipolygon as a GeoPackage blob in EPSG:4326, with its envelope.
pub fn encode_multipolygon(mp: &MultiPolygon<f64>) -> Result<Vec<u8>, BlobError> {
    let envelope = mp
        .bounding_rect()
        .map(|r| vec![r.min().x, r.max().x, r.min().y, r.max().y])
        .unwrap_or_default();
    Geometry::MultiPolygon(mp.clone())
        .to_gpkg_wkb(CoordDimensions::xy(), Some(WGS84), envelope)
        .map_err(|e| BlobError(e.to_string()))
}

/// Encodes a point as a GeoPackage blob in EPSG:4326 (points carry no envelope).
pub fn encode_point(p: Point<f64>) -> Result<Vec<u8>, BlobError> {
    Geometry::Point(p)
        .to_gpkg_wkb(CoordDimensions::xy(), Some(WGS84), Vec::new())
        .map_err(|e| BlobError(e.to_string()))
}

/// Decodes any GeoPackage blob.
pub fn decode(blob: &[u8]) -> Result<Geometry<f64>, BlobError> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err(BlobError("missing the GP header".to_owned()));
    }
    GpkgWkb(blob).to_geo().map_err(|e| BlobError(e.to_string()))
}

/// The SRS id written in a blob's header.
#[must_use]
pub fn blob_srs_id(blob: &[u8]) -> Option<i32> {
    let flags = *blob.get(3)?;
    let bytes: [u8; 4] = blob.get(4..8)?.try_into().ok()?;
    Some(if flags & 1 == 1 {
        i32::from_le_bytes(bytes)
    } else {
        i32::from_be_bytes(bytes)
    })
}

/// The envelope stored in a blob's header, when it has one (`[minx, maxx, miny, maxy]` first).
#[must_use]
pub fn blob_envelope(blob: &[u8]) -> Option<Rect<f64>> {
    let flags = *blob.get(3)?;
    let envelope_code = (flags >> 1) & 0b111;
    if envelope_code == 0 || flags & 0b1_0000 != 0 {
        return None;
    }
    let little = flags & 1 == 1;
    let read = |i: usize| -> Option<f64> {
        let bytes: [u8; 8] = blob.get(8 + i * 8..16 + i * 8)?.try_into().ok()?;
        Some(if little {
            f64::from_le_bytes(bytes)
        } else {
            f64::from_be_bytes(bytes)
        })
    };
    let (min_x, max_x, min_y, max_y) = (read(0)?, read(1)?, read(2)?, read(3)?);
    Some(Rect::new((min_x, min_y), (max_x, max_y)))
}

/// Grows `acc` to include `rect`.
pub fn extend(acc: &mut Option<Rect<f64>>, rect: Rect<f64>) {
    *acc = Some(match *acc {
        None => rect,
        Some(a) => Rect::new(
            (a.min().x.min(rect.min().x), a.min().y.min(rect.min().y)),
            (a.max().x.max(rect.max().x), a.max().y.max(rect.max().y)),
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn a_multipolygon_survives_a_round_trip_through_a_blob() {
        let mp = MultiPolygon(vec![polygon![
            (x: -73.6, y: 45.5), (x: -73.5, y: 45.5), (x: -73.5, y: 45.6), (x: -73.6, y: 45.5)
        ]]);
        let blob = encode_multipolygon(&mp).unwrap();
        assert_eq!(&blob[..2], b"GP");
        assert_eq!(blob_srs_id(&blob), Some(4326));
        assert_eq!(decode(&blob).unwrap(), Geometry::MultiPolygon(mp));
    }

    #[test]
    fn a_blob_without_header_is_refused() {
        assert!(decode(&[1, 2, 3]).is_err());
    }
}

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
    Ok(point_blob(p).to_vec())
}

/// The bytes of a point's blob: the `GP` header (version 0, little-endian, no envelope, the
/// SRS id) and a little-endian WKB point, written in place (a door import writes millions).
#[must_use]
pub fn point_blob(p: Point<f64>) -> [u8; 29] {
    let mut blob = [0_u8; 29];
    blob[..4].copy_from_slice(&[b'G', b'P', 0, 0b0000_0001]);
    blob[4..8].copy_from_slice(&WGS84.to_le_bytes());
    blob[8] = 1;
    blob[9..13].copy_from_slice(&1_u32.to_le_bytes());
    blob[13..21].copy_from_slice(&p.x().to_le_bytes());
    blob[21..29].copy_from_slice(&p.y().to_le_bytes());
    blob
}

/// Encodes a line as a GeoPackage blob in EPSG:4326, with its envelope.
pub fn encode_linestring(line: &geo_types::LineString<f64>) -> Result<Vec<u8>, BlobError> {
    let envelope = line
        .bounding_rect()
        .map(|r| vec![r.min().x, r.max().x, r.min().y, r.max().y])
        .unwrap_or_default();
    Geometry::LineString(line.clone())
        .to_gpkg_wkb(CoordDimensions::xy(), Some(WGS84), envelope)
        .map_err(|e| BlobError(e.to_string()))
}

/// Decodes any GeoPackage blob. Its counts are checked against its length first: the generic
/// reader reserves what a count announces, and a damaged count of billions would ask for more
/// memory than the machine has.
pub fn decode(blob: &[u8]) -> Result<Geometry<f64>, BlobError> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err(BlobError("missing the GP header".to_owned()));
    }
    let flags = blob[3];
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        n => return Err(BlobError(format!("unknown envelope kind {n}"))),
    };
    if flags & 0b0010_0000 != 0 {
        return Err(BlobError(
            "an extended geometry (not a standard type)".to_owned(),
        ));
    }
    let mut r = WkbReader {
        bytes: blob,
        at: 8 + envelope,
        little: true,
    };
    r.fits(0).ok_or_else(|| {
        BlobError("the geometry's counts do not fit its length (damaged)".to_owned())
    })?;
    // geozero reads the geometry in the byte order of the GP header, not in the one its WKB
    // says (the header's flag only orders the header): where they differ, the header's flag is
    // set to the WKB's, so both readers see the same counts. (The SRS id, read separately by
    // `blob_srs_id`, is not taken from what geozero reads.)
    let wkb_little = blob.get(8 + envelope) == Some(&1);
    if (flags & 1 == 1) != wkb_little {
        let mut same = blob.to_vec();
        same[3] = (flags & !1) | u8::from(wkb_little);
        return GpkgWkb(same.as_slice())
            .to_geo()
            .map_err(|e| BlobError(e.to_string()));
    }
    GpkgWkb(blob).to_geo().map_err(|e| BlobError(e.to_string()))
}

/// How deep geometry collections may nest in a blob.
const MAX_WKB_DEPTH: usize = 32;

/// Decodes a polygonal GeoPackage blob (Polygon or MultiPolygon, XY) straight from its bytes:
/// the shape every campaign file stores, read about three times faster than through a generic
/// geometry processor. Anything else returns `None` (use [`decode`]).
#[must_use]
pub fn decode_polygons(blob: &[u8]) -> Option<MultiPolygon<f64>> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return None;
    }
    let flags = blob[3];
    if flags & 0b0010_0000 != 0 || flags & 0b0001_0000 != 0 {
        return None; // extended or empty geometry
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return None,
    };
    let mut r = WkbReader {
        bytes: blob,
        at: 8 + envelope,
        little: true,
    };
    let (little, kind) = r.header()?;
    r.little = little;
    match kind {
        3 => Some(MultiPolygon(vec![r.polygon()?])),
        6 => {
            let n = r.u32()? as usize;
            let mut polygons = Vec::with_capacity(n.min(1 << 16));
            for _ in 0..n {
                let (little, kind) = r.header()?;
                if kind != 3 {
                    return None;
                }
                r.little = little;
                polygons.push(r.polygon()?);
            }
            Some(MultiPolygon(polygons))
        }
        _ => None,
    }
}

/// A cursor over WKB bytes.
struct WkbReader<'a> {
    bytes: &'a [u8],
    at: usize,
    little: bool,
}

impl WkbReader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let slice = self.bytes.get(self.at..self.at + N)?;
        self.at += N;
        slice.try_into().ok()
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take::<4>()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self) -> Option<f64> {
        let b = self.take::<8>()?;
        Some(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// Byte order and geometry type (2D only).
    fn header(&mut self) -> Option<(bool, u32)> {
        let order = *self.bytes.get(self.at)?;
        self.at += 1;
        self.little = order == 1;
        let kind = self.u32()?;
        (kind <= 7).then_some((self.little, kind))
    }

    /// Walks one WKB geometry (any of the seven types, XY, Z, M or ZM) without reading its
    /// coordinates; `None` when a count announces more than the bytes left can hold.
    fn fits(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_WKB_DEPTH {
            return None;
        }
        let order = *self.bytes.get(self.at)?;
        self.at += 1;
        self.little = order == 1;
        let kind = self.u32()?;
        let point = 8 * match kind / 1000 {
            0 => 2,
            1 | 2 => 3,
            3 => 4,
            _ => return None,
        };
        let left = |r: &Self| r.bytes.len().saturating_sub(r.at);
        let skip = |r: &mut Self, n: usize, size: usize| {
            let bytes = n.checked_mul(size)?;
            (bytes <= left(r)).then(|| r.at += bytes)
        };
        match kind % 1000 {
            1 => skip(self, 1, point),
            2 => {
                let n = self.u32()? as usize;
                skip(self, n, point)
            }
            3 => {
                let rings = self.u32()? as usize;
                if rings > left(self) / 4 {
                    return None;
                }
                for _ in 0..rings {
                    let n = self.u32()? as usize;
                    skip(self, n, point)?;
                }
                Some(())
            }
            4..=7 => {
                let parts = self.u32()? as usize;
                // Each part has at least its byte order and type.
                if parts > left(self) / 5 {
                    return None;
                }
                for _ in 0..parts {
                    self.fits(depth + 1)?;
                }
                Some(())
            }
            _ => None,
        }
    }

    fn polygon(&mut self) -> Option<geo_types::Polygon<f64>> {
        let rings = self.u32()? as usize;
        let mut out: Vec<geo_types::LineString<f64>> = Vec::with_capacity(rings.min(1 << 16));
        for _ in 0..rings {
            let n = self.u32()? as usize;
            if self.bytes.len() < self.at + n * 16 {
                return None;
            }
            let mut coords = Vec::with_capacity(n);
            for _ in 0..n {
                let x = self.f64()?;
                let y = self.f64()?;
                coords.push(geo_types::coord! { x: x, y: y });
            }
            out.push(geo_types::LineString(coords));
        }
        let mut rings = out.into_iter();
        let shell = rings.next()?;
        Some(geo_types::Polygon::new(shell, rings.collect()))
    }
}

/// Whether a blob holds an empty geometry (its header's flag), or is no GeoPackage blob at all.
#[must_use]
pub fn blob_is_empty(blob: &[u8]) -> bool {
    blob.len() < 8 || &blob[..2] != b"GP" || blob[3] & 0b1_0000 != 0
}

/// The point of a blob holding a WKB point after its header (with or without envelope), read
/// in place; `None` for any other blob.
#[must_use]
pub fn read_point(blob: &[u8]) -> Option<Point<f64>> {
    if blob_is_empty(blob) {
        return None;
    }
    let envelope = match (blob[3] >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return None,
    };
    let wkb = blob.get(8 + envelope..)?;
    let little = *wkb.first()? == 1;
    let word: [u8; 4] = wkb.get(1..5)?.try_into().ok()?;
    let kind = if little {
        u32::from_le_bytes(word)
    } else {
        u32::from_be_bytes(word)
    };
    if kind != 1 {
        return None;
    }
    let read = |at: usize| -> Option<f64> {
        let bytes: [u8; 8] = wkb.get(at..at + 8)?.try_into().ok()?;
        Some(if little {
            f64::from_le_bytes(bytes)
        } else {
            f64::from_be_bytes(bytes)
        })
    };
    Some(Point::new(read(5)?, read(13)?))
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

/// Grows a layer's extent in `gpkg_contents` to take in `rect` (what GIS readers show before
/// reading a feature), and records the change time.
pub(crate) fn grow_extent(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    rect: Rect<f64>,
) -> rusqlite::Result<usize> {
    tx.execute(
        &format!(
            "UPDATE gpkg_contents SET \
             min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2), \
             max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4), \
             last_change = {} WHERE table_name = ?5",
            crate::store::NOW
        ),
        rusqlite::params![
            rect.min().x,
            rect.min().y,
            rect.max().x,
            rect.max().y,
            table
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn a_point_s_blob_written_in_place_is_geozero_s() {
        for p in [
            Point::new(2.35, 48.85),
            Point::new(-73.6, 45.5),
            Point::new(0.0, -0.0),
        ] {
            let theirs = Geometry::Point(p)
                .to_gpkg_wkb(CoordDimensions::xy(), Some(WGS84), Vec::new())
                .unwrap();
            assert_eq!(point_blob(p).to_vec(), theirs);
            assert_eq!(decode(&point_blob(p)).unwrap(), Geometry::Point(p));
            assert_eq!(read_point(&point_blob(p)), Some(p));
        }
    }

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
    fn the_fast_polygon_reader_agrees_with_geozero() {
        let cells = crate::synth::voronoi_precincts(50, (0.0, 40.0, 2.0, 42.0), 9);
        for c in cells {
            let mut mp = c.geometry.clone();
            // A hole too.
            let hole = geo_types::LineString::from(vec![
                (0.0, 0.0),
                (0.0, 0.0001),
                (0.0001, 0.0),
                (0.0, 0.0),
            ]);
            mp.0[0].interiors_push(hole);
            let blob = encode_multipolygon(&mp).unwrap();
            assert_eq!(decode_polygons(&blob), Some(mp.clone()));
            assert_eq!(decode(&blob).unwrap(), Geometry::MultiPolygon(mp));
        }
        let point = encode_point(geo_types::Point::new(1.0, 2.0)).unwrap();
        assert_eq!(decode_polygons(&point), None);
    }

    #[test]
    fn a_blob_without_header_is_refused() {
        assert!(decode(&[1, 2, 3]).is_err());
    }

    #[test]
    fn a_count_of_billions_in_a_damaged_blob_is_refused_before_any_memory_is_asked() {
        let mp = MultiPolygon(vec![polygon![
            (x: -73.6, y: 45.5), (x: -73.5, y: 45.5), (x: -73.5, y: 45.6), (x: -73.6, y: 45.5)
        ]]);
        let good = encode_multipolygon(&mp).unwrap();
        // The ring's point count, after the header, envelope, and multipolygon, polygon and
        // ring headers.
        let envelope = match (good[3] >> 1) & 0b111 {
            1 => 32,
            _ => 0,
        };
        let at = 8 + envelope + 5 + 4 + 5 + 4;
        for count in [u32::MAX, 0x1000_0000, 5] {
            let mut bad = good.clone();
            bad[at..at + 4].copy_from_slice(&count.to_le_bytes());
            let err = decode(&bad).unwrap_err().to_string();
            assert!(err.contains("counts do not fit"), "{count}: {err}");
        }
        // A header saying big-endian before a little-endian geometry: each part in its own
        // order (a reader taking the header's order for the geometry would read 4 points as
        // 67,108,864).
        let mut mixed = good.clone();
        mixed[3] &= !1;
        assert_eq!(decode(&mixed).unwrap(), decode(&good).unwrap());
        // Collections nested past any real file.
        let mut deep = good[..8].to_vec();
        deep[3] &= !0b1110; // no envelope
        for _ in 0..100 {
            deep.extend_from_slice(&[1, 7, 0, 0, 0, 1, 0, 0, 0]);
        }
        assert!(decode(&deep).is_err());
    }
}

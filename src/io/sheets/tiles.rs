//! The user's MBTiles file as a walk sheet's map: its tiles at the zoom that gives the map frame
//! at least 150 dpi (or its largest, said when coarse), placed as images under the vectors.
//! Only a local file is read: online tiles are never fetched for printing (the OpenStreetMap
//! tile policy forbids bulk downloads).

use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension as _;

use crate::io::ImportError;

/// The resolution a sheet's map aims for, dots per inch.
pub const DPI: f64 = 150.0;

/// Below this zoom, street-level maps are coarse: a warning is given.
pub const COARSE_BELOW: u8 = 15;

/// A raster MBTiles file opened for printing.
pub struct SheetTiles {
    path: PathBuf,
    conn: rusqlite::Connection,
    min_zoom: u8,
    max_zoom: u8,
    /// The file's attribution, printed under the map.
    pub attribution: Option<String>,
}

/// One tile placed in world units (0–256 around the world).
pub(super) struct Placed {
    pub bytes: Vec<u8>,
    pub jpeg: bool,
    pub world: (f64, f64, f64),
}

impl SheetTiles {
    /// Opens `path` read-only; refused when it is not an MBTiles file with tiles.
    pub fn open(path: &Path) -> Result<Self, ImportError> {
        let bad = |detail: String| ImportError::Format {
            path: path.to_path_buf(),
            detail,
        };
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| bad(format!("not an MBTiles file ({e})")))?;
        let (min, max): (Option<i64>, Option<i64>) = conn
            .query_row(
                "SELECT min(zoom_level), max(zoom_level) FROM tiles",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| bad(format!("not an MBTiles file: no tiles table ({e})")))?;
        let (Some(min), Some(max)) = (min, max) else {
            return Err(bad("an MBTiles file without tiles".to_owned()));
        };
        let attribution: Option<String> = conn
            .query_row(
                "SELECT value FROM metadata WHERE name = 'attribution'",
                [],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        Ok(Self {
            path: path.to_path_buf(),
            conn,
            min_zoom: u8::try_from(min.clamp(0, 24)).unwrap_or(0),
            max_zoom: u8::try_from(max.clamp(0, 24)).unwrap_or(0),
            attribution,
        })
    }

    /// The zoom for a frame `frame_mm` wide showing `world_width` world units: the first that
    /// reaches [`DPI`], or the file's largest; and whether that is coarse.
    pub(super) fn zoom(&self, world_width: f64, frame_mm: f64) -> (u8, bool) {
        let pixels = frame_mm / 25.4 * DPI;
        let wanted = (pixels / world_width.max(1e-12)).log2().ceil().max(0.0) as u8;
        let z = wanted.clamp(self.min_zoom, self.max_zoom);
        (z, z < COARSE_BELOW && self.max_zoom < COARSE_BELOW)
    }

    /// The tiles at zoom `z` covering the world box `(x0, y0, x1, y1)`, at most 400.
    pub(super) fn tiles(&self, z: u8, (x0, y0, x1, y1): (f64, f64, f64, f64)) -> Vec<Placed> {
        let n = f64::from(1_u32 << z);
        let size = 256.0 / n;
        let span = |a: f64, b: f64| {
            let lo = (a / size).floor().max(0.0) as u32;
            let hi = ((b / size).floor().max(0.0) as u32).min((1_u32 << z) - 1);
            lo..=hi
        };
        let mut out = Vec::new();
        let Ok(mut stmt) = self.conn.prepare(
            "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
        ) else {
            return out;
        };
        for ty in span(y0, y1) {
            for tx in span(x0, x1) {
                if out.len() >= 400 {
                    return out;
                }
                // MBTiles rows count from the south (TMS).
                let row = (1_u32 << z) - 1 - ty;
                let bytes: Option<Vec<u8>> = stmt
                    .query_row((i64::from(z), i64::from(tx), i64::from(row)), |r| r.get(0))
                    .optional()
                    .ok()
                    .flatten();
                if let Some(bytes) = bytes {
                    let jpeg = bytes.starts_with(&[0xFF, 0xD8]);
                    out.push(Placed {
                        bytes,
                        jpeg,
                        world: (f64::from(tx) * size, f64::from(ty) * size, size),
                    });
                }
            }
        }
        out
    }

    /// The file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's largest zoom.
    #[must_use]
    pub fn max_zoom(&self) -> u8 {
        self.max_zoom
    }
}

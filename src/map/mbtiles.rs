//! Raster MBTiles as a walkers tile source: the offline basemap.
//!
//! Read with rusqlite directly (the `mbtiles` crate would bring sqlx, whose `links = "sqlite3"`
//! conflicts with rusqlite). Rows are in TMS order, as the MBTiles spec says. A tile missing at
//! the asked zoom is drawn from the nearest lower zoom that has it, magnified.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use egui::{ColorImage, Context, Rect, TextureHandle, TextureOptions, pos2};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _};
use walkers::sources::Attribution;
use walkers::{Tile, TileId, TilePiece, Tiles};

/// Why an MBTiles file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MbTilesError {
    /// Not SQLite, or no `tiles` table.
    #[error("not a raster MBTiles file ({detail}): {}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// A raster MBTiles file, with decoded tiles cached as textures.
pub struct MbTiles {
    conn: Connection,
    ctx: Context,
    cache: HashMap<TileId, Option<TextureHandle>>,
    max_zoom: u8,
    /// The `name` from the file's metadata.
    pub name: String,
    /// Tiles that failed to decode.
    pub broken: usize,
}

impl MbTiles {
    /// Opens `path` read-only.
    pub fn open(path: &Path, ctx: Context) -> Result<Self, MbTilesError> {
        let invalid = |detail: String| MbTilesError::Invalid {
            path: path.to_path_buf(),
            detail,
        };
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| invalid(e.to_string()))?;
        let max_zoom: Option<u8> = conn
            .query_row("SELECT max(zoom_level) FROM tiles", [], |r| r.get(0))
            .map_err(|e| invalid(e.to_string()))?;
        let format: Option<String> = conn
            .query_row(
                "SELECT value FROM metadata WHERE name = 'format'",
                [],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        if matches!(format.as_deref(), Some("pbf" | "mvt")) {
            return Err(invalid(
                "vector tiles are not supported, only PNG/JPEG".to_owned(),
            ));
        }
        let name = conn
            .query_row("SELECT value FROM metadata WHERE name = 'name'", [], |r| {
                r.get(0)
            })
            .optional()
            .ok()
            .flatten()
            .unwrap_or_else(|| path.display().to_string());
        Ok(Self {
            conn,
            ctx,
            cache: HashMap::new(),
            max_zoom: max_zoom.unwrap_or(0),
            name,
            broken: 0,
        })
    }

    /// The texture of one tile exactly as stored, loading it on first use.
    fn texture(&mut self, id: TileId) -> Option<TextureHandle> {
        if let Some(cached) = self.cache.get(&id) {
            return cached.clone();
        }
        let tms_row = (1_u32 << id.zoom) - 1 - id.y;
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 \
                 AND tile_row = ?3",
            )
            .and_then(|mut s| {
                s.query_row((id.zoom, id.x, tms_row), |r| r.get(0))
                    .optional()
            })
            .ok()
            .flatten();
        let texture = blob.and_then(|bytes| {
            if let Ok(img) = image::load_from_memory(&bytes) {
                let rgba = img.to_rgba8();
                let size = [rgba.width() as usize, rgba.height() as usize];
                let pixels = ColorImage::from_rgba_unmultiplied(size, rgba.as_raw());
                Some(self.ctx.load_texture(
                    format!("mbtiles-{}-{}-{}", id.zoom, id.x, id.y),
                    pixels,
                    TextureOptions::LINEAR,
                ))
            } else {
                self.broken += 1;
                None
            }
        });
        self.cache.insert(id, texture.clone());
        texture
    }
}

impl Tiles for MbTiles {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        // The tile itself, or the part of its nearest ancestor that covers it.
        let top = tile_id.zoom.min(self.max_zoom);
        for zoom in (0..=top).rev() {
            let dz = tile_id.zoom - zoom;
            let parent = TileId {
                x: tile_id.x >> dz,
                y: tile_id.y >> dz,
                zoom,
            };
            if let Some(texture) = self.texture(parent) {
                // dz passes 16 when a zoom-6 map is shown at street zooms
                // (a u16 shift overflowed there).
                let size = 0.5_f32.powi(i32::from(dz));
                let mask = 1_u32.checked_shl(u32::from(dz)).map_or(u32::MAX, |m| m - 1);
                let min = pos2(
                    (tile_id.x & mask) as f32 * size,
                    (tile_id.y & mask) as f32 * size,
                );
                let uv = Rect::from_min_max(min, pos2(min.x + size, min.y + size));
                return Some(TilePiece::new(Tile::Raster(texture), uv));
            }
        }
        None
    }

    fn attribution(&self) -> Attribution {
        Attribution {
            text: "© OpenStreetMap contributors",
            url: "https://www.openstreetmap.org/copyright",
            logo_light: None,
            logo_dark: None,
        }
    }

    fn tile_size(&self) -> u32 {
        256
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_zoom_6_map_covers_a_tile_at_zoom_24_without_overflowing() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/basemap-world-z0-4-montreal-z5-6.mbtiles");
        let mut tiles = MbTiles::open(&path, Context::default()).unwrap();
        // Montréal at zoom 24: 18 zooms past the file's deepest tiles.
        let (x, y) = (4_947_000_u32, 6_054_000_u32);
        let piece = tiles.at(TileId { x, y, zoom: 24 });
        assert!(piece.is_some(), "an ancestor tile is magnified");
    }
}

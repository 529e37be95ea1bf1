//! Reading an input file whole, safely: only regular files, of a bounded size, and a clear
//! sentence for the usual mistakes (a missing file, a folder, a file of another kind).

use std::io::Read as _;
use std::path::Path;

use super::ImportError;

/// Checks that `path` is a regular file (looking, not opening: opening a named pipe waits for
/// a writer forever) no larger than `limit` bytes, and returns its size.
pub fn check_regular_file(path: &Path, limit: u64) -> Result<u64, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ImportError::Missing {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(io(e)),
    };
    if !meta.is_file() {
        return Err(ImportError::NotAFile {
            path: path.to_path_buf(),
            kind: crate::store::kind_of(&meta),
        });
    }
    if meta.len() > limit {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit,
        });
    }
    Ok(meta.len())
}

/// Reads `path` whole, refusing what is not a regular file or is larger than `limit` bytes.
/// The size is checked again while reading, so a file that grows (or lies about its size) is
/// never read past the limit.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = check_regular_file(path, limit)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads `path` whole like [`read_regular_file`], after `first` has looked at its first 64
/// kilobytes: a file that is plainly not what it is read as (gigabytes of zeros named
/// `.geojson`) is refused before it is read into memory.
pub fn read_regular_file_after(
    path: &Path,
    limit: u64,
    first: impl FnOnce(&[u8]) -> Result<(), ImportError>,
) -> Result<Vec<u8>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    check_regular_file(path, limit)?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)
        .map_err(io)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    first(&head)?;
    read_regular_file(path, limit)
}

/// How much of a file is looked at before it is read whole.
const HEAD_BYTES: usize = 64 * 1024;

/// The largest shapes file read (a whole country's polling stations in full detail is a few
/// hundred megabytes).
pub const MAX_SHAPES_BYTES: u64 = 2 << 30;

/// The largest sidecar text file read (`.prj`, `.cpg`).
pub const MAX_SIDECAR_BYTES: u64 = 1 << 20;

/// What a file's first bytes say it is, when it is not text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// JSON or GeoJSON.
    Json,
    /// A ZIP archive: an Excel (`.xlsx`) or `OpenDocument` (`.ods`) workbook, or a zipped file.
    Zip,
    /// SQLite: a GeoPackage or a campaign file.
    Sqlite,
    /// A PDF document.
    Pdf,
    /// An ESRI Shapefile (`.shp`).
    Shapefile,
    /// An OpenStreetMap `.osm.pbf` extract.
    Pbf,
    /// An old Excel workbook (`.xls`).
    OldExcel,
    /// Some other binary content (NUL bytes in the first kilobytes).
    Binary,
}

impl Kind {
    /// The kind in words, "a GeoJSON or JSON file".
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Self::Json => "a GeoJSON or JSON file",
            Self::Zip => "a ZIP archive or an Excel/OpenDocument workbook",
            Self::Sqlite => "a SQLite database (a GeoPackage or a campaign file)",
            Self::Pdf => "a PDF document",
            Self::Shapefile => "a Shapefile (.shp)",
            Self::Pbf => "an OpenStreetMap .osm.pbf extract",
            Self::OldExcel => "an Excel workbook (.xls)",
            Self::Binary => "a binary file",
        }
    }
}

/// Recognises files that are clearly not text tables from their first bytes.
#[must_use]
pub fn sniff_binary_kind(bytes: &[u8]) -> Option<Kind> {
    let head = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text_start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &head[i..]);
    if text_start.starts_with(b"{") || text_start.starts_with(b"[") {
        return Some(Kind::Json);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(Kind::Zip);
    }
    if head.starts_with(b"SQLite format 3\0") {
        return Some(Kind::Sqlite);
    }
    if head.starts_with(b"%PDF") {
        return Some(Kind::Pdf);
    }
    if head.starts_with(&[0x00, 0x00, 0x27, 0x0a]) {
        return Some(Kind::Shapefile);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(Kind::OldExcel);
    }
    if head.len() > 8 && &head[4..8] == b"\x0a\x09OSM" {
        return Some(Kind::Pbf);
    }
    if head.iter().take(8192).any(|&b| b == 0) {
        return Some(Kind::Binary);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geojson_zip_sqlite_and_binary_files_are_recognised() {
        assert_eq!(
            sniff_binary_kind(b"\n  {\"type\": \"FeatureCollection\"}"),
            Some(Kind::Json)
        );
        assert_eq!(sniff_binary_kind(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(
            sniff_binary_kind(b"SQLite format 3\0..."),
            Some(Kind::Sqlite)
        );
        assert_eq!(sniff_binary_kind(b"ab\0cd"), Some(Kind::Binary));
        assert_eq!(sniff_binary_kind(b"code,votes\n1,2\n"), None);
        assert_eq!(sniff_binary_kind("Code BV;Inscrits".as_bytes()), None);
    }

    #[test]
    fn a_folder_a_missing_file_and_a_pipe_are_refused_in_one_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular_file(dir.path(), 10).unwrap_err().to_string();
        assert!(err.ends_with("is a folder, not a file"), "{err}");
        let missing = dir.path().join("nope.csv");
        let err = read_regular_file(&missing, 10).unwrap_err().to_string();
        assert!(err.ends_with("nope.csv: no such file"), "{err}");
        let big = dir.path().join("big.csv");
        std::fs::write(&big, vec![b'1'; 100]).unwrap();
        let err = read_regular_file(&big, 10).unwrap_err().to_string();
        assert!(err.contains("too large"), "{err}");
    }
}

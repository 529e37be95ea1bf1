//! What is checked of a campaign file and the files beside it before SQLite opens it:
//! SQLite replays a journal or a write-ahead log it finds, and deletes what it takes for a
//! spent one, so a file that is not a campaign, a journal of another file, a log beside a file
//! that keeps none, or a pipe under one of those names are refused first, and a crash's
//! journal is replayed on a copy before the file itself.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{StoreError, schema};

/// The magic string at the start of every SQLite 3 file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the first 100 bytes of a SQLite file tell before SQLite opens it.
pub(super) struct Header {
    pub(super) application_id: u32,
}

/// The rollback journal beside a campaign file.
fn journal_of(path: &Path) -> PathBuf {
    sidecar(path, "-journal")
}

/// A file SQLite keeps beside `path`: `-journal`, `-wal` or `-shm`.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The files SQLite keeps beside a campaign file (and the planner's lock): never a name for
/// anything else.
#[must_use]
pub fn sidecars(path: &Path) -> [PathBuf; 4] {
    [
        sidecar(path, "-journal"),
        sidecar(path, "-wal"),
        sidecar(path, "-shm"),
        sidecar(path, ".lock"),
    ]
}

/// What a file that is not a regular file is, in words (the importers say it the same way).
pub(crate) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "a folder"
    } else if meta.file_type().is_symlink() {
        "a link"
    } else {
        "a special file (a pipe or a device)"
    }
}

/// Whether a crash left a rollback journal that SQLite will replay on the next open: a
/// journal whose header was written (SQLite writes it last, once its records are safe; a
/// journal of zeros or an empty one is ignored).
pub(super) fn has_hot_journal(path: &Path) -> bool {
    let journal = journal_of(path);
    if !std::fs::metadata(&journal).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return false;
    }
    let mut first = [0_u8; 1];
    std::fs::File::open(&journal)
        .and_then(|mut f| f.read_exact(&mut first))
        .is_ok_and(|()| first[0] != 0)
}

/// Replays the journal beside `path` on a copy of both, and checks the result is a campaign
/// this build can open and an intact database: a journal that belongs to another file would
/// otherwise damage this one, and a file that is not a campaign would be changed although it
/// is refused. The file and its journal are not touched.
pub(super) fn check_recovery(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let foreign = || StoreError::Journal {
        path: path.to_path_buf(),
        detail: format!(
            "the rollback journal beside it ({}) does not belong to it: replaying it would damage \
             the file; move the journal away to open the file as it is",
            journal_of(path).display()
        ),
    };
    if journal_matches(path) == Some(false) {
        return Err(foreign());
    }
    // A hot journal starts with SQLite's magic number; SQLite deletes anything else of that
    // name (a file a user saved there) as it opens.
    let mut magic = [0_u8; 8];
    let is_journal = std::fs::File::open(journal_of(path))
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| magic == JOURNAL_MAGIC);
    if !is_journal {
        return Err(StoreError::Journal {
            path: path.to_path_buf(),
            detail: format!(
                "a file lies beside it under its rollback journal's name ({}) but is not a \
                 journal: SQLite would delete it; move or rename it to open the file",
                journal_of(path).display()
            ),
        });
    }
    let dir = tempfile::Builder::new()
        .prefix("campaign-recovery")
        .tempdir()
        .map_err(io)?;
    let copy = dir.path().join("copy.campaign.gpkg");
    std::fs::copy(path, &copy).map_err(io)?;
    std::fs::copy(journal_of(path), journal_of(&copy)).map_err(io)?;
    let conn = Connection::open(&copy).map_err(|e| StoreError::sqlite(path, e))?;
    let check: String = match conn.query_row("PRAGMA quick_check", [], |r| r.get(0)) {
        Ok(check) => check,
        Err(_) => return Err(foreign()),
    };
    if check != "ok" {
        return Err(foreign());
    }
    match schema::version(&conn) {
        Ok(Some(version)) if version > schema::CURRENT_VERSION => Err(StoreError::NewerVersion {
            path: path.to_path_buf(),
            found: version,
            supported: schema::CURRENT_VERSION,
        }),
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(StoreError::NotACampaign {
            path: path.to_path_buf(),
            kind: "a SQLite database",
        }),
        Err(_) => Err(foreign()),
    }
}

/// The first bytes of every SQLite rollback journal.
const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];

/// Whether the journal beside `path` was written for this file, as far as the change counter
/// tells: every write transaction saves page 1 in the journal before changing it, and the
/// counter in that saved page is the file's own, or one less once the new page 1 reached the
/// file. A backup restored beside a later crash's journal, or another campaign's journal,
/// has another counter. `None` when the journal cannot tell (no page 1 saved yet).
fn journal_matches(path: &Path) -> Option<bool> {
    let journal = std::fs::read(journal_of(path)).ok()?;
    let mut head = [0_u8; 100];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    let be32 = |b: &[u8], at: usize| {
        b.get(at..at + 4)
            .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
    };
    if journal.get(..8)? != JOURNAL_MAGIC {
        return None;
    }
    let sector = be32(&journal, 20)? as usize;
    let page = be32(&journal, 24)? as usize;
    let db_page = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => usize::from(n),
    };
    if page != db_page {
        return Some(false);
    }
    let counter = be32(&head, 24)?;
    let record = 4 + page + 4;
    let mut at = sector.max(28);
    while at + record <= journal.len() {
        if be32(&journal, at)? == 1 {
            let saved = be32(&journal, at + 4 + 24)?;
            return Some(saved == counter || saved.wrapping_add(1) == counter);
        }
        at += record;
    }
    None
}

/// Removes what a `new` killed before it finished left beside `path`: its temporary build
/// (`NAME.1a2b3c4d.tmp`) and that build's journal. Only called under `path`'s write lock.
pub(super) fn remove_stale_builds(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let stem = rest
            .strip_suffix(".tmp-journal")
            .or_else(|| rest.strip_suffix(".tmp"));
        if stem.is_some_and(|s| s.len() == 8 && s.bytes().all(|b| b.is_ascii_hexdigit())) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Reads the SQLite header without SQLite, to refuse non-SQLite and truncated files before
/// anything could touch them.
pub(super) fn check_header(path: &Path) -> Result<Header, StoreError> {
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            StoreError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    };
    // Looked at before opening: opening a named pipe would wait for a writer forever.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: path.to_path_buf(),
            kind: kind_of(&meta),
        });
    }
    // SQLite opens the journal beside the file as it finds it: a pipe there would block every
    // command, a device or a folder fail deep inside SQLite.
    let journal = journal_of(path);
    if let Ok(j) = std::fs::symlink_metadata(&journal)
        && !j.is_file()
    {
        return Err(StoreError::Journal {
            path: path.to_path_buf(),
            detail: format!(
                "the rollback journal beside it ({}) is {}, not a file: move it away to open \
                 the file",
                journal.display(),
                kind_of(&j)
            ),
        });
    }
    let mut file = std::fs::File::open(path).map_err(io)?;
    let actual = file.metadata().map_err(io)?.len();
    if actual == 0 {
        return Err(StoreError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut head = Vec::with_capacity(100);
    file.by_ref().take(100).read_to_end(&mut head).map_err(io)?;
    let magic_len = head.len().min(SQLITE_MAGIC.len());
    if head[..magic_len] != SQLITE_MAGIC[..magic_len] {
        return Err(StoreError::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    if head.len() < 100 {
        return Err(StoreError::Truncated {
            path: path.to_path_buf(),
            expected: 100,
            actual,
        });
    }
    // SQLite replays a write-ahead log it finds beside a file, whatever mode the file is in:
    // one beside a file that does not use one (ours never do; QGIS switches a GeoPackage it
    // edits to WAL, bytes 18-19 = 2) belongs to another file.
    let wal = sidecar(path, "-wal");
    if let Ok(w) = std::fs::symlink_metadata(&wal) {
        let detail = if !w.is_file() {
            format!(
                "the write-ahead log beside it ({}) is {}, not a file: move it away to open the \
                 file",
                wal.display(),
                kind_of(&w)
            )
        } else if head[18] != 2 || head[19] != 2 {
            format!(
                "a write-ahead log lies beside it ({}) but the file does not use one: it belongs \
                 to another file, and SQLite would replay it into this one; move it away to open \
                 the file",
                wal.display()
            )
        } else {
            String::new()
        };
        if !detail.is_empty() {
            return Err(StoreError::Journal {
                path: path.to_path_buf(),
                detail,
            });
        }
    }
    let be16 = |at: usize| u16::from_be_bytes([head[at], head[at + 1]]);
    let be32 = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let page_size: u64 = match be16(16) {
        1 => 65_536,
        n => u64::from(n),
    };
    // The in-header page count is trusted only when its "version valid for" matches the change
    // counter, as SQLite itself does.
    // A crash mid-write can leave the file shorter than its new header says; the hot journal
    // beside it restores it, so only a file without one is judged truncated.
    if be32(24) == be32(92) && page_size >= 512 && !has_hot_journal(path) {
        let expected = page_size * u64::from(be32(28));
        if actual < expected {
            return Err(StoreError::Truncated {
                path: path.to_path_buf(),
                expected,
                actual,
            });
        }
    }
    Ok(Header {
        application_id: be32(68),
    })
}

//! The campaign file: one SQLite file that is also a valid OGC GeoPackage.
//!
//! [`Campaign`] creates, opens (checking and upgrading) and writes campaign files. Every write
//! is its own transaction with `synchronous=FULL` and a rollback journal, so the campaign stays
//! one file and a crash in the middle of a write leaves it as it was before the write.
//! Bad files are refused with a [`StoreError`] that names them, and are never changed.

mod doors;
mod error;
pub mod gpkg;
pub mod lock;
mod precincts;
mod results;
pub mod schema;
mod table;
mod turfs;
mod validate;
mod validate_rows;
mod validate_schema;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension as _};

pub use doors::{DoorsWritten, StoredDoor};
pub use error::StoreError;
pub use lock::WriteLock;
pub use precincts::{PrecinctChanges, RemovalImpact, StoredPrecinct};
pub use results::{ElectionMeta, ElectionResults, ResultsWritten};
pub(crate) use table::column_names;
pub use table::{Election, Layer, LayerKind, Table};
pub use turfs::{AutocutReport, TeamInfo, TurfInfo, TurfState};
pub use validate::ValidationReport;

/// The pause before each commit, in milliseconds (0: none).
static COMMIT_DELAY_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Makes every write pause `ms` milliseconds before it commits, so the crash tests can kill the
/// process inside its transaction (the command line sets it from
/// `CAMPAIGN_PLANNER_TEST_COMMIT_DELAY_MS`). Never set in use.
pub fn set_test_commit_delay(ms: u64) {
    COMMIT_DELAY_MS.store(ms, std::sync::atomic::Ordering::Relaxed);
}

/// An open campaign file.
#[derive(Debug)]
pub struct Campaign {
    conn: Connection,
    path: PathBuf,
    /// Held while open for writing; `None` for read-only access.
    lock: Option<WriteLock>,
}

/// The magic string at the start of every SQLite 3 file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the first 100 bytes of a SQLite file tell before SQLite opens it.
struct Header {
    application_id: u32,
}

impl Campaign {
    /// Creates a new, empty campaign file at `path` named `name`.
    ///
    /// An existing file is never overwritten. The file is built under a temporary name beside
    /// it and moved into place only once complete, so a failure leaves nothing behind.
    pub fn create(path: &Path, name: &str) -> Result<Self, StoreError> {
        if path.exists() {
            return Err(StoreError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty())
            && !folder.is_dir()
        {
            return Err(StoreError::NoFolder {
                path: folder.to_path_buf(),
            });
        }
        // The lock is taken first: it keeps two `new` of one name apart, and lets the
        // temporary files of an earlier `new` that was killed be removed safely.
        let lock = WriteLock::acquire(path)?;
        remove_stale_builds(path);
        let uuid = uuid::Uuid::new_v4().to_string();
        let mut tmp_name = path.as_os_str().to_owned();
        tmp_name.push(format!(".{}.tmp", &uuid[..8]));
        let tmp = PathBuf::from(tmp_name);
        let built = (|| {
            let mut conn = Connection::open(&tmp).map_err(|e| StoreError::sqlite(&tmp, e))?;
            configure(&conn).map_err(|e| StoreError::sqlite(&tmp, e))?;
            let tx = conn
                .transaction()
                .map_err(|e| StoreError::sqlite(&tmp, e))?;
            schema::create(&tx, name, &uuid).map_err(|e| StoreError::sqlite(&tmp, e))?;
            tx.commit().map_err(|e| StoreError::sqlite(&tmp, e))?;
            conn.close().map_err(|(_, e)| StoreError::sqlite(&tmp, e))
        })();
        if let Err(e) = built {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        // A hard link fails if the target exists, so a file created meanwhile is never
        // replaced; file systems without hard links (FAT) fall back to a rename.
        let placed = match std::fs::hard_link(&tmp, path) {
            Ok(()) => std::fs::remove_file(&tmp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&tmp);
                return Err(StoreError::AlreadyExists {
                    path: path.to_path_buf(),
                });
            }
            Err(_) => std::fs::rename(&tmp, path),
        };
        placed.map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::open_locked(path, lock)
    }

    /// Opens a campaign file for reading and writing.
    ///
    /// Checks that it is a complete SQLite file, a campaign, and not newer than this build,
    /// takes the write lock, and upgrades an older schema in one transaction.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        check_header(path)?;
        let lock = WriteLock::acquire(path)?;
        Self::open_locked(path, lock)
    }

    /// Opens a campaign file for writing under a lock already held.
    fn open_locked(path: &Path, lock: WriteLock) -> Result<Self, StoreError> {
        let header = check_header(path)?;
        remove_stale_builds(path);
        // A journal left by a crash is replayed by SQLite at the first read, on the file
        // itself: check on a copy first that the replay gives a campaign this build can open,
        // and that the journal belongs to this file at all.
        if has_hot_journal(path) {
            check_recovery(path)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::sqlite(path, e))?;
        let mut campaign = Self {
            conn,
            path: path.to_path_buf(),
            lock: Some(lock),
        };
        let version = campaign.checked_version(&header)?;
        configure(&campaign.conn).map_err(|e| StoreError::sqlite(path, e))?;
        if version < schema::CURRENT_VERSION {
            campaign.write(|tx| {
                schema::upgrade(tx, version).map_err(|e| StoreError::sqlite(path, e))
            })?;
        }
        Ok(campaign)
    }

    /// Opens a campaign file for reading only: no lock is taken and nothing is written.
    ///
    /// A file left with a hot journal by a crash is opened for writing instead, which rolls
    /// the interrupted write back first.
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        check_header(path)?;
        if has_hot_journal(path) {
            match WriteLock::acquire(path) {
                // No program is writing: the journal was left by a crash. Roll the interrupted
                // write back (as a writer would), then read.
                Ok(lock) => drop(Self::open_locked(path, lock)?),
                // A program is writing: its journal is not a crash's, and SQLite reads the
                // last committed state, waiting briefly for a commit in progress.
                Err(StoreError::InUse { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let header = check_header(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::sqlite(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| StoreError::sqlite(path, e))?;
        let campaign = Self {
            conn,
            path: path.to_path_buf(),
            lock: None,
        };
        let version = campaign.checked_version(&header)?;
        if version < schema::CURRENT_VERSION {
            return Err(StoreError::Invalid {
                path: path.to_path_buf(),
                detail: format!(
                    "schema version {version} is older than {}; open it once for writing to \
                     upgrade it",
                    schema::CURRENT_VERSION
                ),
            });
        }
        Ok(campaign)
    }

    /// Reads the schema version, refusing files that are not campaigns or are too new.
    fn checked_version(&self, header: &Header) -> Result<i64, StoreError> {
        let path = &self.path;
        let version = schema::version(&self.conn).map_err(|e| StoreError::sqlite(path, e))?;
        let Some(version) = version else {
            let has_meta: bool = self
                .conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'campaign_meta')",
                    [],
                    |r| r.get(0),
                )
                .unwrap_or(false);
            if has_meta {
                return Err(StoreError::Corrupt {
                    path: path.clone(),
                    detail: "its campaign_meta table has lost its schema_version".to_owned(),
                });
            }
            return Err(StoreError::NotACampaign {
                path: path.clone(),
                kind: if header.application_id == schema::GPKG_APPLICATION_ID {
                    "a GeoPackage"
                } else {
                    "a SQLite database"
                },
            });
        };
        if version > schema::CURRENT_VERSION {
            return Err(StoreError::NewerVersion {
                path: path.clone(),
                found: version,
                supported: schema::CURRENT_VERSION,
            });
        }
        Ok(version)
    }

    /// The file this campaign lives in.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this campaign was opened for writing.
    #[must_use]
    pub fn is_writable(&self) -> bool {
        self.lock.is_some()
    }

    /// A value of `campaign_meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM campaign_meta WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The campaign's name.
    pub fn name(&self) -> Result<String, StoreError> {
        Ok(self.meta("name")?.unwrap_or_default())
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        schema::version(&self.conn)
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::Invalid {
                path: self.path.clone(),
                detail: "no schema version".to_owned(),
            })
    }

    /// Runs `f` in one immediate transaction, committed only when it returns `Ok` (after the
    /// pause [`set_test_commit_delay`] asks for, zero in use).
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.lock.is_none() {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                detail: "opened read-only".to_owned(),
            });
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(&path, e))?;
        let value = f(&tx)?;
        let pause = COMMIT_DELAY_MS.load(std::sync::atomic::Ordering::Relaxed);
        if pause > 0 {
            std::thread::sleep(std::time::Duration::from_millis(pause));
        }
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        Ok(value)
    }

    /// Runs one statement in its own write transaction.
    pub(crate) fn write_one(
        &mut self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.write(|tx| {
            tx.execute(sql, params)
                .map_err(|e| StoreError::sqlite(&path, e))?;
            Ok(())
        })
    }

    /// Saves a complete copy at `path` (`VACUUM INTO`, consistent even mid-session) and returns
    /// it open for writing; this campaign is closed. An existing file is never replaced. On
    /// failure this campaign comes back unchanged with the error.
    #[allow(clippy::result_large_err)] // The campaign itself comes back on failure, once.
    pub fn save_as(self, path: &Path) -> Result<Self, (Self, StoreError)> {
        if path.exists() {
            let err = StoreError::AlreadyExists {
                path: path.to_path_buf(),
            };
            return Err((self, err));
        }
        let Some(target) = path.to_str() else {
            let err = StoreError::Invalid {
                path: path.to_path_buf(),
                detail: "the path is not valid Unicode".to_owned(),
            };
            return Err((self, err));
        };
        if let Err(e) = self.conn.execute("VACUUM INTO ?1", [target]) {
            let _ = std::fs::remove_file(path);
            let err = StoreError::sqlite(path, e);
            return Err((self, err));
        }
        match Self::open(path) {
            Ok(copy) => Ok(copy),
            Err(e) => Err((self, e)),
        }
    }

    /// Wraps a SQLite error with this file's path.
    pub(crate) fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, e)
    }

    /// The underlying connection, for readers in this crate.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The underlying connection, for tests that look at the file's rows directly.
    #[doc(hidden)]
    #[must_use]
    pub fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }
}

/// Connection settings for every write: durable commits, a rollback journal (so the campaign
/// stays one file), and a short wait when another program reads at the same moment.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(2))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // A 128 MB page cache (SQLite's default is 2 MB): bulk writes of results touch indexes far
    // larger than the default, and the cache only grows as pages are used.
    conn.pragma_update(None, "cache_size", -131_072)?;
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        conn.pragma_update(None, "journal_mode", "DELETE")?;
    }
    Ok(())
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

/// What a file that is not a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
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
fn has_hot_journal(path: &Path) -> bool {
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
fn check_recovery(path: &Path) -> Result<(), StoreError> {
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
fn remove_stale_builds(path: &Path) {
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
fn check_header(path: &Path) -> Result<Header, StoreError> {
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
    if meta.is_dir() {
        return Err(StoreError::NotAFile {
            path: path.to_path_buf(),
            kind: "a folder",
        });
    }
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: path.to_path_buf(),
            kind: "a special file (a pipe or a device)",
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

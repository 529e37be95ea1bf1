//! The campaign file: one SQLite file that is also a valid OGC GeoPackage.
//!
//! [`Campaign`] creates, opens (checking and upgrading) and writes campaign files. Every write
//! is its own transaction with `synchronous=FULL` and a rollback journal, so the campaign stays
//! one file and a crash in the middle of a write leaves it as it was before the write.
//! Bad files are refused with a [`StoreError`] that names them, and are never changed.

/// The SQL expression of "now" that every `created_at`, `updated_at` and `deleted_at` holds:
/// UTC, ISO 8601, to the millisecond (the form GeoPackage timestamps use).
pub(crate) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

mod checks;
pub mod clock;
mod door_match;
mod door_rows;
mod doors;
mod doors_read;
mod error;
mod field;
mod field_facts;
pub mod gpkg;
pub mod lock;
mod merge;
mod pack;
mod precincts;
mod prints;
mod results;
pub mod schema;
mod settings;
pub mod spatial;
mod streets;
mod table;
mod teams;
mod turfs;
mod validate;
mod validate_rows;
mod validate_schema;
mod validate_spatial;
mod walk;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension as _};

pub(crate) use checks::kind_of;
pub use checks::sidecars;
use checks::{Header, check_header, check_recovery, has_hot_journal, remove_stale_builds};
pub use doors::{AddedDoors, DoorRow, DoorsWritten};
pub use doors_read::{DoorPoint, StoredDoor};
pub use error::StoreError;
pub use field::{NewSession, SheetState, SheetWritten, StoredSession};
pub use lock::WriteLock;
pub use merge::{Conflict, MergeReport, TableMerge};
pub use pack::{PackOptions, PackWritten, team_pack_campaign};
pub use precincts::{PrecinctChanges, RemovalImpact, StoredPrecinct};
pub use prints::{Print, PrintRow};
pub use results::{ElectionMeta, ElectionResults, ResultsWritten};
pub use streets::StreetsWritten;
pub(crate) use table::column_names;
pub use table::{Election, Layer, LayerKind, Table};
pub use turfs::{AutocutReport, TurfState};
pub use validate::ValidationReport;
pub use walk::{TurfWalk, WalkStop};

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
    /// The team of a team pack (`None` for a master): its plan tables are read-only.
    pack_team: Option<String>,
    /// Set while a field write runs (the only writes a team pack takes).
    field_write: bool,
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
            pack_team: None,
            field_write: false,
        };
        let version = campaign.checked_version(&header)?;
        configure(&campaign.conn).map_err(|e| StoreError::sqlite(path, e))?;
        if version < schema::CURRENT_VERSION {
            // An upgrade is the schema's own step, allowed in a pack too.
            campaign.field_write = true;
            let upgraded = campaign
                .write(|tx| schema::upgrade(tx, version).map_err(|e| StoreError::sqlite(path, e)));
            campaign.field_write = false;
            upgraded?;
        }
        campaign.pack_team = campaign.pack_team_uuid()?;
        Ok(campaign)
    }

    /// Gives back the memory SQLite keeps for this file's pages (`PRAGMA shrink_memory`), after a
    /// read of every row that will not be read again soon. Nothing is lost: pages are read again
    /// from the file when needed.
    pub fn release_memory(&self) {
        // Only memory: a failure changes nothing worth saying.
        let _ = self.conn.execute_batch("PRAGMA shrink_memory;");
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
        let mut campaign = Self {
            conn,
            path: path.to_path_buf(),
            lock: None,
            pack_team: None,
            field_write: false,
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
        campaign.pack_team = campaign.pack_team_uuid()?;
        Ok(campaign)
    }

    /// The team of a team pack, from `campaign_meta` (`None` for a master).
    fn pack_team_uuid(&self) -> Result<Option<String>, StoreError> {
        if self.meta("kind")?.as_deref() != Some("team_pack") {
            return Ok(None);
        }
        Ok(Some(self.meta("pack_team_uuid")?.unwrap_or_default()))
    }

    /// The team this file is a pack of, by name (`None` for a master).
    pub fn pack_team(&self) -> Result<Option<String>, StoreError> {
        if self.pack_team.is_none() {
            return Ok(None);
        }
        Ok(Some(self.meta("pack_team_name")?.unwrap_or_default()))
    }

    /// Runs a field write and commits it, or rolls it back with `roll_back` (a dry run: the
    /// same work, nothing kept).
    pub(crate) fn write_field_or_roll_back(
        &mut self,
        roll_back: bool,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if !roll_back {
            return self.write_field(f);
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(&path, e))?;
        f(&tx)?;
        tx.rollback().map_err(|e| StoreError::sqlite(&path, e))
    }

    /// Runs a write of field rows (visits, sessions, prints): the only writes a team pack takes.
    pub(crate) fn write_field<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.field_write = true;
        let done = self.write(f);
        self.field_write = false;
        done
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
        if self.pack_team.is_some() && !self.field_write {
            return Err(StoreError::PackPlan {
                path: self.path.clone(),
                team: self.meta("pack_team_name")?.unwrap_or_default(),
            });
        }
        let path = self.path.clone();
        // Writes get the large page cache (bulk writes touch indexes far larger than reads
        // need); it goes back to the small one after, its pages freed.
        let _ = self.conn.pragma_update(None, "cache_size", WRITE_CACHE_KB);
        let done = (|| {
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
        })();
        let _ = self.conn.pragma_update(None, "cache_size", READ_CACHE_KB);
        done
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
        // The copy is another replica of the same campaign: its own identity for merges.
        let copy = Self::open(path).and_then(|mut copy| {
            let replica = uuid::Uuid::new_v4().to_string();
            let path = copy.path.clone();
            copy.write_field(|tx| {
                tx.execute(
                    "INSERT INTO campaign_meta (key, value) VALUES ('replica_uuid', ?1) \
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [&replica],
                )
                .map_err(|e| StoreError::sqlite(&path, e))
            })?;
            Ok(copy)
        });
        match copy {
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

/// SQLite's page cache for reads, in KiB (negative: a size, not a page count).
const READ_CACHE_KB: i64 = -16_384;

/// SQLite's page cache for writes: bulk writes of results and doors touch indexes far larger
/// than reads need.
const WRITE_CACHE_KB: i64 = -131_072;

/// Connection settings for every write: durable commits, a rollback journal (so the campaign
/// stays one file), a short wait when another program reads at the same moment, and the
/// R-tree triggers' `ST_*` functions.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(2))?;
    spatial::register(conn)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Reads keep a 16 MB page cache (SQLite's default is 2 MB); writes take a 128 MB one
    // (`Campaign::write`). The app reads every door once when it opens: a 128 MB cache then
    // held 128 MB for nothing.
    conn.pragma_update(None, "cache_size", READ_CACHE_KB)?;
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        conn.pragma_update(None, "journal_mode", "DELETE")?;
    }
    Ok(())
}

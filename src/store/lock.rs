//! The write lock that tells a second program the campaign file is in use.
//!
//! SQLite's own locks only last for one transaction, and the planner commits every edit at
//! once, so two programs could take turns writing the same campaign without noticing each
//! other. A lock held for as long as the file is open for writing prevents that. It is an OS
//! lock on a small sidecar file (`NAME.lock`), not on the database itself, because on Windows a
//! whole-file lock on the database would also block SQLite's own byte-range locks. The OS drops
//! the lock when the process ends, even on a crash, so a sidecar left behind by `kill -9` does
//! not lock anyone out.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use super::StoreError;

/// An exclusive lock on a campaign file, released on drop.
#[derive(Debug)]
pub struct WriteLock {
    file: File,
    path: PathBuf,
}

impl WriteLock {
    /// The sidecar lock file of `campaign`.
    #[must_use]
    pub fn sidecar(campaign: &Path) -> PathBuf {
        let mut name = campaign.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock on `campaign`, or says who holds it.
    pub fn acquire(campaign: &Path) -> Result<Self, StoreError> {
        let path = Self::sidecar(campaign);
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        // The holder removes the sidecar when it lets go; a lock taken on a sidecar removed
        // meanwhile would lock nothing, so the lock counts only once the sidecar on disk is the
        // very file locked. A few tries cover a holder letting go at that moment.
        for _ in 0..50 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            Self::try_lock(&mut file, &path, campaign)?;
            if !still_in_place(&file, &path) {
                continue;
            }
            let who = format!(
                "campaign-planner, process {} on {}",
                std::process::id(),
                hostname()
            );
            file.set_len(0).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            file.write_all(who.as_bytes()).map_err(io)?;
            return Ok(Self { file, path });
        }
        Err(StoreError::InUse {
            path: campaign.to_path_buf(),
            holder: "other programs opening and closing it in turn".to_owned(),
        })
    }

    /// Locks `file`, or says who holds it.
    fn try_lock(file: &mut File, path: &Path, campaign: &Path) -> Result<(), StoreError> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        match file.try_lock() {
            Ok(()) => Ok(()),
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                // The holder wrote who it is; a failed read only makes the message vaguer.
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                Err(StoreError::InUse {
                    path: campaign.to_path_buf(),
                    holder: if holder.is_empty() {
                        "another campaign-planner".to_owned()
                    } else {
                        holder.to_owned()
                    },
                })
            }
            Err(TryLockError::Error(source)) => Err(io(source)),
        }
    }
}

/// Whether the file at `path` is still `file` (not removed, nor replaced by a new sidecar).
#[cfg(unix)]
fn still_in_place(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(on_disk)) => held.dev() == on_disk.dev() && held.ino() == on_disk.ino(),
        _ => false,
    }
}

/// Windows does not remove a file another program has open, so the sidecar stays in place.
#[cfg(not(unix))]
fn still_in_place(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // Remove the sidecar while still holding the lock, so no one else can be holding it;
        // a failure only leaves a harmless, unlocked file behind.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "this computer".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_file_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let campaign = dir.path().join("a.campaign.gpkg");
        let first = WriteLock::acquire(&campaign).unwrap();
        let err = WriteLock::acquire(&campaign).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::InUse { .. }), "{message}");
        assert!(
            message.contains(&std::process::id().to_string()),
            "{message}"
        );
        drop(first);
        assert!(!WriteLock::sidecar(&campaign).exists());
        WriteLock::acquire(&campaign).unwrap();
    }

    #[test]
    fn writers_competing_for_the_lock_never_hold_it_at_the_same_time() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let campaign = Arc::new(dir.path().join("a.campaign.gpkg"));
        let holders = Arc::new(AtomicUsize::new(0));
        let overlaps = Arc::new(AtomicUsize::new(0));
        let taken = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (campaign, holders, overlaps, taken) = (
                    campaign.clone(),
                    holders.clone(),
                    overlaps.clone(),
                    taken.clone(),
                );
                std::thread::spawn(move || {
                    let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
                    while std::time::Instant::now() < until {
                        if let Ok(lock) = WriteLock::acquire(&campaign) {
                            taken.fetch_add(1, Ordering::SeqCst);
                            if holders.fetch_add(1, Ordering::SeqCst) > 0 {
                                overlaps.fetch_add(1, Ordering::SeqCst);
                            }
                            std::thread::yield_now();
                            holders.fetch_sub(1, Ordering::SeqCst);
                            drop(lock);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(
            taken.load(Ordering::SeqCst) > 100,
            "the lock was taken in turn"
        );
        assert_eq!(
            overlaps.load(Ordering::SeqCst),
            0,
            "two writers held it at once"
        );
    }
}

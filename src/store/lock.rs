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
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                // The holder wrote who it is; a failed read only makes the message vaguer.
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(StoreError::InUse {
                    path: campaign.to_path_buf(),
                    holder: if holder.is_empty() {
                        "another campaign-planner".to_owned()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
        let who = format!(
            "campaign-planner, process {} on {}",
            std::process::id(),
            hostname()
        );
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(who.as_bytes()).map_err(io)?;
        Ok(Self { file, path })
    }
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
}

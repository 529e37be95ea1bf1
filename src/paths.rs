//! Where the planner keeps its own files (demo copy, offline basemap, tile cache).

use std::path::PathBuf;

static DATA_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Makes the planner keep its own files in `dir` for the rest of the process (tests, portable
/// installs). Only the first call counts; returns whether it did.
pub fn set_data_dir(dir: PathBuf) -> bool {
    DATA_DIR.set(dir).is_ok()
}

/// Where the planner keeps its own files (demo copy, offline basemap, tile cache): the
/// directory given to [`set_data_dir`], else `CAMPAIGN_PLANNER_DATA_DIR`, else the platform's
/// data directory.
#[must_use]
pub fn data_dir() -> PathBuf {
    if let Some(dir) = DATA_DIR.get() {
        return dir.clone();
    }
    if let Some(dir) = std::env::var_os("CAMPAIGN_PLANNER_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "campaign-planner", "campaign-planner").map_or_else(
        || std::env::temp_dir().join("campaign-planner"),
        |d| d.data_dir().to_path_buf(),
    )
}

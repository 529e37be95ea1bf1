//! Errors of importers and exporters.

use std::fmt;
use std::path::PathBuf;

use crate::store::StoreError;

/// One feature that cannot be imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FeatureProblem {
    /// The feature's 1-based position in the file.
    pub feature: usize,
    /// Its code, when it has one.
    pub code: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for FeatureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(
                f,
                "feature {} (code {code}): {}",
                self.feature, self.problem
            ),
            None => write!(f, "feature {}: {}", self.feature, self.problem),
        }
    }
}

/// How many feature problems an error message lists before summing up the rest.
const LISTED: usize = 20;

/// Why a file could not be imported or exported. An import that fails imports nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not what its name says, or is malformed.
    #[error("{}: {detail}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong, with a line and column when known.
        detail: String,
    },
    /// The file's coordinate reference system cannot be used.
    #[error("{}: {source}", path.display())]
    Crs {
        /// The file.
        path: PathBuf,
        /// The CRS problem.
        #[source]
        source: super::crs::CrsError,
    },
    /// A field named by the user (or needed) is not in the file.
    #[error("{}: {detail}", path.display())]
    Field {
        /// The file.
        path: PathBuf,
        /// Which field, and the fields there are.
        detail: String,
    },
    /// Some features are invalid; nothing was imported.
    #[error("{}: {} of {total} features cannot be imported, so nothing was imported:\n{}",
        path.display(), problems.len(), list(problems))]
    Features {
        /// The file.
        path: PathBuf,
        /// Features in the file.
        total: usize,
        /// Every problem found.
        problems: Vec<FeatureProblem>,
    },
    /// The user cancelled; nothing was imported.
    #[error("{}: import cancelled; nothing was imported", path.display())]
    Cancelled {
        /// The file being imported.
        path: PathBuf,
    },
    /// The campaign file refused the write.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(problems: &[FeatureProblem]) -> String {
    let mut out: Vec<String> = problems
        .iter()
        .take(LISTED)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.len() > LISTED {
        out.push(format!("  … and {} more", problems.len() - LISTED));
    }
    out.join("\n")
}

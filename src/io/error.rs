//! Errors of importers and exporters.

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use crate::domain::numbers::Lang;
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
    /// The file does not exist.
    #[error("{}: no such file", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The path names a folder or a special file (a pipe, a device), not a regular file.
    #[error("{} is {kind}, not a file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is, in words ("a folder").
        kind: &'static str,
    },
    /// The file is larger than any file of its kind can sensibly be.
    #[error("{}: the file is too large ({} MB; at most {} MB for this kind of file)",
        path.display(), size / 1_000_000, limit / 1_000_000)]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes (at least).
        size: u64,
        /// The most this importer reads.
        limit: u64,
    },
    /// The file is of another kind than the importer reads (a GeoJSON given as results).
    #[error("{} is {}, not {expected}{}", path.display(), found.words(),
        if hint.is_empty() { String::new() } else { format!(": {hint}") })]
    WrongKind {
        /// The file.
        path: PathBuf,
        /// What the file is.
        found: super::input::Kind,
        /// What the importer reads ("a results table (CSV)").
        expected: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// A results file has values or rows that cannot be right; nothing was imported.
    #[error("{}: {total} {}, so nothing was imported:\n{}{}", path.display(),
        if *total == 1 { "problem" } else { "problems" }, list_of(problems, *total),
        hint.as_deref().map(|h| format!("\n{h}")).unwrap_or_default())]
    Results {
        /// The file.
        path: PathBuf,
        /// The first problems found, by line.
        problems: Vec<super::csv_results::ResultsProblem>,
        /// How many problems there are in all.
        total: usize,
        /// What would let the file in (an option to use), when something would.
        hint: Option<String>,
    },
    /// An export would replace an existing file; it was left as it is.
    #[error("{}: the file already exists (it was left as it is): choose another name", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
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
    /// The import would remove most precincts, or precincts in use; nothing was imported.
    #[error("{}: importing it would remove {}; nothing was imported. Check that it is the right file", path.display(), removal(impact, Lang::En))]
    WouldRemove {
        /// The file.
        path: PathBuf,
        /// What would go.
        impact: Box<crate::store::RemovalImpact>,
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

/// What an import would remove, in words: "57 of the campaign's 58 precincts (101, 102, …),
/// 3 in turfs (101, 102, 111)", or in French.
#[must_use]
pub fn removal(impact: &crate::store::RemovalImpact, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let some = |codes: &[String]| {
        let mut shown: Vec<&str> = codes.iter().take(5).map(String::as_str).collect();
        if codes.len() > 5 {
            shown.push("…");
        }
        shown.join(", ")
    };
    let mut text = if fr {
        format!(
            "{} des {} bureaux de la campagne ({})",
            impact.removed.len(),
            impact.live,
            some(&impact.removed)
        )
    } else {
        format!(
            "{} of the campaign's {} precincts ({})",
            impact.removed.len(),
            impact.live,
            some(&impact.removed)
        )
    };
    let whats = if fr {
        ["dans des secteurs", "avec des résultats", "avec des portes"]
    } else {
        ["in turfs", "with election results", "with door points"]
    };
    for (codes, what) in [
        (&impact.in_turfs, whats[0]),
        (&impact.with_results, whats[1]),
        (&impact.with_doors, whats[2]),
    ] {
        if !codes.is_empty() {
            let _ = write!(text, ", {} {what} ({})", codes.len(), some(codes));
        }
    }
    text
}

/// Lists the first problems, then "… and N more" up to `total`.
fn list_of<T: fmt::Display>(problems: &[T], total: usize) -> String {
    let mut out: Vec<String> = problems
        .iter()
        .take(LISTED)
        .map(|p| format!("  {p}"))
        .collect();
    let shown = out.len();
    if total > shown {
        out.push(format!("  … and {} more", total - shown));
    }
    out.join("\n")
}

/// Lists at most [`LISTED`] items, one per indented line, then "… and N more".
pub(crate) fn list<T: fmt::Display>(problems: &[T]) -> String {
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

//! Errors of the campaign file.

use std::path::PathBuf;

/// Everything that can go wrong opening, creating or writing a campaign file.
///
/// Each message names the file and says what to do; none of these errors leaves the file
/// changed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file does not exist.
    #[error("campaign file not found: {}", path.display())]
    NotFound {
        /// The file asked for.
        path: PathBuf,
    },
    /// `new` was asked to create a file that is already there; it is never overwritten.
    #[error("a file already exists (it was left as it is): {}", path.display())]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// The path is a folder or a special file (a pipe, a device), not a campaign file.
    #[error("{} is {kind}, not a campaign file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is ("a folder").
        kind: &'static str,
    },
    /// The folder a new campaign should go in does not exist.
    #[error("the folder {} does not exist; create it first or choose another", path.display())]
    NoFolder {
        /// The folder.
        path: PathBuf,
    },
    /// The file is empty.
    #[error("the file is empty, not a campaign: {}", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file is not SQLite at all.
    #[error(
        "not a campaign file: it is not a SQLite/GeoPackage database (it was left untouched): {}",
        path.display()
    )]
    NotSqlite {
        /// The file.
        path: PathBuf,
    },
    /// The file is shorter than its own header says: cut off while copying or downloading.
    #[error(
        "the campaign file is truncated: its header says {expected} bytes but it has {actual} \
         (it was left untouched; use a complete copy): {}",
        path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes the SQLite header announces.
        expected: u64,
        /// Bytes on disk.
        actual: u64,
    },
    /// SQLite or GeoPackage, but written by another tool.
    #[error(
        "{kind} but not a campaign file (it has no campaign_meta table; it was left untouched). \
         To use its layers, create a campaign and import them: \
         `campaign-planner new NEW.campaign.gpkg --name NAME` then \
         `campaign-planner import NEW.campaign.gpkg {}`",
        path.display()
    )]
    NotACampaign {
        /// The file.
        path: PathBuf,
        /// "a GeoPackage" or "a SQLite database".
        kind: &'static str,
    },
    /// Written by a newer version of the planner.
    #[error(
        "the campaign file was written by a newer version of campaign-planner (schema version \
         {found}; this version reads up to {supported}); it was left untouched, update the \
         planner to open it: {}",
        path.display()
    )]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// Another process has the file open for writing.
    #[error(
        "the campaign file is already open for writing by another program ({holder}); close it \
         there first: {}",
        path.display()
    )]
    InUse {
        /// The file.
        path: PathBuf,
        /// Who holds it, as far as we know (process id and host).
        holder: String,
    },
    /// The rollback journal beside the file cannot be replayed into it (another file's, not a
    /// file at all).
    #[error("{}: {detail}; the file was left untouched", path.display())]
    Journal {
        /// The campaign file.
        path: PathBuf,
        /// What is wrong with its journal and what to do.
        detail: String,
    },
    /// SQLite reports damage.
    #[error("the campaign file is damaged ({detail}); it was left untouched: {}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite or our checks found.
        detail: String,
    },
    /// A plan edit (precincts, scoring, turfs, teams, doors, streets, settings) in a team
    /// pack: the plan belongs to headquarters.
    #[error(
        "{} is the team pack of {team:?}: its plan (precincts, scores, turfs, teams, doors, \
         streets, campaign settings and the sheets' script) is headquarters' and is changed \
         there; in a pack you print walk sheets (with the campaign's script) and enter reports; \
         nothing was changed",
        path.display()
    )]
    PackPlan {
        /// The pack.
        path: PathBuf,
        /// Its team.
        team: String,
    },
    /// An edit refused (a name taken, a colour or status not understood, a precinct not
    /// found); the file was not changed.
    #[error("{detail}; nothing was changed in {}", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// Why, and the accepted forms.
        detail: String,
    },
    /// A doors import would remove most of the doors an earlier import of the same file
    /// brought (a truncated or wrong file of the same name); nothing was changed. The command
    /// line and the app each say how to remove them anyway.
    #[error("this file would remove {removing} of the {of} doors its earlier import brought \
             (they are not in it any more); nothing was changed in {}", path.display())]
    WouldRemoveDoors {
        /// The file.
        path: PathBuf,
        /// Doors that would go.
        removing: usize,
        /// Doors the earlier import brought.
        of: usize,
    },
    /// Precincts or doors asked for a turf are in another turf already; nothing was changed.
    /// The command line and the app each say how to move them anyway.
    #[error("{} already in a turf: {}; nothing was changed in {}",
        counted(taken.len(), what),
        taken.iter().map(|(m, t)| format!("{m} (in {t})")).collect::<Vec<_>>().join(", "),
        path.display())]
    AlreadyInTurf {
        /// The file.
        path: PathBuf,
        /// What they are: "precincts" or "doors".
        what: &'static str,
        /// Each one taken, by code or address, and the turf it is in.
        taken: Vec<(String, String)>,
    },
    /// The file's content breaks a rule of the campaign format.
    #[error("invalid campaign data ({detail}): {}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The rule broken.
        detail: String,
    },
    /// The user cancelled a long write; it was rolled back.
    #[error("cancelled; the campaign file was left as it was before: {}", path.display())]
    Cancelled {
        /// The file.
        path: PathBuf,
    },
    /// Any other SQLite failure.
    #[error("campaign file error ({source}): {}", path.display())]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// Reading or writing the file system failed.
    #[error("file system error ({source}): {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// Wraps a SQLite error, recognising the kinds a user must hear about plainly.
    pub(crate) fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Self::NotSqlite { path },
            Some(ErrorCode::DatabaseCorrupt) => Self::Corrupt {
                path,
                detail: source.to_string(),
            },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::InUse {
                path,
                holder: "another program holds a lock on it".to_owned(),
            },
            _ => Self::Sqlite { path, source },
        }
    }
}

/// "1 precinct is", "3 precincts are" (`what` is the plural).
fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {} is", what.trim_end_matches('s'))
    } else {
        format!("{n} {what} are")
    }
}

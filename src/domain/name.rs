//! Names people give turfs and teams: what a name may be.

/// The longest name, in characters: a walk sheet's title line, a legend entry.
pub const MAX_NAME_CHARS: usize = 100;

/// What two names must share to be one name: names are unique in any case (any alphabet's:
/// "Équipe" and "équipe" are one) and without surrounding spaces.
#[must_use]
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Why a name is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// Nothing but spaces.
    #[error("a {0} needs a name")]
    Empty(&'static str),
    /// A line break, tab or other control character (they break lists, exports and sheets).
    #[error("a {0}'s name cannot hold line breaks, tabs or other control characters")]
    Control(&'static str),
    /// Longer than [`MAX_NAME_CHARS`].
    #[error("a {kind}'s name is at most {MAX_NAME_CHARS} characters; this one has {length}")]
    TooLong {
        /// "turf" or "team".
        kind: &'static str,
        /// Its length in characters.
        length: usize,
    },
}

/// `name` trimmed, when it is a name a `kind` ("turf", "team") may have.
///
/// # Examples
/// ```
/// use campaign_planner::domain::name::{NameProblem, clean_name};
///
/// assert_eq!(clean_name("  Nord ", "team"), Ok("Nord"));
/// assert_eq!(clean_name(" ", "turf"), Err(NameProblem::Empty("turf")));
/// assert_eq!(clean_name("a\nb", "turf"), Err(NameProblem::Control("turf")));
/// ```
pub fn clean_name<'a>(name: &'a str, kind: &'static str) -> Result<&'a str, NameProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameProblem::Empty(kind));
    }
    if name.chars().any(char::is_control) {
        return Err(NameProblem::Control(kind));
    }
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong { kind, length });
    }
    Ok(name)
}

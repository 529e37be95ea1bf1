//! What the app remembers between sessions, saved whole as one value.

use std::path::{Path, PathBuf};

use crate::domain::numbers::Lang;

/// How many recent campaigns are remembered.
const RECENT: usize = 8;

/// The settings saved when the app closes and restored when it opens.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// The interface language.
    pub lang: Lang,
    /// Dark theme.
    pub dark: bool,
    /// Recently opened campaigns, newest first.
    pub recent: Vec<PathBuf>,
}

impl Default for Persisted {
    fn default() -> Self {
        Self {
            lang: Lang::En,
            dark: false,
            recent: Vec::new(),
        }
    }
}

impl Persisted {
    /// The storage key.
    pub const KEY: &'static str = "campaign-planner";

    /// Puts a campaign first in the recent list, by its absolute path (a path typed relative
    /// to a terminal's folder would name another file, or none, from elsewhere).
    pub fn opened(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT);
    }

    /// Takes what an earlier session saved: its language and theme, and its recent files that
    /// still exist after those opened in this one.
    pub fn restore(&mut self, saved: Self) {
        self.lang = saved.lang;
        self.dark = saved.dark;
        for path in saved.recent {
            if path.exists() && !self.recent.contains(&path) {
                self.recent.push(path);
            }
        }
        self.recent.truncate(RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_opened_by_a_relative_path_is_remembered_by_its_absolute_path() {
        let mut persisted = Persisted::default();
        persisted.opened(Path::new("mtl.campaign.gpkg"));
        let remembered = &persisted.recent[0];
        assert!(remembered.is_absolute(), "{}", remembered.display());
        assert!(remembered.ends_with("mtl.campaign.gpkg"));
        assert_eq!(
            *remembered,
            std::env::current_dir().unwrap().join("mtl.campaign.gpkg")
        );
        // Opened again by its absolute path: still once.
        persisted.opened(&remembered.clone());
        assert_eq!(persisted.recent.len(), 1);
    }

    #[test]
    fn a_campaign_opened_at_start_stays_first_before_the_last_session_s_list() {
        // A new user's trial saw the campaign opened from the command line put last, or
        // dropped, behind the eight files remembered from before.
        let dir = tempfile::tempdir().unwrap();
        let saved: Vec<PathBuf> = (0..8)
            .map(|k| {
                let p = dir.path().join(format!("{k}.gpkg"));
                std::fs::write(&p, b"").unwrap();
                p
            })
            .collect();
        let mut p = Persisted::default();
        let now = dir.path().join("now.gpkg");
        p.opened(&now);
        p.restore(Persisted {
            recent: saved.clone(),
            ..Persisted::default()
        });
        assert_eq!(p.recent[0], now);
        assert_eq!(p.recent[1..], saved[..7]);
    }

    #[test]
    fn a_campaign_opened_again_moves_first_and_the_list_keeps_eight() {
        let mut p = Persisted::default();
        for k in 0..10 {
            p.opened(Path::new(&format!("/c/{k}.gpkg")));
        }
        p.opened(Path::new("/c/5.gpkg"));
        assert_eq!(p.recent.len(), 8);
        assert_eq!(p.recent[0], Path::new("/c/5.gpkg"));
        assert_eq!(p.recent.iter().filter(|r| r.ends_with("5.gpkg")).count(), 1);
    }

    #[test]
    fn settings_saved_by_an_older_version_without_a_field_still_restore() {
        let saved: Persisted = serde_json::from_str(r#"{"lang":"fr"}"#).unwrap();
        assert_eq!(saved.lang, Lang::Fr);
        assert!(!saved.dark);
    }
}

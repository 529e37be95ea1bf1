//! What is selected: precincts and door points (indices into the open session's lists).

use std::collections::HashSet;

use super::action::SelectMode;

/// The selected precincts and doors, with a version the map redraws highlights by.
#[derive(Debug, Default)]
pub struct Selection {
    /// Selected precincts (indices into the session's precincts).
    pub precincts: HashSet<usize>,
    /// Selected door points (indices into the session's doors).
    pub doors: HashSet<usize>,
    version: u64,
}

/// Combines `chosen` with `set` as `mode` says: replace, add, or toggle.
fn combine(set: &mut HashSet<usize>, chosen: impl IntoIterator<Item = usize>, mode: SelectMode) {
    match mode {
        SelectMode::Replace => *set = chosen.into_iter().collect(),
        SelectMode::Add => set.extend(chosen),
        SelectMode::Toggle => {
            for i in chosen {
                if !set.remove(&i) {
                    set.insert(i);
                }
            }
        }
    }
}

impl Selection {
    /// The precincts' version, bumped on every change.
    #[must_use]
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Selects precincts.
    pub fn select_precincts(&mut self, chosen: impl IntoIterator<Item = usize>, mode: SelectMode) {
        combine(&mut self.precincts, chosen, mode);
        self.version += 1;
    }

    /// Selects door points.
    pub fn select_doors(&mut self, chosen: impl IntoIterator<Item = usize>, mode: SelectMode) {
        combine(&mut self.doors, chosen, mode);
    }

    /// Empties the selection of precincts.
    pub fn clear_precincts(&mut self) {
        self.precincts.clear();
        self.version += 1;
    }

    /// Empties the selection.
    pub fn clear(&mut self) {
        self.doors.clear();
        self.clear_precincts();
    }

    /// Keeps only precincts that still exist (the same campaign reloaded with fewer).
    pub fn keep_below(&mut self, count: usize) {
        self.precincts.retain(|&i| i < count);
        self.doors.clear();
        self.version += 1;
    }

    /// Whether doors alone are selected (an edit then applies to them, not to precincts).
    #[must_use]
    pub fn doors_only(&self) -> bool {
        self.precincts.is_empty() && !self.doors.is_empty()
    }

    /// Whether nothing is selected.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.precincts.is_empty() && self.doors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_adds_ctrl_toggles_and_a_plain_gesture_replaces() {
        let mut s = Selection::default();
        s.select_precincts([1, 2], SelectMode::Replace);
        s.select_precincts([3], SelectMode::Add);
        s.select_precincts([2, 4], SelectMode::Toggle);
        let mut now: Vec<usize> = s.precincts.iter().copied().collect();
        now.sort_unstable();
        assert_eq!(now, vec![1, 3, 4]);
        let before = s.version();
        s.select_precincts([7], SelectMode::Replace);
        assert_eq!(s.precincts.len(), 1);
        assert!(s.version() > before);
    }

    #[test]
    fn doors_alone_are_told_apart_from_precincts_with_doors() {
        let mut s = Selection::default();
        s.select_doors([0, 1], SelectMode::Replace);
        assert!(s.doors_only());
        s.select_precincts([5], SelectMode::Add);
        assert!(!s.doors_only());
        s.clear();
        assert!(s.is_empty());
    }
}

//! What progress is computed from: precincts, turfs, door points, visits and sessions, by
//! index, as the store reads them (`Campaign::field_facts`).

use super::{Outcome, SessionReport};
use crate::domain::date::Date;

/// A precinct, as progress reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct PrecinctFacts {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its priority class (1 = lowest priority), when scored.
    pub class: Option<u8>,
}

/// A turf, as progress reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct TurfFacts {
    /// Its name.
    pub name: String,
    /// Its team (an index into the teams), when assigned.
    pub team: Option<usize>,
    /// The day it was assigned, when given.
    pub assigned_on: Option<Date>,
    /// Its doors (counted, or estimated where it has no door points).
    pub doors: u32,
    /// Its precincts (indexes).
    pub precincts: Vec<usize>,
}

/// A door point, as progress reads it: its precinct and turf (indexes), 8 bytes a door (two
/// optional `usize` took 32, 64 MB at two million doors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoorFacts {
    precinct: u32,
    turf: u32,
}

/// The stored index of "none".
pub(super) const NONE: u32 = u32::MAX;

impl DoorFacts {
    /// A door in `precinct` and `turf` (indexes; one past `u32::MAX - 1` counts as none).
    #[must_use]
    pub fn new(precinct: Option<usize>, turf: Option<usize>) -> Self {
        let small = |i: Option<usize>| i.and_then(|i| u32::try_from(i).ok()).unwrap_or(NONE);
        Self {
            precinct: small(precinct),
            turf: small(turf),
        }
    }

    /// Its precinct (index).
    #[must_use]
    pub fn precinct(&self) -> Option<usize> {
        (self.precinct != NONE).then_some(self.precinct as usize)
    }

    /// The turf it lies in (index).
    #[must_use]
    pub fn turf(&self) -> Option<usize> {
        (self.turf != NONE).then_some(self.turf as usize)
    }
}

/// A door visit, as progress reads it (latest-first order is not needed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitFacts {
    /// The door (index).
    pub door: usize,
    /// The turf it was made in (index).
    pub turf: Option<usize>,
    /// The team (index).
    pub team: Option<usize>,
    /// The sheet it was typed from (an index into the prints; any number that tells prints
    /// apart).
    pub print: Option<usize>,
    /// The day.
    pub date: Date,
    /// The code.
    pub outcome: Outcome,
}

/// A session, as progress reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionFacts {
    /// The turf (index).
    pub turf: Option<usize>,
    /// The team (index).
    pub team: Option<usize>,
    /// The sheet (same numbering as [`VisitFacts::print`]).
    pub print: Option<usize>,
    /// What the team reported.
    pub report: SessionReport,
}

/// Everything progress is computed from.
#[derive(Clone, Debug, Default)]
pub struct FieldFacts {
    /// Team names.
    pub teams: Vec<String>,
    /// Precincts.
    pub precincts: Vec<PrecinctFacts>,
    /// Turfs.
    pub turfs: Vec<TurfFacts>,
    /// Door points.
    pub doors: Vec<DoorFacts>,
    /// Visits (tombstoned ones left out).
    pub visits: Vec<VisitFacts>,
    /// Sessions (tombstoned ones left out).
    pub sessions: Vec<SessionFacts>,
}

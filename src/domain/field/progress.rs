//! Where the campaign stands: coverage, contact rate, pace, quality, stale turfs, and the same
//! figures by team, turf, precinct or day, computed in one pass over the visits and sessions.
//!
//! Two sources count: door visits (a door counts once, by its latest visit) and session totals
//! for outings typed as counts only. A session's totals count only where no door rows were
//! typed for its sheet, so nothing is counted twice; both arrive by uuid, so entering or
//! merging the same thing twice changes nothing here.
//!
//! About 600 lines: one computation whose passes share their tallies, with its output types
//! (its input, the facts, is in `facts.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Outcome;
use super::facts::NONE;
pub use super::facts::{DoorFacts, FieldFacts, PrecinctFacts, SessionFacts, TurfFacts, VisitFacts};
use crate::domain::date::Date;

/// What the figures are broken down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// One row per team.
    Team,
    /// One row per turf.
    Turf,
    /// One row per precinct.
    Precinct,
    /// One row per day (every knock that day, revisits included).
    Day,
}

/// The settings progress needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressSettings {
    /// Today.
    pub today: Date,
    /// Election day, for the pace.
    pub election: Option<Date>,
    /// A turf assigned with no report for this many days is stale.
    pub stale_days: i64,
    /// The top this many classes are "priority" for the priority coverage.
    pub priority_top: u8,
}

/// One row of a breakdown.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GroupRow {
    /// The team, turf or precinct name, or the day.
    pub key: String,
    /// The team, turf or precinct it is (an index into the facts'), none for days.
    #[serde(skip)]
    pub index: Option<usize>,
    /// Doors to knock (assigned doors in it; none for days).
    pub doors: u32,
    /// Doors knocked (distinct doors, plus session totals; every knock for days).
    pub knocked: f64,
    /// Doors opened.
    pub opened: f64,
    /// Knocked ÷ doors.
    pub coverage: Option<f64>,
    /// Opened ÷ knocked.
    pub contact_rate: Option<f64>,
    /// Sessions reported.
    pub sessions: u32,
    /// Sessions that saw the opponent.
    pub opponent_seen: u32,
    /// Mean quality of its sessions.
    pub quality: Option<f64>,
}

/// Coverage of one priority class.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ClassCoverage {
    /// The class (1 = lowest priority).
    pub class: u8,
    /// Door points of that class in assigned turfs.
    pub doors: u32,
    /// Of which knocked.
    pub knocked: u32,
}

/// The pace against election day.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Pace {
    /// Days left until election day (today excluded).
    pub days_left: i64,
    /// Doors still to knock.
    pub to_knock: f64,
    /// Doors a day needed to finish.
    pub needed_per_day: Option<f64>,
    /// Doors a day over the last seven days.
    pub last_7_days_per_day: f64,
}

/// An assigned turf with no report for a while.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Stale {
    /// The turf.
    pub turf: String,
    /// Its team.
    pub team: Option<String>,
    /// Its last report, if any.
    pub last_report: Option<Date>,
    /// Days since its last report (or since it was assigned, when never reported).
    pub days: Option<i64>,
}

/// One day of field work, for the charts.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DayCount {
    /// The day.
    pub date: Date,
    /// Visits that day by code, in the order of [`Outcome::ALL`] (in JSON, by letter).
    #[serde(serialize_with = "by_letter")]
    pub outcomes: [u32; 7],
    /// Doors knocked that day reported as session totals only.
    pub totals_knocked: u32,
    /// Of which opened.
    pub totals_opened: u32,
}

/// Counts by code as a JSON object keyed by the codes' letters (`{"A": 12, "O": 5, …}`).
fn by_letter<S: serde::Serializer>(counts: &[u32; 7], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = serializer.serialize_map(Some(7))?;
    for o in Outcome::ALL {
        map.serialize_entry(&o.letter(), &counts[o.index()])?;
    }
    map.end()
}

impl DayCount {
    /// Every knock of the day (visits knocked and session totals).
    #[must_use]
    pub fn knocked(&self) -> u32 {
        Outcome::ALL
            .iter()
            .filter(|o| o.knocked())
            .map(|o| self.outcomes[o.index()])
            .sum::<u32>()
            + self.totals_knocked
    }
}

/// Where the campaign stands.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Progress {
    /// Doors in assigned turfs.
    pub doors_assigned: u32,
    /// Doors knocked in assigned turfs (distinct doors by their latest visit, plus session
    /// totals).
    pub knocked: f64,
    /// Doors opened.
    pub opened: f64,
    /// Doors covered ÷ doors in assigned turfs, each turf counting at most its doors (so
    /// session totals beyond a turf's doors never push it past 100 %).
    pub coverage: Option<f64>,
    /// Opened ÷ knocked.
    pub contact_rate: Option<f64>,
    /// Coverage of each priority class.
    pub classes: Vec<ClassCoverage>,
    /// Coverage of the priority classes together (the top classes of the setting).
    pub priority_coverage: Option<f64>,
    /// Canvasser-hours reported.
    pub canvasser_hours: f64,
    /// Knocks per canvasser-hour, over the sessions that give their times.
    pub doors_per_canvasser_hour: Option<f64>,
    /// Pace against election day, when it is set and ahead.
    pub pace: Option<Pace>,
    /// Sessions reported.
    pub sessions: u32,
    /// Mean quality of the exchange.
    pub quality: Option<f64>,
    /// Sessions that saw the opponent, by precinct code (most first).
    pub opponent_by_precinct: Vec<(String, u32)>,
    /// Assigned turfs with no report for the stale delay.
    pub stale: Vec<Stale>,
    /// Day by day, oldest first.
    pub days: Vec<DayCount>,
    /// The breakdown asked for.
    pub by: By,
    /// Its rows.
    pub rows: Vec<GroupRow>,
}

#[derive(Clone, Copy, Default)]
struct Tally {
    doors: u32,
    knocked: f64,
    opened: f64,
    sessions: u32,
    opponent: u32,
    quality_sum: f64,
    quality_n: u32,
}

impl Tally {
    fn row(&self, key: String, index: Option<usize>) -> GroupRow {
        GroupRow {
            key,
            index,
            doors: self.doors,
            knocked: self.knocked,
            opened: self.opened,
            coverage: ratio(self.knocked, f64::from(self.doors)).map(|c| c.min(1.0)),
            contact_rate: ratio(self.opened, self.knocked),
            sessions: self.sessions,
            opponent_seen: self.opponent,
            quality: ratio(self.quality_sum, f64::from(self.quality_n)),
        }
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// The latest visit of each door visited (door, visit), in door order. A slot a door when the
/// visits are many for the doors; when doors far outnumber visits (two million doors, a slot
/// each held 32 MB), the visits sorted by door instead.
fn latest_visits(facts: &FieldFacts) -> Vec<(usize, usize)> {
    let doors = facts.doors.len();
    let visits = facts
        .visits
        .iter()
        .enumerate()
        .filter(|(_, v)| v.door < doors);
    if doors <= 4 * facts.visits.len() + 4_096 {
        let mut slot = vec![NONE; doors];
        for (i, v) in visits {
            let s = &mut slot[v.door];
            let take = *s == NONE || facts.visits[*s as usize].date <= v.date;
            if take {
                *s = u32::try_from(i).unwrap_or(NONE);
            }
        }
        return slot
            .iter()
            .enumerate()
            .filter(|(_, i)| **i != NONE)
            .map(|(d, i)| (d, *i as usize))
            .collect();
    }
    let mut pairs: Vec<(usize, usize)> = visits.map(|(i, v)| (v.door, i)).collect();
    // By door, then date, then order: the last of each door is its latest (the later of two
    // on one day, as above).
    pairs.sort_unstable_by_key(|&(d, i)| (d, facts.visits[i].date, i));
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(pairs.len());
    for (d, i) in pairs {
        match out.last_mut() {
            Some(last) if last.0 == d => *last = (d, i),
            _ => out.push((d, i)),
        }
    }
    out
}

/// Computes every figure from `facts`, with the breakdown `by`.
#[must_use]
#[allow(clippy::too_many_lines)] // One pass per source, each short; split they would share a dozen locals.
pub fn progress(facts: &FieldFacts, settings: &ProgressSettings, by: By) -> Progress {
    let assigned = |t: usize| facts.turfs.get(t).is_some_and(|t| t.team.is_some());
    let latest = latest_visits(facts);
    // Sheets with door rows: their sessions' totals are shown, not counted.
    let typed: HashSet<usize> = facts.visits.iter().filter_map(|v| v.print).collect();
    let counts_totals = |s: &SessionFacts| s.print.is_none_or(|p| !typed.contains(&p));

    let mut groups: HashMap<usize, Tally> = HashMap::new();
    let mut day_groups: BTreeMap<Date, Tally> = BTreeMap::new();
    let key_of_turf = |turf: Option<usize>, team: Option<usize>| match by {
        By::Team => team.or_else(|| turf.and_then(|t| facts.turfs[t].team)),
        By::Turf => turf,
        By::Precinct | By::Day => None,
    };
    // Doors to knock.
    let doors_assigned: u32 = (0..facts.turfs.len())
        .filter(|t| assigned(*t))
        .map(|t| facts.turfs[t].doors)
        .sum();
    match by {
        By::Team | By::Turf => {
            // A turf's row has its doors whether or not it is assigned; a team's, those of
            // the turfs it holds.
            for (t, turf) in facts.turfs.iter().enumerate() {
                if (by == By::Turf || assigned(t))
                    && let Some(k) = key_of_turf(Some(t), turf.team)
                {
                    groups.entry(k).or_default().doors += turf.doors;
                }
            }
        }
        By::Precinct => {
            for d in &facts.doors {
                if let (Some(p), Some(t)) = (d.precinct(), d.turf())
                    && assigned(t)
                {
                    groups.entry(p).or_default().doors += 1;
                }
            }
        }
        By::Day => {}
    }
    let mut classes: BTreeMap<u8, ClassCoverage> = BTreeMap::default();
    for d in &facts.doors {
        if let (Some(p), Some(t)) = (d.precinct(), d.turf())
            && assigned(t)
            && let Some(class) = facts.precincts[p].class
        {
            classes
                .entry(class)
                .or_insert(ClassCoverage {
                    class,
                    doors: 0,
                    knocked: 0,
                })
                .doors += 1;
        }
    }

    // Doors by their latest visit. The headline counts, per turf, what was knocked in it
    // (visits and session totals): only assigned turfs count, each at most its doors.
    let mut turf_knocked = vec![0.0_f64; facts.turfs.len()];
    let mut turf_opened = vec![0.0_f64; facts.turfs.len()];
    for &(door, i) in &latest {
        let v = &facts.visits[i];
        let (k, o) = (
            f64::from(u8::from(v.outcome.knocked())),
            f64::from(u8::from(v.outcome.opened())),
        );
        let d = facts.doors[door];
        if let Some(t) = d.turf().or(v.turf) {
            turf_knocked[t] += k;
            turf_opened[t] += o;
        }
        if v.outcome.knocked()
            && let (Some(p), Some(t)) = (d.precinct(), d.turf())
            && assigned(t)
            && let Some(class) = facts.precincts[p].class
            && let Some(c) = classes.get_mut(&class)
        {
            c.knocked += 1;
        }
        let key = match by {
            By::Precinct => d.precinct(),
            _ => key_of_turf(v.turf.or(d.turf()), v.team),
        };
        if let Some(k2) = key {
            let g = groups.entry(k2).or_default();
            g.knocked += k;
            g.opened += o;
        }
    }
    // Every visit, day by day.
    let mut days: BTreeMap<Date, DayCount> = BTreeMap::default();
    let day = |days: &mut BTreeMap<Date, DayCount>, date: Date| {
        days.entry(date).or_insert(DayCount {
            date,
            outcomes: [0; 7],
            totals_knocked: 0,
            totals_opened: 0,
        });
    };
    for v in &facts.visits {
        day(&mut days, v.date);
        if let Some(d) = days.get_mut(&v.date) {
            d.outcomes[v.outcome.index()] += 1;
        }
        if by == By::Day {
            let g = day_groups.entry(v.date).or_default();
            g.knocked += f64::from(u8::from(v.outcome.knocked()));
            g.opened += f64::from(u8::from(v.outcome.opened()));
        }
    }

    // Sessions: quality, opponent, hours, and the totals of sheets typed as counts only.
    let (mut hours, mut knocked_in_hours) = (0.0, 0.0);
    let (mut quality_sum, mut quality_n) = (0.0, 0_u32);
    let mut opponent: HashMap<usize, u32> = HashMap::new();
    let mut last_report: HashMap<usize, Date> = HashMap::new();
    for v in &facts.visits {
        if let Some(t) = v.turf {
            let e = last_report.entry(t).or_insert(v.date);
            *e = (*e).max(v.date);
        }
    }
    for s in &facts.sessions {
        let r = &s.report;
        if let Some(t) = s.turf {
            let e = last_report.entry(t).or_insert(r.date);
            *e = (*e).max(r.date);
        }
        if let Some(q) = r.quality {
            quality_sum += f64::from(q);
            quality_n += 1;
        }
        let turf_precincts = s
            .turf
            .and_then(|t| facts.turfs.get(t))
            .map_or(&[][..], |t| &t.precincts[..]);
        if r.opponent_seen {
            for p in turf_precincts {
                *opponent.entry(*p).or_default() += 1;
            }
        }
        let counted = counts_totals(s);
        let (k, o) = if counted {
            (f64::from(r.knocked), f64::from(r.opened))
        } else {
            (0.0, 0.0)
        };
        if let Some(h) = r.canvasser_hours()
            && h > 0.0
        {
            hours += h;
            knocked_in_hours += f64::from(r.knocked);
        }
        if counted {
            if let Some(t) = s.turf {
                turf_knocked[t] += k;
                turf_opened[t] += o;
            }
            day(&mut days, r.date);
            if let Some(d) = days.get_mut(&r.date) {
                d.totals_knocked += r.knocked;
                d.totals_opened += r.opened;
            }
        }
        let add = |g: &mut Tally, share: f64| {
            g.knocked += k * share;
            g.opened += o * share;
            g.sessions += 1;
            g.opponent += u32::from(r.opponent_seen);
            if let Some(q) = r.quality {
                g.quality_sum += f64::from(q);
                g.quality_n += 1;
            }
        };
        match by {
            By::Day => add(day_groups.entry(r.date).or_default(), 1.0),
            By::Precinct => {
                // Totals spread over the turf's precincts by their doors.
                let total: u32 = turf_precincts
                    .iter()
                    .map(|p| groups.get(p).map_or(0, |g| g.doors))
                    .sum();
                for p in turf_precincts {
                    let share = match total {
                        0 => 1.0 / turf_precincts.len() as f64,
                        n => f64::from(groups.get(p).map_or(0, |g| g.doors)) / f64::from(n),
                    };
                    add(groups.entry(*p).or_default(), share);
                }
            }
            By::Team | By::Turf => {
                if let Some(k2) = key_of_turf(s.turf, s.team) {
                    add(groups.entry(k2).or_default(), 1.0);
                }
            }
        }
    }

    let (mut knocked, mut opened, mut covered, mut to_knock) = (0.0, 0.0, 0.0, 0.0);
    for t in (0..facts.turfs.len()).filter(|t| assigned(*t)) {
        let doors = f64::from(facts.turfs[t].doors);
        knocked += turf_knocked[t];
        opened += turf_opened[t];
        covered += turf_knocked[t].min(doors);
        to_knock += (doors - turf_knocked[t]).max(0.0);
    }
    // Pace.
    let pace = settings
        .election
        .map(|e| settings.today.days_until(e))
        .filter(|d| *d > 0)
        .map(|days_left| {
            let week_ago = settings.today.plus_days(-7);
            let recent: u32 = days
                .values()
                .filter(|d| week_ago.is_none_or(|w| d.date > w) && d.date <= settings.today)
                .map(DayCount::knocked)
                .sum();
            Pace {
                days_left,
                to_knock,
                needed_per_day: Some(to_knock / days_left as f64),
                last_7_days_per_day: f64::from(recent) / 7.0,
            }
        });
    // Stale turfs.
    let mut stale: Vec<Stale> = facts
        .turfs
        .iter()
        .enumerate()
        .filter(|(t, _)| assigned(*t))
        .filter_map(|(t, turf)| {
            let last = last_report.get(&t).copied();
            let since = last.or(turf.assigned_on);
            let days = since.map(|d| d.days_until(settings.today));
            let is_stale = match days {
                Some(n) => n >= settings.stale_days,
                None => true,
            };
            is_stale.then(|| Stale {
                turf: turf.name.clone(),
                team: turf.team.and_then(|m| facts.teams.get(m)).cloned(),
                last_report: last,
                days,
            })
        })
        .collect();
    stale.sort_by(|a, b| b.days.cmp(&a.days).then_with(|| a.turf.cmp(&b.turf)));

    let mut opponent_by_precinct: Vec<(String, u32)> = opponent
        .into_iter()
        .filter_map(|(p, n)| facts.precincts.get(p).map(|p| (p.code.clone(), n)))
        .collect();
    opponent_by_precinct.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let rows = if by == By::Day {
        day_groups
            .into_iter()
            .map(|(d, g)| g.row(d.to_string(), None))
            .collect()
    } else {
        {
            let name = |k: usize| -> Option<String> {
                match by {
                    By::Team => facts.teams.get(k).cloned(),
                    By::Turf => facts.turfs.get(k).map(|t| t.name.clone()),
                    _ => facts
                        .precincts
                        .get(k)
                        .map(|p| format!("{} {}", p.code, p.name).trim().to_owned()),
                }
            };
            let mut rows: Vec<(usize, GroupRow)> = groups
                .into_iter()
                .filter_map(|(k, g)| name(k).map(|n| (k, g.row(n, Some(k)))))
                .collect();
            rows.sort_by(|a, b| crate::domain::name::natural_cmp(&a.1.key, &b.1.key));
            rows.into_iter().map(|(_, r)| r).collect()
        }
    };
    let classes: Vec<ClassCoverage> = classes.into_values().collect();
    let top = facts
        .precincts
        .iter()
        .filter_map(|p| p.class)
        .max()
        .unwrap_or(0);
    let (pd, pk) = classes
        .iter()
        .filter(|c| u16::from(c.class) + u16::from(settings.priority_top) > u16::from(top))
        .fold((0, 0), |(d, k), c| (d + c.doors, k + c.knocked));
    Progress {
        doors_assigned,
        knocked,
        opened,
        coverage: ratio(covered, f64::from(doors_assigned)),
        contact_rate: ratio(opened, knocked),
        classes,
        priority_coverage: ratio(f64::from(pk), f64::from(pd)),
        canvasser_hours: hours,
        doors_per_canvasser_hour: ratio(knocked_in_hours, hours),
        pace,
        sessions: u32::try_from(facts.sessions.len()).unwrap_or(u32::MAX),
        quality: ratio(quality_sum, f64::from(quality_n)),
        opponent_by_precinct,
        stale,
        days: days.into_values().collect(),
        by,
        rows,
    }
}

impl Progress {
    /// Doors knocked up to each day (the cumulative chart), oldest first.
    #[must_use]
    pub fn cumulative(&self) -> Vec<(Date, u32)> {
        let mut total = 0;
        self.days
            .iter()
            .map(|d| {
                total += d.knocked();
                (d.date, total)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::Outcome;

    #[test]
    fn the_latest_visit_of_each_door_is_the_same_whether_doors_are_few_or_many() {
        let day = |d: &str| Date::parse(d).unwrap();
        let visit = |door: usize, date: &str, outcome: Outcome| VisitFacts {
            door,
            turf: None,
            team: None,
            print: None,
            date: day(date),
            outcome,
        };
        let visits = vec![
            visit(7, "2026-03-02", Outcome::Absent),
            visit(3, "2026-03-01", Outcome::Absent),
            visit(7, "2026-03-01", Outcome::Talked),
            visit(3, "2026-03-01", Outcome::Talked),
            visit(9, "2026-03-05", Outcome::Absent),
            visit(40_000, "2026-03-05", Outcome::Absent),
        ];
        let with = |doors: usize| FieldFacts {
            doors: vec![DoorFacts::new(None, None); doors],
            visits: visits.clone(),
            ..FieldFacts::default()
        };
        // Door 7: its later day; door 3: the later of two on one day; door 40,000 is no door.
        let expected = vec![(3, 3), (7, 0), (9, 4)];
        assert_eq!(latest_visits(&with(10)), expected);
        assert_eq!(latest_visits(&with(20_000)), expected);
    }
}

//! The facts progress is computed from, read from the campaign file in one go: teams,
//! precincts with their class, turfs with their team, assignment day, doors and precincts,
//! door points with their precinct and turf, visits and sessions.

use std::collections::HashMap;

use rusqlite::types::Value;

use super::{Campaign, StoreError};
use crate::domain::date::Date;
use crate::domain::field::progress::{
    DoorFacts, FieldFacts, PrecinctFacts, SessionFacts, TurfFacts, VisitFacts,
};
use crate::domain::field::{Outcome, SessionReport, TimeOfDay};

impl Campaign {
    /// The facts progress is computed from: teams, precincts (with their class), turfs (their
    /// team, assignment day, doors and precincts), door points (their precinct and turf),
    /// visits and sessions.
    #[allow(clippy::too_many_lines)] // One query per fact, each short.
    pub fn field_facts(&self) -> Result<FieldFacts, StoreError> {
        let q = |e| self.err(e);
        let conn = self.conn();
        let mut facts = FieldFacts::default();
        let index = |keys: Vec<String>| -> HashMap<String, usize> {
            keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect()
        };
        let all = |sql: &str| -> Result<Vec<Vec<rusqlite::types::Value>>, StoreError> {
            let mut stmt = conn.prepare(sql).map_err(q)?;
            let n = stmt.column_count();
            stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
                .map_err(q)?
                .collect::<Result<_, _>>()
                .map_err(q)
        };
        let text = |v: &Value| match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        };
        let int = |v: &Value| match v {
            Value::Integer(i) => Some(*i),
            _ => None,
        };

        let teams = all("SELECT uuid, name FROM teams WHERE deleted_at IS NULL")?;
        let team_ix = index(teams.iter().filter_map(|r| text(&r[0])).collect());
        facts.teams = teams.iter().filter_map(|r| text(&r[1])).collect();

        let precincts =
            all("SELECT uuid, code, name, priority_class FROM precincts WHERE deleted_at IS NULL")?;
        let precinct_ix = index(precincts.iter().filter_map(|r| text(&r[0])).collect());
        facts.precincts = precincts
            .iter()
            .map(|r| PrecinctFacts {
                code: text(&r[1]).unwrap_or_default(),
                name: text(&r[2]).unwrap_or_default(),
                class: int(&r[3]).and_then(|c| u8::try_from(c).ok()),
            })
            .collect();

        let turfs = all("SELECT t.uuid, t.name, t.team_uuid, t.door_count, \
             (SELECT max(a.date) FROM assignments a WHERE a.turf_uuid = t.uuid \
              AND a.deleted_at IS NULL) FROM turfs t WHERE t.deleted_at IS NULL")?;
        let turf_ix = index(turfs.iter().filter_map(|r| text(&r[0])).collect());
        facts.turfs = turfs
            .iter()
            .map(|r| TurfFacts {
                name: text(&r[1]).unwrap_or_default(),
                team: text(&r[2]).and_then(|t| team_ix.get(&t).copied()),
                assigned_on: text(&r[4]).and_then(|d| Date::parse(&d).ok()),
                doors: int(&r[3]).and_then(|d| u32::try_from(d).ok()).unwrap_or(0),
                precincts: Vec::new(),
            })
            .collect();
        // Members: a precinct's doors lie in its turf; a door member lies in its own.
        let mut turf_of_precinct: HashMap<usize, usize> = HashMap::new();
        let mut turf_of_door: HashMap<String, usize> = HashMap::new();
        for r in all(
            "SELECT turf_uuid, precinct_uuid, door_uuid FROM turf_members WHERE deleted_at IS NULL",
        )? {
            let Some(t) = text(&r[0]).and_then(|t| turf_ix.get(&t).copied()) else {
                continue;
            };
            if let Some(p) = text(&r[1]).and_then(|p| precinct_ix.get(&p).copied()) {
                facts.turfs[t].precincts.push(p);
                turf_of_precinct.entry(p).or_insert(t);
            }
            if let Some(d) = text(&r[2]) {
                turf_of_door.entry(d).or_insert(t);
            }
        }
        let has_precinct_members: Vec<bool> = facts
            .turfs
            .iter()
            .map(|t| !t.precincts.is_empty())
            .collect();
        // Only doors with visits are looked up by uuid: a map of every door's uuid held 270 MB
        // at two million doors.
        let visited: std::collections::HashSet<String> = all(
            "SELECT DISTINCT door_uuid FROM door_visits WHERE deleted_at IS NULL \
             AND door_uuid IS NOT NULL",
        )?
        .iter()
        .filter_map(|r| text(&r[0]))
        .collect();
        let mut door_ix: HashMap<String, usize> = HashMap::new();
        let mut door_points = vec![0_u32; facts.turfs.len()];
        {
            let mut stmt = conn
                .prepare("SELECT uuid, precinct_uuid FROM doors WHERE deleted_at IS NULL")
                .map_err(q)?;
            let mut rows = stmt.query([]).map_err(q)?;
            while let Some(r) = rows.next().map_err(q)? {
                let (Ok(uuid), precinct) = (
                    r.get_ref(0).map_err(q)?.as_str(),
                    r.get_ref(1).map_err(q)?.as_str_or_null().ok().flatten(),
                ) else {
                    continue;
                };
                let precinct = precinct.and_then(|p| precinct_ix.get(p).copied());
                let turf = turf_of_door
                    .get(uuid)
                    .copied()
                    .or_else(|| precinct.and_then(|p| turf_of_precinct.get(&p).copied()));
                if let Some(t) = turf {
                    door_points[t] += 1;
                }
                if visited.contains(uuid) {
                    door_ix.insert(uuid.to_owned(), facts.doors.len());
                }
                facts.doors.push(DoorFacts::new(precinct, turf));
            }
        }
        // A turf cut out of precincts (doors only) lies in the precincts of its doors.
        for d in &facts.doors {
            if let (Some(t), Some(p)) = (d.turf(), d.precinct())
                && turf_of_precinct.get(&p) != Some(&t)
                && !facts.turfs[t].precincts.contains(&p)
                && !has_precinct_members[t]
            {
                facts.turfs[t].precincts.push(p);
            }
        }
        // A turf with door points counts them (one knock each); one without keeps its estimate.
        for (t, n) in door_points.into_iter().enumerate() {
            if n > 0 {
                facts.turfs[t].doors = n;
            }
        }

        let mut print_ix: HashMap<String, usize> = HashMap::new();
        // The largest table: read with borrowed text (no string made per cell), dates parsed
        // once per distinct day.
        let mut stmt = conn
            .prepare(
                "SELECT door_uuid, turf_uuid, team_uuid, print_uuid, visit_date, outcome \
                 FROM door_visits WHERE deleted_at IS NULL",
            )
            .map_err(q)?;
        let mut rows = stmt.query([]).map_err(q)?;
        let mut dates: HashMap<String, Option<Date>> = HashMap::new();
        while let Some(r) = rows.next().map_err(q)? {
            let borrowed = |i: usize| -> Option<&str> {
                match r.get_ref(i) {
                    Ok(rusqlite::types::ValueRef::Text(t)) => std::str::from_utf8(t).ok(),
                    _ => None,
                }
            };
            let date = borrowed(4).and_then(|d| {
                if let Some(parsed) = dates.get(d) {
                    return *parsed;
                }
                let parsed = Date::parse(d).ok();
                dates.insert(d.to_owned(), parsed);
                parsed
            });
            let (Some(door), Some(date), Some(outcome)) = (
                borrowed(0).and_then(|d| door_ix.get(d).copied()),
                date,
                borrowed(5)
                    .and_then(|o| o.chars().next())
                    .and_then(Outcome::from_letter),
            ) else {
                continue;
            };
            let print = borrowed(3).map(|p| {
                if let Some(i) = print_ix.get(p) {
                    return *i;
                }
                let n = print_ix.len();
                print_ix.insert(p.to_owned(), n);
                n
            });
            facts.visits.push(VisitFacts {
                door,
                turf: borrowed(1).and_then(|t| turf_ix.get(t).copied()),
                team: borrowed(2).and_then(|t| team_ix.get(t).copied()),
                print,
                date,
                outcome,
            });
        }
        drop(rows);
        drop(stmt);
        let mut print_of = |p: Option<String>| {
            p.map(|p| {
                let n = print_ix.len();
                *print_ix.entry(p).or_insert(n)
            })
        };
        for r in all(
            "SELECT turf_uuid, team_uuid, print_uuid, date, start_time, end_time, canvassers, \
             doors_knocked, doors_opened, quality, opponent_seen, notes \
             FROM field_reports WHERE deleted_at IS NULL",
        )? {
            let Some(date) = text(&r[3]).and_then(|d| Date::parse(&d).ok()) else {
                continue;
            };
            let time = |v: &Value| text(v).and_then(|t| TimeOfDay::parse(&t).ok());
            let count = |v: &Value| int(v).and_then(|n| u32::try_from(n).ok());
            facts.sessions.push(SessionFacts {
                turf: text(&r[0]).and_then(|t| turf_ix.get(&t).copied()),
                team: text(&r[1]).and_then(|t| team_ix.get(&t).copied()),
                print: print_of(text(&r[2])),
                report: SessionReport {
                    date,
                    start: time(&r[4]),
                    end: time(&r[5]),
                    canvassers: count(&r[6]),
                    knocked: count(&r[7]).unwrap_or(0),
                    opened: count(&r[8]).unwrap_or(0),
                    quality: int(&r[9]).and_then(|q| u8::try_from(q).ok()),
                    opponent_seen: int(&r[10]).is_some_and(|o| o != 0),
                    notes: text(&r[11]).unwrap_or_default(),
                },
            });
        }
        Ok(facts)
    }
}

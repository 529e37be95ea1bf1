//! Field reports benchmark (issue 13): a seeded synthetic campaign of 200 precincts in 100
//! turfs of 20 teams, 40,000 doors, 100,000 door visits over 60 days and 5,000 sessions, and
//! one printed sheet of 300 rows. Reports the time to read the facts from the file, to compute
//! every progress figure (by team, turf, precinct and day), and to open the entry screen on
//! the 300-row sheet (the print found by its code, its rows, what was entered, the draft).
//!
//! `cargo bench --bench field`. Targets: every progress figure from 100,000 visits and 5,000
//! sessions ≤ 50 ms; the entry screen for a 300-row print ≤ 100 ms.
#![allow(clippy::unwrap_used)] // A benchmark fails loudly by design.

use std::time::{Duration, Instant};

use campaign_planner::domain::date::Date;
use campaign_planner::domain::field::progress::{By, ProgressSettings, progress};
use campaign_planner::state::entry::{EntryDraft, ShownRow};
use campaign_planner::store::Campaign;
use rusqlite::params;

const PRECINCTS: usize = 200;
const TURFS: usize = 100;
const TEAMS: usize = 20;
const DOORS: usize = 40_000;
const VISITS: usize = 100_000;
const SESSIONS: usize = 5_000;
const ROWS: usize = 300;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn build(path: &std::path::Path, start: Date) {
    drop(Campaign::create(path, "Bench field").unwrap());
    let mut conn = rusqlite::Connection::open(path).unwrap();
    // As another program writes: with the R-tree triggers\' functions.
    campaign_planner::store::spatial::register(&conn).unwrap();
    let tx = conn.transaction().unwrap();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for t in 0..TEAMS {
        tx.execute(
            "INSERT INTO teams (uuid, name) VALUES (?1, ?2)",
            params![format!("team-{t}"), format!("Équipe {t}")],
        )
        .unwrap();
    }
    for p in 0..PRECINCTS {
        tx.execute(
            "INSERT INTO precincts (uuid, code, name, priority_class) VALUES (?1, ?2, ?3, ?4)",
            params![
                format!("p-{p}"),
                format!("{p:04}"),
                format!("Bureau {p}"),
                (1 + p % 5) as i64
            ],
        )
        .unwrap();
    }
    for t in 0..TURFS {
        tx.execute(
            "INSERT INTO turfs (uuid, name, team_uuid, door_count) VALUES (?1, ?2, ?3, 400)",
            params![
                format!("turf-{t}"),
                format!("Secteur {t}"),
                format!("team-{}", t % TEAMS)
            ],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO assignments (uuid, turf_uuid, team_uuid, date) VALUES (?1, ?2, ?3, ?4)",
            params![
                format!("a-{t}"),
                format!("turf-{t}"),
                format!("team-{}", t % TEAMS),
                start.to_string()
            ],
        )
        .unwrap();
        for p in [2 * t, 2 * t + 1] {
            tx.execute(
                "INSERT INTO turf_members (uuid, turf_uuid, precinct_uuid) VALUES (?1, ?2, ?3)",
                params![format!("m-{p}"), format!("turf-{t}"), format!("p-{p}")],
            )
            .unwrap();
        }
    }
    let mut door = tx
        .prepare("INSERT INTO doors (uuid, precinct_uuid) VALUES (?1, ?2)")
        .unwrap();
    for d in 0..DOORS {
        door.execute(params![format!("d-{d}"), format!("p-{}", d % PRECINCTS)])
            .unwrap();
    }
    drop(door);
    let mut visit = tx
        .prepare(
            "INSERT INTO door_visits (uuid, door_uuid, turf_uuid, team_uuid, print_uuid, \
             visit_date, outcome, replica_uuid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'r')",
        )
        .unwrap();
    let codes = ["A", "A", "A", "O", "O", "R", "P", "I", "D", "X"];
    for v in 0..VISITS {
        let d = rng.below(DOORS);
        let turf = (d % PRECINCTS) / 2;
        visit
            .execute(params![
                format!("v-{v}"),
                format!("d-{d}"),
                format!("turf-{turf}"),
                format!("team-{}", turf % TEAMS),
                format!("print-{v}"),
                start.plus_days(rng.below(60) as i64).unwrap().to_string(),
                codes[rng.below(codes.len())]
            ])
            .unwrap();
    }
    drop(visit);
    let mut session = tx
        .prepare(
            "INSERT INTO field_reports (uuid, turf_uuid, team_uuid, date, start_time, end_time, \
             canvassers, doors_knocked, doors_opened, quality, opponent_seen) \
             VALUES (?1, ?2, ?3, ?4, '17:00', '19:00', 2, ?5, ?6, ?7, ?8)",
        )
        .unwrap();
    for s in 0..SESSIONS {
        let turf = rng.below(TURFS);
        let knocked = 20 + rng.below(40);
        session
            .execute(params![
                format!("s-{s}"),
                format!("turf-{turf}"),
                format!("team-{}", turf % TEAMS),
                start.plus_days(rng.below(60) as i64).unwrap().to_string(),
                knocked as i64,
                rng.below(knocked) as i64,
                (1 + rng.below(5)) as i64,
                rng.below(10) == 0
            ])
            .unwrap();
    }
    drop(session);
    tx.execute(
        "INSERT INTO prints (uuid, code, turf_uuid, team_uuid) \
         VALUES ('big', 'T999-HKM', 'turf-0', 'team-0')",
        [],
    )
    .unwrap();
    let mut row = tx
        .prepare(
            "INSERT INTO print_rows (print_uuid, rank, door_uuid, households, street, number) \
             VALUES ('big', ?1, ?2, 1, 'Rue', ?1)",
        )
        .unwrap();
    for r in 1..=ROWS {
        row.execute(params![r as i64, format!("d-{}", (r * 97) % DOORS)])
            .unwrap();
    }
    drop(row);
    tx.commit().unwrap();
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("field.campaign.gpkg");
    let today = Date::today();
    let start = today.plus_days(-60).unwrap();
    let built = Instant::now();
    build(&path, start);
    println!(
        "built {DOORS} doors, {VISITS} visits, {SESSIONS} sessions in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    let campaign = Campaign::open(&path).unwrap();
    let settings = ProgressSettings {
        today,
        election: today.plus_days(20),
        stale_days: 7,
        priority_top: 2,
    };

    let mut read = Vec::new();
    let mut compute = Vec::new();
    let mut facts = None;
    for _ in 0..7 {
        let t = Instant::now();
        let f = campaign.field_facts().unwrap();
        read.push(t.elapsed());
        let t = Instant::now();
        for by in [By::Team, By::Turf, By::Precinct, By::Day] {
            std::hint::black_box(progress(&f, &settings, by));
        }
        compute.push(t.elapsed());
        facts = Some(f);
    }
    let facts = facts.unwrap();
    let p = progress(&facts, &settings, By::Team);
    println!(
        "progress: coverage {:.1} %, {} sessions, {} days",
        p.coverage.unwrap_or(0.0) * 100.0,
        p.sessions,
        p.days.len()
    );
    let (r, c) = (median(read), median(compute));
    println!(
        "every progress figure (by team, turf, precinct and day) from {VISITS} visits and \
         {SESSIONS} sessions: {:.1} ms median (target ≤ 50 ms); reading the facts from the file: \
         {:.1} ms; both: {:.1} ms",
        c.as_secs_f64() * 1e3,
        r.as_secs_f64() * 1e3,
        (r + c).as_secs_f64() * 1e3
    );

    let mut open = Vec::new();
    for _ in 0..9 {
        let t = Instant::now();
        let print = campaign.print_by_code("t999-hkm").unwrap().unwrap();
        let rows = campaign.print_rows(&print.uuid).unwrap();
        let state = campaign.sheet_state(&print.uuid).unwrap();
        let shown = rows.iter().map(ShownRow::from).collect();
        let draft = EntryDraft::new(print.uuid, print.code, shown, state.rows);
        assert_eq!(draft.rows.len(), ROWS);
        open.push(t.elapsed());
    }
    println!(
        "opening the entry screen on a {ROWS}-row print: {:.1} ms median (target ≤ 100 ms)",
        median(open).as_secs_f64() * 1e3
    );
}

//! A crash (kill -9) in the middle of an import leaves the campaign as it was before; one at
//! any moment of an edit (turf, team, scoring) leaves a file that opens and validates, with
//! every edit that had exited 0 still there.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use campaign_planner::store::Campaign;
use common::{cli_ok, fixture, montreal_campaign, s};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

#[test]
fn killing_the_process_mid_import_leaves_the_file_as_it_was_before() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let codes_before = codes(&file);
    assert_eq!(codes_before.len(), 58);

    let mut child = Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args([
            "import",
            s(&file),
            s(&fixture("king-county-precincts.geojson")),
            "--replace",
            "--progress",
        ])
        .env("CAMPAIGN_PLANNER_TEST_WRITE_DELAY_MS", "20")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until a good part of the 2,611 precincts is written inside the transaction.
    let stderr = child.stderr.take().unwrap();
    let mut written = 0;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if let Some(done) = line.strip_prefix("writing ") {
            written = done.split('/').next().unwrap().parse().unwrap();
            if written >= 640 {
                break;
            }
        }
    }
    assert!(written >= 640, "the import never got to writing");
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback by the process.
    child.wait().unwrap();
    let mut journal = file.as_os_str().to_owned();
    journal.push("-journal");
    assert!(
        std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0),
        "the process died inside its transaction, leaving a hot journal"
    );

    // The journal left by the killed process is rolled back on the next open.
    let campaign = Campaign::open(&file).unwrap();
    let report = campaign.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    drop(campaign);
    assert_eq!(
        codes(&file),
        codes_before,
        "the file is as it was before the import"
    );
}

fn codes(file: &std::path::Path) -> Vec<String> {
    let campaign = Campaign::open_read_only(file).unwrap();
    let mut codes: Vec<String> = campaign
        .conn_for_tests()
        .prepare("SELECT code FROM precincts WHERE deleted_at IS NULL ORDER BY code")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    codes.sort();
    codes
}

/// What the campaign holds of the edits: turfs and their precincts, teams, which team each
/// turf is assigned to, the saved formula.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Held {
    turfs: BTreeMap<String, BTreeSet<String>>,
    teams: BTreeSet<String>,
    assigned: BTreeMap<String, String>,
    formula: Option<String>,
}

impl Held {
    fn read(file: &Path) -> Self {
        let campaign = Campaign::open_read_only(file).unwrap();
        let mut held = Self::default();
        for t in campaign.turfs().unwrap() {
            if let Some(team) = &t.team {
                held.assigned.insert(t.name.clone(), team.clone());
            }
            held.turfs.insert(t.name, t.precincts.into_iter().collect());
        }
        held.teams = campaign
            .teams()
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        held.formula = campaign.scoring_params().unwrap().and_then(|p| p.formula);
        held
    }
}

/// One edit made with the command line.
#[derive(Clone, Debug)]
enum Edit {
    CreateTurf(String, Vec<String>),
    RenameTurf(String, String),
    DeleteTurf(String),
    CreateTeam(String),
    Assign(String, String),
    Score(String),
}

impl Edit {
    /// A next edit that can succeed on `held`.
    fn pick(held: &Held, codes: &[String], i: usize, rng: &mut StdRng) -> Self {
        let used: BTreeSet<&String> = held.turfs.values().flatten().collect();
        let free: Vec<&String> = codes.iter().filter(|c| !used.contains(c)).collect();
        let turfs: Vec<&String> = held.turfs.keys().collect();
        let teams: Vec<&String> = held.teams.iter().collect();
        let any = |v: &[&String], rng: &mut StdRng| v[rng.random_range(0..v.len())].clone();
        loop {
            match rng.random_range(0..6) {
                0 if free.len() >= 2 => {
                    let n = rng.random_range(1..=2);
                    let start = rng.random_range(0..=free.len() - n);
                    let codes = free[start..start + n]
                        .iter()
                        .map(|c| (*c).clone())
                        .collect();
                    return Self::CreateTurf(format!("T{i}"), codes);
                }
                1 => return Self::CreateTeam(format!("N{i}")),
                2 if !turfs.is_empty() && !teams.is_empty() => {
                    return Self::Assign(any(&teams, rng), any(&turfs, rng));
                }
                3 if !turfs.is_empty() => {
                    return Self::RenameTurf(any(&turfs, rng), format!("R{i}"));
                }
                4 if turfs.len() > 3 => return Self::DeleteTurf(any(&turfs, rng)),
                5 => return Self::Score(format!("Joly / valid * {}", i + 1)),
                _ => {}
            }
        }
    }

    fn args(&self, file: &str) -> Vec<String> {
        let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        match self {
            Self::CreateTurf(name, codes) => v(&[
                "turf",
                file,
                "create",
                "--name",
                name,
                "--precincts",
                &codes.join(","),
            ]),
            Self::RenameTurf(from, to) => v(&["turf", file, "rename", from, to]),
            Self::DeleteTurf(name) => v(&["turf", file, "delete", name]),
            Self::CreateTeam(name) => v(&["team", file, "create", name, "--size", "3"]),
            Self::Assign(team, turf) => {
                v(&["team", file, "assign", team, turf, "--date", "2026-12-05"])
            }
            Self::Score(formula) => v(&["score", file, "--preset", "custom", "--formula", formula]),
        }
    }

    /// What the campaign holds once this edit is made.
    fn applied(&self, held: &Held) -> Held {
        let mut after = held.clone();
        match self {
            Self::CreateTurf(name, codes) => {
                after
                    .turfs
                    .insert(name.clone(), codes.iter().cloned().collect());
            }
            Self::RenameTurf(from, to) => {
                if let Some(codes) = after.turfs.remove(from) {
                    after.turfs.insert(to.clone(), codes);
                }
                if let Some(team) = after.assigned.remove(from) {
                    after.assigned.insert(to.clone(), team);
                }
            }
            Self::DeleteTurf(name) => {
                after.turfs.remove(name);
                after.assigned.remove(name);
            }
            Self::CreateTeam(name) => {
                after.teams.insert(name.clone());
            }
            Self::Assign(team, turf) => {
                after.assigned.insert(turf.clone(), team.clone());
            }
            Self::Score(formula) => after.formula = Some(formula.clone()),
        }
        after
    }
}

#[test]
fn killing_edits_at_any_moment_keeps_every_edit_that_exited_0_and_the_file_valid() {
    let rounds: usize = std::env::var("CRASH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60);
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    cli_ok(&[
        "results",
        s(&file),
        s(&fixture("montreal-results-2013.csv")),
        "--election",
        "Mayor 2013",
    ]);
    let codes = codes(&file);
    let mut held = Held::read(&file);
    let mut rng = StdRng::seed_from_u64(9);
    let (mut confirmed, mut killed_before, mut killed_after) = (0, 0, 0);
    for i in 0..rounds {
        let edit = Edit::pick(&held, &codes, i, &mut rng);
        let mut child = Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
            .args(edit.args(s(&file)))
            .env(
                "CAMPAIGN_PLANNER_TEST_COMMIT_DELAY_MS",
                rng.random_range(0..30_u32).to_string(),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..60)));
        let _ = child.kill(); // SIGKILL: no destructor, no rollback by the process.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The next open rolls back what a killed writer left.
        let campaign = Campaign::open(&file)
            .unwrap_or_else(|e| panic!("round {i} ({edit:?}): the file does not open: {e}"));
        let report = campaign.validate().unwrap();
        assert!(
            report.is_ok(),
            "round {i} ({edit:?}): {:?}",
            report.problems
        );
        drop(campaign);
        let now = Held::read(&file);
        let after = edit.applied(&held);
        if out.status.success() {
            confirmed += 1;
            assert_eq!(
                now, after,
                "round {i}: {edit:?} exited 0 but is not all there"
            );
        } else if out.status.code().is_some() {
            panic!("round {i}: {edit:?} failed without being killed: {stderr}");
        } else if now == after {
            killed_after += 1;
        } else {
            killed_before += 1;
            assert_eq!(
                now, held,
                "round {i}: {edit:?} was killed and left half of itself"
            );
        }
        held = now;
    }
    println!(
        "{rounds} edits: {confirmed} exited 0 and are there; {killed_after} killed after their \
         commit, {killed_before} killed before it and rolled back"
    );
    assert!(
        confirmed > 0 && killed_before > 0,
        "the kills must land on both sides"
    );
}

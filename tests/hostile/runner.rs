//! Runs an importer on many hostile inputs and checks each ends in a clear error or a correct
//! import, within bounded time and memory, with the campaign byte-identical on refusal and the
//! input never written to.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use campaign_planner::store::Campaign;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use super::mutate;

/// One file of an input.
#[derive(Clone, Debug)]
pub enum Content {
    /// A regular file.
    Bytes(Vec<u8>),
    /// A named pipe nobody writes to.
    Fifo,
    /// A folder.
    Folder,
    /// A link to `/dev/zero`, endless.
    DevZero,
    /// A sparse regular file of this many bytes (zeros, no disk used).
    Sparse(u64),
}

/// One input: its files (the importer is given `main`; the others sit beside it).
#[derive(Clone, Debug)]
pub struct Input {
    /// File name and content.
    pub files: Vec<(String, Content)>,
    /// The name of the file given to the importer.
    pub main: String,
    /// What was done to it.
    pub what: String,
}

impl Input {
    /// One regular file.
    pub fn one(name: &str, bytes: Vec<u8>, what: &str) -> Self {
        Self {
            files: vec![(name.to_owned(), Content::Bytes(bytes))],
            main: name.to_owned(),
            what: what.to_owned(),
        }
    }

    /// The bytes of file `name`, when it is a regular file.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find_map(|(n, c)| match c {
            Content::Bytes(b) if n == name => Some(b.as_slice()),
            _ => None,
        })
    }

    /// This input with file `name` replaced (or removed, with `None`).
    pub fn with(&self, name: &str, content: Option<Content>, what: &str) -> Self {
        let mut files: Vec<(String, Content)> = self
            .files
            .iter()
            .filter(|(n, _)| n != name)
            .cloned()
            .collect();
        if let Some(c) = content {
            files.push((name.to_owned(), c));
        }
        Self {
            files,
            main: self.main.clone(),
            what: what.to_owned(),
        }
    }
}

/// An importer under test.
pub trait Target: Sync {
    /// Its name, for the summary and the failure folder.
    fn name(&self) -> &'static str;
    /// Real files, each of which must import.
    fn seeds(&self) -> Vec<Input>;
    /// Hand-made hostile inputs, with the seed whose campaign they go into.
    fn crafted(&self, seeds: &[Input]) -> Vec<(usize, Input)>;
    /// Whether the format is text (favours text mutations).
    fn text(&self) -> bool;
    /// A target-specific mutation (sidecars swapped, …), tried before the byte mutations.
    fn mutate(&self, _seeds: &[Input], _seed: usize, _rng: &mut StdRng) -> Option<Input> {
        None
    }
    /// Builds the campaign seed `seed`'s inputs are imported into; `false` when the target
    /// needs none.
    fn campaign(&self, seed: usize, seeds: &[Input], path: &Path) -> bool;
    /// Runs the importer; `Err` is the message the user would read.
    fn import(
        &self,
        seed: usize,
        campaign: Option<&mut Campaign>,
        main: &Path,
    ) -> Result<(), String>;
    /// What a correct import leaves (beyond `validate`); `Err` says what is wrong.
    fn check(&self, seed: usize, campaign: Option<&Campaign>, main: &Path) -> Result<(), String>;
    /// What a refusal must say beyond naming the file; `Err` says what is wrong.
    fn check_refusal(&self, _message: &str, _main: &Path) -> Result<(), String> {
        Ok(())
    }
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Summary {
    /// Inputs tried.
    pub inputs: usize,
    /// Imported (and checked).
    pub imported: usize,
    /// Refused with an error.
    pub refused: usize,
    /// Per kind of input: (imported, refused, the first refusal's message).
    pub kinds: BTreeMap<String, (usize, usize, String)>,
    /// The slowest input and its time.
    pub slowest: (Duration, String),
    /// Wall time of the run.
    pub wall: Duration,
    /// What went wrong (at most [`MAX_FAILURES`]).
    pub failures: Vec<String>,
}

impl Summary {
    /// The summary as lines for the log and the benchmark notes.
    pub fn report(&self, target: &str) -> String {
        let mut s = format!(
            "{target}: {} inputs in {:.1} s ({:.0}/s): {} imported and checked, {} refused; \
             slowest {:.0} ms ({}); peak memory of the test process {} MiB\n",
            self.inputs,
            self.wall.as_secs_f64(),
            self.inputs as f64 / self.wall.as_secs_f64().max(1e-9),
            self.imported,
            self.refused,
            self.slowest.0.as_secs_f64() * 1000.0,
            self.slowest.1,
            peak_rss_mib(),
        );
        for (kind, (imported, refused, said)) in &self.kinds {
            let _ = write!(s, "  {kind}: {imported} imported, {refused} refused");
            if said.is_empty() {
                s.push('\n');
            } else {
                let short: String = said.chars().take(150).collect();
                let _ = writeln!(s, " (\"{short}\")");
            }
        }
        for f in &self.failures {
            let _ = writeln!(s, "  FAILED {f}");
        }
        s
    }
}

/// Failures kept before a run stops.
const MAX_FAILURES: usize = 20;
/// The most one input may take (debug build, crafted inputs of tens of megabytes included).
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// The most the test process may reach in memory.
pub const MEMORY_LIMIT_MIB: u64 = 3 * 1024;

/// The peak resident memory of this process, in MiB (0 where /proc is missing).
pub fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// A folder in memory when the machine has one (fast writes, no disk wear), else the temp dir.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new().prefix("hostile").tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("a temp dir")
}

/// The seed and input numbered `i` (the same on every run: failures can be replayed by number).
fn input_number(
    target: &dyn Target,
    seeds: &[Input],
    crafted: &[(usize, Input)],
    i: usize,
) -> (usize, Input) {
    if let Some(c) = crafted.get(i) {
        return c.clone();
    }
    let mut rng = StdRng::seed_from_u64(i as u64 ^ 0x5EED_0000_0000);
    let seed = rng.random_range(0..seeds.len());
    if rng.random_bool(0.25)
        && let Some(input) = target.mutate(seeds, seed, &mut rng)
    {
        return (seed, input);
    }
    let base = &seeds[seed];
    // The file given to the importer half the time, else one beside it.
    let regular: Vec<&String> = base
        .files
        .iter()
        .filter(|(_, c)| matches!(c, Content::Bytes(_)))
        .map(|(n, _)| n)
        .collect();
    let name = if regular.len() == 1 || rng.random_bool(0.5) {
        base.main.clone()
    } else {
        regular[rng.random_range(0..regular.len())].clone()
    };
    let data = base.bytes(&name).unwrap_or_default();
    let text = target.text()
        || Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("prj"));
    let (bytes, what) = mutate::spoil(data, &mut rng, text);
    let ext = name.rsplit('.').next().unwrap_or_default();
    (
        seed,
        base.with(
            &name,
            Some(Content::Bytes(bytes)),
            &format!("{what} (.{ext})"),
        ),
    )
}

fn write_input(dir: &Path, input: &Input) -> std::io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    for (name, content) in &input.files {
        let path = dir.join(name);
        match content {
            Content::Bytes(b) => std::fs::write(&path, b)?,
            Content::Folder => std::fs::create_dir(&path)?,
            Content::DevZero => std::os::unix::fs::symlink("/dev/zero", &path)?,
            Content::Sparse(n) => std::fs::File::create(&path)?.set_len(*n)?,
            Content::Fifo => {
                let ok = std::process::Command::new("mkfifo")
                    .arg(&path)
                    .status()?
                    .success();
                if !ok {
                    return Err(std::io::Error::other("mkfifo failed"));
                }
            }
        }
    }
    Ok(())
}

/// The campaign of one seed in one worker: its file, its bytes as built, and the open handle.
struct SeedCampaign {
    path: PathBuf,
    snapshot: Vec<u8>,
    open: Option<Campaign>,
}

/// Runs `target` on `n` inputs (the crafted ones first) with `workers` threads; failing inputs
/// are kept under `target/tmp/hostile-failures/MODE/TARGET/`.
pub fn run(target: &dyn Target, n: usize, workers: usize, mode: &str) -> Summary {
    let seeds = target.seeds();
    let crafted = target.crafted(&seeds);
    // `HOSTILE_ONLY=567750,567751` replays those inputs alone.
    let only: Option<Vec<usize>> = std::env::var("HOSTILE_ONLY")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect());
    let total = only.as_ref().map_or(n.max(crafted.len()), Vec::len);
    let next = AtomicUsize::new(0);
    let summary = Mutex::new(Summary::default());
    let started = Instant::now();
    let trace = std::env::var_os("HOSTILE_TRACE").is_some();
    let failures_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-failures/{mode}/{}", target.name()));
    let _ = std::fs::remove_dir_all(&failures_dir);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                let work = scratch();
                let mut campaigns: Vec<Option<SeedCampaign>> =
                    (0..seeds.len()).map(|_| None).collect();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= total || summary.lock().unwrap().failures.len() >= MAX_FAILURES {
                        break;
                    }
                    let i = only.as_ref().map_or(k, |o| o[k]);
                    let (seed, input) = input_number(target, &seeds, &crafted, i);
                    // An input that aborts the process (out of memory) is named and kept.
                    let kept = failures_dir.join(format!("running-{i}"));
                    if trace {
                        eprintln!("#{i} {}", input.what);
                        let _ = write_input(&kept, &input);
                    }
                    let outcome = one(target, &seeds, seed, &input, work.path(), &mut campaigns);
                    if trace {
                        let _ = std::fs::remove_dir_all(&kept);
                    }
                    if outcome.is_err() {
                        // Whatever the input did to the campaign, the next starts afresh.
                        if let Some(c) = campaigns[seed].take() {
                            drop(c.open);
                            let _ = std::fs::remove_file(&c.path);
                            let _ = std::fs::remove_file(journal_of(&c.path));
                        }
                    }
                    let mut s = summary.lock().unwrap();
                    s.inputs += 1;
                    // Counted by the first thing done to it ("bits flipped + truncated (.shx)").
                    let first = input.what.split(" + ").next().unwrap_or_default();
                    let kind = first.split(" (").next().unwrap_or_default().to_owned();
                    let entry = s.kinds.entry(kind).or_default();
                    match &outcome {
                        Ok((true, _, _)) => entry.0 += 1,
                        Ok((false, _, said)) => {
                            entry.1 += 1;
                            if entry.2.is_empty() {
                                entry.2.clone_from(said);
                            }
                        }
                        Err(_) => {}
                    }
                    match outcome {
                        Ok((imported, took, _)) => {
                            if imported {
                                s.imported += 1;
                            } else {
                                s.refused += 1;
                            }
                            if took > s.slowest.0 {
                                s.slowest = (took, format!("#{i} {}", input.what));
                            }
                        }
                        Err(why) => {
                            let folder = failures_dir.join(i.to_string());
                            let _ = write_input(&folder, &input);
                            let _ = std::fs::write(folder.join("why.txt"), &why);
                            s.failures.push(format!(
                                "#{i} {} [{}]: {why}",
                                input.what,
                                folder.display()
                            ));
                        }
                    }
                }
            });
        }
    });
    let mut s = summary.into_inner().unwrap();
    s.wall = started.elapsed();
    s
}

/// Runs one input; `Ok((imported, time, the refusal's message))`, or `Err` with what went
/// wrong.
fn one(
    target: &dyn Target,
    seeds: &[Input],
    seed: usize,
    input: &Input,
    work: &Path,
    campaigns: &mut [Option<SeedCampaign>],
) -> Result<(bool, Duration, String), String> {
    if campaigns[seed].is_none() {
        let path = work.join(format!("seed{seed}.campaign.gpkg"));
        if target.campaign(seed, seeds, &path) {
            let snapshot = std::fs::read(&path).map_err(|e| e.to_string())?;
            let open = Campaign::open(&path).map_err(|e| e.to_string())?;
            campaigns[seed] = Some(SeedCampaign {
                path,
                snapshot,
                open: Some(open),
            });
        }
    }
    let dir = work.join("input");
    write_input(&dir, input).map_err(|e| format!("writing the input: {e}"))?;
    let main = dir.join(&input.main);
    let slot = &mut campaigns[seed];
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        target.import(seed, slot.as_mut().and_then(|c| c.open.as_mut()), &main)
    }));
    let took = started.elapsed();
    if took > TIME_LIMIT {
        return Err(format!("took {:.1} s", took.as_secs_f64()));
    }
    let result = result.map_err(|p| {
        let text = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!("panicked: {text}")
    })?;
    // The importer never writes to what it reads.
    for (name, content) in &input.files {
        if let Content::Bytes(b) = content
            && std::fs::read(dir.join(name)).ok().as_deref() != Some(b.as_slice())
        {
            return Err(format!("the input {name} was changed"));
        }
    }
    if let Err(message) = result {
        clear(&message, input)?;
        target.check_refusal(&message, &main)?;
        if let Some(c) = slot {
            let now = std::fs::read(&c.path).map_err(|e| e.to_string())?;
            if now != c.snapshot {
                return Err(format!("refused ({message}) but the campaign file changed"));
            }
            let journal = journal_of(&c.path);
            if std::fs::read(&journal).is_ok_and(|j| j.first().is_some_and(|&b| b != 0)) {
                return Err(format!("refused ({message}) but left a hot journal"));
            }
        }
        return Ok((false, took, message));
    }
    if let Some(c) = slot {
        let campaign = c.open.as_ref().ok_or("the campaign is not open")?;
        let report = campaign.validate().map_err(|e| e.to_string())?;
        if !report.is_ok() {
            return Err(format!(
                "imported, but validate finds: {}",
                report.problems.join("; ")
            ));
        }
        target.check(seed, Some(campaign), &main)?;
        // Back to the campaign as built, for the next input.
        c.open = None;
        std::fs::write(&c.path, &c.snapshot).map_err(|e| e.to_string())?;
        c.open = Some(Campaign::open(&c.path).map_err(|e| e.to_string())?);
    } else {
        target.check(seed, None, &main)?;
    }
    Ok((true, took, String::new()))
}

fn journal_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-journal");
    PathBuf::from(name)
}

/// A clear error: some words, the file named, no debugging dump.
fn clear(message: &str, input: &Input) -> Result<(), String> {
    let names_a_file = input
        .files
        .iter()
        .any(|(name, _)| message.contains(name.as_str()))
        || input.main.ends_with(".formula");
    let dump = [
        "Os {",
        "Custom {",
        "kind:",
        "panicked",
        "RUST_BACKTRACE",
        "Some(",
    ];
    if message.trim().len() < 10 {
        return Err(format!("refused with a bare message: {message:?}"));
    }
    if !names_a_file {
        return Err(format!("refused without naming the file: {message}"));
    }
    if let Some(d) = dump.iter().find(|d| message.contains(*d)) {
        return Err(format!("refused with a debugging dump ({d}): {message}"));
    }
    Ok(())
}

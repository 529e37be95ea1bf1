//! Door imports at national scale (issue 16): 2,000,000 door points (a CSV of `lon,lat`, house
//! number and street, uniform over the campaign, seeded) into the 69,000-precinct France
//! campaign, as the command line imports them, beside GDAL's `ogr2ogr -f GPKG` of the same CSV;
//! then the same file again, the import undone and redone (as the app's undo does), and
//! 100,000 of the doors auto-cut into turfs.
//!
//! `cargo bench --bench doors` (a few minutes, about 1 GB of disk in a temporary folder). Each
//! command runs under `/usr/bin/time` when it is there, for its peak memory. Targets: the
//! import in ≤ 15 s, at least 3× faster than `ogr2ogr`, under 1 GB; the rest in the same order
//! of time.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use campaign_planner::store::Campaign;
use campaign_planner::synth;

const DOORS: usize = 2_000_000;

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let france = dir.path().join("france.campaign.gpkg");
    synth::france_campaign(&france, false).expect("the France campaign");
    let csv = dir.path().join("doors.csv");
    write_doors(&csv);
    println!(
        "doors benchmark: {DOORS} doors ({:.0} MB of CSV) into {} precincts",
        std::fs::metadata(&csv).map_or(0.0, |m| m.len() as f64 / 1e6),
        synth::FRANCE_PRECINCTS
    );

    let file = dir.path().join("a.campaign.gpkg");
    std::fs::copy(&france, &file).expect("copy");
    let import = run(
        bin(),
        &["doors", s(&file), "import", s(&csv)],
        "import (read, tie to precincts, count, R-tree)",
    );
    let gdal = dir.path().join("ogr2ogr.gpkg");
    let ogr = run(
        Path::new("ogr2ogr"),
        &[
            "-f",
            "GPKG",
            s(&gdal),
            s(&csv),
            "-oo",
            "X_POSSIBLE_NAMES=lon",
            "-oo",
            "Y_POSSIBLE_NAMES=lat",
        ],
        "GDAL ogr2ogr of the same CSV (ties nothing)",
    );
    if let (Some(ours), Some(theirs)) = (import, ogr) {
        println!(
            "  ours is {:.2}× faster than ogr2ogr (target ≥ 3×; ≤ 15 s)",
            theirs.as_secs_f64() / ours.as_secs_f64()
        );
    }
    run(
        bin(),
        &["doors", s(&file), "import", s(&csv)],
        "the same file imported again (2,000,000 unchanged)",
    );
    let codes: Vec<String> = (0..3_450).map(|i| format!("{i:05}")).collect();
    run(
        bin(),
        &[
            "turf",
            s(&file),
            "autocut",
            "--target",
            "150",
            "--within",
            &codes.join(","),
        ],
        "auto-cut of 3,450 precincts (about 100,000 doors) into turfs of 150",
    );

    // Undo and redo, in this process as the app does them.
    let again = dir.path().join("u.campaign.gpkg");
    std::fs::copy(&france, &again).expect("copy");
    let doors = campaign_planner::io::doors::read_doors(&csv).expect("doors");
    let mut campaign = Campaign::open(&again).expect("campaign");
    let started = Instant::now();
    let written = campaign
        .import_doors(&doors, "doors.csv", false)
        .expect("import");
    println!(
        "  {:<60} {:>7.2} s",
        "import in the app's process (the CSV read before)",
        started.elapsed().as_secs_f64()
    );
    for (label, undo) in [("undo of the import", true), ("redo", false)] {
        let started = Instant::now();
        campaign
            .swap_doors(
                &written.added,
                &written.removed_doors,
                &written.changed,
                &written.removed_members,
                undo,
            )
            .expect("undo");
        println!("  {label:<60} {:>7.2} s", started.elapsed().as_secs_f64());
    }
}

/// Writes the doors: `lon,lat,numero,nom_voie`, uniform over the France box (seed 7).
fn write_doors(path: &Path) {
    use std::io::Write as _;
    let file = std::fs::File::create(path).expect("doors CSV");
    let mut out = std::io::BufWriter::new(file);
    writeln!(out, "lon,lat,numero,nom_voie").expect("write");
    for (i, c) in synth::random_points(DOORS, synth::FRANCE_BOX, 7)
        .into_iter()
        .enumerate()
    {
        writeln!(out, "{:.6},{:.6},{},Rue {}", c.x, c.y, i % 200 + 1, i / 200).expect("write");
    }
    out.flush().expect("write");
}

/// Runs a command, under `/usr/bin/time` when it is there; prints and returns its time (`None`
/// when it could not run, e.g. GDAL missing).
fn run(program: &Path, args: &[&str], label: &str) -> Option<Duration> {
    let timed = Path::new("/usr/bin/time").exists();
    let mut command = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%M").arg(program);
        c
    } else {
        Command::new(program)
    };
    let started = Instant::now();
    let out = match command.args(args).output() {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            println!(
                "  {label}: failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        Err(e) => {
            println!("  {label}: not run ({e})");
            return None;
        }
    };
    let elapsed = started.elapsed();
    let peak = timed
        .then(|| {
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<f64>().ok())
        })
        .flatten()
        .map_or_else(String::new, |kb| format!(", peak {:.0} MB", kb / 1024.0));
    println!("  {label:<60} {:>7.2} s{peak}", elapsed.as_secs_f64());
    Some(elapsed)
}

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_campaign-planner"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

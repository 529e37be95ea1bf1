//! Import benchmark (issue 2): the full-resolution King County precincts (30 MB GeoJSON, 2,611
//! precincts, ~1 M vertices) into a new campaign file, side by side with GDAL's
//! `ogr2ogr -f GPKG` on the same file.
//!
//! `cargo bench --bench import` — the input defaults to
//! `../shared/data/king-county-wa/precincts-full.geojson`; set `CAMPAIGN_PLANNER_BENCH_INPUT`
//! to use another file. Targets: at least 3× faster than ogr2ogr, peak memory under 4× the
//! input size.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use campaign_planner::io::{ImportOptions, import_precincts};
use campaign_planner::progress::ignore;
use campaign_planner::store::Campaign;

const RUNS: usize = 7;

fn main() {
    let input = std::env::var_os("CAMPAIGN_PLANNER_BENCH_INPUT").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/king-county-wa/precincts-full.geojson")
        },
        PathBuf::from,
    );
    let Ok(meta) = std::fs::metadata(&input) else {
        eprintln!(
            "skipped: benchmark input {} not found (set CAMPAIGN_PLANNER_BENCH_INPUT)",
            input.display()
        );
        return;
    };
    let input_mb = meta.len() as f64 / 1e6;
    let dir = tempfile::tempdir().expect("temporary directory");

    // Memory first, while this process's high-water mark is still its baseline.
    let baseline = vm_hwm_kib();
    let started = Instant::now();
    let features = import_once(&input, &dir.path().join("memory.campaign.gpkg"));
    let first = started.elapsed();
    let peak = vm_hwm_kib();

    let mut ours = vec![first];
    for i in 0..RUNS - 1 {
        let started = Instant::now();
        import_once(&input, &dir.path().join(format!("run{i}.campaign.gpkg")));
        ours.push(started.elapsed());
    }

    let mut gdal = Vec::new();
    for i in 0..3 {
        let out = dir.path().join(format!("ogr{i}.gpkg"));
        let started = Instant::now();
        let status = Command::new("ogr2ogr")
            .args(["-f", "GPKG"])
            .arg(&out)
            .arg(&input)
            .status();
        match status {
            Ok(s) if s.success() => gdal.push(started.elapsed()),
            _ => break,
        }
    }

    println!(
        "import benchmark: {} ({input_mb:.1} MB, {features} precincts)",
        input.display()
    );
    println!(
        "  campaign-planner import: median {:>7.1} ms  min {:>7.1} ms  ({RUNS} runs)",
        ms(median(&mut ours)),
        ms(min(&ours))
    );
    if let (Some(b), Some(p)) = (baseline, peak) {
        let used_mb = (p.saturating_sub(b)) as f64 * 1024.0 / 1e6;
        println!(
            "  peak memory of the import: {used_mb:.1} MB above a {:.1} MB baseline = {:.2}× the input",
            b as f64 * 1024.0 / 1e6,
            used_mb / input_mb
        );
    }
    if gdal.is_empty() {
        println!("  ogr2ogr -f GPKG: not run (GDAL's ogr2ogr not found)");
    } else {
        let g = median(&mut gdal);
        println!(
            "  ogr2ogr -f GPKG:         median {:>7.1} ms  min {:>7.1} ms  ({} runs)",
            ms(g),
            ms(min(&gdal)),
            gdal.len()
        );
        println!(
            "  speed-up over ogr2ogr: {:.1}× (target ≥ 3×)",
            g.as_secs_f64() / median(&mut ours).as_secs_f64()
        );
    }
}

fn import_once(input: &std::path::Path, target: &std::path::Path) -> usize {
    let mut campaign = Campaign::create(target, "bench").expect("new campaign");
    let report = import_precincts(&mut campaign, input, &ImportOptions::default(), &mut ignore)
        .expect("import succeeds");
    report.features
}

/// The process's peak resident memory (Linux), in KiB.
fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn min(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

//! The hostile-input harness: generated variants of the real fixtures for every importer
//! (GeoJSON, Shapefile triplets, GeoPackage, results CSV, doors CSV/GeoJSON/PBF) and the
//! formula parser — truncations, bit flips, bytes, numbers and tokens replaced, huge and deep
//! inputs, NaN and inf, sidecars of another file, pipes, folders and endless devices. Each
//! input must end in a clear error naming the file or in a correct import (the campaign then
//! validates and holds sane values), within bounded time and memory; a refusal leaves the
//! campaign byte-identical and no input is ever written to.
//!
//! The short mode runs in CI (a few hundred inputs per importer). The long mode is run by hand
//! before a release, with `HOSTILE_INPUTS` inputs per importer (default 1,000,000):
//! `cargo test --test hostile -- --ignored --nocapture`. A failing input is kept under
//! `target/tmp/hostile-failures/{short,long}/IMPORTER/NUMBER/` with `why.txt`; inputs are numbered, so a run
//! gives the same inputs every time. `HOSTILE_TRACE=1` names and keeps each input before it
//! runs (for one that aborts the process); `HOSTILE_ONLY=N,M` replays those inputs alone.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers fail loudly by design.

mod common;
#[path = "hostile/formula.rs"]
mod formula;
#[path = "hostile/mutate.rs"]
mod mutate;
#[path = "hostile/runner.rs"]
mod runner;
#[path = "hostile/shapes.rs"]
mod shapes;
#[path = "hostile/tables.rs"]
mod tables;

use std::path::{Path, PathBuf};

use runner::{Content, Input, Target};

use common::fixture;

/// The bytes of a fixture.
fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// `seed`'s files written in a folder beside `campaign`; the file to import.
fn write_seed(seed: &Input, campaign: &Path) -> PathBuf {
    let dir = campaign.with_extension("seed");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in &seed.files {
        if let Content::Bytes(b) = content {
            std::fs::write(dir.join(name), b).unwrap();
        }
    }
    dir.join(&seed.main)
}

/// `input` with its file `name` replaced by things that are not files, or too big to read.
fn specials(input: &Input, name: &str) -> Vec<Input> {
    [
        (Content::Fifo, "a named pipe"),
        (Content::Folder, "a folder"),
        (Content::DevZero, "/dev/zero"),
        (Content::Sparse(3 << 30), "3 GB of zeros"),
        (Content::Bytes(Vec::new()), "an empty file"),
    ]
    .into_iter()
    .map(|(content, what)| {
        let ext = name.rsplit('.').next().unwrap_or_default();
        input.with(name, Some(content), &format!("{what} (.{ext})"))
    })
    .collect()
}

/// Inputs per importer in the short mode (CI).
const SHORT: usize = 300;

/// Inputs per importer in the long mode.
fn long() -> usize {
    std::env::var("HOSTILE_INPUTS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(1_000_000)
}

fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Runs `target` and fails with every input that went wrong.
fn check(target: &dyn Target, n: usize, workers: usize) {
    let mode = if n > SHORT * 10 { "long" } else { "short" };
    let summary = runner::run(target, n, workers, mode);
    let report = summary.report(target.name());
    println!("{report}");
    if n > SHORT {
        // The long mode's figures, for the notes and BENCHMARKS.md.
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-long.txt");
        let mut text = std::fs::read_to_string(&log).unwrap_or_default();
        text.push_str(&report);
        std::fs::write(log, text).unwrap();
    }
    assert!(summary.failures.is_empty(), "{report}");
    assert!(
        summary.imported > 0,
        "nothing imported: the seeds must: {report}"
    );
    assert!(summary.refused > 0, "nothing refused: {report}");
    assert!(
        runner::peak_rss_mib() < runner::MEMORY_LIMIT_MIB,
        "memory: {report}"
    );
}

#[test]
fn hostile_geojson_shapes_end_in_a_clear_error_or_a_correct_import() {
    check(
        &shapes::Shapes {
            format: shapes::ShapeFormat::GeoJson,
        },
        SHORT,
        1,
    );
}

#[test]
fn hostile_shapefiles_and_mismatched_sidecars_end_in_a_clear_error_or_a_correct_import() {
    check(
        &shapes::Shapes {
            format: shapes::ShapeFormat::Shapefile,
        },
        SHORT,
        1,
    );
}

#[test]
fn hostile_geopackages_end_in_a_clear_error_or_a_correct_import() {
    check(
        &shapes::Shapes {
            format: shapes::ShapeFormat::GeoPackage,
        },
        SHORT,
        1,
    );
}

#[test]
fn hostile_results_files_end_in_a_clear_error_or_a_correct_import() {
    check(&tables::Results, SHORT, 1);
}

#[test]
fn hostile_door_csv_files_end_in_a_clear_error_or_a_correct_import() {
    check(
        &tables::Doors {
            format: tables::DoorFormat::Csv,
        },
        SHORT,
        1,
    );
}

#[test]
fn hostile_door_geojson_files_end_in_a_clear_error_or_a_correct_import() {
    check(
        &tables::Doors {
            format: tables::DoorFormat::GeoJson,
        },
        SHORT,
        1,
    );
}

#[test]
fn hostile_osm_extracts_end_in_a_clear_error_or_a_correct_import() {
    check(
        &tables::Doors {
            format: tables::DoorFormat::Pbf,
        },
        SHORT,
        1,
    );
}

#[test]
fn hostile_formulas_end_in_a_column_or_a_score_never_a_panic() {
    check(&formula::Formulas, SHORT * 10, 1);
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_geojson() {
    check(
        &shapes::Shapes {
            format: shapes::ShapeFormat::GeoJson,
        },
        long(),
        workers(),
    );
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_shapefiles() {
    check(
        &shapes::Shapes {
            format: shapes::ShapeFormat::Shapefile,
        },
        long(),
        workers(),
    );
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_geopackages() {
    check(
        &shapes::Shapes {
            format: shapes::ShapeFormat::GeoPackage,
        },
        long(),
        workers(),
    );
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_results() {
    check(&tables::Results, long(), workers());
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_door_csv() {
    check(
        &tables::Doors {
            format: tables::DoorFormat::Csv,
        },
        long(),
        workers(),
    );
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_door_geojson() {
    check(
        &tables::Doors {
            format: tables::DoorFormat::GeoJson,
        },
        long(),
        workers(),
    );
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_osm_extracts() {
    check(
        &tables::Doors {
            format: tables::DoorFormat::Pbf,
        },
        long(),
        workers(),
    );
}

#[test]
#[ignore = "long mode: a million inputs per importer; run by hand"]
fn long_hostile_formulas() {
    check(&formula::Formulas, long(), workers());
}

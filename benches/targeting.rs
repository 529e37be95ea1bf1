//! Targeting benchmark (issue 3) on the France-scale workload (DESIGN.md §9): 69,000
//! precincts, 3 elections, 10 lists.
//!
//! `cargo bench --bench targeting`. Targets: re-score and re-class in under 10 ms; importing a
//! results CSV of that size in under 1 s.

use std::time::{Duration, Instant};

use campaign_planner::domain::classify::ClassMethod;
use campaign_planner::domain::scoring::{Preset, ScoringParams, score};
use campaign_planner::io::csv_results::{ColumnMapping, import_results, read_results};
use campaign_planner::progress::ignore;
use campaign_planner::store::{Campaign, ElectionMeta};
use campaign_planner::synth;

fn main() {
    let data = synth::france_scoring_data(42);
    println!(
        "targeting benchmark: {} precincts, {} elections × {} lists",
        data.codes.len(),
        data.elections.len(),
        data.elections[0].lists.len()
    );
    let ours = vec!["Liste 3".to_owned()];
    let cases = [
        (
            "performance, quantile, 5 classes",
            Preset::Performance,
            ClassMethod::Quantile,
            None,
        ),
        (
            "mobilisation, quantile, 5 classes",
            Preset::Mobilisation,
            ClassMethod::Quantile,
            None,
        ),
        (
            "persuasion, equal, 5 classes",
            Preset::Persuasion,
            ClassMethod::Equal,
            None,
        ),
        (
            "mobilisation, jenks, 5 classes",
            Preset::Mobilisation,
            ClassMethod::Jenks,
            None,
        ),
        (
            "custom (registered - voters) * share, quantile",
            Preset::Custom,
            ClassMethod::Quantile,
            Some("(registered - voters) * share".to_owned()),
        ),
    ];
    for (label, preset, method, formula) in cases {
        let params = ScoringParams {
            preset,
            ours: ours.clone(),
            method,
            formula,
            ..ScoringParams::default()
        };
        let mut times: Vec<Duration> = (0..25)
            .map(|_| {
                let started = Instant::now();
                let scored = score(&data, &params).expect("scores");
                let elapsed = started.elapsed();
                std::hint::black_box(scored);
                elapsed
            })
            .collect();
        times.sort();
        println!(
            "  re-score + re-class, {label:<48} median {:>6.2} ms  max {:>6.2} ms  (target < 10 ms)",
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1])
        );
    }

    jenks_alone(&data, &ours);

    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("france.campaign.gpkg");
    let started = Instant::now();
    let precincts = synth::voronoi_precincts(synth::FRANCE_PRECINCTS, synth::FRANCE_BOX, 42);
    let generated = started.elapsed();
    let mut campaign = Campaign::create(&path, "France").expect("campaign");
    let started = Instant::now();
    campaign
        .replace_precincts(&precincts, &mut ignore)
        .expect("precincts");
    let stored = started.elapsed();
    println!(
        "  (setup: {} Voronoi precincts generated in {:.0} ms, stored in {:.0} ms)",
        precincts.len(),
        ms(generated),
        ms(stored)
    );
    let csv = dir.path().join("results.csv");
    std::fs::write(&csv, synth::results_csv(&data.codes, &data.elections[0])).expect("csv");
    let size_mb = std::fs::metadata(&csv).map_or(0.0, |m| m.len() as f64 / 1e6);
    let mut times = Vec::new();
    for run in 0..3 {
        let started = Instant::now();
        let report = import_results(
            &mut campaign,
            &csv,
            &ElectionMeta {
                name: "Élection 1".to_owned(),
                date: None,
                round: Some(1),
            },
            &ColumnMapping::default(),
        )
        .expect("results import");
        times.push(started.elapsed());
        assert_eq!(report.elections[0].join.matched, precincts.len());
        assert_eq!(report.elections[0].written.replaced, run > 0);
    }
    println!(
        "  results CSV import ({size_mb:.1} MB, {} rows × 10 lists, read + join + one transaction): {:>6.0} ms  (target < 1 s)",
        data.codes.len(),
        ms(times[0]),
    );
    println!(
        "  re-importing the same election (its old rows replaced): {:>6.0} ms, {:>6.0} ms",
        ms(times[1]),
        ms(times[2])
    );
    // Limits (issue 8): time linear in the number of columns, errors of a few lines.
    let codes = campaign.precinct_codes().expect("codes");
    let wide = dir.path().join("million-columns.csv");
    let n = 1_000_000;
    let header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..n).map(|i| (9_000_000 + i % 7).to_string()).collect();
    std::fs::write(&wide, format!("{}\n{}\n", header.join(","), row.join(","))).expect("csv");
    let started = Instant::now();
    let refused = read_results(&wide, &ColumnMapping::default(), &codes);
    let elapsed = started.elapsed();
    let message = match refused {
        Ok(_) => "(read)".to_owned(),
        Err(e) => e.to_string(),
    };
    println!(
        "  a header of 1,000,000 columns read and refused: {:>6.0} ms, error of {} bytes",
        ms(elapsed),
        message.len()
    );
    let quote = dir.path().join("unbalanced-quote.csv");
    let mut text = String::from("code,Liste 1,Liste 2\n1,\"2,3\n");
    while text.len() < 5_700_000 {
        text.push_str("12345,678,910\n");
    }
    std::fs::write(&quote, &text).expect("csv");
    let started = Instant::now();
    let message = match read_results(&quote, &ColumnMapping::default(), &codes) {
        Ok(_) => "(read)".to_owned(),
        Err(e) => e.to_string(),
    };
    println!(
        "  a 5.7 MB file with one unbalanced quote refused: {:>6.0} ms, error of {} bytes",
        ms(started.elapsed()),
        message.len()
    );

    let started = Instant::now();
    let loaded = campaign.scoring_data().expect("scoring data");
    println!(
        "  loading the campaign's results for scoring: {:>6.0} ms ({} elections)",
        ms(started.elapsed()),
        loaded.elections.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Natural breaks alone on the mobilisation scores and on 69,000 distinct values: ours
/// (`domain::jenks`) beside the `ckmeans` crate it replaced, same run.
fn jenks_alone(data: &campaign_planner::domain::results::ScoringData, ours: &[String]) {
    use campaign_planner::domain::classify::{Ramp, classify};
    let params = ScoringParams {
        preset: Preset::Mobilisation,
        ours: ours.to_vec(),
        ..ScoringParams::default()
    };
    let scores = score(data, &params).expect("scores").scores;
    let mut distinct: Vec<f64> = (0..scores.len())
        .map(|i| i as f64 * 1.37 + (i % 7) as f64 * 0.01)
        .collect();
    let mut state = 42_u64;
    for v in &mut distinct {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *v = (*v).sqrt() * 40.0 + (state % 1000) as f64 * 1e-4;
    }
    for (label, values) in [
        ("mobilisation scores", &scores),
        ("69,000 distinct values", &distinct),
    ] {
        let n_distinct = {
            let mut s: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            s.sort_by(f64::total_cmp);
            s.dedup();
            s.len()
        };
        for classes in [5_usize, 7] {
            let median = |f: &dyn Fn() -> usize| {
                let mut times: Vec<Duration> = (0..25)
                    .map(|_| {
                        let started = Instant::now();
                        std::hint::black_box(f());
                        started.elapsed()
                    })
                    .collect();
                times.sort();
                ms(times[times.len() / 2])
            };
            let ours = median(&|| {
                classify(values, classes, &ClassMethod::Jenks, Ramp::YlOrRd)
                    .expect("classes")
                    .legend
                    .len()
            });
            let theirs = median(&|| {
                let mut finite: Vec<f64> =
                    values.iter().copied().filter(|v| v.is_finite()).collect();
                finite.sort_unstable_by(f64::total_cmp);
                ckmeans::ckmeans_indices(&finite, classes as u8)
                    .expect("ckmeans")
                    .1
                    .len()
            });
            println!(
                "  Jenks alone, {label} ({n_distinct} distinct), {classes} classes: ours median {ours:>6.2} ms, ckmeans crate {theirs:>6.2} ms  (target ≤ 10 ms)"
            );
        }
    }
}

//! Walk order benchmark (issue 11): a seeded synthetic town of streets every 100 m with doors on
//! both sides every 12 m, numbered odd on one side and even on the other, some of them several
//! doors to an address. Reports the time to order one 300-door turf (median and worst of 60
//! turfs) and to order 100,000 doors cut into 400 turfs, streets looked up per turf.
//!
//! `cargo bench --bench walk`. Targets: ≤ 20 ms for a 300-door turf; ≤ 3 s for 100,000 doors
//! in 400 turfs.

use std::time::Instant;

use campaign_planner::domain::walk::{StreetIndex, WalkDoor, WalkMode, WalkStreet, walk_order_on};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

const M: f64 = 1.0 / 111_320.0;
const LAT: f64 = 48.85;

/// Streets of a `blocks` × `blocks` grid (one way per block side, like OpenStreetMap's ways
/// between crossings), and their doors.
fn town(blocks: usize, seed: u64) -> (Vec<WalkStreet>, Vec<WalkDoor>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mx = M / LAT.to_radians().cos();
    let at = |x: f64, y: f64| (2.0 + x * mx, LAT + y * M);
    let mut streets = Vec::new();
    let mut doors = Vec::new();
    for horizontal in [true, false] {
        for line in 0..=blocks {
            let name = format!("{} {line}", if horizontal { "Rue" } else { "Avenue" });
            let mut number = [1_u32, 2_u32];
            for block in 0..blocks {
                let (a, b) = (block as f64 * 100.0, (block + 1) as f64 * 100.0);
                let c = line as f64 * 100.0;
                // A slight bend in each block: lines are not all straight.
                let bend = rng.random_range(-4.0..4.0);
                let points = if horizontal {
                    vec![at(a, c), at(a + 50.0, c + bend), at(b, c)]
                } else {
                    vec![at(c, a), at(c + bend, a + 50.0), at(c, b)]
                };
                streets.push(WalkStreet {
                    name: name.clone(),
                    points,
                });
                let mut t = a + 8.0;
                while t < b - 8.0 {
                    for (side, offset) in [(0, 10.0), (1, -10.0)] {
                        let households = if rng.random_range(0..10) == 0 { 3 } else { 1 };
                        for _ in 0..households {
                            let jitter = rng.random_range(-2.0..2.0);
                            let (x, y) = if horizontal {
                                at(t + jitter, c + offset)
                            } else {
                                at(c - offset, t + jitter)
                            };
                            doors.push(WalkDoor {
                                point: (x, y),
                                street: Some(name.clone()),
                                housenumber: Some(number[side]),
                                suffix: None,
                            });
                        }
                        number[side] += 2;
                    }
                    t += 12.0;
                }
            }
        }
    }
    (streets, doors)
}

/// Doors in Morton order cut into turfs of `size`.
fn turfs(mut doors: Vec<WalkDoor>, size: usize) -> Vec<Vec<WalkDoor>> {
    let morton = |d: &WalkDoor| {
        let x = ((d.point.0 - 1.9) * 1e5) as u64;
        let y = ((d.point.1 - 48.8) * 1e5) as u64;
        (0..24).fold(0_u64, |m, b| {
            m | ((x >> b & 1) << (2 * b)) | ((y >> b & 1) << (2 * b + 1))
        })
    };
    doors.sort_by_key(morton);
    doors.chunks(size).map(<[WalkDoor]>::to_vec).collect()
}

fn main() {
    // 300-door turfs.
    let (streets, doors) = town(24, 1);
    let index = StreetIndex::new(streets);
    let mut times: Vec<f64> = turfs(doors, 300)
        .iter()
        .take(60)
        .map(|turf| {
            let started = Instant::now();
            let near = index.near(turf);
            let order = walk_order_on(turf, &near, WalkMode::UpAndBack, None);
            assert_eq!(order.len(), turf.len());
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "walk order, one 300-door turf ({} turfs): median {:.1} ms, worst {:.1} ms (target ≤ 20 ms)",
        times.len(),
        times[times.len() / 2],
        times[times.len() - 1]
    );
    // 100,000 doors in 400 turfs.
    let (streets, doors) = town(56, 2);
    let doors: Vec<WalkDoor> = doors.into_iter().take(100_000).collect();
    let n = doors.len();
    let cut = turfs(doors, n.div_ceil(400));
    let started = Instant::now();
    let index = StreetIndex::new(streets);
    let mut walked = 0;
    for turf in &cut {
        let near = index.near(turf);
        walked += walk_order_on(turf, &near, WalkMode::UpAndBack, None).len();
    }
    assert_eq!(walked, n);
    println!(
        "walk order, {n} doors in {} turfs: {:.2} s (target ≤ 3 s)",
        cut.len(),
        started.elapsed().as_secs_f64()
    );
}

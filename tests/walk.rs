//! Walk order on real streets: the Helsinki address points and the streets of the same
//! OpenStreetMap extract (© OpenStreetMap contributors, `ODbL`), cut into 100-door turfs.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use campaign_planner::domain::walk::{
    Search, WalkDoor, WalkMode, WalkStreet, walk_length, walk_order_on, walk_order_searched,
};
use common::fixture;
use rand::rngs::StdRng;
use rand::{SeedableRng as _, seq::SliceRandom as _};

/// The Helsinki doors, with their parts, and the extract's streets.
fn helsinki() -> (Vec<WalkDoor>, Vec<WalkStreet>) {
    let doors =
        campaign_planner::io::doors::read_doors(&fixture("helsinki-address-points.geojson"))
            .unwrap()
            .into_iter()
            .map(|d| WalkDoor {
                point: (d.point.x(), d.point.y()),
                street: d.parts.street,
                housenumber: d.parts.housenumber,
                suffix: d.parts.suffix,
            })
            .collect();
    let streets = campaign_planner::io::streets::read_streets(
        &fixture("helsinki.osm.pbf"),
        None,
        &mut campaign_planner::progress::ignore,
    )
    .unwrap()
    .streets
    .into_iter()
    .map(|s| WalkStreet {
        name: s.name,
        points: s.points.iter().map(|c| (c.x, c.y)).collect(),
    })
    .collect();
    (doors, streets)
}

/// Turfs of 100 neighbouring doors (Morton order).
fn turfs(mut doors: Vec<WalkDoor>) -> Vec<Vec<WalkDoor>> {
    let morton = |d: &WalkDoor| {
        let x = ((d.point.0 - 24.0) * 1e5) as u64;
        let y = ((d.point.1 - 60.0) * 1e5) as u64;
        (0..24).fold(0_u64, |m, b| {
            m | ((x >> b & 1) << (2 * b)) | ((y >> b & 1) << (2 * b + 1))
        })
    };
    doors.sort_by_key(morton);
    doors.chunks(100).map(<[WalkDoor]>::to_vec).collect()
}

/// The shortest open walk through the doors from the same first door that 2-opt finds from
/// 20 random starting orders: the reference a street-blind optimiser reaches.
fn best_two_opt(doors: &[WalkDoor], first: usize, seed: u64) -> f64 {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut best = f64::MAX;
    for _ in 0..20 {
        let mut order: Vec<usize> = (0..doors.len()).filter(|&i| i != first).collect();
        order.shuffle(&mut rng);
        order.insert(0, first);
        let d = |a: usize, b: usize| walk_length(doors, &[a, b]);
        let n = order.len();
        let mut improved = true;
        while improved {
            improved = false;
            for i in 1..n - 1 {
                for j in i + 1..n {
                    let before = d(order[i - 1], order[i])
                        + if j + 1 < n {
                            d(order[j], order[j + 1])
                        } else {
                            0.0
                        };
                    let after = d(order[i - 1], order[j])
                        + if j + 1 < n {
                            d(order[i], order[j + 1])
                        } else {
                            0.0
                        };
                    if after + 1e-9 < before {
                        order[i..=j].reverse();
                        improved = true;
                    }
                }
            }
        }
        best = best.min(walk_length(doors, &order));
    }
    best
}

/// One door per address (street, number, suffix) at the mean of its points: what a canvasser
/// knocks at, where the extract has many points (shops, offices) for one building.
fn one_per_address(doors: &[WalkDoor]) -> Vec<WalkDoor> {
    type Key = (Option<String>, Option<u32>, Option<String>);
    let mut by: std::collections::BTreeMap<Key, Vec<&WalkDoor>> = std::collections::BTreeMap::new();
    for d in doors {
        by.entry((d.street.clone(), d.housenumber, d.suffix.clone()))
            .or_default()
            .push(d);
    }
    by.into_values()
        .map(|group| {
            let n = group.len() as f64;
            let mut d = group[0].clone();
            d.point = (
                group.iter().map(|g| g.point.0).sum::<f64>() / n,
                group.iter().map(|g| g.point.1).sum::<f64>() / n,
            );
            d
        })
        .collect()
}

/// Walk lengths summed over 100-door turfs.
#[derive(Default)]
struct Lengths {
    /// Up one side and back the other (the default).
    walked: f64,
    /// Both sides together.
    both: f64,
    /// An address list: alphabetical by street, then number.
    listed: f64,
    /// The same street sides chained by the best of 20 random-restart 2-opt runs.
    restarts: f64,
    /// The doors alone (no streets, no sides) by the best of 20 random-restart 2-opt runs.
    free: f64,
}

fn lengths(doors: Vec<WalkDoor>, streets: &[WalkStreet]) -> Lengths {
    let mut l = Lengths::default();
    for (k, turf) in turfs(doors).iter().enumerate() {
        let order = walk_order_on(turf, streets, WalkMode::UpAndBack, None);
        l.walked += walk_length(turf, &order);
        l.listed += walk_length(turf, &walk_order_on(turf, &[], WalkMode::NumberOrder, None));
        l.both += walk_length(
            turf,
            &walk_order_on(turf, streets, WalkMode::BothSides, None),
        );
        let search = Search {
            nearest_neighbour: false,
            restarts: 20,
            seed: k as u64 + 1,
        };
        l.restarts += walk_length(
            turf,
            &walk_order_searched(turf, streets, WalkMode::UpAndBack, None, search),
        );
        l.free += best_two_opt(turf, order[0], k as u64);
    }
    l
}

#[test]
fn helsinki_turfs_walked_along_their_streets_beat_an_address_list_and_come_near_the_best_two_opt() {
    let (doors, streets) = helsinki();
    assert!(doors.len() > 1300 && streets.len() > 500);
    let addresses = one_per_address(&doors);
    for (label, doors) in [
        ("every address point", doors),
        ("one door per address", addresses),
    ] {
        let n = doors.len();
        let l = lengths(doors, &streets);
        println!(
            "Helsinki, {label} ({n}), 100-door turfs: up and back {:.0} m, both sides {:.0} m, \
             address list {:.0} m, street sides chained by the best of 20 random-restart 2-opt \
             runs {:.0} m, doors alone by the best of 20 random-restart 2-opt runs {:.0} m; up \
             and back / list = {:.2}, / restarts = {:.2}, / doors alone = {:.2}; both sides / \
             doors alone = {:.2}",
            l.walked,
            l.both,
            l.listed,
            l.restarts,
            l.free,
            l.walked / l.listed,
            l.walked / l.restarts,
            l.walked / l.free,
            l.both / l.free,
        );
        assert!(l.walked <= 0.7 * l.listed, "{label}");
        assert!(l.walked <= 1.15 * l.restarts, "{label}");
    }
}

//! Walk order tests: every door once, sides whole, repeatable, shorter than a list.

use super::*;

fn door(lon: f64, lat: f64, street: Option<&str>, number: Option<u32>) -> WalkDoor {
    WalkDoor {
        point: (lon, lat),
        street: street.map(str::to_owned),
        housenumber: number,
        suffix: None,
    }
}

/// Two parallel streets of 20 numbers each (odd on the north side), and loose doors.
fn neighbourhood() -> Vec<WalkDoor> {
    let mut doors = Vec::new();
    for (street, lat) in [("Rue A", 48.8500), ("Rue B", 48.8520)] {
        for n in 1..=20_u32 {
            let side = if n % 2 == 1 { 0.00005 } else { -0.00005 };
            let along = 2.35 + f64::from(n.div_ceil(2)) * 0.0002;
            doors.push(door(along, lat + side, Some(street), Some(n)));
        }
    }
    for k in 0..7 {
        doors.push(door(2.351 + f64::from(k) * 0.0003, 48.8540, None, None));
    }
    doors
}

#[test]
fn every_door_is_walked_once_and_each_side_of_a_street_in_one_run() {
    let doors = neighbourhood();
    for mode in [
        WalkMode::UpAndBack,
        WalkMode::BothSides,
        WalkMode::NumberOrder,
    ] {
        let order = walk_order(&doors, mode, None);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..doors.len()).collect::<Vec<_>>(), "{mode:?}");
    }
    let order = walk_order(&doors, WalkMode::UpAndBack, None);
    for street in ["Rue A", "Rue B"] {
        for parity in [0, 1] {
            let at: Vec<usize> = order
                .iter()
                .enumerate()
                .filter(|&(_, &i)| {
                    doors[i].street.as_deref() == Some(street)
                        && doors[i].housenumber.is_some_and(|n| n % 2 == parity)
                })
                .map(|(k, _)| k)
                .collect();
            assert_eq!(at.len(), 10);
            assert_eq!(
                at[9] - at[0],
                9,
                "{street} side {parity} is one run: {at:?}"
            );
        }
    }
}

#[test]
fn up_one_side_and_back_the_other_ends_where_the_street_began() {
    let doors: Vec<WalkDoor> = neighbourhood().into_iter().take(20).collect();
    let order = walk_order(&doors, WalkMode::UpAndBack, Some((2.35, 48.85)));
    let numbers: Vec<u32> = order
        .iter()
        .map(|&i| doors[i].housenumber.unwrap())
        .collect();
    assert_eq!(&numbers[..10], &[1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    assert_eq!(&numbers[10..], &[20, 18, 16, 14, 12, 10, 8, 6, 4, 2]);
}

#[test]
fn the_same_doors_always_give_the_same_walk_and_a_shorter_one_than_a_list() {
    let doors = neighbourhood();
    let a = walk_order(&doors, WalkMode::UpAndBack, None);
    let b = walk_order(&doors, WalkMode::UpAndBack, None);
    assert_eq!(a, b);
    let list = walk_order(&doors, WalkMode::NumberOrder, None);
    assert!(walk_length(&doors, &a) < walk_length(&doors, &list));
}

#[test]
fn loose_doors_are_chained_by_nearest_neighbour_and_two_opt() {
    // Points on a circle, shuffled: the walk goes round it, not across.
    let mut doors: Vec<WalkDoor> = (0..40)
        .map(|k| {
            let t = f64::from((k * 17) % 40) / 40.0 * std::f64::consts::TAU;
            door(2.35 + 0.002 * t.cos(), 48.85 + 0.0013 * t.sin(), None, None)
        })
        .collect();
    doors.push(door(2.35, 48.85, Some(""), None));
    let order = walk_order(&doors, WalkMode::UpAndBack, None);
    assert_eq!(order.len(), doors.len());
    let circumference = std::f64::consts::TAU * 150.0;
    assert!(
        walk_length(&doors, &order) < 1.6 * circumference,
        "{} m",
        walk_length(&doors, &order)
    );
}

#[test]
fn on_random_turfs_every_door_is_walked_once_street_sides_stay_whole_and_walks_repeat() {
    use rand::rngs::StdRng;
    use rand::{Rng as _, SeedableRng as _};
    for seed in 0..200_u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(1..120);
        let doors: Vec<WalkDoor> = (0..n)
            .map(|_| {
                let street = match rng.random_range(0..5) {
                    0 => None,
                    k => Some(format!("Street {k}")),
                };
                let number = (rng.random_range(0..4) > 0).then(|| rng.random_range(1..60));
                door(
                    2.35 + rng.random_range(0.0..0.01),
                    48.85 + rng.random_range(0.0..0.01),
                    street.as_deref(),
                    number,
                )
            })
            .collect();
        for mode in [
            WalkMode::UpAndBack,
            WalkMode::BothSides,
            WalkMode::NumberOrder,
        ] {
            let order = walk_order(&doors, mode, None);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "seed {seed} {mode:?}");
            assert_eq!(order, walk_order(&doors, mode, None), "seed {seed}");
        }
        // Default mode: each street's numbered doors of one parity form one run.
        let order = walk_order(&doors, WalkMode::UpAndBack, None);
        for k in 1..5 {
            for parity in [0, 1] {
                let at: Vec<usize> = order
                    .iter()
                    .enumerate()
                    .filter(|&(_, &i)| {
                        doors[i].street.as_deref() == Some(&format!("Street {k}"))
                            && doors[i].housenumber.is_some_and(|n| n % 2 == parity)
                    })
                    .map(|(p, _)| p)
                    .collect();
                if let (Some(first), Some(last)) = (at.first(), at.last()) {
                    assert_eq!(last - first + 1, at.len(), "seed {seed} street {k}");
                }
            }
        }
    }
}

#[test]
fn helsinki_turfs_are_walked_in_under_seven_tenths_of_an_address_list_s_length() {
    // The Helsinki address points (© OpenStreetMap contributors, ODbL), cut into turfs of
    // 100 neighbouring doors (in Morton order), each walked and compared with the same
    // doors in alphabetical address order.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/helsinki-address-points.geojson"
    ))
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut doors: Vec<WalkDoor> = json["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let c = f["geometry"]["coordinates"].as_array()?;
            let p = &f["properties"];
            let number = p["addr_housenumber"].as_str().unwrap_or("");
            let parsed = crate::domain::address::parse(&format!("x {number}"));
            Some(WalkDoor {
                point: (c[0].as_f64()?, c[1].as_f64()?),
                street: p["addr_street"].as_str().map(str::to_owned),
                housenumber: parsed.housenumber,
                suffix: parsed.suffix,
            })
        })
        .collect();
    let morton = |d: &WalkDoor| {
        let x = ((d.point.0 - 24.0) * 1e5) as u64;
        let y = ((d.point.1 - 60.0) * 1e5) as u64;
        (0..24).fold(0_u64, |m, b| {
            m | ((x >> b & 1) << (2 * b)) | ((y >> b & 1) << (2 * b + 1))
        })
    };
    doors.sort_by_key(morton);
    let (mut walked, mut listed) = (0.0, 0.0);
    for turf in doors.chunks(100) {
        walked += walk_length(turf, &walk_order(turf, WalkMode::UpAndBack, None));
        listed += walk_length(turf, &walk_order(turf, WalkMode::NumberOrder, None));
    }
    assert!(doors.len() > 1300, "{} doors", doors.len());
    assert!(
        walked <= 0.7 * listed,
        "walked {walked:.0} m against {listed:.0} m in address order"
    );
}

/// An L-shaped street of two ways (east, then north), numbered without regard to sides, with
/// doors 12 m either side of it.
fn l_street() -> (Vec<WalkDoor>, Vec<WalkStreet>) {
    let (x0, y0) = (2.35_f64, 48.85_f64);
    let m = 1.0 / 111_320.0;
    let mx = m / y0.to_radians().cos();
    let streets = vec![
        WalkStreet {
            name: "Rue Coudée".into(),
            points: vec![(x0, y0), (x0 + 200.0 * mx, y0)],
        },
        WalkStreet {
            name: "rue coudée".into(),
            points: vec![(x0 + 200.0 * mx, y0), (x0 + 200.0 * mx, y0 + 200.0 * m)],
        },
    ];
    let mut doors = Vec::new();
    for (k, t) in [20.0, 60.0, 100.0, 140.0, 180.0, 230.0, 280.0, 330.0]
        .into_iter()
        .enumerate()
    {
        // Along the L, then 12 m to its left (north, then west) or right.
        for left in [true, false] {
            let off = if left { 12.0 } else { -12.0 };
            let (x, y) = if t <= 200.0 {
                (x0 + t * mx, y0 + off * m)
            } else {
                (x0 + (200.0 - off) * mx, y0 + (t - 200.0) * m)
            };
            // Parities mixed on both sides: 1, 6, 9, 14… on the left.
            let k = k as u32;
            let number = 4 * k + if left { 1 + k % 2 } else { 3 + k % 2 };
            doors.push(WalkDoor {
                point: (x, y),
                street: Some("Rue Coudée".into()),
                housenumber: Some(number),
                suffix: None,
            });
        }
    }
    (doors, streets)
}

#[test]
fn with_the_street_s_line_each_side_comes_from_the_geometry_and_runs_along_it() {
    let (doors, streets) = l_street();
    // Numbers of both parities on each side: parity would mix the sides.
    let order = walk_order_on(&doors, &streets, WalkMode::UpAndBack, Some((2.35, 48.85)));
    let left: Vec<usize> = (0..doors.len()).filter(|i| i % 2 == 0).collect();
    // The left side first, along the L from its start, then the right side back.
    assert_eq!(&order[..8], &left[..]);
    let mut right: Vec<usize> = (0..doors.len()).filter(|i| i % 2 == 1).collect();
    right.reverse();
    assert_eq!(&order[8..], &right[..]);
    // Without geometry, the sides are parities: another walk.
    assert_ne!(
        walk_order(&doors, WalkMode::UpAndBack, Some((2.35, 48.85))),
        order
    );
    // Both sides together: along the street.
    let both = walk_order_on(&doors, &streets, WalkMode::BothSides, Some((2.35, 48.85)));
    let pairs: Vec<usize> = both.iter().map(|i| i / 2).collect();
    assert!(pairs.windows(2).all(|w| w[0] <= w[1]), "{both:?}");
}

#[test]
fn doors_of_one_address_are_one_stop_in_the_walk() {
    let (mut doors, streets) = l_street();
    // Three shops at number 1, spread 15 m apart, and number 3 between them by position.
    let first = doors[0].clone();
    for k in 1..=3 {
        let mut d = first.clone();
        d.point.0 += f64::from(k) * 15.0 / 111_320.0 / 48.85_f64.to_radians().cos();
        doors.push(d);
    }
    let order = walk_order_on(&doors, &streets, WalkMode::UpAndBack, Some((2.35, 48.85)));
    let at: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|&(_, &i)| doors[i].housenumber == Some(1))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(at.len(), 4);
    assert_eq!(at[3] - at[0], 3, "number 1's doors in one run: {order:?}");
}

#[test]
fn on_random_streets_every_door_is_walked_once_each_line_side_stays_whole_and_walks_repeat() {
    use rand::rngs::StdRng;
    use rand::{Rng as _, SeedableRng as _};
    let m = 1.0 / 111_320.0;
    for seed in 0..60_u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        // A few random streets (polylines of 2–5 vertices) and doors near them.
        let streets: Vec<WalkStreet> = (0..rng.random_range(1..5))
            .map(|k| {
                let mut p = (
                    2.35 + rng.random_range(0.0..0.005),
                    48.85 + rng.random_range(0.0..0.005),
                );
                let points = (0..rng.random_range(2..6))
                    .map(|_| {
                        p.0 += rng.random_range(-150.0..150.0) * m * 1.5;
                        p.1 += rng.random_range(-150.0..150.0) * m;
                        p
                    })
                    .collect();
                WalkStreet {
                    name: format!("Street {k}"),
                    points,
                }
            })
            .collect();
        let doors: Vec<WalkDoor> = (0..rng.random_range(1..150))
            .map(|_| {
                let s = &streets[rng.random_range(0..streets.len())];
                let v = s.points[rng.random_range(0..s.points.len())];
                WalkDoor {
                    point: (
                        v.0 + rng.random_range(-60.0..60.0) * m * 1.5,
                        v.1 + rng.random_range(-60.0..60.0) * m,
                    ),
                    street: (rng.random_range(0..6) > 0).then(|| s.name.clone()),
                    housenumber: (rng.random_range(0..4) > 0).then(|| rng.random_range(1..80)),
                    suffix: None,
                }
            })
            .collect();
        for mode in [
            WalkMode::UpAndBack,
            WalkMode::BothSides,
            WalkMode::NumberOrder,
        ] {
            let order = walk_order_on(&doors, &streets, mode, None);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                (0..doors.len()).collect::<Vec<_>>(),
                "seed {seed} {mode:?}"
            );
            assert_eq!(
                order,
                walk_order_on(&doors, &streets, mode, None),
                "seed {seed}"
            );
        }
        // Default mode: the doors of one street on one side of its line form one run. The
        // side is recomputed here independently: the sign of the cross product with the
        // nearest segment of the same-named line, for doors within the snapping distance.
        let order = walk_order_on(&doors, &streets, WalkMode::UpAndBack, None);
        // Some(Some(side)): a known side; Some(None): near a bend, either side; None: off.
        let side = |d: &WalkDoor| -> Option<Option<(String, bool)>> {
            let name = d.street.clone()?;
            let s = streets.iter().find(|s| s.name == name)?;
            let k = 1.0 / m;
            let kx = k * 48.85_f64.to_radians().cos();
            let p = (d.point.0 * kx, d.point.1 * k);
            let mut found: Vec<(f64, bool)> = Vec::new();
            for w in s.points.windows(2) {
                let (a, b) = ((w[0].0 * kx, w[0].1 * k), (w[1].0 * kx, w[1].1 * k));
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let len2 = dx * dx + dy * dy;
                let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
                let dist = (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy);
                found.push((dist, dx * (p.1 - a.1) - dy * (p.0 - a.0) > 0.0));
            }
            let dist = found.iter().map(|f| f.0).fold(f64::MAX, f64::min);
            // Near a bend two segments are nearly as near: sides there are ambiguous.
            let near: Vec<bool> = found
                .iter()
                .filter(|f| f.0 < dist + 3.0)
                .map(|f| f.1)
                .collect();
            let left = near[0];
            if dist >= SNAP_METRES - 3.0 {
                return None;
            }
            Some(near.iter().all(|&l| l == left).then_some((name, left)))
        };
        let mut runs: std::collections::BTreeMap<(String, bool), Vec<usize>> =
            std::collections::BTreeMap::new();
        // Doors near a bend may be on either side: left out of the check.
        let order: Vec<usize> = order
            .into_iter()
            .filter(|&i| side(&doors[i]) != Some(None))
            .collect();
        for (pos, &i) in order.iter().enumerate() {
            if let Some(Some(key)) = side(&doors[i]) {
                runs.entry(key).or_default().push(pos);
            }
        }
        for (key, at) in runs {
            let breaks = at.windows(2).filter(|w| w[1] != w[0] + 1).count();
            if breaks > 0 {
                let gap = at.windows(2).find(|w| w[1] != w[0] + 1).map(|w| w[0] + 1);
                let d = gap.map(|g| (&doors[order[g]], side(&doors[order[g]])));
                panic!("seed {seed} {key:?}: {at:?}; at the gap {d:?}");
            }
        }
    }
}

//! Walk order: a turf's doors in the order a canvasser walks them.
//!
//! Doors are grouped by street (by name, until streets have geometry in the campaign file) and
//! split into sides by house-number parity. Within a side they run in number order. In the
//! default mode a street is walked up one side and back down the other, so it starts and ends
//! at the same end. Streets, and doors with neither a street nor a number, are then chained:
//! nearest neighbour from the meeting point, improved by 2-opt. Each street may be walked from
//! either end.

/// A door to put in order.
#[derive(Clone, Debug, PartialEq)]
pub struct WalkDoor {
    /// Where it is (longitude, latitude).
    pub point: (f64, f64),
    /// Its street, if known.
    pub street: Option<String>,
    /// The integer part of its house number, if known.
    pub housenumber: Option<u32>,
    /// What follows the number ("bis", "A"), if anything.
    pub suffix: Option<String>,
}

/// How a street is walked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WalkMode {
    /// Up one side and back down the other (odd numbers up, even numbers back).
    #[default]
    UpAndBack,
    /// Both sides together, in number order (a narrow street crossed back and forth).
    BothSides,
    /// Every street in name order, numbers ascending: the order of an address list.
    NumberOrder,
}

/// A stretch walked without a break: one street (or one side of it), or one loose door.
#[derive(Clone, Debug)]
struct Stretch {
    doors: Vec<usize>,
    /// Where walking it starts and ends (metres), forwards.
    entry: (f64, f64),
    exit: (f64, f64),
}

/// The doors in walking order (indices into `doors`), starting at `start` (longitude,
/// latitude; by default the door nearest the doors' centre). Every door appears exactly once;
/// the same input always gives the same order.
#[must_use]
pub fn walk_order(doors: &[WalkDoor], mode: WalkMode, start: Option<(f64, f64)>) -> Vec<usize> {
    if doors.is_empty() {
        return Vec::new();
    }
    let project = projection(doors);
    let at: Vec<(f64, f64)> = doors.iter().map(|d| project(d.point)).collect();
    // Streets by name, in name order so that the result never depends on a hash.
    let mut streets: std::collections::BTreeMap<String, Vec<usize>> =
        std::collections::BTreeMap::new();
    let mut loose = Vec::new();
    for (i, d) in doors.iter().enumerate() {
        match d.street.as_deref().map(normalise).filter(|s| !s.is_empty()) {
            Some(name) => streets.entry(name).or_default().push(i),
            None => loose.push(i),
        }
    }
    if mode == WalkMode::NumberOrder {
        let mut out = Vec::with_capacity(doors.len());
        for members in streets.values() {
            out.extend(by_number(doors, members));
        }
        out.extend(loose);
        return out;
    }
    let mut stretches: Vec<Stretch> = Vec::new();
    for members in streets.values() {
        let numbered: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| doors[i].housenumber.is_some())
            .collect();
        let unnumbered: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| doors[i].housenumber.is_none())
            .collect();
        let order = match mode {
            WalkMode::UpAndBack => {
                let odd: Vec<usize> = numbered
                    .iter()
                    .copied()
                    .filter(|&i| doors[i].housenumber.is_some_and(|n| n % 2 == 1))
                    .collect();
                let even: Vec<usize> = numbered
                    .iter()
                    .copied()
                    .filter(|&i| doors[i].housenumber.is_some_and(|n| n % 2 == 0))
                    .collect();
                let mut order = by_number(doors, &odd);
                let mut back = by_number(doors, &even);
                back.reverse();
                order.extend(back);
                order
            }
            WalkMode::BothSides | WalkMode::NumberOrder => by_number(doors, &numbered),
        };
        if !order.is_empty() {
            stretches.push(stretch(order, &at));
        }
        // Doors of the street without a number are walked as loose doors.
        loose.extend(unnumbered);
    }
    loose.sort_unstable();
    for i in loose {
        stretches.push(stretch(vec![i], &at));
    }
    let start = start.map_or_else(|| nearest_to_centre(&at), project);
    chain(&stretches, start)
        .into_iter()
        .flat_map(|(k, forwards)| {
            let doors = &stretches[k].doors;
            let ordered: Vec<usize> = if forwards {
                doors.clone()
            } else {
                doors.iter().rev().copied().collect()
            };
            ordered
        })
        .collect()
}

/// Names compared without case or repeated spaces.
fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Doors in number order (then suffix, then index).
fn by_number(doors: &[WalkDoor], members: &[usize]) -> Vec<usize> {
    let mut out = members.to_vec();
    out.sort_by(|&a, &b| {
        let key = |i: usize| {
            (
                doors[i].housenumber.unwrap_or(u32::MAX),
                doors[i].suffix.as_deref().unwrap_or("").to_lowercase(),
                i,
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

fn stretch(doors: Vec<usize>, at: &[(f64, f64)]) -> Stretch {
    let entry = at[doors[0]];
    let exit = at[doors[doors.len() - 1]];
    Stretch { doors, entry, exit }
}

/// Metres east and north of the doors' centre (equirectangular: exact enough within a turf).
fn projection(doors: &[WalkDoor]) -> impl Fn((f64, f64)) -> (f64, f64) {
    let n = doors.len() as f64;
    let lon0 = doors.iter().map(|d| d.point.0).sum::<f64>() / n;
    let lat0 = doors.iter().map(|d| d.point.1).sum::<f64>() / n;
    let k = 111_320.0;
    let kx = k * lat0.to_radians().cos();
    move |(lon, lat)| ((lon - lon0) * kx, (lat - lat0) * k)
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

fn nearest_to_centre(at: &[(f64, f64)]) -> (f64, f64) {
    at.iter()
        .copied()
        .min_by(|a, b| distance(*a, (0.0, 0.0)).total_cmp(&distance(*b, (0.0, 0.0))))
        .unwrap_or((0.0, 0.0))
}

/// The stretches' order and direction (`true`: forwards): nearest neighbour from `start`, then
/// 2-opt (a run of stretches reversed, each walked the other way) until nothing shortens.
fn chain(stretches: &[Stretch], start: (f64, f64)) -> Vec<(usize, bool)> {
    let ends = |(k, forwards): (usize, bool)| {
        let s = &stretches[k];
        if forwards {
            (s.entry, s.exit)
        } else {
            (s.exit, s.entry)
        }
    };
    // Nearest neighbour.
    let mut done = vec![false; stretches.len()];
    let mut order: Vec<(usize, bool)> = Vec::with_capacity(stretches.len());
    let mut here = start;
    for _ in 0..stretches.len() {
        let mut best: Option<((usize, bool), f64)> = None;
        for (k, s) in stretches.iter().enumerate() {
            if done[k] {
                continue;
            }
            for (forwards, entry) in [(true, s.entry), (false, s.exit)] {
                let d = distance(here, entry);
                if best.is_none_or(|(_, b)| d < b) {
                    best = Some(((k, forwards), d));
                }
            }
        }
        let Some((step, _)) = best else { break };
        done[step.0] = true;
        here = ends(step).1;
        order.push(step);
    }
    // 2-opt: reversing order[i..=j] walks each of those stretches the other way.
    let gap = |order: &[(usize, bool)], i: usize| -> f64 {
        // The walk into order[i] (from the start, or from the stretch before it).
        let from = if i == 0 { start } else { ends(order[i - 1]).1 };
        distance(from, ends(order[i]).0)
    };
    let n = order.len();
    let mut improved = true;
    let mut passes = 0;
    while improved && passes < 50 {
        improved = false;
        passes += 1;
        for i in 0..n {
            for j in i + 1..n {
                let before = gap(&order, i) + if j + 1 < n { gap(&order, j + 1) } else { 0.0 };
                let from = if i == 0 { start } else { ends(order[i - 1]).1 };
                let first = (order[j].0, !order[j].1);
                let last = (order[i].0, !order[i].1);
                let after = distance(from, ends(first).0)
                    + if j + 1 < n {
                        distance(ends(last).1, ends(order[j + 1]).0)
                    } else {
                        0.0
                    };
                if after + 1e-9 < before {
                    order[i..=j].reverse();
                    for step in &mut order[i..=j] {
                        step.1 = !step.1;
                    }
                    improved = true;
                }
            }
        }
    }
    order
}

/// The length of a walk (metres, in straight lines), from its first door.
#[must_use]
pub fn walk_length(doors: &[WalkDoor], order: &[usize]) -> f64 {
    if doors.is_empty() {
        return 0.0;
    }
    let project = projection(doors);
    order
        .windows(2)
        .map(|w| distance(project(doors[w[0]].point), project(doors[w[1]].point)))
        .sum()
}

#[cfg(test)]
mod tests {
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
}

//! Chaining a walk's stretches: which street side after which, and which way round.

use super::{Search, Stretch, distance};

/// Random restarts of the chain's improvement, besides the nearest-neighbour start.
pub(super) const RESTARTS: u64 = 8;

/// Above this many stretches only the nearest-neighbour start is improved: a random start
/// needs many passes over every pair, and a turf of thousands of doors (5,000 doors on 2,000
/// street sides) took seconds per restart.
const RESTARTS_UP_TO: usize = 300;

/// The stretches' order and direction (`true`: forwards): nearest neighbour from `start`, and
/// a few seeded random orders, each improved by 2-opt (a run of stretches reversed, each walked
/// the other way) and Or-opt (a run of up to three stretches moved elsewhere, either way
/// round) until nothing shortens; the shortest wins. Seeded: the same input, the same chain.
pub(super) fn chain(
    stretches: &[Stretch],
    start: (f64, f64),
    search: Search,
) -> Vec<(usize, bool)> {
    let ends = |(k, forwards): (usize, bool)| {
        let s = &stretches[k];
        if forwards {
            (s.entry, s.exit)
        } else {
            (s.exit, s.entry)
        }
    };
    let cost = |order: &[(usize, bool)]| {
        let mut here = start;
        let mut total = 0.0;
        for &step in order {
            let (entry, exit) = ends(step);
            total += distance(here, entry);
            here = exit;
        }
        total
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
    let (mut best, mut best_cost) = if search.nearest_neighbour {
        let best = improve(order, start, &ends);
        let c = cost(&best);
        (best, c)
    } else {
        (order, f64::INFINITY)
    };
    if stretches.len() > 3 || !search.nearest_neighbour {
        // A small linear congruential generator: the same restarts on every machine.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ stretches.len() as u64 ^ search.seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        let restarts = if stretches.len() > RESTARTS_UP_TO && search.nearest_neighbour {
            0
        } else {
            search.restarts
        };
        for _ in 0..restarts {
            let mut order: Vec<(usize, bool)> =
                (0..stretches.len()).map(|k| (k, next() % 2 == 0)).collect();
            for i in (1..order.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            let order = improve(order, start, &ends);
            let c = cost(&order);
            if c + 1e-9 < best_cost {
                best = order;
                best_cost = c;
            }
        }
    }
    best
}

/// 2-opt and Or-opt moves on a chain until none shortens it (or 50 passes).
fn improve(
    mut order: Vec<(usize, bool)>,
    start: (f64, f64),
    ends: &impl Fn((usize, bool)) -> ((f64, f64), (f64, f64)),
) -> Vec<(usize, bool)> {
    let n = order.len();
    // Where the walk is before position i (the start, or the exit of the stretch before).
    let before =
        |order: &[(usize, bool)], i: usize| if i == 0 { start } else { ends(order[i - 1]).1 };
    let flip = |s: (usize, bool)| (s.0, !s.1);
    let mut passes = 0;
    loop {
        let mut improved = false;
        passes += 1;
        // 2-opt: reversing order[i..=j] walks each of those stretches the other way.
        for i in 0..n {
            for j in i + 1..n {
                let from = before(&order, i);
                let old = distance(from, ends(order[i]).0)
                    + if j + 1 < n {
                        distance(ends(order[j]).1, ends(order[j + 1]).0)
                    } else {
                        0.0
                    };
                let new = distance(from, ends(flip(order[j])).0)
                    + if j + 1 < n {
                        distance(ends(flip(order[i])).1, ends(order[j + 1]).0)
                    } else {
                        0.0
                    };
                if new + 1e-9 < old {
                    order[i..=j].reverse();
                    for step in &mut order[i..=j] {
                        *step = flip(*step);
                    }
                    improved = true;
                }
            }
        }
        // Or-opt: order[i..i+len] moved to another place, as it is or reversed.
        for len in 1..=3.min(n.saturating_sub(1)) {
            let mut i = 0;
            while i + len <= n {
                let seg: Vec<(usize, bool)> = order[i..i + len].to_vec();
                let from = before(&order, i);
                let after_seg = order.get(i + len).map(|&s| ends(s).0);
                let removed_gain = distance(from, ends(seg[0]).0)
                    + after_seg.map_or(0.0, |a| distance(ends(seg[len - 1]).1, a))
                    - after_seg.map_or(0.0, |a| distance(from, a));
                let rest: Vec<(usize, bool)> = order[..i]
                    .iter()
                    .chain(&order[i + len..])
                    .copied()
                    .collect();
                let reversed: Vec<(usize, bool)> = seg.iter().rev().map(|&s| flip(s)).collect();
                let mut found: Option<(usize, bool, f64)> = None;
                for p in 0..=rest.len() {
                    if p == i {
                        continue;
                    }
                    let a = if p == 0 { start } else { ends(rest[p - 1]).1 };
                    let b = rest.get(p).map(|&s| ends(s).0);
                    let base = b.map_or(0.0, |b| distance(a, b));
                    for (rev, s) in [(false, &seg), (true, &reversed)] {
                        let added = distance(a, ends(s[0]).0)
                            + b.map_or(0.0, |b| distance(ends(s[len - 1]).1, b))
                            - base;
                        let gain = removed_gain - added;
                        if gain > 1e-6 && found.is_none_or(|f| gain > f.2) {
                            found = Some((p, rev, gain));
                        }
                    }
                }
                if let Some((p, rev, _)) = found {
                    let moved = if rev { reversed } else { seg };
                    let mut next = rest;
                    next.splice(p..p, moved);
                    order = next;
                    improved = true;
                }
                i += 1;
            }
        }
        if !improved || passes >= 50 {
            return order;
        }
    }
}

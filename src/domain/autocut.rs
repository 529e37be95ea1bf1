//! Auto-cut: split a selection into turfs of about `D` doors — compact, never crossing a
//! precinct line, none under D/3 or over 1.25 × D unless a single address alone is bigger,
//! every door in exactly one turf.
//!
//! Precincts bigger than 1.25 × D are split by recursive bisection of their door points
//! (weighted by households) along the longer axis, into ⌈n / 1.25D⌉ parts; the others stay
//! whole and are grouped, in Morton (Z) order of their centres so groups stay compact, until a
//! group reaches D.

use geo_types::Point;

/// One precinct offered to the cut.
#[derive(Clone, Debug, PartialEq)]
pub struct CutPrecinct {
    /// Its index in the campaign.
    pub index: usize,
    /// A point inside it (for ordering).
    pub center: Point<f64>,
    /// Its doors: indices into the door list, with their households. Empty when it has no
    /// door points, then `estimated` counts its doors.
    pub doors: Vec<(usize, i64)>,
    /// Doors estimated from registered voters, for precincts without door points.
    pub estimated: i64,
}

/// One turf of the cut.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cut {
    /// Whole precincts in it.
    pub precincts: Vec<usize>,
    /// Doors in it, for a turf cut out of one precinct (empty when made of whole precincts).
    pub doors: Vec<usize>,
    /// Its size in doors (households).
    pub size: i64,
}

/// Splits `precincts` into turfs of about `target` doors. `points[i]` is door `i`'s position.
#[must_use]
pub fn autocut(precincts: &[CutPrecinct], points: &[Point<f64>], target: i64) -> Vec<Cut> {
    let target = target.max(1);
    let max = target + target / 4;
    let mut cuts = Vec::new();
    let mut whole: Vec<(u64, usize, i64)> = Vec::new();
    let (min_x, min_y, max_x, max_y) = precincts.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), p| {
            (
                a.min(p.center.x()),
                b.min(p.center.y()),
                c.max(p.center.x()),
                d.max(p.center.y()),
            )
        },
    );
    for (k, p) in precincts.iter().enumerate() {
        let size: i64 = if p.doors.is_empty() {
            p.estimated
        } else {
            p.doors.iter().map(|d| d.1).sum()
        };
        if size > max && !p.doors.is_empty() {
            // As many parts as the target gives (1,448 doors at 150 make 10 turfs of about 145,
            // not 8 of 181), two at least.
            let parts = usize::try_from((size + target / 2) / target)
                .unwrap_or(1)
                .max(2);
            let mut doors = p.doors.clone();
            bisect(&mut doors, points, parts, &mut cuts);
        } else if size > 0 {
            let key = morton(
                (p.center.x() - min_x) / (max_x - min_x).max(1e-12),
                (p.center.y() - min_y) / (max_y - min_y).max(1e-12),
            );
            whole.push((key, k, size));
        }
    }
    whole.sort_unstable();
    let mut groups: Vec<Cut> = Vec::new();
    let mut current = Cut::default();
    for (_, k, size) in whole {
        if current.size >= target || (current.size > 0 && current.size + size > max) {
            if current.size * 3 >= target {
                groups.push(std::mem::take(&mut current));
            } else {
                // Too small to close and too small to take this precinct: the precinct is a
                // turf of its own (it is then at least 1.25D − D/3 > D/3).
                groups.push(Cut {
                    precincts: vec![precincts[k].index],
                    doors: Vec::new(),
                    size,
                });
                continue;
            }
        }
        current.precincts.push(precincts[k].index);
        current.size += size;
    }
    if current.size > 0 {
        // A small remainder joins the smallest group it fits in.
        let fits = groups
            .iter_mut()
            .filter(|g| g.size + current.size <= max)
            .min_by_key(|g| g.size);
        match fits {
            Some(g) if current.size * 3 < target => {
                g.precincts.extend(current.precincts);
                g.size += current.size;
            }
            _ => groups.push(current),
        }
    }
    cuts.extend(groups);
    cuts
}

/// Splits `doors` into `parts` groups of about equal households, cutting across the longer
/// side each time: compact groups.
fn bisect(doors: &mut [(usize, i64)], points: &[Point<f64>], parts: usize, out: &mut Vec<Cut>) {
    if parts <= 1 || doors.len() <= 1 {
        out.push(Cut {
            precincts: Vec::new(),
            doors: doors.iter().map(|d| d.0).collect(),
            size: doors.iter().map(|d| d.1).sum(),
        });
        return;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(d, _) in doors.iter() {
        let p = points[d];
        x0 = x0.min(p.x());
        y0 = y0.min(p.y());
        x1 = x1.max(p.x());
        y1 = y1.max(p.y());
    }
    // Longitude degrees are shorter than latitude ones away from the equator.
    let wide = (x1 - x0) * f64::midpoint(y0, y1).to_radians().cos() >= (y1 - y0);
    doors.sort_unstable_by(|a, b| {
        let (pa, pb) = (points[a.0], points[b.0]);
        if wide {
            pa.x().total_cmp(&pb.x())
        } else {
            pa.y().total_cmp(&pb.y())
        }
    });
    let left_parts = parts / 2;
    let total: i64 = doors.iter().map(|d| d.1).sum();
    let goal = total * left_parts as i64 / parts as i64;
    let mut acc = 0;
    let mut split = 0;
    for (i, d) in doors.iter().enumerate() {
        if acc + d.1 / 2 >= goal && i > 0 {
            break;
        }
        acc += d.1;
        split = i + 1;
    }
    let split = split.clamp(1, doors.len() - 1);
    let (left, right) = doors.split_at_mut(split);
    bisect(left, points, left_parts, out);
    bisect(right, points, parts - left_parts, out);
}

/// The Morton (Z-order) code of a point of the unit square.
fn morton(x: f64, y: f64) -> u64 {
    let spread = |v: f64| {
        let mut n = (v.clamp(0.0, 1.0) * f64::from(u16::MAX)) as u64;
        n = (n | (n << 16)) & 0x0000_ffff_0000_ffff;
        n = (n | (n << 8)) & 0x00ff_00ff_00ff_00ff;
        n = (n | (n << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        n = (n | (n << 2)) & 0x3333_3333_3333_3333;
        (n | (n << 1)) & 0x5555_5555_5555_5555
    };
    spread(x) | (spread(y) << 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth;
    use geo::{Contains as _, InteriorPoint as _};
    use std::collections::HashMap;

    /// Precincts and doors: Voronoi cells, with uniform random doors tied to their cell.
    fn workload(cells: usize, doors: usize, seed: u64) -> (Vec<CutPrecinct>, Vec<Point<f64>>) {
        let bbox = (2.2, 48.8, 2.5, 48.95);
        let shapes = synth::voronoi_precincts(cells, bbox, seed);
        let points: Vec<Point<f64>> = synth::random_points(doors, bbox, seed + 1)
            .into_iter()
            .map(Point::from)
            .collect();
        let geometries: Vec<_> = shapes.iter().map(|s| s.geometry.clone()).collect();
        let index = crate::domain::selection::PrecinctIndex::new(&geometries);
        let mut by_precinct: HashMap<usize, Vec<(usize, i64)>> = HashMap::new();
        for (d, p) in points.iter().enumerate() {
            if let Some(i) = index.at(&geometries, *p) {
                by_precinct
                    .entry(i)
                    .or_default()
                    .push((d, 1 + i64::from(d % 3 == 0)));
            }
        }
        let precincts = (0..geometries.len())
            .map(|i| CutPrecinct {
                index: i,
                center: geometries[i].interior_point().unwrap(),
                doors: by_precinct.remove(&i).unwrap_or_default(),
                estimated: 0,
            })
            .collect();
        (precincts, points)
    }

    #[test]
    fn every_door_is_in_exactly_one_turf_and_sizes_stay_in_bounds() {
        for (cells, doors, target, seed) in [
            (40, 20_000, 150, 1),
            (300, 20_000, 150, 2),
            (15, 5_000, 100, 3),
            (120, 8_000, 400, 4),
        ] {
            let (precincts, points) = workload(cells, doors, seed);
            let cuts = autocut(&precincts, &points, target);
            let mut seen = vec![0_u32; points.len()];
            let precinct_doors: HashMap<usize, &Vec<(usize, i64)>> =
                precincts.iter().map(|p| (p.index, &p.doors)).collect();
            for c in &cuts {
                for &d in &c.doors {
                    seen[d] += 1;
                }
                for p in &c.precincts {
                    for &(d, _) in precinct_doors[p] {
                        seen[d] += 1;
                    }
                }
                let max_address = c
                    .doors
                    .iter()
                    .map(|&d| 1 + i64::from(d % 3 == 0))
                    .max()
                    .unwrap_or(0);
                assert!(
                    c.size * 3 >= target
                        && (c.size * 4 <= target * 5 || max_address > target * 5 / 4),
                    "cells {cells}, target {target}: a turf of {} doors",
                    c.size
                );
            }
            let tied: usize = precincts.iter().map(|p| p.doors.len()).sum();
            assert_eq!(
                seen.iter().filter(|&&n| n == 1).count(),
                tied,
                "every tied door exactly once"
            );
            assert!(seen.iter().all(|&n| n <= 1));
        }
    }

    #[test]
    fn a_turf_cut_out_of_a_precinct_never_crosses_its_lines() {
        let (precincts, points) = workload(12, 12_000, 5);
        let owner: HashMap<usize, usize> = precincts
            .iter()
            .flat_map(|p| p.doors.iter().map(move |&(d, _)| (d, p.index)))
            .collect();
        for c in autocut(&precincts, &points, 150) {
            if let Some(&first) = c.doors.first() {
                assert!(c.doors.iter().all(|d| owner[d] == owner[&first]));
                assert!(c.precincts.is_empty());
            }
        }
        let bbox = (2.2, 48.8, 2.5, 48.95);
        let shapes = synth::voronoi_precincts(12, bbox, 5);
        assert!(
            shapes[0]
                .geometry
                .contains(&shapes[0].geometry.interior_point().unwrap())
        );
    }
}

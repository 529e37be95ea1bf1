//! Street names along the streets: the pieces of a street that meet end to end are joined
//! first (OpenStreetMap cuts a street at every junction), then each name goes on the
//! straightest stretch long enough to hold it, turned along it and kept upright, never over
//! another name, and the same name at most once within [`SPACING`] screen points. Major
//! streets are named first, then the longest.

use std::f32::consts::{FRAC_PI_2, PI};
use std::ops::Range;

use egui::{Pos2, Rect, Vec2, vec2};

/// Screen points between two labels of the same name.
pub(super) const SPACING: f32 = 280.0;
/// The most a stretch may turn from its first segment and still carry a name (radians).
const MAX_TURN: f32 = 0.35;
/// Space kept around a name (screen points).
const PAD: f32 = 3.0;

/// A piece of street that could carry its name.
pub(super) struct Candidate {
    /// The name (an index in the layer's names).
    pub name: u32,
    /// Its class's rank (0 for motorways): lower ranks are named first.
    pub rank: u8,
    /// Its screen points, in the frame's buffer.
    pub points: Range<usize>,
}

/// A name placed on the map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Placed {
    /// The name (an index in the layer's names).
    pub name: u32,
    /// The text's size key (what the measure gave).
    pub size: u8,
    /// The text's centre, on the street.
    pub center: Pos2,
    /// Clockwise turn of the text (radians, within ±90°: upright).
    pub angle: f32,
    /// Half the text's size, padding included, along and across the street.
    pub half: Vec2,
}

impl Placed {
    /// The unit vectors along and across the text.
    fn axes(&self) -> [Vec2; 2] {
        let (s, c) = self.angle.sin_cos();
        [vec2(c, s), vec2(-s, c)]
    }

    /// The corners of the box around the text.
    fn corners(&self) -> [Pos2; 4] {
        let [u, v] = self.axes();
        let (a, b) = (u * self.half.x, v * self.half.y);
        [
            self.center - a - b,
            self.center + a - b,
            self.center + a + b,
            self.center - a + b,
        ]
    }

    /// Whether the boxes of two labels overlap (separating axes).
    fn overlaps(&self, other: &Self) -> bool {
        if self.center.distance(other.center) > self.half.length() + other.half.length() {
            return false;
        }
        let (ca, cb) = (self.corners(), other.corners());
        let [a0, a1] = self.axes();
        let [b0, b1] = other.axes();
        for axis in [a0, a1, b0, b1] {
            let span = |corners: &[Pos2; 4]| {
                corners
                    .iter()
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| {
                        let d = p.to_vec2().dot(axis);
                        (lo.min(d), hi.max(d))
                    })
            };
            let ((alo, ahi), (blo, bhi)) = (span(&ca), span(&cb));
            if ahi < blo || bhi < alo {
                return false;
            }
        }
        true
    }
}

/// Joins the pieces of the same name that meet end to end (within half a point) into longer
/// lines, of the most major rank among them.
pub(super) fn join(candidates: &[Candidate], points: &[Pos2]) -> (Vec<Candidate>, Vec<Pos2>) {
    let mut by_name: Vec<usize> = (0..candidates.len()).collect();
    by_name.sort_by_key(|&i| candidates[i].name);
    let line = |i: usize| &points[candidates[i].points.clone()];
    let near = |a: Pos2, b: Pos2| a.distance_sq(b) < 0.25;
    let mut used = vec![false; candidates.len()];
    let mut out = Vec::with_capacity(candidates.len());
    let mut joined: Vec<Pos2> = Vec::with_capacity(points.len());
    for group in by_name.chunk_by(|&a, &b| candidates[a].name == candidates[b].name) {
        for &first in group {
            if used[first] {
                continue;
            }
            used[first] = true;
            let mut chain: std::collections::VecDeque<Pos2> = line(first).iter().copied().collect();
            let mut rank = candidates[first].rank;
            // Grow at either end while another piece of the name meets it there.
            while let Some(&next) = group.iter().find(|&&k| {
                !used[k]
                    && [chain.front(), chain.back()]
                        .into_iter()
                        .flatten()
                        .any(|&end| {
                            line(k).first().is_some_and(|&p| near(p, end))
                                || line(k).last().is_some_and(|&p| near(p, end))
                        })
            }) {
                used[next] = true;
                rank = rank.min(candidates[next].rank);
                let piece = line(next);
                let (Some(&start), Some(&end)) = (piece.first(), piece.last()) else {
                    continue;
                };
                let back = chain.back().copied().unwrap_or(start);
                let front = chain.front().copied().unwrap_or(start);
                if near(start, back) {
                    chain.extend(piece.iter().skip(1));
                } else if near(end, back) {
                    chain.extend(piece.iter().rev().skip(1));
                } else if near(end, front) {
                    for &p in piece.iter().rev().skip(1) {
                        chain.push_front(p);
                    }
                } else {
                    for &p in piece.iter().skip(1) {
                        chain.push_front(p);
                    }
                }
            }
            let start = joined.len();
            joined.extend(chain);
            out.push(Candidate {
                name: candidates[first].name,
                rank,
                points: start..joined.len(),
            });
        }
    }
    (out, joined)
}

/// Places the names of `candidates` (their points in `points`) inside `area`; `measure` gives
/// a name's text size and size key for a class rank.
pub(super) fn place(
    candidates: &[Candidate],
    points: &[Pos2],
    area: Rect,
    mut measure: impl FnMut(u32, u8) -> (Vec2, u8),
) -> Vec<Placed> {
    let length = |c: &Candidate| -> f32 {
        points[c.points.clone()]
            .windows(2)
            .map(|w| w[0].distance(w[1]))
            .sum()
    };
    let mut order: Vec<(u8, f32, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.rank, length(c), i))
        .filter(|&(_, len, _)| len >= 24.0)
        .collect();
    order.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    let mut placed: Vec<Placed> = Vec::new();
    for (_, len, i) in order {
        let c = &candidates[i];
        let (size, key) = measure(c.name, c.rank);
        let need = size.x + 2.0 * PAD;
        if len < need {
            continue;
        }
        let Some((center, angle)) = spot(&points[c.points.clone()], need) else {
            continue;
        };
        let label = Placed {
            name: c.name,
            size: key,
            center,
            angle,
            half: size / 2.0 + vec2(PAD, 1.0),
        };
        if !label.corners().iter().all(|p| area.contains(*p)) {
            continue;
        }
        let crowded = placed.iter().any(|p| {
            (p.name == c.name && p.center.distance(center) < SPACING) || p.overlaps(&label)
        });
        if !crowded {
            placed.push(label);
        }
    }
    placed
}

/// Where a text `need` points long goes on a line: the middle of its longest stretch that
/// turns less than [`MAX_TURN`], when that is long enough; the angle of the text, upright.
fn spot(line: &[Pos2], need: f32) -> Option<(Pos2, f32)> {
    // The longest stretch: (length, first point, last point).
    let mut best = (0.0_f32, 0, 0);
    let mut run: Option<(f32, f32, usize)> = None; // (direction, length, first point)
    for i in 0..line.len().saturating_sub(1) {
        let d = line[i + 1] - line[i];
        let l = d.length();
        let a = d.y.atan2(d.x);
        run = match run {
            Some((dir, len, first)) if l < 0.5 || turn(a, dir) <= MAX_TURN => {
                Some((dir, len + l, first))
            }
            Some((_, len, first)) => {
                if len > best.0 {
                    best = (len, first, i);
                }
                Some((a, l, i))
            }
            None if l < 0.5 => None,
            None => Some((a, l, i)),
        };
    }
    if let Some((_, len, first)) = run
        && len > best.0
    {
        best = (len, first, line.len() - 1);
    }
    let (len, first, last) = best;
    if len < need {
        return None;
    }
    let stretch = &line[first..=last];
    let mid = len / 2.0;
    let center = along(stretch, mid);
    let d = along(stretch, mid + need / 2.0) - along(stretch, mid - need / 2.0);
    Some((center, upright(d.y.atan2(d.x))))
}

/// The point `at` screen points along a line (its ends beyond it).
fn along(line: &[Pos2], at: f32) -> Pos2 {
    let mut left = at.max(0.0);
    for w in line.windows(2) {
        let l = w[0].distance(w[1]);
        if left <= l && l > 0.0 {
            return w[0] + (w[1] - w[0]) * (left / l);
        }
        left -= l;
    }
    line.last().copied().unwrap_or(Pos2::ZERO)
}

/// The angle between two directions (radians, 0–π).
fn turn(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(2.0 * PI);
    d.min(2.0 * PI - d)
}

/// A text direction that reads left to right: within (−90°, 90°].
fn upright(angle: f32) -> f32 {
    if angle > FRAC_PI_2 {
        angle - PI
    } else if angle <= -FRAC_PI_2 {
        angle + PI
    } else {
        angle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    fn measure(_: u32, _: u8) -> (Vec2, u8) {
        (vec2(60.0, 12.0), 0)
    }

    #[test]
    fn a_name_is_upright_on_a_street_drawn_right_to_left() {
        let points = [pos2(300.0, 100.0), pos2(100.0, 100.0)];
        let c = [Candidate {
            name: 0,
            rank: 4,
            points: 0..2,
        }];
        let area = Rect::from_min_max(Pos2::ZERO, pos2(400.0, 400.0));
        let placed = place(&c, &points, area, measure);
        assert_eq!(placed.len(), 1);
        assert!(placed[0].angle.abs() < 1e-4, "{}", placed[0].angle);
        assert!(placed[0].center.distance(pos2(200.0, 100.0)) < 1e-3);
    }

    #[test]
    fn a_name_follows_a_steep_street_and_stays_readable() {
        let points = [pos2(100.0, 300.0), pos2(140.0, 100.0)];
        let c = [Candidate {
            name: 0,
            rank: 4,
            points: 0..2,
        }];
        let area = Rect::from_min_max(Pos2::ZERO, pos2(400.0, 400.0));
        let placed = place(&c, &points, area, measure);
        let expected = upright((-200.0_f32).atan2(40.0));
        assert!((placed[0].angle - expected).abs() < 1e-4);
        assert!(placed[0].angle > -FRAC_PI_2 && placed[0].angle <= FRAC_PI_2);
    }

    #[test]
    fn crossing_streets_get_names_that_do_not_overlap() {
        // A grid of streets 40 points apart: names 66 points long cannot all fit.
        let mut points = Vec::new();
        let mut c = Vec::new();
        for k in 0..10 {
            let x = 20.0 + 40.0 * k as f32;
            points.extend([pos2(x, 0.0), pos2(x, 400.0)]);
            c.push(Candidate {
                name: k,
                rank: 4,
                points: points.len() - 2..points.len(),
            });
            points.extend([pos2(0.0, x), pos2(400.0, x)]);
            c.push(Candidate {
                name: 100 + k,
                rank: 4,
                points: points.len() - 2..points.len(),
            });
        }
        let area = Rect::from_min_max(Pos2::ZERO, pos2(400.0, 400.0));
        let placed = place(&c, &points, area, measure);
        assert!(placed.len() >= 3);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_name_is_written_once_within_the_spacing_and_again_beyond_it() {
        // One street in pieces of 100 points, along 1,000 points.
        let mut points = Vec::new();
        let mut c = Vec::new();
        for k in 0..10 {
            let x = 100.0 * k as f32;
            points.extend([pos2(x, 50.0), pos2(x + 100.0, 50.0)]);
            c.push(Candidate {
                name: 7,
                rank: 2,
                points: points.len() - 2..points.len(),
            });
        }
        let area = Rect::from_min_max(Pos2::ZERO, pos2(1000.0, 100.0));
        let placed = place(&c, &points, area, measure);
        assert!(placed.len() >= 2 && placed.len() <= 4, "{}", placed.len());
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(a.center.distance(b.center) >= SPACING);
            }
        }
    }

    #[test]
    fn a_name_goes_on_the_straight_stretch_of_a_bent_street() {
        // A short leg, a sharp turn, then a long straight leg.
        let points = [pos2(10.0, 10.0), pos2(10.0, 40.0), pos2(210.0, 40.0)];
        let c = [Candidate {
            name: 0,
            rank: 4,
            points: 0..3,
        }];
        let area = Rect::from_min_max(Pos2::ZERO, pos2(400.0, 400.0));
        let placed = place(&c, &points, area, measure);
        assert_eq!(placed.len(), 1);
        assert!(placed[0].angle.abs() < 1e-4);
        assert!((placed[0].center.y - 40.0).abs() < 1e-3);
    }

    #[test]
    fn pieces_of_a_street_that_meet_end_to_end_are_joined_whichever_way_they_run() {
        // Three pieces of one street, the middle one drawn backwards, and another street.
        let points = [
            pos2(100.0, 100.0),
            pos2(200.0, 100.0),
            pos2(100.0, 100.0),
            pos2(0.0, 100.0),
            pos2(200.0, 100.0),
            pos2(300.0, 100.0),
            pos2(0.0, 150.0),
            pos2(300.0, 150.0),
        ];
        let c = [
            Candidate {
                name: 1,
                rank: 4,
                points: 0..2,
            },
            Candidate {
                name: 1,
                rank: 2,
                points: 2..4,
            },
            Candidate {
                name: 1,
                rank: 4,
                points: 4..6,
            },
            Candidate {
                name: 2,
                rank: 4,
                points: 6..8,
            },
        ];
        let (joined, pts) = join(&c, &points);
        assert_eq!(joined.len(), 2);
        let street = &pts[joined[0].points.clone()];
        assert_eq!(joined[0].rank, 2);
        assert_eq!(street.len(), 4);
        let xs: Vec<f32> = street.iter().map(|p| p.x).collect();
        assert!(
            xs == [0.0, 100.0, 200.0, 300.0] || xs == [300.0, 200.0, 100.0, 0.0],
            "{xs:?}"
        );
        // Joined, a 300-point street carries a name its 100-point pieces could not.
        let long = |_: u32, _: u8| (vec2(150.0, 12.0), 0);
        let area = Rect::from_min_max(Pos2::ZERO, pos2(400.0, 400.0));
        assert!(place(&c[..3], &points, area, long).is_empty());
        assert_eq!(place(&joined[..1], &pts, area, long).len(), 1);
    }

    #[test]
    fn a_name_too_long_for_its_street_or_outside_the_area_is_left_out() {
        let points = [
            pos2(10.0, 10.0),
            pos2(50.0, 10.0),
            pos2(500.0, 10.0),
            pos2(900.0, 10.0),
        ];
        let c = [
            Candidate {
                name: 0,
                rank: 4,
                points: 0..2,
            },
            Candidate {
                name: 1,
                rank: 4,
                points: 2..4,
            },
        ];
        let area = Rect::from_min_max(Pos2::ZERO, pos2(400.0, 400.0));
        assert!(place(&c, &points, area, measure).is_empty());
    }
}

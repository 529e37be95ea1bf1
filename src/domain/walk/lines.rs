//! Street lines for walk order: the ways of one name chained into lines, and doors snapped to
//! them (how far along, which side).

use super::{SNAP_METRES, WalkDoor, WalkMode, WalkStreet, by_number, distance, normalise};

/// One stop of a walk: a house number and suffix (or, for a door without a number, the door).
type StopKey = (Option<u32>, String, usize);

/// A street line in metres, with the distance along it at each vertex.
pub(super) struct Line {
    points: Vec<(f64, f64)>,
    along: Vec<f64>,
}

/// The lines of the streets the doors are on, by normalised name: the ways of one name that
/// share an end are chained into one line; ways far from every door are left out.
pub(super) fn lines_by_name(
    streets: &[WalkStreet],
    project: &impl Fn((f64, f64)) -> (f64, f64),
    at: &[(f64, f64)],
) -> std::collections::BTreeMap<String, Vec<Line>> {
    let mut out: std::collections::BTreeMap<String, Vec<Line>> = std::collections::BTreeMap::new();
    if streets.is_empty() {
        return out;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in at {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let near = |p: &(f64, f64)| {
        p.0 >= x0 - SNAP_METRES
            && p.0 <= x1 + SNAP_METRES
            && p.1 >= y0 - SNAP_METRES
            && p.1 <= y1 + SNAP_METRES
    };
    let mut ways: std::collections::BTreeMap<String, Vec<Vec<(f64, f64)>>> =
        std::collections::BTreeMap::new();
    for s in streets {
        let points: Vec<(f64, f64)> = s.points.iter().map(|&p| project(p)).collect();
        if points.len() >= 2 && points.iter().any(near) {
            ways.entry(normalise(&s.name)).or_default().push(points);
        }
    }
    for (name, ways) in ways {
        out.insert(name, chain_ways(ways));
    }
    out
}

/// Ways of one name joined end to end where they share an end (within a metre), each joined
/// line with its distances along.
fn chain_ways(mut ways: Vec<Vec<(f64, f64)>>) -> Vec<Line> {
    let same = |a: (f64, f64), b: (f64, f64)| distance(a, b) < 1.0;
    let mut lines = Vec::new();
    while let Some(mut line) = ways.pop() {
        loop {
            let (head, tail) = (line[0], line[line.len() - 1]);
            let Some(k) = ways.iter().position(|w| {
                let (a, b) = (w[0], w[w.len() - 1]);
                same(a, tail) || same(b, tail) || same(a, head) || same(b, head)
            }) else {
                break;
            };
            let mut w = ways.swap_remove(k);
            let (a, b) = (w[0], w[w.len() - 1]);
            if same(a, tail) {
                line.extend(w.into_iter().skip(1));
            } else if same(b, tail) {
                w.reverse();
                line.extend(w.into_iter().skip(1));
            } else if same(b, head) {
                w.pop();
                w.extend(line);
                line = w;
            } else {
                w.reverse();
                w.pop();
                w.extend(line);
                line = w;
            }
        }
        let mut along = Vec::with_capacity(line.len());
        let mut total = 0.0;
        for (k, p) in line.iter().enumerate() {
            if k > 0 {
                total += distance(line[k - 1], *p);
            }
            along.push(total);
        }
        lines.push(Line {
            points: line,
            along,
        });
    }
    // The same lines whatever order the ways came in.
    lines.sort_by(|a, b| {
        a.points[0]
            .0
            .total_cmp(&b.points[0].0)
            .then(a.points[0].1.total_cmp(&b.points[0].1))
    });
    lines
}

/// The nearest line to `p` within [`SNAP_METRES`]: its index, how far along it `p` is, and
/// whether `p` stands on its left.
pub(super) fn snap(lines: &[Line], p: (f64, f64)) -> Option<(usize, f64, bool)> {
    let mut best: Option<(f64, (usize, f64, bool))> = None;
    for (k, line) in lines.iter().enumerate() {
        for (j, w) in line.points.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let q = (a.0 + t * dx, a.1 + t * dy);
            let d = distance(p, q);
            if d <= SNAP_METRES && best.is_none_or(|(b, _)| d < b) {
                // At a bend the line's direction is that of both segments meeting there, so
                // that a door off a vertex has one side whichever segment is nearer.
                let unit = |u: (f64, f64)| {
                    let l = u.0.hypot(u.1);
                    if l > 0.0 {
                        (u.0 / l, u.1 / l)
                    } else {
                        (0.0, 0.0)
                    }
                };
                let here = unit((dx, dy));
                let dir = if t <= 0.0 && j > 0 {
                    let prev = unit((a.0 - line.points[j - 1].0, a.1 - line.points[j - 1].1));
                    (here.0 + prev.0, here.1 + prev.1)
                } else if t >= 1.0 && j + 2 < line.points.len() {
                    let c = line.points[j + 2];
                    let next = unit((c.0 - b.0, c.1 - b.1));
                    (here.0 + next.0, here.1 + next.1)
                } else {
                    here
                };
                let left = dir.0 * (p.1 - q.1) - dir.1 * (p.0 - q.0) > 0.0;
                let along = line.along[j] + t * len2.sqrt();
                best = Some((d, (k, along, left)));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// The doors snapped to one line, in walking order: up the left side and back down the right
/// (default), both sides together, or by number. Doors of one address (one building's
/// entrances, flats or shops) are one stop: stops run in order along the line, at the median
/// of their doors, and a stop's doors are walked nearest first.
pub(super) fn along_line(
    snapped: &[(usize, f64, bool)],
    mode: WalkMode,
    doors: &[WalkDoor],
    at: &[(f64, f64)],
) -> Vec<Vec<usize>> {
    let side_order = |side: &[(usize, f64, bool)], ascending: bool| {
        let mut stops: std::collections::BTreeMap<StopKey, Vec<(usize, f64)>> =
            std::collections::BTreeMap::new();
        for &(i, along, _) in side {
            // Doors without a number are stops of their own.
            let key = match doors[i].housenumber {
                Some(n) => (
                    Some(n),
                    doors[i].suffix.as_deref().unwrap_or("").to_lowercase(),
                    0,
                ),
                None => (None, String::new(), i),
            };
            stops.entry(key).or_default().push((i, along));
        }
        let mut stops: Vec<(f64, Vec<(usize, f64)>)> = stops
            .into_values()
            .map(|mut members| {
                members.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                (members[members.len() / 2].1, members)
            })
            .collect();
        stops.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1[0].0.cmp(&b.1[0].0)));
        if !ascending {
            stops.reverse();
        }
        let mut out: Vec<usize> = Vec::with_capacity(side.len());
        for (_, members) in stops {
            let mut left: Vec<usize> = members.iter().map(|m| m.0).collect();
            if !ascending {
                left.reverse();
            }
            // Nearest first from where the walk is.
            let mut here = out.last().map_or(at[left[0]], |&i| at[i]);
            while !left.is_empty() {
                let k = (0..left.len())
                    .min_by(|&a, &b| {
                        distance(here, at[left[a]])
                            .total_cmp(&distance(here, at[left[b]]))
                            .then(a.cmp(&b))
                    })
                    .unwrap_or(0);
                let i = left.remove(k);
                here = at[i];
                out.push(i);
            }
        }
        out
    };
    match mode {
        WalkMode::UpAndBack => {
            let left: Vec<(usize, f64, bool)> = snapped.iter().copied().filter(|s| s.2).collect();
            let right: Vec<(usize, f64, bool)> = snapped.iter().copied().filter(|s| !s.2).collect();
            vec![side_order(&left, true), side_order(&right, false)]
        }
        WalkMode::BothSides => vec![side_order(snapped, true)],
        WalkMode::NumberOrder => {
            let members: Vec<usize> = snapped.iter().map(|s| s.0).collect();
            vec![by_number(doors, &members)]
        }
    }
}

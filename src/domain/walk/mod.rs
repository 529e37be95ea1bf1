//! Walk order: a turf's doors in the order a canvasser walks them.
//!
//! Doors are grouped by street. Where the campaign has the street's geometry, each door is
//! snapped to it: its side is the side of the line it stands on and its place is how far along
//! the street it is (a street made of several OpenStreetMap ways is chained into one line; two
//! unconnected streets of one name are two streets). Without geometry, the sides are the
//! house-number parities and the place is the number. In the default mode a street is walked
//! up one side and back down the other, so it starts and ends at the same end. Streets, and
//! doors with neither a street nor a number, are then chained: nearest neighbour from the
//! meeting point, improved by 2-opt. Each street may be walked from either end.

mod chain;
mod lines;

use chain::chain;
use lines::{along_line, lines_by_name, snap};

/// How hard the chaining of stretches searches: a nearest-neighbour start and/or seeded random
/// starts, each improved by 2-opt and Or-opt; the shortest wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Search {
    /// Start from the nearest-neighbour chain.
    pub nearest_neighbour: bool,
    /// Random starting chains.
    pub restarts: u64,
    /// The seed of the random starts.
    pub seed: u64,
}

impl Default for Search {
    /// What walk order uses: the nearest-neighbour chain and eight random restarts.
    fn default() -> Self {
        Self {
            nearest_neighbour: true,
            restarts: chain::RESTARTS,
            seed: 0,
        }
    }
}

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

/// A street's geometry, for snapping doors to it.
#[derive(Clone, Debug, PartialEq)]
pub struct WalkStreet {
    /// Its name, as the doors' street names write it.
    pub name: String,
    /// Its vertices (longitude, latitude).
    pub points: Vec<(f64, f64)>,
}

/// How far from its street's line a door may stand and still be snapped to it, in metres.
pub const SNAP_METRES: f64 = 150.0;

/// The streets of a campaign indexed by their extent, so that each turf's walk gets only the
/// streets near its doors.
pub struct StreetIndex {
    streets: Vec<WalkStreet>,
    tree: rstar::RTree<
        rstar::primitives::GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>,
    >,
}

impl StreetIndex {
    /// Indexes the streets of a street map that doors are found along (not motorways).
    #[must_use]
    pub fn of_streets(streets: &[crate::domain::street::Street]) -> Self {
        Self::new(
            streets
                .iter()
                .filter(|s| s.class.has_doors())
                .map(|s| WalkStreet {
                    name: s.name.clone(),
                    points: s.points.iter().map(|c| (c.x, c.y)).collect(),
                })
                .collect(),
        )
    }

    /// Indexes `streets`.
    #[must_use]
    pub fn new(streets: Vec<WalkStreet>) -> Self {
        let boxes = streets
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.points.is_empty())
            .map(|(k, s)| {
                let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
                for &(x, y) in &s.points {
                    x0 = x0.min(x);
                    y0 = y0.min(y);
                    x1 = x1.max(x);
                    y1 = y1.max(y);
                }
                rstar::primitives::GeomWithData::new(
                    rstar::primitives::Rectangle::from_corners([x0, y0], [x1, y1]),
                    k,
                )
            })
            .collect();
        Self {
            streets,
            tree: rstar::RTree::bulk_load(boxes),
        }
    }

    /// The streets within [`SNAP_METRES`] of the doors' extent, in their stored order.
    #[must_use]
    pub fn near(&self, doors: &[WalkDoor]) -> Vec<WalkStreet> {
        let Some(first) = doors.first() else {
            return Vec::new();
        };
        let (mut x0, mut y0, mut x1, mut y1) =
            (first.point.0, first.point.1, first.point.0, first.point.1);
        for d in doors {
            x0 = x0.min(d.point.0);
            y0 = y0.min(d.point.1);
            x1 = x1.max(d.point.0);
            y1 = y1.max(d.point.1);
        }
        let dy = SNAP_METRES / 111_320.0;
        let dx = dy / f64::midpoint(y0, y1).to_radians().cos().max(0.01);
        let envelope = rstar::AABB::from_corners([x0 - dx, y0 - dy], [x1 + dx, y1 + dy]);
        let mut found: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|g| g.data)
            .collect();
        found.sort_unstable();
        found.into_iter().map(|k| self.streets[k].clone()).collect()
    }

    /// Whether there are no streets.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.streets.is_empty()
    }
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

/// Which side of its street a door is walked on, as a walk sheet says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The side of the odd numbers (by parity, or most of that side's numbers).
    Odd,
    /// The side of the even numbers.
    Even,
    /// One side of the street's line, where its doors have no numbers.
    Left,
    /// The other side.
    Right,
    /// Both sides together (the both-sides mode).
    Both,
    /// Not on a known street (a loose door), or an address list.
    None,
}

impl Side {
    /// The side in English or French words ("odd side", "côté impair").
    #[must_use]
    pub fn words(self, french: bool) -> &'static str {
        match (self, french) {
            (Self::Odd, false) => "odd side",
            (Self::Odd, true) => "côté impair",
            (Self::Even, false) => "even side",
            (Self::Even, true) => "côté pair",
            (Self::Left, false) => "one side",
            (Self::Left, true) => "un côté",
            (Self::Right, false) => "other side",
            (Self::Right, true) => "autre côté",
            (Self::Both, false) => "both sides",
            (Self::Both, true) => "deux côtés",
            (Self::None, _) => "",
        }
    }
}

/// One step of a walk: a door (an index into the doors given) and the side it is walked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The door.
    pub door: usize,
    /// Its side.
    pub side: Side,
}

/// One door of a walk, in order.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WalkStop {
    /// Its place in the walk, from 1.
    pub rank: usize,
    /// The door's UUID.
    pub door: String,
    /// Its address, as stored.
    pub address: String,
    /// Its street.
    pub street: Option<String>,
    /// Its house number.
    pub housenumber: Option<u32>,
    /// Its house number's suffix.
    pub suffix: Option<String>,
    /// Its flat, staircase or floor.
    pub unit: Option<String>,
    /// The side of the street it is walked on.
    pub side: Side,
    /// Households behind it.
    pub households: i64,
    /// Where it is (longitude, latitude).
    pub point: (f64, f64),
}

/// A turf's walk.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TurfWalk {
    /// The turf's name.
    pub turf: String,
    /// The mode it was ordered in.
    #[serde(skip)]
    pub mode: WalkMode,
    /// Where it starts (longitude, latitude); `None` for a turf without doors.
    pub meeting_point: Option<(f64, f64)>,
    /// Whether the meeting point was set (else: the door nearest the turf's centre).
    pub meeting_point_set: bool,
    /// Whether the order followed the campaign's street lines (else house-number parity).
    pub along_streets: bool,
    /// The doors in order.
    pub stops: Vec<WalkStop>,
    /// Its length in straight lines between doors, metres.
    pub length_m: f64,
}

impl WalkStop {
    /// Its number as a sheet prints it: "12", "12 bis", "12B", with its unit ("12 A 5").
    #[must_use]
    pub fn number(&self) -> String {
        let mut text = match (self.housenumber, self.suffix.as_deref()) {
            (Some(n), Some(s)) if s.chars().count() > 1 && s.chars().all(char::is_alphabetic) => {
                format!("{n} {s}")
            }
            (Some(n), Some(s)) => format!("{n}{s}"),
            (Some(n), None) => n.to_string(),
            (None, _) => String::new(),
        };
        if let Some(u) = self.unit.as_deref().filter(|u| !u.is_empty()) {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(u);
        }
        text
    }

    /// Its street, or its address when it has no street, or "?" when it has neither.
    #[must_use]
    pub fn street_or_address(&self) -> &str {
        self.street
            .as_deref()
            .or_else(|| Some(self.address.as_str()).filter(|a| !a.trim().is_empty()))
            .unwrap_or("?")
    }
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
/// latitude; by default the door nearest the doors' centre), with no street geometry. Every
/// door appears exactly once; the same input always gives the same order.
#[must_use]
pub fn walk_order(doors: &[WalkDoor], mode: WalkMode, start: Option<(f64, f64)>) -> Vec<usize> {
    walk_order_on(doors, &[], mode, start)
}

/// The doors in walking order along `streets` (see the module): indices into `doors`, every
/// door exactly once, the same for the same input.
#[must_use]
pub fn walk_order_on(
    doors: &[WalkDoor],
    geometry: &[WalkStreet],
    mode: WalkMode,
    start: Option<(f64, f64)>,
) -> Vec<usize> {
    walk_order_searched(doors, geometry, mode, start, Search::default())
}

/// [`walk_order_on`] with the chaining's search chosen (to compare searches).
#[must_use]
pub fn walk_order_searched(
    doors: &[WalkDoor],
    geometry: &[WalkStreet],
    mode: WalkMode,
    start: Option<(f64, f64)>,
    search: Search,
) -> Vec<usize> {
    walk_steps(doors, geometry, mode, start, search)
        .into_iter()
        .map(|s| s.door)
        .collect()
}

/// The steps of a walk along `geometry` (see the module): each door once, with its side.
#[must_use]
pub fn walk(
    doors: &[WalkDoor],
    geometry: &[WalkStreet],
    mode: WalkMode,
    start: Option<(f64, f64)>,
) -> Vec<Step> {
    walk_steps(doors, geometry, mode, start, Search::default())
}

fn walk_steps(
    doors: &[WalkDoor],
    geometry: &[WalkStreet],
    mode: WalkMode,
    start: Option<(f64, f64)>,
    search: Search,
) -> Vec<Step> {
    if doors.is_empty() {
        return Vec::new();
    }
    let mut sides = vec![Side::None; doors.len()];
    let parity = |i: usize| match doors[i].housenumber {
        Some(n) if n % 2 == 1 => Side::Odd,
        Some(_) => Side::Even,
        None => Side::None,
    };
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
        return out
            .into_iter()
            .map(|door| Step {
                door,
                side: Side::None,
            })
            .collect();
    }
    let lines = lines_by_name(geometry, &project, &at);
    let mut stretches: Vec<Stretch> = Vec::new();
    for (name, members) in &streets {
        // Doors snapped to a line of their street's name, by line; the others by parity.
        let mut on_line: std::collections::BTreeMap<usize, Vec<(usize, f64, bool)>> =
            std::collections::BTreeMap::new();
        let mut by_parity: Vec<usize> = Vec::new();
        let named = lines.get(name).map_or(&[][..], Vec::as_slice);
        for &i in members {
            match snap(named, at[i]) {
                Some((line, along, left)) => {
                    on_line.entry(line).or_default().push((i, along, left));
                }
                None => by_parity.push(i),
            }
        }
        for snapped in on_line.values() {
            for (k, order) in along_line(snapped, mode, doors, &at)
                .into_iter()
                .enumerate()
            {
                if order.is_empty() {
                    continue;
                }
                // A side is named by most of its numbers' parity.
                let odd = order.iter().filter(|&&i| parity(i) == Side::Odd).count();
                let even = order.iter().filter(|&&i| parity(i) == Side::Even).count();
                let side = match mode {
                    WalkMode::BothSides => Side::Both,
                    _ if odd > even => Side::Odd,
                    _ if even > odd => Side::Even,
                    _ if k == 0 => Side::Left,
                    _ => Side::Right,
                };
                for &i in &order {
                    sides[i] = side;
                }
                stretches.push(stretch(order, &at));
            }
        }
        for &i in &by_parity {
            sides[i] = if mode == WalkMode::BothSides && doors[i].housenumber.is_some() {
                Side::Both
            } else {
                parity(i)
            };
        }
        let numbered: Vec<usize> = by_parity
            .iter()
            .copied()
            .filter(|&i| doors[i].housenumber.is_some())
            .collect();
        let unnumbered: Vec<usize> = by_parity
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
        // Doors of the street with neither a place on its line nor a number are walked as
        // loose doors.
        loose.extend(unnumbered);
    }
    loose.sort_unstable();
    for i in loose {
        stretches.push(stretch(vec![i], &at));
    }
    let start = start.map_or_else(|| nearest_to_centre(&at), project);
    chain(&stretches, start, search)
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
        .map(|door| Step {
            door,
            side: sides[door],
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

/// The straight-line distance of two projected points (metres). A square root, not `hypot`:
/// the points are metres within a town, far from overflow, and libm's `hypot` took 85 % of a
/// 5,000-door turf's walk (20 s).
fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    (dx * dx + dy * dy).sqrt()
}

fn nearest_to_centre(at: &[(f64, f64)]) -> (f64, f64) {
    at.iter()
        .copied()
        .min_by(|a, b| distance(*a, (0.0, 0.0)).total_cmp(&distance(*b, (0.0, 0.0))))
        .unwrap_or((0.0, 0.0))
}

/// Where a walk starts when its turf has no meeting point: the door nearest the doors' centre
/// (longitude, latitude); `None` without doors.
#[must_use]
pub fn default_start(doors: &[WalkDoor]) -> Option<(f64, f64)> {
    let project = projection(doors);
    let at: Vec<(f64, f64)> = doors.iter().map(|d| project(d.point)).collect();
    let centre = nearest_to_centre(&at);
    doors
        .iter()
        .zip(&at)
        .find(|(_, p)| **p == centre)
        .map(|(d, _)| d.point)
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
mod tests;

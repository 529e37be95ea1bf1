//! Turfs: what a team canvasses. A turf is whole precincts (its outline is their union) and its
//! statistics update as it is cut.

use geo::ChamberlainDuquetteArea as _;
use geo_types::MultiPolygon;

/// A turf's figures, shown live while cutting and stored with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct TurfStats {
    /// Precincts in the turf.
    pub precincts: usize,
    /// Doors: counted from door points, or estimated from registered voters.
    pub doors: i64,
    /// Whether any of `doors` is an estimate.
    pub doors_estimated: bool,
    /// Registered voters, where known.
    pub registered: i64,
    /// The sum of the precincts' priority scores.
    pub priority: f64,
    /// Area in square kilometres (on the sphere).
    pub area_km2: f64,
}

/// One precinct's part in a turf's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PrecinctFigures {
    /// Door points counted in it (`None`: no door points were imported).
    pub doors_counted: Option<i64>,
    /// Registered voters, when known.
    pub registered: Option<i64>,
    /// Its priority score, when scored.
    pub priority: Option<f64>,
}

/// Voters per household used to estimate doors where no door points exist (a campaign
/// setting; 1.9 is the French average household of voting age).
pub const DEFAULT_VOTERS_PER_HOUSEHOLD: f64 = 1.9;

/// The doors of a precinct without door points: its registered voters over the voters per
/// household, rounded up. The one estimate of doors (turf figures, the live figures of a
/// selection, the auto-cut).
#[must_use]
pub fn estimated_doors(registered: i64, voters_per_household: f64) -> i64 {
    (registered as f64 / voters_per_household.max(f64::MIN_POSITIVE)).ceil() as i64
}

/// Sums the figures of some precincts (a turf's, or a selection's); the area is left at 0.
#[must_use]
pub fn sum<'a>(
    figures: impl IntoIterator<Item = &'a PrecinctFigures>,
    voters_per_household: f64,
) -> TurfStats {
    let mut s = TurfStats::default();
    for f in figures {
        s.precincts += 1;
        s.registered += f.registered.unwrap_or(0);
        s.priority += f.priority.unwrap_or(0.0);
        match (f.doors_counted, f.registered) {
            (Some(d), _) => s.doors += d,
            (None, Some(r)) => {
                s.doors += estimated_doors(r, voters_per_household);
                s.doors_estimated = true;
            }
            (None, None) => {}
        }
    }
    s
}

/// Sums the figures of a turf's precincts, with the area of its outline.
#[must_use]
pub fn stats(
    figures: &[PrecinctFigures],
    outline: &MultiPolygon<f64>,
    voters_per_household: f64,
) -> TurfStats {
    TurfStats {
        area_km2: outline.chamberlain_duquette_unsigned_area() / 1e6,
        ..sum(figures, voters_per_household)
    }
}

/// Declares a typed identifier: a UUID that names one kind of row only.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The UUID as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A turf's stable identifier.
    TurfId
);
id_type!(
    /// A team's stable identifier.
    TeamId
);

/// A turf: precincts or doors a team canvasses, with its figures.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Turf {
    /// Its stable identifier.
    pub uuid: TurfId,
    /// Its name.
    pub name: String,
    /// The team it is assigned to, if any.
    pub team: Option<String>,
    /// Its own colour, `#rrggbb`, if one was chosen.
    pub colour: Option<String>,
    /// Where it stands.
    pub status: TurfStatus,
    /// Its precincts' codes.
    pub precincts: Vec<String>,
    /// Its figures.
    pub stats: TurfStats,
    /// Its outline (longitude/latitude), for drawing.
    #[serde(skip)]
    pub outline: Option<geo_types::MultiPolygon<f64>>,
}

/// A team of canvassers.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Team {
    /// Its stable identifier.
    pub uuid: TeamId,
    /// Its name.
    pub name: String,
    /// Its colour, `#rrggbb`.
    pub colour: Option<String>,
    /// How many canvassers.
    pub size: Option<i64>,
}

/// A turf given to a team for a day.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Assignment {
    /// The turf.
    pub turf: TurfId,
    /// The team.
    pub team: TeamId,
    /// The day.
    pub date: crate::domain::date::Date,
    /// Where the turf stands.
    pub status: TurfStatus,
}

/// Where a turf stands: the status the director and teams give it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum TurfStatus {
    /// Not started.
    #[default]
    #[serde(rename = "planned")]
    Planned,
    /// Being canvassed.
    #[serde(rename = "in progress")]
    InProgress,
    /// Finished.
    #[serde(rename = "done")]
    Done,
}

impl TurfStatus {
    /// Every status, in order.
    pub const ALL: [Self; 3] = [Self::Planned, Self::InProgress, Self::Done];

    /// The word stored in the campaign file (and typed on the command line).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProgress => "in progress",
            Self::Done => "done",
        }
    }

    /// The status a stored or typed word names (`in-progress` and `in_progress` too).
    ///
    /// # Errors
    /// [`UnknownStatus`] naming the accepted words.
    pub fn parse(text: &str) -> Result<Self, UnknownStatus> {
        match text.trim().to_lowercase().replace(['-', '_'], " ").as_str() {
            "planned" => Ok(Self::Planned),
            "in progress" => Ok(Self::InProgress),
            "done" => Ok(Self::Done),
            _ => Err(UnknownStatus(text.to_owned())),
        }
    }
}

impl std::fmt::Display for TurfStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TurfStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A status that is none of planned, in progress, done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("status {0:?}: use planned, in progress or done")]
pub struct UnknownStatus(pub String);

/// Which side of a polyline a point lies: positive on the left, using the segment whose
/// projection is nearest.
#[must_use]
pub fn side_of_line(line: &[(f64, f64)], p: (f64, f64)) -> f64 {
    let mut best = (f64::INFINITY, 0.0);
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        if len2 == 0.0 {
            continue;
        }
        let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
        let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
        let d2 = (p.0 - qx).powi(2) + (p.1 - qy).powi(2);
        if d2 < best.0 {
            best = (d2, dx * (p.1 - a.1) - dy * (p.0 - a.0));
        }
    }
    best.1
}

/// The outline of a turf of doors: the convex hull of the doors, each taken as a square 10 m
/// across, so that one door, or doors along one straight street side, still enclose an area
/// (a hull of points in a line would be a ring that crosses itself).
#[must_use]
pub fn door_outline(points: &[geo_types::Point<f64>]) -> MultiPolygon<f64> {
    use geo::ConvexHull as _;
    const HALF_METRES: f64 = 5.0;
    let corners: Vec<geo_types::Point<f64>> = points
        .iter()
        .flat_map(|p| {
            let dy = HALF_METRES / 111_320.0;
            let dx = dy / p.y().to_radians().cos().max(0.01);
            [(-dx, -dy), (dx, -dy), (dx, dy), (-dx, dy)]
                .map(|(ox, oy)| geo_types::Point::new(p.x() + ox, p.y() + oy))
        })
        .collect();
    MultiPolygon(vec![geo_types::MultiPoint(corners).convex_hull()])
}

/// The outline of a turf: the union of its precincts.
#[must_use]
pub fn outline(precincts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    geo::unary_union(precincts.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_left_of_a_line_walked_from_its_first_point_is_positive() {
        let line = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)];
        assert!(side_of_line(&line, (1.5, 1.0)) > 0.0);
        assert!(side_of_line(&line, (0.5, -1.0)) < 0.0);
    }

    #[test]
    fn the_outline_of_one_door_or_of_doors_in_a_line_is_a_valid_area() {
        use geo::Area as _;
        let one = door_outline(&[geo_types::Point::new(2.35, 48.85)]);
        let line = door_outline(
            &(0..5)
                .map(|k| geo_types::Point::new(2.35 + f64::from(k) * 0.0001, 48.85))
                .collect::<Vec<_>>(),
        );
        for outline in [one, line] {
            assert!(outline.unsigned_area() > 0.0);
            assert!(crate::domain::validity::check(&outline).is_ok());
        }
    }

    #[test]
    fn a_status_is_read_back_from_the_word_it_is_stored_as() {
        for status in TurfStatus::ALL {
            assert_eq!(TurfStatus::parse(status.as_str()), Ok(status));
        }
        assert_eq!(TurfStatus::parse("In-Progress"), Ok(TurfStatus::InProgress));
        assert!(TurfStatus::parse("finished").is_err());
    }

    #[test]
    fn the_doors_of_a_selection_are_those_of_a_turf_of_the_same_precincts() {
        let figures = [
            PrecinctFigures {
                doors_counted: Some(10),
                registered: Some(100),
                priority: Some(1.0),
            },
            PrecinctFigures {
                doors_counted: None,
                registered: Some(101),
                priority: None,
            },
            PrecinctFigures {
                doors_counted: None,
                registered: Some(3),
                priority: Some(0.5),
            },
        ];
        let selection = sum(&figures, 2.0);
        // Estimated per precinct, then summed: 10 + ⌈101/2⌉ + ⌈3/2⌉, not ⌈204/2⌉.
        assert_eq!(selection.doors, 10 + 51 + 2);
        assert!(selection.doors_estimated);
        let outline = MultiPolygon(Vec::new());
        assert_eq!(stats(&figures, &outline, 2.0).doors, selection.doors);
    }
    use geo_types::polygon;

    #[test]
    fn doors_are_counted_where_known_and_estimated_elsewhere() {
        let square = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)],
        ]);
        let figures = [
            PrecinctFigures {
                doors_counted: Some(120),
                registered: Some(300),
                priority: Some(2.0),
            },
            PrecinctFigures {
                doors_counted: None,
                registered: Some(190),
                priority: Some(1.5),
            },
        ];
        let s = stats(&figures, &square, 1.9);
        assert_eq!(s.doors, 220);
        assert!(s.doors_estimated);
        assert_eq!(s.registered, 490);
        assert!((s.priority - 3.5).abs() < 1e-12);
        assert!((s.area_km2 - 1.236).abs() < 0.01, "{}", s.area_km2);
    }

    #[test]
    fn adjacent_precincts_merge_into_one_outline() {
        let a = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
        ]);
        let b = MultiPolygon(vec![
            polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)],
        ]);
        assert_eq!(outline(&[&a, &b]).0.len(), 1);
    }
}

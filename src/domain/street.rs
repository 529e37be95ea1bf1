//! Streets: the named OpenStreetMap `highway=*` ways a campaign keeps as its offline street map
//! and walks its doors along.

use geo_types::{Coord, Rect};

/// A street's class, from its `highway` tag: what the map draws wider and labels first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadClass {
    /// Motorways and trunk roads (and their links).
    Motorway,
    /// Primary roads.
    Primary,
    /// Secondary roads.
    Secondary,
    /// Tertiary roads.
    Tertiary,
    /// Residential and unclassified streets, living streets.
    Residential,
    /// Service roads, tracks.
    Service,
    /// Pedestrian streets, footways, paths, steps, cycleways.
    Path,
}

impl RoadClass {
    /// Every class, the major first.
    pub const ALL: [Self; 7] = [
        Self::Motorway,
        Self::Primary,
        Self::Secondary,
        Self::Tertiary,
        Self::Residential,
        Self::Service,
        Self::Path,
    ];

    /// The class of an OpenStreetMap `highway` value; `None` for what is not a way people walk
    /// or drive along (planned roads, platforms, bus stops, race tracks).
    #[must_use]
    pub fn of_highway(value: &str) -> Option<Self> {
        Some(match value {
            "motorway" | "motorway_link" | "trunk" | "trunk_link" => Self::Motorway,
            "primary" | "primary_link" => Self::Primary,
            "secondary" | "secondary_link" => Self::Secondary,
            "tertiary" | "tertiary_link" => Self::Tertiary,
            "residential" | "unclassified" | "living_street" | "road" => Self::Residential,
            "service" | "track" => Self::Service,
            "pedestrian" | "footway" | "path" | "steps" | "cycleway" | "bridleway" | "corridor" => {
                Self::Path
            }
            _ => return None,
        })
    }

    /// Whether doors are found along it (a walk snaps doors to these, not to motorways).
    #[must_use]
    pub fn has_doors(self) -> bool {
        !matches!(self, Self::Motorway)
    }
}

/// A street as stored: a named line of the street map.
#[derive(Clone, Debug, PartialEq)]
pub struct Street {
    /// Its name.
    pub name: String,
    /// Its `highway` tag, as OpenStreetMap has it.
    pub highway: String,
    /// Its class.
    pub class: RoadClass,
    /// Its vertices (longitude/latitude), two or more.
    pub points: Vec<Coord<f64>>,
    /// The OpenStreetMap way it comes from.
    pub osm_id: Option<i64>,
}

/// The margin kept around the campaign's extent, in metres: streets just outside a turf's
/// edge still show on its map.
pub const MARGIN_METRES: f64 = 1_000.0;

/// The box an import keeps: the campaign's extent, with the margin unless `exact`.
#[must_use]
pub fn clip_box(extent: Rect<f64>, exact: bool) -> Rect<f64> {
    if exact {
        return extent;
    }
    let mid = f64::midpoint(extent.min().y, extent.max().y);
    let dy = MARGIN_METRES / 111_320.0;
    let dx = dy / mid.to_radians().cos().max(0.01);
    Rect::new(
        Coord {
            x: extent.min().x - dx,
            y: extent.min().y - dy,
        },
        Coord {
            x: extent.max().x + dx,
            y: extent.max().y + dy,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn road_classes_come_from_highway_tags_and_non_roads_are_left_out() {
        assert_eq!(RoadClass::of_highway("primary"), Some(RoadClass::Primary));
        assert_eq!(
            RoadClass::of_highway("living_street"),
            Some(RoadClass::Residential)
        );
        assert_eq!(RoadClass::of_highway("steps"), Some(RoadClass::Path));
        assert_eq!(RoadClass::of_highway("proposed"), None);
        assert_eq!(RoadClass::of_highway("bus_stop"), None);
        assert!(RoadClass::Motorway < RoadClass::Residential);
    }
}

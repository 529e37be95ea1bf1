//! The map's colours, in one place: team and status colours of turf outlines, selection,
//! door points, drawing tools, outlines, labels, and the street map.

use egui::Color32;

/// Colours of teams' turfs without a colour of their own (`ColorBrewer` Dark2: distinct,
/// colour-blind friendly).
pub const TEAM_COLOURS: [Color32; 6] = [
    Color32::from_rgb(0x1b, 0x9e, 0x77),
    Color32::from_rgb(0xd9, 0x5f, 0x02),
    Color32::from_rgb(0x75, 0x70, 0xb3),
    Color32::from_rgb(0xe7, 0x29, 0x8a),
    Color32::from_rgb(0x66, 0xa6, 0x1e),
    Color32::from_rgb(0xe6, 0xab, 0x02),
];

/// A turf with neither team nor colour of its own.
pub const TURF_PLAIN: Color32 = Color32::from_rgb(40, 40, 40);
/// Turf outlines by status: planned.
pub const STATUS_PLANNED: Color32 = Color32::from_rgb(0x45, 0x75, 0xb4);
/// Turf outlines by status: in progress.
pub const STATUS_IN_PROGRESS: Color32 = Color32::from_rgb(0xf4, 0x6d, 0x43);
/// Turf outlines by status: done.
pub const STATUS_DONE: Color32 = Color32::from_rgb(0x1a, 0x98, 0x50);
/// Selected door points, and the lasso and polygon being drawn.
pub const SELECTION: Color32 = Color32::from_rgb(0x1f, 0x6f, 0xeb);
/// Door points.
pub const DOOR: Color32 = Color32::from_rgb(60, 60, 60);
/// Precinct outlines.
pub const PRECINCT_OUTLINE: Color32 = Color32::from_rgba_unmultiplied_const(60, 60, 60, 160);
/// Precinct labels.
pub const LABEL: Color32 = Color32::from_rgb(30, 30, 30);
/// Errors said on the map and in panels.
pub const ERROR: Color32 = Color32::from_rgb(0xc0, 0x39, 0x2b);

/// A `#rrggbb` colour (black when unreadable).
#[must_use]
pub fn hex(text: &str) -> Color32 {
    let [r, g, b] = crate::domain::classify::parse_hex(text);
    Color32::from_rgb(r, g, b)
}

/// A team's colour: its own, else the palette's for its place in the list.
#[must_use]
pub fn team_colour(index: usize, own: Option<&str>) -> Color32 {
    own.map_or(TEAM_COLOURS[index % TEAM_COLOURS.len()], hex)
}

/// The street map's land, under the streets (OpenStreetMap's usual colours, so the map reads
/// as the street maps people know).
pub const STREET_LAND: Color32 = Color32::from_rgb(0xf2, 0xef, 0xe9);
/// Motorways: fill and casing.
pub const STREET_MOTORWAY: [Color32; 2] = [
    Color32::from_rgb(0xe8, 0x92, 0xa2),
    Color32::from_rgb(0xc2, 0x4e, 0x6b),
];
/// Primary roads: fill and casing.
pub const STREET_PRIMARY: [Color32; 2] = [
    Color32::from_rgb(0xfc, 0xd6, 0xa4),
    Color32::from_rgb(0xb3, 0x80, 0x2a),
];
/// Secondary roads: fill and casing.
pub const STREET_SECONDARY: [Color32; 2] = [
    Color32::from_rgb(0xf7, 0xfa, 0xbf),
    Color32::from_rgb(0x8d, 0x96, 0x3a),
];
/// Tertiary roads: fill and casing.
pub const STREET_TERTIARY: [Color32; 2] = [Color32::WHITE, Color32::from_rgb(0x9a, 0x9a, 0x9a)];
/// Residential streets and service roads: fill and casing (also their colour when too thin
/// for a casing).
pub const STREET_MINOR: [Color32; 2] = [Color32::WHITE, Color32::from_rgb(0xbb, 0xb6, 0xae)];
/// Pedestrian streets: fill and casing.
pub const STREET_PEDESTRIAN: [Color32; 2] = [
    Color32::from_rgb(0xdd, 0xdd, 0xe8),
    Color32::from_rgb(0xa5, 0xa5, 0xb5),
];
/// Footways, paths, cycleways and steps.
pub const STREET_PATH: Color32 = Color32::from_rgb(0xe9, 0x80, 0x72);
/// Street names, and the halo around them.
pub const STREET_NAME: [Color32; 2] = [
    Color32::from_rgb(0x33, 0x33, 0x33),
    Color32::from_rgb(0xff, 0xff, 0xff),
];

/// A turf assigned with no report for a week (dashed, with a sign: not colour alone).
pub const STALE: Color32 = Color32::from_rgb(200, 40, 40);

//! Seeded synthetic workloads (DESIGN.md §9), so benchmarks and stress tests compare across
//! issues and machines: France-scale Voronoi precincts and their election results.

use std::fmt::Write as _;

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use spade::{DelaunayTriangulation, Point2, Triangulation as _};

use crate::domain::NewPrecinct;
use crate::domain::results::{ElectionData, ScoringData};
use crate::domain::street::{RoadClass, Street};

/// The box of the France-scale workload: longitude −5…8, latitude 42…51.
pub const FRANCE_BOX: (f64, f64, f64, f64) = (-5.0, 42.0, 8.0, 51.0);

/// The number of precincts of the France-scale workload.
pub const FRANCE_PRECINCTS: usize = 69_000;

/// `n` uniform random points in `bbox = (min_x, min_y, max_x, max_y)`.
#[must_use]
pub fn random_points(n: usize, bbox: (f64, f64, f64, f64), seed: u64) -> Vec<Coord<f64>> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| Coord {
            x: rng.random_range(bbox.0..bbox.2),
            y: rng.random_range(bbox.1..bbox.3),
        })
        .collect()
}

/// The Voronoi cells of `n` seeded random points in `bbox`, clipped to it: precincts coded
/// `"00000"`, `"00001"`…, with registered voters between 500 and 1,500.
#[must_use]
pub fn voronoi_precincts(n: usize, bbox: (f64, f64, f64, f64), seed: u64) -> Vec<NewPrecinct> {
    let points = random_points(n, bbox, seed);
    let (w, h) = (bbox.2 - bbox.0, bbox.3 - bbox.1);
    // Four far corners make every real cell bounded.
    let frame = [
        (bbox.0 - 10.0 * w, bbox.1 - 10.0 * h),
        (bbox.2 + 10.0 * w, bbox.1 - 10.0 * h),
        (bbox.2 + 10.0 * w, bbox.3 + 10.0 * h),
        (bbox.0 - 10.0 * w, bbox.3 + 10.0 * h),
    ];
    let sites: Vec<Point2<f64>> = points
        .iter()
        .map(|c| Point2::new(c.x, c.y))
        .chain(frame.iter().map(|&(x, y)| Point2::new(x, y)))
        .collect();
    let Ok(triangulation) = DelaunayTriangulation::<Point2<f64>>::bulk_load_stable(sites) else {
        return Vec::new();
    };
    let mut random = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut cells = Vec::with_capacity(n);
    for vertex in triangulation.vertices().take(n) {
        let mut ring: Vec<Coord<f64>> = vertex
            .out_edges()
            .filter_map(|edge| edge.face().as_inner().map(|f| f.circumcenter()))
            .map(|p| Coord { x: p.x, y: p.y })
            .collect();
        ring = clip_to_box(&ring, bbox);
        if ring.len() < 3 {
            continue;
        }
        ring.push(ring[0]);
        let i = cells.len();
        cells.push(NewPrecinct {
            code: format!("{i:05}"),
            name: format!("Bureau {i}"),
            registered: Some(random.random_range(500..=1500)),
            geometry: MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]),
            properties: serde_json::Map::new(),
        });
    }
    cells
}

/// Clips a convex polygon (no closing vertex) to a box (Sutherland–Hodgman).
fn clip_to_box(ring: &[Coord<f64>], bbox: (f64, f64, f64, f64)) -> Vec<Coord<f64>> {
    /// A side of the box: which points are inside, its coordinate, whether it is vertical.
    type Side = (fn(Coord<f64>, f64) -> bool, f64, bool);
    let mut out = ring.to_vec();
    let edges: [Side; 4] = [
        (|c, v| c.x >= v, bbox.0, true),
        (|c, v| c.x <= v, bbox.2, true),
        (|c, v| c.y >= v, bbox.1, false),
        (|c, v| c.y <= v, bbox.3, false),
    ];
    for (inside, value, vertical) in edges {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            break;
        };
        let mut prev = last;
        for &cur in &input {
            let cross = |a: Coord<f64>, b: Coord<f64>| {
                if vertical {
                    let t = (value - a.x) / (b.x - a.x);
                    Coord {
                        x: value,
                        y: a.y + t * (b.y - a.y),
                    }
                } else {
                    let t = (value - a.y) / (b.y - a.y);
                    Coord {
                        x: a.x + t * (b.x - a.x),
                        y: value,
                    }
                }
            };
            match (inside(prev, value), inside(cur, value)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cross(prev, cur)),
                (false, true) => {
                    out.push(cross(prev, cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

/// Seeded results for `registered.len()` precincts: `elections` elections of `lists` lists
/// ("Liste 1"…), turnout 40–80 %, valid 95–99 % of voters, shares drawn at random per
/// precinct and election.
#[must_use]
pub fn results(registered: &[i64], elections: usize, lists: usize, seed: u64) -> Vec<ElectionData> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = registered.len();
    (0..elections)
        .map(|e| {
            let mut data = ElectionData {
                name: format!("Élection {}", e + 1),
                date: Some(format!("20{:02}-06-01", 10 + 2 * e)),
                round: Some(1),
                lists: (1..=lists).map(|l| format!("Liste {l}")).collect(),
                registered: Vec::with_capacity(n),
                voters: Vec::with_capacity(n),
                valid: Vec::with_capacity(n),
                valid_is_sum_of_lists: false,
                votes: vec![Vec::with_capacity(n); lists],
            };
            for &r in registered {
                let r = r as f64;
                let voters = (r * rng.random_range(0.4..0.8)).round();
                let valid = (voters * rng.random_range(0.95..0.99)).round();
                let weights: Vec<f64> = (0..lists).map(|_| rng.random_range(0.05..1.0)).collect();
                let total: f64 = weights.iter().sum();
                data.registered.push(r);
                data.voters.push(voters);
                data.valid.push(valid);
                for (l, w) in weights.iter().enumerate() {
                    data.votes[l].push((valid * w / total).floor());
                }
            }
            data
        })
        .collect()
}

/// The France-scale scoring workload without geometry: 69,000 precincts, 3 elections of 10
/// lists.
#[must_use]
pub fn france_scoring_data(seed: u64) -> ScoringData {
    let mut rng = StdRng::seed_from_u64(seed);
    let registered: Vec<i64> = (0..FRANCE_PRECINCTS)
        .map(|_| rng.random_range(500..=1500))
        .collect();
    ScoringData {
        codes: (0..FRANCE_PRECINCTS).map(|i| format!("{i:05}")).collect(),
        names: (0..FRANCE_PRECINCTS)
            .map(|i| format!("Bureau {i}"))
            .collect(),
        elections: results(&registered, 3, 10, seed ^ 0xE1EC),
    }
}

/// A wide results CSV, French style (`;`, inscrits/votants/exprimés), of one election.
#[must_use]
pub fn results_csv(codes: &[String], election: &ElectionData) -> String {
    let mut out = String::with_capacity(codes.len() * 80);
    out.push_str("code_bv;inscrits;votants;exprimes");
    for l in &election.lists {
        out.push(';');
        out.push_str(l);
    }
    out.push('\n');
    for (p, code) in codes.iter().enumerate() {
        let _ = write!(
            out,
            "{code};{};{};{}",
            election.registered[p], election.voters[p], election.valid[p]
        );
        for l in &election.votes {
            let _ = write!(out, ";{}", l[p]);
        }
        out.push('\n');
    }
    out
}

/// Every edge cut into `parts` pieces, with a small seeded jitter that depends only on the
/// point, so an edge shared by two precincts stays shared (the detailed variant of §9).
#[must_use]
pub fn subdivide(mp: &MultiPolygon<f64>, parts: usize) -> MultiPolygon<f64> {
    let jitter = |x: f64, y: f64| {
        let h = ((x * 1e6).round() as i64).wrapping_mul(73_856_093)
            ^ ((y * 1e6).round() as i64).wrapping_mul(19_349_663);
        ((h % 1000) as f64 / 1000.0) * 2e-4
    };
    MultiPolygon(
        mp.0.iter()
            .map(|p| {
                let ring = p.exterior();
                let mut out = Vec::with_capacity(ring.0.len() * parts);
                for w in ring.0.windows(2) {
                    for k in 0..parts {
                        let t = k as f64 / parts as f64;
                        let x = w[0].x + (w[1].x - w[0].x) * t;
                        let y = w[0].y + (w[1].y - w[0].y) * t;
                        let j = if k == 0 { 0.0 } else { jitter(x, y) };
                        out.push(Coord { x: x + j, y: y - j });
                    }
                }
                if let Some(&first) = out.first() {
                    out.push(first);
                }
                Polygon::new(LineString(out), vec![])
            })
            .collect(),
    )
}

/// Writes the France-scale campaign (69,000 Voronoi precincts — or the detailed variant, ~150
/// vertices each — one election of 10 lists, performance scores for "Liste 3") to `path`.
/// Returns the number of outline vertices.
pub fn france_campaign(path: &std::path::Path, detailed: bool) -> anyhow::Result<usize> {
    let mut precincts = voronoi_precincts(FRANCE_PRECINCTS, FRANCE_BOX, 42);
    if detailed {
        for p in &mut precincts {
            p.geometry = subdivide(&p.geometry, 21);
        }
    }
    let vertices = precincts
        .iter()
        .map(|p| {
            p.geometry
                .0
                .iter()
                .map(|g| g.exterior().0.len())
                .sum::<usize>()
        })
        .sum();
    scored_campaign(path, "France (synthétique)", &precincts)?;
    Ok(vertices)
}

/// The number of precincts of the département-scale campaign.
pub const DEPARTEMENT_PRECINCTS: usize = 800;

/// Writes the département-scale campaign to `path`: 800 Voronoi precincts over
/// `DEPARTEMENT_BOX`, scored as the France-scale one, and the département's street map
/// (`departement_streets(42, DEPARTEMENT_VERTICES)`, its largest town at the centre). Returns
/// the number of street vertices.
pub fn departement_campaign(path: &std::path::Path) -> anyhow::Result<usize> {
    let precincts = voronoi_precincts(DEPARTEMENT_PRECINCTS, DEPARTEMENT_BOX, 42);
    let mut campaign = scored_campaign(path, "Département (synthétique)", &precincts)?;
    let streets = departement_streets(42, DEPARTEMENT_VERTICES);
    campaign.replace_streets(&streets, "synthetic")?;
    Ok(streets.iter().map(|s| s.points.len()).sum())
}

/// Creates a campaign at `path` of `precincts`, with one election of 10 lists and
/// performance scores for "Liste 3".
fn scored_campaign(
    path: &std::path::Path,
    name: &str,
    precincts: &[NewPrecinct],
) -> anyhow::Result<crate::store::Campaign> {
    use crate::domain::results::ResultRow;
    use crate::domain::scoring::{Preset, ScoringParams, score};
    use crate::store::{Campaign, ElectionMeta, ElectionResults};

    let mut campaign = Campaign::create(path, name)?;
    campaign.replace_precincts(precincts, &mut crate::progress::ignore)?;
    let registered: Vec<i64> = precincts
        .iter()
        .map(|p| p.registered.unwrap_or(1000))
        .collect();
    let election = results(&registered, 1, 10, 7).remove(0);
    let rows: Vec<ResultRow> = precincts
        .iter()
        .enumerate()
        .map(|(p, precinct)| ResultRow {
            line: p + 2,
            code: precinct.code.clone(),
            registered: Some(election.registered[p] as u32),
            voters: Some(election.voters[p] as u32),
            valid: Some(election.valid[p] as u32),
            votes: (0..election.lists.len())
                .map(|l| (l, election.votes[l][p] as u32))
                .collect(),
        })
        .collect();
    let matches: Vec<Option<String>> = precincts.iter().map(|p| Some(p.code.clone())).collect();
    let meta = ElectionMeta {
        name: election.name.clone(),
        date: election
            .date
            .as_deref()
            .and_then(|d| crate::domain::date::Date::parse(d).ok()),
        round: election.round,
    };
    campaign.store_results(&[ElectionResults {
        meta: &meta,
        lists: &election.lists,
        rows: &rows,
        codes: &matches,
        attributes: &[],
    }])?;
    let data = campaign.scoring_data()?;
    let params = ScoringParams {
        preset: Preset::Performance,
        ours: vec!["Liste 3".to_owned()],
        ..ScoringParams::default()
    };
    let scored = score(&data, &params)?;
    campaign.save_scores(&data.codes, &scored)?;
    Ok(campaign)
}

/// The box of the département-scale street map: about 77 × 78 km (6,000 km²) in central
/// France.
pub const DEPARTEMENT_BOX: (f64, f64, f64, f64) = (2.0, 46.0, 3.0, 46.7);

/// Street vertices of the département-scale street map (the map benchmark's workload).
pub const DEPARTEMENT_VERTICES: usize = 1_000_000;

/// A country road to lay: its two ends (metres) and its class.
type Road = ((f64, f64), (f64, f64), RoadClass);

/// Street name stems, French as the box is.
const STEMS: [&str; 24] = [
    "de la Gare",
    "Victor Hugo",
    "Jean Jaurès",
    "des Écoles",
    "de l'Église",
    "Pasteur",
    "du Moulin",
    "des Lilas",
    "de la République",
    "du Château",
    "des Tilleuls",
    "Gambetta",
    "de la Fontaine",
    "du Stade",
    "des Vignes",
    "Jules Ferry",
    "du Marché",
    "des Acacias",
    "de la Paix",
    "du Lavoir",
    "des Peupliers",
    "Carnot",
    "de Verdun",
    "du Pont",
];

/// A seeded street map of a French département (`DEPARTEMENT_BOX`) with about `vertices`
/// vertices: towns whose streets are curvy grids 80–150 m apart (residential, a tertiary
/// every sixth, the main streets secondary, some service roads and paths), cut into ways of
/// 2–6 blocks, the largest town (3.5 km across its centre) at the box's centre; each town
/// joined to its two nearest by winding country roads; a motorway across. Vertices every 10 m
/// in towns and 20 m on country roads, as in OpenStreetMap.
#[must_use]
pub fn departement_streets(seed: u64, vertices: usize) -> Vec<Street> {
    let mut rng = StdRng::seed_from_u64(seed);
    let (lon0, lat0, lon1, lat1) = DEPARTEMENT_BOX;
    let mid = f64::midpoint(lat0, lat1).to_radians().cos();
    let (width, height) = ((lon1 - lon0) * 111_320.0 * mid, (lat1 - lat0) * 110_540.0);
    let to_lon_lat = |x: f64, y: f64| Coord {
        x: lon0 + x / (111_320.0 * mid),
        y: lat0 + y / 110_540.0,
    };
    let mut out = Vec::new();
    let mut count = 0;
    let mut push =
        |out: &mut Vec<Street>, name: String, class: RoadClass, line: Vec<(f64, f64)>| {
            count += line.len();
            out.push(Street {
                name,
                highway: format!("{class:?}").to_lowercase(),
                class,
                points: line.iter().map(|&(x, y)| to_lon_lat(x, y)).collect(),
                osm_id: None,
            });
            count >= vertices
        };
    // Towns: (x, y, radius), the largest first.
    let mut towns: Vec<(f64, f64, f64)> = Vec::new();
    let mut roads = 0;
    'towns: for k in 0.. {
        let radius = match k {
            0 => 3_500.0,
            1..=3 => rng.random_range(1_500.0..2_000.0),
            _ => rng.random_range(350.0..900.0),
        };
        let centre = if k == 0 {
            Some((width / 2.0, height / 2.0))
        } else {
            (0..40)
                .map(|_| {
                    (
                        rng.random_range(radius..width - radius),
                        rng.random_range(radius..height - radius),
                    )
                })
                .find(|&(x, y)| {
                    towns
                        .iter()
                        .all(|t| (t.0 - x).hypot(t.1 - y) > t.2 + radius + 1_500.0)
                })
        };
        let Some((cx, cy)) = centre else {
            continue;
        };
        // The town's grid: two families of parallel streets, cut into ways of a few blocks.
        let spacing = rng.random_range(80.0..150.0);
        let angle: f64 = rng.random_range(0.0..std::f64::consts::PI);
        let (u, v) = ((angle.cos(), angle.sin()), (-angle.sin(), angle.cos()));
        let n = (radius / spacing) as i32;
        for (family, (along, across)) in [(u, v), (v, (-u.0, -u.1))].into_iter().enumerate() {
            for line in -n..=n {
                let offset = f64::from(line) * spacing;
                let half = (radius * radius - offset * offset).max(0.0).sqrt();
                if half < spacing {
                    continue;
                }
                let (amp, wave, phase) = (
                    rng.random_range(2.0..8.0),
                    rng.random_range(150.0..400.0),
                    rng.random_range(0.0..6.3),
                );
                let name = format!(
                    "{} {}",
                    ["Rue", "Avenue", "Chemin", "Allée", "Boulevard"]
                        [(line.unsigned_abs() as usize + family) % 5],
                    STEMS[rng.random_range(0..STEMS.len())]
                );
                let mut s = -half;
                while s < half {
                    let e = (s + f64::from(rng.random_range(2..=6)) * spacing).min(half);
                    let class = match rng.random_range(0..100) {
                        _ if line == 0 => RoadClass::Secondary,
                        _ if line % 6 == 0 => RoadClass::Tertiary,
                        0..=7 => RoadClass::Service,
                        8..=12 => RoadClass::Path,
                        _ => RoadClass::Residential,
                    };
                    let steps = ((e - s) / 10.0).ceil().max(1.0) as usize;
                    let points = (0..=steps)
                        .map(|i| {
                            let t = s + (e - s) * i as f64 / steps as f64;
                            let o = offset + amp * (t / wave * std::f64::consts::TAU + phase).sin();
                            (
                                cx + along.0 * t + across.0 * o,
                                cy + along.1 * t + across.1 * o,
                            )
                        })
                        .collect();
                    if push(&mut out, name.clone(), class, points) {
                        break 'towns;
                    }
                    s = e;
                }
            }
        }
        // Country roads to the two nearest towns already there; a motorway after the towns.
        let mut near: Vec<(f64, usize)> = towns
            .iter()
            .enumerate()
            .map(|(i, t)| ((t.0 - cx).hypot(t.1 - cy), i))
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut links: Vec<Road> = near
            .iter()
            .take(2)
            .map(|&(_, i)| {
                let t = towns[i];
                let class = match (i, k) {
                    (0..=3, 0..=3) => RoadClass::Primary,
                    (0..=3, _) => RoadClass::Secondary,
                    _ => RoadClass::Tertiary,
                };
                ((cx, cy), (t.0, t.1), class)
            })
            .collect();
        if k == 4 {
            links.push((
                (1_000.0, height * 0.2),
                (width - 1_000.0, height * 0.85),
                RoadClass::Motorway,
            ));
        }
        for (a, b, class) in links {
            roads += 1;
            let length = (b.0 - a.0).hypot(b.1 - a.1);
            let (dx, dy) = ((b.0 - a.0) / length, (b.1 - a.1) / length);
            let (bend, bends, phase) = (
                rng.random_range(-0.08..0.08) * length,
                f64::from(rng.random_range(1..4)),
                rng.random_range(0.0..6.3),
            );
            let steps = (length / 20.0).ceil() as usize;
            let line: Vec<(f64, f64)> = (0..=steps)
                .map(|i| {
                    let t = i as f64 / steps as f64;
                    let o = bend * (std::f64::consts::PI * t * bends).sin()
                        + 15.0 * (t * length / 300.0 + phase).sin();
                    (
                        (a.0 + dx * t * length - dy * o).clamp(10.0, width - 10.0),
                        (a.1 + dy * t * length + dx * o).clamp(10.0, height - 10.0),
                    )
                })
                .collect();
            let prefix = match class {
                RoadClass::Motorway => "A",
                RoadClass::Primary => "N",
                _ => "D",
            };
            // Ways of about 2 km, sharing their ends.
            for start in (0..line.len() - 1).step_by(100) {
                let way = line[start..=(start + 100).min(line.len() - 1)].to_vec();
                if push(&mut out, format!("{prefix}{}", 100 + roads), class, way) {
                    break 'towns;
                }
            }
        }
        towns.push((cx, cy, radius));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area as _, BoundingRect as _};

    #[test]
    fn voronoi_cells_tile_the_box_without_gaps() {
        let bbox = (0.0, 0.0, 10.0, 5.0);
        let cells = voronoi_precincts(500, bbox, 7);
        assert_eq!(cells.len(), 500);
        let area: f64 = cells.iter().map(|c| c.geometry.unsigned_area()).sum();
        assert!((area - 50.0).abs() < 1e-6, "{area}");
        for c in &cells {
            let r = c.geometry.bounding_rect().unwrap();
            assert!(r.min().x >= 0.0 && r.max().x <= 10.0 && r.min().y >= 0.0 && r.max().y <= 5.0);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_workload() {
        assert_eq!(
            voronoi_precincts(50, FRANCE_BOX, 1),
            voronoi_precincts(50, FRANCE_BOX, 1)
        );
        let r = results(&[1000, 800], 2, 3, 9);
        assert_eq!(r, results(&[1000, 800], 2, 3, 9));
        assert!(r[0].votes.iter().map(|v| v[0]).sum::<f64>() <= r[0].valid[0]);
    }

    #[test]
    fn the_departement_street_map_has_the_vertices_asked_for_inside_its_box() {
        let streets = departement_streets(5, 300_000);
        let vertices: usize = streets.iter().map(|s| s.points.len()).sum();
        assert!((300_000..301_000).contains(&vertices), "{vertices}");
        let (a, b, c, d) = DEPARTEMENT_BOX;
        for s in &streets {
            assert!(s.points.len() >= 2 && !s.name.is_empty());
            for p in &s.points {
                assert!(p.x > a && p.x < c && p.y > b && p.y < d, "{p:?}");
            }
        }
        assert_eq!(streets, departement_streets(5, 300_000));
    }
}

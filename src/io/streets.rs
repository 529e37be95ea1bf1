//! Streets from an OpenStreetMap `.osm.pbf` extract: its named `highway=*` ways, streamed
//! block by block so that a regional extract of hundreds of megabytes is read in bounded
//! memory.
//!
//! With a clip box (the campaign's extent and a margin, the usual case), one pass keeps only
//! the nodes inside the box, then cuts each way into the runs of its vertices that are there:
//! memory grows with the campaign's area, not with the extract. Without one (a campaign with
//! nothing in it yet), a first pass keeps the named ways' vertex ids and a second reads just
//! those nodes' positions.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;

use geo_types::{Coord, Rect};
use osmpbf::{BlobDecode, BlobReader, PrimitiveBlock};

use crate::domain::street::{RoadClass, Street};
use crate::io::ImportError;
use crate::progress::{Progress, ProgressFn, Stage};

/// What reading an extract found.
#[derive(Clone, Debug, Default)]
pub struct StreetsRead {
    /// The streets (pieces of ways inside the clip box).
    pub streets: Vec<Street>,
    /// Named street ways in the extract.
    pub ways: usize,
    /// Of those, the ways wholly outside the clip box, left out.
    pub outside: usize,
}

/// A named street way before its vertices are placed.
struct Way {
    id: i64,
    name: String,
    highway: String,
    class: RoadClass,
    refs: Vec<i64>,
}

/// Reads the named streets of an extract, clipped to `clip` (longitude/latitude) when given.
pub fn read_streets(
    path: &Path,
    clip: Option<Rect<f64>>,
    progress: &mut ProgressFn<'_>,
) -> Result<StreetsRead, ImportError> {
    super::input::check_regular_file(path, super::input::MAX_SHAPES_BYTES)?;
    let size = std::fs::metadata(path).map_or(0, |m| m.len()).max(1);
    let passes = if clip.is_some() { 1 } else { 2 };
    let mut read = match clip {
        Some(clip) => one_pass(path, clip, size, progress)?,
        None => two_passes(path, size, passes, progress)?,
    };
    if read.ways == 0 {
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: "no named streets (highway ways with a name) in this extract".to_owned(),
        });
    }
    read.streets.sort_by(|a, b| {
        a.class
            .cmp(&b.class)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.osm_id.cmp(&b.osm_id))
    });
    Ok(read)
}

/// The blocks of an extract, in file order, with progress by bytes read. `visit` sees each
/// data block; progress is reported as pass `pass` of `passes`.
fn blocks(
    path: &Path,
    size: u64,
    (pass, passes): (u64, u64),
    progress: &mut ProgressFn<'_>,
    mut visit: impl FnMut(&PrimitiveBlock) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let format = |e: osmpbf::Error| ImportError::Format {
        path: path.to_path_buf(),
        detail: format!("not a readable OpenStreetMap PBF extract: {e}"),
    };
    let reader = BlobReader::seekable_from_path(path).map_err(format)?;
    for blob in reader {
        let blob = blob.map_err(format)?;
        let at = blob.offset().map_or(0, |o| o.0);
        let done = (pass * size + at) / 1024;
        if progress(Progress {
            stage: Stage::Reading,
            done: done as usize,
            total: (passes * size / 1024) as usize,
        }) == ControlFlow::Break(())
        {
            return Err(ImportError::Cancelled {
                path: path.to_path_buf(),
            });
        }
        if let BlobDecode::OsmData(block) = blob.decode().map_err(format)? {
            visit(&block)?;
        }
    }
    Ok(())
}

/// A named street way, if this element is one.
fn street_way(w: &osmpbf::Way<'_>) -> Option<Way> {
    let mut name = None;
    let mut highway = None;
    for (k, v) in w.tags() {
        match k {
            "name" => name = Some(v),
            "highway" => highway = Some(v),
            "area" if v == "yes" => return None,
            _ => {}
        }
    }
    let (name, highway) = (name?.trim(), highway?);
    let class = RoadClass::of_highway(highway)?;
    if name.is_empty() {
        return None;
    }
    Some(Way {
        id: w.id(),
        name: name.to_owned(),
        highway: highway.to_owned(),
        class,
        refs: w.refs().collect(),
    })
}

/// The runs of a way's vertices that `place` finds, each of two vertices or more.
fn pieces(way: &Way, place: impl Fn(i64) -> Option<Coord<f64>>) -> Vec<Street> {
    let mut out = Vec::new();
    let mut run: Vec<Coord<f64>> = Vec::new();
    let mut flush = |run: &mut Vec<Coord<f64>>| {
        if run.len() >= 2 {
            out.push(Street {
                name: way.name.clone(),
                highway: way.highway.clone(),
                class: way.class,
                points: std::mem::take(run),
                osm_id: Some(way.id),
            });
        }
        run.clear();
    };
    for r in &way.refs {
        match place(*r) {
            Some(c) => run.push(c),
            None => flush(&mut run),
        }
    }
    flush(&mut run);
    out
}

/// One pass: nodes inside the box first (sorted extracts give every node before any way),
/// then the ways cut to them.
fn one_pass(
    path: &Path,
    clip: Rect<f64>,
    size: u64,
    progress: &mut ProgressFn<'_>,
) -> Result<StreetsRead, ImportError> {
    let mut nodes: HashMap<i64, Coord<f64>> = HashMap::new();
    let mut read = StreetsRead::default();
    let mut saw_way = false;
    let inside = |x: f64, y: f64| {
        (clip.min().x..=clip.max().x).contains(&x) && (clip.min().y..=clip.max().y).contains(&y)
    };
    let unsorted = || ImportError::Format {
        path: path.to_path_buf(),
        detail: "this extract is not sorted (nodes come after ways); sort it first, e.g. with \
                 `osmium sort`"
            .to_owned(),
    };
    blocks(path, size, (0, 1), progress, |block| {
        for group in block.groups() {
            let all = group
                .nodes()
                .map(|n| (n.id(), n.lon(), n.lat()))
                .chain(group.dense_nodes().map(|n| (n.id(), n.lon(), n.lat())));
            for (id, x, y) in all {
                if saw_way {
                    return Err(unsorted());
                }
                if inside(x, y) {
                    nodes.insert(id, Coord { x, y });
                }
            }
            for w in group.ways() {
                saw_way = true;
                let Some(way) = street_way(&w) else {
                    continue;
                };
                read.ways += 1;
                let found = pieces(&way, |r| nodes.get(&r).copied());
                if found.is_empty() {
                    read.outside += 1;
                }
                read.streets.extend(found);
            }
        }
        Ok(())
    })?;
    Ok(read)
}

/// Two passes: the named ways and their vertex ids, then those vertices' positions.
fn two_passes(
    path: &Path,
    size: u64,
    passes: u64,
    progress: &mut ProgressFn<'_>,
) -> Result<StreetsRead, ImportError> {
    let mut ways: Vec<Way> = Vec::new();
    blocks(path, size, (0, passes), progress, |block| {
        for group in block.groups() {
            ways.extend(group.ways().filter_map(|w| street_way(&w)));
        }
        Ok(())
    })?;
    let mut wanted: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut placed: Vec<Option<Coord<f64>>> = vec![None; wanted.len()];
    blocks(path, size, (1, passes), progress, |block| {
        for group in block.groups() {
            let all = group
                .nodes()
                .map(|n| (n.id(), n.lon(), n.lat()))
                .chain(group.dense_nodes().map(|n| (n.id(), n.lon(), n.lat())));
            for (id, x, y) in all {
                if let Ok(i) = wanted.binary_search(&id) {
                    placed[i] = Some(Coord { x, y });
                }
            }
        }
        Ok(())
    })?;
    let mut read = StreetsRead {
        ways: ways.len(),
        ..StreetsRead::default()
    };
    for way in &ways {
        let found = pieces(way, |r| {
            wanted
                .binary_search(&r)
                .ok()
                .and_then(|i| placed[i])
                .filter(|c| c.x.is_finite() && c.y.is_finite())
        });
        if found.is_empty() {
            read.outside += 1;
        }
        read.streets.extend(found);
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::ignore;

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name)
    }

    #[test]
    fn the_helsinki_extract_gives_its_named_streets_clipped_or_whole() {
        let whole = read_streets(&fixture("helsinki.osm.pbf"), None, &mut ignore).unwrap();
        assert!(whole.ways > 100, "{} ways", whole.ways);
        assert!(whole.streets.iter().any(|s| s.name == "Mannerheimintie"));
        assert!(whole.streets.iter().all(|s| s.points.len() >= 2));
        // A box around the railway station holds fewer, cut at its edge.
        let clip = Rect::new(
            Coord {
                x: 24.938,
                y: 60.168,
            },
            Coord {
                x: 24.946,
                y: 60.173,
            },
        );
        let part = read_streets(&fixture("helsinki.osm.pbf"), Some(clip), &mut ignore).unwrap();
        assert_eq!(part.ways, whole.ways);
        assert!(part.outside > 0 && part.streets.len() < whole.streets.len());
        assert!(
            part.streets
                .iter()
                .flat_map(|s| &s.points)
                .all(|c| clip.min().x <= c.x
                    && c.x <= clip.max().x
                    && clip.min().y <= c.y
                    && c.y <= clip.max().y)
        );
    }

    #[test]
    fn a_file_that_is_not_an_extract_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("streets.osm.pbf");
        std::fs::write(&bad, b"not a pbf").unwrap();
        let e = read_streets(&bad, None, &mut ignore)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("streets.osm.pbf") && e.contains("OpenStreetMap PBF"),
            "{e}"
        );
        // An extract of addresses only has no streets.
        let e = read_streets(
            &fixture("helsinki-addresses-small.osm.pbf"),
            None,
            &mut ignore,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no named streets"), "{e}");
    }
}

//! Streets from an OpenStreetMap `.osm.pbf` extract: its named `highway=*` ways, streamed
//! block by block so that a regional extract of hundreds of megabytes is read in bounded
//! memory.
//!
//! With a clip box (the campaign's extent and a margin, the usual case), one pass keeps only
//! the nodes inside the box, then cuts each way into the runs of its vertices that are there:
//! memory grows with the campaign's area, not with the extract. Without one (a campaign with
//! nothing in it yet), a first pass keeps the named ways' vertex ids, a second their positions
//! (8 bytes each), and a third reads the ways again to place them. Either way the streets go
//! to a sink as they are found ([`read_streets_into`]; [`import_streets`] writes them straight
//! into the campaign), so the streets themselves are never all held at once.

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

impl StreetsRead {
    /// Counts a named way and sends the pieces of it that were placed (none: it lies outside).
    fn send(
        &mut self,
        pieces: Vec<Street>,
        sink: &mut dyn FnMut(Street) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        self.ways += 1;
        if pieces.is_empty() {
            self.outside += 1;
        }
        pieces.into_iter().try_for_each(sink)
    }
}

/// A named street way before its vertices are placed.
struct Way {
    id: i64,
    name: String,
    highway: String,
    class: RoadClass,
    refs: Vec<i64>,
}

/// Reads the named streets of an extract, clipped to `clip` (longitude/latitude) when given,
/// all at once (for small extracts and tests; imports use [`import_streets`]).
pub fn read_streets(
    path: &Path,
    clip: Option<Rect<f64>>,
    progress: &mut ProgressFn<'_>,
) -> Result<StreetsRead, ImportError> {
    let mut streets = Vec::new();
    let mut read = read_streets_into(path, clip, progress, &mut |s| {
        streets.push(s);
        Ok(())
    })?;
    streets.sort_by(|a, b| {
        a.class
            .cmp(&b.class)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.osm_id.cmp(&b.osm_id))
    });
    read.streets = streets;
    Ok(read)
}

/// Reads the named streets of an extract into `sink` as they are found; the counts come back
/// (with no streets in them). An extract without named streets is refused.
pub fn read_streets_into(
    path: &Path,
    clip: Option<Rect<f64>>,
    progress: &mut ProgressFn<'_>,
    sink: &mut dyn FnMut(Street) -> Result<(), ImportError>,
) -> Result<StreetsRead, ImportError> {
    super::input::check_regular_file(path, super::input::MAX_SHAPES_BYTES)?;
    let pbf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pbf"));
    if !pbf {
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: "streets come from an OpenStreetMap extract (.osm.pbf, e.g. from a regional \
                     download site); this file is not one"
                .to_owned(),
        });
    }
    let size = std::fs::metadata(path).map_or(0, |m| m.len()).max(1);
    let read = match clip {
        Some(clip) => one_pass(path, clip, size, progress, sink)?,
        None => three_passes(path, size, progress, sink)?,
    };
    if read.ways == 0 {
        return Err(ImportError::Format {
            path: path.to_path_buf(),
            detail: "no named streets (highway ways with a name) in this extract".to_owned(),
        });
    }
    Ok(read)
}

/// Imports the named streets of an extract into `campaign` as they are read, in one
/// transaction (nothing is written when reading fails or is cancelled).
pub fn import_streets(
    campaign: &mut crate::store::Campaign,
    path: &Path,
    clip: Option<Rect<f64>>,
    progress: &mut ProgressFn<'_>,
) -> Result<(StreetsRead, crate::store::StreetsWritten), ImportError> {
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut read = StreetsRead::default();
    let written = campaign.replace_streets_with(&source, |put| {
        let mut sent = 0_usize;
        read = read_streets_into(path, clip, progress, &mut |s| {
            sent += 1;
            Ok(put(&s)?)
        })?;
        // An extract of somewhere else would replace the streets with none.
        if sent == 0 {
            return Err(ImportError::Format {
                path: path.to_path_buf(),
                detail: format!(
                    "none of its {} named streets lies within the campaign's extent and 1 km \
                     around it (an extract of another place?); nothing was changed",
                    read.ways
                ),
            });
        }
        Ok::<(), ImportError>(())
    })?;
    Ok((read, written))
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
    sink: &mut dyn FnMut(Street) -> Result<(), ImportError>,
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
                read.send(pieces(&way, |r| nodes.get(&r).copied()), sink)?;
            }
        }
        Ok(())
    })?;
    Ok(read)
}

/// A node's position in OpenStreetMap's own units (1e-7 degree), or nothing yet.
const UNPLACED: [i32; 2] = [i32::MIN, i32::MIN];

/// Three passes: the named ways' vertex ids, then those vertices' positions, then the ways
/// again, placed and sent to the sink.
fn three_passes(
    path: &Path,
    size: u64,
    progress: &mut ProgressFn<'_>,
    sink: &mut dyn FnMut(Street) -> Result<(), ImportError>,
) -> Result<StreetsRead, ImportError> {
    let mut wanted: Vec<i64> = Vec::new();
    blocks(path, size, (0, 3), progress, |block| {
        for group in block.groups() {
            for w in group.ways() {
                if let Some(way) = street_way(&w) {
                    wanted.extend(way.refs);
                }
            }
        }
        Ok(())
    })?;
    wanted.sort_unstable();
    wanted.dedup();
    wanted.shrink_to_fit();
    let mut placed: Vec<[i32; 2]> = vec![UNPLACED; wanted.len()];
    blocks(path, size, (1, 3), progress, |block| {
        for group in block.groups() {
            let all = group
                .nodes()
                .map(|n| (n.id(), n.decimicro_lon(), n.decimicro_lat()))
                .chain(
                    group
                        .dense_nodes()
                        .map(|n| (n.id(), n.decimicro_lon(), n.decimicro_lat())),
                );
            for (id, x, y) in all {
                if let Ok(i) = wanted.binary_search(&id) {
                    placed[i] = [x, y];
                }
            }
        }
        Ok(())
    })?;
    let place = |r: i64| {
        let i = wanted.binary_search(&r).ok()?;
        let [x, y] = placed[i];
        (placed[i] != UNPLACED).then(|| Coord {
            x: f64::from(x) * 1e-7,
            y: f64::from(y) * 1e-7,
        })
    };
    let mut read = StreetsRead::default();
    blocks(path, size, (2, 3), progress, |block| {
        for group in block.groups() {
            for w in group.ways() {
                let Some(way) = street_way(&w) else {
                    continue;
                };
                read.send(pieces(&way, place), sink)?;
            }
        }
        Ok(())
    })?;
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

    #[test]
    fn an_import_cancelled_halfway_writes_nothing_and_a_whole_one_writes_every_piece() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.campaign.gpkg");
        let mut c = crate::store::Campaign::create(&path, "S").unwrap();
        let mut calls = 0;
        let mut cancel = |_: Progress| {
            calls += 1;
            if calls > 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let e =
            import_streets(&mut c, &fixture("helsinki.osm.pbf"), None, &mut cancel).unwrap_err();
        assert!(matches!(e, ImportError::Cancelled { .. }), "{e}");
        assert_eq!(c.street_count().unwrap(), 0);
        let (read, written) =
            import_streets(&mut c, &fixture("helsinki.osm.pbf"), None, &mut ignore).unwrap();
        let whole = read_streets(&fixture("helsinki.osm.pbf"), None, &mut ignore).unwrap();
        assert_eq!(read.ways, whole.ways);
        assert_eq!(written.streets, whole.streets.len());
        assert_eq!(c.street_count().unwrap(), whole.streets.len());
        // The same extract clipped to a box in another country: refused, the streets kept.
        let paris = Rect::new(Coord { x: 2.3, y: 48.8 }, Coord { x: 2.4, y: 48.9 });
        let e = import_streets(
            &mut c,
            &fixture("helsinki.osm.pbf"),
            Some(paris),
            &mut ignore,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("none of its") && e.contains("nothing was changed"),
            "{e}"
        );
        assert_eq!(c.street_count().unwrap(), whole.streets.len());
    }
}

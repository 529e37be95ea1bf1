//! `import`: precinct shapes into a campaign, with the import report.

use std::io::IsTerminal as _;
use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::io::{ImportOptions, import_precincts};
use crate::progress::{Progress, Stage};
use crate::store::Campaign;

/// What `import` is given.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The campaign file.
    pub file: PathBuf,
    /// The shapes file (.geojson/.json, .shp with its .dbf/.prj, .gpkg).
    pub shapes: PathBuf,
    /// The field holding the precinct code (guessed when absent).
    #[arg(long)]
    pub key: Option<String>,
    /// The field holding the precinct name (guessed when absent).
    #[arg(long = "name-field")]
    pub name_field: Option<String>,
    /// The layer to import from a GeoPackage with several.
    #[arg(long)]
    pub layer: Option<String>,
    /// The coordinate system of a file that does not say (a Shapefile without .prj),
    /// e.g. EPSG:2154.
    #[arg(long)]
    pub crs: Option<String>,
    /// Replace the precincts even when most would be removed, or some that turfs, results
    /// or doors use (without it, such an import is refused and says what would be lost).
    #[arg(long)]
    pub replace: bool,
    /// Print the import report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print progress lines on stderr.
    #[arg(long)]
    pub progress: bool,
}

/// Runs `import`.
pub(super) fn run(args: ImportArgs) -> anyhow::Result<()> {
    let ImportArgs {
        file,
        shapes,
        key,
        name_field,
        layer,
        crs,
        replace,
        json,
        progress,
    } = args;

    let mut campaign = Campaign::open(&file)?;
    let options = ImportOptions {
        key,
        name_field,
        layer,
        replace,
        crs,
    };
    let show = progress || std::io::stderr().is_terminal();
    let delay = test_write_delay();
    let mut on_progress = |p: Progress| {
        if show {
            say!("{} {}/{}", p.stage.label(), p.done, p.total);
        }
        if p.stage == Stage::Writing
            && let Some(delay) = delay
        {
            std::thread::sleep(delay);
        }
        ControlFlow::Continue(())
    };
    let report = import_precincts(&mut campaign, &shapes, &options, &mut on_progress)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let c = report.changes;
        println!(
            "imported {} precincts from {} ({}{}, {}): {} added, {} updated, {} removed",
            report.features,
            report.file,
            report.format,
            report
                .layer
                .map(|l| format!(" layer {l}"))
                .unwrap_or_default(),
            report.crs,
            c.added,
            c.updated,
            c.removed
        );
        println!(
            "code field: {}; name field: {}{}",
            report.key_field,
            report
                .name_field
                .as_deref()
                .unwrap_or("(none: names are the codes)"),
            report
                .registered_field
                .map(|f| format!("; registered voters: {f}"))
                .unwrap_or_default()
        );
        for note in &report.notes {
            say!("warning: {note}");
        }
        if report.crs_assumed {
            say!(
                "warning: {} has no .prj (or an empty one): its coordinates were taken as longitude and \
                         latitude (EPSG:4326); give its coordinate system with --crs EPSG:NNNN \
                         if that is wrong",
                report.file
            );
        }
        let r = report.repairs;
        if r.any() {
            println!(
                "repaired: {} unclosed rings closed, {} repeated vertices removed, {} \
                         degenerate holes dropped, {} non-polygon parts of collections dropped, \
                         {} self-crossing or overlapping shapes rebuilt",
                r.closed_rings,
                r.duplicate_points_removed,
                r.degenerate_holes_dropped,
                r.non_polygon_parts_dropped,
                r.invalid_rebuilt
            );
        }
    }
    Ok(())
}

/// A pause after each write step, set by the crash-safety test through
/// `CAMPAIGN_PLANNER_TEST_WRITE_DELAY_MS` so it can kill the process mid-import.
fn test_write_delay() -> Option<std::time::Duration> {
    std::env::var("CAMPAIGN_PLANNER_TEST_WRITE_DELAY_MS")
        .ok()?
        .parse()
        .ok()
        .map(std::time::Duration::from_millis)
}

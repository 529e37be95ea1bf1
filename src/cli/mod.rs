//! The command line: the same io/store/domain operations as the app, headless, for scripts,
//! tests and trainers.

use std::io::IsTerminal as _;
use std::ops::ControlFlow;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::io::{ImportOptions, import_precincts};
use crate::progress::{Progress, Stage};

/// `eprintln!` that never panics: with a closed standard error (`2>&1 | head`) a command
/// carries on to its end instead of stopping half done.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use say;

mod inspect;
mod results;
mod score;
mod turfs;

use crate::store::Campaign;
pub use turfs::{TeamCommand, TurfCommand};

/// Plan a door-to-door campaign: score precincts, cut turfs, keep it all in one campaign file
/// (a GeoPackage QGIS and GDAL can open).
#[derive(Debug, Parser)]
#[command(name = "campaign-planner", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a campaign in the desktop app (also: `campaign-planner FILE`; no argument at all
    /// opens the demo campaign).
    Open {
        /// The campaign file.
        file: PathBuf,
        /// The interface language.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
    },
    /// Benchmark: open FILE in the app, replay a fixed zoom from the whole campaign to street
    /// level and back, print whole-frame and precinct-layer times, and quit.
    #[command(hide = true)]
    BenchFrames {
        /// The campaign file.
        file: PathBuf,
        /// Frames from the whole campaign to street level.
        #[arg(long, default_value_t = 60)]
        steps: usize,
    },
    /// Write the France-scale synthetic campaign of the benchmarks (69,000 precincts, scored)
    /// to FILE, for demonstrations at national scale.
    #[command(hide = true)]
    GenerateFrance {
        /// The campaign file to create.
        file: PathBuf,
        /// Precinct outlines of ~150 vertices instead of ~7.
        #[arg(long)]
        detailed: bool,
    },
    /// Create a new, empty campaign file (never overwrites an existing file).
    New {
        /// The campaign file to create, e.g. `montreal.campaign.gpkg`.
        file: PathBuf,
        /// The campaign's name.
        #[arg(long)]
        name: String,
    },
    /// Import precinct shapes (GeoJSON, Shapefile, GeoPackage) into a campaign.
    ///
    /// Precincts are matched by code: known codes are updated, new ones added, missing ones
    /// marked deleted. Invalid features stop the import with every problem listed; nothing
    /// is then imported.
    Import {
        /// The campaign file.
        file: PathBuf,
        /// The shapes file (.geojson/.json, .shp with its .dbf/.prj, .gpkg).
        shapes: PathBuf,
        /// The field holding the precinct code (guessed when absent).
        #[arg(long)]
        key: Option<String>,
        /// The field holding the precinct name (guessed when absent).
        #[arg(long = "name-field")]
        name_field: Option<String>,
        /// The layer to import from a GeoPackage with several.
        #[arg(long)]
        layer: Option<String>,
        /// The coordinate system of a file that does not say (a Shapefile without .prj),
        /// e.g. EPSG:2154.
        #[arg(long)]
        crs: Option<String>,
        /// Replace the precincts even when most would be removed, or some that turfs, results
        /// or doors use (without it, such an import is refused and says what would be lost).
        #[arg(long)]
        replace: bool,
        /// Print the import report as JSON.
        #[arg(long)]
        json: bool,
        /// Print progress lines on stderr.
        #[arg(long)]
        progress: bool,
    },
    /// Import election results (CSV, wide or long) and join them to the precincts.
    ///
    /// Prints the join report: matched precincts, rows with no precinct, precincts with no
    /// results. Importing an election of the same name (and round) again replaces it.
    Results(results::ResultsArgs),
    /// Score every precinct, class the scores, save them in the file, and print them.
    ///
    /// The campaign's saved scoring (the last one run here or in the app) is the starting
    /// point: each option given replaces its part of it, and the settings used are printed.
    /// Without a saved scoring, options not given take the defaults shown.
    Score(score::ScoreArgs),
    /// Import door (address) points: GeoJSON points, or a CSV with lon/lat columns.
    Doors {
        /// The campaign file.
        file: PathBuf,
        /// What to do with doors.
        #[command(subcommand)]
        action: DoorsCommand,
    },
    /// Cut precincts into turfs, list turfs.
    Turf {
        /// The campaign file.
        file: PathBuf,
        /// What to do with turfs.
        #[command(subcommand)]
        action: TurfCommand,
    },
    /// Create teams and assign turfs to them.
    Team {
        /// The campaign file.
        file: PathBuf,
        /// What to do with teams.
        #[command(subcommand)]
        action: TeamCommand,
    },
    /// Describe a campaign: layers, feature counts, extent, schema version, elections.
    Info {
        /// The campaign file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export a layer to GeoJSON or CSV.
    Export {
        /// The campaign file.
        file: PathBuf,
        /// The layer: precincts, turfs, doors, elections, results, teams…
        #[arg(long)]
        layer: String,
        /// The output format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write (`-`: standard output).
        out: PathBuf,
        /// Replace OUT if it exists.
        #[arg(long)]
        overwrite: bool,
    },
    /// Check a campaign file thoroughly (SQLite integrity, GeoPackage rules, geometries,
    /// references); exits with status 2 when it finds problems.
    Validate {
        /// The campaign file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Export formats on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// GeoJSON FeatureCollection.
    Geojson,
    /// Comma-separated values.
    Csv,
}

/// Door commands.
#[derive(Debug, Subcommand)]
pub enum DoorsCommand {
    /// Import door points; doors imported before from the same file name are replaced.
    Import {
        /// The points file (.geojson/.json, .csv or .osm.pbf).
        path: PathBuf,
    },
    /// Set the voters per household used to estimate doors where no door points exist.
    Households {
        /// Voters per household (e.g. 1.9).
        voters_per_household: f64,
    },
}

/// Lasso membership on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MembershipArg {
    /// The precinct's representative point is inside.
    Representative,
    /// The precinct touches the lasso.
    Intersects,
    /// The precinct is wholly inside.
    Within,
}

/// Results layouts on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// A row per precinct, a column per list.
    Wide,
    /// A row per precinct and list.
    Long,
}

/// Scoring presets on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// Sympathetic abstainers: (registered − voters) × ours / valid.
    Mobilisation,
    /// Our share of valid votes, on the turnout × performance grid.
    Performance,
    /// Close margins and a volatile share.
    Persuasion,
    /// A formula of yours (--formula).
    Custom,
}

/// Class methods on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Equal counts per class.
    Quantile,
    /// Natural breaks.
    Jenks,
    /// Equal widths.
    Equal,
    /// Your breaks (--breaks).
    Manual,
}

/// Colour ramps on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RampArg {
    /// Yellow-orange-red.
    Ylorrd,
    /// Viridis.
    Viridis,
}

/// Languages on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// French.
    Fr,
}

/// An error already worded whole for the user, prefix included ("erreur : …"), printed as it
/// is.
#[derive(Debug)]
pub struct Worded(pub String);

impl std::fmt::Display for Worded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Worded {}

/// What a command asks the process to exit with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success.
    Ok,
    /// The command ran but found problems (validate).
    Problems,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    if let Some(ms) = std::env::var("CAMPAIGN_PLANNER_TEST_COMMIT_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        crate::store::set_test_commit_delay(ms);
    }
    let Some(command) = cli.command else {
        let mut help = <Cli as clap::CommandFactory>::command();
        help.print_help()?;
        return Ok(Outcome::Ok);
    };
    match command {
        Command::BenchFrames { file, .. } | Command::Open { file, .. } => {
            anyhow::bail!(
                "`open` starts the desktop app: run `campaign-planner open {}` from a terminal with a display",
                file.display()
            );
        }
        Command::GenerateFrance { file, detailed } => {
            let vertices = crate::synth::france_campaign(&file, detailed)?;
            println!(
                "wrote {} precincts ({vertices} vertices) to {}",
                crate::synth::FRANCE_PRECINCTS,
                file.display()
            );
        }
        Command::New { file, name } => {
            Campaign::create(&file, &name)?;
            println!("created campaign {name:?} in {}", file.display());
        }
        Command::Import {
            file,
            shapes,
            key,
            name_field,
            layer,
            crs,
            replace,
            json,
            progress,
        } => {
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
        }
        Command::Results(args) => results::run(args)?,
        Command::Score(args) => score::run(&args)?,
        Command::Doors {
            file,
            action: DoorsCommand::Import { path },
        } => {
            let doors = crate::io::doors::read_doors(&path)?;
            let mut campaign = Campaign::open(&file)?;
            let source = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let w = campaign.replace_doors(&doors, &source)?;
            println!(
                "imported {} doors ({} households) from {}: {} inside a precinct, {} outside{}",
                w.doors,
                w.households,
                path.display(),
                w.in_precincts,
                w.doors - w.in_precincts,
                if w.replaced > 0 {
                    format!("; {} doors of the earlier import replaced", w.replaced)
                } else {
                    String::new()
                }
            );
            if w.already_there > 0 {
                println!(
                    "{} doors were already in the campaign from {} (the same address nearby) \
                     and were not added twice",
                    w.already_there,
                    w.already_from.join(", ")
                );
            }
        }
        Command::Doors {
            file,
            action: DoorsCommand::Households {
                voters_per_household,
            },
        } => {
            let mut campaign = Campaign::open(&file)?;
            campaign.set_voters_per_household(voters_per_household)?;
            println!("doors are estimated with {voters_per_household} voters per household");
        }
        Command::Turf { file, action } => turfs::turf(&file, action)?,
        Command::Team { file, action } => turfs::team(&file, action)?,
        Command::Info { file, json } => inspect::info(&file, json)?,
        Command::Export {
            file,
            layer,
            format,
            out,
            overwrite,
        } => inspect::export(&file, &layer, format, &out, overwrite)?,
        Command::Validate { file, json } => return inspect::validate(&file, json),
    }
    Ok(Outcome::Ok)
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

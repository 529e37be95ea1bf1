//! The command line's arguments: every command, and the value enums with their conversions
//! into the model's types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::import::ImportArgs;
use super::results::ResultsArgs;
use super::score::ScoreArgs;
use super::teams::TeamCommand;
use super::turfs::TurfCommand;
use crate::domain::classify::Ramp;
use crate::domain::numbers::Lang;
use crate::domain::scoring::Preset;
use crate::domain::selection::Membership;
use crate::io::csv_results::Layout;

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
        /// Who draws the precinct layer and the street map: the GPU (the default; the CPU is
        /// used anyway where the device cannot), or the CPU (for a graphics driver that draws
        /// them wrong).
        #[arg(long, value_enum, default_value_t = RendererArg::Gpu)]
        renderer: RendererArg,
    },
    /// Benchmark: open FILE in the app, replay a fixed zoom from the whole campaign to street
    /// level and back, print whole-frame, precinct-layer and street-map times, and quit.
    #[command(hide = true)]
    BenchFrames {
        /// The campaign file.
        file: PathBuf,
        /// Frames from the whole campaign to street level.
        #[arg(long, default_value_t = 60)]
        steps: usize,
        /// Who draws the precinct layer and the street map: the GPU (buffers kept there; the
        /// default), the CPU (meshes handed to egui each frame), or none (the precinct layer
        /// and the street map hidden, to measure the rest of the frame).
        #[arg(long, value_enum, default_value_t = RendererArg::Gpu)]
        renderer: RendererArg,
    },
    /// Open a demo campaign in the app: the Montreal 2013 targeting demo, or the field demo
    /// (central Helsinki's real streets and addresses, illustrative precincts, turfs and walks).
    Demo {
        /// Which demo.
        #[arg(value_enum, default_value_t = DemoArg::Montreal)]
        which: DemoArg,
        /// Rebuild it from the shipped data first (edits made to it are lost).
        #[arg(long)]
        reset: bool,
        /// The interface language.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
        /// Who draws the precinct layer and the street map: the GPU (the default), or the
        /// CPU.
        #[arg(long, value_enum, default_value_t = RendererArg::Gpu)]
        renderer: RendererArg,
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
    /// Write the département-scale synthetic campaign of the benchmarks (800 precincts,
    /// scored, and a street map of 1 million vertices) to FILE: the street map's workload.
    #[command(hide = true)]
    GenerateDepartement {
        /// The campaign file to create.
        file: PathBuf,
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
    Import(ImportArgs),
    /// Import election results (CSV, wide or long) and join them to the precincts.
    ///
    /// Prints the join report: matched precincts, rows with no precinct, precincts with no
    /// results. Importing an election of the same name (and round) again replaces it.
    Results(ResultsArgs),
    /// Score every precinct, class the scores, save them in the file, and print them.
    ///
    /// The campaign's saved scoring (the last one run here or in the app) is the starting
    /// point: each option given replaces its part of it, and the settings used are printed.
    /// Without a saved scoring, options not given take the defaults shown.
    Score(ScoreArgs),
    /// Import door (address) points: GeoJSON points, a CSV with lon/lat columns (the French
    /// national address file among them), or an OpenStreetMap extract.
    Doors {
        /// The campaign file.
        file: PathBuf,
        /// What to do with doors.
        #[command(subcommand)]
        action: DoorsCommand,
    },
    /// Import the streets of an OpenStreetMap extract: the offline street map doors are
    /// walked along.
    Streets {
        /// The campaign file.
        file: PathBuf,
        /// What to do with streets.
        #[command(subcommand)]
        action: StreetsCommand,
    },
    /// Print walk sheets (feuilles de route): one PDF per turf, per team (its turfs in
    /// assignment order), or for every team; each turf printed gets a code on every page.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["turf", "team", "teams", "all"])))]
    Sheets {
        /// The campaign file.
        file: PathBuf,
        /// Print this turf.
        #[arg(long)]
        turf: Option<String>,
        /// Print this team's turfs.
        #[arg(long)]
        team: Option<String>,
        /// Print every turf in one PDF: the whole campaign, team by team.
        #[arg(long)]
        all: bool,
        /// Print one PDF per team (and one of the turfs without a team).
        #[arg(long)]
        teams: bool,
        /// The folder the PDFs go in (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// The sheets' language.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
        /// How each street is walked.
        #[arg(long, value_enum, default_value_t = crate::cli::turfs::WalkModeArg::UpAndBack)]
        mode: crate::cli::turfs::WalkModeArg,
        /// A text file with the script printed on page 1, kept as the campaign's script for
        /// every later print (default: the campaign's script, else a short greeting).
        #[arg(long)]
        script: Option<PathBuf>,
        /// The map under the turf: the campaign's streets (vector) or none.
        #[arg(long, value_enum, default_value = "streets")]
        basemap: SheetBasemapArg,
        /// An MBTiles file of yours drawn under the map (at the zoom giving 150 dpi; a warning
        /// when its largest zoom is below 15). Online tiles are never fetched for printing.
        #[arg(long, value_name = "FILE")]
        mbtiles: Option<PathBuf>,
    },
    /// Cut precincts into turfs, list turfs.
    Turf {
        /// The campaign file.
        file: PathBuf,
        /// What to do with turfs.
        #[command(subcommand)]
        action: TurfCommand,
    },
    /// Field reports: enter a printed walk sheet's door codes by its code, record a
    /// session's totals, list sessions, set the campaign's start and election day.
    Report {
        /// The campaign file.
        file: PathBuf,
        /// What to report.
        #[command(subcommand)]
        action: crate::cli::report::ReportCommand,
    },
    /// Where the campaign stands: coverage, contact rate, doors per canvasser-hour, pace,
    /// quality, opponent sightings, turfs with no recent report; broken down by team, turf,
    /// precinct or day.
    Progress {
        /// The campaign file.
        file: PathBuf,
        /// The breakdown.
        #[arg(long, value_enum, default_value = "team")]
        by: crate::cli::report::ByArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// A turf assigned with no report for this many days is listed as stale.
        #[arg(long, default_value_t = 7)]
        stale_days: i64,
        /// The language of the figures.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
    },
    /// Write a team's pack: a campaign file of its turfs, doors, streets and sheets only, for
    /// the team to work offline (no scores, results, other teams or turfs; notes and support
    /// levels only when asked).
    Pack {
        /// The campaign file (the master).
        file: PathBuf,
        /// The team.
        #[arg(long)]
        team: String,
        /// The pack to write (a new file).
        #[arg(long)]
        out: PathBuf,
        /// Include the visits' and sessions' notes.
        #[arg(long)]
        include_notes: bool,
        /// Include the visits' support levels (political opinions).
        #[arg(long)]
        include_support: bool,
    },
    /// Merge team packs back into the master: visits, sessions and prints by uuid, the newer
    /// version winning; the same pack merged twice changes nothing.
    Merge {
        /// The campaign file (the master).
        file: PathBuf,
        /// The packs.
        #[arg(required = true)]
        packs: Vec<PathBuf>,
        /// Say what would be merged; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the reports as JSON.
        #[arg(long)]
        json: bool,
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

/// Who draws the precinct layer and the street map (`open`, `demo`, `bench-frames
/// --renderer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RendererArg {
    /// A wgpu paint callback over buffers kept on the GPU.
    Gpu,
    /// egui meshes built on the CPU each time the view changes.
    Cpu,
    /// No precinct layer and no street map: what the rest of the frame costs.
    None,
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
    /// Import door points with their addresses. The same address imported again (the same
    /// source id, or the same street, number, suffix and unit within 30 m) is updated, never
    /// doubled; doors an earlier import of the same file brought and the file no longer has
    /// are removed.
    Import {
        /// The points file (.geojson/.json, .csv, the French national address file (BAN) CSV,
        /// or an OpenStreetMap .osm.pbf extract).
        path: PathBuf,
        /// Allow the import to remove most of the doors an earlier import of this file brought.
        #[arg(long)]
        allow_removal: bool,
        /// The columns that hold the address parts, when the guess is wrong.
        #[command(flatten)]
        columns: Box<ColumnArgs>,
    },
    /// Set the voters per household used to estimate doors where no door points exist.
    Households {
        /// Voters per household (e.g. 1.9).
        voters_per_household: f64,
    },
}

/// The columns of a doors file that hold the address parts (each guessed when not given).
// The flags are `--street-column` and the like: the field names say so.
#[allow(clippy::struct_field_names)]
#[derive(Args, Debug, Clone, Default)]
pub struct ColumnArgs {
    /// The column with the whole address on one line (guessed: `address`, `adresse`…).
    #[arg(long, value_name = "COLUMN")]
    pub address_column: Option<String>,
    /// The column with the street name (guessed: `street`, `nom_voie`, `addr:street`…).
    #[arg(long, value_name = "COLUMN")]
    pub street_column: Option<String>,
    /// The column with the house number (guessed: `housenumber`, `numero`…).
    #[arg(long, value_name = "COLUMN")]
    pub number_column: Option<String>,
    /// The column with the house number's suffix (guessed: `rep`, `suffix`…).
    #[arg(long, value_name = "COLUMN")]
    pub suffix_column: Option<String>,
    /// The column with the flat or unit (guessed: `unit`, `apt`, `addr:unit`…).
    #[arg(long, value_name = "COLUMN")]
    pub unit_column: Option<String>,
    /// The column with the postcode (guessed: `postcode`, `code_postal`, `zip`…).
    #[arg(long, value_name = "COLUMN")]
    pub postcode_column: Option<String>,
    /// The column with the source's own identifier (guessed: `id`, `osm_id`…).
    #[arg(long, value_name = "COLUMN")]
    pub id_column: Option<String>,
    /// The column with the households at each address (guessed: `households`, `menages`…).
    #[arg(long, value_name = "COLUMN")]
    pub households_column: Option<String>,
}

/// `streets` subcommands.
#[derive(Subcommand, Debug)]
pub enum StreetsCommand {
    /// Import the named streets (`highway=*` ways with a name) of an `.osm.pbf` extract, read
    /// in bounded memory whatever its size, clipped to the campaign's extent and a margin of
    /// 1 km (the whole extract when the campaign holds nothing yet). Streets an earlier import
    /// of the same file brought are replaced.
    Import {
        /// The OpenStreetMap extract (.osm.pbf).
        extract: PathBuf,
        /// Clip to the campaign's extent exactly, without the margin.
        #[arg(long)]
        within_campaign: bool,
    },
}

/// The map of a walk sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SheetBasemapArg {
    /// The campaign's streets, drawn as vectors.
    Streets,
    /// No map under the turf (its outline, doors and walk only).
    None,
}

/// The demos.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DemoArg {
    /// Montreal 2013: 58 districts and the mayoral results, scored.
    Montreal,
    /// Central Helsinki: real streets and addresses, illustrative precincts, turfs and walks.
    Field,
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

impl From<MembershipArg> for Membership {
    fn from(arg: MembershipArg) -> Self {
        match arg {
            MembershipArg::Representative => Self::Representative,
            MembershipArg::Intersects => Self::Intersects,
            MembershipArg::Within => Self::Within,
        }
    }
}

impl From<LayoutArg> for Layout {
    fn from(arg: LayoutArg) -> Self {
        match arg {
            LayoutArg::Wide => Self::Wide,
            LayoutArg::Long => Self::Long,
        }
    }
}

impl From<PresetArg> for Preset {
    fn from(arg: PresetArg) -> Self {
        match arg {
            PresetArg::Mobilisation => Self::Mobilisation,
            PresetArg::Performance => Self::Performance,
            PresetArg::Persuasion => Self::Persuasion,
            PresetArg::Custom => Self::Custom,
        }
    }
}

impl From<RampArg> for Ramp {
    fn from(arg: RampArg) -> Self {
        match arg {
            RampArg::Ylorrd => Self::YlOrRd,
            RampArg::Viridis => Self::Viridis,
        }
    }
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Self {
        match arg {
            LangArg::En => Self::En,
            LangArg::Fr => Self::Fr,
        }
    }
}

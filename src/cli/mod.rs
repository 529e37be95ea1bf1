//! The command line: the same io/store/domain operations as the app, headless, for scripts,
//! tests and trainers.

/// `eprintln!` that never panics: with a closed standard error (`2>&1 | head`) a command
/// carries on to its end instead of stopping half done.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use say;

mod args;
mod doors;
mod import;
mod inspect;
mod pack;
mod progress;
mod report;
mod results;
mod score;
mod sheets;
mod streets;
mod teams;
mod turfs;
mod walk;

pub use args::{
    Cli, Command, DemoArg, DoorsCommand, ExportFormat, LangArg, LayoutArg, MembershipArg,
    MethodArg, PresetArg, RampArg, RendererArg, StreetsCommand,
};
pub use teams::TeamCommand;
pub use turfs::TurfCommand;

use crate::store::Campaign;

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

/// Runs a parsed command line. A refusal the library words for any user gets the option
/// that goes past it here (the app offers a button instead).
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    run_command(cli).map_err(with_option)
}

/// Adds to a refusal the command-line option that overrides it.
fn with_option(error: anyhow::Error) -> anyhow::Error {
    let hint = if let Some(e) = error.downcast_ref::<crate::store::StoreError>() {
        match e {
            crate::store::StoreError::AlreadyInTurf { .. } => "move them with --move",
            _ => return error,
        }
    } else if let Some(e) = error.downcast_ref::<crate::io::ImportError>() {
        match e {
            crate::io::ImportError::WouldRemove { .. } => {
                "import it with --replace to replace the precincts anyway"
            }
            crate::io::ImportError::Exists { .. } => "or add --overwrite to replace it",
            _ => return error,
        }
    } else {
        return error;
    };
    anyhow::anyhow!("{error}; {hint}")
}

fn run_command(cli: Cli) -> anyhow::Result<Outcome> {
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
        Command::Demo { .. } => {
            anyhow::bail!("`demo` starts the desktop app: run it from a terminal with a display");
        }
        Command::GenerateFrance { file, detailed } => {
            let vertices = crate::synth::france_campaign(&file, detailed)?;
            println!(
                "wrote {} precincts ({vertices} vertices) to {}",
                crate::synth::FRANCE_PRECINCTS,
                file.display()
            );
        }
        Command::GenerateDepartement { file } => {
            let vertices = crate::synth::departement_campaign(&file)?;
            println!(
                "wrote {} precincts and a street map of {vertices} vertices to {}",
                crate::synth::DEPARTEMENT_PRECINCTS,
                file.display()
            );
        }
        Command::New { file, name } => {
            Campaign::create(&file, &name)?;
            println!("created campaign {name:?} in {}", file.display());
        }
        Command::Import(args) => import::run(args)?,
        Command::Results(args) => results::run(args)?,
        Command::Score(args) => score::run(&args)?,
        Command::Doors { file, action } => doors::run(&file, action)?,
        Command::Streets { file, action } => streets::run(&file, action)?,
        Command::Sheets {
            file,
            turf,
            team,
            all: _,
            teams,
            out,
            lang,
            mode,
            script,
            basemap,
            mbtiles,
        } => sheets::run(
            &file,
            &sheets::SheetsArgs {
                turf,
                team,
                teams,
                out,
                lang,
                mode,
                script,
                basemap,
                mbtiles,
            },
        )?,
        Command::Turf { file, action } => turfs::run(&file, action)?,
        Command::Team { file, action } => teams::run(&file, action)?,
        Command::Report { file, action } => report::run(&file, action)?,
        Command::Pack {
            file,
            team,
            out,
            include_notes,
            include_support,
        } => pack::pack(
            &file,
            &team,
            &out,
            crate::store::PackOptions {
                include_notes,
                include_support,
            },
        )?,
        Command::Merge {
            file,
            packs,
            dry_run,
            json,
        } => pack::merge(&file, &packs, dry_run, json)?,
        Command::Progress {
            file,
            by,
            json,
            stale_days,
            lang,
        } => progress::progress_command(&file, by, json, stale_days, lang.into())?,
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

//! `campaign-planner`: parses the arguments, sets up logging, and runs the command.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = campaign_planner::cli::Cli::parse();
    match campaign_planner::cli::run(cli) {
        Ok(campaign_planner::cli::Outcome::Ok) => std::process::ExitCode::SUCCESS,
        Ok(campaign_planner::cli::Outcome::Problems) => std::process::ExitCode::from(2),
        // Output piped into `head` that stopped reading is not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

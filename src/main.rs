//! `campaign-planner`: with no arguments, or a campaign file, starts the desktop app; with a
//! command (`new`, `import`, `score`…), runs it headless.

use std::path::PathBuf;

use campaign_planner::app::PlannerApp;
use campaign_planner::cli::{Cli, Command, DemoArg, Outcome, RendererArg, Worded, run};
use campaign_planner::domain::numbers::Lang;
use campaign_planner::map::basemap::BasemapChoice;
use campaign_planner::state::{Message, Session};
use clap::Parser as _;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // Our own notes (which renderer draws the map) and others' warnings.
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("warn,campaign_planner=info")
                }),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `campaign-planner` and `campaign-planner FILE` start the app.
    let lone_file = match args.as_slice() {
        [one] if !one.starts_with('-') && std::path::Path::new(one).is_file() => {
            Some(PathBuf::from(one))
        }
        _ => None,
    };
    if args.is_empty() || lone_file.is_some() {
        return app(lone_file, Lang::En, None, RendererArg::Gpu);
    }
    let cli = Cli::parse();
    if let Some(Command::Open {
        file,
        lang,
        renderer,
    }) = &cli.command
    {
        return app(Some(file.clone()), Lang::from(*lang), None, *renderer);
    }
    if let Some(Command::Demo {
        which,
        reset,
        lang,
        renderer,
    }) = &cli.command
    {
        let path = match (which, reset) {
            (DemoArg::Montreal, false) => campaign_planner::demo::demo_path(),
            (DemoArg::Montreal, true) => campaign_planner::demo::reset_demo(),
            (DemoArg::Field, false) => campaign_planner::demo::field_demo_path(),
            (DemoArg::Field, true) => campaign_planner::demo::reset_field_demo(),
        };
        return match path {
            Ok(p) => app(Some(p), Lang::from(*lang), None, *renderer),
            Err(e) => {
                say(&format!(
                    "error: the demo could not be built: {}",
                    sentence(&e)
                ));
                std::process::ExitCode::FAILURE
            }
        };
    }
    if let Some(Command::BenchFrames {
        file,
        steps,
        renderer,
    }) = &cli.command
    {
        return app(Some(file.clone()), Lang::En, Some(*steps), *renderer);
    }
    quiet_on_closed_pipe();
    match run(cli) {
        Ok(Outcome::Ok) => std::process::ExitCode::SUCCESS,
        Ok(Outcome::Problems) => std::process::ExitCode::from(2),
        // Output piped into `head` that stopped reading is not an error of ours.
        Err(e) if broken_pipe(&e) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<Worded>() {
                // Already worded for the user, in their language ("erreur : …").
                Some(worded) => say(&worded.to_string()),
                None => say(&format!("error: {}", sentence(&e))),
            }
            std::process::ExitCode::FAILURE
        }
    }
}

/// Output piped into `head` that stopped reading makes `println!` panic ("failed printing to
/// stdout: Broken pipe"): the command's reader is gone, so it ends quietly instead.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if (text.contains("failed printing to stdout")
            || text.contains("failed printing to stderr"))
            && text.contains("Broken pipe")
        {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Writes a line to standard error, if anyone still reads it.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Whether the error is a closed pipe, however deep it is wrapped (JSON writers wrap it).
fn broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// An error and its causes in one sentence, each cause said once: our errors already quote
/// the OS error they wrap, and printing the chain again would say it twice.
fn sentence(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Runs the desktop app on `file`, or on the demo campaign; with `replay`, replays and times
/// that many zoom steps, then quits. `renderer` says who draws the precinct layer.
fn app(
    file: Option<PathBuf>,
    lang: Lang,
    replay: Option<usize>,
    renderer: RendererArg,
) -> std::process::ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 600.0])
            .with_title("Campaign planner")
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    // A replay's window size is not kept for the next start; it draws as fast as it can (no
    // wait for the display's refresh: it times drawing).
    let mut options = eframe::NativeOptions {
        persist_window: replay.is_none(),
        ..options
    };
    if replay.is_some() {
        options.wgpu_options.surface.present_mode = eframe::wgpu::PresentMode::AutoNoVsync;
    }
    let result = eframe::run_native(
        "campaign-planner",
        options,
        Box::new(move |cc| {
            let mut app = match &file {
                None => PlannerApp::with_demo(&cc.egui_ctx, lang),
                Some(path) => {
                    let session = Session::open(path);
                    let mut app = PlannerApp::new(&cc.egui_ctx, None, lang);
                    match session {
                        Ok(s) => app.push_loaded(s),
                        Err(e) => app.view.say(Message::error(e)),
                    }
                    app
                }
            };
            app.restore(cc.storage, &cc.egui_ctx);
            match renderer {
                RendererArg::Gpu => app.use_gpu(cc.wgpu_render_state.as_ref()),
                RendererArg::Cpu => {
                    tracing::info!(
                        "the precinct layer and the street map are drawn by the CPU (asked for)"
                    );
                }
                RendererArg::None => {
                    app.view.precincts_visible = false;
                    // The street map too, where the campaign has one.
                    if app.basemap.choice == BasemapChoice::Streets {
                        app.basemap.choose(BasemapChoice::None, &cc.egui_ctx);
                    }
                }
            }
            if let Some(steps) = replay
                && let Some(b) = app.session.as_ref().and_then(|s| s.shapes.bounds(None))
            {
                let on = match (renderer, &app.map.gpu) {
                    (RendererArg::None, _) => "none (precinct layer and street map hidden)",
                    (_, Some(_)) => "gpu",
                    (_, None) => "cpu",
                };
                app.replay = Some(campaign_planner::replay::Replay::new(b, 900.0, steps, on));
            }
            if lang == Lang::Fr {
                app.persisted.lang = Lang::Fr;
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: the window could not be opened ({e}); the command line still works: campaign-planner --help"
            );
            std::process::ExitCode::FAILURE
        }
    }
}

//! Start-up only: logging, CLI parsing, dispatch, and one clear line on failure.

use podsize::cli::{Cli, Command, CommonArgs};
use podsize::commands::{self, CommandError, dashboard::Dashboard};
use podsize::config::Effective;
use std::process::ExitCode;

fn init_logging(common: &CommonArgs) {
    let Some(path) = &common.log_file else {
        return;
    };
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    else {
        eprintln!("podsize: cannot open log file {}", path.display());
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PODSIZE_LOG_LEVEL")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .init();
}

async fn run_dashboard(common: &CommonArgs) -> Result<(), CommandError> {
    let (clusters, scope) = commands::contexts::connect_clusters(common).await?;
    commands::dashboard::run(Dashboard::fleet(clusters, scope, common, None, None)).await
}

async fn dispatch(cli: Cli, config: Option<Effective>) -> Result<(), CommandError> {
    let common = &cli.common;
    match &cli.command {
        None => run_dashboard(common).await,
        Some(Command::Demo(args)) => commands::demo::run(common, args).await,
        Some(Command::Get(args)) => commands::get::run(common, args).await,
        Some(Command::Sim(args)) => commands::sim::run(args).await,
        Some(Command::Themes) => {
            podsize::outln!(
                "{}",
                podsize::theme::render_theme_list(podsize::theme::no_color_requested())
            );
            Ok(())
        }
        Some(Command::Watch(args)) => commands::watch::run(common, args).await,
        Some(Command::Resize(args)) => commands::resize::run(common, args).await,
        Some(Command::Boost(args)) => commands::boost::run(common, args).await,
        Some(Command::Recommend(args)) => commands::recommend::run(common, args).await,
        Some(Command::Nodes(args)) => commands::nodes::run(common, args).await,
        Some(Command::MakeRoom(args)) => commands::make_room::run(common, args).await,
        Some(Command::Info(args)) => commands::info::run(common, args).await,
        Some(Command::Completion(args)) => commands::docs::completion(args.shell),
        Some(Command::Man) => commands::docs::man(),
        Some(Command::Config(command)) => commands::config::run(command, common, config.as_ref()),
    }
}

/// The dashboard, `demo` and `watch` draw on a terminal; the others print.
fn needs_terminal(command: Option<&Command>) -> bool {
    matches!(command, None | Some(Command::Demo(_) | Command::Watch(_)))
}

/// Both ends must be a terminal: keys are read from stdin and frames written to stdout.
fn has_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

fn main() -> ExitCode {
    std::sync::LazyLock::force(&commands::PROCESS_START);
    // A shell asking for completions: answered before the parser, which would refuse the
    // half-typed words.
    let args: Vec<String> = (std::env::args_os().skip(1))
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.first().map(String::as_str) == Some("__complete") {
        commands::complete::run(&args[1..]);
        return ExitCode::SUCCESS;
    }
    let (mut cli, matches) = podsize::invocation::parse_with_matches();
    if let Err(e) = cli.check() {
        eprintln!("podsize: {e}");
        return ExitCode::FAILURE;
    }
    // A broken config file is a usage error (exit 2), reported before any terminal set-up.
    let config = match commands::config::prepare(&mut cli, &matches) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("podsize: {e}");
            return ExitCode::from(2);
        }
    };
    // Checked before any terminal set-up, so nothing is left in raw mode and nothing panics.
    if needs_terminal(cli.command.as_ref()) && !has_terminal() {
        eprintln!(
            "podsize: no terminal (stdin and stdout must be a terminal); use `podsize get` to print the table"
        );
        return ExitCode::FAILURE;
    }
    // The dashboard and `watch` idle for hours: one heap arena keeps their memory compact.
    if matches!(cli.command, None | Some(Command::Watch(_))) {
        commands::heap::one_arena();
    }
    init_logging(&cli.common);
    let _ = color_eyre::install();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("podsize: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CommandError::CheckFailed) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("podsize: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

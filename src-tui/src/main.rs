//! `wharf`: the terminal UI. Parses flags, loads the config, resolves the engine, sets up
//! logging to a file (never the screen), and hands the terminal to the run loop; the
//! terminal is restored on every exit path, panics included.

mod alerting;
mod app;
mod archive_io;
mod build_form;
mod clipboard;
mod config;
mod dash_export;
mod details;
mod exec;
mod files;
mod filter;
mod fleet_nav;
mod fleet_run;
mod format;
mod input;
mod keymap;
mod kinds;
mod layout;
mod msg;
mod prompt;
mod run;
mod run_form;
mod stats_export;
mod view;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use wharf_core::engine::connect::{ConnectOptions, EnvVars};
use wharf_core::session::{Session, SessionOptions};
use wharf_core::store::{ConnectionState, Snapshot};
use wharf_core::streams::stats::HubConfig;

use crate::app::{App, Settings};
use crate::config::Config;
use crate::kinds::View;

/// A fast, light Docker console for the terminal.
#[derive(Debug, Parser)]
#[command(name = "wharf", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Engine address: unix:///path, tcp://host:port, https://host:port, ssh://user@host[:port].
    /// Repeat it (or mix with --context) to open a fleet of engines in one view.
    #[arg(short = 'H', long, global = true)]
    host: Vec<String>,
    /// Docker context to use (see `docker context ls`); repeat it for a fleet.
    #[arg(short = 'c', long, global = true)]
    context: Vec<String>,
    /// Open the fleet view of every engine in the configuration's [[engines]] and every
    /// docker context (plus any --host/--context given).
    #[arg(long)]
    fleet: bool,
    /// Refuse every action that changes the engine.
    #[arg(long)]
    read_only: bool,
    /// Do not capture the mouse (lets the terminal select text).
    #[arg(long)]
    no_mouse: bool,
    /// View to open: containers, images, networks, volumes, projects, events, engine.
    #[arg(long)]
    view: Option<String>,
    /// Configuration file (default: $XDG_CONFIG_HOME/wharf/config.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Print the effective configuration and exit.
    #[arg(long)]
    print_config: bool,
    /// Where Wharf writes its own log (default: $XDG_STATE_HOME/wharf/wharf.log).
    #[arg(long, global = true)]
    log_file: Option<PathBuf>,
    /// Append one JSON line per engine call a user action makes to FILE (time, engine, call,
    /// target ids, result); also `audit_log = "FILE"` in the config.
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,
    /// Accept an engine's TLS certificate without verifying it. Insecure: use only when you
    /// know why (a context with SkipTLSVerify needs it).
    #[arg(long, global = true)]
    insecure_skip_tls_verify: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Record stats history and engine events of all running containers, with no UI (for a
    /// systemd unit or a tmux pane); the UIs' graphs read what it records.
    Watch(watch::WatchArgs),
}

fn init_logging(path: &std::path::Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open log file {}: {e}", path.display()))?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("WHARF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .map_err(|e| e.to_string())
}

/// How long start-up waits for the engine's first listing before showing the UI anyway.
const FIRST_DATA_WAIT: Duration = Duration::from_millis(150);

/// Whether a snapshot has something to show: containers, a complete (maybe empty) listing, or
/// a connection problem.
fn has_data(s: &Arc<Snapshot>) -> bool {
    !s.containers.is_empty()
        || s.synced
        || !matches!(
            s.connection,
            ConnectionState::Connecting | ConnectionState::Connected { .. }
        )
}

/// Which standard stream is not a terminal, if any: the UI reads keys from stdin and draws
/// on stdout, so both must be one.
fn missing_terminal() -> Option<&'static str> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        Some("standard input")
    } else if !std::io::stdout().is_terminal() {
        Some("standard output")
    } else {
        None
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut cfg = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("wharf: {e}");
            return ExitCode::from(2);
        }
    };
    if args.read_only {
        cfg.read_only = true;
    }
    if args.no_mouse {
        cfg.mouse = false;
    }
    if let Some(p) = &args.audit_log {
        cfg.audit_log = Some(p.clone());
    }
    if let Some(v) = &args.view {
        if View::parse(v).is_none() {
            eprintln!(
                "wharf: --view {v:?} is not one of {}",
                kinds::view_names().join(", ")
            );
            return ExitCode::from(2);
        }
        cfg.default_view = v.clone();
    }
    let mut settings = match Settings::from_config(&cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wharf: {e}");
            return ExitCode::from(2);
        }
    };
    if args.print_config {
        print!("{}", cfg.to_toml(&settings.keymap));
        return ExitCode::SUCCESS;
    }
    // The core's one setup: audit log, endpoint, engine handle (read-only and the audit log
    // are enforced there, on every call), store and stats hub.
    let options = SessionOptions {
        connect: ConnectOptions {
            host: args.host.first().cloned(),
            context: args.context.first().cloned(),
            allow_insecure_tls: args.insecure_skip_tls_verify,
            env: EnvVars::from_process(),
        },
        read_only: cfg.read_only,
        audit_log: cfg.audit_log.clone(),
        stats: HubConfig {
            interval: Duration::from_millis(cfg.refresh_ms),
            ..Default::default()
        },
    };
    let log_path = args
        .log_file
        .clone()
        .unwrap_or_else(config::default_log_path);
    let fleet_start = fleet_run::FleetStart {
        hosts: args.host.clone(),
        contexts: args.context.clone(),
        all: args.fleet,
    };
    if let Some(Command::Watch(w)) = &args.command {
        if fleet_run::wanted(&fleet_start) {
            eprintln!("wharf watch: follows one engine; give one --host or --context");
            return ExitCode::from(2);
        }
        if let Err(e) = init_logging(&log_path) {
            eprintln!("wharf watch: {e}");
            return ExitCode::from(2);
        }
        return watch::main(w, options);
    }
    // Before anything touches the terminal (and before connecting): without one, ratatui's
    // set-up fails halfway and a script, a pipe, a cron job or `ssh host wharf` got a panic.
    if let Some(what) = missing_terminal() {
        eprintln!(
            "wharf: {what} is not a terminal; Wharf is an interactive terminal UI and needs one.\n\
             Run it in a terminal; over SSH, ask for one: `ssh -t HOST wharf`."
        );
        return ExitCode::from(2);
    }
    if let Err(e) = init_logging(&log_path) {
        eprintln!("wharf: {e}");
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wharf: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if fleet_run::wanted(&fleet_start) {
        return fleet_main(&rt, &fleet_start, &cfg, settings, options);
    }
    let session = {
        let _runtime = rt.enter();
        match Session::open(&options) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("wharf: {e}");
                return ExitCode::from(2);
            }
        }
    };
    settings.tls_unverified = session.tls_unverified;
    tracing::info!(endpoint = %session.endpoint, context = ?session.context, "starting");
    let view = View::parse(&cfg.default_view).unwrap_or(View::Containers);
    let result = rt.block_on(async move {
        let store = &session.store;
        // Wait a little for the first listing before taking over the terminal: the requests
        // progress only while this (single) thread waits, and the first frame then already
        // shows the containers. A slow or unreachable engine gets the UI after the wait,
        // showing its state.
        let mut first = store.subscribe();
        let _ = tokio::time::timeout(FIRST_DATA_WAIT, first.wait_for(has_data)).await;
        let snapshot: Arc<Snapshot> = store.snapshot();
        let app = App::new(settings.clone(), view, cfg.show_stopped, snapshot);
        let mut terminal = enter_terminal(cfg.mouse);
        let start = fleet_nav::Start::Engine(Box::new(app), session);
        let r = fleet_nav::navigate(&mut terminal, start, settings, &cfg, options).await;
        leave_terminal(cfg.mouse);
        r.map_err(|e| format!("terminal error: {e}"))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wharf: {e}");
            tracing::error!(error = %e, "exiting");
            ExitCode::FAILURE
        }
    }
}

/// Take over the terminal, with mouse capture when asked (without it Wharf still works; the
/// log says why).
fn enter_terminal(mouse: bool) -> ratatui::DefaultTerminal {
    let terminal = ratatui::init();
    if mouse {
        if let Err(e) = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)
        {
            tracing::warn!(error = %e, "mouse capture unavailable");
        }
    }
    terminal
}

/// Give the terminal back (mouse capture released on a best-effort basis first).
fn leave_terminal(mouse: bool) {
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::restore();
}

/// Several engines at once (`--host A --host B`, `--context` repeated, `--fleet`): the fleet
/// view, then an engine's usual views after Enter on one of its rows.
fn fleet_main(
    rt: &tokio::runtime::Runtime,
    start: &fleet_run::FleetStart,
    cfg: &Config,
    settings: Settings,
    options: SessionOptions,
) -> ExitCode {
    let specs = match fleet_run::specs(start, cfg, &options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wharf: {e}");
            return ExitCode::from(2);
        }
    };
    let fleet = {
        let _runtime = rt.enter();
        match wharf_core::fleet::Fleet::open(specs, &options) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("wharf: {e}");
                return ExitCode::from(2);
            }
        }
    };
    tracing::info!(engines = fleet.members().len(), "starting a fleet");
    let result = rt.block_on(async move {
        // As with one engine: a little time for the first listings before the first frame.
        let mut changed = fleet.changed();
        let _ = tokio::time::timeout(FIRST_DATA_WAIT, changed.changed()).await;
        let mut terminal = enter_terminal(cfg.mouse);
        let start = fleet_nav::Start::Fleet(fleet);
        let r = fleet_nav::navigate(&mut terminal, start, settings, cfg, options).await;
        leave_terminal(cfg.mouse);
        r.map_err(|e| format!("terminal error: {e}"))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wharf: {e}");
            ExitCode::FAILURE
        }
    }
}

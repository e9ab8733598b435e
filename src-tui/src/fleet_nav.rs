//! Between the fleet and one engine, in one terminal session: the program's screens are the
//! engine's usual views (`run::run`) and the fleet (`fleet_run::fleet_loop`), and this is
//! what goes from one to the other.
//!
//! - `:fleet` in an engine's views opens the fleet of every configured engine and docker
//!   context around the session already open (`Fleet::open_around`: that engine is not
//!   connected twice).
//! - Enter on a fleet row takes that member's session out of the fleet and shows its views,
//!   the row's container open; the fleet and its screen state (selection, filter, sort,
//!   marks) are kept meanwhile, every other member still connected and following its engine.
//! - `:fleet` again, or Esc at the top of an engine opened from the fleet, gives the session
//!   back (`Fleet::give_back`) and shows the fleet as it was.
//!
//! One terminal reader serves all the screens (`input::events`).

use std::sync::Arc;

use ratatui::DefaultTerminal;
use wharf_core::fleet::{Fleet, FleetKey};
use wharf_core::session::{Session, SessionOptions};

use crate::app::fleet::FleetApp;
use crate::app::{App, Settings};
use crate::config::Config;
use crate::fleet_run::{fleet_loop, specs, FleetStart};
use crate::kinds::View;
use crate::run::Exit;

/// The first screen.
pub enum Start {
    /// One engine's views (the fleet opens on `:fleet`).
    Engine(Box<App>, Session),
    /// The fleet (several `--host`/`--context`, or `--fleet`).
    Fleet(Fleet),
}

enum Step {
    Engine {
        app: Box<App>,
        session: Box<Session>,
        /// The fleet member it was taken from, when opened from the fleet.
        from: Option<String>,
        open: Option<wharf_core::model::ContainerId>,
    },
    Fleet(Fleet, Box<FleetApp>),
}

/// Runs the screens until the user quits. Inside the runtime.
pub async fn navigate(
    terminal: &mut DefaultTerminal,
    start: Start,
    settings: Settings,
    cfg: &Config,
    options: SessionOptions,
) -> std::io::Result<()> {
    let mut events = crate::input::events();
    // The fleet and its screen while one of its engines is shown.
    let mut kept: Option<(Fleet, Box<FleetApp>)> = None;
    let mut step = match start {
        Start::Engine(app, session) => Step::Engine {
            app,
            session: Box::new(session),
            from: None,
            open: None,
        },
        Start::Fleet(fleet) => {
            let app = fleet_app(&fleet, &settings);
            Step::Fleet(fleet, app)
        }
    };
    loop {
        step = match step {
            Step::Engine {
                app,
                session,
                from,
                open,
            } => {
                let read_only = app.settings.read_only;
                let engine_options = SessionOptions {
                    read_only,
                    ..options.clone()
                };
                let exit =
                    crate::run::run(terminal, &mut events, *app, *session, engine_options, open)
                        .await?;
                let session = match exit {
                    Exit::Quit => return Ok(()),
                    Exit::Fleet(session) => *session,
                };
                match kept.take() {
                    Some((mut fleet, mut app)) => {
                        fleet.give_back(from.as_deref().unwrap_or_default(), session, &options);
                        app.set_snapshot(fleet.snapshot());
                        Step::Fleet(fleet, app)
                    }
                    None => open_fleet(session, cfg, &settings, &options)?,
                }
            }
            Step::Fleet(fleet, mut app) => {
                let fleet = Arc::new(fleet);
                let exit = fleet_loop(terminal, &mut events, &fleet, &mut app, &settings.palette);
                let Some(key) = exit.await? else {
                    return Ok(());
                };
                let Ok(mut fleet) = Arc::try_unwrap(fleet) else {
                    // Only the loop's own tasks hold it, and they ended; say so rather than panic.
                    tracing::error!("the fleet is still shared after its loop ended");
                    return Ok(());
                };
                match engine_of(&mut fleet, &key, &settings, cfg) {
                    Some((engine, session)) => {
                        kept = Some((fleet, app));
                        Step::Engine {
                            app: engine,
                            session: Box::new(session),
                            from: Some(key.engine),
                            open: Some(key.id),
                        }
                    }
                    None => {
                        let why = format!("{} is not connected", crate::format::inert(&key.engine));
                        app.toast = Some((why, true));
                        Step::Fleet(fleet, app)
                    }
                }
            }
        };
    }
}

fn fleet_app(fleet: &Fleet, settings: &Settings) -> Box<FleetApp> {
    let mut app = FleetApp::new(settings.keymap.clone(), fleet.snapshot());
    app.mouse = settings.mouse;
    app.read_only = settings.read_only;
    // Two specs on one engine are one member: say so (`default and prod are the same
    // engine: shown once`), or the user looks for the one that is missing.
    let same: Vec<String> = fleet.same_engines().iter().map(|s| s.describe()).collect();
    if !same.is_empty() {
        app.toast = Some((same.join("; "), false));
    }
    Box::new(app)
}

/// `:fleet` from one engine: every configured engine and docker context, with `session`'s
/// engine among them (adopted, not connected again). Docker contexts that cannot be listed
/// leave the configured engines, and the toast says why.
fn open_fleet(
    session: Session,
    cfg: &Config,
    settings: &Settings,
    options: &SessionOptions,
) -> std::io::Result<Step> {
    // The session is not a spec of its own: the member with its endpoint (a configured
    // engine, a context, docker's `default`) adopts it, else it becomes one.
    let start = FleetStart {
        hosts: Vec::new(),
        contexts: Vec::new(),
        all: true,
    };
    let (list, problem) = match specs(&start, cfg, options) {
        Ok(list) => (list, None),
        // The toast says why; the configured engines that are valid still open (none when
        // the table itself is wrong, which the same message names).
        Err(e) => (
            wharf_core::fleet::from_config(&cfg.engines).unwrap_or_default(),
            Some(e),
        ),
    };
    let fleet = Fleet::open_around(list, options, session).map_err(std::io::Error::other)?;
    tracing::info!(engines = fleet.members().len(), "opened the fleet");
    let mut app = fleet_app(&fleet, settings);
    if let Some(e) = problem {
        app.toast = Some((crate::format::inert(&e), true));
    }
    Ok(Step::Fleet(fleet, app))
}

/// The usual views of the engine of fleet row `key`: its session taken from the fleet, the
/// settings under that engine's read-only.
fn engine_of(
    fleet: &mut Fleet,
    key: &FleetKey,
    settings: &Settings,
    cfg: &Config,
) -> Option<(Box<App>, Session)> {
    let read_only = fleet
        .members()
        .iter()
        .find(|m| m.spec.name == key.engine)
        .is_some_and(|m| m.read_only);
    let session = fleet.take_session(&key.engine)?;
    let mut settings = settings.clone();
    settings.read_only = read_only;
    settings.tls_unverified = session.tls_unverified;
    let mut app = App::new(
        settings,
        View::Containers,
        cfg.show_stopped,
        session.store.snapshot(),
    );
    app.from_fleet = true;
    Some((Box::new(app), session))
}

//! The fleet's loop (`wharf --host A --host B`, `--context` repeated, `--fleet`): opens one
//! core session per engine (`wharf_core::fleet::Fleet`), draws the merged view on any
//! member's change, and routes actions to the engines by name; each engine's commands run in
//! a task, so a frozen engine delays only its own. Enter leaves the fleet for the selected
//! row's engine in the usual single-engine views, its container open: that engine's session
//! is taken from the fleet and the others close.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;
use tokio::time::Instant;
use wharf_core::command::{Command, Outcome};
use wharf_core::error::CoreError;
use wharf_core::fleet::{self, EngineSpec, Fleet, FleetKey};
use wharf_core::session::SessionOptions;

use crate::app::fleet::{FleetApp, FleetEffect};
use crate::app::{App, Settings};
use crate::config::Config;
use crate::kinds::View;

const FRAME: Duration = Duration::from_millis(16);

type Done = Vec<(String, Command, Result<Outcome, CoreError>)>;

/// What the command line asked for.
pub struct FleetStart {
    pub hosts: Vec<String>,
    pub contexts: Vec<String>,
    /// `--fleet`: every configured engine and docker context (plus the flags').
    pub all: bool,
}

/// Whether the command line asks for a fleet rather than one engine.
pub fn wanted(start: &FleetStart) -> bool {
    start.all || start.hosts.len() + start.contexts.len() > 1
}

/// The engines of the fleet, in order: configured ones first when `--fleet`, then the flags'.
pub fn specs(
    start: &FleetStart,
    cfg: &Config,
    options: &SessionOptions,
) -> Result<Vec<EngineSpec>, String> {
    let configured = fleet::from_config(&cfg.engines).map_err(|e| e.to_string())?;
    let flagged = fleet::from_flags(&start.hosts, &start.contexts, &configured);
    if !start.all {
        return Ok(flagged);
    }
    let mut all =
        fleet::everything(&configured, &options.connect.env).map_err(|e| e.to_string())?;
    for s in flagged {
        if !all.iter().any(|a| a.name == s.name || a.source == s.source) {
            all.push(s);
        }
    }
    Ok(all)
}

/// Runs the fleet and, after Enter on a row, that engine's usual views. Inside the runtime.
pub async fn run(
    terminal: &mut DefaultTerminal,
    fleet: Fleet,
    settings: Settings,
    cfg: &Config,
    options: SessionOptions,
) -> std::io::Result<()> {
    let fleet = Arc::new(fleet);
    let mut app = FleetApp::new(settings.keymap.clone(), fleet.snapshot());
    let exit = fleet_loop(terminal, &fleet, &mut app, &settings).await?;
    let Some(key) = exit else { return Ok(()) };
    let Ok(mut fleet) = Arc::try_unwrap(fleet) else {
        // Only the loop's own tasks hold it, and they ended; say so rather than panic.
        tracing::error!("the fleet is still shared after its loop ended");
        return Ok(());
    };
    let read_only = fleet
        .members()
        .iter()
        .find(|m| m.spec.name == key.engine)
        .is_some_and(|m| m.read_only);
    let Some(session) = fleet.take_session(&key.engine) else {
        return Ok(());
    };
    drop(fleet);
    let mut settings = settings;
    settings.read_only = read_only;
    settings.tls_unverified = session.tls_unverified;
    let options = SessionOptions {
        read_only,
        ..options
    };
    let app = App::new(
        settings,
        View::Containers,
        cfg.show_stopped,
        session.store.snapshot(),
    );
    crate::run::run(terminal, app, session, options, Some(key.id)).await
}

/// The fleet view until `q` (`None`) or Enter on a row (its key). In-flight commands are
/// awaited before an Enter returns, so the fleet is no longer shared.
async fn fleet_loop(
    terminal: &mut DefaultTerminal,
    fleet: &Arc<Fleet>,
    app: &mut FleetApp,
    settings: &Settings,
) -> std::io::Result<Option<FleetKey>> {
    let mut events = EventStream::new();
    let mut changed = fleet.changed();
    let (tx, mut rx) = mpsc::unbounded_channel::<Done>();
    let mut tasks: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            app.refresh_objects(fleet);
            terminal.draw(|f| crate::view::fleet_objects::draw(f, app, &settings.palette))?;
            last_draw = Instant::now();
            dirty = false;
        }
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    last_draw = Instant::now() - FRAME;
                    dirty = true;
                    match app.key(k) {
                        Some(FleetEffect::Quit) => return Ok(None),
                        Some(FleetEffect::Open(key)) => {
                            for t in tasks.drain(..) {
                                t.abort();
                                // Aborted or finished: either way it no longer holds the fleet.
                                let _ = t.await;
                            }
                            return Ok(Some(key));
                        }
                        Some(FleetEffect::Execute(items)) => {
                            let (fleet, tx) = (fleet.clone(), tx.clone());
                            tasks.retain(|t| !t.is_finished());
                            tasks.push(tokio::spawn(async move {
                                let results = fleet.execute_all(&items).await;
                                let done = items
                                    .into_iter()
                                    .zip(results)
                                    .map(|((e, c), r)| (e, c, r))
                                    .collect();
                                // The loop may have ended; nothing is left to tell.
                                let _ = tx.send(done);
                            }));
                        }
                        None => {}
                    }
                }
                Some(Ok(Event::Resize(..))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(None),
            },
            Some(done) = rx.recv() => {
                app.outcomes(done);
                dirty = true;
            }
            Ok(()) = changed.changed() => {
                changed.borrow_and_update();
                app.set_snapshot(fleet.snapshot());
                dirty = true;
            }
            _ = tokio::time::sleep(FRAME.saturating_sub(last_draw.elapsed())), if dirty => {}
        }
    }
}

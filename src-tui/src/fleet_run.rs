//! The fleet's loop (`wharf --host A --host B`, `--context` repeated, `--fleet`, `:fleet`):
//! draws the merged view of the core's `Fleet` on any member's change, takes keys, the mouse
//! and resizes (`FleetApp::input`), and routes actions to the engines by name; each engine's
//! commands run in a task, so a frozen engine delays only its own. Enter ends the loop with
//! the row's key; `fleet_nav` then shows that engine's usual views and comes back here.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::Event;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;
use tokio::time::Instant;
use wharf_core::command::{Command, Outcome};
use wharf_core::error::CoreError;
use wharf_core::fleet::{self, EngineSpec, Fleet, FleetKey};
use wharf_core::session::SessionOptions;

use crate::app::fleet::{FleetApp, FleetEffect};
use crate::config::{Config, Palette};
use crate::exec::Events;

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

/// The fleet view until `q` (`None`) or Enter on a row (its key). In-flight commands are
/// awaited before an Enter returns, so the fleet is no longer shared. `events` are the
/// program's one terminal reader (`input::events`).
pub async fn fleet_loop(
    terminal: &mut DefaultTerminal,
    events: &mut Events,
    fleet: &Arc<Fleet>,
    app: &mut FleetApp,
    palette: &Palette,
) -> std::io::Result<Option<FleetKey>> {
    let mut changed = fleet.changed();
    let (tx, mut rx) = mpsc::unbounded_channel::<Done>();
    let mut tasks: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    // The SSH cost is counters in each engine handle: read every second, drawn on change.
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size()?;
    app.input(Event::Resize(size.width, size.height));
    app.set_snapshot(fleet.snapshot());
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            app.refresh_objects(fleet);
            terminal.draw(|f| crate::view::fleet_objects::draw(f, app, palette))?;
            last_draw = Instant::now();
            dirty = false;
        }
        tokio::select! {
            ev = events.recv() => match ev {
                Some(Ok(ev)) => {
                    if matches!(ev, Event::Key(_) | Event::Resize(..)) {
                        // Keys and resizes are drawn at once; mouse motion waits its frame.
                        last_draw = Instant::now() - FRAME;
                    }
                    dirty = true;
                    match app.input(ev) {
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
                app.keep_selection_in_view();
                dirty = true;
            }
            _ = tick.tick() => dirty |= app.set_ssh(fleet.ssh_costs()),
            _ = tokio::time::sleep(FRAME.saturating_sub(last_draw.elapsed())), if dirty => {}
        }
    }
}

//! The one loop: it owns the terminal, turns everything that happens into `Msg`s for
//! `App::update`, carries out the `Effect`s, and draws when something changed — at most
//! every `FRAME` so a flood of log lines or events cannot starve the keyboard.
//!
//! It also owns the session: a `:ctx` switch connects the next one in the background (the
//! core's `Session::switch`) and only once that answers replaces the current one, closing the
//! old engine's log follower, transfers and stats hub with it.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use crossterm::event::Event;
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;
use tokio::time::Instant;
use wharf_core::clock::now_ms;
use wharf_core::command::execute;
use wharf_core::engine::connect::list_contexts;
use wharf_core::engine::{Engine, Keychain};
use wharf_core::error::CoreError;
use wharf_core::history::{self, SeriesKey};
use wharf_core::model::ContainerId;
use wharf_core::session::{Session, SessionError, SessionOptions};
use wharf_core::streams::logs::LogEvent;
use wharf_core::streams::{LogFollower, MergedEvent, MergedFollower, StatsHub};

use crate::app::App;
use crate::input::Events;
use crate::msg::{ComposeUpdate, Effect, Msg, Switched, TransferJob};

const FRAME: Duration = Duration::from_millis(16);
/// Log chunks taken per loop turn before the loop looks at keys again.
const LOG_BUDGET: usize = 256;

/// The copy in flight: aborting its task drops the core's copy future, which cancels it.
type CopyTask = Option<tokio::task::JoinHandle<()>>;

struct Logs {
    id: ContainerId,
    follower: Follower,
}

/// One container's log, or merged logs (whose lines come already split and prefixed).
enum Follower {
    One(LogFollower),
    Merged(MergedFollower),
}

/// What a follower handed over.
enum Got {
    Chunk(wharf_core::engine::LogChunk),
    Line(wharf_core::streams::LogLine),
    End(Option<wharf_core::error::CoreError>),
}

impl Follower {
    fn is_ended(&self) -> bool {
        match self {
            Follower::One(f) => f.is_ended(),
            Follower::Merged(f) => f.is_ended(),
        }
    }

    async fn recv(&mut self) -> Got {
        match self {
            Follower::One(f) => match f.recv().await {
                Some(LogEvent::Chunk(c)) => Got::Chunk(c),
                Some(LogEvent::End) | None => Got::End(None),
                Some(LogEvent::Error(e)) => Got::End(Some(e)),
            },
            Follower::Merged(f) => match f.recv().await {
                Some(MergedEvent::Line(l)) => Got::Line(l),
                Some(MergedEvent::End) | None => Got::End(None),
            },
        }
    }

    fn drain_into(
        &mut self,
        buf: &mut wharf_core::streams::LogBuffer,
    ) -> Option<wharf_core::error::Result<()>> {
        match self {
            Follower::One(f) => f.drain_into(buf, LOG_BUDGET).1,
            Follower::Merged(f) => f.drain_into(buf, LOG_BUDGET).1,
        }
    }
}

/// A switch's end, from its background task: the connected session or why not.
type SwitchDone = (String, Result<Session, SessionError>);

/// How the loop ended.
pub enum Exit {
    Quit,
    /// `:fleet` (or Esc at the top of an engine opened from the fleet): the session followed
    /// last, for the fleet to keep.
    Fleet(Box<Session>),
}

/// `options` are what the session was opened with: a switch keeps all but the engine.
/// `events` are the terminal's, shared with the fleet's loop (`input::events`).
pub async fn run(
    terminal: &mut DefaultTerminal,
    events: &mut Events,
    mut app: App,
    session: Session,
    options: SessionOptions,
    open: Option<ContainerId>,
) -> std::io::Result<Exit> {
    let mut session = session;
    let mut engine = session.engine.clone();
    // Registry credentials: the docker config's, plus logins of this session (memory only).
    let keychain = Keychain::from_env();
    let mut transfers: HashMap<u64, tokio::task::AbortHandle> = HashMap::new();
    let mut snap_rx = session.store.subscribe();
    let mut stats_rx = session.stats.subscribe();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (switch_tx, mut switch_rx) = mpsc::unbounded_channel::<SwitchDone>();
    app.contexts.current = session.context.clone();
    app.update(Msg::Contexts(list_contexts(&options.connect.env)));
    let mut logs: Option<Logs> = None;
    // The running build's task: aborting it drops the build stream, which cancels the build.
    let mut build: Option<tokio::task::JoinHandle<()>> = None;
    let mut compose: Option<tokio::task::JoinHandle<()>> = None;
    let mut copy: CopyTask = None;
    let mut alerting = crate::alerting::Alerting::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    app.update(Msg::Tick(now_ms()));
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut seen_data = false;
    watch_visible(&app, &session.stats);
    // A container to open at once (Enter on a fleet row): its details' effects go out with
    // the first message's.
    let mut startup = open
        .map(|id| app.open_details(id, crate::details::Tab::Logs))
        .unwrap_or_default();
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            terminal.draw(|f| crate::view::draw(f, &app))?;
            last_draw = Instant::now();
            dirty = false;
        }
        let logs_live = logs.as_ref().is_some_and(|l| !l.follower.is_ended())
            && app.details.as_ref().is_some_and(|d| !d.logs.paused);
        let msg = tokio::select! {
            biased;
            ev = events.recv() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Mouse(m))) => Msg::Mouse(m),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => return Ok(Exit::Quit),
            },
            Some(m) = rx.recv() => m,
            Some((name, result)) = switch_rx.recv() => match result {
                Ok(next) => {
                    // Connected: only now does the old engine go, with everything that
                    // followed it (its store and hub drop with the old session).
                    logs = None;
                    for (_, h) in transfers.drain() {
                        h.abort();
                    }
                    engine = next.engine.clone();
                    snap_rx = next.store.subscribe();
                    stats_rx = next.stats.subscribe();
                    // The new store's current snapshot is news to the app.
                    snap_rx.mark_changed();
                    let info = Switched {
                        endpoint: next.endpoint.clone(),
                        context: next.context.clone(),
                        tls_unverified: next.tls_unverified,
                    };
                    tracing::info!(endpoint = %next.endpoint, context = ?next.context, "switched engine");
                    alerting.stop();
                    session = next;
                    seen_data = false;
                    Msg::Switched { name, result: Ok(info) }
                }
                Err(e) => {
                    tracing::warn!(context = %name, error = %e, "switch failed");
                    Msg::Switched { name, result: Err(e.error) }
                }
            },
            Ok(()) = snap_rx.changed() => Msg::Snapshot(snap_rx.borrow_and_update().clone()),
            Ok(()) = stats_rx.changed() => Msg::Stats(stats_rx.borrow_and_update().clone()),
            ev = next_log(&mut logs), if logs_live => {
                match ev {
                    got @ (Got::Chunk(_) | Got::Line(_)) => {
                        if let (Some(d), Some(l)) = (app.details.as_mut(), logs.as_mut()) {
                            if d.id == l.id {
                                match got {
                                    Got::Chunk(c) => {
                                        d.logs.buffer.push(&c);
                                    }
                                    Got::Line(line) => d.logs.buffer.push_line(line),
                                    Got::End(_) => {}
                                }
                                let end = l.follower.drain_into(&mut d.logs.buffer);
                                if let Some(end) = end {
                                    d.logs.ended = Some(match end {
                                        Ok(()) => "log stream ended".into(),
                                        Err(e) => e.to_string(),
                                    });
                                }
                            }
                        }
                        dirty = true;
                        continue;
                    }
                    Got::End(e) => Msg::LogsEnded(e),
                }
            }
            _ = tokio::time::sleep(FRAME.saturating_sub(last_draw.elapsed())), if dirty => continue,
            _ = tick.tick() => Msg::Tick(now_ms()),
        };
        // A bare clock tick redraws only when it changes something on screen.
        let redraw = match &msg {
            Msg::Tick(now) => {
                // The SSH cost is counters in the engine handle: read, not asked for.
                let cost = engine.ssh_cost();
                let changed = cost != app.ssh_cost;
                app.ssh_cost = cost;
                alerting.tick(&session, &tx);
                app.tick_shows(*now) || (changed && app.view == crate::kinds::View::Engine)
            }
            _ => true,
        };
        // The frame limit is for floods (log lines, events, mouse motion). Keys and resizes
        // are drawn at once, and so is the first data from the engine (not held back by the
        // limit the "connecting" frame started).
        let at_once = match &msg {
            // Not while more input waits: a paste of 3,000 characters is one frame after its
            // last key, not 3,000 frames (the draws, not the keys, were most of its cost).
            Msg::Key(_) | Msg::Resize(..) => events.is_empty(),
            Msg::Snapshot(s) if !seen_data && (s.synced || !s.containers.is_empty()) => {
                seen_data = true;
                true
            }
            _ => false,
        };
        if at_once {
            last_draw = Instant::now() - FRAME;
        }
        let answered = matches!(msg, Msg::Alerts { .. });
        let mut effects = app.update(msg);
        effects.splice(0..0, std::mem::take(&mut startup));
        if answered {
            alerting.seen();
        }
        dirty |= redraw;
        for e in effects {
            match e {
                Effect::Exec { id, cmd } => {
                    let detach = app.settings.detach_keys.clone();
                    let mouse = app.settings.mouse;
                    let r =
                        crate::exec::run(terminal, events, &engine, &id, cmd, &detach, mouse).await;
                    dirty = true;
                    // The clock stood still during the shell: without this, the note about
                    // how it ended would expire on the next tick, unseen.
                    app.update(Msg::Tick(now_ms()));
                    app.update(Msg::ExecDone(r));
                }
                e @ (Effect::StartTransfer { .. }
                | Effect::CancelTransfer(_)
                | Effect::LoadHistory(_)
                | Effect::CheckUpdates(_)
                | Effect::LoginTarget { .. }
                | Effect::Login { .. }
                | Effect::PlanImageUpdates(_)) => {
                    images(e, &engine, &keychain, &tx, &mut transfers)
                }
                Effect::Build { gen, plan } => {
                    if let Some(old) = build.take() {
                        old.abort();
                    }
                    let (engine, tx) = (engine.clone(), tx.clone());
                    build = Some(tokio::spawn(async move {
                        let mut events = wharf_core::streams::build::output(&engine, &plan);
                        while let Some(event) = events.next().await {
                            if tx.send(Msg::Build { gen, event }).is_err() {
                                return;
                            }
                        }
                    }));
                }
                Effect::CancelBuild => {
                    if let Some(old) = build.take() {
                        old.abort();
                    }
                }
                Effect::Compose { gen, cmd } => {
                    if let Some(old) = compose.take() {
                        old.abort();
                    }
                    compose = Some(tokio::spawn(run_compose(
                        engine.clone(),
                        tx.clone(),
                        gen,
                        cmd,
                    )));
                }
                Effect::CancelCompose => {
                    // Dropping the run makes the core kill the tool and its process group.
                    if let Some(old) = compose.take() {
                        old.abort();
                    }
                }
                Effect::LoadStatsHistory { id, range } => {
                    // SQLite is blocking: read on the blocking pool, answer as a message.
                    let key = series_key(&app, &session, &id);
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let result = match key {
                            Some(key) => history::read_range(&history::resolve_path(), &key, range),
                            None => Err(CoreError::not_found(format!("no container {id}"))),
                        };
                        let _ = tx.send(Msg::StatsHistory { id, range, result });
                    });
                }
                Effect::ExportStats {
                    id,
                    path,
                    samples,
                    window_secs,
                    overwrite,
                } => {
                    // The container's line as history keys it (compose service or name), so a
                    // recreated container's markers are drawn too.
                    let key = series_key(&app, &session, &id);
                    let tx = tx.clone();
                    // SQLite and drawing are blocking: on the blocking pool.
                    tokio::task::spawn_blocking(move || {
                        let result = crate::stats_export::write(
                            &path,
                            key.as_ref(),
                            &samples,
                            window_secs,
                            overwrite,
                        );
                        let _ = tx.send(Msg::StatsExported { id, path, result });
                    });
                }
                Effect::LoadDashMarkers(scope) => {
                    // SQLite is blocking: read on the blocking pool, answer as a message.
                    let engine = session.endpoint.clone();
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let to = wharf_core::clock::now_ms();
                        let from = to - history::HistoryRange::M15.span_ms();
                        let of = history::MarkerScope::Dash {
                            engine,
                            scope: scope.clone(),
                        };
                        let result = history::read_markers(&history::resolve_path(), &of, from, to);
                        let _ = tx.send(Msg::DashMarkers { scope, result });
                    });
                }
                Effect::ArchiveSearch(mut q) => {
                    q.engine.clone_from(&session.endpoint);
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let _ = tx.send(Msg::ArchiveFound(crate::archive_io::search(&q)));
                    });
                }
                Effect::ArchiveSet { selector, on } => {
                    let engine = session.endpoint.clone();
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let r = crate::archive_io::set(&engine, &selector, on);
                        let _ = tx.send(Msg::ArchiveSet(r));
                    });
                }
                Effect::Bell => {
                    // BEL moves no cursor: safe between frames.
                    let mut out = std::io::stdout();
                    let _ = out.write_all(b"\x07");
                    let _ = out.flush();
                }
                Effect::ListContexts => {
                    // A few small files: read here, answered on the next turn.
                    let _ = tx.send(Msg::Contexts(list_contexts(&options.connect.env)));
                }
                e @ (Effect::SwitchContext(_) | Effect::SwitchHost(_)) => {
                    // In the background: the UI and the current session go on meanwhile.
                    // The policy (read-only, the open audit log) is the current session's.
                    let options = options.clone();
                    let policy = engine.policy().clone();
                    let done = switch_tx.clone();
                    tokio::spawn(async move {
                        let (name, result) = match e {
                            Effect::SwitchHost(host) => {
                                let r = Session::switch_host(&options, &host, policy).await;
                                (host, r)
                            }
                            Effect::SwitchContext(name) => {
                                let r = Session::switch(&options, &name, policy).await;
                                (name, r)
                            }
                            _ => return,
                        };
                        // The loop is gone only when the app quit.
                        let _ = done.send((name, result));
                    });
                }
                Effect::OpenMergedLogs { sel, opts } => {
                    match MergedFollower::start(&engine, session.store.subscribe(), sel, &opts) {
                        Ok(f) => {
                            logs = Some(Logs {
                                id: ContainerId::from(crate::details::MERGED_ID),
                                follower: Follower::Merged(f),
                            });
                        }
                        Err(e) => {
                            logs = None;
                            app.update(Msg::LogsEnded(Some(e)));
                        }
                    }
                }
                Effect::Fleet => {
                    // What this engine's views started ends with them; the session goes on
                    // in the fleet, sampling no stats for a screen that is gone.
                    for (_, h) in transfers.drain() {
                        h.abort();
                    }
                    for task in [build.take(), compose.take(), copy.take()]
                        .into_iter()
                        .flatten()
                    {
                        task.abort();
                    }
                    session.stats.watch(Vec::new(), None);
                    session.stats.sample_all(false);
                    return Ok(Exit::Fleet(Box::new(session)));
                }
                other => apply(other, &engine, &tx, &mut logs, &mut copy, terminal),
            }
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        // After a message only: log chunks (which `continue` above) change neither the rows
        // on screen nor the focus, and working out which rows are visible takes a layout.
        watch_visible(&app, &session.stats);
    }
}

/// Container `id`'s series as history keys it (compose service or name, so a recreated
/// container continues its line); `None` once it is gone from the snapshot.
fn series_key(app: &App, session: &Session, id: &ContainerId) -> Option<SeriesKey> {
    let c = app.snapshot.containers.get(id)?;
    Some(SeriesKey::of(&session.endpoint, c))
}

/// Tell the stats hub which containers are on screen and which one is focused.
fn watch_visible(app: &App, hub: &StatsHub) {
    let focus = app.details.as_ref().map(|d| d.id.clone());
    hub.watch(app.visible_container_ids(), focus);
    // The dashboard's graphs are of every running container.
    hub.sample_all(app.dash.is_some());
}

async fn next_log(logs: &mut Option<Logs>) -> Got {
    match logs {
        Some(l) => l.follower.recv().await,
        None => std::future::pending().await,
    }
}

fn apply(
    e: Effect,
    engine: &Engine,
    tx: &mpsc::UnboundedSender<Msg>,
    logs: &mut Option<Logs>,
    copy: &mut CopyTask,
    terminal: &mut DefaultTerminal,
) {
    let engine = engine.clone();
    let tx = tx.clone();
    match e {
        Effect::Execute { req, cmd } => {
            tokio::spawn(async move {
                let result = execute(&engine, &cmd).await;
                // The loop may be gone when the app quits; nothing to report then.
                let _ = tx.send(Msg::Outcome { req, result });
            });
        }
        Effect::OpenLogs { id, opts } => {
            let follower = Follower::One(LogFollower::start(&engine, id.as_str(), &opts));
            *logs = Some(Logs { id, follower });
        }
        Effect::CloseLogs => *logs = None,
        Effect::LoadInspect(id) => {
            tokio::spawn(async move {
                let result = engine.inspect_container_json(id.as_str()).await;
                let _ = tx.send(Msg::Inspect { id, result });
            });
        }
        Effect::LoadTop(id) => {
            tokio::spawn(async move {
                let result = engine.top(id.as_str()).await;
                let _ = tx.send(Msg::Top { id, result });
            });
        }
        Effect::LoadDiskUsage => {
            tokio::spawn(async move {
                let result = engine.disk_usage().await;
                let _ = tx.send(Msg::DiskUsage(result));
            });
        }
        Effect::PlanPrune(target) => {
            tokio::spawn(async move {
                let result = wharf_core::destroy::plan_prune(&engine, target).await;
                let _ = tx.send(Msg::PrunePlan(result));
            });
        }
        Effect::Copy(text) => {
            let seq = crate::clipboard::osc52(&text);
            let w = terminal.backend_mut();
            if let Err(e) = w.write_all(seq.as_bytes()).and_then(|()| w.flush()) {
                tracing::warn!(error = %e, "clipboard write failed");
            }
        }
        Effect::SaveLogs { path, text } => {
            tokio::spawn(async move {
                let result = tokio::fs::write(&path, text)
                    .await
                    .map(|()| path.clone())
                    .map_err(|e| format!("{}: {e}", path.display()));
                let _ = tx.send(Msg::Saved(result));
            });
        }
        Effect::ExportDash {
            path,
            series,
            markers,
            dark,
            overwrite,
        } => {
            tokio::spawn(async move {
                let target = path.clone();
                let result = tokio::task::spawn_blocking(move || {
                    crate::dash_export::write(&target, &series, &markers, dark, overwrite)
                })
                .await
                .unwrap_or_else(|e| crate::msg::Exported::Failed(e.to_string()));
                let _ = tx.send(Msg::DashExported { path, result });
            });
        }
        Effect::ListDir { id, dir } => {
            tokio::spawn(async move {
                let result = engine.list_dir(id.as_str(), &dir).await;
                let _ = tx.send(Msg::Listing { id, dir, result });
            });
        }
        Effect::LoadChanges(id) => {
            tokio::spawn(async move {
                let result = engine.changes(id.as_str()).await;
                let _ = tx.send(Msg::Changes { id, result });
            });
        }
        Effect::CopyOut {
            id,
            src,
            dest,
            overwrite,
        } => {
            let progress = progress_to(&tx);
            *copy = Some(tokio::spawn(async move {
                let result = engine
                    .copy_out(id.as_str(), &src, &dest, overwrite, progress)
                    .await;
                let _ = tx.send(Msg::CopyDone(result));
            }));
        }
        Effect::CopyIn { id, src, dest } => {
            let progress = progress_to(&tx);
            *copy = Some(tokio::spawn(async move {
                let result = engine.copy_in(id.as_str(), &src, &dest, progress).await;
                let _ = tx.send(Msg::CopyDone(result));
            }));
        }
        Effect::CancelCopy => {
            if let Some(task) = copy.take() {
                task.abort();
            }
        }
        Effect::Search(query) => {
            tokio::spawn(async move {
                let result = wharf_core::streams::build::search(&engine, &query).await;
                let _ = tx.send(Msg::SearchResults {
                    term: query.term,
                    result,
                });
            });
        }
        Effect::LoadRunForm(id) => {
            tokio::spawn(async move {
                let result = engine.run_form(id.as_str()).await.map(Box::new);
                let _ = tx.send(Msg::RunForm { id, result });
            });
        }
        Effect::Exec { .. }
        | Effect::StartTransfer { .. }
        | Effect::CancelTransfer(_)
        | Effect::LoadHistory(_)
        | Effect::CheckUpdates(_)
        | Effect::LoginTarget { .. }
        | Effect::Login { .. }
        | Effect::Build { .. }
        | Effect::CancelBuild
        | Effect::Compose { .. }
        | Effect::CancelCompose
        | Effect::PlanImageUpdates(_) => {}
        Effect::ListContexts
        | Effect::SwitchContext(_)
        | Effect::SwitchHost(_)
        | Effect::LoadStatsHistory { .. }
        | Effect::LoadDashMarkers(_)
        | Effect::ExportStats { .. }
        | Effect::ArchiveSearch(_)
        | Effect::ArchiveSet { .. } => {}
        Effect::Bell => {}
        // Handled in the loop, which has the store (and the session).
        Effect::OpenMergedLogs { .. } | Effect::Fleet => {}
    }
}

/// Images and registries: transfers run as tasks forwarding their stream; aborting a task
/// drops its stream, which cancels the pull or push in the engine.
fn images(
    e: Effect,
    engine: &Engine,
    keychain: &Keychain,
    tx: &mpsc::UnboundedSender<Msg>,
    transfers: &mut HashMap<u64, tokio::task::AbortHandle>,
) {
    let engine = engine.clone();
    let keychain = keychain.clone();
    let tx = tx.clone();
    // Finished tasks leave their handles; drop those first.
    transfers.retain(|_, h| !h.is_finished());
    match e {
        Effect::StartTransfer {
            job,
            what: TransferJob::UpdateImages(plan),
        } => {
            let stream = engine.update_images(&plan, &keychain);
            let task = tokio::spawn(async move {
                let mut stream = stream;
                while let Some(event) = stream.next().await {
                    if tx.send(Msg::ImageUpdate { job, event }).is_err() {
                        return;
                    }
                }
            });
            transfers.insert(job, task.abort_handle());
        }
        Effect::PlanImageUpdates(ids) => {
            tokio::spawn(async move {
                let plan = engine.plan_image_updates(&ids, &keychain).await;
                let _ = tx.send(Msg::ImageUpdatePlan(Ok(plan)));
            });
        }
        Effect::StartTransfer { job, what } => {
            let stream = match what {
                TransferJob::UpdateImages(_) => return,
                TransferJob::Pull(r) => engine.pull(&r, &keychain),
                TransferJob::Push(r) => engine.push(&r, &keychain),
                TransferJob::Save {
                    images,
                    path,
                    overwrite,
                } => engine.save(&images, &path, overwrite),
                TransferJob::Load(path) => engine.load(&path),
            };
            let task = tokio::spawn(async move {
                let mut stream = stream;
                while let Some(event) = stream.next().await {
                    if tx.send(Msg::Transfer { job, event }).is_err() {
                        return;
                    }
                }
            });
            transfers.insert(job, task.abort_handle());
        }
        Effect::CancelTransfer(job) => {
            if let Some(h) = transfers.remove(&job) {
                h.abort();
            }
        }
        Effect::LoadHistory(id) => {
            tokio::spawn(async move {
                let result = engine.history(id.as_str()).await;
                let _ = tx.send(Msg::History { id, result });
            });
        }
        Effect::CheckUpdates(list) => {
            tokio::spawn(async move {
                let updates = engine.check_updates(&list, &keychain).await;
                let _ = tx.send(Msg::Updates(updates));
            });
        }
        Effect::LoginTarget {
            host,
            user,
            password,
        } => {
            let target = keychain.save_target(&host);
            let _ = tx.send(Msg::LoginTarget {
                host,
                user,
                password,
                target,
            });
        }
        Effect::Login { creds, save } => {
            tokio::spawn(async move {
                let result = keychain.login(&engine, creds, save).await;
                let _ = tx.send(Msg::Login(result));
            });
        }
        other => tracing::warn!("not an images effect: {other:?}"),
    }
}

/// Progress reports as messages to the loop (the loop may be gone when the app quits).
fn progress_to(tx: &mpsc::UnboundedSender<Msg>) -> wharf_core::engine::OnProgress {
    let tx = tx.clone();
    std::sync::Arc::new(move |p| {
        let _ = tx.send(Msg::CopyProgress(p));
    })
}

/// One compose command: find the tool, run it against the session's engine, forward its
/// lines and its end. Aborting this task drops the run (the core then kills the tool).
async fn run_compose(
    engine: Engine,
    tx: mpsc::UnboundedSender<Msg>,
    gen: u64,
    cmd: wharf_core::command::Command,
) {
    use wharf_core::command::Command;
    use wharf_core::compose::{self, ComposeAction, ComposeEvent, ComposeTool};
    let send = |update| tx.send(Msg::Compose { gen, update }).is_ok();
    let (target, action) = match cmd {
        Command::Compose { target, run } => (target, run),
        Command::ComposeDown { target } => (target, ComposeAction::Down),
        _ => return,
    };
    let started = match ComposeTool::detect().await {
        Ok(tool) => compose::run(&engine, &tool, &target, action),
        Err(e) => Err(e),
    };
    let mut run = match started {
        Ok(run) => run,
        Err(e) => {
            send(ComposeUpdate::Finished(Err(e)));
            return;
        }
    };
    send(ComposeUpdate::Line(format!("$ {}", run.command())));
    while let Some(ev) = run.next().await {
        let update = match ev {
            ComposeEvent::Line { text, .. } => ComposeUpdate::Line(text),
            ComposeEvent::Finished(r) => ComposeUpdate::Finished(r),
        };
        if !send(update) {
            return;
        }
    }
}

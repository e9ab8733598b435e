//! The store's one writer: connect, subscribe to events, list, apply deltas, reconnect.
//!
//! Invariants:
//! - The engine's info and the listing are fetched together (the first frame waits for
//!   both), then events are subscribed from an engine timestamp earlier than the start of the
//!   listing, so an event that happens while listing is replayed after it (refetching is
//!   idempotent).
//! - Each batch of events is coalesced per object, refetched concurrently, and published as
//!   one snapshot: a burst of 300 `stop`s costs 300 inspects and a handful of revisions.
//! - On a stream error or a link error the session ends; the loop backs off (0.25 s doubling
//!   to 5 s, reset only after a session that stayed up 10 s), reconnects and replaces every
//!   collection from a fresh listing, so no stale row survives a reconnect. Meanwhile the last
//!   lists stay in the snapshot, which says it is stale.
//! - A refetch error about one object (not the link) keeps the session: the object keeps its
//!   last data, is listed in `refresh_failures`, and is retried on its own backoff.
//! - A `/_ping` every 2 s runs beside the session; unanswered for 4 s, the store says
//!   `NotResponding` (a frozen engine keeps its sockets open, so nothing else would notice)
//!   and reconnects as soon as the engine answers again.
//! - Events wait in a bounded queue ([`EVENT_QUEUE`]); when it is full the store relists
//!   instead of blocking the engine's stream or growing without bound.
//! - Containers are first published from the cheap list, then inspected in the background
//!   (restart count, pid, limits) in small batches, behind events in priority.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::events::{interpret, Delta};
use super::refresh::Retries;
use super::snapshot::{ConnectionState, Snapshot, EVENT_HISTORY};
use super::writer::{apply, patch_from_event, Writer};
use crate::clock::now_ms;
use crate::engine::{is_timeout, Engine};
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{ContainerId, EngineEvent};

/// How many not-yet-inspected containers are inspected per round between events.
const DETAIL_BATCH: usize = 16;
const BACKOFF_MIN: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// A session that stayed synced this long resets the reconnect backoff.
const STABLE: Duration = Duration::from_secs(10);
/// How often the store pings the engine to know it still answers.
const PING_INTERVAL: Duration = Duration::from_secs(2);
/// A ping unanswered this long means the engine is not responding. With [`PING_INTERVAL`],
/// a frozen engine is noticed within 6 s.
const PING_DEADLINE: Duration = Duration::from_secs(4);
/// Engine events read but not yet applied. An event is a few hundred bytes, so this bounds the
/// queue to about 2 MB; beyond it the store relists rather than wait or grow.
pub const EVENT_QUEUE: usize = 4096;

/// A live model of one engine. Dropping it stops the sync task.
pub struct Store {
    rx: watch::Receiver<Arc<Snapshot>>,
    engine: Engine,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("engine", &self.engine)
            .field("revision", &self.rx.borrow().revision)
            .finish()
    }
}

impl Store {
    /// Start keeping a model of `engine`. Must be called inside a tokio runtime. The engine
    /// does not need to be reachable yet: the store connects and reconnects by itself.
    pub fn spawn(engine: Engine) -> Store {
        let (tx, rx) = watch::channel(Arc::new(Snapshot::empty(engine.endpoint().to_string())));
        let task = tokio::spawn(run(engine.clone(), tx));
        Store { rx, engine, task }
    }

    /// A receiver that is notified at every new revision.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.rx.clone()
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.rx.borrow().clone()
    }

    /// The engine this store follows, for commands and streams.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Wait until `pred` holds for a published snapshot, or `timeout` passes.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&Snapshot) -> bool,
    ) -> Result<Arc<Snapshot>> {
        let mut rx = self.rx.clone();
        let fut = async {
            loop {
                {
                    let s = rx.borrow_and_update().clone();
                    if pred(&s) {
                        return Ok(s);
                    }
                }
                if rx.changed().await.is_err() {
                    return Err(CoreError::new(ErrorKind::Cancelled, "the store stopped"));
                }
            }
        };
        tokio::time::timeout(timeout, fut).await.map_err(|_| {
            CoreError::new(
                ErrorKind::Unavailable,
                format!("the store did not reach the expected state within {timeout:?}"),
            )
        })?
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How a session ended, which decides what the header says and how soon to try again.
enum End {
    /// The link broke (refused, reset, closed, an error): reconnect with backoff.
    Broken(CoreError),
    /// The engine stopped answering at `since_ms`: say so, keep asking.
    NotResponding { since_ms: i64, err: CoreError },
    /// Events came faster than they could be applied: relist at once (see [`forward`]).
    Resync,
}

async fn run(engine: Engine, tx: watch::Sender<Arc<Snapshot>>) {
    let cur = (**tx.borrow()).clone();
    let mut w = Writer {
        tx,
        cur,
        synced_at: None,
    };
    let mut backoff = BACKOFF_MIN;
    let mut attempt = 0u32;
    let mut broken_since: Option<i64> = None;
    let mut ever_connected = false;
    loop {
        let end = session(&engine, &mut w).await;
        if w.cur.connection.is_connected() {
            // The session had synced: this is a fresh break.
            ever_connected = true;
            broken_since = None;
            attempt = 0;
        }
        // Only a session that stayed up a while resets the backoff: one that breaks right
        // after every sync must not relist everything several times a second.
        if w.synced_at.take().is_some_and(|t| t.elapsed() >= STABLE) {
            backoff = BACKOFF_MIN;
        }
        let (err, frozen_since) = match end {
            End::Resync => {
                tracing::warn!("engine events outran the store; relisting");
                if w.tx.is_closed() {
                    return;
                }
                tokio::time::sleep(BACKOFF_MIN).await;
                continue;
            }
            End::NotResponding { since_ms, err } => (err, Some(since_ms)),
            End::Broken(err) => (err, None),
        };
        attempt += 1;
        let since = *broken_since.get_or_insert_with(|| frozen_since.unwrap_or_else(now_ms));
        tracing::warn!(error = %err, attempt, "engine link lost");
        let persistent = matches!(
            err.kind(),
            ErrorKind::Tls | ErrorKind::Denied | ErrorKind::Config | ErrorKind::InvalidInput
        );
        let state = if persistent || (!ever_connected && frozen_since.is_none()) {
            ConnectionState::Failed {
                reason: err.to_string(),
            }
        } else if frozen_since.is_some() {
            ConnectionState::NotResponding {
                since_ms: since,
                reason: err.to_string(),
            }
        } else {
            ConnectionState::Reconnecting {
                since_ms: since,
                attempt,
                reason: err.to_string(),
            }
        };
        w.set_connection(state);
        if w.tx.is_closed() {
            return;
        }
        if frozen_since.is_some() {
            // Each attempt already waited a whole request deadline: ask again right away, so
            // a thawed engine is seen within a fraction of a second.
            tokio::time::sleep(BACKOFF_MIN).await;
        } else {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(BACKOFF_MAX);
        }
    }
}

/// Engine timestamp (RFC 3339) taken while the listing ran → the `since` argument of
/// `/events`: `elapsed` (how long info and the listing took, so at least how far the
/// timestamp can be after the listing's start) earlier, plus one second for clock granularity.
fn events_since(system_time: &str, elapsed: Duration) -> Option<String> {
    let back = 1 + elapsed.as_secs() as i64 + i64::from(elapsed.subsec_nanos() > 0);
    crate::engine::rfc3339_to_unix(system_time).map(|s| (s - back).to_string())
}

/// The quick request deadline in ms, to date a request that timed out.
fn quick_ms() -> i64 {
    i64::try_from(crate::engine::connect::QUICK_REQUEST_TIMEOUT.as_millis()).unwrap_or(0)
}

fn not_responding(engine: &Engine) -> CoreError {
    CoreError::unavailable(format!(
        "the engine at {} has not answered for {} s",
        engine.endpoint(),
        PING_DEADLINE.as_secs()
    ))
    .with_hint(
        "it may be frozen or overloaded (stopped process, out of memory, a hung VM), or the \
         network drops packets; Wharf keeps asking",
    )
}

/// One session: negotiate, list, follow events, while a liveness ping runs beside it.
/// Returns how it ended; dropping the session's future cancels its requests and tasks.
async fn session(engine: &Engine, w: &mut Writer) -> End {
    let sent = now_ms();
    // Within the request deadline, not the ping's: over SSH this may include a whole login.
    match engine.negotiate().await {
        Err(err) if is_timeout(&err) => {
            return End::NotResponding {
                since_ms: sent,
                err,
            }
        }
        Err(err) => return End::Broken(err),
        Ok(()) => {}
    }
    tokio::select! {
        end = session_inner(engine, w) => match end {
            Ok(SessionEnd::Closed) => {
                End::Broken(CoreError::unavailable("the engine closed its events stream"))
            }
            Ok(SessionEnd::Overflow) => End::Resync,
            Err(err) if is_timeout(&err) => End::NotResponding {
                since_ms: now_ms() - quick_ms(),
                err,
            },
            Err(err) => End::Broken(err),
        },
        end = unresponsive(engine) => end,
    }
}

/// Pings the engine every [`PING_INTERVAL`] and returns once a ping fails or goes unanswered
/// for [`PING_DEADLINE`]. TCP keepalive cannot tell: the kernel answers it for a stopped
/// process, and an events stream is legitimately quiet for hours. Events flowing do not
/// prove that requests are answered either, so the ping runs regardless; it costs one tiny
/// request every two seconds.
async fn unresponsive(engine: &Engine) -> End {
    loop {
        tokio::time::sleep(PING_INTERVAL).await;
        let sent = now_ms();
        match tokio::time::timeout(PING_DEADLINE, engine.ping()).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) if is_timeout(&err) => {
                return End::NotResponding {
                    since_ms: sent,
                    err,
                }
            }
            Ok(Err(err)) => return End::Broken(err),
            Err(_) => {
                return End::NotResponding {
                    since_ms: sent,
                    err: not_responding(engine),
                }
            }
        }
    }
}

/// Why a session's event loop stopped without an error.
enum SessionEnd {
    /// The engine closed the events stream.
    Closed,
    /// The event queue overflowed: relist.
    Overflow,
}

/// Moves engine events into the session's bounded queue without ever waiting for room.
///
/// Waiting would stop reading the engine's stream, and dockerd drops events for subscribers
/// that do not keep up: the store would silently miss changes. Instead, when the queue is full
/// the forwarder stops and raises `overflow`, and the session relists from scratch, which is
/// always correct. Memory stays within [`EVENT_QUEUE`] events.
async fn forward<S>(events: S, tx: mpsc::Sender<Result<EngineEvent>>, overflow: Arc<AtomicBool>)
where
    S: futures_util::Stream<Item = Result<EngineEvent>>,
{
    let mut events = std::pin::pin!(events);
    while let Some(item) = events.next().await {
        let stop = item.is_err();
        match tx.try_send(item) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                overflow.store(true, Ordering::Relaxed);
                return;
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return,
        }
        if stop {
            return;
        }
    }
}

async fn session_inner(engine: &Engine, w: &mut Writer) -> Result<SessionEnd> {
    // The first frame needs container names only: list the containers alone (nothing else
    // competes with it for the engine), publish them, then info and the other lists together.
    // Events are subscribed after, from an engine time before the listing started; the engine
    // replays what happened since (refetching is idempotent).
    let started = std::time::Instant::now();
    let containers = engine.list_containers().await?;
    let mut pending: VecDeque<ContainerId> = containers.iter().map(|c| c.id.clone()).collect();
    w.cur.containers = Arc::new(
        containers
            .into_iter()
            .map(|c| (c.id.clone(), Arc::new(c)))
            .collect(),
    );
    w.cur.connection = ConnectionState::Connected { since_ms: now_ms() };
    w.publish();
    // On a single-threaded runtime (the terminal UI's) this lets the UI draw the containers
    // before the follow-up requests are built and sent.
    tokio::task::yield_now().await;

    let (info, images, networks, volumes) = tokio::try_join!(
        engine.info(),
        engine.list_images(),
        engine.list_networks(),
        engine.list_volumes(),
    )?;
    let since = events_since(&info.system_time, started.elapsed());

    let (etx, mut erx) = mpsc::channel::<Result<EngineEvent>>(EVENT_QUEUE);
    let overflow = Arc::new(AtomicBool::new(false));
    let forwarder = tokio::spawn(forward(engine.events(since), etx, overflow.clone()));
    let _forwarder = AbortOnDrop(forwarder);

    // The swarm lists only exist on a manager; a failure to list them (the engine left the
    // swarm meanwhile) leaves them empty rather than failing the whole listing.
    if info.swarm_manager {
        if let Err(e) = super::swarm::list(engine, &mut w.cur).await {
            tracing::warn!(error = %e, "listing the swarm failed");
            super::swarm::clear(&mut w.cur);
        }
    } else {
        super::swarm::clear(&mut w.cur);
    }
    w.cur.engine = Some(Arc::new(info));
    w.cur.images = Arc::new(
        images
            .into_iter()
            .map(|i| (i.id.clone(), Arc::new(i)))
            .collect(),
    );
    w.cur.networks = Arc::new(
        networks
            .into_iter()
            .map(|n| (n.id.clone(), Arc::new(n)))
            .collect(),
    );
    w.cur.volumes = Arc::new(
        volumes
            .into_iter()
            .map(|v| (v.name.clone(), Arc::new(v)))
            .collect(),
    );
    // A fresh listing replaced every object: earlier refresh failures no longer apply.
    let mut retries = Retries::default();
    w.cur.refresh_failures = Arc::default();
    w.cur.synced = true;
    w.publish();
    w.synced_at = Some(std::time::Instant::now());
    let mut task_poll = tokio::time::Instant::now() + super::swarm::TASK_POLL;

    loop {
        if overflow.load(Ordering::Relaxed) {
            return Ok(SessionEnd::Overflow);
        }
        let closed = || {
            if overflow.load(Ordering::Relaxed) {
                SessionEnd::Overflow
            } else {
                SessionEnd::Closed
            }
        };
        // Events first; retries of failed objects when due; background detail inspection
        // only when no event is waiting.
        let mut inspect_more = false;
        // Tasks have no events: list them every TASK_POLL while the manager has services.
        let polling = w.cur.is_swarm_manager() && !w.cur.services.is_empty();
        let first = if pending.is_empty() {
            let due = match retries.next_due() {
                Some(d) if polling => Some(d.min(task_poll)),
                None if polling => Some(task_poll),
                d => d,
            };
            tokio::select! {
                e = erx.recv() => match e {
                    Some(e) => Some(e),
                    None => return Ok(closed()),
                },
                () = sleep_until(due) => None,
            }
        } else {
            match erx.try_recv() {
                Ok(e) => Some(e),
                Err(mpsc::error::TryRecvError::Empty) => {
                    inspect_more = true;
                    None
                }
                Err(mpsc::error::TryRecvError::Disconnected) => return Ok(closed()),
            }
        };
        // Due retries first: a newer event about the same object replaces its delta.
        let mut deltas: Vec<Delta> = retries.due(tokio::time::Instant::now());
        if let Some(first) = first {
            let mut batch = vec![first?];
            while let Ok(more) = erx.try_recv() {
                batch.push(more?);
            }
            let mut patched = false;
            for e in batch {
                patched |= patch_from_event(&mut w.cur.containers, &e);
                deltas.extend(interpret(&e));
                let events = Arc::make_mut(&mut w.cur.events);
                if events.len() >= EVENT_HISTORY {
                    events.pop_front();
                }
                events.push_back(Arc::new(e));
            }
            if patched {
                // Show what the event already says; the refetch below completes it.
                w.publish();
            }
        } else if inspect_more {
            for _ in 0..DETAIL_BATCH {
                match pending.pop_front() {
                    Some(id) if !w.cur.containers.get(&id).is_some_and(|c| c.detailed) => {
                        deltas.push(Delta::Container(id));
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        }
        let now = tokio::time::Instant::now();
        if polling && now >= task_poll {
            task_poll = now + super::swarm::TASK_POLL;
            if deltas.is_empty() {
                // A quiet poll: publish only when a task changed.
                let tasks = engine.list_tasks(None).await?;
                if super::swarm::apply(&mut w.cur, super::swarm::SwarmFetched::AllTasks(tasks)) {
                    w.publish();
                }
                continue;
            }
            deltas.push(Delta::AllTasks);
        }
        apply(engine, w, &mut retries, deltas).await?;
        w.publish();
    }
}

/// Waits until `t`, or forever without one.
async fn sleep_until(t: Option<tokio::time::Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;

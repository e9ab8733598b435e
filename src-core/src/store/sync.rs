//! The store's one writer: connect, subscribe to events, list, apply deltas, reconnect.
//!
//! Invariants:
//! - The engine's info and the listing are fetched together (the first frame waits for
//!   both), then events are subscribed from an engine timestamp earlier than the start of the
//!   listing, so an event that happens while listing is replayed after it (refetching is
//!   idempotent).
//! - Each batch of events is coalesced per object, refetched concurrently, and published as
//!   one snapshot: a burst of 300 `stop`s costs 300 inspects and a handful of revisions.
//! - On any stream or fetch error the session ends; the loop backs off (0.25 s doubling to
//!   5 s), reconnects and replaces every collection from a fresh listing, so no stale row
//!   survives a reconnect.
//! - Containers are first published from the cheap list, then inspected in the background
//!   (restart count, pid, limits) in small batches, behind events in priority.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::events::{interpret, Delta};
use super::snapshot::{ConnectionState, Snapshot, EVENT_HISTORY};
use crate::engine::{now_ms, Engine};
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{
    Container, ContainerId, ContainerState, EngineEvent, EventKind, ImageId, NetworkId, VolumeName,
};

/// How many objects are refetched at once.
const FETCH_CONCURRENCY: usize = 8;
/// How many not-yet-inspected containers are inspected per round between events.
const DETAIL_BATCH: usize = 16;
const BACKOFF_MIN: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

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

/// The writer's working copy and the channel it publishes on.
struct Writer {
    tx: watch::Sender<Arc<Snapshot>>,
    cur: Snapshot,
}

impl Writer {
    fn publish(&mut self) {
        self.cur.revision += 1;
        self.tx.send_replace(Arc::new(self.cur.clone()));
    }

    fn set_connection(&mut self, state: ConnectionState) {
        if self.cur.connection != state {
            self.cur.connection = state;
            self.publish();
        }
    }
}

async fn run(engine: Engine, tx: watch::Sender<Arc<Snapshot>>) {
    let cur = (**tx.borrow()).clone();
    let mut w = Writer { tx, cur };
    let mut backoff = BACKOFF_MIN;
    let mut attempt = 0u32;
    let mut broken_since: Option<i64> = None;
    let mut ever_connected = false;
    loop {
        let err = session(&engine, &mut w, &mut backoff).await;
        if w.cur.connection.is_connected() {
            // The session had synced: this is a fresh break.
            ever_connected = true;
            broken_since = None;
            attempt = 0;
        }
        attempt += 1;
        let since = *broken_since.get_or_insert_with(now_ms);
        tracing::warn!(error = %err, attempt, "engine link lost");
        let persistent = matches!(
            err.kind(),
            ErrorKind::Tls | ErrorKind::Denied | ErrorKind::Config | ErrorKind::InvalidInput
        );
        let state = if persistent || !ever_connected {
            ConnectionState::Failed {
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
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// Engine timestamp (RFC 3339) taken while the listing ran → the `since` argument of
/// `/events`: `elapsed` (how long info and the listing took, so at least how far the
/// timestamp can be after the listing's start) earlier, plus one second for clock granularity.
fn events_since(system_time: &str, elapsed: Duration) -> Option<String> {
    let back = 1 + elapsed.as_secs() as i64 + i64::from(elapsed.subsec_nanos() > 0);
    crate::engine::rfc3339_to_unix(system_time).map(|s| (s - back).to_string())
}

/// One connected session; returns the error that ended it.
async fn session(engine: &Engine, w: &mut Writer, backoff: &mut Duration) -> CoreError {
    match session_inner(engine, w, backoff).await {
        Ok(()) => CoreError::unavailable("the engine closed its events stream"),
        Err(e) => e,
    }
}

async fn session_inner(engine: &Engine, w: &mut Writer, backoff: &mut Duration) -> Result<()> {
    engine.negotiate().await?;
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

    let (etx, mut erx) = mpsc::unbounded_channel::<Result<EngineEvent>>();
    let events = engine.events(since);
    let forwarder = tokio::spawn(async move {
        let mut events = std::pin::pin!(events);
        while let Some(item) = events.next().await {
            let stop = item.is_err();
            if etx.send(item).is_err() || stop {
                return;
            }
        }
    });
    let _forwarder = AbortOnDrop(forwarder);

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
    w.cur.synced = true;
    w.publish();
    *backoff = BACKOFF_MIN;

    loop {
        // Events first; background detail inspection only when no event is waiting.
        let first = if pending.is_empty() {
            match erx.recv().await {
                Some(e) => Some(e),
                None => return Ok(()),
            }
        } else {
            match erx.try_recv() {
                Ok(e) => Some(e),
                Err(mpsc::error::TryRecvError::Empty) => None,
                Err(mpsc::error::TryRecvError::Disconnected) => return Ok(()),
            }
        };
        let mut deltas: Vec<Delta> = Vec::new();
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
        } else {
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
        apply(engine, w, deltas).await?;
        w.publish();
    }
}

/// Apply what an event says for certain about a container, before the refetch.
///
/// The engine sends `die` while it still holds the container's lock for clean-up (unmounts,
/// network teardown), so the inspect sent for it waits 50–200 ms; the event itself already
/// says the process is gone and with which exit code. Returns whether anything changed.
fn patch_from_event(
    containers: &mut Arc<BTreeMap<ContainerId, Arc<Container>>>,
    e: &EngineEvent,
) -> bool {
    if e.kind != EventKind::Container || e.verb() != "die" {
        return false;
    }
    let id = ContainerId(e.actor_id.clone());
    let Some(cur) = containers.get(&id) else {
        return false;
    };
    if !cur.state.is_alive() {
        return false;
    }
    let mut c = (**cur).clone();
    c.state = ContainerState::Exited;
    c.exit_code = e
        .attributes
        .get("exitCode")
        .and_then(|s| s.parse().ok())
        .or(c.exit_code);
    if e.time_nano > 0 {
        c.finished_at = Some(e.time_nano / 1_000_000_000);
    }
    c.pid = None;
    if let Some(code) = c.exit_code {
        c.status = format!("Exited ({code})");
    }
    Arc::make_mut(containers).insert(id, Arc::new(c));
    true
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What a refetch found.
enum Fetched {
    Container(ContainerId, Option<crate::model::Container>),
    Image(String, Option<crate::model::Image>),
    Network(NetworkId, Option<crate::model::Network>),
    Volume(VolumeName, Option<crate::model::Volume>),
    Engine(crate::model::EngineInfo),
}

/// `NotFound` means the object is gone; any other error ends the session.
fn gone_if_missing<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

async fn fetch(engine: &Engine, d: Delta) -> Result<Fetched> {
    Ok(match d {
        Delta::Container(id) => {
            let c = gone_if_missing(engine.inspect_container(id.as_str()).await)?;
            Fetched::Container(id, c)
        }
        Delta::ContainerGone(id) => Fetched::Container(id, None),
        Delta::Image(r) => {
            let i = gone_if_missing(engine.inspect_image(&r).await)?;
            Fetched::Image(r, i)
        }
        Delta::ImageGone(r) => Fetched::Image(r, None),
        Delta::Network(id) => {
            let n = gone_if_missing(engine.inspect_network(id.as_str()).await)?;
            Fetched::Network(id, n)
        }
        Delta::NetworkGone(id) => Fetched::Network(id, None),
        Delta::Volume(name) => {
            let v = gone_if_missing(engine.inspect_volume(name.as_str()).await)?;
            Fetched::Volume(name, v)
        }
        Delta::VolumeGone(name) => Fetched::Volume(name, None),
        Delta::Engine => Fetched::Engine(engine.info().await?),
    })
}

/// Coalesce, refetch concurrently, write into the working copy.
async fn apply(engine: &Engine, w: &mut Writer, deltas: Vec<Delta>) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    // The last delta per object wins (a refetch after `destroy` finds nothing anyway).
    let mut by_object: HashMap<String, Delta> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for d in deltas {
        let key = match &d {
            Delta::Container(i) | Delta::ContainerGone(i) => format!("c/{i}"),
            Delta::Image(r) | Delta::ImageGone(r) => format!("i/{r}"),
            Delta::Network(i) | Delta::NetworkGone(i) => format!("n/{i}"),
            Delta::Volume(v) | Delta::VolumeGone(v) => format!("v/{v}"),
            Delta::Engine => "e".to_owned(),
        };
        if by_object.insert(key.clone(), d).is_none() {
            order.push(key);
        }
    }
    let jobs: Vec<Delta> = order
        .into_iter()
        .filter_map(|k| by_object.remove(&k))
        .collect();
    let results: Vec<Result<Fetched>> = stream::iter(jobs)
        .map(|d| fetch(engine, d))
        .buffered(FETCH_CONCURRENCY)
        .collect()
        .await;
    for r in results {
        match r? {
            Fetched::Container(id, c) => {
                let map = Arc::make_mut(&mut w.cur.containers);
                match c {
                    Some(c) => {
                        // Inspect has no human status line; keep the list's when state agrees.
                        let mut c = c;
                        if let Some(old) = map.get(&id) {
                            if old.state == c.state && !old.status.is_empty() && !old.detailed {
                                c.status = old.status.clone();
                            }
                        }
                        map.insert(id, Arc::new(c));
                    }
                    None => {
                        map.remove(&id);
                    }
                }
            }
            Fetched::Image(r, i) => {
                let map = Arc::make_mut(&mut w.cur.images);
                match i {
                    Some(i) => {
                        // An image whose last tag moved elsewhere keeps its id; replace in place.
                        map.insert(i.id.clone(), Arc::new(i));
                    }
                    None => {
                        let key = ImageId(r.clone());
                        if map.remove(&key).is_none() {
                            map.retain(|_, i| !i.tags.contains(&r));
                        }
                    }
                }
            }
            Fetched::Network(id, n) => {
                let map = Arc::make_mut(&mut w.cur.networks);
                match n {
                    Some(n) => {
                        map.insert(id, Arc::new(n));
                    }
                    None => {
                        map.remove(&id);
                    }
                }
            }
            Fetched::Volume(name, v) => {
                let map = Arc::make_mut(&mut w.cur.volumes);
                match v {
                    Some(v) => {
                        map.insert(name, Arc::new(v));
                    }
                    None => {
                        map.remove(&name);
                    }
                }
            }
            Fetched::Engine(info) => w.cur.engine = Some(Arc::new(info)),
        }
    }
    drop_stale_tags(&mut w.cur.images);
    Ok(())
}

/// A tag lives on one image: when a refetch moved `busybox:latest` to a new image, the old
/// image must no longer claim it.
fn drop_stale_tags(images: &mut Arc<BTreeMap<ImageId, Arc<crate::model::Image>>>) {
    let mut seen: HashMap<&str, (&ImageId, i64)> = HashMap::new();
    let mut stale: Vec<(ImageId, String)> = Vec::new();
    for (id, img) in images.iter() {
        for t in &img.tags {
            if let Some((other, created)) = seen.get(t.as_str()) {
                // Keep the tag on the newer image.
                let loser = if img.created >= *created {
                    (*other).clone()
                } else {
                    id.clone()
                };
                stale.push((loser, t.clone()));
            } else {
                seen.insert(t, (id, img.created));
            }
        }
    }
    if stale.is_empty() {
        return;
    }
    let map = Arc::make_mut(images);
    for (id, tag) in stale {
        if let Some(img) = map.get_mut(&id) {
            Arc::make_mut(img).tags.retain(|t| *t != tag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(id: &str) -> Container {
        Container {
            id: ContainerId(id.into()),
            name: "web".into(),
            image: "busybox".into(),
            image_id: None,
            command: "sleep".into(),
            created: 1,
            state: ContainerState::Running,
            status: "Up 5 minutes".into(),
            health: None,
            started_at: Some(100),
            finished_at: None,
            exit_code: Some(0),
            restart_count: Some(0),
            ports: Vec::new(),
            mounts: Vec::new(),
            networks: Vec::new(),
            labels: BTreeMap::new(),
            compose: None,
            pid: Some(42),
            cpu_limit: None,
            memory_limit: None,
            tty: false,
            detailed: true,
        }
    }

    fn event(kind: EventKind, action: &str, id: &str, exit: Option<&str>) -> EngineEvent {
        EngineEvent {
            kind,
            action: action.into(),
            actor_id: id.into(),
            attributes: exit
                .map(|x| ("exitCode".to_owned(), x.to_owned()))
                .into_iter()
                .collect(),
            time_nano: 2_000_000_000_500,
        }
    }

    #[test]
    fn die_marks_the_container_exited_before_the_refetch() {
        let mut map: Arc<BTreeMap<ContainerId, Arc<Container>>> = Arc::new(
            [("c1", running("c1"))]
                .into_iter()
                .map(|(k, c)| (ContainerId(k.into()), Arc::new(c)))
                .collect(),
        );
        let held = map.clone();
        assert!(patch_from_event(
            &mut map,
            &event(EventKind::Container, "die", "c1", Some("137"))
        ));
        let c = &map[&ContainerId("c1".into())];
        assert_eq!(c.state, ContainerState::Exited);
        assert_eq!(c.exit_code, Some(137));
        assert_eq!(c.finished_at, Some(2000));
        assert_eq!(c.pid, None);
        // Published snapshots are never changed in place.
        assert_eq!(
            held[&ContainerId("c1".into())].state,
            ContainerState::Running
        );
        // Already exited, unknown, or not a `die`: nothing to do.
        assert!(!patch_from_event(
            &mut map,
            &event(EventKind::Container, "die", "c1", Some("0"))
        ));
        assert!(!patch_from_event(
            &mut map,
            &event(EventKind::Container, "die", "c2", None)
        ));
        let mut fresh = held.clone();
        for (kind, action) in [
            (EventKind::Container, "stop"),
            (EventKind::Container, "exec_die"),
            (EventKind::Network, "die"),
        ] {
            assert!(!patch_from_event(
                &mut fresh,
                &event(kind, action, "c1", Some("1"))
            ));
        }
    }

    #[test]
    fn events_since_is_one_second_before_engine_time() {
        let t = "1970-01-01T00:00:10.5Z";
        assert_eq!(events_since(t, Duration::ZERO).as_deref(), Some("9"));
        // Earlier by how long info and the listing took, rounded up to whole seconds.
        assert_eq!(
            events_since(t, Duration::from_millis(80)).as_deref(),
            Some("8")
        );
        assert_eq!(
            events_since(t, Duration::from_millis(1500)).as_deref(),
            Some("7")
        );
        assert_eq!(events_since("", Duration::ZERO), None);
    }
}

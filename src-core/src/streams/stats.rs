//! The stats hub: live samples for the containers a user is looking at, and nothing else.
//!
//! A UI tells the hub which containers are visible and which one is focused
//! ([`StatsHub::watch`]); the hub samples only those, running ones:
//! - from cgroup files when the engine is local (zero engine cost, every tick);
//! - otherwise from the engine's stats API: one streaming request for the focused container,
//!   and a one-shot request at a slower cadence for other visible rows, with a cap on how many
//!   are in flight.
//!
//! Each container's samples go into a bounded [`Series`] (15 minutes). Series of containers
//! that are no longer watched are kept until their newest sample leaves the window, so
//! scrolling away and back does not lose history. Results are published as an immutable
//! [`StatsView`] through a `watch` channel, once per tick at most.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::cgroup::{self, Cgroup};
use super::netmap::HostNet;
use super::series::{Series, SERIES_WINDOW_MS};
use crate::engine::{connect::Transport, Engine};
use crate::model::{ContainerId, ContainerState, RawStats, Sample};
use crate::store::Snapshot;

/// Descriptors never given to kept-open cgroup files: sockets, the history database, log
/// files, the terminal, subprocesses' pipes.
const FD_RESERVE: u64 = 256;
/// At most this many containers keep their cgroup files open, whatever the limit allows.
const MAX_OPEN_CGROUPS_CAP: usize = 4096;
/// The soft descriptor limit asked for (at most the hard limit).
const FD_SOFT_WANTED: u64 = 65_536;

/// How many watched containers keep their cgroup files open between readings (the others are
/// opened for each reading, which costs a path lookup per file per tick: a quarter of
/// `wharf watch`'s CPU at 300 containers when only 100 stayed open). The first call raises the
/// process's soft `RLIMIT_NOFILE` towards the hard limit, as Go's runtime and most servers do:
/// the 1024 default exists for `select(2)`, which nothing in Wharf uses. If the limit cannot
/// be raised, the soft limit in force decides (1024: 109 containers, as before).
fn max_open_cgroups() -> usize {
    static MAX: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *MAX.get_or_init(|| {
        use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
        let lim = getrlimit(Resource::Nofile);
        let soft = lim.current.unwrap_or(u64::MAX);
        let want = lim.maximum.unwrap_or(u64::MAX).min(FD_SOFT_WANTED);
        let soft = if want <= soft {
            soft
        } else {
            let raised = Rlimit {
                current: Some(want),
                maximum: lim.maximum,
            };
            match setrlimit(Resource::Nofile, raised) {
                Ok(()) => want,
                Err(e) => {
                    tracing::debug!("descriptor limit stays at {soft}: {e}");
                    soft
                }
            }
        };
        let per = cgroup::FILES_PER_CONTAINER as u64;
        usize::try_from(soft.saturating_sub(FD_RESERVE) / per)
            .unwrap_or(usize::MAX)
            .min(MAX_OPEN_CGROUPS_CAP)
    })
}

/// How often a remote engine is asked for a one-shot sample of each running container while
/// the dashboards sample them all. oxker keeps one streaming request per container, so the
/// engine reads each container's counters once a second. A single reading is asked `one-shot`
/// (`Engine::stats`), so the engine reads the counters once per request, plus the request's
/// own cost. Measured (`tests/tests/core/dash_cost.rs`, 100 containers, 180 s windows, the
/// whole engine, two runs): 0.040 and 0.069 of oxker's extra engine CPU (0.071 and 0.074 when
/// each request takes two readings, as without `one-shot`), so 30 s, with at most
/// `api_concurrency` (4) requests in flight.
pub const ALL_API_INTERVAL: Duration = Duration::from_secs(30);

/// Where a container's samples come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleSource {
    /// Read from the container's cgroup on this machine.
    Cgroup,
    /// From the engine's stats API.
    Api,
}

/// A map keyed by container id with a fast hasher: the hub looks up every watched container
/// several times a tick (≈ 3,000 lookups a second at 300 containers, a 64-byte id each), and
/// SipHash was ≈ 4 % of `wharf watch`'s CPU. The ids come from the engine, which Wharf already
/// trusts with far more than hash flooding.
pub type IdMap<V> = HashMap<ContainerId, V, rustc_hash::FxBuildHasher>;

/// What the hub publishes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatsView {
    pub revision: u64,
    pub series: IdMap<Series>,
    pub sources: IdMap<SampleSource>,
}

impl StatsView {
    /// The newest sample of container `id` (a [`ContainerId`] or its `&str`).
    pub fn latest<Q>(&self, id: &Q) -> Option<&Sample>
    where
        ContainerId: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.series.get(id).and_then(Series::latest)
    }

    /// Of `ids`, the `n` with the highest CPU and the `n` using the most memory by their
    /// newest samples (at most `2n`, each once): what a "top consumers" list needs, so a
    /// dashboard over hundreds of containers is sent a handful of samples per tick.
    pub fn top<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a ContainerId>,
        n: usize,
    ) -> Vec<(ContainerId, Sample)> {
        let mut all: Vec<(&ContainerId, &Sample)> = ids
            .into_iter()
            .filter_map(|id| self.latest(id).map(|s| (id, s)))
            .collect();
        all.sort_by(|a, b| b.1.cpu_pct.total_cmp(&a.1.cpu_pct).then(a.0.cmp(b.0)));
        let mut out: Vec<(ContainerId, Sample)> = all
            .iter()
            .take(n)
            .map(|(id, s)| ((*id).clone(), **s))
            .collect();
        all.sort_by(|a, b| b.1.mem_used.cmp(&a.1.mem_used).then(a.0.cmp(b.0)));
        for (id, s) in all.into_iter().take(n) {
            if !out.iter().any(|(x, _)| x == id) {
                out.push((id.clone(), *s));
            }
        }
        out
    }
}

/// Tuning knobs; the defaults suit a terminal UI.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// Sampling period for cgroup readings and the focused container.
    pub interval: Duration,
    /// Period of one-shot API samples for visible, unfocused rows.
    pub api_interval: Duration,
    /// At most this many one-shot API requests in flight.
    pub api_concurrency: usize,
    /// Period of one-shot API samples for the containers sampled only because every running
    /// one is ([`StatsHub::sample_all`]: the dashboards); see [`ALL_API_INTERVAL`].
    pub all_api_interval: Duration,
    /// Read cgroup files when the engine is local; `false` forces the API path.
    pub use_cgroups: bool,
    pub cgroup_root: PathBuf,
    pub proc_root: PathBuf,
    /// `/sys/class/net`: the host ends of containers' veth pairs (see `streams::netmap`).
    pub class_net: PathBuf,
    /// The host's `net/dev` table is read on a tick that reads at least one container per
    /// this many of its lines (see `streams::netmap`); `usize::MAX`: on every tick.
    pub net_table_lines_per_read: usize,
}

impl Default for HubConfig {
    fn default() -> Self {
        HubConfig {
            interval: Duration::from_secs(1),
            api_interval: Duration::from_secs(5),
            api_concurrency: 4,
            all_api_interval: ALL_API_INTERVAL,
            use_cgroups: true,
            cgroup_root: PathBuf::from("/sys/fs/cgroup"),
            proc_root: PathBuf::from("/proc"),
            class_net: PathBuf::from("/sys/class/net"),
            net_table_lines_per_read: super::netmap::LINES_PER_OWN_READ,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Watched {
    visible: Vec<ContainerId>,
    focus: Option<ContainerId>,
    /// Sample every running container (a dashboard is open).
    all: bool,
}

/// Handle on the sampling task; dropping it stops all sampling.
pub struct StatsHub {
    watch_tx: watch::Sender<Watched>,
    rx: watch::Receiver<Arc<StatsView>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for StatsHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatsHub").finish_non_exhaustive()
    }
}

impl StatsHub {
    pub fn spawn(
        engine: Engine,
        snapshots: watch::Receiver<Arc<Snapshot>>,
        cfg: HubConfig,
    ) -> StatsHub {
        let (watch_tx, watch_rx) = watch::channel(Watched::default());
        let (tx, rx) = watch::channel(Arc::new(StatsView::default()));
        let task = tokio::spawn(run(engine, snapshots, watch_rx, tx, cfg));
        StatsHub { watch_tx, rx, task }
    }

    /// Declare what is on screen. Cheap when nothing changed.
    pub fn watch(
        &self,
        visible: impl IntoIterator<Item = ContainerId>,
        focus: Option<ContainerId>,
    ) {
        let visible: Vec<ContainerId> = visible.into_iter().collect();
        self.watch_tx.send_if_modified(|cur| {
            if cur.visible == visible && cur.focus == focus {
                false
            } else {
                cur.visible = visible;
                cur.focus = focus;
                true
            }
        });
    }

    /// Sample every running container besides what is on screen (`true` while a dashboard
    /// is open): from cgroup files when local, else one-shot requests every
    /// [`HubConfig::all_api_interval`]. Cheap when nothing changed.
    pub fn sample_all(&self, on: bool) {
        self.watch_tx.send_if_modified(|cur| {
            let changed = cur.all != on;
            cur.all = on;
            changed
        });
    }

    pub fn subscribe(&self) -> watch::Receiver<Arc<StatsView>> {
        self.rx.clone()
    }

    pub fn view(&self) -> Arc<StatsView> {
        self.rx.borrow().clone()
    }
}

impl Drop for StatsHub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Per-container sampling state.
#[derive(Default)]
struct Track {
    prev: Option<RawStats>,
    series: Series,
    /// `Some(None)`: tried, not readable locally. Keyed by the pid it was located for. Its
    /// files stay open while the container is watched.
    cgroup: Option<(u32, Option<Arc<Cgroup>>)>,
    last_api: Option<Instant>,
    api_in_flight: bool,
    stream: Option<JoinHandle<()>>,
    source: Option<SampleSource>,
}

impl Drop for Track {
    fn drop(&mut self) {
        if let Some(s) = self.stream.take() {
            s.abort();
        }
    }
}

/// What one tick does with a watched container's cgroup.
enum CgroupJob {
    /// Read the already opened files.
    Read(Arc<Cgroup>),
    /// Find the cgroup of `pid` (container `id`: new, or it restarted), open and read it.
    Locate {
        pid: u32,
        id: ContainerId,
        keep_open: bool,
    },
}

/// A reading from an API task.
struct ApiReading {
    id: ContainerId,
    raw: Option<RawStats>,
    one_shot: bool,
}

async fn run(
    engine: Engine,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    mut watched: watch::Receiver<Watched>,
    tx: watch::Sender<Arc<StatsView>>,
    cfg: HubConfig,
) {
    let local = cfg.use_cgroups && matches!(engine.endpoint().transport, Transport::Unix { .. });
    let host_mem = if local {
        cgroup::host_memory(&cfg.proc_root)
    } else {
        0
    };
    let (api_tx, mut api_rx) = mpsc::unbounded_channel::<ApiReading>();
    let mut tracks: IdMap<Track> = IdMap::default();
    let mut tick = tokio::time::interval(cfg.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut revision = 0u64;
    let mut spare: Option<Arc<StatsView>> = None;
    let host_net = Arc::new(std::sync::Mutex::new(
        HostNet::new(&cfg.proc_root, cfg.class_net.clone())
            .lines_per_read(cfg.net_table_lines_per_read),
    ));
    loop {
        let mut changed = false;
        tokio::select! {
            _ = tick.tick() => {
                let snap = snapshots.borrow().clone();
                let w = watched.borrow_and_update().clone();
                let ctx = TickCtx { engine: &engine, cfg: &cfg, local, host_mem, api_tx: &api_tx, host_net: &host_net };
                changed |= sample_tick(&ctx, &snap, &w, &mut tracks).await;
            }
            Some(r) = api_rx.recv() => {
                let snap = snapshots.borrow().clone();
                changed |= record_api(&snap, &mut tracks, r);
                while let Ok(r) = api_rx.try_recv() {
                    changed |= record_api(&snap, &mut tracks, r);
                }
            }
            res = watched.changed() => {
                if res.is_err() {
                    return;
                }
                // Start a newly focused container's stream without waiting for the tick.
                tick.reset_immediately();
            }
        }
        if changed {
            revision += 1;
            // The view replaced last time, when no reader holds it any more, is refilled in
            // place: its ids, maps and series buffers are reused instead of allocated again.
            let view = match spare.take().map(Arc::try_unwrap) {
                Some(Ok(mut v)) => {
                    refill(&mut v, &tracks);
                    v.revision = revision;
                    v
                }
                _ => fresh_view(&tracks, revision),
            };
            if tx.receiver_count() == 0 {
                return;
            }
            spare = Some(tx.send_replace(Arc::new(view)));
        }
    }
}

fn fresh_view(tracks: &IdMap<Track>, revision: u64) -> StatsView {
    StatsView {
        revision,
        series: tracks
            .iter()
            .filter(|(_, t)| !t.series.is_empty())
            .map(|(id, t)| (id.clone(), t.series.clone()))
            .collect(),
        sources: tracks
            .iter()
            .filter_map(|(id, t)| t.source.map(|s| (id.clone(), s)))
            .collect(),
    }
}

/// Make `view` what [`fresh_view`] would build from `tracks`, reusing its allocations.
fn refill(view: &mut StatsView, tracks: &IdMap<Track>) {
    view.series
        .retain(|id, _| tracks.get(id).is_some_and(|t| !t.series.is_empty()));
    view.sources
        .retain(|id, _| tracks.get(id).is_some_and(|t| t.source.is_some()));
    for (id, t) in tracks {
        if !t.series.is_empty() {
            match view.series.get_mut(id) {
                Some(s) => s.clone_from(&t.series),
                None => {
                    view.series.insert(id.clone(), t.series.clone());
                }
            }
        }
        if let Some(src) = t.source {
            match view.sources.get_mut(id) {
                Some(s) => *s = src,
                None => {
                    view.sources.insert(id.clone(), src);
                }
            }
        }
    }
}

fn cpu_limit(snap: &Snapshot, id: &ContainerId) -> Option<f64> {
    snap.containers.get(id).and_then(|c| c.cpu_limit)
}

fn push(track: &mut Track, raw: RawStats, limit: Option<f64>) {
    if let Some(prev) = track.prev {
        if raw.at_ms > prev.at_ms {
            track.series.push(Sample::between(&prev, &raw, limit));
        }
    }
    track.prev = Some(raw);
}

fn record_api(snap: &Snapshot, tracks: &mut IdMap<Track>, r: ApiReading) -> bool {
    let Some(t) = tracks.get_mut(&r.id) else {
        return false;
    };
    if r.one_shot {
        t.api_in_flight = false;
    }
    match r.raw {
        Some(raw) => {
            let before = t.series.len();
            push(t, raw, cpu_limit(snap, &r.id));
            t.source = Some(SampleSource::Api);
            t.series.len() != before
        }
        None => {
            if !r.one_shot {
                // The stream ended: the next one must not pair its first reading with this.
                t.prev = None;
            }
            false
        }
    }
}

/// What a tick needs besides the snapshot, what is watched and the tracks.
struct TickCtx<'a> {
    engine: &'a Engine,
    cfg: &'a HubConfig,
    local: bool,
    host_mem: u64,
    api_tx: &'a mpsc::UnboundedSender<ApiReading>,
    /// The host's interface table, read at most once a tick by the blocking batch.
    host_net: &'a Arc<std::sync::Mutex<HostNet>>,
}

async fn sample_tick(
    ctx: &TickCtx<'_>,
    snap: &Snapshot,
    w: &Watched,
    tracks: &mut IdMap<Track>,
) -> bool {
    let TickCtx {
        engine,
        cfg,
        local,
        host_mem,
        api_tx,
        host_net,
    } = *ctx;
    let now = Instant::now();
    let now_ms = crate::clock::now_ms();
    // Borrowed from the snapshot: no id is copied on a tick unless a track is new.
    // `wanted_ids`: the ids of `wanted`, each once.
    let mut wanted: Vec<(&ContainerId, Option<u32>)> = Vec::new();
    let mut wanted_ids: HashSet<&ContainerId, rustc_hash::FxBuildHasher> = HashSet::default();
    for id in w.visible.iter().chain(w.focus.iter()) {
        if let Some(c) = snap.containers.get(id) {
            if c.state == ContainerState::Running && wanted_ids.insert(&c.id) {
                wanted.push((&c.id, c.pid));
            }
        }
    }
    // Only for the dashboards, from `wanted[background..]` on: at the slower API cadence when
    // not local.
    let background = wanted.len();
    if w.all {
        for c in snap.containers.values() {
            if c.state == ContainerState::Running && wanted_ids.insert(&c.id) {
                wanted.push((&c.id, c.pid));
            }
        }
    }

    // Stop streams of containers no longer focused or running.
    for (id, t) in tracks.iter_mut() {
        let is_wanted = wanted_ids.contains(id);
        if (w.focus.as_ref() != Some(id) || !is_wanted) && t.stream.is_some() {
            if let Some(s) = t.stream.take() {
                s.abort();
            }
        }
        if !is_wanted {
            // A later reading after a gap must not be paired with a stale one.
            t.prev = None;
            // Close its files; it is located again when it is watched again.
            t.cgroup = None;
        }
    }

    // Local cgroup readings, all in one blocking batch. Files stay open for up to
    // max_open_cgroups() watched containers (descriptors must not run out);
    // beyond that they are opened for each reading. Jobs name their container by its
    // index in `wanted`.
    let mut open = tracks
        .values()
        .filter(|t| matches!(&t.cgroup, Some((_, Some(c))) if c.is_open()))
        .count();
    let mut jobs: Vec<(usize, CgroupJob)> = Vec::new();
    // Of `wanted`, those the API samples (not read locally).
    let mut api: Vec<usize> = Vec::new();
    for (i, &(id, pid)) in wanted.iter().enumerate() {
        if !tracks.contains_key(id) {
            tracks.insert(id.clone(), Track::default());
        }
        let Some(t) = tracks.get_mut(id) else {
            continue;
        };
        let known = match (&t.cgroup, pid) {
            (Some((p, cg)), Some(pid)) if *p == pid => Some(cg.clone()),
            _ => None,
        };
        match (local, pid, known) {
            (true, Some(_), Some(Some(cg))) => jobs.push((i, CgroupJob::Read(cg))),
            (true, Some(pid), None) => {
                let keep_open = open < max_open_cgroups();
                open += usize::from(keep_open);
                jobs.push((
                    i,
                    CgroupJob::Locate {
                        pid,
                        id: id.clone(),
                        keep_open,
                    },
                ));
            }
            _ => api.push(i),
        }
    }
    let mut changed = false;
    if !jobs.is_empty() {
        let root = cfg.cgroup_root.clone();
        let proc_root = cfg.proc_root.clone();
        let host_net = Arc::clone(host_net);
        let results = tokio::task::spawn_blocking(move || {
            let mut buf = Vec::with_capacity(4096);
            // The host's interfaces, once, when a container is read from them or may be mapped,
            // and the tick reads enough containers for one table to cost less than their files.
            let mut hn = host_net
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let wanted = hn.pays_for(jobs.len(), now_ms)
                && jobs.iter().any(|(_, job)| match job {
                    CgroupJob::Read(cg) => cgroup::wants_host_net(cg, now_ms),
                    CgroupJob::Locate { .. } => true,
                });
            let mut host = (wanted && hn.refresh(now_ms)).then_some(&mut *hn);
            jobs.into_iter()
                .map(|(i, job)| {
                    let (located_for, cg) = match job {
                        CgroupJob::Read(cg) => (None, Some(cg)),
                        CgroupJob::Locate { pid, id, keep_open } => (
                            Some(pid),
                            cgroup::locate(&root, &proc_root, pid, id.as_str())
                                .map(|p| Arc::new(cgroup::open(&p, &proc_root, keep_open))),
                        ),
                    };
                    let raw = cg.as_ref().and_then(|c| {
                        cgroup::read(c, host_mem, now_ms, &mut buf, host.as_deref_mut())
                    });
                    (i, located_for, cg, raw)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        for (i, located_for, cg, raw) in results {
            let id = wanted[i].0;
            let Some(t) = tracks.get_mut(id) else {
                continue;
            };
            if let Some(pid) = located_for {
                // Not readable here: the API samples it from now on.
                if cg.is_none() {
                    api.push(i);
                }
                t.cgroup = Some((pid, cg));
            }
            if let Some(raw) = raw {
                push(t, raw, cpu_limit(snap, id));
                t.source = Some(SampleSource::Cgroup);
                changed = true;
            }
        }
    }

    // The API for everything not read locally.
    let mut in_flight = tracks.values().filter(|t| t.api_in_flight).count();
    for i in api {
        let id = wanted[i].0;
        let Some(t) = tracks.get_mut(id) else {
            continue;
        };
        if matches!(t.cgroup, Some((_, Some(_)))) && local {
            continue;
        }
        if w.focus.as_ref() == Some(id) {
            // A stream that ended (the engine restarted, the link broke) is started again.
            if t.stream.as_ref().is_none_or(JoinHandle::is_finished) {
                t.stream = Some(spawn_stream(engine, id.clone(), api_tx.clone()));
            }
            continue;
        }
        let period = if t.prev.is_some() {
            if i >= background {
                cfg.all_api_interval
            } else {
                cfg.api_interval
            }
        } else {
            // The first reading only primes the pair; the second comes soon after.
            cfg.interval
        };
        let due = t.last_api.is_none_or(|l| now.duration_since(l) >= period);
        if due && !t.api_in_flight && in_flight < cfg.api_concurrency {
            t.api_in_flight = true;
            t.last_api = Some(now);
            in_flight += 1;
            spawn_one_shot(engine, id.clone(), api_tx.clone());
        }
    }

    // Prune history and forget containers whose history has aged out.
    tracks.retain(|id, t| {
        t.series.prune(now_ms, SERIES_WINDOW_MS);
        wanted_ids.contains(id) || !t.series.is_empty()
    });
    changed
}

fn spawn_stream(
    engine: &Engine,
    id: ContainerId,
    tx: mpsc::UnboundedSender<ApiReading>,
) -> JoinHandle<()> {
    let stream = engine.stats(id.as_str(), true);
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(r) = stream.next().await {
            let raw = match r {
                Ok(raw) => Some(raw),
                Err(e) => {
                    tracing::debug!(error = %e, container = %id, "stats stream ended");
                    None
                }
            };
            let stop = raw.is_none();
            if tx
                .send(ApiReading {
                    id: id.clone(),
                    raw,
                    one_shot: false,
                })
                .is_err()
                || stop
            {
                return;
            }
        }
    })
}

fn spawn_one_shot(engine: &Engine, id: ContainerId, tx: mpsc::UnboundedSender<ApiReading>) {
    let stream = engine.stats(id.as_str(), false);
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        let raw = match stream.next().await {
            Some(Ok(raw)) => Some(raw),
            Some(Err(e)) => {
                tracing::debug!(error = %e, container = %id, "one-shot stats failed");
                None
            }
            None => None,
        };
        // The hub may have gone; nothing to do then.
        let _ = tx.send(ApiReading {
            id,
            raw,
            one_shot: true,
        });
    });
}

#[cfg(test)]
mod top_tests {
    use super::*;

    #[test]
    fn top_takes_the_highest_cpu_and_memory_each_once() {
        let mut view = StatsView::default();
        let ids: Vec<ContainerId> = (0..10)
            .map(|i| ContainerId::from(format!("c{i}")))
            .collect();
        for (i, id) in ids.iter().enumerate() {
            let mut series = Series::default();
            series.push(Sample {
                at_ms: 1,
                cpu_pct: i as f64,
                // Memory ranks the other way round, except c9 which leads both.
                mem_used: if i == 9 { 1000 } else { 100 - i as u64 },
                ..Default::default()
            });
            view.series.insert(id.clone(), series);
        }
        let unsampled = ContainerId::from("none");
        let top = view.top(ids.iter().chain([&unsampled]), 2);
        let names: Vec<&str> = top.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(names, ["c9", "c8", "c0"]);
        assert!(view.top(ids.iter(), 0).is_empty());
    }
}

#[cfg(test)]
mod view_tests {
    use super::*;

    fn track(at: &[i64], source: Option<SampleSource>) -> Track {
        let mut t = Track::default();
        t.source = source;
        for &at_ms in at {
            t.series.push(Sample {
                at_ms,
                ..Default::default()
            });
        }
        t
    }

    fn shape(v: &StatsView) -> Vec<(String, Vec<i64>, Option<SampleSource>)> {
        let mut out: Vec<_> = v
            .series
            .iter()
            .map(|(id, s)| {
                let at = s.iter().map(|x| x.at_ms).collect();
                (id.to_string(), at, v.sources.get(id).copied())
            })
            .collect();
        out.extend(
            v.sources
                .iter()
                .filter(|(id, _)| !v.series.contains_key(*id))
                .map(|(id, s)| (id.to_string(), Vec::new(), Some(*s))),
        );
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn a_refilled_view_equals_a_fresh_one() {
        let id = |s: &str| ContainerId::from(s);
        let mut tracks: IdMap<Track> = IdMap::default();
        let many: Vec<i64> = (1..=40).collect();
        tracks.insert(id("a"), track(&many, Some(SampleSource::Cgroup)));
        tracks.insert(id("b"), track(&[1, 2], Some(SampleSource::Api)));
        tracks.insert(id("gone"), track(&[1], Some(SampleSource::Cgroup)));
        let mut view = fresh_view(&tracks, 1);
        assert_eq!(shape(&view), shape(&fresh_view(&tracks, 1)));
        // A tick later: one gone, one new, one emptied, samples added, a source changed.
        tracks.remove(&id("gone"));
        tracks.insert(id("new"), track(&[], Some(SampleSource::Api)));
        tracks.insert(id("b"), track(&[], None));
        if let Some(a) = tracks.get_mut(&id("a")) {
            a.series.push(Sample {
                at_ms: 41,
                ..Default::default()
            });
            a.source = Some(SampleSource::Api);
        }
        refill(&mut view, &tracks);
        let want = fresh_view(&tracks, 2);
        assert_eq!(shape(&view), shape(&want));
        assert_eq!(view.series.get("a").map(Series::len), Some(41));
        assert!(!view.series.contains_key("gone") && !view.sources.contains_key("gone"));
    }
}

#[cfg(test)]
mod fd_tests {
    use super::*;
    use rustix::process::{getrlimit, Resource};

    #[test]
    fn kept_open_cgroups_follow_the_raised_descriptor_limit() {
        let before = getrlimit(Resource::Nofile);
        let n = max_open_cgroups();
        let after = getrlimit(Resource::Nofile);
        let soft = after.current.unwrap_or(u64::MAX);
        let hard = before.maximum.unwrap_or(u64::MAX);
        // Raised as far as asked and allowed, never lowered.
        assert!(
            soft >= before.current.unwrap_or(u64::MAX),
            "{before:?} → {after:?}"
        );
        if hard >= FD_SOFT_WANTED {
            assert!(soft >= FD_SOFT_WANTED, "{after:?}");
        }
        let fit = (soft.saturating_sub(FD_RESERVE) / cgroup::FILES_PER_CONTAINER as u64) as usize;
        assert_eq!(n, fit.min(MAX_OPEN_CGROUPS_CAP));
        // 300 containers' files stay open wherever the hard limit allows ~2,400 descriptors.
        if hard >= 2_400 {
            assert!(n >= 300, "{n}");
        }
    }
}

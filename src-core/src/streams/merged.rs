//! Merged logs: the logs of a compose project, a label selection or chosen containers, in
//! time order, each line prefixed (in a colour of its own) with its source.
//!
//! A source is keyed so that it survives recreation: compose project + service + container
//! number, else the container name. The merge watches the live store: a new container for a
//! key (newer than the one followed) is followed from then on, after a marker line; a new key
//! matching the selection (a project's new service) joins. Each source is read by its own
//! [`LogFollower`] with timestamps; lines meet in a [`Reorder`] window and go out over a
//! bounded channel, so a flood slows its own reader, never the UI, and memory is bounded
//! (channel depths, the window's cap, the UI's line cap). A source that ends or fails says
//! so in a line; the others go on.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::logs::{LogBuffer, LogEvent, LogFollower, LogLine};
use super::reorder::order_key;
use super::text::{inert, Color, Style, StyledText};
use crate::clock::{now_ms, rfc3339_ms};
use crate::engine::{Engine, LogOptions, LogStream};
use crate::error::{CoreError, Result};
use crate::model::{Container, ContainerId, ContainerState, COMPOSE_PROJECT_LABEL};
use crate::store::Snapshot;

/// The compose label numbering a service's containers (`web-1`, `web-2`).
pub const COMPOSE_NUMBER_LABEL: &str = "com.docker.compose.container-number";

/// Prefixes longer than this are cut (with `…`).
const MAX_PREFIX: usize = 24;

/// Source colours, in order of joining (terminal palette indices; the desktop maps them).
const PALETTE: [u8; 12] = [6, 3, 2, 5, 4, 1, 14, 11, 10, 13, 12, 9];

/// Which containers a merged log follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// All containers of a compose project (services that appear later join).
    Project(String),
    /// Containers with label `key` (equal to `value` when given).
    Label { key: String, value: Option<String> },
    /// These containers (and whatever later replaces them under the same key).
    Containers(Vec<ContainerId>),
    /// Every task of a Swarm service (by name or id), on every node, keyed by task slot.
    Service(String),
}

impl Selection {
    /// `project=NAME`, `label=KEY` or `label=KEY=VALUE`.
    pub fn parse(input: &str) -> Result<Selection> {
        let input = input.trim();
        let bad = || {
            CoreError::invalid_input(format!(
                "cannot merge logs of {input:?}: write project=NAME, service=NAME, label=KEY or label=KEY=VALUE"
            ))
        };
        let (what, rest) = input.split_once('=').ok_or_else(bad)?;
        if rest.is_empty() {
            return Err(bad());
        }
        match what {
            "project" => Ok(Selection::Project(rest.to_owned())),
            "service" => Ok(Selection::Service(rest.to_owned())),
            "label" => {
                let (key, value) = match rest.split_once('=') {
                    Some((k, v)) => (k, Some(v.to_owned())),
                    None => (rest, None),
                };
                if key.is_empty() {
                    return Err(bad());
                }
                Ok(Selection::Label {
                    key: key.to_owned(),
                    value,
                })
            }
            _ => Err(bad()),
        }
    }

    /// For titles: `project web`, `label tier=db`, `3 containers`.
    pub fn describe(&self) -> String {
        let s = match self {
            Selection::Project(p) => format!("project {p}"),
            Selection::Service(s) => format!("service {s}"),
            Selection::Label { key, value: None } => format!("label {key}"),
            Selection::Label {
                key,
                value: Some(v),
            } => format!("label {key}={v}"),
            Selection::Containers(ids) if ids.len() == 1 => "1 container".to_owned(),
            Selection::Containers(ids) => format!("{} containers", ids.len()),
        };
        inert(&s).into_owned()
    }

    fn matches(&self, c: &Container, keys: &HashSet<String>) -> bool {
        match self {
            Selection::Project(p) => c.labels.get(COMPOSE_PROJECT_LABEL) == Some(p),
            Selection::Label { key, value } => c
                .labels
                .get(key)
                .is_some_and(|v| value.as_ref().is_none_or(|want| want == v)),
            Selection::Containers(_) => keys.contains(&source_key(c)),
            // A service's tasks are read through the service, not as containers.
            Selection::Service(_) => false,
        }
    }

    /// The containers selected in `snap`, one per source key (the newest), by key.
    /// For a service: no containers (its tasks are read through the service), or the error
    /// saying there is no such service.
    pub fn resolve(&self, snap: &Snapshot) -> Result<BTreeMap<String, Arc<Container>>> {
        if let Selection::Service(wanted) = self {
            return service_named(snap, wanted).map(|_| BTreeMap::new());
        }
        let keys: HashSet<String> = match self {
            Selection::Containers(ids) => ids
                .iter()
                .map(|id| {
                    snap.containers
                        .get(id)
                        .map(|c| source_key(c))
                        .ok_or_else(|| {
                            CoreError::invalid_input(format!("no container {}", id.short()))
                        })
                })
                .collect::<Result<_>>()?,
            _ => HashSet::new(),
        };
        let picked = pick(snap, self, &keys);
        if picked.is_empty() {
            return Err(CoreError::invalid_input(format!(
                "no containers in {}",
                self.describe()
            )));
        }
        Ok(picked)
    }
}

fn pick(
    snap: &Snapshot,
    sel: &Selection,
    keys: &HashSet<String>,
) -> BTreeMap<String, Arc<Container>> {
    let mut best: BTreeMap<String, Arc<Container>> = BTreeMap::new();
    for c in snap.containers.values().filter(|c| sel.matches(c, keys)) {
        let key = source_key(c);
        match best.get(&key) {
            Some(b) if b.created >= c.created => {}
            _ => {
                best.insert(key, c.clone());
            }
        }
    }
    best
}

/// What keeps a source's place across recreation: compose project, service and number, else
/// the container name.
pub fn source_key(c: &Container) -> String {
    match &c.compose {
        Some(cr) if cr.service.is_some() => format!(
            "compose:{}/{}/{}",
            cr.project,
            cr.service.as_deref().unwrap_or_default(),
            c.labels
                .get(COMPOSE_NUMBER_LABEL)
                .map_or("1", String::as_str)
        ),
        _ => format!("name:{}", c.name),
    }
}

/// The short prefix shown before a source's lines: its compose service (with its number when
/// not the first), else its name; inert and at most [`MAX_PREFIX`] characters.
pub fn source_prefix(c: &Container) -> String {
    let raw = match c.compose.as_ref().and_then(|cr| cr.service.as_deref()) {
        Some(service) => match c.labels.get(COMPOSE_NUMBER_LABEL).map(String::as_str) {
            None | Some("1") => service.to_owned(),
            Some(n) => format!("{service}-{n}"),
        },
        None => c.name.clone(),
    };
    cut_prefix(&raw)
}

/// `raw` made inert and cut to [`MAX_PREFIX`] characters.
fn cut_prefix(raw: &str) -> String {
    let safe = inert(raw);
    if safe.chars().count() > MAX_PREFIX {
        let cut: String = safe.chars().take(MAX_PREFIX - 1).collect();
        format!("{cut}…")
    } else {
        safe.into_owned()
    }
}

/// `NAME.SUFFIX` made inert, the name cut (with `…`) so that the whole fits [`MAX_PREFIX`]
/// and the suffix (a task slot, a node) always shows: `a-very-long-servic….2`.
fn service_prefix(name: &str, sep: char, suffix: &str) -> String {
    let (name, suffix) = (inert(name), inert(suffix));
    let room = MAX_PREFIX.saturating_sub(suffix.chars().count() + 1).max(1);
    let name = if name.chars().count() > room {
        let cut: String = name.chars().take(room - 1).collect();
        format!("{cut}…")
    } else {
        name.into_owned()
    };
    format!("{name}{sep}{suffix}")
}

/// The palette index of the `i`th source.
pub fn source_colour(i: usize) -> u8 {
    PALETTE[i % PALETTE.len()]
}

/// `line` with `prefix │ ` in front (the prefix in its colour, padded to `width`).
pub fn decorate(line: LogLine, prefix: &str, width: usize, colour: u8) -> LogLine {
    let pad = width.saturating_sub(prefix.chars().count());
    let head = format!("{prefix}{:pad$} │ ", "");
    let body = line.text;
    let mut runs = Vec::with_capacity(body.runs.len() + 2);
    runs.push((
        0,
        Style {
            fg: Some(Color::Indexed(colour)),
            bold: true,
            ..Style::default()
        },
    ));
    runs.push((head.len(), Style::default()));
    runs.extend(body.runs.iter().map(|(at, st)| (at + head.len(), *st)));
    LogLine {
        text: StyledText {
            text: head + &body.text,
            runs,
        },
        ..line
    }
}

/// What a merged follower hands the UI.
#[derive(Debug)]
pub enum MergedEvent {
    Line(LogLine),
    /// Every source ended (only without follow).
    End,
}

/// Shared counters a UI or test may read.
#[derive(Debug, Default)]
struct Counters {
    sources: AtomicUsize,
    pending_high: AtomicUsize,
}

/// Sends the lines `reorder` may let go: only those over its cap while `hold` (a source's
/// history may still come), else those past the window (all when `done`); then records the
/// buffer's high-water mark. False when the receiver is gone.
async fn release(
    reorder: &mut crate::streams::reorder::Reorder,
    hold: bool,
    done: bool,
    counters: &Counters,
    tx: &mpsc::Sender<MergedEvent>,
) -> bool {
    loop {
        let line = if hold {
            reorder.pop_over_cap()
        } else {
            reorder.pop_ready(std::time::Instant::now(), done)
        };
        let Some(line) = line else { break };
        if tx.send(MergedEvent::Line(line)).await.is_err() {
            return false;
        }
    }
    counters
        .pending_high
        .store(reorder.high_water(), std::sync::atomic::Ordering::Relaxed);
    true
}

/// A running merged log; dropping it stops every reader.
#[derive(Debug)]
pub struct MergedFollower {
    rx: mpsc::Receiver<MergedEvent>,
    task: JoinHandle<()>,
    counters: Arc<Counters>,
    ended: bool,
}

/// Depth of the channels between readers, the merge and the UI.
const CHANNEL_DEPTH: usize = 256;
/// How often waiting lines are looked at.
const TICK: Duration = Duration::from_millis(50);
/// How long lines are held for a source that has not answered yet (its history may come
/// later than the others'): beyond the reorder window, so histories interleave.
const HISTORY_GRACE: Duration = Duration::from_secs(2);

impl MergedFollower {
    /// Follow the logs of what `sel` picks in the store's current snapshot (an error, and
    /// nothing started, when it picks nothing), and, when `opts.follow`, of what replaces or
    /// joins it in later snapshots.
    pub fn start(
        engine: &Engine,
        snapshots: watch::Receiver<Arc<Snapshot>>,
        sel: Selection,
        opts: &LogOptions,
    ) -> Result<MergedFollower> {
        let first = snapshots.borrow().clone();
        let (tx, rx) = mpsc::channel(CHANNEL_DEPTH);
        let counters = Arc::new(Counters::default());
        if let Selection::Service(wanted) = &sel {
            let s = service_named(&first, wanted)?;
            let merge = service::ServiceMerge::new(
                engine.clone(),
                s.id.clone(),
                s.name.clone(),
                opts.clone(),
                counters.clone(),
                snapshots,
            );
            return Ok(MergedFollower {
                rx,
                task: tokio::spawn(merge.run(tx)),
                counters,
                ended: false,
            });
        }
        let keys: HashSet<String> = sel.resolve(&first)?.into_keys().collect();
        let merge = Merge::new(engine.clone(), sel, keys, opts.clone(), counters.clone());
        let task = tokio::spawn(merge.run(snapshots, tx));
        Ok(MergedFollower {
            rx,
            task,
            counters,
            ended: false,
        })
    }

    pub async fn recv(&mut self) -> Option<MergedEvent> {
        if self.ended {
            return None;
        }
        let ev = self.rx.recv().await;
        if matches!(ev, None | Some(MergedEvent::End)) {
            self.ended = true;
        }
        ev
    }

    /// Move up to `budget` waiting lines into `buf` without waiting; like
    /// [`LogFollower::drain_into`].
    pub fn drain_into(
        &mut self,
        buf: &mut LogBuffer,
        budget: usize,
    ) -> (usize, Option<Result<()>>) {
        let mut added = 0;
        for _ in 0..budget {
            match self.rx.try_recv() {
                Ok(MergedEvent::Line(l)) => {
                    buf.push_line(l);
                    added += 1;
                }
                Ok(MergedEvent::End) | Err(mpsc::error::TryRecvError::Disconnected) => {
                    self.ended = true;
                    return (added, Some(Ok(())));
                }
                Err(mpsc::error::TryRecvError::Empty) => break,
            }
        }
        (added, None)
    }

    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Sources followed so far (a recreated container keeps its source).
    pub fn source_count(&self) -> usize {
        self.counters.sources.load(Ordering::Relaxed)
    }

    /// The most lines that ever waited in the reorder window at once.
    pub fn pending_high_water(&self) -> usize {
        self.counters.pending_high.load(Ordering::Relaxed)
    }
}

impl Drop for MergedFollower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[path = "merged_run.rs"]
mod run;
#[path = "merged_service.rs"]
mod service;

/// The service `wanted` names (its name, its id or a prefix of its id) on this manager.
fn service_named(snap: &Snapshot, wanted: &str) -> Result<Arc<crate::model::Service>> {
    let wanted = wanted.trim();
    let found = snap
        .services
        .values()
        .find(|s| s.name == wanted || s.id.as_str() == wanted)
        .or_else(|| {
            let mut by_prefix = snap
                .services
                .values()
                .filter(|s| wanted.len() >= 4 && s.id.as_str().starts_with(wanted));
            match (by_prefix.next(), by_prefix.next()) {
                (Some(s), None) => Some(s),
                _ => None,
            }
        });
    found.cloned().ok_or_else(|| {
        let why = match snap.is_swarm_manager() {
            true => format!("no service {} on this swarm", inert(wanted)),
            false => "this engine is not a swarm manager".to_owned(),
        };
        CoreError::invalid_input(why)
    })
}
use run::Merge;

#[cfg(test)]
#[path = "merged_tests.rs"]
mod tests;

/// A marker line of the merge itself (not of a container), dated `at` (Unix seconds: a new
/// container's creation, so the marker sorts before its first lines) or now.
fn marker(text: String, at: Option<i64>) -> LogLine {
    LogLine {
        seq: 0,
        stream: LogStream::Stderr,
        timestamp: Some(at.map_or_else(|| rfc3339_ms(now_ms()), crate::clock::rfc3339_utc)),
        text: StyledText {
            text: format!("── wharf: {text} ──"),
            runs: Vec::new(),
        },
        truncated: false,
    }
}

/// Whether `c` started again after the follower of it ended.
fn restarted(c: &Container, followed_start: Option<i64>) -> bool {
    c.state == ContainerState::Running && c.started_at.is_some() && c.started_at > followed_start
}

/// The key of a line arriving now without an engine timestamp.
fn now_key() -> String {
    order_key(Some(&rfc3339_ms(now_ms())), "")
}

/// Read one source: its follower's chunks, split into sanitized lines, go to the merge.
async fn read(
    engine: Engine,
    id: ContainerId,
    opts: LogOptions,
    tag: (usize, u64),
    tx: mpsc::Sender<(usize, u64, SourceMsg)>,
) {
    let mut follower = LogFollower::start(&engine, id.as_str(), &opts);
    // Only for splitting: drained after every chunk.
    let mut buf = LogBuffer::new(1 << 20, true);
    loop {
        let end = match follower.recv().await {
            Some(LogEvent::Chunk(c)) => {
                buf.push(&c);
                None
            }
            Some(LogEvent::End) | None => {
                buf.flush();
                Some(SourceMsg::End)
            }
            Some(LogEvent::Error(e)) => {
                buf.flush();
                Some(SourceMsg::Error(e))
            }
        };
        let lines: Vec<LogLine> = buf.take_lines().collect();
        for l in lines {
            if tx.send((tag.0, tag.1, SourceMsg::Line(l))).await.is_err() {
                return;
            }
        }
        if let Some(m) = end {
            let _ = tx.send((tag.0, tag.1, m)).await;
            return;
        }
    }
}

/// What a source reader reports.
#[derive(Debug)]
enum SourceMsg {
    Line(LogLine),
    End,
    Error(CoreError),
}

/// A followed source.
#[derive(Debug)]
struct Source {
    prefix: String,
    colour: u8,
    id: ContainerId,
    created: i64,
    /// The container's start time when its reader started.
    followed_start: Option<i64>,
    /// Bumped per reader: lines of an earlier reader (a replaced container's last ones) are
    /// still shown, its end is not.
    generation: u64,
    reader: JoinHandle<()>,
    ended: bool,
    /// When its reader started, and whether it said anything since (a line or its end).
    started: std::time::Instant,
    heard: bool,
}

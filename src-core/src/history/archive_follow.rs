//! Filling the log archive: the recorder (`wharf watch`) follows the logs of every selected
//! container with the engine's timestamps and writes them in blocks.
//!
//! - **Which containers:** those matching the stored selection (re-read every
//!   [`RELOAD_EVERY`], so a UI's toggle takes effect) or the recorder's own selectors, while
//!   they run; a selected container that is not running is read once per run (its log since
//!   the archive's end, then it ends), so lines printed while no recorder ran are not lost.
//! - **No duplicate, no gap:** a container's follower starts at its [`ResumePoint`] (`since`
//!   the last stored second) and drops what is older than the last stored line, and as many
//!   lines at that exact timestamp as are stored. Lines wait in memory at most
//!   [`FLUSH_AFTER`]; a recorder killed before writing them reads them again on its restart.
//! - **Bounded:** one follower per container (the core's [`LogFollower`], which resumes after
//!   a broken link), one channel ([`CHANNEL`] lines) into the writer, lines cut at
//!   [`MAX_LINE_BYTES`], blocks written at [`BLOCK_RAW_BYTES`].

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::archive::{ArchLine, ArchiveSelector, ResumePoint, BLOCK_RAW_BYTES, MAX_LINE_BYTES};
use super::{HistoryDb, SeriesKey};
use crate::engine::{Engine, LogOptions, LogStream};
use crate::error::{CoreError, Result};
use crate::model::{Container, ContainerId, ContainerState};
use crate::session::Session;
use crate::store::Snapshot;
use crate::streams::logs::LogEvent;
use crate::streams::LogFollower;

/// Lines wait in memory at most this long before their block is written.
pub const FLUSH_AFTER: Duration = Duration::from_secs(5);
/// How often the stored selection is read again.
pub const RELOAD_EVERY: Duration = Duration::from_secs(5);
/// A follower that failed is started again after this.
const RETRY_AFTER: Duration = Duration::from_secs(10);
const CHANNEL: usize = 1024;

/// What the archiver wrote, for `wharf watch`'s last line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Archived {
    pub lines: u64,
    pub blocks: u64,
}

enum Msg {
    Line(ContainerId, ArchLine),
    Ended(ContainerId, Option<CoreError>),
}

struct Pending {
    key: SeriesKey,
    name: String,
    lines: Vec<ArchLine>,
    raw: usize,
    since: Instant,
}

/// Drops lines already archived: older than the resume point, and the first `at_last` at it.
#[derive(Debug, Clone, Copy, Default)]
struct Dedup {
    last: i64,
    skip_at_last: u64,
}

impl Dedup {
    fn admit(&mut self, ts: i64) -> bool {
        if ts < self.last {
            false
        } else if ts == self.last {
            if self.skip_at_last > 0 {
                self.skip_at_last -= 1;
                false
            } else {
                true
            }
        } else {
            self.last = ts;
            self.skip_at_last = 0;
            true
        }
    }
}

/// A line's engine timestamp (`2026-12-01T08:00:00.123456789Z rest`) in ns, and the rest.
pub fn split_timestamp(line: &[u8]) -> Option<(i64, &[u8])> {
    let sp = line.iter().position(|b| *b == b' ').unwrap_or(line.len());
    let ts = std::str::from_utf8(&line[..sp]).ok()?;
    let secs = crate::engine::rfc3339_to_unix(ts)?;
    let frac = ts.split_once('.').map_or("", |(_, f)| {
        f.trim_end_matches(|c: char| !c.is_ascii_digit())
    });
    let frac = frac.get(..frac.len().min(9)).unwrap_or("");
    let nanos: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    let rest = line.get(sp + 1..).unwrap_or(&[]);
    Some((
        secs.saturating_mul(1_000_000_000).saturating_add(nanos),
        rest,
    ))
}

/// One container's follower: splits chunks into lines, drops what is archived already.
async fn follow_one(
    engine: Engine,
    id: ContainerId,
    resume: Option<ResumePoint>,
    tx: mpsc::Sender<Msg>,
) {
    let opts = LogOptions {
        follow: true,
        tail: None,
        since: resume.map(|r| r.last_ns.div_euclid(1_000_000_000)),
        until: None,
        timestamps: true,
        stdout: true,
        stderr: true,
    };
    let mut dedup = resume.map_or(
        Dedup {
            last: i64::MIN,
            skip_at_last: 0,
        },
        |r| Dedup {
            last: r.last_ns,
            skip_at_last: r.at_last,
        },
    );
    let mut partial: HashMap<LogStream, Vec<u8>> = HashMap::new();
    let mut follower = LogFollower::start(&engine, id.as_str(), &opts);
    let send_line = |stream: LogStream, line: &[u8], dedup: &mut Dedup| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (ts, rest) = split_timestamp(line).unwrap_or((dedup.last.max(0), line));
        if !dedup.admit(ts) {
            return None;
        }
        let mut bytes = rest.to_vec();
        bytes.truncate(MAX_LINE_BYTES);
        Some(Msg::Line(
            id.clone(),
            ArchLine {
                ts_ns: ts,
                stream,
                bytes,
            },
        ))
    };
    let end = loop {
        match follower.recv().await {
            Some(LogEvent::Chunk(c)) => {
                let buf = partial.entry(c.stream).or_default();
                buf.extend_from_slice(&c.bytes);
                let mut out = Vec::new();
                while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=nl).collect();
                    out.extend(send_line(c.stream, &line[..nl], &mut dedup));
                }
                if buf.len() > MAX_LINE_BYTES {
                    let line = std::mem::take(buf);
                    out.extend(send_line(c.stream, &line, &mut dedup));
                }
                for m in out {
                    if tx.send(m).await.is_err() {
                        return;
                    }
                }
            }
            Some(LogEvent::End) | None => break None,
            Some(LogEvent::Error(e)) => break Some(e),
        }
    };
    let rest: Vec<_> = partial
        .into_iter()
        .filter(|(_, b)| !b.is_empty())
        .filter_map(|(s, b)| send_line(s, &b, &mut dedup))
        .collect();
    for m in rest {
        if tx.send(m).await.is_err() {
            return;
        }
    }
    let _ = tx.send(Msg::Ended(id, end)).await;
}

struct Following {
    task: JoinHandle<()>,
}

impl Drop for Following {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The archiver's state between events.
pub struct Archiver {
    engine: String,
    cli: Vec<ArchiveSelector>,
    stored: Vec<ArchiveSelector>,
    following: HashMap<ContainerId, Following>,
    /// Not running and read to its end in this run.
    caught_up: HashSet<ContainerId>,
    failed: HashMap<ContainerId, Instant>,
    pending: HashMap<ContainerId, Pending>,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
    pub archived: Archived,
}

impl Archiver {
    /// An archiver for `session`'s engine with the recorder's own selectors `cli`.
    pub fn new(engine: &str, cli: Vec<ArchiveSelector>) -> Archiver {
        let (tx, rx) = mpsc::channel(CHANNEL);
        Archiver {
            engine: engine.to_owned(),
            cli,
            stored: Vec::new(),
            following: HashMap::new(),
            caught_up: HashSet::new(),
            failed: HashMap::new(),
            pending: HashMap::new(),
            tx,
            rx,
            archived: Archived::default(),
        }
    }

    fn selected(&self, c: &Container) -> bool {
        self.cli.iter().chain(&self.stored).any(|s| s.matches(c))
    }

    /// Start followers for selected containers, stop those no longer selected.
    fn reconcile(&mut self, db: &mut HistoryDb, session: &Session, snap: &Snapshot) -> Result<()> {
        let now = Instant::now();
        self.failed
            .retain(|_, at| now.duration_since(*at) < RETRY_AFTER);
        self.caught_up.retain(|id| {
            snap.containers
                .get(id)
                .is_some_and(|c| c.state != ContainerState::Running)
        });
        let wanted: Vec<Arc<Container>> = snap
            .containers
            .values()
            .filter(|c| self.selected(c))
            .filter(|c| c.state == ContainerState::Running || !self.caught_up.contains(&c.id))
            .filter(|c| !matches!(c.state, ContainerState::Created))
            .cloned()
            .collect();
        let keep: HashSet<&ContainerId> = wanted.iter().map(|c| &c.id).collect();
        let gone: Vec<ContainerId> = self
            .following
            .keys()
            .filter(|id| {
                !keep.contains(id) && snap.containers.get(*id).is_some_and(|c| !self.selected(c))
            })
            .cloned()
            .collect();
        for id in gone {
            self.following.remove(&id);
            self.flush_one(db, &id)?;
        }
        for c in wanted {
            if self.following.contains_key(&c.id) || self.failed.contains_key(&c.id) {
                continue;
            }
            // What waits in memory goes first, so the resume point includes it.
            self.flush_one(db, &c.id)?;
            let resume = db.archive_resume(c.id.as_str())?;
            let task = tokio::spawn(follow_one(
                session.engine.clone(),
                c.id.clone(),
                resume,
                self.tx.clone(),
            ));
            self.following.insert(c.id.clone(), Following { task });
            self.pending.entry(c.id.clone()).or_insert_with(|| Pending {
                key: SeriesKey::of(&self.engine, &c),
                name: c.name.clone(),
                lines: Vec::new(),
                raw: 0,
                since: now,
            });
        }
        Ok(())
    }

    fn on_msg(&mut self, db: &mut HistoryDb, snap: &Snapshot, msg: Msg) -> Result<()> {
        match msg {
            Msg::Line(id, line) => {
                let Some(p) = self.pending.get_mut(&id) else {
                    return Ok(());
                };
                if p.lines.is_empty() {
                    p.since = Instant::now();
                }
                p.raw += line.bytes.len() + 12;
                p.lines.push(line);
                if p.raw >= BLOCK_RAW_BYTES {
                    self.flush_one(db, &id)?;
                }
            }
            Msg::Ended(id, err) => {
                self.following.remove(&id);
                self.flush_one(db, &id)?;
                if let Some(e) = err {
                    tracing::warn!(container = %id, error = %e, "archive: log follower failed");
                    self.failed.insert(id.clone(), Instant::now());
                }
                let running = snap
                    .containers
                    .get(&id)
                    .is_some_and(|c| c.state == ContainerState::Running);
                if !running {
                    self.caught_up.insert(id);
                }
            }
        }
        Ok(())
    }

    fn flush_one(&mut self, db: &mut HistoryDb, id: &ContainerId) -> Result<()> {
        let Some(p) = self.pending.get_mut(id) else {
            return Ok(());
        };
        if p.lines.is_empty() {
            return Ok(());
        }
        let lines = std::mem::take(&mut p.lines);
        p.raw = 0;
        db.archive_write(&p.key, id.as_str(), &p.name, &lines)?;
        self.archived.lines += lines.len() as u64;
        self.archived.blocks += 1;
        Ok(())
    }

    /// Write every block that has waited [`FLUSH_AFTER`] (all of them with `all`).
    fn flush_due(&mut self, db: &mut HistoryDb, all: bool) -> Result<()> {
        let due: Vec<ContainerId> = self
            .pending
            .iter()
            .filter(|(_, p)| !p.lines.is_empty() && (all || p.since.elapsed() >= FLUSH_AFTER))
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            self.flush_one(db, &id)?;
        }
        // Forget containers that are neither followed nor waiting.
        let following = &self.following;
        self.pending
            .retain(|id, p| following.contains_key(id) || !p.lines.is_empty());
        Ok(())
    }
}

/// Archive the logs of the selected containers of `session` into `db` until `stop` completes;
/// the caller holds the [`super::WriterLock`]. What waits is written before it returns.
pub async fn run(
    session: &Session,
    db: &mut HistoryDb,
    cli: Vec<ArchiveSelector>,
    stop: impl Future<Output = ()>,
) -> Result<Archived> {
    let mut a = Archiver::new(&session.endpoint, cli);
    a.stored = db.archive_selectors(&session.endpoint)?;
    let mut snaps = session.store.subscribe();
    let mut snap: Arc<Snapshot> = snaps.borrow_and_update().clone();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut reload = tokio::time::interval(RELOAD_EVERY);
    reload.set_missed_tick_behavior(MissedTickBehavior::Skip);
    tokio::pin!(stop);
    a.reconcile(db, session, &snap)?;
    loop {
        tokio::select! {
            () = &mut stop => break,
            changed = snaps.changed() => {
                if changed.is_err() {
                    break;
                }
                snap = snaps.borrow_and_update().clone();
                a.reconcile(db, session, &snap)?;
            }
            Some(msg) = a.rx.recv() => a.on_msg(db, &snap, msg)?,
            _ = tick.tick() => a.flush_due(db, false)?,
            _ = reload.tick() => {
                a.stored = db.archive_selectors(&session.endpoint)?;
                a.reconcile(db, session, &snap)?;
            }
        }
    }
    // Lines already received are written; the followers stop with the archiver.
    while let Ok(msg) = a.rx.try_recv() {
        a.on_msg(db, &snap, msg)?;
    }
    a.flush_due(db, true)?;
    Ok(a.archived)
}

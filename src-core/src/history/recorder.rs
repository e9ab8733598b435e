//! The recorder: follows a session and writes what it sees into the history database.
//!
//! It asks the session's stats hub to watch every running container (cgroup reads when the
//! engine is local, as for a visible row), writes each container's newest sample once per
//! tick in one transaction, keeps new marker events from the store, and runs
//! [`HistoryDb::maintain`] every minute. Writes are small (one row per container a second,
//! WAL without fsync per commit), so they run on the recorder's task.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::MissedTickBehavior;

use super::HistoryDb;
use crate::error::Result;
use crate::model::{Container, ContainerState};
use crate::session::Session;
use crate::store::Snapshot;

/// How often the recorder rolls up, prunes and caps.
pub const MAINTAIN_EVERY: Duration = Duration::from_secs(60);

/// What a recorder wrote, for its log line on exit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    pub samples: u64,
    pub markers: u64,
    pub ticks: u64,
}

/// Follows one session's samples and events.
#[derive(Debug, Default)]
pub struct Recorder {
    /// The newest sample time written per container.
    written: crate::streams::IdMap<i64>,
    /// Events at or after this engine time (ns) are offered to the database (which keeps each
    /// once).
    event_cursor: i64,
    pub recorded: Recorded,
}

impl Recorder {
    /// Ask the hub to sample every running container of `snap`.
    pub fn watch_all(session: &Session, snap: &Snapshot) {
        let running = snap
            .containers
            .values()
            .filter(|c| c.state == ContainerState::Running)
            .map(|c| c.id.clone());
        session.stats.watch(running, None);
    }

    /// Write what is new in `snap` and the hub's view: one tick.
    pub fn tick(&mut self, db: &mut HistoryDb, session: &Session, snap: &Snapshot) -> Result<()> {
        let view = session.stats.view();
        let mut batch: Vec<(&Container, crate::model::Sample)> = Vec::new();
        for c in snap.containers.values() {
            let Some(s) = view.latest(&c.id) else {
                continue;
            };
            if self.written.get(&c.id).is_some_and(|at| *at >= s.at_ms) {
                continue;
            }
            batch.push((c.as_ref(), *s));
        }
        if !batch.is_empty() {
            db.record(&session.endpoint, &batch)?;
            for (c, s) in &batch {
                // No id copied per tick once a container is known.
                match self.written.get_mut(&c.id) {
                    Some(at) => *at = s.at_ms,
                    None => {
                        self.written.insert(c.id.clone(), s.at_ms);
                    }
                }
            }
            self.recorded.samples += batch.len() as u64;
        }
        self.written
            .retain(|id, _| snap.containers.contains_key(id));
        let fresh: Vec<_> = snap
            .events
            .iter()
            .filter(|e| e.time_nano >= self.event_cursor)
            .map(|e| e.as_ref().clone())
            .collect();
        if let Some(last) = fresh.iter().map(|e| e.time_nano).max() {
            self.recorded.markers += db.record_events(&session.endpoint, &fresh)? as u64;
            self.event_cursor = last;
        }
        self.recorded.ticks += 1;
        Ok(())
    }
}

/// Record `session` into `db` until `stop` completes; the caller holds the
/// [`super::WriterLock`]. Returns what was written, or the first database error.
pub async fn run(
    session: &Session,
    db: &mut HistoryDb,
    interval: Duration,
    stop: impl Future<Output = ()>,
) -> Result<Recorded> {
    let mut snaps = session.store.subscribe();
    let mut rec = Recorder::default();
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut maintain = tokio::time::interval(MAINTAIN_EVERY);
    maintain.set_missed_tick_behavior(MissedTickBehavior::Skip);
    tokio::pin!(stop);
    let mut snap: Arc<Snapshot> = snaps.borrow_and_update().clone();
    Recorder::watch_all(session, &snap);
    loop {
        tokio::select! {
            () = &mut stop => break,
            changed = snaps.changed() => {
                if changed.is_err() {
                    break;
                }
                snap = snaps.borrow_and_update().clone();
                Recorder::watch_all(session, &snap);
            }
            _ = tick.tick() => rec.tick(db, session, &snap)?,
            _ = maintain.tick() => {
                db.maintain()?;
            }
        }
    }
    // What the last moments saw, then a tidy database.
    rec.tick(db, session, &snap)?;
    db.maintain()?;
    Ok(rec.recorded)
}

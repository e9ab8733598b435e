//! The merge of one Swarm service's logs: one request (`Engine::service_logs`, every node's
//! tasks), lines split by the task that wrote them into sources keyed by task slot, so a
//! replaced task (a scale, an update, a drain, a crash) keeps its place, prefix and colour.
//!
//! A replicated task's source is `NAME.SLOT`; a global task's is `NAME@NODE` (one task per
//! node). A task the live store has not listed yet is looked up once with the service's tasks.
//! Lines go through the same reorder window as the container merge (the manager forwards each
//! node's lines as they come, not in time order).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};

use super::{
    decorate, marker, now_key, release, service_prefix, source_colour, Counters, MergedEvent, TICK,
};
use crate::engine::{Engine, LogOptions};
use crate::model::{ServiceId, Task, TaskId};
use crate::store::Snapshot;
use crate::streams::logs::{LogBuffer, LogLine};
use crate::streams::reorder::{order_key, Reorder, REORDER_WINDOW};

/// How long lines are held at the start, so the histories of several nodes interleave.
const HISTORY_HOLD: Duration = Duration::from_secs(1);

struct Source {
    prefix: String,
    colour: u8,
    task: TaskId,
    /// Only for splitting and sanitizing: drained after every line.
    buf: LogBuffer,
}

pub(super) struct ServiceMerge {
    engine: Engine,
    service: ServiceId,
    name: String,
    opts: LogOptions,
    counters: Arc<Counters>,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    sources: Vec<Source>,
    by_key: HashMap<String, usize>,
    /// Task → (key, prefix), as learnt.
    known: HashMap<TaskId, (String, String)>,
    reorder: Reorder,
    width: usize,
}

impl ServiceMerge {
    pub(super) fn new(
        engine: Engine,
        service: ServiceId,
        name: String,
        opts: LogOptions,
        counters: Arc<Counters>,
        snapshots: watch::Receiver<Arc<Snapshot>>,
    ) -> ServiceMerge {
        ServiceMerge {
            engine,
            service,
            name,
            opts,
            counters,
            snapshots,
            sources: Vec::new(),
            by_key: HashMap::new(),
            known: HashMap::new(),
            reorder: Reorder::new(REORDER_WINDOW),
            width: 0,
        }
    }

    pub(super) async fn run(mut self, tx: mpsc::Sender<MergedEvent>) {
        let lines = self.engine.service_logs(&self.service, &self.opts);
        tokio::pin!(lines);
        let started = Instant::now();
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut done = false;
        loop {
            tokio::select! {
                next = lines.next(), if !done => match next {
                    Some(Ok(l)) => {
                        let Some(i) = self.source_of(l.task.as_ref()).await else { continue };
                        let s = &mut self.sources[i];
                        s.buf.push(&l.chunk);
                        s.buf.flush();
                        let got: Vec<LogLine> = s.buf.take_lines().collect();
                        for line in got {
                            self.push(i, line);
                        }
                    }
                    Some(Err(e)) => {
                        self.note_all(format!("{}: {e}", self.name));
                        done = true;
                    }
                    None => {
                        if self.opts.follow {
                            self.note_all(format!("{}: log ended", self.name));
                        }
                        done = true;
                    }
                },
                _ = tick.tick(), if !self.reorder.is_empty() || done => {}
            }
            let hold = !done && started.elapsed() < HISTORY_HOLD;
            if !release(&mut self.reorder, hold, done, &self.counters, &tx).await {
                return;
            }
            if done && self.reorder.is_empty() {
                let _ = tx.send(MergedEvent::End).await;
                return;
            }
        }
    }

    /// The source of a line from `task` (created, or switched to a new task of its slot).
    async fn source_of(&mut self, task: Option<&TaskId>) -> Option<usize> {
        let task = task?;
        if !self.known.contains_key(task) {
            self.learn(task).await;
        }
        let (key, prefix) = self.known.get(task).cloned().unwrap_or_else(|| {
            let short = crate::model::short_id(task.as_str()).to_owned();
            (
                format!("task:{short}"),
                service_prefix(&self.name, '.', &short),
            )
        });
        match self.by_key.get(&key).copied() {
            Some(i) => {
                if &self.sources[i].task != task {
                    let note = format!(
                        "{} was replaced: following task {} (was {})",
                        self.sources[i].prefix,
                        crate::model::short_id(task.as_str()),
                        crate::model::short_id(self.sources[i].task.as_str()),
                    );
                    self.sources[i].task = task.clone();
                    self.note(i, note);
                }
                Some(i)
            }
            None => {
                let i = self.sources.len();
                self.width = self.width.max(prefix.chars().count());
                self.sources.push(Source {
                    prefix,
                    colour: source_colour(i),
                    task: task.clone(),
                    buf: LogBuffer::new(1 << 20, true),
                });
                self.by_key.insert(key, i);
                self.counters
                    .sources
                    .store(self.sources.len(), Ordering::Relaxed);
                Some(i)
            }
        }
    }

    /// Learn where `task` belongs: from the live store, else from the engine's task list.
    async fn learn(&mut self, task: &TaskId) {
        let snap = self.snapshots.borrow().clone();
        let found = snap.tasks.get(task).map(|t| (**t).clone());
        let found = match found {
            Some(t) => Some(t),
            None => match self.engine.list_tasks(Some(&self.service)).await {
                Ok(tasks) => tasks.into_iter().find(|t| &t.id == task),
                // Not fatal: the line is still shown, under the task's own id.
                Err(_) => None,
            },
        };
        if let Some(t) = found {
            let place = self.place(&t, &snap);
            self.known.insert(task.clone(), place);
        }
    }

    /// A task's source key and prefix: its slot, or its node for a global service.
    fn place(&self, t: &Task, snap: &Snapshot) -> (String, String) {
        match (t.slot, &t.node) {
            (Some(slot), _) => (
                format!("slot:{slot}"),
                service_prefix(&self.name, '.', &slot.to_string()),
            ),
            (None, Some(node)) => {
                let host = snap.nodes.get(node).map_or_else(
                    || crate::model::short_id(node.as_str()).to_owned(),
                    |n| n.hostname.clone(),
                );
                (
                    format!("node:{}", node.as_str()),
                    service_prefix(&self.name, '@', &host),
                )
            }
            (None, None) => {
                let short = crate::model::short_id(t.id.as_str());
                (
                    format!("task:{short}"),
                    service_prefix(&self.name, '.', short),
                )
            }
        }
    }

    fn note(&mut self, i: usize, text: String) {
        self.push(i, marker(text, None));
    }

    /// A line about the whole service (its end, an error): under the first source, or alone.
    fn note_all(&mut self, text: String) {
        let line = marker(text, None);
        match self.sources.is_empty() {
            true => self.reorder.push(now_key(), line, Instant::now()),
            false => self.push(0, line),
        }
    }

    fn push(&mut self, i: usize, mut line: LogLine) {
        let Some(s) = self.sources.get(i) else { return };
        let key = order_key(line.timestamp.as_deref(), &now_key());
        if !self.opts.timestamps {
            line.timestamp = None;
        }
        let line = decorate(line, &s.prefix, self.width, s.colour);
        self.reorder.push(key, line, Instant::now());
    }
}

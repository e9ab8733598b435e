//! The merge task: keeps one reader per source, follows recreated containers, and sends
//! lines out through the reorder window.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::{
    decorate, marker, now_key, pick, read, release, restarted, source_colour, source_prefix,
    Counters, MergedEvent, Selection, Source, SourceMsg, CHANNEL_DEPTH, HISTORY_GRACE, TICK,
};
use crate::engine::{Engine, LogOptions};
use crate::model::Container;
use crate::store::Snapshot;
use crate::streams::logs::LogLine;
use crate::streams::reorder::{order_key, Reorder, REORDER_WINDOW};

type Tagged = (usize, u64, SourceMsg);

pub(super) struct Merge {
    engine: Engine,
    sel: Selection,
    /// For a selection of containers: the keys they had at the start.
    keys: HashSet<String>,
    opts: LogOptions,
    counters: Arc<Counters>,
    sources: Vec<Source>,
    by_key: HashMap<String, usize>,
    /// Readers of replaced containers, left to deliver their last lines.
    retired: Vec<JoinHandle<()>>,
    reorder: Reorder,
    width: usize,
    lines_tx: mpsc::Sender<Tagged>,
    lines_rx: mpsc::Receiver<Tagged>,
}

impl Drop for Merge {
    fn drop(&mut self) {
        for s in &self.sources {
            s.reader.abort();
        }
        for r in &self.retired {
            r.abort();
        }
    }
}

impl Merge {
    pub(super) fn new(
        engine: Engine,
        sel: Selection,
        keys: HashSet<String>,
        opts: LogOptions,
        counters: Arc<Counters>,
    ) -> Merge {
        let (lines_tx, lines_rx) = mpsc::channel(CHANNEL_DEPTH);
        Merge {
            engine,
            sel,
            keys,
            opts,
            counters,
            sources: Vec::new(),
            by_key: HashMap::new(),
            retired: Vec::new(),
            reorder: Reorder::new(REORDER_WINDOW),
            width: 0,
            lines_tx,
            lines_rx,
        }
    }

    pub(super) async fn run(
        mut self,
        mut snapshots: watch::Receiver<Arc<Snapshot>>,
        tx: mpsc::Sender<MergedEvent>,
    ) {
        let first = snapshots.borrow_and_update().clone();
        self.sync(&first, true);
        let mut watching = self.opts.follow;
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                changed = snapshots.changed(), if watching => match changed {
                    Ok(()) => {
                        let snap = snapshots.borrow_and_update().clone();
                        self.sync(&snap, false);
                    }
                    // The store is gone: the readers go on with what they follow.
                    Err(_) => watching = false,
                },
                Some((i, generation, msg)) = self.lines_rx.recv() => self.on_source(i, generation, msg),
                _ = tick.tick(), if !self.reorder.is_empty() => {}
            }
            let done = !self.opts.follow && self.sources.iter().all(|s| s.ended);
            // A source that has not answered yet holds everything back (up to the grace and
            // the cap), so its history still goes in order.
            let waiting = !done
                && self
                    .sources
                    .iter()
                    .any(|s| !s.heard && !s.ended && s.started.elapsed() < HISTORY_GRACE);
            if !release(&mut self.reorder, waiting, done, &self.counters, &tx).await {
                return;
            }
            if done {
                let _ = tx.send(MergedEvent::End).await;
                return;
            }
        }
    }

    /// Follow what the selection picks in `snap`: new keys join, a newer container for a key
    /// replaces the one followed, a stopped source that started again is followed again.
    fn sync(&mut self, snap: &Snapshot, initial: bool) {
        self.retired.retain(|r| !r.is_finished());
        for (key, c) in pick(snap, &self.sel, &self.keys) {
            match self.by_key.get(&key) {
                None => self.add(key, &c, initial),
                Some(&i) => {
                    let s = &self.sources[i];
                    if s.id != c.id && c.created >= s.created {
                        let note = format!(
                            "{} was recreated: following {} (was {})",
                            s.prefix,
                            c.id.short(),
                            s.id.short()
                        );
                        self.follow(i, &c, None, note, Some(c.created));
                    } else if s.id == c.id && s.ended && restarted(&c, s.followed_start) {
                        let note = format!("{} started again", s.prefix);
                        self.follow(i, &c, c.started_at, note, c.started_at);
                    }
                }
            }
        }
    }

    fn add(&mut self, key: String, c: &Arc<Container>, initial: bool) {
        let i = self.sources.len();
        let prefix = source_prefix(c);
        self.width = self.width.max(prefix.chars().count());
        let reader = self.spawn_reader(c, None, (i, 0));
        self.sources.push(Source {
            prefix,
            colour: source_colour(i),
            id: c.id.clone(),
            created: c.created,
            followed_start: c.started_at,
            generation: 0,
            reader,
            ended: false,
            started: Instant::now(),
            heard: false,
        });
        self.by_key.insert(key, i);
        self.counters
            .sources
            .store(self.sources.len(), Ordering::Relaxed);
        if !initial {
            let note = format!("following {} ({})", c.name, c.id.short());
            self.note(i, note, Some(c.created));
        }
    }

    /// Follow `c` as source `i` from now on (its log from `since`, else as asked).
    fn follow(
        &mut self,
        i: usize,
        c: &Arc<Container>,
        since: Option<i64>,
        note: String,
        at: Option<i64>,
    ) {
        let generation = self.sources[i].generation + 1;
        let reader = self.spawn_reader(c, since, (i, generation));
        let s = &mut self.sources[i];
        let old = std::mem::replace(&mut s.reader, reader);
        if s.ended {
            old.abort();
        } else {
            self.retired.push(old);
        }
        s.id = c.id.clone();
        s.created = c.created;
        s.followed_start = c.started_at;
        s.generation = generation;
        s.ended = false;
        s.started = Instant::now();
        s.heard = false;
        self.note(i, note, at);
    }

    fn spawn_reader(&self, c: &Container, since: Option<i64>, tag: (usize, u64)) -> JoinHandle<()> {
        let mut opts = self.opts.clone();
        opts.timestamps = true;
        if since.is_some() {
            opts.since = since;
            opts.tail = None;
        }
        tokio::spawn(read(
            self.engine.clone(),
            c.id.clone(),
            opts,
            tag,
            self.lines_tx.clone(),
        ))
    }

    fn on_source(&mut self, i: usize, generation: u64, msg: SourceMsg) {
        let current = self
            .sources
            .get(i)
            .is_some_and(|s| s.generation == generation);
        if current {
            self.sources[i].heard = true;
        }
        match msg {
            SourceMsg::Line(l) => self.push(i, l),
            SourceMsg::End if current => {
                self.sources[i].ended = true;
                if self.opts.follow {
                    let note = format!("{}: log ended", self.sources[i].prefix);
                    self.note(i, note, None);
                }
            }
            SourceMsg::Error(e) if current => {
                self.sources[i].ended = true;
                let note = format!("{}: {e}", self.sources[i].prefix);
                self.note(i, note, None);
            }
            // A replaced container's reader finishing.
            SourceMsg::End | SourceMsg::Error(_) => {}
        }
    }

    fn note(&mut self, i: usize, text: String, at: Option<i64>) {
        self.push(i, marker(text, at));
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

//! The runner: follows one session (the store's events, samples of the containers threshold
//! rules select, the logs of the containers log rules select), feeds the [`Evaluator`], keeps
//! each fired alert in the history database and runs its actions in their own tasks.
//!
//! Bounds: at most [`MAX_FOLLOWED_LOGS`] logs are followed (new output only, from when the
//! runner starts following), their lines reach the evaluator through one channel of
//! [`LINE_QUEUE`] lines (a flood slows its own reader, never the evaluator); samples come from
//! a stats hub of the runner's own that watches only the containers threshold rules select.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::{actions, Evaluator, Fire, Rule, Target};
use crate::clock::Clock;
use crate::engine::{Engine, LogOptions};
use crate::error::{CoreError, ErrorKind, Result};
use crate::history::{HistoryDb, HistoryOptions, WriterLock};
use crate::model::{ActionResult, ContainerId, ContainerState, FiredAlert};
use crate::session::Session;
use crate::store::Snapshot;
use crate::streams::logs::{LogBuffer, LogEvent, LogFollower};
use crate::streams::stats::{HubConfig, StatsHub};

/// At most this many container logs are followed for log rules.
pub const MAX_FOLLOWED_LOGS: usize = 64;
/// Lines waiting between the log readers and the evaluator.
pub const LINE_QUEUE: usize = 1024;

/// Held by whoever evaluates the rules for a history database: `<db>.alerts.lock`.
#[derive(Debug)]
pub struct AlertsLock(#[allow(dead_code)] WriterLock);

impl AlertsLock {
    fn lock_db(db: &Path) -> PathBuf {
        let mut p = db.as_os_str().to_owned();
        p.push(".alerts");
        PathBuf::from(p)
    }

    fn map(db: &Path, e: CoreError) -> CoreError {
        if e.kind() == ErrorKind::Conflict {
            CoreError::new(
                ErrorKind::Conflict,
                format!(
                    "another Wharf is evaluating the alert rules of {}",
                    db.display()
                ),
            )
        } else {
            e
        }
    }

    /// Take it at once or fail with `Conflict`.
    pub fn try_acquire(db: &Path) -> Result<AlertsLock> {
        WriterLock::try_acquire(&Self::lock_db(db))
            .map(AlertsLock)
            .map_err(|e| Self::map(db, e))
    }

    /// Take it, waiting up to `deadline` for a UI to give it up.
    pub async fn acquire_within(db: &Path, deadline: Duration) -> Result<AlertsLock> {
        WriterLock::acquire_within(&Self::lock_db(db), deadline)
            .await
            .map(AlertsLock)
            .map_err(|e| Self::map(db, e))
    }

    /// The rule for a UI: it may evaluate only while no `wharf watch` records into `db`
    /// (which then evaluates), and only one UI at a time (the one holding this lock).
    pub fn for_ui(db: &Path) -> Option<AlertsLock> {
        if WriterLock::is_held(db) {
            return None;
        }
        Self::try_acquire(db).ok()
    }
}

/// What a runner did, for its exit line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fired {
    pub alerts: u64,
    pub lines: u64,
}

/// One followed log: its reader task, dropped (and the request with it) when unfollowed.
struct Followed {
    target: Target,
    task: JoinHandle<()>,
}

impl Drop for Followed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Follow `id`'s new output and send its lines, split and made inert, to `tx`.
fn follow_log(
    engine: &Engine,
    id: &ContainerId,
    tx: mpsc::Sender<(ContainerId, String)>,
) -> JoinHandle<()> {
    let opts = LogOptions {
        follow: true,
        tail: Some(0),
        timestamps: false,
        ..LogOptions::default()
    };
    let mut follower = LogFollower::start(engine, id.as_str(), &opts);
    let id = id.clone();
    tokio::spawn(async move {
        let mut buf = LogBuffer::new(256, false);
        while let Some(ev) = follower.recv().await {
            match ev {
                LogEvent::Chunk(c) => {
                    buf.push(&c);
                }
                LogEvent::End | LogEvent::Error(_) => buf.flush(),
            }
            for line in buf.take_lines() {
                if tx.send((id.clone(), line.text.text)).await.is_err() {
                    return;
                }
            }
        }
    })
}

/// The alert runner of one session.
pub struct Runner {
    eval: Evaluator,
    db: HistoryDb,
    clock: Clock,
    results_tx: mpsc::UnboundedSender<(i64, Vec<ActionResult>)>,
    results_rx: mpsc::UnboundedReceiver<(i64, Vec<ActionResult>)>,
    pending: usize,
    pub fired: Fired,
}

impl Runner {
    /// Open the history at `history` and read the cooldowns in force back from it.
    pub fn open(rules: Vec<Rule>, history: &Path, clock: Clock) -> Result<Runner> {
        let db = HistoryDb::open(&HistoryOptions {
            clock: clock.clone(),
            ..HistoryOptions::new(history)
        })?;
        let longest = rules.iter().map(|r| r.cooldown_ms).max().unwrap_or(0);
        let mut eval = Evaluator::new(rules, clock.clone());
        for (rule, key, at) in db.last_alerts(clock.now_ms().saturating_sub(longest))? {
            eval.seed(&rule, &key, at);
        }
        let (results_tx, results_rx) = mpsc::unbounded_channel();
        Ok(Runner {
            eval,
            db,
            clock,
            results_tx,
            results_rx,
            pending: 0,
            fired: Fired::default(),
        })
    }

    /// Keep `fires` and start their actions.
    fn act(&mut self, fires: Vec<Fire>) -> Result<()> {
        for f in fires {
            let rule = &self.eval.rules()[f.rule];
            let mut alert = FiredAlert {
                id: 0,
                at_ms: f.at_ms,
                rule: f.rule_name.clone(),
                engine: f.target.engine.clone(),
                container_id: crate::model::short_id(&f.target.id).to_owned(),
                container: crate::streams::text::inert(&f.target.name).into_owned(),
                key: f.target.key.clone(),
                cause: f.cause.clone(),
                notify: rule.spec.notify,
                actions: vec![],
            };
            alert.id = self.db.insert_alert(&alert)?;
            self.fired.alerts += 1;
            tracing::info!(rule = %alert.rule, container = %alert.container, cause = %alert.cause, "alert");
            let webhook = rule.webhook.clone();
            let command = rule.spec.command.clone();
            if webhook.is_none() && command.is_empty() {
                continue;
            }
            let tx = self.results_tx.clone();
            self.pending += 1;
            tokio::spawn(async move {
                let hook = async {
                    match &webhook {
                        Some(hook) => Some(actions::webhook(hook, &alert).await),
                        None => None,
                    }
                };
                let cmd = async {
                    if command.is_empty() {
                        None
                    } else {
                        Some(actions::command(&command, &alert).await)
                    }
                };
                let (h, c) = tokio::join!(hook, cmd);
                let results: Vec<_> = h.into_iter().chain(c).collect();
                for r in results.iter().filter(|r| !r.ok) {
                    tracing::warn!(rule = %alert.rule, action = %r.action, detail = %r.detail, "alert action failed");
                }
                let _ = tx.send((alert.id, results));
            });
        }
        Ok(())
    }

    fn record_results(&mut self, id: i64, results: &[ActionResult]) -> Result<()> {
        self.pending = self.pending.saturating_sub(1);
        self.db.set_alert_actions(id, results)
    }

    /// Evaluate `session` until `stop` completes. Returns what fired, or the first database
    /// error.
    pub async fn run(self, session: &Session, stop: impl Future<Output = ()>) -> Result<Fired> {
        self.run_on(
            session.engine.clone(),
            session.endpoint.clone(),
            session.store.subscribe(),
            stop,
        )
        .await
    }

    /// [`Self::run`] on a session's parts, for a task that must own what it uses (a UI's).
    pub async fn run_on(
        mut self,
        docker: Engine,
        engine: String,
        mut snaps: watch::Receiver<Arc<Snapshot>>,
        stop: impl Future<Output = ()>,
    ) -> Result<Fired> {
        let hub = self
            .eval
            .rules()
            .iter()
            .any(|r| matches!(r.trigger, super::rules::Trigger::Threshold { .. }))
            .then(|| StatsHub::spawn(docker.clone(), snaps.clone(), HubConfig::default()));
        let mut stats = hub.as_ref().map(StatsHub::subscribe);
        let (line_tx, mut line_rx) = mpsc::channel::<(ContainerId, String)>(LINE_QUEUE);
        let mut followed: HashMap<ContainerId, Followed> = HashMap::new();
        let mut sampled: HashMap<ContainerId, (Target, i64)> = HashMap::new();
        // Events from before the start are history, not news.
        let mut cursor = self.clock.now_ms().saturating_mul(1_000_000);
        let mut snap: Arc<Snapshot> = snaps.borrow_and_update().clone();
        tokio::pin!(stop);
        let mut first = true;
        loop {
            if !first {
                tokio::select! {
                    () = &mut stop => break,
                    changed = snaps.changed() => {
                        if changed.is_err() {
                            break;
                        }
                        snap = snaps.borrow_and_update().clone();
                    }
                    Some((id, line)) = line_rx.recv() => {
                        self.fired.lines += 1;
                        if let Some(f) = followed.get(&id) {
                            let fires = self.eval.on_log_line(&f.target, &line);
                            self.act(fires)?;
                        }
                        continue;
                    }
                    Some((id, results)) = self.results_rx.recv() => {
                        self.record_results(id, &results)?;
                        continue;
                    }
                    Ok(()) = async {
                        match stats.as_mut() {
                            Some(rx) => rx.changed().await,
                            None => std::future::pending().await,
                        }
                    } => {
                        let view = stats.as_mut().map(|rx| rx.borrow_and_update().clone());
                        if let Some(view) = view {
                            for (id, (t, last)) in sampled.iter_mut() {
                                if let Some(s) = view.latest(id).filter(|s| s.at_ms > *last) {
                                    *last = s.at_ms;
                                    let fires = self.eval.on_sample(t, s);
                                    self.act(fires)?;
                                }
                            }
                        }
                        continue;
                    }
                }
            }
            first = false;
            // New events, oldest first.
            let mut fresh: Vec<_> = snap
                .events
                .iter()
                .filter(|e| e.time_nano > cursor)
                .cloned()
                .collect();
            fresh.sort_by_key(|e| e.time_nano);
            for e in &fresh {
                cursor = cursor.max(e.time_nano);
                let fires = self.eval.on_event(&engine, e);
                self.act(fires)?;
            }
            // Who is followed and sampled now.
            let running: Vec<(ContainerId, Target)> = snap
                .containers
                .values()
                .filter(|c| c.state == ContainerState::Running)
                .map(|c| (c.id.clone(), Target::of(&engine, c)))
                .collect();
            followed.retain(|id, _| running.iter().any(|(r, _)| r == id));
            for (id, t) in &running {
                if followed.len() >= MAX_FOLLOWED_LOGS {
                    break;
                }
                if !followed.contains_key(id) && self.eval.wants_logs(t) {
                    let task = follow_log(&docker, id, line_tx.clone());
                    followed.insert(
                        id.clone(),
                        Followed {
                            target: t.clone(),
                            task,
                        },
                    );
                }
            }
            if let Some(hub) = &hub {
                sampled.retain(|id, _| running.iter().any(|(r, _)| r == id));
                for (id, t) in &running {
                    if self.eval.wants_stats(t) {
                        sampled.entry(id.clone()).or_insert_with(|| (t.clone(), 0));
                    }
                }
                hub.watch(sampled.keys().cloned(), None);
            }
        }
        // Let running actions report, briefly.
        let until = tokio::time::Instant::now() + Duration::from_secs(3);
        while self.pending > 0 {
            match tokio::time::timeout_at(until, self.results_rx.recv()).await {
                Ok(Some((id, results))) => self.record_results(id, &results)?,
                _ => break,
            }
        }
        Ok(self.fired)
    }
}

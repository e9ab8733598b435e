//! The loop's alerts: every 2 s it reads the newest alerts from the history database (so
//! the actions' results, written when they end, show too) (whoever fired them: this UI, another, or `wharf watch`) and hands them to the app
//! (`Msg::Alerts`: list, toast, bell); and, when no `wharf watch` records into that database and
//! no other UI evaluates, it evaluates the alert rules itself (the core's runner, on the
//! session's engine and store), giving that up as soon as a `wharf watch` starts.

use std::path::PathBuf;

use tokio::sync::{mpsc, oneshot};
use wharf_core::alerts::rules as alert_rules;
use wharf_core::alerts::runner::{AlertsLock, Runner};
use wharf_core::history;
use wharf_core::session::Session;

use crate::msg::Msg;

/// How often the loop looks (in ticks of 1 s).
const EVERY_TICKS: u64 = 2;
/// The newest alerts each look reads (one small indexed query).
const NEWEST: usize = 200;

/// The UI's own evaluation, while it has the alerts lock.
struct Evaluating {
    _lock: AlertsLock,
    /// The rules file as it was read: an edit restarts the evaluation with the new rules.
    stamp: Option<(std::time::SystemTime, u64)>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Evaluating {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub struct Alerting {
    db: PathBuf,
    rules: PathBuf,
    ticks: u64,
    /// Whether a look was answered (the first is listed, not announced).
    looked: bool,
    reading: bool,
    evaluating: Option<Evaluating>,
    /// The rules' error, said once.
    told: Option<String>,
}

impl Alerting {
    pub fn new() -> Alerting {
        Alerting {
            db: history::resolve_path(),
            rules: alert_rules::default_path(),
            ticks: 0,
            looked: false,
            reading: false,
            evaluating: None,
            told: None,
        }
    }

    /// Stop evaluating (the session is being replaced; the next look starts on the new one).
    pub fn stop(&mut self) {
        self.evaluating = None;
    }

    /// A look was answered.
    pub fn seen(&mut self) {
        self.reading = false;
        self.looked = true;
    }

    /// One loop tick.
    pub fn tick(&mut self, session: &Session, tx: &mpsc::UnboundedSender<Msg>) {
        self.ticks += 1;
        if self.ticks % EVERY_TICKS != 1 {
            return;
        }
        if !self.reading {
            self.reading = true;
            let (db, first, tx) = (self.db.clone(), !self.looked, tx.clone());
            tokio::task::spawn_blocking(move || {
                let result = history::read_alerts(&db, 0, NEWEST).map_err(|e| e.to_string());
                let _ = tx.send(Msg::Alerts { first, result });
            });
        }
        self.evaluate(session, tx);
    }

    fn evaluate(&mut self, session: &Session, tx: &mpsc::UnboundedSender<Msg>) {
        if self.evaluating.is_some() {
            if history::WriterLock::is_held(&self.db) {
                tracing::info!("a recorder runs: it evaluates the alert rules now");
                self.evaluating = None;
            } else if self
                .evaluating
                .as_ref()
                .is_some_and(|e| e.stamp != alert_rules::stamp(&self.rules))
            {
                tracing::info!("the alert rules changed: evaluating them anew");
                self.evaluating = None;
            } else {
                return;
            }
        }
        let stamp = alert_rules::stamp(&self.rules);
        // Cheap when there are no rules: the file is missing.
        let rules = match alert_rules::load(&self.rules) {
            Ok((_, rules)) if rules.is_empty() => return,
            Ok((_, rules)) => rules,
            Err(e) => {
                let text = e.to_string();
                if self.told.as_deref() != Some(&text) {
                    let _ = tx.send(Msg::Alerts {
                        first: false,
                        result: Err(text.clone()),
                    });
                    self.told = Some(text);
                }
                return;
            }
        };
        let Some(lock) = AlertsLock::for_ui(&self.db) else {
            return;
        };
        let runner = match Runner::open(rules, &self.db, Default::default()) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "cannot evaluate the alert rules");
                return;
            }
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let (engine, endpoint, snaps) = (
            session.engine.clone(),
            session.endpoint.clone(),
            session.store.subscribe(),
        );
        tracing::info!(db = %self.db.display(), "evaluating the alert rules");
        tokio::spawn(async move {
            let stop = async move {
                let _ = stopped.await;
            };
            if let Err(e) = runner.run_on(engine, endpoint, snaps, stop).await {
                tracing::warn!(error = %e, "alert rules stopped");
            }
        });
        self.evaluating = Some(Evaluating {
            _lock: lock,
            stamp,
            stop: Some(stop),
        });
    }
}

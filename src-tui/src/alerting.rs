//! The loop's alerts: every 2 s it reads the newest alerts from the history database (so
//! the actions' results, written when they end, show too) (whoever fired them: this UI, another, or `wharf watch`) and hands them to the app
//! (`Msg::Alerts`: list, toast, bell); and, when no `wharf watch` records into that database and
//! no other UI evaluates, it evaluates the alert rules itself (the core's runner, on the
//! session's engine and store), giving that up as soon as a `wharf watch` starts. The rules
//! file is followed as `wharf watch` follows it (the core's `RulesFileWatch`): a change that
//! checks restarts the evaluation with the new rules; a bad one keeps the rules in use and is
//! said once.

use std::path::PathBuf;

use tokio::sync::{mpsc, oneshot};
use wharf_core::alerts::reload::{Reload, RulesFileWatch};
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
    /// The rules in use and the file's stamp (read on the first look).
    file: Option<RulesFileWatch>,
    /// The rules' error, said once.
    told: Option<String>,
    /// The database's stamp when it was last read (from before the read).
    read_at: Option<history::DbStamp>,
}

/// One line per rule for the alerts view: its name and actions, a webhook as its host and
/// header names (never a value, nor the URL's path).
fn rule_lines(rules: &[alert_rules::Rule]) -> Vec<String> {
    rules.iter().map(|r| r.summary()).collect()
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
            file: None,
            told: None,
            read_at: None,
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
        // The database is opened only when its stamp moved (one `stat` of it and its log).
        let stamp = history::db_stamp(&self.db);
        if !self.reading && self.read_at != Some(stamp) {
            self.read_at = Some(stamp);
            self.reading = true;
            let (db, first, tx) = (self.db.clone(), !self.looked, tx.clone());
            tokio::task::spawn_blocking(move || {
                let result = history::read_alerts(&db, 0, NEWEST).map_err(|e| e.to_string());
                let _ = tx.send(Msg::Alerts { first, result });
            });
        }
        self.evaluate(session, tx);
    }

    /// Say a rules error once (the same text is not repeated).
    fn tell(&mut self, text: String, tx: &mpsc::UnboundedSender<Msg>) {
        if self.told.as_deref() != Some(&text) {
            let _ = tx.send(Msg::Alerts {
                first: false,
                result: Err(text.clone()),
            });
            self.told = Some(text);
        }
    }

    /// Whether the rules changed since the last look (a bad new file keeps them: said once).
    fn rules_changed(&mut self, tx: &mpsc::UnboundedSender<Msg>) -> bool {
        let outcome = match &mut self.file {
            Some(w) => w.check(),
            None => match RulesFileWatch::open(&self.rules) {
                Ok(w) => {
                    let _ = tx.send(Msg::AlertRules(rule_lines(w.rules())));
                    self.file = Some(w);
                    Reload::Unchanged
                }
                Err(e) => {
                    // Nothing in use yet; the next change of the file is read.
                    self.file = Some(RulesFileWatch::with_rules(&self.rules, Vec::new()));
                    Reload::Bad(e)
                }
            },
        };
        match outcome {
            Reload::Unchanged => false,
            Reload::Changed(rules) => {
                let _ = tx.send(Msg::AlertRules(rule_lines(&rules)));
                self.told = None;
                true
            }
            Reload::Bad(e) => {
                let kept = self.file.as_ref().map_or(0, |w| w.rules().len());
                tracing::warn!(error = %e, kept, "alert rules not reloaded");
                let text = if kept > 0 {
                    format!("{e} (keeping the {kept} rules in use)")
                } else {
                    e.to_string()
                };
                self.tell(text, tx);
                false
            }
        }
    }

    fn evaluate(&mut self, session: &Session, tx: &mpsc::UnboundedSender<Msg>) {
        let changed = self.rules_changed(tx);
        if self.evaluating.is_some() {
            if history::WriterLock::is_held(&self.db) {
                tracing::info!("a recorder runs: it evaluates the alert rules now");
                self.evaluating = None;
            } else if changed {
                tracing::info!("the alert rules changed: evaluating them anew");
                self.evaluating = None;
            } else {
                return;
            }
        }
        // Cheap when there are no rules: the file is missing.
        let rules = match &self.file {
            Some(w) if !w.rules().is_empty() => w.rules().to_vec(),
            _ => return,
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
            stop: Some(stop),
        });
    }
}

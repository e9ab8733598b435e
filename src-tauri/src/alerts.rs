//! Alerts in the desktop app: the fired alerts (read from the history database every 2 s and
//! sent to the page as `alerts://fired`, with a desktop notification ([`crate::notify`]) for
//! each new one whose rule asks), the rules editor's commands (the
//! core checks and saves them, with the same messages as everywhere), and, while no
//! `wharf watch` records into the database and no other UI evaluates, the rules' evaluation on
//! the current link (the core's runner; stopped when the link is replaced or a recorder starts).
//! The rules file is followed as `wharf watch` follows it (the core's `RulesFileWatch`): a
//! change that checks (this app's editor, or a hand edit) restarts the evaluation with the new
//! rules; a bad one keeps the rules in use and is logged with the checker's message.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::oneshot;
use wharf_core::alerts::page;
use wharf_core::alerts::reload::{Reload, RulesFileWatch};
use wharf_core::alerts::rules::{self as alert_rules, Rule, RuleSpec};
use wharf_core::alerts::runner::{AlertsLock, Runner};
use wharf_core::error::{CoreError, ErrorKind};
use wharf_core::history;
use wharf_core::model::FiredAlert;

use crate::commands::CmdResult;
use crate::link::Link;
use crate::Desk;

/// New alerts for the page (newest first).
pub const EVENT: &str = "alerts://fired";
/// How often the app looks at the database.
pub const EVERY: Duration = Duration::from_secs(2);
/// How many of the newest alerts a look reads and the page lists.
pub const NEWEST: usize = 200;

/// One desktop notification as sent (kept for the app's tests and the log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// The notifications this app sent: the hook the tests observe them by.
#[derive(Debug, Default)]
pub struct Notices(pub Mutex<Vec<Notice>>);

/// The rules file and its rules, for the editor.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AlertRules {
    pub path: String,
    pub rules: Vec<RuleSpec>,
}

fn paths() -> (PathBuf, PathBuf) {
    (history::resolve_path(), alert_rules::default_path())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> wharf_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let r = tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::new(ErrorKind::Io, e.to_string()))?;
    Ok(r?)
}

/// The newest fired alerts, newest first (none before anything fired).
#[tauri::command]
pub async fn alerts_list() -> CmdResult<Vec<FiredAlert>> {
    let (db, _) = paths();
    blocking(move || history::read_alerts(&db, 0, NEWEST)).await
}

/// The rules in the alerts file (an error naming the rule and field when one is bad); literal
/// header values come as the core's mask, never as text.
#[tauri::command]
pub async fn alert_rules() -> CmdResult<AlertRules> {
    let (_, path) = paths();
    let p = path.clone();
    let rules = blocking(move || page::load_for_page(&p)).await?;
    Ok(AlertRules {
        path: path.display().to_string(),
        rules,
    })
}

/// Check `rules` with the core and write them to the alerts file; nothing is written when one
/// is bad (the error names it and its field). A masked header value keeps the file's value.
#[tauri::command]
pub async fn alert_rules_save(rules: Vec<RuleSpec>) -> CmdResult<AlertRules> {
    let (_, path) = paths();
    let p = path.clone();
    let rules = blocking(move || page::save_from_page(&p, rules)).await?;
    Ok(AlertRules {
        path: path.display().to_string(),
        rules,
    })
}

/// Send the desktop notification of `a` (and remember it for the tests).
fn notify<R: Runtime>(app: &AppHandle<R>, a: &FiredAlert) {
    let notice = Notice {
        title: format!("Wharf alert: {}", a.rule),
        body: format!("{}: {}", a.container, a.cause),
    };
    if let Some(n) = app.try_state::<Notices>() {
        if let Ok(mut sent) = n.0.lock() {
            sent.push(notice.clone());
        }
    }
    show(app, notice);
}

/// Show `notice` on the desktop; a failure (no session bus, no notification service) is
/// logged, and the page's toast still shows the alert.
#[cfg(target_os = "linux")]
fn show<R: Runtime>(_app: &AppHandle<R>, notice: Notice) {
    let Some(address) = crate::notify::session_bus_address(|k| std::env::var(k).ok()) else {
        tracing::warn!("desktop notification not shown: no session bus");
        return;
    };
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(e) = crate::notify::send(
            &address,
            &notice.title,
            &notice.body,
            crate::notify::TIMEOUT_MS,
        ) {
            tracing::warn!(error = %e, "desktop notification");
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn show<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(&notice.body)
        .show()
    {
        tracing::warn!(error = %e, "desktop notification");
    }
}

/// The app's evaluation while it holds the alerts lock.
struct Evaluating {
    _lock: AlertsLock,
    link: Arc<Link>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Evaluating {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Whether the rules changed since the last look; a bad new file keeps the rules in use
/// (logged with the checker's message, once per change of the file).
fn rules_changed(file: &mut Option<RulesFileWatch>, path: &std::path::Path) -> bool {
    let outcome = match file {
        Some(w) => w.check(),
        None => match RulesFileWatch::open(path) {
            Ok(w) => {
                *file = Some(w);
                Reload::Unchanged
            }
            Err(e) => {
                *file = Some(RulesFileWatch::with_rules(path, Vec::new()));
                Reload::Bad(e)
            }
        },
    };
    match outcome {
        Reload::Unchanged => false,
        Reload::Changed(_) => true,
        Reload::Bad(e) => {
            let kept = file.as_ref().map_or(0, |w| w.rules().len());
            tracing::warn!(error = %e, kept, "alert rules not reloaded: keeping those in use");
            false
        }
    }
}

/// Start evaluating `rules` on `link` when the app may (see the module's rule).
fn evaluate(link: &Arc<Link>, db: &std::path::Path, rules: &[Rule]) -> Option<Evaluating> {
    let session = link.live().ok()?;
    if rules.is_empty() {
        return None;
    }
    let rules = rules.to_vec();
    let lock = AlertsLock::for_ui(db)?;
    let runner = match Runner::open(rules, db, Default::default()) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "cannot evaluate the alert rules");
            return None;
        }
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let (engine, endpoint, snaps) = (
        session.engine.clone(),
        session.endpoint.clone(),
        session.store.subscribe(),
    );
    tracing::info!(db = %db.display(), "evaluating the alert rules");
    tauri::async_runtime::spawn(async move {
        let stop = async move {
            let _ = stopped.await;
        };
        if let Err(e) = runner.run_on(engine, endpoint, snaps, stop).await {
            tracing::warn!(error = %e, "alert rules stopped");
        }
    });
    Some(Evaluating {
        _lock: lock,
        link: link.clone(),
        stop: Some(stop),
    })
}

/// The loop: look every [`EVERY`], announce what is new, evaluate when the app may. A look
/// is `stat`s while nothing changes: the rules file's stamp (the core's `RulesFileWatch`), and
/// the database's (`history::db_stamp`), which is opened only when it moved; with no rules the
/// alerts lock and the writer lock are never tried.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    app.manage(Notices::default());
    tauri::async_runtime::spawn(async move {
        let (db, rules_path) = paths();
        let mut newest: Option<i64> = None;
        let mut last: Vec<FiredAlert> = Vec::new();
        let mut evaluating: Option<Evaluating> = None;
        let mut file: Option<RulesFileWatch> = None;
        // The database's stamp when it was last read: unchanged, nothing is opened.
        let mut read_at: Option<history::DbStamp> = None;
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            let Some(desk) = app.try_state::<Desk>() else {
                continue;
            };
            let link = desk.link();
            let changed = rules_changed(&mut file, &rules_path);
            if evaluating.as_ref().is_some_and(|e| {
                !Arc::ptr_eq(&e.link, &link) || history::WriterLock::is_held(&db) || changed
            }) {
                evaluating = None;
            }
            if evaluating.is_none() {
                let rules = file.as_ref().map(RulesFileWatch::rules).unwrap_or_default();
                evaluating = evaluate(&link, &db, rules);
            }
            let stamp = history::db_stamp(&db);
            if read_at == Some(stamp) {
                continue;
            }
            let d = db.clone();
            let list = match tauri::async_runtime::spawn_blocking(move || {
                history::read_alerts(&d, 0, NEWEST)
            })
            .await
            {
                Ok(Ok(l)) => l,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "reading alerts");
                    continue;
                }
                Err(_) => continue,
            };
            let top = list.first().map_or(0, |a| a.id);
            if let Some(seen) = newest {
                let fresh: Vec<&FiredAlert> = list.iter().filter(|a| a.id > seen).collect();
                for a in fresh.iter().rev().filter(|a| a.notify) {
                    notify(&app, a);
                }
            }
            if list != last {
                // New alerts, or their actions' results: the page re-lists.
                if let Err(e) = app.emit(EVENT, &list) {
                    tracing::warn!("emit {EVENT}: {e}");
                }
                last = list;
            }
            newest = Some(newest.unwrap_or(0).max(top));
            // The stamp from before the read: a change during it is read next time.
            read_at = Some(stamp);
        }
    });
}

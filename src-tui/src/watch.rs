//! `wharf watch`: record stats history and engine events with no UI (a systemd unit, a tmux
//! pane). One recorder per database (the core's writer lock); the UIs read the same file.
//! Stops cleanly on SIGINT and SIGTERM: the last tick is written and the database tidied.
//! With alert rules (`--alerts FILE`, default `$XDG_CONFIG_HOME/wharf/alerts.toml`) it also
//! evaluates them (the core's `alerts::runner`), holding the alerts lock so no UI fires them too.
//! The rules file is read again on SIGHUP and when its modified time or length changes (looked
//! at every [`RULES_CHECK`]); a new file that does not check keeps the rules in use, and the
//! checker's message (naming the rule and the field) goes to stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use wharf_core::alerts::reload::{Reload, RulesFileWatch};
use wharf_core::alerts::{rules as alert_rules, runner as alert_runner, Rule};
use wharf_core::history::{
    self, archive_follow, recorder, ArchiveLimits, ArchiveSelector, HistoryDb, HistoryOptions,
    WriterLock,
};
use wharf_core::session::{Session, SessionOptions};

/// Options of `wharf watch`.
#[derive(Debug, Clone, clap::Args)]
pub struct WatchArgs {
    /// The history database (default: $XDG_STATE_HOME/wharf/history.sqlite3).
    #[arg(long, value_name = "FILE", env = "WHARF_HISTORY")]
    pub history: Option<PathBuf>,
    /// Size cap of the database in MiB: the oldest samples go first when it is reached.
    #[arg(long, value_name = "MIB", default_value_t = history::DEFAULT_CAP_BYTES >> 20)]
    pub max_size_mib: u64,
    /// When another recorder holds the database, wait up to SECONDS for it to stop instead of
    /// exiting at once.
    #[arg(long, value_name = "SECONDS")]
    pub wait: Option<u64>,
    /// Also archive the logs of these containers for this run, besides those chosen in the UIs:
    /// `*`, `project=NAME`, `compose:PROJECT/SERVICE`, `name:NAME` or a container name
    /// (repeatable).
    #[arg(long, value_name = "SELECTOR")]
    pub archive: Vec<String>,
    /// Size cap of the log archive in MiB (compressed): the oldest blocks go first.
    #[arg(long, value_name = "MIB", default_value_t = history::archive::DEFAULT_ARCHIVE_BYTES >> 20)]
    pub archive_max_mib: u64,
    /// Archived lines older than DAYS are deleted.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub archive_days: u32,
    /// The alert rules (default: $XDG_CONFIG_HOME/wharf/alerts.toml; none when missing).
    #[arg(long, value_name = "FILE", env = "WHARF_ALERTS")]
    pub alerts: Option<PathBuf>,
}

/// How long `wharf watch` waits for a UI to give up evaluating the alerts (UIs look every
/// 2 s).
const ALERTS_HANDOVER: Duration = Duration::from_secs(10);

/// How often the rules file's stamp is looked at (one `stat`).
pub const RULES_CHECK: Duration = Duration::from_secs(3);

/// Run the recorder until a signal; the exit code says how it ended.
pub fn main(args: &WatchArgs, mut options: SessionOptions) -> ExitCode {
    // The recorder only reads the engine.
    options.read_only = true;
    let path = args.history.clone().unwrap_or_else(history::default_path);
    let mut selectors = Vec::new();
    for s in &args.archive {
        match ArchiveSelector::parse(s) {
            Ok(sel) => selectors.push(sel),
            Err(e) => {
                eprintln!("wharf watch: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wharf watch: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let lock = match args.wait {
            // A UI asks whether the lock is held by taking it shared for an instant; a moment's
            // patience keeps that from ever refusing a recorder.
            None => WriterLock::acquire_within(&path, Duration::from_millis(500)).await,
            Some(secs) => {
                if WriterLock::try_acquire(&path).is_err() {
                    eprintln!("wharf watch: waiting up to {secs} s for the other recorder");
                }
                WriterLock::acquire_within(&path, Duration::from_secs(secs)).await
            }
        };
        let _lock = match lock {
            Ok(l) => l,
            Err(e) => {
                eprintln!("wharf watch: {e}");
                if let Some(h) = e.hint() {
                    eprintln!("  {h}");
                }
                return ExitCode::from(3);
            }
        };
        let opts = HistoryOptions {
            cap_bytes: args.max_size_mib.max(1) << 20,
            ..HistoryOptions::new(&path)
        };
        // Two connections: the recorder's (it maintains, the archive's bounds included) and
        // the archiver's; SQLite serialises their short write transactions.
        let (mut db, mut adb) =
            match HistoryDb::open(&opts).and_then(|a| Ok((a, HistoryDb::open(&opts)?))) {
                Ok(dbs) => dbs,
                Err(e) => {
                    eprintln!("wharf watch: {e}");
                    return ExitCode::from(2);
                }
            };
        db.archive_limits = ArchiveLimits {
            max_bytes: args.archive_max_mib.max(1) << 20,
            keep_ms: i64::from(args.archive_days.max(1)) * 24 * 3600 * 1000,
        };
        let alerts_path = args
            .alerts
            .clone()
            .unwrap_or_else(alert_rules::default_path);
        let mut rules_file = match RulesFileWatch::open(&alerts_path) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("wharf watch: {e}");
                return ExitCode::from(2);
            }
        };
        let rules = rules_file.rules().to_vec();
        let alerts_lock = if rules.is_empty() {
            None
        } else {
            match alert_runner::AlertsLock::acquire_within(&path, ALERTS_HANDOVER).await {
                Ok(l) => Some(l),
                Err(e) => {
                    eprintln!("wharf watch: {e}");
                    return ExitCode::from(3);
                }
            }
        };
        // Checked now, so a database the runner cannot open fails at start as before.
        if let Some(e) = alerts_lock.as_ref().and_then(|_| {
            alert_runner::Runner::open(rules.clone(), &path, Default::default()).err()
        }) {
            eprintln!("wharf watch: {e}");
            return ExitCode::from(2);
        }
        let session = match Session::open(&options) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("wharf watch: {e}");
                return ExitCode::from(2);
            }
        };
        eprintln!(
            "wharf watch: recording {} into {} (pid {}; SIGINT or SIGTERM stops)",
            session.endpoint,
            path.display(),
            std::process::id()
        );
        if alerts_lock.is_some() {
            eprintln!(
                "wharf watch: evaluating {} alert rules from {}",
                rules.len(),
                alerts_path.display()
            );
        }
        let interval = options.stats.interval;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            // An error means the sender is gone: stop too.
            let _ = rx.wait_for(|s| *s).await;
        };
        // Any loop failing ends the others too; a signal ends all three.
        let stop_tx = &stop_tx;
        let signal = async {
            tokio::select! {
                () = stop_signal() => {}
                () = stopped(stop_rx.clone()) => {}
            }
            let _ = stop_tx.send(true);
        };
        let (rules_tx, rules_rx) = tokio::sync::watch::channel(rules);
        let reloading = follow_rules(&mut rules_file, rules_tx, stopped(stop_rx.clone()));
        let alerting = async {
            let r = alert(&session, &path, alerts_lock, rules_rx, stop_rx.clone()).await;
            if r.is_err() {
                let _ = stop_tx.send(true);
            }
            r
        };
        let recording = async {
            let r = recorder::run(&session, &mut db, interval, stopped(stop_rx.clone())).await;
            if r.is_err() {
                let _ = stop_tx.send(true);
            }
            r
        };
        let archiving = async {
            let r =
                archive_follow::run(&session, &mut adb, selectors, stopped(stop_rx.clone())).await;
            if r.is_err() {
                let _ = stop_tx.send(true);
            }
            r
        };
        let (recorded, archived, alerted, (), ()) =
            tokio::join!(recording, archiving, alerting, reloading, signal);
        match (recorded, archived, alerted) {
            (Ok(r), Ok(l), Ok(a)) => {
                eprintln!(
                    "wharf watch: stopped; {} samples, {} markers and {} log lines written{}",
                    r.samples,
                    r.markers,
                    l.lines,
                    a.map(|a| format!(", {} alerts fired", a.alerts))
                        .unwrap_or_default()
                );
                ExitCode::SUCCESS
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                eprintln!("wharf watch: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Evaluate the rules `rules` holds, starting again (a new runner: the cooldowns are read back
/// from the history) whenever they are replaced, until `stop`. Takes the alerts lock when
/// rules first appear, if it was not held at start. `None` when no rules were ever evaluated.
async fn alert(
    session: &Session,
    db: &std::path::Path,
    mut lock: Option<alert_runner::AlertsLock>,
    mut rules: tokio::sync::watch::Receiver<Vec<Rule>>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> wharf_core::error::Result<Option<alert_runner::Fired>> {
    let mut total: Option<alert_runner::Fired> = None;
    while !*stop.borrow() {
        let current = rules.borrow_and_update().clone();
        let (mut stop_a, mut stop_b) = (stop.clone(), stop.clone());
        let changed_or_stopped = async {
            tokio::select! {
                r = rules.changed() => {
                    // The sender gone means the reloading loop ended: only a stop ends this.
                    if r.is_err() {
                        let _ = stop_a.wait_for(|s| *s).await;
                    }
                }
                _ = stop_b.wait_for(|s| *s) => {}
            }
        };
        if current.is_empty() {
            changed_or_stopped.await;
            continue;
        }
        if lock.is_none() {
            lock = Some(alert_runner::AlertsLock::acquire_within(db, ALERTS_HANDOVER).await?);
        }
        let runner = alert_runner::Runner::open(current, db, Default::default())?;
        let fired = runner.run(session, changed_or_stopped).await?;
        let t = total.get_or_insert_with(Default::default);
        t.alerts += fired.alerts;
        t.lines += fired.lines;
    }
    Ok(total)
}

/// Look at the rules file every [`RULES_CHECK`] and read it on SIGHUP; send rules that check
/// to the evaluation, and say why a bad file was not taken (the rules in use stay).
async fn follow_rules(
    file: &mut RulesFileWatch,
    tx: tokio::sync::watch::Sender<Vec<Rule>>,
    stop: impl std::future::Future<Output = ()>,
) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hup = match signal(SignalKind::hangup()) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("wharf watch: cannot catch SIGHUP (the rules file is still looked at): {e}");
            None
        }
    };
    let mut every = tokio::time::interval(RULES_CHECK);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        let outcome = tokio::select! {
            () = &mut stop => return,
            _ = every.tick() => file.check(),
            Some(()) = async {
                match hup.as_mut() {
                    Some(h) => h.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                eprintln!("wharf watch: SIGHUP: reading {} again", file.path().display());
                file.reload()
            }
        };
        match outcome {
            Reload::Unchanged => {}
            Reload::Changed(rules) => {
                eprintln!(
                    "wharf watch: evaluating {} alert rules from {} (reloaded)",
                    rules.len(),
                    file.path().display()
                );
                tracing::info!(rules = rules.len(), "alert rules reloaded");
                let _ = tx.send(rules);
            }
            Reload::Bad(e) => {
                eprintln!(
                    "wharf watch: {e}; keeping the {} rules in use",
                    file.rules().len()
                );
                tracing::warn!(error = %e, "alert rules not reloaded");
            }
        }
    }
}

/// Resolves on the first SIGINT or SIGTERM (or never, when they cannot be caught: then the
/// default action ends the process, and the lock goes with it).
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("wharf watch: cannot catch signals: {e}");
            std::future::pending::<()>().await;
        }
    }
}

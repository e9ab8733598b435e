//! `wharf watch`: record stats history and engine events with no UI (a systemd unit, a tmux
//! pane). One recorder per database (the core's writer lock); the UIs read the same file.
//! Stops cleanly on SIGINT and SIGTERM: the last tick is written and the database tidied.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

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
}

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
            None => WriterLock::try_acquire(&path),
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
        let interval = options.stats.interval;
        // One stop for both loops: a signal, or the other loop failing.
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|v| *v).await;
        };
        let signal = {
            let tx = stop_tx.clone();
            async move {
                tokio::select! {
                    () = stop_signal() => {}
                    _ = tx.closed() => {}
                }
                let _ = tx.send(true);
            }
        };
        let rec = async {
            let r = recorder::run(&session, &mut db, interval, stopped(stop_rx.clone())).await;
            let _ = stop_tx.send(true);
            r
        };
        let arc = async {
            let r =
                archive_follow::run(&session, &mut adb, selectors, stopped(stop_rx.clone())).await;
            let _ = stop_tx.send(true);
            r
        };
        let (r, a, ()) = tokio::join!(rec, arc, async {
            tokio::select! {
                () = signal => {}
                () = stopped(stop_rx.clone()) => {}
            }
        });
        match (r, a) {
            (Ok(r), Ok(a)) => {
                eprintln!(
                    "wharf watch: stopped; {} samples, {} markers and {} log lines written",
                    r.samples, r.markers, a.lines
                );
                ExitCode::SUCCESS
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("wharf watch: {e}");
                ExitCode::FAILURE
            }
        }
    })
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

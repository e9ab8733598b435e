//! `wharf watch`: record stats history and engine events with no UI (a systemd unit, a tmux
//! pane). One recorder per database (the core's writer lock); the UIs read the same file.
//! Stops cleanly on SIGINT and SIGTERM: the last tick is written and the database tidied.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use wharf_core::history::{self, recorder, HistoryDb, HistoryOptions, WriterLock};
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
}

/// Run the recorder until a signal; the exit code says how it ended.
pub fn main(args: &WatchArgs, mut options: SessionOptions) -> ExitCode {
    // The recorder only reads the engine.
    options.read_only = true;
    let path = args.history.clone().unwrap_or_else(history::default_path);
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
        let mut db = match HistoryDb::open(&HistoryOptions {
            cap_bytes: args.max_size_mib.max(1) << 20,
            ..HistoryOptions::new(&path)
        }) {
            Ok(db) => db,
            Err(e) => {
                eprintln!("wharf watch: {e}");
                return ExitCode::from(2);
            }
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
        match recorder::run(&session, &mut db, interval, stop_signal()).await {
            Ok(r) => {
                eprintln!(
                    "wharf watch: stopped; {} samples and {} markers written",
                    r.samples, r.markers
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
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

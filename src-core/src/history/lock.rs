//! One recorder per database: an exclusive advisory lock on `<db>.lock` (`flock`), released by
//! the kernel when the process ends however it ends, so a killed recorder never leaves a stale
//! lock. The file holds the holder's pid, for the message a second recorder gets.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{CoreError, ErrorKind, Result};

/// Held while this process records into the database.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
    path: PathBuf,
}

impl WriterLock {
    /// The lock file of database `db`.
    pub fn path_for(db: &Path) -> PathBuf {
        let mut p = db.as_os_str().to_owned();
        p.push(".lock");
        PathBuf::from(p)
    }

    /// Take the lock, or fail at once with a `Conflict` naming the process that holds it.
    pub fn try_acquire(db: &Path) -> Result<WriterLock> {
        let path = Self::path_for(db);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io(&path, e))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
                let mut holder = String::new();
                // Best effort: the pid is only for the message.
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "another process".to_owned()
                } else {
                    format!("process {holder}")
                };
                return Err(CoreError::new(
                    ErrorKind::Conflict,
                    format!("{who} is already recording into {}", db.display()),
                )
                .with_hint(
                    "one recorder per history database: stop the other `wharf watch`, \
                     pass --wait to wait for it, or use --history FILE for another database",
                ));
            }
            Err(e) => return Err(io(&path, e.into())),
        }
        file.set_len(0).map_err(|e| io(&path, e))?;
        file.rewind().map_err(|e| io(&path, e))?;
        write!(file, "{}", std::process::id()).map_err(|e| io(&path, e))?;
        Ok(WriterLock { _file: file, path })
    }

    /// Take the lock, waiting for its holder to finish for at most `deadline`.
    pub async fn acquire_within(db: &Path, deadline: Duration) -> Result<WriterLock> {
        let until = Instant::now() + deadline;
        loop {
            match Self::try_acquire(db) {
                Err(e) if e.kind() == ErrorKind::Conflict && Instant::now() < until => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                other => return other,
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether another process holds the lock of `db` now, asked without taking it for more
    /// than an instant (a shared, non-blocking `flock` released at once). A recorder starting in
    /// that instant waits for it ([`Self::acquire_within`]), so the question never makes a
    /// `wharf watch` fail. Used by a UI to leave the alerts to a running `wharf watch`.
    pub fn is_held(db: &Path) -> bool {
        let Ok(file) = File::open(Self::path_for(db)) else {
            return false;
        };
        match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockShared) {
            Ok(()) => false,
            Err(e) => e == rustix::io::Errno::WOULDBLOCK,
        }
    }
}

fn io(path: &Path, e: std::io::Error) -> CoreError {
    CoreError::new(
        ErrorKind::Io,
        format!("cannot lock {}: {e}", path.display()),
    )
    .with_source(e)
}

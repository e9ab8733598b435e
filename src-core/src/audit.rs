//! Opt-in audit log: one JSON line per engine call a user action made.
//!
//! The engine handle writes it (`Engine::mutate`, the one function every mutating call goes
//! through, after the read-only check), so no front end can forget a line. A line names the
//! time (UTC, RFC 3339), the engine, the call (`container.stop`, `volume.remove`, …), the
//! targets (ids and names only) and the result:
//!
//! ```json
//! {"time":"2026-11-30T12:00:00.000Z","engine":"unix:///var/run/docker.sock (default)","call":"container.stop","targets":["4f1c…"],"result":"ok"}
//! {"time":"…","engine":"…","call":"volume.remove","targets":["pgdata"],"result":"error","error":{"kind":"conflict","message":"remove volume pgdata: volume is in use"}}
//! ```
//!
//! Secrets never reach it: no command lines, environment values, labels or credentials are
//! passed in, only object ids and names. The file is opened for appending (created with mode
//! 0600 on unix); each line is written with one `write` call under a lock, so lines from
//! concurrent calls never interleave.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

use crate::clock::{now_ms, rfc3339_ms};
use crate::error::{CoreError, ErrorKind, Result};

/// An open audit log file.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
}

/// One line of the log.
#[derive(Debug, Serialize)]
struct Line<'a> {
    time: String,
    engine: &'a str,
    call: &'a str,
    targets: &'a [&'a str],
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<LineError<'a>>,
}

#[derive(Debug, Serialize)]
struct LineError<'a> {
    kind: ErrorKind,
    message: &'a str,
}

impl AuditLog {
    /// Open (or create) `path` for appending.
    pub fn open(path: &Path) -> Result<AuditLog> {
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(path).map_err(|e| {
            CoreError::new(ErrorKind::Io, format!("audit log {}: {e}", path.display()))
                .with_source(e)
        })?;
        Ok(AuditLog {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    /// Append the line for one engine call. A line that cannot be written is reported through
    /// `tracing` at error level: the call itself has already happened and cannot be undone.
    pub(crate) fn record(
        &self,
        engine: &str,
        call: &str,
        targets: &[&str],
        result: std::result::Result<(), &CoreError>,
    ) {
        let line = Line {
            time: rfc3339_ms(now_ms()),
            engine,
            call,
            targets,
            result: if result.is_ok() { "ok" } else { "error" },
            error: result.err().map(|e| LineError {
                kind: e.kind(),
                message: e.message(),
            }),
        };
        let mut text = match serde_json::to_string(&line) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(path = %self.path.display(), "audit line not serialized: {e}");
                return;
            }
        };
        text.push('\n');
        // One small append to a local file; not worth a blocking-pool hop per engine call.
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(e) = file.write_all(text.as_bytes()) {
            tracing::error!(path = %self.path.display(), "audit line not written: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_796_040_000_123), "2026-11-30T12:00:00.123Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn lines_are_json_with_the_error() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path)?;
        log.record("unix:///x.sock", "container.stop", &["abc"], Ok(()));
        let err = CoreError::new(ErrorKind::Conflict, "volume is in use");
        log.record("unix:///x.sock", "volume.remove", &["data"], Err(&err));
        let text = std::fs::read_to_string(&path)?;
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(serde_json::from_str)
            .collect::<std::result::Result<_, _>>()?;
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["call"], "container.stop");
        assert_eq!(lines[0]["result"], "ok");
        assert_eq!(lines[0]["targets"][0], "abc");
        assert!(lines[0].get("error").is_none());
        assert_eq!(lines[1]["result"], "error");
        assert_eq!(lines[1]["error"]["kind"], "conflict");
        assert_eq!(lines[1]["error"]["message"], "volume is in use");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path)?.permissions().mode() & 0o777,
                0o600
            );
        }
        Ok(())
    }
}

//! Container logs at the wire level: chunks tagged with their stream.
//!
//! Line splitting, buffering and search live in `streams::logs`; this module only turns the
//! engine's multiplexed (non-TTY) or raw (TTY) output into [`LogChunk`]s.

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use bollard::container::LogOutput;
use bollard::query_parameters as qp;

use super::{map_error, Engine};
use crate::error::Result;

/// Which stream a chunk came from. TTY containers have one merged `Console` stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum LogStream {
    Stdout,
    Stderr,
    Console,
}

/// Raw bytes from a container; lines may be split across chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogChunk {
    pub stream: LogStream,
    pub bytes: Vec<u8>,
}

impl From<LogOutput> for LogChunk {
    fn from(o: LogOutput) -> Self {
        let (stream, message) = match o {
            LogOutput::StdOut { message } => (LogStream::Stdout, message),
            LogOutput::StdErr { message } => (LogStream::Stderr, message),
            // stdin echoes only appear on attach; show them as console output.
            LogOutput::StdIn { message } | LogOutput::Console { message } => {
                (LogStream::Console, message)
            }
        };
        LogChunk {
            stream,
            bytes: message.to_vec(),
        }
    }
}

/// What part of a container's log to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogOptions {
    /// Keep streaming new output.
    pub follow: bool,
    /// Only the last N lines (`None`: everything).
    pub tail: Option<usize>,
    /// Unix seconds.
    pub since: Option<i64>,
    /// Unix seconds.
    pub until: Option<i64>,
    /// Prefix every line with the engine's RFC 3339 timestamp.
    pub timestamps: bool,
    pub stdout: bool,
    pub stderr: bool,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            follow: true,
            tail: Some(1000),
            since: None,
            until: None,
            timestamps: false,
            stdout: true,
            stderr: true,
        }
    }
}

fn secs_i32(v: Option<i64>) -> i32 {
    v.map_or(0, |v| i32::try_from(v).unwrap_or(i32::MAX))
}

impl Engine {
    /// The container's log output as chunks.
    pub fn logs(
        &self,
        id: &str,
        opts: &LogOptions,
    ) -> impl Stream<Item = Result<LogChunk>> + Send + 'static {
        let q = qp::LogsOptions {
            follow: opts.follow,
            stdout: opts.stdout,
            stderr: opts.stderr,
            since: secs_i32(opts.since),
            until: secs_i32(opts.until),
            timestamps: opts.timestamps,
            tail: opts
                .tail
                .map_or_else(|| "all".to_owned(), |n| n.to_string()),
        };
        let endpoint = self.endpoint.clone();
        let what = format!("logs of {id}");
        let id = id.to_owned();
        self.after_ready(move |docker| {
            docker.logs(&id, Some(q)).map(move |r| {
                r.map(LogChunk::from)
                    .map_err(|e| map_error(e, &endpoint).context(&what))
            })
        })
    }
}

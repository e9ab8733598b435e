//! Logs, stats and exec streamed to the page over `tauri::ipc::Channel`s.
//!
//! Every stream is a task registered under a numeric id in [`Streams`]; the page stops it with
//! `stream_stop(id)`, and all of them stop when the window is destroyed, the page reloads
//! (`streams_reset`) or the link changes. Stopping aborts the task, which drops the core's
//! follower or exec stream and so cancels the engine request. A task also ends by itself when
//! a send fails (the page is gone).

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use serde::Serialize;
use tauri::async_runtime::JoinHandle;
use tauri::ipc::Channel;
use tokio::io::AsyncWrite;
use tokio::sync::watch;
use wharf_core::chart::{self, ChartOptions, Metric};
use wharf_core::engine::{Engine, LogChunk, LogOptions};
use wharf_core::error::ErrorReport;
use wharf_core::model::{ContainerId, Sample};
use wharf_core::streams::logs::LogEvent;
use wharf_core::streams::{LogBuffer, LogFollower, LogLine, StatsView};
use wharf_core::Result;

/// Lines kept between two log batches; a faster producer loses the oldest (counted).
const LOG_BUFFER_LINES: usize = 5000;
/// Collect log output this long before sending, so a chatty container costs one message per
/// interval rather than one per line.
const LOG_BATCH: Duration = Duration::from_millis(60);

pub type ExecInput = Arc<tokio::sync::Mutex<Pin<Box<dyn AsyncWrite + Send>>>>;

/// An exec session's controls, kept beside its output task.
pub struct ExecControl {
    pub engine: Engine,
    pub exec_id: String,
    pub input: ExecInput,
}

struct Entry {
    task: JoinHandle<()>,
    exec: Option<Arc<ExecControl>>,
}

/// The open streams, by id.
#[derive(Default)]
pub struct Streams {
    next: AtomicU64,
    live: Mutex<HashMap<u64, Entry>>,
}

impl Streams {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
        // A panic while holding the map cannot leave it inconsistent (single inserts/removes).
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn add(&self, task: JoinHandle<()>, exec: Option<Arc<ExecControl>>) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.lock().insert(id, Entry { task, exec });
        id
    }

    /// Stop one stream; false if it was not open.
    pub fn stop(&self, id: u64) -> bool {
        match self.lock().remove(&id) {
            Some(e) => {
                e.task.abort();
                true
            }
            None => false,
        }
    }

    pub fn clear(&self) {
        for (_, e) in self.lock().drain() {
            e.task.abort();
        }
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn exec(&self, id: u64) -> Option<Arc<ExecControl>> {
        self.lock().get(&id).and_then(|e| e.exec.clone())
    }
}

/// A batch of new log lines. `ended` is set on the last batch.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogBatch {
    pub lines: Vec<LogLine>,
    /// Lines lost because the page could not keep up.
    pub dropped: u64,
    pub ended: bool,
    pub error: Option<ErrorReport>,
}

pub async fn logs(engine: Engine, id: String, opts: LogOptions, ch: Channel<LogBatch>) {
    let mut follower = LogFollower::start(&engine, &id, &opts);
    let mut buf = LogBuffer::new(LOG_BUFFER_LINES, opts.timestamps);
    let mut next_seq = 0u64;
    loop {
        let mut done: Option<Result<()>> = match follower.recv().await {
            None | Some(LogEvent::End) => Some(Ok(())),
            Some(LogEvent::Error(e)) => Some(Err(e)),
            Some(LogEvent::Chunk(c)) => {
                buf.push(&c);
                None
            }
        };
        if done.is_none() {
            done = follower.drain_into(&mut buf, 1024).1;
        }
        if done.is_some() {
            buf.flush();
        }
        let first = buf.lines().front().map_or(next_seq, |l| l.seq);
        let lines: Vec<LogLine> = buf
            .lines()
            .iter()
            .filter(|l| l.seq >= next_seq)
            .cloned()
            .collect();
        let dropped = first.saturating_sub(next_seq);
        if let Some(l) = lines.last() {
            next_seq = l.seq + 1;
        }
        let ended = done.is_some();
        let batch = LogBatch {
            lines,
            dropped,
            ended,
            error: done.and_then(|r| r.err()).map(|e| ErrorReport::from(&e)),
        };
        if (!batch.lines.is_empty() || ended) && ch.send(batch).is_err() {
            return;
        }
        if ended {
            return;
        }
        tokio::time::sleep(LOG_BATCH).await;
    }
}

/// Graphs of the focused container, rendered by the core.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChartSet {
    pub id: ContainerId,
    pub cpu: String,
    pub memory: String,
    pub network: String,
    pub block_io: String,
}

/// The latest sample of each watched container, and graphs of the focused one.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatsUpdate {
    pub revision: u64,
    pub latest: HashMap<ContainerId, Sample>,
    pub charts: Option<ChartSet>,
    pub error: Option<ErrorReport>,
}

fn charts(view: &StatsView, id: &ContainerId, opts: &ChartOptions) -> Result<ChartSet> {
    let samples: Vec<Sample> = view
        .series
        .get(id)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    let svg = |m| chart::svg(&samples, m, opts);
    Ok(ChartSet {
        id: id.clone(),
        cpu: svg(Metric::Cpu)?,
        memory: svg(Metric::Memory)?,
        network: svg(Metric::Network)?,
        block_io: svg(Metric::BlockIo)?,
    })
}

pub async fn stats(
    mut views: watch::Receiver<Arc<StatsView>>,
    visible: Vec<ContainerId>,
    focus: Option<ContainerId>,
    chart_opts: Option<ChartOptions>,
    ch: Channel<StatsUpdate>,
) {
    loop {
        let view = views.borrow_and_update().clone();
        let latest = visible
            .iter()
            .chain(focus.as_ref())
            .filter_map(|id| view.latest(id).map(|s| (id.clone(), *s)))
            .collect();
        let (charts, error) = match (&focus, &chart_opts) {
            (Some(id), Some(opts)) => match charts(&view, id, opts) {
                Ok(c) => (Some(c), None),
                Err(e) => (None, Some(ErrorReport::from(&e))),
            },
            _ => (None, None),
        };
        let update = StatsUpdate {
            revision: view.revision,
            latest,
            charts,
            error,
        };
        if ch.send(update).is_err() || views.changed().await.is_err() {
            return;
        }
    }
}

/// What an exec session sends: terminal output, then its exit.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ExecEvent {
    Output { data: String },
    Exit { code: Option<i64> },
    Error { error: ErrorReport },
}

pub async fn exec_output(
    output: Pin<Box<dyn Stream<Item = Result<LogChunk>> + Send>>,
    control: Arc<ExecControl>,
    ch: Channel<ExecEvent>,
) {
    let ended = pace(output, |ev| ch.send(ev).is_ok()).await;
    if !ended {
        return;
    }
    let code = match control.engine.exec_exit_code(&control.exec_id).await {
        Ok(code) => code,
        Err(e) => {
            // The exit code is a courtesy; the session is over either way.
            tracing::debug!("exec exit code: {e}");
            None
        }
    };
    let _ = ch.send(ExecEvent::Exit { code });
}

/// At most one exec output message per this interval...
const EXEC_BATCH: Duration = Duration::from_millis(16);
/// ...of at most this many bytes: the page receives at most 4 MiB/s.
const EXEC_MESSAGE_MAX: usize = 64 * 1024;

/// Moves exec output to `send` in paced, bounded messages; true when the output ended (not
/// when sending failed or an error was sent).
///
/// A `Channel` send never waits, so sending every chunk as it comes let a `cat /dev/urandom`
/// queue output for the page without bound. Output is now held until the next message is
/// due, and no more than [`EXEC_MESSAGE_MAX`] is held: beyond that the engine is not read
/// until the next message went out, so a fast writer waits, as it would on a real terminal,
/// and memory stays within one message (plus one engine chunk). Nothing is dropped.
async fn pace<S>(output: S, mut send: impl FnMut(ExecEvent) -> bool) -> bool
where
    S: Stream<Item = Result<LogChunk>>,
{
    let mut output = std::pin::pin!(output);
    let mut pending: Vec<u8> = Vec::new();
    let mut next_send = tokio::time::Instant::now();
    loop {
        tokio::select! {
            biased;
            () = tokio::time::sleep_until(next_send), if !pending.is_empty() => {
                let n = pending.len().min(EXEC_MESSAGE_MAX);
                let mut part: Vec<u8> = pending.drain(..n).collect();
                let data = take_utf8(&mut part);
                // An incomplete character waits at the front for its rest.
                pending.splice(0..0, part);
                next_send = tokio::time::Instant::now() + EXEC_BATCH;
                if !data.is_empty() && !send(ExecEvent::Output { data }) {
                    return false;
                }
            }
            item = output.next(), if pending.len() < EXEC_MESSAGE_MAX => match item {
                Some(Ok(chunk)) => pending.extend_from_slice(&chunk.bytes),
                Some(Err(e)) => {
                    let mut rest = std::mem::take(&mut pending);
                    let data = take_utf8(&mut rest);
                    if !data.is_empty() && !send(ExecEvent::Output { data }) {
                        return false;
                    }
                    send(ExecEvent::Error { error: ErrorReport::from(&e) });
                    return false;
                }
                None => {
                    while !pending.is_empty() {
                        let n = pending.len().min(EXEC_MESSAGE_MAX);
                        let mut part: Vec<u8> = pending.drain(..n).collect();
                        let mut data = take_utf8(&mut part);
                        if data.is_empty() {
                            // A character cut by the end of the output.
                            data = String::from_utf8_lossy(&part).into_owned();
                        } else {
                            pending.splice(0..0, part);
                        }
                        if !send(ExecEvent::Output { data }) {
                            return false;
                        }
                    }
                    return true;
                }
            },
        }
    }
}

/// The longest valid UTF-8 prefix of `buf` as text; an incomplete character at the end stays
/// in `buf` for the next chunk. Invalid bytes become U+FFFD.
pub fn take_utf8(buf: &mut Vec<u8>) -> String {
    match std::str::from_utf8(buf) {
        Ok(s) => {
            let s = s.to_owned();
            buf.clear();
            s
        }
        Err(e) if e.error_len().is_none() => {
            let valid = e.valid_up_to();
            let s = String::from_utf8_lossy(&buf[..valid]).into_owned();
            buf.drain(..valid);
            s
        }
        Err(_) => {
            let s = String::from_utf8_lossy(buf).into_owned();
            buf.clear();
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(bytes: &[u8]) -> Result<LogChunk> {
        Ok(LogChunk {
            stream: wharf_core::engine::LogStream::Console,
            bytes: bytes.to_vec(),
        })
    }

    /// An endless fast writer: messages are bounded and paced, and the engine is read only as
    /// fast as messages go out (before, every chunk was sent at once, without bound).
    #[tokio::test]
    async fn exec_output_is_paced_and_bounded() {
        let pulled = std::sync::atomic::AtomicUsize::new(0);
        let endless = futures_util::stream::repeat_with(|| {
            pulled.fetch_add(1, Ordering::Relaxed);
            chunk(&[b'x'; 4096])
        });
        let mut sizes = Vec::new();
        let start = tokio::time::Instant::now();
        let ended = pace(endless, |ev| {
            match ev {
                ExecEvent::Output { data } => sizes.push(data.len()),
                other => panic!("unexpected {other:?}"),
            }
            sizes.len() < 100
        })
        .await;
        assert!(!ended);
        assert!(sizes.iter().all(|n| *n <= EXEC_MESSAGE_MAX), "{sizes:?}");
        // 100 messages took at least 99 intervals: at most 4 MiB/s reach the page.
        assert!(start.elapsed() >= EXEC_BATCH * 99);
        // Read no further ahead than one message and one chunk.
        let read = pulled.load(Ordering::Relaxed) * 4096;
        let sent: usize = sizes.iter().sum();
        assert!(
            read <= sent + EXEC_MESSAGE_MAX + 4096,
            "read {read}, sent {sent}"
        );
    }

    /// Everything arrives, in order, with split characters joined, then the end.
    #[tokio::test]
    async fn exec_output_loses_nothing() {
        let text = "héllo wörld ".repeat(20_000);
        let bytes = text.as_bytes();
        let pieces: Vec<Result<LogChunk>> = bytes.chunks(1000).map(chunk).collect();
        let mut got = String::new();
        let ended = pace(futures_util::stream::iter(pieces), |ev| {
            if let ExecEvent::Output { data } = ev {
                got.push_str(&data);
            }
            true
        })
        .await;
        assert!(ended);
        assert_eq!(got, text);
    }

    #[test]
    fn split_characters_wait_for_their_rest() {
        let mut buf = "é".as_bytes()[..1].to_vec();
        assert_eq!(take_utf8(&mut buf), "");
        buf.extend_from_slice(&"é".as_bytes()[1..]);
        buf.extend_from_slice(b"x");
        assert_eq!(take_utf8(&mut buf), "éx");
        assert!(buf.is_empty());
        let mut bad = vec![b'a', 0xff, b'b'];
        assert_eq!(take_utf8(&mut bad), "a\u{fffd}b");
    }
}

//! Logs, stats (numbers: the page draws the charts), exec and build output streamed to the page over `tauri::ipc::Channel`s.
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
use serde::{Deserialize, Serialize};
use tauri::async_runtime::JoinHandle;
use tauri::ipc::Channel;
use tokio::io::AsyncWrite;
use tokio::sync::watch;
use wharf_core::engine::{BuildEvent, Engine, LogChunk, LogOptions};
use wharf_core::error::ErrorReport;
use wharf_core::model::{ContainerId, Sample};
use wharf_core::spec::build::BuildPlan;
use wharf_core::streams::logs::LogEvent;
use wharf_core::streams::{
    LogBuffer, LogFollower, LogLine, MergedEvent, MergedFollower, StatsView,
};
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
    let follower = LogFollower::start(&engine, &id, &opts);
    pump(LogSource::One(follower), opts.timestamps, ch).await;
}

/// Where log lines come from: one container's follower, or merged logs (lines already split,
/// prefixed and in time order).
pub enum LogSource {
    One(LogFollower),
    Merged(MergedFollower),
}

impl LogSource {
    /// Wait for the next event and put it into `buf`; `Some` when the stream finished.
    async fn recv_into(&mut self, buf: &mut LogBuffer) -> Option<Result<()>> {
        match self {
            LogSource::One(f) => match f.recv().await {
                None | Some(LogEvent::End) => Some(Ok(())),
                Some(LogEvent::Error(e)) => Some(Err(e)),
                Some(LogEvent::Chunk(c)) => {
                    buf.push(&c);
                    None
                }
            },
            LogSource::Merged(f) => match f.recv().await {
                None | Some(MergedEvent::End) => Some(Ok(())),
                Some(MergedEvent::Line(l)) => {
                    buf.push_line(l);
                    None
                }
            },
        }
    }

    fn drain_into(&mut self, buf: &mut LogBuffer) -> Option<Result<()>> {
        match self {
            LogSource::One(f) => f.drain_into(buf, 1024).1,
            LogSource::Merged(f) => f.drain_into(buf, 1024).1,
        }
    }
}

/// Send `source`'s lines to the page in batches until it ends or the page stops listening.
pub async fn pump(mut source: LogSource, timestamps: bool, ch: Channel<LogBatch>) {
    let mut buf = LogBuffer::new(LOG_BUFFER_LINES, timestamps);
    let mut next_seq = 0u64;
    loop {
        let mut done = source.recv_into(&mut buf).await;
        if done.is_none() {
            done = source.drain_into(&mut buf);
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

/// What the page asks of the focused container's series.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SeriesRequest {
    /// Send only samples newer than this (Unix ms): the page's newest sample when it resumes
    /// after a pause, so it receives exactly the gap. `None`: everything the core keeps.
    pub after_ms: Option<i64>,
}

/// New samples of the focused container's series, oldest first. The page appends them to its
/// charts: numbers, not pictures, so a tick costs a few hundred bytes and a canvas redraw.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SeriesTail {
    pub id: ContainerId,
    pub samples: Vec<Sample>,
}

/// The latest sample of each watched container, and the new samples of the focused one.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatsUpdate {
    pub revision: u64,
    pub latest: HashMap<ContainerId, Sample>,
    /// Present when a series was asked for; `samples` may be empty (nothing new yet).
    pub series: Option<SeriesTail>,
}

/// The samples of `id` newer than `after_ms`, and the new cursor.
fn tail(view: &StatsView, id: &ContainerId, after_ms: Option<i64>) -> (Vec<Sample>, Option<i64>) {
    let samples: Vec<Sample> = match view.series.get(id) {
        Some(series) => series
            .iter()
            .filter(|s| after_ms.is_none_or(|a| s.at_ms > a))
            .copied()
            .collect(),
        None => Vec::new(),
    };
    let cursor = samples.last().map(|s| s.at_ms).or(after_ms);
    (samples, cursor)
}

/// `top`: send the latest samples of only the `top` highest CPU and memory users among
/// `visible` (the dashboard's lists), not of every visible container.
pub async fn stats(
    mut views: watch::Receiver<Arc<StatsView>>,
    visible: Vec<ContainerId>,
    focus: Option<ContainerId>,
    series: Option<SeriesRequest>,
    top: Option<usize>,
    ch: Channel<StatsUpdate>,
) {
    let mut after_ms = series.and_then(|r| r.after_ms);
    loop {
        let view = views.borrow_and_update().clone();
        let latest = match top {
            Some(n) => view
                .top(visible.iter().chain(focus.as_ref()), n)
                .into_iter()
                .collect(),
            None => visible
                .iter()
                .chain(focus.as_ref())
                .filter_map(|id| view.latest(id).map(|s| (id.clone(), *s)))
                .collect(),
        };
        let series = match (&focus, series) {
            (Some(id), Some(_)) => {
                let (samples, cursor) = tail(&view, id, after_ms);
                after_ms = cursor;
                Some(SeriesTail {
                    id: id.clone(),
                    samples,
                })
            }
            _ => None,
        };
        let update = StatsUpdate {
            revision: view.revision,
            latest,
            series,
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
                let data = next_message(&mut pending, false);
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
                        let data = next_message(&mut pending, true);
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

/// The next message's text: at most [`EXEC_MESSAGE_MAX`] bytes from the front of `pending`.
/// An incomplete character waits at the front for its rest, unless the output has ended
/// (`last`), when a character cut by the end becomes U+FFFD.
fn next_message(pending: &mut Vec<u8>, last: bool) -> String {
    let n = pending.len().min(EXEC_MESSAGE_MAX);
    let mut part: Vec<u8> = pending.drain(..n).collect();
    let data = take_utf8(&mut part);
    if data.is_empty() && last {
        return String::from_utf8_lossy(&part).into_owned();
    }
    pending.splice(0..0, part);
    data
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

/// Events of a build taken per message at most.
const BUILD_BATCH_MAX: usize = 256;
/// Collect build output this long before sending: a `RUN` that floods its output costs at most
/// one message per interval (≤ 256 lines each), and the engine is not read further ahead, so
/// a flood waits in the engine's pipe instead of piling up in the webview.
const BUILD_BATCH: Duration = Duration::from_millis(50);

/// Build events for the page, in order; `ended` on the last batch, with `error` when the
/// build failed or was refused (its `Done` event carries the image id otherwise).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BuildBatch {
    pub events: Vec<BuildEvent>,
    pub ended: bool,
    pub error: Option<ErrorReport>,
}

/// Run a build and send its events (made inert by the core) in batches. Aborting the task
/// drops the build stream, which cancels the build.
pub async fn build(engine: Engine, plan: BuildPlan, ch: Channel<BuildBatch>) {
    let events = wharf_core::streams::build::output(&engine, &plan);
    pace_build(events, |b| ch.send(b).is_ok()).await;
}

/// Send `events` through `send` in batches (see [`BUILD_BATCH`]) until the last one, or until
/// `send` says the page is gone.
async fn pace_build<S>(mut events: S, mut send: impl FnMut(BuildBatch) -> bool)
where
    S: Stream<Item = Result<BuildEvent>> + Unpin,
{
    loop {
        let mut batch = BuildBatch {
            events: Vec::new(),
            ended: false,
            error: None,
        };
        let mut deadline = None;
        while !batch.ended && batch.events.len() < BUILD_BATCH_MAX {
            let item = match deadline {
                // The first event of a batch is waited for as long as it takes.
                None => events.next().await,
                Some(at) => match tokio::time::timeout_at(at, events.next()).await {
                    Ok(item) => item,
                    Err(_) => break,
                },
            };
            deadline.get_or_insert_with(|| tokio::time::Instant::now() + BUILD_BATCH);
            match item {
                Some(Ok(e)) => {
                    batch.ended = matches!(e, BuildEvent::Done { .. });
                    batch.events.push(e);
                }
                Some(Err(e)) => {
                    batch.ended = true;
                    batch.error = Some(ErrorReport::from(e));
                }
                // The core always ends with `Done` or an error; a bare end is still an end.
                None => batch.ended = true,
            }
        }
        let ended = batch.ended;
        if !send(batch) || ended {
            return;
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
    fn the_tail_is_what_came_after_the_cursor() {
        let id = ContainerId::from("c1".to_owned());
        let mut view = StatsView::default();
        let series = view.series.entry(id.clone()).or_default();
        for t in 1..=5 {
            series.push(Sample {
                at_ms: t * 1000,
                ..Default::default()
            });
        }
        let at = |v: &[Sample]| v.iter().map(|s| s.at_ms).collect::<Vec<_>>();
        let (all, cursor) = tail(&view, &id, None);
        assert_eq!(at(&all), [1000, 2000, 3000, 4000, 5000]);
        assert_eq!(cursor, Some(5000));
        let (gap, cursor) = tail(&view, &id, Some(3000));
        assert_eq!(at(&gap), [4000, 5000]);
        assert_eq!(cursor, Some(5000));
        let (none, cursor) = tail(&view, &id, Some(5000));
        assert!(none.is_empty());
        assert_eq!(cursor, Some(5000), "an empty tick keeps the cursor");
        let other = ContainerId::from("c2".to_owned());
        assert_eq!(tail(&view, &other, None), (vec![], None));
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

    /// A flood of build output goes out in few messages of bounded size, in order, ending
    /// with the last event; nothing is lost.
    #[tokio::test]
    async fn build_output_is_batched_and_ends_with_the_result() {
        let n = 1000;
        let flood = (0..n)
            .map(|i| {
                Ok(BuildEvent::Output {
                    text: format!("line {i}"),
                })
            })
            .chain(std::iter::once(Ok(BuildEvent::Done {
                id: "sha256:x".into(),
                tags: Vec::new(),
            })));
        let mut batches = Vec::new();
        pace_build(futures_util::stream::iter(flood), |b| {
            batches.push(b);
            true
        })
        .await;
        assert!(
            batches.len() <= n / BUILD_BATCH_MAX + 2,
            "{}",
            batches.len()
        );
        assert!(batches.iter().all(|b| b.events.len() <= BUILD_BATCH_MAX));
        let all: Vec<&BuildEvent> = batches.iter().flat_map(|b| &b.events).collect();
        assert_eq!(all.len(), n + 1);
        assert!(matches!(all[0], BuildEvent::Output { text } if text == "line 0"));
        let last = batches.last().unwrap();
        assert!(last.ended && last.error.is_none());
        assert!(matches!(last.events.last(), Some(BuildEvent::Done { .. })));
        // An error ends the stream too, reported as such.
        let mut out = Vec::new();
        pace_build(
            futures_util::stream::iter(vec![Err(wharf_core::CoreError::new(
                wharf_core::ErrorKind::Engine,
                "build failed: no",
            ))]),
            |b| {
                out.push(b);
                true
            },
        )
        .await;
        assert_eq!(out.len(), 1);
        assert!(out[0].ended);
        assert_eq!(
            out[0].error.as_ref().map(|e| e.message.as_str()),
            Some("build failed: no")
        );
    }
}

/// A transfer's progress for the page: registry text made inert by the core's rule.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferUpdate {
    Progress {
        transfer: wharf_core::engine::Transfer,
    },
    Done {
        transfer: wharf_core::engine::Transfer,
        image: Option<String>,
        digest: Option<String>,
    },
    Failed {
        error: ErrorReport,
    },
}

/// Forward a pull, push, save or load to the page until it ends or the page goes.
pub async fn transfer(
    stream: Pin<Box<dyn Stream<Item = Result<wharf_core::engine::TransferEvent>> + Send>>,
    ch: Channel<TransferUpdate>,
) {
    use wharf_core::engine::TransferEvent;
    use wharf_core::rules::images::inert_transfer;
    let mut stream = stream;
    while let Some(event) = stream.next().await {
        let (msg, last) = match event {
            Ok(TransferEvent::Progress(t)) => (
                TransferUpdate::Progress {
                    transfer: inert_transfer(&t).into_owned(),
                },
                false,
            ),
            Ok(TransferEvent::Done {
                transfer,
                image,
                digest,
            }) => (
                TransferUpdate::Done {
                    transfer: inert_transfer(&transfer).into_owned(),
                    image,
                    digest,
                },
                true,
            ),
            Err(e) => {
                // The message quotes the registry and the engine: inert, as their other text.
                let mut error = ErrorReport::from(&e);
                error.message = wharf_core::streams::text::inert(&error.message).into_owned();
                (TransferUpdate::Failed { error }, true)
            }
        };
        if ch.send(msg).is_err() || last {
            return;
        }
    }
}

/// What a file copy sends: progress (at most every 256 KiB, from the core), then its end.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CopyEvent {
    Progress {
        progress: wharf_core::model::CopyProgress,
    },
    Done {
        report: wharf_core::model::CopyReport,
    },
    Error {
        error: ErrorReport,
    },
}

/// A bulk image update's progress for the page: pulls (registry text inert), each container
/// as its recreate starts, then the report (engine text inert), or the error that stopped it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageUpdateProgress {
    Pull {
        reference: String,
        index: u32,
        count: u32,
        transfer: wharf_core::engine::Transfer,
    },
    Recreating {
        name: String,
        index: u32,
        count: u32,
    },
    Finished {
        report: wharf_core::engine::ImageUpdateReport,
    },
    Failed {
        error: ErrorReport,
    },
}

/// The core's progress callback, sending to `ch` (a page that is gone just stops listening).
pub fn copy_progress(ch: Channel<CopyEvent>) -> wharf_core::engine::OnProgress {
    Arc::new(move |progress| {
        let _ = ch.send(CopyEvent::Progress { progress });
    })
}

/// Send a copy's end; skipped entries' names are container text, made inert.
pub fn copy_end(ch: &Channel<CopyEvent>, r: Result<wharf_core::model::CopyReport>) {
    let ev = match r {
        Ok(mut report) => {
            for s in &mut report.skipped {
                s.path = wharf_core::streams::text::inert(&s.path).into_owned();
                s.reason = wharf_core::streams::text::inert(&s.reason).into_owned();
            }
            CopyEvent::Done { report }
        }
        Err(e) => CopyEvent::Error {
            error: inert_report(ErrorReport::from(e)),
        },
    };
    let _ = ch.send(ev);
}

/// An error whose message and hint may quote container paths, made inert.
pub fn inert_report(mut r: ErrorReport) -> ErrorReport {
    r.message = wharf_core::streams::text::inert(&r.message).into_owned();
    r.hint = r
        .hint
        .map(|h| wharf_core::streams::text::inert(&h).into_owned());
    r
}

/// Forward a bulk image update to the page until it ends or the page goes.
pub async fn image_update(
    stream: wharf_core::engine::ImageUpdateEvents,
    ch: Channel<ImageUpdateProgress>,
) {
    use wharf_core::engine::{ContainerUpdate, ImageUpdateEvent};
    use wharf_core::rules::images::inert_transfer;
    use wharf_core::streams::text::inert;
    let mut stream = stream;
    while let Some(event) = stream.next().await {
        let (msg, last) = match event {
            Ok(ImageUpdateEvent::Pull {
                reference,
                index,
                count,
                transfer,
            }) => (
                ImageUpdateProgress::Pull {
                    reference: inert(&reference).into_owned(),
                    index,
                    count,
                    transfer: inert_transfer(&transfer).into_owned(),
                },
                false,
            ),
            Ok(ImageUpdateEvent::Recreating {
                name, index, count, ..
            }) => (
                ImageUpdateProgress::Recreating {
                    name: inert(&name).into_owned(),
                    index,
                    count,
                },
                false,
            ),
            Ok(ImageUpdateEvent::Finished { mut report }) => {
                for c in &mut report.containers {
                    match c {
                        ContainerUpdate::Skipped { why, .. } => *why = inert(why).into_owned(),
                        ContainerUpdate::Failed { step, error, .. } => {
                            *step = inert(step).into_owned();
                            *error = inert(error).into_owned();
                        }
                        ContainerUpdate::Updated { .. } => {}
                    }
                }
                (ImageUpdateProgress::Finished { report }, true)
            }
            Err(e) => (
                ImageUpdateProgress::Failed {
                    error: inert_report(ErrorReport::from(&e)),
                },
                true,
            ),
        };
        if ch.send(msg).is_err() || last {
            return;
        }
    }
}

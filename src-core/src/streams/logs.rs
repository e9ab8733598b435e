//! Following a container's logs into a bounded, searchable buffer of inert lines.
//!
//! [`LogFollower`] runs the engine's log stream in a task and hands chunks over a bounded
//! channel, so a container printing as fast as it can slows the reader, never the UI.
//! [`LogBuffer`] splits chunks into lines per stream (stdout and stderr never mix within a
//! line), drops the oldest lines beyond its capacity, caps pathological line lengths, and
//! sanitizes every line (see `text`). [`LogQuery`] is the plain-text or regex search used for
//! highlight, next/previous and filtering.

use std::collections::VecDeque;
use std::ops::Range;

use futures_util::StreamExt;
use regex::{Regex, RegexBuilder};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::text::{sanitize, StyledText};
use crate::clock::rfc3339_utc;
use crate::engine::{Engine, LogChunk, LogOptions, LogStream};
use crate::error::{CoreError, Result};

/// Lines longer than this are cut (with a marker) so one 90 kB line cannot stall a UI.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// One line of output, safe to display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogLine {
    /// Increases by one per line ever received, including dropped ones.
    pub seq: u64,
    pub stream: LogStream,
    /// The engine's RFC 3339 timestamp, when asked for.
    pub timestamp: Option<String>,
    pub text: StyledText,
    pub truncated: bool,
}

/// Whether `b` looks like the engine's RFC 3339 timestamp (`2024-05-01T12:00:00.123456789Z`):
/// only then is it split off and shown or saved apart from the line. Anything else (a TTY
/// line that starts with a digit, say `7\x1b]0;title\x07 …`) stays in the line, which is
/// sanitized, so no escape sequence rides along as a "timestamp".
fn is_timestamp(b: &[u8]) -> bool {
    (10..=40).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_digit)
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b':' | b'.' | b'T' | b'Z' | b'+'))
}

/// A bounded ring of lines.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    capacity: usize,
    next_seq: u64,
    /// Incomplete line per stream (stdout, stderr, console).
    partial: [Vec<u8>; 3],
    /// Per stream: the current line was already shown (cut at the cap); drop its bytes up to
    /// the next newline. So a 1 MB line is one line and holds at most the cap in memory.
    skipping: [bool; 3],
    timestamps: bool,
}

fn slot(s: LogStream) -> usize {
    match s {
        LogStream::Stdout => 0,
        LogStream::Stderr => 1,
        LogStream::Console => 2,
    }
}

const STREAMS: [LogStream; 3] = [LogStream::Stdout, LogStream::Stderr, LogStream::Console];

impl LogBuffer {
    /// `timestamps`: lines start with the engine's timestamp (the `timestamps` log option).
    pub fn new(capacity: usize, timestamps: bool) -> Self {
        LogBuffer {
            lines: VecDeque::with_capacity(capacity.min(4096)),
            capacity: capacity.max(1),
            next_seq: 0,
            partial: Default::default(),
            skipping: [false; 3],
            timestamps,
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Lines that were dropped to respect the capacity.
    pub fn dropped(&self) -> u64 {
        self.next_seq - self.lines.len() as u64
    }

    pub fn lines(&self) -> &VecDeque<LogLine> {
        &self.lines
    }

    pub fn get(&self, i: usize) -> Option<&LogLine> {
        self.lines.get(i)
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.partial = Default::default();
        self.skipping = [false; 3];
    }

    /// Add a chunk; returns how many complete lines it produced.
    pub fn push(&mut self, chunk: &LogChunk) -> usize {
        let i = slot(chunk.stream);
        let mut added = 0;
        let mut rest: &[u8] = &chunk.bytes;
        while let Some(nl) = rest.iter().position(|b| *b == b'\n') {
            if std::mem::take(&mut self.skipping[i]) {
                // The end of a line already shown cut.
                rest = &rest[nl + 1..];
                continue;
            }
            let mut line = std::mem::take(&mut self.partial[i]);
            line.extend_from_slice(&rest[..nl]);
            self.emit(chunk.stream, &line);
            added += 1;
            rest = &rest[nl + 1..];
        }
        if self.skipping[i] {
            return added;
        }
        self.partial[i].extend_from_slice(rest);
        // Room for a timestamp before the text's own cap.
        if self.partial[i].len() > MAX_LINE_BYTES + 64 {
            // No newline in sight: show the line cut now, and drop the rest of it as it comes.
            let line = std::mem::take(&mut self.partial[i]);
            self.emit(chunk.stream, &line);
            self.skipping[i] = true;
            added += 1;
        }
        added
    }

    /// Emit incomplete lines (at the end of a non-following fetch).
    pub fn flush(&mut self) {
        for s in STREAMS {
            let line = std::mem::take(&mut self.partial[slot(s)]);
            if !line.is_empty() {
                self.emit(s, &line);
            }
        }
    }

    fn emit(&mut self, stream: LogStream, raw: &[u8]) {
        let mut raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let mut timestamp = None;
        if self.timestamps {
            if let Some(sp) = raw.iter().position(|b| *b == b' ') {
                if is_timestamp(&raw[..sp]) {
                    timestamp = Some(String::from_utf8_lossy(&raw[..sp]).into_owned());
                    raw = &raw[sp + 1..];
                }
            }
        }
        let truncated = raw.len() > MAX_LINE_BYTES;
        let raw = if truncated {
            &raw[..MAX_LINE_BYTES]
        } else {
            raw
        };
        let mut text = sanitize(raw, true);
        if truncated {
            text.text.push_str(" …[truncated]");
        }
        if self.lines.len() >= self.capacity {
            self.lines.pop_front();
        }
        self.lines.push_back(LogLine {
            seq: self.next_seq,
            stream,
            timestamp,
            text,
            truncated,
        });
        self.next_seq += 1;
    }

    /// Take the complete lines held so far (a reader that forwards lines elsewhere, as
    /// merged logs do, keeps the buffer only for splitting and sanitizing).
    pub fn take_lines(&mut self) -> std::collections::vec_deque::Drain<'_, LogLine> {
        self.lines.drain(..)
    }

    /// Add a line made elsewhere (a merged log's): numbered here, oldest dropped beyond the
    /// capacity.
    pub fn push_line(&mut self, mut line: LogLine) {
        if self.lines.len() >= self.capacity {
            self.lines.pop_front();
        }
        line.seq = self.next_seq;
        self.lines.push_back(line);
        self.next_seq += 1;
    }

    /// Indices of lines matching `q`.
    pub fn matching(&self, q: &LogQuery) -> Vec<usize> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| q.is_match(&l.text.text))
            .map(|(i, _)| i)
            .collect()
    }

    /// The whole buffer as plain text, one line per line (for saving to a file).
    pub fn to_text(&self, with_timestamps: bool) -> String {
        let mut out = String::new();
        for l in &self.lines {
            if with_timestamps {
                if let Some(ts) = &l.timestamp {
                    // Only `is_timestamp` text (digits and `-:.TZ+`) is ever split off, so
                    // nothing unsanitized reaches the file.
                    out.push_str(ts);
                    out.push(' ');
                }
            }
            out.push_str(&l.text.text);
            out.push('\n');
        }
        out
    }
}

/// A search over log lines: plain text (case-insensitive unless it has capitals) or a regex.
#[derive(Debug, Clone)]
pub struct LogQuery {
    re: Regex,
    source: String,
    inverted: bool,
}

impl LogQuery {
    /// Plain text. Smart case: all-lowercase needles match any case.
    pub fn text(needle: &str) -> Result<Self> {
        Self::build(&regex::escape(needle), needle, needle)
    }

    /// A regular expression (same smart case).
    pub fn regex(pattern: &str) -> Result<Self> {
        Self::build(pattern, pattern, pattern)
    }

    /// `!pattern` inverts the match (lines *not* matching), as filters do.
    pub fn parse(input: &str, regex: bool) -> Result<Self> {
        let (inverted, body) = match input.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let mut q = if regex {
            Self::regex(body)?
        } else {
            Self::text(body)?
        };
        q.inverted = inverted;
        q.source = input.to_owned();
        Ok(q)
    }

    fn build(pattern: &str, shown: &str, case_source: &str) -> Result<Self> {
        if shown.is_empty() {
            return Err(CoreError::invalid_input("the search is empty"));
        }
        let smart_insensitive = !case_source.chars().any(char::is_uppercase);
        let re = RegexBuilder::new(pattern)
            .case_insensitive(smart_insensitive)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| {
                CoreError::invalid_input(format!("invalid regular expression {shown:?}: {e}"))
            })?;
        Ok(LogQuery {
            re,
            source: shown.to_owned(),
            inverted: false,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn is_inverted(&self) -> bool {
        self.inverted
    }

    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s) != self.inverted
    }

    /// Byte ranges to highlight (none for an inverted query).
    pub fn find_all(&self, s: &str) -> Vec<Range<usize>> {
        if self.inverted {
            return Vec::new();
        }
        self.re
            .find_iter(s)
            .filter(|m| !m.is_empty())
            .map(|m| m.range())
            .collect()
    }
}

/// What a follower reports besides chunks.
#[derive(Debug)]
pub enum LogEvent {
    Chunk(LogChunk),
    /// The stream ended (container stopped and not following, or removed).
    End,
    Error(CoreError),
}

/// A running log subscription; dropping it cancels the request.
#[derive(Debug)]
pub struct LogFollower {
    rx: mpsc::Receiver<LogEvent>,
    task: JoinHandle<()>,
    ended: bool,
}

/// How many chunks may wait between the engine reader and the UI.
const CHANNEL_DEPTH: usize = 256;

impl LogFollower {
    /// Follow (or fetch) `id`'s log. When a followed log's link breaks (the engine restarted,
    /// the network was cut), the follower waits for the engine to answer again and follows on
    /// from the time of the break, after a marker line saying so; other errors end it.
    pub fn start(engine: &Engine, id: &str, opts: &LogOptions) -> LogFollower {
        let (tx, rx) = mpsc::channel(CHANNEL_DEPTH);
        let task = tokio::spawn(follow(engine.clone(), id.to_owned(), opts.clone(), tx));
        LogFollower {
            rx,
            task,
            ended: false,
        }
    }

    /// Wait for the next event (for loops that select on it).
    pub async fn recv(&mut self) -> Option<LogEvent> {
        if self.ended {
            return None;
        }
        let ev = self.rx.recv().await;
        if matches!(ev, None | Some(LogEvent::End) | Some(LogEvent::Error(_))) {
            self.ended = true;
        }
        ev
    }

    /// Move up to `budget` waiting chunks into `buf` without waiting. Returns the lines
    /// added and, if the stream finished, how (`Ok(())` for a clean end).
    pub fn drain_into(
        &mut self,
        buf: &mut LogBuffer,
        budget: usize,
    ) -> (usize, Option<Result<()>>) {
        let mut added = 0;
        for _ in 0..budget {
            match self.rx.try_recv() {
                Ok(LogEvent::Chunk(c)) => added += buf.push(&c),
                Ok(LogEvent::End) => {
                    self.ended = true;
                    buf.flush();
                    return (added + 1, Some(Ok(())));
                }
                Ok(LogEvent::Error(e)) => {
                    self.ended = true;
                    buf.flush();
                    return (added, Some(Err(e)));
                }
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    self.ended = true;
                    return (added, Some(Ok(())));
                }
            }
        }
        (added, None)
    }

    pub fn is_ended(&self) -> bool {
        self.ended
    }
}

impl Drop for LogFollower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How often a follower whose link broke asks whether the engine answers again.
const RESUME_POLL: std::time::Duration = std::time::Duration::from_secs(1);

async fn follow(engine: Engine, id: String, mut opts: LogOptions, tx: mpsc::Sender<LogEvent>) {
    // Whether the log was ever followed: a link that fails at once (nothing listening) is
    // reported and ends the follower; one that breaks under a running stream is waited out.
    let mut followed = false;
    loop {
        let opened = std::time::Instant::now();
        let stream = engine.logs(&id, &opts);
        let mut stream = std::pin::pin!(stream);
        let broke = loop {
            match stream.next().await {
                Some(Ok(c)) => {
                    followed = true;
                    if tx.send(LogEvent::Chunk(c)).await.is_err() {
                        return;
                    }
                }
                Some(Err(e))
                    if opts.follow
                        && crate::store::is_link_error(&e)
                        && (followed || opened.elapsed() >= RESUME_POLL) =>
                {
                    followed = true;
                    break e;
                }
                Some(Err(e)) => {
                    // The receiver may be gone already; nothing to tell then.
                    let _ = tx.send(LogEvent::Error(e)).await;
                    return;
                }
                None => {
                    let _ = tx.send(LogEvent::End).await;
                    return;
                }
            }
        };
        let since = crate::clock::now_ms().div_euclid(1000);
        tracing::debug!(error = %broke, container = %id, "log stream broke; waiting for the engine");
        // Each ping is bounded by the request deadline; stop when nobody listens any more.
        loop {
            tokio::time::sleep(RESUME_POLL).await;
            if tx.is_closed() {
                return;
            }
            if engine.ping().await.is_ok() {
                break;
            }
        }
        let note = format!(
            "── wharf: the log stream broke ({broke}); following again from the time of the \
             break: lines around it may be missing or repeated ──\n"
        );
        let mut bytes = Vec::new();
        if opts.timestamps {
            bytes.extend_from_slice(rfc3339_utc(since).as_bytes());
            bytes.push(b' ');
        }
        bytes.extend_from_slice(note.as_bytes());
        let marker = LogChunk {
            stream: LogStream::Stderr,
            bytes,
        };
        if tx.send(LogEvent::Chunk(marker)).await.is_err() {
            return;
        }
        // Wharf's clock, not the engine's: a skewed remote clock can cost or repeat a few
        // lines, which the marker says.
        opts.since = Some(since);
        opts.tail = None;
    }
}

/// Fetch a finished log (no follow) into a new buffer.
pub async fn fetch(
    engine: &Engine,
    id: &str,
    opts: &LogOptions,
    capacity: usize,
) -> Result<LogBuffer> {
    let mut opts = opts.clone();
    opts.follow = false;
    let mut buf = LogBuffer::new(capacity, opts.timestamps);
    let stream = engine.logs(id, &opts);
    let mut stream = std::pin::pin!(stream);
    while let Some(c) = stream.next().await {
        buf.push(&c?);
    }
    buf.flush();
    Ok(buf)
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;

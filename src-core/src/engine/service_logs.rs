//! A Swarm service's logs, from every node: `GET /services/{id}/logs` with `details=1`.
//!
//! Why this endpoint rather than each task's container logs: a container's logs are only
//! reachable on the node that runs it, so a manager's API would show only its own tasks; the
//! service endpoint has the manager gather every node's (worker nodes included). bollard's
//! `service_logs` cannot ask for `details`, without which a line does not say which task wrote
//! it; so the request is Wharf's own (`Engine::raw`), and the answer's stream frames (8-byte
//! headers: stream, 0, 0, 0, length) are split here. With `details=1` and `timestamps=1` every
//! line reads `TIMESTAMP com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,
//! com.docker.swarm.task.id=… MESSAGE`; the attributes are taken off and the rest is handed on
//! as a [`LogChunk`] with its timestamp, like a container's.

use std::collections::VecDeque;

use bollard::errors::Error as BollardError;
use futures_util::Stream;
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::images::Body;
use super::logs::{LogChunk, LogOptions, LogStream};
use super::transfer::error_answer;
use super::{map_error, Engine};
use crate::error::Result;
use crate::model::{NodeId, ServiceId, TaskId};

/// One line of a service's logs and the task (and node) that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLogLine {
    pub task: Option<TaskId>,
    pub node: Option<NodeId>,
    /// `TIMESTAMP MESSAGE` (with the line break), as a container's log with timestamps.
    pub chunk: LogChunk,
}

impl Engine {
    /// The logs of service `id` from every node, line by line (timestamps always on).
    pub fn service_logs(
        &self,
        id: &ServiceId,
        opts: &LogOptions,
    ) -> impl Stream<Item = Result<TaskLogLine>> + Send + 'static {
        let mut path = format!(
            "/services/{}/logs?details=1&timestamps=1&follow={}&stdout={}&stderr={}&tail={}",
            id.as_str(),
            opts.follow,
            opts.stdout,
            opts.stderr,
            opts.tail
                .map_or_else(|| "all".to_owned(), |n| n.to_string()),
        );
        if let Some(since) = opts.since {
            path.push_str(&format!("&since={since}"));
        }
        let send = self.raw(
            hyper::Method::GET,
            &path,
            &[],
            Body::Full(bytes::Bytes::new()),
        );
        let engine = self.clone();
        let what = format!("logs of service {}", id.as_str());
        enum State {
            Start(futures_util::future::BoxFuture<'static, Result<hyper::Response<Incoming>>>),
            Reading(Incoming, Demux),
            Over,
        }
        futures_util::stream::unfold(State::Start(send), move |state| {
            let (engine, what) = (engine.clone(), what.clone());
            async move {
                let (mut body, mut demux) = match state {
                    State::Over => return None,
                    State::Start(send) => match send.await {
                        Ok(res) if res.status().is_success() => (res.into_body(), Demux::default()),
                        Ok(res) => {
                            let e = error_answer(&engine, res).await.context(&what);
                            return Some((Err(e), State::Over));
                        }
                        Err(e) => return Some((Err(e.context(&what)), State::Over)),
                    },
                    State::Reading(body, demux) => (body, demux),
                };
                loop {
                    if let Some(line) = demux.next_line() {
                        return Some((Ok(line), State::Reading(body, demux)));
                    }
                    match body.frame().await {
                        Some(Ok(frame)) => {
                            if let Ok(data) = frame.into_data() {
                                demux.push(&data);
                            }
                        }
                        Some(Err(e)) => {
                            let e =
                                map_error(BollardError::from(e), &engine.endpoint).context(&what);
                            return Some((Err(e), State::Over));
                        }
                        None => {
                            demux.finish();
                            return demux.next_line().map(|l| (Ok(l), State::Over));
                        }
                    }
                }
            }
        })
    }
}

/// Splits the answer into lines: stream frames when the engine multiplexes (a service
/// without a TTY), else raw bytes cut at line breaks.
#[derive(Debug, Default)]
pub(crate) struct Demux {
    buf: Vec<u8>,
    ready: VecDeque<TaskLogLine>,
    /// A partial line per stream (a frame need not end a line).
    partial: [Vec<u8>; 3],
    ended: bool,
}

impl Demux {
    pub(crate) fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
        loop {
            let framed = self.buf.len() >= 8 && self.buf[0] <= 2 && self.buf[1..4] == [0, 0, 0];
            if framed {
                let len = u32::from_be_bytes([self.buf[4], self.buf[5], self.buf[6], self.buf[7]])
                    as usize;
                if self.buf.len() < 8 + len {
                    return;
                }
                let stream = self.buf[0] as usize;
                let payload: Vec<u8> = self.buf.drain(..8 + len).skip(8).collect();
                self.lines(stream, &payload);
            } else if self.buf.len() >= 8 || self.buf.first().is_some_and(|b| *b > 2) {
                let raw = std::mem::take(&mut self.buf);
                self.lines(0, &raw);
                return;
            } else {
                return;
            }
        }
    }

    fn lines(&mut self, stream: usize, data: &[u8]) {
        let partial = &mut self.partial[stream.min(2)];
        partial.extend_from_slice(data);
        while let Some(at) = partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = partial.drain(..=at).collect();
            self.ready.push_back(parse(stream, line));
        }
    }

    /// The end of the answer: what is left is a last line without a break.
    pub(crate) fn finish(&mut self) {
        if self.ended {
            return;
        }
        self.ended = true;
        let rest = std::mem::take(&mut self.buf);
        if !rest.is_empty() {
            self.lines(0, &rest);
        }
        for stream in 0..3 {
            let left = std::mem::take(&mut self.partial[stream]);
            if !left.is_empty() {
                self.ready.push_back(parse(stream, left));
            }
        }
    }

    pub(crate) fn next_line(&mut self) -> Option<TaskLogLine> {
        self.ready.pop_front()
    }
}

/// `TIMESTAMP DETAILS MESSAGE` → the task and node named in DETAILS, `TIMESTAMP MESSAGE`.
fn parse(stream: usize, line: Vec<u8>) -> TaskLogLine {
    let stream = match stream {
        2 => LogStream::Stderr,
        _ => LogStream::Stdout,
    };
    let mut task = None;
    let mut node = None;
    let mut bytes = line;
    let ts_end = bytes.iter().position(|b| *b == b' ');
    if let Some(ts_end) = ts_end {
        let rest = &bytes[ts_end + 1..];
        let details_end = rest.iter().position(|b| *b == b' ').unwrap_or(rest.len());
        let details = String::from_utf8_lossy(&rest[..details_end]).into_owned();
        if details.contains("com.docker.swarm.") {
            for kv in details.split(',') {
                match kv.split_once('=') {
                    Some(("com.docker.swarm.task.id", v)) => task = Some(TaskId::from(v)),
                    Some(("com.docker.swarm.node.id", v)) => node = Some(NodeId::from(v)),
                    _ => {}
                }
            }
            let cut = (ts_end + 1 + details_end + 1).min(bytes.len());
            let mut kept = bytes[..ts_end + 1].to_vec();
            kept.extend_from_slice(&bytes[cut..]);
            bytes = kept;
        }
    }
    TaskLogLine {
        task,
        node,
        chunk: LogChunk { stream, bytes },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(stream: u8, text: &str) -> Vec<u8> {
        let mut f = vec![stream, 0, 0, 0];
        f.extend_from_slice(&(text.len() as u32).to_be_bytes());
        f.extend_from_slice(text.as_bytes());
        f
    }

    #[test]
    fn frames_split_into_task_lines_without_their_details() {
        let a = "2026-12-01T08:03:21.1Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s,com.docker.swarm.task.id=t1 hello world\n";
        let b = "2026-12-01T08:03:21.2Z com.docker.swarm.node.id=n2,com.docker.swarm.service.id=s,com.docker.swarm.task.id=t2 err";
        let mut bytes = frame(1, a);
        bytes.extend(frame(2, b));
        bytes.extend(frame(2, " more\n"));
        let mut d = Demux::default();
        // Split anywhere: a frame header cut in two still parses.
        d.push(&bytes[..5]);
        d.push(&bytes[5..]);
        let l1 = d.next_line().unwrap_or_else(|| panic!("no line"));
        assert_eq!(l1.task, Some(TaskId::from("t1")));
        assert_eq!(l1.node, Some(NodeId::from("n1")));
        assert_eq!(
            String::from_utf8_lossy(&l1.chunk.bytes),
            "2026-12-01T08:03:21.1Z hello world\n"
        );
        let l2 = d.next_line().unwrap_or_else(|| panic!("no line"));
        assert_eq!(l2.task, Some(TaskId::from("t2")));
        assert_eq!(l2.chunk.stream, LogStream::Stderr);
        assert_eq!(
            String::from_utf8_lossy(&l2.chunk.bytes),
            "2026-12-01T08:03:21.2Z err more\n"
        );
        assert!(d.next_line().is_none());
    }

    #[test]
    fn a_raw_answer_is_cut_at_line_breaks() {
        let mut d = Demux::default();
        d.push(b"2026-12-01T08:03:21.1Z com.docker.swarm.task.id=t9 tty line\nrest");
        d.finish();
        let l = d.next_line().unwrap_or_else(|| panic!("no line"));
        assert_eq!(l.task, Some(TaskId::from("t9")));
        assert_eq!(
            String::from_utf8_lossy(&l.chunk.bytes),
            "2026-12-01T08:03:21.1Z tty line\n"
        );
        assert!(d.next_line().is_some_and(|l| l.task.is_none()));
    }
}

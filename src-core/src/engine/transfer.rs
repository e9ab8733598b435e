//! Progress of image transfers (pull, push, load, save): the engine's JSON progress lines
//! folded into one [`Transfer`] state per operation, and the raw request behind them.
//!
//! Pull and push are sent through Wharf's own link rather than bollard's typed calls because
//! bollard's push answer drops each line's layer `id`, without which there is no per-layer
//! progress. The lines are read here with the same fields for both.
//!
//! A transfer stream is cancelled by dropping it: the response body goes, its connection is
//! closed, and the engine cancels the pull or push it was serving (its request context ends).
//! Registry text in statuses is the engine's and the registry's, not Wharf's: the UIs show it
//! through `rules::images::inert_transfer`.

use std::time::{Duration, Instant};

use bollard::errors::Error as BollardError;
use futures_util::Stream;
use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::Response;
use serde::{Deserialize, Serialize};

use super::{map_error, Engine};
use crate::error::{CoreError, ErrorKind, Result};

/// One layer of a pull or push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LayerProgress {
    /// The engine's short layer id.
    pub id: String,
    /// The engine's last status for it (`Downloading`, `Extracting`, `Pushed`, …).
    pub status: String,
    /// Bytes moved, and the layer's size when known (0 until then).
    pub current: u64,
    pub total: u64,
    pub done: bool,
}

/// The whole of one transfer so far: per-layer progress and the overall figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Transfer {
    /// `pull 127.0.0.1:5000/app:1`, `push …`, `save …`, `load FILE`.
    pub what: String,
    pub layers: Vec<LayerProgress>,
    /// The last line that was about the whole transfer (`Digest: …`, `Loaded image: …`).
    pub status: String,
    /// Bytes moved over all layers (or of the file, for save and load) and the known total.
    pub current: u64,
    pub total: u64,
    pub layers_done: u32,
}

/// What a transfer stream yields: progress, then one `Done` at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TransferEvent {
    Progress(Transfer),
    /// Finished. `image` is the image id a pull or load produced (load: the last one),
    /// `digest` the manifest digest a push stored.
    Done {
        transfer: Transfer,
        image: Option<String>,
        digest: Option<String>,
    },
}

/// One line of the engine's progress JSON.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProgressLine {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// `docker load` writes its result here.
    #[serde(default)]
    pub stream: Option<String>,
    #[serde(default, rename = "progressDetail")]
    pub progress: Option<ProgressDetail>,
    #[serde(default, rename = "errorDetail")]
    pub error_detail: Option<ErrorDetail>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub aux: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProgressDetail {
    #[serde(default)]
    pub current: Option<i64>,
    #[serde(default)]
    pub total: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub message: Option<String>,
}

impl ProgressLine {
    /// The error this line reports, when it is one.
    pub fn error(&self) -> Option<String> {
        self.error_detail
            .as_ref()
            .and_then(|d| d.message.clone())
            .or_else(|| self.error.clone())
    }
}

fn size(v: Option<i64>) -> u64 {
    v.map_or(0, |v| u64::try_from(v).unwrap_or(0))
}

impl Transfer {
    pub fn new(what: impl Into<String>) -> Transfer {
        Transfer {
            what: what.into(),
            ..Transfer::default()
        }
    }

    /// Fold one progress line in. True when something other than a byte count changed (a
    /// new layer, a layer's status, the overall status): worth showing at once, where byte
    /// counts alone are throttled.
    pub(crate) fn apply(&mut self, line: &ProgressLine) -> bool {
        let status = line.status.clone().unwrap_or_default();
        let layer_id = line.id.as_deref().filter(|id| is_layer_line(id, &status));
        let Some(id) = layer_id else {
            let before = std::mem::take(&mut self.status);
            if !status.is_empty() {
                self.status = status;
            } else if let Some(s) = line
                .stream
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                self.status = s.to_owned();
            } else {
                self.status = before.clone();
            }
            return self.status != before;
        };
        let mut changed = false;
        let i = match self.layers.iter().position(|l| l.id == id) {
            Some(i) => i,
            None => {
                changed = true;
                self.layers.push(LayerProgress {
                    id: id.to_owned(),
                    status: String::new(),
                    current: 0,
                    total: 0,
                    done: false,
                });
                self.layers.len() - 1
            }
        };
        let layer = &mut self.layers[i];
        let (current, total) = line
            .progress
            .as_ref()
            .map_or((0, 0), |p| (size(p.current), size(p.total)));
        match status.as_str() {
            // Bytes over the wire: the figures the bars show.
            "Downloading" | "Pushing" => {
                if total > 0 {
                    layer.total = total;
                }
                layer.current = current.min(layer.total.max(current));
            }
            // After the download the layer's bytes have all arrived.
            "Download complete" | "Verifying Checksum" | "Extracting" => {
                if total > 0 && layer.total == 0 {
                    layer.total = total;
                }
                layer.current = layer.total;
            }
            "Pull complete" | "Pushed" | "Already exists" | "Layer already exists" => {
                layer.current = layer.total;
                layer.done = true;
            }
            s if s.starts_with("Mounted from") => {
                layer.current = layer.total;
                layer.done = true;
            }
            _ => {}
        }
        if layer.status != status {
            changed = true;
            layer.status = status;
        }
        self.current = self.layers.iter().map(|l| l.current).sum();
        self.total = self.layers.iter().map(|l| l.total).sum();
        self.layers_done =
            u32::try_from(self.layers.iter().filter(|l| l.done).count()).unwrap_or(u32::MAX);
        changed
    }
}

/// Whether a line with this `id` and `status` is about one layer (the engine also sends the
/// tag as `id` with "Pulling from …", and push's "The push refers to repository").
fn is_layer_line(id: &str, status: &str) -> bool {
    !(status.starts_with("Pulling from")
        || status.starts_with("Digest:")
        || status.starts_with("Status:")
        || status.starts_with("The push refers")
        || id.contains(':')
        || id.contains('/'))
}

/// The engine's newline-delimited JSON lines of a response body. A body that breaks is an
/// `Unavailable` error; a line that is not JSON is skipped (the engine writes none).
pub(crate) fn json_lines(
    engine: &Engine,
    res: Response<Incoming>,
) -> impl Stream<Item = Result<ProgressLine>> + Send + 'static {
    let endpoint = engine.endpoint.clone();
    let state = (res.into_body(), Vec::<u8>::new(), false);
    futures_util::stream::unfold(state, move |(mut body, mut buf, mut ended)| {
        let endpoint = endpoint.clone();
        async move {
            loop {
                if let Some(nl) = buf.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=nl).collect();
                    match serde_json::from_slice::<ProgressLine>(&line) {
                        Ok(l) => return Some((Ok(l), (body, buf, ended))),
                        Err(_) => continue,
                    }
                }
                if ended {
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        return None;
                    }
                    let line = std::mem::take(&mut buf);
                    return serde_json::from_slice::<ProgressLine>(&line)
                        .ok()
                        .map(|l| (Ok(l), (body, buf, ended)));
                }
                match body.frame().await {
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            buf.extend_from_slice(&data);
                        }
                    }
                    Some(Err(e)) => {
                        let err = map_error(BollardError::from(e), &endpoint)
                            .context("the engine's progress stream broke");
                        return Some((Err(err), (body, Vec::new(), true)));
                    }
                    None => ended = true,
                }
            }
        }
    })
}

/// A non-2xx answer's body as the engine's error (`{"message": …}`), typed by status.
pub(crate) async fn error_answer(engine: &Engine, res: Response<Incoming>) -> CoreError {
    let status = res.status().as_u16();
    let body: Bytes = match res.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return map_error(BollardError::from(e), &engine.endpoint),
    };
    #[derive(Deserialize)]
    struct Message {
        message: String,
    }
    let message = serde_json::from_slice::<Message>(&body)
        .map(|m| m.message)
        .unwrap_or_else(|_| String::from_utf8_lossy(&body).trim().to_owned());
    map_error(
        BollardError::DockerResponseServerError {
            status_code: status,
            message,
        },
        &engine.endpoint,
    )
}

/// A registry's failure, typed by what it means for the user: the tag or repository is not
/// there (`NotFound`), the registry wants credentials or refused them (`Denied`, with the
/// login hint), it cannot be reached (`Unavailable`); else the engine's words as `Engine`.
pub(crate) fn registry_error(message: &str, reference: &str, registry: &str) -> CoreError {
    let m = message.to_ascii_lowercase();
    let (kind, hint) = if m.contains("unauthorized")
        || m.contains("authentication required")
        || m.contains("no basic auth credentials")
        || m.contains("denied")
    {
        (
            ErrorKind::Denied,
            Some(format!("log in to {registry} first (:login {registry})")),
        )
    } else if m.contains("manifest unknown")
        || m.contains("not found")
        || m.contains("does not exist")
        || m.contains("name unknown")
    {
        (ErrorKind::NotFound, None)
    } else if m.contains("connection refused")
        || m.contains("no such host")
        || m.contains("dial tcp")
        || m.contains("i/o timeout")
        || m.contains("network is unreachable")
        || m.contains("timeout exceeded")
    {
        (
            ErrorKind::Unavailable,
            Some(format!(
                "check that {registry} is up and reachable from the engine"
            )),
        )
    } else {
        (ErrorKind::Engine, None)
    };
    let err = CoreError::new(kind, format!("{reference}: {}", message.trim()));
    match hint {
        Some(h) => err.with_hint(h),
        None => err,
    }
}

/// Emits at most one progress event per [`EVERY`] (and always the last), so a fast local
/// transfer does not flood a UI channel with thousands of events.
pub(crate) struct Throttle {
    last: Option<Instant>,
}

pub(crate) const EVERY: Duration = Duration::from_millis(100);

impl Throttle {
    pub fn new() -> Throttle {
        Throttle { last: None }
    }

    pub fn due(&mut self) -> bool {
        let now = Instant::now();
        match self.last {
            Some(t) if now.duration_since(t) < EVERY => false,
            _ => {
                self.last = Some(now);
                true
            }
        }
    }
}

/// The audit line of a long transfer: written with the result when it finishes, or as
/// cancelled when the stream is dropped before that.
pub(crate) struct Audited {
    engine: Engine,
    call: &'static str,
    target: String,
    done: bool,
}

impl Audited {
    pub fn new(engine: &Engine, call: &'static str, target: &str) -> Audited {
        Audited {
            engine: engine.clone(),
            call,
            target: target.to_owned(),
            done: false,
        }
    }

    pub fn finish(&mut self, result: std::result::Result<(), &CoreError>) {
        if self.done {
            return;
        }
        self.done = true;
        if let Some(audit) = &self.engine.policy.audit {
            audit.record(
                &self.engine.endpoint.to_string(),
                self.call,
                &[self.target.as_str()],
                result,
            );
        }
    }
}

impl Drop for Audited {
    fn drop(&mut self) {
        if !self.done {
            let e = CoreError::new(ErrorKind::Cancelled, "cancelled before it finished");
            self.finish(Err(&e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, status: &str, current: i64, total: i64) -> ProgressLine {
        ProgressLine {
            id: Some(id.into()),
            status: Some(status.into()),
            progress: Some(ProgressDetail {
                current: Some(current),
                total: Some(total),
            }),
            ..ProgressLine::default()
        }
    }

    #[test]
    fn pull_lines_fold_into_layers_and_totals() {
        let mut t = Transfer::new("pull x");
        t.apply(&line("1", "Pulling from library/x", 0, 0));
        assert!(t.layers.is_empty());
        assert_eq!(t.status, "Pulling from library/x");
        t.apply(&line("aaa", "Pulling fs layer", 0, 0));
        t.apply(&line("bbb", "Already exists", 0, 0));
        t.apply(&line("aaa", "Downloading", 100, 1000));
        assert_eq!((t.current, t.total, t.layers_done), (100, 1000, 1));
        t.apply(&line("aaa", "Downloading", 600, 1000));
        assert_eq!(t.current, 600);
        t.apply(&line("aaa", "Download complete", 0, 0));
        assert_eq!(t.current, 1000);
        t.apply(&line("aaa", "Extracting", 32, 1000));
        assert_eq!(t.current, 1000);
        t.apply(&line("aaa", "Pull complete", 0, 0));
        assert_eq!(t.layers_done, 2);
        assert!(t.layers.iter().all(|l| l.done));
    }

    #[test]
    fn push_lines_fold_too() {
        let mut t = Transfer::new("push x");
        t.apply(&line("ccc", "Preparing", 0, 0));
        t.apply(&line("ccc", "Pushing", 512, 2048));
        assert_eq!((t.current, t.total), (512, 2048));
        t.apply(&line("ccc", "Pushed", 0, 0));
        assert_eq!((t.current, t.layers_done), (2048, 1));
        t.apply(&line("ddd", "Mounted from other/repo", 0, 0));
        assert_eq!(t.layers_done, 2);
    }

    #[test]
    fn registry_errors_are_typed() {
        let k = |m: &str| registry_error(m, "r/x:1", "r").kind();
        assert_eq!(
            k("manifest for r/x:1 not found: manifest unknown"),
            ErrorKind::NotFound
        );
        assert_eq!(
            k("Head \"http://127.0.0.1:1/v2/x/manifests/1\": dial tcp 127.0.0.1:1: connect: connection refused"),
            ErrorKind::Unavailable
        );
        assert_eq!(k("Head …: no basic auth credentials"), ErrorKind::Denied);
        assert_eq!(k("something else"), ErrorKind::Engine);
    }
}

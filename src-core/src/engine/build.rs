//! Building an image from a directory (`POST /build`, the classic builder, as `docker build`
//! with `DOCKER_BUILDKIT=0` does it).
//!
//! [`Engine::build`] tars the context itself while it is sent (`context`: a blocking task
//! writes the tar into a bounded channel that is the request body, so at most
//! [`BODY_CHUNKS`] × [`CHUNK`] bytes of context are in memory), and turns the engine's answer
//! into [`BuildEvent`]s: one per output line, steps apart, ending with the new image's id.
//! Dropping the stream cancels the build: the request is dropped, which closes the
//! connection, and the engine stops the build and removes its intermediate container.
//!
//! Strings in the events are the engine's, raw: `streams::build` makes them inert for display.
//! The build goes through [`Engine::mutate`] (read-only, audit as `image.build`).

mod context;

use std::collections::HashMap;
use std::pin::Pin;

use bollard::query_parameters as qp;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use sha2::Digest;
use tokio::sync::mpsc;

use super::{map_error, Engine};
use crate::error::{CoreError, ErrorKind, Result};
use crate::spec::build::BuildPlan;
use crate::spec::dockerignore::Ignore;

/// Size of one piece of the context on its way to the engine.
const CHUNK: usize = 64 * 1024;
/// Pieces written ahead of the engine's reading (1 MiB).
const BODY_CHUNKS: usize = 16;

/// What a build reports, in order: the context sent, steps and their output, the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BuildEvent {
    /// The whole context was sent: its size as a tar and its entries.
    Context { bytes: u64, entries: u64 },
    /// A Dockerfile step starts (`Step 2/5 : COPY . /app`).
    Step { text: String },
    /// One line of output: the builder's own (` ---> Running in …`) or a `RUN`'s.
    Output { text: String },
    /// Pull progress of a base image (only when the build pulls).
    Status { text: String },
    /// The image was built (and tagged with every tag of the plan).
    Done { id: String, tags: Vec<String> },
}

/// The events of one build; `Err` ends it. Drop it to cancel.
pub type BuildStream = Pin<Box<dyn Stream<Item = Result<BuildEvent>> + Send>>;

/// A tar writer's output as the request body: 64 KiB pieces through a bounded channel.
struct BodyWriter {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl BodyWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(piece)).map_err(|_| {
            // The request was dropped: the build was cancelled or the engine hung up.
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the engine stopped reading")
        })
    }
}

impl std::io::Write for BodyWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = CHUNK - self.buf.len();
        let n = room.min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// The name an outside Dockerfile gets in the archive, like the CLI's
/// `.dockerfile.<20 random hex>` (unique enough: time and process).
fn outside_dockerfile_name() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let seed = format!("{now}-{}", std::process::id());
    let hash = hex::encode(sha2::Sha256::digest(seed.as_bytes()));
    format!(".dockerfile.{}", &hash[..20])
}

/// The context's `.dockerignore` (none = nothing excluded), keeping the build files.
fn read_ignore(plan: &BuildPlan, dockerfile_in_tar: &str) -> Result<Ignore> {
    let path = plan.context.join(".dockerignore");
    let ignore = match std::fs::read_to_string(&path) {
        Ok(text) => Ignore::parse(&text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ignore::default(),
        Err(e) => {
            return Err(CoreError::new(
                ErrorKind::Io,
                format!("cannot read {}: {e}", path.display()),
            ))
        }
    };
    ignore.keep_build_files(dockerfile_in_tar)
}

/// `repo:tag` → (`repo`, `tag`); the tag is after the last ':' that follows the last '/'.
fn split_tag(reference: &str) -> (&str, &str) {
    let slash = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[slash..].rfind(':') {
        Some(i) => (&reference[..slash + i], &reference[slash + i + 1..]),
        None => (reference, "latest"),
    }
}

/// The engine's `stream` text as lines (it sends several per message, or a partial one).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.is_empty())
}

impl Engine {
    /// Build `plan` (see the module docs). The read-only check happens before anything is
    /// read or sent; the audit line (`image.build`, targets: the tags, else the context
    /// directory) is written when the build ends, cancelled builds included.
    pub fn build(&self, plan: &BuildPlan) -> BuildStream {
        let (tx, rx) = mpsc::channel::<Result<BuildEvent>>(64);
        let engine = self.clone();
        let plan = plan.clone();
        tokio::spawn(async move {
            let context = plan.context.display().to_string();
            let targets: Vec<&str> = if plan.tags.is_empty() {
                vec![context.as_str()]
            } else {
                plan.tags.iter().map(String::as_str).collect()
            };
            let done = engine
                .mutate("image.build", &targets, engine.run_build(&plan, &tx))
                .await;
            let last = match done {
                Ok((id, tags)) => Ok(BuildEvent::Done { id, tags }),
                Err(e) => Err(e),
            };
            // Nobody listening any more (cancelled): nothing to tell.
            let _ = tx.send(last).await;
        });
        futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        })
        .boxed()
    }

    /// The build itself; events go to `tx`, the result is the image id and its tags.
    async fn run_build(
        &self,
        plan: &BuildPlan,
        tx: &mpsc::Sender<Result<BuildEvent>>,
    ) -> Result<(String, Vec<String>)> {
        let docker = self.ready().await?;
        let inside = plan.dockerfile_in_context();
        let outside_name = outside_dockerfile_name();
        let dockerfile_in_tar = inside.clone().unwrap_or_else(|| outside_name.clone());
        let ignore = read_ignore(plan, &dockerfile_in_tar)?;

        let (body_tx, mut body_rx) = mpsc::channel::<std::io::Result<Bytes>>(BODY_CHUNKS);
        let root = plan.context.clone();
        let dockerfile = plan.dockerfile.clone();
        let tar_name = outside_name.clone();
        let outside = inside.is_none();
        let mut tar_task = tokio::task::spawn_blocking(move || {
            let entry = if outside {
                context::DockerfileEntry::Outside {
                    path: &dockerfile,
                    name: &tar_name,
                }
            } else {
                context::DockerfileEntry::Inside
            };
            let writer = BodyWriter {
                tx: body_tx.clone(),
                buf: Vec::with_capacity(CHUNK),
            };
            let result = context::write(&root, ignore, entry, writer);
            if let Err(e) = &result {
                // Abort the request body, so the engine does not build half a context.
                let _ = body_tx.blocking_send(Err(std::io::Error::other(e.to_string())));
            }
            result
        });
        let body = futures_util::stream::poll_fn(move |cx| body_rx.poll_recv(cx));

        let opts = qp::BuildImageOptions {
            dockerfile: dockerfile_in_tar,
            t: plan.tags.first().cloned(),
            nocache: plan.no_cache,
            pull: plan.pull.then(|| "1".to_owned()),
            rm: true,
            // A failed step's container too (the CLI keeps it unless --force-rm): it is the
            // builder's, not the user's, and nothing in Wharf would ever show or remove it.
            forcerm: true,
            buildargs: (!plan.args.is_empty()).then(|| {
                plan.args
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<HashMap<_, _>>()
            }),
            labels: (!plan.labels.is_empty()).then(|| {
                plan.labels
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<HashMap<_, _>>()
            }),
            target: plan.target.clone().unwrap_or_default(),
            version: qp::BuilderVersion::BuilderV1,
            ..Default::default()
        };
        let mut output = docker.build_image(opts, None, Some(bollard::body_try_stream(body)));
        let mut sent = None;
        let mut image_id = None;
        loop {
            let item = tokio::select! {
                () = tx.closed() => {
                    return Err(CoreError::new(ErrorKind::Cancelled, "build cancelled"));
                }
                item = output.next() => item,
            };
            if sent.is_none() && tar_task.is_finished() {
                let s = (&mut tar_task).await.map_err(join_error)??;
                sent = Some(s);
                send(tx, s.into()).await?;
            }
            let info = match item {
                None => break,
                Some(Ok(info)) => info,
                Some(Err(e)) => {
                    // A context that could not be read cuts the request: say why, not "broken
                    // pipe". The request goes first, so the writer cannot wait on it.
                    drop(output);
                    if sent.is_none() {
                        if let Ok(Err(tar_error)) = (&mut tar_task).await.map_err(join_error) {
                            if tar_error.kind() != ErrorKind::Cancelled {
                                return Err(tar_error);
                            }
                        }
                    }
                    return Err(self.build_error(e));
                }
            };
            if let Some(text) = info.stream.as_deref() {
                for line in lines(text) {
                    let event = if line.starts_with("Step ") {
                        BuildEvent::Step {
                            text: line.to_owned(),
                        }
                    } else {
                        BuildEvent::Output {
                            text: line.to_owned(),
                        }
                    };
                    send(tx, event).await?;
                }
            }
            if let Some(status) = info.status.as_deref() {
                let mut text = String::new();
                if let Some(id) = info.id.as_deref() {
                    text.push_str(id);
                    text.push_str(": ");
                }
                text.push_str(status);
                if let Some(p) = &info.progress_detail {
                    if let (Some(cur), Some(total)) = (p.current, p.total) {
                        text.push_str(&format!(" {cur}/{total}"));
                    }
                }
                send(tx, BuildEvent::Status { text }).await?;
            }
            if let Some(id) = info.aux.and_then(|a| a.id) {
                image_id = Some(id);
            }
        }
        drop(output);
        if sent.is_none() {
            let s = tar_task.await.map_err(join_error)??;
            send(tx, s.into()).await?;
        }
        let id = image_id.ok_or_else(|| {
            CoreError::new(
                ErrorKind::Engine,
                "the engine ended the build without naming an image",
            )
        })?;
        for tag in plan.tags.iter().skip(1) {
            let (repo, t) = split_tag(tag);
            docker
                .tag_image(
                    &id,
                    Some(qp::TagImageOptions {
                        repo: Some(repo.to_owned()),
                        tag: Some(t.to_owned()),
                    }),
                )
                .await
                .map_err(|e| self.err(format_args!("tag the built image {id} as {tag}"), e))?;
        }
        Ok((id, plan.tags.clone()))
    }

    /// A failed build: the engine's own message (`errorDetail`) as is, others as usual.
    fn build_error(&self, e: bollard::errors::Error) -> CoreError {
        match e {
            bollard::errors::Error::DockerStreamError { error } => {
                CoreError::new(ErrorKind::Engine, format!("build failed: {}", error.trim()))
            }
            other => map_error(other, &self.endpoint).context("build"),
        }
    }
}

fn join_error(e: tokio::task::JoinError) -> CoreError {
    CoreError::new(
        ErrorKind::Io,
        format!("the build context writer stopped: {e}"),
    )
}

async fn send(tx: &mpsc::Sender<Result<BuildEvent>>, event: BuildEvent) -> Result<()> {
    tx.send(Ok(event))
        .await
        .map_err(|_| CoreError::new(ErrorKind::Cancelled, "build cancelled"))
}

impl From<context::Sent> for BuildEvent {
    fn from(s: context::Sent) -> Self {
        BuildEvent::Context {
            bytes: s.bytes,
            entries: s.entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_after_the_last_slash() {
        assert_eq!(split_tag("app:1"), ("app", "1"));
        assert_eq!(split_tag("reg:5000/a/b"), ("reg:5000/a/b", "latest"));
        assert_eq!(split_tag("reg:5000/a/b:2"), ("reg:5000/a/b", "2"));
    }

    #[test]
    fn output_lines_are_split_and_blank_ones_dropped() {
        let got: Vec<&str> = lines("Step 1/2 : FROM x\n ---> abc\r\n\n").collect();
        assert_eq!(got, ["Step 1/2 : FROM x", " ---> abc"]);
    }

    #[test]
    fn outside_names_look_like_the_clis() {
        let n = outside_dockerfile_name();
        assert!(n.starts_with(".dockerfile.") && n.len() == 32, "{n}");
    }
}

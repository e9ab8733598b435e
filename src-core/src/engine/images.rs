//! Images and registries: pull and push as progress streams ([`TransferEvent`]) and the
//! request driver load shares (`engine::archive`), tag, history, removal with the prune
//! choice, checking credentials (`/auth`), and the registry's current digest of a tag
//! (`/distribution/{name}/json`) for the outdated check.
//!
//! References are parsed by `spec` before any call, so a bad one gets the parser's message and
//! nothing is sent. Calls that change the engine (pull, push, load, tag, remove) are refused in
//! read-only mode and audited: the one-shot ones through [`Engine::mutate`], the streams by an
//! [`Audited`] guard that records the result, or "cancelled" when the stream is dropped first.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use bollard::query_parameters as qp;
use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt};
use hyper::body::Bytes;
use serde::Serialize;

use super::credentials::{registry_of, Keychain, RegistryCredentials};
use super::transfer::{
    error_answer, json_lines, registry_error, Audited, ProgressLine, Throttle, Transfer,
    TransferEvent,
};
use super::{map_error, Engine};
use crate::error::{CoreError, ErrorKind, Result};
use crate::spec::run::ImageRef;

/// One layer of an image's history, newest first (as `docker history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// The layer's image id, or `<missing>` for layers built elsewhere.
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    /// The build step (`/bin/sh -c #(nop) CMD …`); engine text, shown inert.
    pub created_by: String,
    pub size: u64,
    pub comment: String,
    pub tags: Vec<String>,
}

pub(super) type Events = Pin<Box<dyn Stream<Item = Result<TransferEvent>> + Send>>;

/// `s` encoded for a URL query value.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A reference the user typed, parsed, with the tag made explicit (`latest` when it names
/// neither a tag nor a digest, as the docker CLI does).
pub fn parse_reference(reference: &str) -> Result<ImageRef> {
    let mut r = crate::spec::parse_image_ref(reference)?;
    if r.tag.is_none() && r.digest.is_none() {
        r.tag = Some("latest".to_owned());
    }
    Ok(r)
}

/// `X-Registry-Auth`: the credentials as base64url JSON (`{}` when there are none).
fn auth_header(creds: Option<&RegistryCredentials>) -> Result<String> {
    let json = match creds {
        Some(c) => serde_json::to_vec(&c.to_docker()),
        None => Ok(b"{}".to_vec()),
    }
    .map_err(|e| CoreError::new(ErrorKind::Engine, format!("registry auth header: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE.encode(json))
}

/// The end of a transfer: what it produced.
pub(super) struct Produced {
    pub image: Option<String>,
    pub digest: Option<String>,
}

pub(super) type Finish = Box<
    dyn FnOnce(Transfer, Vec<String>, Option<String>) -> BoxFuture<'static, Result<Produced>>
        + Send,
>;

enum Stage {
    Sending(BoxFuture<'static, Result<hyper::Response<hyper::body::Incoming>>>),
    Reading(Pin<Box<dyn Stream<Item = Result<ProgressLine>> + Send>>),
    Over,
}

struct Drive {
    engine: Engine,
    stage: Stage,
    transfer: Transfer,
    /// Bytes of a request body sent so far (load), shown while the engine is quiet.
    sent: Option<Arc<AtomicU64>>,
    throttle: Throttle,
    /// Made on the first poll, not with the stream: a stream may be made outside any tokio
    /// runtime (a synchronous Tauri command) and only polled inside one.
    tick: Option<tokio::time::Interval>,
    /// `Loaded image…` lines and the pushed digest, for `finish`.
    loaded: Vec<String>,
    digest: Option<String>,
    /// How a failure line is typed (the reference and registry it names).
    reference: String,
    registry: String,
    finish: Option<Finish>,
    audit: Audited,
}

impl Drive {
    fn fail(&mut self, e: CoreError) -> Option<Result<TransferEvent>> {
        self.stage = Stage::Over;
        self.audit.finish(Err(&e));
        Some(Err(e))
    }

    async fn step(&mut self) -> Option<Result<TransferEvent>> {
        loop {
            match &mut self.stage {
                Stage::Over => return None,
                Stage::Sending(fut) => {
                    tokio::select! {
                        res = fut => match res {
                            Ok(res) if res.status().is_success() => {
                                self.stage = Stage::Reading(Box::pin(json_lines(&self.engine, res)));
                            }
                            Ok(res) => {
                                let e = error_answer(&self.engine, res).await;
                                let e = if matches!(e.kind(), ErrorKind::Engine | ErrorKind::NotFound | ErrorKind::Denied) {
                                    registry_error(e.message(), &self.reference, &self.registry)
                                } else {
                                    e.context(&self.reference)
                                };
                                return self.fail(e);
                            }
                            Err(e) => return self.fail(e.context(&self.reference)),
                        },
                        _ = self
                            .tick
                            .get_or_insert_with(|| tokio::time::interval(super::transfer::EVERY))
                            .tick(), if self.sent.is_some() => {
                            if let Some(sent) = &self.sent {
                                self.transfer.current = sent.load(Ordering::Relaxed);
                            }
                            return Some(Ok(TransferEvent::Progress(self.transfer.clone())));
                        }
                    }
                }
                Stage::Reading(lines) => match lines.next().await {
                    Some(Ok(line)) => {
                        if let Some(message) = line.error() {
                            let e = registry_error(&message, &self.reference, &self.registry);
                            return self.fail(e);
                        }
                        if let Some(s) = line.stream.as_deref().or(line.status.as_deref()) {
                            if s.trim_start().starts_with("Loaded image") {
                                self.loaded.push(s.trim().to_owned());
                            }
                        }
                        if let Some(d) = line
                            .aux
                            .as_ref()
                            .and_then(|a| a.get("Digest"))
                            .and_then(|d| d.as_str())
                        {
                            self.digest = Some(d.to_owned());
                        }
                        let changed = self.transfer.apply(&line);
                        if self.throttle.due() || changed {
                            return Some(Ok(TransferEvent::Progress(self.transfer.clone())));
                        }
                    }
                    Some(Err(e)) => return self.fail(e.context(&self.reference)),
                    None => {
                        self.stage = Stage::Over;
                        if let Some(sent) = &self.sent {
                            self.transfer.current = sent.load(Ordering::Relaxed);
                        }
                        let finish = self.finish.take()?;
                        let loaded = std::mem::take(&mut self.loaded);
                        let produced =
                            finish(self.transfer.clone(), loaded, self.digest.take()).await;
                        return match produced {
                            Ok(p) => {
                                self.audit.finish(Ok(()));
                                Some(Ok(TransferEvent::Done {
                                    transfer: self.transfer.clone(),
                                    image: p.image,
                                    digest: p.digest,
                                }))
                            }
                            Err(e) => self.fail(e),
                        };
                    }
                },
            }
        }
    }
}

/// A stream driving one transfer request to its end.
fn drive(d: Drive) -> Events {
    Box::pin(futures_util::stream::unfold(d, |mut d| async move {
        let item = d.step().await?;
        Some((item, d))
    }))
}

/// A request body: bytes, or a file read as it is sent (load).
pub(super) enum Body {
    Full(Bytes),
    Stream(Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>),
}

/// A stream whose only item is `e`.
pub(super) fn failed(e: CoreError) -> Events {
    Box::pin(futures_util::stream::once(async move { Err(e) }))
}

impl Engine {
    /// Send a request Wharf builds itself: `path` is after the version prefix (`/images/…`).
    pub(super) fn raw(
        &self,
        method: hyper::Method,
        path: &str,
        headers: &[(&str, String)],
        body: Body,
    ) -> BoxFuture<'static, Result<hyper::Response<hyper::body::Incoming>>> {
        let engine = self.clone();
        let path = path.to_owned();
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        Box::pin(async move {
            engine.ready().await?;
            let url = format!("{}/v{}{path}", engine.link.url(), engine.api_version());
            let mut req = hyper::Request::builder().method(method).uri(url);
            for (k, v) in &headers {
                req = req.header(k.as_str(), v.as_str());
            }
            let body = match body {
                Body::Full(b) => bollard::body_full(b),
                Body::Stream(s) => bollard::body_try_stream(s),
            };
            let req = req
                .body(body)
                .map_err(|e| CoreError::new(ErrorKind::InvalidInput, format!("request: {e}")))?;
            engine
                .link
                .send(req)
                .await
                .map_err(|e| map_error(e, &engine.endpoint))
        })
    }

    /// An empty POST to `path` with `X-Registry-Auth` for `registry` (pull and push): the
    /// credentials are looked up when the future runs, not when it is made.
    fn authed_post(
        &self,
        path: String,
        registry: &str,
        keychain: &Keychain,
    ) -> BoxFuture<'static, Result<hyper::Response<hyper::body::Incoming>>> {
        let (engine, keychain, registry) = (self.clone(), keychain.clone(), registry.to_owned());
        Box::pin(async move {
            let creds = keychain.credentials_for(&registry).await?;
            let auth = auth_header(creds.as_ref())?;
            engine
                .raw(
                    hyper::Method::POST,
                    &path,
                    &[("X-Registry-Auth", auth)],
                    Body::Full(Bytes::new()),
                )
                .await
        })
    }

    /// Pull `reference` (name, `name:tag` or `name@digest`) with this session's credentials
    /// for its registry. Progress per layer, then `Done` with the image id. Dropping the
    /// stream cancels the pull.
    pub fn pull(&self, reference: &str, keychain: &Keychain) -> Events {
        let r = match parse_reference(reference) {
            Ok(r) => r,
            Err(e) => return failed(e),
        };
        let shown = r.to_string();
        if let Err(e) = self.check_writable("image.pull", &[&shown]) {
            return failed(e);
        }
        let registry = registry_of(&r.repository);
        let from = match &r.digest {
            Some(d) => format!("{}@{d}", r.repository),
            None => r.repository.clone(),
        };
        let mut path = format!("/images/create?fromImage={}", q(&from));
        if let (Some(t), None) = (&r.tag, &r.digest) {
            path.push_str(&format!("&tag={}", q(t)));
        }
        let send = self.authed_post(path, &registry, keychain);
        let finder = self.clone();
        let target = shown.clone();
        let finish: Finish = Box::new(move |_t, _loaded, _digest| {
            Box::pin(async move {
                let image = finder.inspect_image(&target).await?;
                Ok(Produced {
                    image: Some(image.id.to_string()),
                    digest: None,
                })
            })
        });
        self.transfer(
            "image.pull",
            format!("pull {shown}"),
            shown,
            registry,
            send,
            None,
            finish,
        )
    }

    /// Push `reference` (`registry/name:tag`) with this session's credentials for its
    /// registry. Progress per layer, then `Done` with the manifest digest.
    pub fn push(&self, reference: &str, keychain: &Keychain) -> Events {
        let r = match parse_reference(reference) {
            Ok(r) => r,
            Err(e) => return failed(e),
        };
        let shown = r.to_string();
        if r.digest.is_some() {
            return failed(CoreError::invalid_input(format!(
                "'{shown}' names a digest; push a tag (name:tag)"
            )));
        }
        if let Err(e) = self.check_writable("image.push", &[&shown]) {
            return failed(e);
        }
        let registry = registry_of(&r.repository);
        let path = format!(
            "/images/{}/push?tag={}",
            r.repository,
            q(r.tag.as_deref().unwrap_or("latest"))
        );
        let send = self.authed_post(path, &registry, keychain);
        let finish: Finish = Box::new(move |t, _loaded, digest| {
            Box::pin(async move {
                // Older engines say it in the last status only: `tag: digest: sha256:… size: N`.
                let digest = digest.or_else(|| {
                    t.status
                        .split_whitespace()
                        .find(|w| w.starts_with("sha256:"))
                        .map(str::to_owned)
                });
                Ok(Produced {
                    image: None,
                    digest,
                })
            })
        });
        self.transfer(
            "image.push",
            format!("push {shown}"),
            shown,
            registry,
            send,
            None,
            finish,
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn transfer(
        &self,
        call: &'static str,
        what: String,
        reference: String,
        registry: String,
        send: BoxFuture<'static, Result<hyper::Response<hyper::body::Incoming>>>,
        sent: Option<(Arc<AtomicU64>, u64)>,
        finish: Finish,
    ) -> Events {
        let mut transfer = Transfer::new(what);
        if let Some((_, total)) = &sent {
            transfer.total = *total;
        }
        let audit = Audited::new(self, call, &reference);
        drive(Drive {
            engine: self.clone(),
            stage: Stage::Sending(send),
            transfer,
            sent: sent.map(|(s, _)| s),
            throttle: Throttle::new(),
            tick: None,
            loaded: Vec::new(),
            digest: None,
            reference,
            registry,
            finish: Some(finish),
            audit,
        })
    }

    /// `docker tag SOURCE TARGET`.
    pub async fn tag(&self, source: &str, target: &str) -> Result<()> {
        let r = crate::spec::parse_image_ref(target)?;
        if r.digest.is_some() {
            return Err(CoreError::invalid_input(format!(
                "'{target}' is not a valid tag: a tag cannot name a digest"
            )));
        }
        let opts = qp::TagImageOptions {
            repo: Some(r.repository.clone()),
            tag: Some(r.tag.clone().unwrap_or_else(|| "latest".to_owned())),
        };
        self.mutate("image.tag", &[source, target], async {
            self.ready()
                .await?
                .tag_image(source, Some(opts))
                .await
                .map_err(|e| self.err(format_args!("tag {source} as {target}"), e))
        })
        .await
    }

    /// The image's layers, newest first.
    pub async fn history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        let h = self
            .ready()
            .await?
            .image_history(id)
            .await
            .map_err(|e| self.err(format_args!("history of {id}"), e))?;
        Ok(h.into_iter()
            .map(|e| HistoryEntry {
                id: e.id,
                created: e.created,
                created_by: e.created_by,
                size: u64::try_from(e.size).unwrap_or(0),
                comment: e.comment,
                tags: e.tags,
            })
            .collect())
    }

    /// Remove an image or a tag, with the engine's `force` and `noprune` choices (`noprune`
    /// keeps the untagged parents `docker rmi` would otherwise remove).
    pub async fn remove_image_with(&self, id: &str, force: bool, no_prune: bool) -> Result<()> {
        let opts = qp::RemoveImageOptions {
            force,
            noprune: no_prune,
            platforms: None,
        };
        let call = match (force, no_prune) {
            (false, false) => "image.remove",
            (true, false) => "image.remove_forced",
            (false, true) => "image.remove_noprune",
            (true, true) => "image.remove_forced_noprune",
        };
        self.mutate(call, &[id], async {
            self.ready()
                .await?
                .remove_image(id, Some(opts), None)
                .await
                .map(drop)
                .map_err(|e| self.err(format_args!("remove image {id}"), e))
        })
        .await
    }

    /// The digest the registry holds now for `reference` (`/distribution/{name}/json`,
    /// asked by the engine with this session's credentials).
    pub async fn registry_digest(&self, reference: &str, keychain: &Keychain) -> Result<String> {
        let r = parse_reference(reference)?;
        let shown = r.to_string();
        let registry = registry_of(&r.repository);
        let creds = keychain.credentials_for(&registry).await?;
        let answer = self
            .ready()
            .await?
            .inspect_registry_image(&shown, creds.map(|c| c.to_docker()))
            .await;
        match answer {
            Ok(d) => d.descriptor.digest.ok_or_else(|| {
                CoreError::new(
                    ErrorKind::Engine,
                    format!("{shown}: the registry answered without a digest"),
                )
            }),
            Err(e) => {
                let e = map_error(e, &self.endpoint);
                Err(match e.kind() {
                    ErrorKind::Engine | ErrorKind::NotFound | ErrorKind::Denied => {
                        registry_error(e.message(), &shown, &registry)
                    }
                    _ => e.context(&shown),
                })
            }
        }
    }

    /// `POST /auth`: whether the registry accepts `creds` (the engine asks it).
    pub(crate) async fn check_auth(&self, creds: &RegistryCredentials) -> Result<()> {
        let body = serde_json::to_vec(&creds.to_docker())
            .map_err(|e| CoreError::new(ErrorKind::Engine, format!("auth request: {e}")))?;
        let res = self
            .raw(
                hyper::Method::POST,
                "/auth",
                &[("Content-Type", "application/json".to_owned())],
                Body::Full(Bytes::from(body)),
            )
            .await?;
        if res.status().is_success() {
            return Ok(());
        }
        let e = error_answer(self, res).await;
        let server = &creds.server;
        Err(match e.kind() {
            ErrorKind::Unavailable => e.context(format_args!("login to {server}")),
            _ => {
                let r = registry_error(e.message(), &format!("login to {server}"), server);
                if r.kind() == ErrorKind::Engine && e.kind() == ErrorKind::Denied {
                    CoreError::new(ErrorKind::Denied, r.message().to_owned())
                } else {
                    r
                }
            }
        })
    }

    /// Record a login attempt (`login to HOST as USER`) in the audit log, with its result.
    /// A login changes nothing on the engine, so read-only mode allows it.
    pub(crate) fn record_login(&self, what: &str, result: Result<()>) -> Result<()> {
        if let Some(audit) = &self.policy.audit {
            audit.record(
                &self.endpoint.to_string(),
                "registry.login",
                &[what],
                result.as_ref().map(|_| ()),
            );
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_get_the_parsers_message_and_a_default_tag() {
        let e = parse_reference("Foo:bar").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.message().starts_with(
                "'Foo:bar' is not a valid image name: repository names must be lowercase"
            ),
            "{}",
            e.message()
        );
        assert_eq!(
            parse_reference("busybox").unwrap().tag.as_deref(),
            Some("latest")
        );
        let d = format!("r:5000/a@sha256:{}", "a".repeat(64));
        assert_eq!(parse_reference(&d).unwrap().tag, None);
    }

    /// A synchronous Tauri command makes the stream on a thread without a runtime; making it
    /// must not need one (it panicked in `tokio::time::interval`).
    #[test]
    fn streams_are_made_outside_a_runtime() {
        let opts = crate::engine::connect::ConnectOptions {
            host: Some("tcp://127.0.0.1:9".into()),
            ..Default::default()
        };
        let engine = Engine::new(crate::engine::connect::resolve(&opts).unwrap()).unwrap();
        let k = Keychain::at(std::path::Path::new("/nonexistent"));
        drop(engine.pull("busybox", &k));
        drop(engine.push("r:5000/a:1", &k));
        drop(engine.load(std::path::Path::new("/nonexistent.tar")));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            q("127.0.0.1:5000/a@sha256:ab"),
            "127.0.0.1%3A5000%2Fa%40sha256%3Aab"
        );
    }
}

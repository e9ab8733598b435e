//! The only module that imports bollard.
//!
//! [`Engine`] is a cheap-to-clone handle on one engine connection. Each method is a thin async
//! wrapper around one API call that returns wharf `model` types and a typed [`CoreError`].
//! `connect` decides where to connect; `convert` turns wire types into model types;
//! `connect::transport_error` explains connection failures.

mod archive;
mod build;
mod bulk;
pub mod connect;
mod convert;
mod create;
mod credentials;
mod exec;
mod files;
#[cfg(test)]
mod fuzz_documents;
#[cfg(test)]
mod fuzz_tests;
mod images;
mod lifecycle;
mod logs;
mod networks;
mod recreate;
mod search;
mod service_logs;
mod swarm;
mod swarm_config;
mod transfer;
mod update;
mod updates;

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use bollard::errors::Error as BollardError;
use bollard::query_parameters as qp;
use bollard::Docker;
use futures_util::{Stream, StreamExt, TryStreamExt};

use crate::audit::AuditLog;
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{
    Container, DiskUsage, EngineEvent, EngineInfo, Image, Network, RawStats, Volume,
};

pub use bulk::{
    classify as classify_image_update, exclusion as image_update_exclusion,
    Candidate as ImageUpdateCandidate, ContainerUpdate, ImageUpdateEvent, ImageUpdateEvents,
    ImageUpdateExcluded, ImageUpdateItem, ImageUpdatePlan, ImageUpdateReport,
};
pub use connect::Endpoint;
pub use credentials::{
    registry_of, server_key, Keychain, RegistryCredentials, Save, SaveOutcome, SaveTarget, Secret,
    HELPER_TIMEOUT,
};
pub use images::{parse_reference, HistoryEntry};
pub use transfer::{LayerProgress, Transfer, TransferEvent};
pub use updates::{
    compare as compare_digests, TagUpdate, UnknownWhy, UpdateState, CONCURRENT_CHECKS,
};
// Where the UIs have always found it; the type is model data (rules use it too).
pub use crate::model::Processes;
pub use build::{BuildEvent, BuildStream};
pub use connect::transport_error::is_timeout;
pub use convert::rfc3339_secs as rfc3339_to_unix;
pub use exec::{ExecSession, ExecSpec};
pub use files::{
    OnProgress, LIST_BYTE_BUDGET, LIST_CHILD_BUDGET, LIST_ENTRY_BUDGET, PROGRESS_STEP,
};
pub use logs::{LogChunk, LogOptions, LogStream};
pub use recreate::Recreated;
pub use search::{SearchQuery, SearchResult};
pub use service_logs::TaskLogLine;
pub use swarm::{
    can_scale, Availability, NodeRole, SecretSource, SecretValue, ServiceChange, SECRET_MAX_BYTES,
};
pub use swarm_config::{ConfigSource, CONFIG_MAX_BYTES};

/// The oldest engine API Wharf supports (Docker 20.10).
pub const MIN_API_VERSION: (usize, usize) = (1, 41);

/// A connected engine. Clones share one HTTP client and the negotiated API version.
#[derive(Clone)]
pub struct Engine {
    link: connect::Link,
    /// Rebuilt by [`Engine::negotiate`]; every call clones it (a few `Arc`s).
    docker: Arc<RwLock<Docker>>,
    /// Set by the first successful [`Engine::negotiate`]; until then every call negotiates
    /// first (see [`Engine::ready`]), so none is sent at a version the engine may refuse.
    negotiated: Arc<AtomicBool>,
    endpoint: Arc<Endpoint>,
    policy: Arc<Policy>,
}

/// What an engine handle allows and records, whatever front end holds it.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Refuse every call that changes the engine, before any request is sent.
    pub read_only: bool,
    /// Where to write one line per mutating call ([`crate::audit`]).
    pub audit: Option<Arc<AuditLog>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl Engine {
    /// A client for `endpoint`, without contacting it yet (see [`Engine::negotiate`]).
    pub fn new(endpoint: Endpoint) -> Result<Engine> {
        let link = connect::Link::new(&endpoint)?;
        let docker = link
            .docker(bollard::API_DEFAULT_VERSION)
            .map_err(|e| map_error(e, &endpoint))?;
        Ok(Engine {
            link,
            docker: Arc::new(RwLock::new(docker)),
            negotiated: Arc::new(AtomicBool::new(false)),
            endpoint: Arc::new(endpoint),
            policy: Arc::new(Policy::default()),
        })
    }

    /// The same engine under `policy` (read-only, audit log). Clones made afterwards share it.
    pub fn with_policy(mut self, policy: Policy) -> Engine {
        self.policy = Arc::new(policy);
        self
    }

    /// What this handle enforces: read-only, and the audit log it records to.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn is_read_only(&self) -> bool {
        self.policy.read_only
    }

    /// The typed refusal of a mutating call in read-only mode.
    pub fn read_only_error(what: impl std::fmt::Display) -> CoreError {
        CoreError::new(
            ErrorKind::Denied,
            format!("{what}: Wharf is in read-only mode"),
        )
        .with_hint("restart Wharf without --read-only to change the engine")
    }

    /// Refuse an action made of several calls up front in read-only mode (recorded in the
    /// audit log like a refused call), so none of its reads run either.
    pub fn check_writable(&self, name: &str, targets: &[&str]) -> Result<()> {
        if !self.policy.read_only {
            return Ok(());
        }
        let e = Self::read_only_error(format_args!("{name} {}", targets.join(" ")));
        if let Some(audit) = &self.policy.audit {
            audit.record(&self.endpoint.to_string(), name, targets, Err(&e));
        }
        Err(e)
    }

    /// The one door every call that changes the engine goes through: refused in read-only
    /// mode before `call` is polled (so no request is sent), and recorded in the audit log
    /// with its result either way. `name` is the audit call name (`container.stop`), `targets`
    /// the ids or names it acts on — never values that may hold secrets.
    pub(crate) async fn mutate<T>(
        &self,
        name: &str,
        targets: &[&str],
        call: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        // Refused: `check_writable` has recorded the refusal already.
        self.check_writable(name, targets)?;
        let result = call.await;
        if let Some(audit) = &self.policy.audit {
            let engine = self.endpoint.to_string();
            audit.record(&engine, name, targets, result.as_ref().map(|_| ()));
        }
        result
    }

    /// Connect to `endpoint`: build the client, negotiate the API version, check it answers.
    pub async fn connect(endpoint: Endpoint) -> Result<Engine> {
        let engine = Engine::new(endpoint)?;
        engine.negotiate().await?;
        Ok(engine)
    }

    /// Check the engine answers, agree on an API version with it (all clones of this handle
    /// follow) and refuse engines older than [`MIN_API_VERSION`].
    ///
    /// One `GET /_ping`: its `Api-Version` header is the engine's version. Only when that
    /// header is missing (a proxy in front of the engine may drop it) does Wharf ask
    /// `/version` as well.
    pub async fn negotiate(&self) -> Result<()> {
        let pong = self
            .link
            .ping()
            .await
            .map_err(|e| map_error(e, &self.endpoint))?;
        let ours = *bollard::API_DEFAULT_VERSION;
        let v = match pong.api_version {
            Some(theirs) if theirs < ours => theirs,
            Some(_) => ours,
            None => self
                .link
                .docker(&ours)
                .map_err(|e| map_error(e, &self.endpoint))?
                .negotiate_version()
                .await
                .map_err(|e| map_error(e, &self.endpoint))?
                .client_version(),
        };
        if (v.major_version, v.minor_version) < MIN_API_VERSION {
            return Err(CoreError::new(
                ErrorKind::Engine,
                format!(
                    "the engine at {} speaks API {}.{}; Wharf needs {}.{} (Docker 20.10) or newer",
                    self.endpoint,
                    v.major_version,
                    v.minor_version,
                    MIN_API_VERSION.0,
                    MIN_API_VERSION.1
                ),
            ));
        }
        let docker = self
            .link
            .docker(&v)
            .map_err(|e| map_error(e, &self.endpoint))?;
        *self.docker.write().unwrap_or_else(PoisonError::into_inner) = docker;
        self.negotiated.store(true, Ordering::Release);
        Ok(())
    }

    /// The client at the negotiated version, negotiating first when no call has yet. A
    /// command can arrive before the store's first session has negotiated (a page that opens
    /// straight into a view, a test): sent at the client's own newest version, it would be
    /// refused by an older engine ("client version 1.53 is too new"), and version-dependent
    /// rules (which volumes are anonymous, which `/system/df` shape) would pick the wrong side.
    /// Tests of a silent engine: behave as after a negotiation that succeeded before the
    /// engine went quiet (a real one cannot happen against a server that never answers).
    #[cfg(test)]
    pub(crate) fn assume_negotiated(&self) {
        self.negotiated.store(true, Ordering::Release);
    }

    pub(crate) async fn ready(&self) -> Result<Docker> {
        if !self.negotiated.load(Ordering::Acquire) {
            self.negotiate().await?;
        }
        Ok(self.api())
    }

    /// The bollard client at the negotiated version.
    fn api(&self) -> Docker {
        self.docker
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// What reaching this engine over SSH costs now (connections, sessions, ssh processes);
    /// `None` for the other transports. Cheap: counters, no request.
    pub fn ssh_cost(&self) -> Option<crate::model::SshCost> {
        self.link.ssh_cost()
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The API version in use after negotiation, e.g. `1.41`.
    pub fn api_version(&self) -> String {
        let v = self.api().client_version();
        format!("{}.{}", v.major_version, v.minor_version)
    }

    /// Map a bollard error for the action `what` (e.g. `stop container web`).
    fn err(&self, what: impl std::fmt::Display, e: BollardError) -> CoreError {
        map_error(e, &self.endpoint).context(what)
    }

    pub async fn ping(&self) -> Result<()> {
        self.link
            .ping()
            .await
            .map(|_| ())
            .map_err(|e| map_error(e, &self.endpoint))
    }

    /// `docker version` + `docker info`.
    pub async fn info(&self) -> Result<EngineInfo> {
        let (version, info) = tokio::try_join!(
            async {
                self.ready()
                    .await?
                    .version()
                    .await
                    .map_err(|e| self.err("version", e))
            },
            async {
                self.ready()
                    .await?
                    .info()
                    .await
                    .map_err(|e| self.err("info", e))
            },
        )?;
        Ok(convert::engine_info(version, info, self.api_version()))
    }

    // ---- listing and inspecting -------------------------------------------------------------

    pub async fn list_containers(&self) -> Result<Vec<Container>> {
        let opts = qp::ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let list = self
            .ready()
            .await?
            .list_containers(Some(opts))
            .await
            .map_err(|e| self.err("list containers", e))?;
        Ok(list
            .into_iter()
            .filter_map(convert::container_summary)
            .collect())
    }

    /// The engine's inspect document of container `id`, as bollard reads it.
    pub(crate) async fn inspect_container_raw(
        &self,
        id: &str,
    ) -> Result<bollard::models::ContainerInspectResponse> {
        self.ready()
            .await?
            .inspect_container(id, None::<qp::InspectContainerOptions>)
            .await
            .map_err(|e| self.err(format_args!("inspect container {id}"), e))
    }

    pub async fn inspect_container(&self, id: &str) -> Result<Container> {
        let c = self.inspect_container_raw(id).await?;
        convert::container_inspect(c).ok_or_else(|| no_id("container", id))
    }

    /// The full inspect document, for display.
    pub async fn inspect_container_json(&self, id: &str) -> Result<serde_json::Value> {
        let c = self.inspect_container_raw(id).await?;
        serde_json::to_value(c)
            .map_err(|e| CoreError::new(ErrorKind::Engine, format!("inspect container {id}: {e}")))
    }

    pub async fn list_images(&self) -> Result<Vec<Image>> {
        let list = self
            .ready()
            .await?
            .list_images(None::<qp::ListImagesOptions>)
            .await
            .map_err(|e| self.err("list images", e))?;
        Ok(list.into_iter().map(convert::image_summary).collect())
    }

    pub async fn inspect_image(&self, id: &str) -> Result<Image> {
        let i = self
            .ready()
            .await?
            .inspect_image(id)
            .await
            .map_err(|e| self.err(format_args!("inspect image {id}"), e))?;
        convert::image_inspect(i).ok_or_else(|| no_id("image", id))
    }

    pub async fn list_networks(&self) -> Result<Vec<Network>> {
        let list = self
            .ready()
            .await?
            .list_networks(None::<qp::ListNetworksOptions>)
            .await
            .map_err(|e| self.err("list networks", e))?;
        Ok(list.into_iter().filter_map(convert::network).collect())
    }

    pub async fn inspect_network(&self, id: &str) -> Result<Network> {
        let n = self
            .ready()
            .await?
            .inspect_network(id, None::<qp::InspectNetworkOptions>)
            .await
            .map_err(|e| self.err(format_args!("inspect network {id}"), e))?;
        convert::network_inspect(n).ok_or_else(|| no_id("network", id))
    }

    pub async fn list_volumes(&self) -> Result<Vec<Volume>> {
        let list = self
            .ready()
            .await?
            .list_volumes(None::<qp::ListVolumesOptions>)
            .await
            .map_err(|e| self.err("list volumes", e))?;
        Ok(list
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(convert::volume)
            .collect())
    }

    pub async fn inspect_volume(&self, name: &str) -> Result<Volume> {
        let v = self
            .ready()
            .await?
            .inspect_volume(name)
            .await
            .map_err(|e| self.err(format_args!("inspect volume {name}"), e))?;
        Ok(convert::volume(v))
    }

    pub async fn top(&self, id: &str) -> Result<Processes> {
        let t = self
            .ready()
            .await?
            .top_processes(id, None::<qp::TopOptions>)
            .await
            .map_err(|e| self.err(format_args!("top {id}"), e))?;
        Ok(Processes {
            titles: t.titles.unwrap_or_default(),
            rows: t.processes.unwrap_or_default(),
        })
    }

    // ---- streams ----------------------------------------------------------------------------

    /// The engine's event stream. `since` is an engine timestamp (`unix secs[.nanos]`): events
    /// from then on are replayed first, so nothing between a listing and the subscription is lost.
    pub fn events(
        &self,
        since: Option<String>,
    ) -> impl Stream<Item = Result<EngineEvent>> + Send + 'static {
        let opts = qp::EventsOptions {
            since,
            ..Default::default()
        };
        let endpoint = self.endpoint.clone();
        self.after_ready(move |docker| {
            docker
                .events(Some(opts))
                .map_err(move |e| map_error(e, &endpoint).context("events stream"))
                .filter_map(|r| async move {
                    match r {
                        Ok(m) => convert::event(m).map(Ok),
                        Err(e) => Some(Err(e)),
                    }
                })
        })
    }

    /// A stream that `open` makes from the negotiated client (see [`Engine::ready`]); a failed
    /// negotiation is the stream's one item.
    pub(crate) fn after_ready<T, S>(
        &self,
        open: impl FnOnce(Docker) -> S + Send + 'static,
    ) -> impl Stream<Item = Result<T>> + Send + 'static
    where
        S: Stream<Item = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let engine = self.clone();
        futures_util::stream::once(async move { engine.ready().await.map(open) }).try_flatten()
    }

    /// Stats readings for one container: one per second when `stream`, else a single reading.
    /// A single reading is asked `one-shot` (API 1.41; older engines ignore it): the engine
    /// reads the counters once and answers at once, instead of taking a second reading a
    /// second later for its CPU share, which Wharf does not use (it pairs its own readings).
    pub fn stats(
        &self,
        id: &str,
        stream: bool,
    ) -> impl Stream<Item = Result<RawStats>> + Send + 'static {
        let opts = qp::StatsOptions {
            stream,
            one_shot: !stream,
        };
        let endpoint = self.endpoint.clone();
        let what = format!("stats of {id}");
        let id = id.to_owned();
        self.after_ready(move |docker| {
            docker
                .stats(&id, Some(opts))
                .map_err(move |e| map_error(e, &endpoint).context(&what))
                .map_ok(convert::raw_stats)
        })
    }

    /// Whether the negotiated API version is at least `major.minor` (negotiating first if
    /// nothing has yet: before that the client's version is its own newest, not the engine's).
    pub async fn api_at_least(&self, major: usize, minor: usize) -> Result<bool> {
        let v = self.ready().await?.client_version();
        Ok((v.major_version, v.minor_version) >= (major, minor))
    }

    /// `docker system df`. Engines before API 1.52 answer `/system/df` in a shape the
    /// generated client cannot read, so there the figures are computed from the lists
    /// (volume sizes are then unknown and reported as 0).
    pub async fn disk_usage(&self) -> Result<Vec<DiskUsage>> {
        if self.api_at_least(1, 52).await? {
            let df = self
                .ready()
                .await?
                .df(None::<qp::DataUsageOptions>)
                .await
                .map_err(|e| self.err("disk usage", e))?;
            if let Some(rows) = convert::disk_usage(df) {
                return Ok(rows);
            }
        }
        self.disk_usage_from_lists().await
    }

    async fn disk_usage_from_lists(&self) -> Result<Vec<DiskUsage>> {
        let images = self.list_images().await?;
        let containers = self
            .ready()
            .await?
            .list_containers(Some(qp::ListContainersOptions {
                all: true,
                size: true,
                ..Default::default()
            }))
            .await
            .map_err(|e| self.err("disk usage: list containers", e))?;
        let volumes = self.list_volumes().await?;
        Ok(convert::disk_usage_from_lists(
            &images,
            &containers,
            &volumes,
        ))
    }
}

/// An inspect answer without an id: nothing could refer to the object.
pub(crate) fn no_id(kind: &str, id: &str) -> CoreError {
    CoreError::new(
        ErrorKind::Engine,
        format!("inspect {kind} {id}: no id in answer"),
    )
}

fn non_negative(v: Option<i64>) -> u64 {
    v.map_or(0, |v| u64::try_from(v).unwrap_or(0))
}

/// Turn any bollard error into a typed core error: HTTP statuses by meaning, everything else
/// through the transport classifier.
pub(crate) fn map_error(e: BollardError, endpoint: &Endpoint) -> CoreError {
    match e {
        BollardError::DockerResponseServerError {
            status_code,
            message,
        } => {
            let kind = match status_code {
                400 => ErrorKind::InvalidInput,
                401 | 403 => ErrorKind::Denied,
                404 => ErrorKind::NotFound,
                409 => ErrorKind::Conflict,
                _ => ErrorKind::Engine,
            };
            let message = message.trim().to_owned();
            if status_code == 400
                && message
                    .to_ascii_lowercase()
                    .contains("http request to an https server")
            {
                return CoreError::new(
                    ErrorKind::Tls,
                    format!("the engine at {endpoint} speaks TLS, but Wharf connected with plain HTTP"),
                )
                .with_hint("set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the directory with ca.pem, cert.pem and key.pem, or use a context with TLS material");
            }
            let mut err = CoreError::new(kind, message.clone());
            if kind == ErrorKind::Conflict && message.contains("running container") {
                err = err.with_hint("stop it first, or remove with force");
            }
            err
        }
        other => connect::transport_error::classify(other, endpoint),
    }
}

//! The app's link to one engine: the resolved endpoint, the core [`Store`] following it and the
//! [`StatsHub`] sampling it. Switching context replaces the whole link; readers hold an
//! `Arc<Link>` so a switch never pulls an engine from under a running command.
//!
//! A link whose endpoint cannot be resolved or whose client cannot be built still exists, with
//! the error: the page then shows why and offers another context instead of a dead window.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::watch;
use wharf_core::engine::connect::{ConnectOptions, EnvVars};
use wharf_core::engine::Policy;
use wharf_core::error::ErrorReport;
use wharf_core::model::{
    Config, Container, EngineEvent, EngineInfo, Image, Network, Node, Secret, Service, Task, Volume,
};
use wharf_core::rules::findings::{of_container, summary, FindingsSummary, Severity};
use wharf_core::rules::inert;
use wharf_core::rules::swarm::{self, Replicas};
use wharf_core::rules::usage::Usage;
use wharf_core::session::{Session, SessionError, SessionOptions};
use wharf_core::store::{ConnectionState, RefreshFailure, Snapshot};
use wharf_core::streams::stats::HubConfig;
use wharf_core::{CoreError, ErrorKind};

/// How many recent engine events a snapshot sent to the page carries.
pub const PAGE_EVENTS: usize = 200;

/// Command-line choices, as the terminal UI takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub host: Option<String>,
    pub context: Option<String>,
    /// Refuse every command that changes the engine (also `WHARF_READ_ONLY=1`).
    pub read_only: bool,
    /// The view to open instead of the last one, e.g. `containers` or `container/ID/logs`.
    pub view: Option<String>,
    /// `--audit-log FILE`: one JSON line per engine call a user action makes.
    pub audit_log: Option<String>,
    /// `--insecure-skip-tls-verify`, as in the terminal UI: lets a context or `DOCKER_TLS` skip
    /// verifying the engine's certificate; the page then shows `TLS NOT VERIFIED`.
    pub insecure_skip_tls_verify: bool,
    /// The environment to resolve the engine in; `None` (the app) reads the process's. Tests
    /// set it, since changing a running test process's environment races its other threads.
    pub env: Option<EnvVars>,
}

impl Args {
    pub fn from_env() -> Args {
        let mut args = Args::parse(std::env::args().skip(1));
        if std::env::var("WHARF_READ_ONLY").is_ok_and(|v| v == "1" || v == "true") {
            args.read_only = true;
        }
        args
    }

    /// `--host H` / `-H H` / `--host=H`, `--context C` / `-c C`, `--read-only`, `--view V`.
    /// Unknown arguments are ignored: WebKit and GTK take some of their own.
    pub fn parse(argv: impl IntoIterator<Item = String>) -> Args {
        let mut out = Args::default();
        let mut it = argv.into_iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--host" | "-H" => out.host = it.next(),
                "--context" | "-c" => out.context = it.next(),
                "--read-only" => out.read_only = true,
                "--insecure-skip-tls-verify" => out.insecure_skip_tls_verify = true,
                "--view" => out.view = it.next(),
                "--audit-log" => out.audit_log = it.next(),
                _ => {
                    if let Some(v) = a.strip_prefix("--host=") {
                        out.host = Some(v.to_owned());
                    } else if let Some(v) = a.strip_prefix("--context=") {
                        out.context = Some(v.to_owned());
                    } else if let Some(v) = a.strip_prefix("--view=") {
                        out.view = Some(v.to_owned());
                    } else if let Some(v) = a.strip_prefix("--audit-log=") {
                        out.audit_log = Some(v.to_owned());
                    }
                }
            }
        }
        out
    }

    /// What the core's session takes from these arguments (the desktop samples stats with the
    /// core's defaults).
    pub fn session_options(&self) -> SessionOptions {
        SessionOptions {
            connect: self.connect_options(),
            read_only: self.read_only,
            audit_log: self.audit_log.as_deref().map(PathBuf::from),
            stats: HubConfig::default(),
        }
    }

    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            host: self.host.clone(),
            context: self.context.clone(),
            allow_insecure_tls: self.insecure_skip_tls_verify,
            env: self.env.clone().unwrap_or_else(EnvVars::from_process),
        }
    }
}

/// The current engine link, or why there is none.
#[derive(Debug)]
pub struct Link {
    /// The core's session (engine, store, stats hub); dropping the link stops them.
    pub live: Option<Session>,
    pub endpoint: String,
    pub context: Option<String>,
    pub failure: Option<ErrorReport>,
    /// The engine's TLS certificate is not verified (see `wharf_core::engine::connect::
    /// TLS_NOT_VERIFIED`).
    pub tls_unverified: bool,
}

impl Link {
    /// Follow the engine `opts` names under `policy` (read-only, audit log), which the core
    /// enforces on every mutating call whatever command the page sends. Must run inside the
    /// tokio runtime. Never fails: a failure is kept in the link, so the page shows why and
    /// offers another context instead of a dead window.
    pub fn open_with(opts: &ConnectOptions, policy: &Policy) -> Link {
        Link::from_session(Session::open_with(
            opts,
            policy.clone(),
            HubConfig::default(),
        ))
    }

    /// The link for what `Session::open` (or `open_with`) answered.
    pub fn from_session(session: Result<Session, SessionError>) -> Link {
        match session {
            Ok(s) => Link {
                endpoint: s.endpoint.clone(),
                context: s.context.clone(),
                failure: None,
                tls_unverified: s.tls_unverified,
                live: Some(s),
            },
            Err(e) => Link {
                context: e.context,
                ..Link::failed(e.endpoint, &e.error)
            },
        }
    }

    pub(crate) fn failed(endpoint: String, e: &CoreError) -> Link {
        Link {
            live: None,
            endpoint,
            context: None,
            failure: Some(ErrorReport::from(e)),
            tls_unverified: false,
        }
    }

    /// The live connection, or the reason there is none as the error the page shows.
    pub fn live(&self) -> Result<&Session, ErrorReport> {
        self.live.as_ref().ok_or_else(|| {
            self.failure.clone().unwrap_or_else(|| {
                ErrorReport::from(&CoreError::new(
                    ErrorKind::Unavailable,
                    "no engine connection",
                ))
            })
        })
    }

    /// The store's receiver, when connected.
    pub fn snapshots(&self) -> Option<watch::Receiver<Arc<Snapshot>>> {
        self.live.as_ref().map(|l| l.store.subscribe())
    }

    /// The latest snapshot, or an empty one that carries the failure.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match &self.live {
            Some(l) => l.store.snapshot(),
            None => {
                let mut s = Snapshot::empty(self.endpoint.clone());
                s.connection = ConnectionState::Failed {
                    reason: self
                        .failure
                        .as_ref()
                        .map_or_else(String::new, |f| f.message.clone()),
                };
                Arc::new(s)
            }
        }
    }
}

/// What the page receives of a snapshot: the lists as arrays, the newest events only.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SnapshotView<'a> {
    pub revision: u64,
    pub endpoint: &'a str,
    pub context: Option<&'a str>,
    /// Its reason quotes engine error text: made inert like the lists below.
    pub connection: Cow<'a, ConnectionState>,
    pub synced: bool,
    /// Listed once, but the engine is not answering now: the lists are the last known.
    pub stale: bool,
    /// Objects whose last refresh failed; their rows show the last data fetched.
    #[cfg_attr(test, ts(as = "Vec<RefreshFailure>"))]
    pub refresh_failures: Cow<'a, [RefreshFailure]>,
    pub read_only: bool,
    /// Show `TLS NOT VERIFIED` in the header.
    pub tls_unverified: bool,
    pub engine: Option<Cow<'a, EngineInfo>>,
    // Engine strings made inert by the core (escape sequences dropped, bidi and zero-width
    // characters shown as markers); borrowed unless something had to change.
    pub containers: Vec<Cow<'a, Container>>,
    pub images: Vec<Cow<'a, Image>>,
    pub networks: Vec<Cow<'a, Network>>,
    pub volumes: Vec<Cow<'a, Volume>>,
    /// Oldest first, at most [`PAGE_EVENTS`].
    pub events: Vec<Cow<'a, EngineEvent>>,
    /// Which containers use which image, volume and network: the core's rule, the same counts
    /// the terminal UI shows.
    pub usage: Usage,
    /// Per inspected container (by id), its security findings by severity
    /// (`rules::findings`): the containers table's badge. The list itself is asked for by the
    /// container page (`container_findings`), so the snapshot stays small.
    pub findings: BTreeMap<&'a str, FindingCounts>,
    /// Engine-wide counts over the same findings: the dashboard's card.
    pub findings_summary: FindingsSummary,
    /// Compose projects grouped from the (inert) containers' labels (`rules::compose`):
    /// services with their containers, counts, working dir and config files.
    pub projects: Vec<wharf_core::rules::compose::ComposeProject>,
    /// The engine is a swarm manager: the lists below are meaningful (empty otherwise).
    pub swarm_manager: bool,
    pub nodes: Vec<Cow<'a, Node>>,
    /// Services with their running/desired tasks (`rules::swarm::replicas`).
    pub services: Vec<ServiceView<'a>>,
    /// Every service's tasks, current first, then history (`rules::swarm::tasks_of`).
    pub tasks: Vec<Cow<'a, Task>>,
    /// Metadata only: a secret's value is never returned by the engine nor kept by Wharf.
    pub secrets: Vec<Cow<'a, Secret>>,
    /// Configs with their data made inert (`rules::inert::config`; text only, at most the
    /// core's preview): the page shows the data only when asked ("Show data").
    pub configs: Vec<Cow<'a, Config>>,
}

/// A service as the page shows it: the service, its replicas, and its task names.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ServiceView<'a> {
    pub service: Cow<'a, Service>,
    pub replicas: Replicas,
}

/// How many findings of each severity a container has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FindingCounts {
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

/// The snapshot as a command returns it: owns the shared snapshot and link, and serializes as
/// the [`SnapshotView`] borrowed from them (no copy of the lists, no untyped JSON in between).
#[derive(Debug)]
pub struct SnapshotPayload {
    snapshot: Arc<Snapshot>,
    link: Arc<Link>,
    read_only: bool,
}

impl SnapshotPayload {
    pub fn new(link: Arc<Link>, read_only: bool) -> Self {
        SnapshotPayload {
            snapshot: link.snapshot(),
            link,
            read_only,
        }
    }
}

impl Serialize for SnapshotPayload {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SnapshotView::new(&self.snapshot, &self.link, self.read_only).serialize(s)
    }
}

impl<'a> SnapshotView<'a> {
    pub fn new(s: &'a Snapshot, link: &'a Link, read_only: bool) -> Self {
        let events: &VecDeque<Arc<EngineEvent>> = &s.events;
        let mut findings = BTreeMap::new();
        let mut lists = Vec::new();
        for c in s.containers.values() {
            let Some(list) = of_container(c) else {
                continue;
            };
            let mut n = FindingCounts::default();
            for f in &list {
                match f.severity {
                    Severity::High => n.high += 1,
                    Severity::Medium => n.medium += 1,
                    Severity::Low => n.low += 1,
                }
            }
            findings.insert(c.id.as_str(), n);
            lists.push(list);
        }
        let containers: Vec<Cow<'_, Container>> =
            s.containers.values().map(|c| inert::container(c)).collect();
        let projects = wharf_core::rules::compose::group(containers.iter().map(|c| c.as_ref()));
        SnapshotView {
            projects,
            revision: s.revision,
            endpoint: &s.endpoint,
            context: link.context.as_deref(),
            connection: inert::connection(&s.connection),
            synced: s.synced,
            stale: s.is_stale(),
            refresh_failures: inert::refresh_failures(&s.refresh_failures),
            read_only,
            tls_unverified: link.tls_unverified,
            engine: s.engine.as_deref().map(inert::engine_info),
            containers,
            images: s.images.values().map(|i| inert::image(i)).collect(),
            networks: s.networks.values().map(|n| inert::network(n)).collect(),
            volumes: s.volumes.values().map(|v| inert::volume(v)).collect(),
            events: events
                .iter()
                .skip(events.len().saturating_sub(PAGE_EVENTS))
                .map(|e| inert::event(e))
                .collect(),
            usage: Usage::of(s),
            findings,
            findings_summary: summary(&lists),
            swarm_manager: s.is_swarm_manager(),
            nodes: s.nodes.values().map(|n| inert::node(n)).collect(),
            services: s
                .services
                .values()
                .map(|v| ServiceView {
                    service: inert::service(v),
                    replicas: swarm::replicas(s, v),
                })
                .collect(),
            tasks: s
                .services
                .keys()
                .flat_map(|id| swarm::tasks_of(s, id))
                .map(|t| inert::task(t))
                .collect(),
            secrets: s.secrets.values().map(|v| inert::secret(v)).collect(),
            configs: s.configs.values().map(|v| inert::config(v)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags_like_the_cli() {
        let a = Args::parse(
            [
                "--host",
                "unix:///x.sock",
                "--context=prod",
                "--read-only",
                "--insecure-skip-tls-verify",
                "--view",
                "images",
            ]
            .map(String::from)
            .to_vec(),
        );
        assert_eq!(a.host.as_deref(), Some("unix:///x.sock"));
        assert_eq!(a.context.as_deref(), Some("prod"));
        assert!(a.read_only);
        assert!(a.insecure_skip_tls_verify && a.connect_options().allow_insecure_tls);
        assert_eq!(a.view.as_deref(), Some("images"));
        let b = Args::parse(["-H=bad", "-c", "dev"].map(String::from).to_vec());
        assert_eq!(b.host, None);
        assert_eq!(b.context.as_deref(), Some("dev"));
        assert!(!b.insecure_skip_tls_verify && !b.connect_options().allow_insecure_tls);
    }
}

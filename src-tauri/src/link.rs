//! The app's link to one engine: the resolved endpoint, the core [`Store`] following it and the
//! [`StatsHub`] sampling it. Switching context replaces the whole link; readers hold an
//! `Arc<Link>` so a switch never pulls an engine from under a running command.
//!
//! A link whose endpoint cannot be resolved or whose client cannot be built still exists, with
//! the error: the page then shows why and offers another context instead of a dead window.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::watch;
use wharf_core::engine::connect::{resolve, ConnectOptions, EnvVars};
use wharf_core::engine::Engine;
use wharf_core::error::ErrorReport;
use wharf_core::model::{Container, EngineEvent, EngineInfo, Image, Network, Volume};
use wharf_core::store::{ConnectionState, RefreshFailure, Snapshot, Store};
use wharf_core::streams::stats::HubConfig;
use wharf_core::streams::StatsHub;
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
                "--view" => out.view = it.next(),
                _ => {
                    if let Some(v) = a.strip_prefix("--host=") {
                        out.host = Some(v.to_owned());
                    } else if let Some(v) = a.strip_prefix("--context=") {
                        out.context = Some(v.to_owned());
                    } else if let Some(v) = a.strip_prefix("--view=") {
                        out.view = Some(v.to_owned());
                    }
                }
            }
        }
        out
    }

    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            host: self.host.clone(),
            context: self.context.clone(),
            allow_insecure_tls: false,
            env: EnvVars::from_process(),
        }
    }
}

/// A live connection: engine client, store and stats hub. Dropping it stops them all.
#[derive(Debug)]
pub struct Live {
    pub engine: Engine,
    pub store: Store,
    pub stats: StatsHub,
}

/// The current engine link, or why there is none.
#[derive(Debug)]
pub struct Link {
    pub live: Option<Live>,
    pub endpoint: String,
    pub context: Option<String>,
    pub failure: Option<ErrorReport>,
}

impl Link {
    /// Resolve and start following an engine. Must run inside the tokio runtime (it spawns the
    /// store's and the hub's tasks). Never fails: a failure is kept in the link.
    pub fn open(opts: &ConnectOptions) -> Link {
        let endpoint = match resolve(opts) {
            Ok(e) => e,
            Err(e) => return Link::failed(opts.host.clone().unwrap_or_default(), &e),
        };
        let label = endpoint.transport.to_string();
        let context = endpoint.context().map(str::to_owned);
        match Engine::new(endpoint) {
            Ok(engine) => {
                let store = Store::spawn(engine.clone());
                let stats =
                    StatsHub::spawn(engine.clone(), store.subscribe(), HubConfig::default());
                Link {
                    live: Some(Live {
                        engine,
                        store,
                        stats,
                    }),
                    endpoint: label,
                    context,
                    failure: None,
                }
            }
            Err(e) => Link {
                context,
                ..Link::failed(label, &e)
            },
        }
    }

    fn failed(endpoint: String, e: &CoreError) -> Link {
        Link {
            live: None,
            endpoint,
            context: None,
            failure: Some(ErrorReport::from(e)),
        }
    }

    /// The live connection, or the reason there is none as the error the page shows.
    pub fn live(&self) -> Result<&Live, ErrorReport> {
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
    pub connection: &'a ConnectionState,
    pub synced: bool,
    /// Listed once, but the engine is not answering now: the lists are the last known.
    pub stale: bool,
    /// Objects whose last refresh failed; their rows show the last data fetched.
    pub refresh_failures: &'a [RefreshFailure],
    pub read_only: bool,
    pub engine: Option<&'a EngineInfo>,
    pub containers: Vec<&'a Container>,
    pub images: Vec<&'a Image>,
    pub networks: Vec<&'a Network>,
    pub volumes: Vec<&'a Volume>,
    /// Oldest first, at most [`PAGE_EVENTS`].
    pub events: Vec<&'a EngineEvent>,
}

impl<'a> SnapshotView<'a> {
    pub fn new(s: &'a Snapshot, link: &'a Link, read_only: bool) -> Self {
        let events: &VecDeque<Arc<EngineEvent>> = &s.events;
        SnapshotView {
            revision: s.revision,
            endpoint: &s.endpoint,
            context: link.context.as_deref(),
            connection: &s.connection,
            synced: s.synced,
            stale: s.is_stale(),
            refresh_failures: &s.refresh_failures,
            read_only,
            engine: s.engine.as_deref(),
            containers: s.containers.values().map(|c| &**c).collect(),
            images: s.images.values().map(|i| &**i).collect(),
            networks: s.networks.values().map(|n| &**n).collect(),
            volumes: s.volumes.values().map(|v| &**v).collect(),
            events: events
                .iter()
                .skip(events.len().saturating_sub(PAGE_EVENTS))
                .map(|e| &**e)
                .collect(),
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
                "--view",
                "images",
            ]
            .map(String::from)
            .to_vec(),
        );
        assert_eq!(a.host.as_deref(), Some("unix:///x.sock"));
        assert_eq!(a.context.as_deref(), Some("prod"));
        assert!(a.read_only);
        assert_eq!(a.view.as_deref(), Some("images"));
        let b = Args::parse(["-H=bad", "-c", "dev"].map(String::from).to_vec());
        assert_eq!(b.host, None);
        assert_eq!(b.context.as_deref(), Some("dev"));
    }
}

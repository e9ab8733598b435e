//! A session: one engine followed by both front ends the same way. [`Session::open`] resolves
//! the endpoint, builds the engine handle under its [`Policy`] (read-only, audit log), and
//! starts the [`Store`] following it and the [`StatsHub`] sampling it. The terminal UI and the
//! desktop app both call it, so what "connect" means is written once.
//!
//! Must be called inside a tokio runtime (the store and the hub spawn tasks there). Dropping a
//! session stops its store and hub.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::audit::AuditLog;
use crate::engine::connect::{resolve, ConnectOptions, Endpoint};
use crate::engine::{Engine, Policy};
use crate::error::{CoreError, ErrorKind, Result};
use crate::store::{ConnectionState, Store};
use crate::streams::stats::HubConfig;
use crate::streams::StatsHub;

/// What a session connects to and how.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub connect: ConnectOptions,
    /// Refuse every call that changes the engine.
    pub read_only: bool,
    /// Append one JSON line per mutating engine call to this file ([`crate::audit`]).
    pub audit_log: Option<PathBuf>,
    pub stats: HubConfig,
}

impl SessionOptions {
    /// The policy the engine handle enforces. The audit log is opened here, so a file that
    /// cannot be written stops Wharf from acting rather than from logging. An empty path is no
    /// audit log (a flag given an unset variable).
    pub fn policy(&self) -> Result<Policy> {
        let audit = match self
            .audit_log
            .as_deref()
            .filter(|p| !p.as_os_str().is_empty())
        {
            Some(path) => Some(Arc::new(AuditLog::open(path)?)),
            None => None,
        };
        Ok(Policy {
            read_only: self.read_only,
            audit,
        })
    }
}

impl SessionOptions {
    /// What a live switch to docker context `name` connects with, written once for both front
    /// ends: the engine changes (the context replaces any `--host`), everything else the user
    /// started with carries over: read-only, the audit log, accepting an unverified TLS
    /// certificate (`--insecure-skip-tls-verify` was given for the whole run), the
    /// environment contexts are read in, and the stats sampling.
    pub fn for_context(&self, name: &str) -> SessionOptions {
        SessionOptions {
            connect: ConnectOptions {
                host: None,
                context: Some(name.to_owned()),
                ..self.connect.clone()
            },
            ..self.clone()
        }
    }

    /// [`SessionOptions::for_context`] for an address instead (`:host URL`): the address
    /// replaces any context, the rest carries over the same way.
    pub fn for_host(&self, host: &str) -> SessionOptions {
        SessionOptions {
            connect: ConnectOptions {
                host: Some(host.to_owned()),
                context: None,
                ..self.connect.clone()
            },
            ..self.clone()
        }
    }
}

/// The longest a switch waits for the new engine's first answer. The store's own request
/// deadlines (10 s, 20 s over SSH) end the wait sooner for a frozen or unreachable engine;
/// this only guards against an answer that never comes at all.
pub const SWITCH_WAIT: Duration = Duration::from_secs(40);

/// One followed engine: the handle, the store following it and the stats hub sampling it.
#[derive(Debug)]
pub struct Session {
    pub engine: Engine,
    pub store: Store,
    pub stats: StatsHub,
    /// The transport, as headers show it (`unix:///var/run/docker.sock`).
    pub endpoint: String,
    /// The docker context the endpoint comes from, if any.
    pub context: Option<String>,
    /// The engine's TLS certificate is not verified (see
    /// [`crate::engine::connect::TLS_NOT_VERIFIED`]).
    pub tls_unverified: bool,
}

/// Why a session did not open, with what was learnt before it failed (for a header that
/// still says which engine was meant).
#[derive(Debug)]
pub struct SessionError {
    pub error: CoreError,
    /// The transport when resolved, else the `--host` asked for, else empty.
    pub endpoint: String,
    pub context: Option<String>,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for SessionError {}

impl Session {
    /// Open the audit log, resolve the endpoint and start following the engine.
    pub fn open(options: &SessionOptions) -> std::result::Result<Session, SessionError> {
        let policy = options.policy().map_err(|error| SessionError {
            error,
            endpoint: options.connect.host.clone().unwrap_or_default(),
            context: None,
        })?;
        Session::open_with(&options.connect, policy, options.stats.clone())
    }

    /// [`Session::open`] under a policy already made (a context switch keeps the first one).
    pub fn open_with(
        connect: &ConnectOptions,
        policy: Policy,
        stats: HubConfig,
    ) -> std::result::Result<Session, SessionError> {
        let endpoint = resolve(connect).map_err(|error| SessionError {
            error,
            endpoint: connect.host.clone().unwrap_or_default(),
            context: None,
        })?;
        Session::open_endpoint(endpoint, policy, stats)
    }

    /// [`Session::open_with`] on an endpoint already resolved (a fleet engine from Wharf's
    /// own configuration, with its TLS files: see [`crate::fleet`]).
    pub fn open_endpoint(
        endpoint: Endpoint,
        policy: Policy,
        stats: HubConfig,
    ) -> std::result::Result<Session, SessionError> {
        let label = endpoint.transport.to_string();
        let context = endpoint.context().map(str::to_owned);
        let tls_unverified = endpoint.transport.tls_unverified();
        let engine = match Engine::new(endpoint) {
            Ok(e) => e.with_policy(policy),
            Err(error) => {
                return Err(SessionError {
                    error,
                    endpoint: label,
                    context,
                })
            }
        };
        let store = Store::spawn(engine.clone());
        let stats = StatsHub::spawn(engine.clone(), store.subscribe(), stats);
        Ok(Session {
            engine,
            store,
            stats,
            endpoint: label,
            context,
            tls_unverified,
        })
    }

    /// A live switch to docker context `name` (see [`SessionOptions::for_context`] for what
    /// carries over), under `policy`: the policy of the session being replaced, so its audit
    /// log goes on in the same file rather than being opened twice.
    ///
    /// Unlike [`Session::open`], this waits until the engine has answered: it returns the
    /// session only once its store is connected, and an error (the old session untouched,
    /// the new one dropped) when the engine is unreachable, refuses, or does not answer
    /// within its request deadline. The caller keeps its current session until then.
    pub async fn switch(
        options: &SessionOptions,
        name: &str,
        policy: Policy,
    ) -> std::result::Result<Session, SessionError> {
        Session::open_answering(options.for_context(name), policy).await
    }

    /// [`Session::switch`] to an address (see [`SessionOptions::for_host`]).
    pub async fn switch_host(
        options: &SessionOptions,
        host: &str,
        policy: Policy,
    ) -> std::result::Result<Session, SessionError> {
        Session::open_answering(options.for_host(host), policy).await
    }

    /// Open a session on `options` under `policy` and wait until its engine has answered.
    async fn open_answering(
        options: SessionOptions,
        policy: Policy,
    ) -> std::result::Result<Session, SessionError> {
        let session = Session::open_with(&options.connect, policy, options.stats.clone())?;
        let mut rx = session.store.subscribe();
        let waited = tokio::time::timeout(
            SWITCH_WAIT,
            rx.wait_for(|s| !matches!(s.connection, ConnectionState::Connecting)),
        )
        .await;
        let reason = match waited {
            Ok(Ok(snap)) => match &snap.connection {
                ConnectionState::Connected { .. } => None,
                ConnectionState::Failed { reason }
                | ConnectionState::NotResponding { reason, .. }
                | ConnectionState::Reconnecting { reason, .. } => Some(reason.clone()),
                ConnectionState::Connecting => Some("still connecting".to_owned()),
            },
            // The store's task ended: only when the runtime shuts down.
            Ok(Err(_)) => Some("the engine follower stopped".to_owned()),
            Err(_) => Some(format!("no answer within {} s", SWITCH_WAIT.as_secs())),
        };
        match reason {
            None => Ok(session),
            Some(reason) => Err(SessionError {
                // The store's reason already carries its hint (what to check); the front ends
                // add that the current engine stays.
                error: CoreError::new(ErrorKind::Unavailable, reason),
                endpoint: session.endpoint.clone(),
                context: session.context.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::connect::EnvVars;

    fn options(host: &str, audit_log: Option<PathBuf>) -> SessionOptions {
        SessionOptions {
            connect: ConnectOptions {
                host: Some(host.into()),
                context: None,
                allow_insecure_tls: false,
                env: EnvVars::default(),
            },
            read_only: true,
            audit_log,
            stats: HubConfig::default(),
        }
    }

    #[tokio::test]
    async fn opens_under_its_policy_without_reaching_the_engine() {
        // Nothing listens there (loopback port 1): opening builds the client and spawns the
        // followers, which keep retrying until dropped.
        let dir = std::env::temp_dir().join(format!("wharf-session-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let s = match Session::open(&options("tcp://127.0.0.1:1", Some(dir.join("audit.jsonl")))) {
            Ok(s) => s,
            Err(e) => panic!("open: {e}"),
        };
        assert_eq!(s.endpoint, "tcp://127.0.0.1:1");
        assert!(s.engine.policy().read_only && s.engine.policy().audit.is_some());
        assert!(!s.tls_unverified && s.context.is_none());
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn failures_say_which_engine_was_meant() {
        let e = match Session::open(&options("ftp://nowhere", None)) {
            Err(e) => e,
            Ok(_) => panic!("an ftp host resolved"),
        };
        assert_eq!(e.endpoint, "ftp://nowhere");
        // An audit log that cannot be opened stops the session before anything connects.
        let e = match Session::open(&options(
            "unix:///nonexistent/wharf.sock",
            Some("/nonexistent/dir/audit.jsonl".into()),
        )) {
            Err(e) => e,
            Ok(_) => panic!("an unwritable audit log opened"),
        };
        assert_eq!(e.error.kind(), ErrorKind::Io);
        assert_eq!(e.endpoint, "unix:///nonexistent/wharf.sock");
    }

    #[test]
    fn a_switch_keeps_everything_but_the_engine() {
        let mut start = options("tcp://127.0.0.1:1", Some("/tmp/audit.jsonl".into()));
        start.connect.allow_insecure_tls = true;
        start.stats.interval = Duration::from_millis(1234);
        let next = start.for_context("other");
        assert_eq!(next.connect.host, None);
        assert_eq!(next.connect.context.as_deref(), Some("other"));
        assert!(next.read_only && next.connect.allow_insecure_tls);
        assert_eq!(next.audit_log, start.audit_log);
        assert_eq!(next.stats.interval, Duration::from_millis(1234));
        // From a context to an address: the address replaces the context.
        let by_host = next.for_host("tcp://127.0.0.1:2");
        assert_eq!(by_host.connect.host.as_deref(), Some("tcp://127.0.0.1:2"));
        assert_eq!(by_host.connect.context, None);
        assert!(by_host.read_only && by_host.connect.allow_insecure_tls);
        assert_eq!(by_host.audit_log, start.audit_log);
    }

    #[tokio::test]
    async fn a_switch_succeeds_only_once_the_engine_answers() {
        use sha2::Digest;
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone.sock");
        let id = hex::encode(sha2::Sha256::digest(b"gone"));
        let meta = dir.path().join("contexts/meta").join(id);
        std::fs::create_dir_all(&meta).unwrap();
        let json = format!(
            r#"{{"Name":"gone","Endpoints":{{"docker":{{"Host":"unix://{}"}}}}}}"#,
            gone.display()
        );
        std::fs::write(meta.join("meta.json"), json).unwrap();
        let mut start = options("tcp://127.0.0.1:1", None);
        start.connect.env = EnvVars {
            docker_config: Some(dir.path().into()),
            ..EnvVars::default()
        };
        let policy = start.policy().unwrap();
        // No such context: the resolve error, before anything connects.
        let e = match Session::switch(&start, "nowhere", policy.clone()).await {
            Err(e) => e,
            Ok(_) => panic!("an unknown context switched"),
        };
        assert_eq!(e.error.kind(), ErrorKind::NotFound, "{e}");
        // A context whose socket does not exist resolves and builds a client (what
        // `Session::open` accepts), but a switch waits for an answer and fails, naming it.
        let e = match Session::switch(&start, "gone", policy).await {
            Err(e) => e,
            Ok(_) => panic!("a switch to a missing socket succeeded"),
        };
        assert_eq!(e.error.kind(), ErrorKind::Unavailable, "{e}");
        assert_eq!(e.context.as_deref(), Some("gone"));
        assert!(e.endpoint.contains("gone.sock"), "{}", e.endpoint);
        // An address where nothing listens (loopback port 1): the client builds, nothing
        // answers, the switch fails.
        let e = match Session::switch_host(&start, "tcp://127.0.0.1:1", start.policy().unwrap())
            .await
        {
            Err(e) => e,
            Ok(_) => panic!("a switch to a closed port succeeded"),
        };
        assert_eq!(e.error.kind(), ErrorKind::Unavailable, "{e}");
        assert_eq!(e.endpoint, "tcp://127.0.0.1:1");
    }
}

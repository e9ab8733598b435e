//! A live switch (`Session::switch`, what `:ctx` and the desktop's context selector do) against
//! the real engine: a context where nothing answers fails and names it; a reachable one is
//! connected when returned, and keeps the audit log (same file, one line per call) and
//! read-only the first session was opened with.

use wharf_core::command::{execute, Command};
use wharf_core::engine::connect::{ConnectOptions, EnvVars};
use wharf_core::session::{Session, SessionOptions};
use wharf_core::streams::stats::HubConfig;
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, unique_name, write_context, TestEngine};

/// Removes a volume Wharf created, also when the test fails.
struct VolumeGuard<'e>(&'e TestEngine, String);

impl Drop for VolumeGuard<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["volume", "rm", "-f", &self.1]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_switch_connects_first_and_keeps_the_audit_log_and_read_only() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_context(dir.path(), "again", te.host());
    write_context(dir.path(), "dead", "tcp://127.0.0.1:9");
    let audit = dir.path().join("audit.jsonl");
    let options = SessionOptions {
        connect: ConnectOptions {
            host: Some(te.host().to_owned()),
            context: None,
            allow_insecure_tls: false,
            env: EnvVars {
                docker_config: Some(dir.path().into()),
                ..EnvVars::default()
            },
        },
        read_only: false,
        audit_log: Some(audit.clone()),
        stats: HubConfig::default(),
    };
    let first = Session::open(&options).unwrap_or_else(|e| panic!("{e}"));
    let policy = first.engine.policy().clone();

    let e = match Session::switch(&options, "dead", policy.clone()).await {
        Err(e) => e,
        Ok(_) => panic!("switched to a port where nothing listens"),
    };
    assert_eq!(e.error.kind(), ErrorKind::Unavailable, "{e}");
    assert_eq!(e.context.as_deref(), Some("dead"));
    assert_eq!(e.endpoint, "tcp://127.0.0.1:9");

    let next = Session::switch(&options, "again", policy)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(next.context.as_deref(), Some("again"));
    assert!(next.store.snapshot().connection.is_connected());
    drop(first);
    // A call through the new session goes into the first one's audit log.
    let name = unique_name("switch-audit");
    let _guard = VolumeGuard(te, name.clone());
    let create = Command::CreateVolume {
        name: name.clone(),
        driver: None,
    };
    execute(&next.engine, &create)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&audit).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["targets"][0], name.as_str(), "{text}");
    assert_eq!(lines[0]["result"], "ok", "{text}");

    // Read-only carries over the same way.
    let ro = SessionOptions {
        read_only: true,
        audit_log: None,
        ..options.clone()
    };
    let policy = ro.policy().unwrap_or_else(|e| panic!("{e}"));
    let guarded = Session::switch(&ro, "again", policy)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(guarded.engine.is_read_only());
    let err = execute(
        &guarded.engine,
        &Command::RemoveVolume {
            name: name.as_str().into(),
            force: true,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("a read-only session removed a volume"));
    assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
}

//! The desktop app over SSH (a loopback sshd made by the test, `MaxSessions 10`, in front of
//! the test engine), on Tauri's mock runtime with the real core: the store connects, and the
//! `ssh_cost` command the Engine page reads reports the shared connections, matching the ssh
//! processes this test process runs; on a unix socket it is `null`. (The mock app keeps its
//! state until the process exits, when each master's watchdog ends it.)
//!
//! One test in its own binary: it puts the `ssh` shim of [`TestSshd`] first in `PATH`, which
//! must happen before any other thread runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::TestApp;
use serde_json::json;
use wharf_desktop::Args;
use wharf_tests::{require_engine, ssh_children, wait_until_blocking, TestSshd};

const T: Duration = Duration::from_secs(60);

#[test]
fn ssh_cost_reports_the_shared_connections() {
    let engine = require_engine!();
    let Some(sshd) = TestSshd::start_or_skip(engine.host()) else {
        return;
    };
    // Only this test runs in this binary, and no other thread exists yet.
    std::env::set_var("PATH", sshd.trusted_path().unwrap());

    let local = TestApp::on(engine);
    assert_eq!(local.invoke("ssh_cost", json!({})).unwrap(), json!(null));
    drop(local);

    let t = TestApp::new(Args {
        host: Some(format!("ssh://root@127.0.0.1:{}", sshd.port())),
        ..Args::default()
    });
    t.wait_event(T, |e| {
        e["synced"] == true && e["connection"]["state"] == "connected"
    });
    let cost = t.invoke("ssh_cost", json!({})).unwrap();
    assert_eq!(cost["sessions_per_connection"], 8, "{cost}");
    assert!(cost["connections"].as_u64() >= Some(1), "{cost}");
    // The counts agree with the processes and connections there are (once an ssh whose
    // session just ended has exited).
    wait_until_blocking(T, "ssh_cost matches the ssh processes", || {
        let cost = t.invoke("ssh_cost", json!({})).unwrap();
        let procs = ssh_children();
        let masters = procs.iter().filter(|(_, m)| *m).count() as u64;
        cost["processes"].as_u64() == Some(procs.len() as u64)
            && cost["connections"].as_u64() == Some(masters)
            && cost["connections"].as_u64() == Some(sshd.tcp_connections() as u64)
    });
}

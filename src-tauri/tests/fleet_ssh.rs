//! The Fleet page's SSH cost per engine on Tauri's mock runtime with the real core: a fleet of
//! the test engine's socket and the same engine through a loopback sshd made by the test
//! (`MaxSessions 10`). The pushed listing (`fleet_watch`) carries the SSH member's cost (its
//! shared connections, at most 8 sessions each) and nothing for the socket.
//!
//! One test in its own binary: it puts the `ssh` shim of [`TestSshd`] first in `PATH`, which
//! must happen before any other thread runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::TestApp;
use serde_json::json;
use tauri::Manager;
use wharf_core::engine::connect::EnvVars;
use wharf_desktop::fleet::FleetState;
use wharf_desktop::Args;
use wharf_tests::{require_engine, TestSshd};

const T: Duration = Duration::from_secs(60);

#[test]
fn the_pushed_fleet_carries_each_ssh_engines_cost() {
    let engine = require_engine!();
    let Some(sshd) = TestSshd::start_or_skip(engine.host()) else {
        return;
    };
    // Only this test runs in this binary, and no other thread exists yet.
    std::env::set_var("PATH", sshd.trusted_path().unwrap());

    // No docker contexts but the test's (none), no configured engines.
    let dir = tempfile::tempdir().unwrap();
    let mut t = TestApp::new(Args {
        host: Some(engine.host().to_owned()),
        env: Some(EnvVars {
            docker_config: Some(dir.path().into()),
            ..EnvVars::default()
        }),
        ..Args::default()
    });
    t.app.state::<FleetState>().set_config(None);
    let ssh = format!("ssh://root@127.0.0.1:{}", sshd.port());
    t.invoke("fleet_open", json!({ "hosts": [ssh, engine.host()] }))
        .unwrap();
    let (channel, ch) = t.channel();
    t.invoke("fleet_watch", json!({ "channel": channel }))
        .unwrap();
    let m = t.wait_message(ch, T, |m| {
        m["ssh"].as_array().is_some_and(|a| {
            a.iter().any(|e| {
                e["engine"] == ssh.as_str()
                    && e["cost"]["connections"].as_u64() >= Some(1)
                    && e["cost"]["sessions_per_connection"] == 8
            })
        })
    });
    let ssh_engines: Vec<&str> = m["ssh"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["engine"].as_str())
        .collect();
    assert_eq!(
        ssh_engines,
        [ssh.as_str()],
        "only the SSH engine has a cost: {m}"
    );
}

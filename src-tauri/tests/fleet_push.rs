//! The Fleet page's push (`fleet_watch`) on Tauri's mock runtime with the real core and the
//! test engine: the first message is the listing at once; a container stopped behind Wharf's
//! back arrives as a pushed message, with no `fleet_snapshot` asked; once the page stops the
//! stream (a hidden page does), a change sends nothing more.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::TestApp;
use serde_json::{json, Value};
use tauri::Manager;
use wharf_core::engine::connect::EnvVars;
use wharf_desktop::fleet::FleetState;
use wharf_desktop::Args;
use wharf_tests::{require_engine, wait_until_blocking};

const T: Duration = Duration::from_secs(30);

fn state_of(m: &Value, id: &str) -> Option<String> {
    m["snapshot"]["containers"]
        .as_array()?
        .iter()
        .find(|r| r["container"]["id"] == id)
        .and_then(|r| r["container"]["state"].as_str().map(str::to_owned))
}

#[test]
fn fleet_revisions_are_pushed_until_the_stream_stops() {
    let te = require_engine!();
    let c = te
        .container("desk-fleet-push")
        .args(&["--stop-timeout", "1"])
        .cmd(&["sleep", "300"])
        .start();
    let id = c.id().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[engines]]\nname = \"main\"\nhost = \"{}\"\n", te.host()),
    )
    .unwrap();
    let mut t = TestApp::new(Args {
        host: Some(te.host().to_owned()),
        env: Some(EnvVars {
            docker_config: Some(dir.path().into()),
            ..EnvVars::default()
        }),
        ..Args::default()
    });
    t.app.state::<FleetState>().set_config(Some(config));
    t.invoke("fleet_open", json!({ "hosts": [] })).unwrap();
    let (channel, ch) = t.channel();
    let stream = t
        .invoke("fleet_watch", json!({ "channel": channel }))
        .unwrap();
    // The listing now, then the engine's first sync: the container running on `main`.
    t.wait_message(ch, T, |m| state_of(m, &id).as_deref() == Some("running"));

    // Stopped behind Wharf's back: the engine's event makes a revision, which is pushed.
    te.docker_ok(&["stop", &id]);
    let m = t.wait_message(ch, T, |m| state_of(m, &id).as_deref() == Some("exited"));
    assert!(
        m["ssh"].as_array().is_some_and(Vec::is_empty),
        "no SSH engine: {m}"
    );

    // The page hides: its stream stops, and a change reaches it no more.
    t.invoke("stream_stop", json!({ "stream": stream }))
        .unwrap();
    let sent = t.messages(ch).len();
    te.docker_ok(&["start", &id]);
    wait_until_blocking(T, "the fleet sees the container running again", || {
        let s = t.invoke("fleet_snapshot", json!({})).unwrap();
        s["containers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["container"]["id"] == id.as_str() && r["container"]["state"] == "running")
    });
    // Longer than a batch: a stream still running would have sent the revision by now.
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        t.messages(ch).len(),
        sent,
        "nothing is pushed after the stream stopped"
    );
}

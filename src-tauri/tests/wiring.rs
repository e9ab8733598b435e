//! Command wiring on Tauri's mock runtime, without an engine: every command is reachable by
//! its name, parses the arguments the page sends, and maps failures to `{kind, message}`.
//! The safety rules of the adapter (read-only, confirmation) are checked here too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{dead_host, kind, missing_socket, TestApp};
use serde_json::json;
use wharf_desktop::Args;

const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[test]
fn app_info_and_snapshot_describe_the_endpoint() {
    let t = TestApp::offline();
    let info = t.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["read_only"], false);
    assert!(info["endpoint"].as_str().unwrap().contains("127.0.0.1:9"));
    let snap = t.invoke("snapshot", json!({})).unwrap();
    assert!(snap["endpoint"].as_str().unwrap().contains("127.0.0.1:9"));
    assert!(snap["containers"].as_array().unwrap().is_empty());
    assert!(snap["connection"]["state"].is_string());
}

#[test]
fn the_bridge_sends_store_changes_as_events() {
    let t = TestApp::offline();
    // The store cannot connect, so it publishes reconnecting/failed revisions.
    let ev = t.wait_event(Duration::from_secs(10), |e| {
        e["connection"]["state"] != "connecting" && e["revision"].as_u64() > Some(0)
    });
    assert!(ev["endpoint"].as_str().unwrap().contains("127.0.0.1:9"));
}

#[test]
fn engine_calls_fail_with_unavailable_when_no_engine_answers() {
    let t = TestApp::offline();
    for (cmd, args) in [
        ("inspect", json!({ "id": "web" })),
        ("top", json!({ "id": "web" })),
        ("disk_usage", json!({})),
        ("engine_info", json!({})),
        (
            "logs_save",
            json!({ "id": "web", "name": "web", "timestamps": false }),
        ),
        (
            "exec_open",
            json!({ "id": "web", "cols": 80, "rows": 24, "channel": "__CHANNEL__:7" }),
        ),
        (
            "execute",
            json!({ "cmd": { "action": "start", "id": ID }, "confirmed": false }),
        ),
    ] {
        let err = t.invoke(cmd, args).expect_err(cmd);
        assert_eq!(kind(&err), "unavailable", "{cmd}: {err}");
        assert!(err["message"].as_str().unwrap().len() > 5, "{cmd}: {err}");
    }
}

#[test]
fn destructive_commands_need_confirmation() {
    let t = TestApp::offline();
    for cmd in [
        json!({ "action": "stop", "id": ID, "timeout": null }),
        json!({ "action": "remove", "id": ID, "force": true, "volumes": false }),
        json!({ "action": "prune", "plan": { "target": { "target": "containers" }, "items": [] } }),
    ] {
        let err = t
            .invoke("execute", json!({ "cmd": cmd, "confirmed": false }))
            .unwrap_err();
        assert_eq!(kind(&err), "invalid_input", "{err}");
        assert!(err["message"].as_str().unwrap().contains("confirmation"));
    }
    // A prune without its plan (the engine's own prune, whatever is unused by then) no longer
    // exists; a plan naming objects its target does not remove is refused before sending.
    let err = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "prune", "target": { "target": "volumes", "all": false } }, "confirmed": true }),
        )
        .unwrap_err();
    assert!(err.to_string().contains("plan"), "{err}");
    let bad = json!({ "target": { "target": "volumes", "all": false },
        "items": [{ "kind": "container", "id": ID, "name": "web", "size": null, "tags": [] }] });
    let err = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "prune", "plan": bad }, "confirmed": true }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    // Confirmed, it reaches the engine (which is not there).
    let err = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "stop", "id": ID, "timeout": 1 }, "confirmed": true }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "unavailable", "{err}");
}

#[test]
fn bad_commands_are_refused_before_anything_is_sent() {
    let t = TestApp::offline();
    let err = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "kill", "id": ID, "signal": "SIGNOPE" }, "confirmed": true }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    // The page's forms: names the engine would refuse are refused here, naming the problem.
    for (cmd, says) in [
        (
            json!({ "action": "rename", "id": ID, "name": "bad name!" }),
            "invalid container name",
        ),
        (
            json!({ "action": "create_network", "name": "", "driver": null, "internal": false }),
            "network name is empty",
        ),
        (
            json!({ "action": "create_volume", "name": "-data", "driver": "local" }),
            "invalid volume name",
        ),
    ] {
        let err = t
            .invoke("execute", json!({ "cmd": cmd, "confirmed": false }))
            .unwrap_err();
        assert_eq!(kind(&err), "invalid_input", "{err}");
        assert!(err["message"].as_str().unwrap().contains(says), "{err}");
    }
    // A malformed command is a deserialization error from Tauri, not a panic.
    let err = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "explode" }, "confirmed": true }),
        )
        .unwrap_err();
    assert!(err.to_string().contains("explode"), "{err}");
}

#[test]
fn read_only_mode_refuses_changes_and_exec() {
    let t = TestApp::new(Args {
        host: Some(dead_host()),
        read_only: true,
        ..Args::default()
    });
    assert_eq!(t.invoke("app_info", json!({})).unwrap()["read_only"], true);
    assert_eq!(t.invoke("snapshot", json!({})).unwrap()["read_only"], true);
    let err = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "start", "id": ID }, "confirmed": true }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "denied", "{err}");
    assert!(err["hint"].as_str().unwrap().contains("read-only"));
    let err = t
        .invoke(
            "exec_open",
            json!({ "id": "web", "cols": 80, "rows": 24, "channel": "__CHANNEL__:9" }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "denied", "{err}");
}

#[test]
fn streams_are_registered_stopped_and_reset() {
    let mut t = TestApp::offline();
    let (ch, logs_id) = t.channel();
    let logs = t
        .invoke(
            "logs_start",
            json!({ "id": "web", "channel": ch,
                    "request": { "tail": 10, "timestamps": true, "stdout": true, "stderr": true, "follow": true } }),
        )
        .unwrap();
    // Without an engine the stream ends at once with an error batch.
    let last = t.wait_message(logs_id, Duration::from_secs(10), |m| m["ended"] == true);
    assert_eq!(last["error"]["kind"], "unavailable", "{last}");

    let (ch, stats_id) = t.channel();
    let stats = t
        .invoke(
            "stats_watch",
            json!({ "visible": [ID], "focus": ID, "channel": ch,
                    "series": { "after_ms": null } }),
        )
        .unwrap();
    // The first update comes at once, with the focused container's series (numbers, no
    // pictures; empty without an engine).
    let first = t.wait_message(stats_id, Duration::from_secs(5), |_| true);
    assert_eq!(first["series"]["id"], ID);
    assert_eq!(first["series"]["samples"], json!([]));
    assert!(first.get("charts").is_none(), "{first}");

    assert_eq!(
        t.invoke("stream_stop", json!({ "stream": stats })).unwrap(),
        true
    );
    assert_eq!(
        t.invoke("stream_stop", json!({ "stream": stats })).unwrap(),
        false
    );
    t.invoke("streams_reset", json!({})).unwrap();
    assert_eq!(
        t.invoke("stream_stop", json!({ "stream": logs })).unwrap(),
        false
    );
}

#[test]
fn exec_controls_need_an_open_session() {
    let t = TestApp::offline();
    let err = t
        .invoke("exec_write", json!({ "stream": 4242, "data": "ls\r" }))
        .unwrap_err();
    assert_eq!(kind(&err), "not_found", "{err}");
    let err = t
        .invoke(
            "exec_resize",
            json!({ "stream": 4242, "cols": 100, "rows": 30 }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "not_found", "{err}");
}

#[test]
fn contexts_list_and_switch() {
    let t = TestApp::offline();
    // Whatever ~/.docker holds on this machine, the call answers with a list.
    let list = t.invoke("contexts", json!({})).unwrap();
    assert!(list.is_array(), "{list}");
    let err = t
        .invoke(
            "switch_context",
            json!({ "name": "no-such-context-anywhere" }),
        )
        .unwrap_err();
    assert!(
        ["config", "not_found", "invalid_input"].contains(&kind(&err)),
        "{err}"
    );
    // The failed switch kept the old link.
    let info = t.invoke("app_info", json!({})).unwrap();
    assert!(info["endpoint"].as_str().unwrap().contains("127.0.0.1:9"));
}

#[test]
fn unknown_commands_are_rejected() {
    let t = TestApp::offline();
    assert!(t.invoke("shell_execute", json!({ "cmd": "id" })).is_err());
    assert!(t
        .invoke("plugin:fs|read_file", json!({ "path": "/etc/passwd" }))
        .is_err());
}

#[test]
fn a_missing_socket_is_shown_as_a_failed_connection() {
    let t = TestApp::new(Args {
        host: Some(missing_socket()),
        ..Args::default()
    });
    let snap = t.invoke("snapshot", json!({})).unwrap();
    assert_eq!(snap["connection"]["state"], "failed", "{snap}");
    assert!(snap["connection"]["reason"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/wharf-desktop-test.sock"));
    let err = t.invoke("disk_usage", json!({})).unwrap_err();
    assert_eq!(kind(&err), "unavailable", "{err}");
    assert!(err["hint"].is_string(), "{err}");
}

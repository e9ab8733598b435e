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

/// The one list of command names (`command_names::COMMANDS`) is what the handler registers and
/// what the capability grants, in both directions.
#[test]
fn every_listed_command_is_registered_and_granted() {
    use wharf_desktop::command_names::COMMANDS;
    let caps: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/capabilities/default.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let granted: Vec<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(str::to_owned))
        .collect();
    let listed: Vec<String> = COMMANDS.iter().map(|c| c.replace('_', "-")).collect();
    assert_eq!(granted, listed, "capabilities/default.json vs COMMANDS");
    let t = TestApp::with_context(
        Args {
            host: Some(dead_host()),
            ..Args::default()
        },
        tauri::generate_context!(),
    );
    for cmd in COMMANDS {
        // Arguments missing on purpose: a registered, granted command answers about them (or
        // runs); an unregistered one says it was not found, an ungranted one "not allowed".
        let text = match t.invoke(cmd, json!({ "stream": 999_999 })) {
            Ok(v) => v.to_string(),
            Err(e) => e.to_string(),
        };
        assert!(
            !text.contains("not allowed") && !text.contains("not found"),
            "{cmd}: {text}"
        );
    }
}

#[test]
fn the_page_can_invoke_only_wharfs_commands() {
    // The real configuration and capabilities (src-tauri/capabilities/), not the mock's
    // allow-everything default.
    let t = TestApp::with_context(
        Args {
            host: Some(dead_host()),
            ..Args::default()
        },
        tauri::generate_context!(),
    );
    // Wharf's own commands are allowed.
    let info = t.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["read_only"], false);
    // Plugins (none is installed, none is granted), core commands the page does not use, and
    // commands that do not exist are all refused by the access control, before any handler.
    for cmd in [
        "plugin:shell|execute",
        "plugin:shell|open",
        "plugin:fs|read_file",
        "plugin:http|fetch",
        "plugin:event|emit",
        "plugin:event|emit_to",
        "plugin:window|close",
        "plugin:webview|create_webview_window",
        "plugin:app|set_app_theme",
        "plugin:path|resolve_directory",
        "not_a_command",
        "__TAURI_INVOKE_KEY__",
    ] {
        let err = t
            .invoke(cmd, json!({ "event": "store://changed", "payload": {} }))
            .expect_err(cmd);
        let text = err.to_string();
        assert!(text.contains("not allowed"), "{cmd}: {text}");
    }
    // What the page does use: listening to Wharf's event.
    let listen = t.invoke(
        "plugin:event|listen",
        json!({ "event": "store://changed", "target": { "kind": "Any" }, "handler": 7 }),
    );
    assert!(listen.is_ok(), "{listen:?}");
}

#[test]
fn insecure_tls_is_opt_in_and_shown_while_used() {
    // An engine address whose environment asks for TLS without verification (DOCKER_TLS
    // without DOCKER_TLS_VERIFY), as a context with SkipTLSVerify would.
    let certs = tempfile::tempdir().unwrap();
    let env = || {
        Some(wharf_core::engine::connect::EnvVars {
            docker_tls: Some("1".into()),
            docker_cert_path: Some(certs.path().to_path_buf()),
            ..Default::default()
        })
    };
    let refused = TestApp::new(Args {
        host: Some("tcp://127.0.0.1:9".into()),
        env: env(),
        ..Args::default()
    });
    let info = refused.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["tls_unverified"], false);
    let snap = refused.invoke("snapshot", json!({})).unwrap();
    assert_eq!(snap["tls_unverified"], false);
    let reason = snap["connection"]["reason"].as_str().unwrap();
    assert!(reason.contains("refuses unverified TLS"), "{reason}");

    // The flag as the command line gives it (`parse` leaves `env` to the process: set it).
    let allowed = {
        let mut args = Args::parse(
            ["--host", "tcp://127.0.0.1:9", "--insecure-skip-tls-verify"]
                .map(String::from)
                .to_vec(),
        );
        args.env = env();
        TestApp::new(args)
    };
    let info = allowed.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["tls_unverified"], true, "{info}");
    let snap = allowed.invoke("snapshot", json!({})).unwrap();
    assert_eq!(snap["tls_unverified"], true, "{snap}");
    // (The bridge's events are the same `SnapshotView`, so they carry it too.)
}

/// A frozen engine (here: a loopback port whose kernel accepts connections and nobody ever
/// answers, as with a SIGSTOPped dockerd) reaches the page as `not_responding`, with the
/// fields the header and banner use.
#[test]
fn a_frozen_engine_reaches_the_page_as_not_responding() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let t = TestApp::new(Args {
        host: Some(format!("tcp://127.0.0.1:{port}")),
        ..Args::default()
    });
    let ev = t.wait_event(Duration::from_secs(20), |e| {
        e["connection"]["state"] == "not_responding"
    });
    assert!(ev["connection"]["since_ms"].as_i64().unwrap() > 0);
    // Nothing ever answers, so the first request (version negotiation) runs into its request
    // deadline: the reason names the engine and says it does not answer.
    let reason = ev["connection"]["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!("the engine at tcp://127.0.0.1:{port}"))
            && reason.contains("is not responding: no answer in time"),
        "{ev}"
    );
    // Never listed, so nothing is stale yet; no object failed to refresh.
    assert_eq!(ev["stale"], false);
    assert_eq!(ev["refresh_failures"], json!([]));
    let snap = t.invoke("snapshot", json!({})).unwrap();
    assert_eq!(snap["connection"]["state"], "not_responding");
    drop(silent);
}

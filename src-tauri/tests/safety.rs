//! Destructive commands from the page remove exactly what the page showed (issue #9 items 1
//! and 5), and the audit log records them, through Tauri's mock runtime against a real engine.
//! Prune plans span the whole engine, so the prune test gets a private engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{kind, TestApp};
use serde_json::{json, Value};
use wharf_desktop::Args;
use wharf_tests::{require_engine, require_private_engine, PrivateOpts, TestEngine};

const T: Duration = Duration::from_secs(30);

fn app(engine: &TestEngine, audit_log: Option<String>) -> TestApp {
    TestApp::new(Args {
        host: Some(engine.host().to_owned()),
        audit_log,
        ..Args::default()
    })
}

#[test]
fn prune_anonymous_volumes_from_the_page_keeps_named_and_later_volumes() {
    let owned = require_private_engine!(PrivateOpts::default());
    let te = &owned;
    let named = te.volume("desk-named");
    let anon = te.leftover_anonymous_volume();
    let t = app(te, None);
    // The page's "Prune unused anonymous volumes" button: plan first…
    let plan = t
        .invoke(
            "prune_plan",
            json!({ "target": { "target": "volumes", "all": false } }),
        )
        .unwrap();
    let ids: Vec<&str> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![anon.as_str()], "{plan}");
    let later = te.leftover_anonymous_volume();
    // …then the confirmed plan.
    let out = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "prune", "plan": plan }, "confirmed": true }),
        )
        .unwrap();
    assert_eq!(out["outcome"], "pruned", "{out}");
    let items = out["report"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{out}");
    assert_eq!(items[0]["outcome"]["result"], "removed", "{out}");
    assert!(te.docker(&["volume", "inspect", &anon]).is_err());
    assert!(
        te.docker(&["volume", "inspect", named.name()]).is_ok(),
        "the named volume survives"
    );
    assert!(
        te.docker(&["volume", "inspect", &later]).is_ok(),
        "a later volume survives"
    );

    // Unconfirmed, the plan is refused.
    let err = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "prune", "plan": { "target": { "target": "volumes", "all": false }, "items": [] } }, "confirmed": false }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input");
}

#[test]
fn removing_a_running_container_is_announced_and_forced_by_the_core_rule() {
    let te = require_engine!();
    let running = te.container("desk-rm-run").cmd(&["sleep", "600"]).start();
    let stopped = te.container("desk-rm-stop").cmd(&["true"]).created_only();
    let t = app(te, None);
    let has = |e: &Value, id: &str| {
        e["containers"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["id"] == id))
    };
    t.wait_event(T, |e| has(e, running.id()) && has(e, stopped.id()));
    let r = t
        .invoke(
            "container_removals",
            json!({ "ids": [running.id(), stopped.id()] }),
        )
        .unwrap();
    assert_eq!(
        r[0]["warning"],
        format!("{} is running and will be killed", running.name())
    );
    assert_eq!(r[0]["command"]["force"], true);
    assert_eq!(r[1]["warning"], Value::Null);
    assert_eq!(r[1]["command"]["force"], false);
    for removal in r.as_array().unwrap() {
        t.invoke(
            "execute",
            json!({ "cmd": removal["command"], "confirmed": true }),
        )
        .unwrap();
    }
    assert!(te.docker(&["inspect", running.id()]).is_err());
    assert!(te.docker(&["inspect", stopped.id()]).is_err());
}

#[test]
fn the_audit_log_flag_records_each_engine_call_with_its_result() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let c = te.container("desk-audit").cmd(&["sleep", "600"]).start();
    let t = app(te, Some(path.display().to_string()));
    let run = |cmd: Value, confirmed: bool| {
        t.invoke("execute", json!({ "cmd": cmd, "confirmed": confirmed }))
    };
    run(json!({ "action": "pause", "id": c.id() }), false).unwrap();
    run(json!({ "action": "unpause", "id": c.id() }), false).unwrap();
    let err = run(
        json!({ "action": "remove", "id": c.id(), "force": false, "volumes": false }),
        true,
    )
    .unwrap_err();
    assert_eq!(kind(&err), "conflict");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let calls: Vec<&str> = lines.iter().map(|l| l["call"].as_str().unwrap()).collect();
    assert_eq!(
        calls,
        ["container.pause", "container.unpause", "container.remove"],
        "{text}"
    );
    assert!(lines.iter().all(|l| l["targets"][0] == c.id()), "{text}");
    assert_eq!(lines[2]["result"], "error");
    assert_eq!(lines[2]["error"]["kind"], "conflict");
}

#[test]
fn an_audit_log_that_cannot_be_opened_stops_wharf_from_acting() {
    let te = require_engine!();
    let t = app(
        te,
        Some("/nonexistent/wharf-audit-dir/audit.jsonl".to_owned()),
    );
    let err = t
        .invoke("execute", json!({ "cmd": { "action": "create_volume", "name": "wharf-test-never", "driver": null }, "confirmed": false }))
        .unwrap_err();
    assert_eq!(kind(&err), "io", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("audit log"),
        "{err}"
    );
    assert!(te
        .docker(&["volume", "inspect", "wharf-test-never"])
        .is_err());
}

#[test]
fn read_only_is_the_engine_handles_own_not_only_the_commands() {
    use tauri::Manager;
    let t = TestApp::new(Args {
        host: Some(common::dead_host()),
        read_only: true,
        ..Args::default()
    });
    let desk = t.app.state::<wharf_desktop::Desk>();
    let link = desk.link();
    let engine = &link.live().unwrap().engine;
    assert!(
        engine.is_read_only(),
        "the core refuses even a command the page layer let through"
    );
    // Refused by the handle itself, before any request (the host is dead: a sent request
    // would fail as `unavailable`).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt
        .block_on(engine.remove_volume("anything", true))
        .unwrap_err();
    assert_eq!(err.kind(), wharf_core::ErrorKind::Denied, "{err}");
}

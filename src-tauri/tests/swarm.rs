//! Swarm through the page's commands on Tauri's mock runtime and a private single-node swarm:
//! the snapshot says the engine is a manager and lists the service with its replicas;
//! `swarm_preview` says a drain must be confirmed and a scale need not; `execute` scales the
//! service to 3 and the snapshot shows 3/3 with three tasks; an unconfirmed drain is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{kind, TestApp};
use serde_json::{json, Value};
use wharf_tests::{require_private_engine, unique_name, PrivateOpts, TestSwarm};

fn wait_snapshot(t: &TestApp, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = t.invoke("snapshot", json!({})).unwrap();
        if pred(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {s}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn scale_through_execute_and_drain_needs_confirmation() {
    let te = require_private_engine!(PrivateOpts::default());
    let swarm = TestSwarm::init(&te).unwrap_or_else(|e| panic!("swarm init: {e}"));
    let name = unique_name("desksvc");
    let sid = swarm.service(&name, &te.image(), 1);
    let t = TestApp::on(&te);
    let replicas = |s: &Value| {
        s["services"]
            .as_array()
            .and_then(|v| v.iter().find(|v| v["service"]["name"] == name.as_str()))
            .map(|v| v["replicas"].clone())
    };
    let s = wait_snapshot(&t, "the service running", |s| {
        s["swarm_manager"] == true && replicas(s) == Some(json!({"running": 1, "desired": 1}))
    });
    let node = s["nodes"][0].clone();

    let scale = json!({ "op": "update_service", "id": sid, "name": name,
        "change": { "change": "scale", "replicas": 3 } });
    let p = t.invoke("swarm_preview", json!({ "op": scale })).unwrap();
    assert_eq!(p["destructive"], false, "{p}");
    let drain = json!({ "op": "node_availability", "id": node["id"], "name": node["hostname"],
        "availability": "drain" });
    let p = t.invoke("swarm_preview", json!({ "op": drain })).unwrap();
    assert_eq!(p["destructive"], true, "{p}");

    t.invoke(
        "execute",
        json!({ "cmd": { "action": "swarm", "op": scale }, "confirmed": false }),
    )
    .unwrap();
    let s = wait_snapshot(&t, "three of three", |s| {
        replicas(s) == Some(json!({"running": 3, "desired": 3}))
    });
    let running = s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["service"] == sid.as_str() && t["state"] == "running")
        .count();
    assert_eq!(running, 3, "{s}");
    assert_eq!(swarm.running_tasks(&name), 3);

    let e = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "swarm", "op": drain }, "confirmed": false }),
        )
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "{e}");
    assert_eq!(
        te.docker_ok(&["node", "inspect", "-f", "{{.Spec.Availability}}", "self"])
            .trim(),
        "active"
    );
    drop(t);
}

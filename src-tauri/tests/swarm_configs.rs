//! Swarm configs and service logs through the page's commands on Tauri's mock runtime and a
//! private single-node swarm: `execute` creates a config (not confirmed: it removes nothing),
//! the snapshot lists it with its size and its data made inert; removing it unconfirmed is
//! refused and confirmed works; `logs_merged_start` with a service streams its tasks' lines
//! prefixed by slot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{kind, TestApp};
use serde_json::{json, Value};
use wharf_tests::{
    require_private_engine, unique_name, wait_until_blocking, PrivateOpts, TestSwarm,
};

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
fn configs_create_list_inert_and_remove_confirmed_and_service_logs_stream() {
    let te = require_private_engine!(PrivateOpts::default());
    let swarm = TestSwarm::init(&te).unwrap_or_else(|e| panic!("swarm init: {e}"));
    let svc = unique_name("dlogs");
    swarm.service_running(
        &svc,
        &te.image(),
        2,
        &[
            "sh",
            "-c",
            "while true; do echo hello from $(hostname); sleep 0.5; done",
        ],
    );
    let mut t = TestApp::on(&te);
    wait_snapshot(&t, "a manager", |s| s["swarm_manager"] == true);

    let name = unique_name("cfg");
    let create = json!({ "op": "create_config", "name": name,
        "source": { "from": "text", "value": "a=1\n\u{1b}[2Jb=2\n" } });
    let p = t.invoke("swarm_preview", json!({ "op": create })).unwrap();
    assert_eq!(p["destructive"], false, "{p}");
    let out = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "swarm", "op": create }, "confirmed": false }),
        )
        .unwrap();
    let id = out["id"].as_str().unwrap().to_owned();
    let s = wait_snapshot(&t, "the config listed", |s| {
        s["configs"]
            .as_array()
            .is_some_and(|v| v.iter().any(|c| c["id"] == id.as_str()))
    });
    let c = s["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (c["name"].as_str(), c["size"].as_u64()),
        (Some(name.as_str()), Some(12))
    );
    // The escape sequence is gone; the lines are kept.
    assert_eq!(c["data"], "a=1\nb=2\n", "{c}");
    assert_eq!(
        te.docker_ok(&["config", "inspect", "-f", "{{.Spec.Name}}", &id])
            .trim(),
        name
    );

    let remove = json!({ "op": "remove_config", "id": id, "name": name });
    let e = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "swarm", "op": remove }, "confirmed": false }),
        )
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "{e}");
    assert!(
        te.docker(&["config", "inspect", &id]).is_ok(),
        "removed without confirmation"
    );
    t.invoke(
        "execute",
        json!({ "cmd": { "action": "swarm", "op": remove }, "confirmed": true }),
    )
    .unwrap();
    wait_snapshot(&t, "the config gone", |s| {
        s["configs"]
            .as_array()
            .is_some_and(|v| v.iter().all(|c| c["id"] != id.as_str()))
    });

    // A service's merged logs: both slots' lines, each under its slot's prefix.
    wait_snapshot(&t, "two running tasks", |s| {
        s["tasks"]
            .as_array()
            .is_some_and(|v| v.iter().filter(|t| t["state"] == "running").count() == 2)
    });
    let request =
        json!({ "tail": 20, "timestamps": false, "stdout": true, "stderr": true, "follow": true });
    let (ch, chan) = t.channel();
    t.invoke(
        "logs_merged_start",
        json!({ "selection": { "kind": "service", "name": svc }, "request": request, "channel": ch }),
    )
    .unwrap();
    let short: String = svc.chars().take(21).collect();
    wait_until_blocking(Duration::from_secs(30), "both slots' lines", || {
        let lines: Vec<String> = t
            .messages(chan)
            .iter()
            .flat_map(|b| b["lines"].as_array().cloned().unwrap_or_default())
            .filter_map(|l| l["text"]["text"].as_str().map(str::to_owned))
            .collect();
        [1, 2].iter().all(|slot| {
            let prefix = format!("{short}….{slot} │ hello from");
            lines.iter().any(|l| l.starts_with(&prefix))
        })
    });
    let (ch2, _) = t.channel();
    let e = t
        .invoke(
            "logs_merged_start",
            json!({ "selection": { "kind": "service", "name": "no-such-service" },
                    "request": request, "channel": ch2 }),
        )
        .unwrap_err();
    assert!(e.to_string().contains("no service no-such-service"), "{e}");
    drop(t);
}

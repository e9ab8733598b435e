//! Compose through the page's commands on Tauri's mock runtime with the real core, against
//! the test engine: a project made with docker-compose is in the snapshot with its service,
//! counts, working dir and config file; `project_action` stop (destructive: refused without
//! `confirmed`) stops its container by id; `compose_run` up brings it back with the tool's
//! output over a channel; `compose_down_plan` names the container and the networks, and
//! `compose_run` down runs only confirmed and removes them. Read-only refuses compose runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{kind, TestApp};
use serde_json::{json, Value};
use wharf_desktop::Args;
use wharf_tests::{require_engine, wait_until_blocking, TestProject};

const T: Duration = Duration::from_secs(90);

fn project(t: &TestApp, name: &str) -> Option<Value> {
    let snap = t.invoke("snapshot", json!({})).unwrap();
    snap["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .cloned()
}

/// Run compose `action` on `name` (confirmed as given); its messages until `finished`.
fn run(t: &mut TestApp, name: &str, action: &str, confirmed: bool) -> Result<Vec<Value>, Value> {
    let (ch, chan) = t.channel();
    t.invoke(
        "compose_run",
        json!({ "project": name, "file": null, "action": action, "confirmed": confirmed, "channel": ch }),
    )?;
    let end = t.wait_message(chan, T, |m| m["kind"] == "finished");
    assert_eq!(end["error"], Value::Null, "{:?}", t.messages(chan));
    Ok(t.messages(chan))
}

#[test]
fn project_in_the_snapshot_stop_up_and_down() {
    let te = require_engine!();
    let proj = TestProject::new(te, "desk", &["web"]);
    proj.up();
    let name = proj.name().to_owned();
    let mut t = TestApp::on(te);
    wait_until_blocking(T, "the project in the snapshot", || {
        project(&t, &name).is_some_and(|p| p["running"] == 1)
    });
    let p = project(&t, &name).unwrap();
    let dir = std::fs::canonicalize(proj.dir()).unwrap();
    assert_eq!(p["working_dir"], dir.to_str().unwrap());
    assert_eq!(
        p["config_files"],
        json!([dir.join("docker-compose.yml").to_str().unwrap()])
    );
    assert_eq!(p["services"][0]["name"], "web");
    assert_eq!(p["total"], 1);

    // Project stop: destructive, so only confirmed; then the container is stopped.
    let refused = t
        .invoke(
            "project_action",
            json!({ "name": name, "action": "stop", "confirmed": false }),
        )
        .unwrap_err();
    assert_eq!(kind(&refused), "invalid_input");
    assert_eq!(proj.states(te), ["running"]);
    let results = t
        .invoke(
            "project_action",
            json!({ "name": name, "action": "stop", "confirmed": true }),
        )
        .unwrap();
    assert_eq!(results, json!([null]));
    assert_eq!(proj.states(te), ["exited"]);

    // Up through the tool: its command and output over the channel, running again.
    let msgs = run(&mut t, &name, "up", false).unwrap();
    let started = &msgs[0];
    assert_eq!(started["kind"], "started");
    assert!(
        started["command"]
            .as_str()
            .unwrap()
            .contains(&format!("-p {name}")),
        "{started}"
    );
    assert!(msgs.iter().any(|m| m["kind"] == "line"), "{msgs:?}");
    assert_eq!(proj.states(te), ["running"]);

    // Down: the plan names the container and the networks; refused unconfirmed; then gone.
    let plan = t
        .invoke("compose_down_plan", json!({ "name": name }))
        .unwrap();
    let lines: Vec<&str> = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        lines[0].contains("web") && lines[0].contains("running"),
        "{lines:?}"
    );
    assert!(lines.last().unwrap().contains("networks"), "{lines:?}");
    let refused = run(&mut t, &name, "down", false).unwrap_err();
    assert_eq!(kind(&refused), "invalid_input");
    assert_eq!(proj.states(te), ["running"]);
    run(&mut t, &name, "down", true).unwrap();
    assert!(proj.states(te).is_empty());
}

#[test]
fn read_only_refuses_compose() {
    let te = require_engine!();
    let proj = TestProject::new(te, "deskro", &["web"]);
    let ro = TestApp::new(Args {
        host: Some(te.host().to_owned()),
        read_only: true,
        ..Args::default()
    });
    let mut ro = ro;
    let (ch, _) = ro.channel();
    let e = ro
        .invoke(
            "compose_run",
            json!({ "project": null, "file": proj.file().to_str().unwrap(), "action": "up", "confirmed": true, "channel": ch }),
        )
        .unwrap_err();
    assert_eq!(kind(&e), "denied");
    assert!(proj.states(te).is_empty());
}

//! The Fleet page's commands on Tauri's mock runtime with the real core: the configured
//! engines (`[[engines]]` of the terminal's config file: the test engine, and the same engine
//! again through a docker context, read-only), the docker contexts and an address the page
//! adds where nothing answers. The dead one is down with its error while the others list;
//! rows carry their engine; a stop needs `confirmed`, is refused by the core on the
//! read-only engine and stops the container through the writable one; the plan names each
//! object with its engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{dead_host, kind, TestApp};
use serde_json::{json, Value};
use tauri::Manager;
use wharf_core::engine::connect::EnvVars;
use wharf_desktop::fleet::FleetState;
use wharf_desktop::Args;
use wharf_tests::{require_engine, wait_until_blocking, write_context};

const T: Duration = Duration::from_secs(30);

fn engine<'a>(s: &'a Value, name: &str) -> &'a Value {
    s["engines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no engine {name} in {s}"))
}

fn row_state(s: &Value, engine: &str, id: &str) -> Option<String> {
    s["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["engine"] == engine && r["container"]["id"] == id)
        .map(|r| {
            r["container"]["state"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
}

#[test]
fn fleet_lists_routes_and_refuses_per_engine() {
    let te = require_engine!();
    let c = te
        .container("desk-fleet")
        .args(&["--stop-timeout", "1"])
        .cmd(&["sleep", "300"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    write_context(dir.path(), "again", te.host());
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "read_only = false\n\n[[engines]]\nname = \"main\"\nhost = \"{}\"\ncolour = \"red\"\n\n\
             [[engines]]\nname = \"guard\"\ncontext = \"again\"\nread_only = true\n",
            te.host()
        ),
    )
    .unwrap();
    let t = TestApp::new(Args {
        host: Some(te.host().to_owned()),
        env: Some(EnvVars {
            docker_config: Some(dir.path().into()),
            ..EnvVars::default()
        }),
        ..Args::default()
    });
    t.app.state::<FleetState>().set_config(Some(config));

    // Nothing open yet: a clear error.
    let e = t.invoke("fleet_snapshot", json!({})).unwrap_err();
    assert_eq!(kind(&e), "invalid_input");

    let first = t
        .invoke("fleet_open", json!({ "hosts": [dead_host()] }))
        .unwrap();
    for name in ["main", "guard", dead_host().as_str()] {
        engine(&first, name);
    }
    assert_eq!(engine(&first, "main")["red"], true);
    assert_eq!(engine(&first, "guard")["read_only"], true);
    assert_eq!(engine(&first, "main")["read_only"], false);
    let id = c.id().to_owned();
    let mut snap = Value::Null;
    wait_until_blocking(
        T,
        "both members list the container, the dead one is down",
        || {
            snap = t.invoke("fleet_snapshot", json!({})).unwrap();
            row_state(&snap, "main", &id).as_deref() == Some("running")
                && row_state(&snap, "guard", &id).as_deref() == Some("running")
                && engine(&snap, &dead_host())["state"] == "down"
        },
    );
    assert_eq!(engine(&snap, "main")["state"], "connected");
    assert!(engine(&snap, &dead_host())["error"].is_string(), "{snap}");

    let stop = |engine: &str| json!({ "engine": engine, "cmd": { "action": "stop", "id": id, "timeout": 0 } });
    // The plan names the object with its engine.
    let plan = t
        .invoke(
            "fleet_plan",
            json!({ "items": [stop("guard"), stop("main")] }),
        )
        .unwrap();
    assert_eq!(plan["destructive"], true);
    let lines: Vec<&str> = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        lines[0].starts_with(&format!("stop {}", c.name())) && lines[0].ends_with("on guard"),
        "{lines:?}"
    );
    assert!(lines[1].ends_with("on main"), "{lines:?}");

    // Unconfirmed: refused before anything is sent.
    let e = t
        .invoke(
            "fleet_execute",
            json!({ "items": [stop("main")], "confirmed": false }),
        )
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input");
    // The read-only engine: refused by the core, the container still running.
    let r = t
        .invoke(
            "fleet_execute",
            json!({ "items": [stop("guard")], "confirmed": true }),
        )
        .unwrap();
    assert_eq!(r[0]["kind"], "denied", "{r}");
    assert_eq!(c.inspect("{{.State.Running}}").trim(), "true");
    // Through the writable one: stopped.
    let r = t
        .invoke(
            "fleet_execute",
            json!({ "items": [stop("main")], "confirmed": true }),
        )
        .unwrap();
    assert_eq!(r, json!([null]));
    assert_eq!(c.inspect("{{.State.Running}}").trim(), "false");
    wait_until_blocking(T, "the fleet shows it exited", || {
        let s = t.invoke("fleet_snapshot", json!({})).unwrap();
        row_state(&s, "main", &id).as_deref() == Some("exited")
    });
    t.invoke("fleet_close", json!({})).unwrap();
    let e = t.invoke("fleet_snapshot", json!({})).unwrap_err();
    assert_eq!(kind(&e), "invalid_input");
}

//! The Fleet page's object tabs' commands on Tauri's mock runtime with the real core: the test
//! engine configured as `main`, and the same engine again through a docker context as `guard`
//! (read-only). `fleet_objects` lists the volumes and networks of both with their engine and
//! per-engine counts; `fleet_remove_plan` names each object with its engine and the read-only
//! one; its items through `fleet_execute` remove the volume through `main`, and the one routed
//! to `guard` is refused by the core, the volume kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{kind, TestApp};
use serde_json::{json, Value};
use tauri::Manager;
use wharf_core::engine::connect::EnvVars;
use wharf_desktop::fleet::FleetState;
use wharf_desktop::Args;
use wharf_tests::{require_engine, wait_until_blocking, write_context};

const T: Duration = Duration::from_secs(30);

fn has_volume(o: &Value, engine: &str, name: &str) -> bool {
    o["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["engine"] == engine && r["volume"]["name"] == name)
}

#[test]
fn fleet_objects_list_and_remove_per_engine() {
    let te = require_engine!();
    let gone = te.volume("desk-fo-gone");
    let kept = te.volume("desk-fo-kept");
    let net = te.network("desk-fo-net");
    let dir = tempfile::tempdir().unwrap();
    write_context(dir.path(), "again", te.host());
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[engines]]\nname = \"main\"\nhost = \"{}\"\n\n\
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
    let e = t.invoke("fleet_objects", json!({})).unwrap_err();
    assert_eq!(kind(&e), "invalid_input");

    t.invoke("fleet_open", json!({ "hosts": [] })).unwrap();
    let mut o = Value::Null;
    wait_until_blocking(T, "both members list the volumes", || {
        o = t.invoke("fleet_objects", json!({})).unwrap();
        has_volume(&o, "main", gone.name()) && has_volume(&o, "guard", kept.name())
    });
    let nets: Vec<&str> = o["networks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["network"]["name"] == net.name())
        .map(|r| r["engine"].as_str().unwrap())
        .collect();
    assert!(
        nets.contains(&"main") && nets.contains(&"guard"),
        "{nets:?}"
    );
    let counts = o["counts"].as_array().unwrap();
    let main = counts.iter().find(|c| c["engine"] == "main").unwrap();
    let listed = o["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["engine"] == "main")
        .count();
    assert_eq!(main["volumes"].as_u64(), Some(listed as u64));

    let key = |engine: &str, name: &str| json!({ "engine": engine, "kind": "volume", "id": name });
    let plan = t
        .invoke(
            "fleet_remove_plan",
            json!({ "keys": [key("main", gone.name()), key("guard", kept.name())] }),
        )
        .unwrap();
    let lines: Vec<&str> = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        lines.contains(&format!("remove volume {} on main", gone.name()).as_str()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&format!("remove volume {} on guard", kept.name()).as_str()),
        "{lines:?}"
    );
    assert!(
        plan["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "guard is read-only: its part will be refused"),
        "{plan}"
    );
    // Unconfirmed: refused before anything is sent.
    let e = t
        .invoke(
            "fleet_execute",
            json!({ "items": plan["items"], "confirmed": false }),
        )
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input");
    te.docker_ok(&["volume", "inspect", gone.name()]);
    let r = t
        .invoke(
            "fleet_execute",
            json!({ "items": plan["items"], "confirmed": true }),
        )
        .unwrap();
    let results = r.as_array().unwrap();
    assert_eq!(results.len(), 2, "{r}");
    for (item, result) in plan["items"].as_array().unwrap().iter().zip(results) {
        if item["engine"] == "guard" {
            assert_eq!(result["kind"], "denied", "{r}");
        } else {
            assert!(result.is_null(), "{r}");
        }
    }
    assert!(te.docker(&["volume", "inspect", gone.name()]).is_err());
    te.docker_ok(&["volume", "inspect", kept.name()]);
    wait_until_blocking(T, "the fleet no longer lists it", || {
        let o = t.invoke("fleet_objects", json!({})).unwrap();
        !has_volume(&o, "main", gone.name()) && has_volume(&o, "main", kept.name())
    });
    t.invoke("fleet_close", json!({})).unwrap();
}

//! The Fleet page's last pieces on Tauri's mock runtime with the real core and the test
//! engine: configured as `main` and again through a docker context named by itself (`again`)
//! on a symlink to its socket, the fleet has one member, `main`, and every pushed message says
//! `again and main are the same engine: shown once`; `fleet_remove_plan` with the image
//! removal's choices leaves out an image a stopped container uses unless forced, naming its
//! engine and container, and carries force and no-prune into the command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::TestApp;
use serde_json::{json, Value};
use tauri::Manager;
use wharf_core::engine::connect::EnvVars;
use wharf_desktop::fleet::FleetState;
use wharf_desktop::Args;
use wharf_tests::{require_engine, wait_until_blocking, write_context};

const T: Duration = Duration::from_secs(30);

#[test]
fn one_engine_listed_twice_is_one_member_and_an_image_in_use_needs_force() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let socket = te.host().strip_prefix("unix://").unwrap();
    let link = dir.path().join("same.sock");
    std::os::unix::fs::symlink(socket, &link).unwrap();
    write_context(dir.path(), "again", &format!("unix://{}", link.display()));
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[engines]]\nname = \"main\"\nhost = \"{}\"\n", te.host()),
    )
    .unwrap();
    // An image of its own, used by a stopped container.
    let tag = format!("wharf-desk-ff-{}:1", std::process::id());
    te.docker_ok(&["tag", &te.image(), &tag]);
    let user = te
        .container("desk-ff-user")
        .image(&tag)
        .cmd(&["true"])
        .created_only();
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
    t.invoke("fleet_watch", json!({ "channel": channel }))
        .unwrap();
    let m = t.wait_message(ch, T, |m| {
        m["same"].as_array().is_some_and(|s| {
            s.iter()
                .any(|l| l == "again and main are the same engine: shown once")
        })
    });
    let names: Vec<&str> = m["snapshot"]["engines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(names.contains(&"main") && !names.contains(&"again"), "{m}");

    // The image, as the fleet lists it on `main`.
    let mut id = String::new();
    wait_until_blocking(T, "the image in use on main", || {
        let o: Value = t.invoke("fleet_objects", json!({})).unwrap();
        let found = o["images"].as_array().unwrap().iter().find(|i| {
            i["engine"] == "main"
                && i["image"]["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x == tag.as_str())
                && i["users"].as_u64().unwrap_or(0) >= 1
        });
        if let Some(i) = found {
            id = i["image"]["id"].as_str().unwrap().to_owned();
        }
        found.is_some()
    });
    let keys = json!([{ "engine": "main", "kind": "image", "id": id }]);
    let plan = t
        .invoke(
            "fleet_remove_plan",
            json!({ "keys": keys, "options": null }),
        )
        .unwrap();
    assert_eq!(plan["items"].as_array().unwrap().len(), 0, "{plan}");
    assert_eq!(plan["needs_force"], 1, "{plan}");
    let note = plan["notes"][0].as_str().unwrap();
    // The shared test image: other tests' containers may use it too; ours is named.
    assert!(
        note.contains("on main is used by container") && note.contains(user.name()),
        "{plan}"
    );
    let plan = t
        .invoke(
            "fleet_remove_plan",
            json!({ "keys": keys, "options": { "force": true, "no_prune": true } }),
        )
        .unwrap();
    let cmd = &plan["items"][0]["cmd"];
    assert_eq!(plan["items"][0]["engine"], "main", "{plan}");
    assert_eq!(cmd["action"], "remove_image", "{plan}");
    assert_eq!(cmd["force"], true, "{plan}");
    assert_eq!(cmd["no_prune"], true, "{plan}");
    // Not executed: the image is the shared test image under another tag.
    te.docker_ok(&["rmi", &tag]);
    drop(user);
}

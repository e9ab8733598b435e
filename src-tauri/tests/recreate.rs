//! Edit and recreate through the page's commands on Tauri's mock runtime and a real engine:
//! `container_run_form` gives the prefill, `recreate_preview` lists the changes (secret values
//! masked; none for the unchanged prefill), `execute` refuses `Command::Recreate` without the
//! confirmation and with it replaces the container under the same name with the new setting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{kind, TestApp};
use serde_json::json;
use wharf_tests::require_engine;

#[test]
fn preview_then_recreate_replaces_the_container_with_the_edit() {
    let engine = require_engine!();
    let t = TestApp::on(engine);
    let c = engine
        .container("desk-edit")
        .args(&["-e", "MODE=before", "-e", "DB_PASSWORD=hunter2"])
        .cmd(&["sleep", "600"])
        .start();
    let (old_id, name) = (c.id().to_owned(), c.name().to_owned());
    // Removed by name whatever happens (the TestContainer removes by the old id).
    struct ByName<'a>(&'a wharf_tests::TestEngine, String);
    impl Drop for ByName<'_> {
        fn drop(&mut self) {
            let _ = self.0.docker(&["rm", "-f", "-v", &self.1]);
        }
    }
    let _by_name = ByName(engine, name.clone());

    let prefill = t
        .invoke("container_run_form", json!({ "id": old_id }))
        .unwrap();
    assert_eq!(prefill["secret_keys"], json!(["DB_PASSWORD"]), "{prefill}");
    let mut form = prefill["form"].clone();
    assert_eq!(form["name"], name.as_str(), "{form}");
    let unchanged = t
        .invoke("recreate_preview", json!({ "id": old_id, "form": form }))
        .unwrap();
    assert_eq!(unchanged["lines"], json!([]), "{unchanged}");

    let env: Vec<String> = form["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let s = v.as_str().unwrap();
            match s.split_once('=') {
                Some(("MODE", _)) => "MODE=after".to_owned(),
                Some(("DB_PASSWORD", _)) => "DB_PASSWORD=s3cr3t-new".to_owned(),
                _ => s.to_owned(),
            }
        })
        .collect();
    form["env"] = json!(env);
    let p = t
        .invoke("recreate_preview", json!({ "id": old_id, "form": form }))
        .unwrap();
    assert_eq!(p["name"], name.as_str());
    assert_eq!(p["short_id"], &old_id[..12]);
    // Both changes, secrets masked. Their order is the env order the engine reports, which
    // was seen reversed once in a while (DB_PASSWORD first) on Docker 20.10: compared as a set.
    let mut lines: Vec<&str> = p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            "environment DB_PASSWORD: •••••••• → ••••••••",
            "environment MODE: before → after",
        ],
        "{p}"
    );
    assert!(!p.to_string().contains("hunter2") && !p.to_string().contains("s3cr3t-new"));

    let cmd = json!({ "action": "recreate", "id": old_id, "form": form });
    let e = t
        .invoke("execute", json!({ "cmd": cmd, "confirmed": false }))
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "{e}");
    assert_eq!(
        engine.docker_ok(&["inspect", "-f", "{{.Id}}", &name]),
        old_id,
        "nothing happens without the confirmation"
    );
    let out = t
        .invoke("execute", json!({ "cmd": cmd, "confirmed": true }))
        .unwrap();
    assert_eq!(out["outcome"], "recreated", "{out}");
    assert_eq!(out["old"], old_id.as_str());
    assert_eq!(out["name"], name.as_str());
    let new_id = out["new"].as_str().unwrap();
    let inspect = |f: &str| engine.docker_ok(&["inspect", "-f", f, &name]);
    assert_eq!(inspect("{{.Id}}"), new_id);
    assert_eq!(inspect("{{.State.Running}}"), "true");
    let env = inspect("{{json .Config.Env}}");
    assert!(
        env.contains("MODE=after") && env.contains("DB_PASSWORD=s3cr3t-new"),
        "{env}"
    );
    assert!(engine
        .docker(&["inspect", "--type", "container", &old_id])
        .is_err());
}

#[test]
fn update_and_network_commands_take_the_pages_json() {
    let engine = require_engine!();
    let t = TestApp::on(engine);
    let c = engine
        .container("desk-upd")
        .args(&["--memory", "64m", "--memory-swap", "128m"])
        .cmd(&["sleep", "600"])
        .start();
    let id = c.id().to_owned();
    // Update: blank fields are left alone; a bad value is the run form's message.
    let upd = |limits: serde_json::Value| json!({ "action": "update", "id": id, "limits": limits });
    let e = t
        .invoke(
            "execute",
            json!({ "cmd": upd(json!({ "memory": "12q" })), "confirmed": false }),
        )
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "{e}");
    t.invoke(
        "execute",
        json!({ "cmd": upd(json!({ "pids_limit": "42", "restart": "always" })), "confirmed": false }),
    )
    .unwrap();
    let inspect = |f: &str| engine.docker_ok(&["inspect", "-f", f, &id]);
    assert_eq!(inspect("{{.HostConfig.PidsLimit}}"), "42");
    assert_eq!(inspect("{{.HostConfig.RestartPolicy.Name}}"), "always");
    assert_eq!(inspect("{{.HostConfig.Memory}}"), (64 << 20).to_string());

    // A network created without options (the page's old JSON) and one with a bad gateway.
    let name = wharf_tests::unique_name("desk-net");
    struct Net<'a>(&'a wharf_tests::TestEngine, String);
    impl Drop for Net<'_> {
        fn drop(&mut self) {
            let _ = self.0.docker(&["network", "rm", &self.1]);
        }
    }
    let _net = Net(engine, name.clone());
    let e = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "create_network", "name": name, "driver": null, "internal": false,
                "options": { "subnet": "10.2.0.0/16", "gateway": "10.1.0.1" } }, "confirmed": false }),
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("gateway 10.1.0.1 is outside subnet 10.2.0.0/16"),
        "{e}"
    );
    t.invoke(
        "execute",
        json!({ "cmd": { "action": "create_network", "name": name, "driver": null, "internal": false }, "confirmed": false }),
    )
    .unwrap();
    // Connect with an alias, then disconnect (destructive: refused unconfirmed).
    t.invoke(
        "execute",
        json!({ "cmd": { "action": "connect", "network": name, "container": id, "aliases": ["desk-alias"] }, "confirmed": false }),
    )
    .unwrap();
    let aliases = inspect(&format!(
        "{{{{json (index .NetworkSettings.Networks \"{name}\").Aliases}}}}"
    ));
    assert!(aliases.contains("desk-alias"), "{aliases}");
    let cmd = json!({ "action": "disconnect", "network": name, "container": id, "force": false });
    let e = t
        .invoke("execute", json!({ "cmd": cmd, "confirmed": false }))
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "{e}");
    t.invoke("execute", json!({ "cmd": cmd, "confirmed": true }))
        .unwrap();
    assert!(!inspect("{{json .NetworkSettings.Networks}}").contains(&name));
}

//! The run form and the security findings through the page's commands (issue #11), on Tauri's
//! mock runtime: `run_preview` answers with wharf-core's field errors, findings and masked
//! `docker run` line; `execute` with `Command::Run` creates exactly what the form says, seen in
//! `docker inspect`, and nothing at all for an invalid form; the snapshot carries each
//! container's findings counts and the engine-wide summary, and `container_findings` the list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{dead_host, kind, TestApp};
use serde_json::{json, Value};
use wharf_desktop::Args;
use wharf_tests::{require_engine, run_id, unique_name, TestEngine, LABEL};

const T: Duration = Duration::from_secs(30);

/// An empty form with `fields` set (the page sends every field; missing ones default too).
fn form(fields: Value) -> Value {
    let mut f = serde_json::to_value(wharf_core::spec::run::RunForm::default()).unwrap();
    for (k, v) in fields.as_object().unwrap() {
        assert!(f.get(k).is_some(), "RunForm has no field {k}");
        f[k] = v.clone();
    }
    f
}

/// Removes a container the app created (by name) when dropped, also when the test fails.
struct Created<'e> {
    engine: &'e TestEngine,
    name: String,
}

impl Drop for Created<'_> {
    fn drop(&mut self) {
        let _ = self.engine.docker(&["rm", "-f", "-v", &self.name]);
    }
}

fn containers_named(engine: &TestEngine, name: &str) -> String {
    engine.docker_ok(&[
        "ps",
        "-a",
        "--filter",
        &format!("name=^{name}$"),
        "--format",
        "{{.ID}}",
    ])
}

#[test]
fn run_preview_places_every_error_on_its_field() {
    let t = TestApp::offline();
    let p = t
        .invoke(
            "run_preview",
            json!({ "form": form(json!({
                "image": "",
                "ports": ["8080:80", "70000:80"],
                "memory": "12q",
            })) }),
        )
        .unwrap();
    let errors = p["errors"].as_array().unwrap();
    let on =
        |field: &str| -> Vec<&Value> { errors.iter().filter(|e| e["field"] == field).collect() };
    // Every problem at once, each on its field (and its entry for lists).
    assert_eq!(on("image").len(), 1, "{p}");
    let port = on("ports");
    assert_eq!(port.len(), 1, "{p}");
    assert_eq!(port[0]["entry"], 1, "{p}");
    assert!(
        port[0]["message"].as_str().unwrap().contains("70000"),
        "{p}"
    );
    let mem = on("memory");
    assert_eq!(mem.len(), 1, "{p}");
    assert!(mem[0]["message"].as_str().unwrap().contains("12q"), "{p}");
    assert_eq!(p["docker_run"], Value::Null);
    assert_eq!(p["findings"], json!([]));
}

#[test]
fn run_preview_of_a_valid_form_gives_findings_and_a_masked_command_line() {
    let t = TestApp::offline();
    let f = form(json!({
        "image": "busybox:1.36",
        "name": "web",
        "privileged": true,
        "env": ["MODE=prod", "DB_PASSWORD=hunter2"],
        "mounts": ["/var/run/docker.sock:/var/run/docker.sock"],
    }));
    let p = t.invoke("run_preview", json!({ "form": f })).unwrap();
    assert_eq!(p["errors"], json!([]), "{p}");
    let checks: Vec<&str> = p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    for c in ["privileged", "docker_socket", "no_memory_limit"] {
        assert!(checks.contains(&c), "{c} missing from {checks:?}");
    }
    // Each with why it matters and where the rule comes from.
    for f in p["findings"].as_array().unwrap() {
        assert!(f["why"].as_str().unwrap().len() > 10, "{f}");
        assert!(!f["reference"].as_str().unwrap().is_empty(), "{f}");
    }
    let line = p["docker_run"].as_str().unwrap();
    assert!(line.starts_with("docker run"), "{line}");
    assert!(
        line.contains("--privileged") && line.contains("MODE=prod"),
        "{line}"
    );
    // The secret is masked on display; asked for, it is shown.
    assert!(!line.contains("hunter2"), "{line}");
    assert!(line.contains("DB_PASSWORD="), "{line}");
    let shown = t
        .invoke("run_preview", json!({ "form": f, "reveal": true }))
        .unwrap();
    assert!(
        shown["docker_run"].as_str().unwrap().contains("hunter2"),
        "{shown}"
    );
}

#[test]
fn an_invalid_form_is_refused_before_the_engine_and_read_only_refuses_run() {
    let t = TestApp::offline();
    // No engine answers here: an invalid form must fail as invalid input, not as unavailable,
    // so nothing was sent. Run needs no confirmation (it destroys nothing).
    let bad = json!({ "action": "run", "form": form(json!({ "image": "busybox", "ports": ["99999"] })), "start": true });
    let err = t
        .invoke("execute", json!({ "cmd": bad, "confirmed": false }))
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    assert!(err["message"].as_str().unwrap().contains("99999"), "{err}");
    let good =
        json!({ "action": "run", "form": form(json!({ "image": "busybox" })), "start": true });
    let err = t
        .invoke("execute", json!({ "cmd": good, "confirmed": false }))
        .unwrap_err();
    assert_eq!(kind(&err), "unavailable", "{err}");

    let ro = TestApp::new(Args {
        host: Some(dead_host()),
        read_only: true,
        ..Args::default()
    });
    let err = ro
        .invoke("execute", json!({ "cmd": good, "confirmed": true }))
        .unwrap_err();
    assert_eq!(kind(&err), "denied", "{err}");
    // The preview changes nothing: it works in read-only mode too.
    let p = ro
        .invoke(
            "run_preview",
            json!({ "form": form(json!({ "image": "busybox" })) }),
        )
        .unwrap();
    assert_eq!(p["errors"], json!([]), "{p}");
    let err = ro
        .invoke("container_findings", json!({ "id": "nope" }))
        .unwrap_err();
    assert_eq!(kind(&err), "not_found", "{err}");
}

#[test]
fn execute_run_creates_the_container_the_form_describes() {
    let engine = require_engine!();
    let t = TestApp::on(engine);
    let net = engine.network("desk-run-net");
    let vol = engine.volume("desk-run-vol");
    let name = unique_name("desk-run");
    let _guard = Created {
        engine,
        name: name.clone(),
    };
    // A free loopback port (the engine binds it; nothing is sent anywhere).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let f = form(json!({
        "image": engine.image(),
        "name": name,
        "command": "sh -c 'echo started; sleep 600'",
        "ports": [format!("127.0.0.1:{port}:80")],
        "env": ["MODE=test", "GREETING=hello world"],
        "mounts": [format!("{}:/data", vol.name()), "tmpfs:/scratch"],
        "networks": [format!("{}:web-alias", net.name())],
        "restart": "on-failure:3",
        "memory": "64m",
        "pids_limit": "50",
        "cap_drop": ["ALL"],
        "cap_add": ["NET_BIND_SERVICE"],
        "read_only": true,
        "user": "1000",
        "workdir": "/tmp",
        "hostname": "desk-run",
        "labels": [format!("{LABEL}={}", run_id()), "app=web"],
        "health_cmd": "true",
        "health_interval": "5s",
    }));
    let out = t
        .invoke(
            "execute",
            json!({ "cmd": { "action": "run", "form": f, "start": true }, "confirmed": false }),
        )
        .unwrap();
    assert_eq!(out["outcome"], "container_created", "{out}");
    assert_eq!(out["name"], name.as_str(), "{out}");
    assert_eq!(out["started"], true, "{out}");
    let id = out["id"].as_str().unwrap().to_owned();
    let inspect = |format: &str| engine.docker_ok(&["inspect", "-f", format, &id]);
    assert_eq!(inspect("{{.Name}}"), format!("/{name}"));
    assert_eq!(inspect("{{.State.Running}}"), "true");
    assert_eq!(
        inspect("{{json .Config.Cmd}}"),
        r#"["sh","-c","echo started; sleep 600"]"#
    );
    let env = inspect("{{json .Config.Env}}");
    assert!(
        env.contains("\"MODE=test\"") && env.contains("\"GREETING=hello world\""),
        "{env}"
    );
    assert_eq!(
        inspect("{{(index (index .HostConfig.PortBindings \"80/tcp\") 0).HostIp}}:{{(index (index .HostConfig.PortBindings \"80/tcp\") 0).HostPort}}"),
        format!("127.0.0.1:{port}")
    );
    let mounts = inspect("{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}};{{end}}");
    assert!(
        mounts.contains(&format!("volume {} /data;", vol.name())),
        "{mounts}"
    );
    assert_eq!(inspect("{{json .HostConfig.Tmpfs}}"), r#"{"/scratch":""}"#);
    let aliases = inspect(&format!(
        "{{{{json (index .NetworkSettings.Networks \"{}\").Aliases}}}}",
        net.name()
    ));
    assert!(aliases.contains("web-alias"), "{aliases}");
    assert_eq!(
        inspect(
            "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}"
        ),
        "on-failure:3"
    );
    assert_eq!(
        inspect("{{.HostConfig.Memory}}"),
        (64 * 1024 * 1024).to_string()
    );
    assert_eq!(inspect("{{.HostConfig.PidsLimit}}"), "50");
    assert_eq!(inspect("{{json .HostConfig.CapDrop}}"), r#"["ALL"]"#);
    assert!(inspect("{{json .HostConfig.CapAdd}}").contains("NET_BIND_SERVICE"));
    assert_eq!(inspect("{{.HostConfig.ReadonlyRootfs}}"), "true");
    assert_eq!(
        inspect("{{.Config.User}}|{{.Config.WorkingDir}}|{{.Config.Hostname}}"),
        "1000|/tmp|desk-run"
    );
    assert_eq!(inspect("{{index .Config.Labels \"app\"}}"), "web");
    assert_eq!(
        inspect("{{json .Config.Healthcheck.Test}}"),
        r#"["CMD-SHELL","true"]"#
    );
    assert_eq!(inspect("{{.Config.Healthcheck.Interval}}"), "5s");

    // The store picks it up with its findings counted, and the container page's list agrees
    // with the form's warnings for the same configuration.
    let ev = t.wait_event(T, |e| e["findings"][&id].is_object());
    let counts = &ev["findings"][&id];
    let list = t.invoke("container_findings", json!({ "id": id })).unwrap();
    let list = list.as_array().unwrap();
    let n = |sev: &str| list.iter().filter(|f| f["severity"] == sev).count() as u64;
    assert_eq!(counts["high"], n("high"), "{counts} vs {list:?}");
    assert_eq!(counts["medium"], n("medium"), "{counts} vs {list:?}");
    assert_eq!(counts["low"], n("low"), "{counts} vs {list:?}");
    let preview = t.invoke("run_preview", json!({ "form": f })).unwrap();
    let checks = |l: &[Value]| -> Vec<String> {
        let mut v: Vec<String> = l
            .iter()
            .map(|f| f["check"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        checks(list),
        checks(preview["findings"].as_array().unwrap()),
        "the same rules before and after creating"
    );
}

#[test]
fn an_invalid_form_or_a_missing_image_creates_nothing() {
    let engine = require_engine!();
    let t = TestApp::on(engine);
    let name = unique_name("desk-run-bad");
    let _guard = Created {
        engine,
        name: name.clone(),
    };
    for (f, want) in [
        (
            form(
                json!({ "image": engine.image(), "name": name, "ports": ["70000:80"], "memory": "12q",
                "labels": [format!("{LABEL}={}", run_id())] }),
            ),
            "invalid_input",
        ),
        (
            form(json!({ "image": "wharf-test/no-such-image:9", "name": name,
                "labels": [format!("{LABEL}={}", run_id())] })),
            "not_found",
        ),
    ] {
        let err = t
            .invoke(
                "execute",
                json!({ "cmd": { "action": "run", "form": f, "start": true }, "confirmed": false }),
            )
            .unwrap_err();
        assert_eq!(kind(&err), want, "{err}");
        assert_eq!(containers_named(engine, &name), "", "nothing was created");
    }
}

#[test]
fn a_privileged_container_shows_high_findings_in_the_snapshot_and_its_list() {
    let engine = require_engine!();
    // Created only: the findings read the configuration (inspect), and a privileged start is
    // refused by some engines (a rootless or nested one cannot apply every capability).
    let c = engine
        .container("desk-priv")
        .args(&[
            "--privileged",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
        ])
        .cmd(&["sleep", "600"])
        .created_only();
    let t = TestApp::on(engine);
    let ev = t.wait_event(T, |e| e["findings"][c.id()].is_object());
    assert!(
        ev["findings"][c.id()]["high"].as_u64().unwrap() >= 2,
        "{}",
        ev["findings"][c.id()]
    );
    let summary = &ev["findings_summary"];
    assert!(summary["worst_high"].as_u64().unwrap() >= 1, "{summary}");
    assert!(
        summary["by_check"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["check"] == "privileged"),
        "{summary}"
    );
    let list = t
        .invoke("container_findings", json!({ "id": c.id() }))
        .unwrap();
    let socket = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "docker_socket")
        .unwrap_or_else(|| panic!("no docker_socket finding in {list}"));
    assert_eq!(socket["severity"], "high");
    assert!(
        socket["detail"]
            .as_str()
            .unwrap()
            .contains("/var/run/docker.sock"),
        "{socket}"
    );
}

//! Every command against a real engine, through Tauri's mock runtime: the page's calls reach
//! the engine and their effects show in `docker inspect` and in the store's events. Fixtures are
//! labelled containers from the wharf-tests harness, removed on drop even when a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{kind, TestApp};
use serde_json::{json, Value};
use wharf_tests::{require_engine, wait_until_blocking};

const T: Duration = Duration::from_secs(30);

fn has_container(e: &Value, name: &str) -> bool {
    e["containers"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["name"] == name))
}

#[test]
fn lifecycle_commands_change_the_engine_and_the_store_follows() {
    let engine = require_engine!();
    let c = engine.container("desk-life").cmd(&["sleep", "600"]).start();
    let t = TestApp::on(engine);
    t.wait_event(T, |e| has_container(e, c.name()));
    let snap = t.invoke("snapshot", json!({})).unwrap();
    assert_eq!(snap["connection"]["state"], "connected");

    let run = |cmd: Value, confirmed: bool| {
        t.invoke("execute", json!({ "cmd": cmd, "confirmed": confirmed }))
    };
    run(json!({ "action": "pause", "id": c.id() }), false).unwrap();
    assert_eq!(c.inspect("{{.State.Status}}"), "paused");
    run(json!({ "action": "unpause", "id": c.id() }), false).unwrap();
    run(
        json!({ "action": "stop", "id": c.id(), "timeout": 1 }),
        true,
    )
    .unwrap();
    assert_eq!(c.inspect("{{.State.Status}}"), "exited");
    t.wait_event(T, |e| {
        e["containers"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|x| x["name"] == c.name() && x["state"] == "exited")
        })
    });
    run(json!({ "action": "start", "id": c.id() }), false).unwrap();
    assert_eq!(c.inspect("{{.State.Status}}"), "running");
    run(
        json!({ "action": "remove", "id": c.id(), "force": true, "volumes": true }),
        true,
    )
    .unwrap();
    t.wait_event(T, |e| !has_container(e, c.name()) && e["synced"] == true);
}

#[test]
fn inspect_top_disk_usage_and_engine_info_answer() {
    let engine = require_engine!();
    let c = engine.container("desk-info").cmd(&["sleep", "600"]).start();
    let t = TestApp::on(engine);
    let inspect = t.invoke("inspect", json!({ "id": c.id() })).unwrap();
    assert_eq!(inspect["Id"], c.id());
    let top = t.invoke("top", json!({ "id": c.id() })).unwrap();
    assert!(top["rows"].to_string().contains("sleep"), "{top}");
    let du = t.invoke("disk_usage", json!({})).unwrap();
    assert!(
        du.as_array().unwrap().iter().any(|r| r["kind"] == "images"),
        "{du}"
    );
    let info = t.invoke("engine_info", json!({})).unwrap();
    assert!(info["version"].as_str().unwrap().len() > 2, "{info}");
    let err = t
        .invoke("inspect", json!({ "id": "no-such-container-xyz" }))
        .unwrap_err();
    assert_eq!(kind(&err), "not_found", "{err}");
}

#[test]
fn logs_stream_over_a_channel() {
    let engine = require_engine!();
    let c = engine
        .container("desk-logs")
        .cmd(&[
            "sh",
            "-c",
            "echo hello-out; echo hello-err >&2; printf '\\033[31mred\\033[0m\\n'; sleep 600",
        ])
        .start();
    wait_until_blocking(T, "the container printed", || c.logs().contains("red"));
    let mut t = TestApp::on(engine);
    let (ch, id) = t.channel();
    let stream = t
        .invoke(
            "logs_start",
            json!({ "id": c.id(), "channel": ch,
                    "request": { "tail": 100, "timestamps": true, "stdout": true, "stderr": true, "follow": true } }),
        )
        .unwrap();
    let lines = || -> Vec<Value> {
        t.messages(id)
            .iter()
            .flat_map(|b| b["lines"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    wait_until_blocking(T, "three log lines", || lines().len() >= 3);
    let all = lines();
    let err = all
        .iter()
        .find(|l| l["text"]["text"] == "hello-err")
        .unwrap();
    assert_eq!(err["stream"], "stderr");
    assert!(err["timestamp"].is_string());
    // Escape sequences arrive inert, as a style run.
    let red = all.iter().find(|l| l["text"]["text"] == "red").unwrap();
    assert_eq!(red["text"]["runs"][0][1]["fg"]["indexed"], 1, "{red}");
    assert_eq!(
        t.invoke("stream_stop", json!({ "stream": stream }))
            .unwrap(),
        true
    );
}

#[test]
fn stats_stream_sends_samples_and_resumes_with_the_gap_filled() {
    let engine = require_engine!();
    let c = engine
        .container("desk-stats")
        .cmd(&["sh", "-c", "while true; do :; done"])
        .start();
    let mut t = TestApp::on(engine);
    t.wait_event(T, |e| has_container(e, c.name()));
    let at = |m: &Value| -> Vec<i64> {
        m["series"]["samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["at_ms"].as_i64().unwrap())
            .collect()
    };
    let (ch, id) = t.channel();
    let stream = t
        .invoke(
            "stats_watch",
            json!({ "visible": [c.id()], "focus": c.id(), "channel": ch,
                    "series": { "after_ms": null } }),
        )
        .unwrap();
    // Samples arrive as numbers, each once: every update carries only what is new.
    let m = t.wait_message(id, T, |m| {
        m["latest"][c.id()]["cpu_pct"].as_f64() > Some(10.0)
            && m["series"]["samples"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
    });
    assert_eq!(m["series"]["id"], c.id());
    let all = |id| -> Vec<i64> { t.messages(id).iter().flat_map(&at).collect() };
    wait_until_blocking(T, "three samples", || all(id).len() >= 3);
    let seen = all(id);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "each sample once, in order: {seen:?}"
    );
    let last = *seen.last().unwrap();

    // Paused (the page hidden): the stream stops, the core keeps sampling the focused container.
    assert_eq!(
        t.invoke("stream_stop", json!({ "stream": stream }))
            .unwrap(),
        true
    );
    std::thread::sleep(Duration::from_secs(3));
    let resumed_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let (ch, id) = t.channel();
    t.invoke(
        "stats_watch",
        json!({ "visible": [c.id()], "focus": c.id(), "channel": ch,
                "series": { "after_ms": last } }),
    )
    .unwrap();
    // The first update after resuming is the gap: samples taken while paused, none seen before.
    let gap = at(&t.wait_message(id, T, |_| true));
    assert!(gap.iter().all(|&x| x > last), "{gap:?} after {last}");
    let during = gap.iter().filter(|&&x| x < resumed_at).count();
    assert!(during >= 2, "samples taken while paused: {gap:?}");
}

#[test]
fn stats_stream_with_top_sends_only_the_top_users() {
    let engine = require_engine!();
    let busy = engine
        .container("desk-top-busy")
        .cmd(&["sh", "-c", "while true; do :; done"])
        .start();
    let idle: Vec<_> = (0..3)
        .map(|i| {
            engine
                .container(&format!("desk-top-idle{i}"))
                .cmd(&["sleep", "600"])
                .start()
        })
        .collect();
    let mut t = TestApp::on(engine);
    t.wait_event(T, |e| {
        idle.iter()
            .chain([&busy])
            .all(|c| has_container(e, c.name()))
    });
    let visible: Vec<&str> = idle.iter().chain([&busy]).map(|c| c.id()).collect();
    let (ch, id) = t.channel();
    t.invoke(
        "stats_watch",
        json!({ "visible": visible, "focus": null, "series": null, "top": 1, "channel": ch }),
    )
    .unwrap();
    // The busy container leads CPU; the memory leader may be another: at most two samples.
    let m = t.wait_message(id, T, |m| {
        m["latest"][busy.id()]["cpu_pct"].as_f64() > Some(10.0)
    });
    let n = m["latest"].as_object().unwrap().len();
    assert!((1..=2).contains(&n), "{m}");
}

#[test]
fn exec_round_trip_with_resize() {
    let engine = require_engine!();
    let c = engine.container("desk-exec").cmd(&["sleep", "600"]).start();
    let mut t = TestApp::on(engine);
    let (ch, id) = t.channel();
    let stream = t
        .invoke(
            "exec_open",
            json!({ "id": c.id(), "cols": 100, "rows": 30, "channel": ch }),
        )
        .unwrap();
    t.invoke(
        "exec_resize",
        json!({ "stream": stream, "cols": 91, "rows": 27 }),
    )
    .unwrap();
    t.invoke(
        "exec_write",
        json!({ "stream": stream, "data": "stty size; echo marker-$((6*7))\r" }),
    )
    .unwrap();
    let output = || -> String {
        t.messages(id)
            .iter()
            .filter_map(|m| m["data"].as_str().map(str::to_owned))
            .collect()
    };
    wait_until_blocking(T, "the shell's answer", || output().contains("marker-42"));
    assert!(output().contains("27 91"), "{}", output());
    t.invoke(
        "exec_write",
        json!({ "stream": stream, "data": "exit 3\r" }),
    )
    .unwrap();
    let exit = t.wait_message(id, T, |m| m["type"] == "exit");
    assert_eq!(exit["code"], 3, "{exit}");
}

#[test]
fn switching_to_the_default_context_keeps_working() {
    let engine = require_engine!();
    let t = TestApp::on(engine);
    // `default` means DOCKER_HOST or the default socket, as for the docker CLI.
    match t.invoke("switch_context", json!({ "name": "default" })) {
        Ok(info) => assert!(info["endpoint"].is_string()),
        Err(e) => assert!(
            ["unavailable", "config", "not_found"].contains(&kind(&e)),
            "{e}"
        ),
    }
    let snap = t.invoke("snapshot", json!({})).unwrap();
    assert!(snap["endpoint"].is_string());
}

/// The page receives "used by" from the core's usage rule: a stopped container still uses its
/// image, its volume (by name) and its network (answered by network id).
#[test]
fn the_snapshot_carries_the_cores_usage_counts() {
    let engine = require_engine!();
    let vol = engine.volume("desk-used");
    let net = engine.network("desk-used");
    let c = engine
        .container("desk-user")
        .arg("-v")
        .arg(&format!("{}:/data", vol.name()))
        .network(net.name())
        .created_only();
    let image_id = c.inspect("{{.Image}}");
    let t = TestApp::on(engine);
    // The lists arrive one after another: wait until the network is listed too.
    let ev = t.wait_event(T, |e| {
        e["synced"] == true
            && e["networks"]
                .as_array()
                .is_some_and(|ns| ns.iter().any(|n| n["id"] == net.id()))
    });
    assert_eq!(ev["usage"]["volumes"][vol.name()], json!([c.id()]));
    assert_eq!(
        ev["usage"]["networks"][net.id()],
        json!([c.id()]),
        "{}",
        ev["usage"]
    );
    assert!(
        ev["usage"]["images"][image_id.as_str()]
            .as_array()
            .is_some_and(|u| u.contains(&json!(c.id()))),
        "{}",
        ev["usage"]
    );
}

/// The desktop's switch is the core's `Session::switch`, as the terminal UI's: a context where
/// nothing answers fails and the current link stays (it used to replace the link with a dead
/// one); a reachable one switches, and read-only carries over to the new engine handle.
#[test]
fn a_context_switch_waits_for_the_engine_and_keeps_read_only() {
    use tauri::Manager;
    let engine = require_engine!();
    let config = tempfile::tempdir().unwrap();
    wharf_tests::write_context(config.path(), "again", engine.host());
    // Resolves and builds a client (what opening a link accepts), but nothing answers there.
    wharf_tests::write_context(config.path(), "gone", "tcp://127.0.0.1:9");
    let t = TestApp::new(wharf_desktop::Args {
        host: Some(engine.host().to_owned()),
        read_only: true,
        env: Some(wharf_core::engine::connect::EnvVars {
            docker_config: Some(config.path().into()),
            ..Default::default()
        }),
        ..wharf_desktop::Args::default()
    });
    let list = t.invoke("contexts", json!({})).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["default", "again", "gone"], "{list}");

    let err = t
        .invoke("switch_context", json!({ "name": "gone" }))
        .unwrap_err();
    assert_eq!(kind(&err), "unavailable", "{err}");
    let info = t.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["endpoint"], engine.host(), "{info}");
    assert!(info["context"].is_null(), "{info}");

    let info = t
        .invoke("switch_context", json!({ "name": "again" }))
        .unwrap();
    assert_eq!(info["context"], "again", "{info}");
    let snap = t.invoke("snapshot", json!({})).unwrap();
    assert_eq!(snap["connection"]["state"], "connected", "{snap}");
    let desk = t.app.state::<wharf_desktop::Desk>();
    let link = desk.link();
    assert!(link.live().unwrap().engine.is_read_only());
}

//! Images and registries through the page's commands on Tauri's mock runtime, against the
//! test engine and a loopback registry: a pull's progress arrives over a channel and ends with
//! the image id; `stream_stop` cancels; login refuses a wrong password, keeps a right one for
//! the session only (nothing written), and its password shows in no answer; history and the
//! dangling/unused filter answer from the core's rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use common::{kind, TestApp};
use serde_json::json;
use wharf_tests::{require_engine, run_id, wait_until_blocking, TestEngine, TestRegistry};

const T: Duration = Duration::from_secs(60);

/// The docker config directory of this test process (empty: no credentials, no helper).
fn docker_config() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        // Before any app is built: the keychain reads it when the app starts.
        std::env::set_var("DOCKER_CONFIG", d.path());
        d
    })
    .path()
}

/// Image references removed when dropped.
struct Refs<'a>(&'a TestEngine, Vec<String>);

impl Drop for Refs<'_> {
    fn drop(&mut self) {
        for r in self.1.iter().rev() {
            let _ = self.0.docker(&["rmi", "-f", r]);
        }
    }
}

/// A new image (the test image and a layer of `bytes` random bytes) pushed as `r`, then
/// removed from the engine. Returns its id.
fn pushed(engine: &TestEngine, r: &str, bytes: usize) -> String {
    let c = engine
        .container("desk-img")
        .cmd(&[
            "sh",
            "-c",
            &format!("head -c {bytes} /dev/urandom > /blob && echo done"),
        ])
        .start();
    wait_until_blocking(T, "the layer", || c.logs().contains("done"));
    let id = engine.docker_ok(&["commit", c.id()]).trim().to_owned();
    engine.docker_ok(&["tag", &id, r]);
    engine.docker_ok(&["push", r]);
    engine.docker_ok(&["rmi", "-f", &id]);
    id
}

#[test]
fn pull_over_a_channel_reports_layers_and_ends_with_the_image() {
    docker_config();
    let engine = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let r = reg.reference("wharf-test/deskpull", run_id());
    let _refs = Refs(engine, vec![r.clone()]);
    let id = pushed(engine, &r, 2_000_000);
    let mut t = TestApp::on(engine);
    let (ch, chan) = t.channel();
    t.invoke(
        "image_transfer",
        json!({ "request": { "kind": "pull", "reference": r }, "channel": ch }),
    )
    .unwrap();
    let done = t.wait_message(chan, T, |m| m["kind"] == "done" || m["kind"] == "failed");
    assert_eq!(done["kind"], "done", "{done}");
    assert_eq!(done["image"], id.as_str());
    let msgs = t.messages(chan);
    assert!(
        msgs.iter().any(|m| m["kind"] == "progress"
            && m["transfer"]["layers"]
                .as_array()
                .is_some_and(|l| !l.is_empty())),
        "{msgs:?}"
    );
    assert_eq!(done["transfer"]["current"], done["transfer"]["total"]);
    assert!(engine.docker(&["image", "inspect", &r]).is_ok());

    // A bad reference fails over the channel with the parser's words; nothing is sent.
    let (ch, chan) = t.channel();
    t.invoke(
        "image_transfer",
        json!({ "request": { "kind": "pull", "reference": "Foo:bar" }, "channel": ch }),
    )
    .unwrap();
    let failed = t.wait_message(chan, T, |m| m["kind"] == "failed");
    assert_eq!(failed["error"]["kind"], "invalid_input");
    assert!(failed["error"]["message"]
        .as_str()
        .unwrap()
        .contains("repository names must be lowercase"));
}

#[test]
fn login_checks_with_the_engine_and_keeps_nothing_on_disk_unless_asked() {
    let config = docker_config();
    let engine = require_engine!();
    let (user, password) = ("deskuser", "desk-Pass-7731");
    let Some(reg) = TestRegistry::start_with_auth_or_skip(user, password) else {
        return;
    };
    let t = TestApp::on(engine);
    let target = t
        .invoke("login_target", json!({ "server": reg.host() }))
        .unwrap();
    assert_eq!(target["kind"], "plain_file");
    assert!(target["path"].as_str().unwrap().ends_with("config.json"));

    let wrong = t
        .invoke(
            "login",
            json!({ "server": reg.host(), "username": user, "password": "nope-Wrong-1", "save": "session" }),
        )
        .unwrap_err();
    assert_eq!(kind(&wrong), "denied", "{wrong}");
    assert!(!wrong.to_string().contains("nope-Wrong-1"));

    let ok = t
        .invoke(
            "login",
            json!({ "server": reg.host(), "username": user, "password": password, "save": "session" }),
        )
        .unwrap();
    assert_eq!(ok["kept"], "session");
    assert!(
        !config.join("config.json").exists(),
        "nothing written unasked"
    );

    // The session's login is what a push uses.
    let r = reg.reference("wharf-test/desklogin", run_id());
    let c = engine.container("desk-login").cmd(&["true"]).created_only();
    let id = engine.docker_ok(&["commit", c.id()]).trim().to_owned();
    let _refs = Refs(engine, vec![id.clone(), r.clone()]);
    engine.docker_ok(&["tag", &id, &r]);
    let mut t = t;
    let (ch, chan) = t.channel();
    t.invoke(
        "image_transfer",
        json!({ "request": { "kind": "push", "reference": r }, "channel": ch }),
    )
    .unwrap();
    let end = t.wait_message(chan, T, |m| m["kind"] == "done" || m["kind"] == "failed");
    assert_eq!(end["kind"], "done", "{end}");
    assert!(end["digest"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn history_and_filters_come_from_the_core() {
    docker_config();
    let engine = require_engine!();
    let c = engine.container("desk-hist").cmd(&["true"]).created_only();
    let id = engine
        .docker_ok(&["commit", "-m", "desk step", c.id()])
        .trim()
        .to_owned();
    let _refs = Refs(engine, vec![id.clone()]);
    drop(c);
    let t = TestApp::on(engine);
    let h = t.invoke("image_history", json!({ "id": id })).unwrap();
    assert_eq!(h[0]["comment"], "desk step", "{h}");
    // The untagged commit is dangling once the store has it.
    wait_until_blocking(T, "the dangling filter lists it", || {
        t.invoke("image_filter", json!({ "filter": "dangling" }))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == id.as_str())
    });
    let unused = t
        .invoke("image_filter", json!({ "filter": "unused" }))
        .unwrap();
    assert!(unused.as_array().unwrap().iter().any(|i| i == id.as_str()));
}

#[test]
fn check_updates_marks_an_outdated_image_and_its_container() {
    docker_config();
    let engine = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let r = reg.reference("wharf-test/deskfresh", run_id());
    let commit = |suffix: &str| {
        let c = engine.container(suffix).cmd(&["true"]).created_only();
        engine
            .docker_ok(&["commit", "-m", suffix, c.id()])
            .trim()
            .to_owned()
    };
    let old = commit("desk-v1");
    let new = commit("desk-v2");
    let _refs = Refs(engine, vec![old.clone(), new.clone(), r.clone()]);
    engine.docker_ok(&["tag", &old, &r]);
    engine.docker_ok(&["push", &r]);
    let c = engine
        .container("desk-fresh")
        .image(&r)
        .cmd(&["sleep", "300"])
        .start();
    engine.docker_ok(&["tag", &new, &r]);
    engine.docker_ok(&["push", &r]);
    engine.docker_ok(&["tag", &old, &r]);
    let t = TestApp::on(engine);
    let mut marks = json!(null);
    wait_until_blocking(T, "the check sees the image and its container", || {
        marks = t.invoke("check_updates", json!({ "ids": [old] })).unwrap();
        marks["containers"][c.id()].is_string()
    });
    assert_eq!(marks["images"][old.as_str()], "outdated", "{marks}");
    assert_eq!(marks["containers"][c.id()], "outdated", "{marks}");
    assert!(marks["why"][old.as_str()][0]
        .as_str()
        .unwrap()
        .contains("outdated"));
}

#[test]
fn stream_stop_cancels_a_pull_and_leaves_no_image() {
    docker_config();
    let engine = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let r = reg.reference("wharf-test/deskcancel", run_id());
    let _refs = Refs(engine, vec![r.clone()]);
    let id = pushed(engine, &r, 96_000_000);
    let _id = Refs(engine, vec![id.clone()]);
    let mut t = TestApp::on(engine);
    let (ch, chan) = t.channel();
    let stream = t
        .invoke(
            "image_transfer",
            json!({ "request": { "kind": "pull", "reference": r }, "channel": ch }),
        )
        .unwrap();
    t.wait_message(chan, T, |m| {
        m["kind"] == "progress"
            && m["transfer"]["layers"]
                .as_array()
                .is_some_and(|ls| ls.iter().any(|l| l["current"].as_u64() > Some(0)))
    });
    assert_eq!(
        t.invoke("stream_stop", json!({ "stream": stream }))
            .unwrap(),
        true
    );
    // Had the pull gone on, 96 MB over loopback would land within a few seconds.
    for _ in 0..30 {
        assert!(
            engine.docker(&["image", "inspect", &r]).is_err(),
            "the cancelled pull made the image"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        !t.messages(chan).iter().any(|m| m["kind"] == "done"),
        "no Done after the stop"
    );
}

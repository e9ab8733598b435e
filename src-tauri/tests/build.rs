//! Builds and search through the page's commands on Tauri's mock runtime: `build_check`
//! answers with wharf-core's field errors; `build_start` builds a directory against the real
//! engine with the output over a Channel (steps, the RUN's output, the context size, then the
//! image id), `stream_stop` cancels a running build, invalid forms and read-only mode are
//! refused before the engine; `image_search` of a loopback v2 registry gives the clear message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{dead_host, kind, TestApp};
use serde_json::{json, Value};
use wharf_desktop::Args;
use wharf_tests::{require_engine, unique_name, wait_until_blocking, TestEngine, TestRegistry};

const T: Duration = Duration::from_secs(60);

/// Removes the images a test built, also when it fails.
struct Built<'e> {
    engine: &'e TestEngine,
    refs: Vec<String>,
}

impl Drop for Built<'_> {
    fn drop(&mut self) {
        for r in &self.refs {
            let _ = self.engine.docker(&["rmi", "-f", r]);
        }
    }
}

fn context(dockerfile: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("Dockerfile"), dockerfile).unwrap();
    d
}

fn form(dir: &std::path::Path, tags: &[&str]) -> Value {
    let mut f = serde_json::to_value(wharf_core::spec::build::BuildForm::default()).unwrap();
    f["context"] = json!(dir.display().to_string());
    f["tags"] = json!(tags);
    f
}

/// Every event sent on channel `id` so far, in order.
fn events(t: &TestApp, id: u32) -> Vec<Value> {
    t.messages(id)
        .iter()
        .flat_map(|b| b["events"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn build_check_places_errors_and_works_read_only() {
    let ro = TestApp::new(Args {
        host: Some(dead_host()),
        read_only: true,
        ..Args::default()
    });
    let d = context("FROM scratch\n");
    let mut f = form(d.path(), &["Bad Tag"]);
    f["args"] = json!(["NOVALUE"]);
    let errors = ro.invoke("build_check", json!({ "form": f })).unwrap();
    let fields: Vec<(&str, &Value)> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), &e["entry"]))
        .collect();
    assert_eq!(
        fields,
        [("tags", &json!(0)), ("args", &json!(0))],
        "{errors}"
    );
    let ok = ro
        .invoke("build_check", json!({ "form": form(d.path(), &["app:1"]) }))
        .unwrap();
    assert_eq!(ok, json!([]));

    // Read-only refuses the build itself, before anything is read or sent.
    let mut ro = ro;
    let (ch, _) = ro.channel();
    let err = ro
        .invoke(
            "build_start",
            json!({ "form": form(d.path(), &[]), "channel": ch }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "denied", "{err}");
    // An invalid form is refused as such, not sent to the (dead) engine.
    let mut t = TestApp::offline();
    let (ch, _) = t.channel();
    let err = t
        .invoke(
            "build_start",
            json!({ "form": form(std::path::Path::new("/nonexistent/ctx"), &[]), "channel": ch }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/ctx"),
        "{err}"
    );
}

#[test]
fn build_streams_its_output_over_a_channel_and_ends_with_the_image() {
    let engine = require_engine!();
    let d = context(&format!(
        "FROM {}\nRUN echo from-the-desktop-build\n",
        engine.image()
    ));
    let tag = format!("{}:desk", unique_name("desk-build"));
    let mut guard = Built {
        engine,
        refs: vec![tag.clone()],
    };
    let mut t = TestApp::on(engine);
    let (ch, id) = t.channel();
    t.invoke(
        "build_start",
        json!({ "form": form(d.path(), &[&tag]), "channel": ch }),
    )
    .unwrap();
    let last = t.wait_message(id, T, |b| b["ended"] == true);
    assert_eq!(last["error"], Value::Null, "{last}");
    let all = events(&t, id);
    let done = all.iter().find(|e| e["kind"] == "done").unwrap();
    let image = done["id"].as_str().unwrap().to_owned();
    guard.refs.push(image.clone());
    assert_eq!(done["tags"], json!([tag]));
    assert!(
        all.iter()
            .any(|e| e["kind"] == "output" && e["text"] == "from-the-desktop-build"),
        "{all:?}"
    );
    assert!(all.iter().any(|e| e["kind"] == "step"), "{all:?}");
    let ctx = all.iter().find(|e| e["kind"] == "context").unwrap();
    assert_eq!(ctx["entries"], 1, "{ctx}");
    let engine_id = engine.docker_ok(&["image", "inspect", "-f", "{{.Id}}", &tag]);
    assert_eq!(engine_id.trim(), image);
}

#[test]
fn stream_stop_cancels_a_running_build() {
    let engine = require_engine!();
    let d = context(&format!(
        "FROM {}\nRUN echo started && sleep 300\n",
        engine.image()
    ));
    let tag = format!("{}:desk", unique_name("desk-cancel"));
    let _guard = Built {
        engine,
        refs: vec![tag.clone()],
    };
    let mut t = TestApp::on(engine);
    let (ch, id) = t.channel();
    let mut f = form(d.path(), &[&tag]);
    f["no_cache"] = json!(true);
    let stream = t
        .invoke("build_start", json!({ "form": f, "channel": ch }))
        .unwrap();
    wait_until_blocking(T, "the RUN step to start", || {
        events(&t, id)
            .iter()
            .any(|e| e["kind"] == "output" && e["text"] == "started")
    });
    let container = events(&t, id)
        .iter()
        .find_map(|e| {
            e["text"]
                .as_str()
                .and_then(|s| s.trim().strip_prefix("---> Running in "))
                .map(str::to_owned)
        })
        .unwrap();
    assert_eq!(
        t.invoke("stream_stop", json!({ "stream": stream }))
            .unwrap(),
        true
    );
    wait_until_blocking(T, "the build's container to go away", || {
        engine
            .docker(&["inspect", "--type", "container", &container])
            .is_err()
    });
    assert!(engine.docker(&["image", "inspect", &tag]).is_err());
}

#[test]
fn search_of_a_registry_without_search_says_so() {
    let engine = require_engine!();
    let Some(registry) = TestRegistry::start_or_skip() else {
        return;
    };
    let t = TestApp::on(engine);
    let err = t
        .invoke(
            "image_search",
            json!({ "query": { "term": format!("{}/busybox", registry.host()), "limit": 5 } }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "not_found", "{err}");
    assert_eq!(
        err["message"],
        format!("{} does not offer search", registry.host()),
        "{err}"
    );
}

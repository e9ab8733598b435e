//! `stats_history` through Tauri's mock runtime with the real core: the Stats tab's range
//! buttons read what `wharf watch` recorded (written here straight into the database the app
//! reads, `WHARF_HISTORY`), keyed by name so a recreated container's line goes on, with markers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{kind, TestApp};
use serde_json::{json, Value};
use wharf_core::clock::now_ms;
use wharf_core::history::{HistoryDb, HistoryOptions};
use wharf_core::model::{ContainerId, ContainerState, Sample};
use wharf_tests::require_engine;

const T: Duration = Duration::from_secs(30);

#[test]
fn stats_history_returns_recorded_samples_and_markers_by_range() {
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("history.sqlite3");
    // The only test in this binary: the variable is the app's, read when a command runs.
    std::env::set_var("WHARF_HISTORY", &db_path);
    let c = engine.container("desk-hist").cmd(&["sleep", "600"]).start();
    let t = TestApp::on(engine);
    t.wait_event(T, |e| {
        e["containers"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|x| x["name"] == c.name()))
    });
    // Nothing recorded yet: an empty answer, not an error (no file is created either).
    let empty = t
        .invoke("stats_history", json!({ "id": c.id(), "range": "m15" }))
        .unwrap();
    assert_eq!(empty["samples"], json!([]), "{empty}");
    assert!(!db_path.exists());

    // Ten minutes of a container of the same name that was removed, then the current one.
    let endpoint = t.invoke("app_info", json!({})).unwrap()["endpoint"]
        .as_str()
        .unwrap()
        .to_owned();
    let snap = t.invoke("snapshot", json!({})).unwrap();
    let mut current: wharf_core::model::Container = serde_json::from_value(
        snap["containers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == c.name())
            .unwrap()
            .clone(),
    )
    .unwrap();
    let mut old = current.clone();
    old.id = ContainerId("0ld0ld0ld0ld0ld0ld".into());
    old.state = ContainerState::Exited;
    current.labels = BTreeMap::new();
    let mut db = HistoryDb::open(&HistoryOptions::new(&db_path)).unwrap();
    let now = now_ms();
    let s = |at_ms: i64, cpu: f64| Sample {
        at_ms,
        cpu_pct: cpu,
        mem_used: 4 << 20,
        mem_limit: 1 << 30,
        ..Default::default()
    };
    for i in 0..600 {
        db.record(&endpoint, &[(&old, s(now - 1_200_000 + i * 1000, 12.5))])
            .unwrap();
    }
    for i in 0..300 {
        db.record(&endpoint, &[(&current, s(now - 300_000 + i * 1000, 50.0))])
            .unwrap();
    }
    drop(db);

    let h = t
        .invoke("stats_history", json!({ "id": c.id(), "range": "h1" }))
        .unwrap();
    let samples = h["samples"].as_array().unwrap();
    assert_eq!(
        samples.len(),
        900,
        "both containers' samples: {}",
        samples.len()
    );
    assert_eq!(h["step_ms"], 1000);
    assert_eq!(samples[0]["cpu_pct"], 12.5);
    assert_eq!(samples[899]["cpu_pct"], 50.0);
    let markers = h["markers"].as_array().unwrap();
    assert_eq!(markers.len(), 1, "{markers:?}");
    assert_eq!(markers[0]["action"], "recreate");
    assert_eq!(markers[0]["at_ms"], now - 300_000);
    // 15 minutes: only the newer part.
    let h = t
        .invoke("stats_history", json!({ "id": c.id(), "range": "m15" }))
        .unwrap();
    let n = h["samples"].as_array().unwrap().len();
    assert!((300..=601).contains(&n), "{n}");

    // Bad input: a range the core does not offer, a container that does not exist.
    let err = t
        .invoke("stats_history", json!({ "id": c.id(), "range": "2d" }))
        .unwrap_err();
    assert!(err.to_string().contains("2d") || !err.is_null(), "{err}");
    let err: Value = t
        .invoke(
            "stats_history",
            json!({ "id": "no-such-container", "range": "h1" }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "not_found", "{err}");
}

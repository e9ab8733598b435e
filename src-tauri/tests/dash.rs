//! The dashboard's commands against a real engine through Tauri's mock runtime: `dash_watch`
//! streams a busy project's stacked graphs (the whole series first, then only new points, and
//! after a pause only the gap), `dash_export` writes PNG/SVG/CSV into the download directory,
//! and an empty scope is refused with a reason. Its own test binary (it sets
//! `WHARF_DOWNLOAD_DIR`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{download_dir, kind, TestApp};
use serde_json::{json, Value};
use wharf_tests::{require_engine, unique_name};

const T: Duration = Duration::from_secs(60);

/// The newest CPU (cores) of `group` in a dash message.
fn cpu(m: &Value, group: &str) -> f64 {
    let chart = &m["series"]["charts"][0];
    let Some(i) = chart["groups"]
        .as_array()
        .and_then(|g| g.iter().position(|x| x == group))
    else {
        return 0.0;
    };
    chart["values"][i]
        .as_array()
        .and_then(|v| v.last())
        .and_then(Value::as_f64)
        .unwrap_or(0.0)
}

fn times(m: &Value) -> Vec<i64> {
    m["series"]["at_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

#[test]
fn dash_watch_streams_a_busy_project_and_exports_it() {
    let dir = download_dir();
    let engine = require_engine!();
    let project = unique_name("desk-dash");
    let _burn = engine
        .container("burn")
        .compose(&project, "burn")
        .args(&["--cpus", "0.5"])
        .cmd(&["sh", "-c", "while :; do :; done"])
        .start();
    let mut t = TestApp::on(engine);
    t.invoke("dash_sampling", json!({ "on": true })).unwrap();
    let scope = json!({ "kind": "project", "name": project });
    let (ch, id) = t.channel();
    let stream = t
        .invoke(
            "dash_watch",
            json!({ "scope": scope, "stacking": { "by": "group" }, "resume": null, "channel": ch }),
        )
        .unwrap();
    let first = t.wait_message(id, T, |m| m["reset"] == true && cpu(m, "burn") > 0.05);
    assert_eq!(first["series"]["charts"].as_array().unwrap().len(), 6);
    assert!(first["series"]["charts"][0]["caption"]
        .as_str()
        .unwrap()
        .contains("cores"));
    let newest = *times(&first).last().unwrap();
    // Then only new points, appended by the page.
    let next = t.wait_message(id, T, |m| {
        m["reset"] == false && times(m).first().is_some_and(|&x| x > newest)
    });
    assert!(
        times(&next).len() <= 3,
        "only the new points: {:?}",
        times(&next)
    );
    let last = t.messages(id).iter().flat_map(times).max().unwrap();
    let groups: Vec<Value> = first["series"]["charts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["groups"].clone())
        .collect();

    // Paused, then resumed with the page's newest point and bands: the gap only.
    t.invoke("stream_stop", json!({ "stream": stream }))
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let (ch, id) = t.channel();
    t.invoke(
        "dash_watch",
        json!({ "scope": scope, "stacking": { "by": "group" },
                "resume": { "after_ms": last, "groups": groups }, "channel": ch }),
    )
    .unwrap();
    let gap = t.wait_message(id, T, |_| true);
    assert_eq!(gap["reset"], false, "same bands: appended");
    let gap = times(&gap);
    assert!(
        gap.len() >= 2 && gap.iter().all(|&x| x > last),
        "{gap:?} after {last}"
    );

    for (format, magic) in [
        ("png", &b"\x89PNG"[..]),
        ("svg", &b"<svg"[..]),
        ("csv", &b"at_ms,time,metric,group,value"[..]),
    ] {
        let saved = t
            .invoke(
                "dash_export",
                json!({ "scope": scope, "stacking": { "by": "top", "n": 5 }, "format": format, "options": null }),
            )
            .unwrap();
        let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
        assert_eq!(path.parent().unwrap(), dir);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
    }
    // Nothing sampled for a project that does not exist: refused, nothing written.
    let err = t
        .invoke(
            "dash_export",
            json!({ "scope": { "kind": "project", "name": "no-such-project" },
                    "stacking": { "by": "group" }, "format": "csv", "options": null }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    t.invoke("dash_sampling", json!({ "on": false })).unwrap();
}

#[test]
fn an_export_with_nothing_sampled_is_refused_with_a_reason() {
    let _ = download_dir();
    let t = TestApp::offline();
    let err = t
        .invoke(
            "dash_export",
            json!({ "scope": { "kind": "engine" }, "stacking": { "by": "group" }, "format": "png", "options": null }),
        )
        .unwrap_err();
    assert!(err.to_string().contains("nothing to export yet"), "{err}");
}

//! `chart_export` draws the container's markers: a real container is restarted (killed, exit
//! 137, and started again), the engine's events the app received are recorded into the history
//! database the app reads (`WHARF_HISTORY`) by the core's own `record_events` (what `wharf
//! watch` does), and the exported SVG of the container's CPU graph has the die as a vertical
//! line in its kind's colour; a container the history knows nothing of exports without any.
//! Its own test binary: the variables are this process's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{download_dir, TestApp};
use serde_json::{json, Value};
use wharf_core::history::{HistoryDb, HistoryOptions};
use wharf_core::model::{EngineEvent, MarkerKind};
use wharf_tests::{require_engine, wait_until_blocking};

const T: Duration = Duration::from_secs(60);

/// The x positions of the vertical lines the SVG draws in `hex` (`#RRGGBB`, upper case).
fn vertical_lines(svg: &str, hex: &str) -> Vec<String> {
    svg.lines()
        .filter(|l| l.to_uppercase().contains("<POLYLINE") && l.to_uppercase().contains(hex))
        .filter_map(|l| {
            let pts: Vec<&str> = l
                .split("points=\"")
                .nth(1)?
                .split('"')
                .next()?
                .split_whitespace()
                .collect();
            let x = |p: &str| p.split(',').next().map(str::to_owned);
            (pts.len() == 2 && x(pts[0]) == x(pts[1])).then(|| x(pts[0]).unwrap())
        })
        .collect()
}

#[test]
fn the_container_graph_export_draws_its_die_marker() {
    let downloads = download_dir();
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    std::env::set_var("WHARF_HISTORY", &db);
    let c = engine
        .container("desk-marks")
        .cmd(&["sleep", "600"])
        .start();
    let quiet = engine
        .container("desk-nomarks")
        .cmd(&["sleep", "600"])
        .start();
    let mut t = TestApp::on(engine);
    let endpoint = t.invoke("app_info", json!({})).unwrap()["endpoint"]
        .as_str()
        .unwrap()
        .to_owned();
    // The page's Stats tab: the focused container's series is kept by the core.
    let (ch, id) = t.channel();
    t.invoke(
        "stats_watch",
        json!({ "visible": [c.id(), quiet.id()], "focus": c.id(), "channel": ch,
                "series": { "after_ms": null } }),
    )
    .unwrap();
    t.wait_message(id, T, |m| {
        m["series"]["samples"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    });
    // `sleep` as PID 1 ignores SIGTERM: with no grace it is killed (exit 137) and started again.
    engine.docker_ok(&["restart", "-t", "0", c.id()]);
    let die = |e: &Value| e["action"] == "die" && e["actor_id"] == c.id();
    let snap = t.wait_event(T, |s| {
        s["events"].as_array().is_some_and(|es| es.iter().any(die))
    });
    let events: Vec<EngineEvent> = serde_json::from_value(snap["events"].clone()).unwrap();
    let mut hist = HistoryDb::open(&HistoryOptions::new(&db)).unwrap();
    assert!(hist.record_events(&endpoint, &events).unwrap() >= 1);
    drop(hist);
    let die_ms = events
        .iter()
        .find(|e| e.action == "die" && e.actor_id == c.id())
        .unwrap()
        .time_nano
        / 1_000_000;
    // Samples after the restart too, so the die falls inside the graph.
    wait_until_blocking(T, "samples after the restart", || {
        t.messages(id).iter().any(|m| {
            m["series"]["samples"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["at_ms"].as_i64() > Some(die_ms + 1000)))
        })
    });

    let colour = wharf_core::chart::marker_color(MarkerKind::Die);
    let hex = format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2);
    let opts = json!({ "width": 640, "height": 240, "dark": false, "window_secs": 900 });
    let export = |id: &str, name: &str| -> String {
        let saved = t
            .invoke(
                "chart_export",
                json!({ "id": id, "name": name, "metric": "cpu", "format": "svg",
                        "options": opts }),
            )
            .unwrap();
        let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
        assert_eq!(path.parent().unwrap(), downloads);
        std::fs::read_to_string(path).unwrap()
    };
    let svg = export(c.id(), c.name());
    assert_eq!(vertical_lines(&svg, &hex).len(), 1, "one die line in {hex}");
    assert!(svg.to_uppercase().contains(">\nDIE\n<"), "labelled");
    // The PNG takes the same markers (drawn, so only its size is checked here).
    let saved = t
        .invoke(
            "chart_export",
            json!({ "id": c.id(), "name": c.name(), "metric": "memory", "format": "png",
                    "options": opts }),
        )
        .unwrap();
    assert!(saved["bytes"].as_u64().unwrap() > 1000);
    // Another container's export has none of its markers.
    let other = export(quiet.id(), quiet.name());
    assert!(
        vertical_lines(&other, &hex).is_empty(),
        "no die for {}",
        quiet.name()
    );
}

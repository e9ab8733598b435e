//! The log archive's commands through Tauri's mock runtime with the real core: the toggle
//! stores the current engine's choice in the database the app reads (`WHARF_HISTORY`), a bad
//! selector or regex is refused, and the search finds a recreated container's two instances
//! with the marker between them, text made inert.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{kind, TestApp};
use serde_json::json;
use wharf_core::engine::LogStream;
use wharf_core::history::archive::ArchLine;
use wharf_core::history::{HistoryDb, HistoryOptions, SeriesKey};
use wharf_tests::require_engine;

fn line(ms: i64, text: &[u8]) -> ArchLine {
    ArchLine {
        ts_ns: ms * 1_000_000,
        stream: LogStream::Stdout,
        bytes: text.to_vec(),
    }
}

#[test]
fn archive_toggle_and_search_through_the_commands() {
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    // The only test in this binary: the variable is the app's, read when a command runs.
    std::env::set_var("WHARF_HISTORY", &db);
    let t = TestApp::on(engine);
    let endpoint = t.invoke("app_info", json!({})).unwrap()["endpoint"]
        .as_str()
        .unwrap()
        .to_owned();

    // Nothing yet: an empty selection and an empty search, no file made.
    let s = t.invoke("archive_state", json!({})).unwrap();
    assert_eq!(s["selectors"], json!([]), "{s}");
    let q = |pattern: &str, regex: bool| {
        json!({ "query": { "engine": "", "scope": "name:web", "pattern": pattern, "regex": regex,
                           "from_ms": null, "to_ms": null, "limit": 0 } })
    };
    assert_eq!(
        t.invoke("archive_search", q("x", false)).unwrap()["entries"],
        json!([])
    );
    assert!(!db.exists());

    // The toggle stores the engine's selector; a bad one is refused and stores nothing.
    let s = t
        .invoke("archive_set", json!({ "selector": "name:web", "on": true }))
        .unwrap();
    assert_eq!(s["selectors"], json!(["name:web"]), "{s}");
    assert_eq!(s["engine"], json!(endpoint));
    let err = t
        .invoke(
            "archive_set",
            json!({ "selector": "compose:shop/", "on": true }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    let stored = HistoryDb::open(&HistoryOptions::new(&db))
        .unwrap()
        .archive_choices()
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].engine, endpoint);

    // Two instances of `web`, as a recorder stores them; one line hostile.
    let mut h = HistoryDb::open(&HistoryOptions::new(&db)).unwrap();
    let key = SeriesKey {
        engine: endpoint.clone(),
        key: "name:web".into(),
    };
    let t0 = wharf_core::clock::now_ms() - 3_600_000;
    h.archive_write(
        &key,
        "aaaa1111aaaa1111",
        "web",
        &[line(t0, b"hello one"), line(t0 + 1, b"bye")],
    )
    .unwrap();
    h.archive_write(
        &key,
        "bbbb2222bbbb2222",
        "web",
        &[line(
            t0 + 60_000,
            b"hello \x1b]52;c;cHduZWQ=\x07two\x1b[31m",
        )],
    )
    .unwrap();
    let r = t.invoke("archive_search", q("hello", false)).unwrap();
    let got: Vec<(String, String)> = r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{r}");
    assert_eq!(got[0], ("line".into(), "hello one".into()));
    assert_eq!(got[1].0, "recreate");
    assert!(
        got[1].1.contains("now bbbb2222bbbb (was aaaa1111aaaa)"),
        "{r}"
    );
    assert_eq!(got[2], ("line".into(), "hello two".into()));

    let err = t.invoke("archive_search", q("(", true)).unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    let s = t
        .invoke(
            "archive_set",
            json!({ "selector": "name:web", "on": false }),
        )
        .unwrap();
    assert_eq!(s["selectors"], json!([]));
}

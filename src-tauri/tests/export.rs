//! `chart_export` and `logs_save` write real files, only into the download directory and under
//! a name the adapter makes safe. Its own test binary: every test first sets
//! `WHARF_DOWNLOAD_DIR` (once, before any test goes on) to a temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{download_dir, TestApp};
use serde_json::json;
use wharf_desktop::Args;
use wharf_tests::require_engine;

#[test]
fn graphs_are_exported_as_svg_and_png() {
    let dir = download_dir();
    let t = TestApp::offline();
    let opts = json!({ "width": 640, "height": 240, "dark": false, "window_secs": 300 });
    for (format, magic) in [("svg", &b"<svg"[..]), ("png", &b"\x89PNG"[..])] {
        let saved = t
            .invoke(
                "chart_export",
                json!({ "id": "abc", "name": "../../etc/evil name", "metric": "memory",
                        "format": format, "options": opts }),
            )
            .unwrap();
        let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
        assert_eq!(path.parent().unwrap(), dir, "written outside: {path:?}");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("wharf-_.._etc_evil_name-memory-"),
            "{name}"
        );
        assert!(name.ends_with(&format!(".{format}")));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
        assert_eq!(saved["bytes"].as_u64().unwrap() as usize, bytes.len());
    }
    let err = t
        .invoke(
            "chart_export",
            json!({ "id": "abc", "name": "x", "metric": "cpu", "format": "png",
                    "options": { "width": 5, "height": 5, "dark": false, "window_secs": 60 } }),
        )
        .unwrap_err();
    assert_eq!(common::kind(&err), "invalid_input", "{err}");
}

#[test]
fn a_whole_log_is_saved_to_a_file() {
    let dir = download_dir();
    let engine = require_engine!();
    let c = engine
        .container("desk-save")
        .cmd(&["sh", "-c", "echo hello-out; echo hello-err >&2; sleep 600"])
        .start();
    wharf_tests::wait_until_blocking(std::time::Duration::from_secs(20), "output", || {
        c.logs().contains("hello-err")
    });
    let t = TestApp::new(Args {
        host: Some(engine.host().to_owned()),
        ..Args::default()
    });
    let saved = t
        .invoke(
            "logs_save",
            json!({ "id": c.id(), "name": c.name(), "timestamps": true }),
        )
        .unwrap();
    let path = Path::new(saved["path"].as_str().unwrap());
    assert_eq!(path.parent().unwrap(), dir);
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains("hello-out") && text.contains("hello-err"),
        "{text}"
    );
}

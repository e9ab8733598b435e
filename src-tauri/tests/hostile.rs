//! Hostile text and secrets reach the page only inert and masked (issue #9, items 8–10): a
//! real container whose labels, env, command and logs hold escape sequences, bidi overrides
//! and zero-width characters, and a secret in its env. The commands the page calls return
//! what the core made of it: the snapshot's strings inert, inspect inert with secrets masked
//! unless `reveal: true`, saved logs free of control and invisible characters. Its own test
//! binary: `WHARF_DOWNLOAD_DIR` is set once for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{download_dir, TestApp};
use serde_json::{json, Value};
use wharf_core::streams::text::is_invisible;
use wharf_desktop::Args;
use wharf_tests::require_engine;

const PAYLOAD: &str = "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[2Jv=\u{202E}gnp.exe z\u{200B}w";
const MARKER: &str = "v=⟨U+202E⟩gnp.exe";
const SECRET: &str = "hunter2-desk-secret";

/// No control character (but newlines) and no invisible one anywhere in `text`.
fn assert_clean(what: &str, text: &str) {
    for c in text.chars() {
        let control = c.is_control() && c != '\n';
        assert!(!control && !is_invisible(c), "{what}: {c:?} in {text:?}");
    }
}

#[test]
fn hostile_text_reaches_the_page_inert_and_secrets_masked() {
    let dir = download_dir();
    let engine = require_engine!();
    let script = "printf 'log \\033]0;pwned\\007\\033[2Jv=\\342\\200\\256gnp.exe \\302\\233 bad:\\377\\n'; sleep 600";
    let c = engine
        .container("desk-hostile")
        .label("wharf.hostile", PAYLOAD)
        .env("HOSTILE", PAYLOAD)
        .env("DB_PASSWORD", SECRET)
        .cmd(&["sh", "-c", script, PAYLOAD])
        .start();
    wharf_tests::wait_until_blocking(Duration::from_secs(20), "output", || {
        c.logs().contains("gnp.exe")
    });
    let t = TestApp::new(Args {
        host: Some(engine.host().to_owned()),
        ..Args::default()
    });

    // The snapshot (what the page lists): labels and command inert.
    let snap = t.wait_event(Duration::from_secs(20), |e| {
        e["containers"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|x| x["id"] == c.id()))
    });
    let row: &Value = snap["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == c.id())
        .unwrap();
    assert_eq!(
        row["labels"]["wharf.hostile"].as_str(),
        Some(&*format!("{MARKER} z⟨U+200B⟩w")),
        "{row}"
    );
    assert_clean("snapshot", &row.to_string());

    // Inspect: inert, the secret masked…
    let doc = t.invoke("inspect", json!({ "id": c.id() })).unwrap();
    let text = doc.to_string();
    assert!(!text.contains(SECRET), "masked: {text}");
    assert!(text.contains("DB_PASSWORD=••••••••"), "{text}");
    assert!(text.contains(MARKER), "{text}");
    assert_clean("inspect", &serde_json::to_string_pretty(&doc).unwrap());
    // …until the page asks to reveal it.
    let doc = t
        .invoke("inspect", json!({ "id": c.id(), "reveal": true }))
        .unwrap();
    assert!(doc.to_string().contains(SECRET));
    assert_clean(
        "revealed inspect",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );

    // Saved logs, with and without timestamps.
    for timestamps in [false, true] {
        let saved = t
            .invoke(
                "logs_save",
                json!({ "id": c.id(), "name": c.name(), "timestamps": timestamps }),
            )
            .unwrap();
        let path = Path::new(saved["path"].as_str().unwrap());
        assert_eq!(path.parent().unwrap(), dir);
        let text = String::from_utf8(std::fs::read(path).unwrap()).unwrap();
        assert!(text.contains(MARKER), "{text}");
        assert_clean("saved log", &text);
    }
}

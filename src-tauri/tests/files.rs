//! The container files commands through the real IPC path (mock runtime) against the harness
//! engine: a listing with inert names beside the raw ones, `docker diff`, a copy out and in
//! over a channel (progress, then done) that round-trips bytes, an overwrite refused without
//! the flag, and copy in refused in read-only mode.

mod common;

use std::time::Duration;

use common::{kind, TestApp};
use serde_json::json;
use wharf_desktop::Args;
use wharf_tests::require_engine;

const T: Duration = Duration::from_secs(30);

#[test]
fn list_diff_and_copy_over_a_channel() {
    let engine = require_engine!();
    let c = engine
        .container("desk-files")
        .cmd(&["sleep", "600"])
        .start();
    engine.docker_ok(&[
        "exec",
        c.id(),
        "sh",
        "-c",
        "mkdir -p /d/sub && head -c 3000000 /dev/urandom > /d/blob && touch \"/d/bidi$(printf '\\342\\200\\256')name\"",
    ]);
    let mut t = TestApp::on(engine);

    let l = t
        .invoke("container_ls", json!({ "id": c.id(), "dir": "/d" }))
        .unwrap();
    let names: Vec<&str> = l["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shown"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sub", "bidi⟨U+202E⟩name", "blob"], "{l}");
    // The raw name is kept for opening and copying.
    assert_eq!(l["rows"][1]["entry"]["name"], "bidi\u{202e}name");
    assert_eq!(l["rows"][2]["entry"]["size"], 3_000_000);
    assert_eq!(l["rows"][0]["mode"], "drwxr-xr-x");
    assert_eq!(l["truncated"], serde_json::Value::Null);

    let changes = t
        .invoke("container_changes", json!({ "id": c.id() }))
        .unwrap();
    assert!(
        changes
            .as_array()
            .unwrap()
            .iter()
            .any(|ch| ch["path"] == "/d/blob" && ch["kind"] == "added"),
        "{changes}"
    );

    let host = tempfile::tempdir().unwrap();
    let dest = host.path().to_str().unwrap();
    let (ch, id) = t.channel();
    t.invoke(
        "copy_out",
        json!({ "id": c.id(), "src": "/d/blob", "dest": dest, "overwrite": false, "channel": ch }),
    )
    .unwrap();
    let done = t.wait_message(id, T, |m| m["type"] != "progress");
    assert_eq!(done["type"], "done", "{done}");
    assert!(t.messages(id).iter().any(|m| m["type"] == "progress"));
    let blob = std::fs::read(host.path().join("blob")).unwrap();
    assert_eq!(blob.len(), 3_000_000);

    // Again without overwrite: refused, the file untouched.
    let (ch, id) = t.channel();
    t.invoke(
        "copy_out",
        json!({ "id": c.id(), "src": "/d/blob", "dest": dest, "overwrite": false, "channel": ch }),
    )
    .unwrap();
    let end = t.wait_message(id, T, |m| m["type"] != "progress");
    assert_eq!(end["type"], "error", "{end}");
    assert_eq!(end["error"]["kind"], "conflict", "{end}");

    // In again under another name, and the bytes match inside the container.
    let back = host.path().join("blob2");
    std::fs::write(&back, &blob).unwrap();
    let (ch, id) = t.channel();
    t.invoke(
        "copy_in",
        json!({ "id": c.id(), "src": back.to_str().unwrap(), "dest": "/d/sub", "channel": ch }),
    )
    .unwrap();
    let end = t.wait_message(id, T, |m| m["type"] != "progress");
    assert_eq!(end["type"], "done", "{end}");
    assert_eq!(end["report"]["target"], "/d/sub/blob2");
    // And out once more: the bytes came back unchanged.
    let again = tempfile::tempdir().unwrap();
    let (ch, id) = t.channel();
    t.invoke(
        "copy_out",
        json!({ "id": c.id(), "src": "/d/sub/blob2", "dest": again.path().to_str().unwrap(), "overwrite": false, "channel": ch }),
    )
    .unwrap();
    let end = t.wait_message(id, T, |m| m["type"] != "progress");
    assert_eq!(end["type"], "done", "{end}");
    assert!(std::fs::read(again.path().join("blob2")).unwrap() == blob);
}

#[test]
fn copy_in_is_refused_in_read_only_mode() {
    let engine = require_engine!();
    let c = engine
        .container("desk-files-ro")
        .cmd(&["sleep", "600"])
        .start();
    let host = tempfile::tempdir().unwrap();
    let f = host.path().join("x");
    std::fs::write(&f, b"x").unwrap();
    let mut t = TestApp::new(Args {
        host: Some(engine.host().to_owned()),
        read_only: true,
        ..Args::default()
    });
    let (ch, _) = t.channel();
    let err = t
        .invoke(
            "copy_in",
            json!({ "id": c.id(), "src": f.to_str().unwrap(), "dest": "/tmp", "channel": ch }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "denied", "{err}");
    // Browsing stays allowed; an error quoting a container path quotes it inert.
    t.invoke("container_ls", json!({ "id": c.id(), "dir": "/" }))
        .unwrap();
    let err = t
        .invoke(
            "container_ls",
            json!({ "id": c.id(), "dir": "/no\u{202e}such" }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "not_found", "{err}");
    let msg = err["message"].as_str().unwrap();
    assert!(!msg.contains('\u{202e}'), "{msg}");
}

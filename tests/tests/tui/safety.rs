//! Destructive actions in the real `wharf` remove exactly what its confirmation listed (issue
//! #9 item 1), and `--audit-log` records each engine call. Prunes plan over the whole engine,
//! so this journey gets a private engine.

use wharf_tests::{require_private_engine, PrivateOpts};

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn prune_anonymous_volumes_keeps_named_and_later_ones_and_is_audited() {
    require_tmux!();
    let owned = require_private_engine!(PrivateOpts::default());
    let te = &owned;
    let named = te.volume("tui-named");
    let anon = te.leftover_anonymous_volume();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit = dir.path().join("audit.jsonl");
    let audit_arg = audit.display().to_string();
    let mut w = Wharf::start(te, &["--audit-log", &audit_arg]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("prune volumes");
    w.keys(&["Enter"]);
    let s = w.wait("the prune confirmation", |s| {
        s.contains("Prune 1 unused anonymous volume?")
    });
    assert!(
        s.contains(&anon[..40]),
        "the anonymous volume is listed:\n{s}"
    );
    assert!(!s.contains(named.name()), "a named volume is listed:\n{s}");
    // Appears while the confirmation is open: not in the plan, so it stays.
    let later = te.leftover_anonymous_volume();
    w.keys(&["y"]);
    w.wait("the per-object result", |s| s.contains("removed 1 of 1"));
    w.wait_engine("the planned volume is gone", || {
        te.docker(&["volume", "inspect", &anon]).is_err()
    });
    assert!(te.docker(&["volume", "inspect", named.name()]).is_ok());
    assert!(te.docker(&["volume", "inspect", &later]).is_ok());

    let text = std::fs::read_to_string(&audit).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 1, "one engine call, one line: {text}");
    assert_eq!(lines[0]["call"], "volume.remove");
    assert_eq!(lines[0]["targets"][0], anon.as_str());
    assert_eq!(lines[0]["result"], "ok");
}

//! Merged logs in the real `wharf`: `L` on a project shows both services' lines with their
//! prefixes, search with only-matches narrows them, a recreated service keeps its place and
//! its new lines show, and the saved file holds the prefixed lines.

use wharf_tests::{require_engine, unique_name, TestContainer, TestEngine};

use crate::require_tmux;
use crate::term::Wharf;

fn service(te: &TestEngine, project: &str, service: &str, script: &str) -> TestContainer {
    te.container(service)
        .compose(project, service)
        .cmd(&["sh", "-c", script])
        .start()
}

#[test]
fn a_projects_logs_merge_follow_a_recreated_service_and_save_with_prefixes() {
    require_tmux!();
    let engine = require_engine!();
    let project = unique_name("mlogs");
    let alpha = service(engine, &project, "alpha", "echo alpha-one; sleep 300");
    let _beta = service(engine, &project, "beta", "echo beta-one; sleep 300");
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    // The projects view, the project selected, `L`.
    w.keys(&[":"]);
    w.type_text("projects");
    w.keys(&["Enter"]);
    w.filter_to(&project);
    w.keys(&["L"]);
    w.wait("both services' lines, prefixed", |s| {
        s.contains("alpha │ alpha-one") && s.contains("beta  │ beta-one")
    });

    // Search and only matches, across sources.
    w.keys(&["/"]);
    w.type_text("alpha-");
    w.keys(&["Enter", "F"]);
    w.wait("only alpha's line", |s| {
        s.contains("alpha │ alpha-one") && !s.contains("beta  │ beta-one")
    });
    w.keys(&["F", "G"]);
    w.wait_for_text("beta  │ beta-one");

    // Recreated under the same compose labels: followed, same prefix.
    engine.docker_ok(&["rm", "-f", alpha.id()]);
    let _alpha2 = service(engine, &project, "alpha", "echo alpha-two; sleep 300");
    w.wait("the new alpha line", |s| {
        s.contains("alpha was recreated") && s.contains("alpha │ alpha-two")
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("merged.log");
    w.keys(&["C-s"]);
    w.wait_for_text("save logs to:");
    w.keys(&["C-u"]);
    w.type_text(&path.display().to_string());
    w.keys(&["Enter"]);
    w.wait_for_text("logs saved to");
    let text = std::fs::read_to_string(&path).expect("the saved log");
    for want in ["alpha │ alpha-one", "beta  │ beta-one", "alpha │ alpha-two"] {
        assert!(text.lines().any(|l| l == want), "{want:?} in:\n{text}");
    }
    assert!(!text.contains('\x1b'), "{text}");
}

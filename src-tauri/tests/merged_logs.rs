//! Merged logs through Tauri's mock runtime with the real core: a project's containers come
//! merged with prefixes over a channel, a recreated service keeps its place, saving writes
//! the prefixed lines, and a selection that picks nothing is an error naming it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{download_dir, TestApp};
use serde_json::{json, Value};
use wharf_tests::{require_engine, unique_name, wait_until_blocking, TestContainer, TestEngine};

const T: Duration = Duration::from_secs(30);

fn service(te: &TestEngine, project: &str, service: &str, script: &str) -> TestContainer {
    te.container(service)
        .compose(project, service)
        .cmd(&["sh", "-c", script])
        .start()
}

#[test]
fn a_projects_merged_logs_stream_follow_a_recreated_service_and_save() {
    let dir = download_dir();
    let engine = require_engine!();
    let project = unique_name("desk-merge");
    let a = service(engine, &project, "a", "echo a-one; sleep 600");
    let b = service(engine, &project, "bb", "echo bb-one; sleep 600");
    wait_until_blocking(T, "output", || {
        a.logs().contains("a-one") && b.logs().contains("bb-one")
    });
    let mut t = TestApp::on(engine);
    t.wait_event(T, |e| {
        e["containers"].as_array().is_some_and(|cs| {
            cs.iter()
                .filter(|c| c["compose"]["project"] == project.as_str())
                .count()
                == 2
        })
    });
    let selection = json!({ "kind": "project", "name": project });
    let request =
        json!({ "tail": 100, "timestamps": false, "stdout": true, "stderr": true, "follow": true });
    let (ch, id) = t.channel();
    t.invoke(
        "logs_merged_start",
        json!({ "selection": selection, "request": request, "channel": ch }),
    )
    .unwrap();
    let texts = || -> Vec<String> {
        t.messages(id)
            .iter()
            .flat_map(|b| b["lines"].as_array().cloned().unwrap_or_default())
            .filter_map(|l| l["text"]["text"].as_str().map(str::to_owned))
            .collect()
    };
    wait_until_blocking(T, "both prefixed lines", || {
        let all = texts();
        all.iter().any(|l| l == "a  │ a-one") && all.iter().any(|l| l == "bb │ bb-one")
    });

    engine.docker_ok(&["rm", "-f", a.id()]);
    let _a2 = service(engine, &project, "a", "echo a-two; sleep 600");
    wait_until_blocking(T, "the recreated service's line", || {
        let all = texts();
        all.iter().any(|l| l.contains("a was recreated")) && all.iter().any(|l| l == "a  │ a-two")
    });

    let saved: Value = t
        .invoke(
            "logs_merged_save",
            json!({ "selection": selection, "name": project, "timestamps": false }),
        )
        .unwrap();
    let path = Path::new(saved["path"].as_str().unwrap());
    assert_eq!(path.parent().unwrap(), dir);
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.lines().any(|l| l == "a  │ a-two"), "{text}");
    assert!(text.lines().any(|l| l == "bb │ bb-one"), "{text}");

    let (ch2, _) = t.channel();
    let err = t
        .invoke(
            "logs_merged_start",
            json!({ "selection": { "kind": "label", "key": "wharf.none", "value": project },
                    "request": request, "channel": ch2 }),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no containers in label wharf.none"),
        "{err}"
    );
}

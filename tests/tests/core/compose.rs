//! Compose projects through wharf-core: grouped from labels in the live model, brought up and
//! taken down by Wharf running the compose tool against the session's engine, project
//! stop/start through the API on all its containers, read-only refusal, audit lines, the
//! child killed with its group when the run is dropped, and the message with no tool.

use std::sync::Arc;

use wharf_core::audit::AuditLog;
use wharf_core::command::{execute, project_commands, ProjectAction};
use wharf_core::compose::{
    run, ComposeAction, ComposeEvent, ComposeRun, ComposeTarget, ComposeTool,
};
use wharf_core::engine::Policy;
use wharf_core::model::ContainerState;
use wharf_core::rules::compose::project;
use wharf_core::store::Store;
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, TestProject};

use crate::common::{connect, wait, TIMEOUT};

/// Every event of a run until it finishes: its lines, and how it ended.
async fn finish(mut run: ComposeRun) -> (Vec<String>, wharf_core::Result<()>) {
    let mut lines = Vec::new();
    let collect = async {
        while let Some(ev) = run.next().await {
            match ev {
                ComposeEvent::Line { text, .. } => lines.push(text),
                ComposeEvent::Finished(r) => return r,
            }
        }
        panic!("the run ended without Finished")
    };
    let r = tokio::time::timeout(TIMEOUT * 6, collect)
        .await
        .unwrap_or_else(|_| panic!("compose run did not finish"));
    (lines, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_groups_stop_start_and_down_a_project() {
    let te = require_engine!();
    let proj = TestProject::new(te, "cmp", &["web", "db"]);
    let audit_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit_path = audit_dir.path().join("audit.jsonl");
    let audit = AuditLog::open(&audit_path).unwrap_or_else(|e| panic!("{e}"));
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(Arc::new(audit)),
    });
    let store = Store::spawn(engine.clone());
    let tool = ComposeTool::detect()
        .await
        .unwrap_or_else(|e| panic!("no compose tool here: {e}"));

    // Up, by Wharf, from the file (the project has no containers yet).
    let target = ComposeTarget {
        project: Some(proj.name().to_owned()),
        ..ComposeTarget::of_file(proj.file()).unwrap_or_else(|e| panic!("{e}"))
    };
    let up = run(&engine, &tool, &target, ComposeAction::Up).unwrap_or_else(|e| panic!("{e}"));
    let up_command = up.command().to_owned();
    let (lines, r) = finish(up).await;
    r.unwrap_or_else(|e| panic!("up: {e}\n{}", lines.join("\n")));
    assert!(
        lines.iter().any(|l| l.contains("web")),
        "up printed nothing about web: {lines:?}"
    );

    // Grouped in the live model with its services, working dir and config files.
    let name = proj.name().to_owned();
    let snap = wait(&store, "the project running", |s| {
        project(s, &name).is_some_and(|p| p.total == 2 && p.running == 2)
    })
    .await;
    let p = project(&snap, &name).unwrap_or_else(|| panic!("project gone"));
    let dir = std::fs::canonicalize(proj.dir()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.working_dir.as_deref(), Some(dir.to_str().unwrap_or("")));
    let file = dir.join("docker-compose.yml");
    assert_eq!(p.config_files, [file.to_string_lossy().into_owned()]);
    let services: Vec<_> = p.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(services, ["db", "web"]);
    assert!(p.services.iter().all(|s| s.containers.len() == 1));

    // Project stop and start act on every container of the project, by id.
    let stop = project_commands(&p, ProjectAction::Stop);
    assert_eq!(stop.len(), 2);
    for cmd in &stop {
        execute(&engine, cmd)
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    }
    let snap = wait(&store, "the project stopped", |s| {
        project(s, &name).is_some_and(|p| p.running == 0 && p.total == 2)
    })
    .await;
    let p = project(&snap, &name).unwrap_or_else(|| panic!("project gone"));
    assert!(p.containers().all(|c| c.state == ContainerState::Exited));
    for cmd in &project_commands(&p, ProjectAction::Start) {
        execute(&engine, cmd)
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    }
    let snap = wait(&store, "the project running again", |s| {
        project(s, &name).is_some_and(|p| p.running == 2)
    })
    .await;

    // Read-only refuses `down` before anything runs.
    let p = project(&snap, &name).unwrap_or_else(|| panic!("project gone"));
    let target = ComposeTarget::of_project(&p).unwrap_or_else(|e| panic!("{e}"));
    let ro = engine.clone().with_policy(Policy {
        read_only: true,
        audit: None,
    });
    let refused = run(&ro, &tool, &target, ComposeAction::Down)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Denied);
    let networks = |name: &str| {
        te.docker_ok(&[
            "network",
            "ls",
            "-q",
            "--filter",
            &format!("name={name}_default"),
        ])
        .trim()
        .to_owned()
    };
    assert!(
        !networks(&name).is_empty(),
        "read-only took the network down"
    );

    // Down, by Wharf, from the project's labels: containers and network gone.
    let down = run(&engine, &tool, &target, ComposeAction::Down).unwrap_or_else(|e| panic!("{e}"));
    let down_command = down.command().to_owned();
    let (lines, r) = finish(down).await;
    r.unwrap_or_else(|e| panic!("down: {e}\n{}", lines.join("\n")));
    wait(&store, "the project gone", |s| project(s, &name).is_none()).await;
    assert_eq!(networks(&name), "", "the project network is still there");

    // One audit line per run, with the command.
    let log = std::fs::read_to_string(&audit_path).unwrap_or_else(|e| panic!("{e}"));
    let compose_lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| {
            v["call"]
                .as_str()
                .is_some_and(|c| c.starts_with("compose."))
        })
        .collect();
    assert_eq!(compose_lines.len(), 2, "{log}");
    assert_eq!(compose_lines[0]["call"], "compose.up");
    assert_eq!(compose_lines[0]["targets"][1], up_command.as_str());
    assert_eq!(compose_lines[1]["call"], "compose.down");
    assert_eq!(compose_lines[1]["targets"][1], down_command.as_str());
    assert!(
        down_command.contains(&format!("-p {name}")),
        "{down_command}"
    );
    assert!(compose_lines.iter().all(|l| l["result"] == "ok"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn neither_tool_names_what_to_install() {
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let e = ComposeTool::detect_in(Some(empty.path().as_os_str().to_owned()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let text = format!("{e} {}", e.hint().unwrap_or(""));
    for what in ["docker compose", "docker-compose", "docker-compose-plugin"] {
        assert!(text.contains(what), "{what} not named in: {text}");
    }
}

/// A dropped run kills the tool and what it started (its process group), even while the
/// tool prints nothing; the audit line says it was cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_run_kills_its_process_group() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let script = dir.path().join("docker-compose");
    let pid_file = dir.path().join("grandchild.pid");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nsleep 600 &\necho $! > {}\necho started\nwait\n",
            pid_file.display()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let audit_path = dir.path().join("audit.jsonl");
    let audit = AuditLog::open(&audit_path).unwrap_or_else(|e| panic!("{e}"));
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(Arc::new(audit)),
    });
    let tool = ComposeTool::detect_in(Some(dir.path().as_os_str().to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let target = ComposeTarget {
        project: Some("never".into()),
        working_dir: dir.path().to_owned(),
        files: vec![],
    };
    let mut r = run(&engine, &tool, &target, ComposeAction::Pull).unwrap_or_else(|e| panic!("{e}"));
    let first = tokio::time::timeout(TIMEOUT, r.next())
        .await
        .unwrap_or_else(|_| panic!("no output"));
    assert!(matches!(first, Some(ComposeEvent::Line { ref text, .. }) if text == "started"));
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap_or_else(|e| panic!("{e}"))
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    assert!(proc_dir.exists());
    drop(r);
    wharf_tests::wait_until(TIMEOUT, "the grandchild killed", || async {
        // Gone, or a zombie waiting for init.
        std::fs::read_to_string(proc_dir.join("stat")).map_or(true, |s| {
            s.split(") ").nth(1).is_some_and(|r| r.starts_with('Z'))
        })
    })
    .await;
    wharf_tests::wait_until(TIMEOUT, "the audit line", || async {
        std::fs::read_to_string(&audit_path).is_ok_and(|l| l.contains("compose.pull"))
    })
    .await;
    let log = std::fs::read_to_string(&audit_path).unwrap_or_else(|e| panic!("{e}"));
    assert!(log.contains("\"cancelled\""), "{log}");
}

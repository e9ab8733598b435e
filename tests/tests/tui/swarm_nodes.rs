//! Swarm with two nodes through the real `wharf` in tmux: the nodes view lists the manager and
//! the worker (a second `dockerd` in a network namespace, `wharf_tests::TwoNodeSwarm`); `s` on
//! the worker asks to drain exactly it, `y` drains it, the view shows it drained (the engine
//! agrees) and the service's tasks all run on the manager; the configs view lists a config
//! and Enter shows its data made inert.

use wharf_tests::{require_private_engine, PrivateOpts, TwoNodeSwarm, WORKER_HOSTNAME};

use crate::require_tmux;
use crate::term::{token, Wharf};

#[test]
fn nodes_view_shows_two_nodes_and_drains_the_worker() {
    require_tmux!();
    let started = std::time::Instant::now();
    let te = require_private_engine!(PrivateOpts::default());
    let two = TwoNodeSwarm::start(&te).unwrap_or_else(|e| panic!("two-node swarm: {e}"));
    let name = format!("svc{}", token());
    two.swarm().service(&name, &te.image(), 2);
    let cfg = format!("cfg{}", token());
    let mut create = te.cli().command();
    create.args(["config", "create", &cfg, "-"]);
    let out = {
        use std::io::Write;
        let mut child = create
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("docker config create: {e}"));
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(b"port=80\n\x1b[31mred\x1b[0m\n")
                .unwrap_or_else(|e| panic!("{e}"));
        }
        child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(out.status.success(), "{out:?}");

    eprintln!("stage {:.1} s", started.elapsed().as_secs_f64());
    let mut w = Wharf::start(&te, &[]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("nodes");
    w.keys(&["Enter"]);
    w.wait("both nodes ready", |s| {
        s.contains("manager (leader)")
            && s.lines()
                .any(|l| l.contains(WORKER_HOSTNAME) && l.contains("worker") && l.contains("ready"))
    });
    eprintln!("stage {:.1} s", started.elapsed().as_secs_f64());
    w.filter_to(WORKER_HOSTNAME);
    w.keys(&["s"]);
    let s = w.wait_for_text("Drain 1 node?");
    assert!(s.contains(&format!("drain node {WORKER_HOSTNAME}")), "{s}");
    eprintln!("stage {:.1} s", started.elapsed().as_secs_f64());
    w.keys(&["y"]);
    w.wait("the worker drained", |s| {
        s.lines()
            .any(|l| l.contains(WORKER_HOSTNAME) && l.contains("drain"))
    });
    w.wait_engine("the engine drained the worker", || {
        te.docker(&[
            "node",
            "inspect",
            "-f",
            "{{.Spec.Availability}}",
            WORKER_HOSTNAME,
        ])
        .is_ok_and(|o| o.trim() == "drain")
    });
    eprintln!("stage {:.1} s", started.elapsed().as_secs_f64());
    w.wait_engine("both tasks on the manager", || {
        te.docker(&[
            "service",
            "ps",
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}} {{.CurrentState}}",
            &name,
        ])
        .is_ok_and(|o| {
            let lines: Vec<&str> = o.lines().collect();
            lines.len() == 2
                && lines
                    .iter()
                    .all(|l| !l.starts_with(WORKER_HOSTNAME) && l.contains("Running"))
        })
    });

    eprintln!("stage {:.1} s", started.elapsed().as_secs_f64());
    // The config: listed, and its data only in the popup, made inert.
    w.keys(&[":"]);
    w.type_text("configs");
    w.keys(&["Enter"]);
    w.wait("the config listed", |s| {
        s.lines().any(|l| l.contains(&cfg) && l.contains("21B"))
    });
    w.filter_to(&cfg);
    w.keys(&["Enter"]);
    let s = w.wait_for_text("port=80");
    assert!(s.contains(&format!("config {cfg} (21 bytes)")), "{s}");
    assert!(
        s.lines().any(|l| l.contains("red") && !l.contains("[31m")),
        "{s}"
    );
}

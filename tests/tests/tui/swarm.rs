//! Swarm through the real `wharf` in tmux, on a private single-node swarm: the services view
//! lists a service made outside Wharf with its replicas, `=` scales it to 3 and the view
//! shows 3/3 (the engine agrees), Enter lists its tasks on the node; the nodes view lists the
//! manager. A plain engine's services view says it is not a swarm manager.

use wharf_tests::{require_engine, require_private_engine, PrivateOpts, TestSwarm};

use crate::require_tmux;
use crate::term::{token, Wharf};

#[test]
fn services_view_scales_a_service_and_lists_its_tasks() {
    require_tmux!();
    let te = require_private_engine!(PrivateOpts::default());
    let swarm = TestSwarm::init(&te).unwrap_or_else(|e| panic!("swarm init: {e}"));
    // Short: the whole name must fit the NAME column (the engine is private to this test).
    let name = format!("svc{}", token());
    swarm.service(&name, &te.image(), 1);

    let mut w = Wharf::start(&te, &[]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("services");
    w.keys(&["Enter"]);
    w.wait("the service with its task running", |s| {
        s.lines().any(|l| l.contains(&name) && l.contains("1/1"))
    });
    w.filter_to(&name);
    w.keys(&["="]);
    w.wait_for_text("replicas:");
    w.keys(&["BSpace"]);
    w.type_text("3");
    w.keys(&["Enter"]);
    w.wait("three of three running", |s| {
        s.lines().any(|l| l.contains(&name) && l.contains("3/3"))
    });
    w.wait_engine("the engine runs three tasks", || {
        swarm.running_tasks(&name) == 3
    });
    w.keys(&["Enter"]);
    let s = w.wait("the service's tasks", |s| {
        (1..=3).all(|i| s.contains(&format!("{name}.{i}")))
    });
    assert!(s.contains("running"), "{s}");

    w.keys(&[":"]);
    w.type_text("nodes");
    w.keys(&["Enter"]);
    w.wait("the manager node", |s| {
        s.contains("manager (leader)") && s.contains("active") && s.contains("ready")
    });
}

#[test]
fn a_plain_engine_is_not_a_swarm_manager() {
    require_tmux!();
    let engine = require_engine!();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("services");
    w.keys(&["Enter"]);
    w.wait_for_text("this engine is not a swarm manager");
}

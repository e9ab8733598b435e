//! An engine reached over SSH (a loopback sshd made by the test, `docker system dial-stdio` on
//! the other side) freezes: the store says so, and the ssh processes of timed-out requests
//! are killed instead of piling up while the one shared connection (its ControlMaster) stays;
//! after SIGCONT it recovers, and dropping the store leaves no ssh process (master included)
//! and no TCP connection behind.
//!
//! Its own test binary: it puts the `ssh` shim of [`TestSshd`] (which adds `-F` with the
//! test's client config) first on `PATH`, which must not leak into other tests and must happen
//! before any other thread runs. Wharf's ssh checks host keys strictly, so the test puts the
//! server's real host key in the client's known_hosts first, as a user would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::Engine;
use wharf_core::store::{ConnectionState, Store};
use wharf_tests::{require_private_engine, ssh_children, wait_until, PrivateOpts, TestSshd};

const TIMEOUT: Duration = Duration::from_secs(30);

/// This test's ssh processes that run a session (not a ControlMaster), by pid.
fn ssh_sessions() -> Vec<u32> {
    ssh_children()
        .into_iter()
        .filter_map(|(pid, master)| (!master).then_some(pid))
        .collect()
}

/// This test's ControlMasters (one per shared SSH connection), by pid.
fn ssh_masters() -> Vec<u32> {
    ssh_children()
        .into_iter()
        .filter_map(|(pid, master)| master.then_some(pid))
        .collect()
}

#[test]
fn a_frozen_engine_over_ssh_leaves_no_ssh_process_behind() {
    let te = require_private_engine!(PrivateOpts::default());
    let Some(sshd) = TestSshd::start_or_skip(te.host()) else {
        return;
    };
    // The server's real key on record: Wharf never learns one itself.
    let known = sshd.known_hosts_line().unwrap();
    std::fs::write(sshd.known_hosts(), known).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![sshd.shim_dir()];
    dirs.extend(std::env::split_paths(&path));
    // Only this test runs in this binary, and no runtime (no other thread) exists yet.
    std::env::set_var("PATH", std::env::join_paths(dirs).unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(frozen_over_ssh(&te, &sshd));
    drop(rt);
    drop(sshd);
}

async fn frozen_over_ssh(te: &wharf_tests::TestEngine, sshd: &TestSshd) {
    let ep = resolve(&ConnectOptions {
        host: Some(format!("ssh://root@127.0.0.1:{}", sshd.port())),
        ..Default::default()
    })
    .unwrap();
    let engine = Engine::connect(ep)
        .await
        .unwrap_or_else(|e| panic!("over ssh: {e}; sshd: {}", sshd.log()));
    let store = Store::spawn(engine);
    store
        .wait_for(TIMEOUT, |s| s.synced && s.connection.is_connected())
        .await
        .unwrap_or_else(|e| panic!("never synced over ssh: {e}"));
    assert!(!ssh_sessions().is_empty());
    let masters = ssh_masters();
    assert_eq!(
        masters.len(),
        1,
        "one shared connection: {:?}",
        ssh_children()
    );

    // The events stream's and the pool's idle connections: each is one session, run by one ssh
    // process over the master. The engine is frozen, not the host: the master stays.
    let before = ssh_sessions();
    let frozen = te.freeze();
    store
        .wait_for(Duration::from_secs(15), |s| {
            matches!(s.connection, ConnectionState::NotResponding { .. })
        })
        .await
        .unwrap_or_else(|e| panic!("not responding over ssh: {e}"));
    // Attempts follow one another, each with one ssh process whose request times out (after
    // the SSH request deadline, 20 s): those must end, and so must the idle ones (used up by
    // attempts or retired by the pool). Poll until no process from before the freeze is left.
    let start = Instant::now();
    let mut most = 0;
    let left = loop {
        let now = ssh_sessions();
        most = most.max(now.len());
        if !now.iter().any(|p| before.contains(p)) {
            break now;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "ssh processes from before the freeze still run after 120 s: {now:?} \
             (before: {before:?})"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let all_ended = start.elapsed();
    // The frozen engine's sessions share the one connection: no new login was needed.
    assert_eq!(
        ssh_masters(),
        masters,
        "the master was replaced while frozen"
    );
    // Idle ones are never replaced; one attempt at a time.
    assert!(
        most <= before.len() + 1,
        "ssh processes piled up: {most} (before: {})",
        before.len()
    );
    assert!(
        left.len() <= 2,
        "ssh processes beside the current attempt: {left:?}"
    );
    frozen.thaw();
    store
        .wait_for(TIMEOUT, |s| s.synced && s.connection.is_connected())
        .await
        .unwrap_or_else(|e| panic!("no recovery over ssh: {e}"));

    drop(store);
    wait_until(TIMEOUT, "no ssh process left", || {
        let n = ssh_children().len() + sshd.tcp_connections();
        async move { n == 0 }
    })
    .await;
    eprintln!(
        "FIGURE ssh: {} session ssh processes (and 1 master) before the freeze, at most {most} \
         while frozen; all of them ended {:.1} s after 'not responding' ({} left then), none \
         (and no TCP connection) after the store was dropped",
        before.len(),
        all_ended.as_secs_f64(),
        left.len()
    );
}

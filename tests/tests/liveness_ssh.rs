//! An engine reached over SSH (a loopback sshd made by the test, `docker system dial-stdio` on
//! the other side) freezes: the store says so, and the ssh processes of timed-out requests
//! are killed instead of piling up; after SIGCONT it recovers, and dropping the store leaves
//! no ssh process behind.
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
use wharf_tests::{require_private_engine, wait_until, PrivateOpts, TestSshd};

const TIMEOUT: Duration = Duration::from_secs(30);

/// Live (not zombie) `ssh` processes whose parent is this test process, by pid.
fn ssh_children() -> Vec<u32> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter_map(|stat| {
            let (head, rest) = stat.rsplit_once(')')?;
            let (pid, comm) = head.split_once(" (")?;
            let mut f = rest.split_whitespace();
            let state = f.next().unwrap_or("Z");
            let ppid = f.next().unwrap_or("");
            (comm == "ssh" && ppid == me && state != "Z" && state != "X")
                .then(|| pid.trim().parse().ok())
                .flatten()
        })
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
    assert!(!ssh_children().is_empty());

    // The events stream's and the pool's idle connections: each is one ssh process.
    let before = ssh_children();
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
        let now = ssh_children();
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
        let n = ssh_children().len();
        async move { n == 0 }
    })
    .await;
    eprintln!(
        "FIGURE ssh: {} ssh processes before the freeze, at most {most} while frozen; all of \
         them ended {:.1} s after 'not responding' ({} left then), none after the store was \
         dropped",
        before.len(),
        all_ended.as_secs_f64(),
        left.len()
    );
}

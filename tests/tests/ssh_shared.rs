//! Over SSH, connections are shared (issue #12): against a loopback sshd made by the test
//! (`MaxSessions 10` in its config) in front of the test engine, listing, 20 log and stats
//! streams open at once and an exec all work over a few SSH connections, each carrying at most
//! `SESSIONS_PER_CONNECTION` sessions; the ssh processes (children of this test) and the TCP
//! connections to sshd's port (`/proc/net/tcp`) are counted and match what the engine handle
//! reports ([`Engine::ssh_cost`]); an unknown host key is refused and leaves no process; and
//! dropping the engine leaves no ssh process and no connection.
//!
//! One test in its own binary: it puts the `ssh` shim of [`TestSshd`] first in `PATH`, which
//! must happen before any other thread runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::StreamExt;
use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::{Engine, ExecSpec, LogOptions};
use wharf_core::model::SshCost;
use wharf_core::store::Store;
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, ssh_children, wait_until, TestSshd, MAX_SESSIONS};

const TIMEOUT: Duration = Duration::from_secs(60);
/// What Wharf puts on one connection (`SESSIONS_PER_CONNECTION` in the core).
const PER_CONNECTION: u32 = 8;

#[test]
fn ssh_connections_are_shared_under_max_sessions() {
    let te = require_engine!();
    let Some(sshd) = TestSshd::start_or_skip(te.host()) else {
        return;
    };
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![sshd.shim_dir()];
    dirs.extend(std::env::split_paths(&path));
    // Only this test runs in this binary, and no runtime (no other thread) exists yet.
    std::env::set_var("PATH", std::env::join_paths(dirs).unwrap());
    let containers: Vec<_> = (0..3)
        .map(|i| {
            te.container(&format!("sshmux{i}"))
                .cmd(&["sh", "-c", "while true; do echo tick; sleep 1; done"])
                .start()
        })
        .collect();
    let ids: Vec<String> = containers.iter().map(|c| c.id().to_owned()).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(shared(&sshd, &ids));
    drop(rt);
}

async fn connect(sshd: &TestSshd) -> Result<Engine, wharf_core::CoreError> {
    let ep = resolve(&ConnectOptions {
        host: Some(format!("ssh://root@127.0.0.1:{}", sshd.port())),
        ..Default::default()
    })
    .unwrap();
    tokio::time::timeout(TIMEOUT, Engine::connect(ep))
        .await
        .unwrap_or_else(|_| panic!("connecting over ssh hung"))
}

/// Processes and connections now, checked against what the engine reports (once both agree:
/// an ssh whose session just ended takes a moment to exit).
async fn count(what: &str, sshd: &TestSshd, engine: &Engine) -> SshCost {
    let settled = || {
        let cost = engine.ssh_cost().expect("an ssh engine reports its cost");
        let procs = ssh_children();
        (cost.processes as usize == procs.len()).then_some((cost, procs))
    };
    let mut tries = 0;
    let (cost, procs) = loop {
        match settled() {
            Some(both) => break both,
            None if tries < 50 => tries += 1,
            None => break (engine.ssh_cost().unwrap_or_default(), ssh_children()),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let masters = procs.iter().filter(|(_, m)| *m).count();
    let tcp = sshd.tcp_connections();
    eprintln!(
        "FIGURE ssh {what}: {} ssh processes ({masters} masters), {tcp} TCP connections to \
         sshd; the core says {}",
        procs.len(),
        cost.describe()
    );
    assert_eq!(cost.sessions_per_connection, PER_CONNECTION);
    const { assert!(PER_CONNECTION <= MAX_SESSIONS) };
    assert_eq!(tcp, cost.connections as usize, "{what}: TCP connections");
    assert_eq!(masters, cost.connections as usize, "{what}: masters");
    assert_eq!(procs.len(), cost.processes as usize, "{what}: processes");
    assert!(
        cost.sessions <= cost.connections * PER_CONNECTION,
        "{what}: {cost:?}"
    );
    // No more connections than the sessions need, plus at most one idle.
    assert!(
        cost.connections <= cost.sessions.div_ceil(PER_CONNECTION) + 1,
        "{what}: {cost:?}"
    );
    cost
}

async fn shared(sshd: &TestSshd, ids: &[String]) {
    // An unknown host key: refused, and no master is left behind.
    let err = connect(sshd)
        .await
        .err()
        .unwrap_or_else(|| panic!("an unknown host key was accepted"));
    assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
    assert!(err.message().contains("unknown or has changed"), "{err}");
    assert_eq!(ssh_children(), Vec::new(), "ssh left after a refused key");
    assert_eq!(std::fs::read_to_string(sshd.known_hosts()).unwrap(), "");

    std::fs::write(sshd.known_hosts(), sshd.known_hosts_line().unwrap()).unwrap();
    let engine = connect(sshd)
        .await
        .unwrap_or_else(|e| panic!("over ssh: {e}; sshd: {}", sshd.log()));

    // The scene, as the front ends make it: the live store (list, events, inspects)
    // with 3 containers, and one log open.
    let store = Store::spawn(engine.clone());
    let snap = store
        .wait_for(TIMEOUT, |s| {
            s.synced
                && ids
                    .iter()
                    .all(|id| s.containers.keys().any(|k| k.as_str() == id))
        })
        .await
        .unwrap_or_else(|e| panic!("never synced over ssh: {e}"));
    assert!(snap.connection.is_connected());
    let follow = LogOptions {
        follow: true,
        tail: Some(1),
        stdout: true,
        stderr: true,
        ..Default::default()
    };
    let mut log = Box::pin(engine.logs(&ids[0], &follow));
    first(&mut log, "the first log").await;
    let one = count("the store with 3 containers, one log open", sshd, &engine).await;
    // Before sharing, each session was its own ssh process and TCP connection.
    assert!(one.sessions >= 4, "{one:?}");
    assert!(
        one.connections <= one.sessions.div_ceil(PER_CONNECTION),
        "{one:?}"
    );

    // 20 streams at once, logs and stats across the containers, then an exec beside them.
    let mut logs = Vec::new();
    let mut stats = Vec::new();
    for i in 0..10 {
        logs.push(Box::pin(engine.logs(&ids[i % ids.len()], &follow)));
        stats.push(Box::pin(engine.stats(&ids[i % ids.len()], true)));
    }
    let reads = logs.iter_mut().enumerate().map(|(i, s)| async move {
        first(s, &format!("log stream {i}")).await;
    });
    futures_util::future::join_all(reads).await;
    let reads = stats.iter_mut().enumerate().map(|(i, s)| async move {
        first(s, &format!("stats stream {i}")).await;
    });
    futures_util::future::join_all(reads).await;
    let spec = ExecSpec {
        cmd: vec!["echo".into(), "exec-over-ssh".into()],
        tty: false,
        env: Vec::new(),
        user: None,
        working_dir: None,
    };
    let mut exec = engine
        .exec(&ids[1], &spec)
        .await
        .unwrap_or_else(|e| panic!("exec over ssh: {e}"));
    let mut said = Vec::new();
    while let Some(chunk) = tokio::time::timeout(TIMEOUT, exec.output.next())
        .await
        .expect("exec output hung")
    {
        said.extend(chunk.unwrap_or_else(|e| panic!("exec output: {e}")).bytes);
    }
    assert_eq!(String::from_utf8_lossy(&said).trim(), "exec-over-ssh");
    // Every stream still flows after the exec.
    for (i, s) in logs.iter_mut().enumerate() {
        first(s, &format!("log stream {i}, again")).await;
    }
    let many = count("21 log and stats streams open", sshd, &engine).await;
    assert!(many.sessions >= 21, "{many:?}");
    assert!(
        many.connections >= 3,
        "21 sessions need 3 connections: {many:?}"
    );
    let sshd_log = sshd.log();
    assert!(
        !sshd_log.contains("no more sessions") && !sshd_log.contains("open failed"),
        "sshd refused a session:\n{sshd_log}"
    );

    drop((logs, stats, log, exec, store));
    drop(engine);
    wait_until(TIMEOUT, "no ssh process and no connection left", || {
        let left = ssh_children().len() + sshd.tcp_connections();
        async move { left == 0 }
    })
    .await;
}

/// The stream's next item, which must come and be `Ok`.
async fn first<S, T>(stream: &mut S, what: &str)
where
    S: futures_util::Stream<Item = wharf_core::Result<T>> + Unpin,
{
    match tokio::time::timeout(TIMEOUT, stream.next()).await {
        Ok(Some(Ok(_))) => {}
        Ok(Some(Err(e))) => panic!("{what}: {e}"),
        Ok(None) => panic!("{what}: ended"),
        Err(_) => panic!("{what}: nothing within {TIMEOUT:?}"),
    }
}

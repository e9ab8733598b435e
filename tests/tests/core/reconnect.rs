//! An engine restart is survived: the store says it is reconnecting, keeps the last rows
//! marked stale, then resyncs fully; a followed log and a stats stream resume.

use std::collections::BTreeSet;

use wharf_core::store::ConnectionState;
use wharf_tests::{require_private_engine, PrivateOpts};

use crate::common::{synced_store, wait, TIMEOUT};
use crate::faults::{follow_until, now_ms, sample_after, ticks_after_a_gap, TICKER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_restart_is_survived_without_stale_rows() {
    let mut te = require_private_engine!(PrivateOpts::default());
    let store = synced_store(te.host()).await;
    let keep = te.container("keep").cmd(&["sleep", "300"]).created_only();
    let doomed = te.container("doomed").cmd(&["sleep", "300"]).created_only();
    wait(&store, "both listed", |s| {
        s.find_container(keep.id()).is_some() && s.find_container(doomed.id()).is_some()
    })
    .await;

    te.kill();
    let s = wait(&store, "not connected", |s| !s.connection.is_connected()).await;
    match &s.connection {
        ConnectionState::Reconnecting { reason, .. } => {
            assert!(!reason.is_empty());
        }
        other => panic!("expected reconnecting, got {other:?}"),
    }
    // Rows stay visible, marked stale, while the engine is away.
    assert!(s.find_container(keep.id()).is_some());
    assert!(s.is_stale());

    te.start();
    // Removed right after the restart: whether the store resyncs before or after, the row
    // must disappear, through the fresh listing or through the event.
    te.docker_ok(&["rm", "-f", doomed.id()]);
    let s = wait(&store, "reconnected without the removed container", |s| {
        s.connection.is_connected() && s.find_container(doomed.id()).is_none()
    })
    .await;
    let engine_ids: BTreeSet<String> = te
        .docker_ok(&["ps", "-aq", "--no-trunc"])
        .lines()
        .map(str::to_owned)
        .collect();
    let store_ids: BTreeSet<String> = s.containers.keys().map(|k| k.to_string()).collect();
    assert_eq!(
        store_ids, engine_ids,
        "the store matches the engine exactly"
    );

    // And it follows events again.
    te.docker_ok(&["rm", "-f", keep.id()]);
    wait(&store, "events flow after reconnect", |s| {
        s.find_container(keep.id()).is_none()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_and_stats_streams_resume_after_an_engine_restart() {
    let mut te = require_private_engine!(PrivateOpts::default());
    let store = synced_store(te.host()).await;
    // Restarted by dockerd when it comes back; a short stop timeout keeps its start-up quick.
    let ticker = te
        .container("restart-ticker")
        .args(&["--restart", "always", "--stop-timeout", "1"])
        .cmd(TICKER)
        .start();
    let crate::faults::Ticking {
        id,
        mut follower,
        mut buf,
        hub,
        ..
    } = crate::faults::ticking(&store, ticker.id()).await;

    te.kill();
    wait(&store, "reconnecting", |s| {
        matches!(s.connection, ConnectionState::Reconnecting { .. })
    })
    .await;
    let restarted_ms = now_ms();
    te.start();
    let s = wait(&store, "connected again", |s| {
        s.synced && s.connection.is_connected()
    })
    .await;
    assert!(!s.is_stale());
    // Followed after a marker line, and sampled again, without being reopened by anyone.
    follow_until(
        &mut follower,
        &mut buf,
        "ticks after the restart",
        TIMEOUT * 2,
        ticks_after_a_gap,
    )
    .await;
    sample_after(&hub, &id, restarted_ms, "a stats sample after the restart").await;
}

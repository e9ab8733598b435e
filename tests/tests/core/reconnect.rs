//! An engine restart is survived: the store says it is reconnecting, then resyncs fully.

use std::collections::BTreeSet;

use wharf_core::store::ConnectionState;
use wharf_tests::{require_private_engine, PrivateOpts};

use crate::common::{synced_store, wait};

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
    // Rows stay visible (stale but labelled by the state) while the engine is away.
    assert!(s.find_container(keep.id()).is_some());

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

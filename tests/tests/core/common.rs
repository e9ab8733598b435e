//! Connecting wharf-core to a harness engine.

use std::time::Duration;

use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::Engine;
use wharf_core::store::{Snapshot, Store};

/// Generous: CI machines are slow, and this is a timeout, not an expectation.
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub fn options(host: &str) -> ConnectOptions {
    ConnectOptions {
        host: Some(host.to_owned()),
        ..Default::default()
    }
}

pub async fn connect(host: &str) -> Engine {
    let ep = resolve(&options(host)).unwrap_or_else(|e| panic!("resolve {host}: {e}"));
    Engine::connect(ep)
        .await
        .unwrap_or_else(|e| panic!("connect {host}: {e}"))
}

/// A store on `host`, already synced.
pub async fn synced_store(host: &str) -> Store {
    let store = Store::spawn(connect(host).await);
    store
        .wait_for(TIMEOUT, |s| s.synced && s.connection.is_connected())
        .await
        .unwrap_or_else(|e| panic!("store never synced: {e}"));
    store
}

pub async fn wait(
    store: &Store,
    what: &str,
    pred: impl FnMut(&Snapshot) -> bool,
) -> std::sync::Arc<Snapshot> {
    store
        .wait_for(TIMEOUT, pred)
        .await
        .unwrap_or_else(|e| panic!("waiting for {what}: {e}"))
}

/// Waits until the store shows container `id` running; returns its id typed.
pub async fn wait_running(store: &Store, id: &str) -> wharf_core::model::ContainerId {
    let id = wharf_core::model::ContainerId::from(id);
    wait(store, "the container running", |s| {
        s.containers
            .get(&id)
            .is_some_and(|c| c.state == wharf_core::model::ContainerState::Running)
    })
    .await;
    id
}

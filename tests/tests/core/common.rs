//! Connecting wharf-core to a harness engine.

use std::time::Duration;

use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::Engine;
use wharf_core::session::{Session, SessionOptions};
use wharf_core::store::{Snapshot, Store};
use wharf_core::streams::stats::HubConfig;
use wharf_tests::TestEngine;

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

/// A read-only session on `host` with the default stats hub and no audit log (it connects in
/// the background).
pub fn read_only_session(host: &str) -> Session {
    Session::open(&SessionOptions {
        connect: options(host),
        read_only: true,
        audit_log: None,
        stats: HubConfig::default(),
    })
    .unwrap_or_else(|e| panic!("{e}"))
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

/// An image of its own (a commit of a test container), tagged `tags`; its tags are removed at
/// the end whatever happens (they match the `wharf-test/*:<run>` sweep too).
pub struct OwnImage<'a> {
    pub te: &'a TestEngine,
    pub id: String,
    pub tags: Vec<String>,
}

impl<'a> OwnImage<'a> {
    pub fn new(te: &'a TestEngine, names: &[&str]) -> OwnImage<'a> {
        let c = te.container("commit").cmd(&["true"]).created_only();
        let tags: Vec<String> = names
            .iter()
            .map(|n| format!("wharf-test/{n}:{}", wharf_tests::run_id()))
            .collect();
        let id = te
            .docker_ok(&["commit", c.id(), &tags[0]])
            .trim()
            .to_owned();
        for t in &tags[1..] {
            te.docker_ok(&["tag", &id, t]);
        }
        OwnImage { te, id, tags }
    }

    pub fn exists(&self) -> bool {
        self.te.docker(&["image", "inspect", &self.id]).is_ok()
    }
}

impl Drop for OwnImage<'_> {
    fn drop(&mut self) {
        let _ = self.te.docker(&["rmi", "-f", &self.id]);
    }
}

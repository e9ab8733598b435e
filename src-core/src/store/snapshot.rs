//! The immutable picture of an engine that readers receive.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use crate::model::{
    Config, ConfigId, Container, ContainerId, EngineEvent, EngineInfo, Image, ImageId, Network,
    NetworkId, Node, NodeId, Secret, SecretId, Service, ServiceId, Task, TaskId, Volume,
    VolumeName,
};

/// How many recent engine events a snapshot keeps for the Events view.
pub const EVENT_HISTORY: usize = 1000;

/// The store's link to its engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionState {
    /// First connection attempt under way.
    Connecting,
    /// Listed and following events since `since_ms` (Unix ms).
    Connected { since_ms: i64 },
    /// The engine accepted connections but stopped answering at `since_ms` (frozen, hung, or
    /// a network that drops packets); Wharf keeps asking. The lists are from before.
    NotResponding { since_ms: i64, reason: String },
    /// The link broke at `since_ms`; retrying. `reason` says why it broke.
    Reconnecting {
        since_ms: i64,
        attempt: u32,
        reason: String,
    },
    /// An error retrying will not fix by itself (TLS, permissions, configuration); Wharf
    /// still retries slowly in case the user fixes it.
    Failed { reason: String },
}

impl ConnectionState {
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectionState::Connected { .. })
    }
}

/// One object the store follows, for saying which one failed to refresh.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ObjectRef {
    Container(ContainerId),
    /// An image by id or by the reference an event named.
    Image(String),
    Network(NetworkId),
    Volume(VolumeName),
    Node(NodeId),
    Service(ServiceId),
    /// The tasks of one service.
    Tasks(ServiceId),
    /// Every task (the periodic refresh: tasks have no events of their own).
    AllTasks,
    Secret(SecretId),
    Config(ConfigId),
    /// The engine's own info.
    Engine,
}

/// An object whose last refresh failed with an error about that object (not the link): its
/// row keeps the last data fetched, and the store retries it on its own backoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshFailure {
    pub object: ObjectRef,
    /// The last error, as the engine put it.
    pub reason: String,
    /// When the first failure of this run happened (Unix ms).
    pub since_ms: i64,
    /// Failed attempts in a row.
    pub attempts: u32,
    /// When the store will try again (Unix ms).
    pub retry_at_ms: i64,
}

/// Everything known about one engine at one revision. Cheap to clone: collections are shared.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    /// Increases with every published change.
    pub revision: u64,
    /// Where the store connects, for headers (`unix:///var/run/docker.sock (default)`).
    pub endpoint: String,
    pub connection: ConnectionState,
    /// Whether the lists below reflect a complete listing (false before the first sync).
    pub synced: bool,
    pub engine: Option<Arc<EngineInfo>>,
    pub containers: Arc<BTreeMap<ContainerId, Arc<Container>>>,
    pub images: Arc<BTreeMap<ImageId, Arc<Image>>>,
    pub networks: Arc<BTreeMap<NetworkId, Arc<Network>>>,
    pub volumes: Arc<BTreeMap<VolumeName, Arc<Volume>>>,
    /// Swarm objects, listed only when the engine is a swarm manager (empty otherwise).
    pub nodes: Arc<BTreeMap<NodeId, Arc<Node>>>,
    pub services: Arc<BTreeMap<ServiceId, Arc<Service>>>,
    /// Tasks of every service, finished ones included (the engine keeps a few per slot).
    pub tasks: Arc<BTreeMap<TaskId, Arc<Task>>>,
    pub secrets: Arc<BTreeMap<SecretId, Arc<Secret>>>,
    pub configs: Arc<BTreeMap<ConfigId, Arc<Config>>>,
    /// Objects whose last refresh failed (usually none), ordered by object.
    pub refresh_failures: Arc<Vec<RefreshFailure>>,
    /// The most recent engine events, oldest first. Each is shared, so recording one more
    /// while a reader holds the previous snapshot copies pointers, not events.
    pub events: Arc<VecDeque<Arc<EngineEvent>>>,
}

impl Snapshot {
    pub fn empty(endpoint: String) -> Self {
        Snapshot {
            revision: 0,
            endpoint,
            connection: ConnectionState::Connecting,
            synced: false,
            engine: None,
            containers: Arc::default(),
            images: Arc::default(),
            networks: Arc::default(),
            volumes: Arc::default(),
            nodes: Arc::default(),
            services: Arc::default(),
            tasks: Arc::default(),
            secrets: Arc::default(),
            configs: Arc::default(),
            refresh_failures: Arc::default(),
            events: Arc::default(),
        }
    }

    /// Whether the lists may be out of date: they were listed once, but the engine is not
    /// answering now. UIs keep showing them, marked as such.
    pub fn is_stale(&self) -> bool {
        self.synced && !self.connection.is_connected()
    }

    /// Whether the engine is a swarm manager (and the swarm lists are meaningful).
    pub fn is_swarm_manager(&self) -> bool {
        self.engine.as_ref().is_some_and(|e| e.swarm_manager)
    }

    /// Why `object`'s last refresh failed, when it did.
    pub fn refresh_failure(&self, object: &ObjectRef) -> Option<&RefreshFailure> {
        self.refresh_failures.iter().find(|f| &f.object == object)
    }

    /// A container by full id, id prefix (≥ 4 characters) or name.
    pub fn find_container(&self, key: &str) -> Option<&Arc<Container>> {
        if let Some(c) = self.containers.get(&ContainerId(key.to_owned())) {
            return Some(c);
        }
        self.containers
            .values()
            .find(|c| c.name == key || (key.len() >= 4 && c.id.as_str().starts_with(key)))
    }

    /// An image by id or any of its tags.
    pub fn find_image(&self, key: &str) -> Option<&Arc<Image>> {
        self.images.values().find(|i| {
            i.id.as_str() == key || i.id.short() == key || i.tags.iter().any(|t| t == key)
        })
    }

    /// Containers using an image.
    pub fn containers_of_image<'a>(
        &'a self,
        id: &'a ImageId,
    ) -> impl Iterator<Item = &'a Arc<Container>> {
        self.containers
            .values()
            .filter(move |c| c.image_id.as_ref() == Some(id))
    }

    /// Compose projects and their containers, from labels.
    pub fn projects(&self) -> BTreeMap<&str, Vec<&Arc<Container>>> {
        let mut out: BTreeMap<&str, Vec<&Arc<Container>>> = BTreeMap::new();
        for c in self.containers.values() {
            if let Some(p) = c.project() {
                out.entry(p).or_default().push(c);
            }
        }
        out
    }
}

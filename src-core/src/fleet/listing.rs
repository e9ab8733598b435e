//! The merged picture of a fleet: each engine's state and the containers of all of them,
//! tagged with their engine. A pure function of the members' snapshots, so both UIs show the
//! same rows, states and counts, and a frozen engine's last rows stay (marked stale) without
//! holding the others.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::{Container, ContainerId, ContainerState};
use crate::store::{ConnectionState, Snapshot};

/// One engine's state as the fleet header shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EngineState {
    Connecting,
    Connected,
    /// Accepts connections but stopped answering (frozen, hung); the last rows stay.
    NotResponding,
    /// Unreachable, refusing, misconfigured, or never opened; retried on its own.
    Down,
}

impl EngineState {
    pub fn as_str(self) -> &'static str {
        match self {
            EngineState::Connecting => "connecting",
            EngineState::Connected => "connected",
            EngineState::NotResponding => "not responding",
            EngineState::Down => "down",
        }
    }

    /// The state and its reason from a store's connection.
    pub fn of(connection: &ConnectionState) -> (EngineState, Option<String>) {
        match connection {
            ConnectionState::Connecting => (EngineState::Connecting, None),
            ConnectionState::Connected { .. } => (EngineState::Connected, None),
            ConnectionState::NotResponding { reason, .. } => {
                (EngineState::NotResponding, Some(reason.clone()))
            }
            ConnectionState::Reconnecting { reason, .. } | ConnectionState::Failed { reason } => {
                (EngineState::Down, Some(reason.clone()))
            }
        }
    }
}

/// One engine in the fleet's header.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngineStatus {
    pub name: String,
    /// The transport, as headers show it.
    pub endpoint: String,
    pub colour: Option<String>,
    /// Colour `red`: production, framed in red.
    pub red: bool,
    pub read_only: bool,
    pub state: EngineState,
    /// Why it is not connected, as the store or the resolver put it.
    pub error: Option<String>,
    /// Containers listed (all states) and running.
    pub containers: usize,
    pub running: usize,
    /// The rows shown are from before the engine stopped answering.
    pub stale: bool,
    /// The member's store revision, so a UI can tell what changed.
    pub revision: u64,
}

/// A container and the engine it runs on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetContainer {
    pub engine: String,
    #[cfg_attr(feature = "ts", ts(as = "Container"))]
    pub container: Arc<Container>,
}

/// A row's identity across engines: container ids are unique per engine only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetKey {
    pub engine: String,
    pub id: ContainerId,
}

impl FleetContainer {
    pub fn key(&self) -> FleetKey {
        FleetKey {
            engine: self.engine.clone(),
            id: self.container.id.clone(),
        }
    }

    /// The filter rule of both UIs: every word of `query` (case-insensitive) is in the
    /// container's name, image, state, id or its engine's name.
    pub fn matches(&self, query: &str) -> bool {
        let c = &self.container;
        let hay = format!(
            "{} {} {} {} {}",
            self.engine,
            c.name,
            c.image,
            c.state.as_str(),
            c.id.as_str()
        )
        .to_lowercase();
        query
            .split_whitespace()
            .all(|w| hay.contains(&w.to_lowercase()))
    }
}

/// Every engine's state and all their containers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetSnapshot {
    pub engines: Vec<EngineStatus>,
    /// By engine (in fleet order), then name.
    pub containers: Vec<FleetContainer>,
}

/// What a member contributes to the merge.
pub struct MemberView<'a> {
    pub name: &'a str,
    pub endpoint: &'a str,
    pub colour: Option<&'a str>,
    pub red: bool,
    pub read_only: bool,
    /// The store's latest snapshot, or why the engine has no session at all.
    pub snapshot: Result<Arc<Snapshot>, &'a str>,
}

impl FleetSnapshot {
    pub fn merge(members: &[MemberView<'_>]) -> FleetSnapshot {
        let mut out = FleetSnapshot::default();
        for m in members {
            let (state, error, stale, revision, mut rows) = match &m.snapshot {
                Ok(s) => {
                    let (state, error) = EngineState::of(&s.connection);
                    let rows: Vec<FleetContainer> = s
                        .containers
                        .values()
                        .map(|c| FleetContainer {
                            engine: m.name.to_owned(),
                            container: c.clone(),
                        })
                        .collect();
                    // Rows listed before the link broke are stale, synced or not (the store
                    // marks a snapshot synced only once its first full sync ends).
                    let stale =
                        !s.connection.is_connected() && (s.synced || !s.containers.is_empty());
                    (state, error, stale, s.revision, rows)
                }
                Err(why) => (
                    EngineState::Down,
                    Some((*why).to_owned()),
                    false,
                    0,
                    Vec::new(),
                ),
            };
            rows.sort_by(|a, b| a.container.name.cmp(&b.container.name));
            out.engines.push(EngineStatus {
                name: m.name.to_owned(),
                endpoint: m.endpoint.to_owned(),
                colour: m.colour.map(str::to_owned),
                red: m.red,
                read_only: m.read_only,
                state,
                error,
                containers: rows.len(),
                running: rows
                    .iter()
                    .filter(|r| r.container.state == ContainerState::Running)
                    .count(),
                stale,
                revision,
            });
            out.containers.append(&mut rows);
        }
        out
    }

    pub fn engine(&self, name: &str) -> Option<&EngineStatus> {
        self.engines.iter().find(|e| e.name == name)
    }

    pub fn find(&self, key: &FleetKey) -> Option<&FleetContainer> {
        self.containers
            .iter()
            .find(|c| c.engine == key.engine && c.container.id == key.id)
    }
}

//! Swarm objects as a manager lists them: nodes, services, their tasks, secrets.
//!
//! Plain data, converted from the engine's wire types in `engine::convert::swarm`. A
//! [`Secret`] holds metadata only: the engine never returns a secret's value, and Wharf has
//! no field to keep one in. `version` is the engine's object version, which every update
//! must send back (the engine refuses an update made from an older version).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::{NodeId, SecretId, ServiceId, TaskId};

/// The label `docker stack deploy` puts on a stack's services.
pub const STACK_LABEL: &str = "com.docker.stack.namespace";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Node {
    pub id: NodeId,
    pub hostname: String,
    /// `manager` or `worker`.
    pub role: String,
    /// `active`, `pause` or `drain`.
    pub availability: String,
    /// `ready`, `down`, `unknown`, `disconnected`.
    pub state: String,
    /// The leader among managers.
    pub leader: bool,
    /// A manager's reachability (`reachable`, `unreachable`).
    pub reachability: Option<String>,
    pub engine_version: String,
    pub addr: String,
    pub labels: BTreeMap<String, String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: u64,
}

/// How a service places its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    Replicated,
    Global,
    ReplicatedJob,
    GlobalJob,
}

impl ServiceMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Replicated => "replicated",
            Self::Global => "global",
            Self::ReplicatedJob => "replicated-job",
            Self::GlobalJob => "global-job",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    pub mode: ServiceMode,
    /// Desired replicas of a replicated service.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub replicas: Option<u64>,
    /// The image reference of the current spec (without the `@sha256:` pin the CLI adds).
    pub image: String,
    /// Published ports, `8080:80/tcp`.
    pub ports: Vec<String>,
    /// The last update's state (`updating`, `completed`, `paused`, `rollback_started`,
    /// `rollback_completed`, …) and its message.
    pub update_state: Option<String>,
    pub update_message: Option<String>,
    /// The stack it belongs to ([`STACK_LABEL`]).
    pub stack: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Task {
    pub id: TaskId,
    pub service: ServiceId,
    /// A replicated task's slot (`web.2`); global tasks have none.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub slot: Option<u64>,
    pub node: Option<NodeId>,
    /// `new`, `pending`, `assigned`, …, `running`, `complete`, `shutdown`, `failed`, `rejected`.
    pub state: String,
    pub desired_state: String,
    pub message: String,
    pub error: Option<String>,
    pub image: String,
    /// When the state last changed, RFC 3339.
    pub timestamp: Option<String>,
    pub container: Option<String>,
}

/// A secret's metadata. There is deliberately no value field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Secret {
    pub id: SecretId,
    pub name: String,
    pub driver: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub created: Option<String>,
    pub updated: Option<String>,
}

//! Facts about an engine, disk usage and prune results.

use serde::{Deserialize, Serialize};

/// What `docker version` and `docker info` say about the engine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngineInfo {
    /// `Docker Engine - Community`, `Podman Engine`, …
    pub platform: String,
    pub version: String,
    /// The API version the engine speaks at most.
    pub api_version: String,
    /// The API version Wharf negotiated and uses.
    pub negotiated_api_version: String,
    pub min_api_version: Option<String>,
    pub os: String,
    pub os_type: String,
    pub kernel: String,
    pub arch: String,
    pub hostname: String,
    pub storage_driver: String,
    pub cgroup_driver: String,
    pub cgroup_version: String,
    pub logging_driver: String,
    pub cpus: u32,
    pub memory: u64,
    pub root_dir: String,
    pub containers: u64,
    pub running: u64,
    pub paused: u64,
    pub stopped: u64,
    pub images: u64,
    /// Swarm local node state (`inactive`, `active`, …).
    pub swarm: String,
    /// Whether this engine is a swarm manager (`Swarm.ControlAvailable`): only then can it
    /// list nodes, services, tasks and secrets.
    #[serde(default)]
    pub swarm_manager: bool,
    /// This engine's node id in its swarm.
    #[serde(default)]
    pub node_id: Option<String>,
    /// The engine clock when asked, RFC 3339.
    pub system_time: String,
    pub warnings: Vec<String>,
}

/// What reaching an engine over SSH costs right now: Wharf shares one SSH connection (an
/// OpenSSH ControlMaster) among up to `sessions_per_connection` sessions, each an HTTP
/// connection to the engine (`docker system dial-stdio`) with its own local ssh process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SshCost {
    /// SSH (TCP) connections to the host: one per master.
    pub connections: u32,
    /// Sessions in use on them.
    pub sessions: u32,
    /// Local ssh processes: the masters and one per session.
    pub processes: u32,
    /// The most sessions one connection carries (under sshd's `MaxSessions`).
    pub sessions_per_connection: u32,
}

impl SshCost {
    /// `1 SSH connection · 4 sessions (at most 8 each) · 5 ssh processes`.
    pub fn describe(&self) -> String {
        let s = |n: u32| if n == 1 { "" } else { "s" };
        format!(
            "{} SSH connection{} · {} session{} (at most {} each) · {} ssh process{}",
            self.connections,
            s(self.connections),
            self.sessions,
            s(self.sessions),
            self.sessions_per_connection,
            self.processes,
            if self.processes == 1 { "" } else { "es" }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DiskUsageKind {
    Images,
    Containers,
    Volumes,
    BuildCache,
}

impl DiskUsageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Images => "Images",
            Self::Containers => "Containers",
            Self::Volumes => "Local Volumes",
            Self::BuildCache => "Build Cache",
        }
    }
}

/// One row of `docker system df`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiskUsage {
    pub kind: DiskUsageKind,
    pub total: u64,
    pub active: u64,
    pub size: u64,
    pub reclaimable: u64,
}

/// What a prune removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "target")]
pub enum PruneTarget {
    /// Stopped containers.
    Containers,
    /// Dangling images, or every image no container uses when `all`.
    Images {
        all: bool,
    },
    /// Networks no container uses.
    Networks,
    /// Volumes no container uses; anonymous ones only unless `all` (`rules::prune`).
    Volumes {
        all: bool,
    },
    BuildCache,
}

impl PruneTarget {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Containers => "stopped containers",
            Self::Images { all: false } => "dangling images",
            Self::Images { all: true } => "unused images",
            Self::Networks => "unused networks",
            Self::Volumes { all: false } => "unused anonymous volumes",
            Self::Volumes { all: true } => "unused volumes",
            Self::BuildCache => "build cache",
        }
    }
}

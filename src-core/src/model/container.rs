//! Containers as Wharf sees them.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::{ContainerId, ImageId};

pub const COMPOSE_PROJECT_LABEL: &str = "com.docker.compose.project";
pub const COMPOSE_SERVICE_LABEL: &str = "com.docker.compose.service";

/// Lifecycle state, as the engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
    Unknown,
}

impl ContainerState {
    pub fn parse(s: &str) -> Self {
        match s {
            "created" => Self::Created,
            "running" => Self::Running,
            "paused" => Self::Paused,
            "restarting" => Self::Restarting,
            "removing" => Self::Removing,
            "exited" => Self::Exited,
            "dead" => Self::Dead,
            _ => Self::Unknown,
        }
    }

    /// The states in which a container has processes. Defined on the model type because the
    /// store (below `rules`) needs it; both UIs read it as `rules::containers::ALIVE_STATES`.
    pub const ALIVE: [ContainerState; 3] = [Self::Running, Self::Paused, Self::Restarting];

    /// Whether the container has processes (running or paused or restarting).
    pub fn is_alive(self) -> bool {
        Self::ALIVE.contains(&self)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Restarting => "restarting",
            Self::Removing => "removing",
            Self::Exited => "exited",
            Self::Dead => "dead",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ContainerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Health-check status, when the image or container defines a health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "starting" => Some(Self::Starting),
            "healthy" => Some(Self::Healthy),
            "unhealthy" => Some(Self::Unhealthy),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Self::Tcp),
            "udp" => Some(Self::Udp),
            "sctp" => Some(Self::Sctp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Sctp => "sctp",
        }
    }
}

/// One container port, published on the host or not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PortMapping {
    pub host_ip: Option<String>,
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub protocol: Protocol,
}

impl fmt::Display for PortMapping {
    /// `0.0.0.0:8080->80/tcp` as `docker ps` writes it, or `80/tcp` when not published.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(hp) = self.host_port {
            let ip = self.host_ip.as_deref().unwrap_or("0.0.0.0");
            if ip.contains(':') {
                write!(f, "[{ip}]:{hp}->")?;
            } else {
                write!(f, "{ip}:{hp}->")?;
            }
        }
        write!(f, "{}/{}", self.container_port, self.protocol.as_str())
    }
}

/// A volume, bind or tmpfs mount of a container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MountPoint {
    /// `volume`, `bind`, `tmpfs`, …
    pub kind: String,
    /// Volume name for volumes.
    pub name: Option<String>,
    /// Host path (bind) or the volume's mountpoint.
    pub source: String,
    pub destination: String,
    pub read_write: bool,
}

/// The compose project and service a container belongs to, from its labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComposeRef {
    pub project: String,
    pub service: Option<String>,
}

impl ComposeRef {
    pub fn from_labels(labels: &BTreeMap<String, String>) -> Option<Self> {
        labels.get(COMPOSE_PROJECT_LABEL).map(|p| ComposeRef {
            project: p.clone(),
            service: labels.get(COMPOSE_SERVICE_LABEL).cloned(),
        })
    }
}

/// A container. Fields that only `inspect` gives are `None` until the store has inspected it
/// (`detailed == true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Container {
    pub id: ContainerId,
    pub name: String,
    /// The image as the user named it (`busybox:latest`), or an id.
    pub image: String,
    pub image_id: Option<ImageId>,
    pub command: String,
    /// Unix seconds.
    pub created: i64,
    pub state: ContainerState,
    /// The engine's human status line (`Up 3 minutes (healthy)`).
    pub status: String,
    pub health: Option<Health>,
    /// Unix seconds of the last start, when known.
    pub started_at: Option<i64>,
    /// Unix seconds of the last exit, when known.
    pub finished_at: Option<i64>,
    pub exit_code: Option<i64>,
    pub restart_count: Option<u64>,
    pub ports: Vec<PortMapping>,
    pub mounts: Vec<MountPoint>,
    /// Names of the networks the container is attached to.
    pub networks: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub compose: Option<ComposeRef>,
    /// The container's init process on the engine host, when running.
    pub pid: Option<u32>,
    /// CPU limit in cores from `--cpus` or a CFS quota.
    pub cpu_limit: Option<f64>,
    /// Memory limit in bytes from `--memory`.
    pub memory_limit: Option<u64>,
    pub tty: bool,
    /// What the security rules read (`rules::findings`), from inspect: `None` until detailed.
    /// Not serialized: a front end shows the findings the core derives from it (`findings::
    /// of_container`), never the raw facts, which were a third of the desktop page's snapshot
    /// (≈ 29 KB per 100 containers, sent on every store revision).
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub security: Option<SecurityFacts>,
    /// Whether the inspect-only fields above have been filled.
    pub detailed: bool,
}

impl Container {
    /// The compose project, if any.
    pub fn project(&self) -> Option<&str> {
        self.compose.as_ref().map(|c| c.project.as_str())
    }
}

/// What the security rules (`rules::findings`) read of a container's configuration, from a
/// run plan or from inspect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecurityFacts {
    pub privileged: bool,
    /// As configured (`""` = the image's user, root unless the image sets one).
    pub user: String,
    /// Upper case, without `CAP_`.
    pub cap_add: Vec<String>,
    /// `bridge`, `host`, `none`, `container:…`, a network name.
    pub network_mode: String,
    pub pid_mode: String,
    pub ipc_mode: String,
    pub read_only_rootfs: bool,
    /// Bytes; `None` = no limit.
    pub memory_limit: Option<u64>,
    /// `None` (or 0 or negative) = no limit.
    pub pids_limit: Option<i64>,
    /// `(source, target)`: host path or volume name, path in the container.
    pub mounts: Vec<(String, String)>,
    /// `(host ip, host port)` of each published port; `""` = all interfaces, port 0 = random.
    pub published: Vec<(String, u16)>,
    /// The image as configured (`busybox`, `busybox:1.36`, `busybox@sha256:…`).
    pub image: String,
    /// Whether a health check is set (by the container or its image).
    pub healthcheck: bool,
    /// `""` or `no` = none.
    pub restart_policy: String,
}

/// Processes running in a container, as `docker top` shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Processes {
    pub titles: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

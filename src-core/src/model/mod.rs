//! Plain data describing what an engine holds: no bollard types, no presentation.
//!
//! Conversions from the engine's wire types live in `engine::convert`; everything above the
//! engine (store, streams, UIs) sees only these types.

mod alert;
mod container;
mod event;
mod files;
mod ids;
mod image;
mod marker;
mod network;
mod stats;
mod swarm;
mod swarm_config;
mod system;
mod volume;

pub use alert::{ActionResult, FiredAlert};
pub use container::{
    ComposeRef, Container, ContainerState, Health, MountPoint, PortMapping, Processes, Protocol,
    SecurityFacts, COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL,
};
pub use event::{EngineEvent, EventKind};
pub use files::{
    ChangeKind, CopyProgress, CopyReport, DirListing, FileChange, FileEntry, FileKind, SkippedEntry,
};
pub use ids::{
    short_id, ConfigId, ContainerId, ImageId, NetworkId, NodeId, SecretId, ServiceId, TaskId,
    VolumeName,
};
pub use image::Image;
pub use marker::{HistoryMarker, MarkerKind};
pub use network::Network;
pub use stats::{RawStats, Sample};
pub use swarm::{Node, Secret, Service, ServiceMode, Task, STACK_LABEL};
pub use swarm_config::{Config, CONFIG_PREVIEW_BYTES};
pub use system::{DiskUsage, DiskUsageKind, EngineInfo, PruneTarget, SshCost};
pub use volume::Volume;

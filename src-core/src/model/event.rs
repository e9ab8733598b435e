//! Engine events, converted from the `/events` stream.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The type of object an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Container,
    Image,
    Network,
    Volume,
    Daemon,
    Plugin,
    Service,
    Node,
    Secret,
    Config,
    Builder,
    Other,
}

impl EventKind {
    pub fn parse(s: &str) -> Self {
        match s {
            "container" => Self::Container,
            "image" => Self::Image,
            "network" => Self::Network,
            "volume" => Self::Volume,
            "daemon" => Self::Daemon,
            "plugin" => Self::Plugin,
            "service" => Self::Service,
            "node" => Self::Node,
            "secret" => Self::Secret,
            "config" => Self::Config,
            "builder" => Self::Builder,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Container => "container",
            Self::Image => "image",
            Self::Network => "network",
            Self::Volume => "volume",
            Self::Daemon => "daemon",
            Self::Plugin => "plugin",
            Self::Service => "service",
            Self::Node => "node",
            Self::Secret => "secret",
            Self::Config => "config",
            Self::Builder => "builder",
            Self::Other => "other",
        }
    }
}

/// One event from the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngineEvent {
    pub kind: EventKind,
    /// `start`, `die`, `health_status: healthy`, `exec_start: sh`, …
    pub action: String,
    /// The object's id (for volumes its name; for images the reference or id).
    pub actor_id: String,
    pub attributes: BTreeMap<String, String>,
    /// Unix nanoseconds.
    pub time_nano: i64,
}

impl EngineEvent {
    /// The object's name if the engine sent one.
    pub fn name(&self) -> Option<&str> {
        self.attributes.get("name").map(String::as_str)
    }

    /// The action without its argument: `exec_start: sh -c x` → `exec_start`.
    pub fn verb(&self) -> &str {
        self.action
            .split_once(':')
            .map_or(self.action.as_str(), |(v, _)| v.trim())
    }
}

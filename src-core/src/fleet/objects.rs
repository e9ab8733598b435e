//! Images, volumes and networks of every engine of a fleet, each tagged with its engine (the
//! plan of a removal across engines is [`super::removal`]). Pure functions of the members' snapshots (as
//! [`super::listing`] for containers), so both UIs show the same rows, counts and
//! confirmation lines.
//!
//! The single-engine rules apply per engine, never across: "used by" is the core's
//! [`Usage`] of that engine's own containers, an image removal takes only the tags shown
//! ([`real_tags`]), and the built-in networks ([`is_builtin`]) are never removed. Read-only
//! stays the member's policy: a removal planned for a read-only engine is sent and refused by
//! that engine's handle (the plan says so).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Fleet;
use crate::command::Command;
use crate::model::{Image, ImageId, Network, NetworkId, Volume, VolumeName};
use crate::rules::networks::is_builtin;
use crate::rules::prune::real_tags;
use crate::rules::usage::Usage;
use crate::store::Snapshot;

/// The kinds of object a fleet lists besides containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FleetObjectKind {
    Image,
    Volume,
    Network,
}

impl FleetObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FleetObjectKind::Image => "image",
            FleetObjectKind::Volume => "volume",
            FleetObjectKind::Network => "network",
        }
    }
}

/// An object's identity across engines: its kind, its engine, and its id on that engine (an
/// image or network id, a volume name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetObjectKey {
    pub engine: String,
    pub kind: FleetObjectKind,
    pub id: String,
}

/// The choices of an image removal, as the single-engine removal has them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct RemovalOptions {
    /// Remove images that containers (stopped ones) still use, and untag shared ones.
    pub force: bool,
    /// Keep the untagged parent images (`docker rmi --no-prune`).
    pub no_prune: bool,
}

/// An image and the engine it is on; `users` are that engine's containers using it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetImage {
    pub engine: String,
    #[cfg_attr(feature = "ts", ts(as = "Image"))]
    pub image: Arc<Image>,
    pub users: usize,
    /// The names of those containers (the removal plan names them; not sent to the page).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub used_by: Vec<String>,
}

/// A volume and the engine it is on; `users` are that engine's containers mounting it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetVolume {
    pub engine: String,
    #[cfg_attr(feature = "ts", ts(as = "Volume"))]
    pub volume: Arc<Volume>,
    pub users: usize,
}

/// A network and the engine it is on; `users` are that engine's containers attached;
/// `builtin` ones (`bridge`, `host`, `none`) are never removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetNetwork {
    pub engine: String,
    #[cfg_attr(feature = "ts", ts(as = "Network"))]
    pub network: Arc<Network>,
    pub users: usize,
    pub builtin: bool,
}

/// One engine's counts, for the header of each kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KindCounts {
    pub engine: String,
    pub images: usize,
    pub volumes: usize,
    pub networks: usize,
}

/// Every engine's images, volumes and networks: by engine (in fleet order), then name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetObjects {
    pub counts: Vec<KindCounts>,
    pub images: Vec<FleetImage>,
    pub volumes: Vec<FleetVolume>,
    pub networks: Vec<FleetNetwork>,
}

/// Every word of `query` (case-insensitive) is somewhere in `hay`: the filter rule of the
/// fleet's rows (`FleetContainer::matches` for containers).
fn words_in(hay: &str, query: &str) -> bool {
    let hay = hay.to_lowercase();
    query
        .split_whitespace()
        .all(|w| hay.contains(&w.to_lowercase()))
}

impl FleetImage {
    pub fn key(&self) -> FleetObjectKey {
        key(&self.engine, FleetObjectKind::Image, self.image.id.as_str())
    }

    /// Every word in the engine's name, a tag, the id or the short id.
    pub fn matches(&self, query: &str) -> bool {
        let i = &self.image;
        words_in(
            &format!("{} {} {}", self.engine, i.tags.join(" "), i.id.as_str()),
            query,
        )
    }

    /// Its removal: only the tags listed now (`real_tags`), with the user's choices.
    pub fn removal(&self, opts: RemovalOptions) -> Command {
        Command::RemoveImage {
            id: self.image.id.clone(),
            tags: real_tags(&self.image),
            force: opts.force,
            no_prune: opts.no_prune,
        }
    }
}

impl FleetVolume {
    pub fn key(&self) -> FleetObjectKey {
        key(
            &self.engine,
            FleetObjectKind::Volume,
            self.volume.name.as_str(),
        )
    }

    /// Every word in the engine's name, the volume's name or its driver.
    pub fn matches(&self, query: &str) -> bool {
        let v = &self.volume;
        words_in(&format!("{} {} {}", self.engine, v.name, v.driver), query)
    }

    /// Its removal, never forced (the engine refuses a volume in use).
    pub fn removal(&self) -> Command {
        Command::RemoveVolume {
            name: self.volume.name.clone(),
            force: false,
        }
    }
}

impl FleetNetwork {
    pub fn key(&self) -> FleetObjectKey {
        key(
            &self.engine,
            FleetObjectKind::Network,
            self.network.id.as_str(),
        )
    }

    /// Every word in the engine's name, the network's name, driver or id.
    pub fn matches(&self, query: &str) -> bool {
        let n = &self.network;
        words_in(
            &format!("{} {} {} {}", self.engine, n.name, n.driver, n.id.as_str()),
            query,
        )
    }

    /// Its removal; `None` for a built-in network, which is never removed.
    pub fn removal(&self) -> Option<Command> {
        (!self.builtin).then(|| Command::RemoveNetwork {
            id: self.network.id.clone(),
        })
    }
}

fn key(engine: &str, kind: FleetObjectKind, id: &str) -> FleetObjectKey {
    FleetObjectKey {
        engine: engine.to_owned(),
        kind,
        id: id.to_owned(),
    }
}

impl FleetObjects {
    /// Merge the members' latest snapshots (`None`: the engine has no session); each
    /// engine's usage counts only its own containers.
    pub fn merge(members: &[(&str, Option<Arc<Snapshot>>)]) -> FleetObjects {
        let mut out = FleetObjects::default();
        for (engine, snap) in members {
            let engine = (*engine).to_owned();
            let Some(s) = snap else {
                out.counts.push(KindCounts {
                    engine,
                    images: 0,
                    volumes: 0,
                    networks: 0,
                });
                continue;
            };
            let usage = Usage::of(s);
            let mut images: Vec<FleetImage> = s
                .images
                .values()
                .map(|i| {
                    let users = usage.image_users(&i.id);
                    FleetImage {
                        engine: engine.clone(),
                        users: users.len(),
                        used_by: users
                            .iter()
                            .filter_map(|id| s.containers.get(id))
                            .map(|c| c.name.clone())
                            .collect(),
                        image: i.clone(),
                    }
                })
                .collect();
            images.sort_by(|a, b| a.image.display_name().cmp(b.image.display_name()));
            // Volumes are keyed by name already.
            let volumes: Vec<FleetVolume> = s
                .volumes
                .values()
                .map(|v| FleetVolume {
                    engine: engine.clone(),
                    users: usage.volume_users(&v.name).len(),
                    volume: v.clone(),
                })
                .collect();
            let mut networks: Vec<FleetNetwork> = s
                .networks
                .values()
                .map(|n| FleetNetwork {
                    engine: engine.clone(),
                    users: usage.network_users(&n.id).len(),
                    builtin: is_builtin(&n.name),
                    network: n.clone(),
                })
                .collect();
            networks.sort_by(|a, b| a.network.name.cmp(&b.network.name));
            out.counts.push(KindCounts {
                engine,
                images: images.len(),
                volumes: volumes.len(),
                networks: networks.len(),
            });
            out.images.append(&mut images);
            out.volumes.extend(volumes);
            out.networks.append(&mut networks);
        }
        out
    }

    pub fn counts(&self, engine: &str) -> Option<&KindCounts> {
        self.counts.iter().find(|c| c.engine == engine)
    }
}

/// The object an image, volume or network command acts on, as a confirmation names it: the
/// short id of an image or network, a volume's name.
pub(super) fn object_id(cmd: &Command) -> Option<&str> {
    match cmd {
        Command::RemoveImage { id, .. } => Some(ImageId::short(id)),
        Command::RemoveNetwork { id } => Some(NetworkId::short(id)),
        Command::RemoveVolume { name, .. } => Some(VolumeName::as_str(name)),
        _ => None,
    }
}

impl Fleet {
    /// Every engine's images, volumes and networks now: never waits for an engine.
    pub fn objects(&self) -> FleetObjects {
        let members: Vec<(&str, Option<Arc<Snapshot>>)> = self
            .members
            .iter()
            .map(|m| {
                (
                    m.spec.name.as_str(),
                    m.session.as_ref().ok().map(|s| s.store.snapshot()),
                )
            })
            .collect();
        FleetObjects::merge(&members)
    }
}

#[cfg(test)]
#[path = "objects_tests.rs"]
mod tests;

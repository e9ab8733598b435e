//! Prune candidates: which objects a prune target covers, computed from the engine's lists with
//! the same rules on every API version.
//!
//! The engine's own prune endpoints are not used to decide anything: their filters differ per
//! version (below API 1.42, `POST /volumes/prune` removes *every* unused volume, named ones
//! included, and takes no `all` filter), and they remove whatever is unused at the moment of the
//! call, including objects that appeared after the user looked. Instead a [`PrunePlan`] lists
//! the exact objects, the user confirms that list, and `destroy::apply_prune` removes those
//! objects one by one by id.
//!
//! Rules (conservative: when in doubt an object is not a candidate):
//! - containers: `created`, `exited` or `dead` (never running, paused, restarting, removing);
//! - images: not used by any container in any state; dangling only (no tag) unless `all`;
//! - networks: not built in (`bridge`, `host`, `none`), `local` scope, and no container in any
//!   state names it;
//! - volumes: no container in any state mounts it; anonymous only unless `all`
//!   (see [`is_anonymous`]);
//! - build cache: one entry standing for all unused build cache (see `destroy`).

use serde::{Deserialize, Serialize};

use super::networks::is_builtin;
use crate::model::{Container, ContainerState, Image, Network, PruneTarget, Volume};
use crate::rules::usage::Usage;

/// The label Docker ≥ 23 (API 1.42) puts on the volumes it creates for anonymous mounts.
pub const ANONYMOUS_VOLUME_LABEL: &str = "com.docker.volume.anonymous";

/// The first API version whose engines label anonymous volumes.
pub const ANONYMOUS_LABEL_API: (usize, usize) = (1, 42);

/// What kind of object a plan or report line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Container,
    Image,
    /// One `repo:tag` name of an image.
    Tag,
    Network,
    Volume,
    BuildCache,
}

/// One object a prune will remove, as the user is shown it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PruneItem {
    pub kind: ObjectKind,
    /// What the removal acts on: full container, image or network id, or volume name.
    pub id: String,
    /// What the user recognises: container or network name, first tag, volume name.
    pub name: String,
    /// Bytes, when the engine's listing says.
    pub size: Option<u64>,
    /// Images only: the tags the image had when planned; the apply removes only these.
    pub tags: Vec<String>,
}

/// The exact objects a prune removes. Made by `destroy::plan_prune`, shown to the user, and
/// applied by `destroy::apply_prune`, which removes these objects and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrunePlan {
    pub target: PruneTarget,
    pub items: Vec<PruneItem>,
}

impl PrunePlan {
    /// Bytes the plan frees at most, counting the objects whose size is known.
    pub fn known_size(&self) -> u64 {
        self.items.iter().filter_map(|i| i.size).sum()
    }

    /// Whether some objects' sizes are unknown (the total is then a lower bound).
    pub fn sizes_unknown(&self) -> bool {
        self.items.iter().any(|i| i.size.is_none())
    }
}

/// The engine's lists a plan is computed from, listed together just before planning.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    pub containers: &'a [Container],
    pub images: &'a [Image],
    pub networks: &'a [Network],
    pub volumes: &'a [Volume],
    /// Whether the engine labels anonymous volumes (API ≥ 1.42).
    pub labels_anonymous: bool,
}

/// Whether `v` is an anonymous volume.
///
/// Engines from API 1.42 (Docker 23) label the volumes they create for anonymous mounts with
/// [`ANONYMOUS_VOLUME_LABEL`], and only those are anonymous there. Docker 20.10 (API 1.41)
/// has no such label (checked: `docker create -v /data` gives a volume with `Labels: null`);
/// it names anonymous volumes with 64 random lowercase hex digits, so below 1.42 a volume
/// without labels whose name is exactly that is anonymous. A volume a user named itself is
/// never taken, unless the user chose such a name.
pub fn is_anonymous(v: &Volume, labels_anonymous: bool) -> bool {
    if labels_anonymous {
        return v.labels.contains_key(ANONYMOUS_VOLUME_LABEL);
    }
    let name = v.name.as_str();
    v.labels.is_empty()
        && name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The objects `target` covers in `listing`, sorted by name.
pub fn candidates(target: PruneTarget, listing: &Listing<'_>) -> Vec<PruneItem> {
    // In use = the usage rule both UIs show ("used by"), over the fresh listing.
    let usage = Usage::from_lists(listing.containers, listing.networks);
    let mut items: Vec<PruneItem> = match target {
        PruneTarget::Containers => listing
            .containers
            .iter()
            .filter(|c| {
                matches!(
                    c.state,
                    ContainerState::Created | ContainerState::Exited | ContainerState::Dead
                )
            })
            .map(|c| item(ObjectKind::Container, c.id.as_str(), &c.name, None))
            .collect(),
        PruneTarget::Images { all } => listing
            .images
            .iter()
            .filter(|i| all || i.is_dangling())
            .filter(|i| usage.image_users(&i.id).is_empty())
            .map(|i| PruneItem {
                tags: real_tags(i),
                ..item(
                    ObjectKind::Image,
                    i.id.as_str(),
                    i.display_name(),
                    u64::try_from(i.size).ok(),
                )
            })
            .collect(),
        PruneTarget::Networks => listing
            .networks
            .iter()
            .filter(|n| !is_builtin(&n.name) && n.scope == "local")
            .filter(|n| usage.network_users(&n.id).is_empty() && n.containers.unwrap_or(0) == 0)
            .map(|n| item(ObjectKind::Network, n.id.as_str(), &n.name, None))
            .collect(),
        PruneTarget::Volumes { all } => listing
            .volumes
            .iter()
            .filter(|v| all || is_anonymous(v, listing.labels_anonymous))
            .filter(|v| usage.volume_users(&v.name).is_empty())
            .map(|v| {
                item(
                    ObjectKind::Volume,
                    v.name.as_str(),
                    v.name.as_str(),
                    v.size.and_then(|s| u64::try_from(s).ok()),
                )
            })
            .collect(),
        PruneTarget::BuildCache => vec![item(
            ObjectKind::BuildCache,
            "",
            "all unused build cache",
            None,
        )],
    };
    items.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    items
}

/// An image's `repo:tag` names, without the `<none>:<none>` placeholder.
pub fn real_tags(i: &Image) -> Vec<String> {
    i.tags
        .iter()
        .filter(|t| t.as_str() != "<none>:<none>")
        .cloned()
        .collect()
}

fn item(kind: ObjectKind, id: &str, name: &str, size: Option<u64>) -> PruneItem {
    PruneItem {
        kind,
        id: id.to_owned(),
        name: name.to_owned(),
        size,
        tags: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{ImageId, MountPoint, NetworkId, VolumeName};

    fn volume(name: &str, labels: &[(&str, &str)]) -> Volume {
        Volume {
            name: VolumeName::from(name),
            driver: "local".into(),
            mountpoint: String::new(),
            created: None,
            scope: Some("local".into()),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            size: None,
            ref_count: None,
        }
    }

    fn container(id: &str, state: ContainerState, volume: Option<&str>) -> Container {
        let json = serde_json::json!({
            "id": id, "name": id, "image": "busybox", "image_id": "sha256:used", "command": "",
            "created": 0, "state": state, "status": "", "health": null, "started_at": null,
            "finished_at": null, "exit_code": null, "restart_count": null, "ports": [],
            "mounts": [], "networks": ["busy-net"], "labels": {}, "compose": null, "pid": null,
            "cpu_limit": null, "memory_limit": null, "tty": false, "detailed": false,
        });
        let mut c: Container = match serde_json::from_value(json) {
            Ok(c) => c,
            Err(e) => panic!("container fixture: {e}"),
        };
        c.mounts = volume
            .map(|v| MountPoint {
                kind: "volume".into(),
                name: Some(v.into()),
                source: String::new(),
                destination: "/data".into(),
                read_write: true,
            })
            .into_iter()
            .collect();
        c
    }

    const HEX: &str = "540dbcb055e7a8698d64cfa9c62b88add52bae4fe3e6dc428668b08eb09dbcec";
    const HEX2: &str = "640dbcb055e7a8698d64cfa9c62b88add52bae4fe3e6dc428668b08eb09dbcec";

    #[test]
    fn anonymous_volumes_by_label_or_by_hex_name_below_1_42() {
        // Docker 20.10: no label, 64 hex digits.
        assert!(is_anonymous(&volume(HEX, &[]), false));
        assert!(!is_anonymous(&volume("pgdata", &[]), false));
        assert!(!is_anonymous(&volume(&HEX.to_uppercase(), &[]), false));
        assert!(!is_anonymous(&volume(&HEX[1..], &[]), false));
        // A hex-named volume with labels was made by someone on purpose.
        assert!(!is_anonymous(&volume(HEX, &[("app", "db")]), false));
        // API ≥ 1.42: only the label counts.
        assert!(is_anonymous(
            &volume("x", &[(ANONYMOUS_VOLUME_LABEL, "")]),
            true
        ));
        assert!(!is_anonymous(&volume(HEX, &[]), true));
    }

    #[test]
    fn volume_prune_keeps_named_and_used_volumes() {
        let volumes = [
            volume(HEX, &[]),
            volume(HEX2, &[]),
            volume("named-data", &[]),
        ];
        let containers = [container("c1", ContainerState::Exited, Some(HEX2))];
        let listing = Listing {
            containers: &containers,
            images: &[],
            networks: &[],
            volumes: &volumes,
            labels_anonymous: false,
        };
        let names =
            |t| -> Vec<String> { candidates(t, &listing).into_iter().map(|i| i.id).collect() };
        assert_eq!(names(PruneTarget::Volumes { all: false }), vec![HEX]);
        assert_eq!(
            names(PruneTarget::Volumes { all: true }),
            vec![HEX.to_owned(), "named-data".to_owned()]
        );
    }

    #[test]
    fn containers_images_and_networks() {
        let containers = [
            container("run", ContainerState::Running, None),
            container("paused", ContainerState::Paused, None),
            container("done", ContainerState::Exited, None),
            container("new", ContainerState::Created, None),
        ];
        let image = |id: &str, tags: &[&str]| Image {
            id: ImageId::from(id),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            digests: vec![],
            created: 0,
            size: 10,
            containers: None,
            labels: BTreeMap::new(),
        };
        let images = [
            image("sha256:used", &[]),
            image("sha256:dangling", &["<none>:<none>"]),
            image("sha256:tagged", &["app:1", "app:latest"]),
        ];
        let network = |name: &str, scope: &str| Network {
            id: NetworkId::from(format!("id-{name}")),
            name: name.into(),
            driver: "bridge".into(),
            scope: scope.into(),
            internal: false,
            attachable: false,
            subnets: vec![],
            created: None,
            labels: BTreeMap::new(),
            containers: None,
        };
        let networks = [
            network("bridge", "local"),
            network("busy-net", "local"),
            network("free", "local"),
            network("ingress", "swarm"),
        ];
        let listing = Listing {
            containers: &containers,
            images: &images,
            networks: &networks,
            volumes: &[],
            labels_anonymous: true,
        };
        let ids =
            |t| -> Vec<String> { candidates(t, &listing).into_iter().map(|i| i.id).collect() };
        assert_eq!(ids(PruneTarget::Containers), vec!["done", "new"]);
        assert_eq!(
            ids(PruneTarget::Images { all: false }),
            vec!["sha256:dangling"]
        );
        assert_eq!(
            ids(PruneTarget::Images { all: true }),
            vec!["sha256:tagged", "sha256:dangling"]
        );
        let tagged = candidates(PruneTarget::Images { all: true }, &listing);
        assert_eq!(tagged[0].tags, vec!["app:1", "app:latest"]);
        assert_eq!(tagged[0].size, Some(10));
        assert_eq!(ids(PruneTarget::Networks), vec!["id-free"]);
    }
}

//! Usage: which containers use which image, volume and network, from one snapshot. Both UIs
//! show these counts ("used by") and take them from here, so they cannot disagree.
//!
//! What "uses" means, for containers in any state (a stopped container still holds its image,
//! volumes and networks: the engine refuses to remove them while it exists):
//! - an image: the container's `image_id` is that image's id (the name the user typed is not
//!   compared: a tag can move to another image while the container keeps the old one);
//! - a volume: the container has a mount whose volume name is that volume's name;
//! - a network: the container is attached to a network of that name. The engine reports a
//!   container's attachments by network *name* (`NetworkSettings.Networks` is keyed by name),
//!   so the rule matches names and answers by [`NetworkId`]: every network in the snapshot is
//!   looked up by its own name. Two networks of one name (possible with swarm-scoped networks)
//!   both count the container, as the terminal UI always did.
//!
//! Users are listed in container-id order, each container once per object.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{Container, ContainerId, ImageId, Network, NetworkId, VolumeName};
use crate::store::Snapshot;

/// Which containers use which image, volume and network, from one snapshot. Serialized for the
/// desktop page as three maps (object → users); objects nobody uses are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Usage {
    images: BTreeMap<ImageId, Vec<ContainerId>>,
    volumes: BTreeMap<VolumeName, Vec<ContainerId>>,
    networks: BTreeMap<NetworkId, Vec<ContainerId>>,
}

impl Usage {
    /// Counts every container of `snapshot` against its images, volumes and networks.
    pub fn of(snapshot: &Snapshot) -> Usage {
        Usage::from_lists(
            snapshot.containers.values().map(|c| &**c),
            snapshot.networks.values().map(|n| &**n),
        )
    }

    /// [`Usage::of`] for lists fresh from the engine (a prune plan's listing). Containers must
    /// come in id order for the users to be listed in id order.
    pub fn from_lists<'a>(
        containers: impl IntoIterator<Item = &'a Container>,
        networks: impl IntoIterator<Item = &'a Network>,
    ) -> Usage {
        let mut images: BTreeMap<ImageId, Vec<ContainerId>> = BTreeMap::new();
        let mut volumes: BTreeMap<VolumeName, Vec<ContainerId>> = BTreeMap::new();
        let mut by_network_name: BTreeMap<&str, Vec<ContainerId>> = BTreeMap::new();
        for c in containers {
            if let Some(image) = &c.image_id {
                images.entry(image.clone()).or_default().push(c.id.clone());
            }
            // A container mounting one volume twice is one user of it.
            let mounted: BTreeSet<&str> =
                c.mounts.iter().filter_map(|m| m.name.as_deref()).collect();
            for name in mounted {
                volumes
                    .entry(VolumeName::new(name))
                    .or_default()
                    .push(c.id.clone());
            }
            let attached: BTreeSet<&str> = c.networks.iter().map(String::as_str).collect();
            for name in attached {
                by_network_name.entry(name).or_default().push(c.id.clone());
            }
        }
        let networks = networks
            .into_iter()
            .filter_map(|n| {
                by_network_name
                    .get(n.name.as_str())
                    .map(|users| (n.id.clone(), users.clone()))
            })
            .collect();
        Usage {
            images,
            volumes,
            networks,
        }
    }

    /// The containers whose image is `id`.
    pub fn image_users(&self, id: &ImageId) -> &[ContainerId] {
        self.images.get(id).map_or(&[], Vec::as_slice)
    }

    /// The containers that mount the volume `name`.
    pub fn volume_users(&self, name: &VolumeName) -> &[ContainerId] {
        self.volumes.get(name).map_or(&[], Vec::as_slice)
    }

    /// The containers attached to the network `id` (matched by its name, see the module note).
    pub fn network_users(&self, id: &NetworkId) -> &[ContainerId] {
        self.networks.get(id).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Container, ContainerState, MountPoint, Network};

    fn container(
        id: &str,
        state: ContainerState,
        image: &str,
        volumes: &[&str],
        networks: &[&str],
    ) -> Container {
        let json = serde_json::json!({
            "id": id, "name": id, "image": "busybox", "image_id": image, "command": "",
            "created": 0, "state": state, "status": "", "health": null, "started_at": null,
            "finished_at": null, "exit_code": null, "restart_count": null, "ports": [],
            "mounts": [], "networks": networks, "labels": {}, "compose": null, "pid": null,
            "cpu_limit": null, "memory_limit": null, "tty": false, "detailed": false,
        });
        let mut c: Container = match serde_json::from_value(json) {
            Ok(c) => c,
            Err(e) => panic!("container fixture: {e}"),
        };
        c.mounts = volumes
            .iter()
            .enumerate()
            .map(|(i, v)| MountPoint {
                kind: "volume".into(),
                name: Some((*v).into()),
                source: String::new(),
                destination: format!("/data{i}"),
                read_write: true,
            })
            .collect();
        c
    }

    fn network(id: &str, name: &str) -> Network {
        Network {
            id: NetworkId::new(id),
            name: name.into(),
            driver: "bridge".into(),
            scope: "local".into(),
            internal: false,
            attachable: false,
            subnets: vec![],
            created: None,
            labels: Default::default(),
            containers: None,
        }
    }

    fn snapshot(containers: Vec<Container>, networks: Vec<Network>) -> Snapshot {
        let mut s = Snapshot::empty("test".into());
        s.containers = Arc::new(
            containers
                .into_iter()
                .map(|c| (c.id.clone(), Arc::new(c)))
                .collect(),
        );
        s.networks = Arc::new(
            networks
                .into_iter()
                .map(|n| (n.id.clone(), Arc::new(n)))
                .collect(),
        );
        s
    }

    fn ids(users: &[ContainerId]) -> Vec<&str> {
        users.iter().map(ContainerId::as_str).collect()
    }

    #[test]
    fn counts_containers_in_every_state_in_id_order() {
        let snap = snapshot(
            vec![
                container(
                    "c2",
                    ContainerState::Exited,
                    "sha256:a",
                    &["data"],
                    &["web"],
                ),
                container(
                    "c1",
                    ContainerState::Running,
                    "sha256:a",
                    &["data", "logs"],
                    &["web", "bridge"],
                ),
                container("c3", ContainerState::Created, "sha256:b", &[], &[]),
            ],
            vec![
                network("n-web", "web"),
                network("n-bridge", "bridge"),
                network("n-idle", "idle"),
            ],
        );
        let usage = Usage::of(&snap);
        assert_eq!(
            ids(usage.image_users(&ImageId::new("sha256:a"))),
            ["c1", "c2"]
        );
        assert_eq!(ids(usage.image_users(&ImageId::new("sha256:b"))), ["c3"]);
        assert!(usage.image_users(&ImageId::new("sha256:unused")).is_empty());
        assert_eq!(
            ids(usage.volume_users(&VolumeName::new("data"))),
            ["c1", "c2"]
        );
        assert_eq!(ids(usage.volume_users(&VolumeName::new("logs"))), ["c1"]);
        assert_eq!(
            ids(usage.network_users(&NetworkId::new("n-web"))),
            ["c1", "c2"]
        );
        assert_eq!(
            ids(usage.network_users(&NetworkId::new("n-bridge"))),
            ["c1"]
        );
        assert!(usage.network_users(&NetworkId::new("n-idle")).is_empty());
        // A name that is not a network id answers nothing: networks are asked for by id.
        assert!(usage.network_users(&NetworkId::new("web")).is_empty());
    }

    #[test]
    fn a_volume_mounted_twice_is_one_user() {
        let snap = snapshot(
            vec![container(
                "c1",
                ContainerState::Running,
                "sha256:a",
                &["data", "data"],
                &[],
            )],
            vec![],
        );
        assert_eq!(
            ids(Usage::of(&snap).volume_users(&VolumeName::new("data"))),
            ["c1"]
        );
    }

    #[test]
    fn networks_of_one_name_both_count_the_container() {
        let snap = snapshot(
            vec![container(
                "c1",
                ContainerState::Running,
                "sha256:a",
                &[],
                &["shared"],
            )],
            vec![network("n1", "shared"), network("n2", "shared")],
        );
        let usage = Usage::of(&snap);
        assert_eq!(ids(usage.network_users(&NetworkId::new("n1"))), ["c1"]);
        assert_eq!(ids(usage.network_users(&NetworkId::new("n2"))), ["c1"]);
    }

    #[test]
    fn agrees_with_the_snapshot_image_query() {
        let snap = snapshot(
            vec![
                container("c1", ContainerState::Running, "sha256:a", &[], &[]),
                container("c2", ContainerState::Dead, "sha256:a", &[], &[]),
            ],
            vec![],
        );
        let id = ImageId::new("sha256:a");
        let from_snapshot: Vec<&str> = snap
            .containers_of_image(&id)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids(Usage::of(&snap).image_users(&id)), from_snapshot);
    }
}

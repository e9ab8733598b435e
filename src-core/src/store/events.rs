//! Engine event → what the store must refetch or remove.

use crate::model::{
    ConfigId, ContainerId, EngineEvent, EventKind, NetworkId, NodeId, SecretId, ServiceId,
    VolumeName,
};

/// The label a swarm task's container carries with its service's id.
const SERVICE_ID_LABEL: &str = "com.docker.swarm.service.id";

/// One change the store must make to stay true to the engine.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Delta {
    /// Inspect this container again (it was created or changed).
    Container(ContainerId),
    ContainerGone(ContainerId),
    /// Inspect this image again; the reference may be a name (`pull busybox:latest`).
    Image(String),
    ImageGone(String),
    Network(NetworkId),
    NetworkGone(NetworkId),
    Volume(VolumeName),
    VolumeGone(VolumeName),
    Node(NodeId),
    NodeGone(NodeId),
    Service(ServiceId),
    /// The service and its tasks are gone.
    ServiceGone(ServiceId),
    /// List this service's tasks again (tasks have no events of their own).
    Tasks(ServiceId),
    /// List every task again (a node changed: its tasks may move).
    AllTasks,
    Secret(SecretId),
    SecretGone(SecretId),
    Config(ConfigId),
    ConfigGone(ConfigId),
    /// The engine itself changed (daemon reload): refetch its info.
    Engine,
}

/// Container actions that change nothing the model shows.
const CONTAINER_NOISE: &[&str] = &[
    "exec_create",
    "exec_start",
    "exec_die",
    "exec_detach",
    "attach",
    "detach",
    "top",
    "resize",
    "archive-path",
    "extract-to-dir",
    "export",
    "copy",
    "commit",
];

/// What an event means for the model. Most events touch one object; network (dis)connects
/// touch a network and a container.
pub fn interpret(e: &EngineEvent) -> Vec<Delta> {
    let id = e.actor_id.clone();
    if id.is_empty() && e.kind != EventKind::Daemon {
        return Vec::new();
    }
    let verb = e.verb();
    match e.kind {
        EventKind::Container => {
            let mut out = match verb {
                "destroy" => vec![Delta::ContainerGone(ContainerId(id))],
                v if CONTAINER_NOISE.contains(&v) => return Vec::new(),
                _ => vec![Delta::Container(ContainerId(id))],
            };
            // A task's container started, died or went: its service's tasks changed state.
            if let Some(s) = e.attributes.get(SERVICE_ID_LABEL).filter(|s| !s.is_empty()) {
                out.push(Delta::Tasks(ServiceId(s.clone())));
            }
            out
        }
        EventKind::Service => match verb {
            "remove" => vec![Delta::ServiceGone(ServiceId(id))],
            _ => vec![
                Delta::Service(ServiceId(id.clone())),
                Delta::Tasks(ServiceId(id)),
            ],
        },
        EventKind::Node => match verb {
            "remove" => vec![Delta::NodeGone(NodeId(id)), Delta::AllTasks],
            _ => vec![Delta::Node(NodeId(id)), Delta::AllTasks],
        },
        EventKind::Secret => match verb {
            "remove" => vec![Delta::SecretGone(SecretId(id))],
            _ => vec![Delta::Secret(SecretId(id))],
        },
        EventKind::Config => match verb {
            "remove" => vec![Delta::ConfigGone(ConfigId(id))],
            _ => vec![Delta::Config(ConfigId(id))],
        },
        EventKind::Image => match verb {
            "delete" => vec![Delta::ImageGone(id)],
            "save" | "push" => Vec::new(),
            _ => vec![Delta::Image(id)],
        },
        EventKind::Network => {
            let mut out = match verb {
                "destroy" | "remove" => vec![Delta::NetworkGone(NetworkId(id))],
                _ => vec![Delta::Network(NetworkId(id))],
            };
            if matches!(verb, "connect" | "disconnect") {
                if let Some(c) = e.attributes.get("container") {
                    out.push(Delta::Container(ContainerId(c.clone())));
                }
            }
            out
        }
        EventKind::Volume => match verb {
            "destroy" => vec![Delta::VolumeGone(VolumeName(id))],
            "create" => vec![Delta::Volume(VolumeName(id))],
            // mount/unmount change nothing in the volume itself.
            _ => Vec::new(),
        },
        EventKind::Daemon => match verb {
            "reload" => vec![Delta::Engine],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ev(kind: EventKind, action: &str, id: &str, attrs: &[(&str, &str)]) -> EngineEvent {
        EngineEvent {
            kind,
            action: action.into(),
            actor_id: id.into(),
            attributes: attrs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            time_nano: 0,
        }
    }

    #[test]
    fn table() {
        use Delta as D;
        use EventKind as K;
        let c = |s: &str| ContainerId(s.into());
        let cases: Vec<(EngineEvent, Vec<Delta>)> = vec![
            (
                ev(K::Container, "create", "c1", &[]),
                vec![D::Container(c("c1"))],
            ),
            (
                ev(K::Container, "start", "c1", &[]),
                vec![D::Container(c("c1"))],
            ),
            (
                ev(K::Container, "die", "c1", &[]),
                vec![D::Container(c("c1"))],
            ),
            (
                ev(K::Container, "pause", "c1", &[]),
                vec![D::Container(c("c1"))],
            ),
            (
                ev(K::Container, "rename", "c1", &[]),
                vec![D::Container(c("c1"))],
            ),
            (
                ev(K::Container, "health_status: unhealthy", "c1", &[]),
                vec![D::Container(c("c1"))],
            ),
            (
                ev(K::Container, "destroy", "c1", &[]),
                vec![D::ContainerGone(c("c1"))],
            ),
            (ev(K::Container, "exec_start: sh -c ls", "c1", &[]), vec![]),
            (ev(K::Container, "exec_die", "c1", &[]), vec![]),
            (ev(K::Container, "top", "c1", &[]), vec![]),
            (
                ev(K::Image, "pull", "busybox:latest", &[]),
                vec![D::Image("busybox:latest".into())],
            ),
            (
                ev(K::Image, "untag", "sha256:1", &[]),
                vec![D::Image("sha256:1".into())],
            ),
            (
                ev(K::Image, "delete", "sha256:1", &[]),
                vec![D::ImageGone("sha256:1".into())],
            ),
            (ev(K::Image, "push", "x", &[]), vec![]),
            (
                ev(K::Network, "create", "n1", &[]),
                vec![D::Network(NetworkId("n1".into()))],
            ),
            (
                ev(K::Network, "connect", "n1", &[("container", "c9")]),
                vec![D::Network(NetworkId("n1".into())), D::Container(c("c9"))],
            ),
            (
                ev(K::Network, "destroy", "n1", &[]),
                vec![D::NetworkGone(NetworkId("n1".into()))],
            ),
            (
                ev(K::Volume, "create", "v", &[]),
                vec![D::Volume(VolumeName("v".into()))],
            ),
            (ev(K::Volume, "mount", "v", &[]), vec![]),
            (
                ev(K::Volume, "destroy", "v", &[]),
                vec![D::VolumeGone(VolumeName("v".into()))],
            ),
            (ev(K::Daemon, "reload", "", &[]), vec![D::Engine]),
            (ev(K::Plugin, "enable", "p", &[]), vec![]),
            (
                ev(K::Container, "start", "c1", &[(SERVICE_ID_LABEL, "s1")]),
                vec![D::Container(c("c1")), D::Tasks(ServiceId("s1".into()))],
            ),
            (
                ev(K::Service, "update", "s1", &[]),
                vec![
                    D::Service(ServiceId("s1".into())),
                    D::Tasks(ServiceId("s1".into())),
                ],
            ),
            (
                ev(K::Service, "remove", "s1", &[]),
                vec![D::ServiceGone(ServiceId("s1".into()))],
            ),
            (
                ev(K::Node, "update", "n1", &[]),
                vec![D::Node(NodeId("n1".into())), D::AllTasks],
            ),
            (
                ev(K::Secret, "create", "x", &[]),
                vec![D::Secret(SecretId("x".into()))],
            ),
            (
                ev(K::Secret, "remove", "x", &[]),
                vec![D::SecretGone(SecretId("x".into()))],
            ),
            (ev(K::Container, "start", "", &[]), vec![]),
        ];
        for (e, want) in cases {
            assert_eq!(interpret(&e), want, "{:?} {}", e.kind, e.action);
        }
    }
}

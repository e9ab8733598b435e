//! Swarm wire types → model: nodes, services, tasks, secrets. Objects without an id are
//! dropped; a secret's `Spec.Data` (which the engine never fills on reads anyway) is not read.

use bollard::models as m;

use super::labels;
use crate::model::{
    Node, NodeId, Secret, SecretId, Service, ServiceId, ServiceMode, Task, TaskId, STACK_LABEL,
};

fn version(v: Option<m::ObjectVersion>) -> u64 {
    v.and_then(|v| v.index).unwrap_or(0)
}

fn text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The CLI pins `image@sha256:…` into the spec; show the reference the user gave.
fn unpinned(image: &str) -> String {
    image.split_once('@').map_or(image, |(r, _)| r).to_owned()
}

/// Timestamps as the engine gives them; `0001-01-01…` means never.
fn time(t: Option<String>) -> Option<String> {
    t.filter(|t| !t.is_empty() && !t.starts_with("0001-"))
}

pub(crate) fn node(n: m::Node) -> Option<Node> {
    let spec = n.spec.unwrap_or_default();
    let desc = n.description.unwrap_or_default();
    let status = n.status.unwrap_or_default();
    let manager = n.manager_status;
    Some(Node {
        id: NodeId(n.id.filter(|i| !i.is_empty())?),
        hostname: desc.hostname.unwrap_or_default(),
        role: text(spec.role),
        availability: text(spec.availability),
        state: text(status.state),
        leader: manager.as_ref().and_then(|m| m.leader).unwrap_or(false),
        reachability: manager.and_then(|m| m.reachability).map(|r| r.to_string()),
        engine_version: desc
            .engine
            .and_then(|e| e.engine_version)
            .unwrap_or_default(),
        addr: status.addr.unwrap_or_default(),
        labels: labels(spec.labels),
        version: version(n.version),
    })
}

fn mode(m: Option<&m::ServiceSpecMode>) -> (ServiceMode, Option<u64>) {
    let Some(m) = m else {
        return (ServiceMode::Replicated, None);
    };
    if m.global.is_some() {
        (ServiceMode::Global, None)
    } else if m.global_job.is_some() {
        (ServiceMode::GlobalJob, None)
    } else if let Some(j) = &m.replicated_job {
        let n = j.total_completions.and_then(|n| u64::try_from(n).ok());
        (ServiceMode::ReplicatedJob, n)
    } else {
        let n = m
            .replicated
            .as_ref()
            .and_then(|r| r.replicas)
            .and_then(|n| u64::try_from(n).ok());
        (ServiceMode::Replicated, n)
    }
}

fn port(p: &m::EndpointPortConfig) -> Option<String> {
    let target = p.target_port?;
    let proto = p
        .protocol
        .map_or_else(|| "tcp".to_owned(), |p| p.to_string());
    Some(match p.published_port {
        Some(published) if published > 0 => format!("{published}:{target}/{proto}"),
        _ => format!("{target}/{proto}"),
    })
}

pub(crate) fn service(s: m::Service) -> Option<Service> {
    let spec = s.spec.unwrap_or_default();
    let labels = labels(spec.labels.clone());
    let (mode, replicas) = mode(spec.mode.as_ref());
    let image = spec
        .task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.image.as_deref())
        .map(unpinned)
        .unwrap_or_default();
    let ports = s
        .endpoint
        .and_then(|e| e.ports)
        .unwrap_or_default()
        .iter()
        .filter_map(port)
        .collect();
    let update = s.update_status;
    Some(Service {
        id: ServiceId(s.id.filter(|i| !i.is_empty())?),
        name: spec.name.unwrap_or_default(),
        mode,
        replicas,
        image,
        ports,
        update_state: update
            .as_ref()
            .and_then(|u| u.state)
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty()),
        update_message: update.and_then(|u| u.message).filter(|m| !m.is_empty()),
        stack: labels.get(STACK_LABEL).cloned(),
        labels,
        created: time(s.created_at),
        updated: time(s.updated_at),
        version: version(s.version),
    })
}

pub(crate) fn task(t: m::Task) -> Option<Task> {
    let status = t.status.unwrap_or_default();
    Some(Task {
        id: TaskId(t.id.filter(|i| !i.is_empty())?),
        service: ServiceId(t.service_id.unwrap_or_default()),
        slot: t
            .slot
            .and_then(|s| u64::try_from(s).ok())
            .filter(|s| *s > 0),
        node: t.node_id.filter(|n| !n.is_empty()).map(NodeId),
        state: text(status.state),
        desired_state: text(t.desired_state),
        message: status.message.unwrap_or_default(),
        error: status.err.filter(|e| !e.is_empty()),
        image: t
            .spec
            .and_then(|s| s.container_spec)
            .and_then(|c| c.image)
            .map(|i| unpinned(&i))
            .unwrap_or_default(),
        timestamp: time(status.timestamp),
        container: status
            .container_status
            .and_then(|c| c.container_id)
            .filter(|c| !c.is_empty()),
    })
}

pub(crate) fn secret(s: m::Secret) -> Option<Secret> {
    let spec = s.spec.unwrap_or_default();
    Some(Secret {
        id: SecretId(s.id.filter(|i| !i.is_empty())?),
        name: spec.name.unwrap_or_default(),
        driver: spec.driver.map(|d| d.name).filter(|n| !n.is_empty()),
        labels: labels(spec.labels),
        created: time(s.created_at),
        updated: time(s.updated_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_image_shows_its_reference() {
        assert_eq!(unpinned("busybox:1@sha256:abc"), "busybox:1");
        assert_eq!(unpinned("busybox"), "busybox");
    }

    #[test]
    fn services_from_wire_json() {
        let json = serde_json::json!({
            "ID": "s1", "Version": {"Index": 12},
            "Spec": {"Name": "web", "Labels": {"com.docker.stack.namespace": "shop"},
                     "Mode": {"Replicated": {"Replicas": 3}},
                     "TaskTemplate": {"ContainerSpec": {"Image": "nginx:1@sha256:00"}}},
            "Endpoint": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080}]},
            "UpdateStatus": {"State": "rollback_completed", "Message": "rollback done"}
        });
        let s: m::Service = serde_json::from_value(json).unwrap_or_default();
        let s = service(s).unwrap_or_else(|| panic!("no id"));
        assert_eq!(s.name, "web");
        assert_eq!((s.mode, s.replicas), (ServiceMode::Replicated, Some(3)));
        assert_eq!(s.image, "nginx:1");
        assert_eq!(s.ports, ["8080:80/tcp"]);
        assert_eq!(s.stack.as_deref(), Some("shop"));
        assert_eq!(s.update_state.as_deref(), Some("rollback_completed"));
        assert_eq!(s.version, 12);
        let g: m::Service = serde_json::from_value(serde_json::json!({
            "ID": "g", "Spec": {"Mode": {"Global": {}}}
        }))
        .unwrap_or_default();
        assert_eq!(service(g).map(|s| s.mode), Some(ServiceMode::Global));
    }
}

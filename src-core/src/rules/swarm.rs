//! Swarm rules both UIs show: a service's running/desired task count, its tasks in the order
//! `docker service ps` lists them (current first, then history), stacks grouped by their
//! label, and what a node or service row may do.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::model::{Service, ServiceId, ServiceMode, Task};
use crate::store::Snapshot;

/// What the UIs show when an engine is not a swarm manager.
pub const NOT_A_MANAGER: &str = "this engine is not a swarm manager";

/// Running and desired tasks of a service (`REPLICAS 2/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Replicas {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub running: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub desired: u64,
}

/// A task the orchestrator wants running.
fn wanted(t: &Task) -> bool {
    t.desired_state == "running"
}

/// Running/desired: running counts tasks wanted and running; desired is the replica count of
/// a replicated service, and the tasks wanted of a global one (one per eligible node).
pub fn replicas(snap: &Snapshot, s: &Service) -> Replicas {
    let tasks = || {
        snap.tasks
            .values()
            .filter(|t| t.service == s.id && wanted(t))
    };
    let running = tasks().filter(|t| t.state == "running").count() as u64;
    let desired = match s.mode {
        ServiceMode::Replicated | ServiceMode::ReplicatedJob => s.replicas.unwrap_or(0),
        ServiceMode::Global | ServiceMode::GlobalJob => tasks().count() as u64,
    };
    Replicas { running, desired }
}

/// A service's tasks: the wanted ones first by slot, then the history, newest first.
pub fn tasks_of<'a>(snap: &'a Snapshot, id: &ServiceId) -> Vec<&'a Arc<Task>> {
    let mut v: Vec<&Arc<Task>> = snap.tasks.values().filter(|t| &t.service == id).collect();
    v.sort_by(|a, b| {
        wanted(b)
            .cmp(&wanted(a))
            .then(a.slot.cmp(&b.slot))
            .then(b.timestamp.cmp(&a.timestamp))
    });
    v
}

/// Services by stack ([`crate::model::STACK_LABEL`]), stacks in name order.
pub fn stacks(snap: &Snapshot) -> BTreeMap<&str, Vec<&Arc<Service>>> {
    let mut out: BTreeMap<&str, Vec<&Arc<Service>>> = BTreeMap::new();
    for s in snap.services.values() {
        if let Some(stack) = s.stack.as_deref() {
            out.entry(stack).or_default().push(s);
        }
    }
    out
}

/// A task's name as the CLI shows it: `web.2` (replicated) or `web.<node>` (global).
pub fn task_name(snap: &Snapshot, t: &Task) -> String {
    let service = snap
        .services
        .get(&t.service)
        .map_or_else(|| t.service.short().to_owned(), |s| s.name.clone());
    match (t.slot, &t.node) {
        (Some(slot), _) => format!("{service}.{slot}"),
        (None, Some(node)) => format!("{service}.{}", node.short()),
        (None, None) => service,
    }
}

/// The hostname of a task's node, else its short id.
pub fn node_name(snap: &Snapshot, t: &Task) -> String {
    t.node.as_ref().map_or_else(String::new, |n| {
        snap.nodes
            .get(n)
            .map_or_else(|| n.short().to_owned(), |n| n.hostname.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeId, TaskId};

    fn task(id: &str, slot: u64, state: &str, desired: &str, ts: &str) -> Task {
        Task {
            id: TaskId::from(id),
            service: ServiceId::from("s"),
            slot: Some(slot),
            node: Some(NodeId::from("n")),
            state: state.into(),
            desired_state: desired.into(),
            message: String::new(),
            error: None,
            image: "i".into(),
            timestamp: Some(ts.into()),
            container: None,
        }
    }

    #[test]
    fn replicas_and_task_order() {
        let mut snap = Snapshot::empty("x".into());
        let svc = Service {
            id: ServiceId::from("s"),
            name: "web".into(),
            mode: ServiceMode::Replicated,
            replicas: Some(3),
            image: "i".into(),
            ports: vec![],
            update_state: None,
            update_message: None,
            stack: Some("shop".into()),
            labels: Default::default(),
            created: None,
            updated: None,
            version: 1,
        };
        let tasks = [
            task("old", 1, "shutdown", "shutdown", "2026-01-01T00:00:00Z"),
            task("a", 1, "running", "running", "2026-01-02T00:00:00Z"),
            task("b", 2, "running", "running", "2026-01-02T00:00:00Z"),
            task("c", 3, "preparing", "running", "2026-01-02T00:00:00Z"),
        ];
        snap.tasks = Arc::new(
            tasks
                .into_iter()
                .map(|t| (t.id.clone(), Arc::new(t)))
                .collect(),
        );
        snap.services = Arc::new([(svc.id.clone(), Arc::new(svc.clone()))].into());
        assert_eq!(
            replicas(&snap, &svc),
            Replicas {
                running: 2,
                desired: 3
            }
        );
        let order: Vec<&str> = tasks_of(&snap, &svc.id)
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(order, ["a", "b", "c", "old"]);
        assert_eq!(stacks(&snap).get("shop").map(Vec::len), Some(1));
        assert_eq!(task_name(&snap, &snap.tasks[&TaskId::from("b")]), "web.2");
    }
}

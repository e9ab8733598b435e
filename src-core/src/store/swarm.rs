//! The swarm part of the live model: listing a manager's nodes, services, tasks, secrets and
//! configs, refetching one after its event, and putting what was found into the working copy.
//!
//! Tasks have no events. A service's tasks are listed again after each of its events and each
//! event of one of its containers on this node (`com.docker.swarm.service.id`); every task
//! after a node event; and all of them every [`TASK_POLL`] while the manager has services,
//! for tasks on other nodes. A poll that finds nothing new publishes nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::events::Delta;
use super::snapshot::Snapshot;
use crate::engine::Engine;
use crate::error::Result;
use crate::model::{
    Config, ConfigId, Node, NodeId, Secret, SecretId, Service, ServiceId, Task, TaskId,
};

/// How often every task is listed again while the manager has services.
pub(super) const TASK_POLL: Duration = Duration::from_secs(5);

/// What a swarm refetch found (`None`: the object is gone).
pub(super) enum SwarmFetched {
    Node(NodeId, Option<Node>),
    Service(ServiceId, Option<Service>),
    Tasks(ServiceId, Vec<Task>),
    AllTasks(Vec<Task>),
    Secret(SecretId, Option<Secret>),
    Config(ConfigId, Option<Config>),
}

/// The refetch of a swarm delta; `None` for a delta that is not about the swarm.
pub(super) async fn fetch(engine: &Engine, d: &Delta) -> Option<Result<SwarmFetched>> {
    use super::refresh::gone_if_missing as gone;
    Some(match d {
        Delta::Node(id) => {
            gone(engine.inspect_node(id.as_str()).await).map(|n| SwarmFetched::Node(id.clone(), n))
        }
        Delta::NodeGone(id) => Ok(SwarmFetched::Node(id.clone(), None)),
        Delta::Service(id) => gone(engine.inspect_service(id.as_str()).await)
            .map(|s| SwarmFetched::Service(id.clone(), s)),
        Delta::ServiceGone(id) => Ok(SwarmFetched::Service(id.clone(), None)),
        Delta::Tasks(id) => engine
            .list_tasks(Some(id))
            .await
            .map(|t| SwarmFetched::Tasks(id.clone(), t)),
        Delta::AllTasks => engine.list_tasks(None).await.map(SwarmFetched::AllTasks),
        Delta::Secret(id) => gone(engine.inspect_secret(id.as_str()).await)
            .map(|s| SwarmFetched::Secret(id.clone(), s)),
        Delta::SecretGone(id) => Ok(SwarmFetched::Secret(id.clone(), None)),
        Delta::Config(id) => gone(engine.inspect_config(id.as_str()).await)
            .map(|c| SwarmFetched::Config(id.clone(), c)),
        Delta::ConfigGone(id) => Ok(SwarmFetched::Config(id.clone(), None)),
        _ => return None,
    })
}

fn put<K: Ord + Clone, V>(map: &mut Arc<BTreeMap<K, Arc<V>>>, key: K, value: Option<V>) {
    let map = Arc::make_mut(map);
    match value {
        Some(v) => {
            map.insert(key, Arc::new(v));
        }
        None => {
            map.remove(&key);
        }
    }
}

fn by_id(tasks: Vec<Task>) -> impl Iterator<Item = (TaskId, Arc<Task>)> {
    tasks.into_iter().map(|t| (t.id.clone(), Arc::new(t)))
}

/// Put a refetch into the snapshot. Returns whether anything changed.
pub(super) fn apply(cur: &mut Snapshot, f: SwarmFetched) -> bool {
    match f {
        SwarmFetched::Node(id, n) => put(&mut cur.nodes, id, n),
        SwarmFetched::Service(id, s) => {
            if s.is_none() {
                Arc::make_mut(&mut cur.tasks).retain(|_, t| t.service != id);
            }
            put(&mut cur.services, id, s);
        }
        SwarmFetched::Tasks(service, tasks) => {
            let same = {
                let old: Vec<&Arc<Task>> = cur
                    .tasks
                    .values()
                    .filter(|t| t.service == service)
                    .collect();
                old.len() == tasks.len()
                    && old
                        .iter()
                        .all(|o| tasks.iter().any(|t| t.id == o.id && ***o == *t))
            };
            if same {
                return false;
            }
            let map = Arc::make_mut(&mut cur.tasks);
            map.retain(|_, t| t.service != service);
            map.extend(by_id(tasks));
        }
        SwarmFetched::AllTasks(tasks) => {
            let new: BTreeMap<TaskId, Arc<Task>> = by_id(tasks).collect();
            if *cur.tasks == new {
                return false;
            }
            cur.tasks = Arc::new(new);
        }
        SwarmFetched::Secret(id, s) => put(&mut cur.secrets, id, s),
        SwarmFetched::Config(id, c) => put(&mut cur.configs, id, c),
    }
    true
}

/// A manager's whole swarm, listed together (after `/info` said it is a manager).
pub(super) async fn list(engine: &Engine, cur: &mut Snapshot) -> Result<()> {
    let (nodes, services, tasks, secrets, configs) = tokio::try_join!(
        engine.list_nodes(),
        engine.list_services(),
        engine.list_tasks(None),
        engine.list_secrets(),
        engine.list_configs(),
    )?;
    cur.nodes = Arc::new(
        nodes
            .into_iter()
            .map(|n| (n.id.clone(), Arc::new(n)))
            .collect(),
    );
    cur.services = Arc::new(
        services
            .into_iter()
            .map(|s| (s.id.clone(), Arc::new(s)))
            .collect(),
    );
    cur.tasks = Arc::new(by_id(tasks).collect());
    cur.secrets = Arc::new(
        secrets
            .into_iter()
            .map(|s| (s.id.clone(), Arc::new(s)))
            .collect(),
    );
    cur.configs = Arc::new(
        configs
            .into_iter()
            .map(|c| (c.id.clone(), Arc::new(c)))
            .collect(),
    );
    Ok(())
}

/// Not a manager (any more): no swarm lists.
pub(super) fn clear(cur: &mut Snapshot) {
    cur.nodes = Arc::default();
    cur.services = Arc::default();
    cur.tasks = Arc::default();
    cur.secrets = Arc::default();
    cur.configs = Arc::default();
}

//! Swarm: listing nodes, services, tasks and secrets on a manager, and changing them.
//!
//! Every change goes through [`Engine::mutate`] (read-only refusal, audit) with the object's
//! id as target; a secret's audit target is its name, never its value. Updates read the
//! object first and send its version back, so an update made from a stale picture is
//! refused by the engine rather than overwriting someone else's change. A [`SecretValue`]
//! prints, formats and serializes as a mask: it cannot reach a log, an audit line or an
//! export by accident.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use bollard::models as m;
use bollard::query_parameters as qp;
use serde::{Deserialize, Serialize};

use super::{convert, Engine};
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{Node, NodeId, Secret, SecretId, Service, ServiceId, ServiceMode, Task};

/// The largest secret the engine accepts (500 KB).
pub const SECRET_MAX_BYTES: usize = 500 * 1024;

/// What a [`SecretValue`] prints as.
pub const HIDDEN: &str = "(secret value hidden)";

/// A secret's value on its way to the engine. Its `Debug`, `Display` and `Serialize` write a
/// mask; only [`SecretValue::expose`] gives the bytes, and only the engine call uses it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(transparent)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(HIDDEN)
    }
}

impl Serialize for SecretValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(HIDDEN)
    }
}

/// Where a new secret's value comes from: typed text, or a file read by the core when the
/// command runs (the value never passes through a UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum SecretSource {
    Text { value: SecretValue },
    File { path: String },
}

/// A node's availability for new tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Active,
    Pause,
    Drain,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pause => "pause",
            Self::Drain => "drain",
        }
    }
}

/// A node's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NodeRole {
    Manager,
    Worker,
}

/// One change to a service's spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ServiceChange {
    Scale {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        replicas: u64,
    },
    Image {
        image: String,
    },
    /// Restart every task with the same spec (`docker service update --force`).
    Force,
    /// Go back to the spec before the last update (`docker service rollback`).
    Rollback,
}

impl ServiceChange {
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Scale { .. } => "scale",
            Self::Image { .. } => "update image",
            Self::Force => "force update",
            Self::Rollback => "rollback",
        }
    }
}

fn version_i64(v: Option<&m::ObjectVersion>, what: &str) -> Result<i64> {
    v.and_then(|v| v.index)
        .and_then(|i| i64::try_from(i).ok())
        .ok_or_else(|| CoreError::new(ErrorKind::Engine, format!("{what}: no version in answer")))
}

impl Engine {
    pub async fn list_nodes(&self) -> Result<Vec<Node>> {
        let list = self
            .ready()
            .await?
            .list_nodes(None::<qp::ListNodesOptions>)
            .await
            .map_err(|e| self.err("list nodes", e))?;
        Ok(list.into_iter().filter_map(convert::node).collect())
    }

    pub async fn inspect_node(&self, id: &str) -> Result<Node> {
        let n = self
            .ready()
            .await?
            .inspect_node(id)
            .await
            .map_err(|e| self.err(format_args!("inspect node {id}"), e))?;
        convert::node(n).ok_or_else(|| super::no_id("node", id))
    }

    pub async fn list_services(&self) -> Result<Vec<Service>> {
        let list = self
            .ready()
            .await?
            .list_services(None::<qp::ListServicesOptions>)
            .await
            .map_err(|e| self.err("list services", e))?;
        Ok(list.into_iter().filter_map(convert::service).collect())
    }

    pub async fn inspect_service(&self, id: &str) -> Result<Service> {
        convert::service(self.service_raw(id).await?).ok_or_else(|| super::no_id("service", id))
    }

    async fn service_raw(&self, id: &str) -> Result<m::Service> {
        self.ready()
            .await?
            .inspect_service(id, None::<qp::InspectServiceOptions>)
            .await
            .map_err(|e| self.err(format_args!("inspect service {id}"), e))
    }

    /// Tasks of one service, or of all when `service` is `None` (history included: the
    /// engine keeps a few finished tasks per slot).
    pub async fn list_tasks(&self, service: Option<&ServiceId>) -> Result<Vec<Task>> {
        let opts = service.map(|s| qp::ListTasksOptions {
            filters: Some(HashMap::from([(
                "service".to_owned(),
                vec![s.as_str().to_owned()],
            )])),
        });
        let list = self
            .ready()
            .await?
            .list_tasks(opts)
            .await
            .map_err(|e| self.err("list tasks", e))?;
        let mut tasks: Vec<Task> = list.into_iter().filter_map(convert::task).collect();
        // The engine filters by name prefix too: keep exactly this service's tasks.
        if let Some(s) = service {
            tasks.retain(|t| &t.service == s);
        }
        Ok(tasks)
    }

    pub async fn list_secrets(&self) -> Result<Vec<Secret>> {
        let list = self
            .ready()
            .await?
            .list_secrets(None::<qp::ListSecretsOptions>)
            .await
            .map_err(|e| self.err("list secrets", e))?;
        Ok(list.into_iter().filter_map(convert::secret).collect())
    }

    pub async fn inspect_secret(&self, id: &str) -> Result<Secret> {
        let s = self
            .ready()
            .await?
            .inspect_secret(id)
            .await
            .map_err(|e| self.err(format_args!("inspect secret {id}"), e))?;
        convert::secret(s).ok_or_else(|| super::no_id("secret", id))
    }

    // ---- changes ---------------------------------------------------------------------------

    /// Set a node's availability (drain, pause, activate).
    pub async fn set_node_availability(&self, id: &NodeId, to: Availability) -> Result<()> {
        let to = match to {
            Availability::Active => m::NodeSpecAvailabilityEnum::ACTIVE,
            Availability::Pause => m::NodeSpecAvailabilityEnum::PAUSE,
            Availability::Drain => m::NodeSpecAvailabilityEnum::DRAIN,
        };
        self.update_node_spec(id, "node.availability", |s| s.availability = Some(to))
            .await
    }

    /// Promote a worker or demote a manager.
    pub async fn set_node_role(&self, id: &NodeId, role: NodeRole) -> Result<()> {
        let role = match role {
            NodeRole::Manager => m::NodeSpecRoleEnum::MANAGER,
            NodeRole::Worker => m::NodeSpecRoleEnum::WORKER,
        };
        self.update_node_spec(id, "node.role", |s| s.role = Some(role))
            .await
    }

    async fn update_node_spec(
        &self,
        id: &NodeId,
        audit: &str,
        change: impl FnOnce(&mut m::NodeSpec),
    ) -> Result<()> {
        let id = id.as_str();
        self.mutate(audit, &[id], async {
            let docker = self.ready().await?;
            let node = docker
                .inspect_node(id)
                .await
                .map_err(|e| self.err(format_args!("inspect node {id}"), e))?;
            let version = version_i64(node.version.as_ref(), "inspect node")?;
            let mut spec = node.spec.unwrap_or_default();
            change(&mut spec);
            docker
                .update_node(id, spec, qp::UpdateNodeOptions { version })
                .await
                .map_err(|e| self.err(format_args!("update node {id}"), e))
        })
        .await
    }

    /// Change a service's spec: scale, a new image, a forced update or a rollback.
    pub async fn update_service(&self, id: &ServiceId, change: &ServiceChange) -> Result<()> {
        let id = id.as_str();
        let audit = format!("service.{}", change.verb().replace(' ', "_"));
        self.mutate(&audit, &[id], async {
            let current = self.service_raw(id).await?;
            let version = version_i64(current.version.as_ref(), "inspect service")?;
            let version = i32::try_from(version).map_err(|_| {
                CoreError::new(
                    ErrorKind::Engine,
                    format!("service {id}: version too large"),
                )
            })?;
            let mut spec = current.spec.unwrap_or_default();
            let mut opts = qp::UpdateServiceOptions {
                version,
                ..Default::default()
            };
            apply_change(&mut spec, change, id)?;
            if matches!(change, ServiceChange::Rollback) {
                opts.rollback = Some("previous".to_owned());
            }
            self.ready()
                .await?
                .update_service(id, spec, opts, None)
                .await
                .map_err(|e| self.err(format_args!("{} service {id}", change.verb()), e))
                .map(drop)
        })
        .await
    }

    pub async fn remove_service(&self, id: &ServiceId) -> Result<()> {
        let id = id.as_str();
        self.mutate("service.remove", &[id], async {
            self.ready()
                .await?
                .delete_service(id)
                .await
                .map_err(|e| self.err(format_args!("remove service {id}"), e))
        })
        .await
    }

    /// Create secret `name` from `source`; returns its id. Audited by name only.
    pub async fn create_secret(&self, name: &str, source: &SecretSource) -> Result<SecretId> {
        self.mutate("secret.create", &[name], async {
            let value = read_source(source).await?;
            let spec = m::SecretSpec {
                name: Some(name.to_owned()),
                data: Some(base64::engine::general_purpose::STANDARD.encode(&value)),
                ..Default::default()
            };
            let r = self
                .ready()
                .await?
                .create_secret(spec)
                .await
                .map_err(|e| self.err(format_args!("create secret {name}"), e))?;
            Ok(SecretId(r.id))
        })
        .await
    }

    pub async fn remove_secret(&self, id: &SecretId) -> Result<()> {
        let id = id.as_str();
        self.mutate("secret.remove", &[id], async {
            self.ready()
                .await?
                .delete_secret(id)
                .await
                .map_err(|e| self.err(format_args!("remove secret {id}"), e))
        })
        .await
    }
}

/// Change `spec` as `change` says; refuses what the service's mode does not allow.
fn apply_change(spec: &mut m::ServiceSpec, change: &ServiceChange, id: &str) -> Result<()> {
    match change {
        ServiceChange::Scale { replicas } => {
            let replicated = spec.mode.as_mut().and_then(|m| m.replicated.as_mut());
            let Some(r) = replicated else {
                let name = spec.name.as_deref().unwrap_or(id);
                return Err(CoreError::invalid_input(format!(
                    "service {name} is not replicated: only replicated services can be scaled"
                )));
            };
            r.replicas = Some(i64::try_from(*replicas).map_err(|_| {
                CoreError::invalid_input(format!("{replicas} replicas is too many"))
            })?);
        }
        ServiceChange::Image { image } => {
            let c = spec
                .task_template
                .get_or_insert_with(Default::default)
                .container_spec
                .get_or_insert_with(Default::default);
            c.image = Some(image.trim().to_owned());
        }
        ServiceChange::Force => {
            let t = spec.task_template.get_or_insert_with(Default::default);
            t.force_update = Some(t.force_update.unwrap_or(0).wrapping_add(1));
        }
        ServiceChange::Rollback => {}
    }
    Ok(())
}

/// The secret's bytes: the text, or the file's content (bounded; a missing or unreadable
/// file is an input error naming the path).
async fn read_source(source: &SecretSource) -> Result<Vec<u8>> {
    let bytes = match source {
        SecretSource::Text { value } => value.expose().as_bytes().to_vec(),
        SecretSource::File { path } => {
            let meta = tokio::fs::metadata(path).await.map_err(|e| {
                CoreError::invalid_input(format!("cannot read the secret file {path}: {e}"))
            })?;
            if meta.len() > SECRET_MAX_BYTES as u64 {
                return Err(too_big(meta.len()));
            }
            tokio::fs::read(path).await.map_err(|e| {
                CoreError::invalid_input(format!("cannot read the secret file {path}: {e}"))
            })?
        }
    };
    if bytes.is_empty() {
        return Err(CoreError::invalid_input("the secret is empty"));
    }
    if bytes.len() > SECRET_MAX_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_big(len: u64) -> CoreError {
    CoreError::invalid_input(format!(
        "the secret is {len} bytes; the engine takes at most {SECRET_MAX_BYTES}"
    ))
}

/// Whether `mode` can be scaled (a rule both UIs show as an enabled key or button).
pub fn can_scale(mode: ServiceMode) -> bool {
    mode == ServiceMode::Replicated
}

//! Swarm commands: what a user can do to nodes, services, stacks, secrets and configs, as data.
//!
//! [`SwarmOp`] is carried by `Command::Swarm`, so it is confirmed, refused in read-only mode
//! and audited like every other command. Ops act on ids; the names they carry are what the
//! confirmation showed. A stack is removed as the exact services the user was shown.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::engine::{Availability, ConfigSource, Engine, NodeRole, SecretSource, ServiceChange};
use crate::error::{CoreError, Result};
use crate::model::{short_id, ConfigId, NodeId, SecretId, ServiceId};
use crate::spec;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SwarmOp {
    /// Drain, pause or activate a node.
    NodeAvailability {
        id: NodeId,
        name: String,
        availability: Availability,
    },
    /// Promote or demote a node.
    NodeRole {
        id: NodeId,
        name: String,
        role: NodeRole,
    },
    UpdateService {
        id: ServiceId,
        name: String,
        change: ServiceChange,
    },
    RemoveService {
        id: ServiceId,
        name: String,
    },
    /// Remove the services of stack `stack` the user was shown.
    RemoveStack {
        stack: String,
        services: Vec<ServiceId>,
    },
    CreateSecret {
        name: String,
        source: SecretSource,
    },
    RemoveSecret {
        id: SecretId,
        name: String,
    },
    CreateConfig {
        name: String,
        source: ConfigSource,
    },
    RemoveConfig {
        id: ConfigId,
        name: String,
    },
}

/// What a swarm op produced: the new secret's id, or nothing.
pub(super) enum Done {
    Nothing,
    Created(String),
}

impl SwarmOp {
    /// Ops that stop or move running tasks, or remove something, are confirmed first.
    pub fn is_destructive(&self) -> bool {
        match self {
            SwarmOp::NodeAvailability { availability, .. } => *availability == Availability::Drain,
            SwarmOp::NodeRole { role, .. } => *role == NodeRole::Worker,
            SwarmOp::UpdateService { change, .. } => !matches!(change, ServiceChange::Scale { .. }),
            SwarmOp::RemoveService { .. }
            | SwarmOp::RemoveStack { .. }
            | SwarmOp::RemoveSecret { .. }
            | SwarmOp::RemoveConfig { .. } => true,
            SwarmOp::CreateSecret { .. } | SwarmOp::CreateConfig { .. } => false,
        }
    }

    pub fn verb(&self) -> &'static str {
        match self {
            SwarmOp::NodeAvailability { availability, .. } => match availability {
                Availability::Active => "activate node",
                Availability::Pause => "pause node",
                Availability::Drain => "drain node",
            },
            SwarmOp::NodeRole { role, .. } => match role {
                NodeRole::Manager => "promote node",
                NodeRole::Worker => "demote node",
            },
            SwarmOp::UpdateService { change, .. } => match change {
                ServiceChange::Scale { .. } => "scale service",
                ServiceChange::Image { .. } => "update service image",
                ServiceChange::Force => "force update service",
                ServiceChange::Rollback => "rollback service",
            },
            SwarmOp::RemoveService { .. } => "remove service",
            SwarmOp::RemoveStack { .. } => "remove stack",
            SwarmOp::CreateSecret { .. } => "create secret",
            SwarmOp::RemoveSecret { .. } => "remove secret",
            SwarmOp::CreateConfig { .. } => "create config",
            SwarmOp::RemoveConfig { .. } => "remove config",
        }
    }

    /// Ids acted on (a new secret's name): never a secret's value or a file's content.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            SwarmOp::NodeAvailability { id, .. } | SwarmOp::NodeRole { id, .. } => {
                vec![id.as_str()]
            }
            SwarmOp::UpdateService { id, .. } | SwarmOp::RemoveService { id, .. } => {
                vec![id.as_str()]
            }
            SwarmOp::RemoveStack { services, .. } => services.iter().map(|s| s.as_str()).collect(),
            SwarmOp::CreateSecret { name, .. } => vec![name],
            SwarmOp::RemoveSecret { id, .. } => vec![id.as_str()],
            SwarmOp::CreateConfig { name, .. } => vec![name],
            SwarmOp::RemoveConfig { id, .. } => vec![id.as_str()],
        }
    }

    pub fn validate(&self) -> Result<()> {
        match self {
            SwarmOp::UpdateService {
                change: ServiceChange::Image { image },
                ..
            } => spec::parse_image_ref(image).map(drop),
            SwarmOp::RemoveStack { stack, services } if services.is_empty() => Err(
                CoreError::invalid_input(format!("stack {stack} has no service to remove")),
            ),
            SwarmOp::CreateSecret { name, source } => {
                spec::validate_name("secret", name)?;
                match source {
                    SecretSource::Text { value } if value.expose().is_empty() => {
                        Err(CoreError::invalid_input("the secret is empty"))
                    }
                    SecretSource::File { path } if path.trim().is_empty() => {
                        Err(CoreError::invalid_input("no file named for the secret"))
                    }
                    _ => Ok(()),
                }
            }
            SwarmOp::CreateConfig { name, source } => {
                spec::validate_name("config", name)?;
                match source {
                    ConfigSource::Text { value } if value.is_empty() => {
                        Err(CoreError::invalid_input("the config is empty"))
                    }
                    ConfigSource::File { path } if path.trim().is_empty() => {
                        Err(CoreError::invalid_input("no file named for the config"))
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    pub(super) async fn execute(&self, engine: &Engine) -> Result<Done> {
        let nothing = |r: Result<()>| r.map(|()| Done::Nothing);
        match self {
            SwarmOp::NodeAvailability {
                id, availability, ..
            } => nothing(engine.set_node_availability(id, *availability).await),
            SwarmOp::NodeRole { id, role, .. } => nothing(engine.set_node_role(id, *role).await),
            SwarmOp::UpdateService { id, change, .. } => {
                nothing(engine.update_service(id, change).await)
            }
            SwarmOp::RemoveService { id, .. } => nothing(engine.remove_service(id).await),
            SwarmOp::RemoveStack { services, .. } => {
                // Every service is tried; the first error is reported after the rest went.
                let mut first_err = None;
                for s in services {
                    if let Err(e) = engine.remove_service(s).await {
                        first_err.get_or_insert(e);
                    }
                }
                first_err.map_or(Ok(Done::Nothing), Err)
            }
            SwarmOp::CreateSecret { name, source } => engine
                .create_secret(name.trim(), source)
                .await
                .map(|id| Done::Created(id.0)),
            SwarmOp::RemoveSecret { id, .. } => nothing(engine.remove_secret(id).await),
            SwarmOp::CreateConfig { name, source } => engine
                .create_config(name.trim(), source)
                .await
                .map(|id| Done::Created(id.0)),
            SwarmOp::RemoveConfig { id, .. } => nothing(engine.remove_config(id).await),
        }
    }
}

impl fmt::Display for SwarmOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SwarmOp::NodeAvailability { name, .. }
            | SwarmOp::NodeRole { name, .. }
            | SwarmOp::RemoveService { name, .. }
            | SwarmOp::CreateSecret { name, .. }
            | SwarmOp::RemoveSecret { name, .. }
            | SwarmOp::CreateConfig { name, .. }
            | SwarmOp::RemoveConfig { name, .. } => write!(f, "{} {name}", self.verb()),
            SwarmOp::UpdateService { name, change, .. } => match change {
                ServiceChange::Scale { replicas } => write!(f, "scale {name} to {replicas}"),
                ServiceChange::Image { image } => {
                    write!(f, "update {name} to image {}", image.trim())
                }
                ServiceChange::Force | ServiceChange::Rollback => {
                    write!(f, "{} {name}", self.verb())
                }
            },
            SwarmOp::RemoveStack { stack, services } => {
                write!(f, "remove stack {stack} (")?;
                for (i, s) in services.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(short_id(s.as_str()))?;
                }
                f.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SecretValue;

    #[test]
    fn a_secret_value_never_prints() {
        let op = SwarmOp::CreateSecret {
            name: "db".into(),
            source: SecretSource::Text {
                value: SecretValue::new("hunter2-value"),
            },
        };
        let all = format!(
            "{op} {op:?} {} {:?}",
            serde_json::to_string(&op).unwrap_or_default(),
            op.targets()
        );
        assert!(!all.contains("hunter2"), "{all}");
        assert!(all.contains("db"));
        // The page sends the value as text; it still arrives.
        let back: SwarmOp = serde_json::from_str(
            r#"{"op":"create_secret","name":"db","source":{"from":"text","value":"v1"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let SwarmOp::CreateSecret {
            source: SecretSource::Text { value },
            ..
        } = back
        else {
            panic!("wrong op")
        };
        assert_eq!(value.expose(), "v1");
    }

    #[test]
    fn destructive_and_bad_input() {
        let id = ServiceId::from("s1");
        let op = |change| SwarmOp::UpdateService {
            id: id.clone(),
            name: "web".into(),
            change,
        };
        assert!(!op(ServiceChange::Scale { replicas: 3 }).is_destructive());
        assert!(op(ServiceChange::Rollback).is_destructive());
        assert!(op(ServiceChange::Image {
            image: "bad image".into()
        })
        .validate()
        .is_err());
        let empty = SwarmOp::CreateSecret {
            name: "x".into(),
            source: SecretSource::Text {
                value: SecretValue::new(""),
            },
        };
        assert!(empty.validate().is_err());
        let stack = SwarmOp::RemoveStack {
            stack: "shop".into(),
            services: vec![],
        };
        assert!(stack.validate().is_err());
    }
}

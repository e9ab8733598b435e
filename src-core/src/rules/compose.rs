//! Compose projects as both UIs show them, from the labels compose puts on containers: the
//! project's working directory and config files, its services with their containers and
//! states, and running/total counts. Everything is read from the live snapshot; the values
//! come from labels (anyone can set them), so they are made inert by the caller's display
//! path like every other label (`rules::inert`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::{Container, ContainerId, ContainerState, COMPOSE_PROJECT_LABEL};
use crate::store::Snapshot;

/// `com.docker.compose.project.working_dir`: where compose ran (v1 and v2).
pub const COMPOSE_WORKING_DIR_LABEL: &str = "com.docker.compose.project.working_dir";
/// `com.docker.compose.project.config_files`: comma-separated; v2 writes absolute paths, v1
/// (1.29) paths relative to the working dir.
pub const COMPOSE_CONFIG_FILES_LABEL: &str = "com.docker.compose.project.config_files";

/// One compose project of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComposeProject {
    pub name: String,
    /// From the first container (by name) that carries the label.
    pub working_dir: Option<String>,
    /// Absolute when the working dir is known (v1's relative paths are joined to it).
    pub config_files: Vec<String>,
    /// By service name; containers without a service label are under `""`.
    pub services: Vec<ComposeService>,
    pub running: usize,
    pub total: usize,
}

/// A service of a project and its containers (sorted by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComposeService {
    pub name: String,
    pub containers: Vec<ProjectContainer>,
}

/// A container as a project lists it: what a confirmation names and a command acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectContainer {
    pub id: ContainerId,
    pub name: String,
    pub state: ContainerState,
}

impl ComposeProject {
    /// Every container of the project, service by service.
    pub fn containers(&self) -> impl Iterator<Item = &ProjectContainer> {
        self.services.iter().flat_map(|s| s.containers.iter())
    }

    /// `running`, `stopped` or `partly running`.
    pub fn state_word(&self) -> &'static str {
        if self.total > 0 && self.running == self.total {
            "running"
        } else if self.running == 0 {
            "stopped"
        } else {
            "partly running"
        }
    }

    /// What `down` does, one line per object, for both UIs' confirmations.
    pub fn down_confirmation(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .containers()
            .map(|c| format!("remove container {} ({})", c.name, c.state.as_str()))
            .collect();
        lines.push(format!(
            "remove the networks of project {} (compose's {}_default and the others it made)",
            self.name, self.name
        ));
        lines
    }
}

/// All projects of the snapshot, by name.
pub fn projects(snap: &Snapshot) -> Vec<ComposeProject> {
    group(snap.containers.values().map(|c| c.as_ref()))
}

/// The project `name`, if any container of the snapshot carries it.
pub fn project(snap: &Snapshot, name: &str) -> Option<ComposeProject> {
    group(
        snap.containers
            .values()
            .map(|c| c.as_ref())
            .filter(|c| c.project() == Some(name)),
    )
    .into_iter()
    .next()
}

/// Group containers by project label (the model's `compose`).
pub fn group<'a>(containers: impl Iterator<Item = &'a Container>) -> Vec<ComposeProject> {
    let mut by_project: BTreeMap<&str, Vec<&Container>> = BTreeMap::new();
    for c in containers {
        if let Some(p) = c.project() {
            by_project.entry(p).or_default().push(c);
        }
    }
    by_project
        .into_iter()
        .map(|(name, mut cs)| {
            cs.sort_by(|a, b| a.name.cmp(&b.name));
            let label = |key: &str| cs.iter().find_map(|c| c.labels.get(key).cloned());
            let working_dir = label(COMPOSE_WORKING_DIR_LABEL);
            let config_files = label(COMPOSE_CONFIG_FILES_LABEL)
                .map(|s| config_files(&s, working_dir.as_deref()))
                .unwrap_or_default();
            let mut services: BTreeMap<&str, Vec<ProjectContainer>> = BTreeMap::new();
            for c in &cs {
                let service = c
                    .compose
                    .as_ref()
                    .and_then(|r| r.service.as_deref())
                    .unwrap_or("");
                services.entry(service).or_default().push(ProjectContainer {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    state: c.state,
                });
            }
            ComposeProject {
                name: name.to_owned(),
                working_dir,
                config_files,
                services: services
                    .into_iter()
                    .map(|(name, containers)| ComposeService {
                        name: name.to_owned(),
                        containers,
                    })
                    .collect(),
                running: cs
                    .iter()
                    .filter(|c| c.state == ContainerState::Running)
                    .count(),
                total: cs.len(),
            }
        })
        .collect()
}

/// The label's comma-separated files, relative ones joined to the working dir.
fn config_files(label: &str, working_dir: Option<&str>) -> Vec<String> {
    label
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| match working_dir {
            Some(dir) if Path::new(f).is_relative() => {
                PathBuf::from(dir).join(f).to_string_lossy().into_owned()
            }
            _ => f.to_owned(),
        })
        .collect()
}

/// The label a container filter uses to show one project's containers.
pub fn project_filter(name: &str) -> String {
    format!("{COMPOSE_PROJECT_LABEL}={name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(name: &str, project: &str, service: &str, running: bool) -> Container {
        let labels = serde_json::json!({
            "com.docker.compose.project": project,
            "com.docker.compose.service": service,
            "com.docker.compose.project.working_dir": "/srv/shop",
            "com.docker.compose.project.config_files": "docker-compose.yml,/etc/extra.yml",
        });
        serde_json::from_value(serde_json::json!({
            "id": format!("id-{name}"), "name": name, "image": "busybox", "image_id": null,
            "command": "", "created": 0, "state": if running { "running" } else { "exited" },
            "status": "", "health": null, "started_at": null, "finished_at": null,
            "exit_code": null, "restart_count": null, "ports": [], "mounts": [], "networks": [],
            "labels": labels,
            "compose": {"project": project, "service": service}, "pid": null,
            "cpu_limit": null, "memory_limit": null, "tty": false, "detailed": false
        }))
        .unwrap_or_else(|e| panic!("fixture: {e}"))
    }

    #[test]
    fn groups_services_counts_and_joins_relative_config_files() {
        let cs = [
            container("shop-web-2", "shop", "web", false),
            container("shop-web-1", "shop", "web", true),
            container("shop-db-1", "shop", "db", true),
            container("other-a-1", "other", "a", false),
        ];
        let ps = group(cs.iter());
        assert_eq!(ps.len(), 2);
        let shop = &ps[1];
        assert_eq!(shop.name, "shop");
        assert_eq!(shop.working_dir.as_deref(), Some("/srv/shop"));
        assert_eq!(
            shop.config_files,
            ["/srv/shop/docker-compose.yml", "/etc/extra.yml"]
        );
        assert_eq!((shop.running, shop.total), (2, 3));
        assert_eq!(shop.state_word(), "partly running");
        let names: Vec<_> = shop.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["db", "web"]);
        let web: Vec<_> = shop.services[1]
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(web, ["shop-web-1", "shop-web-2"]);
        assert_eq!(ps[0].state_word(), "stopped");
        let down = shop.down_confirmation();
        assert_eq!(down.len(), 4);
        assert!(down[0].contains("shop-db-1"), "{down:?}");
        assert!(down[3].contains("networks"), "{down:?}");
    }
}

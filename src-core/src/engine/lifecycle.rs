//! The engine calls that change something: container lifecycle, removals, creating and
//! removing networks and volumes, pruning build cache. Every method goes through
//! [`Engine::mutate`], which refuses it in read-only mode and writes the audit line.

use std::collections::HashMap;

use bollard::query_parameters as qp;

use super::{convert, non_negative, Engine};
use crate::error::Result;
use crate::model::Volume;

impl Engine {
    pub async fn start(&self, id: &str) -> Result<()> {
        self.mutate("container.start", &[id], async {
            self.ready()
                .await?
                .start_container(id, None::<qp::StartContainerOptions>)
                .await
                .map_err(|e| self.err(format_args!("start {id}"), e))
        })
        .await
    }

    /// Stop with SIGTERM, then SIGKILL after `timeout_secs` (engine default when `None`).
    pub async fn stop(&self, id: &str, timeout_secs: Option<i32>) -> Result<()> {
        let opts = qp::StopContainerOptions {
            t: timeout_secs,
            signal: None,
        };
        self.mutate("container.stop", &[id], async {
            self.ready()
                .await?
                .stop_container(id, Some(opts))
                .await
                .map_err(|e| self.err(format_args!("stop {id}"), e))
        })
        .await
    }

    pub async fn restart(&self, id: &str, timeout_secs: Option<i32>) -> Result<()> {
        let opts = qp::RestartContainerOptions {
            t: timeout_secs,
            signal: None,
        };
        self.mutate("container.restart", &[id], async {
            self.ready()
                .await?
                .restart_container(id, Some(opts))
                .await
                .map_err(|e| self.err(format_args!("restart {id}"), e))
        })
        .await
    }

    pub async fn pause(&self, id: &str) -> Result<()> {
        self.mutate("container.pause", &[id], async {
            self.ready()
                .await?
                .pause_container(id)
                .await
                .map_err(|e| self.err(format_args!("pause {id}"), e))
        })
        .await
    }

    pub async fn unpause(&self, id: &str) -> Result<()> {
        self.mutate("container.unpause", &[id], async {
            self.ready()
                .await?
                .unpause_container(id)
                .await
                .map_err(|e| self.err(format_args!("unpause {id}"), e))
        })
        .await
    }

    pub async fn kill(&self, id: &str, signal: &str) -> Result<()> {
        let opts = qp::KillContainerOptions {
            signal: signal.to_owned(),
        };
        self.mutate("container.kill", &[id, signal], async {
            self.ready()
                .await?
                .kill_container(id, Some(opts))
                .await
                .map_err(|e| self.err(format_args!("kill {id}"), e))
        })
        .await
    }

    pub async fn remove(&self, id: &str, force: bool, volumes: bool) -> Result<()> {
        let opts = qp::RemoveContainerOptions {
            force,
            v: volumes,
            link: false,
        };
        let call = if force {
            "container.remove_forced"
        } else {
            "container.remove"
        };
        self.mutate(call, &[id], async {
            self.ready()
                .await?
                .remove_container(id, Some(opts))
                .await
                .map_err(|e| self.err(format_args!("remove {id}"), e))
        })
        .await
    }

    pub async fn rename(&self, id: &str, new_name: &str) -> Result<()> {
        let opts = qp::RenameContainerOptions {
            name: new_name.to_owned(),
        };
        self.mutate("container.rename", &[id, new_name], async {
            self.ready()
                .await?
                .rename_container(id, opts)
                .await
                .map_err(|e| self.err(format_args!("rename {id} to {new_name}"), e))
        })
        .await
    }

    /// Remove an image or one of its tags (`repo:tag` untags only, unless it is the last
    /// name). Untagged parents are pruned, as `docker rmi` does.
    pub async fn remove_image(&self, id: &str, force: bool) -> Result<()> {
        // One implementation with the no-prune choice (engine/images.rs).
        self.remove_image_with(id, force, false).await
    }

    pub async fn create_network(
        &self,
        name: &str,
        driver: Option<&str>,
        internal: bool,
        labels: HashMap<String, String>,
    ) -> Result<String> {
        let req = bollard::models::NetworkCreateRequest {
            name: name.to_owned(),
            driver: driver.map(str::to_owned),
            internal: Some(internal),
            labels: Some(labels),
            ..Default::default()
        };
        self.send_network_create(req).await
    }

    /// Create the network `req` describes (one audited call); returns its id.
    pub(super) async fn send_network_create(
        &self,
        req: bollard::models::NetworkCreateRequest,
    ) -> Result<String> {
        let name = req.name.clone();
        let name = name.as_str();
        self.mutate("network.create", &[name], async {
            let r = self
                .ready()
                .await?
                .create_network(req)
                .await
                .map_err(|e| self.err(format_args!("create network {name}"), e))?;
            Ok(r.id)
        })
        .await
    }

    pub async fn remove_network(&self, id: &str) -> Result<()> {
        self.mutate("network.remove", &[id], async {
            self.ready()
                .await?
                .remove_network(id)
                .await
                .map_err(|e| self.err(format_args!("remove network {id}"), e))
        })
        .await
    }

    pub async fn create_volume(
        &self,
        name: &str,
        driver: Option<&str>,
        labels: HashMap<String, String>,
    ) -> Result<Volume> {
        let req = bollard::models::VolumeCreateRequest {
            name: Some(name.to_owned()),
            driver: driver.map(str::to_owned),
            labels: Some(labels),
            ..Default::default()
        };
        self.mutate("volume.create", &[name], async {
            let v = self
                .ready()
                .await?
                .create_volume(req)
                .await
                .map_err(|e| self.err(format_args!("create volume {name}"), e))?;
            Ok(convert::volume(v))
        })
        .await
    }

    pub async fn remove_volume(&self, name: &str, force: bool) -> Result<()> {
        let opts = qp::RemoveVolumeOptions { force };
        let call = if force {
            "volume.remove_forced"
        } else {
            "volume.remove"
        };
        self.mutate(call, &[name], async {
            self.ready()
                .await?
                .remove_volume(name, Some(opts))
                .await
                .map_err(|e| self.err(format_args!("remove volume {name}"), e))
        })
        .await
    }

    /// Remove all unused build cache; returns the bytes reclaimed.
    ///
    /// The only prune endpoint Wharf calls: build cache holds no user data (it is rebuilt on
    /// demand), and engines below API 1.52 list its records in a `/system/df` shape the
    /// generated client cannot read, so it cannot be planned record by record.
    pub async fn prune_build_cache(&self) -> Result<u64> {
        self.mutate("build_cache.prune", &[], async {
            let r = self
                .ready()
                .await?
                .prune_build(None::<qp::PruneBuildOptions>)
                .await
                .map_err(|e| self.err("prune build cache", e))?;
            Ok(non_negative(r.space_reclaimed))
        })
        .await
    }
}

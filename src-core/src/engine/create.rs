//! Making a container from a [`RunPlan`]: the plan → the engine's create body (what `docker
//! run` sends), the create call through [`Engine::mutate`], and the further networks connected
//! after it (the create call takes one network's settings on API 1.41).

use std::collections::HashMap;

use bollard::models as m;
use bollard::query_parameters as qp;

use super::Engine;
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::ContainerId;
use crate::spec::run::{HealthSpec, MountKind, MountSpec, RunForm, RunPlan};

fn ms_to_ns(ms: u64) -> i64 {
    i64::try_from(ms.saturating_mul(1_000_000)).unwrap_or(i64::MAX)
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn health(h: &HealthSpec) -> m::HealthConfig {
    m::HealthConfig {
        test: h.test.clone(),
        interval: h.interval_ms.map(ms_to_ns),
        timeout: h.timeout_ms.map(ms_to_ns),
        retries: h.retries.map(i64::from),
        ..Default::default()
    }
}

/// A `--mount` (long syntax) mount as the engine's typed mount.
fn typed_mount(mt: &MountSpec) -> m::Mount {
    let mut out = m::Mount {
        target: Some(mt.target.clone()),
        source: (!mt.source.is_empty()).then(|| mt.source.clone()),
        typ: Some(match mt.kind {
            MountKind::Volume => m::MountType::VOLUME,
            MountKind::Bind => m::MountType::BIND,
            MountKind::Tmpfs => m::MountType::TMPFS,
        }),
        read_only: Some(mt.read_only),
        ..Default::default()
    };
    for o in &mt.options {
        let (k, v) = o.split_once('=').unwrap_or((o, ""));
        match k {
            "bind-propagation" => {
                out.bind_options = Some(m::MountBindOptions {
                    propagation: v.parse().ok(),
                    ..Default::default()
                })
            }
            "volume-nocopy" => {
                out.volume_options = Some(m::MountVolumeOptions {
                    no_copy: Some(true),
                    ..Default::default()
                })
            }
            "tmpfs-size" => {
                let t = out.tmpfs_options.get_or_insert_with(Default::default);
                // Validated by the parser; a plan built by hand with a bad size sends none.
                t.size_bytes = crate::spec::fields::parse_size("tmpfs-size", v)
                    .ok()
                    .map(signed);
            }
            "tmpfs-mode" => {
                let t = out.tmpfs_options.get_or_insert_with(Default::default);
                t.mode = i64::from_str_radix(v, 8).ok();
            }
            _ => {}
        }
    }
    out
}

/// The create body for `plan`: what `docker run` with the same flags sends.
pub(crate) fn create_body(plan: &RunPlan) -> m::ContainerCreateBody {
    let mut binds = Vec::new();
    let mut mounts = Vec::new();
    let mut tmpfs = HashMap::new();
    let mut volumes = Vec::new();
    for mt in &plan.mounts {
        if mt.long {
            mounts.push(typed_mount(mt));
        } else if mt.kind == MountKind::Tmpfs {
            tmpfs.insert(mt.target.clone(), String::new());
        } else if mt.source.is_empty() {
            // An anonymous volume, as `-v /data` makes it.
            volumes.push(mt.target.clone());
        } else {
            binds.push(crate::spec::cmdline::mount_arg(mt).1);
        }
    }
    let mut port_bindings: m::PortMap = HashMap::new();
    let mut exposed = Vec::new();
    for p in &plan.ports {
        let key = format!("{}/{}", p.container_port, p.protocol.as_str());
        if !exposed.contains(&key) {
            exposed.push(key.clone());
        }
        port_bindings
            .entry(key)
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(m::PortBinding {
                host_ip: Some(p.host_ip.clone().unwrap_or_default()),
                host_port: Some(p.host_ports.map(|h| h.to_string()).unwrap_or_default()),
            });
    }
    let restart_policy = plan.restart.map(super::update::restart_policy);
    let caps = |list: &[String]| (!list.is_empty()).then(|| list.to_vec());
    let host = m::HostConfig {
        binds: (!binds.is_empty()).then_some(binds),
        mounts: (!mounts.is_empty()).then_some(mounts),
        tmpfs: (!tmpfs.is_empty()).then_some(tmpfs),
        port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
        publish_all_ports: Some(plan.publish_all),
        network_mode: plan.networks.first().map(|n| n.name.clone()),
        restart_policy,
        memory: plan.memory.map(signed),
        memory_swap: plan.memory_swap,
        memory_reservation: plan.memory_reservation.map(signed),
        nano_cpus: plan.nano_cpus.map(signed),
        cpu_shares: plan.cpu_shares.map(i64::from),
        cpuset_cpus: plan.cpuset.clone(),
        pids_limit: plan.pids_limit,
        cap_add: caps(&plan.cap_add),
        cap_drop: caps(&plan.cap_drop),
        privileged: Some(plan.privileged),
        readonly_rootfs: Some(plan.read_only),
        auto_remove: Some(plan.auto_remove),
        pid_mode: plan.pid.clone(),
        ..Default::default()
    };
    // The first network's aliases go with the create call; other networks are connected
    // after it (see `Engine::create_container`).
    let networking_config = plan.networks.first().map(|n| m::NetworkingConfig {
        endpoints_config: Some(HashMap::from([(
            n.name.clone(),
            m::EndpointSettings {
                aliases: (!n.aliases.is_empty()).then(|| n.aliases.clone()),
                ..Default::default()
            },
        )])),
    });
    m::ContainerCreateBody {
        image: Some(plan.image.to_string()),
        cmd: plan.command.clone(),
        entrypoint: plan.entrypoint.clone(),
        env: (!plan.env.is_empty())
            .then(|| plan.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        labels: (!plan.labels.is_empty()).then(|| {
            plan.labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }),
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        volumes: (!volumes.is_empty()).then_some(volumes),
        user: plan.user.clone(),
        working_dir: plan.workdir.clone(),
        hostname: plan.hostname.clone(),
        healthcheck: plan.health.as_ref().map(health),
        host_config: Some(host),
        networking_config,
        ..Default::default()
    }
}

impl Engine {
    /// Create (not start) a container from `plan`, then connect it to the plan's further
    /// networks with their aliases. The image must be on the engine: a missing one is
    /// `NotFound` before anything is created (pulling is the user's explicit step).
    ///
    /// When connecting a further network fails, the created container is left in place and
    /// the error says so with its id: Wharf never removes something silently.
    pub async fn create_container(&self, plan: &RunPlan) -> Result<ContainerId> {
        let image = plan.image.to_string();
        let label = plan.name.clone().unwrap_or_else(|| image.clone());
        self.check_writable("container.create", &[&label])?;
        self.image_present(&image).await?;
        let opts = plan.name.as_ref().map(|n| qp::CreateContainerOptions {
            name: Some(n.clone()),
            ..Default::default()
        });
        let body = create_body(plan);
        let id = self
            .mutate("container.create", &[&label], async {
                self.ready()
                    .await?
                    .create_container(opts, body)
                    .await
                    .map(|r| ContainerId(r.id))
                    .map_err(|e| self.err(format_args!("create container {label}"), e))
            })
            .await?;
        for n in plan.networks.iter().skip(1) {
            self.connect_network(&n.name, id.as_str(), &n.aliases)
                .await
                .map_err(|e| {
                    e.context(format_args!(
                        "container {label} ({}) was created and left as it is, but",
                        id.short()
                    ))
                })?;
        }
        Ok(id)
    }

    /// The run form that makes container `id` again: the "edit" prefill (see
    /// `RunForm::from_inspect` in `convert/run_form.rs` for what it holds).
    pub async fn run_form(&self, id: &str) -> Result<RunForm> {
        let c = self.inspect_container_raw(id).await?;
        Ok(RunForm::from_inspect(&c))
    }

    /// Attach container `id` to network `network` with `aliases` there.
    pub async fn connect_network(&self, network: &str, id: &str, aliases: &[String]) -> Result<()> {
        let ep = m::EndpointSettings {
            aliases: (!aliases.is_empty()).then(|| aliases.to_vec()),
            ..Default::default()
        };
        self.connect_endpoint(network, id, ep).await
    }

    /// `NotFound` with the fix when `image` is not on the engine.
    pub(super) async fn image_present(&self, image: &str) -> Result<()> {
        match self.ready().await?.inspect_image(image).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = self.err(format_args!("inspect image {image}"), e);
                if e.kind() == ErrorKind::NotFound {
                    Err(CoreError::not_found(format!(
                        "image {image} is not on the engine; pull it first"
                    ))
                    .with_hint(format!("docker pull {image}")))
                } else {
                    Err(e)
                }
            }
        }
    }
}

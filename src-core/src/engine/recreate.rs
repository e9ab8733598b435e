//! Edit and recreate: replace a container by one made from an edited run form, without ever
//! losing the old one.
//!
//! The procedure, every step by id: parse the form (nothing is sent if it is invalid); check
//! the image is on the engine; inspect the old container; create the new one under a
//! temporary name from the OLD container's full configuration with the form's fields laid over
//! it (what the form cannot say: devices, ulimits, log config, DNS, extra hosts, security
//! options, static IPs, tmpfs options, an exec-form health check… is kept); stop the old one
//! if it runs; rename it aside (`NAME-wharf-old-<short id>`); rename the new one to the name;
//! connect the further networks with their aliases; start the new one if the old one was
//! running; and only when all of that succeeded remove the old container, never its volumes.
//!
//! Anonymous volumes are carried over: the new container mounts the old one's anonymous
//! volumes by name at the same destinations (for each destination the new form still mounts
//! anonymously). Named volumes and binds are in the form and stay as they are.
//!
//! On a failure the steps done are undone in reverse (remove only the new container, without
//! its volumes, since it may hold the carried ones; rename the old one back; start it again if
//! it was running) and the error names the failed step, the engine's message and the state
//! left. If undoing fails too, the error says exactly which names and ids are where, and the
//! old container is never removed.

use std::collections::HashMap;

use bollard::models as m;
use bollard::query_parameters as qp;

use super::create::create_body;
use super::Engine;
use crate::error::{CoreError, Result};
use crate::model::ContainerId;
use crate::spec::run::{FieldError, MountKind, RunForm, RunPlan};

/// What a successful recreate did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recreated {
    /// The removed container.
    pub old: ContainerId,
    /// Its replacement, now under `name`.
    pub new: ContainerId,
    pub name: String,
    /// Whether the new container was started (the old one was running).
    pub started: bool,
}

/// The steps, for messages ("step 'start the new container' failed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Create,
    StopOld,
    RenameOld,
    RenameNew,
    Connect,
    StartNew,
}

impl Step {
    fn describe(self) -> &'static str {
        match self {
            Step::Create => "create the new container",
            Step::StopOld => "stop the old container",
            Step::RenameOld => "rename the old container aside",
            Step::RenameNew => "rename the new container",
            Step::Connect => "connect the new container to its networks",
            Step::StartNew => "start the new container",
        }
    }
}

/// The old container's anonymous volumes: destination → volume name. A volume mount is
/// anonymous when no bind or mount of the host config names its volume as a source.
fn anonymous_volumes(old: &m::ContainerInspectResponse) -> HashMap<String, String> {
    let host = old.host_config.clone().unwrap_or_default();
    let named: Vec<String> = host
        .binds
        .iter()
        .flatten()
        .filter_map(|b| b.split(':').next().map(str::to_owned))
        .chain(
            host.mounts
                .iter()
                .flatten()
                .filter_map(|mt| mt.source.clone()),
        )
        .collect();
    old.mounts
        .iter()
        .flatten()
        .filter(|mp| mp.typ.as_deref() == Some("volume"))
        .filter_map(|mp| Some((mp.destination.clone()?, mp.name.clone()?)))
        .filter(|(_, name)| !named.contains(name))
        .collect()
}

/// The create body of the replacement: the old container's configuration with the fields the
/// form holds replaced by the new plan's. `old_form` is the prefill of the old container
/// (`RunForm::from_inspect`), to tell which settings the user left as they were.
pub(crate) fn recreate_body(
    old: &m::ContainerInspectResponse,
    old_form: &RunForm,
    form: &RunForm,
    plan: &RunPlan,
) -> m::ContainerCreateBody {
    let new = create_body(plan);
    let nh = new.host_config.clone().unwrap_or_default();
    let oc = old.config.clone().unwrap_or_default();
    let oh = old.host_config.clone().unwrap_or_default();
    let mut host = oh.clone();
    // The form's fields: the plan decides, including "unset".
    host.binds = nh.binds;
    host.mounts = nh.mounts;
    host.tmpfs = nh.tmpfs;
    host.port_bindings = nh.port_bindings;
    host.publish_all_ports = nh.publish_all_ports;
    host.network_mode = nh.network_mode;
    host.restart_policy = nh.restart_policy;
    host.memory = nh.memory;
    host.memory_swap = nh.memory_swap;
    host.memory_reservation = nh.memory_reservation;
    host.nano_cpus = nh.nano_cpus;
    host.cpu_shares = nh.cpu_shares;
    host.cpuset_cpus = nh.cpuset_cpus;
    host.pids_limit = nh.pids_limit;
    host.cap_add = nh.cap_add;
    host.cap_drop = nh.cap_drop;
    host.privileged = nh.privileged;
    host.readonly_rootfs = nh.readonly_rootfs;
    host.auto_remove = nh.auto_remove;
    host.pid_mode = nh.pid_mode;
    // Inspect shows the engine's default masked and read-only paths; sent back they would
    // apply even if the new container is privileged. Only the explicit "none" (an empty list,
    // `systempaths=unconfined`) is the user's.
    if oh.masked_paths.as_ref().is_some_and(|p| !p.is_empty()) {
        host.masked_paths = None;
    }
    if oh.readonly_paths.as_ref().is_some_and(|p| !p.is_empty()) {
        host.readonly_paths = None;
    }
    // tmpfs options the form cannot show (`--tmpfs /run:size=64m`) are kept for the
    // destinations the form still mounts as tmpfs.
    if let (Some(new_t), Some(old_t)) = (host.tmpfs.as_mut(), oh.tmpfs.as_ref()) {
        for (target, opts) in new_t.iter_mut() {
            if opts.is_empty() {
                if let Some(o) = old_t.get(target) {
                    opts.clone_from(o);
                }
            }
        }
    }
    // Anonymous volumes carried over by name, for the destinations the form still mounts
    // anonymously (`-v /data`, or `--mount type=volume,target=/data`).
    let anon = anonymous_volumes(old);
    for mt in &plan.mounts {
        if mt.kind != MountKind::Volume || !mt.source.is_empty() {
            continue;
        }
        let Some(volume) = anon.get(&mt.target) else {
            continue;
        };
        if mt.long {
            for tm in host.mounts.iter_mut().flatten() {
                if tm.target.as_deref() == Some(mt.target.as_str()) && tm.source.is_none() {
                    tm.source = Some(volume.clone());
                }
            }
        } else {
            let ro = if mt.read_only { ":ro" } else { "" };
            host.binds
                .get_or_insert_with(Vec::new)
                .push(format!("{volume}:{}{ro}", mt.target));
        }
    }

    // The health check: the old one as is when the user left its fields alone (the form
    // writes an exec-form check as a shell command).
    let health_same = old_form.health_cmd == form.health_cmd
        && old_form.health_interval == form.health_interval
        && old_form.health_timeout == form.health_timeout
        && old_form.health_retries == form.health_retries;
    let mut exposed = oc.exposed_ports.clone().unwrap_or_default();
    for p in new.exposed_ports.iter().flatten() {
        if !exposed.contains(p) {
            exposed.push(p.clone());
        }
    }
    // The first network's endpoint: the form's aliases, the old endpoint's static addresses
    // and driver options when it is the same network.
    let old_nets = old
        .network_settings
        .as_ref()
        .and_then(|n| n.networks.clone())
        .unwrap_or_default();
    let mut networking_config = new.networking_config;
    for (net, ep) in networking_config
        .iter_mut()
        .flat_map(|c| c.endpoints_config.iter_mut().flatten())
    {
        carry_endpoint(ep, old_nets.get(net));
    }
    m::ContainerCreateBody {
        hostname: new.hostname,
        domainname: oc.domainname,
        user: new.user,
        attach_stdin: oc.attach_stdin,
        attach_stdout: oc.attach_stdout,
        attach_stderr: oc.attach_stderr,
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        tty: oc.tty,
        open_stdin: oc.open_stdin,
        stdin_once: oc.stdin_once,
        env: new.env,
        cmd: new.cmd,
        healthcheck: if health_same {
            oc.healthcheck
        } else {
            new.healthcheck
        },
        args_escaped: oc.args_escaped,
        image: new.image,
        volumes: new.volumes,
        working_dir: new.working_dir,
        entrypoint: new.entrypoint,
        network_disabled: oc.network_disabled,
        on_build: oc.on_build,
        labels: new.labels,
        stop_signal: oc.stop_signal,
        stop_timeout: oc.stop_timeout,
        shell: oc.shell,
        host_config: Some(host),
        networking_config,
    }
}

/// Keep what the form cannot say about an endpoint (static addresses, links, driver options).
fn carry_endpoint(ep: &mut m::EndpointSettings, old: Option<&m::EndpointSettings>) {
    if let Some(o) = old {
        ep.ipam_config.clone_from(&o.ipam_config);
        ep.links.clone_from(&o.links);
        ep.driver_opts.clone_from(&o.driver_opts);
    }
}

/// What has been done so far, to undo in reverse.
#[derive(Default)]
struct Done {
    new: Option<ContainerId>,
    stopped_old: bool,
    renamed_old: bool,
    renamed_new: bool,
}

impl Engine {
    /// Replace container `id` by one made from `form`, keeping what the form cannot edit and
    /// the anonymous volumes (see the module documentation for the steps and the rollback).
    pub async fn recreate(&self, id: &str, form: &RunForm) -> Result<Recreated> {
        let plan = form.parse().map_err(FieldError::into_error)?;
        self.check_writable("container.recreate", &[id])?;
        let image = plan.image.to_string();
        self.image_present(&image).await?;
        let old = self.inspect_container_raw(id).await?;
        let old_id = ContainerId(old.id.clone().unwrap_or_else(|| id.to_owned()));
        let old_name = old
            .name
            .as_deref()
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned();
        if old.host_config.as_ref().and_then(|h| h.auto_remove) == Some(true) {
            return Err(CoreError::new(
                crate::error::ErrorKind::Conflict,
                format!(
                    "recreate {old_name}: it was made with --rm, so the engine removes it when \
                     it stops and Wharf could not put it back if the new one failed; nothing \
                     was changed"
                ),
            )
            .with_hint("make a new container with the run form instead"));
        }
        let state = old.state.clone().unwrap_or_default();
        // A paused container cannot be stopped and started back as it was (it would come back
        // running, not paused): the user unpauses it first.
        if state.paused == Some(true) {
            return Err(CoreError::new(
                crate::error::ErrorKind::Conflict,
                format!("recreate {old_name}: it is paused; nothing was changed"),
            )
            .with_hint("unpause it first, then edit it again"));
        }
        let was_running = state.running == Some(true);
        let name = match plan.name.as_deref() {
            Some(n) if !n.is_empty() => n.to_owned(),
            _ => old_name.clone(),
        };
        let old_form = RunForm::from_inspect(&old);
        let body = recreate_body(&old, &old_form, form, &plan);
        let short = old_id.short().to_owned();
        let temp = format!("{name}-wharf-new-{short}");
        let aside = format!("{name}-wharf-old-{short}");
        let ctx = Ctx {
            old_id: &old_id,
            old_name: &old_name,
            aside: &aside,
            was_running,
        };

        let mut done = Done::default();
        let result: std::result::Result<ContainerId, (Step, CoreError)> = async {
            let new_id = self
                .create_named(&temp, body)
                .await
                .map_err(|e| (Step::Create, e))?;
            done.new = Some(new_id.clone());
            if was_running {
                self.stop(old_id.as_str(), None)
                    .await
                    .map_err(|e| (Step::StopOld, e))?;
                done.stopped_old = true;
            }
            self.rename(old_id.as_str(), &aside)
                .await
                .map_err(|e| (Step::RenameOld, e))?;
            done.renamed_old = true;
            self.rename(new_id.as_str(), &name)
                .await
                .map_err(|e| (Step::RenameNew, e))?;
            done.renamed_new = true;
            for n in plan.networks.iter().skip(1) {
                let mut ep = m::EndpointSettings {
                    aliases: (!n.aliases.is_empty()).then(|| n.aliases.clone()),
                    ..Default::default()
                };
                let old_nets = old
                    .network_settings
                    .as_ref()
                    .and_then(|s| s.networks.as_ref());
                carry_endpoint(&mut ep, old_nets.and_then(|o| o.get(&n.name)));
                self.connect_endpoint(&n.name, new_id.as_str(), ep)
                    .await
                    .map_err(|e| (Step::Connect, e))?;
            }
            if was_running {
                self.start(new_id.as_str())
                    .await
                    .map_err(|e| (Step::StartNew, e))?;
            }
            Ok(new_id)
        }
        .await;

        let new_id = match result {
            Ok(new_id) => new_id,
            Err((step, e)) => return Err(self.roll_back(&ctx, &done, step, e).await),
        };
        // Everything succeeded: the old container goes, its volumes stay (the new one may
        // mount them).
        if let Err(e) = self.remove(old_id.as_str(), false, false).await {
            return Err(CoreError::new(
                e.kind(),
                format!(
                    "recreate {old_name}: the new container {name} ({}) is in place{}, but the old \
                     one could not be removed and is left stopped as {aside} ({short}): {}",
                    new_id.short(),
                    if was_running { " and running" } else { "" },
                    e.message()
                ),
            )
            .with_hint(format!(
                "remove {aside} yourself once you no longer need it"
            )));
        }
        Ok(Recreated {
            old: old_id,
            new: new_id,
            name,
            started: was_running,
        })
    }

    /// Undo `done` in reverse after `step` failed with `cause`; the error to return.
    async fn roll_back(
        &self,
        ctx: &Ctx<'_>,
        done: &Done,
        step: Step,
        cause: CoreError,
    ) -> CoreError {
        let failed = format!(
            "recreate {}: could not {}: {}",
            ctx.old_name,
            step.describe(),
            cause.message()
        );
        let short = ctx.old_id.short();
        let undo: std::result::Result<(), (&str, CoreError)> = async {
            if let Some(new) = &done.new {
                // Without volumes: the new container may mount the old one's anonymous ones.
                self.remove(new.as_str(), true, false)
                    .await
                    .map_err(|e| ("remove the new container", e))?;
            }
            if done.renamed_old {
                self.rename(ctx.old_id.as_str(), ctx.old_name)
                    .await
                    .map_err(|e| ("rename the old container back", e))?;
            }
            if done.stopped_old {
                self.start(ctx.old_id.as_str())
                    .await
                    .map_err(|e| ("start the old container again", e))?;
            }
            Ok(())
        }
        .await;
        match undo {
            Ok(()) => {
                let how = if ctx.was_running {
                    "running"
                } else {
                    "stopped"
                };
                CoreError::new(
                    cause.kind(),
                    format!(
                        "{failed}. Nothing was changed: the old container {} ({short}) is back, \
                         {how}, unchanged",
                        ctx.old_name
                    ),
                )
            }
            Err((what, e)) => {
                let old_where = if done.renamed_old {
                    // Renamed back only if the failed undo step came after that one.
                    if what == "start the old container again" {
                        ctx.old_name.to_owned()
                    } else {
                        ctx.aside.to_owned()
                    }
                } else {
                    ctx.old_name.to_owned()
                };
                let new_where = match &done.new {
                    Some(n) if what == "remove the new container" => {
                        format!("; the new container {} was not removed", n.short())
                    }
                    _ => String::new(),
                };
                CoreError::new(
                    cause.kind(),
                    format!(
                        "{failed}. Putting it back failed too, at '{what}': {}. Nothing was \
                         removed: the old container {short} is named {old_where}{}{new_where}",
                        e.message(),
                        if done.stopped_old { " and stopped" } else { "" }
                    ),
                )
                .with_hint(format!(
                    "look at container {short}{}: rename it to {} and start it if needed",
                    done.new
                        .as_ref()
                        .map(|n| format!(" and container {}", n.short()))
                        .unwrap_or_default(),
                    ctx.old_name
                ))
            }
        }
    }

    /// `POST /containers/create?name=…` with a ready body.
    async fn create_named(&self, name: &str, body: m::ContainerCreateBody) -> Result<ContainerId> {
        let opts = qp::CreateContainerOptions {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        self.mutate("container.create", &[name], async {
            self.ready()
                .await?
                .create_container(Some(opts), body)
                .await
                .map(|r| ContainerId(r.id))
                .map_err(|e| self.err(format_args!("create container {name}"), e))
        })
        .await
    }

    /// Attach container `id` to `network` with full endpoint settings.
    pub(super) async fn connect_endpoint(
        &self,
        network: &str,
        id: &str,
        ep: m::EndpointSettings,
    ) -> Result<()> {
        let req = m::NetworkConnectRequest {
            container: id.to_owned(),
            endpoint_config: Some(ep),
        };
        self.mutate("network.connect", &[network, id], async {
            self.ready()
                .await?
                .connect_network(network, req)
                .await
                .map_err(|e| self.err(format_args!("connect {id} to network {network}"), e))
        })
        .await
    }
}

/// Names and state of the old container, for the rollback's messages.
struct Ctx<'a> {
    old_id: &'a ContainerId,
    old_name: &'a str,
    aside: &'a str,
    was_running: bool,
}

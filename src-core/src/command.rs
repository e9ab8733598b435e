//! What a user can do to an engine, as data.
//!
//! A UI builds a [`Command`], asks the user to confirm when [`Command::is_destructive`], and
//! hands it to [`execute`]. Inputs are validated here (names, signals) before any request is
//! sent, so bad input changes nothing, and a read-only engine refuses the command before any
//! request too (the engine handle refuses each mutating call as well, and audits it). The
//! store learns about the effect from the engine's events, never from the outcome: one source
//! of truth.
//!
//! Destructive commands carry what the user was shown: an image removal its captured tags,
//! a prune its [`PrunePlan`] (the exact objects), and they act on those ids only
//! (see [`crate::destroy`]).

mod swarm;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::compose::{ComposeAction, ComposeEvent, ComposeTarget, ComposeTool};
use crate::destroy::{self, ObjectReport, PruneReport};
use crate::engine::{Engine, ImageUpdateEvent, ImageUpdatePlan, ImageUpdateReport};
use crate::error::{CoreError, Result};
use crate::model::{ContainerId, ImageId, NetworkId, VolumeName};
use crate::rules::compose::ComposeProject;
use crate::rules::prune::PrunePlan;
use crate::rules::removal::container_removal;
use crate::spec;
use crate::spec::network::NetworkForm;
use crate::spec::run::{FieldError, RunForm};
use crate::spec::update::UpdateForm;
pub use swarm::SwarmOp;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    Start {
        id: ContainerId,
    },
    /// SIGTERM then SIGKILL after `timeout` seconds (engine default when `None`).
    Stop {
        id: ContainerId,
        timeout: Option<i32>,
    },
    Restart {
        id: ContainerId,
        timeout: Option<i32>,
    },
    Pause {
        id: ContainerId,
    },
    Unpause {
        id: ContainerId,
    },
    Kill {
        id: ContainerId,
        signal: String,
    },
    Remove {
        id: ContainerId,
        force: bool,
        volumes: bool,
    },
    Rename {
        id: ContainerId,
        name: String,
    },
    /// Remove the image `id`; `tags` are its tags as the confirmation showed them, and only
    /// those are removed (each only while it still names `id`).
    RemoveImage {
        id: ImageId,
        tags: Vec<String>,
        force: bool,
        /// Keep the untagged parent images `docker rmi` would remove with it (`--no-prune`).
        #[serde(default)]
        no_prune: bool,
    },
    CreateNetwork {
        name: String,
        driver: Option<String>,
        internal: bool,
        /// Subnet, gateway, IP range, driver options, attachable, labels (all optional;
        /// parsed by `spec::network` before anything is sent).
        #[serde(default)]
        options: Box<NetworkForm>,
    },
    RemoveNetwork {
        id: NetworkId,
    },
    CreateVolume {
        name: String,
        driver: Option<String>,
    },
    RemoveVolume {
        name: VolumeName,
        force: bool,
    },
    /// Remove exactly the objects of a plan the user was shown (`destroy::plan_prune`).
    Prune {
        plan: PrunePlan,
    },
    /// Create a container from a run form (parsed again here: nothing is sent unless the
    /// whole form is valid), and start it when `start`. Boxed: a form is ~700 bytes, and
    /// every other command (and the UIs' messages that carry one) would pay for it.
    Run {
        form: Box<RunForm>,
        start: bool,
    },
    /// Replace container `id` by one made from `form` (the edited prefill of
    /// `Engine::run_form`), keeping what the form cannot edit and the anonymous volumes, and
    /// putting the old one back on any failure (`engine/recreate.rs`). Destructive: the old
    /// container is removed at the end; the confirmation lists the changes
    /// (`spec::diff::diff`).
    Recreate {
        id: ContainerId,
        form: Box<RunForm>,
    },
    /// Change limits and the restart policy in place (`docker update`); blank fields are
    /// left as they are, the others parsed by the run form's parsers.
    Update {
        id: ContainerId,
        limits: Box<UpdateForm>,
    },
    /// Attach a container to a network, with aliases there.
    Connect {
        network: String,
        container: ContainerId,
        aliases: Vec<String>,
    },
    /// Detach a container from a network (destructive: its connections there are cut).
    Disconnect {
        network: String,
        container: ContainerId,
        force: bool,
    },
    /// Give the image `id` another name (`docker tag`); `target` is `[registry/]name[:tag]`.
    Tag {
        id: ImageId,
        target: String,
    },
    /// Recreate the plan's containers on the newer image their tag names in the registry
    /// (`engine/bulk.rs`): each reference pulled once, each container re-checked, then
    /// recreated from its own form and put back on failure. Destructive: the old containers
    /// are replaced; the confirmation names every container and its image
    /// (`ImageUpdatePlan::confirmation_lines`). The UIs run it as a stream
    /// (`Engine::update_images`) for its progress and with their session's keychain.
    UpdateImages {
        plan: ImageUpdatePlan,
    },
    /// `up -d`, `pull` or `build` of a compose project (or a file) through the compose tool
    /// (`crate::compose`); the UIs run it as a stream for its output (`compose::run`).
    /// `down` is its own command, [`Command::ComposeDown`], because it is destructive.
    Compose {
        target: ComposeTarget,
        run: ComposeAction,
    },
    /// `down`: stop and remove the project's containers and networks. The confirmation names
    /// the containers (`ComposeProject::down_confirmation`).
    ComposeDown {
        target: ComposeTarget,
    },
    /// A swarm change (nodes, services, stacks, secrets): see [`SwarmOp`].
    Swarm {
        op: SwarmOp,
    },
}

/// What a command produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Done,
    /// Image removal: one line per tag and one for the image, each removed, skipped (with
    /// why) or failed. Some lines may be skipped or failed while others were removed.
    Removed {
        items: Vec<ObjectReport>,
    },
    /// A network or volume was created with this id or name.
    Created {
        id: String,
    },
    Pruned {
        report: PruneReport,
    },
    /// A container was created from a run form (and started when asked).
    ContainerCreated {
        id: ContainerId,
        /// Its name (the engine's pick when the form left it empty).
        name: String,
        started: bool,
    },
    /// A container was recreated: `old` was removed, `new` is its replacement under `name`.
    Recreated {
        old: ContainerId,
        new: ContainerId,
        name: String,
    },
    /// A bulk image update: per container updated, skipped or failed (and put back).
    ImagesUpdated {
        report: ImageUpdateReport,
    },
    /// A compose command succeeded: its command line and its last output lines (inert).
    Composed {
        command: String,
        output: Vec<String>,
    },
}

impl Command {
    /// Whether the command loses data or work and must be confirmed by the user.
    pub fn is_destructive(&self) -> bool {
        match self {
            Command::Stop { .. }
            | Command::Restart { .. }
            | Command::Kill { .. }
            | Command::Remove { .. }
            | Command::RemoveImage { .. }
            | Command::RemoveNetwork { .. }
            | Command::RemoveVolume { .. }
            | Command::Prune { .. }
            | Command::Recreate { .. }
            | Command::Disconnect { .. }
            | Command::UpdateImages { .. }
            | Command::ComposeDown { .. } => true,
            Command::Start { .. }
            | Command::Pause { .. }
            | Command::Unpause { .. }
            | Command::Rename { .. }
            | Command::CreateNetwork { .. }
            | Command::CreateVolume { .. }
            | Command::Run { .. }
            | Command::Update { .. }
            | Command::Connect { .. }
            | Command::Tag { .. }
            | Command::Compose { .. } => false,
            Command::Swarm { op } => op.is_destructive(),
        }
    }

    /// The verb, for messages and key hints.
    pub fn verb(&self) -> &'static str {
        match self {
            Command::Start { .. } => "start",
            Command::Stop { .. } => "stop",
            Command::Restart { .. } => "restart",
            Command::Pause { .. } => "pause",
            Command::Unpause { .. } => "unpause",
            Command::Kill { .. } => "kill",
            Command::Remove { .. } => "remove",
            Command::Rename { .. } => "rename",
            Command::RemoveImage { .. } => "remove image",
            Command::CreateNetwork { .. } => "create network",
            Command::RemoveNetwork { .. } => "remove network",
            Command::CreateVolume { .. } => "create volume",
            Command::RemoveVolume { .. } => "remove volume",
            Command::Prune { .. } => "prune",
            Command::Run { .. } => "run",
            Command::Recreate { .. } => "recreate",
            Command::Update { .. } => "update",
            Command::Connect { .. } => "connect",
            Command::Disconnect { .. } => "disconnect",
            Command::Tag { .. } => "tag",
            Command::UpdateImages { .. } => "update images",
            Command::Compose { run, .. } => match run {
                ComposeAction::Up => "compose up",
                ComposeAction::Pull => "compose pull",
                ComposeAction::Build => "compose build",
                ComposeAction::Down => "compose down",
            },
            Command::ComposeDown { .. } => "compose down",
            Command::Swarm { op } => op.verb(),
        }
    }

    /// The container the command acts on, for the commands that act on one.
    pub fn container(&self) -> Option<&ContainerId> {
        match self {
            Command::Start { id }
            | Command::Stop { id, .. }
            | Command::Restart { id, .. }
            | Command::Pause { id }
            | Command::Unpause { id }
            | Command::Kill { id, .. }
            | Command::Remove { id, .. }
            | Command::Rename { id, .. }
            | Command::Recreate { id, .. }
            | Command::Update { id, .. } => Some(id),
            Command::Connect { container, .. } | Command::Disconnect { container, .. } => {
                Some(container)
            }
            _ => None,
        }
    }

    /// What the command acts on: ids, names, or a prune plan's ids (for the audit log).
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Command::Rename { id, name } => vec![id.as_str(), name],
            Command::Start { id }
            | Command::Stop { id, .. }
            | Command::Restart { id, .. }
            | Command::Pause { id }
            | Command::Unpause { id }
            | Command::Kill { id, .. }
            | Command::Remove { id, .. } => vec![id.as_str()],
            Command::RemoveImage { id, .. } => vec![id.as_str()],
            Command::CreateNetwork { name, .. } | Command::CreateVolume { name, .. } => vec![name],
            Command::RemoveNetwork { id } => vec![id.as_str()],
            Command::RemoveVolume { name, .. } => vec![name.as_str()],
            Command::Prune { plan } => plan.items.iter().map(|i| i.id.as_str()).collect(),
            // The name the user chose, else the image: never env values or other fields that
            // may hold secrets.
            Command::Run { form, .. } => {
                let name = form.name.trim();
                vec![if name.is_empty() {
                    form.image.trim()
                } else {
                    name
                }]
            }
            Command::Recreate { id, .. } | Command::Update { id, .. } => vec![id.as_str()],
            Command::Connect {
                network, container, ..
            }
            | Command::Disconnect {
                network, container, ..
            } => vec![network, container.as_str()],
            Command::Tag { id, target } => vec![id.as_str(), target],
            Command::UpdateImages { plan } => plan.items.iter().map(|i| i.id.as_str()).collect(),
            Command::Compose { target, .. } | Command::ComposeDown { target } => {
                match (&target.project, target.files.first()) {
                    (Some(p), _) => vec![p.as_str()],
                    (None, Some(f)) => vec![f.to_str().unwrap_or("(file)")],
                    (None, None) => vec![target.working_dir.to_str().unwrap_or("(dir)")],
                }
            }
            Command::Swarm { op } => op.targets(),
        }
    }

    /// Check the command's own input (names, signals) before anything is sent.
    pub fn validate(&self) -> Result<()> {
        match self {
            Command::Kill { signal, .. } => spec::parse_signal(signal).map(|_| ()),
            Command::Rename { name, .. } => spec::validate_name("container", name),
            Command::CreateNetwork { name, options, .. } => {
                spec::validate_name("network", name)?;
                options
                    .parse()
                    .map(drop)
                    .map_err(|e| CoreError::invalid_input(e.join("; ")))
            }
            Command::Update { limits, .. } => {
                limits.parse().map(drop).map_err(FieldError::into_error)
            }
            Command::Connect { network, .. } | Command::Disconnect { network, .. }
                if network.trim().is_empty() =>
            {
                Err(CoreError::invalid_input("the network name is empty"))
            }
            Command::CreateVolume { name, .. } => spec::validate_name("volume", name),
            Command::UpdateImages { plan } if plan.items.is_empty() => Err(
                CoreError::invalid_input("no container to update: none of them is outdated"),
            ),
            Command::Prune { plan } => destroy::validate_plan(plan),
            Command::Compose {
                run: ComposeAction::Down,
                ..
            } => Err(CoreError::invalid_input(
                "compose down is the destructive command ComposeDown, confirmed first",
            )),
            Command::Swarm { op } => op.validate(),
            Command::Run { form, .. } | Command::Recreate { form, .. } => {
                form.parse().map(drop).map_err(FieldError::into_error)
            }
            Command::Tag { target, .. } => spec::parse_image_ref(target).and_then(|r| {
                if r.digest.is_some() {
                    Err(CoreError::invalid_input(format!(
                        "'{}' is not a valid tag: a tag cannot name a digest",
                        target.trim()
                    )))
                } else {
                    Ok(())
                }
            }),
            Command::Stop {
                timeout: Some(t), ..
            }
            | Command::Restart {
                timeout: Some(t), ..
            } if *t < 0 => Err(crate::CoreError::invalid_input(format!(
                "the stop timeout must be 0 or more seconds, not {t}"
            ))),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Start { id }
            | Command::Stop { id, .. }
            | Command::Restart { id, .. }
            | Command::Pause { id }
            | Command::Unpause { id } => write!(f, "{} {}", self.verb(), id.short()),
            Command::Kill { id, signal } => write!(f, "kill {} with {signal}", id.short()),
            Command::Remove { id, force, volumes } => {
                write!(f, "remove {}", id.short())?;
                if *force {
                    f.write_str(" (force)")?;
                }
                if *volumes {
                    f.write_str(" with its anonymous volumes")?;
                }
                Ok(())
            }
            Command::Rename { id, name } => write!(f, "rename {} to {name}", id.short()),
            Command::RemoveImage {
                id,
                force,
                no_prune,
                ..
            } => {
                write!(
                    f,
                    "remove image {}{}{}",
                    id.short(),
                    if *force { " (force)" } else { "" },
                    if *no_prune {
                        " keeping untagged parents"
                    } else {
                        ""
                    }
                )
            }
            Command::CreateNetwork { name, .. } => write!(f, "create network {name}"),
            Command::RemoveNetwork { id } => write!(f, "remove network {}", id.short()),
            Command::CreateVolume { name, .. } => write!(f, "create volume {name}"),
            Command::RemoveVolume { name, .. } => write!(f, "remove volume {name}"),
            Command::Prune { plan } => {
                write!(f, "prune {} {}", plan.items.len(), plan.target.describe())
            }
            Command::Run { form, .. } => {
                write!(f, "run {}", form.image.trim())?;
                if !form.name.trim().is_empty() {
                    write!(f, " as {}", form.name.trim())?;
                }
                Ok(())
            }
            Command::Update { id, .. } => write!(f, "update {}", id.short()),
            Command::Connect {
                network, container, ..
            } => write!(f, "connect {} to {network}", container.short()),
            Command::Disconnect {
                network, container, ..
            } => write!(f, "disconnect {} from {network}", container.short()),
            Command::Recreate { id, form } => {
                write!(f, "recreate {}", id.short())?;
                if !form.name.trim().is_empty() {
                    write!(f, " ({})", form.name.trim())?;
                }
                Ok(())
            }
            Command::Tag { id, target } => write!(f, "tag {} as {}", id.short(), target.trim()),
            Command::Compose { target, run } => {
                write!(f, "compose {} {}", run.as_str(), target.label())
            }
            Command::ComposeDown { target } => write!(f, "compose down {}", target.label()),
            Command::UpdateImages { plan } => {
                write!(f, "update the image of {} container", plan.items.len())?;
                if plan.items.len() != 1 {
                    f.write_str("s")?;
                }
                Ok(())
            }
            Command::Swarm { op } => op.fmt(f),
        }
    }
}

/// Validate and run a command.
pub async fn execute(engine: &Engine, cmd: &Command) -> Result<Outcome> {
    cmd.validate()?;
    engine.check_writable(
        &format!("command.{}", cmd.verb().replace(' ', "_")),
        &cmd.targets(),
    )?;
    let done = |r: Result<()>| r.map(|()| Outcome::Done);
    match cmd {
        Command::Start { id } => done(engine.start(id.as_str()).await),
        Command::Stop { id, timeout } => done(engine.stop(id.as_str(), *timeout).await),
        Command::Restart { id, timeout } => done(engine.restart(id.as_str(), *timeout).await),
        Command::Pause { id } => done(engine.pause(id.as_str()).await),
        Command::Unpause { id } => done(engine.unpause(id.as_str()).await),
        Command::Kill { id, signal } => {
            let sig = spec::parse_signal(signal)?;
            done(engine.kill(id.as_str(), &sig).await)
        }
        Command::Remove { id, force, volumes } => {
            done(engine.remove(id.as_str(), *force, *volumes).await)
        }
        Command::Rename { id, name } => done(engine.rename(id.as_str(), name).await),
        Command::RemoveImage {
            id,
            tags,
            force,
            no_prune,
        } => destroy::remove_image(engine, id, tags, *force, *no_prune)
            .await
            .map(|items| Outcome::Removed { items }),
        Command::CreateNetwork {
            name,
            driver,
            internal,
            options,
        } => {
            let plan = options
                .parse()
                .map_err(|e| CoreError::invalid_input(e.join("; ")))?;
            engine
                .create_network_with(name, driver.as_deref(), *internal, &plan)
                .await
                .map(|id| Outcome::Created { id })
        }
        Command::RemoveNetwork { id } => done(engine.remove_network(id.as_str()).await),
        Command::CreateVolume { name, driver } => engine
            .create_volume(name, driver.as_deref(), HashMap::new())
            .await
            .map(|v| Outcome::Created {
                id: v.name.to_string(),
            }),
        Command::RemoveVolume { name, force } => {
            done(engine.remove_volume(name.as_str(), *force).await)
        }
        Command::Prune { plan } => destroy::apply_prune(engine, plan)
            .await
            .map(|report| Outcome::Pruned { report }),
        Command::Run { form, start } => run(engine, form, *start).await,
        Command::Update { id, limits } => {
            let plan = limits.parse().map_err(FieldError::into_error)?;
            done(engine.update(id.as_str(), &plan).await)
        }
        Command::Connect {
            network,
            container,
            aliases,
        } => {
            let aliases: Vec<String> = aliases
                .iter()
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect();
            done(
                engine
                    .connect_network(network.trim(), container.as_str(), &aliases)
                    .await,
            )
        }
        Command::Disconnect {
            network,
            container,
            force,
        } => done(
            engine
                .disconnect_network(network.trim(), container.as_str(), *force)
                .await,
        ),
        Command::Recreate { id, form } => {
            engine
                .recreate(id.as_str(), form)
                .await
                .map(|r| Outcome::Recreated {
                    old: r.old,
                    new: r.new,
                    name: r.name,
                })
        }
        Command::Tag { id, target } => done(engine.tag(id.as_str(), target.trim()).await),
        Command::UpdateImages { plan } => update_images(engine, plan).await,
        Command::Compose { target, run } => compose(engine, target, *run).await,
        Command::ComposeDown { target } => compose(engine, target, ComposeAction::Down).await,
        Command::Swarm { op } => op.execute(engine).await.map(|d| match d {
            swarm::Done::Nothing => Outcome::Done,
            swarm::Done::Created(id) => Outcome::Created { id },
        }),
    }
}

/// The most output lines a compose command run by [`execute`] keeps (the last ones).
pub const COMPOSE_OUTPUT_LINES: usize = 200;

/// Run a compose command to its end with the tool on PATH, keeping its last lines (the UIs
/// run `compose::run` themselves to show the output live).
async fn compose(
    engine: &Engine,
    target: &ComposeTarget,
    action: ComposeAction,
) -> Result<Outcome> {
    let tool = ComposeTool::detect().await?;
    let mut run = crate::compose::run(engine, &tool, target, action)?;
    let mut output = std::collections::VecDeque::new();
    while let Some(ev) = run.next().await {
        match ev {
            ComposeEvent::Line { text, .. } => {
                if output.len() == COMPOSE_OUTPUT_LINES {
                    output.pop_front();
                }
                output.push_back(text);
            }
            ComposeEvent::Finished(r) => {
                return r.map(|()| Outcome::Composed {
                    command: run.command().to_owned(),
                    output: output.into(),
                })
            }
        }
    }
    Err(CoreError::new(
        crate::error::ErrorKind::Cancelled,
        format!("{} ended without a result", run.command()),
    ))
}

/// Project start/stop/restart/remove: the containers' own commands, on the ids the project
/// lists (what the confirmation showed), through the engine API: start what is not alive,
/// stop what is, restart all, remove all (forced, as the removal rule says, for alive ones).
/// Empty when nothing applies.
pub fn project_commands(p: &ComposeProject, action: ProjectAction) -> Vec<Command> {
    p.containers()
        .filter_map(|c| {
            let id = c.id.clone();
            match action {
                ProjectAction::Start if !c.state.is_alive() => Some(Command::Start { id }),
                ProjectAction::Stop if c.state.is_alive() => {
                    Some(Command::Stop { id, timeout: None })
                }
                ProjectAction::Restart => Some(Command::Restart { id, timeout: None }),
                ProjectAction::Remove => Some(Command::Remove {
                    id,
                    force: container_removal(&c.name, c.state).force,
                    volumes: false,
                }),
                _ => None,
            }
        })
        .collect()
}

/// What a project's lifecycle action does (see [`project_commands`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProjectAction {
    Start,
    Stop,
    Restart,
    Remove,
}

/// Run a bulk image update to its end without showing progress, with the credentials of
/// `config.json` (the UIs run `Engine::update_images` themselves, with their session's
/// keychain, which also holds the logins made in the session).
async fn update_images(engine: &Engine, plan: &ImageUpdatePlan) -> Result<Outcome> {
    use futures_util::StreamExt;
    let keychain = crate::engine::Keychain::from_env();
    let mut events = engine.update_images(plan, &keychain);
    while let Some(ev) = events.next().await {
        if let ImageUpdateEvent::Finished { report } = ev? {
            return Ok(Outcome::ImagesUpdated { report });
        }
    }
    Err(CoreError::new(
        crate::error::ErrorKind::Engine,
        "the image update ended without a report",
    ))
}

/// Create (and start) a container from `form`. A start that fails leaves the created
/// container in place, and the error says so with its name and id.
async fn run(engine: &Engine, form: &RunForm, start: bool) -> Result<Outcome> {
    let plan = form.parse().map_err(FieldError::into_error)?;
    let id = engine.create_container(&plan).await?;
    let name = match &plan.name {
        Some(n) => n.clone(),
        // The engine picked one; inspect tells it. The container exists either way, so a
        // failed inspect leaves the name empty rather than hiding that it was created.
        None => match engine.inspect_container(id.as_str()).await {
            Ok(c) => c.name,
            Err(e) => {
                tracing::warn!("inspect of the new container {id} failed: {e}");
                String::new()
            }
        },
    };
    if start {
        if let Err(e) = engine.start(id.as_str()).await {
            let shown = if name.is_empty() { id.short() } else { &name };
            return Err(e.context(format_args!(
                "container {shown} ({}) was created but did not start; it is left as created",
                id.short()
            )));
        }
    }
    Ok(Outcome::ContainerCreated {
        id,
        name,
        started: start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destructive_commands_are_marked() {
        let id = ContainerId::from("abcdef0123456789");
        assert!(Command::Remove {
            id: id.clone(),
            force: false,
            volumes: false
        }
        .is_destructive());
        assert!(Command::Stop {
            id: id.clone(),
            timeout: None
        }
        .is_destructive());
        assert!(Command::Prune {
            plan: PrunePlan {
                target: crate::model::PruneTarget::Containers,
                items: Vec::new(),
            }
        }
        .is_destructive());
        assert!(!Command::Start { id: id.clone() }.is_destructive());
        assert!(!Command::Unpause { id }.is_destructive());
    }

    #[test]
    fn bad_input_is_refused_before_sending() {
        let id = ContainerId::from("abc");
        let bad = [
            Command::Kill {
                id: id.clone(),
                signal: "SIGNOPE".into(),
            },
            Command::Rename {
                id: id.clone(),
                name: "has space".into(),
            },
            Command::CreateVolume {
                name: "".into(),
                driver: None,
            },
            Command::Stop {
                id,
                timeout: Some(-1),
            },
        ];
        for c in bad {
            let e = c
                .validate()
                .err()
                .unwrap_or_else(|| panic!("accepted {c:?}"));
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{c:?}");
        }
    }

    #[test]
    fn display_names_the_object() {
        let c = Command::Remove {
            id: ContainerId::from("0123456789abcdef"),
            force: true,
            volumes: true,
        };
        assert_eq!(
            c.to_string(),
            "remove 0123456789ab (force) with its anonymous volumes"
        );
    }
}

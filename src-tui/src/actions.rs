//! Turning mutating keys into commands: read-only refusal, confirmations that name every
//! object, bulk actions on marked rows, prompts for names, and prune previews.
//!
//! The rules come from wharf-core: a prune confirmation lists the core's plan (the exact
//! objects, which are then the only ones removed), an image removal carries the tags it showed,
//! and removing a running container is forced only with the core's warning on screen.

use crossterm::event::{KeyCode, KeyEvent};
use wharf_core::command::Command;
use wharf_core::model::{ContainerId, ContainerState, ImageId, NetworkId, PruneTarget, VolumeName};
use wharf_core::rules::prune::{real_tags, ObjectKind, PrunePlan};
use wharf_core::rules::removal::container_removal;

use crate::app::App;
use crate::format::bytes;
use crate::keymap::Action;
use crate::msg::Effect;
use crate::prompt::{Confirm, Input, Mode, PromptKind};
use crate::resource::View;

/// The shell Wharf starts when the user keeps the suggested command.
pub const AUTO_SHELL: &str = "auto (bash, else sh)";

/// Send commands, each with its own request id.
pub fn execute(app: &mut App, cmds: Vec<Command>) -> Vec<Effect> {
    if app.settings.read_only {
        app.toast("read-only mode: nothing was changed", true);
        return Vec::new();
    }
    let title = match cmds.first() {
        Some(c) if cmds.len() > 1 => format!("{} × {}", capitalise(c.verb()), cmds.len()),
        _ => String::new(),
    };
    let effects: Vec<Effect> = cmds
        .into_iter()
        .map(|cmd| {
            let req = app.new_request(describe(app, &cmd));
            Effect::Execute { req, cmd }
        })
        .collect();
    // Bulk actions report per object, in one message once every object's outcome is in.
    let reqs = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Execute { req, .. } => Some(*req),
            _ => None,
        })
        .collect();
    app.batch(title, reqs);
    effects
}

/// The command in words, with the container's name rather than its short id.
fn describe(app: &App, cmd: &Command) -> String {
    let text = cmd.to_string();
    let id = match cmd {
        Command::Start { id }
        | Command::Stop { id, .. }
        | Command::Restart { id, .. }
        | Command::Pause { id }
        | Command::Unpause { id }
        | Command::Kill { id, .. }
        | Command::Remove { id, .. }
        | Command::Rename { id, .. } => id,
        _ => return text,
    };
    match app.snapshot.containers.get(id) {
        Some(c) => text.replacen(id.short(), &c.name, 1),
        None => text,
    }
}

/// Ask first when any command is destructive, else run.
fn confirm_or_run(
    app: &mut App,
    title: String,
    objects: Vec<String>,
    cmds: Vec<Command>,
    notes: Vec<String>,
) -> Vec<Effect> {
    if cmds.is_empty() {
        return Vec::new();
    }
    if cmds.iter().any(Command::is_destructive) {
        app.mode = Mode::Confirm(Confirm {
            title,
            objects,
            commands: cmds,
            notes,
        });
        Vec::new()
    } else {
        execute(app, cmds)
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Containers targeted in the containers or projects view: `(id, name, state)`.
fn target_containers(app: &App) -> Vec<(ContainerId, String, ContainerState)> {
    match app.view {
        View::Containers => app
            .targets()
            .iter()
            .filter_map(|r| {
                let id = ContainerId::from(r.key.as_str());
                app.snapshot
                    .containers
                    .get(&id)
                    .map(|c| (id, c.name.clone(), c.state))
            })
            .collect(),
        View::Projects => {
            let projects: Vec<String> = app.targets().iter().map(|r| r.key.clone()).collect();
            app.snapshot
                .containers
                .values()
                .filter(|c| c.project().is_some_and(|p| projects.iter().any(|x| x == p)))
                .map(|c| (c.id.clone(), c.name.clone(), c.state))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// A mutating action key. `None` when it means nothing in this view.
pub fn on_mutating(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    if app.settings.read_only {
        app.toast(format!("read-only mode: {} is disabled", a.label()), true);
        return Some(Vec::new());
    }
    match (app.view, a) {
        (
            View::Containers | View::Projects,
            Action::Start
            | Action::Stop
            | Action::Restart
            | Action::Kill
            | Action::PauseToggle
            | Action::Remove,
        ) => {
            let targets = target_containers(app);
            if targets.is_empty() {
                return Some(Vec::new());
            }
            let mut cmds = Vec::new();
            let mut objects = Vec::new();
            let mut warnings = Vec::new();
            for (id, name, state) in &targets {
                let cmd = match a {
                    Action::Start => Some(Command::Start { id: id.clone() }),
                    Action::Stop if state.is_alive() => Some(Command::Stop {
                        id: id.clone(),
                        timeout: None,
                    }),
                    Action::Restart => Some(Command::Restart {
                        id: id.clone(),
                        timeout: None,
                    }),
                    Action::Kill if state.is_alive() => Some(Command::Kill {
                        id: id.clone(),
                        signal: "SIGKILL".into(),
                    }),
                    Action::PauseToggle if *state == ContainerState::Paused => {
                        Some(Command::Unpause { id: id.clone() })
                    }
                    Action::PauseToggle if *state == ContainerState::Running => {
                        Some(Command::Pause { id: id.clone() })
                    }
                    Action::Remove => {
                        let rule = container_removal(name, *state);
                        warnings.extend(rule.warning);
                        Some(Command::Remove {
                            id: id.clone(),
                            force: rule.force,
                            volumes: false,
                        })
                    }
                    _ => None,
                };
                if let Some(cmd) = cmd {
                    objects.push(format!("{name}  ({}, {state})", id.short()));
                    cmds.push(cmd);
                }
            }
            if cmds.is_empty() {
                app.toast(
                    format!("{}: nothing applies to the selection", a.label()),
                    true,
                );
                return Some(Vec::new());
            }
            let verb = a.label();
            let title = format!("{} {}?", capitalise(verb), plural(cmds.len(), "container"));
            let mut notes = warnings;
            if a == Action::Remove {
                notes.push(
                    "f: force (kill running ones)   v: also remove their anonymous volumes".into(),
                );
            }
            if a == Action::Kill {
                notes.push("sends SIGKILL: the processes get no chance to clean up".into());
            }
            Some(confirm_or_run(app, title, objects, cmds, notes))
        }
        (View::Containers, Action::Rename) => {
            let r = app.selected_row()?;
            let (id, name) = (ContainerId::from(r.key.as_str()), r.name.clone());
            app.mode = Mode::Input(PromptKind::Rename(id), Input::new(&name));
            Some(Vec::new())
        }
        (View::Containers, Action::Exec) => {
            let id = ContainerId::from(app.selected_row()?.key.as_str());
            let running = app
                .snapshot
                .containers
                .get(&id)
                .is_some_and(|c| c.state == ContainerState::Running);
            if !running {
                app.toast("a shell needs a running container", true);
                return Some(Vec::new());
            }
            app.mode = Mode::Input(PromptKind::Exec(id), Input::new(AUTO_SHELL));
            Some(Vec::new())
        }
        (View::Images, Action::Remove) => {
            let targets: Vec<(String, String)> = app
                .targets()
                .iter()
                .map(|r| (r.key.clone(), r.name.clone()))
                .collect();
            let mut objects = Vec::new();
            let mut cmds = Vec::new();
            for (key, name) in targets {
                let id = ImageId::from(key.as_str());
                // The tags shown now are the only ones the removal may take.
                let tags = app
                    .snapshot
                    .images
                    .get(&id)
                    .map(|i| real_tags(i))
                    .unwrap_or_default();
                let users = app.snapshot.containers_of_image(&id).count();
                let note = if users > 0 {
                    format!(", used by {}", plural(users, "container"))
                } else {
                    String::new()
                };
                let also = if tags.len() > 1 {
                    format!(", tags {}", tags.join(", "))
                } else {
                    String::new()
                };
                objects.push(format!("{name}  ({}{also}{note})", id.short()));
                cmds.push(Command::RemoveImage {
                    id,
                    tags,
                    force: false,
                });
            }
            let title = format!("Remove {}?", plural(cmds.len(), "image"));
            Some(confirm_or_run(
                app,
                title,
                objects,
                cmds,
                vec!["f: force (also untag images that other tags or containers use)".into()],
            ))
        }
        (View::Networks, Action::Remove) => {
            let mut objects = Vec::new();
            let mut cmds = Vec::new();
            for r in app.targets() {
                if matches!(r.name.as_str(), "bridge" | "host" | "none") {
                    continue;
                }
                objects.push(r.name.clone());
                cmds.push(Command::RemoveNetwork {
                    id: NetworkId::from(r.key.as_str()),
                });
            }
            if cmds.is_empty() {
                app.toast("the built-in networks cannot be removed", true);
                return Some(Vec::new());
            }
            let title = format!("Remove {}?", plural(cmds.len(), "network"));
            Some(confirm_or_run(app, title, objects, cmds, Vec::new()))
        }
        (View::Volumes, Action::Remove) => {
            let (objects, cmds): (Vec<String>, Vec<Command>) = app
                .targets()
                .iter()
                .map(|r| {
                    (
                        r.name.clone(),
                        Command::RemoveVolume {
                            name: VolumeName::from(r.key.as_str()),
                            force: false,
                        },
                    )
                })
                .unzip();
            let title = format!(
                "Remove {}? Their data is lost.",
                plural(cmds.len(), "volume")
            );
            Some(confirm_or_run(
                app,
                title,
                objects,
                cmds,
                vec!["f: force".into()],
            ))
        }
        (View::Networks, Action::Create) => {
            app.mode = Mode::Input(PromptKind::CreateNetwork, Input::default());
            Some(Vec::new())
        }
        (View::Volumes, Action::Create) => {
            app.mode = Mode::Input(PromptKind::CreateVolume, Input::default());
            Some(Vec::new())
        }
        _ => None,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

pub fn on_confirm_key(app: &mut App, mut c: Confirm, k: KeyEvent) -> Vec<Effect> {
    match k.code {
        KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => execute(app, c.commands),
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
            app.toast("cancelled", false);
            Vec::new()
        }
        KeyCode::Char('f') if c.has_force() => {
            c.toggle_force();
            app.mode = Mode::Confirm(c);
            Vec::new()
        }
        KeyCode::Char('v') if c.has_volumes() => {
            c.toggle_volumes();
            app.mode = Mode::Confirm(c);
            Vec::new()
        }
        _ => {
            app.mode = Mode::Confirm(c);
            Vec::new()
        }
    }
}

pub fn on_prompt_submit(app: &mut App, kind: PromptKind, text: &str) -> Vec<Effect> {
    let text = text.trim();
    match kind {
        PromptKind::Rename(id) => execute(
            app,
            vec![Command::Rename {
                id,
                name: text.to_owned(),
            }],
        ),
        PromptKind::CreateNetwork => execute(
            app,
            vec![Command::CreateNetwork {
                name: text.to_owned(),
                driver: None,
                internal: false,
            }],
        ),
        PromptKind::CreateVolume => execute(
            app,
            vec![Command::CreateVolume {
                name: text.to_owned(),
                driver: None,
            }],
        ),
        PromptKind::Exec(id) => {
            if app.settings.read_only {
                app.toast("read-only mode: shell is disabled", true);
                return Vec::new();
            }
            let cmd = if text.is_empty() || text == AUTO_SHELL {
                wharf_core::engine::ExecSpec::shell().cmd
            } else {
                vec!["/bin/sh".into(), "-c".into(), text.to_owned()]
            };
            vec![Effect::Exec { id, cmd }]
        }
        PromptKind::SaveLogs => match &app.details {
            Some(d) if !text.is_empty() => vec![Effect::SaveLogs {
                path: expand_home(text),
                text: d.logs.buffer.to_text(d.logs.timestamps),
            }],
            _ => Vec::new(),
        },
        PromptKind::LogSearch => {
            if let Some(d) = &mut app.details {
                if d.tab == crate::details::Tab::Inspect {
                    d.set_inspect_search(text);
                } else if let Err(e) = d.logs.set_search(text) {
                    app.toast(e, true);
                }
            }
            Vec::new()
        }
        PromptKind::Filter | PromptKind::Command => Vec::new(),
    }
}

fn expand_home(p: &str) -> std::path::PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(p),
    }
}

/// Ask the engine what pruning `target` would remove; the answer ([`Msg::PrunePlan`]) opens
/// the confirmation ([`confirm_prune`]).
///
/// [`Msg::PrunePlan`]: crate::msg::Msg::PrunePlan
pub fn prune_preview(app: &mut App, target: PruneTarget) -> Vec<Effect> {
    if app.settings.read_only {
        app.toast("read-only mode: prune is disabled", true);
        return Vec::new();
    }
    app.toast(format!("listing {}…", target.describe()), false);
    vec![Effect::PlanPrune(target)]
}

/// Show a prune plan's objects and ask; confirming removes exactly these objects.
pub fn confirm_prune(app: &mut App, plan: PrunePlan) {
    let target = plan.target;
    if plan.items.is_empty() {
        app.toast(format!("no {} to prune", target.describe()), false);
        return;
    }
    let objects: Vec<String> = plan
        .items
        .iter()
        .map(|i| {
            let id = match i.kind {
                ObjectKind::Container | ObjectKind::Image | ObjectKind::Network => {
                    let s = i.id.strip_prefix("sha256:").unwrap_or(&i.id);
                    s.get(..12).unwrap_or(s).to_owned()
                }
                _ => String::new(),
            };
            match (id.is_empty() || id == i.name, i.size) {
                (true, Some(size)) => format!("{}  ({})", i.name, bytes(size)),
                (true, None) => i.name.clone(),
                (false, Some(size)) => format!("{}  ({id}, {})", i.name, bytes(size)),
                (false, None) => format!("{}  ({id})", i.name),
            }
        })
        .collect();
    let mut notes = vec![if plan.sizes_unknown() {
        "the space reclaimed is reported when done".to_owned()
    } else {
        format!(
            "about {} would come back (shared layers may make it less)",
            bytes(plan.known_size())
        )
    }];
    if matches!(target, PruneTarget::Volumes { .. }) {
        notes.push("the data in these volumes is lost".into());
    }
    notes.push("only these objects are removed; anything in use by then is skipped".into());
    let what = target.describe();
    // "dangling images" → "dangling image" for one object.
    let what = if objects.len() == 1 {
        what.strip_suffix('s').unwrap_or(what)
    } else {
        what
    };
    let title = format!("Prune {} {what}?", objects.len());
    app.mode = Mode::Confirm(Confirm {
        title,
        objects,
        commands: vec![Command::Prune { plan }],
        notes,
    });
}

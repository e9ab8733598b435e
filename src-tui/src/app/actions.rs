//! Turning mutating keys into commands: read-only refusal, confirmations that name every
//! object, bulk actions on marked rows, and prompts for names.
//!
//! The rules come from wharf-core: an image removal carries the tags it showed, and removing a
//! running container is forced only with the core's warning on screen.

use wharf_core::command::Command;
use wharf_core::model::{ContainerId, ContainerState, ImageId, NetworkId, VolumeName};
use wharf_core::rules::prune::real_tags;
use wharf_core::rules::removal::container_removal;

use super::requests::capitalise;
use super::App;
use crate::keymap::Action;
use crate::msg::Effect;
use crate::prompt::{Confirm, Input, Mode, PromptKind};
use crate::resource::View;

/// The shell Wharf starts when the user keeps the suggested command.
pub const AUTO_SHELL: &str = "auto (bash, else sh)";

impl App {
    /// Ask first when any command is destructive, else run.
    pub(super) fn confirm_or_run(
        &mut self,
        title: String,
        objects: Vec<String>,
        cmds: Vec<Command>,
        notes: Vec<String>,
    ) -> Vec<Effect> {
        if cmds.is_empty() {
            return Vec::new();
        }
        if cmds.iter().any(Command::is_destructive) {
            self.mode = Mode::Confirm(Confirm {
                title,
                objects,
                commands: cmds,
                notes,
            });
            Vec::new()
        } else {
            self.execute(cmds)
        }
    }

    /// Containers targeted in the containers or projects view: `(id, name, state)`.
    pub(super) fn target_containers(&self) -> Vec<(ContainerId, String, ContainerState)> {
        match self.view {
            View::Containers => self
                .targets()
                .iter()
                .filter_map(|r| {
                    let id = ContainerId::from(r.key.as_str());
                    self.snapshot
                        .containers
                        .get(&id)
                        .map(|c| (id, c.name.clone(), c.state))
                })
                .collect(),
            View::Projects => {
                let projects: Vec<String> = self.targets().iter().map(|r| r.key.clone()).collect();
                self.snapshot
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
    pub fn on_mutating(&mut self, a: Action) -> Option<Vec<Effect>> {
        if self.settings.read_only {
            self.toast(format!("read-only mode: {} is disabled", a.label()), true);
            return Some(Vec::new());
        }
        match (self.view, a) {
            (
                View::Containers | View::Projects,
                Action::Start
                | Action::Stop
                | Action::Restart
                | Action::Kill
                | Action::PauseToggle
                | Action::Remove,
            ) => {
                let targets = self.target_containers();
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
                    self.toast(
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
                        "f: force (kill running ones)   v: also remove their anonymous volumes"
                            .into(),
                    );
                }
                if a == Action::Kill {
                    notes.push("sends SIGKILL: the processes get no chance to clean up".into());
                }
                Some(self.confirm_or_run(title, objects, cmds, notes))
            }
            (View::Containers, Action::Rename) => {
                let r = self.selected_row()?;
                let (id, name) = (ContainerId::from(r.key.as_str()), r.name.clone());
                self.mode = Mode::Input(PromptKind::Rename(id), Input::new(&name));
                Some(Vec::new())
            }
            (View::Containers, Action::Exec) => {
                let id = ContainerId::from(self.selected_row()?.key.as_str());
                let running = self
                    .snapshot
                    .containers
                    .get(&id)
                    .is_some_and(|c| c.state == ContainerState::Running);
                if !running {
                    self.toast("a shell needs a running container", true);
                    return Some(Vec::new());
                }
                self.mode = Mode::Input(PromptKind::Exec(id), Input::new(AUTO_SHELL));
                Some(Vec::new())
            }
            (View::Images, Action::Remove) => {
                let targets: Vec<(String, String)> = self
                    .targets()
                    .iter()
                    .map(|r| (r.key.clone(), r.name.clone()))
                    .collect();
                let mut objects = Vec::new();
                let mut cmds = Vec::new();
                for (key, name) in targets {
                    let id = ImageId::from(key.as_str());
                    // The tags shown now are the only ones the removal may take.
                    let tags = self
                        .snapshot
                        .images
                        .get(&id)
                        .map(|i| real_tags(i))
                        .unwrap_or_default();
                    let users = self.snapshot.containers_of_image(&id).count();
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
                Some(self.confirm_or_run(
                    title,
                    objects,
                    cmds,
                    vec!["f: force (also untag images that other tags or containers use)".into()],
                ))
            }
            (View::Networks, Action::Remove) => {
                let mut objects = Vec::new();
                let mut cmds = Vec::new();
                for r in self.targets() {
                    if matches!(r.name.as_str(), "bridge" | "host" | "none") {
                        continue;
                    }
                    objects.push(r.name.clone());
                    cmds.push(Command::RemoveNetwork {
                        id: NetworkId::from(r.key.as_str()),
                    });
                }
                if cmds.is_empty() {
                    self.toast("the built-in networks cannot be removed", true);
                    return Some(Vec::new());
                }
                let title = format!("Remove {}?", plural(cmds.len(), "network"));
                Some(self.confirm_or_run(title, objects, cmds, Vec::new()))
            }
            (View::Volumes, Action::Remove) => {
                let (objects, cmds): (Vec<String>, Vec<Command>) = self
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
                Some(self.confirm_or_run(title, objects, cmds, vec!["f: force".into()]))
            }
            (View::Networks, Action::Create) => {
                self.mode = Mode::Input(PromptKind::CreateNetwork, Input::default());
                Some(Vec::new())
            }
            (View::Volumes, Action::Create) => {
                self.mode = Mode::Input(PromptKind::CreateVolume, Input::default());
                Some(Vec::new())
            }
            _ => None,
        }
    }
}

pub(super) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

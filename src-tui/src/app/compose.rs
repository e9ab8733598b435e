//! Compose in the app: `:compose up|down|pull|build` on the selected project (projects view),
//! `:compose up FILE` for a compose file with no containers yet. `down` is confirmed first,
//! naming every container and the project's networks; the others start at once. A run fills
//! the compose panel with its output as it comes (made inert by the core); Esc cancels a
//! running one (the loop drops it: the core kills the tool and its process group) and closes
//! a finished one. Read-only mode refuses before anything runs (the core refuses too).

use std::collections::VecDeque;
use std::path::Path;

use crossterm::event::KeyEvent;
use wharf_core::command::Command;
use wharf_core::compose::{ComposeAction, ComposeTarget};
use wharf_core::error::CoreError;
use wharf_core::rules::compose::project;

use super::App;
use crate::keymap::{Action, Key};
use crate::kinds::RowKey;
use crate::msg::{ComposeUpdate, Effect};
use crate::prompt::{Confirm, Mode};

/// The most output lines the panel keeps (the last ones).
pub const PANEL_LINES: usize = 2000;

/// A compose run on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposePanel {
    pub gen: u64,
    /// What runs, e.g. `compose up shop`.
    pub title: String,
    pub output: VecDeque<String>,
    /// `None` while running; then `Ok` or the error in words.
    pub finished: Option<Result<(), String>>,
    /// Lines scrolled back from the end.
    pub scroll: usize,
}

impl App {
    /// `:compose ACTION [FILE]`.
    pub fn compose_command(&mut self, words: &[&str]) -> Vec<Effect> {
        let usage = "compose needs up, down, pull or build (on the selected project), or \
                     up FILE (a compose file)";
        let Some(action) = words.first().and_then(|w| ComposeAction::parse(w)) else {
            self.toast(usage, true);
            return Vec::new();
        };
        if self.settings.read_only {
            self.toast(
                format!("read-only mode: compose {} is disabled", action.as_str()),
                true,
            );
            return Vec::new();
        }
        if self.compose.as_ref().is_some_and(|c| c.finished.is_none()) {
            self.toast(
                "a compose command is running: wait for it or cancel it",
                true,
            );
            return Vec::new();
        }
        let target = match words {
            [_] => match self.compose_project_target() {
                Ok(t) => t,
                Err(e) => {
                    self.toast(e, true);
                    return Vec::new();
                }
            },
            [_, file] if action == ComposeAction::Up => {
                match ComposeTarget::of_file(Path::new(file)) {
                    Ok(t) => t,
                    Err(e) => {
                        self.toast(e.to_string(), true);
                        return Vec::new();
                    }
                }
            }
            _ => {
                self.toast(usage, true);
                return Vec::new();
            }
        };
        if action.is_destructive() {
            let Some(p) = target
                .project
                .as_deref()
                .and_then(|n| project(&self.snapshot, n))
            else {
                self.toast("the project has no containers any more", true);
                return Vec::new();
            };
            self.mode = Mode::Confirm(Confirm {
                title: format!("compose down {}?", p.name),
                objects: p.down_confirmation(),
                commands: vec![Command::ComposeDown { target }],
                notes: vec![format!(
                    "runs {} in {}",
                    "compose down",
                    target_dir(&p.working_dir)
                )],
            });
            return Vec::new();
        }
        self.start_compose(Command::Compose {
            target,
            run: action,
        })
    }

    /// The selected project's target (one project at a time).
    fn compose_project_target(&self) -> Result<ComposeTarget, String> {
        let targets = self.targets();
        let names: Vec<&str> = targets
            .iter()
            .filter_map(|r| match &r.key {
                RowKey::Project(p) => Some(p.as_str()),
                _ => None,
            })
            .collect();
        match names.as_slice() {
            [] => Err(
                "select a project in the projects view (:projects), or give a compose \
                       file: :compose up FILE"
                    .to_owned(),
            ),
            [name] => {
                let p = project(&self.snapshot, name)
                    .ok_or_else(|| format!("project {name} has no containers any more"))?;
                ComposeTarget::of_project(&p).map_err(|e| e.to_string())
            }
            _ => Err("compose runs on one project at a time: clear the marks".to_owned()),
        }
    }

    /// A confirmed `down` runs in the compose panel, not as a command.
    pub(super) fn confirmed_compose(&mut self, cmds: &[Command]) -> Option<Vec<Effect>> {
        match cmds {
            [cmd @ Command::ComposeDown { .. }] => Some(self.start_compose(cmd.clone())),
            _ => None,
        }
    }

    fn start_compose(&mut self, cmd: Command) -> Vec<Effect> {
        self.compose_gen += 1;
        self.compose = Some(ComposePanel {
            gen: self.compose_gen,
            title: cmd.to_string(),
            output: VecDeque::new(),
            finished: None,
            scroll: 0,
        });
        vec![Effect::Compose {
            gen: self.compose_gen,
            cmd,
        }]
    }

    pub(super) fn on_compose_update(&mut self, gen: u64, u: ComposeUpdate) -> Vec<Effect> {
        let Some(panel) = self.compose.as_mut().filter(|c| c.gen == gen) else {
            return Vec::new();
        };
        match u {
            ComposeUpdate::Line(text) => {
                if panel.output.len() == PANEL_LINES {
                    panel.output.pop_front();
                }
                panel.output.push_back(text);
            }
            ComposeUpdate::Finished(r) => {
                panel.finished = Some(r.map_err(|e: CoreError| e.to_string()));
            }
        }
        Vec::new()
    }

    pub(super) fn on_compose_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(mut panel) = self.compose.take() else {
            return Vec::new();
        };
        let actions: Vec<Action> = self.settings.keymap.actions(Key::from_event(&k)).collect();
        for a in actions {
            match a {
                Action::Up => panel.scroll = (panel.scroll + 1).min(panel.output.len()),
                Action::Down => panel.scroll = panel.scroll.saturating_sub(1),
                Action::Back | Action::Quit | Action::Open if panel.finished.is_some() => {
                    return Vec::new();
                }
                Action::Back if panel.finished.is_none() => {
                    panel.finished = Some(Err("cancelled: the tool was stopped".to_owned()));
                    self.compose = Some(panel);
                    return vec![Effect::CancelCompose];
                }
                _ => continue,
            }
            break;
        }
        self.compose = Some(panel);
        Vec::new()
    }
}

fn target_dir(dir: &Option<String>) -> String {
    dir.as_deref()
        .map(|d| wharf_core::streams::text::inert(d).into_owned())
        .unwrap_or_else(|| "(no working dir)".to_owned())
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;

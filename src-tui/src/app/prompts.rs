//! Answers to popups and prompts: confirmations (with their force and volume toggles) and
//! the text prompts (rename, create, shell command, save path, search).

use crossterm::event::{KeyCode, KeyEvent};
use wharf_core::command::Command;

use super::App;
use crate::kinds::containers::AUTO_SHELL;
use crate::msg::Effect;
use crate::prompt::{Confirm, Mode, PromptKind};

impl App {
    pub fn on_confirm_key(&mut self, mut c: Confirm, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                if let Some(fx) = self.confirmed_image_update(&c.commands) {
                    return fx;
                }
                if let Some(fx) = self.confirmed_compose(&c.commands) {
                    return fx;
                }
                let fx = self.execute(c.commands);
                self.track_edit_request(&fx);
                fx
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                self.toast("cancelled", false);
                Vec::new()
            }
            KeyCode::Char('f') if c.has_force() => {
                c.toggle_force();
                self.mode = Mode::Confirm(c);
                Vec::new()
            }
            KeyCode::Char('p') if c.has_no_prune() => {
                c.toggle_no_prune();
                self.mode = Mode::Confirm(c);
                Vec::new()
            }
            KeyCode::Char('v') if c.has_volumes() => {
                c.toggle_volumes();
                self.mode = Mode::Confirm(c);
                Vec::new()
            }
            _ => {
                self.mode = Mode::Confirm(c);
                Vec::new()
            }
        }
    }

    pub fn on_prompt_submit(&mut self, kind: PromptKind, text: &str) -> Vec<Effect> {
        let text = text.trim();
        match kind {
            PromptKind::Rename(id) => self.execute(vec![Command::Rename {
                id,
                name: text.to_owned(),
            }]),
            PromptKind::CreateNetwork => {
                let words: Vec<&str> = text.split_whitespace().collect();
                self.create_network_command(&words)
            }
            PromptKind::CreateVolume => self.execute(vec![Command::CreateVolume {
                name: text.to_owned(),
                driver: None,
            }]),
            PromptKind::Exec(id) => {
                if self.settings.read_only {
                    self.toast("read-only mode: shell is disabled", true);
                    return Vec::new();
                }
                let cmd = if text.is_empty() || text == AUTO_SHELL {
                    wharf_core::engine::ExecSpec::shell().cmd
                } else {
                    vec!["/bin/sh".into(), "-c".into(), text.to_owned()]
                };
                vec![Effect::Exec { id, cmd }]
            }
            PromptKind::SaveLogs => match &self.details {
                Some(d) if !text.is_empty() => vec![Effect::SaveLogs {
                    path: expand_home(text),
                    text: d.logs.buffer.to_text(d.logs.timestamps),
                }],
                _ => Vec::new(),
            },
            PromptKind::LogSearch => {
                if let Some(d) = &mut self.details {
                    if d.tab == crate::details::Tab::Inspect {
                        d.set_inspect_search(text);
                    } else if let Err(e) = d.logs.set_search(text) {
                        self.toast(e, true);
                    }
                }
                Vec::new()
            }
            k @ (PromptKind::LoginUser(_)
            | PromptKind::LoginPassword { .. }
            | PromptKind::LoginSave { .. }) => self.on_login_prompt(k, text),
            PromptKind::CopyOut { id, src } if !text.is_empty() => {
                self.start_copy_out(id, src, expand_home(text), false)
            }
            PromptKind::CopyIn { id, dest } if !text.is_empty() => {
                self.start_copy_in(id, expand_home(text), dest)
            }
            PromptKind::Overwrite { id, src, dest } if text.eq_ignore_ascii_case("y") => {
                self.start_copy_out(id, src, dest, true)
            }
            PromptKind::Overwrite { .. } => {
                self.toast("not overwritten", false);
                Vec::new()
            }
            k @ (PromptKind::Scale { .. }
            | PromptKind::ServiceImage { .. }
            | PromptKind::SecretName
            | PromptKind::SecretValue(_)
            | PromptKind::ConfigName
            | PromptKind::ConfigText(_)) => self.on_swarm_prompt(k, text),
            PromptKind::CopyOut { .. } | PromptKind::CopyIn { .. } => Vec::new(),
            k @ (PromptKind::DashExport | PromptKind::DashOverwrite(_)) => {
                self.on_dash_prompt(k, text)
            }
            k @ (PromptKind::StatsExport(_) | PromptKind::StatsOverwrite { .. }) => {
                self.on_stats_prompt(k, text)
            }
            PromptKind::Filter | PromptKind::Command => Vec::new(),
        }
    }
}

impl App {
    /// Whether an export to `path` is in one of the `formats` (extensions, lower case); if
    /// not, a toast names the file and the formats, and nothing is written.
    pub(super) fn export_format_ok(&mut self, path: &std::path::Path, formats: &[&str]) -> bool {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if ext.is_some_and(|e| formats.contains(&e.as_str())) {
            return true;
        }
        let dotted: Vec<String> = formats.iter().map(|f| format!(".{f}")).collect();
        let list = match dotted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => dotted.join(""),
        };
        self.toast(
            format!(
                "export: {} must end in {list}",
                wharf_core::streams::text::inert(&path.display().to_string())
            ),
            true,
        );
        false
    }
}

pub(super) fn expand_home(p: &str) -> std::path::PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(p),
    }
}

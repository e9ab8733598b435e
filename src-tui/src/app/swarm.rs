//! Answers to the swarm prompts: a service's replicas or image, a new secret's name and then
//! its value (hidden; or `NAME < FILE`, read by the core). The commands are the core's
//! [`SwarmOp`]s, confirmed first when destructive like every command.

use wharf_core::command::{Command, SwarmOp};
use wharf_core::engine::{ConfigSource, SecretSource, SecretValue, ServiceChange};
use wharf_core::model::Config;

use super::App;
use crate::msg::Effect;
use crate::prompt::{Confirm, Input, Mode, PromptKind, TextPopup};

/// A config's data as the popup shows it: inert (the core's rule), line breaks kept; binary
/// data and a cut preview say so.
pub(super) fn config_popup(c: &Config) -> TextPopup {
    let c = wharf_core::rules::inert::config(c);
    let mut lines: Vec<String> = match &c.data {
        Some(d) => d.lines().map(str::to_owned).collect(),
        None => vec![format!("(binary data, {} bytes: not shown)", c.size)],
    };
    if c.truncated {
        lines.push(format!(
            "… (first {} of {} bytes)",
            wharf_core::model::CONFIG_PREVIEW_BYTES,
            c.size
        ));
    }
    TextPopup {
        title: format!("config {} ({} bytes)", c.name, c.size),
        lines,
        scroll: 0,
    }
}

/// The answer to a secret's or config's name prompt: `NAME < FILE` (the data from a file, `~`
/// expanded), a bare name (the data is asked next), or nothing.
enum NameAnswer {
    File { name: String, path: String },
    Name(String),
    Empty,
}

fn name_or_file(text: &str) -> NameAnswer {
    match text.split_once('<') {
        Some((name, path)) => NameAnswer::File {
            name: name.trim().to_owned(),
            path: super::prompts::expand_home(path.trim())
                .display()
                .to_string(),
        },
        None if text.is_empty() => NameAnswer::Empty,
        None => NameAnswer::Name(text.to_owned()),
    }
}

impl App {
    pub(super) fn on_swarm_prompt(&mut self, kind: PromptKind, text: &str) -> Vec<Effect> {
        let op = match kind {
            PromptKind::Scale { id, name } => match text.parse::<u64>() {
                Ok(replicas) => SwarmOp::UpdateService {
                    id,
                    name,
                    change: ServiceChange::Scale { replicas },
                },
                Err(_) => {
                    self.toast(
                        format!("'{text}' is not a number of replicas (0 or more)"),
                        true,
                    );
                    return Vec::new();
                }
            },
            PromptKind::ServiceImage { id, name } => SwarmOp::UpdateService {
                id,
                name,
                change: ServiceChange::Image {
                    image: text.to_owned(),
                },
            },
            PromptKind::SecretName => match name_or_file(text) {
                NameAnswer::File { name, path } => SwarmOp::CreateSecret {
                    name,
                    source: SecretSource::File { path },
                },
                NameAnswer::Name(name) => {
                    self.mode = Mode::Input(PromptKind::SecretValue(name), Input::new(""));
                    return Vec::new();
                }
                NameAnswer::Empty => return Vec::new(),
            },
            PromptKind::ConfigName => match name_or_file(text) {
                NameAnswer::File { name, path } => SwarmOp::CreateConfig {
                    name,
                    source: ConfigSource::File { path },
                },
                NameAnswer::Name(name) => {
                    self.mode = Mode::Input(PromptKind::ConfigText(name), Input::new(""));
                    return Vec::new();
                }
                NameAnswer::Empty => return Vec::new(),
            },
            PromptKind::ConfigText(name) => SwarmOp::CreateConfig {
                name,
                source: ConfigSource::Text {
                    value: text.to_owned(),
                },
            },
            PromptKind::SecretValue(name) => SwarmOp::CreateSecret {
                name,
                source: SecretSource::Text {
                    value: SecretValue::new(text),
                },
            },
            _ => return Vec::new(),
        };
        let cmd = Command::Swarm { op };
        if let Err(e) = cmd.validate() {
            self.toast(e.to_string(), true);
            return Vec::new();
        }
        self.confirm_or_run(Confirm {
            title: format!("{cmd}?"),
            objects: Vec::new(),
            commands: vec![cmd],
            notes: Vec::new(),
        })
    }
}

//! Modal states: the help screen, confirmations, and one-line text inputs.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf_core::command::Command;
use wharf_core::model::ContainerId;

/// What has the keyboard.
#[derive(Debug, Clone, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// The help screen, scrolled by this many lines.
    Help(u16),
    Confirm(Confirm),
    Input(PromptKind, Input),
    /// A read-only text (a config's data).
    Text(TextPopup),
}

/// What [`Mode::Text`] shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPopup {
    pub title: String,
    /// Inert lines.
    pub lines: Vec<String>,
    pub scroll: u16,
}

/// What a text input is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    Filter,
    Command,
    Rename(ContainerId),
    CreateNetwork,
    CreateVolume,
    SaveLogs,
    LogSearch,
    /// The command to run in a container's shell, editable before it starts.
    Exec(ContainerId),
    /// `:login HOST`: the user name, then the password (shown as dots), then where to keep
    /// them (`s` this session only, `w` save where the footer says).
    LoginUser(String),
    LoginPassword {
        host: String,
        user: String,
    },
    LoginSave {
        host: String,
        user: String,
        password: wharf_core::engine::Secret,
    },
    /// The host folder to copy a container path into.
    CopyOut {
        id: ContainerId,
        src: String,
    },
    /// The host path to copy into a container directory.
    CopyIn {
        id: ContainerId,
        dest: String,
    },
    /// A service's new replica count.
    Scale {
        id: wharf_core::model::ServiceId,
        name: String,
    },
    /// A service's new image.
    ServiceImage {
        id: wharf_core::model::ServiceId,
        name: String,
    },
    /// A new secret's name, or `NAME < FILE` to read its value from a file.
    SecretName,
    /// A new secret's value, shown as dots.
    SecretValue(String),
    /// A new config's name, or `NAME < FILE` to read its data from a file.
    ConfigName,
    /// A new config's data (one line of text).
    ConfigText(String),
    /// `y` replaces the host path a copy out found in its way.
    Overwrite {
        id: ContainerId,
        src: String,
        dest: std::path::PathBuf,
    },
    /// Where to export the dashboard's graphs (`.png`, `.svg` or `.csv`).
    DashExport,
    /// `y` replaces the file a dashboard export found in its way.
    DashOverwrite(std::path::PathBuf),
    /// Where to export container `id`'s Stats graphs (`.png` or `.svg`).
    StatsExport(ContainerId),
    /// `y` replaces the file a Stats export found in its way.
    StatsOverwrite {
        id: ContainerId,
        path: std::path::PathBuf,
    },
}

impl PromptKind {
    pub fn label(&self) -> &'static str {
        match self {
            PromptKind::Filter => "/",
            PromptKind::Command => ":",
            PromptKind::Rename(_) => "new name: ",
            PromptKind::CreateNetwork => {
                "network name [subnet= gateway= ip-range= opt=K=V label=K=V internal attachable]: "
            }
            PromptKind::CreateVolume => "volume name: ",
            PromptKind::SaveLogs => "save logs to: ",
            PromptKind::LogSearch => "search logs: ",
            PromptKind::Exec(_) => "run in container: ",
            PromptKind::LoginUser(_) => "registry user: ",
            PromptKind::LoginPassword { .. } => "password (hidden): ",
            PromptKind::LoginSave { .. } => "keep the login: s = this session only, w = save: ",
            PromptKind::CopyOut { .. } => "copy out to host folder: ",
            PromptKind::CopyIn { .. } => "copy in from host path: ",
            PromptKind::Overwrite { .. } => "already on the host; type y to overwrite it: ",
            PromptKind::Scale { .. } => "replicas: ",
            PromptKind::ServiceImage { .. } => "new image: ",
            PromptKind::SecretName => {
                "secret name (or NAME < FILE to read the value from a file): "
            }
            PromptKind::SecretValue(_) => "secret value (hidden): ",
            PromptKind::ConfigName => "config name (or NAME < FILE to read its data from a file): ",
            PromptKind::ConfigText(_) => "config data (one line): ",
            PromptKind::DashExport => "export the graphs to (.png, .svg or .csv): ",
            PromptKind::DashOverwrite(_) => "the file exists; type y to overwrite it: ",
            PromptKind::StatsExport(_) => "export the container's graphs to (.png or .svg): ",
            PromptKind::StatsOverwrite { .. } => "the file exists; type y to overwrite it: ",
        }
    }
}

/// A confirmation naming exactly what will be done to which objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    /// One line per object.
    pub objects: Vec<String>,
    pub commands: Vec<Command>,
    /// Extra lines (space reclaimed by a prune, warnings).
    pub notes: Vec<String>,
}

impl Confirm {
    /// Whether `f` toggles force on these commands.
    pub fn has_force(&self) -> bool {
        self.commands.iter().any(|c| {
            matches!(
                c,
                Command::Remove { .. } | Command::RemoveImage { .. } | Command::RemoveVolume { .. }
            )
        })
    }

    pub fn has_volumes(&self) -> bool {
        self.commands
            .iter()
            .any(|c| matches!(c, Command::Remove { .. }))
    }

    pub fn force(&self) -> bool {
        self.commands.iter().any(|c| match c {
            Command::Remove { force, .. }
            | Command::RemoveImage { force, .. }
            | Command::RemoveVolume { force, .. } => *force,
            _ => false,
        })
    }

    pub fn volumes(&self) -> bool {
        self.commands
            .iter()
            .any(|c| matches!(c, Command::Remove { volumes: true, .. }))
    }

    pub fn toggle_force(&mut self) {
        let on = !self.force();
        for c in &mut self.commands {
            match c {
                Command::Remove { force, .. }
                | Command::RemoveImage { force, .. }
                | Command::RemoveVolume { force, .. } => *force = on,
                _ => {}
            }
        }
    }

    /// Whether `p` toggles "keep untagged parents" (image removals).
    pub fn has_no_prune(&self) -> bool {
        self.commands
            .iter()
            .any(|c| matches!(c, Command::RemoveImage { .. }))
    }

    pub fn no_prune(&self) -> bool {
        self.commands
            .iter()
            .any(|c| matches!(c, Command::RemoveImage { no_prune: true, .. }))
    }

    pub fn toggle_no_prune(&mut self) {
        let on = !self.no_prune();
        for c in &mut self.commands {
            if let Command::RemoveImage { no_prune, .. } = c {
                *no_prune = on;
            }
        }
    }

    pub fn toggle_volumes(&mut self) {
        let on = !self.volumes();
        for c in &mut self.commands {
            if let Command::Remove { volumes, .. } = c {
                *volumes = on;
            }
        }
    }
}

/// A one-line editor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
    history_pos: Option<usize>,
}

impl Input {
    pub fn new(text: &str) -> Input {
        Input {
            text: text.to_owned(),
            cursor: text.chars().count(),
            history_pos: None,
        }
    }

    fn byte_at(&self, char_pos: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_pos)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn edit(&mut self, k: KeyEvent) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('u') if ctrl => {
                let b = self.byte_at(self.cursor);
                self.text.replace_range(..b, "");
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                let b = self.byte_at(self.cursor);
                let start = self.text[..b].trim_end().rfind(' ').map_or(0, |i| i + 1);
                let removed = self.text[start..b].chars().count();
                self.text.replace_range(start..b, "");
                self.cursor -= removed;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.chars().count(),
            KeyCode::Char(c) if !ctrl => {
                let b = self.byte_at(self.cursor);
                self.text.insert(b, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let b = self.byte_at(self.cursor - 1);
                self.text.remove(b);
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < self.text.chars().count() => {
                let b = self.byte_at(self.cursor);
                self.text.remove(b);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.text.chars().count()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.chars().count(),
            _ => {}
        }
    }

    /// Complete the last word from `candidates` (the longest common prefix when several fit).
    pub fn complete(&mut self, candidates: &[String]) {
        if candidates.is_empty() {
            return;
        }
        let start = self.text.rfind(' ').map_or(0, |i| i + 1);
        let common = candidates
            .iter()
            .skip(1)
            .fold(candidates[0].clone(), |acc, c| {
                acc.chars()
                    .zip(c.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect()
            });
        let mut text = self.text[..start].to_owned();
        text.push_str(&common);
        if candidates.len() == 1 {
            text.push(' ');
        }
        *self = Input::new(&text);
    }

    /// Walk the history: `up` goes to older entries.
    pub fn history(&mut self, hist: &[String], up: bool) {
        if hist.is_empty() {
            return;
        }
        let pos = match (self.history_pos, up) {
            (None, true) => Some(hist.len() - 1),
            (None, false) => None,
            (Some(p), true) => Some(p.saturating_sub(1)),
            (Some(p), false) if p + 1 < hist.len() => Some(p + 1),
            (Some(_), false) => None,
        };
        let text = pos.map_or("", |p| hist[p].as_str()).to_owned();
        *self = Input::new(&text);
        self.history_pos = pos;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn editing() {
        let mut i = Input::default();
        for c in "héllo".chars() {
            i.edit(key(KeyCode::Char(c)));
        }
        i.edit(key(KeyCode::Left));
        i.edit(key(KeyCode::Backspace));
        assert_eq!(i.text, "hélo");
        i.edit(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!((i.text.as_str(), i.cursor), ("o", 0));
    }

    #[test]
    fn completion_and_history() {
        let mut i = Input::new("im");
        i.complete(&["images".into()]);
        assert_eq!(i.text, "images ");
        let mut i = Input::new("prune vol");
        i.complete(&["volumes".into(), "volumes-all".into()]);
        assert_eq!(i.text, "prune volumes");
        let hist = vec!["a".to_owned(), "b".to_owned()];
        let mut i = Input::default();
        i.history(&hist, true);
        assert_eq!(i.text, "b");
        i.history(&hist, true);
        assert_eq!(i.text, "a");
        i.history(&hist, false);
        assert_eq!(i.text, "b");
    }
}

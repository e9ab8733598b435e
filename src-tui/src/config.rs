//! The configuration file (`$XDG_CONFIG_HOME/wharf/config.toml`): defaults in code, every
//! field optional in the file, unknown fields refused with the file's name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use serde::{Deserialize, Serialize};

use crate::keymap::KeyMap;
use crate::kinds::{view_names, View};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Refuse every action that changes the engine.
    pub read_only: bool,
    /// Capture the mouse (click to select, wheel to scroll, click headers to sort).
    pub mouse: bool,
    /// `containers`, `images`, `networks`, `volumes`, `projects`, `events` or `engine`.
    pub default_view: String,
    /// Lines fetched when logs open.
    pub log_tail: usize,
    /// Lines kept in memory per log view; the oldest go first.
    pub log_buffer: usize,
    /// Stats sampling period, milliseconds.
    pub refresh_ms: u64,
    /// Show stopped containers at start.
    pub show_stopped: bool,
    pub theme: Theme,
    /// Action → keys overrides, e.g. `stop = ["x"]`.
    pub keys: BTreeMap<String, Vec<String>>,
    /// Opt-in audit log: one JSON line per engine call a user action makes (`--audit-log`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_log: Option<PathBuf>,
    /// The key sequence that leaves a container shell without ending it (like docker's
    /// `--detach-keys`); it also cancels a shell that is still starting.
    pub detach_keys: Vec<String>,
    /// Engines of the fleet view (`--fleet`, or named by `--host`/`--context`): name, host or
    /// ssh or context, TLS files, colour (`red` = production), read_only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub engines: Vec<wharf_core::fleet::EngineEntry>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            read_only: false,
            mouse: true,
            default_view: "containers".into(),
            log_tail: 1000,
            log_buffer: 10_000,
            refresh_ms: 1000,
            show_stopped: true,
            theme: Theme::default(),
            keys: BTreeMap::new(),
            audit_log: None,
            detach_keys: vec!["ctrl-p".into(), "ctrl-q".into()],
            engines: Vec::new(),
        }
    }
}

/// Colours by role, as names (`cyan`, `lightred`) or `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Theme {
    pub accent: String,
    pub running: String,
    pub paused: String,
    pub stopped: String,
    pub error: String,
    pub muted: String,
    pub selection_bg: String,
    pub mark: String,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: "cyan".into(),
            running: "green".into(),
            paused: "yellow".into(),
            stopped: "darkgray".into(),
            error: "lightred".into(),
            muted: "gray".into(),
            selection_bg: "#303a46".into(),
            mark: "magenta".into(),
        }
    }
}

/// The theme with colours parsed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub accent: Color,
    pub running: Color,
    pub paused: Color,
    pub stopped: Color,
    pub error: Color,
    pub muted: Color,
    pub selection_bg: Color,
    pub mark: Color,
}

impl Default for Palette {
    fn default() -> Self {
        // The default theme's names all parse (a test checks it); the terminal's own colours
        // are only a fallback that cannot happen, not a second copy of the defaults.
        Theme::default().palette().unwrap_or(Palette {
            accent: Color::Reset,
            running: Color::Reset,
            paused: Color::Reset,
            stopped: Color::Reset,
            error: Color::Reset,
            muted: Color::Reset,
            selection_bg: Color::Reset,
            mark: Color::Reset,
        })
    }
}

impl Theme {
    pub fn palette(&self) -> Result<Palette, String> {
        let c = |role: &str, s: &str| {
            s.parse::<Color>().map_err(|_| {
                format!("theme.{role}: {s:?} is not a colour (a name like cyan or #rrggbb)")
            })
        };
        Ok(Palette {
            accent: c("accent", &self.accent)?,
            running: c("running", &self.running)?,
            paused: c("paused", &self.paused)?,
            stopped: c("stopped", &self.stopped)?,
            error: c("error", &self.error)?,
            muted: c("muted", &self.muted)?,
            selection_bg: c("selection_bg", &self.selection_bg)?,
            mark: c("mark", &self.mark)?,
        })
    }
}

/// `$XDG_CONFIG_HOME/wharf/config.toml`, or `~/.config/wharf/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("wharf").join("config.toml"))
}

/// Where Wharf writes its own log: `$XDG_STATE_HOME/wharf/wharf.log` or `~/.local/state/…`.
pub fn default_log_path() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("wharf")
        .join("wharf.log")
}

impl Config {
    /// Load `path`; a missing file at the default location is fine, a named one must exist.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Config::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default())
            }
            Err(e) => return Err(format!("cannot read config {}: {e}", path.display())),
        };
        let cfg = Self::parse(&text).map_err(|e| format!("config {}: {e}", path.display()))?;
        Ok(cfg)
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let cfg: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), String> {
        if View::parse(&self.default_view).is_none() {
            return Err(format!(
                "default_view {:?} is not one of {}",
                self.default_view,
                view_names().join(", ")
            ));
        }
        if self.refresh_ms < 250 {
            return Err(format!(
                "refresh_ms {} is below the minimum of 250",
                self.refresh_ms
            ));
        }
        wharf_core::fleet::from_config(&self.engines).map_err(|e| e.to_string())?;
        for e in &self.engines {
            if let Some(c) = &e.colour {
                if c.parse::<Color>().is_err() {
                    return Err(format!(
                        "engines ({}): colour {c:?} is not a colour (a name like red or #rrggbb)",
                        e.name
                    ));
                }
            }
        }
        if self.log_buffer == 0 {
            return Err("log_buffer must be at least 1".into());
        }
        self.theme.palette()?;
        KeyMap::with_overrides(&self.keys)?;
        crate::keymap::DetachKeys::parse(&self.detach_keys)?;
        Ok(())
    }

    /// The effective configuration as TOML, keys included.
    pub fn to_toml(&self, keymap: &KeyMap) -> String {
        let mut full = self.clone();
        full.keys = keymap.to_config();
        toml::to_string(&full).unwrap_or_else(|e| format!("# cannot print config: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_file_keeps_defaults() {
        let c = Config::parse("read_only = true\n[keys]\nstop = [\"x\"]\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(c.read_only);
        assert_eq!(c.log_tail, 1000);
        assert_eq!(c.keys.get("stop"), Some(&vec!["x".to_owned()]));
    }

    #[test]
    fn bad_values_are_named() {
        for (text, says) in [
            ("default_view = \"pods\"", "default_view"),
            ("refresh_ms = 10", "refresh_ms"),
            ("[theme]\naccent = \"sparkly\"", "theme.accent"),
            ("[keys]\nexplode = [\"x\"]", "explode"),
            ("colour = 1", "colour"),
        ] {
            let e = Config::parse(text)
                .err()
                .unwrap_or_else(|| panic!("accepted {text}"));
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn printed_config_parses_back() {
        let c = Config::default();
        let text = c.to_toml(&KeyMap::default());
        let back = Config::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back.log_tail, c.log_tail);
        assert!(back.keys.contains_key("quit"));
    }

    #[test]
    fn the_default_theme_parses() {
        let p = Theme::default().palette().expect("default theme");
        assert_eq!(p.accent, Color::Cyan);
        assert_eq!(p.selection_bg, Color::Rgb(0x30, 0x3a, 0x46));
    }
}

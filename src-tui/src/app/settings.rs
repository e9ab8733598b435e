//! Settings fixed at start, from the configuration.

use crate::config::{Config, Palette};
use crate::keymap::KeyMap;

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub read_only: bool,
    /// The engine's TLS certificate is not verified (`--insecure-skip-tls-verify` let the
    /// endpoint skip it): the header shows `TLS NOT VERIFIED` while it is so.
    pub tls_unverified: bool,
    pub mouse: bool,
    pub log_tail: usize,
    pub log_buffer: usize,
    pub palette: Palette,
    pub keymap: KeyMap,
    pub detach_keys: crate::exec::DetachKeys,
}

impl Settings {
    pub fn from_config(cfg: &Config) -> Result<Settings, String> {
        Ok(Settings {
            read_only: cfg.read_only,
            tls_unverified: false,
            mouse: cfg.mouse,
            log_tail: cfg.log_tail,
            log_buffer: cfg.log_buffer,
            palette: cfg.theme.palette()?,
            keymap: KeyMap::with_overrides(&cfg.keys)?,
            detach_keys: crate::exec::DetachKeys::parse(&cfg.detach_keys)?,
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        // The default configuration is valid by construction.
        Settings::from_config(&Config::default()).unwrap_or(Settings {
            read_only: false,
            tls_unverified: false,
            mouse: true,
            log_tail: 1000,
            log_buffer: 10_000,
            palette: Palette::default(),
            keymap: KeyMap::default(),
            detach_keys: crate::exec::DetachKeys::default(),
        })
    }
}

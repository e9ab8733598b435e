//! Settings fixed at start, from the configuration.

use crate::config::{Config, Palette};
use crate::keymap::{DetachKeys, KeyMap};

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
    pub detach_keys: DetachKeys,
}

impl Settings {
    pub fn from_config(cfg: &Config) -> Result<Settings, String> {
        Ok(Settings {
            palette: cfg.theme.palette()?,
            keymap: KeyMap::with_overrides(&cfg.keys)?,
            detach_keys: DetachKeys::parse(&cfg.detach_keys)?,
            ..Settings::unparsed(cfg)
        })
    }

    /// `cfg`'s plain values; the parts that need parsing (colours, keys) at their defaults,
    /// which are what the default configuration parses to (a test checks it).
    fn unparsed(cfg: &Config) -> Settings {
        Settings {
            read_only: cfg.read_only,
            tls_unverified: false,
            mouse: cfg.mouse,
            log_tail: cfg.log_tail,
            log_buffer: cfg.log_buffer,
            palette: Palette::default(),
            keymap: KeyMap::default(),
            detach_keys: DetachKeys::default(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::unparsed(&Config::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_settings_are_the_default_configuration() {
        let parsed = Settings::from_config(&Config::default()).expect("default config parses");
        let d = Settings::default();
        assert_eq!(parsed.palette, d.palette);
        assert_eq!(parsed.detach_keys, d.detach_keys);
        assert_eq!(format!("{:?}", parsed.keymap), format!("{:?}", d.keymap));
        assert_eq!(
            (
                parsed.read_only,
                parsed.mouse,
                parsed.log_tail,
                parsed.log_buffer
            ),
            (d.read_only, d.mouse, d.log_tail, d.log_buffer)
        );
    }
}

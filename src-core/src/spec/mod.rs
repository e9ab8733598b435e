//! User input → what the engine takes (signals, object names, run forms), each parser
//! rejecting bad input with a precise message. [`run`] is the run form; its field parsers are
//! in `fields` and its `docker run` line in `cmdline`.

pub mod build;
pub(crate) mod cmdline;
pub mod diff;
pub mod dockerignore;
pub(crate) mod fields;
pub mod network;
pub mod run;
#[cfg(test)]
mod run_tests;
pub mod update;

use crate::error::{CoreError, Result};

/// Signals `docker kill` accepts by name.
const SIGNALS: &[&str] = &[
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

/// `SIGTERM`, `term`, `15` → the form the engine takes (`SIGTERM` or `15`).
pub fn parse_signal(s: &str) -> Result<String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u32>() {
        return if (1..=64).contains(&n) {
            Ok(n.to_string())
        } else {
            Err(CoreError::invalid_input(format!(
                "signal number {n} is out of range 1-64"
            )))
        };
    }
    let up = t.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    if SIGNALS.contains(&name) || name.starts_with("RTMIN") || name.starts_with("RTMAX") {
        Ok(format!("SIG{name}"))
    } else {
        Err(CoreError::invalid_input(format!(
            "unknown signal {s:?}; use a name like SIGTERM, SIGKILL, SIGHUP or a number"
        )))
    }
}

/// Container, network and volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, as the engine demands.
pub fn validate_name(what: &str, name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {
            chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        }
        _ => false,
    };
    if ok && name.len() <= 255 {
        Ok(())
    } else if name.is_empty() {
        Err(CoreError::invalid_input(format!(
            "the {what} name is empty"
        )))
    } else {
        Err(CoreError::invalid_input(format!(
            "invalid {what} name {name:?}: use letters, digits, '_', '.' and '-', starting with a letter or digit"
        )))
    }
}

/// An image reference as the engine takes it (`[registry/]name[:tag][@digest]`), or the
/// parser's precise reason: "'Foo:bar' is not a valid image name: repository names must be
/// lowercase". Checked before any pull, push or tag is sent.
pub fn parse_image_ref(s: &str) -> Result<run::ImageRef> {
    fields::parse_image(s).map_err(|why| {
        let why = if name_has_uppercase(s.trim()) {
            "repository names must be lowercase".to_owned()
        } else {
            why
        };
        CoreError::invalid_input(format!("'{}' is not a valid image name: {why}", s.trim()))
    })
}

/// Whether the name part of a reference (not its registry host, tag or digest) has an
/// uppercase letter: the most common mistake, named as such.
fn name_has_uppercase(s: &str) -> bool {
    let s = s.split('@').next().unwrap_or(s);
    let slash = s.rfind('/').map_or(0, |i| i + 1);
    let s = match s[slash..].rfind(':') {
        Some(i) => &s[..slash + i],
        None => s,
    };
    let mut parts = s.split('/');
    let first = parts.next().unwrap_or("");
    let host =
        s.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let name: Vec<&str> = if host {
        parts.collect()
    } else {
        s.split('/').collect()
    };
    name.iter()
        .any(|p| p.chars().any(|c| c.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals() {
        assert_eq!(parse_signal("term").ok().as_deref(), Some("SIGTERM"));
        assert_eq!(parse_signal("SIGKILL").ok().as_deref(), Some("SIGKILL"));
        assert_eq!(parse_signal("9").ok().as_deref(), Some("9"));
        assert!(parse_signal("0").is_err());
        assert!(parse_signal("SIGFOO").is_err());
    }

    #[test]
    fn names() {
        assert!(validate_name("container", "web-1.a_b").is_ok());
        for bad in ["", "-x", "a b", "a/b", "é"] {
            assert!(validate_name("container", bad).is_err(), "{bad}");
        }
    }
}

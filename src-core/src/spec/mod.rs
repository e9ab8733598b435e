//! User input → what the engine takes (signals, object names, run forms), each parser
//! rejecting bad input with a precise message. [`run`] is the run form; its field parsers are
//! in `fields` and its `docker run` line in `cmdline`.

pub mod build;
pub(crate) mod cmdline;
pub mod dockerignore;
pub(crate) mod fields;
pub mod run;
#[cfg(test)]
mod run_tests;

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

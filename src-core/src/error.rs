//! The core's one error type.
//!
//! Every fallible core function returns [`CoreError`]: a machine-readable [`ErrorKind`] for
//! callers that branch on it (the TUI shows a confirmation for `Conflict`, the desktop app maps
//! it to `{kind, message}`), a message that names the cause, and an optional hint that names
//! the fix. The underlying error, when there is one, is kept as `source` so nothing is lost.

use std::fmt;

use serde::Serialize;

/// What went wrong, coarse enough to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The object does not exist (404).
    NotFound,
    /// The object is in a state that forbids the action: running, in use, already exists (409).
    Conflict,
    /// The engine cannot be reached: socket missing, connection refused, timeout, stream broken.
    Unavailable,
    /// Access refused: socket permission, TLS client certificate rejected, SSH auth.
    Denied,
    /// The TLS handshake or certificate verification failed.
    Tls,
    /// User input that cannot be used: a bad port spec, image reference, regex.
    InvalidInput,
    /// A configuration file (docker config, context meta.json) is missing or malformed.
    Config,
    /// The engine answered with an error that fits no other kind (5xx, bad JSON).
    Engine,
    /// A local I/O failure outside the engine connection (writing a log file, reading certs).
    Io,
    /// The operation was cancelled because its subscriber went away.
    Cancelled,
}

impl ErrorKind {
    /// A short lowercase label, stable for logs and the desktop bridge.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Denied => "denied",
            ErrorKind::Tls => "tls",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Config => "config",
            ErrorKind::Engine => "engine",
            ErrorKind::Io => "io",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The core's error: a kind, a message naming the cause, an optional hint naming the fix.
#[derive(Debug)]
pub struct CoreError {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    source: Option<Source>,
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

impl CoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CoreError {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    /// Attach the fix a user should try.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Keep the underlying error for `source()` chains and debug logs.
    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Prefix the message with what was being done, e.g. `stop container web`.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The serializable face of an error, for the desktop bridge and JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

impl From<&CoreError> for ErrorReport {
    fn from(e: &CoreError) -> Self {
        ErrorReport {
            kind: e.kind,
            message: e.message.clone(),
            hint: e.hint.clone(),
        }
    }
}

/// So a desktop command returning `Result<_, ErrorReport>` can use `?` on core calls.
impl From<CoreError> for ErrorReport {
    fn from(e: CoreError) -> Self {
        ErrorReport {
            kind: e.kind,
            message: e.message,
            hint: e.hint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_carries_message_and_hint() {
        let e = CoreError::new(
            ErrorKind::Denied,
            "permission denied on /var/run/docker.sock",
        )
        .with_hint("add your user to the docker group");
        assert_eq!(
            e.to_string(),
            "permission denied on /var/run/docker.sock (hint: add your user to the docker group)"
        );
        assert_eq!(e.kind(), ErrorKind::Denied);
    }

    #[test]
    fn context_prefixes() {
        let e = CoreError::not_found("no such container").context("stop web");
        assert_eq!(e.message(), "stop web: no such container");
    }
}

//! Fired alerts as the history keeps them and both UIs list them (the rules that fire them
//! live in `crate::alerts`).

use serde::{Deserialize, Serialize};

/// The result of one action of a fired alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActionResult {
    /// `webhook`, `command` or `notify`.
    pub action: String,
    pub ok: bool,
    /// `HTTP 200`, `exit 0`, or what went wrong.
    pub detail: String,
}

/// A fired alert as the history keeps it and both UIs list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FiredAlert {
    /// The row id: increases with every alert.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// Unix milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at_ms: i64,
    pub rule: String,
    pub engine: String,
    /// Short container id.
    pub container_id: String,
    /// Inert (made printable) container name.
    pub container: String,
    /// The cooldown key (`compose:PROJECT/SERVICE` or `name:NAME`).
    pub key: String,
    /// What happened, inert: `exited with code 1`, `log line matched /ERROR/: …`.
    pub cause: String,
    /// Whether the rule asked for a desktop notification / terminal toast.
    pub notify: bool,
    /// Empty while the actions run.
    pub actions: Vec<ActionResult>,
}

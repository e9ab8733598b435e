//! Alerts without an agent: rules from a file (`rules`), a pure evaluator (`eval`: events,
//! stats samples and log lines in, fires out, time from a [`crate::clock::Clock`]), actions
//! (`actions`: webhook, command; the UIs add their notification, toast and bell), and the
//! runner (`runner`) that follows a session and keeps what fired in the history database.
//!
//! - **Once per cooldown.** A rule fires at most once per cooldown for one container *key*
//!   (its compose service, else its name, as the history keys series), so a recreated or
//!   restarting container does not fire again; the last fire times are read back from the
//!   history at start, so a restarted `wharf watch` or a UI taking over keeps them.
//! - **One evaluator.** Whoever holds `<history>.alerts.lock` evaluates: `wharf watch` takes
//!   it (waiting for a UI to give it up); a UI takes it only while no `wharf watch` holds the
//!   history's writer lock, and gives it up as soon as one does (see [`runner::AlertsLock`]).
//! - **Actions never block the evaluator.** Each runs in its own task with a timeout; its
//!   result is written to the alert's row when it ends.
//!
//! Layer: above `history` (it records there) and `session` (it follows one).

pub mod actions;
pub mod eval;
pub mod page;
pub mod reload;
pub mod rules;
pub mod runner;
pub mod webhook;

use std::collections::BTreeMap;

pub use crate::model::{ActionResult, FiredAlert};
pub use eval::{Evaluator, Fire};
pub use rules::{Rule, RuleError, RuleSpec, RulesFile, SelectSpec, TriggerSpec};
pub use webhook::{Webhook, WebhookSpec};

/// A container as the rules see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The engine's endpoint.
    pub engine: String,
    /// Full container id.
    pub id: String,
    pub name: String,
    pub project: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// What cooldowns are kept by: `compose:PROJECT/SERVICE` or `name:NAME`.
    pub key: String,
}

impl Target {
    pub fn of(engine: &str, c: &crate::model::Container) -> Target {
        Target {
            engine: engine.to_owned(),
            id: c.id.to_string(),
            name: c.name.trim_start_matches('/').to_owned(),
            project: c.compose.as_ref().map(|r| r.project.clone()),
            labels: c.labels.clone(),
            key: crate::history::SeriesKey::of(engine, c).key,
        }
    }

    /// The container of a container event (its attributes carry name and labels).
    pub fn of_event(engine: &str, e: &crate::model::EngineEvent) -> Option<Target> {
        let key = crate::history::SeriesKey::of_event(engine, e)?;
        let mut labels = e.attributes.clone();
        for k in ["name", "image", "exitCode", "execDuration", "signal"] {
            labels.remove(k);
        }
        Some(Target {
            engine: engine.to_owned(),
            id: e.actor_id.clone(),
            name: e
                .name()
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_owned(),
            project: crate::model::ComposeRef::from_labels(&e.attributes).map(|r| r.project),
            labels,
            key: key.key,
        })
    }
}

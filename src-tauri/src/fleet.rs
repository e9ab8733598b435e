//! The Fleet page's commands: several engines at once through the core's `fleet` module.
//!
//! Which engines: the desktop reads the same `[[engines]]` table as the terminal UI, from the
//! same file (`$XDG_CONFIG_HOME/wharf/config.toml`, else `~/.config/wharf/config.toml`;
//! other keys of that file are the terminal's and ignored here), plus every docker context
//! and any address the page adds. One `Fleet` at a time, beside the single-engine link (which
//! it does not touch). The page asks `fleet_snapshot` while the page is shown: it merges the
//! members' latest snapshots and never waits for an engine, so a frozen one cannot slow it.
//! Commands are routed by engine name; per-engine read-only is each member's core policy
//! (the app's `--read-only` applies to all), and a destructive one runs only `confirmed`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tauri::State;
use wharf_core::command::Command;
use wharf_core::error::ErrorReport;
use wharf_core::fleet::{self, EngineEntry, Fleet, FleetContainer, FleetSnapshot};
use wharf_core::rules::inert;
use wharf_core::streams::text::inert as inert_text;
use wharf_core::CoreError;

use crate::commands::CmdResult;
use crate::Desk;

/// The fleet open in this window, and where its configuration is read.
#[derive(Default)]
pub struct FleetState {
    config: Mutex<Option<PathBuf>>,
    fleet: Mutex<Option<Arc<Fleet>>>,
}

impl FleetState {
    /// The configuration file of the process's environment.
    pub fn from_env() -> FleetState {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
        let state = FleetState::default();
        state.set_config(base.map(|b| b.join("wharf/config.toml")));
        state
    }

    /// Read `[[engines]]` from `path` instead (tests).
    pub fn set_config(&self, path: Option<PathBuf>) {
        if let Ok(mut c) = self.config.lock() {
            *c = path;
        }
    }

    pub(crate) fn current(&self) -> CmdResult<Arc<Fleet>> {
        self.fleet
            .lock()
            .ok()
            .and_then(|f| f.clone())
            .ok_or_else(|| ErrorReport::from(CoreError::invalid_input("no fleet is open")))
    }
}

/// Only the table this module reads; the rest of the file is the terminal's.
#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    engines: Vec<EngineEntry>,
}

fn configured(path: Option<&std::path::Path>) -> CmdResult<Vec<EngineEntry>> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(ErrorReport::from(CoreError::config(format!(
                "cannot read {}: {e}",
                path.display()
            ))))
        }
    };
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        ErrorReport::from(CoreError::config(format!("config {}: {e}", path.display())))
    })?;
    Ok(file.engines)
}

/// An engine command the page sends: which engine, and the command.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FleetItem {
    pub engine: String,
    pub cmd: Command,
}

/// The merged listing with every engine string made inert.
fn view(s: FleetSnapshot) -> FleetSnapshot {
    let clean = |t: &str| inert_text(t).into_owned();
    FleetSnapshot {
        engines: s
            .engines
            .into_iter()
            .map(|mut e| {
                e.name = clean(&e.name);
                e.endpoint = clean(&e.endpoint);
                e.error = e.error.as_deref().map(clean);
                e
            })
            .collect(),
        containers: s
            .containers
            .into_iter()
            .map(|r| FleetContainer {
                engine: clean(&r.engine),
                container: match inert::container(&r.container) {
                    std::borrow::Cow::Borrowed(_) => r.container,
                    std::borrow::Cow::Owned(c) => Arc::new(c),
                },
            })
            .collect(),
    }
}

/// Open the fleet (replacing one already open): the configured engines, every docker
/// context, and `hosts`. Returns the first merged listing (engines still connecting).
#[tauri::command]
pub async fn fleet_open(
    desk: State<'_, Desk>,
    state: State<'_, FleetState>,
    hosts: Vec<String>,
) -> CmdResult<FleetSnapshot> {
    let path = state.config.lock().ok().and_then(|c| c.clone());
    let entries = configured(path.as_deref())?;
    let configured = fleet::from_config(&entries)?;
    let mut specs = fleet::everything(&configured, &desk.options.connect.env)?;
    for s in fleet::from_flags(&hosts, &[], &configured) {
        if !specs
            .iter()
            .any(|a| a.name == s.name || a.source == s.source)
        {
            specs.push(s);
        }
    }
    let opened = Arc::new(Fleet::open(specs, &desk.options)?);
    let snap = opened.snapshot();
    if let Ok(mut f) = state.fleet.lock() {
        *f = Some(opened);
    }
    Ok(view(snap))
}

/// The merged listing now (never waits for an engine).
#[tauri::command]
pub fn fleet_snapshot(state: State<'_, FleetState>) -> CmdResult<FleetSnapshot> {
    Ok(view(state.current()?.snapshot()))
}

/// Close the fleet: every member's store and hub stop.
#[tauri::command]
pub fn fleet_close(state: State<'_, FleetState>) {
    if let Ok(mut f) = state.fleet.lock() {
        *f = None;
    }
}

/// Run each item on its engine, all at once; one result per item (`null` when done). A
/// destructive command needs `confirmed`; the app's `--read-only` and each engine's own are
/// enforced by the core.
#[tauri::command]
pub async fn fleet_execute(
    state: State<'_, FleetState>,
    items: Vec<FleetItem>,
    confirmed: bool,
) -> CmdResult<Vec<Option<ErrorReport>>> {
    if let Some(i) = items.iter().find(|i| i.cmd.is_destructive()) {
        if !confirmed {
            return Err(ErrorReport::from(CoreError::invalid_input(format!(
                "{} on {}: needs confirmation",
                i.cmd,
                inert_text(&i.engine)
            ))));
        }
    }
    let fleet = state.current()?;
    let pairs: Vec<(String, Command)> = items.into_iter().map(|i| (i.engine, i.cmd)).collect();
    Ok(fleet
        .execute_all(&pairs)
        .await
        .into_iter()
        .map(|r| r.err().map(ErrorReport::from))
        .collect())
}

/// The confirmation lines of a bulk action: each object with its engine (inert).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FleetPlan {
    pub lines: Vec<String>,
    pub destructive: bool,
}

/// What the page's dialog shows before `fleet_execute`.
#[tauri::command]
pub fn fleet_plan(state: State<'_, FleetState>, items: Vec<FleetItem>) -> CmdResult<FleetPlan> {
    let fleet = state.current()?;
    let snap = fleet.snapshot();
    let lines = items
        .iter()
        .map(|i| {
            let name = i
                .cmd
                .container()
                .and_then(|id| {
                    snap.containers
                        .iter()
                        .find(|r| r.engine == i.engine && r.container.id == *id)
                })
                .map_or_else(String::new, |r| r.container.name.clone());
            inert_text(&fleet::describe_command(&i.engine, &name, &i.cmd)).into_owned()
        })
        .collect();
    Ok(FleetPlan {
        lines,
        destructive: items.iter().any(|i| i.cmd.is_destructive()),
    })
}

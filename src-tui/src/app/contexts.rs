//! Switching engine live (`:ctx`): the picker of docker contexts, `:ctx NAME`, and what the
//! app clears when the loop reports the new engine connected.
//!
//! What a switch connects with and when it counts as connected is the core's
//! (`SessionOptions::for_context`, `Session::switch`); the loop runs it in the background and
//! keeps the current session until the new one answers. This file holds what is on screen:
//! the picker, the "connecting to NAME…" note, and resetting every view that named objects
//! of the old engine.

use crossterm::event::{KeyCode, KeyEvent};
use wharf_core::engine::connect::ContextSummary;
use wharf_core::error::CoreError;

use super::{App, ImagesState};
use crate::msg::{Effect, Switched};
use crate::prompt::{Mode, PromptKind};

/// The name of the implicit context: `DOCKER_HOST` or the default socket.
pub const DEFAULT_CONTEXT: &str = "default";

/// The engine side of the app: which context it follows and any switch under way.
#[derive(Debug, Clone, Default)]
pub struct ContextsState {
    /// The context the current session came from (`None`: `--host`, `DOCKER_HOST` or the
    /// default socket).
    pub current: Option<String>,
    /// A switch under way: the context being connected to.
    pub switching: Option<String>,
    /// The contexts last listed, for completion (rows with an error left out).
    pub names: Vec<String>,
    /// The picker, when open.
    pub picker: Option<Picker>,
}

/// The `:ctx` picker: every context with its endpoint and description, or why listing failed.
#[derive(Debug, Clone)]
pub struct Picker {
    /// `None` while listing.
    pub rows: Option<Result<Vec<ContextSummary>, String>>,
    pub selected: usize,
}

impl Picker {
    fn len(&self) -> usize {
        match &self.rows {
            Some(Ok(rows)) => rows.len(),
            _ => 0,
        }
    }

    fn selected_row(&self) -> Option<&ContextSummary> {
        match &self.rows {
            Some(Ok(rows)) => rows.get(self.selected),
            _ => None,
        }
    }
}

impl App {
    /// Whether `row` is the context the app follows now: by name, or for `default` (no
    /// context) when the endpoint is the one it names.
    pub fn is_current_context(&self, row: &ContextSummary) -> bool {
        match &self.contexts.current {
            Some(name) => *name == row.name,
            None => row.name == DEFAULT_CONTEXT && row.host == self.snapshot.endpoint,
        }
    }

    /// `:ctx` opens the picker; `:ctx NAME` switches.
    pub(super) fn ctx_command(&mut self, words: &[&str]) -> Vec<Effect> {
        match words {
            [] => {
                self.contexts.picker = Some(Picker {
                    rows: None,
                    selected: 0,
                });
                vec![Effect::ListContexts]
            }
            [name] => self.switch_to(name),
            _ => {
                self.toast("usage: :ctx [NAME] (tab completes the name)", true);
                Vec::new()
            }
        }
    }

    /// `:host URL`: switch to an address rather than a context.
    pub(super) fn host_command(&mut self, words: &[&str]) -> Vec<Effect> {
        match words {
            [url] => {
                if self.refuse_second_switch() {
                    return Vec::new();
                }
                self.contexts.switching = Some((*url).to_owned());
                self.toast(format!("connecting to {url}…"), false);
                vec![Effect::SwitchHost((*url).to_owned())]
            }
            _ => {
                self.toast(
                    "usage: :host URL (unix:///path, tcp://host:port, ssh://user@host)",
                    true,
                );
                Vec::new()
            }
        }
    }

    /// One switch at a time: a second one waits for the first.
    fn refuse_second_switch(&mut self) -> bool {
        match self.contexts.switching.clone() {
            Some(busy) => {
                self.toast(format!("already connecting to {busy}…"), true);
                true
            }
            None => false,
        }
    }

    fn switch_to(&mut self, name: &str) -> Vec<Effect> {
        if self.refuse_second_switch() {
            return Vec::new();
        }
        if self.contexts.current.as_deref() == Some(name) {
            self.toast(format!("already on context {name}"), false);
            return Vec::new();
        }
        self.contexts.switching = Some(name.to_owned());
        self.toast(format!("connecting to {name}…"), false);
        vec![Effect::SwitchContext(name.to_owned())]
    }

    /// The contexts listed (for the picker and for completion).
    pub(super) fn on_contexts(&mut self, list: Result<Vec<ContextSummary>, CoreError>) {
        if let Ok(rows) = &list {
            self.contexts.names = rows
                .iter()
                .filter(|r| r.error.is_none())
                .map(|r| r.name.clone())
                .collect();
        }
        if self.contexts.picker.is_some() {
            let rows = list.map_err(|e| e.to_string());
            // Start on the context in use.
            let current = match &rows {
                Ok(rows) => rows.iter().position(|r| self.is_current_context(r)),
                Err(_) => None,
            };
            if let Some(p) = &mut self.contexts.picker {
                p.selected = current.unwrap_or(0);
                p.rows = Some(rows);
            }
        }
    }

    /// Keys while the picker is open: move, Enter switches, Esc closes.
    pub(super) fn on_picker_key(&mut self, k: KeyEvent) -> Option<Vec<Effect>> {
        let p = self.contexts.picker.as_mut()?;
        let fx = match k.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                self.contexts.picker = None;
                Vec::new()
            }
            KeyCode::Down | KeyCode::Char('j') => {
                p.selected = (p.selected + 1).min(p.len().saturating_sub(1));
                Vec::new()
            }
            KeyCode::Up | KeyCode::Char('k') => {
                p.selected = p.selected.saturating_sub(1);
                Vec::new()
            }
            KeyCode::Enter => match p.selected_row().cloned() {
                Some(row) => match row.error {
                    Some(e) => {
                        self.toast(format!("cannot use this context: {e}"), true);
                        Vec::new()
                    }
                    None => {
                        self.contexts.picker = None;
                        self.switch_to(&row.name)
                    }
                },
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        Some(fx)
    }

    /// The loop's report on a switch: connected (the loop has already replaced the session
    /// and closed the old engine's streams) or not (the current session stays).
    pub(super) fn on_switched(
        &mut self,
        name: String,
        result: Result<Switched, CoreError>,
    ) -> Vec<Effect> {
        self.contexts.switching = None;
        match result {
            Err(e) => {
                let on = self
                    .contexts
                    .current
                    .clone()
                    .unwrap_or_else(|| self.snapshot.endpoint.clone());
                self.toast(
                    format!("cannot switch to {name}: {e} (still on {on})"),
                    true,
                );
                Vec::new()
            }
            Ok(s) => {
                self.forget_engine_objects();
                self.contexts.current = s.context.clone();
                self.settings.tls_unverified = s.tls_unverified;
                self.toast(
                    format!(
                        "switched to {} ({}); logs, stats, shells and transfers of the previous engine were closed",
                        s.context.as_deref().unwrap_or(&name),
                        s.endpoint
                    ),
                    false,
                );
                vec![Effect::CloseLogs]
            }
        }
    }

    /// Everything that named the old engine's objects: marks, filters, selections, the open
    /// details, forms, image popups and check marks, disk usage, stats.
    fn forget_engine_objects(&mut self) {
        for t in self.tables.values_mut() {
            t.marks.clear();
            t.filter = None;
            t.anchor = None;
            t.selected = 0;
            t.offset = 0;
        }
        self.details = None;
        // A confirmation or prompt about one of them must not act on the new engine.
        if matches!(
            self.mode,
            Mode::Confirm(_) | Mode::Input(PromptKind::Rename(_) | PromptKind::Exec(_), _)
        ) {
            self.mode = Mode::Normal;
        }
        self.run_form = None;
        self.created = None;
        self.images = ImagesState::default();
        self.disk_usage = None;
        self.stats = std::sync::Arc::default();
        self.refresh_rows();
    }
}

#[cfg(test)]
#[path = "contexts_tests.rs"]
mod tests;

//! The app's state and its one entry point, [`App::update`]: a `Msg` in, `Effect`s out.
//!
//! Invariants: the visible rows (`rows`) are recomputed from the snapshot, stats, filter and
//! sort whenever one of them changes, never during rendering; the selection follows the
//! selected object's key across refreshes; a destructive action only ever yields a
//! confirmation, and read-only mode refuses every mutating action before it is built.

mod actions;
mod alerts;
pub mod archive;
mod build;
mod bulk_update;
mod change;
pub mod command_line;
mod compose;
mod contexts;
mod dash;
mod files;
pub mod fleet;
mod fleet_input;
pub mod fleet_kinds;
pub mod fleet_objects;
mod images;
mod keys;
mod merged_logs;
mod navigation;
mod prompts;
mod prune;
mod requests;
mod run_form;
mod settings;
mod stats_export;
mod swarm;
mod table;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crossterm::event::{KeyEvent, KeyEventKind};
use wharf_core::error::CoreError;
use wharf_core::model::DiskUsage;
use wharf_core::store::Snapshot;
use wharf_core::streams::StatsView;

use crate::build_form::{BuildPanel, SearchPanel};
use crate::details::Details;
use crate::filter::Filter;
use crate::kinds::{self, Row, RowKey, View};
pub use crate::layout::Layout;
use crate::msg::{Effect, Msg};
use crate::prompt::Mode;
use crate::run_form::RunFormState;
pub use compose::ComposePanel;
pub use dash::{DashPanel, DASH_TOP};
pub use files::CopyState;

pub use contexts::{ContextsState, Picker};
pub use images::{HistoryView, ImagesState, TransferView};
pub use run_form::Created;
pub use settings::Settings;

/// Per-view table state.
#[derive(Debug, Clone, Default)]
pub struct TableState {
    pub selected: usize,
    pub offset: usize,
    pub sort_col: usize,
    pub sort_desc: bool,
    pub filter: Option<Filter>,
    /// Keys of marked rows.
    pub marks: BTreeSet<RowKey>,
    pub anchor: Option<usize>,
}

/// A transient message at the bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until_ms: i64,
    /// The filter being typed does not parse: a valid filter takes this toast away.
    pub bad_filter: bool,
    /// A fired alert: it stays its whole time, whatever the user types meanwhile (other
    /// messages give way to a prompt's answer, see `on_input_key`).
    pub alert: bool,
}

pub struct App {
    pub settings: Settings,
    pub view: View,
    history: Vec<View>,
    pub tables: HashMap<View, TableState>,
    /// The current view's rows, filtered and sorted.
    pub rows: Vec<Row>,
    pub show_stopped: bool,
    pub details: Option<Details>,
    pub layout: Layout,
    pub mode: Mode,
    pub toast: Option<Toast>,
    pub snapshot: Arc<Snapshot>,
    pub stats: Arc<StatsView>,
    pub disk_usage: Option<Result<Vec<DiskUsage>, CoreError>>,
    /// What the engine's SSH transport costs (connections, sessions, ssh processes), read
    /// from the engine handle every tick; `None` for the other transports.
    pub ssh_cost: Option<wharf_core::model::SshCost>,
    pub now_ms: i64,
    pub size: (u16, u16),
    pub command_history: Vec<String>,
    next_req: u64,
    /// Requests in flight: id → what they do.
    pub pending: BTreeMap<u64, String>,
    /// Bulk actions in flight (one request per object): their report comes when all are in.
    batches: Vec<Batch>,
    /// The user asked to leave: the loop ends after this message (the one quit signal).
    pub quit: bool,
    /// The run form, when open: it takes the keys and the screen below the header.
    pub run_form: Option<RunFormState>,
    /// A container the form created, to select when the snapshot shows it.
    pub created: Option<Created>,
    /// Images and registries: filter, update marks, transfer and history views.
    pub images: ImagesState,
    /// The build panel (`:build`), when open: it takes the keys and the screen.
    pub build: Option<BuildPanel>,
    /// The generation of the latest build started (events of older ones are dropped).
    build_gen: u64,
    /// An image just built, to select when the snapshot shows it.
    pub built: Option<wharf_core::model::ImageId>,
    /// `:search` results, when open.
    pub search: Option<SearchPanel>,
    /// The compose panel (`:compose`), when open: it takes the keys and the screen.
    pub compose: Option<ComposePanel>,
    /// The generation of the latest compose run (events of older ones are dropped).
    compose_gen: u64,
    /// The file copy in flight (one at a time).
    pub copy: Option<CopyState>,
    /// The context followed, a switch under way, the `:ctx` picker.
    pub contexts: ContextsState,
    /// Fired alerts read from the history, newest first (the alerts view).
    pub alerts: Vec<wharf_core::model::FiredAlert>,
    /// The alert rules in use, one line each (shown by the alerts view).
    pub alert_rules: Vec<String>,
    /// The live dashboard (`:dash`), when open: it takes the keys and the screen.
    pub dash: Option<DashPanel>,
    /// This engine was opened from the fleet: Esc at the top level goes back to it.
    pub from_fleet: bool,
}

/// One bulk action: its requests and one result entry per object as they arrive.
#[derive(Debug, Clone)]
struct Batch {
    title: String,
    reqs: Vec<u64>,
    entries: Vec<(String, Result<String, String>)>,
}

impl App {
    pub fn new(settings: Settings, view: View, show_stopped: bool, snapshot: Arc<Snapshot>) -> App {
        let mut app = App {
            settings,
            view,
            history: Vec::new(),
            tables: HashMap::new(),
            rows: Vec::new(),
            show_stopped,
            details: None,
            layout: Layout::Split,
            mode: Mode::Normal,
            toast: None,
            snapshot,
            stats: Arc::default(),
            disk_usage: None,
            ssh_cost: None,
            now_ms: 0,
            size: (80, 24),
            command_history: Vec::new(),
            next_req: 1,
            pending: BTreeMap::new(),
            batches: Vec::new(),
            quit: false,
            run_form: None,
            created: None,
            images: ImagesState::default(),
            build: None,
            build_gen: 0,
            built: None,
            search: None,
            compose: None,
            compose_gen: 0,
            copy: None,
            contexts: ContextsState::default(),
            alerts: Vec::new(),
            alert_rules: Vec::new(),
            dash: None,
            from_fleet: false,
        };
        for v in View::ALL {
            let t = TableState {
                sort_desc: v.kind().sort_desc,
                ..TableState::default()
            };
            app.tables.insert(v, t);
        }
        app.refresh_rows();
        app
    }

    pub fn table(&self) -> &TableState {
        // Every view has a table state from `new`.
        &self.tables[&self.view]
    }

    fn table_mut(&mut self) -> &mut TableState {
        self.tables.entry(self.view).or_default()
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.table().selected)
    }

    /// Rows the user acts on: the marked ones, or else the selected one.
    pub fn targets(&self) -> Vec<&Row> {
        let marks = &self.table().marks;
        if marks.is_empty() {
            self.selected_row().into_iter().collect()
        } else {
            self.rows
                .iter()
                .filter(|r| marks.contains(&r.key))
                .collect()
        }
    }

    pub fn now_secs(&self) -> i64 {
        self.now_ms / 1000
    }

    pub fn toast(&mut self, text: impl Into<String>, error: bool) {
        let ms = if error { 8000 } else { 4000 };
        self.toast = Some(Toast {
            text: text.into(),
            error,
            until_ms: self.now_ms + ms,
            bad_filter: false,
            alert: false,
        });
    }

    /// A fired alert's message (an error toast that answering a prompt does not clear).
    pub fn alert_toast(&mut self, text: impl Into<String>) {
        self.toast(text, true);
        if let Some(t) = &mut self.toast {
            t.alert = true;
        }
    }

    /// The one entry point.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) if k.kind != KeyEventKind::Release => {
                let keys: Vec<KeyEvent> = self.settings.keymap.split_meta(k).collect();
                keys.into_iter().flat_map(|k| self.on_key(k)).collect()
            }
            Msg::Key(_) => Vec::new(),
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_offset();
                self.form_resized();
                Vec::new()
            }
            Msg::Tick(now) => {
                self.now_ms = now;
                if self.toast.as_ref().is_some_and(|t| t.until_ms <= now) {
                    self.toast = None;
                }
                if self.view == View::Containers {
                    kinds::containers::update_clock(&mut self.rows, &self.snapshot, now / 1000);
                }
                Vec::new()
            }
            Msg::Snapshot(s) => {
                self.snapshot = s;
                self.refresh_rows();
                if let Some(d) = &mut self.details {
                    if d.merged.is_none()
                        && !self.snapshot.containers.contains_key(&d.id)
                        && self.snapshot.synced
                    {
                        d.gone = true;
                    }
                }
                self.dash_refresh();
                let mut fx = self.select_created();
                fx.extend(self.select_built());
                fx
            }
            Msg::Stats(s) => {
                self.stats = s;
                if self.view == View::Containers {
                    let sort_col = self.table().sort_col;
                    if kinds::containers::update_stats(&mut self.rows, sort_col, &self.stats) {
                        self.resort();
                    }
                }
                self.dash_on_stats()
            }
            Msg::Outcome { req, result } => {
                // Stale or unknown outcomes (already reported) are dropped.
                if let Some(what) = self.pending.remove(&req) {
                    let after = self.run_outcome(req, &result).unwrap_or_default();
                    let result = match result {
                        Ok(o) => requests::outcome_text(&o),
                        Err(e) => Err(e.to_string()),
                    };
                    if self.batch_outcome(req, what.clone(), result.clone()) {
                        return Vec::new();
                    }
                    match result {
                        Ok(detail) if detail.is_empty() => {
                            self.toast(format!("{what}: done"), false)
                        }
                        Ok(detail) => self.toast(format!("{what}: {detail}"), false),
                        Err(e) => self.toast(format!("{what} failed: {e}"), true),
                    }
                    return after;
                }
                Vec::new()
            }
            Msg::PrunePlan(result) => {
                // The "listing …" toast has done its job.
                self.toast = None;
                match result {
                    Ok(plan) => self.confirm_prune(plan),
                    Err(e) => self.toast(format!("prune: {e}"), true),
                }
                Vec::new()
            }
            Msg::Inspect { id, result } => {
                if let Some(d) = self.details.as_mut().filter(|d| d.id == id) {
                    d.set_inspect(result);
                }
                Vec::new()
            }
            Msg::Top { id, result } => {
                if let Some(d) = self.details.as_mut().filter(|d| d.id == id) {
                    // Made inert once here, not on every frame.
                    d.top = Some(result.map(wharf_core::rules::inert::processes));
                }
                Vec::new()
            }
            Msg::DiskUsage(r) => {
                self.disk_usage = Some(r);
                Vec::new()
            }
            Msg::LogsEnded(err) => {
                if let Some(d) = &mut self.details {
                    d.logs.ended =
                        Some(err.map_or_else(|| "log stream ended".into(), |e| e.to_string()));
                }
                Vec::new()
            }
            Msg::ExecDone(r) => {
                match r {
                    Ok(s) => self.toast(s, false),
                    Err(e) => self.toast(format!("shell failed: {e}"), true),
                }
                Vec::new()
            }
            Msg::RunForm { id, result } => self.edit_form_loaded(id, result),
            Msg::Transfer { job, event } => self.on_transfer(job, event),
            Msg::History { id, result } => self.on_history(id, result),
            Msg::Updates(u) => self.on_updates(u),
            Msg::LoginTarget {
                host,
                user,
                password,
                target,
            } => self.on_login_target(host, user, password, target),
            Msg::Login(r) => self.on_login(r),
            Msg::ImageUpdatePlan(r) => self.on_image_update_plan(r),
            Msg::ImageUpdate { job, event } => self.on_image_update(job, event),
            Msg::Contexts(list) => {
                self.on_contexts(list);
                Vec::new()
            }
            Msg::Switched { name, result } => self.on_switched(name, result),
            Msg::DashExported { path, result } => {
                self.on_dash_exported(path, result);
                Vec::new()
            }
            Msg::StatsExported { id, path, result } => {
                self.on_stats_exported(id, path, result);
                Vec::new()
            }
            Msg::DashMarkers { scope, result } => {
                self.on_dash_markers(scope, result);
                Vec::new()
            }
            Msg::Saved(r) => {
                match r {
                    Ok(p) => self.toast(format!("logs saved to {}", p.display()), false),
                    Err(e) => self.toast(format!("saving logs failed: {e}"), true),
                }
                Vec::new()
            }
            Msg::Build { gen, event } => self.on_build_event(gen, event),
            Msg::Compose { gen, update } => self.on_compose_update(gen, update),
            Msg::SearchResults { term, result } => self.on_search_results(term, result),
            Msg::Listing { id, dir, result } => {
                self.on_listing(id, dir, result);
                Vec::new()
            }
            Msg::ArchiveFound(result) => {
                self.on_archive_found(result);
                Vec::new()
            }
            Msg::ArchiveSet(result) => {
                self.on_archive_set(result);
                Vec::new()
            }
            Msg::StatsHistory { id, range, result } => {
                if let Some(d) = &mut self.details {
                    d.set_history(&id, range, result);
                }
                Vec::new()
            }
            Msg::Changes { id, result } => {
                self.on_changes(id, result);
                Vec::new()
            }
            Msg::CopyProgress(p) => {
                self.on_copy_progress(p);
                Vec::new()
            }
            Msg::CopyDone(r) => self.on_copy_done(r),
            Msg::Alerts { first, result } => self.on_alerts(first, result),
            Msg::AlertRules(lines) => {
                self.alert_rules = lines;
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
#[path = "../app_tests.rs"]
mod tests;

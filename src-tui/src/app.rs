//! The app's state and its one entry point, [`App::update`]: a `Msg` in, `Effect`s out.
//!
//! Invariants: the visible rows (`rows`) are recomputed from the snapshot, stats, filter and
//! sort whenever one of them changes, never during rendering; the selection follows the
//! selected object's key across refreshes; a destructive action only ever yields a
//! confirmation, and read-only mode refuses every mutating action before it is built.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use wharf_core::engine::Processes;
use wharf_core::model::{ContainerId, DiskUsage};
use wharf_core::store::Snapshot;
use wharf_core::streams::StatsView;

use crate::config::{Config, Palette};
use crate::details::{Details, Tab};
use crate::filter::Filter;
use crate::keymap::{Action, Key, KeyMap};
pub use crate::layout::Layout;
use crate::layout::{self, Areas, Bounds};
use crate::msg::{Effect, Msg};
use crate::prompt::{Confirm, Input, Mode, PromptKind};
use crate::resource::{self, Row, RowContext, View};

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

/// Per-view table state.
#[derive(Debug, Clone, Default)]
pub struct TableState {
    pub selected: usize,
    pub offset: usize,
    pub sort_col: usize,
    pub sort_desc: bool,
    pub filter: Option<Filter>,
    /// Keys of marked rows.
    pub marks: BTreeSet<String>,
    pub anchor: Option<usize>,
}

/// A transient message at the bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until_ms: i64,
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
    pub disk_usage: Option<Result<Vec<DiskUsage>, String>>,
    pub now_ms: i64,
    pub size: (u16, u16),
    pub command_history: Vec<String>,
    next_req: u64,
    /// Requests in flight: id → what they do.
    pub pending: HashMap<u64, String>,
    /// Bulk actions in flight (one request per object): their report comes when all are in.
    batches: Vec<Batch>,
    pub quit: bool,
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
            now_ms: 0,
            size: (80, 24),
            command_history: Vec::new(),
            next_req: 1,
            pending: HashMap::new(),
            batches: Vec::new(),
            quit: false,
        };
        for v in View::ALL {
            let mut t = TableState::default();
            if v == View::Events {
                t.sort_desc = true;
            }
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

    /// Rows of the table on screen, for the stats hub.
    pub fn visible_container_ids(&self) -> Vec<ContainerId> {
        if self.view != View::Containers {
            return Vec::new();
        }
        let t = self.table();
        let h = self.table_height() as usize;
        self.rows
            .iter()
            .skip(t.offset)
            .take(h.max(1))
            .map(|r| ContainerId::from(r.key.as_str()))
            .collect()
    }

    /// Whether a clock tick alone changes what is on screen: a toast to expire, a
    /// reconnect counter, or an uptime still counted in seconds.
    pub fn tick_shows(&self, now_ms: i64) -> bool {
        if self.toast.as_ref().is_some_and(|t| t.until_ms <= now_ms) {
            return true;
        }
        if matches!(
            self.snapshot.connection,
            wharf_core::store::ConnectionState::Reconnecting { .. }
                | wharf_core::store::ConnectionState::NotResponding { .. }
        ) {
            return true;
        }
        if self.details.as_ref().is_some_and(|d| d.tab == Tab::Stats) {
            return true;
        }
        let now = now_ms / 1000;
        self.view == View::Containers
            && self
                .snapshot
                .containers
                .values()
                .any(|c| c.state.is_alive() && c.started_at.is_some_and(|t| now - t < 120))
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
        });
    }

    /// Where everything goes on screen at the current size.
    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self.details.as_ref().map(|_| self.layout))
    }

    /// Rows the table can show.
    pub fn table_height(&self) -> u16 {
        self.areas().table_rows()
    }

    /// The table's column widths for a table `width` columns wide, from the visible rows.
    pub fn column_widths(&self, width: u16) -> Vec<u16> {
        use unicode_width::UnicodeWidthStr;
        let bounds: Vec<Bounds> = resource::columns(self.view)
            .iter()
            .map(|c| Bounds {
                min: (c.title.width() as u16).max(c.min),
                max: c.max,
            })
            .collect();
        let h = self.table_height() as usize;
        let cells = self
            .rows
            .iter()
            .skip(self.table().offset)
            .take(h.max(1))
            .map(|r| r.cells.iter().map(|c| c.text.width() as u16));
        layout::column_widths(&bounds, cells, width)
    }

    /// Which table column a terminal x falls in.
    fn column_at(&self, x: u16) -> Option<usize> {
        let area = self.areas().table;
        layout::column_at(&self.column_widths(area.width), area.x, x)
    }

    /// Where the log pane of `d` starts when it shows its last lines: the furthest the log
    /// view may scroll at the current size.
    fn logs_bottom(&self, d: &Details) -> usize {
        let body = layout::log_body(layout::details_inner(self.areas().details));
        layout::log_bottom_start(
            &d.logs.buffer,
            &d.logs.displayed(),
            d.logs.wrap,
            d.logs.timestamps,
            body.width,
            body.height as usize,
        )
    }

    /// Tell the log pane how far it may scroll at the current size (before it handles input).
    fn measure_logs(&mut self) {
        if let Some(d) = self.details.as_ref().filter(|d| d.tab == Tab::Logs) {
            let bottom = self.logs_bottom(d);
            if let Some(d) = &mut self.details {
                d.logs.bottom = bottom;
            }
        }
    }

    /// Rebuild `rows` for the current view, keeping the selection on the same object.
    pub fn refresh_rows(&mut self) {
        let selected_key = self.selected_row().map(|r| r.key.clone());
        let t = self.tables.get(&self.view).cloned().unwrap_or_default();
        let cx = RowContext {
            snap: &self.snapshot,
            stats: &self.stats,
            now: self.now_secs(),
            show_stopped: self.show_stopped,
        };
        let mut rows = resource::rows(self.view, &cx);
        if let Some(f) = &t.filter {
            rows.retain(|r| f.matches(r));
        }
        resource::sort(&mut rows, t.sort_col, t.sort_desc);
        self.rows = rows;
        let keys: BTreeSet<&str> = self.rows.iter().map(|r| r.key.as_str()).collect();
        let marks: BTreeSet<String> = t
            .marks
            .iter()
            .filter(|k| keys.contains(k.as_str()))
            .cloned()
            .collect();
        let selected = selected_key
            .and_then(|k| self.rows.iter().position(|r| r.key == k))
            .unwrap_or(t.selected)
            .min(self.rows.len().saturating_sub(1));
        let tm = self.table_mut();
        tm.marks = marks;
        tm.selected = selected;
        self.clamp_offset();
    }

    fn clamp_offset(&mut self) {
        let h = (self.table_height() as usize).max(1);
        let t = self.table_mut();
        if t.selected < t.offset {
            t.offset = t.selected;
        } else if t.selected >= t.offset + h {
            t.offset = t.selected + 1 - h;
        }
    }

    fn select(&mut self, i: usize) {
        let last = self.rows.len().saturating_sub(1);
        self.table_mut().selected = i.min(last);
        self.clamp_offset();
    }

    /// The split pane follows the selection.
    fn sync_details(&mut self) -> Vec<Effect> {
        let Some(d) = &self.details else {
            return Vec::new();
        };
        if self.layout != Layout::Split || self.view != View::Containers {
            return Vec::new();
        }
        match self.selected_row() {
            Some(r) if r.key != d.id.as_str() => {
                let id = ContainerId::from(r.key.as_str());
                let tab = d.tab;
                self.open_details(id, tab)
            }
            _ => Vec::new(),
        }
    }

    pub fn open_details(&mut self, id: ContainerId, tab: Tab) -> Vec<Effect> {
        let name = self
            .snapshot
            .containers
            .get(&id)
            .map_or_else(|| id.short().to_owned(), |c| c.name.clone());
        let d = Details::new(
            id,
            name,
            tab,
            self.settings.log_buffer,
            self.settings.log_tail,
        );
        let effects = d.load_effects();
        self.details = Some(d);
        effects
    }

    pub fn go(&mut self, view: View) -> Vec<Effect> {
        if view != self.view {
            self.history.push(self.view);
            self.view = view;
        }
        self.details_close_if_other_view();
        self.refresh_rows();
        if view == View::Engine {
            vec![Effect::LoadDiskUsage]
        } else {
            Vec::new()
        }
    }

    fn details_close_if_other_view(&mut self) {
        if self.view != View::Containers && self.details.is_some() {
            self.details = None;
        }
    }

    fn back(&mut self) -> Vec<Effect> {
        if self.details.is_some() {
            self.details = None;
            return vec![Effect::CloseLogs];
        }
        if !self.table().marks.is_empty() {
            self.table_mut().marks.clear();
            return Vec::new();
        }
        if self.table().filter.is_some() {
            self.table_mut().filter = None;
            self.refresh_rows();
            return Vec::new();
        }
        if let Some(v) = self.history.pop() {
            self.view = v;
            self.refresh_rows();
        }
        Vec::new()
    }

    pub fn new_request(&mut self, what: String) -> u64 {
        let id = self.next_req;
        self.next_req += 1;
        self.pending.insert(id, what);
        id
    }

    /// Report the requests `reqs` together under `title`, one entry per object, once all
    /// of them are in.
    pub fn batch(&mut self, title: String, reqs: Vec<u64>) {
        if reqs.len() > 1 {
            self.batches.push(Batch {
                title,
                reqs,
                entries: Vec::new(),
            });
        }
    }

    /// Record a bulk action's outcome; `false` when `req` is not part of one.
    fn batch_outcome(&mut self, req: u64, what: String, result: Result<String, String>) -> bool {
        let Some(i) = self.batches.iter().position(|b| b.reqs.contains(&req)) else {
            return false;
        };
        let b = &mut self.batches[i];
        b.entries.push((what, result));
        if b.entries.len() < b.reqs.len() {
            return true;
        }
        let b = self.batches.remove(i);
        let ok = b.entries.iter().filter(|(_, r)| r.is_ok()).count();
        let entries: Vec<String> = b
            .entries
            .iter()
            .map(|(what, r)| match r {
                Ok(_) => format!("{what}: done"),
                Err(e) => format!("{what}: failed: {e}"),
            })
            .collect();
        let failed = ok < b.entries.len();
        self.toast(
            format!(
                "{}: {ok} of {} done — {}",
                b.title,
                b.entries.len(),
                entries.join("; ")
            ),
            failed,
        );
        true
    }

    /// The one entry point.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) if k.kind != KeyEventKind::Release => self.on_key(k),
            Msg::Key(_) => Vec::new(),
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_offset();
                Vec::new()
            }
            Msg::Tick(now) => {
                self.now_ms = now;
                if self.toast.as_ref().is_some_and(|t| t.until_ms <= now) {
                    self.toast = None;
                }
                if self.view == View::Containers {
                    resource::update_clock(&mut self.rows, &self.snapshot, now / 1000);
                }
                Vec::new()
            }
            Msg::Snapshot(s) => {
                self.snapshot = s;
                self.refresh_rows();
                if let Some(d) = &mut self.details {
                    if !self.snapshot.containers.contains_key(&d.id) && self.snapshot.synced {
                        d.gone = true;
                    }
                }
                Vec::new()
            }
            Msg::Stats(s) => {
                self.stats = s;
                if self.view == View::Containers {
                    let sort_col = self.table().sort_col;
                    if !resource::update_stats(&mut self.rows, sort_col, &self.stats) {
                        self.refresh_rows();
                    }
                }
                Vec::new()
            }
            Msg::Outcome { req, result } => {
                // Stale or unknown outcomes (already reported) are dropped.
                if let Some(what) = self.pending.remove(&req) {
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
                }
                Vec::new()
            }
            Msg::PrunePlan(result) => {
                // The "listing …" toast has done its job.
                self.toast = None;
                match result {
                    Ok(plan) => crate::actions::confirm_prune(self, plan),
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
                    d.top = Some(result.map(|p: Processes| p));
                }
                Vec::new()
            }
            Msg::DiskUsage(r) => {
                self.disk_usage = Some(r);
                Vec::new()
            }
            Msg::LogsEnded(err) => {
                if let Some(d) = &mut self.details {
                    d.logs.ended = Some(err.unwrap_or_else(|| "log stream ended".into()));
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
            Msg::Saved(r) => {
                match r {
                    Ok(p) => self.toast(format!("logs saved to {}", p.display()), false),
                    Err(e) => self.toast(format!("saving logs failed: {e}"), true),
                }
                Vec::new()
            }
        }
    }

    fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if !self.settings.mouse || !matches!(self.mode, Mode::Normal) {
            return Vec::new();
        }
        let areas = self.areas();
        match m.kind {
            MouseEventKind::ScrollDown => self.scroll_focused(3),
            MouseEventKind::ScrollUp => self.scroll_focused(-3),
            MouseEventKind::Down(MouseButton::Left) => {
                let t = areas.table;
                if m.row == t.y && m.column >= t.x && m.column < t.x + t.width {
                    // Header: sort by the clicked column.
                    if let Some(col) = self.column_at(m.column) {
                        let tm = self.table_mut();
                        if tm.sort_col == col {
                            tm.sort_desc = !tm.sort_desc;
                        } else {
                            tm.sort_col = col;
                            tm.sort_desc = false;
                        }
                        self.refresh_rows();
                    }
                } else if m.row > t.y && m.row < t.y + t.height {
                    let i = self.table().offset + (m.row - t.y - 1) as usize;
                    if i < self.rows.len() {
                        self.select(i);
                        return self.sync_details();
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn scroll_focused(&mut self, delta: i32) -> Vec<Effect> {
        self.measure_logs();
        if let Some(d) = self
            .details
            .as_mut()
            .filter(|_| self.layout == Layout::Full)
        {
            d.scroll(delta);
            return Vec::new();
        }
        let sel = self.table().selected as i64 + i64::from(delta);
        self.select(sel.max(0) as usize);
        self.sync_details()
    }

    fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let key = Key::from_event(&k);
        // Popups and inputs take keys first.
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {}
            Mode::Help(offset) => {
                // Movement keys scroll the help; any other key closes it.
                let actions: Vec<Action> = self.settings.keymap.actions(key).collect();
                let delta: i32 = match actions.first() {
                    Some(Action::Down) => 1,
                    Some(Action::Up) => -1,
                    Some(Action::PageDown) => 10,
                    Some(Action::PageUp) => -10,
                    _ => return Vec::new(),
                };
                self.mode = Mode::Help((i32::from(offset) + delta).clamp(0, 500) as u16);
                return Vec::new();
            }
            Mode::Confirm(c) => return self.on_confirm_key(c, k),
            Mode::Input(kind, input) => return self.on_input_key(kind, input, k),
        }
        let actions: Vec<Action> = self.settings.keymap.actions(key).collect();
        let full = self.layout == Layout::Full;
        self.measure_logs();
        if let Some(d) = &mut self.details {
            if let Some(effects) = d.on_key(&actions, &mut self.mode, full) {
                return effects;
            }
        }
        for a in actions {
            if let Some(effects) = self.on_action(a) {
                return effects;
            }
        }
        Vec::new()
    }

    /// `None`: the action does not apply here (try the key's next meaning).
    fn on_action(&mut self, a: Action) -> Option<Vec<Effect>> {
        let page = (self.table_height() as usize).max(1);
        let sel = self.table().selected;
        let fx = match a {
            Action::Quit => {
                self.quit = true;
                vec![Effect::Quit]
            }
            Action::Help => {
                self.mode = Mode::Help(0);
                Vec::new()
            }
            Action::Command => {
                self.mode = Mode::Input(PromptKind::Command, Input::default());
                Vec::new()
            }
            Action::Filter => {
                let current = self
                    .table()
                    .filter
                    .as_ref()
                    .map(|f| f.source().to_owned())
                    .unwrap_or_default();
                self.mode = Mode::Input(PromptKind::Filter, Input::new(&current));
                Vec::new()
            }
            Action::Back => self.back(),
            Action::Up => {
                self.select(sel.saturating_sub(1));
                self.sync_details()
            }
            Action::Down => {
                self.select(sel + 1);
                self.sync_details()
            }
            Action::PageUp => {
                self.select(sel.saturating_sub(page));
                self.sync_details()
            }
            Action::PageDown => {
                self.select(sel + page);
                self.sync_details()
            }
            Action::Top => {
                self.select(0);
                self.sync_details()
            }
            Action::Bottom => {
                self.select(usize::MAX);
                self.sync_details()
            }
            Action::Open => self.open_selected(Tab::Logs)?,
            Action::Logs => self.open_selected(Tab::Logs)?,
            Action::Stats => self.open_selected(Tab::Stats)?,
            Action::Inspect => self.open_selected(Tab::Inspect)?,
            Action::Zoom => {
                self.layout = match self.layout {
                    Layout::Split => Layout::Full,
                    Layout::Full => Layout::Split,
                };
                self.clamp_offset();
                Vec::new()
            }
            Action::Mark => {
                let key = self.selected_row()?.key.clone();
                let t = self.table_mut();
                if !t.marks.remove(&key) {
                    t.marks.insert(key);
                }
                t.anchor = Some(sel);
                self.select(sel + 1);
                Vec::new()
            }
            Action::MarkRange => {
                if self.rows.is_empty() {
                    return Some(Vec::new());
                }
                let anchor = self.table().anchor.unwrap_or(sel).min(self.rows.len() - 1);
                let sel = sel.min(self.rows.len() - 1);
                let (a, b) = (anchor.min(sel), anchor.max(sel));
                let keys: Vec<String> = self.rows[a..=b.min(self.rows.len().saturating_sub(1))]
                    .iter()
                    .map(|r| r.key.clone())
                    .collect();
                let t = self.table_mut();
                t.marks.extend(keys);
                t.anchor = Some(sel);
                Vec::new()
            }
            Action::ClearMarks => {
                self.table_mut().marks.clear();
                Vec::new()
            }
            Action::SortNext | Action::SortPrev => {
                let n = resource::columns(self.view).len().max(1);
                let t = self.table_mut();
                t.sort_col = if a == Action::SortNext {
                    (t.sort_col + 1) % n
                } else {
                    (t.sort_col + n - 1) % n
                };
                self.refresh_rows();
                Vec::new()
            }
            Action::SortReverse => {
                let t = self.table_mut();
                t.sort_desc = !t.sort_desc;
                self.refresh_rows();
                Vec::new()
            }
            Action::ToggleStopped if self.view == View::Containers => {
                self.show_stopped = !self.show_stopped;
                self.refresh_rows();
                self.toast(
                    if self.show_stopped {
                        "showing stopped containers"
                    } else {
                        "hiding stopped containers"
                    },
                    false,
                );
                Vec::new()
            }
            Action::Copy => {
                let row = self.selected_row()?;
                let text = if self.view == View::Containers || self.view == View::Images {
                    row.key.clone()
                } else {
                    row.name.clone()
                };
                self.toast(format!("copied {text}"), false);
                vec![Effect::Copy(text)]
            }
            a if a.is_mutating() => return crate::actions::on_mutating(self, a),
            _ => return None,
        };
        Some(fx)
    }

    fn open_selected(&mut self, tab: Tab) -> Option<Vec<Effect>> {
        match self.view {
            View::Containers => {
                let id = ContainerId::from(self.selected_row()?.key.as_str());
                if let Some(d) = self.details.as_mut().filter(|d| d.id == id) {
                    d.tab = tab;
                    return Some(d.load_effects());
                }
                Some(self.open_details(id, tab))
            }
            View::Projects => {
                let project = self.selected_row()?.key.clone();
                let mut fx = self.go(View::Containers);
                let filter = Filter::parse(&format!(
                    "{}={project}",
                    wharf_core::model::COMPOSE_PROJECT_LABEL
                ))
                .ok();
                self.table_mut().filter = filter;
                self.refresh_rows();
                fx.push(Effect::CloseLogs);
                Some(fx)
            }
            _ => None,
        }
    }

    fn on_confirm_key(&mut self, c: Confirm, k: KeyEvent) -> Vec<Effect> {
        crate::actions::on_confirm_key(self, c, k)
    }

    fn on_input_key(&mut self, kind: PromptKind, mut input: Input, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Esc => {
                if kind == PromptKind::Filter {
                    // Esc on the filter prompt keeps the filter typed so far out.
                    self.apply_filter("");
                }
                Vec::new()
            }
            KeyCode::Enter => {
                let text = input.text.clone();
                match kind {
                    PromptKind::Filter => {
                        self.apply_filter(&text);
                        Vec::new()
                    }
                    PromptKind::Command => {
                        if !text.trim().is_empty() {
                            self.command_history.push(text.clone());
                        }
                        crate::command_line::run(self, &text)
                    }
                    other => crate::actions::on_prompt_submit(self, other, &text),
                }
            }
            KeyCode::Tab if kind == PromptKind::Command => {
                input.complete(&crate::command_line::completions(&input.text));
                self.mode = Mode::Input(kind, input);
                Vec::new()
            }
            KeyCode::Up | KeyCode::Down if kind == PromptKind::Command => {
                input.history(&self.command_history, k.code == KeyCode::Up);
                self.mode = Mode::Input(kind, input);
                Vec::new()
            }
            _ => {
                input.edit(k);
                if kind == PromptKind::Filter {
                    // Filters apply as you type; a half-typed one (`!`) just waits.
                    let t = input.text.clone();
                    if t.trim().is_empty() || Filter::parse(&t).is_ok() {
                        self.apply_filter(&t);
                    }
                }
                self.mode = Mode::Input(kind, input);
                Vec::new()
            }
        }
    }

    pub fn apply_filter(&mut self, text: &str) {
        let filter = if text.trim().is_empty() {
            None
        } else {
            match Filter::parse(text) {
                Ok(f) => Some(f),
                Err(e) => {
                    self.toast(e, true);
                    return;
                }
            }
        };
        if self
            .toast
            .as_ref()
            .is_some_and(|t| t.error && t.text.contains("filter"))
        {
            self.toast = None;
        }
        let t = self.table_mut();
        t.filter = filter;
        t.selected = 0;
        self.refresh_rows();
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;

//! The details of one container: logs, stats, inspect, processes, env, ports, mounts,
//! networks, labels and security findings, in tabs.

use wharf_core::engine::{LogOptions, Processes};
use wharf_core::error::CoreError;
use wharf_core::history::{HistoryRange, HistorySeries};
use wharf_core::model::ContainerId;
use wharf_core::streams::{LogBuffer, LogQuery, Selection};

use crate::files::{ChangesState, FilesState};
use crate::keymap::Action;
use crate::msg::Effect;
use crate::prompt::{Input, Mode, PromptKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Logs,
    Stats,
    Inspect,
    Top,
    Env,
    Ports,
    Mounts,
    Networks,
    Labels,
    /// Security findings: the core's rules on the container's inspect data.
    Findings,
    /// A file browser over the archive API.
    Files,
    /// `docker diff`.
    Changes,
}

impl Tab {
    pub const ALL: [Tab; 12] = [
        Tab::Logs,
        Tab::Stats,
        Tab::Inspect,
        Tab::Top,
        Tab::Env,
        Tab::Ports,
        Tab::Mounts,
        Tab::Networks,
        Tab::Labels,
        Tab::Findings,
        Tab::Files,
        Tab::Changes,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Logs => "Logs",
            Tab::Stats => "Stats",
            Tab::Inspect => "Inspect",
            Tab::Top => "Top",
            Tab::Env => "Env",
            Tab::Ports => "Ports",
            Tab::Mounts => "Mounts",
            Tab::Networks => "Networks",
            Tab::Labels => "Labels",
            Tab::Findings => "Findings",
            Tab::Files => "Files",
            Tab::Changes => "Changes",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// The log pane's state.
#[derive(Debug, Clone)]
pub struct LogsState {
    pub buffer: LogBuffer,
    /// Stay at the bottom as lines arrive.
    pub follow: bool,
    pub wrap: bool,
    pub timestamps: bool,
    /// Stop taking new lines (they wait in the stream).
    pub paused: bool,
    pub search: Option<LogQuery>,
    /// Show only lines matching the search.
    pub only_matches: bool,
    /// First displayed line (index into `displayed()`), when not following.
    pub scroll: usize,
    /// The buffer line of the current match.
    pub current_match: Option<u64>,
    /// The furthest `scroll` may go at the current pane size (the app sets it before keys are
    /// handled; see `view::logs_bottom`).
    pub bottom: usize,
    pub ended: Option<String>,
    pub tail: usize,
}

impl LogsState {
    fn new(capacity: usize, tail: usize) -> LogsState {
        LogsState {
            buffer: LogBuffer::new(capacity, false),
            follow: true,
            wrap: false,
            timestamps: false,
            paused: false,
            search: None,
            only_matches: false,
            scroll: 0,
            current_match: None,
            bottom: 0,
            ended: None,
            tail,
        }
    }

    /// Indices into the buffer of the lines shown.
    pub fn displayed(&self) -> Vec<usize> {
        match (&self.search, self.only_matches) {
            (Some(q), true) => self.buffer.matching(q),
            _ => (0..self.buffer.len()).collect(),
        }
    }

    pub fn set_search(&mut self, text: &str) -> Result<(), String> {
        if text.is_empty() {
            self.search = None;
            self.only_matches = false;
            return Ok(());
        }
        let q = LogQuery::parse(text, true).map_err(|e| e.to_string())?;
        self.search = Some(q);
        self.current_match = None;
        self.jump_match(false);
        Ok(())
    }

    /// Move to the next (or previous) matching line and stop following.
    pub fn jump_match(&mut self, backwards: bool) {
        let Some(q) = &self.search else {
            return;
        };
        let hits = self.buffer.matching(q);
        if hits.is_empty() {
            self.current_match = None;
            return;
        }
        let seqs: Vec<u64> = hits
            .iter()
            .filter_map(|i| self.buffer.get(*i))
            .map(|l| l.seq)
            .collect();
        let next = match (self.current_match, backwards) {
            (None, false) => seqs.last().copied(),
            (None, true) => seqs.last().copied(),
            (Some(cur), false) => seqs
                .iter()
                .copied()
                .find(|s| *s > cur)
                .or(seqs.first().copied()),
            (Some(cur), true) => seqs
                .iter()
                .rev()
                .copied()
                .find(|s| *s < cur)
                .or(seqs.last().copied()),
        };
        self.current_match = next;
        if let Some(seq) = next {
            let displayed = self.displayed();
            if let Some(pos) = displayed
                .iter()
                .position(|i| self.buffer.get(*i).is_some_and(|l| l.seq == seq))
            {
                self.follow = false;
                self.scroll = pos.saturating_sub(3).min(self.bottom);
            }
        }
    }

    pub fn options(&self) -> LogOptions {
        LogOptions {
            follow: true,
            tail: Some(self.tail),
            timestamps: self.timestamps,
            ..Default::default()
        }
    }
}

/// Parsed inspect document.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectDoc {
    /// Pretty JSON, one entry per line.
    pub lines: Vec<String>,
    /// Top-level sections and the line they start on.
    pub sections: Vec<(String, usize)>,
    pub env: Vec<String>,
}

impl InspectDoc {
    pub fn from_json(v: &serde_json::Value) -> InspectDoc {
        let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
        let lines: Vec<String> = pretty.lines().map(str::to_owned).collect();
        let sections = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                // Top-level keys are indented by two spaces.
                let rest = l.strip_prefix("  \"")?;
                if rest.starts_with(' ') {
                    return None;
                }
                rest.split_once('"').map(|(k, _)| (k.to_owned(), i))
            })
            .collect();
        let env = v
            .pointer("/Config/Env")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        InspectDoc {
            lines,
            sections,
            env,
        }
    }
}

#[derive(Debug)]
pub struct Details {
    pub id: ContainerId,
    pub name: String,
    pub tab: Tab,
    pub logs: LogsState,
    pub inspect: Option<Result<InspectDoc, CoreError>>,
    pub top: Option<Result<Processes, CoreError>>,
    /// Scroll position of the non-log tabs.
    pub scroll: usize,
    pub inspect_search: Option<String>,
    /// The container was removed while open.
    pub gone: bool,
    /// The inspect document as the engine sent it; `inspect` is drawn from it, with secret
    /// env values masked (the core's rule) unless `secrets_shown`.
    inspect_json: Option<serde_json::Value>,
    /// The user asked to see secret env values (the reveal key); off for every container
    /// opened.
    pub secrets_shown: bool,
    /// How many env values the masking hides.
    pub secrets_masked: usize,
    pub files: FilesState,
    pub changes: ChangesState,
    /// The Stats tab's range, and what the history database holds for it (`None` while it
    /// loads; `Err` with why it could not be read).
    pub stats_range: HistoryRange,
    pub history: Option<Result<HistorySeries, String>>,
    /// Merged logs of several containers instead of one container's details: only the
    /// Logs tab, `id` is [`MERGED_ID`].
    pub merged: Option<Selection>,
    /// An archive search instead of a container (`app::archive`): the Logs tab only.
    pub archive: Option<wharf_core::history::ArchiveQuery>,
}

/// The `id` of a merged log pane: no container has it.
pub const MERGED_ID: &str = "merged-logs";

impl Details {
    pub fn new(id: ContainerId, name: String, tab: Tab, capacity: usize, tail: usize) -> Details {
        Details {
            id,
            name,
            tab,
            logs: LogsState::new(capacity, tail),
            inspect: None,
            top: None,
            scroll: 0,
            inspect_search: None,
            gone: false,
            inspect_json: None,
            secrets_shown: false,
            secrets_masked: 0,
            files: FilesState::new(),
            changes: None,
            stats_range: HistoryRange::default(),
            history: None,
            merged: None,
            archive: None,
        }
    }

    /// A pane of merged logs (the Logs tab only).
    pub fn merged(sel: Selection, capacity: usize, tail: usize) -> Details {
        let name = format!("logs of {}", sel.describe());
        let mut d = Details::new(
            ContainerId::from(MERGED_ID),
            name,
            Tab::Logs,
            capacity,
            tail,
        );
        d.merged = Some(sel);
        d
    }

    fn open_logs(&self) -> Effect {
        if let Some(q) = &self.archive {
            return Effect::ArchiveSearch(q.clone());
        }
        match &self.merged {
            Some(sel) => Effect::OpenMergedLogs {
                sel: sel.clone(),
                opts: self.logs.options(),
            },
            None => Effect::OpenLogs {
                id: self.id.clone(),
                opts: self.logs.options(),
            },
        }
    }

    /// What to load when opened: logs and inspect always, processes for the Top tab.
    pub fn load_effects(&mut self) -> Vec<Effect> {
        if self.merged.is_some() || self.archive.is_some() {
            self.tab = Tab::Logs;
            return vec![self.open_logs()];
        }
        let mut fx = vec![self.open_logs(), Effect::LoadInspect(self.id.clone())];
        if self.tab == Tab::Top {
            fx.push(Effect::LoadTop(self.id.clone()));
        }
        fx.extend(self.tab_effects());
        fx
    }

    /// What the Files and Changes tabs load when shown.
    fn tab_effects(&mut self) -> Vec<Effect> {
        match self.tab {
            Tab::Files => {
                let dir = self.files.dir.clone();
                self.files.open(&self.id, dir)
            }
            Tab::Changes => {
                self.changes = None;
                vec![Effect::LoadChanges(self.id.clone())]
            }
            Tab::Stats => self.set_stats_range(self.stats_range),
            _ => Vec::new(),
        }
    }

    pub fn reopen_logs(&mut self) -> Vec<Effect> {
        self.logs.buffer = LogBuffer::new(self.logs.buffer.capacity(), self.logs.timestamps);
        self.logs.ended = None;
        self.logs.scroll = 0;
        vec![self.open_logs()]
    }

    pub fn set_inspect(&mut self, r: Result<serde_json::Value, CoreError>) {
        match r {
            Ok(v) => {
                self.inspect_json = Some(v);
                self.rebuild_inspect();
            }
            Err(e) => {
                self.inspect_json = None;
                self.secrets_masked = 0;
                self.inspect = Some(Err(e));
            }
        }
    }

    /// Shows or hides secret env values (Env and Inspect tabs).
    pub fn toggle_secrets(&mut self) {
        self.secrets_shown = !self.secrets_shown;
        self.rebuild_inspect();
    }

    fn rebuild_inspect(&mut self) {
        let Some(v) = &self.inspect_json else {
            return;
        };
        let mut masked = v.clone();
        self.secrets_masked = wharf_core::rules::secrets::mask_inspect(&mut masked);
        let shown = if self.secrets_shown { v } else { &masked };
        self.inspect = Some(Ok(InspectDoc::from_json(shown)));
    }

    pub fn scroll(&mut self, delta: i32) {
        if self.tab == Tab::Logs {
            let bottom = self.logs.bottom;
            let cur = if self.logs.follow {
                bottom
            } else {
                self.logs.scroll.min(bottom)
            };
            self.logs.scroll = (cur as i64 + i64::from(delta)).clamp(0, bottom as i64) as usize;
            self.logs.follow = false;
        } else {
            // Saturating: `Bottom` parks the offset at `usize::MAX` (the view clamps it).
            let step = delta.unsigned_abs() as usize;
            self.scroll = if delta < 0 {
                self.scroll.saturating_sub(step)
            } else {
                self.scroll.saturating_add(step)
            };
        }
    }

    /// Search the inspect document (case-insensitive) and jump to the first hit.
    pub fn set_inspect_search(&mut self, text: &str) {
        self.inspect_search = (!text.is_empty()).then(|| text.to_lowercase());
        self.scroll = 0;
        self.next_inspect_match(false);
    }

    fn next_inspect_match(&mut self, backwards: bool) {
        let (Some(q), Some(Ok(doc))) = (&self.inspect_search, &self.inspect) else {
            return;
        };
        let hits: Vec<usize> = doc
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(q.as_str()))
            .map(|(i, _)| i)
            .collect();
        let cur = self.scroll;
        let next = if backwards {
            hits.iter().rev().find(|i| **i < cur).or(hits.last())
        } else {
            hits.iter().find(|i| **i > cur).or(hits.first())
        };
        if let Some(n) = next {
            self.scroll = *n;
        }
    }

    /// Show the Stats tab over `range`: its history is asked for again.
    pub fn set_stats_range(&mut self, range: HistoryRange) -> Vec<Effect> {
        self.stats_range = range;
        self.history = None;
        vec![Effect::LoadStatsHistory {
            id: self.id.clone(),
            range,
        }]
    }

    /// The next longer (`]`) or shorter (`[`) range, staying at the ends.
    fn step_stats_range(&mut self, longer: bool) -> Vec<Effect> {
        let all = HistoryRange::ALL;
        let i = all.iter().position(|r| *r == self.stats_range).unwrap_or(0);
        let j = if longer {
            (i + 1).min(all.len() - 1)
        } else {
            i.saturating_sub(1)
        };
        if i == j {
            return Vec::new();
        }
        self.set_stats_range(all[j])
    }

    /// The history database's answer for (`id`, `range`); a stale answer is dropped.
    pub fn set_history(
        &mut self,
        id: &ContainerId,
        range: HistoryRange,
        result: Result<HistorySeries, CoreError>,
    ) {
        if *id == self.id && range == self.stats_range {
            self.history = Some(result.map_err(|e| e.to_string()));
        }
    }

    fn switch(&mut self, tab: Tab) -> Vec<Effect> {
        if self.merged.is_some() {
            // Merged logs have no other tab.
            return Vec::new();
        }
        self.tab = tab;
        self.scroll = 0;
        if tab == Tab::Top {
            vec![Effect::LoadTop(self.id.clone())]
        } else {
            self.tab_effects()
        }
    }

    /// Keys for the details. `full`: details fill the screen, so they also take movement
    /// keys. `None`: not a details key, let the table have it.
    pub fn on_key(
        &mut self,
        actions: &[Action],
        mode: &mut Mode,
        full: bool,
    ) -> Option<Vec<Effect>> {
        let page = 20i32;
        if self.tab == Tab::Files {
            for a in actions {
                if let Some(fx) = self.files.on_key(&self.id, *a, mode) {
                    return Some(fx);
                }
            }
        }
        for a in actions {
            let fx = match a {
                Action::NextTab => self.switch(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
                Action::PrevTab => {
                    self.switch(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
                }
                Action::Follow if self.tab == Tab::Logs => {
                    self.logs.follow = !self.logs.follow;
                    Vec::new()
                }
                Action::Wrap if self.tab == Tab::Logs => {
                    self.logs.wrap = !self.logs.wrap;
                    Vec::new()
                }
                Action::Timestamps if self.tab == Tab::Logs => {
                    self.logs.timestamps = !self.logs.timestamps;
                    self.reopen_logs()
                }
                Action::SearchNext if self.tab == Tab::Logs => {
                    self.logs.jump_match(false);
                    Vec::new()
                }
                Action::SearchPrev if self.tab == Tab::Logs => {
                    self.logs.jump_match(true);
                    Vec::new()
                }
                Action::FilterMatches if self.tab == Tab::Logs => {
                    self.logs.only_matches = !self.logs.only_matches && self.logs.search.is_some();
                    self.logs.scroll = 0;
                    Vec::new()
                }
                Action::PauseLogs if self.tab == Tab::Logs => {
                    self.logs.paused = !self.logs.paused;
                    Vec::new()
                }
                Action::SaveLogs if self.tab == Tab::Logs => {
                    let name = match &self.merged {
                        Some(sel) => format!("{}.log", file_stem(&sel.describe())),
                        None => format!("{}.log", self.name),
                    };
                    *mode = Mode::Input(PromptKind::SaveLogs, Input::new(&name));
                    Vec::new()
                }
                Action::Filter if matches!(self.tab, Tab::Logs | Tab::Inspect) => {
                    let cur = if self.tab == Tab::Logs {
                        self.logs
                            .search
                            .as_ref()
                            .map(|q| q.source().to_owned())
                            .unwrap_or_default()
                    } else {
                        self.inspect_search.clone().unwrap_or_default()
                    };
                    *mode = Mode::Input(PromptKind::LogSearch, Input::new(&cur));
                    Vec::new()
                }
                Action::RevealSecrets if matches!(self.tab, Tab::Env | Tab::Inspect) => {
                    self.toggle_secrets();
                    Vec::new()
                }
                Action::SectionNext | Action::SectionPrev if self.tab == Tab::Inspect => {
                    if let Some(Ok(doc)) = &self.inspect {
                        let cur = self.scroll;
                        let starts = doc.sections.iter().map(|(_, l)| *l);
                        let next = if *a == Action::SectionNext {
                            starts.clone().find(|l| *l > cur)
                        } else {
                            starts.clone().rev().find(|l| *l < cur)
                        };
                        self.scroll = next.unwrap_or(cur);
                    }
                    Vec::new()
                }
                Action::StatsExport if self.tab == Tab::Stats && self.merged.is_none() => {
                    let name = format!("{}-stats.png", file_stem(&self.name));
                    *mode =
                        Mode::Input(PromptKind::StatsExport(self.id.clone()), Input::new(&name));
                    Vec::new()
                }
                Action::SectionNext | Action::SectionPrev if self.tab == Tab::Stats => {
                    self.step_stats_range(*a == Action::SectionNext)
                }
                Action::SearchNext | Action::SearchPrev if self.tab == Tab::Inspect => {
                    self.next_inspect_match(*a == Action::SearchPrev);
                    Vec::new()
                }
                Action::Up if full => {
                    self.scroll(-1);
                    Vec::new()
                }
                Action::Down if full => {
                    self.scroll(1);
                    Vec::new()
                }
                Action::PageUp if full => {
                    self.scroll(-page);
                    Vec::new()
                }
                Action::PageDown if full => {
                    self.scroll(page);
                    Vec::new()
                }
                Action::Top if full => {
                    if self.tab == Tab::Logs {
                        self.logs.follow = false;
                        self.logs.scroll = 0;
                    } else {
                        self.scroll = 0;
                    }
                    Vec::new()
                }
                Action::Bottom if full => {
                    if self.tab == Tab::Logs {
                        self.logs.follow = true;
                    } else {
                        self.scroll = usize::MAX / 2;
                    }
                    Vec::new()
                }
                _ => continue,
            };
            return Some(fx);
        }
        None
    }
}

/// A file name stem from a description: letters, digits, `.`, `_` and `-`; the rest `-`.
fn file_stem(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

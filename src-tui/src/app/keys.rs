//! Keys and the mouse: popups and prompts take keys first, then the details pane, then the
//! table; each key's actions are tried in turn until one applies here.

use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::{command_line, App};
use crate::details::Tab;
use crate::filter::Filter;
use crate::keymap::{Action, Key};
use crate::kinds::View;
use crate::layout::{header_column, Layout};
use crate::msg::Effect;
use crate::prompt::{Input, Mode, PromptKind};

impl App {
    pub(super) fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if !self.settings.mouse
            || !matches!(self.mode, Mode::Normal)
            || self.run_form.is_some()
            || self.build.is_some()
            || self.compose.is_some()
            || self.dash.is_some()
            || self.search.is_some()
            || self.contexts.picker.is_some()
        {
            return Vec::new();
        }
        let areas = self.areas();
        match m.kind {
            MouseEventKind::ScrollDown => self.scroll_focused(3),
            MouseEventKind::ScrollUp => self.scroll_focused(-3),
            MouseEventKind::Down(MouseButton::Left) => {
                let t = areas.table;
                if m.row == t.y {
                    // Header: sort by the clicked column.
                    let widths = self.column_widths(t.width);
                    let head = Rect { height: 1, ..t };
                    if let Some(col) = header_column(head, &widths, m.column, m.row) {
                        let tm = self.table_mut();
                        sort_by_click(&mut tm.sort_col, &mut tm.sort_desc, col);
                        self.refresh_rows();
                    }
                } else if let Some(i) = crate::layout::row_at(
                    Rect {
                        y: t.y + 1,
                        height: t.height.saturating_sub(1),
                        ..t
                    },
                    self.table().offset,
                    m.column,
                    m.row,
                ) {
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

    pub(super) fn scroll_focused(&mut self, delta: i32) -> Vec<Effect> {
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

    pub(super) fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let key = Key::from_event(&k);
        if self.build.is_some() && matches!(self.mode, Mode::Normal) {
            return self.on_build_key(k);
        }
        if self.compose.is_some() && matches!(self.mode, Mode::Normal) {
            return self.on_compose_key(k);
        }
        if self.dash.is_some() && matches!(self.mode, Mode::Normal) {
            return self.on_dash_key(k);
        }
        if self.search.is_some() && matches!(self.mode, Mode::Normal) {
            return self.on_search_key(k);
        }
        if self.run_form.is_some() && matches!(self.mode, Mode::Normal) {
            return self.on_form_key(k);
        }
        // Popups and inputs take keys first.
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {}
            Mode::Help(offset) => {
                // Movement keys scroll the help; any other key closes it.
                if let Some(o) = help_scroll(&self.settings.keymap, key, offset) {
                    self.mode = Mode::Help(o);
                }
                return Vec::new();
            }
            Mode::Text(mut t) => {
                let Some(delta) = self.settings.keymap.scroll_delta(key) else {
                    return Vec::new();
                };
                let last = t.lines.len().saturating_sub(1) as i32;
                t.scroll = (i32::from(t.scroll) + delta).clamp(0, last.max(0)) as u16;
                self.mode = Mode::Text(t);
                return Vec::new();
            }
            Mode::Confirm(c) => return self.on_confirm_key(c, k),
            Mode::Input(kind, input) => return self.on_input_key(kind, input, k),
        }
        if let Some(fx) = self.on_picker_key(k) {
            return fx;
        }
        if let Some(fx) = self.on_images_popup_key(k) {
            return fx;
        }
        let actions: Vec<Action> = self.settings.keymap.actions(key).collect();
        if self.copy.is_some() && actions.contains(&Action::Back) {
            return self.cancel_copy();
        }
        // The Files tab's one mutating key, refused before its prompt opens (like the table's).
        if self.settings.read_only
            && actions.contains(&Action::CopyIn)
            && self.details.as_ref().is_some_and(|d| d.tab == Tab::Files)
        {
            self.toast(
                format!("read-only mode: {} is disabled", Action::CopyIn.label()),
                true,
            );
            return Vec::new();
        }
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
    pub(super) fn on_action(&mut self, a: Action) -> Option<Vec<Effect>> {
        let page = (self.table_height() as usize).max(1);
        let sel = self.table().selected;
        let fx = match a {
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
            Action::Help => {
                self.mode = Mode::Help(0);
                Vec::new()
            }
            Action::Command => {
                self.mode = Mode::Input(PromptKind::Command, Input::default());
                // Fresh context names for `:ctx` completion (a few small files).
                vec![Effect::ListContexts]
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
            Action::MergedLogs => self.merged_logs_key(),
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
                let keys: Vec<_> = self.rows[a..=b.min(self.rows.len().saturating_sub(1))]
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
                let n = self.view.kind().columns.len().max(1);
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
                let text = row.key.copy_text().unwrap_or_else(|| row.name.clone());
                self.toast(format!("copied {text}"), false);
                vec![Effect::Copy(text)]
            }
            Action::Run => return self.run_selected_image(),
            Action::Edit if self.view == View::Containers => return self.edit_selected_container(),
            Action::ImageFilter => return self.cycle_image_filter(),
            Action::History => return self.open_history(),
            Action::CheckUpdates => self.check_updates(),
            Action::UpdateImages => self.update_images(),
            Action::Pull if self.view == View::Images => {
                let tag = self
                    .selected_row()
                    .and_then(|r| match &r.key {
                        crate::kinds::RowKey::Image(id) => self.snapshot.images.get(id),
                        _ => None,
                    })
                    .and_then(|i| wharf_core::rules::prune::real_tags(i).into_iter().next())
                    .unwrap_or_default();
                self.mode = Mode::Input(PromptKind::Command, Input::new(&format!("pull {tag}")));
                Vec::new()
            }
            a if a.is_mutating() => return self.on_mutating(a),
            _ => return None,
        };
        Some(fx)
    }

    pub(super) fn on_input_key(
        &mut self,
        kind: PromptKind,
        mut input: Input,
        k: KeyEvent,
    ) -> Vec<Effect> {
        if matches!(k.code, KeyCode::Esc | KeyCode::Enter)
            && !self.toast.as_ref().is_some_and(|t| t.alert)
        {
            // A message from before the question would show again when the prompt closes and
            // read as the answer's outcome ("nothing to export yet" after an export that is
            // still being written): the answer supersedes it. A fired alert stays.
            self.toast = None;
        }
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
                        self.run_command(&text)
                    }
                    other => self.on_prompt_submit(other, &text),
                }
            }
            KeyCode::Tab if kind == PromptKind::Command => {
                input.complete(&command_line::completions(
                    &input.text,
                    &self.image_names(),
                    &self.contexts.names,
                ));
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
                    if input.text.trim().is_empty() {
                        self.set_filter(None);
                    } else if let Ok(f) = Filter::parse(&input.text) {
                        self.set_filter(Some(f));
                    }
                }
                self.mode = Mode::Input(kind, input);
                Vec::new()
            }
        }
    }
}

/// A click on column `col`'s title: sort by it, ascending, or reverse the order when it is
/// the sort column already (the engine's tables and the fleet's).
pub fn sort_by_click(sort_col: &mut usize, sort_desc: &mut bool, col: usize) {
    if *sort_col == col {
        *sort_desc = !*sort_desc;
    } else {
        *sort_col = col;
        *sort_desc = false;
    }
}

/// The help's next scroll offset for `key`, or `None` when the key closes it (the engine's
/// help and the fleet's).
pub fn help_scroll(km: &crate::keymap::KeyMap, key: Key, offset: u16) -> Option<u16> {
    let delta = km.scroll_delta(key)?;
    Some((i32::from(offset) + delta).clamp(0, 500) as u16)
}

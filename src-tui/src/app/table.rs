//! The table's rows and geometry: rows rebuilt from the snapshot, filter and sort with the
//! selection kept on its object; offsets, pages and mouse hits from the one layout.

use std::collections::BTreeSet;

use wharf_core::model::ContainerId;

use super::App;
use crate::details::{Details, Tab};
use crate::filter::Filter;
use crate::kinds::{self, RowContext, RowKey, View};
use crate::layout::{self, Areas, Bounds};

impl App {
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
            .filter_map(|r| r.key.container().cloned())
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

    /// Where everything goes on screen at the current size.
    pub fn areas(&self) -> Areas {
        let mut a = layout::areas(self.size, self.details.as_ref().map(|_| self.layout));
        // The alerts view keeps its last lines for the rules in use (see `rules_lines`).
        a.table.height -= self.rules_lines(a.table.height);
        a
    }

    /// How many lines under the alerts view's table list the rules in use: a title and up to
    /// five rules, when the table keeps at least six lines.
    pub fn rules_lines(&self, table: u16) -> u16 {
        if self.view != View::Alerts || self.details.is_some() || self.alert_rules.is_empty() {
            return 0;
        }
        let want = self.alert_rules.len().min(5) as u16 + 1;
        if table >= want + 6 {
            want
        } else {
            0
        }
    }

    /// Rows the table can show.
    pub fn table_height(&self) -> u16 {
        self.areas().table_rows()
    }

    /// The table's column widths for a table `width` columns wide, from the visible rows.
    pub fn column_widths(&self, width: u16) -> Vec<u16> {
        use unicode_width::UnicodeWidthStr;
        let bounds: Vec<Bounds> = self
            .view
            .kind()
            .columns
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

    /// Where the log pane of `d` starts when it shows its last lines: the furthest the log
    /// view may scroll at the current size.
    pub(super) fn logs_bottom(&self, d: &Details) -> usize {
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
    pub(super) fn measure_logs(&mut self) {
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
            image_filter: self.images.filter,
            updates: &self.images.marks,
            alerts: &self.alerts,
        };
        let mut rows = (self.view.kind().rows)(&cx);
        if let Some(f) = &t.filter {
            rows.retain(|r| f.matches(r));
        }
        kinds::sort(&mut rows, t.sort_col, t.sort_desc);
        self.rows = rows;
        let keys: BTreeSet<&RowKey> = self.rows.iter().map(|r| &r.key).collect();
        let marks: BTreeSet<RowKey> = t
            .marks
            .iter()
            .filter(|k| keys.contains(k))
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

    /// Sort the rows again (their sort keys changed in place), keeping the selected row
    /// selected.
    pub(super) fn resort(&mut self) {
        let selected_key = self.selected_row().map(|r| r.key.clone());
        let (col, desc) = (self.table().sort_col, self.table().sort_desc);
        kinds::sort(&mut self.rows, col, desc);
        if let Some(i) = selected_key.and_then(|k| self.rows.iter().position(|r| r.key == k)) {
            self.table_mut().selected = i;
        }
        self.clamp_offset();
    }

    pub(super) fn clamp_offset(&mut self) {
        let h = self.table_height() as usize;
        let t = self.table_mut();
        t.offset = crate::layout::keep_in_view(t.offset, t.selected, h);
    }

    pub(super) fn select(&mut self, i: usize) {
        let last = self.rows.len().saturating_sub(1);
        self.table_mut().selected = i.min(last);
        self.clamp_offset();
    }

    pub fn apply_filter(&mut self, text: &str) {
        let filter = if text.trim().is_empty() {
            None
        } else {
            match Filter::parse(text) {
                Ok(f) => Some(f),
                Err(e) => {
                    self.toast(e, true);
                    if let Some(t) = &mut self.toast {
                        t.bad_filter = true;
                    }
                    return;
                }
            }
        };
        self.set_filter(filter);
    }

    /// Show only the rows `filter` matches (all rows for `None`); clears a bad-filter toast.
    pub(super) fn set_filter(&mut self, filter: Option<Filter>) {
        if self.toast.as_ref().is_some_and(|t| t.bad_filter) {
            self.toast = None;
        }
        let t = self.table_mut();
        t.filter = filter;
        t.selected = 0;
        self.refresh_rows();
    }
}

//! Moving between views and in and out of a container's details.

use wharf_core::model::ContainerId;

use super::App;
use crate::details::{Details, Tab};
use crate::filter::Filter;
use crate::kinds::{Open, View};
use crate::layout::Layout;
use crate::msg::Effect;

impl App {
    /// The split pane follows the selection.
    pub(super) fn sync_details(&mut self) -> Vec<Effect> {
        let Some(d) = &self.details else {
            return Vec::new();
        };
        if self.layout != Layout::Split || self.view != View::Containers || d.merged.is_some() {
            return Vec::new();
        }
        match self.selected_row() {
            Some(r) if r.key.container() != Some(&d.id) => {
                let Some(id) = r.key.container().cloned() else {
                    return Vec::new();
                };
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
        let mut d = Details::new(
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

    pub(super) fn details_close_if_other_view(&mut self) {
        if self.view != View::Containers && self.details.is_some() {
            self.details = None;
        }
    }

    pub(super) fn back(&mut self) -> Vec<Effect> {
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
            return Vec::new();
        }
        if self.from_fleet {
            return vec![Effect::Fleet];
        }
        Vec::new()
    }

    pub(super) fn open_selected(&mut self, tab: Tab) -> Option<Vec<Effect>> {
        match (self.view.kind().open)(self.selected_row()?)? {
            Open::Details(id) => {
                if let Some(d) = self.details.as_mut().filter(|d| d.id == id) {
                    d.tab = tab;
                    return Some(d.load_effects());
                }
                Some(self.open_details(id, tab))
            }
            Open::Config(id) => {
                let c = self.snapshot.configs.get(&id)?.clone();
                self.mode = crate::prompt::Mode::Text(super::swarm::config_popup(&c));
                Some(Vec::new())
            }
            Open::Filtered(view, filter) => {
                let mut fx = self.go(view);
                self.table_mut().filter = Filter::parse(&filter).ok();
                self.refresh_rows();
                fx.push(Effect::CloseLogs);
                Some(fx)
            }
        }
    }
}

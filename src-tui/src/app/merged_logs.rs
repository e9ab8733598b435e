//! Merged logs in the terminal: `L` on marked containers, a project or a Swarm service,
//! `:logs project=NAME`, `:logs service=NAME` or `:logs label=KEY[=VALUE]`. The pane is the log pane (follow, search, only matches,
//! save), fed by the core's merged follower; prefixes come coloured in the lines.

use wharf_core::streams::Selection;

use super::App;
use crate::details::Details;
use crate::filter::Filter;
use crate::kinds::{RowKey, View};
use crate::msg::Effect;

/// What `L` or `:logs` without arguments says when nothing is chosen.
const HOW: &str = "mark containers (space) or select a project or service first, or :logs \
     project=NAME / service=NAME / label=KEY=VALUE";

impl App {
    /// `L`: the marked containers (containers view) or the selected project (projects view).
    pub(super) fn merged_logs_key(&mut self) -> Vec<Effect> {
        let sel = match self.view {
            View::Containers => {
                let ids: Vec<_> = self
                    .table()
                    .marks
                    .iter()
                    .filter_map(|k| k.container().cloned())
                    .collect();
                (!ids.is_empty()).then_some(Selection::Containers(ids))
            }
            View::Projects => match self.selected_row().map(|r| &r.key) {
                Some(RowKey::Project(p)) => Some(Selection::Project(p.clone())),
                _ => None,
            },
            View::Services => match self.selected_row() {
                Some(r) if matches!(r.key, RowKey::Service(_)) => {
                    Some(Selection::Service(r.name.clone()))
                }
                _ => None,
            },
            _ => None,
        };
        match sel {
            Some(sel) => self.open_merged(sel),
            None => {
                self.toast(HOW, true);
                Vec::new()
            }
        }
    }

    /// `:logs WHAT`.
    pub(super) fn merged_logs_command(&mut self, words: &[&str]) -> Vec<Effect> {
        match words {
            [] => self.merged_logs_key(),
            [what] => match Selection::parse(what) {
                Ok(sel) => self.open_merged(sel),
                Err(e) => {
                    self.toast(e.to_string(), true);
                    Vec::new()
                }
            },
            _ => {
                self.toast(HOW, true);
                Vec::new()
            }
        }
    }

    /// Open the merged log pane over the containers view (filtered to the project when it is
    /// one), after checking that the selection picks something.
    pub fn open_merged(&mut self, sel: Selection) -> Vec<Effect> {
        if let Err(e) = sel.resolve(&self.snapshot) {
            self.toast(e.to_string(), true);
            return Vec::new();
        }
        let mut fx = self.go(View::Containers);
        let label = match &sel {
            Selection::Project(p) => {
                Some(format!("{}={p}", wharf_core::model::COMPOSE_PROJECT_LABEL))
            }
            // The service's tasks that run on this node.
            Selection::Service(s) => Some(format!("com.docker.swarm.service.name={s}")),
            _ => None,
        };
        if let Some(label) = label {
            self.table_mut().filter = Filter::parse(&label).ok();
            self.refresh_rows();
        }
        let mut d = Details::merged(sel, self.settings.log_buffer, self.settings.log_tail);
        fx.extend(d.load_effects());
        self.details = Some(d);
        fx
    }
}

#[cfg(test)]
#[path = "merged_logs_tests.rs"]
mod tests;

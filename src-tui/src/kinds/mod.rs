//! Resource kinds: one descriptor per kind (containers, images, networks, volumes, projects,
//! events, and the engine screen), each in its own file, and the one registry that lists them.
//!
//! A descriptor holds everything the rest of the UI needs to know about its kind: its view
//! name and `:` aliases, its named columns, how to build its rows from a snapshot, which
//! column sorts first, what its mutating actions do (with their confirmation text), and its
//! footer hints. The app, the command line, the configuration and the header read the
//! registry; none of them matches on the kind. Below the app: kinds see the snapshot, never
//! the app's state.

mod alerts;
mod configs;
pub mod containers;
mod engine;
mod events;
mod images;
mod networks;
mod nodes;
mod projects;
mod secrets;
mod services;
mod stacks;
mod table;
mod tasks;
mod volumes;

use wharf_core::model::ContainerId;
use wharf_core::store::Snapshot;
use wharf_core::streams::StatsView;

use crate::keymap::Action;
use crate::prompt::{Confirm, PromptKind};

pub use table::{col, sort, Cell, Column, Row, RowKey, Tone};

/// The screens of the app: one per kind in [`KINDS`], in the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Containers,
    Images,
    Networks,
    Volumes,
    Projects,
    Nodes,
    Services,
    Tasks,
    Stacks,
    Secrets,
    Events,
    Engine,
    Configs,
    Alerts,
}

/// The registry: every kind, in the order the header lists them (and [`View`]'s order).
pub const KINDS: [&Kind; 14] = [
    &containers::KIND,
    &images::KIND,
    &networks::KIND,
    &volumes::KIND,
    &projects::KIND,
    &nodes::KIND,
    &services::KIND,
    &tasks::KIND,
    &stacks::KIND,
    &secrets::KIND,
    &events::KIND,
    &engine::KIND,
    &configs::KIND,
    &alerts::KIND,
];

impl View {
    pub const ALL: [View; 14] = [
        View::Containers,
        View::Images,
        View::Networks,
        View::Volumes,
        View::Projects,
        View::Nodes,
        View::Services,
        View::Tasks,
        View::Stacks,
        View::Secrets,
        View::Events,
        View::Engine,
        View::Configs,
        View::Alerts,
    ];

    /// This view's descriptor.
    pub fn kind(self) -> &'static Kind {
        // `View` has exactly as many variants as `KINDS` has entries, in the same order (a
        // test checks the order), so the index is always in range.
        KINDS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.kind().name
    }

    /// The view called `s` (its name only; the command line also takes aliases).
    pub fn parse(s: &str) -> Option<View> {
        KINDS.iter().find(|k| k.name == s).map(|k| k.view)
    }

    /// The view called `word` by its name or one of its aliases.
    pub fn by_alias(word: &str) -> Option<View> {
        KINDS
            .iter()
            .find(|k| k.name == word || k.aliases.contains(&word))
            .map(|k| k.view)
    }
}

/// Every view name, in the registry's order (for messages and validation).
pub fn view_names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name).collect()
}

/// One resource kind.
pub struct Kind {
    pub view: View,
    /// Its view name: the `:` command, `--view` and `default_view`.
    pub name: &'static str,
    /// Other names the `:` command line takes.
    pub aliases: &'static [&'static str],
    pub columns: &'static [Column],
    /// Its rows, unfiltered and unsorted.
    pub rows: fn(&RowContext<'_>) -> Vec<Row>,
    /// Whether its table starts sorted descending (newest events first).
    pub sort_desc: bool,
    /// What a mutating action does to the selection; `None` when the action means nothing
    /// here (the key's next meaning is tried).
    pub act: fn(Action, &Selection<'_>) -> Option<Act>,
    /// What Enter (and the details keys) open on a row; `None`: nothing.
    pub open: fn(&Row) -> Option<Open>,
    /// Footer hints when no details pane is open (help and quit are moved first).
    pub hints: &'static [Action],
    /// A swarm kind: empty, and saying so, on an engine that is not a swarm manager.
    pub swarm: bool,
}

/// What opening a row shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Open {
    /// The container's details pane.
    Details(ContainerId),
    /// Another view with a `/` filter applied (a project's containers).
    Filtered(View, String),
    /// A swarm config's data, in a popup.
    Config(wharf_core::model::ConfigId),
}

/// A kind whose rows open nothing.
fn opens_nothing(_: &Row) -> Option<Open> {
    None
}

/// What row building needs besides the snapshot.
pub struct RowContext<'a> {
    pub snap: &'a Snapshot,
    pub stats: &'a StatsView,
    /// Unix seconds, fixed per frame (and in tests).
    pub now: i64,
    pub show_stopped: bool,
    /// The images view's filter (dangling, unused) and the last update check's marks.
    pub image_filter: wharf_core::rules::images::ImageFilter,
    pub updates: &'a wharf_core::rules::images::UpdateMarks,
    /// Fired alerts, newest first (the alerts view).
    pub alerts: &'a [wharf_core::model::FiredAlert],
}

/// What a mutating action applies to.
pub struct Selection<'a> {
    /// The marked rows, or else the selected one.
    pub targets: Vec<&'a Row>,
    /// The row under the cursor.
    pub selected: Option<&'a Row>,
    pub snap: &'a Snapshot,
}

/// What a mutating action comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// Run these commands, asking first (with this confirmation) when one is destructive.
    Run(Confirm),
    /// Ask for a line of text first, starting from this text.
    Ask(PromptKind, String),
    /// Nothing applies to the selection: say why.
    Refuse(String),
    /// Nothing to do and nothing to say (no selection).
    Nothing,
}

/// Footer hints of the kinds whose rows can be created and removed.
const RESOURCE_HINTS: &[Action] = &[
    Action::Filter,
    Action::Command,
    Action::Remove,
    Action::Create,
    Action::Mark,
    Action::SortNext,
    Action::Help,
    Action::Quit,
];

/// Footer hints of the kinds whose rows take no action.
const VIEW_HINTS: &[Action] = &[Action::Filter, Action::Command, Action::Help, Action::Quit];

/// A kind whose rows take no action.
fn no_actions(_: Action, _: &Selection<'_>) -> Option<Act> {
    None
}

/// Run swarm ops, one confirmation line naming each (asked first when one is destructive).
fn swarm_ops(
    title: String,
    ops: Vec<wharf_core::command::SwarmOp>,
    notes: Vec<String>,
) -> Option<Act> {
    if ops.is_empty() {
        return Some(Act::Nothing);
    }
    Some(Act::Run(Confirm {
        title,
        objects: ops.iter().map(ToString::to_string).collect(),
        commands: ops
            .into_iter()
            .map(|op| wharf_core::command::Command::Swarm { op })
            .collect(),
        notes,
    }))
}

/// "1 container", "3 containers".
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_view_order_with_unique_names() {
        for (i, v) in View::ALL.iter().enumerate() {
            assert_eq!(KINDS[i].view, *v);
            assert_eq!(v.kind().view, *v);
        }
        let mut names: Vec<&str> = KINDS
            .iter()
            .flat_map(|k| std::iter::once(k.name).chain(k.aliases.iter().copied()))
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a name or alias is used twice");
    }

    #[test]
    fn aliases() {
        assert_eq!(View::by_alias("img"), Some(View::Images));
        assert_eq!(View::by_alias("ps"), Some(View::Containers));
        assert_eq!(View::by_alias("compose"), Some(View::Projects));
        assert_eq!(View::by_alias("nope"), None);
    }
}

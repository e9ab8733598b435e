//! The fleet's other kinds: images, volumes and networks of every engine
//! (`wharf_core::fleet::FleetObjects`), switched with the single-engine UI's key (`:` then a
//! kind's name or alias: `:volumes`, `:img`, `:ps` back to containers). The same table rules
//! as the containers: ENGINE first, `/` filter (the core's rule: it matches the engine too),
//! `<`/`>`/`I` sort, marks across engines, and `D` remove, confirmed with the core's plan
//! (each object named with its engine, usage per engine, built-in networks left alone,
//! read-only engines named; the core refuses their part).
//!
//! Invariants: rows are recomputed from the objects, filter and sort whenever one changes;
//! the selection follows its key; marks of objects that vanished are dropped.

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent};
use wharf_core::fleet::{plan_removal, Fleet, FleetObjectKey, FleetObjects};

use super::fleet::{FleetApp, FleetConfirm, FleetEffect};
use crate::format::{bytes, inert};
use crate::keymap::{Action, Key};
use crate::kinds::View;

/// Which kind the fleet lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FleetKind {
    #[default]
    Containers,
    Images,
    Volumes,
    Networks,
}

impl FleetKind {
    pub fn name(self) -> &'static str {
        match self {
            FleetKind::Containers => "containers",
            FleetKind::Images => "images",
            FleetKind::Volumes => "volumes",
            FleetKind::Networks => "networks",
        }
    }

    /// A `:` word, by the single-engine views' names and aliases (`vol`, `img`, `ps`…).
    pub fn by_word(word: &str) -> Option<FleetKind> {
        match View::by_alias(word)? {
            View::Containers => Some(FleetKind::Containers),
            View::Images => Some(FleetKind::Images),
            View::Volumes => Some(FleetKind::Volumes),
            View::Networks => Some(FleetKind::Networks),
            _ => None,
        }
    }

    /// The table's columns after the mark column; the sort cycles through them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            FleetKind::Containers => &[],
            FleetKind::Images => &["ENGINE", "REPOSITORY:TAG", "ID", "SIZE", "USED BY"],
            FleetKind::Volumes => &["ENGINE", "NAME", "DRIVER", "USED BY"],
            FleetKind::Networks => &["ENGINE", "NAME", "ID", "DRIVER", "CONTAINERS"],
        }
    }
}

/// A sort value: text, or a number (sizes, counts).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Num(i64),
    Text(String),
}

/// One row as drawn: its key, its cells (inert), and its sort values.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRow {
    pub key: FleetObjectKey,
    pub cells: Vec<String>,
    /// Shown muted: a dangling image, a built-in network.
    pub muted: bool,
    sort: Vec<SortKey>,
}

/// The state of the other kinds' table.
#[derive(Debug, Default)]
pub struct FleetKinds {
    pub kind: FleetKind,
    pub objects: FleetObjects,
    /// The current kind's rows, filtered and sorted.
    pub rows: Vec<ObjectRow>,
    pub selected: usize,
    pub filter: String,
    pub editing_filter: bool,
    pub sort_col: usize,
    pub sort_desc: bool,
    pub marks: BTreeSet<FleetObjectKey>,
    /// The `:` line being typed.
    pub command: Option<String>,
    /// The fleet's change counter when `objects` was merged (`None`: merge again).
    merged: Option<u64>,
}

impl FleetKinds {
    pub fn selected_row(&self) -> Option<&ObjectRow> {
        self.rows.get(self.selected)
    }

    /// The rows of `kind` in `objects` that match `filter` (unsorted).
    fn all_rows(&self) -> Vec<ObjectRow> {
        let o = &self.objects;
        let q = self.filter.as_str();
        let text = |s: &str| SortKey::Text(s.to_lowercase());
        match self.kind {
            FleetKind::Containers => Vec::new(),
            FleetKind::Images => o
                .images
                .iter()
                .filter(|r| r.matches(q))
                .map(|r| {
                    let i = &r.image;
                    let tags = if i.tags.is_empty() {
                        "<none>".to_owned()
                    } else {
                        i.tags.join(", ")
                    };
                    ObjectRow {
                        key: r.key(),
                        sort: vec![
                            text(&r.engine),
                            text(&tags),
                            text(i.id.short()),
                            SortKey::Num(i.size),
                            SortKey::Num(r.users as i64),
                        ],
                        cells: vec![
                            inert(&r.engine),
                            inert(&tags),
                            i.id.short().to_owned(),
                            bytes(i.size.max(0) as u64),
                            r.users.to_string(),
                        ],
                        muted: i.is_dangling(),
                    }
                })
                .collect(),
            FleetKind::Volumes => o
                .volumes
                .iter()
                .filter(|r| r.matches(q))
                .map(|r| {
                    let v = &r.volume;
                    ObjectRow {
                        key: r.key(),
                        sort: vec![
                            text(&r.engine),
                            text(v.name.as_str()),
                            text(&v.driver),
                            SortKey::Num(r.users as i64),
                        ],
                        cells: vec![
                            inert(&r.engine),
                            inert(v.name.as_str()),
                            inert(&v.driver),
                            r.users.to_string(),
                        ],
                        muted: false,
                    }
                })
                .collect(),
            FleetKind::Networks => o
                .networks
                .iter()
                .filter(|r| r.matches(q))
                .map(|r| {
                    let n = &r.network;
                    ObjectRow {
                        key: r.key(),
                        sort: vec![
                            text(&r.engine),
                            text(&n.name),
                            text(n.id.short()),
                            text(&n.driver),
                            SortKey::Num(r.users as i64),
                        ],
                        cells: vec![
                            inert(&r.engine),
                            inert(&n.name),
                            n.id.short().to_owned(),
                            inert(&n.driver),
                            r.users.to_string(),
                        ],
                        muted: r.builtin,
                    }
                })
                .collect(),
        }
    }

    fn refresh(&mut self) {
        let keep = self.selected_row().map(|r| r.key.clone());
        let mut rows = self.all_rows();
        let col = self.sort_col;
        // Stable, then by engine and name, so equal keys keep one order.
        rows.sort_by(|a, b| {
            a.sort
                .get(col)
                .cmp(&b.sort.get(col))
                .then_with(|| a.sort.first().cmp(&b.sort.first()))
                .then_with(|| a.sort.get(1).cmp(&b.sort.get(1)))
        });
        if self.sort_desc {
            rows.reverse();
        }
        self.rows = rows;
        if let Some(k) = keep {
            if let Some(i) = self.rows.iter().position(|r| r.key == k) {
                self.selected = i;
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    fn switch(&mut self, kind: FleetKind) {
        if kind != self.kind {
            self.kind = kind;
            self.rows.clear();
            self.selected = 0;
            self.sort_col = 0;
            self.sort_desc = false;
            self.filter.clear();
            self.marks.clear();
            self.merged = None;
            self.refresh();
        }
    }
}

impl FleetApp {
    /// Before a frame: merge the fleet's objects again if an object kind is shown and any
    /// member changed since the last merge (the containers' table needs none of it).
    pub fn refresh_objects(&mut self, fleet: &Fleet) {
        if self.kinds.kind == FleetKind::Containers {
            return;
        }
        let revision = *fleet.changed().borrow();
        if self.kinds.merged != Some(revision) {
            self.kinds.merged = Some(revision);
            self.set_objects(fleet.objects());
        }
    }

    /// New objects from the fleet.
    pub fn set_objects(&mut self, objects: FleetObjects) {
        let k = &mut self.kinds;
        k.objects = objects;
        let o = &k.objects;
        let present: BTreeSet<FleetObjectKey> = o
            .images
            .iter()
            .map(|r| r.key())
            .chain(o.volumes.iter().map(|r| r.key()))
            .chain(o.networks.iter().map(|r| r.key()))
            .collect();
        k.marks.retain(|m| present.contains(m));
        k.refresh();
    }

    /// The other kinds' keys, before the containers' own: `Some` when the key was handled
    /// here (with the effect, if any), `None` to let the containers' table have it.
    pub(super) fn kinds_key(&mut self, ev: KeyEvent) -> Option<Option<FleetEffect>> {
        if self.confirm.is_some() {
            if self.kinds.kind != FleetKind::Containers
                && matches!(ev.code, KeyCode::Char('y') | KeyCode::Enter)
            {
                self.kinds.marks.clear();
            }
            return None;
        }
        if self.kinds.command.is_some() {
            return Some(self.command_key(ev));
        }
        let containers = self.kinds.kind == FleetKind::Containers;
        if containers && self.editing_filter {
            return None;
        }
        if !containers && self.kinds.editing_filter {
            let k = &mut self.kinds;
            match ev.code {
                KeyCode::Enter => k.editing_filter = false,
                KeyCode::Esc => {
                    k.editing_filter = false;
                    k.filter.clear();
                }
                KeyCode::Backspace => {
                    k.filter.pop();
                }
                KeyCode::Char(c) => k.filter.push(c),
                _ => return Some(None),
            }
            k.refresh();
            return Some(None);
        }
        let actions: Vec<Action> = self.keymap.actions(Key::from_event(&ev)).collect();
        if actions.contains(&Action::Command) {
            self.kinds.command = Some(String::new());
            return Some(None);
        }
        if containers {
            return None;
        }
        for a in actions {
            if let Some(done) = self.kinds_action(a) {
                return Some(done);
            }
        }
        // Nothing else applies to these rows (the containers' keys act on containers only).
        Some(None)
    }

    fn command_key(&mut self, ev: KeyEvent) -> Option<FleetEffect> {
        let line = self.kinds.command.as_mut()?;
        match ev.code {
            KeyCode::Esc => self.kinds.command = None,
            KeyCode::Backspace => {
                line.pop();
            }
            KeyCode::Char(c) => line.push(c),
            KeyCode::Enter => {
                let word = line.trim().to_owned();
                self.kinds.command = None;
                if word.is_empty() {
                    return None;
                }
                if matches!(word.as_str(), "q" | "quit") {
                    return Some(FleetEffect::Quit);
                }
                match FleetKind::by_word(&word) {
                    Some(kind) => {
                        self.kinds.switch(kind);
                        self.toast = None;
                    }
                    None => {
                        self.toast = Some((
                            format!(
                                "unknown command {}: the fleet lists containers, images, \
                                 volumes and networks (:volumes), or :quit",
                                inert(&word)
                            ),
                            true,
                        ))
                    }
                }
            }
            _ => {}
        }
        None
    }

    /// `Some(effect)` when the action means something on these rows.
    fn kinds_action(&mut self, a: Action) -> Option<Option<FleetEffect>> {
        let k = &mut self.kinds;
        let n = k.rows.len();
        match a {
            Action::Quit => return Some(Some(FleetEffect::Quit)),
            Action::Up => k.selected = k.selected.saturating_sub(1),
            Action::Down => k.selected = (k.selected + 1).min(n.saturating_sub(1)),
            Action::Top => k.selected = 0,
            Action::Bottom => k.selected = n.saturating_sub(1),
            Action::PageUp => k.selected = k.selected.saturating_sub(10),
            Action::PageDown => k.selected = (k.selected + 10).min(n.saturating_sub(1)),
            Action::Filter => k.editing_filter = true,
            Action::Back => {
                if !k.filter.is_empty() {
                    k.filter.clear();
                    k.refresh();
                }
            }
            Action::SortNext | Action::SortPrev => {
                let len = k.kind.columns().len();
                k.sort_col = if a == Action::SortNext {
                    (k.sort_col + 1) % len
                } else {
                    (k.sort_col + len - 1) % len
                };
                k.refresh();
            }
            Action::SortReverse => {
                k.sort_desc = !k.sort_desc;
                k.refresh();
            }
            Action::Mark => {
                if let Some(key) = k.selected_row().map(|r| r.key.clone()) {
                    if !k.marks.remove(&key) {
                        k.marks.insert(key);
                    }
                    k.selected = (k.selected + 1).min(n.saturating_sub(1));
                }
            }
            Action::ClearMarks => k.marks.clear(),
            Action::Remove => self.plan_remove(),
            _ => return None,
        }
        Some(None)
    }

    /// `D`: the marked objects (on any engine), else the selected one, through the core's
    /// plan; a confirmation, or why nothing can be removed.
    fn plan_remove(&mut self) {
        let k = &self.kinds;
        let keys: Vec<FleetObjectKey> = if k.marks.is_empty() {
            k.selected_row()
                .map(|r| r.key.clone())
                .into_iter()
                .collect()
        } else {
            k.marks.iter().cloned().collect()
        };
        if keys.is_empty() {
            return;
        }
        let plan = plan_removal(&k.objects, &self.snapshot.engines, &keys);
        if plan.items.is_empty() {
            self.toast = Some((inert(&plan.notes.join("; ")), true));
            return;
        }
        self.confirm = Some(FleetConfirm {
            title: inert(&plan.title),
            lines: plan.lines.iter().map(|l| inert(l)).collect(),
            notes: plan.notes.iter().map(|l| inert(l)).collect(),
            items: plan.items.into_iter().map(|r| (r.engine, r.cmd)).collect(),
        });
    }
}

#[cfg(test)]
#[path = "fleet_objects_tests.rs"]
mod tests;

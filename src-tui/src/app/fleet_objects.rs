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
use wharf_core::fleet::{plan_removal_with, Fleet, FleetObjectKey, FleetObjects, RemovalOptions};

use super::fleet::{FleetApp, FleetConfirm, FleetEffect, ObjectRemoval};
pub use super::fleet_kinds::FleetKind;
use crate::format::inert;
use crate::keymap::{Action, Key};

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
        self.keep_selection_in_view();
    }

    /// The other kinds' keys, before the containers' own: `Some` when the key was handled
    /// here (with the effect, if any), `None` to let the containers' table have it.
    pub(super) fn kinds_key(&mut self, ev: KeyEvent) -> Option<Option<FleetEffect>> {
        if let Some(c) = &self.confirm {
            // Not an object removal: the containers' confirmation has its keys.
            let r = c.removal.clone()?;
            return match ev.code {
                // The image removal's choices, as in the single-engine confirmation: the
                // plan is made again with them (force takes the images in use).
                KeyCode::Char('f') | KeyCode::Char('p') if r.has_images => {
                    let mut opts = r.opts;
                    if ev.code == KeyCode::Char('f') {
                        opts.force = !opts.force;
                    } else {
                        opts.no_prune = !opts.no_prune;
                    }
                    self.confirm = None;
                    self.plan_remove(r.keys, opts);
                    Some(None)
                }
                KeyCode::Char('y') | KeyCode::Enter if c.items.is_empty() => {
                    self.confirm = None;
                    self.toast = Some((
                        "nothing removed: every object listed needs force (f)".to_owned(),
                        true,
                    ));
                    Some(None)
                }
                KeyCode::Char('y') | KeyCode::Enter => {
                    self.kinds.marks.clear();
                    None
                }
                _ => None,
            };
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
        if a == Action::Help {
            self.help = Some(0);
            return Some(None);
        }
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
            Action::Remove => {
                let keys: Vec<FleetObjectKey> = if k.marks.is_empty() {
                    k.selected_row()
                        .map(|r| r.key.clone())
                        .into_iter()
                        .collect()
                } else {
                    k.marks.iter().cloned().collect()
                };
                self.plan_remove(keys, RemovalOptions::default());
            }
            _ => return None,
        }
        Some(None)
    }

    /// `D`: the marked objects (on any engine), else the selected one, through the core's
    /// plan with the image removal's choices (`f`, `p` in the confirmation); a confirmation,
    /// or why nothing can be removed.
    fn plan_remove(&mut self, keys: Vec<FleetObjectKey>, opts: RemovalOptions) {
        if keys.is_empty() {
            return;
        }
        let plan = plan_removal_with(&self.kinds.objects, &self.snapshot.engines, &keys, opts);
        // Images left out for want of force still get the confirmation: `f` takes them.
        if plan.items.is_empty() && plan.needs_force == 0 {
            self.toast = Some((inert(&plan.notes.join("; ")), true));
            return;
        }
        self.confirm = Some(FleetConfirm {
            title: inert(&plan.title),
            lines: plan.lines.iter().map(|l| inert(l)).collect(),
            notes: plan.notes.iter().map(|l| inert(l)).collect(),
            items: plan.items.into_iter().map(|r| (r.engine, r.cmd)).collect(),
            removal: Some(ObjectRemoval {
                keys,
                opts,
                has_images: plan.has_images,
            }),
        });
    }
}

#[cfg(test)]
#[path = "fleet_objects_tests.rs"]
mod tests;

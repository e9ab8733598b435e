//! The fleet view's state: the merged listing of several engines (`wharf_core::fleet`), a
//! filter (`/`, the core's rule: it matches the engine name too), a sort column, marks that
//! may span engines, and the confirmation of a bulk action naming each object with its
//! engine. Keys in, [`FleetEffect`]s out; the loop (`fleet_run`) carries them out.
//!
//! Invariants: rows are recomputed from the snapshot, filter and sort whenever one changes;
//! the selection follows its (engine, id) key; marks of rows that vanished are dropped; a
//! destructive action only yields a confirmation. Read-only is the core's: a command for a
//! read-only engine is sent and refused there (the confirmation says it will be).

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent};
use wharf_core::command::{Command, Outcome};
use wharf_core::error::CoreError;
use wharf_core::fleet::{describe_command, FleetContainer, FleetKey, FleetSnapshot};
use wharf_core::model::ContainerState;
use wharf_core::rules::removal::container_removal;

use super::fleet_kinds::FleetKinds;
use crate::format::inert;
use crate::keymap::{Action, Key, KeyMap};

/// Columns of the fleet table, in order; the sort cycles through them.
pub const FLEET_COLUMNS: [&str; 5] = ["ENGINE", "NAME", "IMAGE", "STATE", "STATUS"];

/// A bulk action waiting for `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetConfirm {
    pub title: String,
    /// One line per object: verb, name, short id and engine.
    pub lines: Vec<String>,
    pub notes: Vec<String>,
    pub items: Vec<(String, Command)>,
    /// An object removal: what to plan again when `f` or `p` changes its choices.
    pub removal: Option<ObjectRemoval>,
}

/// The objects of a removal and its choices (force, no-prune: `app::fleet_objects`).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRemoval {
    pub keys: Vec<wharf_core::fleet::FleetObjectKey>,
    pub opts: wharf_core::fleet::RemovalOptions,
    /// Whether an image is among them (the choices apply to images only).
    pub has_images: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FleetEffect {
    Quit,
    /// Run these `(engine, command)` pairs (the core routes and refuses per engine).
    Execute(Vec<(String, Command)>),
    /// Leave the fleet for this engine's views, with this container's details open.
    Open(FleetKey),
}

#[derive(Debug)]
pub struct FleetApp {
    pub snapshot: FleetSnapshot,
    /// Indices into `snapshot.containers`, filtered and sorted.
    pub rows: Vec<usize>,
    pub selected: usize,
    pub filter: String,
    pub editing_filter: bool,
    pub sort_col: usize,
    pub sort_desc: bool,
    pub marks: BTreeSet<FleetKey>,
    pub confirm: Option<FleetConfirm>,
    /// The last outcome: text and whether it is an error.
    pub toast: Option<(String, bool)>,
    pub(crate) keymap: KeyMap,
    /// The `?` help, open, scrolled by this many rows (`fleet_input`).
    pub help: Option<u16>,
    /// The first table row on screen (kept so the mouse hits what is drawn).
    pub offset: usize,
    pub size: (u16, u16),
    /// What each SSH engine's shared connections cost, read every second by the loop.
    pub ssh: Vec<(String, wharf_core::model::SshCost)>,
    /// Whether mouse events are taken (the `mouse` setting).
    pub mouse: bool,
    /// `--read-only` for all: mutating keys leave the footer (the core refuses them anyway).
    pub read_only: bool,
    /// Images, volumes and networks, when `:` switched to one of them.
    pub kinds: FleetKinds,
}

impl FleetApp {
    pub fn new(keymap: KeyMap, snapshot: FleetSnapshot) -> FleetApp {
        let mut app = FleetApp {
            snapshot,
            rows: Vec::new(),
            selected: 0,
            filter: String::new(),
            editing_filter: false,
            sort_col: 0,
            sort_desc: false,
            marks: BTreeSet::new(),
            confirm: None,
            toast: None,
            keymap,
            help: None,
            offset: 0,
            size: (80, 24),
            ssh: Vec::new(),
            mouse: true,
            read_only: false,
            kinds: FleetKinds::default(),
        };
        app.refresh_rows(None);
        app
    }

    pub fn keymap(&self) -> &KeyMap {
        &self.keymap
    }

    pub fn row(&self, i: usize) -> Option<&FleetContainer> {
        self.rows
            .get(i)
            .and_then(|&j| self.snapshot.containers.get(j))
    }

    pub fn selected_row(&self) -> Option<&FleetContainer> {
        self.row(self.selected)
    }

    pub fn set_snapshot(&mut self, snapshot: FleetSnapshot) {
        let keep = self.selected_row().map(FleetContainer::key);
        self.snapshot = snapshot;
        let present: BTreeSet<FleetKey> = self
            .snapshot
            .containers
            .iter()
            .map(FleetContainer::key)
            .collect();
        self.marks.retain(|k| present.contains(k));
        self.refresh_rows(keep);
    }

    pub(super) fn refresh_rows(&mut self, keep: Option<FleetKey>) {
        let all = &self.snapshot.containers;
        let mut rows: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].matches(&self.filter))
            .collect();
        let col = self.sort_col;
        let text = |r: &FleetContainer| -> String {
            match col {
                0 => r.engine.to_lowercase(),
                1 => r.container.name.to_lowercase(),
                2 => r.container.image.to_lowercase(),
                3 => r.container.state.as_str().to_owned(),
                _ => r.container.status.to_lowercase(),
            }
        };
        // Stable, then by engine and name, so equal keys keep one order.
        rows.sort_by(|&a, &b| {
            let (a, b) = (&all[a], &all[b]);
            text(a)
                .cmp(&text(b))
                .then_with(|| a.engine.cmp(&b.engine))
                .then_with(|| a.container.name.cmp(&b.container.name))
        });
        if self.sort_desc {
            rows.reverse();
        }
        self.rows = rows;
        if let Some(k) = keep {
            if let Some(i) = self.rows.iter().position(|&j| all[j].key() == k) {
                self.selected = i;
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        // Rows can shrink or the selection move with no key pressed (an engine's revision, a
        // filter): the table's first row on screen follows, or it could start past the end
        // and show a count over an empty table.
        let height = usize::from(self.areas().rows().height);
        self.offset = crate::layout::fill_view(self.offset, self.selected, height, self.rows.len());
    }

    /// A key as the terminal reported it: an unbound alt-x is Esc then x (`KeyMap::split_meta`).
    pub fn key(&mut self, ev: KeyEvent) -> Option<FleetEffect> {
        let keys: Vec<KeyEvent> = self.keymap.split_meta(ev).collect();
        // Esc, the first of two, has no effect here; an effect ends the turn.
        keys.into_iter().find_map(|k| self.one_key(k))
    }

    fn one_key(&mut self, ev: KeyEvent) -> Option<FleetEffect> {
        if let Some(done) = self.kinds_key(ev) {
            return done;
        }
        if self.confirm.is_some() {
            return self.confirm_key(ev);
        }
        if self.editing_filter {
            match ev.code {
                KeyCode::Enter => self.editing_filter = false,
                KeyCode::Esc => {
                    self.editing_filter = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) => self.filter.push(c),
                _ => return None,
            }
            self.refresh_rows(self.selected_row().map(FleetContainer::key));
            return None;
        }
        let key = Key::from_event(&ev);
        let actions: Vec<Action> = self.keymap.actions(key).collect();
        for a in actions {
            if let Some(done) = self.action(a) {
                return done;
            }
        }
        None
    }

    /// `Some(effect)` when the action means something here.
    fn action(&mut self, a: Action) -> Option<Option<FleetEffect>> {
        let n = self.rows.len();
        match a {
            Action::Quit => return Some(Some(FleetEffect::Quit)),
            Action::Help => self.help = Some(0),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = n.saturating_sub(1),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::PageDown => self.selected = (self.selected + 10).min(n.saturating_sub(1)),
            Action::Filter => self.editing_filter = true,
            Action::Back => {
                if !self.filter.is_empty() {
                    self.filter.clear();
                    self.refresh_rows(self.selected_row().map(FleetContainer::key));
                }
            }
            Action::SortNext | Action::SortPrev => {
                let len = FLEET_COLUMNS.len();
                self.sort_col = if a == Action::SortNext {
                    (self.sort_col + 1) % len
                } else {
                    (self.sort_col + len - 1) % len
                };
                self.refresh_rows(self.selected_row().map(FleetContainer::key));
            }
            Action::SortReverse => {
                self.sort_desc = !self.sort_desc;
                self.refresh_rows(self.selected_row().map(FleetContainer::key));
            }
            Action::Mark => {
                if let Some(k) = self.selected_row().map(FleetContainer::key) {
                    if !self.marks.remove(&k) {
                        self.marks.insert(k);
                    }
                    self.selected = (self.selected + 1).min(n.saturating_sub(1));
                }
            }
            Action::ClearMarks => self.marks.clear(),
            Action::Open => {
                return Some(self.selected_row().map(|r| FleetEffect::Open(r.key())));
            }
            Action::Start
            | Action::Stop
            | Action::Restart
            | Action::PauseToggle
            | Action::Kill
            | Action::Remove => return Some(self.lifecycle(a)),
            _ => return None,
        }
        Some(None)
    }

    /// The marked rows (on any engine), else the selected one.
    fn targets(&self) -> Vec<&FleetContainer> {
        if self.marks.is_empty() {
            return self.selected_row().into_iter().collect();
        }
        self.snapshot
            .containers
            .iter()
            .filter(|r| self.marks.contains(&r.key()))
            .collect()
    }

    fn lifecycle(&mut self, a: Action) -> Option<FleetEffect> {
        let targets = self.targets();
        if targets.is_empty() {
            return None;
        }
        let mut items = Vec::new();
        let mut notes = Vec::new();
        for r in &targets {
            let c = &r.container;
            let id = c.id.clone();
            let cmd = match a {
                Action::Start => Command::Start { id },
                Action::Stop => Command::Stop { id, timeout: None },
                Action::Restart => Command::Restart { id, timeout: None },
                Action::Kill => Command::Kill {
                    id,
                    signal: "KILL".into(),
                },
                Action::PauseToggle if c.state == ContainerState::Paused => Command::Unpause { id },
                Action::PauseToggle => Command::Pause { id },
                _ => {
                    let removal = container_removal(&c.name, c.state);
                    if let Some(w) = removal.warning {
                        notes.push(format!("{} (on {})", inert(&w), inert(&r.engine)));
                    }
                    Command::Remove {
                        id,
                        force: removal.force,
                        volumes: false,
                    }
                }
            };
            items.push((r.engine.clone(), cmd));
        }
        for e in &self.snapshot.engines {
            if e.read_only && items.iter().any(|(name, _)| *name == e.name) {
                notes.push(format!(
                    "{} is read-only: its part will be refused",
                    inert(&e.name)
                ));
            }
        }
        let destructive = items.iter().any(|(_, c)| c.is_destructive());
        if !destructive {
            return Some(FleetEffect::Execute(items));
        }
        let engines: BTreeSet<&str> = items.iter().map(|(e, _)| e.as_str()).collect();
        let lines = targets
            .iter()
            .zip(&items)
            .map(|(r, (engine, cmd))| inert(&describe_command(engine, &r.container.name, cmd)))
            .collect();
        let verb = items.first().map_or("act", |(_, c)| c.verb());
        self.confirm = Some(FleetConfirm {
            title: format!(
                "{verb} {} container{} on {} engine{}?",
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                engines.len(),
                if engines.len() == 1 { "" } else { "s" },
            ),
            lines,
            notes,
            items,
            removal: None,
        });
        None
    }

    fn confirm_key(&mut self, ev: KeyEvent) -> Option<FleetEffect> {
        match ev.code {
            KeyCode::Char('y') | KeyCode::Enter => {
                let c = self.confirm.take()?;
                self.marks.clear();
                Some(FleetEffect::Execute(c.items))
            }
            KeyCode::Char('n') | KeyCode::Esc => {
                self.confirm = None;
                None
            }
            _ => None,
        }
    }

    /// What the core answered for each `(engine, command)` sent.
    pub fn outcomes(&mut self, done: Vec<(String, Command, Result<Outcome, CoreError>)>) {
        let failed: Vec<String> = done
            .iter()
            .filter_map(|(engine, cmd, r)| {
                r.as_ref().err().map(|e| format!("{cmd} on {engine}: {e}"))
            })
            .collect();
        self.toast = Some(if failed.is_empty() {
            let n = done.len();
            let verb = done.first().map_or("", |(_, c, _)| c.verb());
            (format!("{verb}: {n} done"), false)
        } else {
            (inert(&failed.join("; ")), true)
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crossterm::event::{KeyEvent, KeyModifiers};
    use wharf_core::fleet::{EngineState, EngineStatus, FleetContainer, FleetSnapshot};
    use wharf_core::model::ContainerState;

    use super::*;
    use crate::view::tests::fixtures::container;

    fn status(name: &str, read_only: bool) -> EngineStatus {
        EngineStatus {
            name: name.into(),
            endpoint: format!("unix:///{name}.sock"),
            colour: None,
            red: false,
            read_only,
            state: EngineState::Connected,
            error: None,
            containers: 0,
            running: 0,
            stale: false,
            revision: 1,
        }
    }

    fn fleet() -> FleetApp {
        let row = |engine: &str, c: char, name: &str| FleetContainer {
            engine: engine.into(),
            container: Arc::new(container(c, name, "busybox", ContainerState::Running)),
        };
        FleetApp::new(
            KeyMap::default(),
            FleetSnapshot {
                engines: vec![status("east", false), status("prod", true)],
                containers: vec![
                    row("east", 'a', "web"),
                    row("east", 'b', "db"),
                    row("prod", 'c', "web"),
                ],
            },
        )
    }

    fn key(app: &mut FleetApp, c: char) -> Option<FleetEffect> {
        app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    /// Seen in bench/fleet.sh: a count over an empty table after the rows shrank with no key
    /// pressed (an engine's revision), the first row on screen left past the end.
    #[test]
    fn rows_shrinking_with_no_key_keep_the_table_in_view() {
        let mut app = fleet();
        let snapshot = app.snapshot.clone();
        let mut long = snapshot.clone();
        for i in 0..200u32 {
            let mut c = (*long.containers[0].container).clone();
            c.name = format!("c{i:03}");
            c.id = format!("{i:064}").into();
            long.containers.push(FleetContainer {
                engine: "east".into(),
                container: Arc::new(c),
            });
        }
        app.set_snapshot(long);
        app.selected = 180;
        app.keep_selection_in_view();
        assert!(app.offset > 100, "scrolled down: {}", app.offset);
        app.set_snapshot(snapshot);
        assert_eq!(app.rows.len(), 3);
        assert!(
            app.offset <= app.selected,
            "{} > {}",
            app.offset,
            app.selected
        );
    }

    #[test]
    fn the_filter_matches_the_engine_name() {
        let mut app = fleet();
        key(&mut app, '/');
        for c in "prod".chars() {
            key(&mut app, c);
        }
        app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(app.rows.len(), 1);
        assert_eq!(app.selected_row().map(|r| r.engine.as_str()), Some("prod"));
    }

    /// Esc then `/` in one read arrive as alt-/: the filter is cleared and a new one typed,
    /// and the name typed next is a filter, not commands (its `r` restarted a container).
    #[test]
    fn esc_and_slash_in_one_read_clear_and_start_the_filter() {
        let mut app = fleet();
        key(&mut app, '/');
        for c in "prod".chars() {
            key(&mut app, c);
        }
        app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(app.rows.len(), 1);
        assert_eq!(
            app.key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT)),
            None
        );
        assert!(app.editing_filter);
        for c in "east".chars() {
            assert_eq!(key(&mut app, c), None);
        }
        assert_eq!(app.filter, "east");
        assert!(app.rows.len() == 2, "both east rows");
    }

    #[test]
    fn a_stop_over_marks_on_two_engines_is_confirmed_naming_each_engine() {
        let mut app = fleet();
        // Sorted by engine then name: east/db, east/web, prod/web. Mark east/web and prod/web.
        key(&mut app, 'j');
        key(&mut app, ' ');
        key(&mut app, ' ');
        assert_eq!(app.marks.len(), 2);
        assert_eq!(key(&mut app, 's'), None, "a stop is confirmed first");
        let c = app
            .confirm
            .clone()
            .unwrap_or_else(|| panic!("no confirmation"));
        assert!(c.title.contains("2 containers on 2 engines"), "{}", c.title);
        assert!(c
            .lines
            .iter()
            .any(|l| l.starts_with("stop web") && l.ends_with("on east")));
        assert!(c
            .lines
            .iter()
            .any(|l| l.starts_with("stop web") && l.ends_with("on prod")));
        assert!(
            c.notes.iter().any(|n| n.contains("prod is read-only")),
            "{:?}",
            c.notes
        );
        match key(&mut app, 'y') {
            Some(FleetEffect::Execute(items)) => {
                let engines: Vec<&str> = items.iter().map(|(e, _)| e.as_str()).collect();
                assert_eq!(engines, ["east", "prod"]);
                assert!(items.iter().all(|(_, c)| c.verb() == "stop"));
            }
            other => panic!("expected the stop, got {other:?}"),
        }
        assert!(app.marks.is_empty());
    }

    #[test]
    fn a_start_is_sent_at_once_and_enter_opens_the_row_on_its_engine() {
        let mut app = fleet();
        match key(&mut app, 'S') {
            Some(FleetEffect::Execute(items)) => assert_eq!(items.len(), 1),
            other => panic!("expected a start, got {other:?}"),
        }
        key(&mut app, 'G');
        match app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)) {
            Some(FleetEffect::Open(k)) => assert_eq!(k.engine, "prod"),
            other => panic!("expected open, got {other:?}"),
        }
    }
}

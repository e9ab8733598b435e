//! The fleet's terminal input besides its keys: the `?` help (scrolled like the engine's
//! help), the mouse (a click selects a row, the wheel moves the selection, as in the engine's
//! table) and the terminal's size, which places the table for both. The hit test and the
//! scrolling are the engine table's own (`layout::row_at`, `layout::keep_in_view`). They act
//! on the table shown: the containers', or an object kind's (`:img`, `:volumes`, `:net`),
//! which sits in the same place on screen ([`FleetApp::cursor`]).
//!
//! A click on a column title sorts by that column (again: the other way), as in the engine's
//! table: the titles' geometry is the engine table's (`layout::header_column`), over the
//! widths [`FleetApp::column_widths`] gives the view too.
//!
//! Invariant: after every input the selected row is in view (`offset`), so what the mouse
//! hits is what is drawn.

use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Constraint;
use wharf_core::fleet::FleetContainer;

use super::fleet::{FleetApp, FleetEffect};
use super::fleet_kinds::FleetKind;
use super::keys::{help_scroll, sort_by_click};
use crate::keymap::Key;
use crate::layout::{fill_view, fleet_areas, header_column, row_at, solve_widths, FleetAreas};

/// The containers' columns (`FLEET_COLUMNS`) before they are solved for a width.
const CONTAINER_WIDTHS: [Constraint; 5] = [
    Constraint::Min(8),
    Constraint::Min(12),
    Constraint::Min(12),
    Constraint::Length(10),
    Constraint::Min(10),
];

impl FleetApp {
    /// Where the fleet's parts are on screen now.
    pub fn areas(&self) -> FleetAreas {
        fleet_areas(self.size, self.snapshot.engines.len())
    }

    /// One terminal event: keys (the help takes them first while open), mouse, resize.
    pub fn input(&mut self, ev: Event) -> Option<FleetEffect> {
        let effect = match ev {
            Event::Key(k) if k.kind == KeyEventKind::Release => None,
            Event::Key(k) => match self.help {
                // Movement keys scroll the help; any other key closes it.
                Some(offset) => {
                    self.help = help_scroll(self.keymap(), Key::from_event(&k), offset);
                    None
                }
                None => self.key(k),
            },
            Event::Mouse(m) => {
                self.mouse_event(m);
                None
            }
            Event::Resize(w, h) => {
                self.size = (w, h);
                None
            }
            _ => None,
        };
        self.keep_selection_in_view();
        effect
    }

    /// The table shown: its selection, its first row on screen, and how many rows it has.
    pub(super) fn cursor(&mut self) -> (&mut usize, &mut usize, usize) {
        if self.kinds.kind == FleetKind::Containers {
            (&mut self.selected, &mut self.offset, self.rows.len())
        } else {
            let k = &mut self.kinds;
            (&mut k.selected, &mut k.offset, k.rows.len())
        }
    }

    /// The widths of the table shown's columns (after the marks column) inside a frame
    /// `width` cells wide: the view draws them, and a click on the titles finds its column in
    /// them.
    pub fn column_widths(&self, width: u16) -> Vec<u16> {
        if self.kinds.kind == FleetKind::Containers {
            solve_widths(&CONTAINER_WIDTHS, width)
        } else {
            solve_widths(&self.kinds.constraints(), width)
        }
    }

    /// A click on column `col`'s title of the table shown.
    fn sort_by_column(&mut self, col: usize) {
        if self.kinds.kind == FleetKind::Containers {
            sort_by_click(&mut self.sort_col, &mut self.sort_desc, col);
            self.refresh_rows(self.selected_row().map(FleetContainer::key));
        } else {
            let k = &mut self.kinds;
            sort_by_click(&mut k.sort_col, &mut k.sort_desc, col);
            k.refresh();
        }
    }

    fn mouse_event(&mut self, m: MouseEvent) {
        let typing =
            self.editing_filter || self.kinds.editing_filter || self.kinds.command.is_some();
        if !self.mouse || self.help.is_some() || self.confirm.is_some() || typing {
            return;
        }
        let head = self.areas().head();
        if m.kind == MouseEventKind::Down(MouseButton::Left) && m.row == head.y {
            // The column titles: a sort, never a row.
            let widths = self.column_widths(head.width);
            if let Some(col) = header_column(head, &widths, m.column, m.row) {
                self.sort_by_column(col);
            }
            return;
        }
        let rows = self.areas().rows();
        let (selected, offset, len) = self.cursor();
        let last = len.saturating_sub(1);
        match m.kind {
            MouseEventKind::ScrollDown => *selected = (*selected + 3).min(last),
            MouseEventKind::ScrollUp => *selected = selected.saturating_sub(3),
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(i) = row_at(rows, *offset, m.column, m.row) {
                    if i < len {
                        *selected = i;
                    }
                }
            }
            _ => {}
        }
    }

    /// Also after a new snapshot (rows come and go).
    pub fn keep_selection_in_view(&mut self) {
        let height = usize::from(self.areas().rows().height);
        let (selected, offset, len) = self.cursor();
        *offset = fill_view(*offset, *selected, height, len);
    }

    /// The SSH members' costs now; whether they changed (the screen then needs drawing).
    pub fn set_ssh(&mut self, costs: Vec<(String, wharf_core::model::SshCost)>) -> bool {
        let changed = costs != self.ssh;
        self.ssh = costs;
        changed
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use wharf_core::fleet::{EngineState, EngineStatus, FleetContainer, FleetSnapshot};
    use wharf_core::model::ContainerState;

    use super::*;
    use crate::keymap::KeyMap;
    use crate::view::tests::fixtures::container;

    fn app(rows: usize) -> FleetApp {
        let engine = EngineStatus {
            name: "east".into(),
            endpoint: "unix:///east.sock".into(),
            colour: None,
            red: false,
            read_only: false,
            state: EngineState::Connected,
            error: None,
            containers: rows,
            running: rows,
            stale: false,
            revision: 1,
        };
        let containers = (0..rows)
            .map(|i| FleetContainer {
                engine: "east".into(),
                container: Arc::new(container(
                    char::from(b'a' + (i % 26) as u8),
                    &format!("c{i:03}"),
                    "busybox",
                    ContainerState::Running,
                )),
            })
            .collect();
        let mut app = FleetApp::new(
            KeyMap::default(),
            FleetSnapshot {
                engines: vec![engine],
                containers,
            },
        );
        app.input(Event::Resize(100, 20));
        app
    }

    fn click(app: &mut FleetApp, row: u16) {
        app.input(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        }));
    }

    #[test]
    fn a_click_selects_the_row_drawn_there_and_the_wheel_scrolls() {
        let mut app = app(40);
        let rows = app.areas().rows();
        click(&mut app, rows.y + 2);
        assert_eq!(app.selected, 2);
        for _ in 0..10 {
            app.input(Event::Mouse(MouseEvent {
                kind: MouseEventKind::ScrollDown,
                column: 10,
                row: rows.y,
                modifiers: KeyModifiers::NONE,
            }));
        }
        assert_eq!(app.selected, 32);
        assert!(
            app.offset > 0,
            "the table scrolled to keep the selection in view"
        );
        // The first row on screen is now `offset`: a click there selects it.
        let offset = app.offset;
        click(&mut app, rows.y);
        assert_eq!(app.selected, offset);
        // A click on the frame or the column titles selects nothing new (the titles sort:
        // `fleet_sort_tests`).
        click(&mut app, rows.y - 2);
        assert_eq!(app.selected, offset);
    }

    #[test]
    fn question_mark_opens_the_help_which_scrolls_and_closes_on_another_key() {
        let mut app = app(3);
        let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
        app.input(key(KeyCode::Char('?')));
        assert_eq!(app.help, Some(0));
        app.input(key(KeyCode::Char('j')));
        assert_eq!(app.help, Some(1), "j scrolls the help, not the table");
        assert_eq!(app.selected, 0);
        app.input(key(KeyCode::Char('x')));
        assert_eq!(app.help, None);
    }
}

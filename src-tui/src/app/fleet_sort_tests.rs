//! A click on a column title of the fleet's tables sorts by that column, a second click on it
//! reverses the order, and neither selects a row: the containers' table and an object kind's,
//! clicked where the view drew the title (`screen`), so the hit test and the drawing are
//! checked together.

use std::sync::Arc;

use crossterm::event::{Event, MouseButton, MouseEvent, MouseEventKind};
use wharf_core::fleet::FleetContainer;
use wharf_core::model::ContainerState;

use super::*;
use crate::view::tests::fixtures::container;

/// A left click at (`x`, `y`).
fn click(app: &mut FleetApp, x: u16, y: u16) {
    app.input(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
}

/// The column titles' line as drawn, and the x of `title` on it.
fn title_at(app: &FleetApp, title: &str) -> (String, u16) {
    let y = usize::from(app.areas().head().y);
    let text = screen(app);
    let line = text.lines().nth(y).unwrap_or_default().to_owned();
    let byte = line
        .find(title)
        .unwrap_or_else(|| panic!("no title {title:?} on the titles' line:\n{text}"));
    let x = line[..byte].chars().count() as u16;
    (line, x)
}

fn names(app: &FleetApp) -> Vec<String> {
    (0..app.rows.len())
        .filter_map(|i| app.row(i))
        .map(|r| r.container.name.clone())
        .collect()
}

#[test]
fn a_click_on_a_containers_title_sorts_by_it_and_again_reverses_selecting_no_row() {
    let mut app = app();
    app.input(Event::Resize(100, 16));
    let row = |engine: &str, c: char, name: &str, image: &str| FleetContainer {
        engine: engine.into(),
        container: Arc::new(container(c, name, image, ContainerState::Running)),
    };
    app.set_snapshot(FleetSnapshot {
        engines: vec![status("east", false), status("prod", false)],
        containers: vec![
            row("east", 'a', "zeta", "busybox"),
            row("east", 'b', "alpha", "redis"),
            row("prod", 'c', "mid", "app"),
        ],
    });
    // By ENGINE at first; the second row is selected.
    assert_eq!(names(&app), ["alpha", "zeta", "mid"]);
    press(&mut app, KeyCode::Down);
    let head = app.areas().head();

    let (_, x) = title_at(&app, "NAME");
    click(&mut app, x + 1, head.y);
    assert_eq!(names(&app), ["alpha", "mid", "zeta"]);
    let (line, _) = title_at(&app, "NAME↑");
    assert!(!line.contains("ENGINE↑"), "{line}");
    assert_eq!(
        app.selected_row().map(|r| r.container.name.as_str()),
        Some("zeta"),
        "the selection follows its container; the click selected no row"
    );

    let (_, x) = title_at(&app, "NAME↑");
    click(&mut app, x, head.y);
    assert_eq!(names(&app), ["zeta", "mid", "alpha"]);
    title_at(&app, "NAME↓");
    assert_eq!(app.selected, 0, "still zeta, now first");

    // Another column: ascending again, by its own key.
    let (_, x) = title_at(&app, "IMAGE");
    click(&mut app, x, head.y);
    assert_eq!(names(&app), ["mid", "zeta", "alpha"]);
    title_at(&app, "IMAGE↑");
    // A click on the frame above the titles sorts nothing and selects nothing.
    click(&mut app, x, head.y - 1);
    assert_eq!((app.sort_col, app.sort_desc), (2, false));
    assert_eq!(app.selected, 1);
}

#[test]
fn in_an_object_kind_a_click_on_a_title_sorts_by_it_and_again_reverses() {
    let mut app = app();
    app.input(Event::Resize(100, 16));
    typed(&mut app, ":vol");
    press(&mut app, KeyCode::Enter);
    let order = |app: &FleetApp| -> Vec<(String, String)> {
        app.kinds
            .rows
            .iter()
            .map(|r| (r.key.engine.clone(), r.key.id.clone()))
            .collect()
    };
    let pair = |e: &str, v: &str| (e.to_owned(), v.to_owned());
    assert_eq!(
        order(&app),
        [
            pair("east", "data"),
            pair("east", "logs"),
            pair("prod", "data")
        ]
    );
    let head = app.areas().head();
    // USED BY: east's data has one user, the others none.
    let (_, x) = title_at(&app, "USED BY");
    click(&mut app, x, head.y);
    assert_eq!(
        order(&app),
        [
            pair("east", "logs"),
            pair("prod", "data"),
            pair("east", "data")
        ]
    );
    title_at(&app, "USED BY↑");
    assert_eq!(app.kinds.selected, 2, "the selection follows its volume");
    let (_, x) = title_at(&app, "USED BY↑");
    click(&mut app, x + 3, head.y);
    assert_eq!(
        order(&app),
        [
            pair("east", "data"),
            pair("prod", "data"),
            pair("east", "logs")
        ]
    );
    title_at(&app, "USED BY↓");
    assert_eq!(app.kinds.selected, 0);
    assert_eq!(
        (app.sort_col, app.sort_desc),
        (0, false),
        "not the containers'"
    );
}

#[test]
fn the_help_of_both_tables_says_a_title_click_sorts() {
    let mut app = app();
    app.input(Event::Resize(100, 30));
    for kind in [None, Some(":vol")] {
        if let Some(k) = kind {
            typed(&mut app, k);
            press(&mut app, KeyCode::Enter);
        }
        press(&mut app, KeyCode::Char('?'));
        let text = screen(&app);
        assert!(
            text.contains("Select & sort") && text.contains("a click on a column title sorts"),
            "{text}"
        );
        // Any key but a movement closes the help (through `input`, where the help takes keys).
        app.input(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        assert_eq!(app.help, None);
    }
}

#[test]
fn in_a_narrow_terminal_a_column_without_room_is_left_out_and_the_next_title_still_sorts() {
    let mut app = app();
    app.input(Event::Resize(42, 16));
    let head = app.areas().head();
    assert!(
        app.column_widths(head.width).contains(&0),
        "too narrow for every column: {:?}",
        app.column_widths(head.width)
    );
    let text = screen(&app);
    assert!(
        !text.contains("STATE"),
        "the column without room is not drawn:\n{text}"
    );
    let (_, x) = title_at(&app, "STATUS");
    click(&mut app, x, head.y);
    assert_eq!((app.sort_col, app.sort_desc), (4, false));
    title_at(&app, "STATUS↑");
}

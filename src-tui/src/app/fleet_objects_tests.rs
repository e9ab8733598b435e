use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf_core::command::Command;
use wharf_core::fleet::{
    EngineState, EngineStatus, FleetNetwork, FleetObjects, FleetSnapshot, FleetVolume, KindCounts,
};
use wharf_core::model::{Network, NetworkId, Volume, VolumeName};

use super::*;
use crate::keymap::KeyMap;

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

fn volume(engine: &str, name: &str, users: usize) -> FleetVolume {
    FleetVolume {
        engine: engine.into(),
        volume: Arc::new(Volume {
            name: VolumeName::from(name),
            driver: "local".into(),
            mountpoint: String::new(),
            created: None,
            scope: None,
            labels: BTreeMap::new(),
            size: None,
            ref_count: None,
        }),
        users,
    }
}

fn network(engine: &str, id: &str, name: &str) -> FleetNetwork {
    FleetNetwork {
        engine: engine.into(),
        network: Arc::new(Network {
            id: NetworkId::from(id),
            name: name.into(),
            driver: "bridge".into(),
            scope: "local".into(),
            internal: false,
            attachable: false,
            subnets: Vec::new(),
            created: None,
            labels: BTreeMap::new(),
            containers: None,
        }),
        users: 0,
        builtin: name == "bridge",
    }
}

fn app() -> FleetApp {
    let mut app = FleetApp::new(
        KeyMap::default(),
        FleetSnapshot {
            engines: vec![status("east", false), status("prod", true)],
            containers: Vec::new(),
        },
    );
    let counts = |engine: &str, volumes, networks| KindCounts {
        engine: engine.into(),
        images: 0,
        volumes,
        networks,
    };
    app.set_objects(FleetObjects {
        counts: vec![counts("east", 2, 1), counts("prod", 1, 0)],
        images: Vec::new(),
        volumes: vec![
            volume("east", "data", 1),
            volume("east", "logs", 0),
            volume("prod", "data", 0),
        ],
        networks: vec![network("east", "0123456789abcdef", "bridge")],
    });
    app
}

fn press(app: &mut FleetApp, code: KeyCode) -> Option<FleetEffect> {
    app.key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(app: &mut FleetApp, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

#[test]
fn colon_and_a_kind_alias_switch_the_listed_kind() {
    let mut app = app();
    typed(&mut app, ":vol");
    assert_eq!(app.kinds.command.as_deref(), Some("vol"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kinds.kind, FleetKind::Volumes);
    let rows: Vec<(&str, &str)> = app
        .kinds
        .rows
        .iter()
        .map(|r| (r.key.engine.as_str(), r.key.id.as_str()))
        .collect();
    assert_eq!(rows, [("east", "data"), ("east", "logs"), ("prod", "data")]);
    typed(&mut app, ":nope");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kinds.kind, FleetKind::Volumes);
    assert!(app
        .toast
        .as_ref()
        .is_some_and(|(t, e)| *e && t.contains("unknown command nope")));
    typed(&mut app, ":ps");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kinds.kind, FleetKind::Containers);
}

#[test]
fn the_filter_matches_the_engine_and_a_removal_spans_engines() {
    let mut app = app();
    typed(&mut app, ":volumes");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "/prod");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kinds.rows.len(), 1);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.kinds.rows.len(), 3);
    // The selection stayed on prod/data; from the top, mark east/data and prod/data: the
    // confirmation names each with its engine.
    typed(&mut app, "g");
    typed(&mut app, " ");
    press(&mut app, KeyCode::Down);
    typed(&mut app, " ");
    assert_eq!(app.kinds.marks.len(), 2);
    assert_eq!(press(&mut app, KeyCode::Char('D')), None);
    let c = app
        .confirm
        .clone()
        .unwrap_or_else(|| panic!("no confirmation"));
    assert_eq!(
        c.title,
        "Remove 2 volumes on 2 engines? Their data is lost."
    );
    assert_eq!(
        c.lines,
        [
            "remove volume data on east, used by 1 container there",
            "remove volume data on prod"
        ]
    );
    assert_eq!(c.notes, ["prod is read-only: its part will be refused"]);
    match press(&mut app, KeyCode::Char('y')) {
        Some(FleetEffect::Execute(items)) => {
            let engines: Vec<&str> = items.iter().map(|(e, _)| e.as_str()).collect();
            assert_eq!(engines, ["east", "prod"]);
            assert!(items
                .iter()
                .all(|(_, c)| matches!(c, Command::RemoveVolume { force: false, .. })));
        }
        other => panic!("expected the removal, got {other:?}"),
    }
    assert!(app.kinds.marks.is_empty());
}

#[test]
fn a_builtin_network_is_refused_with_the_reason_and_container_keys_do_nothing() {
    let mut app = app();
    typed(&mut app, ":net");
    press(&mut app, KeyCode::Enter);
    assert_eq!(press(&mut app, KeyCode::Char('D')), None);
    assert!(app.confirm.is_none());
    assert!(app
        .toast
        .as_ref()
        .is_some_and(|(t, e)| *e && t.contains("bridge on east is built in")));
    // `s` (stop) means nothing on a network row.
    assert_eq!(press(&mut app, KeyCode::Char('s')), None);
    assert!(app.confirm.is_none());
}

fn image(engine: &str, id: &str, tag: &str, used_by: &[&str]) -> wharf_core::fleet::FleetImage {
    wharf_core::fleet::FleetImage {
        engine: engine.into(),
        image: Arc::new(wharf_core::model::Image {
            id: wharf_core::model::ImageId::from(id),
            tags: vec![tag.into()],
            digests: Vec::new(),
            created: 0,
            size: 1,
            containers: None,
            labels: BTreeMap::new(),
        }),
        users: used_by.len(),
        used_by: used_by.iter().map(|u| (*u).to_owned()).collect(),
    }
}

/// Draws the fleet's frame (`view::fleet_objects::draw`) and returns the screen's text.
fn screen(app: &FleetApp) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(app.size.0, app.size.1))
        .unwrap_or_else(|e| panic!("terminal: {e}"));
    t.draw(|f| crate::view::fleet_objects::draw(f, app, &crate::config::Palette::default()))
        .unwrap_or_else(|e| panic!("draw: {e}"));
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn mouse(app: &mut FleetApp, kind: crossterm::event::MouseEventKind, row: u16) {
    app.input(crossterm::event::Event::Mouse(
        crossterm::event::MouseEvent {
            kind,
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        },
    ));
}

#[test]
fn in_an_object_kind_a_click_selects_the_wheel_scrolls_and_question_mark_helps() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut app = app();
    app.input(crossterm::event::Event::Resize(100, 12));
    let many: Vec<FleetVolume> = (0..30)
        .map(|i| volume("east", &format!("v{i:02}"), 0))
        .collect();
    app.set_objects(FleetObjects {
        volumes: many,
        ..FleetObjects::default()
    });
    typed(&mut app, ":vol");
    press(&mut app, KeyCode::Enter);
    let rows = app.areas().rows();
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        rows.y + 2,
    );
    assert_eq!(
        app.kinds.selected, 2,
        "the click selects the volume drawn there"
    );
    assert_eq!(app.selected, 0, "not the containers' table");
    for _ in 0..5 {
        mouse(&mut app, MouseEventKind::ScrollDown, rows.y);
    }
    assert_eq!(app.kinds.selected, 17);
    assert!(
        app.kinds.offset > 0,
        "scrolled to keep the selection in view"
    );
    let offset = app.kinds.offset;
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left), rows.y);
    assert_eq!(
        app.kinds.selected, offset,
        "the first row drawn is `offset`"
    );
    assert!(screen(&app).contains(&format!("v{offset:02}")));
    // The footer is the key map's: `:` and `?` are there.
    let text = screen(&app);
    assert!(
        text.contains(": command") && text.contains(" help "),
        "{text}"
    );
    // `?` opens the help with the object keys; another key closes it.
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.help, Some(0));
    let text = screen(&app);
    assert!(
        text.contains("help —") && text.contains("clear marks"),
        "{text}"
    );
    // While it is open the mouse does nothing to the table.
    mouse(&mut app, MouseEventKind::ScrollDown, rows.y);
    assert_eq!(app.kinds.selected, offset);
    app.input(crossterm::event::Event::Key(KeyEvent::new(
        KeyCode::Char('x'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.help, None);
}

#[test]
fn an_image_in_use_is_confirmed_only_with_force_and_p_keeps_parents() {
    let mut app = app();
    app.set_objects(FleetObjects {
        images: vec![image(
            "east",
            "sha256:aaaa0000000011",
            "busybox:test",
            &["web"],
        )],
        ..FleetObjects::default()
    });
    typed(&mut app, ":img");
    press(&mut app, KeyCode::Enter);
    assert_eq!(press(&mut app, KeyCode::Char('D')), None);
    let c = app
        .confirm
        .clone()
        .unwrap_or_else(|| panic!("no confirmation"));
    assert!(c.items.is_empty());
    assert_eq!(
        c.notes,
        ["image busybox:test on east is used by container web there: left alone (force removes it)"]
    );
    assert!(screen(&app).contains("[ ] f: force"));
    // `y` without force removes nothing and says why.
    assert_eq!(press(&mut app, KeyCode::Char('y')), None);
    assert!(app.confirm.is_none());
    assert!(app
        .toast
        .as_ref()
        .is_some_and(|(t, e)| *e && t.contains("needs force")));
    // Again with f and p: one forced, no-prune removal on east.
    press(&mut app, KeyCode::Char('D'));
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Char('p'));
    let text = screen(&app);
    assert!(
        text.contains("[x] f: force   [x] p: keep untagged parents"),
        "{text}"
    );
    match press(&mut app, KeyCode::Char('y')) {
        Some(FleetEffect::Execute(items)) => match &items[..] {
            [(
                engine,
                Command::RemoveImage {
                    force: true,
                    no_prune: true,
                    ..
                },
            )] => {
                assert_eq!(engine, "east")
            }
            other => panic!("expected a forced no-prune removal, got {other:?}"),
        },
        other => panic!("expected the removal, got {other:?}"),
    }
}

#[test]
fn a_toast_with_escapes_reaches_the_screen_inert() {
    let mut app = app();
    app.input(crossterm::event::Event::Resize(100, 12));
    // An engine's error quoting a container name with a title-setting and a clear sequence.
    for kind in [":ps", ":vol"] {
        typed(&mut app, kind);
        press(&mut app, KeyCode::Enter);
        app.toast = Some((
            "stop evil\x1b]0;pwned\x07\u{202e}x\x1b[2J on east failed".into(),
            true,
        ));
        let text = screen(&app);
        // The whole sequence is dropped (not only its ESC, which the buffer drops anyway) and
        // the bidi override is shown as a marker, as in the engine views' toasts.
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        assert!(
            !text.contains("pwned") && text.contains("⟨U+202E⟩"),
            "{text}"
        );
        assert!(text.contains("stop evil"), "{text}");
    }
}

#[path = "fleet_sort_tests.rs"]
mod sort;

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

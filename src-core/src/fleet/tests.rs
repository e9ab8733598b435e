use std::sync::Arc;

use super::*;
use crate::model::ContainerState;
use crate::store::{ConnectionState, Snapshot};

fn entry(name: &str) -> EngineEntry {
    EngineEntry {
        name: name.into(),
        ..EngineEntry::default()
    }
}

#[test]
fn entries_are_checked_with_their_name() {
    let e = entry("a").validate("engines[0]").unwrap_err();
    assert!(e.message().contains("exactly one of"), "{e}");
    let e = EngineEntry {
        host: Some("unix:///x".into()),
        context: Some("c".into()),
        ..entry("a")
    }
    .validate("engines[0]")
    .unwrap_err();
    assert!(e.message().contains("engines[0] (a)"), "{e}");
    let e = EngineEntry {
        host: Some("tcp://h:2376".into()),
        cert: Some("/c.pem".into()),
        ..entry("a")
    }
    .validate("engines[0]")
    .unwrap_err();
    assert!(e.message().contains("`cert` and `key` go together"), "{e}");
    let e = EngineEntry {
        host: Some("unix:///x".into()),
        ca: Some("/ca.pem".into()),
        ..entry("a")
    }
    .validate("engines[0]")
    .unwrap_err();
    assert!(e.message().contains("need a tcp://"), "{e}");
    assert!(entry(" ").validate("engines[1]").is_err());
    let ssh = EngineEntry {
        ssh: Some("me@box:2222".into()),
        colour: Some("Red".into()),
        read_only: true,
        ..entry("prod")
    }
    .validate("engines[0]")
    .unwrap();
    assert_eq!(
        ssh.source,
        EngineSource::Host {
            host: "ssh://me@box:2222".into(),
            tls: None
        }
    );
    assert!(ssh.is_red() && ssh.read_only);
    let dup = from_config(&[
        EngineEntry {
            host: Some("unix:///a".into()),
            ..entry("x")
        },
        EngineEntry {
            host: Some("unix:///b".into()),
            ..entry("x")
        },
    ])
    .unwrap_err();
    assert!(dup.message().contains("used twice"), "{dup}");
}

#[test]
fn flags_take_configured_settings_and_stay_unique() {
    let configured = from_config(&[EngineEntry {
        host: Some("unix:///prod.sock".into()),
        read_only: true,
        colour: Some("red".into()),
        ..entry("prod")
    }])
    .unwrap();
    let got = from_flags(
        &[
            "unix:///prod.sock".into(),
            "unix:///b.sock".into(),
            "unix:///b.sock".into(),
        ],
        &["c1".into()],
        &configured,
    );
    let names: Vec<&str> = got.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["prod", "unix:///b.sock", "c1"]);
    assert!(got[0].read_only && got[0].is_red());
    assert!(!got[1].read_only);
}

fn snapshot(connection: ConnectionState, names: &[(&str, ContainerState)]) -> Arc<Snapshot> {
    let mut s = Snapshot::empty("unix:///x".into());
    s.connection = connection;
    s.synced = true;
    let mut map = std::collections::BTreeMap::new();
    for (i, (name, state)) in names.iter().enumerate() {
        let c: crate::model::Container = serde_json::from_value(serde_json::json!({
            "id": format!("{i:064}"), "name": name, "image": "busybox", "image_id": null,
            "command": "", "created": 0, "state": state.as_str(),
            "status": "", "health": null, "started_at": null, "finished_at": null,
            "exit_code": null, "restart_count": null, "ports": [], "mounts": [], "networks": [],
            "labels": {}, "compose": null, "pid": null,
            "cpu_limit": null, "memory_limit": null, "tty": false, "detailed": false
        }))
        .unwrap();
        map.insert(c.id.clone(), Arc::new(c));
    }
    s.containers = Arc::new(map);
    Arc::new(s)
}

#[test]
fn the_merge_tags_rows_and_keeps_a_frozen_engines_rows_stale() {
    let a = snapshot(
        ConnectionState::Connected { since_ms: 1 },
        &[
            ("web", ContainerState::Running),
            ("db", ContainerState::Exited),
        ],
    );
    let b = snapshot(
        ConnectionState::NotResponding {
            since_ms: 2,
            reason: "no answer".into(),
        },
        &[("cache", ContainerState::Running)],
    );
    let merged = FleetSnapshot::merge(&[
        MemberView {
            name: "ams",
            endpoint: "unix:///a",
            colour: None,
            red: false,
            read_only: false,
            snapshot: Ok(a),
        },
        MemberView {
            name: "fra",
            endpoint: "unix:///b",
            colour: Some("red"),
            red: true,
            read_only: true,
            snapshot: Ok(b),
        },
        MemberView {
            name: "nyc",
            endpoint: "ctx c",
            colour: None,
            red: false,
            read_only: false,
            snapshot: Err("no such context"),
        },
    ]);
    let rows: Vec<(&str, &str)> = merged
        .containers
        .iter()
        .map(|r| (r.engine.as_str(), r.container.name.as_str()))
        .collect();
    assert_eq!(rows, [("ams", "db"), ("ams", "web"), ("fra", "cache")]);
    let a = merged.engine("ams").unwrap();
    assert_eq!(
        (a.state, a.containers, a.running, a.stale),
        (EngineState::Connected, 2, 1, false)
    );
    let b = merged.engine("fra").unwrap();
    assert_eq!(b.state, EngineState::NotResponding);
    assert!(b.stale && b.red && b.read_only);
    assert_eq!(b.error.as_deref(), Some("no answer"));
    let c = merged.engine("nyc").unwrap();
    assert_eq!(c.state, EngineState::Down);
    assert_eq!(c.error.as_deref(), Some("no such context"));
    // The filter matches the engine's name as well as the container's.
    let by_engine: Vec<_> = merged
        .containers
        .iter()
        .filter(|r| r.matches("FRA"))
        .collect();
    assert_eq!(by_engine.len(), 1);
    assert!(
        merged
            .containers
            .iter()
            .filter(|r| r.matches("ams web"))
            .count()
            == 1
    );
}

#[test]
fn confirmations_name_the_engine() {
    let id = crate::model::ContainerId::from("0123456789abcdef0123");
    let cmd = Command::Stop { id, timeout: None };
    assert_eq!(
        describe_command("prod", "web", &cmd),
        "stop web (0123456789ab) on prod"
    );
}

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::fleet::{
    describe_command, plan_removal, plan_removal_with, EngineState, EngineStatus, RemovalOptions,
    RoutedCommand,
};
use crate::model::{Container, MountPoint};

fn image(id: &str, tags: &[&str]) -> Image {
    Image {
        id: ImageId::from(id),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        digests: Vec::new(),
        created: 0,
        size: 1,
        containers: None,
        labels: BTreeMap::new(),
    }
}

fn volume(name: &str) -> Volume {
    Volume {
        name: VolumeName::from(name),
        driver: "local".into(),
        mountpoint: format!("/v/{name}"),
        created: None,
        scope: None,
        labels: BTreeMap::new(),
        size: None,
        ref_count: None,
    }
}

fn network(id: &str, name: &str) -> Network {
    Network {
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
    }
}

/// A container of image `image` mounting `vol` on network `net`.
fn user(id: &str, image: &str, vol: &str, net: &str) -> Container {
    let mut c: Container = serde_json::from_value(serde_json::json!({
        "id": id, "name": id, "image": "busybox", "image_id": image, "command": "",
        "created": 0, "state": "running", "status": "", "health": null, "started_at": null,
        "finished_at": null, "exit_code": null, "restart_count": null, "ports": [],
        "mounts": [], "networks": [net], "labels": {}, "compose": null, "pid": null,
        "cpu_limit": null, "memory_limit": null, "tty": false, "detailed": false,
    }))
    .unwrap_or_else(|e| panic!("container fixture: {e}"));
    c.mounts = vec![MountPoint {
        kind: "volume".into(),
        name: Some(vol.into()),
        source: String::new(),
        destination: "/data".into(),
        read_write: true,
    }];
    c
}

fn snap(
    images: Vec<Image>,
    volumes: Vec<Volume>,
    networks: Vec<Network>,
    containers: Vec<Container>,
) -> Arc<Snapshot> {
    let mut s = Snapshot::empty("unix:///x".into());
    s.images = Arc::new(
        images
            .into_iter()
            .map(|i| (i.id.clone(), Arc::new(i)))
            .collect(),
    );
    s.volumes = Arc::new(
        volumes
            .into_iter()
            .map(|v| (v.name.clone(), Arc::new(v)))
            .collect(),
    );
    s.networks = Arc::new(
        networks
            .into_iter()
            .map(|n| (n.id.clone(), Arc::new(n)))
            .collect(),
    );
    s.containers = Arc::new(
        containers
            .into_iter()
            .map(|c| (c.id.clone(), Arc::new(c)))
            .collect(),
    );
    Arc::new(s)
}

/// Engine `east`: an image used by one container, a volume it mounts, `bridge` and `appnet`;
/// engine `west`: the same names, nothing in use; engine `north`: no session.
fn objects() -> FleetObjects {
    let a = snap(
        vec![image("sha256:aaaa00000000111", &["busybox:latest"])],
        vec![volume("data"), volume("cache")],
        vec![
            network("n1aaaaaaaaaaaa", "bridge"),
            network("n2aaaaaaaaaaaa", "appnet"),
        ],
        vec![user("c1", "sha256:aaaa00000000111", "data", "appnet")],
    );
    let b = snap(
        vec![image(
            "sha256:bbbb00000000222",
            &["busybox:latest", "<none>:<none>"],
        )],
        vec![volume("data")],
        vec![network("n3bbbbbbbbbbbb", "appnet")],
        Vec::new(),
    );
    FleetObjects::merge(&[("east", Some(a)), ("west", Some(b)), ("north", None)])
}

fn status(name: &str, read_only: bool) -> EngineStatus {
    EngineStatus {
        name: name.into(),
        endpoint: String::new(),
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

#[test]
fn the_merge_tags_each_object_with_its_engine_and_counts_per_engine() {
    let o = objects();
    let vols: Vec<(&str, &str, usize)> = o
        .volumes
        .iter()
        .map(|v| (v.engine.as_str(), v.volume.name.as_str(), v.users))
        .collect();
    assert_eq!(
        vols,
        [
            ("east", "cache", 0),
            ("east", "data", 1),
            ("west", "data", 0)
        ]
    );
    let nets: Vec<(&str, &str, usize, bool)> = o
        .networks
        .iter()
        .map(|n| {
            (
                n.engine.as_str(),
                n.network.name.as_str(),
                n.users,
                n.builtin,
            )
        })
        .collect();
    assert_eq!(
        nets,
        [
            ("east", "appnet", 1, false),
            ("east", "bridge", 0, true),
            ("west", "appnet", 0, false)
        ]
    );
    // Usage is per engine: west's image has the same tag, but no container of west uses it.
    let imgs: Vec<(&str, usize)> = o
        .images
        .iter()
        .map(|i| (i.engine.as_str(), i.users))
        .collect();
    assert_eq!(imgs, [("east", 1), ("west", 0)]);
    let counts: Vec<(&str, usize, usize, usize)> = o
        .counts
        .iter()
        .map(|c| (c.engine.as_str(), c.images, c.volumes, c.networks))
        .collect();
    assert_eq!(
        counts,
        [("east", 1, 2, 2), ("west", 1, 1, 1), ("north", 0, 0, 0)]
    );
}

#[test]
fn the_filter_matches_the_engine_too() {
    let o = objects();
    let cases: &[(&str, usize, usize, usize)] = &[
        // query, images, volumes, networks
        ("", 2, 3, 3),
        ("WEST", 1, 1, 1),
        ("data", 0, 2, 0),
        ("east data", 0, 1, 0),
        ("busybox east", 1, 0, 0),
        ("bbbb0000", 1, 0, 0),
        ("appnet west", 0, 0, 1),
        ("n1aaaa", 0, 0, 1),
        ("nothing", 0, 0, 0),
    ];
    for &(q, i, v, n) in cases {
        let got = (
            o.images.iter().filter(|r| r.matches(q)).count(),
            o.volumes.iter().filter(|r| r.matches(q)).count(),
            o.networks.iter().filter(|r| r.matches(q)).count(),
        );
        assert_eq!(got, (i, v, n), "query {q:?}");
    }
}

#[test]
fn a_removal_names_each_object_with_its_engine_and_applies_the_rules_per_engine() {
    let o = objects();
    let key = |engine: &str, kind, id: &str| FleetObjectKey {
        engine: engine.into(),
        kind,
        id: id.into(),
    };
    let plan = plan_removal(
        &o,
        &[status("east", false), status("west", true)],
        &[
            key("east", FleetObjectKind::Volume, "data"),
            key("west", FleetObjectKind::Volume, "data"),
            key("east", FleetObjectKind::Network, "n1aaaaaaaaaaaa"),
            key("west", FleetObjectKind::Image, "sha256:bbbb00000000222"),
            key("west", FleetObjectKind::Volume, "gone"),
        ],
    );
    assert_eq!(
        plan.lines,
        [
            "remove image busybox:latest (bbbb00000000) on west",
            "remove volume data on east, used by 1 container there",
            "remove volume data on west",
        ]
    );
    assert_eq!(
        plan.title,
        "Remove 1 image, 2 volumes on 2 engines? Their data is lost."
    );
    assert_eq!(
        plan.notes,
        [
            "bridge on east is built in: left alone",
            "volume gone on west is no longer listed: left alone",
            "west is read-only: its part will be refused",
        ]
    );
    let routed: Vec<(&str, String)> = plan
        .items
        .iter()
        .map(|r| (r.engine.as_str(), r.cmd.to_string()))
        .collect();
    assert_eq!(routed.len(), 3);
    assert!(routed.iter().all(|(_, c)| c.starts_with("remove")));
    // The image removal takes only its real tags.
    match &plan.items[0].cmd {
        Command::RemoveImage { tags, force, .. } => {
            assert_eq!(tags, &["busybox:latest"]);
            assert!(!force);
        }
        other => panic!("expected an image removal, got {other:?}"),
    }
}

#[test]
fn describe_command_names_objects_of_every_kind() {
    let cases = [
        (
            Command::RemoveNetwork {
                id: NetworkId::from("0123456789abcdef"),
            },
            "appnet",
            "remove network appnet (0123456789ab) on prod",
        ),
        (
            Command::RemoveVolume {
                name: VolumeName::from("pgdata"),
                force: false,
            },
            "pgdata",
            "remove volume pgdata on prod",
        ),
        (
            Command::Start {
                id: crate::model::ContainerId::from("0123456789abcdef"),
            },
            "",
            "start 0123456789ab on prod",
        ),
    ];
    for (cmd, name, want) in cases {
        assert_eq!(describe_command("prod", name, &cmd), want);
    }
}

#[test]
fn an_image_in_use_needs_force_and_the_plan_carries_force_and_no_prune() {
    let o = objects();
    let used = FleetObjectKey {
        engine: "east".into(),
        kind: FleetObjectKind::Image,
        id: "sha256:aaaa00000000111".into(),
    };
    let engines = [status("east", false), status("west", false)];
    // Without force: left out, named with its engine and its container, nothing to send.
    let plan = plan_removal(&o, &engines, std::slice::from_ref(&used));
    assert!(plan.items.is_empty(), "{plan:?}");
    assert_eq!(plan.needs_force, 1);
    assert!(plan.has_images);
    assert_eq!(plan.title, "Nothing to remove");
    assert_eq!(
        plan.notes,
        ["image busybox:latest on east is used by container c1 there: left alone (force removes it)"]
    );
    // With force and no-prune: one item carrying both.
    let opts = RemovalOptions {
        force: true,
        no_prune: true,
    };
    let plan = plan_removal_with(&o, &engines, std::slice::from_ref(&used), opts);
    assert_eq!(plan.needs_force, 0);
    assert_eq!(
        plan.lines,
        ["remove image busybox:latest (aaaa00000000) on east, used by 1 container there"]
    );
    match &plan.items[..] {
        [RoutedCommand {
            engine,
            cmd:
                Command::RemoveImage {
                    force: true,
                    no_prune: true,
                    ..
                },
        }] => assert_eq!(engine, "east"),
        other => panic!("expected a forced no-prune removal on east, got {other:?}"),
    }
}

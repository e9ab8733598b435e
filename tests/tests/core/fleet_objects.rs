//! A fleet's images, volumes and networks against real engines (the shared test engine and a
//! private one, plus the private one again through a read-only context): every object is
//! listed with the engine it is on, with that engine's usage; a removal of one volume on each
//! engine, planned and routed by the core, removes exactly those two; the same removal on the
//! read-only member is named in the plan and refused by the core, the volume kept.

use std::time::{Duration, Instant};

use wharf_core::engine::connect::{ConnectOptions, EnvVars};
use wharf_core::fleet::{
    plan_removal, EngineSpec, Fleet, FleetObjectKey, FleetObjectKind, FleetObjects,
};
use wharf_core::session::SessionOptions;
use wharf_core::streams::stats::HubConfig;
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, require_private_engine, write_context, PrivateOpts};

use crate::common::TIMEOUT;

fn named(name: &str, host: &str) -> EngineSpec {
    EngineSpec {
        name: name.to_owned(),
        ..EngineSpec::host(host)
    }
}

/// Waits (on the fleet's change signal, never a fixed sleep) until `pred` holds.
async fn wait_objects(
    fleet: &Fleet,
    what: &str,
    mut pred: impl FnMut(&FleetObjects) -> bool,
) -> FleetObjects {
    let mut rx = fleet.changed();
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let o = fleet.objects();
        if pred(&o) {
            return o;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            panic!("waiting for {what}: counts {:?}", o.counts);
        }
        let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), rx.changed()).await;
    }
}

fn has_volume(o: &FleetObjects, engine: &str, name: &str) -> bool {
    o.volumes
        .iter()
        .any(|v| v.engine == engine && v.volume.name.as_str() == name)
}

fn volume_key(engine: &str, name: &str) -> FleetObjectKey {
    FleetObjectKey {
        engine: engine.into(),
        kind: FleetObjectKind::Volume,
        id: name.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_objects_are_listed_per_engine_and_removed_by_engine() {
    let shared = require_engine!();
    let east = require_private_engine!(PrivateOpts::default());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_context(dir.path(), "east-ro", east.host());
    let env = EnvVars {
        docker_config: Some(dir.path().into()),
        ..EnvVars::default()
    };
    let image = east.image();
    let vs = shared.volume("fo-s");
    let ve = east.volume("fo-e");
    let keep = east.volume("fo-keep");
    let used = east.volume("fo-used");
    let ns = shared.network("fo-ns");
    let ne = east.network("fo-ne");
    let user = east
        .container("fo-user")
        .args(&[
            "-v",
            &format!("{}:/data", used.name()),
            "--network",
            ne.name(),
        ])
        .cmd(&["sleep", "300"])
        .created_only();
    let guarded = EngineSpec {
        name: "guarded".into(),
        read_only: true,
        ..EngineSpec::context("east-ro")
    };
    let fleet = Fleet::open(
        vec![
            named("shared", shared.host()),
            named("east", east.host()),
            guarded,
        ],
        &SessionOptions {
            connect: ConnectOptions {
                env,
                ..ConnectOptions::default()
            },
            read_only: false,
            audit_log: None,
            stats: HubConfig::default(),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = wait_objects(&fleet, "both engines' objects", |o| {
        has_volume(o, "shared", vs.name())
            && has_volume(o, "east", ve.name())
            && has_volume(o, "guarded", keep.name())
            && o.networks
                .iter()
                .any(|n| n.engine == "east" && n.network.name == ne.name())
            && o.volumes.iter().any(|v| {
                v.engine == "east" && v.volume.name.as_str() == used.name() && v.users == 1
            })
    })
    .await;
    // Each object is tagged with the engine it is on, never another.
    assert!(!has_volume(&o, "shared", ve.name()));
    assert!(!has_volume(&o, "east", vs.name()));
    assert!(o
        .networks
        .iter()
        .any(|n| n.engine == "shared" && n.network.name == ns.name()));
    assert!(!o
        .networks
        .iter()
        .any(|n| n.engine == "shared" && n.network.name == ne.name()));
    let users = o
        .networks
        .iter()
        .find(|n| n.engine == "east" && n.network.name == ne.name())
        .map(|n| n.users);
    assert_eq!(users, Some(1));
    assert!(o.networks.iter().any(|n| n.engine == "east" && n.builtin));
    assert!(o
        .images
        .iter()
        .any(|i| i.engine == "east" && i.image.tags.contains(&image)));
    assert!(o.images.iter().any(|i| i.engine == "shared"));
    // The per-engine counts are the listed rows of each engine.
    let count = |engine: &str| {
        o.counts
            .iter()
            .find(|c| c.engine == engine)
            .map(|c| c.volumes)
    };
    assert_eq!(
        count("east"),
        Some(o.volumes.iter().filter(|v| v.engine == "east").count())
    );

    // What the objects' merge costs next to the containers' (printed, never asserted: both
    // walk in-memory maps; the objects also count usage once per engine).
    let n = 200u32;
    let t0 = Instant::now();
    for _ in 0..n {
        std::hint::black_box(fleet.snapshot());
    }
    let containers = t0.elapsed() / n;
    let t0 = Instant::now();
    for _ in 0..n {
        std::hint::black_box(fleet.objects());
    }
    let objects = t0.elapsed() / n;
    eprintln!(
        "fleet merge, 3 members: containers {containers:?}, images/volumes/networks {objects:?} \
         ({} images, {} volumes, {} networks)",
        o.images.len(),
        o.volumes.len(),
        o.networks.len()
    );

    // One volume on each engine: the plan names each with its engine, and exactly those go.
    let s = fleet.snapshot();
    let plan = plan_removal(
        &o,
        &s.engines,
        &[
            volume_key("shared", vs.name()),
            volume_key("east", ve.name()),
        ],
    );
    assert!(
        plan.lines
            .contains(&format!("remove volume {} on shared", vs.name())),
        "{plan:?}"
    );
    assert!(
        plan.lines
            .contains(&format!("remove volume {} on east", ve.name())),
        "{plan:?}"
    );
    assert!(plan.notes.is_empty(), "{plan:?}");
    let items: Vec<(String, _)> = plan.items.into_iter().map(|r| (r.engine, r.cmd)).collect();
    let results = fleet.execute_all(&items).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    wait_objects(&fleet, "the two volumes gone", |o| {
        !has_volume(o, "shared", vs.name()) && !has_volume(o, "east", ve.name())
    })
    .await;
    assert!(shared.docker(&["volume", "inspect", vs.name()]).is_err());
    assert!(east.docker(&["volume", "inspect", ve.name()]).is_err());
    east.docker_ok(&["volume", "inspect", keep.name()]);
    east.docker_ok(&["volume", "inspect", used.name()]);

    // A volume in use is named so in the plan (the engine's usage, per engine).
    let o = fleet.objects();
    let plan = plan_removal(&o, &s.engines, &[volume_key("east", used.name())]);
    assert_eq!(
        plan.lines,
        [format!(
            "remove volume {} on east, used by 1 container there",
            used.name()
        )]
    );

    // The read-only member: named in the plan, refused by the core, the volume kept.
    let plan = plan_removal(&o, &s.engines, &[volume_key("guarded", keep.name())]);
    assert_eq!(plan.items.len(), 1, "{plan:?}");
    assert!(
        plan.notes
            .iter()
            .any(|n| n == "guarded is read-only: its part will be refused"),
        "{plan:?}"
    );
    let items: Vec<(String, _)> = plan.items.into_iter().map(|r| (r.engine, r.cmd)).collect();
    let results = fleet.execute_all(&items).await;
    match &results[..] {
        [Err(e)] => assert_eq!(e.kind(), ErrorKind::Denied, "{e}"),
        other => panic!("a read-only engine removed a volume: {other:?}"),
    }
    east.docker_ok(&["volume", "inspect", keep.name()]);
    drop(user);
}

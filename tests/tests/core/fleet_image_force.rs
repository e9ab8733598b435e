//! Image removal across a fleet's engines with the single-engine removal's choices, against
//! real engines (the shared test engine and a private one): an image that a *stopped*
//! container on the private engine uses is left out of a plan without force, with a note
//! naming the image, its engine and the container, while the other engine's unused image in
//! the same plan is removed; with force (and no-prune) the plan carries both choices and the
//! engine removes it. Two engines listing the same endpoint are one member (`fleet::same`).

use std::time::{Duration, Instant};

use wharf_core::command::Command;
use wharf_core::engine::connect::ConnectOptions;
use wharf_core::fleet::{
    plan_removal, plan_removal_with, EngineSpec, Fleet, FleetObjectKey, FleetObjectKind,
    FleetObjects, RemovalOptions,
};
use wharf_core::session::SessionOptions;
use wharf_core::streams::stats::HubConfig;
use wharf_tests::{require_engine, require_private_engine, PrivateOpts};

use crate::common::TIMEOUT;
use crate::images::Images;

fn named(name: &str, host: &str) -> EngineSpec {
    EngineSpec {
        name: name.to_owned(),
        ..EngineSpec::host(host)
    }
}

fn options() -> SessionOptions {
    SessionOptions {
        connect: ConnectOptions::default(),
        read_only: false,
        audit_log: None,
        stats: HubConfig::default(),
    }
}

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

fn has_tag(o: &FleetObjects, engine: &str, tag: &str) -> bool {
    o.images
        .iter()
        .any(|i| i.engine == engine && i.image.tags.iter().any(|t| t == tag))
}

fn image_key(engine: &str, id: &str) -> FleetObjectKey {
    FleetObjectKey {
        engine: engine.into(),
        kind: FleetObjectKind::Image,
        id: id.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_a_stopped_container_uses_needs_force_across_engines() {
    let shared = require_engine!();
    let east = require_private_engine!(PrivateOpts::default());
    let pid = std::process::id();
    let mut on_shared = Images::new(shared);
    let mut on_east = Images::new(&east);
    // A new image on each engine (its own id: removing it touches no other test's image).
    let free = on_shared.make(64, "fleet force: unused");
    let free_tag = format!("wharf-ff-free-{pid}:1");
    on_shared.tag(&free, &free_tag);
    let used = on_east.make(64, "fleet force: used");
    let used_tag = format!("wharf-ff-used-{pid}:1");
    on_east.tag(&used, &used_tag);
    let user = east
        .container("ff-user")
        .image(&used_tag)
        .cmd(&["true"])
        .created_only();

    let fleet = Fleet::open(
        vec![named("shared", shared.host()), named("east", east.host())],
        &options(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = wait_objects(&fleet, "both images, the east one in use", |o| {
        has_tag(o, "shared", &free_tag)
            && o.images
                .iter()
                .any(|i| i.engine == "east" && i.image.tags.contains(&used_tag) && i.users == 1)
    })
    .await;
    let keys = [image_key("east", &used), image_key("shared", &free)];
    let engines = fleet.snapshot().engines;

    // Without force: the used image is left out and named with its engine and container;
    // the other engine's image goes.
    let plan = plan_removal(&o, &engines, &keys);
    assert_eq!(plan.needs_force, 1, "{plan:?}");
    assert_eq!(
        plan.notes,
        [format!(
            "image {used_tag} on east is used by container {} there: left alone (force removes it)",
            user.name()
        )],
    );
    assert_eq!(plan.items.len(), 1, "{plan:?}");
    assert_eq!(plan.items[0].engine, "shared");
    let items: Vec<(String, Command)> = plan.items.into_iter().map(|r| (r.engine, r.cmd)).collect();
    let results = fleet.execute_all(&items).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert!(shared.docker(&["image", "inspect", &free_tag]).is_err());
    east.docker_ok(&["image", "inspect", &used_tag]);

    // With force and no-prune: the plan carries both, and the engine removes it.
    let o = wait_objects(&fleet, "the shared image gone", |o| {
        !has_tag(o, "shared", &free_tag)
    })
    .await;
    let opts = RemovalOptions {
        force: true,
        no_prune: true,
    };
    let plan = plan_removal_with(&o, &engines, &keys[..1], opts);
    assert_eq!(
        plan.lines,
        [format!(
            "remove image {used_tag} ({}) on east, used by 1 container there",
            &used.trim_start_matches("sha256:")[..12]
        )]
    );
    let items: Vec<(String, Command)> = plan.items.into_iter().map(|r| (r.engine, r.cmd)).collect();
    assert!(
        matches!(
            &items[..],
            [(
                _,
                Command::RemoveImage {
                    force: true,
                    no_prune: true,
                    ..
                }
            )]
        ),
        "{items:?}"
    );
    let results = fleet.execute_all(&items).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert!(east.docker(&["image", "inspect", &used_tag]).is_err());
    drop(user);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_specs_on_one_engine_are_one_member() {
    let shared = require_engine!();
    // The same socket as written and through a symlink: one engine, named by the configured
    // name rather than the bare address.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = shared
        .host()
        .strip_prefix("unix://")
        .unwrap_or_else(|| panic!("the test engine is not a unix socket: {}", shared.host()));
    let link = dir.path().join("link.sock");
    std::os::unix::fs::symlink(path, &link).unwrap_or_else(|e| panic!("{e}"));
    let fleet = Fleet::open(
        vec![
            EngineSpec::host(shared.host()),
            named("prod", &format!("unix://{}", link.display())),
        ],
        &options(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = fleet
        .members()
        .iter()
        .map(|m| m.spec.name.as_str())
        .collect();
    assert_eq!(names, ["prod"]);
    let same: Vec<String> = fleet.same_engines().iter().map(|s| s.describe()).collect();
    assert_eq!(
        same,
        [format!(
            "{} and prod are the same engine: shown once",
            shared.host()
        )]
    );
}

//! The store follows the engine through events.

use wharf_core::model::{ContainerId, ContainerState};
use wharf_tests::require_engine;

use crate::common::{synced_store, wait};

fn state_of(s: &wharf_core::store::Snapshot, id: &str) -> Option<ContainerState> {
    s.containers.get(&ContainerId::from(id)).map(|c| c.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_sees_the_whole_lifecycle_through_events() {
    let engine = require_engine!();
    let store = synced_store(engine.host()).await;
    let before = store.snapshot().revision;

    let c = engine
        .container("life")
        .cmd(&["sleep", "300"])
        .label("com.docker.compose.project", "shop")
        .label("com.docker.compose.service", "web")
        .created_only();
    let id = c.id().to_owned();
    let s = wait(&store, "created", |s| {
        state_of(s, &id) == Some(ContainerState::Created)
    })
    .await;
    assert!(s.revision > before);
    {
        let row = &s.containers[&ContainerId::from(id.as_str())];
        assert_eq!(row.name, c.name());
        assert_eq!(row.project(), Some("shop"));
        assert_eq!(
            row.compose.as_ref().and_then(|c| c.service.as_deref()),
            Some("web")
        );
        assert_eq!(
            row.labels.get("wharf.test").map(String::as_str),
            Some(wharf_tests::run_id())
        );
        assert!(row.created > 0);
        assert!(row.command.contains("sleep"), "{}", row.command);
    }
    assert!(s.projects().contains_key("shop"));

    let steps: [(&[&str], ContainerState); 5] = [
        (&["start"], ContainerState::Running),
        (&["pause"], ContainerState::Paused),
        (&["unpause"], ContainerState::Running),
        (&["stop", "-t", "1"], ContainerState::Exited),
        (&["start"], ContainerState::Running),
    ];
    for (args, want) in steps {
        let mut a: Vec<&str> = args.to_vec();
        a.push(&id);
        engine.docker_ok(&a);
        let s = wait(&store, &format!("{args:?} → {want}"), |s| {
            state_of(s, &id) == Some(want)
        })
        .await;
        let row = &s.containers[&ContainerId::from(id.as_str())];
        if want == ContainerState::Running {
            assert!(
                row.pid.is_some(),
                "a running container has a pid once inspected"
            );
            assert!(row.started_at.is_some());
        }
    }
    engine.docker_ok(&["rm", "-f", &id]);
    wait(&store, "removed", |s| state_of(s, &id).is_none()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_details_restart_count_exit_code_and_limits() {
    let engine = require_engine!();
    let store = synced_store(engine.host()).await;
    let c = engine
        .container("crashy")
        .cmd(&["sh", "-c", "exit 3"])
        .args(&[
            "--restart",
            "on-failure:2",
            "--cpus",
            "0.5",
            "--memory",
            "64m",
            "--expose",
            "8080",
        ])
        .start();
    let id = ContainerId::from(c.id());
    let s = wait(&store, "two restarts then exited", |s| {
        s.containers.get(&id).is_some_and(|c| {
            c.detailed && c.restart_count == Some(2) && c.state == ContainerState::Exited
        })
    })
    .await;
    let row = &s.containers[&id];
    assert_eq!(row.exit_code, Some(3));
    assert_eq!(row.cpu_limit, Some(0.5));
    assert_eq!(row.memory_limit, Some(64 << 20));
    assert!(row
        .ports
        .iter()
        .any(|p| p.container_port == 8080 && p.host_port.is_none()));
    assert!(row.finished_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_follows_images_networks_and_volumes() {
    let engine = require_engine!();
    let store = synced_store(engine.host()).await;
    let image = engine.image();
    let s = store.snapshot();
    let img = s
        .find_image(&image)
        .unwrap_or_else(|| panic!("image {image} not listed"))
        .clone();

    // A new tag on the same image shows up through the `tag` event.
    let tag = format!("wharf-test/extra:{}", wharf_tests::run_id());
    engine.docker_ok(&["tag", &image, &tag]);
    wait(&store, "the new tag", |s| {
        s.images.get(&img.id).is_some_and(|i| i.tags.contains(&tag))
    })
    .await;
    engine.docker_ok(&["rmi", &tag]);
    wait(&store, "the tag gone", |s| {
        s.images
            .get(&img.id)
            .is_some_and(|i| !i.tags.contains(&tag))
    })
    .await;

    let net = engine.network("follow");
    let s = wait(&store, "the network", |s| {
        s.networks.values().any(|n| n.name == net.name())
    })
    .await;
    assert!(s
        .networks
        .values()
        .any(|n| n.name == net.name() && n.driver == "bridge"));
    let vol = engine.volume("follow");
    wait(&store, "the volume", |s| {
        s.volumes.values().any(|v| v.name.as_str() == vol.name())
    })
    .await;

    let vname = vol.name().to_owned();
    let nname = net.name().to_owned();
    drop(vol);
    drop(net);
    wait(&store, "volume and network gone", |s| {
        !s.volumes.values().any(|v| v.name.as_str() == vname)
            && !s.networks.values().any(|n| n.name == nname)
    })
    .await;
    let events = store.snapshot().events.clone();
    assert!(
        events.iter().any(|e| e.action == "tag"),
        "the Events view keeps history"
    );
}

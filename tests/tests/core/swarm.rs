//! Swarm through wharf-core on a private single-node swarm: the live model shows a service
//! scaled 1→3 with its tasks running, an image update and its rollback, node drain/activate,
//! and a secret created and removed whose value appears in no output, log or audit line;
//! read-only refuses swarm changes; a non-manager engine has empty swarm lists.

use std::sync::Arc;

use wharf_core::audit::AuditLog;
use wharf_core::command::{execute, Command, Outcome, SwarmOp};
use wharf_core::engine::{Availability, Policy, SecretSource, SecretValue, ServiceChange};
use wharf_core::model::{NodeId, SecretId, ServiceId};
use wharf_core::store::{Snapshot, Store};
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, require_private_engine, unique_name, PrivateOpts, TestSwarm};

use crate::common::{connect, synced_store, wait};

fn running(s: &Snapshot, id: &ServiceId, image: &str) -> usize {
    s.tasks
        .values()
        .filter(|t| &t.service == id && t.state == "running" && t.image == image)
        .count()
}

async fn run(engine: &wharf_core::engine::Engine, op: SwarmOp) -> Outcome {
    let what = op.to_string();
    execute(engine, &Command::Swarm { op })
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_nodes_and_secrets_through_the_live_model() {
    let te = require_private_engine!(PrivateOpts::default());
    let swarm = TestSwarm::init(&te).unwrap_or_else(|e| panic!("swarm init: {e}"));
    let image = te.image();
    let image2 = format!("{image}-v2");
    te.docker_ok(&["tag", &image, &image2]);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit_path = dir.path().join("audit.jsonl");
    let audit = Arc::new(AuditLog::open(&audit_path).unwrap_or_else(|e| panic!("{e}")));
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(audit),
    });
    let store = Store::spawn(engine.clone());
    let s = wait(&store, "a synced manager", |s| {
        s.synced && s.is_swarm_manager()
    })
    .await;
    assert_eq!(s.nodes.len(), 1, "{:?}", s.nodes);
    let node = s.nodes.values().next().cloned().unwrap_or_else(|| panic!());
    assert_eq!(
        (node.role.as_str(), node.state.as_str()),
        ("manager", "ready")
    );
    assert_eq!(node.availability, "active");

    // A service made outside Wharf appears through the events stream, its task running.
    let name = unique_name("svc");
    let sid = ServiceId::from(swarm.service(&name, &image, 1).as_str());
    wait(&store, "one running task", |s| {
        running(s, &sid, &image) == 1
    })
    .await;

    // Scale 1→3: the tasks come up in the live model.
    run(
        &engine,
        SwarmOp::UpdateService {
            id: sid.clone(),
            name: name.clone(),
            change: ServiceChange::Scale { replicas: 3 },
        },
    )
    .await;
    let s = wait(&store, "three running tasks", |s| {
        running(s, &sid, &image) == 3 && s.services.get(&sid).is_some_and(|v| v.replicas == Some(3))
    })
    .await;
    assert_eq!(swarm.running_tasks(&name), 3, "the CLI agrees");
    assert!(s.tasks.values().all(|t| t.node.as_ref() == Some(&node.id)));

    // Update the image, then roll back.
    run(
        &engine,
        SwarmOp::UpdateService {
            id: sid.clone(),
            name: name.clone(),
            change: ServiceChange::Image {
                image: image2.clone(),
            },
        },
    )
    .await;
    wait(&store, "three tasks on the new image", |s| {
        running(s, &sid, &image2) == 3 && s.services.get(&sid).is_some_and(|v| v.image == image2)
    })
    .await;
    run(
        &engine,
        SwarmOp::UpdateService {
            id: sid.clone(),
            name: name.clone(),
            change: ServiceChange::Rollback,
        },
    )
    .await;
    wait(&store, "three tasks back on the first image", |s| {
        running(s, &sid, &image) == 3 && s.services.get(&sid).is_some_and(|v| v.image == image)
    })
    .await;

    // Drain the node: its tasks stop; activate it: they come back.
    let drain = |availability| SwarmOp::NodeAvailability {
        id: node.id.clone(),
        name: node.hostname.clone(),
        availability,
    };
    run(&engine, drain(Availability::Drain)).await;
    wait(&store, "the node drained and no task running", |s| {
        s.nodes
            .get(&node.id)
            .is_some_and(|n| n.availability == "drain")
            && running(s, &sid, &image) == 0
    })
    .await;
    run(&engine, drain(Availability::Active)).await;
    wait(&store, "the node active and three tasks running", |s| {
        s.nodes
            .get(&node.id)
            .is_some_and(|n| n.availability == "active")
            && running(s, &sid, &image) == 3
    })
    .await;

    // A secret: created from text and from a file, seen, removed; its value is nowhere.
    let value = format!("s3cr3t-{}", unique_name("v"));
    let file = dir.path().join("secret.txt");
    std::fs::write(&file, format!("{value}-file")).unwrap_or_else(|e| panic!("{e}"));
    let mut ids = Vec::new();
    for (name, source) in [
        (
            unique_name("sec"),
            SecretSource::Text {
                value: SecretValue::new(value.clone()),
            },
        ),
        (
            unique_name("secf"),
            SecretSource::File {
                path: file.display().to_string(),
            },
        ),
    ] {
        let Outcome::Created { id } = run(
            &engine,
            SwarmOp::CreateSecret {
                name: name.clone(),
                source,
            },
        )
        .await
        else {
            panic!("no id")
        };
        let id = SecretId::from(id.as_str());
        let s = wait(&store, "the secret listed", |s| s.secrets.contains_key(&id)).await;
        let listed = serde_json::to_string(&*s.secrets).unwrap_or_default();
        assert!(
            listed.contains(&name) && !listed.contains(&value),
            "{listed}"
        );
        ids.push((id, name));
    }
    for (id, name) in ids {
        run(
            &engine,
            SwarmOp::RemoveSecret {
                id: id.clone(),
                name,
            },
        )
        .await;
        wait(&store, "the secret gone", |s| !s.secrets.contains_key(&id)).await;
    }
    let audit_text = std::fs::read_to_string(&audit_path).unwrap_or_default();
    assert!(audit_text.contains("secret.create"), "{audit_text}");
    assert!(!audit_text.contains(&value), "the value in the audit log");
    let log = te
        .dir()
        .map(|d| std::fs::read_to_string(d.join("dockerd.log")).unwrap_or_default())
        .unwrap_or_default();
    assert!(!log.contains(&value), "the value in the engine's log");

    // Remove the service: it and its tasks leave the model.
    run(
        &engine,
        SwarmOp::RemoveService {
            id: sid.clone(),
            name: name.clone(),
        },
    )
    .await;
    wait(&store, "the service and its tasks gone", |s| {
        !s.services.contains_key(&sid) && !s.tasks.values().any(|t| t.service == sid)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_swarm_changes_and_a_plain_engine_has_no_swarm() {
    let te = require_engine!();
    let store = synced_store(te.host()).await;
    let s = store.snapshot();
    assert!(!s.is_swarm_manager());
    assert!(s.nodes.is_empty() && s.services.is_empty() && s.secrets.is_empty());
    let ro = connect(te.host()).await.with_policy(Policy {
        read_only: true,
        audit: None,
    });
    let op = SwarmOp::NodeAvailability {
        id: NodeId::from("n"),
        name: "n".into(),
        availability: Availability::Drain,
    };
    let e = execute(&ro, &Command::Swarm { op })
        .await
        .err()
        .unwrap_or_else(|| panic!("read-only let a drain through"));
    assert_eq!(e.kind(), ErrorKind::Denied);
    // On a plain engine the engine's own answer comes back typed, and nothing changed.
    let rw = connect(te.host()).await;
    let e = execute(
        &rw,
        &Command::Swarm {
            op: SwarmOp::RemoveService {
                id: ServiceId::from("nope"),
                name: "nope".into(),
            },
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("removed a service on a plain engine"));
    assert!(e.to_string().contains("swarm"), "{e}");
}

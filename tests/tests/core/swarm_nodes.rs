//! Swarm with two nodes through wharf-core: a private engine as manager and a second `dockerd`
//! in a network namespace joined as a worker (`wharf_tests::TwoNodeSwarm`). A replicated
//! service scales 1→3 with tasks on both nodes as the live model shows them; the service's
//! logs (every task, both nodes) come through the merged logs keyed by slot; an image update
//! and its rollback; draining the worker moves its tasks to the manager; the worker promoted to
//! a (reachable) manager and demoted again, its role followed in the live model; a secret's value
//! appears in no output, log or file of either node; a config is listed with its data.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wharf_core::audit::AuditLog;
use wharf_core::command::{execute, Command, Outcome, SwarmOp};
use wharf_core::engine::{
    Availability, ConfigSource, LogOptions, NodeRole, Policy, SecretSource, SecretValue,
    ServiceChange,
};
use wharf_core::model::{ConfigId, NodeId, SecretId, ServiceId};
use wharf_core::rules::inert;
use wharf_core::store::{Snapshot, Store};
use wharf_core::streams::logs::LogBuffer;
use wharf_core::streams::merged::{MergedFollower, Selection};
use wharf_tests::{
    require_private_engine, unique_name, PrivateOpts, TwoNodeSwarm, WORKER_HOSTNAME,
};

use crate::common::{connect, wait};

fn running<'s>(s: &'s Snapshot, id: &ServiceId, image: &str) -> Vec<&'s NodeId> {
    s.tasks
        .values()
        .filter(|t| &t.service == id && t.state == "running" && t.image == image)
        .filter_map(|t| t.node.as_ref())
        .collect()
}

async fn run(engine: &wharf_core::engine::Engine, op: SwarmOp) -> Outcome {
    let what = op.to_string();
    execute(engine, &Command::Swarm { op })
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Drain `f` into `buf` until `done` holds (20 s at most).
async fn drain_until(
    f: &mut MergedFollower,
    buf: &mut LogBuffer,
    what: &str,
    mut done: impl FnMut(&LogBuffer) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(buf) {
        let tail: Vec<&str> = buf
            .lines()
            .iter()
            .rev()
            .take(20)
            .map(|l| l.text.text.as_str())
            .collect();
        assert!(Instant::now() < deadline, "{what} never arrived: {tail:?}");
        f.drain_into(buf, 10_000);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn has_line_of(buf: &LogBuffer, prefix: &str) -> bool {
    buf.lines()
        .iter()
        .any(|l| l.text.text.starts_with(prefix) && l.text.text.contains("tick"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_scale_logs_update_drain_secrets_and_configs() {
    let started = Instant::now();
    let te = require_private_engine!(PrivateOpts::default());
    let two = TwoNodeSwarm::start(&te).unwrap_or_else(|e| panic!("two-node swarm: {e}"));
    let image = te.image();
    let image2 = format!("{image}-v2");
    two.tag_everywhere(&image, &image2)
        .unwrap_or_else(|e| panic!("tag: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit_path = dir.path().join("audit.jsonl");
    let audit = Arc::new(AuditLog::open(&audit_path).unwrap_or_else(|e| panic!("{e}")));
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(audit),
    });
    let store = Store::spawn(engine.clone());
    let s = wait(&store, "both nodes ready in the model", |s| {
        s.synced && s.nodes.len() == 2 && s.nodes.values().all(|n| n.state == "ready")
    })
    .await;
    let worker = s
        .nodes
        .values()
        .find(|n| n.hostname == WORKER_HOSTNAME)
        .cloned()
        .unwrap_or_else(|| panic!("no worker node: {:?}", s.nodes));
    let manager = s
        .nodes
        .values()
        .find(|n| n.role == "manager")
        .cloned()
        .unwrap_or_else(|| panic!("no manager node"));
    assert_eq!(worker.role, "worker");
    let set_up = started.elapsed();

    // A printing service, created outside Wharf with one task.
    let name = unique_name("tick");
    let sid = ServiceId::from(
        two.swarm()
            .service_running(
                &name,
                &image,
                1,
                &[
                    "sh",
                    "-c",
                    "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done",
                ],
            )
            .as_str(),
    );
    wait(&store, "one running task", |s| {
        running(s, &sid, &image).len() == 1
    })
    .await;

    // Scale 1→3: the tasks come up in the live model, on both nodes.
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
        running(s, &sid, &image).len() == 3
    })
    .await;
    let nodes: BTreeSet<&NodeId> = running(&s, &sid, &image).into_iter().collect();
    assert_eq!(
        nodes,
        BTreeSet::from([&manager.id, &worker.id]),
        "tasks on both nodes"
    );

    // The service's logs: every slot's lines, from both nodes, each under its slot's prefix.
    let opts = LogOptions {
        follow: true,
        tail: Some(50),
        ..LogOptions::default()
    };
    let mut logs = MergedFollower::start(
        &engine,
        store.subscribe(),
        Selection::Service(name.clone()),
        &opts,
    )
    .unwrap_or_else(|e| panic!("service logs: {e}"));
    let mut buf = LogBuffer::new(5000, false);
    let prefix = |slot: u64| {
        let short: String = name.chars().take(24 - 2 - 1).collect();
        format!("{short}….{slot}")
    };
    drain_until(&mut logs, &mut buf, "lines of all three slots", |b| {
        (1..=3).all(|slot| has_line_of(b, &prefix(slot)))
    })
    .await;
    assert_eq!(logs.source_count(), 3);

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
        running(s, &sid, &image2).len() == 3
            && s.services.get(&sid).is_some_and(|v| v.image == image2)
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
        running(s, &sid, &image).len() == 3
            && s.services.get(&sid).is_some_and(|v| v.image == image)
    })
    .await;

    // Drain the worker: its tasks move to the manager.
    run(
        &engine,
        SwarmOp::NodeAvailability {
            id: worker.id.clone(),
            name: worker.hostname.clone(),
            availability: Availability::Drain,
        },
    )
    .await;
    wait(
        &store,
        "the worker drained, all tasks on the manager",
        |s| {
            let on = running(s, &sid, &image);
            s.nodes
                .get(&worker.id)
                .is_some_and(|n| n.availability == "drain")
                && on.len() == 3
                && on.iter().all(|n| **n == manager.id)
        },
    )
    .await;
    // Replaced tasks kept their places: still three sources, the replacements said so.
    drain_until(&mut logs, &mut buf, "a replacement marker", |b| {
        b.lines()
            .iter()
            .any(|l| l.text.text.contains("was replaced"))
    })
    .await;
    assert_eq!(logs.source_count(), 3);

    // Promote the worker to a manager (it joins the managers, reachable), then demote it back:
    // the role follows in the live model from the engine's node events.
    run(
        &engine,
        SwarmOp::NodeRole {
            id: worker.id.clone(),
            name: worker.hostname.clone(),
            role: NodeRole::Manager,
        },
    )
    .await;
    wait(&store, "the worker promoted", |s| {
        s.nodes.get(&worker.id).is_some_and(|n| n.role == "manager")
    })
    .await;
    // Demoting a manager that has not joined the managers yet is refused: wait until it has.
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let n = engine
            .inspect_node(worker.id.as_str())
            .await
            .unwrap_or_else(|e| panic!("inspect the promoted worker: {e}"));
        if n.reachability.as_deref() == Some("reachable") {
            break;
        }
        assert!(
            Instant::now() < until,
            "the promoted worker never became reachable: {n:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    run(
        &engine,
        SwarmOp::NodeRole {
            id: worker.id.clone(),
            name: worker.hostname.clone(),
            role: NodeRole::Worker,
        },
    )
    .await;
    wait(&store, "the worker demoted again", |s| {
        s.nodes.get(&worker.id).is_some_and(|n| n.role == "worker")
    })
    .await;

    // A secret: its value appears in no listing, audit line or either engine's log.
    let value = format!("s3cr3t-{}", unique_name("v"));
    let sec_name = unique_name("sec");
    let Outcome::Created { id } = run(
        &engine,
        SwarmOp::CreateSecret {
            name: sec_name.clone(),
            source: SecretSource::Text {
                value: SecretValue::new(value.clone()),
            },
        },
    )
    .await
    else {
        panic!("no secret id")
    };
    let secret = SecretId::from(id.as_str());
    let s = wait(&store, "the secret listed", |s| {
        s.secrets.contains_key(&secret)
    })
    .await;
    let listed = serde_json::to_string(&*s.secrets).unwrap_or_default();
    assert!(
        listed.contains(&sec_name) && !listed.contains(&value),
        "{listed}"
    );
    run(
        &engine,
        SwarmOp::RemoveSecret {
            id: secret.clone(),
            name: sec_name,
        },
    )
    .await;
    wait(&store, "the secret gone", |s| {
        !s.secrets.contains_key(&secret)
    })
    .await;

    // A config: listed with its size and data; the data shown is inert.
    let cfg_name = unique_name("cfg");
    let data = "listen 80;\n\x1b]0;owned\x07title\tok\n";
    let Outcome::Created { id } = run(
        &engine,
        SwarmOp::CreateConfig {
            name: cfg_name.clone(),
            source: ConfigSource::Text {
                value: data.to_owned(),
            },
        },
    )
    .await
    else {
        panic!("no config id")
    };
    let config = ConfigId::from(id.as_str());
    let s = wait(&store, "the config listed", |s| {
        s.configs.contains_key(&config)
    })
    .await;
    let c = s.configs.get(&config).cloned().unwrap_or_else(|| panic!());
    assert_eq!(
        (c.name.as_str(), c.size),
        (cfg_name.as_str(), data.len() as u64)
    );
    assert_eq!(c.data.as_deref(), Some(data));
    let shown = inert::config(&c).data.clone().unwrap_or_default();
    assert_eq!(shown, "listen 80;\ntitle\tok\n");
    run(
        &engine,
        SwarmOp::RemoveConfig {
            id: config.clone(),
            name: cfg_name,
        },
    )
    .await;
    wait(&store, "the config gone", |s| {
        !s.configs.contains_key(&config)
    })
    .await;

    let audit_text = std::fs::read_to_string(&audit_path).unwrap_or_default();
    assert!(audit_text.contains("secret.create") && audit_text.contains("config.remove"));
    assert!(!audit_text.contains(&value), "the value in the audit log");
    for text in [
        te.dir()
            .map(|d| std::fs::read_to_string(d.join("dockerd.log")).unwrap_or_default())
            .unwrap_or_default(),
        two.worker().log(),
        buf.lines()
            .iter()
            .map(|l| l.text.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    ] {
        assert!(!text.contains(&value), "the secret's value leaked");
    }
    drop(logs);
    eprintln!(
        "two-node swarm: set up in {:.1} s, whole test {:.1} s",
        set_up.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

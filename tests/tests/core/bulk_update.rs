//! The bulk image update (`engine/bulk.rs`) against a real engine and a real loopback
//! registry: containers running `127.0.0.1:PORT/…:TAG` are planned when the registry holds a
//! newer digest for the tag (paused and `--rm` ones are left out, with why), the run pulls the
//! tag once and recreates each on the new image with the same name, settings and volume data,
//! a container whose recreate fails is back as it was (same id, running, old image) while the
//! others are updated, the old image stays, each update is one audit entry, and a read-only
//! engine refuses the run before any pull. Read back with the docker CLI.

use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::Value;
use wharf_core::audit::AuditLog;
use wharf_core::command::{execute, Command};
use wharf_core::engine::{ContainerUpdate, Engine, ImageUpdateEvent, ImageUpdateReport, Policy};
use wharf_core::model::ContainerId;
use wharf_core::ErrorKind;
use wharf_tests::{
    require_engine, unique_name, wait_until_blocking, TestEngine, TestRegistry, LABEL,
};

use crate::common::{connect, TIMEOUT};
use crate::images::{empty_keychain, repo, Images};

/// Removes, when dropped, whatever carries one of the names (the originals, their
/// replacements, temporaries or aside copies) and the volumes.
struct Cleanup<'a> {
    te: &'a TestEngine,
    names: Vec<String>,
    volumes: Vec<String>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            // A paused container cannot be removed until it is unpaused.
            let _ = self.te.docker(&["unpause", name]);
            let ids = self
                .te
                .docker(&["ps", "-aq", "--filter", &format!("name={name}")])
                .unwrap_or_default();
            for id in ids.split_whitespace() {
                if let Err(e) = self.te.docker(&["rm", "-f", "-v", id]) {
                    eprintln!("cleanup of {id}: {e}");
                }
            }
        }
        for v in &self.volumes {
            if let Err(e) = self.te.docker(&["volume", "rm", "-f", v]) {
                eprintln!("cleanup of volume {v}: {e}");
            }
        }
    }
}

impl Cleanup<'_> {
    /// `docker run -d --name NAME --label wharf.test=RUN ARGS IMAGE sleep 300`; its id.
    fn run(&mut self, suffix: &str, args: &[&str], image: &str) -> (String, String) {
        let name = unique_name(suffix);
        self.names.push(name.clone());
        let label = format!("{LABEL}={}", wharf_tests::run_id());
        let mut all = vec!["run", "-d", "--name", &name, "--label", &label];
        all.extend(args);
        all.extend([image, "sleep", "300"]);
        let id = self.te.docker_ok(&all).trim().to_owned();
        assert!(!id.is_empty());
        (name, id)
    }
}

fn inspect(te: &TestEngine, what: &str) -> Value {
    let text = te.docker_ok(&["inspect", "--type", "container", what]);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    v[0].clone()
}

/// An image made from the test image by a shell script (committed), held by `images`.
fn image_from(te: &TestEngine, images: &mut Images<'_>, script: &str) -> String {
    let c = te
        .container("layer")
        .cmd(&["sh", "-c", &format!("{script} && echo done")])
        .start();
    wait_until_blocking(TIMEOUT, "the layer written", || c.logs().contains("done"));
    let id = te.docker_ok(&["commit", c.id()]).trim().to_owned();
    images.hold(&id);
    id
}

/// Run `plan`'s stream to its end: the pulls seen, and the report.
async fn run(
    engine: &Engine,
    plan: &wharf_core::engine::ImageUpdatePlan,
    keychain: &wharf_core::engine::Keychain,
) -> (Vec<String>, ImageUpdateReport) {
    let mut events = engine.update_images(plan, keychain);
    let mut pulls = Vec::new();
    while let Some(ev) = events.next().await {
        match ev.unwrap_or_else(|e| panic!("update: {e}")) {
            ImageUpdateEvent::Pull { reference, .. } => pulls.push(reference),
            ImageUpdateEvent::Recreating { .. } => {}
            ImageUpdateEvent::Finished { report } => return (pulls, report),
        }
    }
    panic!("the update ended without a report");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outdated_containers_move_to_the_new_image_and_a_failure_is_put_back() {
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let audit_path = dir.path().join("audit.log");
    let audit = Arc::new(AuditLog::open(&audit_path).expect("audit log"));
    let engine: Engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(audit),
    });
    let (_k, keychain) = empty_keychain();
    let mut images = Images::new(te);

    // v1 knows a user `olduser`; v2 (pushed later under the same tag) does not, so a
    // container running as that user cannot start on v2: its recreate fails at the start.
    let old = image_from(
        te,
        &mut images,
        "echo 'olduser:x:4242:4242::/:/bin/sh' >> /etc/passwd && head -c 1000 /dev/urandom > /blob",
    );
    let new = image_from(te, &mut images, "head -c 2000 /dev/urandom > /blob");
    let r = reg.reference(&repo("bulk"), wharf_tests::run_id());
    images.tag(&old, &r);
    te.docker_ok(&["push", &r]);
    te.docker_ok(&["rmi", &r]);
    te.docker_ok(&["pull", &r]);
    assert_eq!(images_id(te, &r), old);

    let volume = unique_name("bulk-data");
    let mut c = Cleanup {
        te,
        names: Vec::new(),
        volumes: vec![volume.clone()],
    };
    let mount = format!("{volume}:/data");
    let (name1, id1) = c.run(
        "bulk-one",
        &[
            "-v",
            &mount,
            "-e",
            "GREETING=hello",
            "-p",
            "127.0.0.1::80",
            "--label",
            "app=one",
        ],
        &r,
    );
    te.docker_ok(&["exec", &id1, "sh", "-c", "echo kept > /data/file"]);
    let (name2, id2) = c.run("bulk-two", &["-e", "OTHER=2"], &r);
    let (name3, id3) = c.run("bulk-user", &["--user", "olduser"], &r);
    let (_, id4) = c.run("bulk-paused", &[], &r);
    te.docker_ok(&["pause", &id4]);
    let (_, id5) = c.run("bulk-rm", &["--rm"], &r);
    // The one that will fail is in the middle: the one after it is still updated.
    let ids: Vec<ContainerId> = [&id1, &id3, &id2, &id4, &id5]
        .iter()
        .map(|i| ContainerId::from(i.as_str()))
        .collect();

    // Up to date: nothing is planned.
    let plan = engine.plan_image_updates(&ids, &keychain).await;
    assert!(plan.items.is_empty(), "{plan:?}");

    // A different image pushed under the same tag; locally the tag goes back to v1 and v2
    // is removed, so the update has to pull it.
    te.docker_ok(&["tag", &new, &r]);
    te.docker_ok(&["push", &r]);
    te.docker_ok(&["tag", &old, &r]);
    te.docker_ok(&["rmi", &new]);

    let plan = engine.plan_image_updates(&ids, &keychain).await;
    let planned: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        planned,
        vec![id1.as_str(), id3.as_str(), id2.as_str()],
        "{plan:?}"
    );
    for i in &plan.items {
        assert_eq!(i.image.as_str(), old);
        assert_eq!(i.reference, r);
        assert!(i.digest.starts_with("sha256:"), "{i:?}");
    }
    let why = |id: &str| {
        plan.excluded
            .iter()
            .find(|e| e.id.as_str() == id)
            .map(|e| e.why.clone())
            .unwrap_or_else(|| panic!("{id} not excluded: {plan:?}"))
    };
    assert!(why(&id4).contains("paused"), "{plan:?}");
    assert!(why(&id5).contains("--rm"), "{plan:?}");
    // The confirmation names every container and its image.
    let cmd = Command::UpdateImages { plan: plan.clone() };
    assert!(cmd.is_destructive());
    let lines = plan.confirmation_lines();
    for (n, name) in [&name1, &name3, &name2].iter().enumerate() {
        assert!(
            lines[n].contains(name.as_str()) && lines[n].contains(&r),
            "{lines:?}"
        );
    }

    // Read-only: refused before any pull, nothing changes.
    let ro = connect(te.host()).await.with_policy(Policy {
        read_only: true,
        audit: None,
    });
    let first = ro.update_images(&plan, &keychain).next().await;
    match first {
        Some(Err(e)) => assert_eq!(e.kind(), ErrorKind::Denied, "{e}"),
        other => panic!("read-only ran: {other:?}"),
    }
    let e = execute(&ro, &cmd)
        .await
        .expect_err("read-only ran the command");
    assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    assert!(
        te.docker(&["image", "inspect", &new]).is_err(),
        "pulled read-only"
    );
    // An empty plan is refused before anything is asked.
    let empty = Command::UpdateImages {
        plan: plan.only(&[]),
    };
    let e = execute(&engine, &empty)
        .await
        .expect_err("ran an empty plan");
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");

    let (pulls, report) = run(&engine, &plan, &keychain).await;
    assert!(
        pulls.iter().all(|p| p == &r) && !pulls.is_empty(),
        "{pulls:?}"
    );
    assert_eq!(report.containers.len(), 3, "{report:?}");
    images.hold(&new);

    // The two ordinary containers: new image, same name, same settings, same data.
    for (n, name) in [(0, &name1), (2, &name2)] {
        match &report.containers[n] {
            ContainerUpdate::Updated {
                name: got,
                old_image,
                new_image,
                ..
            } => {
                assert_eq!(got, name);
                assert_eq!(old_image.as_str(), old);
                assert_eq!(new_image.as_str(), new);
            }
            other => panic!("{name}: {other:?}"),
        }
        let now = inspect(te, name);
        assert_eq!(now["Image"], Value::from(new.as_str()), "{name}");
        assert_eq!(now["Config"]["Image"], Value::from(r.as_str()), "{name}");
        assert_eq!(now["State"]["Running"], Value::Bool(true), "{name}");
    }
    let one = inspect(te, &name1);
    assert_ne!(one["Id"], Value::from(id1.as_str()));
    let env = one["Config"]["Env"].to_string();
    assert!(env.contains("GREETING=hello"), "{env}");
    assert_eq!(one["Config"]["Labels"]["app"], Value::from("one"));
    assert_eq!(
        one["HostConfig"]["PortBindings"]["80/tcp"][0]["HostIp"],
        Value::from("127.0.0.1"),
        "{}",
        one["HostConfig"]
    );
    assert_eq!(
        te.docker_ok(&["exec", &name1, "cat", "/data/file"]).trim(),
        "kept"
    );
    assert!(inspect(te, &name2)["Config"]["Env"]
        .to_string()
        .contains("OTHER=2"));

    // The one that could not start on the new image: failed, and back as it was.
    match &report.containers[1] {
        ContainerUpdate::Failed {
            name, step, error, ..
        } => {
            assert_eq!(name, &name3);
            assert_eq!(step, "recreate");
            assert!(error.contains("back"), "{error}");
        }
        other => panic!("{name3}: {other:?}"),
    }
    let three = inspect(te, &name3);
    assert_eq!(three["Id"], Value::from(id3.as_str()));
    assert_eq!(three["Image"], Value::from(old.as_str()));
    assert_eq!(three["State"]["Running"], Value::Bool(true));
    // The excluded ones were not touched.
    assert_eq!(inspect(te, &id4)["State"]["Paused"], Value::Bool(true));
    assert_eq!(inspect(te, &id5)["Image"], Value::from(old.as_str()));
    // The old image is not removed.
    assert!(te.docker(&["image", "inspect", &old]).is_ok());

    // One audit entry per container.
    let log = std::fs::read_to_string(&audit_path).expect("audit");
    for id in [&id1, &id2, &id3] {
        let n = log
            .lines()
            .filter(|l| l.contains("container.update_image") && l.contains(id.as_str()))
            .count();
        assert_eq!(n, 1, "{id}: {log}");
    }

    // Run again: the plan's image ids are stale now, so the updated ones are skipped.
    let updated = [ids[0].clone(), ids[2].clone()];
    let (_, again) = run(&engine, &plan.only(&updated), &keychain).await;
    for c in &again.containers {
        assert!(matches!(c, ContainerUpdate::Skipped { .. }), "{again:?}");
    }
}

fn images_id(te: &TestEngine, r: &str) -> String {
    te.docker_ok(&["image", "inspect", "-f", "{{.Id}}", r])
        .trim()
        .to_owned()
}

/// `docker inspect -f FORMAT what`, trimmed; empty when it is gone.
fn field(te: &TestEngine, what: &str, format: &str) -> String {
    te.docker(&["inspect", "--type", "container", "-f", format, what])
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_run_finishes_the_started_container_a_stale_plan_and_a_failed_pull_touch_nothing()
{
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let engine = connect(te.host()).await;
    let (_k, keychain) = empty_keychain();
    let mut images = Images::new(te);
    let old = image_from(te, &mut images, "head -c 1000 /dev/urandom > /blob");
    let new = image_from(te, &mut images, "head -c 2000 /dev/urandom > /blob");
    let r = reg.reference(&repo("bulk-drop"), wharf_tests::run_id());
    images.tag(&old, &r);
    te.docker_ok(&["push", &r]);
    let mut c = Cleanup {
        te,
        names: Vec::new(),
        volumes: Vec::new(),
    };
    let (name_a, id_a) = c.run("bulk-a", &[], &r);
    let (name_b, id_b) = c.run("bulk-b", &[], &r);
    let (_, id_c) = c.run("bulk-c", &[], &r);
    te.docker_ok(&["tag", &new, &r]);
    te.docker_ok(&["push", &r]);
    te.docker_ok(&["tag", &old, &r]);
    te.docker_ok(&["rmi", &new]);
    images.hold(&new);
    let ids: Vec<ContainerId> = [&id_a, &id_b, &id_c]
        .iter()
        .map(|i| ContainerId::from(i.as_str()))
        .collect();
    let plan = engine.plan_image_updates(&ids, &keychain).await;
    assert_eq!(plan.items.len(), 3, "{plan:?}");

    // Dropped as the first container's recreate starts: that one still ends (on the new
    // image, under its name, nothing left aside), the second is never touched.
    {
        let mut events = engine.update_images(&plan.only(&ids[..2]), &keychain);
        loop {
            match events.next().await {
                Some(Ok(ImageUpdateEvent::Recreating { index: 0, .. })) => break,
                Some(Ok(_)) => {}
                other => panic!("no recreate started: {other:?}"),
            }
        }
    }
    // Settled: the name runs the new image and nothing is left under a temporary or aside
    // name (the old container's removal is the recreate's last step).
    let leftovers = || {
        te.docker_ok(&[
            "ps",
            "-a",
            "--format",
            "{{.Names}}",
            "--filter",
            &format!("name={name_a}-wharf-"),
        ])
        .trim()
        .to_owned()
    };
    let deadline = std::time::Instant::now() + TIMEOUT;
    while field(te, &name_a, "{{.Image}} {{.State.Running}}") != format!("{new} true")
        || !leftovers().is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{name_a} was not finished: {}",
            te.docker_ok(&["ps", "-a", "--filter", &format!("name={name_a}")])
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(field(te, &id_b, "{{.Image}}"), old, "{name_b} was touched");

    // A plan made when the container ran another image: skipped, untouched.
    let mut stale = plan.only(&ids[2..]);
    stale.items[0].image = wharf_core::model::ImageId::from(new.as_str());
    let (_, report) = run(&engine, &stale, &keychain).await;
    match &report.containers[..] {
        [ContainerUpdate::Skipped { why, .. }] => assert!(why.contains("now runs"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(field(te, &id_c, "{{.Image}}"), old);

    // The registry gone: the pull fails, the container is not touched.
    drop(reg);
    let (_, report) = run(&engine, &plan.only(&ids[1..2]), &keychain).await;
    match &report.containers[..] {
        [ContainerUpdate::Failed { step, .. }] => assert!(step.starts_with("pull "), "{step}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        field(te, &id_b, "{{.Image}} {{.State.Running}}"),
        format!("{old} true")
    );
}

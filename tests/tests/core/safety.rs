//! Destructive actions remove exactly what the user was shown (issue #9 items 1, 4, 13 and the
//! "nothing lost" and "audit log" guarantees), against a real engine.
//!
//! Prunes plan over the whole engine, so the tests that apply prune plans get a private engine:
//! on the shared one they would take other tests' fixtures.

use std::sync::Arc;

use wharf_core::audit::AuditLog;
use wharf_core::command::{execute, Command, Outcome};
use wharf_core::destroy::{apply_prune, plan_prune, ObjectResult};
use wharf_core::engine::{Engine, ExecSpec, Policy};
use wharf_core::model::{ContainerId, ImageId, NetworkId, PruneTarget, VolumeName};
use wharf_core::rules::prune::ObjectKind;
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, require_private_engine, PrivateOpts, TestEngine};

use crate::common::{connect, OwnImage};

fn volume_exists(te: &TestEngine, name: &str) -> bool {
    te.docker(&["volume", "inspect", name]).is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_anonymous_volumes_keeps_named_ones_and_later_ones() {
    let owned = require_private_engine!(PrivateOpts::default());
    let te = &owned;
    let engine = connect(te.host()).await;
    let named = te.volume("named-unused");
    let anon = te.leftover_anonymous_volume();

    let plan = plan_prune(&engine, PruneTarget::Volumes { all: false })
        .await
        .unwrap_or_else(|e| panic!("plan: {e}"));
    let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert!(ids.contains(&anon.as_str()), "{plan:?}");
    assert!(
        !ids.contains(&named.name()),
        "a named volume is planned: {plan:?}"
    );

    // Appears after the preview: must survive the apply.
    let later = te.leftover_anonymous_volume();
    let out = execute(&engine, &Command::Prune { plan: plan.clone() })
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    let Outcome::Pruned { report } = out else {
        panic!("{out:?}")
    };
    assert_eq!(report.items.len(), plan.items.len(), "one line per object");
    assert!(report.items.iter().all(|i| i.is_removed()), "{report:?}");
    assert!(!volume_exists(te, &anon), "the planned volume is gone");
    assert!(volume_exists(te, named.name()), "the named volume survives");
    assert!(
        volume_exists(te, &later),
        "a volume made after the preview survives"
    );

    // `all` covers named volumes, still only unused ones.
    let user = te
        .container("user")
        .args(&["-v", &format!("{}:/data", named.name())])
        .cmd(&["true"])
        .created_only();
    let all = plan_prune(&engine, PruneTarget::Volumes { all: true })
        .await
        .unwrap_or_else(|e| panic!("plan all: {e}"));
    assert!(all.items.iter().any(|i| i.id == later));
    assert!(
        !all.items.iter().any(|i| i.id == named.name()),
        "a volume a stopped container mounts is not unused: {all:?}"
    );
    drop(user);
}

/// A command that arrives before any call has negotiated the API version (the desktop page
/// asks for a prune plan as it opens) still plans by the engine's version: bollard's requests
/// carry no version prefix, so they succeed either way, and only the rule "which volumes are
/// anonymous" would silently pick the newer engines' side (label) on Docker 20.10.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_made_before_any_negotiation_uses_the_engines_version() {
    let owned = require_private_engine!(PrivateOpts::default());
    let te = &owned;
    let anon = te.leftover_anonymous_volume();
    let ep = wharf_core::engine::connect::resolve(&crate::common::options(te.host())).unwrap();
    let fresh = Engine::new(ep).unwrap();
    let plan = plan_prune(&fresh, PruneTarget::Volumes { all: false })
        .await
        .unwrap_or_else(|e| panic!("plan: {e}"));
    let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, vec![anon.as_str()], "{plan:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_skips_what_came_into_use_with_the_engines_reason() {
    let owned = require_private_engine!(PrivateOpts::default());
    let te = &owned;
    let engine = connect(te.host()).await;
    let anon = te.leftover_anonymous_volume();
    let stopped = te.container("stopped").cmd(&["true"]).created_only();
    let net = te.network("free");

    let vplan = plan_prune(&engine, PruneTarget::Volumes { all: false })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cplan = plan_prune(&engine, PruneTarget::Containers)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let nplan = plan_prune(&engine, PruneTarget::Networks)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        cplan.items.iter().any(|i| i.id == stopped.id()),
        "{cplan:?}"
    );
    assert!(nplan.items.iter().any(|i| i.id == net.id()), "{nplan:?}");

    // Between preview and confirmation the volume, the container and the network get used.
    let user = te
        .container("user")
        .args(&["-v", &format!("{anon}:/data")])
        .network(net.name())
        .cmd(&["sleep", "300"])
        .start();
    te.docker_ok(&["start", stopped.id()]);
    let _ = te.docker(&["exec", stopped.id(), "true"]);

    let v = apply_prune(&engine, &vplan)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let line = v
        .items
        .iter()
        .find(|i| i.id == anon)
        .unwrap_or_else(|| panic!("{v:?}"));
    match &line.outcome {
        ObjectResult::Skipped { reason } => assert!(reason.contains("in use"), "{reason}"),
        other => panic!("a volume in use was not skipped: {other:?}"),
    }
    assert!(volume_exists(te, &anon));

    let n = apply_prune(&engine, &nplan)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let line = n
        .items
        .iter()
        .find(|i| i.id == net.id())
        .unwrap_or_else(|| panic!("{n:?}"));
    assert!(
        matches!(&line.outcome, ObjectResult::Skipped { reason } if reason.contains("active endpoints")),
        "{line:?}"
    );
    assert!(te.docker(&["network", "inspect", net.id()]).is_ok());
    drop(user);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_container_is_not_pruned() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = te
        .container("restarted")
        .cmd(&["sleep", "300"])
        .created_only();
    let plan = plan_prune(&engine, PruneTarget::Containers)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Only our own container: the shared engine holds other tests' stopped fixtures.
    let mut plan = plan;
    plan.items.retain(|i| i.id == c.id());
    assert_eq!(plan.items.len(), 1, "the stopped container is planned");
    te.docker_ok(&["start", c.id()]);
    let report = apply_prune(&engine, &plan)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    match &report.items[0].outcome {
        ObjectResult::Skipped { reason } => assert!(reason.contains("running"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.inspect("{{.State.Status}}").trim(), "running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_removal_leaves_a_moved_tag_to_its_new_image() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let own = OwnImage::new(te, &["moving-a", "moving-b", "moving-c"]);
    let other_img = OwnImage::new(te, &["moving-other"]);
    let (id, tags) = (own.id.clone(), own.tags.clone());
    let (other, other_tags) = (other_img.id.clone(), other_img.tags.clone());
    let image_of = |t: &str| te.docker(&["image", "inspect", "-f", "{{.Id}}", t]);

    // Confirmed with both tags; then `moving-b` is moved to another image.
    let cmd = Command::RemoveImage {
        id: ImageId::from(id.as_str()),
        tags: tags.clone(),
        force: false,
        no_prune: false,
    };
    te.docker_ok(&["tag", &other, &tags[1]]);
    let out = execute(&engine, &cmd)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Outcome::Removed { items } = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        image_of(&tags[1]).map(|s| s.trim().to_owned()),
        Ok(other.clone()),
        "the other image keeps the tag that moved to it: {items:?}"
    );
    assert!(image_of(&other_tags[0]).is_ok());
    let b = items
        .iter()
        .find(|l| l.kind == ObjectKind::Tag && l.name == tags[1])
        .unwrap_or_else(|| panic!("{items:?}"));
    assert!(
        matches!(&b.outcome, ObjectResult::Skipped { reason } if reason.contains("now names")),
        "{b:?}"
    );
    for t in [&tags[0], &tags[2]] {
        assert!(
            items
                .iter()
                .any(|l| l.kind == ObjectKind::Tag && &l.name == t && l.is_removed()),
            "{items:?}"
        );
    }
    assert!(
        items
            .iter()
            .any(|l| l.kind == ObjectKind::Image && l.is_removed()),
        "{items:?}"
    );
    assert!(
        te.docker(&["image", "inspect", &id]).is_err(),
        "the image is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_removal_keeps_an_image_tagged_after_confirmation() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let own = OwnImage::new(te, &["late-a", "late-b"]);
    let (id, tags) = (own.id.clone(), own.tags.clone());
    let late = format!("wharf-test/late-c:{}", wharf_tests::run_id());
    let cmd = Command::RemoveImage {
        id: ImageId::from(id.as_str()),
        tags: tags.clone(),
        force: false,
        no_prune: false,
    };
    te.docker_ok(&["tag", &id, &late]);
    let out = execute(&engine, &cmd)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Outcome::Removed { items } = out else {
        panic!("{out:?}")
    };
    let image = items
        .iter()
        .find(|l| l.kind == ObjectKind::Image)
        .unwrap_or_else(|| panic!("{items:?}"));
    assert!(
        matches!(&image.outcome, ObjectResult::Skipped { reason } if reason.contains(&late)),
        "{image:?}"
    );
    let left = te.docker_ok(&["image", "inspect", "-f", "{{.RepoTags}}", &id]);
    assert!(left.contains(&late) && !left.contains(&tags[0]), "{left}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_what_is_in_use_is_refused_with_the_engines_reason() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let own = OwnImage::new(te, &["inuse"]);
    let (id, tags) = (own.id.clone(), own.tags.clone());
    let vol = te.volume("inuse");
    let c = te
        .container("inuse")
        .image(&tags[0])
        .args(&["-v", &format!("{}:/data", vol.name())])
        .cmd(&["sleep", "300"])
        .start();
    let err = execute(
        &engine,
        &Command::RemoveImage {
            id: ImageId::from(id.as_str()),
            tags: tags.clone(),
            force: false,
            no_prune: false,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("removed an image in use"));
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.message().contains("running container"),
        "the engine's reason: {err}"
    );
    te.docker_ok(&["image", "inspect", &tags[0]]);

    let err = execute(
        &engine,
        &Command::RemoveVolume {
            name: VolumeName::from(vol.name()),
            force: false,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("removed a volume in use"));
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.message().contains("in use"),
        "the engine's reason: {err}"
    );
    assert!(volume_exists(te, vol.name()));
    drop(c);
}

fn read_only(engine: Engine) -> Engine {
    engine.with_policy(Policy {
        read_only: true,
        audit: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_engine_refuses_every_mutation_before_sending() {
    let te = require_engine!();
    let rw = connect(te.host()).await;
    let engine = read_only(rw.clone());
    let running = te.container("ro-run").cmd(&["sleep", "300"]).start();
    let stopped = te.container("ro-stop").cmd(&["true"]).created_only();
    let vol = te.volume("ro");
    let net = te.network("ro");
    let own = OwnImage::new(te, &["ro"]);
    let (img, tags) = (own.id.clone(), own.tags.clone());
    // Only our own objects: other tests change the shared engine meanwhile.
    let exists = |args: &[&str]| te.docker(args).is_ok();
    let state = || {
        (
            running.inspect("{{.State.Status}} {{.Name}} {{.RestartCount}} {{.State.StartedAt}}"),
            stopped.inspect("{{.State.Status}} {{.Name}}"),
            exists(&["volume", "inspect", vol.name()]),
            exists(&["network", "inspect", net.id()]),
            te.docker(&["image", "inspect", "-f", "{{.RepoTags}}", &img]),
            exists(&["network", "inspect", "wharf-test-ro-net"]),
            exists(&["volume", "inspect", "wharf-test-ro-vol"]),
            exists(&["inspect", "wharf-test-ro-renamed"]),
        )
    };
    let before = state();
    let (r, s) = (
        ContainerId::from(running.id()),
        ContainerId::from(stopped.id()),
    );
    let vplan = plan_prune(&rw, PruneTarget::Volumes { all: true })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cmds = vec![
        Command::Start { id: s.clone() },
        Command::Stop {
            id: r.clone(),
            timeout: Some(0),
        },
        Command::Restart {
            id: r.clone(),
            timeout: Some(0),
        },
        Command::Pause { id: r.clone() },
        Command::Unpause { id: r.clone() },
        Command::Kill {
            id: r.clone(),
            signal: "KILL".into(),
        },
        Command::Remove {
            id: r.clone(),
            force: true,
            volumes: true,
        },
        Command::Rename {
            id: s.clone(),
            name: "wharf-test-ro-renamed".into(),
        },
        Command::RemoveImage {
            id: ImageId::from(img.as_str()),
            tags: tags.clone(),
            force: true,
            no_prune: false,
        },
        Command::CreateNetwork {
            name: "wharf-test-ro-net".into(),
            driver: None,
            internal: false,
            options: Default::default(),
        },
        Command::RemoveNetwork {
            id: NetworkId::from(net.id()),
        },
        Command::CreateVolume {
            name: "wharf-test-ro-vol".into(),
            driver: None,
        },
        Command::RemoveVolume {
            name: VolumeName::from(vol.name()),
            force: true,
        },
        Command::Prune {
            plan: vplan.clone(),
        },
    ];
    for cmd in &cmds {
        let err = execute(&engine, cmd)
            .await
            .err()
            .unwrap_or_else(|| panic!("read-only engine ran {cmd}"));
        assert_eq!(err.kind(), ErrorKind::Denied, "{cmd}: {err}");
        assert!(err.message().contains("read-only"), "{err}");
    }
    // Direct engine calls (what a front end could call without `execute`) are refused too.
    let direct = [
        engine.stop(running.id(), Some(0)).await.err(),
        engine.remove(running.id(), true, true).await.err(),
        engine.remove_volume(vol.name(), true).await.err(),
        engine.exec(running.id(), &ExecSpec::shell()).await.err(),
        apply_prune(&engine, &vplan).await.err(),
    ];
    for (i, e) in direct.into_iter().enumerate() {
        let e = e.unwrap_or_else(|| panic!("direct call {i} went through"));
        assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    }
    assert_eq!(state(), before, "the engine is unchanged");
    // A refusal is audited too, naming the target.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("audit.jsonl");
    let audited = rw.clone().with_policy(Policy {
        read_only: true,
        audit: Some(Arc::new(
            AuditLog::open(&path).unwrap_or_else(|e| panic!("{e}")),
        )),
    });
    let _ = execute(&audited, &cmds[1]).await;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let line: serde_json::Value =
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(line["call"], "command.stop", "{text}");
    assert_eq!(line["targets"][0], running.id(), "{text}");
    assert_eq!(line["error"]["kind"], "denied", "{text}");
    // The read-write handle it was made from is unaffected.
    execute(&rw, &Command::Start { id: s.clone() })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_has_one_line_per_engine_call() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&path).unwrap_or_else(|e| panic!("{e}")));
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(log),
    });
    let c = te
        .container("audit")
        .env("DB_PASSWORD", "hunter2-secret")
        .cmd(&["sleep", "300"])
        .start();
    let id = ContainerId::from(c.id());
    // Refused by the engine: a running container without force.
    let err = execute(
        &engine,
        &Command::Remove {
            id: id.clone(),
            force: false,
            volumes: false,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("removed a running container"));
    execute(&engine, &Command::Pause { id: id.clone() })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    execute(&engine, &Command::Unpause { id: id.clone() })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut spec = ExecSpec::shell();
    spec.cmd = vec!["sh".into(), "-c".into(), "echo $DB_PASSWORD".into()];
    spec.tty = false;
    drop(
        engine
            .exec(c.id(), &spec)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );

    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !text.contains("hunter2"),
        "a secret in the audit log: {text}"
    );
    assert!(
        !text.contains("DB_PASSWORD"),
        "a command line in the audit log: {text}"
    );
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let calls: Vec<&str> = lines.iter().filter_map(|l| l["call"].as_str()).collect();
    assert_eq!(
        calls,
        [
            "container.remove",
            "container.pause",
            "container.unpause",
            "container.exec"
        ],
        "{text}"
    );
    for l in &lines {
        assert_eq!(l["targets"][0], c.id(), "{l}");
        assert!(l["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{l}");
        assert!(
            l["engine"].as_str().is_some_and(|e| e.contains(te.host())),
            "{l}"
        );
    }
    assert_eq!(lines[0]["result"], "error");
    assert_eq!(lines[0]["error"]["kind"], "conflict");
    assert_eq!(lines[0]["error"]["message"], err.message());
    assert!(lines[1..].iter().all(|l| l["result"] == "ok"), "{text}");
}

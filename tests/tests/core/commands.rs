//! Every command works on a real engine, and its error paths give typed errors.

use wharf_core::command::{execute, Command, Outcome};
use wharf_core::destroy::plan_prune;
use wharf_core::model::{ContainerId, ImageId, NetworkId, PruneTarget, VolumeName};
use wharf_core::ErrorKind;
use wharf_tests::{
    require_engine, require_private_engine, wait_until_blocking, PrivateOpts, TestEngine,
};

use crate::common::{connect, OwnImage, TIMEOUT};

fn status(engine: &TestEngine, id: &str) -> String {
    engine
        .docker_ok(&["inspect", "-f", "{{.State.Status}}", id])
        .trim()
        .to_owned()
}

fn wait_status(engine: &TestEngine, id: &str, want: &str) {
    wait_until_blocking(TIMEOUT, &format!("{id} {want}"), || {
        status(engine, id) == want
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_commands_change_the_engine() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = te.container("cmds").cmd(&["sleep", "300"]).created_only();
    let id = ContainerId::from(c.id());
    let run = |cmd: Command| {
        let engine = engine.clone();
        async move {
            execute(&engine, &cmd)
                .await
                .unwrap_or_else(|e| panic!("{cmd}: {e}"))
        }
    };

    assert_eq!(run(Command::Start { id: id.clone() }).await, Outcome::Done);
    wait_status(te, c.id(), "running");
    run(Command::Pause { id: id.clone() }).await;
    wait_status(te, c.id(), "paused");
    run(Command::Unpause { id: id.clone() }).await;
    wait_status(te, c.id(), "running");
    let started = te.docker_ok(&["inspect", "-f", "{{.State.StartedAt}}", c.id()]);
    run(Command::Restart {
        id: id.clone(),
        timeout: Some(0),
    })
    .await;
    wait_until_blocking(TIMEOUT, "a new start time", || {
        te.docker_ok(&["inspect", "-f", "{{.State.StartedAt}}", c.id()]) != started
    });
    run(Command::Kill {
        id: id.clone(),
        signal: "kill".into(),
    })
    .await;
    wait_status(te, c.id(), "exited");
    assert_eq!(
        te.docker_ok(&["inspect", "-f", "{{.State.ExitCode}}", c.id()])
            .trim(),
        "137"
    );
    run(Command::Start { id: id.clone() }).await;
    run(Command::Stop {
        id: id.clone(),
        timeout: Some(1),
    })
    .await;
    wait_status(te, c.id(), "exited");

    let new_name = format!("{}-renamed", c.name());
    run(Command::Rename {
        id: id.clone(),
        name: new_name.clone(),
    })
    .await;
    assert_eq!(
        te.docker_ok(&["inspect", "-f", "{{.Name}}", c.id()]).trim(),
        format!("/{new_name}")
    );
    run(Command::Remove {
        id: id.clone(),
        force: false,
        volumes: true,
    })
    .await;
    assert!(
        te.docker(&["inspect", c.id()]).is_err(),
        "the container is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_paths_are_typed() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let vol = te.volume("busy");
    let c = te
        .container("busy")
        .cmd(&["sleep", "300"])
        .args(&["-v", &format!("{}:/data", vol.name())])
        .start();
    let id = ContainerId::from(c.id());

    let kind =
        |r: Result<Outcome, wharf_core::CoreError>| r.err().map(|e| (e.kind(), e.to_string()));

    // Removing a running container without force.
    let (k, msg) = kind(
        execute(
            &engine,
            &Command::Remove {
                id: id.clone(),
                force: false,
                volumes: false,
            },
        )
        .await,
    )
    .unwrap_or_else(|| panic!("removed a running container"));
    assert_eq!(k, ErrorKind::Conflict, "{msg}");
    assert!(
        msg.contains("stop it first") || msg.contains("force"),
        "{msg}"
    );
    assert_eq!(status(te, c.id()), "running", "nothing changed");

    // Removing an image a container uses.
    let image_id = te
        .docker_ok(&["inspect", "-f", "{{.Image}}", c.id()])
        .trim()
        .to_owned();
    let (k, msg) = kind(
        execute(
            &engine,
            &Command::RemoveImage {
                id: ImageId::from(image_id.as_str()),
                tags: vec![te.image()],
                force: false,
                no_prune: false,
            },
        )
        .await,
    )
    .unwrap_or_else(|| panic!("removed an image in use"));
    assert_eq!(k, ErrorKind::Conflict, "{msg}");

    // Removing a volume in use.
    let (k, msg) = kind(
        execute(
            &engine,
            &Command::RemoveVolume {
                name: VolumeName::from(vol.name()),
                force: false,
            },
        )
        .await,
    )
    .unwrap_or_else(|| panic!("removed a volume in use"));
    assert_eq!(k, ErrorKind::Conflict, "{msg}");
    assert!(
        msg.contains(vol.name()),
        "the message names the volume: {msg}"
    );

    // Unknown objects.
    let (k, _) = kind(
        execute(
            &engine,
            &Command::Start {
                id: ContainerId::from("wharf-no-such-container"),
            },
        )
        .await,
    )
    .unwrap_or_else(|| panic!("started nothing"));
    assert_eq!(k, ErrorKind::NotFound);

    // Bad input never reaches the engine.
    let (k, msg) = kind(
        execute(
            &engine,
            &Command::Kill {
                id: id.clone(),
                signal: "SIGBOGUS".into(),
            },
        )
        .await,
    )
    .unwrap_or_else(|| panic!("sent a bogus signal"));
    assert_eq!(k, ErrorKind::InvalidInput);
    assert!(msg.contains("SIGBOGUS"));
    assert_eq!(status(te, c.id()), "running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_volumes_and_prunes() {
    // Prunes remove whatever is unused on the engine: on the shared engine that would take
    // other tests' stopped fixtures, so this test gets an engine of its own.
    let owned = require_private_engine!(PrivateOpts::default());
    let te = &owned;
    let engine = connect(te.host()).await;
    let run_id = wharf_tests::run_id();

    let net = format!("wharf-test-{run_id}-cmdnet");
    let Outcome::Created { id: net_id } = execute(
        &engine,
        &Command::CreateNetwork {
            name: net.clone(),
            driver: None,
            internal: true,
            options: Default::default(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("create network: {e}")) else {
        panic!("no id")
    };
    assert_eq!(
        te.docker_ok(&["network", "inspect", "-f", "{{.Internal}}", &net])
            .trim(),
        "true"
    );
    execute(
        &engine,
        &Command::RemoveNetwork {
            id: NetworkId::from(net_id.as_str()),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("remove network: {e}"));
    assert!(te.docker(&["network", "inspect", &net]).is_err());

    let vol = format!("wharf-test-{run_id}-cmdvol");
    execute(
        &engine,
        &Command::CreateVolume {
            name: vol.clone(),
            driver: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("create volume: {e}"));
    assert!(te.docker(&["volume", "inspect", &vol]).is_ok());
    execute(
        &engine,
        &Command::RemoveVolume {
            name: VolumeName::from(vol.as_str()),
            force: false,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("remove volume: {e}"));
    assert!(te.docker(&["volume", "inspect", &vol]).is_err());

    // A stopped container is pruned and reported.
    let dead = te
        .container("prunable")
        .cmd(&["sh", "-c", "exit 0"])
        .start();
    wait_status(te, dead.id(), "exited");
    let plan = plan_prune(&engine, PruneTarget::Containers)
        .await
        .unwrap_or_else(|e| panic!("plan: {e}"));
    let Outcome::Pruned { report } = execute(&engine, &Command::Prune { plan })
        .await
        .unwrap_or_else(|e| panic!("prune: {e}"))
    else {
        panic!("not a prune report")
    };
    assert!(
        report
            .items
            .iter()
            .any(|r| r.id == dead.id() && r.is_removed()),
        "{report:?}"
    );

    for target in [
        PruneTarget::Networks,
        PruneTarget::Volumes { all: false },
        PruneTarget::Images { all: false },
        PruneTarget::BuildCache,
    ] {
        let plan = plan_prune(&engine, target)
            .await
            .unwrap_or_else(|e| panic!("plan {}: {e}", target.describe()));
        execute(&engine, &Command::Prune { plan })
            .await
            .unwrap_or_else(|e| panic!("prune {}: {e}", target.describe()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_facts_and_disk_usage() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let info = engine.info().await.unwrap_or_else(|e| panic!("info: {e}"));
    let cli_version = te.docker_ok(&["version", "-f", "{{.Server.Version}}"]);
    assert_eq!(info.version, cli_version.trim());
    assert!(!info.api_version.is_empty());
    assert_eq!(info.negotiated_api_version, engine.api_version());
    assert!(info.cpus >= 1 && info.memory > 0);
    assert!(!info.kernel.is_empty() && !info.storage_driver.is_empty());
    // 20.10 sends an empty `Platform.Name`; the Engine page's "Platform" must still say
    // something (the OS/arch fallback).
    assert!(!info.platform.trim().is_empty(), "{info:?}");

    let _img = te.image();
    let df = engine
        .disk_usage()
        .await
        .unwrap_or_else(|e| panic!("df: {e}"));
    let images = df
        .iter()
        .find(|d| d.kind == wharf_core::model::DiskUsageKind::Images)
        .unwrap_or_else(|| panic!("no image row in {df:?}"));
    assert!(images.total >= 1 && images.size > 0, "{images:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_an_image_with_several_tags_removes_them_all() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let img = OwnImage::new(te, &["multi-a", "multi-b", "multi-c"]);
    let remove = Command::RemoveImage {
        id: ImageId::from(img.id.as_str()),
        tags: img.tags.clone(),
        force: false,
        no_prune: false,
    };

    // In use by a container: refused as the engine refuses it, and no tag is lost.
    let user = te
        .container("user")
        .image(&img.tags[0])
        .cmd(&["true"])
        .created_only();
    let (k, msg) = execute(&engine, &remove)
        .await
        .err()
        .map(|e| (e.kind(), e.to_string()))
        .unwrap_or_else(|| panic!("removed an image a container uses"));
    assert_eq!(k, ErrorKind::Conflict, "{msg}");
    for t in &img.tags {
        te.docker_ok(&["image", "inspect", t]);
    }
    drop(user);

    // Unused: what `docker rmi ID` refuses without -f, Wharf does tag by tag.
    assert!(
        te.docker(&["rmi", &img.id]).is_err(),
        "the engine itself refuses (else this test tests nothing)"
    );
    let out = execute(&engine, &remove)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Outcome::Removed { items } = out else {
        panic!("{out:?}")
    };
    for t in &img.tags {
        assert!(
            items.iter().any(|i| &i.name == t && i.is_removed()),
            "{items:?}"
        );
    }
    assert!(
        items
            .iter()
            .any(|i| i.kind == wharf_core::rules::prune::ObjectKind::Image && i.is_removed()),
        "{items:?}"
    );
    assert!(!img.exists(), "the image is gone");
}

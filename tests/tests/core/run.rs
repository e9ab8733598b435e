//! `Command::Run` against a real engine: every form setting reaches the container (read back
//! with `docker inspect`, not through Wharf), an invalid form or a missing image sends nothing,
//! read-only refuses it, a failed start leaves the created container, and the findings of a
//! container made with each risky option are what the run form warned about.

use std::sync::Arc;

use serde_json::Value;
use wharf_core::audit::AuditLog;
use wharf_core::command::{execute, Command, Outcome};
use wharf_core::engine::{Engine, Policy};
use wharf_core::rules::findings::{self, Check};
use wharf_core::spec::run::RunForm;
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, run_id, unique_name, wait_until_blocking, TestEngine, LABEL};

use crate::common::{connect, TIMEOUT};

/// A container Wharf made, removed (with its anonymous volumes) when dropped.
struct Made<'a> {
    te: &'a TestEngine,
    id: String,
}

impl Drop for Made<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.te.docker(&["rm", "-f", "-v", &self.id]) {
            if !e.contains("No such container") {
                eprintln!("cleanup of {}: {e}", self.id);
            }
        }
    }
}

/// A form for the test image, labelled for the sweep and named uniquely.
fn form(te: &TestEngine, suffix: &str) -> RunForm {
    RunForm {
        image: te.image(),
        name: unique_name(suffix),
        command: "sleep 300".into(),
        labels: vec![format!("{LABEL}={}", run_id())],
        ..Default::default()
    }
}

async fn run<'a>(te: &'a TestEngine, engine: &Engine, form: RunForm, start: bool) -> Made<'a> {
    match execute(
        engine,
        &Command::Run {
            form: Box::new(form),
            start,
        },
    )
    .await
    {
        Ok(Outcome::ContainerCreated { id, .. }) => Made {
            te,
            id: id.to_string(),
        },
        other => panic!("run: {other:?}"),
    }
}

fn inspect(te: &TestEngine, id: &str) -> Value {
    let text = te.docker_ok(&["inspect", id]);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    v[0].clone()
}

fn exists(te: &TestEngine, name: &str) -> bool {
    te.docker(&["inspect", "--type", "container", name]).is_ok()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_setting_reaches_the_container() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (front, back, vol) = (te.network("front"), te.network("back"), te.volume("data"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let env_file = dir.path().join("app.env");
    std::fs::write(&env_file, "# from a file\n\nFROM_FILE=yes it is\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let host_dir = dir.path().join("site");
    std::fs::create_dir(&host_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(host_dir.join("index.html"), "hello from the host\n")
        .unwrap_or_else(|e| panic!("{e}"));

    let mut f = form(te, "run-all");
    f.command = "sh -c 'echo started; sleep 300'".into();
    f.ports = vec!["127.0.0.1::80".into(), "127.0.0.1::81/udp".into()];
    f.env = vec!["A=1".into(), "SPACED=a b".into()];
    f.env_file = env_file.display().to_string();
    f.mounts = vec![
        format!("{}:/data", vol.name()),
        format!("{}:/site:ro", host_dir.display()),
        "tmpfs:/scratch".into(),
    ];
    f.networks = vec![
        format!("{}:web,www", front.name()),
        format!("{}:api", back.name()),
    ];
    f.restart = "on-failure:3".into();
    f.memory = "64m".into();
    f.memory_reservation = "32m".into();
    f.cpus = "0.5".into();
    f.cpu_shares = "512".into();
    f.cpuset = "0".into();
    f.pids_limit = "50".into();
    f.user = "1000:1000".into();
    f.workdir = "/data".into();
    f.hostname = "runhost".into();
    f.cap_add = vec!["NET_ADMIN".into()];
    f.cap_drop = vec!["MKNOD".into()];
    f.labels.push("app=web site".into());
    f.health_cmd = "cat /site/index.html".into();
    f.health_interval = "2s".into();
    f.health_timeout = "1s".into();
    f.health_retries = "2".into();
    let name = f.name.clone();

    let out = execute(
        &engine,
        &Command::Run {
            form: Box::new(f),
            start: true,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let Outcome::ContainerCreated {
        id,
        name: got,
        started,
    } = out
    else {
        panic!("{out:?}")
    };
    let made = Made {
        te,
        id: id.to_string(),
    };
    assert_eq!((got.as_str(), started), (name.as_str(), true));

    let i = inspect(te, &made.id);
    let (cfg, host, nets) = (
        &i["Config"],
        &i["HostConfig"],
        &i["NetworkSettings"]["Networks"],
    );
    assert_eq!(i["Name"], format!("/{name}"));
    assert_eq!(i["State"]["Status"], "running", "{}", i["State"]);
    assert_eq!(
        strings(&cfg["Cmd"]),
        ["sh", "-c", "echo started; sleep 300"]
    );
    let env = strings(&cfg["Env"]);
    for want in ["A=1", "SPACED=a b", "FROM_FILE=yes it is"] {
        assert!(env.contains(&want.to_owned()), "{want} not in {env:?}");
    }
    // Ports: loopback only, a random host port each.
    for key in ["80/tcp", "81/udp"] {
        let b = &host["PortBindings"][key][0];
        assert_eq!(b["HostIp"], "127.0.0.1", "{key}: {}", host["PortBindings"]);
    }
    // Mounts: the named volume, the bind read-only, the tmpfs.
    let mounts = i["Mounts"].as_array().cloned().unwrap_or_default();
    let mount = |dest: &str| {
        mounts
            .iter()
            .find(|m| m["Destination"] == dest)
            .cloned()
            .unwrap_or_else(|| panic!("no mount at {dest}: {mounts:?}"))
    };
    assert_eq!(mount("/data")["Name"], vol.name());
    assert_eq!(mount("/data")["RW"], true);
    assert_eq!(mount("/site")["Type"], "bind");
    assert_eq!(mount("/site")["RW"], false);
    assert!(host["Tmpfs"]["/scratch"].is_string(), "{}", host["Tmpfs"]);
    // The bind's content is visible inside, and read-only.
    assert_eq!(
        te.docker_ok(&["exec", &made.id, "cat", "/site/index.html"])
            .trim(),
        "hello from the host"
    );
    assert!(te.docker(&["exec", &made.id, "touch", "/site/x"]).is_err());
    // Networks: the first is the mode, both with their aliases.
    assert_eq!(host["NetworkMode"], front.name());
    assert!(strings(&nets[front.name()]["Aliases"]).contains(&"www".to_owned()));
    assert!(strings(&nets[front.name()]["Aliases"]).contains(&"web".to_owned()));
    assert!(strings(&nets[back.name()]["Aliases"]).contains(&"api".to_owned()));
    // Policies and limits.
    assert_eq!(host["RestartPolicy"]["Name"], "on-failure");
    assert_eq!(host["RestartPolicy"]["MaximumRetryCount"], 3);
    assert_eq!(host["Memory"], 64 << 20);
    assert_eq!(host["MemoryReservation"], 32 << 20);
    assert_eq!(host["NanoCpus"], 500_000_000);
    assert_eq!(host["CpuShares"], 512);
    assert_eq!(host["CpusetCpus"], "0");
    assert_eq!(host["PidsLimit"], 50);
    assert_eq!(cfg["User"], "1000:1000");
    assert_eq!(cfg["WorkingDir"], "/data");
    assert_eq!(cfg["Hostname"], "runhost");
    let caps = |v: &Value| -> Vec<String> {
        strings(v)
            .iter()
            .map(|c| c.trim_start_matches("CAP_").to_owned())
            .collect()
    };
    assert_eq!(caps(&host["CapAdd"]), ["NET_ADMIN"]);
    assert_eq!(caps(&host["CapDrop"]), ["MKNOD"]);
    assert_eq!(cfg["Labels"]["app"], "web site");
    assert_eq!(cfg["Labels"][LABEL], run_id());
    assert_eq!(
        strings(&cfg["Healthcheck"]["Test"]),
        ["CMD-SHELL", "cat /site/index.html"]
    );
    assert_eq!(cfg["Healthcheck"]["Interval"], 2_000_000_000u64);
    assert_eq!(cfg["Healthcheck"]["Timeout"], 1_000_000_000u64);
    assert_eq!(cfg["Healthcheck"]["Retries"], 2);
    // The health check runs: it becomes healthy (it reads the bind mount).
    wait_until_blocking(TIMEOUT, "the container healthy", || {
        te.docker_ok(&["inspect", "-f", "{{.State.Health.Status}}", &made.id])
            .trim()
            == "healthy"
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_form_or_missing_image_sends_nothing() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("audit.jsonl");
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(Arc::new(
            AuditLog::open(&path).unwrap_or_else(|e| panic!("{e}")),
        )),
    });
    let audit = || std::fs::read_to_string(&path).unwrap_or_default();

    // Invalid: every problem in one InvalidInput error, nothing created, no audit line.
    let mut f = form(te, "run-bad");
    f.memory = "12q".into();
    f.ports = vec!["70000".into()];
    let name = f.name.clone();
    let err = execute(
        &engine,
        &Command::Run {
            form: Box::new(f),
            start: true,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("an invalid form ran"));
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(
        err.message().contains("memory '12q' is not a size"),
        "{err}"
    );
    assert!(
        err.message().contains("port 70000 is out of range"),
        "{err}"
    );
    assert!(!exists(te, &name));
    assert_eq!(audit(), "", "an invalid form reached the engine");

    // A missing image: NotFound with the fix, before any create.
    let mut f = form(te, "run-noimg");
    f.image = format!("wharf-test/not-here:{}", run_id());
    let name = f.name.clone();
    let err = execute(
        &engine,
        &Command::Run {
            form: Box::new(f),
            start: true,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("ran a missing image"));
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.message()
            .contains("is not on the engine; pull it first"),
        "{err}"
    );
    assert!(!exists(te, &name));
    assert!(!audit().contains("container.create"), "{}", audit());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_run() {
    let te = require_engine!();
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: true,
        audit: None,
    });
    let f = form(te, "run-ro");
    let name = f.name.clone();
    let err = execute(
        &engine,
        &Command::Run {
            form: Box::new(f),
            start: true,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("read-only ran a form"));
    assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
    assert!(!exists(te, &name));
    // The engine call itself refuses too, for a front end that calls it directly.
    let plan = form(te, "run-ro2")
        .parse()
        .unwrap_or_else(|e| panic!("{e:?}"));
    let err = engine
        .create_container(&plan)
        .await
        .err()
        .unwrap_or_else(|| panic!("read-only created"));
    assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
    assert!(!exists(te, plan.name.as_deref().unwrap_or_default()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_start_leaves_the_created_container() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let mut f = form(te, "run-nostart");
    f.command = "/no/such/program".into();
    let name = f.name.clone();
    let err = execute(
        &engine,
        &Command::Run {
            form: Box::new(f),
            start: true,
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("a missing program started"));
    let _made = Made {
        te,
        id: name.clone(),
    };
    assert!(
        err.message()
            .contains("was created but did not start; it is left as created"),
        "{err}"
    );
    assert!(err.message().contains(&name), "{err}");
    assert!(exists(te, &name), "the created container was removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_of_risky_containers_match_the_form_warnings() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let socket = te
        .host()
        .strip_prefix("unix://")
        .unwrap_or("/var/run/docker.sock")
        .to_owned();
    type Change = Box<dyn Fn(&mut RunForm)>;
    let cases: Vec<(Change, Check)> = vec![
        (Box::new(|f| f.privileged = true), Check::Privileged),
        (
            Box::new(move |f| f.mounts = vec![format!("{socket}:/var/run/docker.sock")]),
            Check::DockerSocket,
        ),
        (
            Box::new(|f| f.networks = vec!["host".into()]),
            Check::HostNetwork,
        ),
        (Box::new(|f| f.pid = "host".into()), Check::HostPid),
        (
            Box::new(|f| f.cap_add = vec!["NET_ADMIN".into()]),
            Check::AddedCapabilities,
        ),
        (
            Box::new(|f| f.ports = vec!["80".into()]),
            Check::PortsOnAllInterfaces,
        ),
    ];
    // A hardened base, so each case's finding stands out.
    let base = |suffix: &str| {
        let mut f = form(te, suffix);
        f.memory = "64m".into();
        f.pids_limit = "50".into();
        f.read_only = true;
        f.user = "1000".into();
        f.restart = "on-failure:5".into();
        f.health_cmd = "true".into();
        f
    };
    let hardened = base("run-hard").parse().unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(hardened.findings(), vec![], "the base has no finding");
    for (change, check) in cases {
        let mut f = base("run-risk");
        change(&mut f);
        let plan = f.parse().unwrap_or_else(|e| panic!("{check:?}: {e:?}"));
        let warned = plan.findings();
        assert!(
            warned.iter().any(|w| w.check == check),
            "{check:?} not warned: {warned:?}"
        );
        // Created, not started: inspect has the configuration either way.
        let made = run(te, &engine, f, false).await;
        let c = engine
            .inspect_container(&made.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let found = findings::of_container(&c).unwrap_or_else(|| panic!("no security facts"));
        assert_eq!(found, warned, "{check:?}: inspect and plan disagree");
    }
    // And the defaults of a bare form: the same on both sides too.
    let f = form(te, "run-bare");
    let warned = f.parse().unwrap_or_else(|e| panic!("{e:?}")).findings();
    let made = run(te, &engine, f, false).await;
    let c = engine
        .inspect_container(&made.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(findings::of_container(&c), Some(warned));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edit_form_of_a_container_makes_the_same_container() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (front, back, vol) = (
        te.network("efront"),
        te.network("eback"),
        te.volume("edata"),
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut f = form(te, "run-edit");
    f.command = "sh -c 'echo \"a b\"; sleep 300'".into();
    f.entrypoint = "/bin/env".into();
    f.ports = vec!["127.0.0.1::80".into(), "127.0.0.1::81/udp".into()];
    f.env = vec!["A=1".into(), "SPACED=a b".into()];
    f.mounts = vec![
        format!("{}:/data", vol.name()),
        format!("{}:/site:ro", dir.path().display()),
        "tmpfs:/scratch".into(),
        "/anon".into(),
        "type=volume,target=/long".into(),
    ];
    f.networks = vec![
        format!("{}:web,www", front.name()),
        format!("{}:api", back.name()),
    ];
    f.restart = "on-failure:3".into();
    f.memory = "64m".into();
    f.memory_swap = "128m".into();
    f.memory_reservation = "32m".into();
    f.cpus = "0.5".into();
    f.cpu_shares = "512".into();
    f.cpuset = "0".into();
    f.pids_limit = "50".into();
    f.user = "1000:1000".into();
    f.workdir = "/data".into();
    f.hostname = "edithost".into();
    f.cap_add = vec!["NET_ADMIN".into()];
    f.cap_drop = vec!["MKNOD".into()];
    f.read_only = true;
    f.labels.push("app=web site".into());
    f.health_cmd = "true".into();
    f.health_interval = "1m30s".into();
    f.health_timeout = "500ms".into();
    f.health_retries = "2".into();
    let mut want = f.parse().unwrap_or_else(|e| panic!("{e:?}"));
    let made = run(te, &engine, f, false).await;

    let prefill = engine
        .run_form(&made.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut got = prefill
        .parse()
        .unwrap_or_else(|e| panic!("the prefill does not parse: {e:?}\n{prefill:#?}"));
    // What the image adds (its env, its labels) is written out: the form's own entries are
    // all there.
    for kv in &want.env {
        assert!(got.env.contains(kv), "{kv:?} missing from {:?}", got.env);
    }
    for (k, v) in &want.labels {
        assert_eq!(got.labels.get(k), Some(v), "label {k}");
    }
    got.env = want.env.clone();
    got.labels = want.labels.clone();
    // Lists whose order the engine does not keep.
    for p in [&mut want, &mut got] {
        p.ports
            .sort_by_key(|x| (x.container_port, x.protocol.as_str()));
        p.mounts.sort_by(|a, b| a.target.cmp(&b.target));
        for n in &mut p.networks {
            n.aliases.sort();
        }
    }
    assert_eq!(got, want, "prefill: {prefill:#?}");
}

/// Containers made by the docker CLI (not by Wharf) with each risky option: the store's
/// detailed container has the finding, and it equals the warnings of the run form with the
/// same settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_containers_made_by_the_cli_have_the_forms_findings() {
    let te = require_engine!();
    let socket = te
        .host()
        .strip_prefix("unix://")
        .unwrap_or("/var/run/docker.sock")
        .to_owned();
    let sock_bind = format!("{socket}:/var/run/docker.sock");
    type Change = Box<dyn Fn(&mut RunForm)>;
    let cases: Vec<(Vec<&str>, Change, Check)> = vec![
        (
            vec!["--privileged"],
            Box::new(|f| f.privileged = true),
            Check::Privileged,
        ),
        (
            vec!["-v", &sock_bind],
            Box::new(move |f| f.mounts = vec![format!("{socket}:/var/run/docker.sock")]),
            Check::DockerSocket,
        ),
        (
            vec!["--network", "host"],
            Box::new(|f| f.networks = vec!["host".into()]),
            Check::HostNetwork,
        ),
        (
            vec!["--pid", "host"],
            Box::new(|f| f.pid = "host".into()),
            Check::HostPid,
        ),
        (
            vec!["--cap-add", "SYS_ADMIN"],
            Box::new(|f| f.cap_add = vec!["SYS_ADMIN".into()]),
            Check::AddedCapabilities,
        ),
        (
            vec!["-p", "80"],
            Box::new(|f| f.ports = vec!["80".into()]),
            Check::PortsOnAllInterfaces,
        ),
    ];
    let mut made = Vec::new();
    for (args, change, check) in &cases {
        // Created only: nothing runs, no port is bound.
        let c = te
            .container("cli-risk")
            .args(args)
            .cmd(&["sleep", "300"])
            .created_only();
        let mut f = form(te, "unused");
        f.labels.clear();
        change(&mut f);
        let warned = f.parse().unwrap_or_else(|e| panic!("{e:?}")).findings();
        assert!(warned.iter().any(|w| w.check == *check), "{check:?}");
        made.push((c, warned, *check));
    }
    let store = crate::common::synced_store(te.host()).await;
    for (c, warned, check) in &made {
        let id = wharf_core::model::ContainerId::from(c.id());
        let snap = crate::common::wait(&store, "the container inspected", |s| {
            s.containers.get(&id).is_some_and(|c| c.detailed)
        })
        .await;
        let found = snap
            .containers
            .get(&id)
            .and_then(|c| findings::of_container(c))
            .unwrap_or_else(|| panic!("{check:?}: no findings"));
        assert_eq!(
            &found, warned,
            "{check:?}: the CLI's container and the form disagree"
        );
    }
}

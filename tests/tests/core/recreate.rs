//! `Command::Recreate` against a real engine: data in named and anonymous volumes survives,
//! what the form cannot edit (ulimits, extra hosts, log options) survives, a configuration the
//! engine refuses or a new container that does not start leaves the old container as it was
//! (same id, same name, running, no leftover), and a stopped container stays stopped.
//! Also the other ways to change what exists: `Command::Update` (limits in place, a bad value
//! changes nothing) and networks (`CreateNetwork` with subnet/gateway/IP range/options,
//! `Connect` with an alias, `Disconnect`).
//! Everything is read back with the docker CLI, not through Wharf.

use serde_json::{json, Value};
use wharf_core::command::{execute, Command, Outcome};
use wharf_core::engine::Engine;
use wharf_core::model::ContainerId;
use wharf_core::spec::network::NetworkForm;
use wharf_core::spec::run::RunForm;
use wharf_core::spec::update::UpdateForm;
use wharf_tests::{require_engine, unique_name, TestEngine, LABEL};

use crate::common::connect;

/// Removes, when dropped, whatever carries the container's name (the original, its
/// replacement, a temporary or an aside copy) and the volumes a recreate carried over.
struct Cleanup<'a> {
    te: &'a TestEngine,
    name: String,
    volumes: Vec<String>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let ids = self
            .te
            .docker(&["ps", "-aq", "--filter", &format!("name={}", self.name)])
            .unwrap_or_default();
        for id in ids.split_whitespace() {
            if let Err(e) = self.te.docker(&["rm", "-f", "-v", id]) {
                eprintln!("cleanup of {id}: {e}");
            }
        }
        for v in &self.volumes {
            if let Err(e) = self.te.docker(&["volume", "rm", "-f", v]) {
                eprintln!("cleanup of volume {v}: {e}");
            }
        }
    }
}

/// `docker run -d --name NAME --label … ARGS IMAGE sleep 300` (or `create` when not `start`).
fn make<'a>(te: &'a TestEngine, suffix: &str, args: &[&str], start: bool) -> (Cleanup<'a>, String) {
    let name = unique_name(suffix);
    let label = format!("{LABEL}={}", wharf_tests::run_id());
    let image = te.image();
    let mut all = vec![if start { "run" } else { "create" }];
    if start {
        all.push("-d");
    }
    all.extend(["--name", &name, "--label", &label]);
    all.extend(args);
    all.extend([image.as_str(), "sleep", "300"]);
    let cleanup = Cleanup {
        te,
        name: name.clone(),
        volumes: Vec::new(),
    };
    let id = te.docker_ok(&all).trim().to_owned();
    assert!(!id.is_empty());
    (cleanup, id)
}

fn inspect(te: &TestEngine, id: &str) -> Value {
    let text = te.docker_ok(&["inspect", "--type", "container", id]);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    v[0].clone()
}

fn exists(te: &TestEngine, id: &str) -> bool {
    te.docker(&["inspect", "--type", "container", id]).is_ok()
}

/// Every container whose name contains `name` (the name itself, temporaries, asides).
fn named_like(te: &TestEngine, name: &str) -> Vec<String> {
    te.docker_ok(&[
        "ps",
        "-a",
        "--format",
        "{{.Names}}",
        "--filter",
        &format!("name={name}"),
    ])
    .split_whitespace()
    .map(str::to_owned)
    .collect()
}

async fn recreate(engine: &Engine, id: &str, form: RunForm) -> wharf_core::Result<Outcome> {
    execute(
        engine,
        &Command::Recreate {
            id: ContainerId::from(id),
            form: Box::new(form),
        },
    )
    .await
}

fn env(i: &Value) -> Vec<String> {
    i["Config"]["Env"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_and_anonymous_volume_data_survive() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let vol = te.volume("keep");
    let data = format!("{}:/data", vol.name());
    let (mut cleanup, old) = make(
        te,
        "rc-vol",
        &["-v", &data, "-v", "/anon", "-e", "A=1"],
        true,
    );
    te.docker_ok(&[
        "exec",
        &old,
        "sh",
        "-c",
        "echo named > /data/f && echo anon > /anon/f",
    ]);
    let anon_volume = inspect(te, &old)["Mounts"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["Destination"] == "/anon"))
        .and_then(|m| m["Name"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no anonymous volume"));
    cleanup.volumes.push(anon_volume.clone());

    let mut form = engine
        .run_form(&old)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        form.mounts.contains(&"/anon".to_owned()),
        "{:?}",
        form.mounts
    );
    form.env.retain(|e| e != "A=1");
    form.env.push("A=2".into());
    let out = recreate(&engine, &old, form)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Outcome::Recreated { old: o, new, name } = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        (o.as_str(), name.as_str()),
        (old.as_str(), cleanup.name.as_str())
    );
    assert!(!exists(te, &old), "the old container is still there");
    let i = inspect(te, new.as_str());
    assert_eq!(i["Name"], format!("/{name}"));
    assert_eq!(i["State"]["Status"], "running");
    assert!(env(&i).contains(&"A=2".to_owned()), "{:?}", env(&i));
    let read = |path: &str| {
        te.docker_ok(&["exec", new.as_str(), "cat", path])
            .trim()
            .to_owned()
    };
    assert_eq!(read("/data/f"), "named");
    assert_eq!(read("/anon/f"), "anon");
    // The same anonymous volume, not a copy; and the old one's removal kept it.
    let mounts = i["Mounts"].as_array().cloned().unwrap_or_default();
    assert!(
        mounts
            .iter()
            .any(|m| m["Destination"] == "/anon" && m["Name"] == anon_volume.as_str()),
        "{mounts:?}"
    );
    assert_eq!(named_like(te, &name), vec![name.clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_the_form_cannot_edit_survive_and_a_stopped_container_stays_stopped() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (_cleanup, old) = make(
        te,
        "rc-keep",
        &[
            "--ulimit",
            "nofile=1024:2048",
            "--add-host",
            "wharf-extra:10.1.2.3",
            "--log-opt",
            "max-size=1m",
            "--stop-signal",
            "SIGUSR1",
            "--tmpfs",
            "/run/t:size=1m",
        ],
        false,
    );
    let mut form = engine
        .run_form(&old)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    form.memory = "64m".into();
    form.memory_swap = "128m".into();
    let Outcome::Recreated { new, .. } = recreate(&engine, &old, form)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    else {
        panic!()
    };
    let i = inspect(te, new.as_str());
    let host = &i["HostConfig"];
    assert_eq!(host["Memory"], 64 * 1024 * 1024);
    assert_eq!(host["Ulimits"][0]["Name"], "nofile", "{}", host["Ulimits"]);
    assert_eq!(host["Ulimits"][0]["Hard"], 2048);
    assert_eq!(host["ExtraHosts"][0], "wharf-extra:10.1.2.3");
    assert_eq!(host["LogConfig"]["Config"]["max-size"], "1m");
    assert_eq!(host["Tmpfs"]["/run/t"], "size=1m");
    assert_eq!(i["Config"]["StopSignal"], "SIGUSR1");
    // It was created, not running: the replacement is not started.
    assert_eq!(i["State"]["Status"], "created");
}

/// The old container is there, as it was: same id, same name, running, and nothing else
/// carries its name.
fn assert_intact(te: &TestEngine, id: &str, name: &str, status: &str) {
    let i = inspect(te, id);
    assert_eq!(i["Name"], format!("/{name}"));
    assert_eq!(i["State"]["Status"], status, "{}", i["State"]);
    assert_eq!(
        named_like(te, name),
        vec![name.to_owned()],
        "leftover containers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configuration_the_engine_refuses_leaves_the_old_container_intact() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (cleanup, old) = make(te, "rc-refused", &[], true);
    type Edit = fn(&mut RunForm);
    let edits: [(&str, Edit); 2] = [
        ("cpuset 99", |f| f.cpuset = "99".into()),
        ("missing network", |f| {
            f.networks = vec![unique_name("no-such-network")]
        }),
    ];
    for (what, edit) in edits {
        let mut form = engine
            .run_form(&old)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        edit(&mut form);
        let e = recreate(&engine, &old, form)
            .await
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        let text = e.to_string();
        assert!(
            text.contains("is back, running, unchanged"),
            "{what}: {text}"
        );
        assert_intact(te, &old, &cleanup.name, "running");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_container_that_does_not_start_puts_the_old_one_back_running() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (cleanup, old) = make(te, "rc-nostart", &["-e", "A=1"], true);
    let started_at = inspect(te, &old)["State"]["StartedAt"].clone();
    let mut form = engine
        .run_form(&old)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Created fine, fails at start: the old one has been stopped and renamed by then.
    form.command = "/no/such/binary".into();
    let e = recreate(&engine, &old, form)
        .await
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    let text = e.to_string();
    assert!(text.contains("start the new container"), "{text}");
    assert!(text.contains("is back, running, unchanged"), "{text}");
    assert_intact(te, &old, &cleanup.name, "running");
    let i = inspect(te, &old);
    assert_ne!(
        i["State"]["StartedAt"], started_at,
        "it was stopped and started again"
    );
    assert!(env(&i).contains(&"A=1".to_owned()));
    assert_eq!(i["Config"]["Cmd"], serde_json::json!(["sleep", "300"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_form_or_a_missing_image_sends_nothing() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (cleanup, old) = make(te, "rc-invalid", &[], true);
    let started = inspect(te, &old)["State"]["StartedAt"].clone();
    let mut form = engine
        .run_form(&old)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    form.memory = "12q".into();
    let e = recreate(&engine, &old, form)
        .await
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(e.kind(), wharf_core::ErrorKind::InvalidInput, "{e}");
    let mut form = engine
        .run_form(&old)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    form.image = format!("{}:not-here", unique_name("img"));
    let e = recreate(&engine, &old, form)
        .await
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(e.kind(), wharf_core::ErrorKind::NotFound, "{e}");
    assert_intact(te, &old, &cleanup.name, "running");
    assert_eq!(
        inspect(te, &old)["State"]["StartedAt"],
        started,
        "it was stopped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_and_auto_remove_containers_are_refused_untouched() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (paused, p) = make(te, "rc-paused", &[], true);
    te.docker_ok(&["pause", &p]);
    let (rm, r) = make(te, "rc-rm", &["--rm"], true);
    for (id, name, status) in [(&p, &paused.name, "paused"), (&r, &rm.name, "running")] {
        let mut form = engine.run_form(id).await.unwrap_or_else(|e| panic!("{e}"));
        form.memory = "64m".into();
        form.memory_swap = "128m".into();
        let e = recreate(&engine, id, form)
            .await
            .err()
            .unwrap_or_else(|| panic!("{name}: accepted"));
        assert_eq!(e.kind(), wharf_core::ErrorKind::Conflict, "{e}");
        assert!(e.message().contains("nothing was changed"), "{e}");
        assert_intact(te, id, name, status);
    }
    te.docker_ok(&["unpause", &p]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_changes_limits_in_place_and_a_bad_value_changes_nothing() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let (_cleanup, id) = make(
        te,
        "upd",
        &["--memory", "64m", "--memory-swap", "128m"],
        true,
    );
    let update = |limits: UpdateForm| Command::Update {
        id: ContainerId::from(id.as_str()),
        limits: Box::new(limits),
    };
    let out = execute(
        &engine,
        &update(UpdateForm {
            memory: "96m".into(),
            memory_swap: "192m".into(),
            memory_reservation: "32m".into(),
            cpus: "0.5".into(),
            cpu_shares: "512".into(),
            pids_limit: "77".into(),
            restart: "on-failure:2".into(),
        }),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, Outcome::Done);
    let limits = |te: &TestEngine| {
        let i = inspect(te, &id);
        let h = &i["HostConfig"];
        (
            h["Memory"].clone(),
            h["MemorySwap"].clone(),
            h["MemoryReservation"].clone(),
            h["NanoCpus"].clone(),
            h["CpuShares"].clone(),
            h["PidsLimit"].clone(),
            h["RestartPolicy"].clone(),
            i["State"]["Status"].clone(),
        )
    };
    let after = limits(te);
    assert_eq!(
        after,
        (
            json!(96 << 20),
            json!(192 << 20),
            json!(32 << 20),
            json!(500_000_000),
            json!(512),
            json!(77),
            json!({ "Name": "on-failure", "MaximumRetryCount": 2 }),
            json!("running"),
        )
    );
    // A value the parser refuses: nothing is sent.
    let e = execute(
        &engine,
        &update(UpdateForm {
            memory: "12q".into(),
            pids_limit: "5".into(),
            ..Default::default()
        }),
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(e.kind(), wharf_core::ErrorKind::InvalidInput, "{e}");
    assert!(e.message().contains("'12q' is not a size"), "{e}");
    assert_eq!(limits(te), after);
    // A value the engine refuses (memory above the current swap): nothing changes either.
    let e = execute(
        &engine,
        &update(UpdateForm {
            memory: "512m".into(),
            pids_limit: "5".into(),
            ..Default::default()
        }),
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("accepted"));
    assert!(e.message().to_lowercase().contains("swap"), "{e}");
    assert_eq!(limits(te), after);
}

/// Removes a network (by name) when dropped.
struct NetGuard<'a>(&'a TestEngine, String);

impl Drop for NetGuard<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["network", "rm", &self.1]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_are_created_with_options_and_containers_connected_and_disconnected() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    // A subnet of our own on a shared engine: another run's network must not overlap.
    let octet = 100 + std::process::id() % 100;
    let subnet = format!("10.{octet}.0.0/16");
    let name = unique_name("opts-net");
    let _net = NetGuard(te, name.clone());
    let create = |options: NetworkForm| Command::CreateNetwork {
        name: name.clone(),
        driver: None,
        internal: false,
        options: Box::new(options),
    };
    let good = NetworkForm {
        subnet: subnet.clone(),
        gateway: format!("10.{octet}.0.1"),
        ip_range: format!("10.{octet}.5.0/24"),
        options: vec!["com.docker.network.driver.mtu=1400".into()],
        attachable: true,
        labels: vec![format!("{LABEL}={}", wharf_tests::run_id())],
    };
    // Invalid: refused before anything is sent, nothing made.
    let mut bad = good.clone();
    bad.gateway = "10.99.0.1".into();
    bad.subnet = "10.98.0.0/16".into();
    let e = execute(&engine, &create(bad))
        .await
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(e.kind(), wharf_core::ErrorKind::InvalidInput);
    assert!(
        e.message()
            .contains("gateway 10.99.0.1 is outside subnet 10.98.0.0/16"),
        "{e}"
    );
    assert!(te.docker(&["network", "inspect", &name]).is_err());

    let out = execute(&engine, &create(good))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(out, Outcome::Created { .. }), "{out:?}");
    let n: Value = serde_json::from_str(&te.docker_ok(&["network", "inspect", &name]))
        .unwrap_or_else(|e| panic!("{e}"));
    let n = &n[0];
    let ipam = &n["IPAM"]["Config"][0];
    assert_eq!(ipam["Subnet"], subnet.as_str());
    assert_eq!(ipam["Gateway"], format!("10.{octet}.0.1"));
    assert_eq!(ipam["IPRange"], format!("10.{octet}.5.0/24"));
    assert_eq!(n["Options"]["com.docker.network.driver.mtu"], "1400");
    assert_eq!(n["Attachable"], true);
    assert_eq!(n["Labels"][LABEL], wharf_tests::run_id());

    // Connect a running container with an alias; then disconnect it.
    let (_c, id) = make(te, "netc", &[], true);
    execute(
        &engine,
        &Command::Connect {
            network: name.clone(),
            container: ContainerId::from(id.as_str()),
            aliases: vec!["wharf-alias".into(), " ".into()],
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let ep = &inspect(te, &id)["NetworkSettings"]["Networks"][&name];
    let aliases = ep["Aliases"].to_string();
    assert!(aliases.contains("wharf-alias"), "{ep}");
    assert!(
        ep["IPAddress"]
            .as_str()
            .unwrap_or_default()
            .starts_with(&format!("10.{octet}.5.")),
        "from the IP range: {ep}"
    );
    let disconnect = Command::Disconnect {
        network: name.clone(),
        container: ContainerId::from(id.as_str()),
        force: false,
    };
    assert!(disconnect.is_destructive());
    execute(&engine, &disconnect)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(inspect(te, &id)["NetworkSettings"]["Networks"]
        .get(&name)
        .is_none());
}

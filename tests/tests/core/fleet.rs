//! A fleet against real engines: the shared test engine and private ones. All are listed
//! with their engine; a frozen one is marked not responding while the healthy ones keep
//! updating (the start → model latency on them is printed); it recovers on SIGCONT; a killed
//! one comes back on restart; a read-only member refuses a stop through the core while
//! another member's stop works; a bulk stop across two engines stops exactly the marked ids.

use std::time::{Duration, Instant};

use wharf_core::command::Command;
use wharf_core::engine::connect::{ConnectOptions, EnvVars};
use wharf_core::fleet::{EngineSpec, EngineState, Fleet, FleetSnapshot};
use wharf_core::model::{ContainerId, ContainerState};
use wharf_core::session::SessionOptions;
use wharf_core::streams::stats::HubConfig;
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, require_private_engine, write_context, PrivateOpts};

use crate::common::TIMEOUT;

fn base(env: EnvVars) -> SessionOptions {
    SessionOptions {
        connect: ConnectOptions {
            env,
            ..ConnectOptions::default()
        },
        read_only: false,
        audit_log: None,
        stats: HubConfig::default(),
    }
}

fn named(name: &str, host: &str) -> EngineSpec {
    EngineSpec {
        name: name.to_owned(),
        ..EngineSpec::host(host)
    }
}

/// Waits (on the fleet's change signal, never a fixed sleep) until `pred` holds.
async fn wait_fleet(
    fleet: &Fleet,
    what: &str,
    mut pred: impl FnMut(&FleetSnapshot) -> bool,
) -> FleetSnapshot {
    let mut rx = fleet.changed();
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let s = fleet.snapshot();
        if pred(&s) {
            return s;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            panic!("waiting for {what}: engines {:?}", s.engines);
        }
        // A change or a short re-check: the state of one member can change without a new
        // revision of another.
        let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), rx.changed()).await;
    }
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or_default()
}

fn state(s: &FleetSnapshot, engine: &str) -> EngineState {
    s.engine(engine)
        .unwrap_or_else(|| panic!("no engine {engine}"))
        .state
}

fn has(s: &FleetSnapshot, engine: &str, id: &str, st: ContainerState) -> bool {
    s.containers
        .iter()
        .any(|r| r.engine == engine && r.container.id.as_str() == id && r.container.state == st)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_follows_three_engines_through_freeze_and_restart() {
    let shared = require_engine!();
    let mut east = require_private_engine!(PrivateOpts::default());
    let west = require_private_engine!(PrivateOpts::default());
    let s0 = shared
        .container("fleet-s")
        .cmd(&["sleep", "300"])
        .created_only();
    let e0 = east
        .container("fleet-e")
        .cmd(&["sleep", "300"])
        .created_only();
    let w0 = west
        .container("fleet-w")
        .cmd(&["sleep", "300"])
        .created_only();
    let fleet = Fleet::open(
        vec![
            named("shared", shared.host()),
            named("east", east.host()),
            named("west", west.host()),
        ],
        &base(EnvVars::default()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let s = wait_fleet(&fleet, "all three listed", |s| {
        has(s, "shared", s0.id(), ContainerState::Created)
            && has(s, "east", e0.id(), ContainerState::Created)
            && has(s, "west", w0.id(), ContainerState::Created)
    })
    .await;
    assert!(s.engines.iter().all(|e| e.state == EngineState::Connected));
    // Each row is tagged with the engine it is on, never another.
    assert!(!s
        .containers
        .iter()
        .any(|r| r.engine != "west" && r.container.id.as_str() == w0.id()));

    // West freezes: marked not responding, its last rows kept (stale), the others live.
    let frozen = west.freeze();
    let s = wait_fleet(&fleet, "west not responding", |s| {
        state(s, "west") == EngineState::NotResponding
    })
    .await;
    assert!(
        has(&s, "west", w0.id(), ContainerState::Created),
        "west's rows stay"
    );
    assert!(
        s.engine("west")
            .is_some_and(|e| e.stale && e.error.is_some()),
        "{:?}",
        s.engine("west")
    );
    // The event → model latency on the healthy engines: from the engine's own time stamp of
    // the `start` event to the moment the fleet's merged listing shows the container running
    // (same host clock). The start runs beside the wait, so the wait sees the change first.
    for (name, te, c) in [("shared", shared, &s0), ("east", &east, &e0)] {
        let cli = te.cli().clone();
        let id = c.id().to_owned();
        let start = tokio::task::spawn_blocking(move || cli.run(&["start", &id]));
        wait_fleet(
            &fleet,
            "a start on a healthy engine while west is frozen",
            |s| has(s, name, c.id(), ContainerState::Running),
        )
        .await;
        let seen_ns = now_ns();
        start
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let session = fleet.session(name).unwrap_or_else(|e| panic!("{e}"));
        // The network `connect` event before `start` can make the store refetch the
        // container, already running, before the `start` event itself arrives.
        let is_start =
            |e: &wharf_core::model::EngineEvent| e.actor_id == c.id() && e.action == "start";
        let snap = session
            .store
            .wait_for(TIMEOUT, |s| s.events.iter().any(|e| is_start(e)))
            .await
            .unwrap_or_else(|e| panic!("no start event of {name}: {e}"));
        let event_ns = snap
            .events
            .iter()
            .rev()
            .find(|e| is_start(e))
            .map(|e| e.time_nano)
            .unwrap_or_default();
        assert_eq!(state(&fleet.snapshot(), "west"), EngineState::NotResponding);
        println!(
            "fleet: {name} (healthy, west frozen): start event -> fleet model {:.1} ms \
             (negative would mean a refetch showed it before the event)",
            (seen_ns - event_ns) as f64 / 1e6
        );
    }

    // Thawed: west is connected again and follows events.
    frozen.thaw();
    wait_fleet(&fleet, "west connected after SIGCONT", |s| {
        state(s, "west") == EngineState::Connected
    })
    .await;
    west.docker_ok(&["start", w0.id()]);
    wait_fleet(&fleet, "west's start seen", |s| {
        has(s, "west", w0.id(), ContainerState::Running)
    })
    .await;

    // East is killed: down, the others unaffected; started again: back, listed afresh.
    east.kill();
    wait_fleet(&fleet, "east down", |s| {
        state(s, "east") == EngineState::Down
    })
    .await;
    assert_eq!(state(&fleet.snapshot(), "shared"), EngineState::Connected);
    assert_eq!(state(&fleet.snapshot(), "west"), EngineState::Connected);
    east.start();
    wait_fleet(&fleet, "east back after restart", |s| {
        state(s, "east") == EngineState::Connected
            && s.containers
                .iter()
                .any(|r| r.engine == "east" && r.container.id.as_str() == e0.id())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_members_refuse_and_bulk_stops_span_engines() {
    let shared = require_engine!();
    let east = require_private_engine!(PrivateOpts::default());
    // "guarded" is the east engine again, through a context, read-only: the core must refuse
    // there what it does through "east".
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_context(dir.path(), "east-ctx", east.host());
    let env = EnvVars {
        docker_config: Some(dir.path().into()),
        ..EnvVars::default()
    };
    let s1 = shared.container("fleet-s1").cmd(&["sleep", "300"]).start();
    let s2 = shared.container("fleet-s2").cmd(&["sleep", "300"]).start();
    let e1 = east.container("fleet-e1").cmd(&["sleep", "300"]).start();
    let e2 = east.container("fleet-e2").cmd(&["sleep", "300"]).start();
    let guarded = EngineSpec {
        name: "guarded".into(),
        read_only: true,
        ..EngineSpec::context("east-ctx")
    };
    let fleet = Fleet::open(
        vec![
            named("shared", shared.host()),
            named("east", east.host()),
            guarded,
        ],
        &base(env),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    wait_fleet(&fleet, "all running", |s| {
        has(s, "shared", s1.id(), ContainerState::Running)
            && has(s, "shared", s2.id(), ContainerState::Running)
            && has(s, "east", e1.id(), ContainerState::Running)
            && has(s, "guarded", e2.id(), ContainerState::Running)
    })
    .await;
    let s = fleet.snapshot();
    assert!(s.engine("guarded").is_some_and(|e| e.read_only));
    assert!(s.engine("east").is_some_and(|e| !e.read_only));

    let stop = |id: &str| Command::Stop {
        id: ContainerId::from(id),
        timeout: Some(0),
    };
    // Refused by the core on the read-only member: nothing sent, still running.
    let e = match fleet.execute("guarded", &stop(e2.id())).await {
        Err(e) => e,
        Ok(o) => panic!("a read-only engine stopped a container: {o:?}"),
    };
    assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    assert_eq!(e2.inspect("{{.State.Running}}").trim(), "true");
    // An unknown engine is a clear error too.
    let e = fleet.execute("nowhere", &stop(e2.id())).await.err();
    assert_eq!(e.map(|e| e.kind()), Some(ErrorKind::NotFound));

    // A bulk stop over marks on two engines stops exactly those.
    let items = vec![
        ("shared".to_owned(), stop(s1.id())),
        ("east".to_owned(), stop(e1.id())),
    ];
    let results = fleet.execute_all(&items).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    wait_fleet(&fleet, "the marked two stopped", |s| {
        has(s, "shared", s1.id(), ContainerState::Exited)
            && has(s, "east", e1.id(), ContainerState::Exited)
    })
    .await;
    assert_eq!(s1.inspect("{{.State.Running}}").trim(), "false");
    assert_eq!(e1.inspect("{{.State.Running}}").trim(), "false");
    assert_eq!(s2.inspect("{{.State.Running}}").trim(), "true");
    assert_eq!(e2.inspect("{{.State.Running}}").trim(), "true");
}

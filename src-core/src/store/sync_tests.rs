//! Tests of the store's writer loop and of how deltas are applied.

use std::collections::BTreeMap;

use super::*;
use futures_util::stream;

use crate::model::{Container, ContainerState, EventKind};
use crate::store::snapshot::ObjectRef;
use crate::store::writer::{apply_with, Fetched};

fn running(id: &str) -> Container {
    Container {
        id: ContainerId(id.into()),
        name: "web".into(),
        image: "busybox".into(),
        image_id: None,
        command: "sleep".into(),
        created: 1,
        state: ContainerState::Running,
        status: "Up 5 minutes".into(),
        health: None,
        started_at: Some(100),
        finished_at: None,
        exit_code: Some(0),
        restart_count: Some(0),
        ports: Vec::new(),
        mounts: Vec::new(),
        networks: Vec::new(),
        labels: BTreeMap::new(),
        compose: None,
        pid: Some(42),
        cpu_limit: None,
        memory_limit: None,
        tty: false,
        security: None,
        detailed: true,
    }
}

fn event(kind: EventKind, action: &str, id: &str, exit: Option<&str>) -> EngineEvent {
    EngineEvent {
        kind,
        action: action.into(),
        actor_id: id.into(),
        attributes: exit
            .map(|x| ("exitCode".to_owned(), x.to_owned()))
            .into_iter()
            .collect(),
        time_nano: 2_000_000_000_500,
    }
}

#[test]
fn die_marks_the_container_exited_before_the_refetch() {
    let mut map: Arc<BTreeMap<ContainerId, Arc<Container>>> = Arc::new(
        [("c1", running("c1"))]
            .into_iter()
            .map(|(k, c)| (ContainerId(k.into()), Arc::new(c)))
            .collect(),
    );
    let held = map.clone();
    assert!(patch_from_event(
        &mut map,
        &event(EventKind::Container, "die", "c1", Some("137"))
    ));
    let c = &map[&ContainerId("c1".into())];
    assert_eq!(c.state, ContainerState::Exited);
    assert_eq!(c.exit_code, Some(137));
    assert_eq!(c.finished_at, Some(2000));
    assert_eq!(c.pid, None);
    // Published snapshots are never changed in place.
    assert_eq!(
        held[&ContainerId("c1".into())].state,
        ContainerState::Running
    );
    // Already exited, unknown, or not a `die`: nothing to do.
    assert!(!patch_from_event(
        &mut map,
        &event(EventKind::Container, "die", "c1", Some("0"))
    ));
    assert!(!patch_from_event(
        &mut map,
        &event(EventKind::Container, "die", "c2", None)
    ));
    let mut fresh = held.clone();
    for (kind, action) in [
        (EventKind::Container, "stop"),
        (EventKind::Container, "exec_die"),
        (EventKind::Network, "die"),
    ] {
        assert!(!patch_from_event(
            &mut fresh,
            &event(kind, action, "c1", Some("1"))
        ));
    }
}

fn writer_with(containers: &[&str]) -> Writer {
    let mut cur = Snapshot::empty("test".into());
    cur.containers = Arc::new(
        containers
            .iter()
            .map(|id| (ContainerId::new(*id), Arc::new(running(id))))
            .collect(),
    );
    let (tx, _) = watch::channel(Arc::new(cur.clone()));
    Writer {
        tx,
        cur,
        synced_at: None,
    }
}

/// One object the engine cannot return (500) must not end the session: before the fix,
/// `apply` returned the error, the session ended and everything was relisted.
#[tokio::test(start_paused = true)]
async fn one_broken_object_keeps_the_session_and_backs_off_alone() {
    let mut w = writer_with(&["bad", "good"]);
    let mut retries = Retries::default();
    let calls = std::sync::Mutex::new(Vec::<String>::new());
    let fetch = |d: Delta| {
        let id = match &d {
            Delta::Container(id) => id.clone(),
            other => panic!("unexpected {other:?}"),
        };
        calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(id.to_string());
        async move {
            if id.as_str() == "bad" {
                Err(CoreError::new(ErrorKind::Engine, "json: cannot unmarshal"))
            } else {
                let mut c = running(id.as_str());
                c.status = "Up 6 minutes".into();
                Ok(Fetched::Container(id, Some(c)))
            }
        }
    };
    let both = || {
        vec![
            Delta::Container(ContainerId::new("bad")),
            Delta::Container(ContainerId::new("good")),
        ]
    };
    apply_with(&mut w, &mut retries, both(), &fetch)
        .await
        .unwrap_or_else(|e| panic!("the session must go on: {e}"));
    let bad = ObjectRef::Container(ContainerId::new("bad"));
    // The broken object keeps its last data and is marked; the other one refreshed.
    assert_eq!(
        w.cur.containers[&ContainerId::new("bad")].status,
        "Up 5 minutes"
    );
    assert_eq!(
        w.cur.containers[&ContainerId::new("good")].status,
        "Up 6 minutes"
    );
    let f = w.cur.refresh_failure(&bad).cloned();
    assert!(f.is_some_and(|f| f.attempts == 1 && f.reason.contains("unmarshal")));
    assert_eq!(w.cur.refresh_failures.len(), 1);

    // More events about both within the backoff: only the healthy one is refetched.
    calls
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clear();
    apply_with(&mut w, &mut retries, both(), &fetch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        *calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        ["good"]
    );

    // When its retry is due it is tried again, and the wait doubles.
    let due = retries.next_due().unwrap_or_else(tokio::time::Instant::now);
    tokio::time::sleep_until(due).await;
    let again = retries.due(tokio::time::Instant::now());
    assert_eq!(again, vec![Delta::Container(ContainerId::new("bad"))]);
    apply_with(&mut w, &mut retries, again, &fetch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.cur.refresh_failure(&bad).map(|f| f.attempts), Some(2));
    let wait = retries.next_due().map(|t| t - tokio::time::Instant::now());
    assert_eq!(wait, Some(Duration::from_secs(2)));

    // Once it refreshes, the mark goes.
    let healed = |d: Delta| async move {
        match d {
            Delta::Container(id) => {
                let c = running(id.as_str());
                Ok(Fetched::Container(id, Some(c)))
            }
            _ => Err(CoreError::new(ErrorKind::Engine, "unexpected")),
        }
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let again = retries.due(tokio::time::Instant::now());
    apply_with(&mut w, &mut retries, again, healed)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(w.cur.refresh_failures.is_empty());

    // A link error still ends the session.
    let cut = |_: Delta| async { Err::<Fetched, _>(CoreError::unavailable("connection reset")) };
    let err = apply_with(&mut w, &mut retries, both(), cut).await;
    assert!(err.is_err());
}

/// A full queue must neither block the reader of the engine's stream nor grow: the
/// forwarder stops and raises the overflow flag, so the session relists.
#[tokio::test]
async fn a_full_event_queue_overflows_instead_of_blocking() {
    let ev = |i: i64| Ok(event(EventKind::Container, "start", &format!("c{i}"), None));
    let (tx, mut rx) = mpsc::channel(4);
    let overflow = Arc::new(AtomicBool::new(false));
    // Nobody receives while ten events arrive: forward must return, not wait.
    tokio::time::timeout(
        Duration::from_secs(5),
        forward(stream::iter((0..10).map(ev)), tx, overflow.clone()),
    )
    .await
    .unwrap_or_else(|_| panic!("the forwarder blocked on a full queue"));
    assert!(overflow.load(Ordering::Relaxed));
    let mut queued = 0;
    while rx.try_recv().is_ok() {
        queued += 1;
    }
    assert_eq!(queued, 4);

    // Within the bound, everything passes and nothing overflows.
    let (tx, mut rx) = mpsc::channel(4);
    let overflow = Arc::new(AtomicBool::new(false));
    forward(stream::iter((0..3).map(ev)), tx, overflow.clone()).await;
    assert!(!overflow.load(Ordering::Relaxed));
    let mut got = 0;
    while rx.recv().await.is_some() {
        got += 1;
    }
    assert_eq!(got, 3);
}

#[test]
fn events_since_is_one_second_before_engine_time() {
    let t = "1970-01-01T00:00:10.5Z";
    assert_eq!(events_since(t, Duration::ZERO).as_deref(), Some("9"));
    // Earlier by how long info and the listing took, rounded up to whole seconds.
    assert_eq!(
        events_since(t, Duration::from_millis(80)).as_deref(),
        Some("8")
    );
    assert_eq!(
        events_since(t, Duration::from_millis(1500)).as_deref(),
        Some("7")
    );
    assert_eq!(events_since("", Duration::ZERO), None);
}

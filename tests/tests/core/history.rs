//! History against a real engine: the core's recorder follows a session, and a compose service
//! whose container is removed and created again (same project and service labels, another id)
//! continues one series, with a `recreate` marker and the old container's `die` as markers.

use std::time::Duration;

use wharf_core::history::{recorder, HistoryDb, HistoryOptions, SeriesKey};
use wharf_tests::{require_engine, unique_name};

use crate::common::{read_only_session, TIMEOUT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recreated_compose_service_continues_its_series_with_markers() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("history.sqlite3");
    let session = read_only_session(te.host());
    let project = unique_name("hist");
    let service = |n: &str| {
        te.container(n)
            .label("com.docker.compose.project", &project)
            .label("com.docker.compose.service", "web")
            .cmd(&["sleep", "600"])
    };
    let mut db = HistoryDb::open(&HistoryOptions::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    let key = SeriesKey {
        engine: session.endpoint.clone(),
        key: format!("compose:{project}/web"),
    };
    let reader = HistoryDb::open(&HistoryOptions::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        let _ = stop_rx.await;
    };
    let first = service("hist-a").start();
    let run = async {
        recorder::run(&session, &mut db, Duration::from_millis(500), stop)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let drive = async {
        let recreated = |id: &str| {
            reader
                .query(&key, 0, i64::MAX, 0)
                .map(|h| {
                    !h.samples.is_empty()
                        && h.markers
                            .iter()
                            .any(|m| m.action == "recreate" && id.starts_with(&m.container))
                })
                .unwrap_or(false)
        };
        // The first container's samples.
        let deadline = tokio::time::Instant::now() + TIMEOUT * 3;
        while reader
            .query(&key, 0, i64::MAX, 0)
            .map_or(0, |h| h.samples.len())
            < 2
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no samples of the first container"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Removed and created again under the same service: a new id, one series.
        te.docker_ok(&["rm", "-f", first.id()]);
        let second = service("hist-b").start();
        while !recreated(second.id()) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no recreate marker for the second container"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = stop_tx.send(());
        second
    };
    let (recorded, second) = tokio::join!(run, drive);
    assert!(recorded.samples >= 3, "{recorded:?}");
    let h = reader
        .query(&key, 0, i64::MAX, 0)
        .unwrap_or_else(|e| panic!("{e}"));
    let recreate = h
        .markers
        .iter()
        .find(|m| m.action == "recreate")
        .unwrap_or_else(|| panic!("{:?}", h.markers));
    assert!(second.id().starts_with(&recreate.container));
    assert!(
        h.samples.iter().any(|s| s.at_ms < recreate.at_ms),
        "the first container's samples"
    );
    assert!(
        h.samples.iter().any(|s| s.at_ms >= recreate.at_ms),
        "the second's"
    );
    assert!(
        h.markers.iter().any(|m| m.action == "start"),
        "the store's start events are markers too: {:?}",
        h.markers
    );
}

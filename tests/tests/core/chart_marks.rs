//! Markers on a container's exported graphs against a real engine: the core's recorder follows
//! a session while a compose service's container is restarted (killed: `die` with exit 137,
//! then `start` and `restart`) and then replaced by another container of the same service (a
//! `recreate`); the markers of the service's series (`history::read_markers`, the function
//! both UIs use) are drawn by `chart::stats` on the graphs of the recorded samples, at their
//! times and in their kinds' colours, the old container's included.

use std::time::Duration;

use wharf_core::chart;
use wharf_core::history::{
    read_markers, recorder, HistoryDb, HistoryOptions, MarkerKind, MarkerScope, SeriesKey,
};
use wharf_tests::{require_engine, unique_name};

use crate::common::{read_only_session, TIMEOUT};

/// The x positions of the vertical lines the SVG draws in `kind`'s colour.
fn lines_of(svg: &str, kind: MarkerKind) -> Vec<f64> {
    let c = chart::marker_color(kind);
    let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    svg.lines()
        .filter(|l| l.to_uppercase().contains("<POLYLINE") && l.to_uppercase().contains(&hex))
        .filter_map(|l| {
            let pts: Vec<(f64, f64)> = l
                .split("points=\"")
                .nth(1)?
                .split('"')
                .next()?
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            (pts.len() == 2 && pts[0].0 == pts[1].0).then_some(pts[0].0)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_then_recreated_services_export_draws_its_markers() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("history.sqlite3");
    let session = read_only_session(te.host());
    let project = unique_name("cmarks");
    let service = |n: &str| {
        te.container(n)
            .label("com.docker.compose.project", &project)
            .label("com.docker.compose.service", "web")
            .cmd(&["sleep", "600"])
    };
    let key = SeriesKey {
        engine: session.endpoint.clone(),
        key: format!("compose:{project}/web"),
    };
    let scope = MarkerScope::Series(key.clone());
    let mut db = HistoryDb::open(&HistoryOptions::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    let reader = HistoryDb::open(&HistoryOptions::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        let _ = stop_rx.await;
    };
    let first = service("cm-a").start();
    let run = async {
        recorder::run(&session, &mut db, Duration::from_millis(500), stop)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let drive = async {
        let deadline = tokio::time::Instant::now() + TIMEOUT * 3;
        let until = |what: &str, ok: &dyn Fn() -> bool| {
            assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
            !ok()
        };
        let samples = || {
            reader
                .query(&key, 0, i64::MAX, 0)
                .map_or(0, |h| h.samples.len())
        };
        while until("samples of the first container", &|| samples() >= 2) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // `sleep` as PID 1 ignores SIGTERM: with no grace it is killed, then started again.
        te.docker_ok(&["restart", "-t", "0", first.id()]);
        let has = |kind: MarkerKind, detail: &str| {
            read_markers(&path, &scope, 0, i64::MAX)
                .unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .any(|m| m.kind == kind && m.detail.contains(detail))
        };
        while until("the die and the restart recorded", &|| {
            has(MarkerKind::Die, "exit 137") && has(MarkerKind::Restart, "")
        }) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let before = samples();
        while until("samples after the restart", &|| samples() >= before + 2) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Replaced by another container of the same service: the same series goes on.
        te.docker_ok(&["rm", "-f", first.id()]);
        let second = service("cm-b").start();
        while until("the recreate recorded", &|| has(MarkerKind::Recreate, "")) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let before = samples();
        while until("samples of the second container", &|| {
            samples() >= before + 2
        }) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = stop_tx.send(());
        second
    };
    let (_, _second) = tokio::join!(run, drive);

    // What an export of the service's graphs is given: the recorded samples, and the markers
    // of the series over the graphs' window.
    let h = reader
        .query(&key, 0, i64::MAX, 0)
        .unwrap_or_else(|e| panic!("{e}"));
    let newest = h.samples.last().map_or(0, |s| s.at_ms);
    let opts = chart::stats::default_options();
    let markers = read_markers(
        &path,
        &scope,
        newest - i64::from(opts.window_secs) * 1000,
        newest,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let die = markers
        .iter()
        .find(|m| m.kind == MarkerKind::Die && m.detail == "exit 137")
        .unwrap_or_else(|| panic!("{markers:?}"));
    assert!(
        first.id().starts_with(&die.container),
        "the old container's die is on the service's line"
    );
    let svg = chart::stats::svg(&h.samples, &markers, &opts).unwrap_or_else(|e| panic!("{e}"));
    for kind in [MarkerKind::Die, MarkerKind::Restart, MarkerKind::Recreate] {
        assert_eq!(
            lines_of(&svg, kind).len() % 4,
            0,
            "{kind:?} drawn on each of the four graphs"
        );
        assert!(!lines_of(&svg, kind).is_empty(), "{kind:?} drawn");
    }
    // At their times: in the first graph the restart's die is left of the recreate.
    let die_x = lines_of(&svg, MarkerKind::Die);
    let recreate_x = lines_of(&svg, MarkerKind::Recreate);
    assert!(die_x[0] < recreate_x[0], "{die_x:?} {recreate_x:?}");
    // The same samples with no markers draw none.
    let bare = chart::stats::svg(&h.samples, &[], &opts).unwrap_or_else(|e| panic!("{e}"));
    assert!(lines_of(&bare, MarkerKind::Die).is_empty());
}

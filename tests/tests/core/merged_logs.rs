//! Merged logs: several containers' lines in time order with their prefixes, a recreated
//! container keeping its place, bounded memory under a flood.

use std::time::Duration;

use wharf_core::engine::LogOptions;
use wharf_core::streams::reorder::MAX_PENDING;
use wharf_core::streams::{LogBuffer, MergedFollower, Selection};
use wharf_tests::{require_engine, unique_name, wait_until_blocking, TestContainer, TestEngine};

use crate::common::{synced_store, wait, TIMEOUT};

const PROJECT: &str = "com.docker.compose.project";

/// A container of compose `project`/`service` (labels only) running `script`.
fn service(te: &TestEngine, project: &str, service: &str, script: &str) -> TestContainer {
    te.container(service)
        .compose(project, service)
        .cmd(&["sh", "-c", script])
        .start()
}

/// Services of `project` running their scripts, once the store lists them all.
async fn services<const N: usize>(
    te: &TestEngine,
    store: &wharf_core::store::Store,
    project: &str,
    specs: [(&str, &str); N],
) -> [TestContainer; N] {
    let cs = specs.map(|(name, script)| service(te, project, name, script));
    wait(store, "the project's containers", |s| {
        s.projects().get(project).map(Vec::len) == Some(N)
    })
    .await;
    cs
}

/// Drain `f` into `buf` until `done(buf)` or the timeout.
async fn drain_until(
    f: &mut MergedFollower,
    buf: &mut LogBuffer,
    what: &str,
    mut done: impl FnMut(&LogBuffer) -> bool,
) {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while !done(buf) {
        let texts: Vec<&str> = buf.lines().iter().map(|l| l.text.text.as_str()).collect();
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} never arrived: {texts:?}"
        );
        f.drain_into(buf, 10_000);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn texts(buf: &LogBuffer) -> Vec<String> {
    buf.lines().iter().map(|l| l.text.text.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_merges_in_time_order_with_prefixes() {
    let te = require_engine!();
    let project = unique_name("merge");
    // All three wait for the same wall-clock second, then print 300 ms apart.
    let start = wharf_core::clock::now_ms() / 1000 + 4;
    let script = |name: &str, offset: &str| {
        format!(
            "while [ $(date +%s) -lt {start} ]; do sleep 0.05; done; sleep {offset}; \
             echo {name}1; sleep 1; echo {name}2; sleep 300"
        )
    };
    let store = synced_store(te.host()).await;
    let _a = service(te, &project, "a", &script("a", "0.1"));
    let _b = service(te, &project, "b", &script("b", "0.4"));
    let c = service(te, &project, "c", &script("c", "0.7"));
    wait(&store, "the project's containers", |s| {
        s.projects().get(project.as_str()).map(Vec::len) == Some(3)
    })
    .await;
    let opts = LogOptions {
        tail: None,
        ..Default::default()
    };
    let sel = Selection::Project(project.clone());
    // One follows as the lines are printed, one starts after, from the history.
    let mut live = MergedFollower::start(store.engine(), store.subscribe(), sel.clone(), &opts)
        .unwrap_or_else(|e| panic!("merge: {e}"));
    wait_until_blocking(TIMEOUT, "c2 printed", || c.logs().contains("c2"));
    let mut history = MergedFollower::start(store.engine(), store.subscribe(), sel, &opts)
        .unwrap_or_else(|e| panic!("merge: {e}"));
    let want = ["a │ a1", "b │ b1", "c │ c1", "a │ a2", "b │ b2", "c │ c2"];
    for f in [&mut live, &mut history] {
        assert_eq!(f.source_count(), 3);
        let mut buf = LogBuffer::new(100, false);
        drain_until(f, &mut buf, "six lines", |b| b.len() >= 6).await;
        assert_eq!(texts(&buf), want);
        // Prefixes are coloured, one colour per source.
        let colours: Vec<_> = buf
            .lines()
            .iter()
            .map(|l| l.text.runs.first().and_then(|r| r.1.fg))
            .collect();
        assert!(colours.iter().all(Option::is_some));
        assert_ne!(colours[0], colours[1]);
        assert_ne!(colours[1], colours[2]);
        assert_eq!(colours[0], colours[3]);
        // Timestamps were not asked for: none shown.
        assert!(buf.lines().iter().all(|l| l.timestamp.is_none()));
    }

    // Nothing selected: a clear error, nothing started.
    let none = MergedFollower::start(
        store.engine(),
        store.subscribe(),
        Selection::Project(format!("{project}-missing")),
        &opts,
    );
    let e = none.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("no containers in project"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recreated_container_keeps_its_place_and_its_new_lines_arrive() {
    let te = require_engine!();
    let project = unique_name("recreate");
    let store = synced_store(te.host()).await;
    let [old, _db] = services(
        te,
        &store,
        &project,
        [
            ("web", "echo web-old; sleep 300"),
            (
                "db",
                "i=0; while true; do i=$((i+1)); echo db $i; sleep 0.3; done",
            ),
        ],
    )
    .await;
    let mut f = MergedFollower::start(
        store.engine(),
        store.subscribe(),
        Selection::Label {
            key: PROJECT.into(),
            value: Some(project.clone()),
        },
        &LogOptions {
            timestamps: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("merge: {e}"));
    let mut buf = LogBuffer::new(1000, true);
    drain_until(&mut f, &mut buf, "the old web line", |b| {
        texts(b).iter().any(|t| t == "web │ web-old")
    })
    .await;

    te.docker_ok(&["rm", "-f", old.id()]);
    let new = service(te, &project, "web", "echo web-new; sleep 300");
    drain_until(&mut f, &mut buf, "the new web line", |b| {
        texts(b).iter().any(|t| t == "web │ web-new")
    })
    .await;
    let all = texts(&buf);
    let short = &new.id()[..12];
    let switch = all
        .iter()
        .position(|t| t.contains("web was recreated") && t.contains(short))
        .unwrap_or_else(|| panic!("no switch line: {all:?}"));
    let new_at = all.iter().position(|t| t == "web │ web-new");
    let stamped: Vec<_> = buf
        .lines()
        .iter()
        .map(|l| (&l.timestamp, &l.text.text))
        .collect();
    assert!(new_at > Some(switch), "{stamped:?}");
    // Same source: no third one, same colour as before.
    assert_eq!(f.source_count(), 2);
    let colour = |text: &str| {
        buf.lines()
            .iter()
            .find(|l| l.text.text == text)
            .and_then(|l| l.text.runs.first().map(|r| r.1.fg))
    };
    assert_eq!(colour("web │ web-old"), colour("web │ web-new"));
    // The other source went on throughout.
    drain_until(&mut f, &mut buf, "db after the switch", |b| {
        texts(b)[switch..]
            .iter()
            .filter(|t| t.starts_with("db  │ db "))
            .count()
            >= 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_stays_bounded_and_does_not_hold_back_a_quiet_source() {
    let te = require_engine!();
    let project = unique_name("flood");
    let store = synced_store(te.host()).await;
    let _both = services(
        te,
        &store,
        &project,
        [
            ("flood", "yes flood-line-of-some-length"),
            (
                "quiet",
                "i=0; while true; do i=$((i+1)); echo quiet $i; sleep 0.2; done",
            ),
        ],
    )
    .await;
    let mut f = MergedFollower::start(
        store.engine(),
        store.subscribe(),
        Selection::Project(project.clone()),
        &LogOptions::default(),
    )
    .unwrap_or_else(|e| panic!("merge: {e}"));
    let mut buf = LogBuffer::new(500, false);
    let mut quiet_seen = 0;
    let mut last_seq = 0;
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while quiet_seen < 5 || buf.dropped() < 5_000 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "quiet lines {quiet_seen}, dropped {}",
            buf.dropped()
        );
        f.drain_into(&mut buf, 10_000);
        quiet_seen += buf
            .lines()
            .iter()
            .filter(|l| l.seq >= last_seq && l.text.text.starts_with("quiet │ quiet"))
            .count();
        last_seq = buf.lines().back().map_or(0, |l| l.seq + 1);
        assert!(buf.len() <= 500);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "flood: {} lines through a 500-line buffer, {quiet_seen} quiet lines meanwhile, \
         reorder high water {} (cap {MAX_PENDING})",
        buf.dropped() + buf.len() as u64,
        f.pending_high_water()
    );
    assert!(
        f.pending_high_water() <= MAX_PENDING + 1,
        "{}",
        f.pending_high_water()
    );
}

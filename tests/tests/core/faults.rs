//! Faults: a frozen engine (SIGSTOP), an engine behind a TCP proxy that is cut and restored,
//! and floods (a container printing as fast as it can, a 1 MB line, a 10,000-label inspect
//! document). Each says what the user sees (the store's connection state, kept rows), that
//! requests fail within seconds instead of hanging, that everything (listing, log and stats
//! streams) recovers, and prints the figures the guarantees quote (`FIGURE …` lines, shown
//! with `--nocapture`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, UnixStream};
use tokio::sync::watch;
use wharf_core::engine::{Engine, LogOptions};
use wharf_core::model::{ContainerId, ContainerState};
use wharf_core::store::{ConnectionState, ObjectRef, Snapshot, Store};
use wharf_core::streams::logs::LogFollower;
use wharf_core::streams::stats::HubConfig;
use wharf_core::streams::{LogBuffer, StatsHub};
use wharf_tests::{require_engine, require_private_engine, wait_until, PrivateOpts, TestEngine};

use crate::common::{synced_store, wait, TIMEOUT};

/// The promise: a frozen or cut engine is reported within this.
const DETECTION: Duration = Duration::from_secs(10);

/// A shell loop printing `tick N` five times a second.
pub(crate) const TICKER: &[&str] = &[
    "sh",
    "-c",
    "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2; done",
];

pub(crate) use wharf_core::clock::now_ms;

/// Resident memory of this test process, KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// The highest `tick N` in the buffer.
pub(crate) fn last_tick(buf: &LogBuffer) -> u64 {
    buf.lines()
        .iter()
        .filter_map(|l| l.text.text.strip_prefix("tick ")?.parse().ok())
        .max()
        .unwrap_or(0)
}

/// Moves what the follower has into `buf` until `pred` holds.
pub(crate) async fn follow_until(
    follower: &mut LogFollower,
    buf: &mut LogBuffer,
    what: &str,
    timeout: Duration,
    mut pred: impl FnMut(&LogBuffer) -> bool,
) {
    let fut = async {
        loop {
            follower.drain_into(buf, 4096);
            if pred(buf) {
                return;
            }
            assert!(!follower.is_ended(), "the log follower ended ({what})");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    if tokio::time::timeout(timeout, fut).await.is_err() {
        panic!("timed out after {timeout:?} waiting for {what}");
    }
}

/// A line marking a gap in the log, then more than two ticks.
pub(crate) fn ticks_after_a_gap(b: &LogBuffer) -> bool {
    let lines = b.lines();
    lines
        .iter()
        .position(|l| l.text.text.contains("wharf: the log stream broke"))
        .is_some_and(|m| {
            lines
                .iter()
                .skip(m)
                .filter(|l| l.text.text.starts_with("tick "))
                .count()
                > 2
        })
}

/// A stats hub that samples `id` through the engine's API (the path remote engines use).
pub(crate) fn api_stats(store: &Store, id: &ContainerId) -> StatsHub {
    let cfg = HubConfig {
        use_cgroups: false,
        api_interval: Duration::from_secs(1),
        ..Default::default()
    };
    let hub = StatsHub::spawn(store.engine().clone(), store.subscribe(), cfg);
    hub.watch([id.clone()], Some(id.clone()));
    hub
}

/// Waits for a stats sample of `id` taken after `after_ms`.
pub(crate) async fn sample_after(hub: &StatsHub, id: &ContainerId, after_ms: i64, what: &str) {
    wait_until(TIMEOUT, what, || {
        let fresh = hub.view().latest(id).is_some_and(|s| s.at_ms > after_ms);
        async move { fresh }
    })
    .await;
}

async fn wait_state(
    store: &Store,
    timeout: Duration,
    what: &str,
    pred: impl FnMut(&Snapshot) -> bool,
) -> Arc<Snapshot> {
    store
        .wait_for(timeout, pred)
        .await
        .unwrap_or_else(|e| panic!("waiting for {what}: {e}"))
}

/// The store lists exactly the containers the engine has.
fn matches_engine(te: &TestEngine, s: &Snapshot) {
    let mut engine_ids: Vec<String> = te
        .docker_ok(&["ps", "-aq", "--no-trunc"])
        .lines()
        .map(str::to_owned)
        .collect();
    let mut store_ids: Vec<String> = s.containers.keys().map(|k| k.to_string()).collect();
    engine_ids.sort();
    store_ids.sort();
    assert_eq!(
        store_ids, engine_ids,
        "the store matches the engine exactly"
    );
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// A container printing ticks, followed in its logs (two ticks seen) and in the API stats
/// (one sample seen): the streams a fault test then breaks and watches resume.
pub(crate) struct Ticking {
    pub id: ContainerId,
    pub engine: Engine,
    pub follower: LogFollower,
    pub buf: LogBuffer,
    pub hub: StatsHub,
}

pub(crate) async fn ticking(store: &Store, ticker: &str) -> Ticking {
    let id = crate::common::wait_running(store, ticker).await;
    let engine = store.engine().clone();
    let mut follower = LogFollower::start(&engine, ticker, &LogOptions::default());
    let mut buf = LogBuffer::new(10_000, false);
    follow_until(&mut follower, &mut buf, "the first ticks", TIMEOUT, |b| {
        last_tick(b) >= 2
    })
    .await;
    let hub = api_stats(store, &id);
    sample_after(&hub, &id, 0, "a first stats sample").await;
    Ticking {
        id,
        engine,
        follower,
        buf,
        hub,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_engine_is_reported_requests_fail_fast_and_everything_recovers() {
    let te = require_private_engine!(PrivateOpts::default());
    let store = synced_store(te.host()).await;
    let ticker = te.container("frozen-ticker").cmd(TICKER).start();
    let Ticking {
        id,
        engine,
        mut follower,
        mut buf,
        hub,
    } = ticking(&store, ticker.id()).await;
    let tasks_before = alive_tasks();
    // A relisting replaces the engine facts last, with the lists: their clock shows it done.
    let listed_at = |s: &Snapshot| s.engine.as_ref().map(|e| e.system_time.clone());
    let first_listing = listed_at(&store.snapshot());

    let frozen = te.freeze();
    let t0 = Instant::now();
    let s = wait_state(&store, DETECTION, "not responding", |s| {
        matches!(s.connection, ConnectionState::NotResponding { .. })
    })
    .await;
    let detection = t0.elapsed();
    // The rows stay, marked stale by the state.
    assert!(s.is_stale());
    assert!(s.find_container(ticker.id()).is_some());

    // An ordinary request fails within seconds with a clear message.
    let t1 = Instant::now();
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        engine.inspect_container(ticker.id()),
    )
    .await
    .unwrap_or_else(|_| panic!("inspect hung on a frozen engine"))
    .err()
    .unwrap_or_else(|| panic!("a frozen engine answered"));
    let request_failure = t1.elapsed();
    assert!(err.to_string().contains("not responding"), "{err}");

    // Frozen for 30 s in all (the scenario); the store keeps saying so meanwhile.
    while t0.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let s = store.snapshot();
        assert!(
            matches!(s.connection, ConnectionState::NotResponding { .. }),
            "{:?}",
            s.connection
        );
    }
    let ticks_before = last_tick(&buf);
    frozen.thaw();
    let thawed_ms = now_ms();
    let t2 = Instant::now();
    let s = wait_state(&store, TIMEOUT, "connected and relisted", |s| {
        s.synced && s.connection.is_connected() && listed_at(s) != first_listing
    })
    .await;
    let recovery = t2.elapsed();
    matches_engine(&te, &s);
    // Events flow again.
    te.docker_ok(&["pause", ticker.id()]);
    wait(&store, "the pause seen through events", |s| {
        s.containers
            .get(&id)
            .is_some_and(|c| c.state == ContainerState::Paused)
    })
    .await;
    te.docker_ok(&["unpause", ticker.id()]);
    // The log and stats streams go on.
    follow_until(
        &mut follower,
        &mut buf,
        "ticks after the thaw",
        TIMEOUT,
        |b| last_tick(b) > ticks_before + 2,
    )
    .await;
    sample_after(&hub, &id, thawed_ms, "a stats sample after the thaw").await;
    // No task was left behind by the timed-out requests and the ended session.
    wait_until(TIMEOUT, "no leftover tasks", || {
        let n = alive_tasks();
        async move { n <= tasks_before }
    })
    .await;
    eprintln!(
        "FIGURE frozen engine (SIGSTOP 30 s): detected after {:.1} s, a request failed after \
         {:.1} s, relisted {:.2} s after SIGCONT",
        detection.as_secs_f64(),
        request_failure.as_secs_f64(),
        recovery.as_secs_f64()
    );
}

/// What the proxy does with connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Forward,
    /// Packets vanish: connections stay open and nothing passes either way.
    Blackhole,
    /// Every connection is closed at once, new ones included.
    Refuse,
}

/// A loopback TCP proxy in front of an engine's unix socket that the test can cut, and make
/// answer 500 to requests whose request line contains a given text.
struct Proxy {
    port: u16,
    mode: watch::Sender<Mode>,
    fail: Arc<std::sync::Mutex<Option<String>>>,
    task: tokio::task::JoinHandle<()>,
}

/// Reads a request head from `tcp`; answers 500 and returns `None` when its first line
/// contains `needle`, else returns the bytes read (to pass on). One request per connection:
/// Wharf's TCP link does not reuse connections.
async fn inject(tcp: &mut tokio::net::TcpStream, needle: &str) -> Option<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = Vec::new();
    let mut b = [0u8; 4096];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 65_536 {
        match tcp.read(&mut b).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&b[..n]),
        }
    }
    let line_end = head
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(head.len());
    if !String::from_utf8_lossy(&head[..line_end]).contains(needle) {
        return Some(head);
    }
    let body = "{\"message\":\"injected failure\"}";
    let answer = format!(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tcp.write_all(answer.as_bytes()).await;
    None
}

impl Proxy {
    async fn start(socket: PathBuf) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind a loopback port: {e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"))
            .port();
        let (mode, rx) = watch::channel(Mode::Forward);
        let fail: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
        let failing = fail.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let mut rx = rx.clone();
                let socket = socket.clone();
                let needle = failing
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone();
                tokio::spawn(async move {
                    let first = *rx.borrow_and_update();
                    let mut unix = None;
                    if first == Mode::Forward {
                        let head = match &needle {
                            Some(n) => match inject(&mut tcp, n).await {
                                Some(head) => head,
                                None => return,
                            },
                            None => Vec::new(),
                        };
                        match UnixStream::connect(&socket).await {
                            Ok(mut u) => {
                                use tokio::io::AsyncWriteExt;
                                if u.write_all(&head).await.is_err() {
                                    return;
                                }
                                unix = Some(u);
                            }
                            Err(_) => return,
                        }
                    }
                    let mut cur = first;
                    loop {
                        match (cur, unix.as_mut()) {
                            (Mode::Refuse, _) => return,
                            (Mode::Forward, Some(u)) => {
                                tokio::select! {
                                    _ = tokio::io::copy_bidirectional(&mut tcp, u) => return,
                                    r = rx.changed() => if r.is_err() { return },
                                }
                            }
                            // Blackholed (or restored after a blackhole: that stream is broken
                            // anyway, so only a change to Refuse ends it).
                            _ => {
                                if rx.changed().await.is_err() {
                                    return;
                                }
                            }
                        }
                        cur = *rx.borrow_and_update();
                        if cur == Mode::Forward {
                            // A connection that lived through a cut cannot resume mid-stream.
                            return;
                        }
                    }
                });
            }
        });
        Proxy {
            port,
            mode,
            fail,
            task,
        }
    }

    fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    /// Answer 500 to requests whose request line contains `needle` (`None`: forward all).
    fn fail_requests(&self, needle: Option<String>) {
        *self
            .fail
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = needle;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_behind_a_cut_proxy_is_reported_and_recovers() {
    let te = require_engine!();
    let Some(socket) = te.host().strip_prefix("unix://").map(PathBuf::from) else {
        eprintln!("SKIPPED: the proxy test needs a unix-socket engine");
        return;
    };
    let proxy = Proxy::start(socket).await;
    let host = format!("tcp://127.0.0.1:{}", proxy.port);
    let store = synced_store(&host).await;
    let ticker = te.container("proxy-ticker").cmd(TICKER).start();
    let Ticking {
        id,
        mut follower,
        mut buf,
        hub,
        ..
    } = ticking(&store, ticker.id()).await;

    // Packets vanish: nothing fails, nothing answers.
    proxy.set(Mode::Blackhole);
    let t0 = Instant::now();
    let s = wait_state(
        &store,
        DETECTION,
        "not responding behind a blackhole",
        |s| matches!(s.connection, ConnectionState::NotResponding { .. }),
    )
    .await;
    let blackhole_detection = t0.elapsed();
    assert!(s.is_stale() && s.find_container(ticker.id()).is_some());

    // Connections cut and refused: reconnecting.
    proxy.set(Mode::Refuse);
    let t1 = Instant::now();
    let s = wait_state(&store, DETECTION, "reconnecting after the cut", |s| {
        matches!(s.connection, ConnectionState::Reconnecting { .. })
    })
    .await;
    let cut_detection = t1.elapsed();
    assert!(s.is_stale() && s.find_container(ticker.id()).is_some());
    // Changes while cut off: only a fresh listing can show them (the engine is shared with
    // other tests, so the store is not compared with the whole engine here).
    let born = te
        .container("born-in-cut")
        .cmd(&["sleep", "300"])
        .created_only();
    let doomed = te
        .container("doomed-in-cut")
        .cmd(&["sleep", "300"])
        .created_only();
    // Created and removed within the cut: neither event reaches the store.
    te.docker_ok(&["rm", "-f", doomed.id()]);

    proxy.set(Mode::Forward);
    let restored_ms = now_ms();
    let t2 = Instant::now();
    let s = wait_state(&store, TIMEOUT, "connected again", |s| {
        s.synced && s.connection.is_connected()
    })
    .await;
    let recovery = t2.elapsed();
    assert!(s.find_container(born.id()).is_some(), "made during the cut");
    assert!(
        s.find_container(doomed.id()).is_none(),
        "removed during the cut"
    );
    // The log goes on after a line marking the gap.
    follow_until(
        &mut follower,
        &mut buf,
        "ticks after a gap marker",
        TIMEOUT,
        ticks_after_a_gap,
    )
    .await;
    sample_after(&hub, &id, restored_ms, "a stats sample after the restore").await;
    eprintln!(
        "FIGURE proxy: blackhole reported after {:.1} s, cut after {:.1} s, recovered {:.2} s \
         after the restore",
        blackhole_detection.as_secs_f64(),
        cut_detection.as_secs_f64(),
        recovery.as_secs_f64()
    );
}

/// One object the engine cannot return (it answers 500 for that inspect) is marked and
/// retried on its own backoff while the session goes on; before, the error ended the session
/// and everything was relisted, again and again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_object_the_engine_cannot_return_keeps_the_session() {
    let te = require_engine!();
    let Some(socket) = te.host().strip_prefix("unix://").map(PathBuf::from) else {
        eprintln!("SKIPPED: the proxy test needs a unix-socket engine");
        return;
    };
    let proxy = Proxy::start(socket).await;
    let bad = te
        .container("unreadable")
        .cmd(&["sleep", "300"])
        .created_only();
    proxy.fail_requests(Some(format!("/containers/{}/json", bad.id())));
    let store = synced_store(&format!("tcp://127.0.0.1:{}", proxy.port)).await;
    let connected = store.snapshot().connection.clone();
    assert!(connected.is_connected());
    let bad_ref = ObjectRef::Container(ContainerId::from(bad.id()));
    // Listed, then inspected in the background: that inspect fails.
    let s = wait(&store, "the unreadable container marked", |s| {
        s.refresh_failure(&bad_ref).is_some()
    })
    .await;
    assert!(s.find_container(bad.id()).is_some(), "its row stays");
    // The session goes on: later changes arrive, the connection is the same one.
    let good = te
        .container("readable")
        .cmd(&["sleep", "300"])
        .created_only();
    wait(&store, "a container made later", |s| {
        s.find_container(good.id()).is_some()
    })
    .await;
    let s = wait(&store, "a second attempt, on its own", |s| {
        s.refresh_failure(&bad_ref).is_some_and(|f| f.attempts >= 2)
    })
    .await;
    assert_eq!(s.connection, connected, "the session was never restarted");
    // Once the engine returns it, the mark goes at the next retry.
    proxy.fail_requests(None);
    let id = ContainerId::from(bad.id());
    let s = wait(&store, "the container refreshed", |s| {
        s.refresh_failure(&bad_ref).is_none() && s.containers.get(&id).is_some_and(|c| c.detailed)
    })
    .await;
    assert_eq!(s.connection, connected, "the session was never restarted");
}

/// The TUI's and the desktop page's log buffers hold at most this many lines.
const LOG_LINES: usize = 5000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_and_huge_documents_stay_bounded_and_never_freeze_the_store() {
    let te = require_engine!();
    let store = synced_store(te.host()).await;
    let engine = store.engine().clone();
    let rss_start = rss_kib();

    // 1. A container printing as fast as it can.
    // Half a core: as fast as it can within it, without starving the tests that run beside
    // this one (the stats tests measure a busy loop's CPU).
    let flood = te
        .container("flood")
        .args(&["--cpus", "0.5"])
        .cmd(&[
            "yes",
            "the quick brown fox jumps over the lazy dog 0123456789",
        ])
        .start();
    let mut follower = LogFollower::start(&engine, flood.id(), &LogOptions::default());
    let mut buf = LogBuffer::new(LOG_LINES, false);
    let t0 = Instant::now();
    let mut received = 0usize;
    let mut rss_peak = rss_start;
    // Meanwhile the store keeps following the engine: a container made now shows up.
    let witness = te
        .container("witness")
        .cmd(&["sleep", "300"])
        .created_only();
    let mut seen_witness = false;
    while t0.elapsed() < Duration::from_secs(5) || !seen_witness {
        assert!(t0.elapsed() < TIMEOUT, "the store froze under the flood");
        received += follower.drain_into(&mut buf, 4096).0;
        assert!(buf.len() <= LOG_LINES);
        rss_peak = rss_peak.max(rss_kib());
        seen_witness |= store.snapshot().find_container(witness.id()).is_some();
        tokio::task::yield_now().await;
    }
    drop(follower);
    let held: usize = buf.lines().iter().map(|l| l.text.text.len()).sum();
    assert!(
        received > LOG_LINES,
        "the flood was a flood: {received} lines"
    );
    assert_eq!(buf.len(), LOG_LINES);

    // 2. A single 1 MB line: cut to the line cap, marked, and the lines around it intact.
    let long = te
        .container("long-line")
        .cmd(&[
            "sh",
            "-c",
            "echo before; head -c 1048576 /dev/zero | tr '\\0' x; echo; echo after; sleep 300",
        ])
        .start();
    let mut follower = LogFollower::start(&engine, long.id(), &LogOptions::default());
    let mut lbuf = LogBuffer::new(LOG_LINES, false);
    follow_until(&mut follower, &mut lbuf, "the line after", TIMEOUT, |b| {
        b.lines().iter().any(|l| l.text.text == "after")
    })
    .await;
    let texts: Vec<&str> = lbuf.lines().iter().map(|l| l.text.text.as_str()).collect();
    assert_eq!(texts.len(), 3, "before, the long line, after");
    let big = &lbuf.lines()[1];
    assert!(big.truncated);
    assert!(big.text.text.len() <= wharf_core::streams::logs::MAX_LINE_BYTES + 64);
    rss_peak = rss_peak.max(rss_kib());

    // 3. A 10,000-line inspect document (10,000 labels): the store follows it, and the
    //    document comes back whole.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let labels = dir.path().join("labels");
    let text: String = (0..10_000)
        .map(|i| format!("wharf.flood.{i}=v{i}\n"))
        .collect();
    std::fs::write(&labels, text).unwrap_or_else(|e| panic!("{e}"));
    let labelled = te
        .container("labels")
        .args(&["--label-file", &labels.display().to_string()])
        .cmd(&["sleep", "300"])
        .created_only();
    let t3 = Instant::now();
    let lid = ContainerId::from(labelled.id());
    wait(&store, "10,000 labels in the store", |s| {
        s.containers
            .get(&lid)
            .is_some_and(|c| c.labels.len() > 10_000)
    })
    .await;
    let doc = engine
        .inspect_container_json(labelled.id())
        .await
        .unwrap_or_else(|e| panic!("inspect: {e}"));
    let pretty = serde_json::to_string_pretty(&doc).unwrap_or_default();
    assert!(pretty.lines().count() > 10_000);
    let big_doc = t3.elapsed();
    rss_peak = rss_peak.max(rss_kib());

    eprintln!(
        "FIGURE flood: {received} lines in {:.1} s, buffer {} lines holding {} KiB of text \
         (bound {LOG_LINES} lines × {} KiB); 1 MB line kept as {} bytes; 10,000-label \
         document ({} lines) listed and inspected in {:.2} s; test process RSS {} → peak {} \
         MiB",
        t0.elapsed().as_secs_f64(),
        buf.len(),
        held / 1024,
        wharf_core::streams::logs::MAX_LINE_BYTES / 1024,
        big.text.text.len(),
        pretty.lines().count(),
        big_doc.as_secs_f64(),
        rss_start / 1024,
        rss_peak / 1024,
    );
    // Generous: other tests share this process; the log buffers' own bound is ~80 MiB.
    assert!(
        rss_peak.saturating_sub(rss_start) < 512 * 1024,
        "memory grew by {} MiB",
        rss_peak.saturating_sub(rss_start) / 1024
    );
}

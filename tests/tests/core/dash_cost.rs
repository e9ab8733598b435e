//! What the dashboards' remote sampling costs the engine, against oxker's way (one streaming
//! stats request per container), on a private engine in one run: dockerd's CPU time (from
//! `/proc/PID/stat`) while idle, while N streams run, and while the stats hub samples every
//! container over the API (`sample_all`, one-shot requests every `ALL_API_INTERVAL`). Ignored
//! (it takes a few minutes and wants a quiet machine): `cargo test -p wharf-tests --test core
//! dash_cost -- --ignored --nocapture`.

use std::time::Duration;

use futures_util::StreamExt;
use wharf_core::streams::stats::HubConfig;
use wharf_core::streams::StatsHub;
use wharf_tests::{PrivateOpts, TestEngine};

use crate::common::{synced_store, wait};

/// dockerd's user + system CPU time, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)
}

/// dockerd's CPU share (of one core) over `secs`.
async fn measure(pid: u32, secs: u64) -> f64 {
    let before = cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(secs)).await;
    (cpu_ticks(pid) - before) as f64 / 100.0 / secs as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: minutes long, wants a quiet machine"]
async fn dash_cost_remote_sampling_against_oxker() {
    const N: usize = 20;
    const SECS: u64 = 40;
    let Some(te) = TestEngine::private_or_skip(PrivateOpts::default()) else {
        return;
    };
    let pid: u32 = std::fs::read_to_string(te.dir().unwrap().join("docker.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let store = synced_store(te.host()).await;
    let cs: Vec<_> = (0..N)
        .map(|i| {
            te.container(&format!("cost{i}"))
                .cmd(&["sleep", "900"])
                .start()
        })
        .collect();
    wait(&store, "all running", |s| {
        s.containers.values().filter(|c| c.pid.is_some()).count() >= N
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle = measure(pid, SECS).await;

    // oxker: one streaming request per container.
    let streams: Vec<_> = cs
        .iter()
        .map(|c| {
            let s = store.engine().stats(c.id(), true);
            tokio::spawn(async move {
                let mut s = std::pin::pin!(s);
                while s.next().await.is_some() {}
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let oxker = measure(pid, SECS).await;
    for s in streams {
        s.abort();
    }
    tokio::time::sleep(Duration::from_secs(5)).await;

    // Wharf's dashboards on a remote engine: the hub over the API, every container.
    let cfg = HubConfig {
        use_cgroups: false,
        ..Default::default()
    };
    let hub = StatsHub::spawn(store.engine().clone(), store.subscribe(), cfg);
    hub.sample_all(true);
    // Past the first pair of readings per container (one period).
    tokio::time::sleep(Duration::from_secs(35)).await;
    let wharf = measure(pid, SECS).await;
    let sampled = hub.view().series.len();
    drop(hub);

    let (ox, wh) = ((oxker - idle).max(0.0), (wharf - idle).max(0.0));
    println!(
        "dockerd CPU, {N} containers, {SECS} s each: idle {:.2} %, oxker-like streams {:.2} % \
         (+{:.2}), dashboards over the API {:.2} % (+{:.2}); extra cost ratio {:.3} \
         ({sampled} containers sampled)",
        idle * 100.0,
        oxker * 100.0,
        ox * 100.0,
        wharf * 100.0,
        wh * 100.0,
        if ox > 0.0 { wh / ox } else { f64::NAN },
    );
    assert!(sampled >= N, "every container sampled: {sampled}");
}

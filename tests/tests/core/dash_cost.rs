//! What the dashboards' remote sampling costs the engine, against oxker's way (one streaming
//! stats request per container), on a private engine in one run: the engine's CPU time
//! (dockerd, containerd and the shims: every process whose command line names the engine's
//! directory; utime + stime of them and of their reaped children, from `/proc/PID/stat`) while
//! idle, while N streams run, while the stats hub samples every container over the API
//! (`sample_all`, one request per container every `ALL_API_INTERVAL`, `one-shot`), and, for
//! comparison, while requests at the same cadence take two readings each (what a `stream=false`
//! request without `one-shot` makes the engine do). Ignored (minutes long; wants a quiet
//! machine): `cargo test -p wharf-tests --test core dash_cost -- --ignored --nocapture`;
//! `WHARF_DASH_COST_N` containers (default 20) and `WHARF_DASH_COST_SECS` per phase (default
//! 40; the engine's CPU is counted in 10 ms ticks, so small figures want long windows).

use std::time::Duration;

use futures_util::StreamExt;
use wharf_core::streams::stats::HubConfig;
use wharf_core::streams::{StatsHub, ALL_API_INTERVAL};
use wharf_tests::{PrivateOpts, TestEngine};

use crate::common::{synced_store, wait};

/// A process's user + system CPU time and its reaped children's, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th,
    // cutime and cstime the 14th and 15th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    (11..=14).map(|i| f.get(i).copied().unwrap_or(0)).sum()
}

/// The engine's processes: dockerd, containerd and the shims name the engine's directory on
/// their command lines (as bench/measure.py finds them).
fn engine_ticks(dir: &str) -> std::collections::HashMap<u32, u64> {
    let mut out = std::collections::HashMap::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if String::from_utf8_lossy(&cmd).contains(dir)
            && (comm.starts_with("dockerd") || comm.starts_with("containerd"))
        {
            out.insert(pid, cpu_ticks(pid));
        }
    }
    out
}

/// The engine's CPU share (of one core) over `secs`; processes that appear meanwhile count from
/// zero.
async fn measure(dir: &str, secs: u64) -> f64 {
    let before = engine_ticks(dir);
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let after = engine_ticks(dir);
    let ticks: u64 = after
        .iter()
        .map(|(p, t)| t.saturating_sub(before.get(p).copied().unwrap_or(0)))
        .sum();
    ticks as f64 / 100.0 / secs as f64
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: minutes long, wants a quiet machine"]
async fn dash_cost_remote_sampling_against_oxker() {
    let n = env_or("WHARF_DASH_COST_N", 20) as usize;
    let secs = env_or("WHARF_DASH_COST_SECS", 40);
    let Some(te) = TestEngine::private_or_skip(PrivateOpts::default()) else {
        return;
    };
    let dir = te.dir().unwrap().to_string_lossy().into_owned();
    let store = synced_store(te.host()).await;
    let cs: Vec<_> = (0..n)
        .map(|i| {
            te.container(&format!("cost{i}"))
                .cmd(&["sleep", "900"])
                .start()
        })
        .collect();
    wait(&store, "all running", |s| {
        s.containers.values().filter(|c| c.pid.is_some()).count() >= n
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle = measure(&dir, secs).await;

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
    let oxker = measure(&dir, secs).await;
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
    let wharf = measure(&dir, secs).await;
    let sampled = hub.view().series.len();
    drop(hub);
    tokio::time::sleep(Duration::from_secs(5)).await;

    // The same cadence with two readings per request: a stream's first two readings, as the
    // engine takes them for a `stream=false` request without `one-shot` (API < 1.41's way).
    let engine = store.engine().clone();
    let ids: Vec<String> = cs.iter().map(|c| c.id().to_owned()).collect();
    let pairs = tokio::spawn(async move {
        let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(4));
        let gap = ALL_API_INTERVAL / ids.len().max(1) as u32;
        loop {
            for id in &ids {
                let permit = sem.clone().acquire_owned().await.unwrap();
                let s = engine.stats(id, true);
                tokio::spawn(async move {
                    let _ = s.take(2).collect::<Vec<_>>().await;
                    drop(permit);
                });
                tokio::time::sleep(gap).await;
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(10)).await;
    let two = measure(&dir, secs).await;
    pairs.abort();

    let (ox, wh, tw) = (
        (oxker - idle).max(0.0),
        (wharf - idle).max(0.0),
        (two - idle).max(0.0),
    );
    let ratio = |x: f64| if ox > 0.0 { x / ox } else { f64::NAN };
    println!(
        "engine CPU (dockerd + containerd + shims), {n} containers, {secs} s each: idle {:.2} %, \
         oxker-like streams {:.2} % (+{:.2}), dashboards over the API {:.2} % (+{:.2}), \
         two readings per request at the same cadence {:.2} % (+{:.2}); extra cost ratio \
         {:.3} (two readings: {:.3}) ({sampled} containers sampled)",
        idle * 100.0,
        oxker * 100.0,
        ox * 100.0,
        wharf * 100.0,
        wh * 100.0,
        two * 100.0,
        tw * 100.0,
        ratio(wh),
        ratio(tw),
    );
    assert!(sampled >= n, "every container sampled: {sampled}");
}

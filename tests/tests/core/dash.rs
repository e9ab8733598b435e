//! The dashboard's engine-wide series on the real engine: with the hub sampling every
//! running container (no container watched), a busy compose service shows in the engine's
//! CPU graph under its project and in its project's graph under its service, from cgroups
//! and over the API (held between readings).

use std::time::Duration;

use wharf_core::chart::dash::{DashMetric, DashSeries};
use wharf_core::model::ContainerId;
use wharf_core::streams::stats::HubConfig;
use wharf_core::streams::{DashScope, EngineSeries, Stacking, StatsHub};
use wharf_tests::{require_engine, unique_name};

use crate::common::{synced_store, wait};

/// The newest value of `group`'s band in `metric`'s graph.
fn newest(d: &DashSeries, metric: DashMetric, group: &str) -> Option<f64> {
    let chart = d.chart(metric)?;
    let g = chart.groups.iter().position(|x| x == group)?;
    chart.values[g].last().copied()
}

async fn busy_project_shows(use_cgroups: bool) {
    let te = require_engine!();
    let store = synced_store(te.host()).await;
    let project = unique_name(if use_cgroups { "dash-cg" } else { "dash-api" });
    let burn = te
        .container("burn")
        .compose(&project, "burn")
        .args(&["--cpus", "0.5"])
        .cmd(&["sh", "-c", "while :; do :; done"])
        .start();
    let rest = te
        .container("rest")
        .compose(&project, "rest")
        .cmd(&["sleep", "300"])
        .start();
    let ids = [ContainerId::from(burn.id()), ContainerId::from(rest.id())];
    wait(&store, "both running and inspected", |s| {
        ids.iter()
            .all(|id| s.containers.get(id).is_some_and(|c| c.pid.is_some()))
    })
    .await;
    let cfg = HubConfig {
        use_cgroups,
        all_api_interval: Duration::from_secs(2),
        ..Default::default()
    };
    let hub = StatsHub::spawn(store.engine().clone(), store.subscribe(), cfg);
    // Nothing on screen: only the dashboards' "every running container".
    hub.sample_all(true);
    let mut rx = hub.subscribe();
    let mut agg = EngineSeries::default();
    let scope = DashScope::Project {
        name: project.clone(),
    };
    let (engine, mine) = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let view = rx.borrow_and_update().clone();
            let snap = store.snapshot();
            agg.learn(&snap, &view);
            let engine = agg.series(&view, &snap, &DashScope::Engine, Stacking::Group);
            let mine = agg.series(&view, &snap, &scope, Stacking::Group);
            let busy =
                |d: &DashSeries, g: &str| newest(d, DashMetric::Cpu, g).unwrap_or(0.0) > 0.05;
            if busy(&engine, &project)
                && busy(&mine, "burn")
                && newest(&mine, DashMetric::Memory, "rest").unwrap_or(0.0) > 0.0
            {
                return (engine, mine);
            }
            if rx.changed().await.is_err() {
                panic!("hub stopped");
            }
        }
    })
    .await
    .unwrap_or_else(|_| {
        let view = hub.view();
        panic!(
            "the busy service never showed (cgroups: {use_cgroups}); sampled {} containers",
            view.series.len()
        )
    });
    // The project's CPU is the busy loop, capped by its limit (half a core, with slack for
    // the sampling interval's jitter).
    let cpu = newest(&mine, DashMetric::Cpu, "burn").unwrap_or(0.0);
    assert!(cpu < 0.75, "a 0.5-CPU limit: {cpu}");
    assert!(newest(&mine, DashMetric::Cpu, "rest").unwrap_or(1.0) < 0.05);
    assert_eq!(mine.running, 2);
    assert_eq!(mine.charts.len(), 6);
    assert!(engine.running >= 2 && engine.host_cpus > 0 && engine.host_memory > 0);
    let total = engine.chart(DashMetric::Cpu).unwrap().totals();
    assert!(total.last().copied().unwrap_or(0.0) >= cpu * 0.99);
    // Exports of what the engine showed are well formed.
    let opts = wharf_core::chart::dash::default_options();
    let png = wharf_core::chart::dash::png(&mine, &[], &opts).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    let csv = wharf_core::chart::dash::csv(&mine).unwrap();
    assert!(csv.lines().any(|l| l.contains(",cpu,burn,")), "{csv}");

    // Closing the dashboard stops sampling what nobody watches.
    hub.sample_all(false);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before = hub.view().series.get(&ids[0]).map_or(0, |s| s.len());
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = hub.view().series.get(&ids[0]).map_or(0, |s| s.len());
    assert_eq!(before, after, "no new samples once nothing asks for them");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dash_series_from_cgroups() {
    busy_project_shows(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dash_series_over_the_api() {
    busy_project_shows(false).await;
}

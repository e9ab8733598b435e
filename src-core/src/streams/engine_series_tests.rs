//! The dashboard's aggregation: stacking by group and by top N with the rest summed, a
//! container that stops, a recreated one, remote samples held between readings.

#![allow(clippy::unwrap_used)]
use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::model::{ComposeRef, EngineInfo};
use crate::streams::Series;

fn container(id: &str, name: &str, project: Option<(&str, &str)>, running: bool) -> Container {
    let mut labels = BTreeMap::new();
    if let Some((p, s)) = project {
        labels.insert(crate::model::COMPOSE_PROJECT_LABEL.to_owned(), p.to_owned());
        labels.insert(crate::model::COMPOSE_SERVICE_LABEL.to_owned(), s.to_owned());
    }
    Container {
        id: ContainerId::from(id),
        name: name.to_owned(),
        image: "busybox".into(),
        image_id: None,
        command: "sh".into(),
        created: 1,
        state: if running {
            ContainerState::Running
        } else {
            ContainerState::Exited
        },
        status: String::new(),
        health: None,
        started_at: Some(1),
        finished_at: None,
        exit_code: None,
        restart_count: None,
        ports: Vec::new(),
        mounts: Vec::new(),
        networks: Vec::new(),
        compose: ComposeRef::from_labels(&labels),
        labels,
        pid: None,
        cpu_limit: None,
        memory_limit: None,
        tty: false,
        security: None,
        detailed: false,
    }
}

/// Samples at seconds `from..to` (Unix s, offset) of `cpu` % and `mem` bytes.
fn series(from: i64, to: i64, cpu: f64, mem: u64) -> Series {
    let mut s = Series::default();
    for t in from..to {
        s.push(Sample {
            at_ms: 1_000_000 + t * 1000 + 7,
            cpu_pct: cpu,
            mem_used: mem,
            net_rx_rate: 10.0,
            ..Default::default()
        });
    }
    s
}

fn snap(cs: Vec<Container>) -> Snapshot {
    let mut s = Snapshot::empty("unix:///x".into());
    s.engine = Some(Arc::new(EngineInfo {
        cpus: 4,
        memory: 1000,
        ..Default::default()
    }));
    s.containers = Arc::new(
        cs.into_iter()
            .map(|c| (c.id.clone(), Arc::new(c)))
            .collect(),
    );
    s
}

fn view(entries: Vec<(&str, Series, SampleSource)>) -> StatsView {
    let mut v = StatsView::default();
    for (id, s, src) in entries {
        v.series.insert(ContainerId::from(id), s);
        v.sources.insert(ContainerId::from(id), src);
    }
    v
}

fn band<'a>(chart: &'a DashChart, group: &str) -> &'a [f64] {
    let i = chart.groups.iter().position(|g| g == group).unwrap();
    &chart.values[i]
}

#[test]
fn engine_graphs_stack_by_project_and_sum_to_the_total() {
    let s = snap(vec![
        container("a1", "web-1", Some(("shop", "web")), true),
        container("a2", "db-1", Some(("shop", "db")), true),
        container("b1", "api-1", Some(("blog", "api")), true),
        container("c1", "lone", None, true),
    ]);
    let v = view(vec![
        ("a1", series(0, 10, 50.0, 100), SampleSource::Cgroup),
        ("a2", series(0, 10, 25.0, 200), SampleSource::Cgroup),
        ("b1", series(0, 10, 100.0, 50), SampleSource::Cgroup),
        ("c1", series(0, 10, 10.0, 1), SampleSource::Cgroup),
    ]);
    let mut es = EngineSeries::default();
    es.learn(&s, &v);
    let d = es.series(&v, &s, &DashScope::Engine, Stacking::Group);
    assert_eq!(d.at_ms.len(), 10, "one point a second");
    assert!(d.at_ms.iter().all(|t| t % 1000 == 0));
    assert_eq!((d.running, d.sampled, d.host_cpus), (4, 4, 4));
    let cpu = d.chart(DashMetric::Cpu).unwrap();
    assert_eq!(cpu.groups, ["(no project)", "blog", "shop"]);
    assert_eq!(band(cpu, "shop")[3], 0.75, "cores: 50 % + 25 % of a core");
    assert_eq!(band(cpu, "blog")[3], 1.0);
    let total: f64 = cpu.totals()[9];
    assert!((total - 1.85).abs() < 1e-9);
    assert!(cpu.caption.contains("1.85 cores"), "{}", cpu.caption);
    assert!(cpu.caption.contains("46.2 % of 4 CPUs"), "{}", cpu.caption);
    let mem = d.chart(DashMetric::Memory).unwrap();
    assert_eq!(band(mem, "shop")[0], 300.0);
    assert_eq!(mem.limit, Some(1000.0), "the host's memory is within reach");
    // One project: its services are the bands.
    let p = es.series(
        &v,
        &s,
        &DashScope::Project {
            name: "shop".into(),
        },
        Stacking::Group,
    );
    let cpu = p.chart(DashMetric::Cpu).unwrap();
    assert_eq!(cpu.groups, ["db", "web"]);
    assert_eq!(p.running, 2);
}

#[test]
fn top_n_keeps_the_biggest_and_sums_the_rest_as_other() {
    let cs: Vec<Container> = (0..5)
        .map(|i| container(&format!("c{i}"), &format!("n{i}"), None, true))
        .collect();
    let s = snap(cs);
    let v = view(
        (0..5)
            .map(|i| {
                let id: &'static str = ["c0", "c1", "c2", "c3", "c4"][i];
                // CPU grows with i, memory shrinks with it.
                (
                    id,
                    series(0, 5, 10.0 * (i + 1) as f64, 100 - i as u64),
                    SampleSource::Cgroup,
                )
            })
            .collect(),
    );
    let mut es = EngineSeries::default();
    es.learn(&s, &v);
    let d = es.series(&v, &s, &DashScope::Engine, Stacking::Top { n: 2 });
    let cpu = d.chart(DashMetric::Cpu).unwrap();
    assert_eq!(cpu.groups, ["n3", "n4", "other"]);
    assert!((band(cpu, "other")[0] - 0.6).abs() < 1e-9, "10+20+30 %");
    let mem = d.chart(DashMetric::Memory).unwrap();
    assert_eq!(
        mem.groups,
        ["n0", "n1", "other"],
        "each graph ranks its own quantity"
    );
    // Nothing left over: no "other".
    let all = es.series(&v, &s, &DashScope::Engine, Stacking::Top { n: 9 });
    assert!(!all.charts[0].groups.iter().any(|g| g == "other"));
}

#[test]
fn a_stopped_container_counts_until_its_last_sample_only() {
    let s = snap(vec![
        container("a", "alive", None, true),
        container("b", "stopped", None, false),
    ]);
    let v = view(vec![
        ("a", series(0, 10, 100.0, 1), SampleSource::Cgroup),
        ("b", series(0, 4, 100.0, 1), SampleSource::Cgroup),
    ]);
    let mut es = EngineSeries::default();
    es.learn(&s, &v);
    let d = es.series(&v, &s, &DashScope::Engine, Stacking::Top { n: 5 });
    let totals = d.chart(DashMetric::Cpu).unwrap().totals();
    assert_eq!(totals[3], 2.0);
    assert_eq!(totals[4], 0.0 + 1.0, "the stopped one is not held");
    assert_eq!(totals[9], 1.0);
    assert_eq!((d.running, d.sampled), (1, 1));
}

#[test]
fn a_recreated_container_continues_its_band() {
    // The old container is gone from the snapshot; the hub still holds its samples.
    let old = snap(vec![container("old", "web-1", Some(("shop", "web")), true)]);
    let mut es = EngineSeries::default();
    let v = view(vec![
        ("old", series(0, 5, 50.0, 1), SampleSource::Cgroup),
        ("new", series(6, 10, 50.0, 1), SampleSource::Cgroup),
    ]);
    es.learn(
        &old,
        &view(vec![("old", series(0, 5, 50.0, 1), SampleSource::Cgroup)]),
    );
    let now = snap(vec![container("new", "web-1", Some(("shop", "web")), true)]);
    es.learn(&now, &v);
    for stacking in [Stacking::Group, Stacking::Top { n: 3 }] {
        let d = es.series(&v, &now, &DashScope::Engine, stacking);
        let cpu = d.chart(DashMetric::Cpu).unwrap();
        assert_eq!(
            cpu.groups.len(),
            1,
            "{stacking:?}: one band, not two: {:?}",
            cpu.groups
        );
        assert_eq!(cpu.values[0][0], 0.5);
        assert_eq!(cpu.values[0].last().copied(), Some(0.5));
        assert_eq!(
            d.at_ms.len(),
            9,
            "no point for the second nobody was sampled"
        );
    }
    // Forgotten once the hub no longer holds its samples either.
    es.learn(
        &now,
        &view(vec![("new", series(6, 10, 50.0, 1), SampleSource::Cgroup)]),
    );
    assert!(!es.who.contains_key(&ContainerId::from("old")));
}

#[test]
fn remote_samples_are_held_between_readings() {
    let s = snap(vec![
        container("local", "l", None, true),
        container("remote", "r", None, true),
    ]);
    let mut sparse = Series::default();
    for t in [0, 20] {
        sparse.push(Sample {
            at_ms: 1_000_000 + t * 1000,
            cpu_pct: 100.0,
            ..Default::default()
        });
    }
    let v = view(vec![
        ("local", series(0, 30, 0.0, 0), SampleSource::Cgroup),
        ("remote", sparse, SampleSource::Api),
    ]);
    let mut es = EngineSeries::default();
    es.learn(&s, &v);
    let d = es.series(&v, &s, &DashScope::Engine, Stacking::Group);
    let totals = d.chart(DashMetric::Cpu).unwrap().totals();
    assert!(totals.iter().all(|&c| c == 1.0), "{totals:?}");
}

#[test]
fn nothing_sampled_gives_empty_graphs() {
    let s = snap(vec![]);
    let v = StatsView::default();
    let mut es = EngineSeries::default();
    es.learn(&s, &v);
    let d = es.series(
        &v,
        &s,
        &DashScope::Service { name: "x".into() },
        Stacking::Group,
    );
    assert!(d.at_ms.is_empty());
    assert_eq!(d.charts.len(), 6);
    assert!(d.charts.iter().all(|c| c.groups.is_empty()));
}

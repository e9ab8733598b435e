//! Engine-wide series: the stats hub's per-container samples summed into the dashboard's six
//! stacked graphs ([`DashSeries`]) for the whole engine, one compose project or one Swarm
//! service, over the hub's window (15 minutes) at its 1 s resolution.
//!
//! The hub keeps each container's series; this module only sums them, so nothing is stored
//! twice and the graphs always cover what the hub holds. [`EngineSeries`] remembers who each
//! sampled container was (name, project, service) for as long as the hub keeps its samples,
//! so a container that was removed (or recreated under a new id) still counts in the past
//! part of the graphs, under the same group or the same name.
//!
//! Time: samples are put on a grid of whole seconds (the hub reads every local cgroup with
//! one clock reading a tick, so a tick's samples share a second). A container read over the
//! API is sampled every few seconds: its newest value is held until the next one (at most
//! [`API_HOLD_MS`]), so the stack does not saw-tooth between readings. A container that is
//! no longer running contributes nothing after its last sample.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::stats::{SampleSource, StatsView};
use crate::chart::dash::{caption, DashChart, DashMetric, DashSeries, MAX_GROUPS, OTHER_LABEL};
use crate::model::{Container, ContainerId, ContainerState, Sample};
use crate::store::Snapshot;

/// The label Swarm puts on a task's container naming its service.
pub const SWARM_SERVICE_LABEL: &str = "com.docker.swarm.service.name";
/// The group of containers with no compose project.
pub const NO_PROJECT: &str = "(no project)";
/// How long an API-sampled container's newest value stands for it.
pub const API_HOLD_MS: i64 = 60_000;
/// How long a cgroup-sampled container's value stands in for a missed tick.
const CGROUP_HOLD_MS: i64 = 1_000;

/// Whose containers the graphs show.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DashScope {
    /// Every container.
    Engine,
    /// One compose project's containers.
    Project { name: String },
    /// One Swarm service's task containers (on this engine).
    Service { name: String },
}

impl DashScope {
    fn contains(&self, who: &Who) -> bool {
        match self {
            DashScope::Engine => true,
            DashScope::Project { name } => who.project.as_deref() == Some(name),
            DashScope::Service { name } => who.swarm_service.as_deref() == Some(name),
        }
    }

    /// For headers and file names: `engine`, `project NAME`, `service NAME`.
    pub fn describe(&self) -> String {
        match self {
            DashScope::Engine => "engine".to_owned(),
            DashScope::Project { name } => format!("project {name}"),
            DashScope::Service { name } => format!("service {name}"),
        }
    }
}

/// What each graph's bands are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Stacking {
    /// By compose project (engine), by compose service (a project), by container (a service);
    /// at most [`MAX_GROUPS`] bands, the smallest summed into "other".
    Group,
    /// The `n` containers using the most of each graph's quantity, the rest summed.
    Top { n: usize },
}

impl Stacking {
    pub fn describe(self) -> String {
        match self {
            Stacking::Group => "by group".to_owned(),
            Stacking::Top { n } => format!("top {n}"),
        }
    }
}

/// Who a sampled container is.
#[derive(Debug, Clone, PartialEq)]
struct Who {
    name: String,
    project: Option<String>,
    service: Option<String>,
    swarm_service: Option<String>,
}

impl Who {
    fn of(c: &Container) -> Who {
        Who {
            name: c.name.clone(),
            project: c.compose.as_ref().map(|r| r.project.clone()),
            service: c.compose.as_ref().and_then(|r| r.service.clone()),
            swarm_service: c.labels.get(SWARM_SERVICE_LABEL).cloned(),
        }
    }

    fn group(&self, scope: &DashScope) -> &str {
        match scope {
            DashScope::Engine => self.project.as_deref().unwrap_or(NO_PROJECT),
            DashScope::Project { .. } => self.service.as_deref().unwrap_or(&self.name),
            DashScope::Service { .. } => &self.name,
        }
    }
}

/// The dashboard's aggregation state: who each sampled container is.
#[derive(Debug, Default)]
pub struct EngineSeries {
    who: HashMap<ContainerId, Who>,
}

impl EngineSeries {
    /// Learn the containers of `snap`; forget those neither in it nor in `view`.
    pub fn learn(&mut self, snap: &Snapshot, view: &StatsView) {
        for c in snap.containers.values() {
            if self.who.get(&c.id).is_none_or(|w| w.name != c.name) {
                self.who.insert(c.id.clone(), Who::of(c));
            }
        }
        self.who
            .retain(|id, _| snap.containers.contains_key(id) || view.series.contains_key(id));
    }

    /// The six graphs of `scope`, stacked by `stacking`, over what the hub holds.
    pub fn series(
        &self,
        view: &StatsView,
        snap: &Snapshot,
        scope: &DashScope,
        stacking: Stacking,
    ) -> DashSeries {
        let (host_cpus, host_memory) = snap.engine.as_ref().map_or((0, 0), |e| (e.cpus, e.memory));
        let mut running = 0;
        let mut sampled = 0;
        // (group key, samples, hold) of each member with samples.
        let mut members: Vec<(&str, &Who, Vec<&Sample>, i64)> = Vec::new();
        for (id, who) in &self.who {
            if !scope.contains(who) {
                continue;
            }
            let alive = snap
                .containers
                .get(id)
                .is_some_and(|c| c.state == ContainerState::Running);
            running += usize::from(alive);
            let Some(series) = view.series.get(id) else {
                continue;
            };
            sampled += usize::from(alive);
            let hold = match (alive, view.sources.get(id)) {
                (false, _) => 0,
                (true, Some(SampleSource::Api)) => API_HOLD_MS,
                (true, _) => CGROUP_HOLD_MS,
            };
            let key = match stacking {
                Stacking::Group => who.group(scope),
                Stacking::Top { .. } => who.name.as_str(),
            };
            members.push((key, who, series.iter().collect(), hold));
        }
        let mut grid: Vec<i64> = members
            .iter()
            .flat_map(|(_, _, s, _)| s.iter().map(|x| second(x.at_ms)))
            .collect();
        grid.sort_unstable();
        grid.dedup();
        let charts = DashMetric::ALL
            .iter()
            .map(|&metric| {
                // Each group's values on the grid (members of one group summed).
                let mut by_key: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
                for (key, _, samples, hold) in &members {
                    let vals = on_grid(&grid, samples, *hold, metric);
                    let acc = by_key.entry(key).or_insert_with(|| vec![0.0; grid.len()]);
                    for (a, v) in acc.iter_mut().zip(vals) {
                        *a += v;
                    }
                }
                let keep = match stacking {
                    Stacking::Group => MAX_GROUPS,
                    Stacking::Top { n } => n,
                };
                let chart = stack(by_key, keep, grid.len());
                let total = chart
                    .iter()
                    .map(|(_, v)| v.last().copied().unwrap_or(0.0))
                    .sum();
                let peak = (0..grid.len())
                    .map(|t| chart.iter().map(|(_, v)| v[t]).sum::<f64>())
                    .fold(0.0, f64::max);
                let limit = (metric == DashMetric::Memory
                    && host_memory > 0
                    && (host_memory as f64) <= peak.max(1.0) * 4.0)
                    .then_some(host_memory as f64);
                DashChart {
                    metric,
                    caption: caption(metric, total, host_cpus, host_memory),
                    groups: chart.iter().map(|(k, _)| k.clone()).collect(),
                    values: chart.into_iter().map(|(_, v)| v).collect(),
                    limit,
                }
            })
            .collect();
        DashSeries {
            at_ms: grid,
            charts,
            host_cpus,
            host_memory,
            running,
            sampled,
        }
    }
}

fn second(ms: i64) -> i64 {
    ms.div_euclid(1000) * 1000
}

fn value(metric: DashMetric, s: &Sample) -> f64 {
    match metric {
        DashMetric::Cpu => s.cpu_pct / 100.0,
        DashMetric::Memory => s.mem_used as f64,
        DashMetric::NetRx => s.net_rx_rate,
        DashMetric::NetTx => s.net_tx_rate,
        DashMetric::BlockRead => s.blk_read_rate,
        DashMetric::BlockWrite => s.blk_write_rate,
    }
}

/// A member's value at each grid time: its newest sample at or before it, if no older than
/// `hold` (0 at times it has no sample for).
fn on_grid(grid: &[i64], samples: &[&Sample], hold: i64, metric: DashMetric) -> Vec<f64> {
    let mut out = Vec::with_capacity(grid.len());
    let mut next = 0;
    let mut cur: Option<&Sample> = None;
    for &t in grid {
        while next < samples.len() && second(samples[next].at_ms) <= t {
            cur = Some(samples[next]);
            next += 1;
        }
        out.push(match cur {
            Some(s) if t - second(s.at_ms) <= hold => value(metric, s),
            _ => 0.0,
        });
    }
    out
}

/// The `keep` groups with the most in total (ties by name), in name order, then the rest
/// summed as "other" when there is a rest.
fn stack(by_key: BTreeMap<&str, Vec<f64>>, keep: usize, len: usize) -> Vec<(String, Vec<f64>)> {
    let mut ranked: Vec<(&str, Vec<f64>, f64)> = by_key
        .into_iter()
        .map(|(k, v)| {
            let sum = v.iter().sum();
            (k, v, sum)
        })
        .collect();
    ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(b.0)));
    let rest = ranked.split_off(keep.min(ranked.len()));
    ranked.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<(String, Vec<f64>)> = ranked
        .into_iter()
        .map(|(k, v, _)| (k.to_owned(), v))
        .collect();
    if !rest.is_empty() {
        let mut other = vec![0.0; len];
        for (_, v, _) in rest {
            for (o, x) in other.iter_mut().zip(v) {
                *o += x;
            }
        }
        out.push((OTHER_LABEL.to_owned(), other));
    }
    out
}

#[cfg(test)]
#[path = "engine_series_tests.rs"]
mod tests;

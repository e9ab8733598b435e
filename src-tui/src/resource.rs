//! One table, many descriptors: each resource kind contributes columns and typed rows; the
//! table view, sorting, filtering and marks work the same for all of them.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use wharf_core::model::{Container, ContainerState, Health};
use wharf_core::rules::networks::is_builtin;
use wharf_core::store::Snapshot;
use wharf_core::streams::StatsView;

use crate::format::{ago, bytes, duration, rate};

/// The screens of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Containers,
    Images,
    Networks,
    Volumes,
    Projects,
    Events,
    Engine,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Containers,
        View::Images,
        View::Networks,
        View::Volumes,
        View::Projects,
        View::Events,
        View::Engine,
    ];

    pub fn name(self) -> &'static str {
        match self {
            View::Containers => "containers",
            View::Images => "images",
            View::Networks => "networks",
            View::Volumes => "volumes",
            View::Projects => "projects",
            View::Events => "events",
            View::Engine => "engine",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.iter().copied().find(|v| v.name() == s)
    }
}

/// How a cell is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Running,
    Paused,
    Stopped,
    Error,
    Muted,
    Accent,
}

/// What a column sorts by.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Text(String),
    Num(f64),
    /// Sorts after everything (no value yet).
    Missing,
}

impl SortKey {
    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            // Text keys are stored lowercase, so sorting allocates nothing.
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Missing, _) => Ordering::Greater,
            (_, SortKey::Missing) => Ordering::Less,
            (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub sort: SortKey,
    pub tone: Tone,
}

impl Cell {
    /// Text from the engine is made inert: labels and commands may hold escape sequences.
    fn text(s: impl Into<String>) -> Cell {
        let text = crate::format::inert(&s.into());
        Cell {
            sort: SortKey::Text(text.to_lowercase()),
            text,
            tone: Tone::Normal,
        }
    }

    fn num(text: impl Into<String>, n: f64) -> Cell {
        Cell {
            text: text.into(),
            sort: SortKey::Num(n),
            tone: Tone::Normal,
        }
    }

    fn missing(text: &str) -> Cell {
        Cell {
            text: text.into(),
            sort: SortKey::Missing,
            tone: Tone::Muted,
        }
    }

    fn tone(mut self, t: Tone) -> Cell {
        self.tone = t;
        self
    }
}

/// A row: the object's key (id or name), its cells, and what filters look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    /// What the user calls it (for confirmations and messages).
    pub name: String,
    pub cells: Vec<Cell>,
    /// Lowercase-insensitive text searched by `/` filters.
    pub search: String,
    pub labels: BTreeMap<String, String>,
    /// Containers: whether the container is running (drives the stopped toggle and actions).
    pub state: Option<ContainerState>,
}

/// A column: title, width bounds, right-aligned numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    pub min: u16,
    pub max: u16,
    pub numeric: bool,
}

const fn col(title: &'static str, min: u16, max: u16, numeric: bool) -> Column {
    Column {
        title,
        min,
        max,
        numeric,
    }
}

const CONTAINER_COLUMNS: &[Column] = &[
    col("NAME", 12, 40, false),
    col("IMAGE", 10, 32, false),
    col("STATE", 9, 20, false),
    col("STATUS", 8, 14, false),
    col("CPU%", 6, 7, true),
    col("MEM", 6, 9, true),
    col("NET ↓/↑", 9, 19, true),
    col("PORTS", 6, 40, false),
    col("PROJECT", 7, 20, false),
];

const IMAGE_COLUMNS: &[Column] = &[
    col("REPOSITORY:TAG", 16, 60, false),
    col("ID", 12, 12, false),
    col("SIZE", 8, 10, true),
    col("CREATED", 8, 10, true),
    col("USED BY", 7, 8, true),
];

const NETWORK_COLUMNS: &[Column] = &[
    col("NAME", 12, 40, false),
    col("ID", 12, 12, false),
    col("DRIVER", 6, 10, false),
    col("SCOPE", 5, 7, false),
    col("SUBNET", 8, 20, false),
    col("CONTAINERS", 10, 10, true),
    col("INTERNAL", 8, 8, false),
];

const VOLUME_COLUMNS: &[Column] = &[
    col("NAME", 12, 64, false),
    col("DRIVER", 6, 10, false),
    col("USED BY", 7, 8, true),
    col("MOUNTPOINT", 10, 80, false),
];

const PROJECT_COLUMNS: &[Column] = &[
    col("PROJECT", 10, 30, false),
    col("SERVICES", 8, 50, false),
    col("RUNNING", 7, 9, true),
    col("STATE", 8, 20, false),
];

const EVENT_COLUMNS: &[Column] = &[
    col("TIME", 8, 8, false),
    col("TYPE", 9, 9, false),
    col("ACTION", 10, 28, false),
    col("OBJECT", 12, 40, false),
    col("DETAILS", 10, 80, false),
];

pub fn columns(view: View) -> &'static [Column] {
    match view {
        View::Containers => CONTAINER_COLUMNS,
        View::Images => IMAGE_COLUMNS,
        View::Networks => NETWORK_COLUMNS,
        View::Volumes => VOLUME_COLUMNS,
        View::Projects => PROJECT_COLUMNS,
        View::Events => EVENT_COLUMNS,
        View::Engine => &[],
    }
}

/// What row building needs besides the snapshot.
pub struct RowContext<'a> {
    pub snap: &'a Snapshot,
    pub stats: &'a StatsView,
    /// Unix seconds, fixed per frame (and in tests).
    pub now: i64,
    pub show_stopped: bool,
}

pub fn rows(view: View, cx: &RowContext<'_>) -> Vec<Row> {
    match view {
        View::Containers => cx
            .snap
            .containers
            .values()
            .filter(|c| cx.show_stopped || c.state.is_alive())
            .map(|c| container_row(c, cx))
            .collect(),
        View::Images => image_rows(cx),
        View::Networks => network_rows(cx),
        View::Volumes => volume_rows(cx),
        View::Projects => project_rows(cx),
        View::Events => event_rows(cx),
        View::Engine => Vec::new(),
    }
}

pub fn state_tone(state: ContainerState, health: Option<Health>) -> Tone {
    match (state, health) {
        (_, Some(Health::Unhealthy)) => Tone::Error,
        (ContainerState::Running, _) => Tone::Running,
        (ContainerState::Paused, _) | (ContainerState::Restarting, _) => Tone::Paused,
        (ContainerState::Dead, _) => Tone::Error,
        _ => Tone::Stopped,
    }
}

fn container_row(c: &Container, cx: &RowContext<'_>) -> Row {
    let mut state_text = match c.health {
        Some(h) => format!("{} ({})", c.state, h.as_str()),
        None => c.state.to_string(),
    };
    let object = wharf_core::store::ObjectRef::Container(c.id.clone());
    let stale = cx.snap.refresh_failure(&object).is_some();
    if stale {
        // Its refetch fails: the row shows the last data fetched (see the header's count).
        state_text.push_str(" ⚠");
    }
    let status = status_cell(c, cx.now);
    let [cpu, mem, net] = stats_cells(c.id.as_str(), c.state, cx.stats);
    let ports = c
        .ports
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let project = c.project().unwrap_or("").to_owned();
    let search = format!(
        "{} {} {} {} {} {}",
        c.name,
        c.image,
        c.state,
        c.id.short(),
        project,
        ports
    );
    Row {
        key: c.id.to_string(),
        name: c.name.clone(),
        cells: vec![
            Cell::text(c.name.clone()).tone(Tone::Accent),
            Cell::text(c.image.clone()),
            Cell::text(state_text).tone(if stale {
                Tone::Error
            } else {
                state_tone(c.state, c.health)
            }),
            status,
            cpu,
            mem,
            net,
            Cell::text(ports),
            Cell::text(project),
        ],
        search,
        labels: c.labels.clone(),
        state: Some(c.state),
    }
}

/// The STATUS cell: uptime for live containers (it depends on the clock), exit code otherwise.
fn status_cell(c: &Container, now: i64) -> Cell {
    match c.state {
        ContainerState::Running | ContainerState::Paused => match c.started_at {
            Some(t) => Cell::num(format!("up {}", duration(now - t)), (now - t) as f64),
            None => Cell::text(c.status.clone()),
        },
        ContainerState::Exited | ContainerState::Dead => {
            let code = c
                .exit_code
                .map_or(String::from("exited"), |e| format!("exit {e}"));
            let tone = if c.exit_code.unwrap_or(0) == 0 {
                Tone::Muted
            } else {
                Tone::Error
            };
            Cell::text(code).tone(tone)
        }
        _ => Cell::text(c.state.as_str()),
    }
}

/// After a clock tick, refresh the uptime cells of container `rows` in place (their order does
/// not change: every uptime grows alike).
pub fn update_clock(rows: &mut [Row], snap: &Snapshot, now: i64) {
    for row in rows {
        if let Some(c) = snap.containers.get(row.key.as_str()) {
            if c.state.is_alive() && c.started_at.is_some() {
                row.cells[STATUS_COLUMN] = status_cell(c, now);
            }
        }
    }
}

/// Where STATUS is in [`CONTAINER_COLUMNS`].
const STATUS_COLUMN: usize = 3;

/// Where the live columns (CPU%, MEM, NET) start in [`CONTAINER_COLUMNS`].
const STATS_COLUMNS: std::ops::Range<usize> = 4..7;

/// The live cells of one container row: its latest sample, `…` while a running container
/// has none yet, blank when it is not running.
fn stats_cells(id: &str, state: ContainerState, stats: &StatsView) -> [Cell; 3] {
    let sample = stats
        .latest(id)
        .filter(|_| state == ContainerState::Running);
    match sample {
        Some(s) => [
            Cell::num(format!("{:.1}", s.cpu_pct), s.cpu_pct),
            Cell::num(bytes(s.mem_used), s.mem_used as f64),
            Cell::num(
                format!("{}/{}", rate(s.net_rx_rate), rate(s.net_tx_rate)),
                s.net_rx_rate + s.net_tx_rate,
            ),
        ],
        None if state == ContainerState::Running => {
            [Cell::missing("…"), Cell::missing("…"), Cell::missing("…")]
        }
        None => [Cell::missing(""), Cell::missing(""), Cell::missing("")],
    }
}

/// After new stats, update the live cells of container `rows` in place, when that is all that
/// changes: filters never look at stats, so membership stays, and so does the order unless
/// the table is sorted by a live column. Returns `false` (nothing done) in that case, when
/// the rows must be rebuilt.
pub fn update_stats(rows: &mut [Row], sort_col: usize, stats: &StatsView) -> bool {
    if STATS_COLUMNS.contains(&sort_col) {
        return false;
    }
    for row in rows {
        let Some(state) = row.state else {
            continue;
        };
        let live = stats_cells(&row.key, state, stats);
        for (cell, new) in row.cells[STATS_COLUMNS].iter_mut().zip(live) {
            *cell = new;
        }
    }
    true
}

fn image_rows(cx: &RowContext<'_>) -> Vec<Row> {
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cx.snap.containers.values() {
        if let Some(i) = &c.image_id {
            *used.entry(i.as_str()).or_default() += 1;
        }
    }
    cx.snap
        .images
        .values()
        .map(|i| {
            let name = if i.tags.is_empty() {
                "<none>".to_owned()
            } else {
                i.tags.join(", ")
            };
            let n = used.get(i.id.as_str()).copied().unwrap_or(0);
            Row {
                key: i.id.to_string(),
                name: i.display_name().to_owned(),
                search: format!("{name} {}", i.id.short()),
                cells: vec![
                    Cell::text(name).tone(if i.is_dangling() {
                        Tone::Muted
                    } else {
                        Tone::Accent
                    }),
                    Cell::text(i.id.short()),
                    Cell::num(bytes(i.size.max(0) as u64), i.size as f64),
                    Cell::num(ago(cx.now - i.created), -(i.created as f64)),
                    Cell::num(n.to_string(), n as f64),
                ],
                labels: i.labels.clone(),
                state: None,
            }
        })
        .collect()
}

fn network_rows(cx: &RowContext<'_>) -> Vec<Row> {
    let mut attached: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cx.snap.containers.values() {
        for n in &c.networks {
            *attached.entry(n.as_str()).or_default() += 1;
        }
    }
    cx.snap
        .networks
        .values()
        .map(|n| {
            let count = attached.get(n.name.as_str()).copied().unwrap_or(0);
            Row {
                key: n.id.to_string(),
                name: n.name.clone(),
                search: format!("{} {} {}", n.name, n.driver, n.id.short()),
                cells: vec![
                    Cell::text(n.name.clone()).tone(if is_builtin(&n.name) {
                        Tone::Muted
                    } else {
                        Tone::Accent
                    }),
                    Cell::text(n.id.short()),
                    Cell::text(n.driver.clone()),
                    Cell::text(n.scope.clone()),
                    Cell::text(n.subnets.join(", ")),
                    Cell::num(count.to_string(), count as f64),
                    Cell::text(if n.internal { "yes" } else { "" }),
                ],
                labels: n.labels.clone(),
                state: None,
            }
        })
        .collect()
}

fn volume_rows(cx: &RowContext<'_>) -> Vec<Row> {
    let mut users: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cx.snap.containers.values() {
        for m in &c.mounts {
            if let Some(n) = &m.name {
                *users.entry(n.as_str()).or_default() += 1;
            }
        }
    }
    cx.snap
        .volumes
        .values()
        .map(|v| {
            let n = users.get(v.name.as_str()).copied().unwrap_or(0);
            Row {
                key: v.name.to_string(),
                name: v.name.to_string(),
                search: format!("{} {}", v.name, v.driver),
                cells: vec![
                    Cell::text(v.name.to_string()).tone(Tone::Accent),
                    Cell::text(v.driver.clone()),
                    Cell::num(n.to_string(), n as f64),
                    Cell::text(v.mountpoint.clone()).tone(Tone::Muted),
                ],
                labels: v.labels.clone(),
                state: None,
            }
        })
        .collect()
}

fn project_rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .projects()
        .into_iter()
        .map(|(p, cs)| {
            let mut services: Vec<&str> = cs
                .iter()
                .filter_map(|c| c.compose.as_ref().and_then(|r| r.service.as_deref()))
                .collect();
            services.sort_unstable();
            services.dedup();
            let running = cs
                .iter()
                .filter(|c| c.state == ContainerState::Running)
                .count();
            let (state, tone) = if running == cs.len() {
                ("running", Tone::Running)
            } else if running == 0 {
                ("stopped", Tone::Stopped)
            } else {
                ("partly running", Tone::Paused)
            };
            Row {
                key: p.to_owned(),
                name: p.to_owned(),
                search: format!("{p} {}", services.join(" ")),
                cells: vec![
                    Cell::text(p).tone(Tone::Accent),
                    Cell::text(services.join(", ")),
                    Cell::num(format!("{running}/{}", cs.len()), running as f64),
                    Cell::text(state).tone(tone),
                ],
                labels: BTreeMap::new(),
                state: None,
            }
        })
        .collect()
}

fn event_rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .events
        .iter()
        .rev()
        .enumerate()
        .map(|(i, e)| {
            let secs = e.time_nano / 1_000_000_000;
            let object = e
                .name()
                .map(str::to_owned)
                .unwrap_or_else(|| e.actor_id.chars().take(12).collect());
            let details: Vec<String> = e
                .attributes
                .iter()
                .filter(|(k, _)| {
                    k.as_str() != "name"
                        && !k.starts_with("com.docker.")
                        && !k.starts_with("wharf.")
                })
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let tone = match e.verb() {
                "die" | "kill" | "oom" | "destroy" | "delete" => Tone::Error,
                "start" | "create" | "pull" => Tone::Running,
                _ => Tone::Normal,
            };
            Row {
                key: format!("{}-{i}", e.time_nano),
                name: object.clone(),
                search: format!("{} {} {object}", e.kind.as_str(), e.action),
                cells: vec![
                    Cell::num(crate::format::clock(secs), secs as f64),
                    Cell::text(e.kind.as_str()),
                    Cell::text(e.action.clone()).tone(tone),
                    Cell::text(object),
                    Cell::text(details.join(" ")).tone(Tone::Muted),
                ],
                labels: e.attributes.clone(),
                state: None,
            }
        })
        .collect()
}

/// Sort rows by column `col`, ties broken by name so the order is stable.
pub fn sort(rows: &mut [Row], col: usize, descending: bool) {
    rows.sort_by(|a, b| {
        let o = match (
            a.cells.get(col).map(|c| &c.sort),
            b.cells.get(col).map(|c| &c.sort),
        ) {
            // Rows without a value go last whichever way the column sorts.
            (Some(SortKey::Missing), Some(SortKey::Missing)) => Ordering::Equal,
            (Some(SortKey::Missing), Some(_)) => Ordering::Greater,
            (Some(_), Some(SortKey::Missing)) => Ordering::Less,
            (Some(x), Some(y)) if descending => x.cmp(y).reverse(),
            (Some(x), Some(y)) => x.cmp(y),
            _ => Ordering::Equal,
        };
        o.then_with(|| a.name.cmp(&b.name))
    });
}

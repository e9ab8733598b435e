//! Containers: the main view. Rows with live stats and uptime (updated in place between
//! snapshots), and the lifecycle actions, which the projects view shares.

use wharf_core::command::Command;
use wharf_core::model::{Container, ContainerId, ContainerState, Health};
use wharf_core::rules::removal::container_removal;
use wharf_core::store::Snapshot;
use wharf_core::streams::StatsView;

use super::{
    col, plural, Act, Cell, Column, Kind, Open, Row, RowContext, RowKey, Selection, Tone, View,
};
use crate::format::{bytes, capitalise, duration, rate};
use crate::keymap::Action;
use crate::prompt::{Confirm, PromptKind};

pub const KIND: Kind = Kind {
    view: View::Containers,
    name: "containers",
    aliases: &["container", "co", "ps"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open: |r| r.key.container().cloned().map(Open::Details),
    hints: &[
        Action::Open,
        Action::Filter,
        Action::Command,
        Action::Stop,
        Action::Start,
        Action::Restart,
        Action::Remove,
        Action::Exec,
        Action::Mark,
        Action::ToggleStopped,
        Action::Help,
        Action::Quit,
    ],
    swarm: false,
};

/// The shell Wharf starts when the user keeps the suggested command.
pub const AUTO_SHELL: &str = "auto (bash, else sh)";

const COLUMNS: &[Column] = &[
    col("NAME", 12, 40, false),
    col("IMAGE", 10, 32, false),
    col("STATE", 9, 20, false),
    col("STATUS", 8, 14, false),
    col("RISK", 4, 5, true),
    col("CPU%", 6, 7, true),
    col("MEM", 6, 9, true),
    col("NET ↓/↑", 9, 19, true),
    col("PORTS", 6, 40, false),
    col("PROJECT", 7, 20, false),
];

/// Where the column titled `title` is in [`COLUMNS`] (at compile time: a wrong title does not
/// build).
const fn column(title: &str) -> usize {
    let mut i = 0;
    while i < COLUMNS.len() {
        if same(COLUMNS[i].title, title) {
            return i;
        }
        i += 1;
    }
    panic!("no such container column")
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .containers
        .values()
        .filter(|c| cx.show_stopped || c.state.is_alive())
        .map(|c| container_row(c, cx))
        .collect()
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
        key: RowKey::Container(c.id.clone()),
        name: c.name.clone(),
        cells: vec![
            Cell::text(c.name.clone()).tone(Tone::Accent),
            image_cell(c, cx),
            Cell::text(state_text).tone(if stale {
                Tone::Error
            } else {
                state_tone(c.state, c.health)
            }),
            status,
            risk_cell(c),
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

/// The RISK cell, from the core's security findings: `!N` in red for N high findings, else
/// `!N` in yellow for medium ones, `ok` for neither; empty until the container is inspected.
/// Sorted by weight (a high outweighs any number of mediums).
/// The image, with the last update check's mark of the image it runs (`rules::images`).
fn image_cell(c: &Container, cx: &RowContext<'_>) -> Cell {
    use wharf_core::rules::images::Freshness;
    match cx.updates.containers.get(&c.id) {
        Some(f) => {
            Cell::text(format!("{} [{}]", c.image, f.label())).tone(if *f == Freshness::Outdated {
                Tone::Paused
            } else {
                Tone::Normal
            })
        }
        None => Cell::text(c.image.clone()),
    }
}

fn risk_cell(c: &Container) -> Cell {
    use wharf_core::rules::findings::{of_container, Severity};
    let Some(found) = of_container(c) else {
        return Cell::missing("");
    };
    let count = |s: Severity| found.iter().filter(|f| f.severity == s).count();
    let (high, medium, low) = (
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
    );
    let weight = (high * 10_000 + medium * 100 + low) as f64;
    if high > 0 {
        Cell::num(format!("!{high}"), weight).tone(Tone::Error)
    } else if medium > 0 {
        Cell::num(format!("!{medium}"), weight).tone(Tone::Paused)
    } else {
        Cell::num("ok", weight).tone(Tone::Muted)
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
        if let Some(c) = row.key.container().and_then(|id| snap.containers.get(id)) {
            if c.state.is_alive() && c.started_at.is_some() {
                row.cells[STATUS_COLUMN] = status_cell(c, now);
            }
        }
    }
}

/// Where STATUS is in [`COLUMNS`].
const STATUS_COLUMN: usize = column("STATUS");

/// Where the live columns (CPU%, MEM, NET) start in [`COLUMNS`].
const STATS_COLUMNS: std::ops::Range<usize> = column("CPU%")..column("PORTS");

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

/// After new stats, update the live cells of container `rows` in place: filters never look at
/// stats, so membership stays. Returns whether the order may have changed (the table is
/// sorted by a live column), when the rows must be sorted again.
pub fn update_stats(rows: &mut [Row], sort_col: usize, stats: &StatsView) -> bool {
    for row in rows {
        let (Some(state), Some(id)) = (row.state, row.key.container()) else {
            continue;
        };
        let live = stats_cells(id.as_str(), state, stats);
        for (cell, new) in row.cells[STATS_COLUMNS].iter_mut().zip(live) {
            *cell = new;
        }
    }
    STATS_COLUMNS.contains(&sort_col)
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    match a {
        Action::Rename => {
            let r = sel.selected?;
            let id = r.key.container()?.clone();
            Some(Act::Ask(PromptKind::Rename(id), r.name.clone()))
        }
        Action::Exec => {
            let id = sel.selected?.key.container()?.clone();
            let running = sel
                .snap
                .containers
                .get(&id)
                .is_some_and(|c| c.state == ContainerState::Running);
            if !running {
                return Some(Act::Refuse("a shell needs a running container".into()));
            }
            Some(Act::Ask(PromptKind::Exec(id), AUTO_SHELL.into()))
        }
        _ => {
            let targets: Vec<(ContainerId, String, ContainerState)> = sel
                .targets
                .iter()
                .filter_map(|r| {
                    let id = r.key.container()?;
                    sel.snap
                        .containers
                        .get(id)
                        .map(|c| (id.clone(), c.name.clone(), c.state))
                })
                .collect();
            lifecycle(a, &targets)
        }
    }
}

/// A lifecycle action (start, stop, restart, kill, pause, remove) on containers
/// `(id, name, state)`; `None` for other actions.
pub fn lifecycle(a: Action, targets: &[(ContainerId, String, ContainerState)]) -> Option<Act> {
    if !matches!(
        a,
        Action::Start
            | Action::Stop
            | Action::Restart
            | Action::Kill
            | Action::PauseToggle
            | Action::Remove
    ) {
        return None;
    }
    if targets.is_empty() {
        return Some(Act::Nothing);
    }
    let mut cmds = Vec::new();
    let mut objects = Vec::new();
    let mut warnings = Vec::new();
    for (id, name, state) in targets {
        let cmd = match a {
            Action::Start => Some(Command::Start { id: id.clone() }),
            Action::Stop if state.is_alive() => Some(Command::Stop {
                id: id.clone(),
                timeout: None,
            }),
            Action::Restart => Some(Command::Restart {
                id: id.clone(),
                timeout: None,
            }),
            Action::Kill if state.is_alive() => Some(Command::Kill {
                id: id.clone(),
                signal: "SIGKILL".into(),
            }),
            Action::PauseToggle if *state == ContainerState::Paused => {
                Some(Command::Unpause { id: id.clone() })
            }
            Action::PauseToggle if *state == ContainerState::Running => {
                Some(Command::Pause { id: id.clone() })
            }
            Action::Remove => {
                let rule = container_removal(name, *state);
                warnings.extend(rule.warning);
                Some(Command::Remove {
                    id: id.clone(),
                    force: rule.force,
                    volumes: false,
                })
            }
            _ => None,
        };
        if let Some(cmd) = cmd {
            objects.push(format!("{name}  ({}, {state})", id.short()));
            cmds.push(cmd);
        }
    }
    if cmds.is_empty() {
        return Some(Act::Refuse(format!(
            "{}: nothing applies to the selection",
            a.label()
        )));
    }
    let verb = a.label();
    let title = format!("{} {}?", capitalise(verb), plural(cmds.len(), "container"));
    let mut notes = warnings;
    if a == Action::Remove {
        notes.push("f: force (kill running ones)   v: also remove their anonymous volumes".into());
    }
    if a == Action::Kill {
        notes.push("sends SIGKILL: the processes get no chance to clean up".into());
    }
    Some(Act::Run(Confirm {
        title,
        objects,
        commands: cmds,
        notes,
    }))
}

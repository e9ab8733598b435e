//! Compose projects: containers grouped by their project label (`rules::compose`: services,
//! counts, working dir, config files); lifecycle actions (start, stop, restart, remove) apply
//! to every container of the selected projects by id (the containers kind's rules), and
//! `:compose up|down|pull|build` runs the compose tool on the selected one (app/compose.rs).

use std::collections::BTreeMap;

use wharf_core::model::ContainerState;
use wharf_core::rules::compose;

use super::{col, Act, Cell, Column, Kind, Open, Row, RowContext, RowKey, Selection, Tone, View};
use crate::keymap::Action;

pub const KIND: Kind = Kind {
    view: View::Projects,
    name: "projects",
    aliases: &["project", "proj", "compose", "p"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open,
    hints: &[
        Action::Open,
        Action::Filter,
        Action::Command,
        Action::Start,
        Action::Stop,
        Action::Restart,
        Action::Remove,
        Action::Help,
        Action::Quit,
    ],
    swarm: false,
};

const COLUMNS: &[Column] = &[
    col("PROJECT", 10, 30, false),
    col("SERVICES", 8, 50, false),
    col("RUNNING", 7, 9, true),
    col("STATE", 8, 20, false),
    col("WORKING DIR", 11, 60, false),
    col("CONFIG FILES", 12, 80, false),
];

/// One row per project (`rules::compose`): each service with its running/total containers,
/// the project's counts and state, where compose ran and with which files.
fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    compose::projects(cx.snap)
        .into_iter()
        .map(|p| {
            let services: Vec<String> = p
                .services
                .iter()
                .map(|s| {
                    let up = s
                        .containers
                        .iter()
                        .filter(|c| c.state == ContainerState::Running)
                        .count();
                    let name = if s.name.is_empty() { "?" } else { &s.name };
                    format!("{name} {up}/{}", s.containers.len())
                })
                .collect();
            let tone = match p.state_word() {
                "running" => Tone::Running,
                "stopped" => Tone::Stopped,
                _ => Tone::Paused,
            };
            let dir = p.working_dir.clone().unwrap_or_default();
            let files = p
                .config_files
                .iter()
                .map(|f| {
                    // Relative to the working dir when inside it: the row stays readable.
                    f.strip_prefix(&format!("{dir}/"))
                        .filter(|_| !dir.is_empty())
                        .unwrap_or(f)
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join(", ");
            Row {
                key: RowKey::Project(p.name.clone()),
                name: p.name.clone(),
                search: format!("{} {} {dir}", p.name, services.join(" ")),
                cells: vec![
                    Cell::text(&p.name).tone(Tone::Accent),
                    Cell::text(services.join(", ")),
                    Cell::num(format!("{}/{}", p.running, p.total), p.running as f64),
                    Cell::text(p.state_word()).tone(tone),
                    Cell::text(dir).tone(Tone::Muted),
                    Cell::text(files).tone(Tone::Muted),
                ],
                labels: BTreeMap::new(),
                state: None,
            }
        })
        .collect()
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    let projects: Vec<&str> = sel
        .targets
        .iter()
        .filter_map(|r| match &r.key {
            RowKey::Project(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    let targets: Vec<_> = sel
        .snap
        .containers
        .values()
        .filter(|c| c.project().is_some_and(|p| projects.contains(&p)))
        .map(|c| (c.id.clone(), c.name.clone(), c.state))
        .collect();
    super::containers::lifecycle(a, &targets)
}

/// A project opens as the containers view filtered to its label.
fn open(r: &Row) -> Option<Open> {
    let RowKey::Project(p) = &r.key else {
        return None;
    };
    Some(Open::Filtered(View::Containers, compose::project_filter(p)))
}

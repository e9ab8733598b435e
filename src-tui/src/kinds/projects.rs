//! Compose projects: containers grouped by their project label; lifecycle actions apply to
//! every container of the selected projects (the containers kind's rules).

use std::collections::BTreeMap;

use wharf_core::model::{ContainerState, COMPOSE_PROJECT_LABEL};

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
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
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
                key: RowKey::Project(p.to_owned()),
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
    Some(Open::Filtered(
        View::Containers,
        format!("{COMPOSE_PROJECT_LABEL}={p}"),
    ))
}

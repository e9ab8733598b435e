//! Swarm tasks: every service's tasks with their node, desired and current state, current
//! ones first, then the history the engine keeps (`docker service ps`). Read-only; a
//! service's Enter opens this view filtered to `service=NAME`.

use std::collections::BTreeMap;

use wharf_core::rules::swarm::{node_name, task_name};

use crate::format::ago;

use super::{col, Cell, Column, Kind, Row, RowContext, RowKey, Tone, View};

pub const KIND: Kind = Kind {
    view: View::Tasks,
    name: "tasks",
    aliases: &["task"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act: super::no_actions,
    open: super::opens_nothing,
    hints: super::VIEW_HINTS,
    swarm: true,
};

const COLUMNS: &[Column] = &[
    col("NAME", 10, 30, false),
    col("NODE", 6, 20, false),
    col("DESIRED", 7, 9, false),
    col("STATE", 7, 10, false),
    col("SINCE", 10, 20, false),
    col("IMAGE", 10, 40, false),
    col("ERROR", 5, 40, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .tasks
        .values()
        .map(|t| {
            let name = task_name(cx.snap, t);
            let node = node_name(cx.snap, t);
            let service = cx
                .snap
                .services
                .get(&t.service)
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let tone = match t.state.as_str() {
                "running" => Tone::Running,
                "failed" | "rejected" | "orphaned" => Tone::Error,
                "shutdown" | "complete" => Tone::Muted,
                _ => Tone::Paused,
            };
            let labels = BTreeMap::from([
                ("service".to_owned(), service),
                ("node".to_owned(), node.clone()),
                ("state".to_owned(), t.state.clone()),
            ]);
            // Current tasks sort before history (newest first): the desired state leads.
            let current = if t.desired_state == "running" { 0 } else { 1 };
            let at = t
                .timestamp
                .as_deref()
                .and_then(wharf_core::engine::rfc3339_to_unix);
            Row {
                key: RowKey::Task(t.id.clone()),
                name: name.clone(),
                search: format!("{name} {node} {} {}", t.state, t.id.short()),
                cells: vec![
                    Cell::text(name).tone(Tone::Accent),
                    Cell::text(node),
                    Cell::text(t.desired_state.clone()),
                    Cell::text(t.state.clone()).tone(tone),
                    Cell::num(
                        at.map(|at| ago(cx.now - at)).unwrap_or_default(),
                        current as f64 * 1e12 - at.unwrap_or(0) as f64,
                    ),
                    Cell::text(t.image.clone()),
                    Cell::text(t.error.clone().unwrap_or_default()).tone(Tone::Error),
                ],
                labels,
                state: None,
            }
        })
        .collect()
}

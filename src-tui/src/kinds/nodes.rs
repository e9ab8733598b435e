//! Swarm nodes: role, availability, status, engine version, labels. `s` drains, `S`
//! activates, `p` pauses, `+` promotes, `-` demotes (draining and demoting are confirmed).

use wharf_core::command::SwarmOp;
use wharf_core::engine::{Availability, NodeRole};

use super::{col, plural, Act, Cell, Column, Kind, Row, RowContext, RowKey, Selection, Tone, View};
use crate::keymap::Action;

pub const KIND: Kind = Kind {
    view: View::Nodes,
    name: "nodes",
    aliases: &["node"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open: super::opens_nothing,
    hints: &[
        Action::Filter,
        Action::Stop,
        Action::Start,
        Action::PauseToggle,
        Action::Promote,
        Action::Demote,
        Action::Help,
        Action::Quit,
    ],
    swarm: true,
};

const COLUMNS: &[Column] = &[
    col("HOSTNAME", 10, 30, false),
    col("ID", 12, 12, false),
    col("ROLE", 7, 16, false),
    col("AVAILABILITY", 12, 12, false),
    col("STATUS", 6, 12, false),
    col("ENGINE", 6, 12, false),
    col("ADDRESS", 7, 16, false),
    col("LABELS", 6, 40, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .nodes
        .values()
        .map(|n| {
            let role = if n.leader {
                format!("{} (leader)", n.role)
            } else {
                n.role.clone()
            };
            let avail_tone = match n.availability.as_str() {
                "active" => Tone::Running,
                "drain" => Tone::Stopped,
                _ => Tone::Paused,
            };
            let state_tone = if n.state == "ready" {
                Tone::Running
            } else {
                Tone::Error
            };
            let labels: Vec<String> = n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Row {
                key: RowKey::Node(n.id.clone()),
                name: n.hostname.clone(),
                search: format!("{} {} {}", n.hostname, n.role, n.id.short()),
                cells: vec![
                    Cell::text(n.hostname.clone()).tone(Tone::Accent),
                    Cell::text(n.id.short()),
                    Cell::text(role),
                    Cell::text(n.availability.clone()).tone(avail_tone),
                    Cell::text(n.state.clone()).tone(state_tone),
                    Cell::text(n.engine_version.clone()),
                    Cell::text(n.addr.clone()),
                    Cell::text(labels.join(", ")),
                ],
                labels: n.labels.clone(),
                state: None,
            }
        })
        .collect()
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    let nodes: Vec<(wharf_core::model::NodeId, String)> = sel
        .targets
        .iter()
        .filter_map(|r| match &r.key {
            RowKey::Node(id) => Some((id.clone(), r.name.clone())),
            _ => None,
        })
        .collect();
    let (verb, make): (&str, &dyn Fn(wharf_core::model::NodeId, String) -> SwarmOp) = match a {
        Action::Stop => ("Drain", &|id, name| SwarmOp::NodeAvailability {
            id,
            name,
            availability: Availability::Drain,
        }),
        Action::Start => ("Activate", &|id, name| SwarmOp::NodeAvailability {
            id,
            name,
            availability: Availability::Active,
        }),
        Action::PauseToggle => ("Pause", &|id, name| SwarmOp::NodeAvailability {
            id,
            name,
            availability: Availability::Pause,
        }),
        Action::Promote => ("Promote", &|id, name| SwarmOp::NodeRole {
            id,
            name,
            role: NodeRole::Manager,
        }),
        Action::Demote => ("Demote", &|id, name| SwarmOp::NodeRole {
            id,
            name,
            role: NodeRole::Worker,
        }),
        _ => return None,
    };
    let ops: Vec<SwarmOp> = nodes.into_iter().map(|(id, n)| make(id, n)).collect();
    let mut notes = Vec::new();
    if a == Action::Stop {
        notes.push("their tasks stop and are rescheduled on other nodes".to_owned());
    }
    super::swarm_ops(format!("{verb} {}?", plural(ops.len(), "node")), ops, notes)
}

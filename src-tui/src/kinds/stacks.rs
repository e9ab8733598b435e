//! Swarm stacks: services grouped by `com.docker.stack.namespace` (the core's rule). Enter
//! opens the stack's services; `D` removes exactly the services listed.

use std::collections::BTreeMap;

use wharf_core::command::{Command, SwarmOp};
use wharf_core::model::STACK_LABEL;
use wharf_core::rules::swarm::{replicas, stacks};

use super::{col, Act, Cell, Column, Kind, Open, Row, RowContext, RowKey, Selection, Tone, View};
use crate::keymap::Action;
use crate::prompt::Confirm;

pub const KIND: Kind = Kind {
    view: View::Stacks,
    name: "stacks",
    aliases: &["stack"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open,
    hints: &[
        Action::Open,
        Action::Filter,
        Action::Remove,
        Action::Help,
        Action::Quit,
    ],
    swarm: true,
};

const COLUMNS: &[Column] = &[
    col("STACK", 8, 30, false),
    col("SERVICES", 8, 60, false),
    col("TASKS", 5, 9, true),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    stacks(cx.snap)
        .into_iter()
        .map(|(stack, services)| {
            let (mut running, mut desired) = (0, 0);
            for s in &services {
                let r = replicas(cx.snap, s);
                running += r.running;
                desired += r.desired;
            }
            let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            Row {
                key: RowKey::Stack(stack.to_owned()),
                name: stack.to_owned(),
                search: format!("{stack} {}", names.join(" ")),
                cells: vec![
                    Cell::text(stack).tone(Tone::Accent),
                    Cell::text(names.join(", ")),
                    Cell::num(format!("{running}/{desired}"), running as f64).tone(
                        if running >= desired {
                            Tone::Running
                        } else {
                            Tone::Paused
                        },
                    ),
                ],
                labels: BTreeMap::new(),
                state: None,
            }
        })
        .collect()
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    if a != Action::Remove {
        return None;
    }
    let all = stacks(sel.snap);
    let mut objects = Vec::new();
    let mut commands = Vec::new();
    for r in &sel.targets {
        let RowKey::Stack(stack) = &r.key else {
            continue;
        };
        let Some(services) = all.get(stack.as_str()) else {
            continue;
        };
        objects.extend(services.iter().map(|s| format!("{stack}: {}", s.name)));
        commands.push(Command::Swarm {
            op: SwarmOp::RemoveStack {
                stack: stack.clone(),
                services: services.iter().map(|s| s.id.clone()).collect(),
            },
        });
    }
    if commands.is_empty() {
        return Some(Act::Nothing);
    }
    Some(Act::Run(Confirm {
        title: format!(
            "Remove {} and their services?",
            super::plural(commands.len(), "stack")
        ),
        objects,
        commands,
        notes: Vec::new(),
    }))
}

/// A stack opens as the services view filtered to its label.
fn open(r: &Row) -> Option<Open> {
    let RowKey::Stack(s) = &r.key else {
        return None;
    };
    Some(Open::Filtered(View::Services, format!("{STACK_LABEL}={s}")))
}

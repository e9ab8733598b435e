//! Networks: driver, scope, subnets and attached containers (the core's usage rule); the
//! built-in networks (the core's rule) are shown muted and never removed.

use wharf_core::command::Command;
use wharf_core::rules::networks::is_builtin;
use wharf_core::rules::usage::Usage;

use super::{col, plural, Act, Cell, Column, Kind, Row, RowContext, RowKey, Selection, Tone, View};
use crate::keymap::Action;
use crate::prompt::{Confirm, PromptKind};

pub const KIND: Kind = Kind {
    view: View::Networks,
    name: "networks",
    aliases: &["network", "net", "n"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open: super::opens_nothing,
    hints: super::RESOURCE_HINTS,
    swarm: false,
};

const COLUMNS: &[Column] = &[
    col("NAME", 12, 40, false),
    col("ID", 12, 12, false),
    col("DRIVER", 6, 10, false),
    col("SCOPE", 5, 7, false),
    col("SUBNET", 8, 20, false),
    col("CONTAINERS", 10, 10, true),
    col("INTERNAL", 8, 8, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    let usage = Usage::of(cx.snap);
    cx.snap
        .networks
        .values()
        .map(|n| {
            let count = usage.network_users(&n.id).len();
            Row {
                key: RowKey::Network(n.id.clone()),
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

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    match a {
        Action::Create => Some(Act::Ask(PromptKind::CreateNetwork, String::new())),
        Action::Remove => {
            let mut objects = Vec::new();
            let mut cmds = Vec::new();
            for r in &sel.targets {
                let RowKey::Network(id) = &r.key else {
                    continue;
                };
                if is_builtin(&r.name) {
                    continue;
                }
                objects.push(r.name.clone());
                cmds.push(Command::RemoveNetwork { id: id.clone() });
            }
            if cmds.is_empty() {
                return Some(Act::Refuse(
                    "the built-in networks cannot be removed".into(),
                ));
            }
            Some(Act::Run(Confirm {
                title: format!("Remove {}?", plural(cmds.len(), "network")),
                objects,
                commands: cmds,
                notes: Vec::new(),
            }))
        }
        _ => None,
    }
}

//! Swarm configs: name, id, size, dates, labels. Enter shows a config's data (made inert by
//! the core, line breaks and tabs kept) in a popup; only then is any of it on screen. `c`
//! creates one (`NAME < FILE`, or a name and then one line of text), `D` removes.

use wharf_core::command::SwarmOp;

use super::{
    col, plural, Act, Cell, Column, Kind, Open, Row, RowContext, RowKey, Selection, Tone, View,
};
use crate::format::{ago, bytes};
use crate::keymap::Action;
use crate::prompt::PromptKind;

pub const KIND: Kind = Kind {
    view: View::Configs,
    name: "configs",
    aliases: &["config"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open,
    hints: &[
        Action::Open,
        Action::Filter,
        Action::Command,
        Action::Remove,
        Action::Create,
        Action::Mark,
        Action::Help,
        Action::Quit,
    ],
    swarm: true,
};

const COLUMNS: &[Column] = &[
    col("NAME", 10, 40, false),
    col("ID", 12, 12, false),
    col("SIZE", 6, 10, true),
    col("CREATED", 10, 22, false),
    col("UPDATED", 10, 22, false),
    col("LABELS", 6, 40, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    let when = |t: &Option<String>| match t.as_deref().and_then(wharf_core::engine::rfc3339_to_unix)
    {
        Some(at) => Cell::num(ago(cx.now - at), at as f64),
        None => Cell::missing(""),
    };
    cx.snap
        .configs
        .values()
        .map(|c| {
            let labels: Vec<String> = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Row {
                key: RowKey::Config(c.id.clone()),
                name: c.name.clone(),
                search: format!("{} {}", c.name, c.id.short()),
                cells: vec![
                    Cell::text(c.name.clone()).tone(Tone::Accent),
                    Cell::text(c.id.short()),
                    Cell::num(bytes(c.size), c.size as f64),
                    when(&c.created),
                    when(&c.updated),
                    Cell::text(labels.join(", ")),
                ],
                labels: c.labels.clone(),
                state: None,
            }
        })
        .collect()
}

fn open(row: &Row) -> Option<Open> {
    match &row.key {
        RowKey::Config(id) => Some(Open::Config(id.clone())),
        _ => None,
    }
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    match a {
        Action::Create => Some(Act::Ask(PromptKind::ConfigName, String::new())),
        Action::Remove => {
            let ops: Vec<SwarmOp> = sel
                .targets
                .iter()
                .filter_map(|r| match &r.key {
                    RowKey::Config(id) => Some(SwarmOp::RemoveConfig {
                        id: id.clone(),
                        name: r.name.clone(),
                    }),
                    _ => None,
                })
                .collect();
            super::swarm_ops(
                format!("Remove {}?", plural(ops.len(), "config")),
                ops,
                vec!["services using them must not be running".to_owned()],
            )
        }
        _ => None,
    }
}

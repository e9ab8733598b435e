//! Swarm secrets: name, id, driver, labels, dates. Metadata only: the engine never returns a
//! value and Wharf shows none. `c` creates one (name, then the value hidden, or
//! `NAME < FILE`), `D` removes.

use wharf_core::command::SwarmOp;

use super::{col, plural, Act, Cell, Column, Kind, Row, RowContext, RowKey, Selection, Tone, View};
use crate::format::ago;
use crate::keymap::Action;
use crate::prompt::PromptKind;

pub const KIND: Kind = Kind {
    view: View::Secrets,
    name: "secrets",
    aliases: &["secret"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open: super::opens_nothing,
    hints: super::RESOURCE_HINTS,
    swarm: true,
};

const COLUMNS: &[Column] = &[
    col("NAME", 10, 40, false),
    col("ID", 12, 12, false),
    col("DRIVER", 6, 12, false),
    col("CREATED", 10, 22, false),
    col("LABELS", 6, 40, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .secrets
        .values()
        .map(|s| {
            let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let created = s
                .created
                .as_deref()
                .and_then(wharf_core::engine::rfc3339_to_unix);
            Row {
                key: RowKey::Secret(s.id.clone()),
                name: s.name.clone(),
                search: format!("{} {}", s.name, s.id.short()),
                cells: vec![
                    Cell::text(s.name.clone()).tone(Tone::Accent),
                    Cell::text(s.id.short()),
                    Cell::text(s.driver.clone().unwrap_or_default()),
                    match created {
                        Some(at) => Cell::num(ago(cx.now - at), at as f64),
                        None => Cell::missing(""),
                    },
                    Cell::text(labels.join(", ")),
                ],
                labels: s.labels.clone(),
                state: None,
            }
        })
        .collect()
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    match a {
        Action::Create => Some(Act::Ask(PromptKind::SecretName, String::new())),
        Action::Remove => {
            let ops: Vec<SwarmOp> = sel
                .targets
                .iter()
                .filter_map(|r| match &r.key {
                    RowKey::Secret(id) => Some(SwarmOp::RemoveSecret {
                        id: id.clone(),
                        name: r.name.clone(),
                    }),
                    _ => None,
                })
                .collect();
            super::swarm_ops(
                format!("Remove {}?", plural(ops.len(), "secret")),
                ops,
                vec!["services using them must not be running".to_owned()],
            )
        }
        _ => None,
    }
}

//! Volumes: driver, users (the core's usage rule) and mount point; removing one loses its data,
//! and the confirmation says so.

use wharf_core::command::Command;
use wharf_core::rules::usage::Usage;

use super::{col, plural, Act, Cell, Column, Kind, Row, RowContext, RowKey, Selection, Tone, View};
use crate::keymap::Action;
use crate::prompt::{Confirm, PromptKind};

pub const KIND: Kind = Kind {
    view: View::Volumes,
    name: "volumes",
    aliases: &["volume", "vol", "v"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open: super::opens_nothing,
    hints: super::RESOURCE_HINTS,
    swarm: false,
};

const COLUMNS: &[Column] = &[
    col("NAME", 12, 64, false),
    col("DRIVER", 6, 10, false),
    col("USED BY", 7, 8, true),
    col("MOUNTPOINT", 10, 80, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    let usage = Usage::of(cx.snap);
    cx.snap
        .volumes
        .values()
        .map(|v| {
            let n = usage.volume_users(&v.name).len();
            Row {
                key: RowKey::Volume(v.name.clone()),
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

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    match a {
        Action::Create => Some(Act::Ask(PromptKind::CreateVolume, String::new())),
        Action::Remove => {
            let (objects, cmds): (Vec<String>, Vec<Command>) = sel
                .targets
                .iter()
                .filter_map(|r| match &r.key {
                    RowKey::Volume(name) => Some((
                        r.name.clone(),
                        Command::RemoveVolume {
                            name: name.clone(),
                            force: false,
                        },
                    )),
                    _ => None,
                })
                .unzip();
            Some(Act::Run(Confirm {
                title: format!(
                    "Remove {}? Their data is lost.",
                    plural(cmds.len(), "volume")
                ),
                objects,
                commands: cmds,
                notes: vec!["f: force".into()],
            }))
        }
        _ => None,
    }
}

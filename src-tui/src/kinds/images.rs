//! Images: tags, size, age and how many containers use each (the core's usage rule); removal
//! takes only the tags it showed; the run key opens the run form for the selected image.
//! The list follows the core's dangling/unused filter, and an update check's result shows as
//! a badge after the tags (`rules::images`).

use wharf_core::command::Command;
use wharf_core::model::ImageId;
use wharf_core::rules::images::Freshness;
use wharf_core::rules::prune::real_tags;
use wharf_core::rules::usage::Usage;

use super::{col, plural, Act, Cell, Column, Kind, Row, RowContext, RowKey, Selection, Tone, View};
use crate::format::{ago, bytes};
use crate::keymap::Action;
use crate::prompt::Confirm;

pub const KIND: Kind = Kind {
    view: View::Images,
    name: "images",
    aliases: &["image", "img", "i"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open: super::opens_nothing,
    hints: &[
        Action::Filter,
        Action::Command,
        Action::Run,
        Action::Remove,
        Action::Mark,
        Action::SortNext,
        Action::Pull,
        Action::History,
        Action::ImageFilter,
        Action::CheckUpdates,
        Action::Help,
        Action::Quit,
    ],
    swarm: false,
};

const COLUMNS: &[Column] = &[
    col("REPOSITORY:TAG", 16, 60, false),
    col("ID", 12, 12, false),
    col("SIZE", 8, 10, true),
    col("CREATED", 8, 10, true),
    col("USED BY", 7, 8, true),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    let usage = Usage::of(cx.snap);
    cx.snap
        .images
        .values()
        .filter(|i| cx.image_filter.keeps(i, &usage))
        .map(|i| {
            let mut name = if i.tags.is_empty() {
                "<none>".to_owned()
            } else {
                i.tags.join(", ")
            };
            let fresh = cx.updates.images.get(&i.id).copied();
            if let Some(f) = fresh {
                name.push_str(&format!("  [{}]", f.label()));
            }
            let n = usage.image_users(&i.id).len();
            Row {
                key: RowKey::Image(i.id.clone()),
                name: i.display_name().to_owned(),
                search: format!("{name} {}", i.id.short()),
                cells: vec![
                    Cell::text(name).tone(if fresh == Some(Freshness::Outdated) {
                        Tone::Paused
                    } else if i.is_dangling() {
                        Tone::Muted
                    } else {
                        Tone::Accent
                    }),
                    Cell::text(i.id.short()),
                    Cell::num(bytes(i.size.max(0) as u64), i.size as f64),
                    Cell::num(ago(cx.now - i.created), -(i.created as f64)),
                    Cell::num(n.to_string(), n as f64),
                ],
                labels: i.labels.clone(),
                state: None,
            }
        })
        .collect()
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    if a != Action::Remove {
        return None;
    }
    let usage = Usage::of(sel.snap);
    let mut objects = Vec::new();
    let mut cmds = Vec::new();
    for r in &sel.targets {
        let RowKey::Image(id) = &r.key else {
            continue;
        };
        // The tags shown now are the only ones the removal may take.
        let tags = sel
            .snap
            .images
            .get(id)
            .map(|i| real_tags(i))
            .unwrap_or_default();
        let users = usage.image_users(id).len();
        let note = if users > 0 {
            format!(", used by {}", plural(users, "container"))
        } else {
            String::new()
        };
        let also = if tags.len() > 1 {
            format!(", tags {}", tags.join(", "))
        } else {
            String::new()
        };
        objects.push(format!("{}  ({}{also}{note})", r.name, id.short()));
        cmds.push(Command::RemoveImage {
            id: ImageId::clone(id),
            tags,
            force: false,
            no_prune: false,
        });
    }
    Some(Act::Run(Confirm {
        title: format!("Remove {}?", plural(cmds.len(), "image")),
        objects,
        commands: cmds,
        notes: vec![
            "f: force (also untag images that other tags or containers use)".into(),
            "p: keep the untagged parent images (no-prune)".into(),
        ],
    }))
}

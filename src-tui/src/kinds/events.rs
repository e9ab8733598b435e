//! Engine events, newest first: what happened to which object, with its attributes.

use super::{col, no_actions, Cell, Column, Kind, Row, RowContext, RowKey, Tone, View};

pub const KIND: Kind = Kind {
    view: View::Events,
    name: "events",
    aliases: &["event", "ev"],
    columns: COLUMNS,
    rows,
    sort_desc: true,
    act: no_actions,
    open: super::opens_nothing,
    hints: super::VIEW_HINTS,
    swarm: false,
};

const COLUMNS: &[Column] = &[
    col("TIME", 8, 8, false),
    col("TYPE", 9, 9, false),
    col("ACTION", 10, 28, false),
    col("OBJECT", 12, 40, false),
    col("DETAILS", 10, 80, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .events
        .iter()
        .rev()
        .enumerate()
        .map(|(i, e)| {
            let secs = e.time_nano / 1_000_000_000;
            let object = e
                .name()
                .map(str::to_owned)
                .unwrap_or_else(|| e.actor_id.chars().take(12).collect());
            let details: Vec<String> = e
                .attributes
                .iter()
                .filter(|(k, _)| {
                    k.as_str() != "name"
                        && !k.starts_with("com.docker.")
                        && !k.starts_with("wharf.")
                })
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let tone = match e.verb() {
                "die" | "kill" | "oom" | "destroy" | "delete" => Tone::Error,
                "start" | "create" | "pull" => Tone::Running,
                _ => Tone::Normal,
            };
            Row {
                key: RowKey::Event(e.time_nano, i),
                name: object.clone(),
                search: format!("{} {} {object}", e.kind.as_str(), e.action),
                cells: vec![
                    Cell::num(crate::format::clock(secs), secs as f64),
                    Cell::text(e.kind.as_str()),
                    Cell::text(e.action.clone()).tone(tone),
                    Cell::text(object),
                    Cell::text(details.join(" ")).tone(Tone::Muted),
                ],
                labels: e.attributes.clone(),
                state: None,
            }
        })
        .collect()
}

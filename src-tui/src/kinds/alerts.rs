//! Fired alerts, newest first: when, which rule, which container, why, and what the actions
//! did. Read from the history database (whoever fired them: this UI or `wharf watch`).

use super::{col, no_actions, Cell, Column, Kind, Row, RowContext, RowKey, Tone, View};

pub const KIND: Kind = Kind {
    view: View::Alerts,
    name: "alerts",
    aliases: &["alert", "al"],
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
    col("RULE", 6, 24, false),
    col("CONTAINER", 9, 32, false),
    col("CAUSE", 12, 80, false),
    col("ACTIONS", 7, 40, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.alerts
        .iter()
        .map(|a| {
            let secs = a.at_ms / 1000;
            let actions: Vec<String> = a
                .actions
                .iter()
                .map(|r| format!("{} {}", r.action, if r.ok { "ok" } else { "failed" }))
                .collect();
            let failed = a.actions.iter().any(|r| !r.ok);
            Row {
                key: RowKey::Alert(a.id),
                name: a.container.clone(),
                search: format!("{} {} {}", a.rule, a.container, a.cause),
                cells: vec![
                    Cell::num(crate::format::clock(secs), a.id as f64),
                    Cell::text(a.rule.clone()).tone(Tone::Error),
                    Cell::text(a.container.clone()),
                    Cell::text(a.cause.clone()),
                    Cell::text(actions.join(", ")).tone(if failed {
                        Tone::Error
                    } else {
                        Tone::Muted
                    }),
                ],
                labels: Default::default(),
                state: None,
            }
        })
        .collect()
}

//! The engine screen: facts and disk usage, drawn by its own view; no table rows.

use super::{no_actions, Column, Kind, Row, RowContext, View};

pub const KIND: Kind = Kind {
    view: View::Engine,
    name: "engine",
    aliases: &["info", "system", "df"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act: no_actions,
    open: super::opens_nothing,
    hints: super::VIEW_HINTS,
    swarm: false,
};

const COLUMNS: &[Column] = &[];

fn rows(_: &RowContext<'_>) -> Vec<Row> {
    Vec::new()
}

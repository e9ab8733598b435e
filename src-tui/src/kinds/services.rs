//! Swarm services: mode, running/desired replicas (the core's rule), image, ports, update
//! state. Enter opens the service's tasks; `=` scales, `E` sets the image, `r` forces an
//! update, `B` rolls back, `D` removes.

use wharf_core::command::SwarmOp;
use wharf_core::engine::{can_scale, ServiceChange};
use wharf_core::rules::swarm::replicas;

use super::{
    col, plural, Act, Cell, Column, Kind, Open, Row, RowContext, RowKey, Selection, Tone, View,
};
use crate::keymap::Action;
use crate::prompt::PromptKind;

pub const KIND: Kind = Kind {
    view: View::Services,
    name: "services",
    aliases: &["service", "svc"],
    columns: COLUMNS,
    rows,
    sort_desc: false,
    act,
    open,
    hints: &[
        Action::Open,
        Action::Filter,
        Action::MergedLogs,
        Action::Scale,
        Action::Edit,
        Action::Restart,
        Action::Rollback,
        Action::Remove,
        Action::Help,
        Action::Quit,
    ],
    swarm: true,
};

const COLUMNS: &[Column] = &[
    col("NAME", 10, 30, false),
    col("MODE", 6, 14, false),
    col("REPLICAS", 8, 9, true),
    col("IMAGE", 10, 40, false),
    col("PORTS", 5, 24, false),
    col("UPDATE", 6, 20, false),
    col("STACK", 5, 16, false),
];

fn rows(cx: &RowContext<'_>) -> Vec<Row> {
    cx.snap
        .services
        .values()
        .map(|s| {
            let r = replicas(cx.snap, s);
            let tone = if r.running >= r.desired {
                Tone::Running
            } else if r.running == 0 {
                Tone::Error
            } else {
                Tone::Paused
            };
            let update = s.update_state.clone().unwrap_or_default();
            let update_tone = if update.contains("paused") || update.contains("rollback") {
                Tone::Paused
            } else {
                Tone::Normal
            };
            Row {
                key: RowKey::Service(s.id.clone()),
                name: s.name.clone(),
                search: format!("{} {} {}", s.name, s.image, s.id.short()),
                cells: vec![
                    Cell::text(s.name.clone()).tone(Tone::Accent),
                    Cell::text(s.mode.as_str()),
                    Cell::num(format!("{}/{}", r.running, r.desired), r.running as f64).tone(tone),
                    Cell::text(s.image.clone()),
                    Cell::text(s.ports.join(", ")),
                    Cell::text(update).tone(update_tone),
                    Cell::text(s.stack.clone().unwrap_or_default()),
                ],
                labels: s.labels.clone(),
                state: None,
            }
        })
        .collect()
}

/// The selected services as (id, name).
fn targets(sel: &Selection<'_>) -> Vec<(wharf_core::model::ServiceId, String)> {
    sel.targets
        .iter()
        .filter_map(|r| match &r.key {
            RowKey::Service(id) => Some((id.clone(), r.name.clone())),
            _ => None,
        })
        .collect()
}

fn run(title: String, ops: Vec<SwarmOp>) -> Option<Act> {
    super::swarm_ops(title, ops, Vec::new())
}

fn act(a: Action, sel: &Selection<'_>) -> Option<Act> {
    let change = |change: ServiceChange| {
        targets(sel)
            .into_iter()
            .map(|(id, name)| SwarmOp::UpdateService {
                id,
                name,
                change: change.clone(),
            })
            .collect::<Vec<_>>()
    };
    let n = targets(sel).len();
    match a {
        Action::Scale | Action::Edit => {
            let row = sel.selected?;
            let RowKey::Service(id) = &row.key else {
                return Some(Act::Nothing);
            };
            let service = sel.snap.services.get(id)?;
            let (id, name) = (id.clone(), service.name.clone());
            if a == Action::Edit {
                return Some(Act::Ask(
                    PromptKind::ServiceImage { id, name },
                    service.image.clone(),
                ));
            }
            if !can_scale(service.mode) {
                return Some(Act::Refuse(format!(
                    "{name} is a {} service: only replicated services scale",
                    service.mode.as_str()
                )));
            }
            let now = service.replicas.unwrap_or(0).to_string();
            Some(Act::Ask(PromptKind::Scale { id, name }, now))
        }
        Action::Restart => run(
            format!("Force an update of {}?", plural(n, "service")),
            change(ServiceChange::Force),
        ),
        Action::Rollback => run(
            format!("Roll back {}?", plural(n, "service")),
            change(ServiceChange::Rollback),
        ),
        Action::Remove => run(
            format!("Remove {}?", plural(n, "service")),
            targets(sel)
                .into_iter()
                .map(|(id, name)| SwarmOp::RemoveService { id, name })
                .collect(),
        ),
        _ => None,
    }
}

/// A service opens as the tasks view filtered to it.
fn open(r: &Row) -> Option<Open> {
    matches!(r.key, RowKey::Service(_))
        .then(|| Open::Filtered(View::Tasks, format!("service={}", r.name)))
}

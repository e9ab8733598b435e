//! The Fleet page's Images, Volumes and Networks tabs: every engine's objects through the
//! core's `fleet` module (each tagged with its engine, usage counted per engine), and the
//! core's removal plan (each object named with its engine, built-in networks left alone,
//! read-only engines named). The removal itself goes through `fleet_execute` with the plan's
//! items, confirmed; read-only per engine is the core's.

use std::borrow::Cow;
use std::sync::Arc;

use tauri::State;
use wharf_core::fleet::{
    plan_removal_with, FleetImage, FleetNetwork, FleetObjectKey, FleetObjects, FleetVolume,
    KindCounts, RemovalOptions, RemovalPlan, RoutedCommand,
};
use wharf_core::rules::inert;
use wharf_core::streams::text::inert as inert_text;

use crate::commands::CmdResult;
use crate::fleet::FleetState;

fn clean(t: &str) -> String {
    inert_text(t).into_owned()
}

fn shared<T: Clone>(v: Cow<'_, T>, orig: &Arc<T>) -> Arc<T> {
    match v {
        Cow::Borrowed(_) => orig.clone(),
        Cow::Owned(o) => Arc::new(o),
    }
}

/// The objects with every engine string made inert.
fn view(o: FleetObjects) -> FleetObjects {
    FleetObjects {
        counts: o
            .counts
            .into_iter()
            .map(|c| KindCounts {
                engine: clean(&c.engine),
                ..c
            })
            .collect(),
        images: o
            .images
            .into_iter()
            .map(|r| FleetImage {
                engine: clean(&r.engine),
                image: shared(inert::image(&r.image), &r.image),
                users: r.users,
                used_by: r.used_by,
            })
            .collect(),
        volumes: o
            .volumes
            .into_iter()
            .map(|r| FleetVolume {
                engine: clean(&r.engine),
                volume: shared(inert::volume(&r.volume), &r.volume),
                users: r.users,
            })
            .collect(),
        networks: o
            .networks
            .into_iter()
            .map(|r| FleetNetwork {
                engine: clean(&r.engine),
                network: shared(inert::network(&r.network), &r.network),
                users: r.users,
                builtin: r.builtin,
            })
            .collect(),
    }
}

/// Every engine's images, volumes and networks now (never waits for an engine).
#[tauri::command]
pub fn fleet_objects(state: State<'_, FleetState>) -> CmdResult<FleetObjects> {
    Ok(view(state.current()?.objects()))
}

/// What removing `keys` will do with the image removal's choices (`options`: force,
/// no-prune; none given is neither): the dialog's title, lines and notes (inert), and the
/// items to hand to `fleet_execute` (by engine, acting on the ids listed now). Without force
/// an image in use is left out, and a note names its engine and containers.
#[tauri::command]
pub fn fleet_remove_plan(
    state: State<'_, FleetState>,
    keys: Vec<FleetObjectKey>,
    options: Option<RemovalOptions>,
) -> CmdResult<RemovalPlan> {
    let fleet = state.current()?;
    let plan = plan_removal_with(
        &fleet.objects(),
        &fleet.snapshot().engines,
        &keys,
        options.unwrap_or_default(),
    );
    Ok(RemovalPlan {
        title: clean(&plan.title),
        lines: plan.lines.iter().map(|l| clean(l)).collect(),
        notes: plan.notes.iter().map(|l| clean(l)).collect(),
        items: plan
            .items
            .into_iter()
            .map(|r| RoutedCommand {
                engine: r.engine,
                cmd: r.cmd,
            })
            .collect(),
        ..plan
    })
}

//! The Fleet page's live listing, pushed: `fleet_watch(channel)` sends the merged listing (and
//! what each SSH engine's shared connections cost) at once, then again after each fleet
//! revision (`Fleet::changed`, any member's new snapshot), at most every [`BATCH`]: revisions
//! in between fold into the next message, since the listing is always the newest. The SSH
//! counters change without a revision, so they are read every [`SSH_EVERY`] and sent only when
//! they changed. Nothing is read or sent otherwise.
//!
//! The page holds the stream only while it is visible (`whileVisible`): hiding it stops the
//! stream (`stream_stop`), showing it opens a new one whose first message is the listing now,
//! which fills the gap. The stream follows the fleet open when it started; it holds it weakly,
//! so closing or replacing that fleet ends the stream rather than keeping its engines
//! connected.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use wharf_core::fleet::{Fleet, FleetSnapshot};
use wharf_core::model::SshCost;
use wharf_core::streams::text::inert as inert_text;

use crate::commands::CmdResult;
use crate::fleet::{view, FleetState};
use crate::Desk;

/// The shortest time between two messages.
pub const BATCH: Duration = Duration::from_millis(150);
/// How often the SSH counters are read (a few atomics per engine; no request).
pub const SSH_EVERY: Duration = Duration::from_secs(2);

/// What one SSH engine's shared connections cost now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EngineSsh {
    pub engine: String,
    pub cost: SshCost,
}

/// One message of the stream: the merged listing, and the SSH engines' costs (the other
/// transports are not listed).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FleetUpdate {
    pub snapshot: FleetSnapshot,
    pub ssh: Vec<EngineSsh>,
    /// Specs listed once because a member is the same engine (`default and prod are the
    /// same engine: shown once`), inert.
    pub same: Vec<String>,
}

fn ssh_costs(fleet: &Fleet) -> Vec<EngineSsh> {
    fleet
        .ssh_costs()
        .into_iter()
        .map(|(engine, cost)| EngineSsh {
            engine: inert_text(&engine).into_owned(),
            cost,
        })
        .collect()
}

/// Push the open fleet's listing to `channel` until the page stops the stream.
#[tauri::command]
pub fn fleet_watch(
    desk: State<'_, Desk>,
    state: State<'_, FleetState>,
    channel: Channel<FleetUpdate>,
) -> CmdResult<u64> {
    let fleet = state.current()?;
    let task = tauri::async_runtime::spawn(push(Arc::downgrade(&fleet), channel));
    Ok(desk.streams.add(task, None))
}

async fn push(fleet: Weak<Fleet>, channel: Channel<FleetUpdate>) {
    let Some(mut changed) = fleet.upgrade().map(|f| f.changed()) else {
        return;
    };
    let mut tick = tokio::time::interval(SSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        changed.borrow_and_update();
        let Some(f) = fleet.upgrade() else { return };
        let update = FleetUpdate {
            snapshot: view(f.snapshot()),
            ssh: ssh_costs(&f),
            same: f
                .same_engines()
                .iter()
                .map(|s| inert_text(&s.describe()).into_owned())
                .collect(),
        };
        drop(f);
        let sent_ssh = update.ssh.clone();
        if channel.send(update).is_err() {
            return; // the page is gone
        }
        tokio::time::sleep(BATCH).await;
        loop {
            tokio::select! {
                r = changed.changed() => {
                    if r.is_err() {
                        return; // the fleet was closed
                    }
                    break;
                }
                _ = tick.tick() => {
                    let Some(f) = fleet.upgrade() else { return };
                    if ssh_costs(&f) != sent_ssh {
                        break;
                    }
                }
            }
        }
    }
}

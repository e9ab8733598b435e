//! Store revisions → `store://changed` events for the page, batched.
//!
//! The page asks for the snapshot once (`snapshot` command), then listens here. A busy engine
//! can publish many revisions a second; the bridge sends the newest one at most every
//! [`BATCH`], so revisions in between are folded into the next event (a `watch` channel only
//! keeps the latest). A context switch sends the new link's snapshot at once, and so is the
//! first complete listing: until the store has synced, a revision is not held back behind the
//! one before (at start-up the page waits for that listing to show its first data).

use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::watch;

use crate::link::{Link, SnapshotView};
use crate::Desk;

pub const EVENT: &str = "store://changed";
/// The shortest time between two events.
pub const BATCH: Duration = Duration::from_millis(150);

pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(run(app));
}

/// Send the link's snapshot; answers whether it was a complete listing (`synced`).
fn emit<R: Runtime>(app: &AppHandle<R>, link: &Link, read_only: bool) -> bool {
    let snap = link.snapshot();
    let view = SnapshotView::new(&snap, link, read_only);
    if let Err(e) = app.emit(EVENT, &view) {
        tracing::warn!("emit {EVENT}: {e}");
    }
    snap.synced
}

async fn run<R: Runtime>(app: AppHandle<R>) {
    let (mut links, read_only) = {
        let desk = app.state::<Desk>();
        (desk.links(), desk.read_only)
    };
    loop {
        let link: Arc<Link> = links.borrow_and_update().clone();
        emit(&app, &link, read_only);
        let mut snaps = link.snapshots();
        loop {
            tokio::select! {
                changed = links.changed() => {
                    if changed.is_err() {
                        return; // the app is shutting down
                    }
                    break;
                }
                ok = changed(&mut snaps) => {
                    if !ok {
                        // This link's store stopped; wait for a new link.
                        snaps = None;
                        continue;
                    }
                    if emit(&app, &link, read_only) {
                        tokio::time::sleep(BATCH).await;
                    }
                }
            }
        }
    }
}

/// Wait for the next revision; false when the store is gone. Pends forever without a store.
async fn changed<T>(rx: &mut Option<watch::Receiver<T>>) -> bool {
    match rx {
        Some(rx) => rx.changed().await.is_ok(),
        None => std::future::pending().await,
    }
}

//! The markers of a dashboard's graphs: the recorded events (die, oom, health changes,
//! restarts, starts, recreates) and fired alerts of the scope's containers over the graphs'
//! 15 minutes, read from the history database by the core (`history::read_markers`). The page
//! asks every few seconds while its graphs are visible and draws them on each uPlot chart;
//! `dash_export` draws the same ones into its PNG/SVG.

use tauri::State;
use wharf_core::error::{CoreError, ErrorKind};
use wharf_core::history::{self, HistoryMarker, HistoryRange, MarkerScope};
use wharf_core::streams::DashScope;

use crate::commands::CmdResult;
use crate::Desk;
use wharf_core::error::ErrorReport;

/// The history's scope for `scope` on the engine the app follows.
pub fn marker_scope(desk: &Desk, scope: DashScope) -> CmdResult<MarkerScope> {
    let link = desk.link();
    let live = link.live()?;
    Ok(MarkerScope::Dash {
        engine: live.endpoint.clone(),
        scope,
    })
}

/// Markers of `scope` over the last 15 minutes (blocking: SQLite).
pub fn read(scope: &MarkerScope) -> wharf_core::error::Result<Vec<HistoryMarker>> {
    let to = wharf_core::clock::now_ms();
    history::read_markers(
        &history::resolve_path(),
        scope,
        to - HistoryRange::M15.span_ms(),
        to,
    )
}

/// The events and fired alerts of `scope` over the graphs' 15 minutes, oldest first.
#[tauri::command]
pub async fn dash_markers(
    desk: State<'_, Desk>,
    scope: DashScope,
) -> CmdResult<Vec<HistoryMarker>> {
    let of = marker_scope(&desk, scope)?;
    // SQLite is blocking: off the async workers.
    let result = tauri::async_runtime::spawn_blocking(move || read(&of))
        .await
        .map_err(|e| ErrorReport::from(CoreError::new(ErrorKind::Io, e.to_string())))?;
    Ok(result?)
}

//! The log archive for the page: which containers and projects `wharf watch` archives on the
//! current engine (the container page's and the project's toggle), and the archive search
//! (the Logs tab's "Archive" and the `#/archive` page). Thin: selection, search and the inert
//! text are the core's (`wharf_core::history::archive`).

use serde::Serialize;
use tauri::State;
use wharf_core::history::{
    self, ArchiveQuery, ArchiveResult, ArchiveSelector, HistoryDb, HistoryOptions,
};
use wharf_core::{CoreError, ErrorKind};

use crate::commands::CmdResult;
use crate::Desk;
use wharf_core::error::ErrorReport;

/// What the current engine archives.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ArchiveState {
    /// The engine's endpoint (the archive is per engine).
    pub engine: String,
    /// Stored selectors: `*`, `compose:PROJECT`, `compose:PROJECT/SERVICE`, `name:NAME`.
    pub selectors: Vec<String>,
}

fn endpoint(desk: &Desk) -> Result<String, ErrorReport> {
    Ok(desk.link().live()?.endpoint.clone())
}

/// SQLite is blocking: off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> wharf_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let r = tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ErrorReport::from(CoreError::new(ErrorKind::Io, e.to_string())))?;
    Ok(r?)
}

fn state_of(engine: String) -> wharf_core::Result<ArchiveState> {
    let path = history::resolve_path();
    let selectors = if path.exists() {
        HistoryDb::open(&HistoryOptions::new(path))?
            .archive_selectors(&engine)?
            .iter()
            .map(ToString::to_string)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ArchiveState { engine, selectors })
}

/// The current engine's archive selection.
#[tauri::command]
pub async fn archive_state(desk: State<'_, Desk>) -> CmdResult<ArchiveState> {
    let engine = endpoint(&desk)?;
    blocking(move || state_of(engine)).await
}

/// Turn archiving of `selector` on or off on the current engine; answers the new selection.
/// A bad selector is refused and changes nothing.
#[tauri::command]
pub async fn archive_set(
    desk: State<'_, Desk>,
    selector: String,
    on: bool,
) -> CmdResult<ArchiveState> {
    let sel = ArchiveSelector::parse(&selector)?;
    let engine = endpoint(&desk)?;
    blocking(move || {
        HistoryDb::open(&HistoryOptions::new(history::resolve_path()))?
            .archive_set(&engine, &sel, on)?;
        state_of(engine)
    })
    .await
}

/// Search the current engine's archive (its `engine` field is set here).
#[tauri::command]
pub async fn archive_search(
    desk: State<'_, Desk>,
    mut query: ArchiveQuery,
) -> CmdResult<ArchiveResult> {
    query.engine = endpoint(&desk)?;
    blocking(move || {
        let path = history::resolve_path();
        if !path.exists() {
            // Checked before anything is read: a bad pattern is an error even with no archive.
            wharf_core::streams::LogQuery::parse(&query.pattern, query.regex)
                .map(|_| ())
                .or_else(|e| {
                    if query.pattern.is_empty() {
                        Ok(())
                    } else {
                        Err(e)
                    }
                })?;
            return Ok(ArchiveResult::default());
        }
        HistoryDb::open(&HistoryOptions::new(path))?.archive_search(&query)
    })
    .await
}

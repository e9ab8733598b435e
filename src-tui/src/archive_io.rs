//! The log archive's blocking calls for the loop (SQLite, zstd): run on the blocking pool.

use wharf_core::history::{
    self, ArchiveQuery, ArchiveResult, ArchiveSelector, HistoryDb, HistoryOptions,
};
use wharf_core::CoreError;

/// Search the database the UIs read (nothing found when no recorder made it yet).
pub fn search(q: &ArchiveQuery) -> Result<ArchiveResult, CoreError> {
    let path = history::resolve_path();
    if !path.exists() {
        return Ok(ArchiveResult::default());
    }
    HistoryDb::open(&HistoryOptions::new(path))?.archive_search(q)
}

/// Turn archiving of `selector` on engine `engine` on or off; the text says what changed.
pub fn set(engine: &str, selector: &str, on: bool) -> Result<String, CoreError> {
    let sel = ArchiveSelector::parse(selector)?;
    let mut db = HistoryDb::open(&HistoryOptions::new(history::resolve_path()))?;
    let changed = db.archive_set(engine, &sel, on)?;
    Ok(match (on, changed) {
        (true, true) => format!("archiving the logs of {sel} (wharf watch records them)"),
        (true, false) => format!("the logs of {sel} were archived already"),
        (false, true) => format!("no longer archiving the logs of {sel}"),
        (false, false) => format!("{sel} was not archived"),
    })
}

//! Writing a container's Stats export (the loop's side of `Effect::ExportStats`): the markers
//! of the container's series (its compose service or name, as history keys it, so a recreated
//! container's are there too) are read from the history database by the core
//! (`history::read_markers`, the dashboards' function), the core draws the four graphs with
//! them (`chart::stats`), and `dash_export::write_file` creates the file without replacing one
//! unless asked.

use std::path::Path;

use wharf_core::chart::stats;
use wharf_core::history::{self, SeriesKey};
use wharf_core::model::Sample;

use crate::msg::Exported;

/// Render `samples` with the markers of `key` over the graphs' last `window_secs` in the
/// format the path's extension names and write it to `path`. Blocking (SQLite, drawing).
pub fn write(
    path: &Path,
    key: Option<&SeriesKey>,
    samples: &[Sample],
    window_secs: u32,
    overwrite: bool,
) -> Exported {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("png" | "svg")) {
        return Exported::Failed("the file name must end in .png or .svg".into());
    }
    let Some(newest) = samples.last().map(|s| s.at_ms) else {
        return Exported::Failed("nothing to export yet: no samples of this container".into());
    };
    // A container gone from the snapshot has no key: its graphs are exported without markers.
    let markers = match key {
        Some(key) => match history::read_series_markers(key.clone(), newest, window_secs) {
            Ok(m) => m,
            Err(e) => return Exported::Failed(format!("reading the markers: {e}")),
        },
        None => Vec::new(),
    };
    let mut opts = stats::default_options();
    opts.window_secs = window_secs;
    let bytes = if ext.as_deref() == Some("png") {
        stats::png(samples, &markers, &opts)
    } else {
        stats::svg(samples, &markers, &opts).map(String::into_bytes)
    };
    match bytes {
        Ok(b) => crate::dash_export::write_file(path, &b, overwrite),
        Err(e) => Exported::Failed(e.to_string()),
    }
}

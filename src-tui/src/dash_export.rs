//! Writing a dashboard export (the loop's side of `Effect::ExportDash`): the core draws the
//! graphs (plotters PNG/SVG) or writes the CSV; this file creates the file, refusing to
//! replace an existing one unless the user said so (`create_new`, so nothing is replaced
//! between a check and the write).

use std::io::Write;
use std::path::Path;

use wharf_core::chart::dash::{self, DashSeries};
use wharf_core::history::HistoryMarker;

use crate::msg::Exported;

/// Render `series` (with `markers` on the graphs) in the format the path's extension names and
/// write it to `path`.
pub fn write(
    path: &Path,
    series: &DashSeries,
    markers: &[HistoryMarker],
    dark: bool,
    overwrite: bool,
) -> Exported {
    let mut opts = dash::default_options();
    opts.dark = dark;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("png") => dash::png(series, markers, &opts),
        Some("svg") => dash::svg(series, markers, &opts).map(String::into_bytes),
        Some("csv") => dash::csv(series).map(String::into_bytes),
        _ => return Exported::Failed("the file name must end in .png, .svg or .csv".into()),
    };
    match bytes {
        Ok(b) => write_file(path, &b, overwrite),
        Err(e) => Exported::Failed(e.to_string()),
    }
}

/// Write `bytes` to `path`, creating it; an existing file is replaced only with `overwrite`.
pub fn write_file(path: &Path, bytes: &[u8], overwrite: bool) -> Exported {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Exported::Exists,
        Err(e) => return Exported::Failed(format!("{}: {e}", path.display())),
    };
    let mut file = file;
    match file.write_all(bytes).and_then(|()| file.sync_all()) {
        Ok(()) => Exported::Written,
        Err(e) => Exported::Failed(format!("{}: {e}", path.display())),
    }
}

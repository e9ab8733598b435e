//! The dashboard's live engine-wide graphs for the page: numbers over a channel (the core's
//! [`EngineSeries`] sums, stacked by group or top N), and their PNG/SVG/CSV exports.
//!
//! - `dash_sampling(on)`: the dashboard page (or a project's graphs) is open; the stats hub
//!   samples every running container until it is closed (`on = false`). Hiding the window
//!   stops the stream, not the sampling, so the gap is there when it is shown again.
//! - `dash_watch(scope, stacking, after_ms, channel)`: one message per hub publication (once a
//!   second). The first message, and any message whose bands changed (a group appeared, left,
//!   or the top N changed), carries the whole 15 minutes (`reset`); the others carry only the
//!   points newer than the last sent, for the page to append.
//! - `dash_export(scope, stacking, format, options)`: the same graphs drawn by plotters (PNG,
//!   SVG, with the scope's markers: `crate::dash_markers`) or written as CSV into the download
//!   directory.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tokio::sync::watch;
use wharf_core::chart::dash::{self, DashSeries};
use wharf_core::chart::ChartOptions;
use wharf_core::store::Snapshot;
use wharf_core::streams::{DashScope, EngineSeries, Stacking, StatsView};

use crate::commands::{file_name, write_download, CmdResult, Saved};
use crate::Desk;

/// One message of a dashboard stream.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DashUpdate {
    /// The page replaces what it holds with `series` (the first message, or the bands
    /// changed); otherwise it appends `series`' points.
    pub reset: bool,
    pub series: DashSeries,
}

/// Where the page stopped (it resumes after a pause): its newest point and each graph's
/// bands. When the bands are still the same, the first message holds only the gap.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DashResume {
    pub after_ms: i64,
    pub groups: Vec<Vec<String>>,
}

/// What an export writes.
#[derive(Debug, Clone, Copy, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum DashFormat {
    Png,
    Svg,
    Csv,
}

/// Sample every running container while a dashboard is open (`on`), or stop.
#[tauri::command]
pub fn dash_sampling(desk: State<'_, Desk>, on: bool) -> CmdResult<()> {
    let link = desk.link();
    link.live()?.stats.sample_all(on);
    Ok(())
}

/// Stream the graphs of `scope`; with `resume` (the page's newest point and bands after a
/// pause) the first message holds exactly the gap, unless the bands changed meanwhile.
#[tauri::command]
pub fn dash_watch(
    desk: State<'_, Desk>,
    scope: DashScope,
    stacking: Stacking,
    resume: Option<DashResume>,
    channel: Channel<DashUpdate>,
) -> CmdResult<u64> {
    let link = desk.link();
    let live = link.live()?;
    live.stats.sample_all(true);
    let views = live.stats.subscribe();
    let snaps = live.store.subscribe();
    let task = tauri::async_runtime::spawn(stream(views, snaps, scope, stacking, resume, channel));
    Ok(desk.streams.add(task, None))
}

/// The points of `series` newer than `after_ms`, for appending.
pub fn tail(series: &DashSeries, after_ms: i64) -> DashSeries {
    let from = series.at_ms.partition_point(|t| *t <= after_ms);
    let mut out = series.clone();
    out.at_ms = series.at_ms[from..].to_vec();
    for c in &mut out.charts {
        for v in &mut c.values {
            *v = v.get(from..).map(<[f64]>::to_vec).unwrap_or_default();
        }
    }
    out
}

/// Each graph's bands.
fn bands(series: &DashSeries) -> Vec<&[String]> {
    series.charts.iter().map(|c| c.groups.as_slice()).collect()
}

/// The next message given what was sent: the whole series when the bands changed (or nothing
/// was sent), else the new points (`None` when there are none).
pub fn next_update(
    series: DashSeries,
    sent: &mut Option<(Vec<Vec<String>>, i64)>,
) -> Option<DashUpdate> {
    let newest = series.at_ms.last().copied().unwrap_or(i64::MIN);
    let now_bands: Vec<Vec<String>> = bands(&series).into_iter().map(<[String]>::to_vec).collect();
    let update = match sent {
        Some((b, cursor)) if *b == now_bands => {
            let t = tail(&series, *cursor);
            if t.at_ms.is_empty() {
                return None;
            }
            DashUpdate {
                reset: false,
                series: t,
            }
        }
        _ => DashUpdate {
            reset: true,
            series,
        },
    };
    *sent = Some((now_bands, newest));
    Some(update)
}

async fn stream(
    mut views: watch::Receiver<Arc<StatsView>>,
    snaps: watch::Receiver<Arc<Snapshot>>,
    scope: DashScope,
    stacking: Stacking,
    resume: Option<DashResume>,
    ch: Channel<DashUpdate>,
) {
    let mut agg = EngineSeries::default();
    let mut sent = resume.map(|r| (r.groups, r.after_ms));
    loop {
        let view = views.borrow_and_update().clone();
        let snap = snaps.borrow().clone();
        agg.learn(&snap, &view);
        let series = agg.series(&view, &snap, &scope, stacking);
        if let Some(u) = next_update(series, &mut sent) {
            if ch.send(u).is_err() {
                return;
            }
        }
        if views.changed().await.is_err() {
            return;
        }
    }
}

/// Save the graphs of `scope` as PNG, SVG or CSV in the download directory.
#[tauri::command]
pub fn dash_export<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    scope: DashScope,
    stacking: Stacking,
    format: DashFormat,
    options: Option<ChartOptions>,
) -> CmdResult<Saved> {
    let series = {
        let link = desk.link();
        let live = link.live()?;
        let view = live.stats.view();
        let snap = live.store.snapshot();
        let mut agg = EngineSeries::default();
        agg.learn(&snap, &view);
        agg.series(&view, &snap, &scope, stacking)
    };
    let markers = match format {
        DashFormat::Csv => Vec::new(),
        _ => crate::dash_markers::read(&crate::dash_markers::marker_scope(&desk, scope.clone())?)?,
    };
    let opts = options.unwrap_or_else(dash::default_options);
    let stem = match &scope {
        DashScope::Engine => "dash".to_owned(),
        DashScope::Project { name } | DashScope::Service { name } => format!("dash-{name}"),
    };
    match format {
        DashFormat::Png => write_download(
            &app,
            file_name(&stem, "png"),
            &dash::png(&series, &markers, &opts)?,
        ),
        DashFormat::Svg => write_download(
            &app,
            file_name(&stem, "svg"),
            dash::svg(&series, &markers, &opts)?.as_bytes(),
        ),
        DashFormat::Csv => write_download(
            &app,
            file_name(&stem, "csv"),
            dash::csv(&series)?.as_bytes(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_core::chart::dash::{DashChart, DashMetric};

    fn series(n: i64, groups: &[&str]) -> DashSeries {
        DashSeries {
            at_ms: (0..n).map(|i| i * 1000).collect(),
            charts: vec![DashChart {
                metric: DashMetric::Cpu,
                caption: String::new(),
                groups: groups.iter().map(|g| (*g).to_owned()).collect(),
                values: groups
                    .iter()
                    .map(|_| (0..n).map(|i| i as f64).collect())
                    .collect(),
                limit: None,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn first_whole_then_only_new_points_then_whole_when_bands_change() {
        let mut sent = None;
        let u = next_update(series(10, &["a"]), &mut sent).unwrap();
        assert!(u.reset && u.series.at_ms.len() == 10);
        assert!(
            next_update(series(10, &["a"]), &mut sent).is_none(),
            "nothing new"
        );
        let u = next_update(series(12, &["a"]), &mut sent).unwrap();
        assert!(!u.reset);
        assert_eq!(u.series.at_ms, [10_000, 11_000]);
        assert_eq!(u.series.charts[0].values[0], [10.0, 11.0]);
        let u = next_update(series(13, &["a", "b"]), &mut sent).unwrap();
        assert!(u.reset && u.series.at_ms.len() == 13);
        // A page resuming with the same bands gets the gap only.
        let mut resumed = Some((vec![vec!["a".to_owned()]], 11_000));
        let u = next_update(series(14, &["a"]), &mut resumed).unwrap();
        assert!(!u.reset);
        assert_eq!(u.series.at_ms, [12_000, 13_000]);
    }
}

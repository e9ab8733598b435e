//! The dashboard's engine-wide graphs: what they hold ([`DashSeries`], computed by
//! `streams::engine_series` from the stats hub), how they look ([`DashStyle`], sent to the
//! page in [`super::chart_style`]), and their exports: one PNG or SVG with all six graphs,
//! drawn with plotters as the container graphs are, and CSV.
//!
//! A graph is stacked: each group (a compose project, a service, or one of the top N
//! containers, and the summed rest, "other") is a band on top of the ones before it. Bands are
//! drawn from the top one down, each filled with its colour mixed over the background
//! (opaque), so the stack reads the same in plotters and in the page's uPlot charts.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{check, drawing_error, format_age, human_bytes, ChartOptions, Unit};
use super::{DARK, FILL_ALPHA, FONT_NAME, FONT_PX, HEADROOM, LIGHT, RED};
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::HistoryMarker;

/// Group colours, in stacking order; the ninth group would reuse the first, but the
/// aggregation sums everything past [`MAX_GROUPS`] into "other".
pub const STACK: [RGBColor; 8] = [
    RGBColor(0x3b, 0x82, 0xf6),
    RGBColor(0xf5, 0x9e, 0x0b),
    RGBColor(0x10, 0xb9, 0x81),
    RGBColor(0x8b, 0x5c, 0xf6),
    RGBColor(0xef, 0x44, 0x44),
    RGBColor(0x06, 0xb6, 0xd4),
    RGBColor(0xec, 0x48, 0x99),
    RGBColor(0x84, 0xcc, 0x16),
];
/// The summed rest.
pub const OTHER: RGBColor = RGBColor(0x94, 0xa3, 0xb8);
/// How much of a group's colour its band's fill has over the background.
pub const STACK_FILL: f64 = 0.55;
/// The label of the summed rest.
pub const OTHER_LABEL: &str = "other";
/// At most this many named groups; the rest is summed into [`OTHER_LABEL`].
pub const MAX_GROUPS: usize = 8;

/// One engine-wide graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DashMetric {
    /// CPU in cores (the caption adds the share of the host's CPUs).
    Cpu,
    /// Memory used (the caption and a line: the host's total).
    Memory,
    NetRx,
    NetTx,
    BlockRead,
    BlockWrite,
}

impl DashMetric {
    pub const ALL: [DashMetric; 6] = [
        DashMetric::Cpu,
        DashMetric::Memory,
        DashMetric::NetRx,
        DashMetric::NetTx,
        DashMetric::BlockRead,
        DashMetric::BlockWrite,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DashMetric::Cpu => "CPU",
            DashMetric::Memory => "Memory",
            DashMetric::NetRx => "Network rx",
            DashMetric::NetTx => "Network tx",
            DashMetric::BlockRead => "Block read",
            DashMetric::BlockWrite => "Block write",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            DashMetric::Cpu => Unit::Cores,
            DashMetric::Memory => Unit::Bytes,
            _ => Unit::BytesPerSec,
        }
    }

    /// The name used by `:dash` exports' CSV and file names.
    pub fn key(self) -> &'static str {
        match self {
            DashMetric::Cpu => "cpu",
            DashMetric::Memory => "memory",
            DashMetric::NetRx => "net_rx",
            DashMetric::NetTx => "net_tx",
            DashMetric::BlockRead => "block_read",
            DashMetric::BlockWrite => "block_write",
        }
    }

    pub fn style(self) -> DashStyle {
        DashStyle {
            metric: self,
            title: self.title(),
            unit: self.unit(),
            y_floor: self.unit().y_floor(),
        }
    }
}

/// How one engine-wide graph looks (colours come from the palette's `stack`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DashStyle {
    pub metric: DashMetric,
    pub title: &'static str,
    pub unit: Unit,
    pub y_floor: f64,
}

/// One graph's data: a band per group, one value per time of [`DashSeries::at_ms`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DashChart {
    pub metric: DashMetric,
    /// The newest total, as text ("CPU 1.20 cores · 60.0 % of 2 CPUs").
    pub caption: String,
    /// Group labels, bottom band first; "other" last when present.
    pub groups: Vec<String>,
    /// `values[g][t]`, in the metric's unit (cores, bytes, bytes/s).
    pub values: Vec<Vec<f64>>,
    /// A horizontal reference: the host's memory, when within reach of the data.
    pub limit: Option<f64>,
}

impl DashChart {
    /// The stack's height at each time.
    pub fn totals(&self) -> Vec<f64> {
        let n = self.values.first().map_or(0, Vec::len);
        (0..n)
            .map(|t| {
                self.values
                    .iter()
                    .map(|g| g.get(t).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect()
    }
}

/// The engine-wide (or one project's, or one service's) graphs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DashSeries {
    /// Times of the points, Unix ms, oldest first.
    pub at_ms: Vec<i64>,
    /// One per [`DashMetric::ALL`], in that order.
    pub charts: Vec<DashChart>,
    pub host_cpus: u32,
    pub host_memory: u64,
    /// Running containers in the scope now.
    pub running: usize,
    /// Of those, how many have samples.
    pub sampled: usize,
}

impl DashSeries {
    pub fn chart(&self, metric: DashMetric) -> Option<&DashChart> {
        self.charts.iter().find(|c| c.metric == metric)
    }
}

/// The colour of group `i` called `label`.
pub fn group_color(label: &str, i: usize) -> RGBColor {
    if label == OTHER_LABEL {
        OTHER
    } else {
        STACK[i % STACK.len()]
    }
}

/// The caption of `metric` whose newest total is `v`.
pub fn caption(metric: DashMetric, v: f64, host_cpus: u32, host_memory: u64) -> String {
    match metric {
        DashMetric::Cpu if host_cpus > 0 => format!(
            "CPU {v:.2} cores · {:.1} % of {host_cpus} CPUs",
            v / f64::from(host_cpus) * 100.0
        ),
        DashMetric::Cpu => format!("CPU {v:.2} cores"),
        DashMetric::Memory if host_memory > 0 => format!(
            "Memory {} of {} host",
            human_bytes(v),
            human_bytes(host_memory as f64)
        ),
        DashMetric::Memory => format!("Memory {}", human_bytes(v)),
        m => format!("{} {}/s", m.title(), human_bytes(v)),
    }
}

/// A colour mixed over the background: `a` of `c`, the rest `bg`.
fn over(c: RGBColor, bg: RGBColor, a: f64) -> RGBColor {
    let m = |x: u8, y: u8| (f64::from(x) * a + f64::from(y) * (1.0 - a)).round() as u8;
    RGBColor(m(c.0, bg.0), m(c.1, bg.1), m(c.2, bg.2))
}

fn y_label(unit: Unit, y: f64) -> String {
    match unit {
        Unit::Percent => format!("{y:.0} %"),
        Unit::Bytes => human_bytes(y),
        Unit::BytesPerSec => format!("{}/s", human_bytes(y)),
        Unit::Cores => format!("{y:.1}"),
    }
}

fn draw_one<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &DashSeries,
    chart: &DashChart,
    markers: &[HistoryMarker],
    opts: &ChartOptions,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let [bg, fg, grid] = if opts.dark { DARK } else { LIGHT };
    let font = (FONT_NAME, FONT_PX).into_font().color(&fg);
    let newest = series.at_ms.last().copied().unwrap_or(0);
    let from = newest - i64::from(opts.window_secs) * 1000;
    let idx: Vec<usize> = (0..series.at_ms.len())
        .filter(|&i| series.at_ms[i] >= from)
        .collect();
    let x = |i: usize| (series.at_ms[i] - newest) as f64 / 1000.0;
    let age = idx.first().map_or(0.0, |&i| -x(i));
    let span = ((age / 60.0).ceil().max(1.0) * 60.0).min(f64::from(opts.window_secs.max(1)));
    // Cumulative tops, bottom band first.
    let mut tops: Vec<Vec<(f64, f64)>> = Vec::with_capacity(chart.values.len());
    let mut acc = vec![0.0; idx.len()];
    for vals in &chart.values {
        for (k, &i) in idx.iter().enumerate() {
            acc[k] += vals.get(i).copied().unwrap_or(0.0);
        }
        tops.push(idx.iter().zip(&acc).map(|(&i, &v)| (x(i), v)).collect());
    }
    let peak = acc.iter().copied().chain(chart.limit).fold(0.0, f64::max);
    let unit = chart.metric.unit();
    let y_max = (peak * HEADROOM).max(unit.y_floor());
    let mut c = ChartBuilder::on(area)
        .caption(&chart.caption, font.clone())
        .margin(6)
        .x_label_area_size(20)
        .y_label_area_size(70)
        .build_cartesian_2d(-span..0.0, 0.0..y_max)?;
    c.configure_mesh()
        .light_line_style(grid.mix(0.35))
        .bold_line_style(grid)
        .axis_style(fg)
        .label_style(font.clone())
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|v| format_age(*v))
        .y_label_formatter(&|v| y_label(unit, *v))
        .draw()?;
    // Top band first: each lower band is drawn over the part of it that is not its own.
    for (g, top) in tops.iter().enumerate().rev() {
        let color = group_color(&chart.groups[g], g);
        let fill = over(color, bg, STACK_FILL);
        c.draw_series(AreaSeries::new(top.iter().copied(), 0.0, fill.filled()))?;
        c.draw_series(LineSeries::new(top.iter().copied(), color.stroke_width(1)))?;
    }
    // Legend entries, bottom band first.
    for (g, label) in chart.groups.iter().enumerate() {
        let color = group_color(label, g);
        c.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], color.filled()));
    }
    if let Some(limit) = chart.limit {
        c.draw_series(LineSeries::new(
            [(-span, limit), (0.0, limit)],
            RED.stroke_width(1),
        ))?
        .label("host")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 10, y)], RED));
    }
    super::marks::draw(&mut c, markers, newest, span, y_max)?;
    if !chart.groups.is_empty() {
        c.configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(font)
            .background_style(bg.mix(1.0 - FILL_ALPHA))
            .border_style(grid)
            .draw()?;
    }
    Ok(())
}

fn draw_all<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    series: &DashSeries,
    markers: &[HistoryMarker],
    opts: &ChartOptions,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let [bg, _, _] = if opts.dark { DARK } else { LIGHT };
    root.fill(&bg)?;
    let cells = root.split_evenly((3, 2));
    for (cell, chart) in cells.iter().zip(&series.charts) {
        draw_one(cell, series, chart, markers, opts)?;
    }
    root.present()
}

/// The size exports default to: six graphs of 480×240.
pub fn default_options() -> ChartOptions {
    ChartOptions {
        width: 960,
        height: 720,
        dark: false,
        window_secs: 900,
    }
}

fn check_series(series: &DashSeries) -> Result<()> {
    if series.at_ms.is_empty() {
        return Err(CoreError::invalid_input(
            "nothing to export yet: no samples of running containers",
        ));
    }
    Ok(())
}

/// All six graphs as one SVG document, with `markers` (events and alerts of the scope, see
/// `history::markers`) drawn on each.
pub fn svg(series: &DashSeries, markers: &[HistoryMarker], opts: &ChartOptions) -> Result<String> {
    check(opts)?;
    check_series(series)?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (opts.width, opts.height)).into_drawing_area();
        draw_all(root, series, markers, opts).map_err(drawing_error)?;
    }
    Ok(out)
}

/// All six graphs as one PNG image, with `markers` drawn on each.
pub fn png(series: &DashSeries, markers: &[HistoryMarker], opts: &ChartOptions) -> Result<Vec<u8>> {
    check(opts)?;
    check_series(series)?;
    let (w, h) = (opts.width, opts.height);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw_all(root, series, markers, opts).map_err(drawing_error)?;
    }
    super::encode_png(&rgb, w, h)
}

/// The series as CSV, one row per (time, graph, group): `at_ms,time,metric,group,value`, in
/// the metric's unit (cores, bytes, bytes/s).
pub fn csv(series: &DashSeries) -> Result<String> {
    check_series(series)?;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| CoreError::new(ErrorKind::Io, format!("csv: {e}"));
    w.write_record(["at_ms", "time", "metric", "group", "value"])
        .map_err(err)?;
    for (t, at) in series.at_ms.iter().enumerate() {
        let time = crate::clock::rfc3339_ms(*at);
        for chart in &series.charts {
            for (g, label) in chart.groups.iter().enumerate() {
                let v = chart.values[g].get(t).copied().unwrap_or(0.0);
                w.write_record([
                    at.to_string().as_str(),
                    &time,
                    chart.metric.key(),
                    label,
                    &format!("{v}"),
                ])
                .map_err(err)?;
            }
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CoreError::new(ErrorKind::Io, format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| CoreError::new(ErrorKind::Io, format!("csv: {e}")))
}

#[cfg(test)]
#[path = "dash_tests.rs"]
mod tests;

//! Resource graphs: a container's time series of [`Sample`]s drawn with plotters as SVG or PNG
//! (exports and static images), and the [`ChartStyle`] the desktop page's live canvas charts
//! draw with, so both look the same: one table of metrics, lines, colours and units.
//!
//! Rendering is a pure function of (samples, metric, options): the time axis is relative to
//! the newest sample, never to the wall clock, so the same input gives the same picture.
//! Text is laid out with a font embedded in the binary (DejaVu Sans Mono, see
//! `assets/FONT-LICENSE`), so drawing never depends on the fonts a machine has installed.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{HistoryMarker, Sample};

const FONT: &[u8] = include_bytes!("../assets/DejaVuSansMono.ttf");
const FONT_NAME: &str = "sans-serif";
const MIN_SIZE: u32 = 120;
const MAX_SIZE: u32 = 4096;

/// Which quantity a graph shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// CPU % of one core.
    Cpu,
    /// Memory used, with the limit drawn when it is in range.
    Memory,
    /// Network receive and transmit rates.
    Network,
    /// Block device read and write rates.
    BlockIo,
}

impl Metric {
    pub fn title(self) -> &'static str {
        match self {
            Metric::Cpu => "CPU",
            Metric::Memory => "Memory",
            Metric::Network => "Network I/O",
            Metric::BlockIo => "Block I/O",
        }
    }
}

/// Size and colours of a graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartOptions {
    pub width: u32,
    pub height: u32,
    /// Light text on a dark background.
    pub dark: bool,
    /// Only samples at most this many seconds older than the newest one.
    pub window_secs: u32,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 480,
            height: 200,
            dark: false,
            window_secs: 300,
        }
    }
}

/// One line of a graph, already in display units.
struct Line {
    label: &'static str,
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

struct Plan {
    lines: Vec<Line>,
    /// The newest sample's time: the x axis is seconds relative to it (0 = now).
    newest_ms: i64,
    /// Seconds of history the x axis spans: the data's age rounded up to a minute, at most the
    /// requested window, so a young series fills the graph instead of hugging its right edge.
    span_secs: f64,
    /// A horizontal reference (the memory limit), when it fits the scale.
    limit: Option<f64>,
    y_max: f64,
    unit: Unit,
    caption: String,
}

/// How a metric's values are shown on its axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// `12 %`.
    Percent,
    /// Binary sizes, `1.5 MiB` ([`human_bytes`]).
    Bytes,
    /// `1.5 MiB/s`.
    BytesPerSec,
    /// CPU in cores, `1.5 cores` (the dashboard's engine-wide CPU).
    Cores,
}

impl Unit {
    /// The y axis never shrinks below this, so an idle container draws a flat line at the
    /// bottom instead of magnified noise.
    pub fn y_floor(self) -> f64 {
        match self {
            Unit::Percent => 5.0,
            Unit::Bytes | Unit::BytesPerSec => 1024.0,
            Unit::Cores => 0.1,
        }
    }
}

/// The [`Sample`] field a line plots (named as the field is serialized).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    CpuPct,
    MemUsed,
    NetRxRate,
    NetTxRate,
    BlkReadRate,
    BlkWriteRate,
}

impl Field {
    pub fn value(self, s: &Sample) -> f64 {
        match self {
            Field::CpuPct => s.cpu_pct,
            Field::MemUsed => s.mem_used as f64,
            Field::NetRxRate => s.net_rx_rate,
            Field::NetTxRate => s.net_tx_rate,
            Field::BlkReadRate => s.blk_read_rate,
            Field::BlkWriteRate => s.blk_write_rate,
        }
    }
}

/// One line of a metric's graph: its legend label, the field it plots and its colour
/// (an index into [`Palette::series`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineStyle {
    pub label: &'static str,
    pub field: Field,
    pub color: usize,
}

/// What a metric's graph draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MetricStyle {
    pub metric: Metric,
    pub title: &'static str,
    pub unit: Unit,
    /// The y axis reaches at least this ([`Unit::y_floor`]).
    pub y_floor: f64,
    pub lines: Vec<LineStyle>,
    /// Draw the memory limit as a horizontal line when it is within reach of the data.
    pub limit: bool,
}

/// Colours of one theme, `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Palette {
    pub background: String,
    pub foreground: String,
    pub grid: String,
    /// Line colours, in the order [`LineStyle::color`] indexes.
    pub series: Vec<String>,
    pub limit: String,
    /// Colours of the dashboard's stacked groups, in stacking order ([`dash`]).
    pub stack: Vec<String>,
    /// The colour of the summed rest ("other").
    pub other: String,
}

/// Everything a live chart needs to look like an exported one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartStyle {
    pub light: Palette,
    pub dark: Palette,
    pub metrics: Vec<MetricStyle>,
    /// Opacity of the area under a line.
    pub fill_alpha: f64,
    /// Line width in pixels.
    pub line_width: u32,
    /// The y axis reaches this factor above the highest value.
    pub headroom: f64,
    /// Axis and caption text size in pixels.
    pub font_px: u32,
    /// The dashboard's engine-wide graphs ([`dash`]).
    pub dash: Vec<dash::DashStyle>,
    /// A stacked band's fill: its colour mixed this much over the background (opaque, so
    /// bands drawn over each other from the top down read as a stack).
    pub stack_fill: f64,
    /// A colour and label per marker kind (events and fired alerts on the graphs).
    pub markers: Vec<MarkerStyle>,
}

const BLUE: RGBColor = RGBColor(0x3b, 0x82, 0xf6);
const ORANGE: RGBColor = RGBColor(0xf5, 0x9e, 0x0b);
const RED: RGBColor = RGBColor(0xef, 0x44, 0x44);
/// Line colours by [`LineStyle::color`]; the same in both themes.
const SERIES: [RGBColor; 2] = [BLUE, ORANGE];
/// (background, foreground, grid) of the light and dark themes.
const LIGHT: [RGBColor; 3] = [
    RGBColor(0xff, 0xff, 0xff),
    RGBColor(0x1f, 0x29, 0x37),
    RGBColor(0xe5, 0xe7, 0xeb),
];
const DARK: [RGBColor; 3] = [
    RGBColor(0x1e, 0x1f, 0x24),
    RGBColor(0xe5, 0xe7, 0xeb),
    RGBColor(0x3a, 0x3d, 0x46),
];
const FILL_ALPHA: f64 = 0.15;
const LINE_WIDTH: u32 = 2;
const HEADROOM: f64 = 1.15;
const FONT_PX: u32 = 12;

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn palette([bg, fg, grid]: [RGBColor; 3]) -> Palette {
    Palette {
        background: hex(bg),
        foreground: hex(fg),
        grid: hex(grid),
        series: SERIES.iter().map(|c| hex(*c)).collect(),
        limit: hex(RED),
        stack: dash::STACK.iter().map(|c| hex(*c)).collect(),
        other: hex(dash::OTHER),
    }
}

impl Metric {
    pub const ALL: [Metric; 4] = [
        Metric::Cpu,
        Metric::Memory,
        Metric::Network,
        Metric::BlockIo,
    ];

    /// The one description of this metric's graph, used by [`svg`]/[`png`] and sent to the
    /// page through [`chart_style`].
    pub fn style(self) -> MetricStyle {
        let line = |label, field, color| LineStyle {
            label,
            field,
            color,
        };
        let (unit, lines) = match self {
            Metric::Cpu => (Unit::Percent, vec![line("cpu %", Field::CpuPct, 0)]),
            Metric::Memory => (Unit::Bytes, vec![line("used", Field::MemUsed, 0)]),
            Metric::Network => (
                Unit::BytesPerSec,
                vec![
                    line("rx", Field::NetRxRate, 0),
                    line("tx", Field::NetTxRate, 1),
                ],
            ),
            Metric::BlockIo => (
                Unit::BytesPerSec,
                vec![
                    line("read", Field::BlkReadRate, 0),
                    line("write", Field::BlkWriteRate, 1),
                ],
            ),
        };
        MetricStyle {
            metric: self,
            title: self.title(),
            unit,
            y_floor: unit.y_floor(),
            lines,
            limit: self == Metric::Memory,
        }
    }
}

/// The style of every chart, for the page's live charts.
pub fn chart_style() -> ChartStyle {
    ChartStyle {
        light: palette(LIGHT),
        dark: palette(DARK),
        metrics: Metric::ALL.iter().map(|m| m.style()).collect(),
        fill_alpha: FILL_ALPHA,
        line_width: LINE_WIDTH,
        headroom: HEADROOM,
        font_px: FONT_PX,
        dash: dash::DashMetric::ALL.iter().map(|m| m.style()).collect(),
        stack_fill: dash::STACK_FILL,
        markers: marker_styles(),
    }
}

fn ensure_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FONT_NAME, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(CoreError::new(
            ErrorKind::Io,
            "chart: the embedded font could not be loaded",
        ))
    }
}

fn plan(samples: &[Sample], metric: Metric, window_secs: u32) -> Plan {
    let newest = samples.last().map_or(0, |s| s.at_ms);
    let from = newest - i64::from(window_secs) * 1000;
    let xs: Vec<&Sample> = samples.iter().filter(|s| s.at_ms >= from).collect();
    let x = |s: &Sample| (s.at_ms - newest) as f64 / 1000.0;
    let style = metric.style();
    let lines: Vec<Line> = style
        .lines
        .iter()
        .map(|l| Line {
            label: l.label,
            color: SERIES.get(l.color).copied().unwrap_or(BLUE),
            points: xs.iter().map(|s| (x(s), l.field.value(s))).collect(),
        })
        .collect();
    let latest = xs.last().copied().copied().unwrap_or_default();
    let limit = if style.limit {
        let peak = lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .fold(0.0, f64::max);
        let limit = latest.mem_limit as f64;
        // An unlimited container reports the host's memory: drawing it would flatten the
        // line to nothing, so the limit is drawn only when it is within reach.
        (limit > 0.0 && limit <= peak.max(1.0) * 4.0).then_some(limit)
    } else {
        None
    };
    let unit = style.unit;
    let caption = match metric {
        Metric::Cpu => format!("CPU {:.1} %", latest.cpu_pct),
        Metric::Memory => format!(
            "Memory {} / {}",
            human_bytes(latest.mem_used as f64),
            human_bytes(latest.mem_limit as f64)
        ),
        Metric::Network => format!(
            "Network I/O rx {}/s tx {}/s",
            human_bytes(latest.net_rx_rate),
            human_bytes(latest.net_tx_rate)
        ),
        Metric::BlockIo => format!(
            "Block I/O read {}/s write {}/s",
            human_bytes(latest.blk_read_rate),
            human_bytes(latest.blk_write_rate)
        ),
    };
    let age = xs.first().map_or(0.0, |s| -x(s));
    let span_secs = ((age / 60.0).ceil().max(1.0) * 60.0).min(f64::from(window_secs.max(1)));
    let peak = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(limit)
        .fold(0.0, f64::max);
    Plan {
        lines,
        newest_ms: newest,
        span_secs,
        limit,
        y_max: (peak * HEADROOM).max(unit.y_floor()),
        unit,
        caption,
    }
}

/// `1.5 MiB`, binary units as `docker stats` shows them.
pub fn human_bytes(v: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = v.max(0.0);
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{v:.0} {}", UNITS[i])
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    plan: &Plan,
    markers: &[HistoryMarker],
    opts: &ChartOptions,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let [bg, _, _] = if opts.dark { DARK } else { LIGHT };
    root.fill(&bg)?;
    draw_plan(&root, plan, markers, opts)?;
    root.present()
}

/// One metric's graph into `area` (filled by the caller), with `markers` as vertical lines.
fn draw_plan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plan: &Plan,
    markers: &[HistoryMarker],
    opts: &ChartOptions,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let [bg, fg, grid] = if opts.dark { DARK } else { LIGHT };
    let faint = grid.mix(0.35);
    let font = (FONT_NAME, FONT_PX).into_font().color(&fg);
    let x_min = -plan.span_secs;
    let mut chart = ChartBuilder::on(area)
        .caption(&plan.caption, font.clone())
        .margin(6)
        .x_label_area_size(20)
        .y_label_area_size(70)
        .build_cartesian_2d(x_min..0.0, 0.0..plan.y_max)?;
    let unit = plan.unit;
    chart
        .configure_mesh()
        .light_line_style(faint)
        .bold_line_style(grid)
        .axis_style(fg)
        .label_style(font.clone())
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| format_age(*x))
        .y_label_formatter(&|y| match unit {
            Unit::Percent => format!("{y:.0} %"),
            Unit::Bytes => human_bytes(*y),
            Unit::BytesPerSec => format!("{}/s", human_bytes(*y)),
            Unit::Cores => format!("{y:.1}"),
        })
        .draw()?;
    for line in &plan.lines {
        let color = line.color;
        chart
            .draw_series(AreaSeries::new(
                line.points.iter().copied(),
                0.0,
                color.mix(FILL_ALPHA),
            ))?
            .label(line.label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], color.filled()));
        chart.draw_series(LineSeries::new(
            line.points.iter().copied(),
            color.stroke_width(LINE_WIDTH),
        ))?;
    }
    if let Some(limit) = plan.limit {
        chart
            .draw_series(LineSeries::new(
                [(x_min, limit), (0.0, limit)],
                RED.stroke_width(1),
            ))?
            .label("limit")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 10, y)], RED));
    }
    marks::draw(
        &mut chart,
        markers,
        plan.newest_ms,
        plan.span_secs,
        plan.y_max,
    )?;
    if plan.lines.len() > 1 || plan.limit.is_some() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(font)
            .background_style(bg.mix(0.8))
            .border_style(grid)
            .draw()?;
    }
    Ok(())
}

fn format_age(secs: f64) -> String {
    let s = (-secs).round() as i64;
    match s {
        0 => "now".to_owned(),
        s if s % 60 == 0 => format!("-{}m", s / 60),
        s => format!("-{s}s"),
    }
}

fn check(opts: &ChartOptions) -> Result<()> {
    ensure_font()?;
    for (what, v) in [("width", opts.width), ("height", opts.height)] {
        if !(MIN_SIZE..=MAX_SIZE).contains(&v) {
            return Err(CoreError::invalid_input(format!(
                "chart {what} must be {MIN_SIZE}–{MAX_SIZE} pixels, not {v}"
            )));
        }
    }
    Ok(())
}

fn drawing_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorKind::Io, format!("chart: {e}"))
}

/// The graph as an SVG document, with `markers` (the container's events and alerts, see
/// `history::markers`) drawn as vertical lines where they fall on its time axis.
pub fn svg(
    samples: &[Sample],
    metric: Metric,
    markers: &[HistoryMarker],
    opts: &ChartOptions,
) -> Result<String> {
    check(opts)?;
    let plan = plan(samples, metric, opts.window_secs);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (opts.width, opts.height)).into_drawing_area();
        draw(root, &plan, markers, opts).map_err(drawing_error)?;
    }
    Ok(out)
}

/// The graph as a PNG image, with `markers` drawn as in [`svg`].
pub fn png(
    samples: &[Sample],
    metric: Metric,
    markers: &[HistoryMarker],
    opts: &ChartOptions,
) -> Result<Vec<u8>> {
    check(opts)?;
    let plan = plan(samples, metric, opts.window_secs);
    let (w, h) = (opts.width, opts.height);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw(root, &plan, markers, opts).map_err(drawing_error)?;
    }
    encode_png(&rgb, w, h)
}

/// An RGB buffer as a PNG file.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(drawing_error)?;
    writer.write_image_data(rgb).map_err(drawing_error)?;
    writer.finish().map_err(drawing_error)?;
    Ok(out)
}

pub mod dash;
mod marks;
pub mod stats;
pub use marks::{marker_color, marker_styles, MarkerStyle};

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;

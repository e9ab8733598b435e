//! Live charts for one container: CPU, memory against its limit, network and block I/O,
//! from the core's time series (up to 15 minutes).

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;
use wharf_core::model::{ContainerId, ContainerState, Sample};

use crate::app::App;
use crate::format::{bytes, duration, rate};

struct Series {
    name: String,
    color: Color,
    points: Vec<(f64, f64)>,
}

/// A chart's frame: title, time span, y range and how to label it.
struct Frame_<'a> {
    title: String,
    span_secs: f64,
    ymax: f64,
    ylabel: &'a dyn Fn(f64) -> String,
}

fn series(
    samples: &[Sample],
    now_ms: i64,
    name: String,
    color: Color,
    f: impl Fn(&Sample) -> f64,
) -> Series {
    Series {
        name,
        color,
        points: samples
            .iter()
            .map(|s| (((s.at_ms - now_ms) as f64 / 1000.0).min(0.0), f(s)))
            .collect(),
    }
}

fn chart(f: &mut Frame, area: Rect, fr: Frame_<'_>, data: &[Series], muted: Color) {
    let Frame_ {
        title,
        span_secs,
        ymax,
        ylabel,
    } = fr;
    let datasets: Vec<Dataset> = data
        .iter()
        .map(|s| {
            Dataset::default()
                .name(s.name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(s.color))
                .data(&s.points)
        })
        .collect();
    let ymax = if ymax <= 0.0 { 1.0 } else { ymax * 1.1 };
    let x = Axis::default()
        .bounds([-span_secs, 0.0])
        .style(Style::default().fg(muted))
        .labels(vec![
            Span::raw(format!("-{}", duration(span_secs as i64))),
            Span::raw("now"),
        ]);
    let y = Axis::default()
        .bounds([0.0, ymax])
        .style(Style::default().fg(muted))
        .labels(vec![Span::raw("0"), Span::raw(ylabel(ymax))]);
    let c = Chart::new(datasets)
        .block(Block::default().borders(Borders::ALL).title(title))
        .x_axis(x)
        .y_axis(y)
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)));
    f.render_widget(c, area);
}

fn peak(samples: &[Sample], f: impl Fn(&Sample) -> f64) -> f64 {
    samples.iter().map(f).fold(0.0, f64::max)
}

pub fn draw(f: &mut Frame, app: &App, id: &ContainerId, area: Rect) {
    let p = &app.settings.palette;
    let running = app
        .snapshot
        .containers
        .get(id)
        .is_some_and(|c| c.state == ContainerState::Running);
    let samples: Vec<Sample> = app
        .stats
        .series
        .get(id)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    if samples.is_empty() {
        let msg = if running {
            "collecting samples…"
        } else {
            "no stats: the container is not running"
        };
        f.render_widget(
            Paragraph::new(Span::styled(msg, Style::default().fg(p.muted))),
            area,
        );
        return;
    }
    let now = app.now_ms.max(samples.last().map_or(0, |s| s.at_ms));
    let oldest = samples.first().map_or(now, |s| s.at_ms);
    // Show at least a minute, at most what we have.
    let span = (((now - oldest) as f64) / 1000.0).max(60.0);
    let last = samples.last().copied().unwrap_or_default();
    let limit = app.snapshot.containers.get(id).and_then(|c| c.cpu_limit);

    let rows = if area.width >= 100 { 2 } else { 4 };
    let cells: Vec<Rect> = if rows == 2 {
        let [top, bottom] = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)])
            .areas(area);
        let split = |r: Rect| -> [Rect; 2] {
            Layout::default()
                .direction(Direction::Horizontal)
                .constraints([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)])
                .areas(r)
        };
        let [a, b] = split(top);
        let [c, d] = split(bottom);
        vec![a, b, c, d]
    } else {
        Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Ratio(1, 4); 4])
            .split(area)
            .to_vec()
    };

    let cpu_peak = peak(&samples, |s| s.cpu_pct);
    let mut cpu_title = format!(
        " CPU {:.1}% of a core · peak {:.1}% ",
        last.cpu_pct, cpu_peak
    );
    if let (Some(l), Some(of)) = (limit, last.cpu_pct_of_limit) {
        cpu_title = format!(
            " CPU {:.1}% · {:.0}% of its {l} CPU limit · peak {:.1}% ",
            last.cpu_pct, of, cpu_peak
        );
    }
    chart(
        f,
        cells[0],
        Frame_ {
            title: cpu_title,
            span_secs: span,
            ymax: cpu_peak.max(limit.map_or(0.0, |l| l * 100.0)).max(5.0),
            ylabel: &|v| format!("{v:.0}%"),
        },
        &[series(&samples, now, "cpu".into(), p.accent, |s| s.cpu_pct)],
        p.muted,
    );
    let mem_peak = peak(&samples, |s| s.mem_used as f64);
    chart(
        f,
        cells[1],
        Frame_ {
            title: format!(
                " MEM {} / {} ({:.1}%) · peak {} ",
                bytes(last.mem_used),
                bytes(last.mem_limit),
                last.mem_pct(),
                bytes(mem_peak as u64)
            ),
            span_secs: span,
            ymax: mem_peak.max(1.0),
            ylabel: &|v| bytes(v as u64),
        },
        &[series(&samples, now, "used".into(), p.running, |s| {
            s.mem_used as f64
        })],
        p.muted,
    );
    let net_peak = peak(&samples, |s| s.net_rx_rate.max(s.net_tx_rate));
    chart(
        f,
        cells[2],
        Frame_ {
            title: format!(
                " NET ↓{}/s ↑{}/s · total ↓{} ↑{} ",
                rate(last.net_rx_rate),
                rate(last.net_tx_rate),
                bytes(last.net_rx_total),
                bytes(last.net_tx_total)
            ),
            span_secs: span,
            ymax: net_peak.max(1.0),
            ylabel: &|v| format!("{}/s", rate(v)),
        },
        &[
            series(&samples, now, "rx".into(), p.accent, |s| s.net_rx_rate),
            series(&samples, now, "tx".into(), p.paused, |s| s.net_tx_rate),
        ],
        p.muted,
    );
    let blk_peak = peak(&samples, |s| s.blk_read_rate.max(s.blk_write_rate));
    chart(
        f,
        cells[3],
        Frame_ {
            title: format!(
                " BLOCK r {}/s w {}/s · pids {} ",
                rate(last.blk_read_rate),
                rate(last.blk_write_rate),
                last.pids
            ),
            span_secs: span,
            ymax: blk_peak.max(1.0),
            ylabel: &|v| format!("{}/s", rate(v)),
        },
        &[
            series(&samples, now, "read".into(), p.running, |s| s.blk_read_rate),
            series(&samples, now, "write".into(), p.error, |s| s.blk_write_rate),
        ],
        p.muted,
    );
}

//! Charts for one container: CPU, memory against its limit, network and block I/O, over the
//! range chosen with `[`/`]` (15 min, 1 h, 24 h, 7 d): the history database's samples with the
//! core's live series appended, and the recorded events (die, oom, restart, health, recreate)
//! as dotted vertical markers, the newest listed above the charts.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;
use wharf_core::history::{HistoryMarker as EventMarker, HistoryRange};
use wharf_core::model::{ContainerId, ContainerState, Sample};

use crate::app::App;
use crate::format::{bytes, clock, duration, rate};

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

/// Dotted vertical lines at each marker's time, from 0 to `ymax`.
fn marker_points(
    markers: &[EventMarker],
    now_ms: i64,
    span_secs: f64,
    ymax: f64,
) -> Vec<(f64, f64)> {
    let top = if ymax <= 0.0 { 1.0 } else { ymax * 1.1 };
    markers
        .iter()
        .map(|m| (m.at_ms - now_ms) as f64 / 1000.0)
        .filter(|x| *x >= -span_secs && *x <= 0.0)
        .flat_map(|x| (0..=24).map(move |k| (x, top * f64::from(k) / 24.0)))
        .collect()
}

fn chart(
    f: &mut Frame,
    area: Rect,
    fr: Frame_<'_>,
    data: &[Series],
    marks: &[(f64, f64)],
    colors: (Color, Color),
) {
    let (muted, mark_color) = colors;
    let Frame_ {
        title,
        span_secs,
        ymax,
        ylabel,
    } = fr;
    let mut datasets: Vec<Dataset> = data
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
    if !marks.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Scatter)
                .style(Style::default().fg(mark_color))
                .data(marks),
        );
    }
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

/// `‹15m› 1h 24h 7d · [ ] range · 12:00:01 die exit 137 · 12:00:02 start` (newest last).
fn range_line(
    app: &App,
    range: HistoryRange,
    markers: &[EventMarker],
    note: Option<&str>,
) -> Line<'static> {
    let p = &app.settings.palette;
    let mut spans = Vec::new();
    for r in HistoryRange::ALL {
        if r == range {
            spans.push(Span::styled(
                format!("‹{}›", r.label()),
                Style::default().fg(p.accent),
            ));
        } else {
            spans.push(Span::styled(
                format!(" {} ", r.label()),
                Style::default().fg(p.muted),
            ));
        }
    }
    spans.push(Span::styled(" · [ ] range", Style::default().fg(p.muted)));
    if let Some(n) = note {
        spans.push(Span::styled(
            format!(" · {n}"),
            Style::default().fg(p.muted),
        ));
    }
    for m in markers.iter().rev().take(4).rev() {
        let hms = clock(m.at_ms.div_euclid(1000));
        let what = if m.detail.is_empty() {
            m.action.clone()
        } else {
            format!("{} {}", m.action, m.detail)
        };
        spans.push(Span::styled(
            format!(" · {hms} {what}"),
            Style::default().fg(super::marks::color(m.kind)),
        ));
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, app: &App, id: &ContainerId, area: Rect) {
    let p = &app.settings.palette;
    let running = app
        .snapshot
        .containers
        .get(id)
        .is_some_and(|c| c.state == ContainerState::Running);
    let live: Vec<Sample> = app
        .stats
        .series
        .get(id)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    let details = app.details.as_ref().filter(|d| d.id == *id);
    let range = details.map_or(HistoryRange::default(), |d| d.stats_range);
    let (recorded, markers, note) = match details.and_then(|d| d.history.as_ref()) {
        Some(Ok(h)) => (h.samples.as_slice(), h.markers.as_slice(), None),
        Some(Err(e)) => (&[][..], &[][..], Some(format!("history: {e}"))),
        None => (&[][..], &[][..], Some("reading history…".to_owned())),
    };
    // The recorded samples older than the live series, then the live ones.
    let first_live = live.first().map_or(i64::MAX, |s| s.at_ms);
    let mut samples: Vec<Sample> = recorded
        .iter()
        .filter(|s| s.at_ms < first_live)
        .copied()
        .collect();
    samples.extend(live);
    let [bar, area] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(0)])
        .areas(area);
    f.render_widget(
        Paragraph::new(range_line(app, range, markers, note.as_deref())),
        bar,
    );
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
    let full = range.span_ms();
    samples.retain(|s| now - s.at_ms <= full);
    let oldest = samples.first().map_or(now, |s| s.at_ms);
    // 15 minutes: at least a minute, at most what we have; longer ranges show all of it.
    let span = if range == HistoryRange::M15 {
        (((now - oldest) as f64) / 1000.0).clamp(60.0, full as f64 / 1000.0)
    } else {
        full as f64 / 1000.0
    };
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
    let cpu_y = cpu_peak.max(limit.map_or(0.0, |l| l * 100.0)).max(5.0);
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
            ymax: cpu_y,
            ylabel: &|v| format!("{v:.0}%"),
        },
        &[series(&samples, now, "cpu".into(), p.accent, |s| s.cpu_pct)],
        &marker_points(markers, now, span, cpu_y),
        (p.muted, p.error),
    );
    let mem_peak = peak(&samples, |s| s.mem_used as f64);
    let mem_y = mem_peak.max(1.0);
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
            ymax: mem_y,
            ylabel: &|v| bytes(v as u64),
        },
        &[series(&samples, now, "used".into(), p.running, |s| {
            s.mem_used as f64
        })],
        &marker_points(markers, now, span, mem_y),
        (p.muted, p.error),
    );
    let net_peak = peak(&samples, |s| s.net_rx_rate.max(s.net_tx_rate));
    let net_y = net_peak.max(1.0);
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
            ymax: net_y,
            ylabel: &|v| format!("{}/s", rate(v)),
        },
        &[
            series(&samples, now, "rx".into(), p.accent, |s| s.net_rx_rate),
            series(&samples, now, "tx".into(), p.paused, |s| s.net_tx_rate),
        ],
        &marker_points(markers, now, span, net_y),
        (p.muted, p.error),
    );
    let blk_peak = peak(&samples, |s| s.blk_read_rate.max(s.blk_write_rate));
    let blk_y = blk_peak.max(1.0);
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
            ymax: blk_y,
            ylabel: &|v| format!("{}/s", rate(v)),
        },
        &[
            series(&samples, now, "read".into(), p.running, |s| s.blk_read_rate),
            series(&samples, now, "write".into(), p.error, |s| s.blk_write_rate),
        ],
        &marker_points(markers, now, span, blk_y),
        (p.muted, p.error),
    );
}

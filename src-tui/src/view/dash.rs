//! `:dash`: the live dashboard. A summary line (scope, stacking, containers sampled, host),
//! the objects' counts with disk usage, then the six engine-wide graphs in braille, each a
//! stack of bands (the core's [`DashSeries`]): a band is drawn as the line of its top, so the
//! top line is the total. The scope's recorded events and fired alerts (the history's
//! markers) are dotted vertical lines in each graph, in their kind's colour, and the newest are
//! listed on a line above the graphs. Pure: everything comes from the panel the app computed.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;
use wharf_core::chart::dash::{DashChart, DashSeries, OTHER_LABEL};
use wharf_core::chart::{human_bytes, Unit};
use wharf_core::model::{ContainerState, DiskUsageKind};

use crate::app::{App, DashPanel};
use crate::format::inert;

/// Band colours in the terminal, in the core's stacking order ([`wharf_core::chart::dash::STACK`]).
const COLORS: [Color; 8] = [
    Color::Blue,
    Color::Yellow,
    Color::Green,
    Color::Magenta,
    Color::Red,
    Color::Cyan,
    Color::LightMagenta,
    Color::LightGreen,
];

fn color(label: &str, i: usize) -> Color {
    if label == OTHER_LABEL {
        Color::Gray
    } else {
        COLORS[i % COLORS.len()]
    }
}

pub fn draw(f: &mut Frame, app: &App, panel: &DashPanel, area: Rect) {
    if area.height < 4 {
        return;
    }
    let [summary, counts, events, graphs] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    let muted = Style::default().fg(app.settings.palette.muted);
    let s = &panel.series;
    let host = if s.host_cpus > 0 {
        format!(
            " · host {} CPUs, {}",
            s.host_cpus,
            human_bytes(s.host_memory as f64)
        )
    } else {
        String::new()
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!("Dashboard · {}", inert(&panel.scope.describe())),
                Style::default().fg(app.settings.palette.accent),
            ),
            Span::raw(format!(
                " · stacked {} · {} running, {} sampled{host}",
                panel.stacking.describe(),
                s.running,
                s.sampled
            )),
        ])),
        summary,
    );
    f.render_widget(Paragraph::new(counts_line(app)).style(muted), counts);
    f.render_widget(Paragraph::new(events_line(panel)).style(muted), events);
    if graphs.height < 6 {
        return;
    }
    let rows = Layout::vertical([Constraint::Ratio(1, 3); 3]).split(graphs);
    for (r, row) in rows.iter().enumerate() {
        let cols = Layout::horizontal([Constraint::Ratio(1, 2); 2]).split(*row);
        for (c, cell) in cols.iter().enumerate() {
            if let Some(chart) = s.charts.get(r * 2 + c) {
                graph(f, app, panel, chart, *cell);
            }
        }
    }
}

/// `containers 3 running · 0 paused · 2 stopped │ images 4 (1.2 GiB) · volumes 2 (3 MiB) · networks 5`
fn counts_line(app: &App) -> Line<'static> {
    let snap = &app.snapshot;
    let (mut running, mut paused, mut stopped) = (0, 0, 0);
    for c in snap.containers.values() {
        match c.state {
            ContainerState::Running | ContainerState::Restarting => running += 1,
            ContainerState::Paused => paused += 1,
            _ => stopped += 1,
        }
    }
    let size = |kind: DiskUsageKind| match &app.disk_usage {
        Some(Ok(rows)) => rows
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| format!(" ({})", human_bytes(r.size as f64)))
            .unwrap_or_default(),
        _ => String::new(),
    };
    Line::from(format!(
        "containers {running} running · {paused} paused · {stopped} stopped │ images {}{} · volumes {}{} · networks {}",
        snap.images.len(),
        size(DiskUsageKind::Images),
        snap.volumes.len(),
        size(DiskUsageKind::Volumes),
        snap.networks.len(),
    ))
}

/// `events · 12:00:01 die exit 3 shop-web-1 · …` (the newest three), or why there are none.
fn events_line(panel: &DashPanel) -> Line<'static> {
    let mut spans = vec![Span::raw("events")];
    if let Some(e) = &panel.markers_error {
        spans.push(Span::raw(format!(" · history: {}", inert(e))));
    } else if panel.markers.is_empty() {
        spans.push(Span::raw(" · none recorded in these 15 minutes"));
    } else {
        spans.extend(super::marks::spans(&panel.markers, 3));
    }
    Line::from(spans)
}

fn label(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Cores => format!("{v:.1}"),
        Unit::Percent => format!("{v:.0}%"),
        Unit::Bytes => human_bytes(v),
        Unit::BytesPerSec => format!("{}/s", human_bytes(v)),
    }
}

fn graph(f: &mut Frame, app: &App, panel: &DashPanel, chart: &DashChart, area: Rect) {
    let s: &DashSeries = &panel.series;
    let muted = Style::default().fg(app.settings.palette.muted);
    let newest = s.at_ms.last().copied().unwrap_or(0);
    let x = |i: usize| (s.at_ms[i] - newest) as f64 / 1000.0;
    let age = if s.at_ms.is_empty() { 0.0 } else { -x(0) };
    let span = ((age / 60.0).ceil().max(1.0) * 60.0).min(900.0);
    // Each band's top: the running sum of the bands below it and its own.
    let mut acc = vec![0.0; s.at_ms.len()];
    let tops: Vec<Vec<(f64, f64)>> = chart
        .values
        .iter()
        .map(|vals| {
            for (a, v) in acc.iter_mut().zip(vals) {
                *a += v;
            }
            acc.iter().enumerate().map(|(i, &v)| (x(i), v)).collect()
        })
        .collect();
    let unit = chart.metric.unit();
    let peak = acc.iter().copied().fold(0.0, f64::max);
    let ymax = (peak * 1.15).max(unit.y_floor());
    let marks = super::marks::lines(&panel.markers, newest, span, ymax);
    let mut datasets: Vec<Dataset> = tops
        .iter()
        .enumerate()
        .map(|(g, points)| {
            let name = inert(&chart.groups[g]);
            Dataset::default()
                .name(name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(color(&chart.groups[g], g)))
                .data(points)
        })
        .collect();
    datasets.extend(super::marks::datasets(&marks));
    let title = if s.at_ms.is_empty() {
        format!("{} · waiting for samples", chart.metric.title())
    } else {
        chart.caption.clone()
    };
    let c = Chart::new(datasets)
        .block(Block::default().borders(Borders::ALL).title(title))
        .x_axis(
            Axis::default()
                .bounds([-span, 0.0])
                .style(muted)
                .labels(vec![
                    Span::raw(format!("-{}m", (span / 60.0) as i64)),
                    Span::raw("now"),
                ]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, ymax])
                .style(muted)
                .labels(vec![Span::raw("0"), Span::raw(label(unit, ymax))]),
        )
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(2, 3)));
    f.render_widget(c, area);
}

/// The footer while the dashboard is open.
pub fn footer(app: &App) -> Vec<Span<'static>> {
    use crate::keymap::Action;
    let km = &app.settings.keymap;
    let top = format!("stack by group/top {}", crate::app::DASH_TOP);
    let pairs: Vec<(String, &str)> = vec![
        (km.hint(Action::DashStacking), top.as_str()),
        (km.hint(Action::DashExport), "export png/svg/csv"),
        (km.hint(Action::Back), "back"),
        (km.hint(Action::Command), "command"),
    ];
    super::hint_spans(app, pairs)
}

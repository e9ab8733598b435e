//! Markers (the history's events and fired alerts) in the terminal's braille charts: a dotted
//! vertical line per marker in its kind's colour, and a line listing the newest with their
//! time, so a capture of the screen (no colours) still says what happened. Colours stand for
//! the core's per-kind colours (`wharf_core::chart::marker_color`) in the terminal's 16.

use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Dataset, GraphType};
use wharf_core::history::{HistoryMarker, MarkerKind};

use crate::format::{clock, inert};

/// The terminal colour of a marker kind.
pub fn color(kind: MarkerKind) -> Color {
    match kind {
        MarkerKind::Die => Color::Red,
        MarkerKind::Oom => Color::Magenta,
        MarkerKind::Health => Color::Yellow,
        MarkerKind::Restart => Color::LightRed,
        MarkerKind::Start => Color::Green,
        MarkerKind::Recreate => Color::Gray,
        MarkerKind::Alert => Color::LightMagenta,
    }
}

/// Dotted vertical lines, one point list per kind present, for markers within `[-span, 0]`
/// seconds of `newest_ms`, from 0 to `ymax`.
pub fn lines(
    markers: &[HistoryMarker],
    newest_ms: i64,
    span: f64,
    ymax: f64,
) -> Vec<(MarkerKind, Vec<(f64, f64)>)> {
    let top = if ymax <= 0.0 { 1.0 } else { ymax };
    let mut out: Vec<(MarkerKind, Vec<(f64, f64)>)> = Vec::new();
    for m in markers {
        let x = (m.at_ms - newest_ms) as f64 / 1000.0;
        if !(-span..=0.0).contains(&x) {
            continue;
        }
        let points = (0..=24).map(|k| (x, top * f64::from(k) / 24.0));
        match out.iter_mut().find(|(k, _)| *k == m.kind) {
            Some((_, v)) => v.extend(points),
            None => out.push((m.kind, points.collect())),
        }
    }
    out
}

/// The datasets of [`lines`] (unnamed, so the legend lists only the bands).
pub fn datasets(lines: &[(MarkerKind, Vec<(f64, f64)>)]) -> Vec<Dataset<'_>> {
    lines
        .iter()
        .map(|(kind, points)| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Scatter)
                .style(Style::default().fg(color(*kind)))
                .data(points)
        })
        .collect()
}

/// ` · 12:00:01 die exit 3 shop-web-1 · 12:00:02 alert crash: …` for the newest `n`, oldest
/// first, each in its kind's colour.
pub fn spans(markers: &[HistoryMarker], n: usize) -> Vec<Span<'static>> {
    let skip = markers.len().saturating_sub(n);
    markers
        .iter()
        .skip(skip)
        .map(|m| {
            Span::styled(
                format!(
                    " · {} {}",
                    clock(m.at_ms.div_euclid(1000)),
                    inert(&m.text())
                ),
                Style::default().fg(color(m.kind)),
            )
        })
        .collect()
}

//! The compose panel: a title with what runs and its state, then the tool's output (already
//! inert from the core), following the end unless scrolled back; the error in red at the end.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, ComposePanel};
use crate::format::inert;
use crate::keymap::Action;

pub fn draw(f: &mut Frame, app: &App, c: &ComposePanel, body: Rect) {
    if body.height == 0 || body.width == 0 {
        return;
    }
    let p = &app.settings.palette;
    let (state, style) = match &c.finished {
        None => ("running…", Style::default().fg(p.paused)),
        Some(Ok(())) => ("done", Style::default().fg(p.running)),
        Some(Err(_)) => ("failed", Style::default().fg(p.error)),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            inert(&c.title),
            Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!("  {state}"), style.add_modifier(Modifier::BOLD)),
    ])];
    let error = match &c.finished {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let room = (body.height as usize).saturating_sub(1 + usize::from(error.is_some()));
    let end = c.output.len().saturating_sub(c.scroll);
    let start = end.saturating_sub(room);
    for l in c.output.range(start..end) {
        lines.push(Line::from(inert(l)));
    }
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(
            inert(e),
            Style::default().fg(p.error),
        )));
    }
    f.render_widget(Paragraph::new(lines), body);
}

/// The footer's key hints for the panel.
pub fn footer(app: &App, c: &ComposePanel) -> Vec<Span<'static>> {
    let km = &app.settings.keymap;
    let pairs: Vec<(String, &str)> = match c.finished {
        None => vec![
            (km.hint(Action::Back), "cancel"),
            (km.hint(Action::Up), "scroll back"),
        ],
        Some(_) => vec![
            (km.hint(Action::Back), "close"),
            (km.hint(Action::Up), "scroll back"),
        ],
    };
    super::hint_spans(app, pairs)
}

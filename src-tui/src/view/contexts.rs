//! The `:ctx` picker: one row per docker context (name, endpoint, description), the one in
//! use marked, a context whose file cannot be read shown with its error.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::popup::centered;
use crate::app::{App, Picker};
use crate::format::inert;

pub fn draw(f: &mut Frame, app: &App, picker: &Picker) {
    let p = &app.settings.palette;
    let area = f.area();
    let width = area.width.saturating_sub(4).clamp(20, 120);
    let inner = usize::from(width.saturating_sub(4));
    let mut lines = Vec::new();
    match &picker.rows {
        None => lines.push(Line::raw("listing contexts…")),
        Some(Err(e)) => lines.push(Line::styled(inert(e), Style::default().fg(p.error))),
        Some(Ok(rows)) => {
            let name_w = rows
                .iter()
                .map(|r| r.name.chars().count())
                .max()
                .unwrap_or(4)
                .clamp(4, 24);
            let host_w = rows
                .iter()
                .map(|r| r.host.chars().count())
                .max()
                .unwrap_or(8)
                .clamp(8, 48);
            lines.push(Line::styled(
                format!(
                    "  {:<name_w$}  {:<host_w$}  DESCRIPTION",
                    "NAME", "ENDPOINT"
                ),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            // Rows that fit below the title row, scrolled so the selection stays in view.
            let room = usize::from(area.height.saturating_sub(5)).max(1);
            let offset = (picker.selected + 1).saturating_sub(room);
            for (i, r) in rows.iter().enumerate().skip(offset).take(room) {
                let mark = if app.is_current_context(r) {
                    "* "
                } else {
                    "  "
                };
                let rest = match &r.error {
                    Some(e) => e.clone(),
                    None => r.description.clone().unwrap_or_default(),
                };
                let text: String = format!(
                    "{mark}{:<name_w$}  {:<host_w$}  {}",
                    cut(&r.name, name_w),
                    cut(&r.host, host_w),
                    rest
                )
                .chars()
                .take(inner)
                .collect();
                let mut style = if r.error.is_some() {
                    Style::default().fg(p.error)
                } else {
                    Style::default()
                };
                if i == picker.selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                lines.push(Line::from(Span::styled(inert(&text), style)));
            }
        }
    }
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .min(area.height.saturating_sub(2));
    let r = centered(area, width, height);
    super::popup::framed(
        f,
        app,
        r,
        lines,
        " docker contexts (* in use) ".into(),
        Some(" enter: switch  esc: close "),
    );
}

/// `s` in at most `w` characters, `…` marking a cut.
fn cut(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

//! A read-only text popup (a config's data): a title, lines already made inert by the core,
//! scrolled with the movement keys; any other key closes it.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::prompt::TextPopup;

pub fn draw(f: &mut Frame, app: &App, t: &TextPopup) {
    let p = &app.settings.palette;
    let area = f.area();
    let w = area.width.saturating_sub(4).min(100);
    let h = area
        .height
        .saturating_sub(4)
        .min(t.lines.len() as u16 + 2)
        .max(3);
    let r = Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    // Tabs would move the terminal's cursor past the popup's edge: shown as spaces.
    let lines: Vec<Line> = t
        .lines
        .iter()
        .skip(t.scroll as usize)
        .map(|l| Line::raw(l.replace('\t', "    ")))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ratatui::style::Style::default().fg(p.accent))
        .title(format!(" {} ", t.title));
    f.render_widget(Paragraph::new(lines).block(block), r);
}

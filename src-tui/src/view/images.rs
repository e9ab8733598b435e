//! The images popups: a transfer's progress (one bar per layer and one overall, Esc cancels)
//! and an image's history (created, size, build step, comment). Text in them came through
//! the core's inert rules already (`rules::images`).

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::popup::centered;
use crate::app::{App, ImagesState};
use crate::format::{ago, bytes};

/// `[#####-----]` of `width` cells for `current` of `total` (empty while the total is unknown).
fn bar(current: u64, total: u64, width: usize) -> String {
    let filled = if total == 0 {
        0
    } else {
        ((current.min(total) as f64 / total as f64) * width as f64).round() as usize
    };
    format!(
        "[{}{}]",
        "#".repeat(filled),
        "-".repeat(width - filled.min(width))
    )
}

fn figures(current: u64, total: u64) -> String {
    if total == 0 {
        bytes(current)
    } else {
        format!("{} / {}", bytes(current), bytes(total))
    }
}

pub fn draw(f: &mut Frame, app: &App, state: &ImagesState) {
    if let Some(h) = &state.history {
        history(f, app, h);
    } else if let Some(t) = &state.transfer {
        transfer(f, app, t);
    }
}

fn transfer(f: &mut Frame, app: &App, t: &crate::app::TransferView) {
    let p = &app.settings.palette;
    let area = f.area();
    let width = area.width.saturating_sub(4).clamp(20, 100);
    let bar_w = usize::from(width.saturating_sub(50)).clamp(5, 30);
    let mut lines = Vec::new();
    let pr = &t.progress;
    lines.push(Line::from(vec![
        Span::styled("overall ", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(bar(pr.current, pr.total, bar_w)),
        Span::raw(format!(
            " {}  layers {}/{}",
            figures(pr.current, pr.total),
            pr.layers_done,
            pr.layers.len()
        )),
    ]));
    let room = usize::from(area.height.saturating_sub(8)).max(1);
    for l in pr.layers.iter().take(room) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<12} ", l.id), Style::default().fg(p.accent)),
            Span::raw(bar(l.current, l.total, bar_w)),
            Span::raw(format!(" {:<18} {}", l.status, figures(l.current, l.total))),
        ]));
    }
    if pr.layers.len() > room {
        lines.push(Line::raw(format!(
            "… {} more layers",
            pr.layers.len() - room
        )));
    }
    if !pr.status.is_empty() {
        lines.push(Line::styled(
            pr.status.clone(),
            Style::default().fg(p.muted),
        ));
    }
    // The key hint sits in the bottom border, so a long result line (a registry reference
    // with a port and a long tag) can never push it out of sight.
    let hint = match &t.finished {
        None => " esc: cancel ",
        Some(_) => " esc: close ",
    };
    match &t.finished {
        None => {}
        Some(Ok(done)) => lines.push(Line::styled(done.clone(), Style::default().fg(p.running))),
        Some(Err(e)) => lines.push(Line::styled(e.clone(), Style::default().fg(p.error))),
    }
    // A container's failure says what was put back: wrapped, never cut at the border.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    for l in &t.lines {
        let chars: Vec<char> = l.chars().collect();
        for chunk in chars.chunks(inner) {
            lines.push(Line::raw(chunk.iter().collect::<String>()));
        }
    }
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let r = bottom_right(area, width, height);
    super::popup::framed(f, app, r, lines, format!(" {} ", pr.what), Some(hint));
}

/// Over the table's lower part, so the list (where a pulled image appears) stays visible.
fn bottom_right(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height.saturating_sub(2));
    Rect::new(
        area.x + area.width - w,
        (area.y + area.height).saturating_sub(h + 1),
        w,
        h,
    )
}

fn history(f: &mut Frame, app: &App, h: &crate::app::HistoryView) {
    let p = &app.settings.palette;
    let area = f.area();
    let width = area.width.saturating_sub(4).max(20);
    let height = area.height.saturating_sub(4).max(5);
    let inner_w = usize::from(width.saturating_sub(2));
    let mut lines = vec![Line::styled(
        format!(
            "{:<10} {:>9}  {}",
            "CREATED", "SIZE", "CREATED BY / COMMENT"
        ),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    match &h.entries {
        None => lines.push(Line::raw("loading…")),
        Some(Err(e)) => lines.push(Line::styled(e.clone(), Style::default().fg(p.error))),
        Some(Ok(entries)) => {
            for e in entries.iter().skip(h.offset) {
                let mut step = e.created_by.replace('\n', " ");
                if !e.comment.is_empty() {
                    step = format!("{step}  # {}", e.comment);
                }
                let text = format!(
                    "{:<10} {:>9}  {step}",
                    ago(app.now_secs() - e.created),
                    bytes(e.size)
                );
                lines.push(Line::raw(text.chars().take(inner_w).collect::<String>()));
            }
        }
    }
    lines.push(Line::styled(
        "↑/↓: scroll   esc: close",
        Style::default().fg(p.muted),
    ));
    let r = centered(area, width, height);
    let title = format!(" history of {} ", crate::format::inert(&h.image));
    super::popup::framed(f, app, r, lines, title, None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_with_progress() {
        assert_eq!(bar(0, 0, 4), "[----]");
        assert_eq!(bar(50, 100, 4), "[##--]");
        assert_eq!(bar(150, 100, 4), "[####]");
    }
}

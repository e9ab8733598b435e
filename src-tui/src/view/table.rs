//! The one table every resource view uses.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell as TCell, Paragraph, Row as TRow, Table};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::tone_style;
use crate::app::App;
use crate::kinds::Column;
use crate::layout::COLUMN_SPACING;

fn truncate(s: &str, width: u16) -> String {
    if s.width() as u16 <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) as u16;
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let p = &app.settings.palette;
    let cols: &[Column] = app.view.kind().columns;
    let t = app.table();
    let w = app.column_widths(area.width);
    let h = area.height.saturating_sub(1) as usize;

    if app.rows.is_empty() {
        let failed = matches!(
            app.snapshot.connection,
            wharf_core::store::ConnectionState::Failed { .. }
        );
        let msg = if failed && !app.snapshot.synced {
            "cannot reach the engine: see the reason above; Wharf keeps retrying".to_owned()
        } else if !app.snapshot.synced {
            "loading…".to_owned()
        } else if app.view.kind().swarm && !app.snapshot.is_swarm_manager() {
            wharf_core::rules::swarm::NOT_A_MANAGER.to_owned()
        } else if t.filter.is_some() {
            format!("no {} match the filter (esc clears it)", app.view.name())
        } else {
            format!("no {}", app.view.name())
        };
        let header = header_row(app, cols, &w);
        f.render_widget(
            Table::new(Vec::<TRow>::new(), constraints(&w))
                .header(header)
                .column_spacing(COLUMN_SPACING),
            area,
        );
        if area.height > 2 {
            let r = Rect::new(area.x + 2, area.y + 2, area.width.saturating_sub(2), 1);
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(msg, Style::default().fg(p.muted)))),
                r,
            );
        }
        return;
    }

    let rows: Vec<TRow> = app
        .rows
        .iter()
        .enumerate()
        .skip(t.offset)
        .take(h)
        .map(|(i, r)| {
            let marked = t.marks.contains(&r.key);
            let mut cells = vec![TCell::from(Span::styled(
                if marked { "●" } else { " " },
                Style::default().fg(p.mark),
            ))];
            for (j, c) in r.cells.iter().enumerate() {
                let cw = w.get(j).copied().unwrap_or(0);
                if cw == 0 {
                    continue;
                }
                let text = truncate(&c.text, cw);
                let text = if cols.get(j).is_some_and(|c| c.numeric) {
                    format!("{text:>width$}", width = cw as usize)
                } else {
                    text
                };
                cells.push(TCell::from(Span::styled(text, tone_style(app, c.tone))));
            }
            let mut style = Style::default();
            if i == t.selected {
                style = style.bg(p.selection_bg).add_modifier(Modifier::BOLD);
            }
            if marked {
                style = style.add_modifier(Modifier::ITALIC);
            }
            TRow::new(cells).style(style)
        })
        .collect();
    let table = Table::new(rows, constraints(&w))
        .header(header_row(app, cols, &w))
        .column_spacing(COLUMN_SPACING);
    f.render_widget(table, area);
}

/// The marks column, then every column that has room.
fn constraints(w: &[u16]) -> Vec<Constraint> {
    std::iter::once(Constraint::Length(1))
        .chain(w.iter().filter(|x| **x > 0).map(|x| Constraint::Length(*x)))
        .collect()
}

fn header_row<'a>(app: &App, cols: &[Column], w: &[u16]) -> TRow<'a> {
    let p = &app.settings.palette;
    let t = app.table();
    let mut cells = vec![TCell::from(" ")];
    for (i, c) in cols.iter().enumerate() {
        if w.get(i).copied().unwrap_or(0) == 0 {
            continue;
        }
        let arrow = if i == t.sort_col {
            if t.sort_desc {
                "↓"
            } else {
                "↑"
            }
        } else {
            ""
        };
        let style = if i == t.sort_col {
            Style::default().fg(p.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        };
        cells.push(TCell::from(Span::styled(
            format!("{}{arrow}", c.title),
            style,
        )));
    }
    TRow::new(cells)
}

//! The log pane: only the visible lines are built; stderr is marked, colours kept, search
//! hits highlighted, long lines wrapped or cut.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use wharf_core::engine::LogStream;
use wharf_core::streams::text::{Color as TColor, Style as TStyle};
use wharf_core::streams::LogLine;

use crate::app::App;
use crate::details::Details;
use crate::layout;

fn color(c: TColor) -> Color {
    match c {
        TColor::Indexed(i) => Color::Indexed(i),
        TColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

fn style(s: TStyle) -> Style {
    let mut st = Style::default();
    if let Some(c) = s.fg {
        st = st.fg(color(c));
    }
    if let Some(c) = s.bg {
        st = st.bg(color(c));
    }
    let mods = [
        (s.bold, Modifier::BOLD),
        (s.dim, Modifier::DIM),
        (s.italic, Modifier::ITALIC),
        (s.underline, Modifier::UNDERLINED),
        (s.reverse, Modifier::REVERSED),
    ];
    for (on, m) in mods {
        if on {
            st = st.add_modifier(m);
        }
    }
    st
}

/// A line's spans: stream marker, optional timestamp, styled text with search highlights; and
/// how many of them come before the text (for [`wrap_hanging`]).
fn line_spans<'a>(app: &App, d: &Details, l: &'a LogLine, current: bool) -> (Line<'a>, usize) {
    let p = &app.settings.palette;
    let mut spans = Vec::new();
    let marker = match l.stream {
        LogStream::Stderr => Span::styled("▍", Style::default().fg(p.error)),
        _ => Span::raw(" "),
    };
    spans.push(marker);
    if d.logs.timestamps {
        if let Some(ts) = &l.timestamp {
            spans.push(Span::styled(
                format!("{} ", ts.get(..23).unwrap_or(ts)),
                Style::default().fg(p.muted),
            ));
        }
    }
    let prefix = spans.len();
    let hits = d
        .logs
        .search
        .as_ref()
        .map(|q| q.find_all(&l.text.text))
        .unwrap_or_default();
    let hl = if current {
        Style::default()
            .bg(Color::Yellow)
            .fg(Color::Black)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().bg(Color::DarkGray).fg(Color::Yellow)
    };
    let mut offset = 0usize;
    for (piece, st) in l.text.pieces() {
        let base = style(st);
        let end = offset + piece.len();
        let mut pos = offset;
        for h in hits.iter().filter(|h| h.start < end && h.end > offset) {
            let (s, e) = (h.start.max(offset), h.end.min(end));
            if s > pos {
                spans.push(Span::styled(&l.text.text[pos..s], base));
            }
            spans.push(Span::styled(&l.text.text[s..e], base.patch(hl)));
            pos = e;
        }
        if pos < end {
            spans.push(Span::styled(&l.text.text[pos..end], base));
        }
        offset = end;
    }
    (Line::from(spans), prefix)
}

/// Wrap `line` (its first `prefix` spans are the marker and timestamp, `prefix_w` columns)
/// into rows of `width` columns with a hanging indent: continuation rows repeat the marker
/// and leave the timestamp's columns blank, so stderr stays marked on every row.
fn wrap_hanging(line: Line<'_>, prefix: usize, prefix_w: usize, width: usize) -> Vec<Line<'_>> {
    let avail = width.saturating_sub(prefix_w).max(1);
    let mut spans = line.spans.into_iter();
    let head: Vec<Span> = spans.by_ref().take(prefix).collect();
    let marker = head.first().cloned().unwrap_or_else(|| Span::raw(" "));
    let indent = " ".repeat(prefix_w.saturating_sub(1));
    let mut rows: Vec<Line> = Vec::new();
    let mut cur: Vec<Span> = head;
    let mut used = 0;
    for span in spans {
        let style = span.style;
        let mut piece = String::new();
        for ch in span.content.chars() {
            let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
            if used + w > avail && used > 0 {
                if !piece.is_empty() {
                    cur.push(Span::styled(std::mem::take(&mut piece), style));
                }
                let next = vec![marker.clone(), Span::raw(indent.clone())];
                rows.push(Line::from(std::mem::replace(&mut cur, next)));
                used = 0;
            }
            piece.push(ch);
            used += w;
        }
        if !piece.is_empty() {
            cur.push(Span::styled(piece, style));
        }
    }
    rows.push(Line::from(cur));
    rows
}

pub fn draw(f: &mut Frame, app: &App, d: &Details, area: Rect) {
    let p = &app.settings.palette;
    if area.height < 2 {
        return;
    }
    let body = layout::log_body(area);
    let status_area = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
    let logs = &d.logs;
    let shown = logs.displayed();
    let h = body.height as usize;
    let bottom = layout::log_bottom_start(
        &logs.buffer,
        &shown,
        logs.wrap,
        logs.timestamps,
        body.width,
        h,
    );
    let start = if logs.follow {
        bottom
    } else {
        logs.scroll.min(bottom)
    };
    let lines: Vec<Line> = shown
        .iter()
        .skip(start)
        .take(h)
        .filter_map(|i| logs.buffer.get(*i))
        .flat_map(|l| {
            let (line, prefix) = line_spans(app, d, l, logs.current_match == Some(l.seq));
            if logs.wrap {
                let pw = layout::log_prefix_width(l, logs.timestamps);
                wrap_hanging(line, prefix, pw, body.width as usize)
            } else {
                vec![line]
            }
        })
        .collect();
    let mut para = Paragraph::new(lines);
    if shown.is_empty() {
        let msg = match (&logs.ended, logs.only_matches) {
            (_, true) => "no line matches the search".to_owned(),
            (Some(e), _) => format!("no output ({e})"),
            (None, _) => "waiting for output…".to_owned(),
        };
        para = Paragraph::new(Span::styled(msg, Style::default().fg(p.muted)));
    }
    f.render_widget(para, body);

    let mut status = vec![Span::styled(
        if logs.follow {
            " following "
        } else {
            " scrolled "
        },
        Style::default()
            .fg(Color::Black)
            .bg(if logs.follow { p.running } else { p.paused }),
    )];
    status.push(Span::styled(
        format!(" {} lines", logs.buffer.len()),
        Style::default().fg(p.muted),
    ));
    if logs.buffer.dropped() > 0 {
        status.push(Span::styled(
            format!(
                " ({} older dropped, buffer {})",
                logs.buffer.dropped(),
                logs.buffer.capacity()
            ),
            Style::default().fg(p.muted),
        ));
    }
    if let Some(q) = &logs.search {
        let n = logs.buffer.matching(q).len();
        status.push(Span::styled(
            format!(
                "  search {:?}: {n} match{}",
                q.source(),
                if n == 1 { "" } else { "es" }
            ),
            Style::default().fg(p.paused),
        ));
        if logs.only_matches {
            status.push(Span::styled(
                " (only matches)",
                Style::default().fg(p.paused),
            ));
        }
    }
    if logs.paused {
        status.push(Span::styled(
            "  PAUSED",
            Style::default().fg(p.paused).add_modifier(Modifier::BOLD),
        ));
    }
    if logs.wrap {
        status.push(Span::styled("  wrap", Style::default().fg(p.muted)));
    }
    if let Some(e) = &logs.ended {
        status.push(Span::styled(format!("  {e}"), Style::default().fg(p.muted)));
    }
    f.render_widget(Paragraph::new(Line::from(status)), status_area);
}

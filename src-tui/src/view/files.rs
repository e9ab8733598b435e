//! The Files tab (breadcrumb, listing with kind/mode/size/mtime/name, "listing truncated")
//! and the Changes tab (`docker diff`). Every container string goes through `format::inert`.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use wharf_core::model::{ChangeKind, CopyProgress, FileKind};

use crate::app::App;
use crate::details::Details;
use crate::format::inert;

pub fn files(f: &mut Frame, app: &App, d: &Details, area: Rect) {
    let p = &app.settings.palette;
    let fs = &d.files;
    let mut lines = vec![Line::from(vec![
        Span::styled("in ", Style::default().fg(p.muted)),
        Span::styled(
            inert(&fs.dir),
            Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
        ),
    ])];
    let listing = match &fs.listing {
        None => {
            lines.push(Line::raw("loading…"));
            f.render_widget(Paragraph::new(lines), area);
            return;
        }
        Some(Err(e)) => {
            lines.push(Line::from(Span::styled(
                inert(&format!("listing failed: {e}")),
                Style::default().fg(p.error),
            )));
            f.render_widget(Paragraph::new(lines), area);
            return;
        }
        Some(Ok(l)) => l,
    };
    if let Some(why) = &listing.truncated {
        lines.push(Line::from(Span::styled(
            why.clone(),
            Style::default().fg(p.paused),
        )));
    }
    if listing.entries.is_empty() {
        lines.push(Line::from(Span::styled(
            "(empty)",
            Style::default().fg(p.muted),
        )));
    }
    let room = (area.height as usize).saturating_sub(lines.len()).max(1);
    let start = fs.selected.saturating_sub(room - 1);
    for (i, e) in listing.entries.iter().enumerate().skip(start).take(room) {
        let size = if e.kind == FileKind::File {
            crate::format::bytes(e.size)
        } else {
            String::new()
        };
        let mut name = inert(&e.name);
        if e.kind == FileKind::Dir {
            name.push('/');
        }
        if let Some(t) = &e.link_target {
            name.push_str(" → ");
            name.push_str(&inert(t));
        }
        let text = format!("{} {:>9} {} {}", e.mode_string(), size, date(e.mtime), name);
        let mut st = match e.kind {
            FileKind::Dir => Style::default().fg(p.accent),
            FileKind::Symlink => Style::default().fg(p.paused),
            _ => Style::default(),
        };
        if i == fs.selected {
            st = st.add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::from(Span::styled(text, st)));
    }
    f.render_widget(Paragraph::new(lines), area);
}

pub fn changes(f: &mut Frame, app: &App, d: &Details, area: Rect) {
    let p = &app.settings.palette;
    let lines: Vec<Line> = match &d.changes {
        None => vec![Line::raw("loading…")],
        Some(Err(e)) => vec![Line::from(Span::styled(
            inert(&format!("changes failed: {e}")),
            Style::default().fg(p.error),
        ))],
        Some(Ok(v)) if v.is_empty() => vec![Line::from(Span::styled(
            "no changes since the container was created",
            Style::default().fg(p.muted),
        ))],
        Some(Ok(v)) => {
            let start = d.scroll.min(v.len().saturating_sub(1));
            v.iter()
                .skip(start)
                .take(area.height as usize)
                .map(|c| {
                    let colour = match c.kind {
                        ChangeKind::Added => p.running,
                        ChangeKind::Changed => p.paused,
                        ChangeKind::Deleted => p.error,
                    };
                    Line::from(vec![
                        Span::styled(
                            format!("{} ", c.kind.letter()),
                            Style::default().fg(colour).add_modifier(Modifier::BOLD),
                        ),
                        Span::raw(inert(&c.path)),
                    ])
                })
                .collect()
        }
    };
    f.render_widget(Paragraph::new(lines), area);
}

/// `2026-11-30 20:03` (UTC).
fn date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02} {}", &crate::format::clock(secs)[..5])
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The footer's copy line: `⋯ copy /etc out  12.0 MiB / 50.0 MiB  24%  (esc cancels)`.
pub fn progress(what: &str, p: CopyProgress) -> String {
    let moved = crate::format::bytes(p.bytes);
    match p.total.filter(|t| *t > 0) {
        Some(t) => format!(
            "⋯ {}  {moved} / {}  {}%  (esc cancels)  ",
            inert(what),
            crate::format::bytes(t),
            (p.bytes.min(t) * 100) / t
        ),
        None => format!("⋯ {}  {moved}  (esc cancels)  ", inert(what)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(super::date(0), "1970-01-01 00:00");
        assert_eq!(super::date(1_612_325_106), "2021-02-03 04:05");
    }
}

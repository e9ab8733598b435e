//! Popups drawn over everything: confirmations and help.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::App;
use crate::keymap::Action;
use crate::prompt::Confirm;

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn confirm(f: &mut Frame, app: &App, c: &Confirm) {
    let p = &app.settings.palette;
    let area = f.area();
    let max_objects = (area.height as usize).saturating_sub(10).max(1);
    let mut lines = vec![
        Line::from(Span::styled(
            c.title.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        Line::raw(""),
    ];
    for o in c.objects.iter().take(max_objects) {
        lines.push(Line::from(vec![
            Span::raw("  • "),
            Span::styled(crate::view::inert(o), Style::default().fg(p.accent)),
        ]));
    }
    if c.objects.len() > max_objects {
        lines.push(Line::raw(format!(
            "  … and {} more",
            c.objects.len() - max_objects
        )));
    }
    lines.push(Line::raw(""));
    for n in &c.notes {
        lines.push(Line::from(Span::styled(
            n.clone(),
            Style::default().fg(p.muted),
        )));
    }
    let mut opts = Vec::new();
    if c.has_force() {
        opts.push(format!("[{}] force", if c.force() { "x" } else { " " }));
    }
    if c.has_volumes() {
        opts.push(format!("[{}] volumes", if c.volumes() { "x" } else { " " }));
    }
    if !opts.is_empty() {
        lines.push(Line::raw(opts.join("   ")));
    }
    lines.push(Line::from(vec![
        Span::styled(
            "y",
            Style::default().fg(p.error).add_modifier(Modifier::BOLD),
        ),
        Span::raw("/enter: do it    "),
        Span::styled(
            "n",
            Style::default().fg(p.running).add_modifier(Modifier::BOLD),
        ),
        Span::raw("/esc: cancel"),
    ]));
    let width = lines.iter().map(Line::width).max().unwrap_or(40) as u16 + 4;
    let r = centered(
        area,
        width.clamp(40, area.width.saturating_sub(4).max(20)),
        lines.len() as u16 + 2,
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(p.error))
                .title(" confirm "),
        ),
        r,
    );
}

pub fn help(f: &mut Frame, app: &App) {
    use Action::*;
    let p = &app.settings.palette;
    let km = &app.settings.keymap;
    let groups: [(&str, &[Action]); 5] = [
        ("General", &[Quit, Help, Command, Filter, Back, Zoom, Copy]),
        (
            "Move",
            &[
                Up, Down, PageUp, PageDown, Top, Bottom, NextTab, PrevTab, Open,
            ],
        ),
        (
            "Select & sort",
            &[
                Mark,
                MarkRange,
                ClearMarks,
                SortNext,
                SortPrev,
                SortReverse,
                ToggleStopped,
            ],
        ),
        (
            "Act",
            &[
                Start,
                Stop,
                Restart,
                PauseToggle,
                Kill,
                Remove,
                Rename,
                Exec,
                Create,
            ],
        ),
        (
            "Details",
            &[
                Logs,
                Stats,
                Inspect,
                Follow,
                Wrap,
                Timestamps,
                SearchNext,
                SearchPrev,
                FilterMatches,
                PauseLogs,
                SaveLogs,
                SectionNext,
                SectionPrev,
            ],
        ),
    ];
    let mut lines = Vec::new();
    for (title, actions) in groups {
        lines.push(Line::from(Span::styled(
            title,
            Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
        )));
        for a in actions {
            let keys = km
                .keys(*a)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            let mut label = a.label().to_owned();
            if app.settings.read_only && a.is_mutating() {
                label.push_str(" (read-only: off)");
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<16}"), Style::default().fg(p.accent)),
                Span::raw(label),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        ":containers :images :networks :volumes :projects :events :engine  :prune … :create … :tail N :save FILE :sort COL :q",
        Style::default().fg(p.muted),
    )));
    lines.push(Line::from(Span::styled(
        "filters: text or regex, !text inverts, key=value matches a label",
        Style::default().fg(p.muted),
    )));
    let area = f.area();
    let r = centered(area, 76, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" help — any key closes "),
        ),
        r,
    );
}

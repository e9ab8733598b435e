//! The build panel and the search results: a title with the focused field's hint, the form's
//! lines (errors in red under their line) and `[ Build ]`, then the live output (steps bold,
//! errors red; it follows the end unless scrolled back) with the build's state on the title.
//! Search: one line per result (stars, official, name, description).

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::App;
use crate::build_form::{BuildPanel, Line as FormLine, SearchPanel, Stage, LINES};
use crate::format::inert;
use crate::keymap::Action;

/// Width of the label column.
const LABEL: usize = 18;

pub fn draw(f: &mut Frame, app: &App, b: &BuildPanel, body: Rect) {
    if body.height == 0 || body.width == 0 {
        return;
    }
    let p = &app.settings.palette;
    let (title, hint) = match &b.stage {
        Stage::Form => ("Build an image", b.line().hint().to_owned()),
        Stage::Running { .. } => ("Building…", "esc cancels".to_owned()),
        Stage::Finished(Ok(_)) => ("Built", "enter: show it in images".to_owned()),
        Stage::Finished(Err(_)) => ("Build failed", "enter: back to the form".to_owned()),
    };
    let title_style = match &b.stage {
        Stage::Finished(Err(_)) => Style::default().fg(p.error),
        _ => Style::default().fg(p.accent),
    }
    .add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(vec![
        Span::styled(title, title_style),
        Span::styled(format!("  {hint}"), Style::default().fg(p.muted)),
    ])];
    if b.stage == Stage::Form {
        for (i, line) in LINES.iter().enumerate() {
            let focused = i == b.focus;
            let sel = if focused {
                Style::default().bg(p.selection_bg)
            } else {
                Style::default()
            };
            if *line == FormLine::Build {
                let style = if b.errors.is_empty() {
                    Style::default().fg(p.running)
                } else {
                    Style::default().fg(p.muted)
                };
                lines.push(Line::from(Span::styled("[ Build ]", style.patch(sel))));
                continue;
            }
            let value = match (&b.editing, focused) {
                (Some(ed), true) => format!("{}▏", ed.text),
                _ => b.value(*line),
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{:<LABEL$}", line.label()),
                    Style::default().fg(p.muted).patch(sel),
                ),
                Span::styled(inert(&value), sel),
            ]));
            for e in b.errors_of(*line) {
                lines.push(Line::from(Span::styled(
                    format!("{:LABEL$}{}", "", inert(&e.message)),
                    Style::default().fg(p.error),
                )));
            }
        }
        f.render_widget(Paragraph::new(lines), body);
        if b.discard {
            super::run_form::discard(f, app, "build form");
        }
        return;
    }
    // The output: the last lines that fit, or earlier ones when scrolled back.
    let room = body.height.saturating_sub(1) as usize;
    let end = b.output.len().saturating_sub(b.scroll);
    let start = end.saturating_sub(room);
    for l in b.output.range(start..end) {
        let style = if l.error {
            Style::default().fg(p.error)
        } else if l.step {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        // Already inert (the core's build stream); tabs and the like are still cut here.
        lines.push(Line::from(Span::styled(inert(&l.text), style)));
    }
    f.render_widget(Paragraph::new(lines), body);
}

pub fn draw_search(f: &mut Frame, app: &App, s: &SearchPanel, body: Rect) {
    if body.height == 0 || body.width == 0 {
        return;
    }
    let p = &app.settings.palette;
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("Search: {}", inert(&s.term)),
            Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            "  enter: pull it (command line)",
            Style::default().fg(p.muted),
        ),
    ])];
    match &s.results {
        None => lines.push(Line::from(Span::styled(
            "asking the registry…",
            Style::default().fg(p.paused),
        ))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(
            inert(e),
            Style::default().fg(p.error),
        ))),
        Some(Ok(r)) if r.is_empty() => lines.push(Line::from(Span::styled(
            "no image matches",
            Style::default().fg(p.muted),
        ))),
        Some(Ok(results)) => {
            let room = body.height.saturating_sub(1) as usize;
            let start = (s.selected + 1).saturating_sub(room);
            for (i, r) in results.iter().enumerate().skip(start).take(room) {
                let sel = if i == s.selected {
                    Style::default().bg(p.selection_bg)
                } else {
                    Style::default()
                };
                let mut flags = String::new();
                if r.official {
                    flags.push_str("official ");
                }
                if r.automated {
                    flags.push_str("automated ");
                }
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("★{:<6} ", r.stars),
                        Style::default().fg(p.paused).patch(sel),
                    ),
                    Span::styled(
                        format!("{:<30} ", inert(&r.name)),
                        sel.add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(flags, Style::default().fg(p.running).patch(sel)),
                    Span::styled(
                        inert(&r.description),
                        Style::default().fg(p.muted).patch(sel),
                    ),
                ]));
            }
        }
    }
    f.render_widget(Paragraph::new(lines), body);
}

/// The footer's keys while the build panel or the search results are open.
pub fn footer(app: &App) -> Vec<Span<'static>> {
    let p = &app.settings.palette;
    let km = &app.settings.keymap;
    let pairs: Vec<(String, &str)> = match (&app.build, &app.search) {
        (Some(b), _) => match (&b.stage, &b.editing) {
            (Stage::Form, Some(_)) => vec![
                ("enter".into(), "keep"),
                ("esc".into(), "undo"),
                ("tab/↑/↓".into(), "keep and move"),
                (km.hint(Action::Submit), "build"),
            ],
            (Stage::Form, None) => vec![
                (km.hint(Action::Back), "close"),
                (km.hint(Action::Down), "next"),
                (km.hint(Action::Open), "edit/toggle"),
                (km.hint(Action::Submit), "build"),
            ],
            (Stage::Running { .. }, _) => vec![
                ("esc".into(), "cancel"),
                (km.hint(Action::Up), "scroll back"),
            ],
            (Stage::Finished(_), _) => vec![
                ("enter/esc".into(), "close"),
                (km.hint(Action::Up), "scroll back"),
            ],
        },
        _ => vec![
            (km.hint(Action::Open), "pull…"),
            (km.hint(Action::Copy), "copy name"),
            (km.hint(Action::Back), "close"),
        ],
    };
    let mut spans = Vec::new();
    if let Some((bytes, entries)) = app.build.as_ref().and_then(|b| b.context) {
        spans.push(Span::styled(
            format!("context {} ({entries})  ", crate::format::bytes(bytes)),
            Style::default().fg(p.muted),
        ));
    }
    spans.extend(super::hint_spans(app, pairs));
    spans
}

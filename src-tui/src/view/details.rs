//! The details pane: a tab bar and the open tab.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};
use ratatui::Frame;

use crate::app::App;
use crate::details::{Details, Tab};

/// The details pane less its title line (a top border carrying the tabs).
pub fn draw(f: &mut Frame, app: &App, d: &Details, area: Rect) {
    let p = &app.settings.palette;
    let mut title = vec![Span::styled(
        format!(" {} ", crate::format::inert(&d.name)),
        Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
    )];
    if d.gone {
        title.push(Span::styled("(removed) ", Style::default().fg(p.error)));
    }
    let tabs: &[Tab] = if d.merged.is_some() {
        &[Tab::Logs]
    } else {
        &Tab::ALL
    };
    for &t in tabs {
        let st = if t == d.tab {
            Style::default()
                .fg(p.accent)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::default().fg(p.muted)
        };
        title.push(Span::styled(format!(" {} ", t.title()), st));
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Line::from(title));
    let inner = crate::layout::details_inner(area);
    f.render_widget(block, area);
    let c = app.snapshot.containers.get(&d.id);
    match d.tab {
        Tab::Logs => super::logs::draw(f, app, d, inner),
        Tab::Stats => super::stats::draw(f, app, &d.id, inner),
        Tab::Inspect => inspect(f, app, d, inner),
        Tab::Top => top(f, app, d, inner),
        Tab::Env => {
            let lines: Vec<String> = match &d.inspect {
                Some(Ok(doc)) => {
                    let mut lines = doc.env.clone();
                    let key = app
                        .settings
                        .keymap
                        .hint(crate::keymap::Action::RevealSecrets);
                    if d.secrets_shown && d.secrets_masked > 0 {
                        lines.push(format!("(secret values shown — {key} hides them)"));
                    } else if d.secrets_masked > 0 {
                        lines.push(format!(
                            "({} secret value{} hidden — {key} shows them)",
                            d.secrets_masked,
                            if d.secrets_masked == 1 { "" } else { "s" }
                        ));
                    }
                    lines
                }
                Some(Err(e)) => vec![format!("inspect failed: {e}")],
                None => vec!["loading…".into()],
            };
            list(f, app, d, inner, lines);
        }
        Tab::Ports => {
            let lines = c.map_or_else(Vec::new, |c| {
                c.ports.iter().map(ToString::to_string).collect()
            });
            list(f, app, d, inner, or_none(lines, "no ports"));
        }
        Tab::Mounts => {
            let lines = c.map_or_else(Vec::new, |c| {
                c.mounts
                    .iter()
                    .map(|m| {
                        let src = m.name.clone().unwrap_or_else(|| m.source.clone());
                        format!(
                            "{:<7} {} → {}{}",
                            m.kind,
                            src,
                            m.destination,
                            if m.read_write { "" } else { " (ro)" }
                        )
                    })
                    .collect()
            });
            list(f, app, d, inner, or_none(lines, "no mounts"));
        }
        Tab::Networks => {
            let lines = c.map_or_else(Vec::new, |c| c.networks.clone());
            list(f, app, d, inner, or_none(lines, "no networks"));
        }
        Tab::Labels => {
            let lines = c.map_or_else(Vec::new, |c| {
                c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect()
            });
            list(f, app, d, inner, or_none(lines, "no labels"));
        }
        Tab::Findings => findings(f, app, d, c.map(|c| &**c), inner),
        Tab::Files => super::files::files(f, app, d, inner),
        Tab::Changes => super::files::changes(f, app, d, inner),
    }
}

/// Each finding: severity, title and detail, then why it matters and its reference.
fn findings(
    f: &mut Frame,
    app: &App,
    d: &Details,
    c: Option<&wharf_core::model::Container>,
    area: Rect,
) {
    let p = &app.settings.palette;
    let found = c.and_then(wharf_core::rules::findings::of_container);
    let mut lines: Vec<Line> = Vec::new();
    match &found {
        None => lines.push(Line::from(Span::styled(
            "not inspected yet: findings come with the container's details",
            Style::default().fg(p.muted),
        ))),
        Some(v) if v.is_empty() => lines.push(Line::from(Span::styled(
            "no findings: none of the checks applies to this container",
            Style::default().fg(p.running),
        ))),
        Some(v) => {
            for x in v {
                lines.push(super::run_form::finding_line(app, x));
                lines.push(Line::raw(format!("     {}", crate::format::inert(&x.why))));
                lines.push(Line::from(Span::styled(
                    format!("     {}", crate::format::inert(&x.reference)),
                    Style::default().fg(p.muted),
                )));
            }
        }
    }
    // Wrapped: the why of a finding is a sentence or two.
    let start = d.scroll.min(lines.len().saturating_sub(1));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((u16::try_from(start).unwrap_or(u16::MAX), 0)),
        area,
    );
}

fn or_none(v: Vec<String>, none: &str) -> Vec<String> {
    if v.is_empty() {
        vec![none.to_owned()]
    } else {
        v
    }
}

fn list(f: &mut Frame, _app: &App, d: &Details, area: Rect, lines: Vec<String>) {
    let start = d.scroll.min(lines.len().saturating_sub(1));
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(start)
        .take(area.height as usize)
        .map(|l| Line::from(crate::format::inert(&l)))
        .collect();
    f.render_widget(Paragraph::new(shown), area);
}

fn inspect(f: &mut Frame, app: &App, d: &Details, area: Rect) {
    let p = &app.settings.palette;
    let doc = match &d.inspect {
        Some(Ok(doc)) => doc,
        Some(Err(e)) => {
            f.render_widget(
                Paragraph::new(format!("inspect failed: {e}")).style(Style::default().fg(p.error)),
                area,
            );
            return;
        }
        None => {
            f.render_widget(Paragraph::new("loading…"), area);
            return;
        }
    };
    let [side, main] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(18), Constraint::Min(10)])
        .areas(area);
    let start = d.scroll.min(doc.lines.len().saturating_sub(1));
    let current = doc
        .sections
        .iter()
        .rev()
        .find(|(_, l)| *l <= start)
        .map(|(n, _)| n.as_str());
    let side_lines: Vec<Line> = doc
        .sections
        .iter()
        .map(|(n, _)| {
            let st = if Some(n.as_str()) == current {
                Style::default().fg(p.accent).add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(p.muted)
            };
            Line::from(Span::styled(crate::format::inert(n), st))
        })
        .collect();
    f.render_widget(Paragraph::new(side_lines), side);
    let q = d.inspect_search.as_deref();
    let lines: Vec<Line> = doc
        .lines
        .iter()
        .skip(start)
        .take(main.height as usize)
        .map(|l| {
            let text = crate::format::inert(l);
            match q {
                Some(q) if l.to_lowercase().contains(q) => Line::from(Span::styled(
                    text,
                    Style::default().fg(p.paused).add_modifier(Modifier::BOLD),
                )),
                _ => Line::from(text),
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), main);
}

fn top(f: &mut Frame, app: &App, d: &Details, area: Rect) {
    let p = &app.settings.palette;
    match &d.top {
        None => f.render_widget(Paragraph::new("loading…"), area),
        Some(Err(e)) => f.render_widget(
            Paragraph::new(format!("top failed: {e}")).style(Style::default().fg(p.error)),
            area,
        ),
        Some(Ok(procs)) => {
            let n = procs.titles.len().max(1);
            let widths: Vec<Constraint> = (0..n)
                .map(|i| {
                    if i + 1 == n {
                        Constraint::Min(10)
                    } else {
                        Constraint::Length(8)
                    }
                })
                .collect();
            let header =
                Row::new(procs.titles.clone()).style(Style::default().add_modifier(Modifier::BOLD));
            // Made inert when they arrived (`Msg::Top`).
            let rows = procs
                .rows
                .iter()
                .skip(d.scroll)
                .map(|r| Row::new(r.iter().map(String::as_str).collect::<Vec<_>>()));
            f.render_widget(Table::new(rows, widths).header(header), area);
        }
    }
}

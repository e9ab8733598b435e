//! The engine view: version, API, OS, storage, cgroups, counts and disk usage.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};
use ratatui::Frame;

use crate::app::App;
use crate::format::bytes;

/// The engine-wide security summary (the core's `rules::findings::summary`) over the
/// containers inspected so far: how many have high, medium and low findings at worst, then
/// each check with the number of containers it applies to.
fn security(app: &App) -> [Line<'static>; 2] {
    use wharf_core::rules::findings::{of_container, summary, Severity};
    let p = &app.settings.palette;
    let all: Vec<_> = app
        .snapshot
        .containers
        .values()
        .filter_map(|c| of_container(c))
        .collect();
    let s = summary(&all);
    let clean = s
        .containers
        .saturating_sub(s.worst_high + s.worst_medium + s.worst_low);
    let head = Line::from(vec![
        Span::styled(format!("{:<16}", "security"), Style::default().fg(p.muted)),
        Span::raw(format!(
            "{} inspected: {} with high findings, {} medium, {} low, {clean} clean",
            s.containers, s.worst_high, s.worst_medium, s.worst_low
        )),
    ]);
    let mut spans = vec![Span::raw(format!("{:<16}", ""))];
    for c in &s.by_check {
        let style = match c.severity {
            Severity::High => Style::default().fg(p.error),
            Severity::Medium => Style::default().fg(p.paused),
            Severity::Low => Style::default().fg(p.muted),
        };
        spans.push(Span::styled(
            crate::format::inert(&c.title.to_lowercase()),
            style,
        ));
        spans.push(Span::raw(format!(" {}  ", c.containers)));
    }
    [head, Line::from(spans)]
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let p = &app.settings.palette;
    let facts_height = 15
        + u16::from(app.ssh_cost.is_some())
        + app
            .snapshot
            .engine
            .as_ref()
            .map_or(0, |e| u16::try_from(e.warnings.len()).unwrap_or(u16::MAX))
            .min(u16::MAX - 14);
    let [facts_area, df_area] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(facts_height), Constraint::Min(7)])
        .areas(area);
    let Some(e) = &app.snapshot.engine else {
        f.render_widget(
            Paragraph::new(Span::styled(
                "waiting for the engine…",
                Style::default().fg(p.muted),
            )),
            facts_area,
        );
        return;
    };
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<16}"), Style::default().fg(p.muted)),
            Span::raw(crate::format::inert(&v)),
        ])
    };
    let mut lines = vec![kv("endpoint", app.snapshot.endpoint.clone())];
    if let Some(cost) = &app.ssh_cost {
        lines.push(kv("ssh", cost.describe()));
    }
    lines.extend([
        kv(
            "engine",
            format!("{} {}", e.platform, e.version).trim().to_owned(),
        ),
        kv(
            "API",
            format!(
                "{} (engine max {}, min {})",
                e.negotiated_api_version,
                e.api_version,
                e.min_api_version.clone().unwrap_or_default()
            ),
        ),
        kv(
            "host",
            format!("{} · {} {} · kernel {}", e.hostname, e.os, e.arch, e.kernel),
        ),
        kv(
            "resources",
            format!("{} CPUs · {} memory", e.cpus, bytes(e.memory)),
        ),
        kv("storage", format!("{} in {}", e.storage_driver, e.root_dir)),
        kv(
            "cgroups",
            format!("{} driver, v{}", e.cgroup_driver, e.cgroup_version),
        ),
        kv("logging", e.logging_driver.clone()),
        kv(
            "containers",
            format!(
                "{} ({} running, {} paused, {} stopped)",
                e.containers, e.running, e.paused, e.stopped
            ),
        ),
        kv("images", e.images.to_string()),
        kv(
            "swarm",
            if e.swarm.is_empty() {
                "inactive".into()
            } else {
                e.swarm.clone()
            },
        ),
    ]);
    lines.extend(security(app));
    for w in &e.warnings {
        lines.push(Line::from(Span::styled(
            crate::format::inert(w),
            Style::default().fg(p.paused),
        )));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Engine ")),
        facts_area,
    );
    let block = Block::default().borders(Borders::ALL).title(" Disk usage ");
    match &app.disk_usage {
        None => f.render_widget(Paragraph::new("loading…").block(block), df_area),
        Some(Err(err)) => f.render_widget(
            Paragraph::new(Span::styled(
                format!("disk usage failed: {err}"),
                Style::default().fg(p.error),
            ))
            .block(block),
            df_area,
        ),
        Some(Ok(rows)) => {
            let header = Row::new(vec!["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"])
                .style(Style::default().add_modifier(Modifier::BOLD));
            let rows = rows.iter().map(|d| {
                Row::new(vec![
                    d.kind.as_str().to_owned(),
                    d.total.to_string(),
                    d.active.to_string(),
                    bytes(d.size),
                    bytes(d.reclaimable),
                ])
            });
            let t = Table::new(
                rows,
                [
                    Constraint::Length(14),
                    Constraint::Length(7),
                    Constraint::Length(7),
                    Constraint::Length(10),
                    Constraint::Length(12),
                ],
            )
            .header(header)
            .block(block);
            f.render_widget(t, df_area);
        }
    }
}

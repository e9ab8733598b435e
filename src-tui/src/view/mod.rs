//! Rendering: pure functions of the app state. No I/O, no locks, no clock reads: the time is
//! the app's `now_ms`, set by the loop (and fixed in snapshot tests).

mod build;
mod compose;
mod contexts;
mod dash;
mod details;
mod engine;
mod files;
pub mod fleet;
pub mod fleet_objects;
mod images;
mod logs;
mod marks;
mod popup;
mod run_form;
mod stats;
mod table;
mod text_popup;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use wharf_core::model::ContainerState;
use wharf_core::store::ConnectionState;

use crate::app::App;
use crate::format::inert;
use crate::keymap::Action;
use crate::kinds::{Tone, View, KINDS};
use crate::prompt::Mode;

pub fn tone_style(app: &App, tone: Tone) -> Style {
    let p = &app.settings.palette;
    match tone {
        Tone::Normal => Style::default(),
        Tone::Running => Style::default().fg(p.running),
        Tone::Paused => Style::default().fg(p.paused),
        Tone::Stopped => Style::default().fg(p.stopped),
        Tone::Error => Style::default().fg(p.error),
        Tone::Muted => Style::default().fg(p.muted),
        Tone::Accent => Style::default().fg(p.accent),
    }
}

pub fn draw(f: &mut Frame, app: &App) {
    let a = app.areas();
    header(f, app, a.header);
    let body = crate::layout::areas(app.size, None).table;
    if let Some(c) = &app.compose {
        compose::draw(f, app, c, body);
    } else if let Some(d) = &app.dash {
        dash::draw(f, app, d, body);
    } else if let Some(b) = &app.build {
        build::draw(f, app, b, body);
    } else if let Some(s) = &app.search {
        build::draw_search(f, app, s, body);
    } else if let Some(form) = &app.run_form {
        // The form takes the screen between header and footer.
        let body = crate::layout::areas(app.size, None).table;
        run_form::draw(f, app, form, body);
    } else if app.view == View::Engine {
        engine::draw(f, app, a.table);
    } else if a.table.height > 0 {
        table::draw(f, app, a.table);
        if app.view == View::Alerts {
            alert_rules(f, app, a.table);
        }
    }
    let panel = app.run_form.is_some()
        || app.dash.is_some()
        || app.build.is_some()
        || app.search.is_some()
        || app.compose.is_some();
    if let Some(d) = app.details.as_ref().filter(|_| !panel) {
        if a.details.height > 0 {
            details::draw(f, app, d, a.details);
        }
    }
    footer(f, app, a.footer);
    images::draw(f, app, &app.images);
    if let Some(picker) = &app.contexts.picker {
        contexts::draw(f, app, picker);
    }
    match &app.mode {
        Mode::Confirm(c) => popup::confirm(f, app, c),
        Mode::Help(offset) => popup::help(f, app, *offset),
        Mode::Text(t) => text_popup::draw(f, app, t),
        _ => {}
    }
}

/// The rules in use, under the alerts view's `table` (in the lines `App::areas` kept): a
/// webhook as its host and header names, never a value.
fn alert_rules(f: &mut Frame, app: &App, table: Rect) {
    let p = &app.settings.palette;
    let below = crate::layout::areas(app.size, None).table;
    let n = app.rules_lines(below.height);
    if n == 0 {
        return;
    }
    let area = Rect {
        y: table.y + table.height,
        height: n,
        ..table
    };
    let mut lines = vec![Line::from(Span::styled(
        format!("Rules in use ({})", app.alert_rules.len()),
        Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
    ))];
    let more = app.alert_rules.len() > usize::from(n - 1);
    for (i, r) in app.alert_rules.iter().take(usize::from(n - 1)).enumerate() {
        let text = if more && i + 2 == usize::from(n) {
            format!("  … and {} more", app.alert_rules.len() - i)
        } else {
            format!("  {}", inert(r))
        };
        lines.push(Line::from(Span::styled(text, Style::default().fg(p.muted))));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn header(f: &mut Frame, app: &App, area: Rect) {
    let p = &app.settings.palette;
    let s = &app.snapshot;
    let (state, style) = match &s.connection {
        ConnectionState::Connecting => ("connecting…".to_owned(), Style::default().fg(p.paused)),
        ConnectionState::Connected { .. } => {
            ("connected".to_owned(), Style::default().fg(p.running))
        }
        ConnectionState::Reconnecting {
            since_ms,
            attempt,
            reason,
        } => (
            format!(
                "reconnecting… ({}s, try {attempt}): {reason}",
                ((app.now_ms - since_ms) / 1000).max(0)
            ),
            Style::default().fg(p.paused).add_modifier(Modifier::BOLD),
        ),
        ConnectionState::NotResponding { since_ms, .. } => (
            format!(
                "not responding since {} ({}s){}",
                crate::format::clock(since_ms.div_euclid(1000)),
                ((app.now_ms - since_ms) / 1000).max(0),
                if s.is_stale() {
                    " · showing the last data"
                } else {
                    ""
                }
            ),
            Style::default().fg(p.error).add_modifier(Modifier::BOLD),
        ),
        ConnectionState::Failed { reason } => (
            format!("failed: {reason}"),
            Style::default().fg(p.error).add_modifier(Modifier::BOLD),
        ),
    };
    let running = s
        .containers
        .values()
        .filter(|c| c.state == ContainerState::Running)
        .count();
    let mut line1 = vec![
        Span::styled(
            " wharf ",
            Style::default()
                .fg(p.accent)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        Span::raw(" "),
    ];
    if app.settings.read_only {
        // First, so no terminal width can hide it.
        line1.push(Span::styled(
            "READ-ONLY ",
            Style::default().fg(p.paused).add_modifier(Modifier::BOLD),
        ));
    }
    if app.settings.tls_unverified {
        // Up front too: whoever reads the header must see the engine is not authenticated.
        line1.push(Span::styled(
            format!("{} ", wharf_core::engine::connect::TLS_NOT_VERIFIED),
            Style::default().fg(p.error).add_modifier(Modifier::BOLD),
        ));
    }
    line1.extend([
        Span::styled(
            inert(&s.endpoint),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        Span::styled(format!("● {}", inert(&state)), style),
    ]);
    if let Some(next) = &app.contexts.switching {
        // The current engine stays in use until the next one answers.
        line1.push(Span::styled(
            format!("  → connecting to {}…", inert(next)),
            Style::default().fg(p.paused).add_modifier(Modifier::BOLD),
        ));
    }
    if !s.refresh_failures.is_empty() {
        // Objects whose rows show their last data because refetching them fails.
        line1.push(Span::styled(
            format!("  ⚠ {} not refreshed", s.refresh_failures.len()),
            Style::default().fg(p.error),
        ));
    }
    if let Some(e) = &s.engine {
        line1.push(Span::styled(
            inert(&format!(
                "  {} {} · API {}",
                platform(e),
                e.version,
                e.negotiated_api_version
            )),
            Style::default().fg(p.muted),
        ));
    }
    line1.push(Span::styled(
        format!("  {}/{} running", running, s.containers.len()),
        Style::default().fg(p.muted),
    ));
    let mut line2 = Vec::new();
    // The swarm kinds are listed on a swarm manager only (or while one is shown); alerts once
    // one has fired (or while shown).
    for k in KINDS.iter().filter(|k| {
        (!k.swarm || s.is_swarm_manager() || k.view == app.view)
            && (k.view != View::Alerts || !app.alerts.is_empty() || k.view == app.view)
    }) {
        let st = if k.view == app.view {
            Style::default()
                .fg(p.accent)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            Style::default().fg(p.muted)
        };
        line2.push(Span::styled(format!(" {} ", k.name), st));
    }
    let t = app.table();
    if let Some(filt) = &t.filter {
        line2.push(Span::styled(
            format!("  filter: {}", filt.source()),
            Style::default().fg(p.paused),
        ));
    }
    if app.view != View::Engine && !app.rows.is_empty() {
        line2.push(Span::styled(
            format!("  {}/{}", t.selected + 1, app.rows.len()),
            Style::default().fg(p.muted),
        ));
    }
    if !t.marks.is_empty() {
        line2.push(Span::styled(
            format!("  {} marked", t.marks.len()),
            Style::default().fg(p.mark),
        ));
    }
    if app.view == View::Containers && !app.show_stopped {
        line2.push(Span::styled(
            "  (running only)",
            Style::default().fg(p.muted),
        ));
    }
    f.render_widget(
        Paragraph::new(vec![Line::from(line1), Line::from(line2)]),
        area,
    );
}

/// The engine's product name, or "Engine" when it sends none.
fn platform(e: &wharf_core::model::EngineInfo) -> &str {
    if e.platform.is_empty() {
        "Engine"
    } else {
        &e.platform
    }
}

/// Footer hints for the current context, from the key map.
fn hints(app: &App) -> Vec<Action> {
    use Action::*;
    match (&app.details, app.view) {
        (Some(d), _) if d.tab == crate::details::Tab::Logs => {
            vec![
                Back,
                NextTab,
                Follow,
                Wrap,
                Timestamps,
                Filter,
                SearchNext,
                FilterMatches,
                SaveLogs,
                Zoom,
                Help,
            ]
        }
        (Some(d), _) if d.tab == crate::details::Tab::Files => {
            vec![Back, NextTab, Open, ParentDir, CopyOut, CopyIn, Zoom, Help]
        }
        (Some(d), _) if d.tab == crate::details::Tab::Inspect => {
            vec![
                Back,
                NextTab,
                Filter,
                SearchNext,
                SectionNext,
                RevealSecrets,
                Zoom,
                Help,
            ]
        }
        (Some(d), _) if d.tab == crate::details::Tab::Stats && d.merged.is_none() => {
            vec![Back, NextTab, StatsExport, Zoom, Exec, Help]
        }
        (Some(d), _) if d.tab == crate::details::Tab::Env => {
            vec![Back, NextTab, RevealSecrets, Zoom, Exec, Help]
        }
        (Some(_), _) => vec![Back, NextTab, Zoom, Exec, Help],
        (None, view) => view.kind().hints.to_vec(),
    }
}

fn footer(f: &mut Frame, app: &App, area: Rect) {
    let p = &app.settings.palette;
    let line = match &app.mode {
        Mode::Input(kind, input) => {
            // A password is never drawn: one dot per character.
            let hidden = matches!(
                kind,
                crate::prompt::PromptKind::LoginPassword { .. }
                    | crate::prompt::PromptKind::SecretValue(_)
            );
            let shown = |s: String| {
                if hidden {
                    "•".repeat(s.chars().count())
                } else {
                    s
                }
            };
            let before = shown(input.text.chars().take(input.cursor).collect());
            let at = shown(input.text.chars().skip(input.cursor).take(1).collect());
            let after = shown(input.text.chars().skip(input.cursor + 1).collect());
            let mut spans = vec![Span::styled(
                kind.label(),
                Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
            )];
            spans.push(Span::raw(before));
            spans.push(Span::styled(
                if at.is_empty() { " ".into() } else { at },
                Style::default().add_modifier(Modifier::REVERSED),
            ));
            spans.push(Span::raw(after));
            if let crate::prompt::PromptKind::LoginSave { .. } = kind {
                if let Some(t) = &app.images.save_target {
                    spans.push(Span::styled(
                        format!("   w: {}", inert(&t.describe())),
                        Style::default().fg(p.paused),
                    ));
                }
            }
            if let crate::prompt::PromptKind::Exec(_) = kind {
                // Said before the shell starts, and again in the shell's banner.
                spans.push(Span::styled(
                    format!(
                        "   detach from the shell: {}",
                        app.settings.detach_keys.describe()
                    ),
                    Style::default().fg(p.muted),
                ));
            }
            if *kind == crate::prompt::PromptKind::Command {
                let c = crate::app::command_line::completions(
                    &input.text,
                    &app.image_names(),
                    &app.contexts.names,
                );
                if !c.is_empty() && !input.text.is_empty() {
                    spans.push(Span::styled(
                        format!("   {}", c.join(" ")),
                        Style::default().fg(p.muted),
                    ));
                }
            }
            Line::from(spans)
        }
        _ => match &app.toast {
            Some(t) => Line::from(Span::styled(
                // Toasts quote engine errors, which quote names and commands.
                inert(&t.text),
                if t.error {
                    Style::default().fg(p.error).add_modifier(Modifier::BOLD)
                } else {
                    Style::default().fg(p.running)
                },
            )),
            None if app.compose.is_some() => Line::from(
                app.compose
                    .as_ref()
                    .map(|c| compose::footer(app, c))
                    .unwrap_or_default(),
            ),
            None if app.build.is_some() || app.search.is_some() => Line::from(build::footer(app)),
            None if app.dash.is_some() => Line::from(dash::footer(app)),
            None if app.run_form.is_some() => Line::from(
                app.run_form
                    .as_ref()
                    .map(|f| run_form::footer(app, f))
                    .unwrap_or_default(),
            ),
            None => {
                let km = &app.settings.keymap;
                let mut spans = Vec::new();
                if let Some(c) = &app.copy {
                    spans.push(Span::styled(
                        files::progress(&c.what, c.progress),
                        Style::default().fg(p.paused).add_modifier(Modifier::BOLD),
                    ));
                }
                // The oldest request in flight (ids grow), and how many more.
                if let Some(what) = app.pending.values().next() {
                    let more = app.pending.len() - 1;
                    let text = if more > 0 {
                        format!("⋯ {what} (+{more})  ")
                    } else {
                        format!("⋯ {what}  ")
                    };
                    spans.push(Span::styled(
                        text,
                        Style::default().fg(p.paused).add_modifier(Modifier::BOLD),
                    ));
                }
                spans.extend(key_hints(km, p, app.settings.read_only, hints(app)));
                Line::from(spans)
            }
        },
    };
    f.render_widget(Paragraph::new(line), area);
}

#[cfg(test)]
mod files_tests;
#[cfg(test)]
mod run_form_tests;
#[cfg(test)]
mod size_tests;
#[cfg(test)]
mod stats_tests;
#[cfg(test)]
mod swarm_tests;
#[cfg(test)]
pub(crate) mod tests;

/// A footer's key hints from the key map: help and quit first (on a narrow terminal the rest
/// is what gets cut), mutating ones left out when `read_only`.
pub fn key_hints(
    km: &crate::keymap::KeyMap,
    p: &crate::config::Palette,
    read_only: bool,
    mut actions: Vec<Action>,
) -> Vec<Span<'static>> {
    actions.sort_by_key(|a| !matches!(a, Action::Help | Action::Quit));
    let mut spans = Vec::new();
    for a in actions {
        if read_only && a.is_mutating() {
            continue;
        }
        spans.push(Span::styled(km.hint(a), Style::default().fg(p.accent)));
        spans.push(Span::styled(
            format!(" {}  ", a.label()),
            Style::default().fg(p.muted),
        ));
    }
    spans
}

/// Key hints for a panel's footer: each key in the accent colour, its label muted.
pub fn hint_spans(app: &App, pairs: Vec<(String, &str)>) -> Vec<Span<'static>> {
    let p = &app.settings.palette;
    let mut spans = Vec::new();
    for (k, l) in pairs {
        spans.push(Span::styled(k, Style::default().fg(p.accent)));
        spans.push(Span::styled(
            format!(" {l}  "),
            Style::default().fg(p.muted),
        ));
    }
    spans
}

//! The run form: a title with the focused field's hint, the fields by group (errors in red
//! under their line), the [Run] line, and below them the warnings (yellow; the core's
//! findings for this configuration) and the `docker run` line. Popups: "discard?" and the
//! warnings explained with the form's keys.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;
use wharf_core::rules::findings::{Finding, Severity};

use super::popup::centered;
use crate::app::App;
use crate::format::inert;
use crate::keymap::Action;
use crate::run_form::{
    command_lines, list_height, panel_height, Line as FormLine, Overlay, Row, RunFormState, Slot,
    FIELDS, FINDINGS_SHOWN,
};

/// Width of the label column.
const LABEL: usize = 14;

pub fn draw(f: &mut Frame, app: &App, form: &RunFormState, body: Rect) {
    if body.height == 0 || body.width == 0 {
        return;
    }
    let p = &app.settings.palette;
    let heading = match &form.edit {
        Some(e) => format!("Edit {}", crate::format::inert(&e.name)),
        None => "Run a container".to_owned(),
    };
    let title = Line::from(vec![
        Span::styled(
            heading,
            Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!("  {}", form.hint()), Style::default().fg(p.muted)),
    ]);
    f.render_widget(
        Paragraph::new(title),
        Rect::new(body.x, body.y, body.width, 1),
    );
    let list_h = list_height(form, body);
    let list = Rect::new(body.x, body.y + 1, body.width, list_h);
    draw_list(f, app, form, list);
    let panel_h = panel_height(form, body);
    let panel = Rect::new(
        body.x,
        body.y + 1 + list_h,
        body.width,
        panel_h.min(body.height.saturating_sub(1 + list_h)),
    );
    draw_panel(f, app, form, panel);
    match form.overlay {
        Some(Overlay::Discard) => discard(f, app, "run form"),
        Some(Overlay::Explain(offset)) => explain(f, app, form, offset),
        None => {}
    }
}

fn draw_list(f: &mut Frame, app: &App, form: &RunFormState, area: Rect) {
    let p = &app.settings.palette;
    let lines = form.lines();
    let rows = form.rows();
    let width = area.width as usize;
    let mut out: Vec<Line> = Vec::new();
    for row in rows.iter().skip(form.scroll).take(area.height as usize) {
        match row {
            Row::Group(g) => out.push(Line::from(Span::styled(
                *g,
                Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
            ))),
            Row::Error(e) => out.push(Line::from(Span::styled(
                format!("{:w$}✗ {}", "", inert(e), w = LABEL + 1),
                Style::default().fg(p.error),
            ))),
            Row::Line(i) => {
                let Some(line) = lines.get(*i).copied() else {
                    continue;
                };
                let focused = *i == form.focus;
                let mut l = field_line(app, form, line, focused, width);
                if focused {
                    l = l.style(
                        Style::default()
                            .bg(p.selection_bg)
                            .add_modifier(Modifier::BOLD),
                    );
                }
                out.push(l);
            }
        }
    }
    f.render_widget(Paragraph::new(out), area);
}

fn field_line(
    app: &App,
    form: &RunFormState,
    line: FormLine,
    focused: bool,
    width: usize,
) -> Line<'static> {
    let p = &app.settings.palette;
    let FormLine::Field { def, entry } = line else {
        let verb = match (&form.edit, form.start) {
            (Some(_), _) => "Recreate",
            (None, true) => "Run",
            (None, false) => "Create",
        };
        let mut spans = vec![Span::styled(
            format!("  [ {verb} ]"),
            Style::default().fg(p.running).add_modifier(Modifier::BOLD),
        )];
        let n = form.errors().len();
        if form.request.is_some() {
            spans.push(Span::styled("  running…", Style::default().fg(p.paused)));
        } else if n > 0 {
            spans.push(Span::styled(
                format!("  {n} error{} to fix first", if n == 1 { "" } else { "s" }),
                Style::default().fg(p.error),
            ));
        } else {
            spans.push(Span::styled(
                format!("  {}", app.settings.keymap.hint(Action::Submit)),
                Style::default().fg(p.muted),
            ));
        }
        return Line::from(spans);
    };
    let d = &FIELDS[def];
    // A list's label goes on its first line only.
    let first = match d.slot {
        Slot::List(..) => entry.map_or(form.value_count(def) == 0, |i| i == 0),
        _ => true,
    };
    let label = if first { d.label } else { "" };
    let mut spans = vec![Span::styled(
        format!("  {label:<w$}", w = LABEL - 2),
        Style::default().fg(p.muted),
    )];
    spans.push(Span::raw(" "));
    let room = width.saturating_sub(LABEL + 1).max(1);
    let editing = form.editing.as_ref().filter(|_| focused).map(|e| &e.input);
    if let Some(input) = editing {
        spans.extend(edited(app, &input.text, input.cursor, room));
        return Line::from(spans);
    }
    let value = form.value(line);
    match (d.slot, entry) {
        (Slot::List(..), None) => spans.push(Span::styled("+ add", Style::default().fg(p.muted))),
        // An empty field stays blank: the title line shows the focused field's hint.
        _ if value.is_empty() => {}
        _ => spans.push(Span::raw(cut(&inert(&value), room))),
    }
    Line::from(spans)
}

/// The editor's text with its cursor, scrolled so the cursor is in `room` cells.
fn edited(app: &App, text: &str, cursor: usize, room: usize) -> Vec<Span<'static>> {
    let chars: Vec<char> = text.chars().collect();
    let cursor = cursor.min(chars.len());
    // Start far enough right that the cursor (one cell) fits.
    let mut start = 0;
    let mut w: usize = chars[..cursor]
        .iter()
        .map(|c| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0))
        .sum();
    while w + 1 > room && start < cursor {
        w -= unicode_width::UnicodeWidthChar::width(chars[start]).unwrap_or(0);
        start += 1;
    }
    let before: String = chars[start..cursor].iter().collect();
    let at: String = chars.get(cursor).map_or(" ".into(), |c| c.to_string());
    let after: String = chars.iter().skip(cursor + 1).collect();
    let after = cut(&after, room.saturating_sub(w + 1));
    vec![
        Span::raw(inert(&before)),
        Span::styled(
            inert(&at),
            Style::default()
                .fg(app.settings.palette.accent)
                .add_modifier(Modifier::REVERSED),
        ),
        Span::raw(inert(&after)),
    ]
}

/// `s` in at most `room` cells, ending in `…` when cut.
fn cut(s: &str, room: usize) -> String {
    if s.width() <= room {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > room {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

fn severity(app: &App, s: Severity) -> (&'static str, Style) {
    let p = &app.settings.palette;
    match s {
        Severity::High => (
            "HIGH",
            Style::default().fg(p.error).add_modifier(Modifier::BOLD),
        ),
        Severity::Medium => ("MED ", Style::default().fg(p.paused)),
        Severity::Low => ("LOW ", Style::default().fg(p.muted)),
    }
}

/// One warning on one line: severity, title, detail.
pub fn finding_line(app: &App, x: &Finding) -> Line<'static> {
    let p = &app.settings.palette;
    let (tag, style) = severity(app, x.severity);
    Line::from(vec![
        Span::styled(format!("{tag} "), style),
        Span::styled(inert(&x.title), Style::default().fg(p.paused)),
        Span::styled(
            format!(" — {}", inert(&x.detail)),
            Style::default().fg(p.muted),
        ),
    ])
}

fn draw_panel(f: &mut Frame, app: &App, form: &RunFormState, area: Rect) {
    if area.height == 0 {
        return;
    }
    let p = &app.settings.palette;
    let km = &app.settings.keymap;
    let findings = form.findings();
    let rule = if findings.is_empty() {
        "── no warnings ".to_owned()
    } else {
        format!(
            "── {} warning{} ({}: why) ",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            km.hint(Action::Help)
        )
    };
    let fill = (area.width as usize).saturating_sub(rule.width());
    let mut lines = vec![Line::from(Span::styled(
        format!("{rule}{}", "─".repeat(fill)),
        Style::default().fg(p.muted),
    ))];
    for x in findings.iter().take(FINDINGS_SHOWN) {
        lines.push(finding_line(app, x));
    }
    if findings.len() > FINDINGS_SHOWN {
        lines.push(Line::from(Span::styled(
            format!(
                "… {} more ({} lists them all)",
                findings.len() - FINDINGS_SHOWN,
                km.hint(Action::Help)
            ),
            Style::default().fg(p.muted),
        )));
    }
    let cmd = command_lines(form, area.width);
    let cmd_n = cmd.len().max(1);
    if cmd.is_empty() {
        let n = form.errors().len();
        lines.push(Line::from(Span::styled(
            format!(
                "✗ {n} error{}: the docker run line shows when the form is valid",
                if n == 1 { "" } else { "s" }
            ),
            Style::default().fg(p.error),
        )));
    } else {
        for l in cmd {
            lines.push(Line::from(Span::styled(
                inert(&l),
                Style::default().fg(p.accent),
            )));
        }
    }
    // When the panel is short, the command line (or the error count) stays; warnings go.
    let h = area.height as usize;
    if lines.len() > h {
        let keep_cmd = cmd_n.min(h);
        let tail = lines.split_off(lines.len() - keep_cmd);
        lines.truncate(h - keep_cmd);
        lines.extend(tail);
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// "Discard this `what`?" over a changed form (the run form's and the build panel's).
pub(super) fn discard(f: &mut Frame, app: &App, what: &str) {
    let p = &app.settings.palette;
    let lines = vec![
        Line::from(Span::styled(
            format!("Discard this {what}?"),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        Line::raw(""),
        super::popup::answer_keys(p, "/enter: discard    ", "any other key", ": keep editing"),
    ];
    let area = f.area();
    let r = centered(area, 54, 5);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(p.error))
                .title(format!(" {what} ")),
        ),
        r,
    );
}

/// The form's keys, as the key map binds them.
pub const FORM_KEYS: &[(Action, &str)] = &[
    (Action::Down, "next field"),
    (Action::Up, "previous field"),
    (Action::Open, "edit / toggle / run"),
    (Action::Mark, "toggle"),
    (Action::Submit, "run"),
    (Action::Remove, "remove a list entry"),
    (Action::Copy, "copy the docker run line"),
    (Action::Help, "this help"),
    (Action::Back, "close (asks if changed)"),
];

/// The footer under the form: its keys, or the editor's while a field is edited.
pub fn footer(app: &App, form: &RunFormState) -> Vec<Span<'static>> {
    let km = &app.settings.keymap;
    let pairs: Vec<(String, &str)> = if form.editing.is_some() {
        vec![
            ("enter".into(), "keep"),
            ("esc".into(), "undo"),
            ("tab/↑/↓".into(), "keep and move"),
            (km.hint(Action::Submit), "run"),
        ]
    } else {
        [
            (Action::Help, "warnings & keys"),
            (Action::Back, "close"),
            (Action::Down, "next"),
            (Action::Open, "edit/toggle"),
            (Action::Submit, "run"),
            (Action::Remove, "remove entry"),
            (Action::Copy, "copy command"),
        ]
        .into_iter()
        .map(|(a, l)| (km.hint(a), l))
        .collect()
    };
    super::hint_spans(app, pairs)
}

fn explain(f: &mut Frame, app: &App, form: &RunFormState, offset: u16) {
    let p = &app.settings.palette;
    let km = &app.settings.keymap;
    let mut lines: Vec<Line> = Vec::new();
    if form.findings().is_empty() {
        lines.push(Line::from(Span::styled(
            "No warnings for this configuration.",
            Style::default().fg(p.running),
        )));
    }
    for x in form.findings() {
        lines.push(finding_line(app, x));
        lines.push(Line::raw(format!("     {}", inert(&x.why))));
        lines.push(Line::from(Span::styled(
            format!("     {}", inert(&x.reference)),
            Style::default().fg(p.muted),
        )));
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(Span::styled(
        "Keys",
        Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
    )));
    for (a, what) in FORM_KEYS {
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {:<12}", km.hint(*a)),
                Style::default().fg(p.accent),
            ),
            Span::raw((*what).to_owned()),
        ]));
    }
    lines.push(Line::from(Span::styled(
        " editing: enter keeps, esc undoes, tab/↑/↓ keep and move, ctrl-u clears",
        Style::default().fg(p.muted),
    )));
    let a = app.areas();
    let area = f.area();
    let body = super::popup::between(area, a.header, a.footer);
    let r = centered(body, body.width.saturating_sub(2).min(100), body.height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(p.paused));
    super::popup::scrolling_text(f, r, lines, "warnings and keys", offset, block);
}

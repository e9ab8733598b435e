//! The fleet view: one header chip per engine (name, state, containers; the engine's
//! colour; `RO` when read-only), a table of every engine's containers with an ENGINE
//! column, and a footer with the filter, the last outcome and the keys. A red (production)
//! engine's rows carry a red marker, and the frame turns red while the selected row is on
//! one. A pure function of the state.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use wharf_core::fleet::{EngineState, EngineStatus};
use wharf_core::model::ContainerState;

use crate::app::fleet::{FleetApp, FLEET_COLUMNS};
use crate::config::Palette;
use crate::format::inert;
use crate::keymap::Action;
use crate::layout::{fleet_areas, COLUMN_SPACING};

/// The engine's configured colour, if it names one the terminal has.
pub(crate) fn engine_colour(e: &EngineStatus, p: &Palette) -> Color {
    if e.red {
        return Color::Red;
    }
    e.colour
        .as_deref()
        .and_then(|c| c.parse::<Color>().ok())
        .unwrap_or(p.accent)
}

pub(crate) fn state_style(state: EngineState, p: &Palette) -> Style {
    match state {
        EngineState::Connected => Style::default().fg(p.running),
        EngineState::Connecting => Style::default().fg(p.muted),
        EngineState::NotResponding => Style::default().fg(p.paused),
        EngineState::Down => Style::default().fg(p.error),
    }
}

pub fn draw_fleet(f: &mut Frame, app: &FleetApp, p: &Palette) {
    let area = f.area();
    // The app's areas (its mouse hits what is drawn); the frame's size wins if they differ.
    let a = fleet_areas((area.width, area.height), app.snapshot.engines.len());
    header(f, app, p, a.header);
    table(f, app, p, a.table);
    footer(f, app, p, a.footer);
    if app.confirm.is_some() {
        confirm(f, app, p, area);
    }
    help(
        f,
        app,
        p,
        super::popup::between(area, a.header, a.footer),
        &FLEET_HELP,
        "fleet: every engine's containers; Enter opens the row's engine (Esc at its top, \
         or :fleet, comes back here); the filter matches the engine name too; \
         :img, :volumes, :net list the other kinds",
    );
}

/// The `?` help over `body` while it is open: the fleet's containers' keys or an object
/// kind's (`groups`), with one note and what the mouse does.
pub(crate) fn help(
    f: &mut Frame,
    app: &FleetApp,
    p: &Palette,
    body: Rect,
    groups: &[(&'static str, &[Action])],
    note: &'static str,
) {
    if let Some(offset) = app.help {
        let notes = vec![
            Line::styled(note, Style::default().fg(p.muted)),
            Line::styled(MOUSE_NOTE, Style::default().fg(p.muted)),
        ];
        super::popup::help_popup(
            f,
            body,
            app.keymap(),
            p,
            app.read_only,
            groups,
            notes,
            offset,
        );
    }
}

/// What the mouse does in every fleet table (`app::fleet_input`), under the help's keys.
const MOUSE_NOTE: &str = "mouse: a click on a column title sorts by that column (a second \
     click reverses the order), a click on a row selects it, the wheel moves the selection";

/// The general keys of every fleet view's `?` help.
pub(super) const FLEET_GENERAL: &[Action] = &[
    Action::Quit,
    Action::Help,
    Action::Filter,
    Action::Back,
    Action::Command,
];

/// The fleet's `?` help: the keys its loop acts on.
const FLEET_HELP: [(&str, &[Action]); 4] = [
    ("General", FLEET_GENERAL),
    (
        "Move",
        &[
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Open,
        ],
    ),
    (
        "Select & sort",
        &[
            Action::Mark,
            Action::ClearMarks,
            Action::SortNext,
            Action::SortPrev,
            Action::SortReverse,
        ],
    ),
    (
        "Act",
        &[
            Action::Start,
            Action::Stop,
            Action::Restart,
            Action::PauseToggle,
            Action::Kill,
            Action::Remove,
        ],
    ),
];

/// The footer's keys, from the key map like the engine's footer.
const FLEET_HINTS: [Action; 14] = [
    Action::Open,
    Action::Filter,
    Action::SortNext,
    Action::SortReverse,
    Action::Mark,
    Action::ClearMarks,
    Action::Start,
    Action::Stop,
    Action::Restart,
    Action::PauseToggle,
    Action::Remove,
    Action::Command,
    Action::Help,
    Action::Quit,
];

fn header(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let total = format!("{} containers", app.snapshot.containers.len());
    let lines = header_lines(app, p, &total, |e| {
        format!("{} containers, {} running", e.containers, e.running)
    });
    f.render_widget(Paragraph::new(lines), area);
}

/// The fleet's header: a title line with `total`, then one line per engine (its colour, `■`
/// for red, state, `counts`, RO, stale, SSH cost, endpoint, error). Shared by the containers'
/// view and the object kinds' (`fleet_objects`).
pub(crate) fn header_lines(
    app: &FleetApp,
    p: &Palette,
    total: &str,
    counts: impl Fn(&EngineStatus) -> String,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(
            "Fleet",
            Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            " · {} engine{} · {total}",
            app.snapshot.engines.len(),
            if app.snapshot.engines.len() == 1 {
                ""
            } else {
                "s"
            }
        )),
    ])];
    for e in &app.snapshot.engines {
        let colour = engine_colour(e, p);
        let mut spans = vec![
            Span::styled(if e.red { "■ " } else { "● " }, Style::default().fg(colour)),
            Span::styled(
                inert(&e.name),
                Style::default().fg(colour).add_modifier(Modifier::BOLD),
            ),
            Span::raw(" "),
            Span::styled(e.state.as_str(), state_style(e.state, p)),
            Span::raw(format!(" · {}", counts(e))),
        ];
        if e.read_only {
            spans.push(Span::styled(" RO", Style::default().fg(p.paused)));
        }
        if e.stale {
            spans.push(Span::styled(" (stale)", Style::default().fg(p.muted)));
        }
        if let Some((_, cost)) = app.ssh.iter().find(|(name, _)| *name == e.name) {
            spans.push(Span::styled(
                format!(" · ssh: {}", cost.describe()),
                Style::default().fg(p.muted),
            ));
        }
        spans.push(Span::styled(
            format!("  {}", inert(&e.endpoint)),
            Style::default().fg(p.muted),
        ));
        if let Some(err) = &e.error {
            spans.push(Span::styled(
                format!("  {}", inert(err)),
                Style::default().fg(p.error),
            ));
        }
        lines.push(Line::from(spans));
    }
    lines
}

fn table(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let red_selected = app
        .selected_row()
        .and_then(|r| app.snapshot.engine(&r.engine))
        .is_some_and(|e| e.red);
    let border = if red_selected {
        Style::default().fg(Color::Red)
    } else {
        Style::default().fg(p.muted)
    };
    let mut title = format!(" containers ({}) ", app.rows.len());
    if !app.marks.is_empty() {
        title.push_str(&format!("· {} marked ", app.marks.len()));
    }
    if red_selected {
        title.push_str("· PRODUCTION ");
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(title);
    let w = app.column_widths(block.inner(area).width);
    let mut head: Vec<String> = vec![" ".into()];
    for (i, c) in FLEET_COLUMNS.iter().enumerate() {
        let arrow = match (i == app.sort_col, app.sort_desc) {
            (true, false) => "↑",
            (true, true) => "↓",
            _ => "",
        };
        head.push(format!("{c}{arrow}"));
    }
    let rows: Vec<Row> = app
        .rows
        .iter()
        .filter_map(|&i| app.snapshot.containers.get(i))
        .map(|r| {
            let c = &r.container;
            let engine = app.snapshot.engine(&r.engine);
            let colour = engine.map_or(p.accent, |e| engine_colour(e, p));
            let red = engine.is_some_and(|e| e.red);
            let mark = if app.marks.contains(&r.key()) {
                "*"
            } else if red {
                "▌"
            } else {
                " "
            };
            let state = match c.state {
                ContainerState::Running => Style::default().fg(p.running),
                ContainerState::Paused => Style::default().fg(p.paused),
                ContainerState::Dead => Style::default().fg(p.error),
                _ => Style::default().fg(p.stopped),
            };
            Row::new(shown(
                vec![
                    ratatui::widgets::Cell::from(mark).style(Style::default().fg(if red {
                        Color::Red
                    } else {
                        p.mark
                    })),
                    ratatui::widgets::Cell::from(inert(&r.engine))
                        .style(Style::default().fg(colour)),
                    ratatui::widgets::Cell::from(inert(&c.name)),
                    ratatui::widgets::Cell::from(inert(&c.image)),
                    ratatui::widgets::Cell::from(c.state.as_str()).style(state),
                    ratatui::widgets::Cell::from(inert(&c.status)),
                ],
                &w,
            ))
        })
        .collect();
    let t = Table::new(rows, constraints(&w))
        .header(Row::new(shown(head, &w)).style(Style::default().add_modifier(Modifier::BOLD)))
        .block(block)
        .column_spacing(COLUMN_SPACING)
        .row_highlight_style(Style::default().bg(p.selection_bg));
    let mut state = TableState::default()
        .with_offset(app.offset)
        .with_selected(Some(app.selected));
    f.render_stateful_widget(t, area, &mut state);
}

/// The marks column, then the table shown's columns that got room, `widths` wide as the app
/// solved them (`FleetApp::column_widths`), so a click on a title finds the column drawn there.
/// A column solved to no width (a narrow terminal) is left out, cells and title too, as the
/// engine table does and `layout::column_at` expects. Shared by the containers' view and the
/// object kinds' (`fleet_objects`).
pub(crate) fn constraints(widths: &[u16]) -> Vec<Constraint> {
    std::iter::once(Constraint::Length(1))
        .chain(
            widths
                .iter()
                .filter(|w| **w > 0)
                .map(|w| Constraint::Length(*w)),
        )
        .collect()
}

/// A row's cells (the marks cell first) without those of the columns left out
/// ([`constraints`]).
pub(crate) fn shown<T>(cells: Vec<T>, widths: &[u16]) -> Vec<T> {
    cells
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || widths.get(i - 1).is_some_and(|w| *w > 0))
        .map(|(_, c)| c)
        .collect()
}

/// The footer's first line: the filter being typed, else the last outcome (toast), else the
/// filter in force. Shared by the containers' view and the object kinds' (`fleet_objects`).
pub(crate) fn filter_line(
    app: &FleetApp,
    editing: bool,
    filter: &str,
    p: &Palette,
) -> Line<'static> {
    if editing {
        Line::from(vec![
            Span::styled("/", Style::default().fg(p.accent)),
            Span::raw(inert(filter)),
            Span::styled("▏", Style::default().fg(p.accent)),
        ])
    } else if let Some((text, error)) = &app.toast {
        Line::styled(
            // Toasts quote engine errors and names: inert, as the engine views' toasts.
            inert(text),
            Style::default().fg(if *error { p.error } else { p.running }),
        )
    } else if !filter.is_empty() {
        Line::raw(format!("filter: {}", inert(filter)))
    } else {
        Line::raw("")
    }
}

fn footer(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let filter = filter_line(app, app.editing_filter, &app.filter, p);
    let keys = Line::from(super::key_hints(
        app.keymap(),
        p,
        app.read_only,
        FLEET_HINTS.to_vec(),
    ));
    f.render_widget(Paragraph::new(vec![filter, keys]), area);
}

pub(crate) fn confirm(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let Some(c) = &app.confirm else { return };
    let options = usize::from(c.removal.as_ref().is_some_and(|r| r.has_images));
    let height = (c.lines.len() + c.notes.len() + options + 4).min(area.height as usize) as u16;
    let width = area.width.saturating_sub(8).min(90);
    let rect = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(l.clone())).collect();
    for n in &c.notes {
        lines.push(Line::styled(n.clone(), Style::default().fg(p.error)));
    }
    // An image removal's choices, as the single-engine confirmation shows them.
    if let Some(r) = c.removal.as_ref().filter(|r| r.has_images) {
        let tick = |on: bool| if on { "x" } else { " " };
        lines.push(Line::raw(format!(
            "[{}] f: force   [{}] p: keep untagged parents",
            tick(r.opts.force),
            tick(r.opts.no_prune)
        )));
    }
    lines.push(Line::styled(
        "y/Enter: yes · n/Esc: no",
        Style::default().fg(p.muted),
    ));
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(p.error))
                .title(format!(" {} ", c.title)),
        ),
        rect,
    );
}

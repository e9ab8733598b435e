//! The fleet's images, volumes and networks: one header line per engine (its state and its
//! count of the kind shown, `RO`, stale, error), a table with the ENGINE column first, and a
//! footer with the filter or `:` line, the last outcome and the keys. A red engine's rows
//! carry a red marker, and the frame turns red while the selected row is on one. The
//! confirmation popup is the containers' one. A pure function of the state.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::fleet::{confirm, constraints, engine_colour, help, shown, FLEET_GENERAL};
use crate::app::fleet::FleetApp;
use crate::app::fleet_objects::FleetKind;
use crate::config::Palette;
use crate::format::inert;
use crate::keymap::Action;
use crate::layout::{fleet_areas, COLUMN_SPACING};

/// The fleet's frame: the containers' view (`view::fleet`) or an object kind's, and the `:`
/// line over either while it is typed.
pub fn draw(f: &mut Frame, app: &FleetApp, p: &Palette) {
    if app.kinds.kind == FleetKind::Containers {
        super::fleet::draw_fleet(f, app, p);
        let area = f.area();
        let foot = Rect {
            y: area.bottom().saturating_sub(2),
            height: 2.min(area.height),
            ..area
        };
        command_line(f, app, p, foot);
        return;
    }
    let area = f.area();
    // The containers' areas: the mouse's hit test is theirs (`app::fleet_input`).
    let a = fleet_areas((area.width, area.height), app.snapshot.engines.len());
    header(f, app, p, a.header);
    table(f, app, p, a.table);
    footer(f, app, p, a.footer);
    command_line(f, app, p, a.footer);
    if app.confirm.is_some() {
        confirm(f, app, p, area);
    }
    help(
        f,
        app,
        p,
        super::popup::between(area, a.header, a.footer),
        &OBJECT_HELP,
        "fleet objects: every engine's images, volumes or networks; D removes (images: f \
         force, p keep untagged parents in the confirmation); built-in networks are never \
         removed; :ps lists containers again",
    );
}

/// The `?` help of an object kind: the keys `app::fleet_objects` acts on.
const OBJECT_HELP: [(&str, &[Action]); 4] = [
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
    ("Act", &[Action::Remove]),
];

/// The footer's keys, from the key map like the containers' footer; `:` early, as it is
/// the way back to containers and a narrow footer cuts the last hints.
const OBJECT_HINTS: [Action; 9] = [
    Action::Command,
    Action::Filter,
    Action::SortNext,
    Action::SortReverse,
    Action::Mark,
    Action::ClearMarks,
    Action::Remove,
    Action::Help,
    Action::Quit,
];

/// One engine's count of `kind`.
fn count(app: &FleetApp, engine: &str, kind: FleetKind) -> usize {
    app.kinds.objects.counts(engine).map_or(0, |c| match kind {
        FleetKind::Containers => 0,
        FleetKind::Images => c.images,
        FleetKind::Volumes => c.volumes,
        FleetKind::Networks => c.networks,
    })
}

fn header(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let kind = app.kinds.kind;
    let total: usize = app
        .snapshot
        .engines
        .iter()
        .map(|e| count(app, &e.name, kind))
        .sum();
    let total = format!("{total} {}", kind.name());
    let lines = super::fleet::header_lines(app, p, &total, |e| {
        format!("{} {}", count(app, &e.name, kind), kind.name())
    });
    f.render_widget(Paragraph::new(lines), area);
}

fn table(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let k = &app.kinds;
    let red_selected = k
        .selected_row()
        .and_then(|r| app.snapshot.engine(&r.key.engine))
        .is_some_and(|e| e.red);
    let border = if red_selected {
        Style::default().fg(Color::Red)
    } else {
        Style::default().fg(p.muted)
    };
    let mut title = format!(" {} ({}) ", k.kind.name(), k.rows.len());
    if !k.marks.is_empty() {
        title.push_str(&format!("· {} marked ", k.marks.len()));
    }
    if red_selected {
        title.push_str("· PRODUCTION ");
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(title);
    let columns = k.kind.columns();
    let w = app.column_widths(block.inner(area).width);
    let mut head: Vec<String> = vec![" ".into()];
    for (i, c) in columns.iter().enumerate() {
        let arrow = match (i == k.sort_col, k.sort_desc) {
            (true, false) => "↑",
            (true, true) => "↓",
            _ => "",
        };
        head.push(format!("{c}{arrow}"));
    }
    let rows: Vec<Row> = k
        .rows
        .iter()
        .map(|r| {
            let engine = app.snapshot.engine(&r.key.engine);
            let colour = engine.map_or(p.accent, |e| engine_colour(e, p));
            let red = engine.is_some_and(|e| e.red);
            let mark = if k.marks.contains(&r.key) {
                "*"
            } else if red {
                "▌"
            } else {
                " "
            };
            let mut cells = vec![Cell::from(mark).style(Style::default().fg(if red {
                Color::Red
            } else {
                p.mark
            }))];
            for (i, text) in r.cells.iter().enumerate() {
                let style = match i {
                    0 => Style::default().fg(colour),
                    1 if r.muted => Style::default().fg(p.muted),
                    1 => Style::default().fg(p.accent),
                    _ => Style::default(),
                };
                cells.push(Cell::from(text.clone()).style(style));
            }
            Row::new(shown(cells, &w))
        })
        .collect();
    let t = Table::new(rows, constraints(&w))
        .header(Row::new(shown(head, &w)).style(Style::default().add_modifier(Modifier::BOLD)))
        .block(block)
        .column_spacing(COLUMN_SPACING)
        .row_highlight_style(Style::default().bg(p.selection_bg));
    let mut state = TableState::default()
        .with_offset(k.offset)
        .with_selected(Some(k.selected));
    f.render_stateful_widget(t, area, &mut state);
}

fn footer(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let k = &app.kinds;
    let filter = super::fleet::filter_line(app, k.editing_filter, &k.filter, p);
    let keys = Line::from(super::key_hints(
        app.keymap(),
        p,
        app.read_only,
        OBJECT_HINTS.to_vec(),
    ));
    f.render_widget(Paragraph::new(vec![filter, keys]), area);
}

/// The `:` line over the footer's first line while it is typed (any kind, containers too).
pub fn command_line(f: &mut Frame, app: &FleetApp, p: &Palette, area: Rect) {
    let Some(line) = &app.kinds.command else {
        return;
    };
    let rect = Rect { height: 1, ..area };
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(":", Style::default().fg(p.accent)),
            Span::raw(inert(line)),
            Span::styled("▏", Style::default().fg(p.accent)),
        ])),
        rect,
    );
}

//! Where things go on screen, from sizes alone: the screen's areas, the table's column widths,
//! the log pane's line heights. It depends on nothing else in the crate, so the app (mouse hit
//! testing, paging, scroll bounds) and the view (drawing) compute one and the same layout.

use ratatui::layout::{Constraint, Direction, Flex, Layout as RLayout, Rect};
use ratatui::widgets::{Block, Borders};
use unicode_width::UnicodeWidthStr;
use wharf_core::streams::{LogBuffer, LogLine};

/// Whether details share the screen with the table or take all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Split,
    Full,
}

/// Where everything goes on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub header: Rect,
    pub table: Rect,
    pub details: Rect,
    pub footer: Rect,
}

/// The areas for a terminal of `size` (columns, rows), with details open in `details`'
/// layout, or closed (`None`).
pub fn areas(size: (u16, u16), details: Option<Layout>) -> Areas {
    let full = Rect::new(0, 0, size.0, size.1);
    let [header, main, footer] = RLayout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(2),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(full);
    let (table, details) = match details {
        Some(Layout::Full) => (Rect::default(), main),
        Some(Layout::Split) => {
            let top = (main.height * 2 / 5).max(5).min(main.height);
            let [t, d] = RLayout::default()
                .direction(Direction::Vertical)
                .constraints([Constraint::Length(top), Constraint::Min(0)])
                .areas(main);
            (t, d)
        }
        None => (main, Rect::default()),
    };
    Areas {
        header,
        table,
        details,
        footer,
    }
}

impl Areas {
    /// Rows the table can show (its height less the header line).
    pub fn table_rows(&self) -> u16 {
        self.table.height.saturating_sub(1)
    }
}

/// The row of a table under terminal row `y`: `rows` is where its rows are drawn (below its
/// header line), `offset` the first row shown. The engine's table and the fleet's.
pub fn row_at(rows: Rect, offset: usize, x: u16, y: u16) -> Option<usize> {
    let inside = x >= rows.x && x < rows.right() && y >= rows.y && y < rows.bottom();
    inside.then(|| offset + usize::from(y - rows.y))
}

/// The first row to show so `selected` is in view of `height` rows, moving `offset` as little
/// as possible.
pub fn keep_in_view(offset: usize, selected: usize, height: usize) -> usize {
    let h = height.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + h {
        selected + 1 - h
    } else {
        offset
    }
}

/// [`keep_in_view`], and no first row later than needed to fill the view with `len` rows (when
/// rows shrink, the rows above the selection come back rather than leaving the top empty).
pub fn fill_view(offset: usize, selected: usize, height: usize, len: usize) -> usize {
    keep_in_view(offset, selected, height).min(len.saturating_sub(height.max(1)))
}

/// The fleet's screen: one header line for the fleet and one per engine, the table (framed,
/// its column titles on its first inner line), two footer lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FleetAreas {
    pub header: Rect,
    pub table: Rect,
    pub footer: Rect,
}

pub fn fleet_areas(size: (u16, u16), engines: usize) -> FleetAreas {
    let full = Rect::new(0, 0, size.0, size.1);
    let head = u16::try_from(engines).unwrap_or(u16::MAX).saturating_add(1);
    let [header, table, footer] = RLayout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(head),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(full);
    FleetAreas {
        header,
        table,
        footer,
    }
}

impl FleetAreas {
    /// The fleet table's column titles: the first line inside its frame.
    pub fn head(&self) -> Rect {
        let inner = Block::default().borders(Borders::ALL).inner(self.table);
        Rect {
            height: inner.height.min(1),
            ..inner
        }
    }

    /// Where the fleet table's rows are: inside its frame, below the column titles.
    pub fn rows(&self) -> Rect {
        let inner = Block::default().borders(Borders::ALL).inner(self.table);
        Rect {
            y: inner.y.saturating_add(1),
            height: inner.height.saturating_sub(1),
            ..inner
        }
    }
}

/// Space between table columns.
pub const COLUMN_SPACING: u16 = 1;

/// One column's width bounds: `min` already counts its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub min: u16,
    pub max: u16,
}

/// Column widths for a table `width` columns wide, from the widths of the visible rows' cells
/// (`cells`: one list of cell widths per row).
pub fn column_widths<R>(bounds: &[Bounds], cells: impl Iterator<Item = R>, width: u16) -> Vec<u16>
where
    R: IntoIterator<Item = u16>,
{
    let mut w: Vec<u16> = bounds.iter().map(|b| b.min).collect();
    for row in cells {
        for (i, cw) in row.into_iter().enumerate() {
            if let (Some(slot), Some(b)) = (w.get_mut(i), bounds.get(i)) {
                *slot = (*slot).max(cw.min(b.max));
            }
        }
    }
    // Marks column.
    let avail = width.saturating_sub(2);
    let total =
        |w: &[u16]| w.iter().sum::<u16>() + COLUMN_SPACING * w.len().saturating_sub(1) as u16;
    // Too wide: shrink the widest text columns toward their minimum, last columns first.
    let mut guard = 0;
    while total(&w) > avail && guard < 10_000 {
        guard += 1;
        let candidate = (0..w.len())
            .rev()
            .filter(|i| w[*i] > bounds[*i].min)
            .max_by_key(|i| w[*i]);
        match candidate {
            Some(i) => w[i] -= 1,
            None => {
                // Still too wide: drop trailing columns.
                if let Some(last) = w.iter().rposition(|x| *x > 0) {
                    w[last] = 0;
                } else {
                    break;
                }
            }
        }
    }
    w
}

/// Which column a terminal x falls in, for a table at `table_x` with column `widths`.
pub fn column_at(widths: &[u16], table_x: u16, x: u16) -> Option<usize> {
    let mut pos = table_x + 2;
    for (i, cw) in widths.iter().enumerate() {
        if *cw == 0 {
            continue;
        }
        if x >= pos && x < pos + cw + COLUMN_SPACING {
            return Some(i);
        }
        pos += cw + COLUMN_SPACING;
    }
    None
}

/// The column whose title is at (`x`, `y`), for a table whose column titles are the line
/// `head` (the marks column first, then columns `widths` wide): what a click there sorts by,
/// in the engine's tables and the fleet's.
pub fn header_column(head: Rect, widths: &[u16], x: u16, y: u16) -> Option<usize> {
    let inside = y == head.y && head.height > 0 && x >= head.x && x < head.right();
    inside.then(|| column_at(widths, head.x, x)).flatten()
}

/// The widths ratatui gives `constraints` after the marks column (one cell) in a table
/// `width` cells wide (`Flex::Start`, [`COLUMN_SPACING`], as `Table` lays them out). A table
/// drawn with these as `Length`s puts its columns where [`header_column`] finds them.
pub fn solve_widths(constraints: &[Constraint], width: u16) -> Vec<u16> {
    let all: Vec<Constraint> = std::iter::once(Constraint::Length(1))
        .chain(constraints.iter().copied())
        .collect();
    RLayout::horizontal(all)
        .flex(Flex::Start)
        .spacing(COLUMN_SPACING)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .skip(1)
        .map(|r| r.width)
        .collect()
}

/// The inside of the details pane (below its title line).
pub fn details_inner(area: Rect) -> Rect {
    Block::default().borders(Borders::TOP).inner(area)
}

/// The log lines' area inside the details pane's inner area (the last line is the status).
pub fn log_body(inner: Rect) -> Rect {
    Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(1),
    )
}

/// Columns before a log line's text: the stream marker, and the timestamp when shown.
pub fn log_prefix_width(l: &LogLine, ts: bool) -> usize {
    1 + if ts && l.timestamp.is_some() { 24 } else { 0 }
}

/// Screen rows of a log line: 1, or when wrapping, its text in rows of what the prefix leaves.
pub fn log_line_height(l: &LogLine, width: u16, wrap: bool, ts: bool) -> usize {
    if !wrap || width == 0 {
        return 1;
    }
    let avail = (width as usize)
        .saturating_sub(log_prefix_width(l, ts))
        .max(1);
    l.text.text.width().div_ceil(avail).max(1)
}

/// The first displayed line that still fills a `width`×`h` pane to the bottom: where following
/// starts, and the furthest a scroll (or a jump to a late match) may go, so the pane never
/// half-empties. `shown` are the displayed lines' indices in `buffer`.
pub fn log_bottom_start(
    buffer: &LogBuffer,
    shown: &[usize],
    wrap: bool,
    ts: bool,
    width: u16,
    h: usize,
) -> usize {
    let mut used = 0;
    let mut i = shown.len();
    while i > 0 {
        let l = buffer.get(shown[i - 1]);
        let lh = l.map_or(1, |l| log_line_height(l, width, wrap, ts));
        if used + lh > h {
            break;
        }
        used += lh;
        i -= 1;
    }
    i
}

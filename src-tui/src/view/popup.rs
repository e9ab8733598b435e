//! Popups drawn over everything: confirmations and help.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::App;
use crate::config::Palette;
use crate::keymap::{Action, KeyMap};
use crate::prompt::Confirm;

pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
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
            crate::format::inert(&c.title),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        Line::raw(""),
    ];
    for o in c.objects.iter().take(max_objects) {
        lines.push(Line::from(vec![
            Span::raw("  • "),
            Span::styled(crate::format::inert(o), Style::default().fg(p.accent)),
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
            crate::format::inert(n),
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
    if c.has_no_prune() {
        opts.push(format!(
            "[{}] p: keep untagged parents",
            if c.no_prune() { "x" } else { " " }
        ));
    }
    if !opts.is_empty() {
        lines.push(Line::raw(opts.join("   ")));
    }
    lines.push(answer_keys(p, "/enter: do it    ", "n", "/esc: cancel"));
    // At least 40 cells (or what the screen has), at most the screen less a margin; never
    // `clamp` here: on a narrow screen the lower bound is above the upper one.
    let max_w = area.width.saturating_sub(4).max(20).min(area.width);
    let want = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(40)
        .saturating_add(4);
    let width = u16::try_from(want)
        .unwrap_or(u16::MAX)
        .min(max_w)
        .max(40.min(max_w));
    // Height after wrapping, so a long name cannot push the answer keys out of the box.
    let inner = width.saturating_sub(2).max(1) as usize;
    // Word wrapping can take one line more than the width alone says.
    let height: usize = lines
        .iter()
        .map(|l| {
            let w = l.width();
            w.div_ceil(inner).max(1) + usize::from(w > inner)
        })
        .sum();
    let r = centered(
        area,
        width,
        u16::try_from(height).unwrap_or(u16::MAX).saturating_add(2),
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

/// The rows of `area` between `header` and `footer`: where a popup goes so the header (the
/// endpoint and its state) and the footer stay in view.
pub(super) fn between(area: Rect, header: Rect, footer: Rect) -> Rect {
    Rect::new(
        area.x,
        header.bottom(),
        area.width,
        footer.y.saturating_sub(header.bottom()),
    )
}

/// One help entry: a group title or a key and what it does.
enum Entry {
    Title(&'static str),
    Key(String, String),
}

pub fn help(f: &mut Frame, app: &App, offset: u16) {
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
                UpdateImages,
            ],
        ),
        (
            "Details",
            &[
                Logs,
                MergedLogs,
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
                RevealSecrets,
                StatsExport,
            ],
        ),
    ];
    // Between the header and the footer: the endpoint and its state stay in view.
    let a = app.areas();
    let area = f.area();
    let body = between(area, a.header, a.footer);
    let mut lines = Vec::new();
    for n in [
        ":containers :images :networks :volumes :projects :events :engine :prune WHAT :create network|volume NAME :run [IMAGE] :tail N :save FILE :sort COL :q",
        "filters: text or regex, !text inverts, key=value matches a label",
    ] {
        lines.push(Line::from(Span::styled(n, Style::default().fg(p.muted))));
    }
    if !app.settings.read_only {
        // The run form's keys: it takes the screen, so they are listed here, not per group.
        let form = format!(
            "run form (:run IMAGE, or {} on an image): {}/{} move, {} edits or toggles, {} runs, {} removes a list entry, {} copies the docker run line, {} explains its warnings, {} closes",
            km.hint(Run),
            km.hint(Down),
            km.hint(NextTab),
            km.hint(Open),
            km.hint(Submit),
            km.hint(Remove),
            km.hint(Copy),
            km.hint(Help),
            km.hint(Back)
        );
        lines.push(Line::from(Span::styled(form, Style::default().fg(p.muted))));
    }
    help_popup(
        f,
        body,
        km,
        p,
        app.settings.read_only,
        &groups,
        lines,
        offset,
    );
}

/// The `?` help of a screen (the engine's views, the fleet): `groups` of actions, each with
/// the keys bound to it in `km` (mutating ones marked off when `read_only`), flowing in as
/// many columns as `body` allows, then `notes`; scrolled by `offset`.
#[allow(clippy::too_many_arguments)]
pub fn help_popup(
    f: &mut Frame,
    body: Rect,
    km: &KeyMap,
    p: &Palette,
    read_only: bool,
    groups: &[(&'static str, &[Action])],
    notes: Vec<Line<'static>>,
    offset: u16,
) {
    let mut entries = Vec::new();
    for &(title, actions) in groups {
        entries.push(Entry::Title(title));
        for a in actions {
            let keys = km
                .keys(*a)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            let mut label = a.label().to_owned();
            if read_only && a.is_mutating() {
                label.push_str(" (off)");
            }
            entries.push(Entry::Key(keys, label));
        }
    }
    let r = centered(body, body.width.saturating_sub(2).min(132), body.height);
    let inner_w = (r.width.saturating_sub(2) as usize).max(1);
    // As many columns of at least 25 cells as fit; entries flow down, then across.
    let cols = (inner_w / 25).clamp(1, 4);
    let col_w = inner_w / cols;
    let rows_per_col = entries.len().div_ceil(cols);
    // Keys get what the longest label leaves; a binding list too long shows its first key.
    let label_w = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Key(_, l) => Some(l.chars().count()),
            Entry::Title(_) => None,
        })
        .max()
        .unwrap_or(10);
    let key_w = col_w.saturating_sub(label_w + 2).clamp(3, 11);
    let mut lines: Vec<Line> = Vec::new();
    for row in 0..rows_per_col {
        let mut spans = Vec::new();
        for c in 0..cols {
            let Some(e) = entries.get(c * rows_per_col + row) else {
                continue;
            };
            let (text, style) = match e {
                Entry::Title(t) => (
                    format!("{t:<col_w$}"),
                    Style::default().fg(p.accent).add_modifier(Modifier::BOLD),
                ),
                Entry::Key(k, l) => {
                    let k = if k.chars().count() > key_w {
                        k.split(' ').next().unwrap_or(k)
                    } else {
                        k
                    };
                    let cell: String = format!(" {k:<key_w$} {l}").chars().take(col_w).collect();
                    (format!("{cell:<col_w$}"), Style::default())
                }
            };
            spans.push(Span::styled(text, style));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.extend(notes);
    scrolling_text(
        f,
        r,
        lines,
        "help",
        offset,
        Block::default().borders(Borders::ALL),
    );
}

/// Wrapped `lines` in `r` (cleared first) inside `block`, scrolled by `offset` rows (clamped so
/// the last row stays at the bottom); the title names `what` and says how to scroll when the
/// text does not fit.
pub(super) fn scrolling_text(
    f: &mut Frame,
    r: Rect,
    lines: Vec<Line<'_>>,
    what: &str,
    offset: u16,
    block: Block<'_>,
) {
    let inner_w = (r.width.saturating_sub(2) as usize).max(1);
    let inner_h = r.height.saturating_sub(2) as usize;
    let total: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum();
    let max_offset = total.saturating_sub(inner_h);
    let offset = (offset as usize).min(max_offset);
    let title = if max_offset > 0 {
        format!(" {what} — j/k scroll ({offset}/{max_offset}), any other key closes ")
    } else {
        format!(" {what} — any key closes ")
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0))
            .block(block.title(title)),
        r,
    );
}

/// A confirmation's answer line: `y` (in the error colour, it is the side that acts) then
/// `yes_tail`, and `no_key` (in the running colour) then `no_tail`.
pub(super) fn answer_keys(
    p: &crate::config::Palette,
    yes_tail: &'static str,
    no_key: &'static str,
    no_tail: &'static str,
) -> Line<'static> {
    let bold = |c| Style::default().fg(c).add_modifier(Modifier::BOLD);
    Line::from(vec![
        Span::styled("y", bold(p.error)),
        Span::raw(yes_tail),
        Span::styled(no_key, bold(p.running)),
        Span::raw(no_tail),
    ])
}

/// A framed popup at `r` (cleared first) holding `lines`: the accent border, `title` at the top
/// and, when given, the keys `hint` at the bottom right in the muted colour.
pub(super) fn framed(
    f: &mut Frame,
    app: &App,
    r: Rect,
    lines: Vec<Line<'_>>,
    title: String,
    hint: Option<&str>,
) {
    let p = &app.settings.palette;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(p.accent))
        .title(title);
    if let Some(hint) = hint {
        block =
            block.title_bottom(Line::styled(hint, Style::default().fg(p.muted)).right_aligned());
    }
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(block), r);
}

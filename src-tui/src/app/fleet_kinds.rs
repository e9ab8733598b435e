//! The state of the fleet's images, volumes and networks table (`app::fleet_objects` has its
//! keys): the kind shown, the merged objects, rows filtered and sorted, selection, marks and
//! the `:` line. Kept apart from the keys so `app::fleet` can hold it without an import circle.

use std::collections::BTreeSet;

use ratatui::layout::Constraint;
use wharf_core::fleet::{FleetObjectKey, FleetObjects};

use crate::format::{bytes, inert};
use crate::kinds::View;

/// Which kind the fleet lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FleetKind {
    #[default]
    Containers,
    Images,
    Volumes,
    Networks,
}

impl FleetKind {
    pub fn name(self) -> &'static str {
        match self {
            FleetKind::Containers => "containers",
            FleetKind::Images => "images",
            FleetKind::Volumes => "volumes",
            FleetKind::Networks => "networks",
        }
    }

    /// A `:` word, by the single-engine views' names and aliases (`vol`, `img`, `ps`…).
    pub fn by_word(word: &str) -> Option<FleetKind> {
        match View::by_alias(word)? {
            View::Containers => Some(FleetKind::Containers),
            View::Images => Some(FleetKind::Images),
            View::Volumes => Some(FleetKind::Volumes),
            View::Networks => Some(FleetKind::Networks),
            _ => None,
        }
    }

    /// The table's columns after the mark column; the sort cycles through them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            FleetKind::Containers => &[],
            FleetKind::Images => &["ENGINE", "REPOSITORY:TAG", "ID", "SIZE", "USED BY"],
            FleetKind::Volumes => &["ENGINE", "NAME", "DRIVER", "USED BY"],
            FleetKind::Networks => &["ENGINE", "NAME", "ID", "DRIVER", "CONTAINERS"],
        }
    }
}

/// A sort value: text, or a number (sizes, counts).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Num(i64),
    Text(String),
}

/// One row as drawn: its key, its cells (inert), and its sort values.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRow {
    pub key: FleetObjectKey,
    pub cells: Vec<String>,
    /// Shown muted: a dangling image, a built-in network.
    pub muted: bool,
    sort: Vec<SortKey>,
}

/// The state of the other kinds' table.
#[derive(Debug, Default)]
pub struct FleetKinds {
    pub kind: FleetKind,
    pub objects: FleetObjects,
    /// The current kind's rows, filtered and sorted.
    pub rows: Vec<ObjectRow>,
    pub selected: usize,
    /// The first row on screen (kept so the mouse hits what is drawn, as the containers').
    pub offset: usize,
    pub filter: String,
    pub editing_filter: bool,
    pub sort_col: usize,
    pub sort_desc: bool,
    pub marks: BTreeSet<FleetObjectKey>,
    /// The `:` line being typed.
    pub command: Option<String>,
    /// The fleet's change counter when `objects` was merged (`None`: merge again).
    pub(super) merged: Option<u64>,
}

impl FleetKinds {
    pub fn selected_row(&self) -> Option<&ObjectRow> {
        self.rows.get(self.selected)
    }

    /// The rows of `kind` in `objects` that match `filter` (unsorted).
    fn all_rows(&self) -> Vec<ObjectRow> {
        let o = &self.objects;
        let q = self.filter.as_str();
        let text = |s: &str| SortKey::Text(s.to_lowercase());
        match self.kind {
            FleetKind::Containers => Vec::new(),
            FleetKind::Images => o
                .images
                .iter()
                .filter(|r| r.matches(q))
                .map(|r| {
                    let i = &r.image;
                    let tags = if i.tags.is_empty() {
                        "<none>".to_owned()
                    } else {
                        i.tags.join(", ")
                    };
                    ObjectRow {
                        key: r.key(),
                        sort: vec![
                            text(&r.engine),
                            text(&tags),
                            text(i.id.short()),
                            SortKey::Num(i.size),
                            SortKey::Num(r.users as i64),
                        ],
                        cells: vec![
                            inert(&r.engine),
                            inert(&tags),
                            i.id.short().to_owned(),
                            bytes(i.size.max(0) as u64),
                            r.users.to_string(),
                        ],
                        muted: i.is_dangling(),
                    }
                })
                .collect(),
            FleetKind::Volumes => o
                .volumes
                .iter()
                .filter(|r| r.matches(q))
                .map(|r| {
                    let v = &r.volume;
                    ObjectRow {
                        key: r.key(),
                        sort: vec![
                            text(&r.engine),
                            text(v.name.as_str()),
                            text(&v.driver),
                            SortKey::Num(r.users as i64),
                        ],
                        cells: vec![
                            inert(&r.engine),
                            inert(v.name.as_str()),
                            inert(&v.driver),
                            r.users.to_string(),
                        ],
                        muted: false,
                    }
                })
                .collect(),
            FleetKind::Networks => o
                .networks
                .iter()
                .filter(|r| r.matches(q))
                .map(|r| {
                    let n = &r.network;
                    ObjectRow {
                        key: r.key(),
                        sort: vec![
                            text(&r.engine),
                            text(&n.name),
                            text(n.id.short()),
                            text(&n.driver),
                            SortKey::Num(r.users as i64),
                        ],
                        cells: vec![
                            inert(&r.engine),
                            inert(&n.name),
                            n.id.short().to_owned(),
                            inert(&n.driver),
                            r.users.to_string(),
                        ],
                        muted: r.builtin,
                    }
                })
                .collect(),
        }
    }

    /// The columns' widths before they are solved for a width (`FleetApp::column_widths`):
    /// each as wide as its widest cell or its title and sort arrow, at most 24; the name
    /// column (the second) takes the rest.
    pub(super) fn constraints(&self) -> Vec<Constraint> {
        let columns = self.kind.columns();
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 1 {
                    return Constraint::Fill(1);
                }
                let widest = self
                    .rows
                    .iter()
                    .filter_map(|r| r.cells.get(i))
                    .map(|t| t.chars().count())
                    .chain([c.chars().count() + 1])
                    .max()
                    .unwrap_or(0);
                Constraint::Length(widest.min(24) as u16)
            })
            .collect()
    }

    pub(super) fn refresh(&mut self) {
        let keep = self.selected_row().map(|r| r.key.clone());
        let mut rows = self.all_rows();
        let col = self.sort_col;
        // Stable, then by engine and name, so equal keys keep one order.
        rows.sort_by(|a, b| {
            a.sort
                .get(col)
                .cmp(&b.sort.get(col))
                .then_with(|| a.sort.first().cmp(&b.sort.first()))
                .then_with(|| a.sort.get(1).cmp(&b.sort.get(1)))
        });
        if self.sort_desc {
            rows.reverse();
        }
        self.rows = rows;
        if let Some(k) = keep {
            if let Some(i) = self.rows.iter().position(|r| r.key == k) {
                self.selected = i;
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    pub(super) fn switch(&mut self, kind: FleetKind) {
        if kind != self.kind {
            self.kind = kind;
            self.rows.clear();
            self.selected = 0;
            self.offset = 0;
            self.sort_col = 0;
            self.sort_desc = false;
            self.filter.clear();
            self.marks.clear();
            self.merged = None;
            self.refresh();
        }
    }
}

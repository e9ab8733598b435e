//! The one table every resource kind fills: cells with their sort keys and tones, typed rows,
//! column bounds, and the sort. Kinds build rows; the table view, filters and marks work the
//! same for all of them.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use wharf_core::model::{
    ContainerId, ContainerState, ImageId, NetworkId, NodeId, SecretId, ServiceId, TaskId,
    VolumeName,
};

use crate::format::inert;

/// How a cell is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Running,
    Paused,
    Stopped,
    Error,
    Muted,
    Accent,
}

/// What a column sorts by.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Text(String),
    Num(f64),
    /// Sorts after everything (no value yet).
    Missing,
}

impl SortKey {
    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            // Text keys are stored lowercase, so sorting allocates nothing.
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Missing, _) => Ordering::Greater,
            (_, SortKey::Missing) => Ordering::Less,
            (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub sort: SortKey,
    pub tone: Tone,
}

impl Cell {
    /// Text from the engine is made inert: labels and commands may hold escape sequences.
    pub fn text(s: impl Into<String>) -> Cell {
        let text = inert(&s.into());
        Cell {
            sort: SortKey::Text(text.to_lowercase()),
            text,
            tone: Tone::Normal,
        }
    }

    pub fn num(text: impl Into<String>, n: f64) -> Cell {
        Cell {
            text: text.into(),
            sort: SortKey::Num(n),
            tone: Tone::Normal,
        }
    }

    pub fn missing(text: &str) -> Cell {
        Cell {
            text: text.into(),
            sort: SortKey::Missing,
            tone: Tone::Muted,
        }
    }

    pub fn tone(mut self, t: Tone) -> Cell {
        self.tone = t;
        self
    }
}

/// What a row is: the object's typed identity, never a string parsed back to an id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowKey {
    Container(ContainerId),
    Image(ImageId),
    Network(NetworkId),
    Volume(VolumeName),
    Project(String),
    /// An event: its time (nanoseconds) and its place in the list.
    Event(i64, usize),
    Node(NodeId),
    Service(ServiceId),
    Task(TaskId),
    Stack(String),
    Secret(SecretId),
    Config(wharf_core::model::ConfigId),
    /// A fired alert: its id in the history.
    Alert(i64),
}

impl RowKey {
    /// The container this row is, if it is one.
    pub fn container(&self) -> Option<&ContainerId> {
        match self {
            RowKey::Container(id) => Some(id),
            _ => None,
        }
    }

    /// The full id, for the kinds that have one worth copying (containers, images).
    pub fn copy_text(&self) -> Option<String> {
        match self {
            RowKey::Container(id) => Some(id.to_string()),
            RowKey::Image(id) => Some(id.to_string()),
            RowKey::Node(id) => Some(id.to_string()),
            RowKey::Service(id) => Some(id.to_string()),
            RowKey::Task(id) => Some(id.to_string()),
            RowKey::Secret(id) => Some(id.to_string()),
            RowKey::Config(id) => Some(id.to_string()),
            _ => None,
        }
    }
}

/// A row: the object's key, its cells, and what filters look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: RowKey,
    /// What the user calls it (for confirmations and messages).
    pub name: String,
    pub cells: Vec<Cell>,
    /// Lowercase-insensitive text searched by `/` filters.
    pub search: String,
    pub labels: BTreeMap<String, String>,
    /// Containers: whether the container is running (drives the stopped toggle and actions).
    pub state: Option<ContainerState>,
}

/// A column: title, width bounds, right-aligned numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    pub min: u16,
    pub max: u16,
    pub numeric: bool,
}

pub const fn col(title: &'static str, min: u16, max: u16, numeric: bool) -> Column {
    Column {
        title,
        min,
        max,
        numeric,
    }
}

/// Sort rows by column `col`, ties broken by name so the order is stable.
pub fn sort(rows: &mut [Row], col: usize, descending: bool) {
    rows.sort_by(|a, b| {
        let o = match (
            a.cells.get(col).map(|c| &c.sort),
            b.cells.get(col).map(|c| &c.sort),
        ) {
            // Rows without a value go last whichever way the column sorts.
            (Some(SortKey::Missing), Some(SortKey::Missing)) => Ordering::Equal,
            (Some(SortKey::Missing), Some(_)) => Ordering::Greater,
            (Some(_), Some(SortKey::Missing)) => Ordering::Less,
            (Some(x), Some(y)) if descending => x.cmp(y).reverse(),
            (Some(x), Some(y)) => x.cmp(y),
            _ => Ordering::Equal,
        };
        o.then_with(|| a.name.cmp(&b.name))
    });
}

//! What a marker on a graph stands for: an engine event kept by the history (die, oom, a
//! health change, a restart, a start), a recreate the history noticed, or a fired alert. The
//! history stores and returns them (`crate::history::markers`); `crate::chart` colours them by
//! [`MarkerKind`] in exports and in the style the page draws with.

use serde::Serialize;

/// The kind of a marker, which gives its colour and its one-letter tag in the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    /// A container stopped (`exit N` in the detail).
    Die,
    /// The kernel's OOM killer.
    Oom,
    /// A `health_status: …` change.
    Health,
    /// A `restart` event.
    Restart,
    /// A `start` event.
    Start,
    /// A new container continued the series (the history saw a new id).
    Recreate,
    /// A fired alert (the rule and cause in the detail).
    Alert,
}

impl MarkerKind {
    pub const ALL: [MarkerKind; 7] = [
        MarkerKind::Die,
        MarkerKind::Oom,
        MarkerKind::Health,
        MarkerKind::Restart,
        MarkerKind::Start,
        MarkerKind::Recreate,
        MarkerKind::Alert,
    ];

    /// The kind of a stored marker's action (`health_status: unhealthy` is [`Self::Health`]).
    pub fn of_action(action: &str) -> MarkerKind {
        match action {
            "die" => MarkerKind::Die,
            "oom" => MarkerKind::Oom,
            "restart" => MarkerKind::Restart,
            "start" => MarkerKind::Start,
            "recreate" => MarkerKind::Recreate,
            "alert" => MarkerKind::Alert,
            a if a.starts_with("health_status") => MarkerKind::Health,
            // Only the actions above are stored; anything else reads as the mildest kind.
            _ => MarkerKind::Start,
        }
    }

    /// A one-letter tag for places with no room for a word (the terminal's marker row).
    pub fn tag(self) -> char {
        match self {
            MarkerKind::Die => 'D',
            MarkerKind::Oom => 'O',
            MarkerKind::Health => 'H',
            MarkerKind::Restart => 'R',
            MarkerKind::Start => 'S',
            MarkerKind::Recreate => 'C',
            MarkerKind::Alert => 'A',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MarkerKind::Die => "die",
            MarkerKind::Oom => "oom",
            MarkerKind::Health => "health",
            MarkerKind::Restart => "restart",
            MarkerKind::Start => "start",
            MarkerKind::Recreate => "recreate",
            MarkerKind::Alert => "alert",
        }
    }
}

/// One marker on a graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryMarker {
    /// Unix milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at_ms: i64,
    pub kind: MarkerKind,
    /// `die`, `oom`, `restart`, `start`, `health_status: unhealthy`, …, `recreate`, or `alert`.
    pub action: String,
    /// The container's name then (inert: made printable before it is stored).
    pub name: String,
    /// The container id then (short).
    pub container: String,
    /// `exit 137` for a die, `RULE: CAUSE` for an alert, empty otherwise (inert).
    pub detail: String,
}

impl HistoryMarker {
    /// A short label: `die exit 137 web-1`, `alert api: exited with code 1`.
    pub fn text(&self) -> String {
        let mut out = self.action.clone();
        for part in [&self.detail, &self.name] {
            if !part.is_empty() {
                out.push(' ');
                out.push_str(part);
            }
        }
        out
    }
}

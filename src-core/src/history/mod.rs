//! History that lasts: stats series and engine events kept in an SQLite database under
//! `$XDG_STATE_HOME/wharf/`, read by both UIs and written by one recorder (`wharf watch`, or a
//! UI when no recorder runs).
//!
//! - **Keys, not ids.** A series is keyed by engine and by the container's compose project and
//!   service (else its name), so a recreated container continues its line; the first sample of
//!   a new container id on a known key records a `recreate` marker.
//! - **Tiers.** Samples are kept at 1 s for an hour, 1 min for 7 days and 15 min for 90 days
//!   ([`TIERS`]); [`HistoryDb::maintain`] rolls closed buckets up, prunes by age and then by
//!   size ([`HistoryOptions::cap_bytes`]), oldest first, and gives the pages back.
//! - **Markers.** Container events that matter on a graph (die, oom, restart, start, health
//!   changes) are kept beside the samples and returned with a range query.
//! - **One writer.** [`WriterLock`] (an advisory lock on `<db>.lock`) makes sure one process
//!   records; readers open the same file in WAL mode and never block the writer.
//!
//! All times come from the [`Clock`] the database is opened with, so tests simulate days.
//!
//! Layer: the top of the core. The [`recorder`] follows a [`crate::session::Session`] (its
//! store's events, its stats hub's samples); nothing in the core needs history, and the UIs
//! call it directly.

mod alerts;
pub mod archive;
pub mod archive_follow;
mod archive_search;
mod db;
mod lock;
mod markers;
pub mod recorder;
mod stamp;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;

pub use crate::model::{HistoryMarker, MarkerKind};
pub use alerts::{read_alerts, KEEP_ALERTS};
pub use archive::{ArchiveChoice, ArchiveLimits, ArchiveSelector};
pub use archive_search::{
    ArchiveEntry, ArchiveQuery, ArchiveResult, MAX_RESULTS as ARCHIVE_MAX_RESULTS,
};
pub use db::HistoryDb;
pub use lock::WriterLock;
pub use markers::{read_markers, read_series_markers, MarkerScope, MAX_MARKERS};
pub use stamp::{db_stamp, DbStamp};

use crate::clock::Clock;
use crate::model::{ComposeRef, Container, EngineEvent, EventKind, Sample};

/// One resolution of the history: its bucket width and how long it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    pub step_ms: i64,
    pub keep_ms: i64,
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// 1 s for an hour, 1 min for 7 days, 15 min for 90 days.
pub const TIERS: [Tier; 3] = [
    Tier {
        step_ms: 1000,
        keep_ms: HOUR,
    },
    Tier {
        step_ms: MINUTE,
        keep_ms: 7 * DAY,
    },
    Tier {
        step_ms: 15 * MINUTE,
        keep_ms: 90 * DAY,
    },
];

/// The database's default size cap: 512 MiB (about 300 containers with all their tiers full).
pub const DEFAULT_CAP_BYTES: u64 = 512 << 20;

/// Where the history lives: `$XDG_STATE_HOME/wharf/history.sqlite3`, else
/// `~/.local/state/wharf/history.sqlite3`.
pub fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/state")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("wharf").join("history.sqlite3")
}

/// The database the UIs read: `WHARF_HISTORY` when set (as `wharf watch --history` takes it),
/// else [`default_path`].
pub fn resolve_path() -> PathBuf {
    std::env::var_os("WHARF_HISTORY")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(default_path)
}

/// What a UI's graph of `key` over `range` draws from the database at `path`: nothing (not an
/// error) when no recorder has made the file yet. Blocking (SQLite): call it off the UI's
/// thread.
pub fn read_range(path: &Path, key: &SeriesKey, range: HistoryRange) -> Result<HistorySeries> {
    if !path.exists() {
        let to = crate::clock::now_ms();
        return Ok(HistorySeries {
            from_ms: to - range.span_ms(),
            to_ms: to,
            step_ms: TIERS[range.tier()].step_ms,
            ..Default::default()
        });
    }
    HistoryDb::open(&HistoryOptions::new(path))?.range(key, range)
}

/// How a database is opened.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    pub path: PathBuf,
    /// [`HistoryDb::maintain`] deletes the oldest samples until the database is under this.
    pub cap_bytes: u64,
    pub clock: Clock,
}

impl HistoryOptions {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        HistoryOptions {
            path: path.into(),
            cap_bytes: DEFAULT_CAP_BYTES,
            clock: Clock::System,
        }
    }
}

/// What a series is keyed by: the engine and the container's compose service, else its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeriesKey {
    /// The engine's endpoint, as the session names it.
    pub engine: String,
    /// `compose:PROJECT/SERVICE` or `name:NAME`.
    pub key: String,
}

impl SeriesKey {
    pub fn of(engine: &str, c: &Container) -> SeriesKey {
        SeriesKey::from_parts(engine, c.compose.as_ref(), &c.name)
    }

    /// The key of a container event (its attributes carry the name and labels).
    pub fn of_event(engine: &str, e: &EngineEvent) -> Option<SeriesKey> {
        if e.kind != EventKind::Container {
            return None;
        }
        let compose = ComposeRef::from_labels(&e.attributes);
        let name = e.name()?;
        Some(SeriesKey::from_parts(engine, compose.as_ref(), name))
    }

    fn from_parts(engine: &str, compose: Option<&ComposeRef>, name: &str) -> SeriesKey {
        let key = match compose {
            Some(ComposeRef {
                project,
                service: Some(service),
            }) => format!("compose:{project}/{service}"),
            _ => format!("name:{}", name.trim_start_matches('/')),
        };
        SeriesKey {
            engine: engine.to_owned(),
            key,
        }
    }
}

/// The graph ranges both UIs offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum HistoryRange {
    #[default]
    M15,
    H1,
    H24,
    D7,
}

impl HistoryRange {
    pub const ALL: [HistoryRange; 4] = [Self::M15, Self::H1, Self::H24, Self::D7];

    pub fn span_ms(self) -> i64 {
        match self {
            Self::M15 => 15 * MINUTE,
            Self::H1 => HOUR,
            Self::H24 => DAY,
            Self::D7 => 7 * DAY,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::M15 => "15m",
            Self::H1 => "1h",
            Self::H24 => "24h",
            Self::D7 => "7d",
        }
    }

    /// The tier a graph of this span is drawn from: at most ~3600 points.
    pub fn tier(self) -> usize {
        match self {
            Self::M15 | Self::H1 => 0,
            Self::H24 => 1,
            Self::D7 => 2,
        }
    }

    pub fn parse(s: &str) -> Option<HistoryRange> {
        Self::ALL.into_iter().find(|r| r.label() == s)
    }
}

/// The answer to a range query: samples oldest first (at the tier's resolution) and markers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistorySeries {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub from_ms: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub to_ms: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub step_ms: i64,
    pub samples: Vec<Sample>,
    pub markers: Vec<HistoryMarker>,
}

/// The container events kept as markers.
pub fn is_marker_event(e: &EngineEvent) -> bool {
    e.kind == EventKind::Container
        && (matches!(e.action.as_str(), "die" | "oom" | "restart" | "start")
            || e.action.starts_with("health_status"))
}

#[cfg(test)]
mod archive_tests;
#[cfg(test)]
mod markers_tests;
#[cfg(test)]
mod tests;

//! Markers for a graph: the engine events the history keeps (die, oom, health changes,
//! restarts, starts), the recreates it noticed, and the alerts fired on the same series, for
//! one series key or for a dashboard's scope (the engine, a compose project, a Swarm service)
//! over a time range. The one function both UIs and the exports take their markers from.
//!
//! An alert row carries the engine and the cooldown key, which is the series key's `key`, so
//! an alert lands on the line of the container it fired for.

use std::path::Path;

use rusqlite::{params, Connection};

use super::{HistoryDb, SeriesKey};
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{HistoryMarker, MarkerKind};
use crate::streams::engine_series::DashScope;

/// At most this many markers are returned for one range (the newest): a restart loop over a
/// week must not send thousands of lines to a graph a few hundred pixels wide.
pub const MAX_MARKERS: usize = 500;

/// Which series a graph's markers come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerScope {
    /// One container's line (its compose service or name).
    Series(SeriesKey),
    /// A dashboard: every series of `engine` in `scope`.
    Dash { engine: String, scope: DashScope },
}

impl MarkerScope {
    /// `(engine, key prefix)`: the series whose key starts with the prefix (all of the engine's
    /// for an empty one), or the exact key for [`MarkerScope::Series`].
    fn filter(&self) -> (&str, String, bool) {
        match self {
            MarkerScope::Series(k) => (&k.engine, k.key.clone(), true),
            MarkerScope::Dash { engine, scope } => {
                let prefix = match scope {
                    DashScope::Engine => String::new(),
                    DashScope::Project { name } => format!("compose:{name}/"),
                    // A task's container is named SERVICE.SLOT.TASK (or SERVICE.NODE.TASK).
                    DashScope::Service { name } => format!("name:{name}."),
                };
                (engine, prefix, false)
            }
        }
    }
}

fn sql(what: &str) -> impl FnOnce(rusqlite::Error) -> CoreError + '_ {
    move |e| CoreError::new(ErrorKind::Io, format!("history database: {what}: {e}")).with_source(e)
}

/// The index the alerts' marker query uses (called by [`HistoryDb::open`]).
pub(super) fn create(conn: &Connection) -> Result<()> {
    conn.execute_batch("CREATE INDEX IF NOT EXISTS alerts_series ON alerts (engine, key, at_ms);")
        .map_err(sql("markers index"))
}

/// Markers of `scope` in `[from_ms, to_ms]` from the database at `path`, oldest first: none
/// (not an error) when no recorder has made the file yet. Blocking (SQLite).
pub fn read_markers(
    path: &Path,
    scope: &MarkerScope,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<HistoryMarker>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    HistoryDb::open(&super::HistoryOptions::new(path))?.markers(scope, from_ms, to_ms)
}

/// The markers of one container's series (as history keys it: compose service or name) over
/// the `window_secs` that end at `newest_ms`, from the default database: what a container's
/// graph export draws, in both UIs. Blocking (SQLite).
pub fn read_series_markers(
    key: SeriesKey,
    newest_ms: i64,
    window_secs: u32,
) -> Result<Vec<HistoryMarker>> {
    let from = newest_ms - i64::from(window_secs) * 1000;
    read_markers(
        &super::resolve_path(),
        &MarkerScope::Series(key),
        from,
        newest_ms,
    )
}

impl HistoryDb {
    /// Markers of `scope` in `[from_ms, to_ms]`, oldest first (events and alerts merged by
    /// time), the newest [`MAX_MARKERS`] when there are more.
    pub fn markers(
        &self,
        scope: &MarkerScope,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<HistoryMarker>> {
        let (engine, key, exact) = scope.filter();
        // `substr` compares a prefix with no LIKE wildcards to escape in names.
        let key_match = if exact {
            "s.key = ?2"
        } else {
            "substr(s.key, 1, length(?2)) = ?2"
        };
        let events = format!(
            "SELECT m.at_ms, m.time_nano, m.action, m.name, m.container, m.detail \
             FROM markers m JOIN series s ON s.id = m.series \
             WHERE s.engine = ?1 AND {key_match} AND m.at_ms BETWEEN ?3 AND ?4 \
             ORDER BY m.at_ms DESC, m.time_nano DESC LIMIT ?5"
        );
        let alerts = format!(
            "SELECT s.at_ms, s.at_ms * 1000000, 'alert', s.container, s.container_id, \
             s.rule || ': ' || s.cause FROM alerts s \
             WHERE s.engine = ?1 AND {key_match} AND s.at_ms BETWEEN ?3 AND ?4 \
             ORDER BY s.at_ms DESC LIMIT ?5"
        );
        let mut out: Vec<(i64, HistoryMarker)> = Vec::new();
        for q in [events, alerts] {
            let mut st = self.conn.prepare_cached(&q).map_err(sql("prepare"))?;
            let rows = st
                .query_map(
                    params![engine, key, from_ms, to_ms, MAX_MARKERS as i64],
                    |r| {
                        let action: String = r.get(2)?;
                        Ok((
                            r.get::<_, i64>(1)?,
                            HistoryMarker {
                                at_ms: r.get(0)?,
                                kind: MarkerKind::of_action(&action),
                                action,
                                name: r.get(3)?,
                                container: r.get(4)?,
                                detail: r.get(5)?,
                            },
                        ))
                    },
                )
                .map_err(sql("query markers"))?;
            for m in rows {
                out.push(m.map_err(sql("read marker"))?);
            }
        }
        out.sort_by_key(|(nano, m)| (m.at_ms, *nano));
        let skip = out.len().saturating_sub(MAX_MARKERS);
        Ok(out.into_iter().skip(skip).map(|(_, m)| m).collect())
    }
}

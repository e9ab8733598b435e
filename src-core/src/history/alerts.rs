//! Fired alerts in the history database: one row per alert (time, rule, container, cause, the
//! actions' results as JSON), the newest [`KEEP_ALERTS`] kept. Both UIs list them and poll for
//! new ones by id; the alerts runner reads the last fire per (rule, key) back at start so
//! cooldowns survive a restart.

use std::path::Path;

use rusqlite::{params, Connection};

use super::{HistoryDb, HistoryOptions};
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{ActionResult, FiredAlert};

/// How many fired alerts the table keeps (the oldest go first).
pub const KEEP_ALERTS: i64 = 10_000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    rule TEXT NOT NULL,
    engine TEXT NOT NULL,
    container_id TEXT NOT NULL,
    container TEXT NOT NULL,
    key TEXT NOT NULL,
    cause TEXT NOT NULL,
    notify INTEGER NOT NULL,
    actions TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_rule_key ON alerts (rule, key, at_ms);
";

fn sql(what: &str) -> impl FnOnce(rusqlite::Error) -> CoreError + '_ {
    move |e| CoreError::new(ErrorKind::Io, format!("history database: {what}: {e}")).with_source(e)
}

/// The alerts table (called by [`HistoryDb::open`]).
pub(super) fn create(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA).map_err(sql("alerts schema"))
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FiredAlert> {
    let actions: String = r.get(9)?;
    Ok(FiredAlert {
        id: r.get(0)?,
        at_ms: r.get(1)?,
        rule: r.get(2)?,
        engine: r.get(3)?,
        container_id: r.get(4)?,
        container: r.get(5)?,
        key: r.get(6)?,
        cause: r.get(7)?,
        notify: r.get::<_, i64>(8)? != 0,
        // A row this version did not write shows no results rather than failing the list.
        actions: serde_json::from_str(&actions).unwrap_or_default(),
    })
}

const COLUMNS: &str =
    "id, at_ms, rule, engine, container_id, container, key, cause, notify, actions";

impl HistoryDb {
    /// Keep `a` (its `id` is ignored); returns the new row's id.
    pub fn insert_alert(&self, a: &FiredAlert) -> Result<i64> {
        let actions = serde_json::to_string(&a.actions).unwrap_or_else(|_| "[]".into());
        self.conn
            .execute(
                "INSERT INTO alerts (at_ms, rule, engine, container_id, container, key, cause, \
                 notify, actions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    a.at_ms,
                    a.rule,
                    a.engine,
                    a.container_id,
                    a.container,
                    a.key,
                    a.cause,
                    i64::from(a.notify),
                    actions
                ],
            )
            .map_err(sql("insert alert"))?;
        let id = self.conn.last_insert_rowid();
        self.conn
            .execute(
                "DELETE FROM alerts WHERE id <= ?1",
                params![id - KEEP_ALERTS],
            )
            .map_err(sql("trim alerts"))?;
        Ok(id)
    }

    /// Record the results of alert `id`'s actions.
    pub fn set_alert_actions(&self, id: i64, actions: &[ActionResult]) -> Result<()> {
        let text = serde_json::to_string(actions).unwrap_or_else(|_| "[]".into());
        self.conn
            .execute(
                "UPDATE alerts SET actions = ?1 WHERE id = ?2",
                params![text, id],
            )
            .map_err(sql("alert results"))?;
        Ok(())
    }

    /// The newest `limit` alerts with an id above `after`, newest first.
    pub fn alerts(&self, after: i64, limit: usize) -> Result<Vec<FiredAlert>> {
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM alerts WHERE id > ?1 ORDER BY id DESC LIMIT ?2"
            ))
            .map_err(sql("list alerts"))?;
        let rows = st
            .query_map(
                params![after, i64::try_from(limit).unwrap_or(i64::MAX)],
                row,
            )
            .map_err(sql("list alerts"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql("list alerts"))
    }

    /// The last fire time of every (rule, key) since `since_ms`.
    pub fn last_alerts(&self, since_ms: i64) -> Result<Vec<(String, String, i64)>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT rule, key, MAX(at_ms) FROM alerts WHERE at_ms >= ?1 GROUP BY rule, key",
            )
            .map_err(sql("last alerts"))?;
        let rows = st
            .query_map(params![since_ms], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(sql("last alerts"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql("last alerts"))
    }
}

/// What a UI lists: the newest `limit` alerts after id `after` in the database at `path`,
/// newest first; none (not an error) when no database exists yet. Blocking (SQLite).
pub fn read_alerts(path: &Path, after: i64, limit: usize) -> Result<Vec<FiredAlert>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    HistoryDb::open(&HistoryOptions::new(path))?.alerts(after, limit)
}

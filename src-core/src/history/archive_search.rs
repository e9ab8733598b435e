//! Searching the log archive: substring or regex (the logs pane's [`LogQuery`]: smart case,
//! `!` inverts), a time range, one series, a project or everything of an engine; across
//! restarts and recreates, with a marker where a key's container was replaced.
//!
//! Stored lines are as received; what a search returns is made inert here (the core's
//! `sanitize`, colours dropped), so no UI can be handed a control sequence from a container.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::archive::{inflate, sql, ArchiveSelector};
use super::HistoryDb;
use crate::clock::rfc3339_utc;
use crate::engine::LogStream;
use crate::error::Result;
use crate::model::short_id;
use crate::streams::text::{inert, sanitize};
use crate::streams::LogQuery;

/// The most entries a search returns (the newest are kept).
pub const MAX_RESULTS: usize = 5000;

/// A search of the archive, as both UIs send it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchiveQuery {
    /// The engine's endpoint, as the session names it.
    pub engine: String,
    /// `*` (or empty): every archived key of the engine; else a selector (`compose:PROJECT`,
    /// `compose:PROJECT/SERVICE`, `name:NAME`, a container name).
    #[serde(default)]
    pub scope: String,
    /// Empty: every line. Else plain text (smart case) or, with `regex`, a regular expression;
    /// a leading `!` keeps the lines that do not match.
    #[serde(default)]
    pub pattern: String,
    #[serde(default)]
    pub regex: bool,
    /// Unix milliseconds, inclusive; `None`: open.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub from_ms: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub to_ms: Option<i64>,
    /// At most this many entries (0 or above [`MAX_RESULTS`]: [`MAX_RESULTS`]).
    #[serde(default)]
    pub limit: usize,
}

/// A found line, or a marker where a key's container was recreated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchiveEntry {
    /// `line` or `recreate`.
    pub kind: String,
    /// Unix milliseconds (the engine's timestamp; `time` has its nanoseconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at_ms: i64,
    /// RFC 3339 UTC with nanoseconds.
    pub time: String,
    /// The series key: `compose:PROJECT/SERVICE` or `name:NAME`.
    pub key: String,
    /// The container's name and short id then (inert).
    pub name: String,
    pub container: String,
    pub stream: LogStream,
    /// The line, inert (control sequences and colours dropped, invisible characters shown);
    /// for a marker, what happened.
    pub text: String,
}

/// What a search found: entries oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchiveResult {
    pub entries: Vec<ArchiveEntry>,
    /// Lines read (matching or not).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub scanned: u64,
    /// More matched than `limit`: the oldest were left out.
    pub truncated: bool,
}

/// `2026-12-01T08:00:00.123456789Z`.
pub fn rfc3339_ns(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let whole = rfc3339_utc(secs);
    let whole = whole.strip_suffix('Z').unwrap_or(&whole);
    format!("{whole}.{frac:09}Z")
}

impl ArchiveQuery {
    fn selector(&self) -> Result<ArchiveSelector> {
        if self.scope.trim().is_empty() {
            return Ok(ArchiveSelector::All);
        }
        ArchiveSelector::parse(&self.scope)
    }

    fn matcher(&self) -> Result<Option<LogQuery>> {
        if self.pattern.is_empty() {
            return Ok(None);
        }
        LogQuery::parse(&self.pattern, self.regex).map(Some)
    }
}

impl HistoryDb {
    /// Search the archive. Bad input (an invalid regex, a bad scope) is an `InvalidInput`
    /// error and reads nothing. Blocking (SQLite, zstd): call it off a UI's thread.
    pub fn archive_search(&self, q: &ArchiveQuery) -> Result<ArchiveResult> {
        let sel = q.selector()?;
        let matcher = q.matcher()?;
        let limit = if q.limit == 0 {
            MAX_RESULTS
        } else {
            q.limit.min(MAX_RESULTS)
        };
        let from_ns = q.from_ms.map_or(i64::MIN, |m| m.saturating_mul(1_000_000));
        let to_ns = q.to_ms.map_or(i64::MAX, |m| {
            m.saturating_mul(1_000_000).saturating_add(999_999)
        });
        let mut out = ArchiveResult::default();
        let mut hits: Vec<(i64, u64, ArchiveEntry)> = Vec::new();
        let mut seq = 0u64;
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT s.key, b.container, b.name, b.raw_bytes, b.data FROM log_blocks b \
                 JOIN series s ON s.id = b.series WHERE s.engine = ?1 AND b.last_ns >= ?2 \
                 AND b.first_ns <= ?3 ORDER BY b.first_ns, b.id",
            )
            .map_err(sql("prepare"))?;
        let mut rows = st
            .query(params![q.engine, from_ns, to_ns])
            .map_err(sql("search"))?;
        while let Some(r) = rows.next().map_err(sql("read block"))? {
            let key: String = r.get(0).map_err(sql("read block"))?;
            if !sel.covers_key(&key) {
                continue;
            }
            let container: String = r.get(1).map_err(sql("read block"))?;
            let name: String = r.get(2).map_err(sql("read block"))?;
            let raw: i64 = r.get(3).map_err(sql("read block"))?;
            let data: Vec<u8> = r.get(4).map_err(sql("read block"))?;
            for l in inflate(&data, raw)? {
                if l.ts_ns < from_ns || l.ts_ns > to_ns {
                    continue;
                }
                out.scanned += 1;
                let text = sanitize(&l.bytes, false).text;
                if matcher.as_ref().is_some_and(|m| !m.is_match(&text)) {
                    continue;
                }
                seq += 1;
                hits.push((
                    l.ts_ns,
                    seq,
                    ArchiveEntry {
                        kind: "line".into(),
                        at_ms: l.ts_ns.div_euclid(1_000_000),
                        time: rfc3339_ns(l.ts_ns),
                        key: key.clone(),
                        name: inert(&name).into_owned(),
                        container: short_id(&container).to_owned(),
                        stream: l.stream,
                        text,
                    },
                ));
                if hits.len() > limit * 2 {
                    keep_newest(&mut hits, limit, &mut out.truncated);
                }
            }
        }
        drop(rows);
        keep_newest(&mut hits, limit, &mut out.truncated);
        let oldest_kept = if out.truncated {
            hits.first().map_or(from_ns, |h| h.0)
        } else {
            from_ns
        };
        // A marker sorts before the lines of its timestamp (the new container's first).
        for m in self.recreates(&q.engine, &sel, oldest_kept, to_ns)? {
            hits.push((m.0, 0, m.1));
        }
        hits.sort_by_key(|h| (h.0, h.1));
        out.entries = hits.into_iter().map(|h| h.2).collect();
        Ok(out)
    }

    /// A marker at the first archived line of each container of a key after its first.
    fn recreates(
        &self,
        engine: &str,
        sel: &ArchiveSelector,
        from_ns: i64,
        to_ns: i64,
    ) -> Result<Vec<(i64, ArchiveEntry)>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT s.key, b.container, b.name, min(b.first_ns) AS f FROM log_blocks b \
                 JOIN series s ON s.id = b.series WHERE s.engine = ?1 \
                 GROUP BY b.series, b.container ORDER BY s.key, f",
            )
            .map_err(sql("prepare"))?;
        let rows = st
            .query_map([engine], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(sql("instances"))?;
        let mut out = Vec::new();
        let mut prev: Option<(String, String)> = None;
        for row in rows {
            let (key, container, name, first) = row.map_err(sql("read instance"))?;
            let before = prev.replace((key.clone(), container.clone()));
            let Some((_, pcontainer)) = before.filter(|p| p.0 == key) else {
                continue;
            };
            if !sel.covers_key(&key) || first < from_ns || first > to_ns {
                continue;
            }
            let name = inert(&name).into_owned();
            out.push((
                first,
                ArchiveEntry {
                    kind: "recreate".into(),
                    at_ms: first.div_euclid(1_000_000),
                    time: rfc3339_ns(first),
                    text: format!(
                        "── {name} was recreated: now {} (was {}) ──",
                        short_id(&container),
                        short_id(&pcontainer)
                    ),
                    key,
                    name,
                    container: short_id(&container).to_owned(),
                    stream: LogStream::Stderr,
                },
            ));
        }
        Ok(out)
    }
}

/// Keep the newest `limit` hits (by timestamp, then arrival), oldest first.
fn keep_newest(hits: &mut Vec<(i64, u64, ArchiveEntry)>, limit: usize, truncated: &mut bool) {
    if hits.len() <= limit {
        return;
    }
    hits.sort_by_key(|h| (h.0, h.1));
    let cut = hits.len() - limit;
    hits.drain(..cut);
    *truncated = true;
}

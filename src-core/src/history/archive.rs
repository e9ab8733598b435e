//! The log archive: the logs of chosen containers and compose projects, kept in the history
//! database in zstd-compressed blocks, keyed like the stats series (so a recreated container
//! continues its archive), bounded by a size cap and an age, searchable across restarts and
//! recreates.
//!
//! - **Selection** (`archive_selection`): which containers are archived, per engine, written by
//!   either UI (a short transaction; SQLite serialises writers) and read by the recorder
//!   (`wharf watch`), which adds its own `--archive` selectors for its run.
//! - **Blocks** (`log_blocks`): up to [`BLOCK_RAW_BYTES`] of one container's lines, as received
//!   (bytes, not text: nothing is cleaned before it is stored), each with its engine timestamp
//!   in nanoseconds and its stream, compressed as one zstd frame. A block row carries its
//!   first/last timestamps and how many lines sit at the last one, so a restarted recorder
//!   resumes after them with no duplicate and no gap.
//! - **Bounds:** [`HistoryDb::maintain`] deletes blocks older than [`ArchiveLimits::keep_ms`]
//!   and then the oldest blocks while the archive holds more than [`ArchiveLimits::max_bytes`].
//!
//! Search ([`HistoryDb::archive_search`], in `archive_search.rs`) and the follower that fills
//! the archive (`archive_follow.rs`) build on this file.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{HistoryDb, SeriesKey};
use crate::engine::LogStream;
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::Container;

/// A block is written once its lines reach this many bytes (or when it has waited
/// `archive_follow::FLUSH_AFTER`): large enough for zstd to find the repeats in log text.
pub const BLOCK_RAW_BYTES: usize = 64 << 10;
/// One stored line at most (longer ones are cut): bounds a block and a reader's memory.
pub const MAX_LINE_BYTES: usize = 64 << 10;

/// The archive's default bounds: 256 MiB of compressed blocks, 30 days.
pub const DEFAULT_ARCHIVE_BYTES: u64 = 256 << 20;
pub const DEFAULT_ARCHIVE_KEEP_MS: i64 = 30 * 24 * 3600 * 1000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS archive_selection (
    engine TEXT NOT NULL,
    selector TEXT NOT NULL,
    added_ms INTEGER NOT NULL,
    PRIMARY KEY (engine, selector)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_blocks (
    id INTEGER PRIMARY KEY,
    series INTEGER NOT NULL,
    container TEXT NOT NULL,
    name TEXT NOT NULL,
    first_ns INTEGER NOT NULL,
    last_ns INTEGER NOT NULL,
    last_count INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    raw_bytes INTEGER NOT NULL,
    stored_bytes INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS log_blocks_series ON log_blocks (series, first_ns);
CREATE INDEX IF NOT EXISTS log_blocks_container ON log_blocks (container, last_ns);
CREATE INDEX IF NOT EXISTS log_blocks_age ON log_blocks (last_ns);
";

/// The archive's tables (the one hook in `HistoryDb::open`).
pub(super) fn create_tables(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA).map_err(sql("archive schema"))
}

pub(super) fn sql(what: &str) -> impl FnOnce(rusqlite::Error) -> CoreError + '_ {
    move |e| CoreError::new(ErrorKind::Io, format!("log archive: {what}: {e}")).with_source(e)
}

/// How large and how old the archive may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Compressed bytes of all blocks; the oldest blocks go first beyond it.
    pub max_bytes: u64,
    /// Blocks whose newest line is older than this go.
    pub keep_ms: i64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_bytes: DEFAULT_ARCHIVE_BYTES,
            keep_ms: DEFAULT_ARCHIVE_KEEP_MS,
        }
    }
}

/// What is archived: everything, a compose project, or one series key (a compose service or a
/// container name, the keys of the stats history).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArchiveSelector {
    All,
    Project(String),
    /// `compose:PROJECT/SERVICE` or `name:NAME`.
    Key(String),
}

impl ArchiveSelector {
    /// `*` (or `all`), `project=NAME` / `compose:PROJECT`, `compose:PROJECT/SERVICE`,
    /// `name:NAME`, or a bare container name.
    pub fn parse(s: &str) -> Result<ArchiveSelector> {
        let s = s.trim();
        let bad = |why: &str| {
            CoreError::invalid_input(format!(
                "archive selector {:?}: {why} (use *, project=NAME, compose:PROJECT/SERVICE, \
                 name:NAME or a container name)",
                crate::streams::text::inert(s)
            ))
        };
        if s.is_empty() {
            return Err(bad("it is empty"));
        }
        if s.chars().any(char::is_control) || s.len() > 256 {
            return Err(bad("it has control characters or is too long"));
        }
        if s == "*" || s == "all" {
            return Ok(ArchiveSelector::All);
        }
        let project = s
            .strip_prefix("project=")
            .or_else(|| s.strip_prefix("compose:").filter(|p| !p.contains('/')));
        if let Some(p) = project {
            if p.is_empty() {
                return Err(bad("the project name is empty"));
            }
            return Ok(ArchiveSelector::Project(p.to_owned()));
        }
        if let Some(rest) = s.strip_prefix("compose:") {
            let (p, svc) = rest.split_once('/').unwrap_or((rest, ""));
            if p.is_empty() || svc.is_empty() {
                return Err(bad("a compose key is compose:PROJECT/SERVICE"));
            }
            return Ok(ArchiveSelector::Key(s.to_owned()));
        }
        let name = s.strip_prefix("name:").unwrap_or(s).trim_start_matches('/');
        if name.is_empty() {
            return Err(bad("the name is empty"));
        }
        Ok(ArchiveSelector::Key(format!("name:{name}")))
    }

    /// The selector of one container (its series key) or of its project.
    pub fn of_container(c: &Container, whole_project: bool) -> ArchiveSelector {
        match (&c.compose, whole_project) {
            (Some(r), true) => ArchiveSelector::Project(r.project.clone()),
            _ => ArchiveSelector::Key(SeriesKey::of("", c).key),
        }
    }

    /// Whether `c` (on engine `engine`) is archived by this selector.
    pub fn matches(&self, c: &Container) -> bool {
        match self {
            ArchiveSelector::All => true,
            ArchiveSelector::Project(p) => c.compose.as_ref().is_some_and(|r| &r.project == p),
            ArchiveSelector::Key(k) => SeriesKey::of("", c).key == *k,
        }
    }

    /// Whether the series key `key` belongs to this selector (search scopes).
    pub fn covers_key(&self, key: &str) -> bool {
        match self {
            ArchiveSelector::All => true,
            ArchiveSelector::Project(p) => key
                .strip_prefix("compose:")
                .and_then(|r| r.strip_prefix(p.as_str()))
                .is_some_and(|r| r.starts_with('/')),
            ArchiveSelector::Key(k) => k == key,
        }
    }
}

impl std::fmt::Display for ArchiveSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArchiveSelector::All => f.write_str("*"),
            ArchiveSelector::Project(p) => write!(f, "compose:{p}"),
            ArchiveSelector::Key(k) => f.write_str(k),
        }
    }
}

/// One line as the engine sent it: its timestamp (ns since the epoch), stream and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchLine {
    pub ts_ns: i64,
    pub stream: LogStream,
    pub bytes: Vec<u8>,
}

/// Where a container's archive ends: its newest stored timestamp and how many lines sit at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResumePoint {
    pub last_ns: i64,
    pub at_last: u64,
}

/// What one maintenance removed from the archive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArchivePruned {
    pub expired_blocks: u64,
    pub capped_blocks: u64,
    /// Compressed bytes left.
    pub bytes: u64,
}

/// An archived container/project as the UIs list and toggle it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchiveChoice {
    pub engine: String,
    /// `*`, `compose:PROJECT`, `compose:PROJECT/SERVICE` or `name:NAME`.
    pub selector: String,
}

fn stream_code(s: LogStream) -> u8 {
    match s {
        LogStream::Stdout => 1,
        LogStream::Stderr => 2,
        LogStream::Console => 0,
    }
}

fn stream_of(b: u8) -> LogStream {
    match b {
        1 => LogStream::Stdout,
        2 => LogStream::Stderr,
        _ => LogStream::Console,
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// A block's lines before compression: per line the time since the previous line (varint
/// ns), the stream, the length and the bytes.
pub(super) fn encode(lines: &[ArchLine]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.bytes.len() + 8).sum());
    let mut prev = lines.first().map_or(0, |l| l.ts_ns);
    put_varint(&mut out, prev as u64);
    for l in lines {
        put_varint(&mut out, l.ts_ns.saturating_sub(prev).max(0) as u64);
        prev = prev.max(l.ts_ns);
        out.push(stream_code(l.stream));
        put_varint(&mut out, l.bytes.len() as u64);
        out.extend_from_slice(&l.bytes);
    }
    out
}

pub(super) fn decode(raw: &[u8]) -> Result<Vec<ArchLine>> {
    let corrupt = || CoreError::new(ErrorKind::Io, "log archive: a block is corrupt");
    let mut at = 0;
    let mut ts = get_varint(raw, &mut at).ok_or_else(corrupt)? as i64;
    let mut out = Vec::new();
    while at < raw.len() {
        ts = ts.saturating_add(get_varint(raw, &mut at).ok_or_else(corrupt)? as i64);
        let stream = stream_of(*raw.get(at).ok_or_else(corrupt)?);
        at += 1;
        let len = get_varint(raw, &mut at).ok_or_else(corrupt)? as usize;
        let bytes = raw.get(at..at.saturating_add(len)).ok_or_else(corrupt)?;
        at += len;
        out.push(ArchLine {
            ts_ns: ts,
            stream,
            bytes: bytes.to_vec(),
        });
    }
    Ok(out)
}

/// Decompress a stored block (`raw_bytes` from its row bounds the output).
pub(super) fn inflate(data: &[u8], raw_bytes: i64) -> Result<Vec<ArchLine>> {
    let cap = usize::try_from(raw_bytes)
        .unwrap_or(0)
        .min(BLOCK_RAW_BYTES + MAX_LINE_BYTES + 64);
    let raw = zstd::bulk::decompress(data, cap.max(1)).map_err(|e| {
        CoreError::new(
            ErrorKind::Io,
            format!("log archive: a block does not decompress: {e}"),
        )
    })?;
    decode(&raw)
}

impl HistoryDb {
    /// The stored selection of every engine.
    pub fn archive_choices(&self) -> Result<Vec<ArchiveChoice>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT engine, selector FROM archive_selection ORDER BY 1, 2")
            .map_err(sql("prepare"))?;
        let rows = st
            .query_map([], |r| {
                Ok(ArchiveChoice {
                    engine: r.get(0)?,
                    selector: r.get(1)?,
                })
            })
            .map_err(sql("list selection"))?;
        rows.map(|r| r.map_err(sql("read selection"))).collect()
    }

    /// The stored selectors of engine `engine` (unparsable rows are skipped).
    pub fn archive_selectors(&self, engine: &str) -> Result<Vec<ArchiveSelector>> {
        Ok(self
            .archive_choices()?
            .into_iter()
            .filter(|c| c.engine == engine)
            .filter_map(|c| ArchiveSelector::parse(&c.selector).ok())
            .collect())
    }

    /// Turn archiving of `sel` on engine `engine` on or off. Returns whether it changed.
    pub fn archive_set(&mut self, engine: &str, sel: &ArchiveSelector, on: bool) -> Result<bool> {
        let text = sel.to_string();
        let n = if on {
            self.conn.execute(
                "INSERT OR IGNORE INTO archive_selection VALUES (?1, ?2, ?3)",
                params![engine, text, self.clock.now_ms()],
            )
        } else {
            self.conn.execute(
                "DELETE FROM archive_selection WHERE engine = ?1 AND selector = ?2",
                params![engine, text],
            )
        }
        .map_err(sql("change selection"))?;
        Ok(n > 0)
    }

    /// Store one block of a container's lines (oldest first) under its series key.
    pub fn archive_write(
        &mut self,
        key: &SeriesKey,
        container: &str,
        name: &str,
        lines: &[ArchLine],
    ) -> Result<()> {
        let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
            return Ok(());
        };
        let series = self.series_id(key)?;
        let raw = encode(lines);
        let data = zstd::bulk::compress(&raw, 3).map_err(|e| {
            CoreError::new(ErrorKind::Io, format!("log archive: cannot compress: {e}"))
        })?;
        let last_ns = lines.iter().map(|l| l.ts_ns).max().unwrap_or(last.ts_ns);
        let at_last = lines.iter().filter(|l| l.ts_ns == last_ns).count();
        self.conn
            .execute(
                "INSERT INTO log_blocks (series, container, name, first_ns, last_ns, last_count, \
                 lines, raw_bytes, stored_bytes, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
                 ?9, ?10)",
                params![
                    series,
                    container,
                    crate::streams::text::inert(name).into_owned(),
                    first.ts_ns.min(last_ns),
                    last_ns,
                    at_last as i64,
                    lines.len() as i64,
                    raw.len() as i64,
                    data.len() as i64,
                    data
                ],
            )
            .map_err(sql("write block"))?;
        Ok(())
    }

    /// Where container `container`'s archive ends, if it has one.
    pub fn archive_resume(&self, container: &str) -> Result<Option<ResumePoint>> {
        self.conn
            .query_row(
                "SELECT last_ns, sum(last_count) FROM log_blocks WHERE container = ?1 AND \
                 last_ns = (SELECT max(last_ns) FROM log_blocks WHERE container = ?1) \
                 GROUP BY last_ns",
                [container],
                |r| {
                    Ok(ResumePoint {
                        last_ns: r.get(0)?,
                        at_last: r.get::<_, i64>(1)?.max(0) as u64,
                    })
                },
            )
            .optional()
            .map_err(sql("resume point"))
    }

    /// Compressed bytes the archive's blocks hold.
    pub fn archive_bytes(&self) -> Result<u64> {
        stored_bytes(&self.conn)
    }
}

pub(super) fn stored_bytes(conn: &Connection) -> Result<u64> {
    conn.query_row(
        "SELECT coalesce(sum(stored_bytes), 0) + 80 * count(*) FROM log_blocks",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|v| v.max(0) as u64)
    .map_err(sql("size"))
}

/// Delete blocks older than the limits keep, then the oldest while over the size cap (the hook
/// in `HistoryDb::maintain`; the caller vacuums).
pub(super) fn prune(
    conn: &Connection,
    now_ms: i64,
    limits: ArchiveLimits,
) -> Result<ArchivePruned> {
    let mut p = ArchivePruned::default();
    let cutoff_ns = now_ms
        .saturating_sub(limits.keep_ms)
        .saturating_mul(1_000_000);
    p.expired_blocks = conn
        .execute("DELETE FROM log_blocks WHERE last_ns < ?1", [cutoff_ns])
        .map_err(sql("expire"))? as u64;
    p.bytes = stored_bytes(conn)?;
    while p.bytes > limits.max_bytes {
        // The oldest tenth of the blocks (at least one) per round: few rounds, little overshoot.
        let n: i64 = conn
            .query_row("SELECT count(*) FROM log_blocks", [], |r| r.get(0))
            .map_err(sql("count"))?;
        if n == 0 {
            break;
        }
        p.capped_blocks += conn
            .execute(
                "DELETE FROM log_blocks WHERE id IN (SELECT id FROM log_blocks \
                 ORDER BY last_ns, id LIMIT ?1)",
                [(n / 10).max(1)],
            )
            .map_err(sql("cap"))? as u64;
        p.bytes = stored_bytes(conn)?;
    }
    Ok(p)
}

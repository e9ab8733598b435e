//! The history database: schema, writes, range queries and maintenance.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use super::{
    is_marker_event, HistoryOptions, HistoryRange, HistorySeries, MarkerScope, SeriesKey, TIERS,
};
use crate::clock::Clock;
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{short_id, Container, EngineEvent, Sample};
use crate::streams::text::inert;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS series (
    id INTEGER PRIMARY KEY,
    engine TEXT NOT NULL,
    key TEXT NOT NULL,
    UNIQUE (engine, key)
);
CREATE TABLE IF NOT EXISTS instances (
    series INTEGER NOT NULL,
    container TEXT NOT NULL,
    first_ms INTEGER NOT NULL,
    PRIMARY KEY (series, container)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples (
    series INTEGER NOT NULL,
    tier INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    cpu_c INTEGER NOT NULL,
    cpu_lim_c INTEGER,
    mem INTEGER NOT NULL,
    mem_limit INTEGER NOT NULL,
    net_rx INTEGER NOT NULL,
    net_tx INTEGER NOT NULL,
    blk_r INTEGER NOT NULL,
    blk_w INTEGER NOT NULL,
    pids INTEGER NOT NULL,
    PRIMARY KEY (series, tier, at_ms)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS samples_age ON samples (tier, at_ms);
CREATE TABLE IF NOT EXISTS markers (
    series INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    time_nano INTEGER NOT NULL,
    container TEXT NOT NULL,
    action TEXT NOT NULL,
    name TEXT NOT NULL,
    detail TEXT NOT NULL,
    UNIQUE (series, time_nano, container, action)
);
CREATE INDEX IF NOT EXISTS markers_at ON markers (series, at_ms);
";

/// A bound SQLite error, typed as the core's I/O error.
fn sql(what: &str) -> impl FnOnce(rusqlite::Error) -> CoreError + '_ {
    move |e| CoreError::new(ErrorKind::Io, format!("history database: {what}: {e}")).with_source(e)
}

/// An open history database (reader or writer; writing needs the [`super::WriterLock`]).
pub struct HistoryDb {
    pub(super) conn: Connection,
    path: PathBuf,
    cap_bytes: u64,
    pub(super) clock: Clock,
    /// The log archive's bounds (`archive.rs`), applied by [`HistoryDb::maintain`].
    pub archive_limits: super::archive::ArchiveLimits,
    /// Series ids by key, and the container id last recorded under each series.
    ids: HashMap<SeriesKey, i64>,
    current: HashMap<i64, String>,
    /// Series ids by container id, with the engine and name they were keyed with (a rename
    /// changes the key): the recorder's tick builds no key for a container it already saw.
    by_container: crate::streams::IdMap<(String, String, i64)>,
}

/// `by_container` is cleared when it reaches this many containers (gone ones are never
/// evicted one by one; the next tick fills it again with the running ones).
const BY_CONTAINER_MAX: usize = 16_384;

impl std::fmt::Debug for HistoryDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryDb")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What one [`HistoryDb::maintain`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Maintenance {
    /// Rows rolled up into coarser tiers.
    pub rolled: u64,
    /// Rows deleted for age.
    pub expired: u64,
    /// Rows deleted to stay under the size cap.
    pub capped: u64,
    /// Bytes in use afterwards.
    pub bytes: u64,
    /// What the log archive's bounds removed.
    pub archive: super::archive::ArchivePruned,
}

impl HistoryDb {
    /// Open (creating the file, its directory and the schema when missing). WAL mode: readers
    /// never block the writer and see its committed state.
    pub fn open(opts: &HistoryOptions) -> Result<HistoryDb> {
        if let Some(dir) = opts.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                CoreError::new(
                    ErrorKind::Io,
                    format!("cannot create {}: {e}", dir.display()),
                )
                .with_source(e)
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&opts.path, flags).map_err(|e| {
            CoreError::new(
                ErrorKind::Io,
                format!("cannot open history {}: {e}", opts.path.display()),
            )
            .with_source(e)
        })?;
        // A reader waiting on a checkpoint or the schema gives up after this, never hangs.
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(sql("busy timeout"))?;
        // Before any table exists, so freed pages can be given back (size cap). Only then:
        // setting it writes the header page, so every open (a UI's look at the alerts) would
        // write to the database.
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(sql("schema"))?;
        if tables == 0 {
            conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;")
                .map_err(sql("pragmas"))?;
        }
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .map_err(sql("pragmas"))?;
        conn.execute_batch(SCHEMA).map_err(sql("schema"))?;
        super::archive::create_tables(&conn)?;
        super::alerts::create(&conn)?;
        super::markers::create(&conn)?;
        Ok(HistoryDb {
            conn,
            path: opts.path.clone(),
            cap_bytes: opts.cap_bytes,
            clock: opts.clock.clone(),
            ids: HashMap::new(),
            current: HashMap::new(),
            by_container: Default::default(),
            archive_limits: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(super) fn series_id(&mut self, key: &SeriesKey) -> Result<i64> {
        if let Some(id) = self.ids.get(key) {
            return Ok(*id);
        }
        self.conn
            .execute(
                "INSERT OR IGNORE INTO series (engine, key) VALUES (?1, ?2)",
                params![key.engine, key.key],
            )
            .map_err(sql("add series"))?;
        let id: i64 = self
            .conn
            .query_row(
                "SELECT id FROM series WHERE engine = ?1 AND key = ?2",
                params![key.engine, key.key],
                |r| r.get(0),
            )
            .map_err(sql("find series"))?;
        self.ids.insert(key.clone(), id);
        Ok(id)
    }

    /// The series of container `c` of `engine` (see `by_container`).
    fn series_id_of(&mut self, engine: &str, c: &Container) -> Result<i64> {
        if let Some((e, name, id)) = self.by_container.get(&c.id) {
            if e == engine && *name == c.name {
                return Ok(*id);
            }
        }
        let id = self.series_id(&SeriesKey::of(engine, c))?;
        if self.by_container.len() >= BY_CONTAINER_MAX {
            self.by_container.clear();
        }
        self.by_container
            .insert(c.id.clone(), (engine.to_owned(), c.name.clone(), id));
        Ok(id)
    }

    /// Record one sample per container (of engine `engine`) in one transaction. The first
    /// sample of a new container id under a key that had another records a `recreate` marker.
    pub fn record(&mut self, engine: &str, samples: &[(&Container, Sample)]) -> Result<()> {
        let mut rows = Vec::with_capacity(samples.len());
        for (c, s) in samples {
            let id = self.series_id_of(engine, c)?;
            rows.push((id, *c, *s));
        }
        let tx = self.conn.transaction().map_err(sql("begin"))?;
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO samples VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
                     ?9, ?10, ?11)",
                )
                .map_err(sql("prepare"))?;
            for (id, c, s) in &rows {
                ins.execute(params![
                    id,
                    s.at_ms,
                    centi(s.cpu_pct),
                    s.cpu_pct_of_limit.map(centi),
                    clamp(s.mem_used),
                    clamp(s.mem_limit),
                    s.net_rx_rate.round() as i64,
                    s.net_tx_rate.round() as i64,
                    s.blk_read_rate.round() as i64,
                    s.blk_write_rate.round() as i64,
                    clamp(s.pids),
                ])
                .map_err(sql("insert sample"))?;
                if self.current.get(id).map(String::as_str) != Some(c.id.as_str()) {
                    note_instance(&tx, *id, c, s.at_ms)?;
                    self.current.insert(*id, c.id.as_str().to_owned());
                }
            }
        }
        tx.commit().map_err(sql("commit"))
    }

    /// Keep the container events that are markers (see [`is_marker_event`]); the same event
    /// recorded twice (a restarted recorder replaying) is kept once.
    pub fn record_events(&mut self, engine: &str, events: &[EngineEvent]) -> Result<usize> {
        let mut rows = Vec::new();
        for e in events.iter().filter(|e| is_marker_event(e)) {
            if let Some(key) = SeriesKey::of_event(engine, e) {
                rows.push((self.series_id(&key)?, e));
            }
        }
        let tx = self.conn.transaction().map_err(sql("begin"))?;
        let mut n = 0;
        {
            let mut ins = tx
                .prepare_cached("INSERT OR IGNORE INTO markers VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .map_err(sql("prepare"))?;
            for (id, e) in rows {
                let detail = match e.attributes.get("exitCode") {
                    Some(code) if e.action == "die" => format!("exit {}", inert(code)),
                    _ => String::new(),
                };
                n += ins
                    .execute(params![
                        id,
                        e.time_nano.div_euclid(1_000_000),
                        e.time_nano,
                        short_id(&e.actor_id),
                        inert(&e.action).into_owned(),
                        inert(e.name().unwrap_or_default().trim_start_matches('/')).into_owned(),
                        detail,
                    ])
                    .map_err(sql("insert marker"))?;
            }
        }
        tx.commit().map_err(sql("commit"))?;
        Ok(n)
    }

    /// Every series key the database holds, in order.
    pub fn keys(&self) -> Result<Vec<SeriesKey>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT engine, key FROM series ORDER BY engine, key")
            .map_err(sql("prepare"))?;
        let rows = st
            .query_map([], |r| {
                Ok(SeriesKey {
                    engine: r.get(0)?,
                    key: r.get(1)?,
                })
            })
            .map_err(sql("list series"))?;
        rows.map(|k| k.map_err(sql("read series"))).collect()
    }

    /// Samples and markers of `key` over the last `range` (from the clock's now), at the
    /// range's tier.
    pub fn range(&self, key: &SeriesKey, range: HistoryRange) -> Result<HistorySeries> {
        let to = self.clock.now_ms();
        self.query(key, to - range.span_ms(), to, range.tier())
    }

    /// Samples of `key` in `[from_ms, to_ms]` from tier `tier`, with the markers between.
    pub fn query(
        &self,
        key: &SeriesKey,
        from_ms: i64,
        to_ms: i64,
        tier: usize,
    ) -> Result<HistorySeries> {
        let tier = tier.min(TIERS.len() - 1);
        let mut out = HistorySeries {
            from_ms,
            to_ms,
            step_ms: TIERS[tier].step_ms,
            ..Default::default()
        };
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM series WHERE engine = ?1 AND key = ?2",
                params![key.engine, key.key],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql("find series"))?;
        let Some(id) = id else { return Ok(out) };
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT at_ms, cpu_c, cpu_lim_c, mem, mem_limit, net_rx, net_tx, blk_r, blk_w, \
                 pids FROM samples WHERE series = ?1 AND tier = ?2 AND at_ms BETWEEN ?3 AND ?4 \
                 ORDER BY at_ms",
            )
            .map_err(sql("prepare"))?;
        let rows = st
            .query_map(params![id, tier as i64, from_ms, to_ms], |r| {
                Ok(Sample {
                    at_ms: r.get(0)?,
                    cpu_pct: r.get::<_, i64>(1)? as f64 / 100.0,
                    cpu_pct_of_limit: r.get::<_, Option<i64>>(2)?.map(|v| v as f64 / 100.0),
                    mem_used: r.get::<_, i64>(3)?.max(0) as u64,
                    mem_limit: r.get::<_, i64>(4)?.max(0) as u64,
                    net_rx_rate: r.get::<_, i64>(5)? as f64,
                    net_tx_rate: r.get::<_, i64>(6)? as f64,
                    blk_read_rate: r.get::<_, i64>(7)? as f64,
                    blk_write_rate: r.get::<_, i64>(8)? as f64,
                    pids: r.get::<_, i64>(9)?.max(0) as u64,
                    ..Default::default()
                })
            })
            .map_err(sql("query samples"))?;
        for s in rows {
            out.samples.push(s.map_err(sql("read sample"))?);
        }
        out.markers = self.markers(&MarkerScope::Series(key.clone()), from_ms, to_ms)?;
        Ok(out)
    }

    /// Bytes the database's pages hold (free pages not counted).
    pub fn used_bytes(&self) -> Result<u64> {
        let get = |p: &str| -> Result<i64> {
            self.conn
                .query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                .map_err(sql("page count"))
        };
        let pages = get("page_count")? - get("freelist_count")?;
        Ok((pages.max(0) as u64) * get("page_size")?.max(0) as u64)
    }

    /// Roll closed buckets up into coarser tiers, delete what is older than each tier keeps,
    /// then the oldest samples while over the size cap, and give freed pages back.
    pub fn maintain(&mut self) -> Result<Maintenance> {
        let now = self.clock.now_ms();
        let mut m = Maintenance::default();
        let tx = self.conn.transaction().map_err(sql("begin"))?;
        for (t, tier) in TIERS.iter().enumerate().skip(1) {
            let step = tier.step_ms;
            let done: i64 = tx
                .query_row(
                    "SELECT value FROM meta WHERE name = ?1",
                    [format!("rolled_{t}")],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql("read meta"))?
                .unwrap_or(i64::MIN);
            // Buckets that ended before the current one began are closed.
            let end = now.div_euclid(step) * step;
            if end <= done {
                continue;
            }
            m.rolled += tx
                .execute(
                    "INSERT OR REPLACE INTO samples SELECT series, ?1, (at_ms / ?2) * ?2, \
                     CAST(avg(cpu_c) AS INTEGER), CAST(avg(cpu_lim_c) AS INTEGER), \
                     CAST(avg(mem) AS INTEGER), max(mem_limit), CAST(avg(net_rx) AS INTEGER), \
                     CAST(avg(net_tx) AS INTEGER), CAST(avg(blk_r) AS INTEGER), \
                     CAST(avg(blk_w) AS INTEGER), max(pids) FROM samples \
                     WHERE tier = ?3 AND at_ms >= ?4 AND at_ms < ?5 \
                     GROUP BY series, at_ms / ?2",
                    params![t as i64, step, (t - 1) as i64, done.max(0), end],
                )
                .map_err(sql("roll up"))? as u64;
            tx.execute(
                "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
                params![format!("rolled_{t}"), end],
            )
            .map_err(sql("write meta"))?;
        }
        for (t, tier) in TIERS.iter().enumerate() {
            m.expired += tx
                .execute(
                    "DELETE FROM samples WHERE tier = ?1 AND at_ms < ?2",
                    params![t as i64, now - tier.keep_ms],
                )
                .map_err(sql("expire"))? as u64;
        }
        let oldest_kept = TIERS[TIERS.len() - 1].keep_ms;
        tx.execute("DELETE FROM markers WHERE at_ms < ?1", [now - oldest_kept])
            .map_err(sql("expire markers"))?;
        tx.commit().map_err(sql("commit"))?;
        m.archive = super::archive::prune(&self.conn, now, self.archive_limits)?;
        self.vacuum()?;
        // Over the cap: the oldest quarter of the coarsest tier that has rows goes, until under.
        for _ in 0..64 {
            m.bytes = self.used_bytes()?;
            // The log archive has its own cap (pruned above): it does not crowd out samples.
            if m.bytes
                .saturating_sub(super::archive::stored_bytes(&self.conn)?)
                <= self.cap_bytes
            {
                break;
            }
            m.capped += self.drop_oldest()?;
            self.vacuum()?;
        }
        m.bytes = self.used_bytes()?;
        Ok(m)
    }

    fn drop_oldest(&mut self) -> Result<u64> {
        for t in (0..TIERS.len() as i64).rev() {
            let span: Option<(i64, i64)> = self
                .conn
                .query_row(
                    "SELECT min(at_ms), max(at_ms) FROM samples WHERE tier = ?1",
                    [t],
                    |r| Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?)),
                )
                .map_err(sql("oldest"))?;
            let Some((lo, hi)) = span else { continue };
            let cut = lo + ((hi - lo) / 4).max(1);
            let n = self
                .conn
                .execute(
                    "DELETE FROM samples WHERE tier = ?1 AND at_ms < ?2",
                    params![t, cut],
                )
                .map_err(sql("cap"))?;
            self.conn
                .execute("DELETE FROM markers WHERE at_ms < ?1", [cut])
                .map_err(sql("cap markers"))?;
            return Ok(n as u64);
        }
        Ok(0)
    }

    /// Give free pages back to the file system and fold the WAL into the database.
    fn vacuum(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA incremental_vacuum;")
            .map_err(sql("vacuum"))?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(sql("checkpoint"))
    }
}

/// The container's first sample under a series: when the series had another container
/// before, that is a recreate, kept as a marker at this sample.
fn note_instance(
    tx: &rusqlite::Transaction<'_>,
    series: i64,
    c: &Container,
    at_ms: i64,
) -> Result<()> {
    let added = tx
        .execute(
            "INSERT OR IGNORE INTO instances VALUES (?1, ?2, ?3)",
            params![series, c.id.as_str(), at_ms],
        )
        .map_err(sql("add instance"))?;
    if added == 0 {
        return Ok(());
    }
    let others: i64 = tx
        .query_row(
            "SELECT count(*) FROM instances WHERE series = ?1 AND container <> ?2",
            params![series, c.id.as_str()],
            |r| r.get(0),
        )
        .map_err(sql("count instances"))?;
    if others > 0 {
        tx.execute(
            "INSERT OR IGNORE INTO markers VALUES (?1, ?2, ?3, ?4, 'recreate', ?5, '')",
            params![
                series,
                at_ms,
                at_ms.saturating_mul(1_000_000),
                short_id(c.id.as_str()),
                inert(&c.name).into_owned()
            ],
        )
        .map_err(sql("add recreate marker"))?;
    }
    Ok(())
}

fn centi(pct: f64) -> i64 {
    (pct * 100.0).round() as i64
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

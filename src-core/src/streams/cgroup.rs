//! Reading a local container's counters straight from its cgroup and network namespace.
//!
//! When the engine runs on this machine, the container's init pid is visible here and its
//! cgroup files hold the same counters the engine's stats API would compute, at no cost to
//! the engine (moby#39664). The cgroup is found through `/proc/<pid>/cgroup`, which works for
//! cgroup v1 and v2 and for the cgroupfs and systemd drivers alike. A container whose cgroup
//! path does not name its id (another host's pid, a rootless engine in a VM) is not ours to
//! read: the caller falls back to the API.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::memo::Memo;
use super::netmap::{self, HostNet, Mapped};
use crate::model::RawStats;

/// Where one container's counters live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CgroupPaths {
    pid: u32,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    V1 {
        cpuacct: PathBuf,
        memory: PathBuf,
        blkio: Option<PathBuf>,
        pids: Option<PathBuf>,
    },
    V2 {
        dir: PathBuf,
    },
}

/// Locate the cgroup of `pid` under `root` (normally `/sys/fs/cgroup`); `None` when it is
/// not readable here or does not belong to container `id`.
pub(crate) fn locate(root: &Path, proc_root: &Path, pid: u32, id: &str) -> Option<CgroupPaths> {
    let text = fs::read_to_string(proc_root.join(pid.to_string()).join("cgroup")).ok()?;
    let mut v1: Vec<(Vec<&str>, &str)> = Vec::new();
    let mut v2: Option<&str> = None;
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, ctrls, path) = (parts.next()?, parts.next()?, parts.next()?);
        if ctrls.is_empty() {
            v2 = Some(path);
        } else {
            v1.push((ctrls.split(',').collect(), path));
        }
    }
    let in_container = |p: &str| p.contains(id);
    let find = |name: &str| -> Option<PathBuf> {
        let (ctrls, path) = v1.iter().find(|(c, _)| c.contains(&name))?;
        if !in_container(path) {
            return None;
        }
        let rel = path.trim_start_matches('/');
        // The hierarchy is mounted under its joined controller name, with symlinks per name.
        [ctrls.join(","), name.to_owned()]
            .iter()
            .map(|m| root.join(m).join(rel))
            .find(|p| p.is_dir())
    };
    if let (Some(cpuacct), Some(memory)) = (find("cpuacct"), find("memory")) {
        return Some(CgroupPaths {
            pid,
            kind: Kind::V1 {
                cpuacct,
                memory,
                blkio: find("blkio"),
                pids: find("pids"),
            },
        });
    }
    let path = v2.filter(|p| in_container(p))?;
    let dir = root.join(path.trim_start_matches('/'));
    dir.join("cpu.stat").is_file().then_some(CgroupPaths {
        pid,
        kind: Kind::V2 { dir },
    })
}

/// `key value` lines (memory.stat, cpu.stat).
fn keyed(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

/// Sum of rx and tx bytes over every interface but loopback, from `/proc/<pid>/net/dev`.
pub(crate) fn net_dev(text: &str) -> (u64, u64) {
    let (mut rx, mut tx) = (0u64, 0u64);
    for (iface, r, t) in netmap::lines(text) {
        if iface != "lo" {
            // Saturating: a file's numbers are outside input (overflow panics in debug).
            rx = rx.saturating_add(r);
            tx = tx.saturating_add(t);
        }
    }
    (rx, tx)
}

/// v1 `blkio.throttle.io_service_bytes*`: `8:0 Read 4096` lines.
fn blkio_v1(text: &str) -> (u64, u64) {
    let (mut r, mut w) = (0, 0);
    for l in text.lines() {
        let mut f = l.split_whitespace();
        let (_, op, v) = (f.next(), f.next(), f.next());
        let v: u64 = v.and_then(|v| v.parse().ok()).unwrap_or(0);
        match op {
            Some("Read") => r = u64::saturating_add(r, v),
            Some("Write") => w = u64::saturating_add(w, v),
            _ => {}
        }
    }
    (r, w)
}

/// v2 `io.stat`: `8:0 rbytes=4096 wbytes=0 …` lines.
fn io_stat_v2(text: &str) -> (u64, u64) {
    let (mut r, mut w) = (0, 0);
    for tok in text.split_whitespace() {
        if let Some(v) = tok.strip_prefix("rbytes=") {
            r = u64::saturating_add(r, v.parse().unwrap_or(0));
        } else if let Some(v) = tok.strip_prefix("wbytes=") {
            w = u64::saturating_add(w, v.parse().unwrap_or(0));
        }
    }
    (r, w)
}

/// One counter file: kept open and re-read from offset 0 on every sample (kernfs, seq_file and
/// procfs files regenerate their content then), or opened for each read when the caller has
/// run out of descriptors to keep.
#[derive(Debug)]
enum Counter {
    Open(File),
    Path(PathBuf),
}

/// A read of a kept-open counter file that returns fewer bytes than this ends the file. These
/// are seq_file files (kernfs cgroup files, procfs `net/dev`): a read returns less than asked
/// only at the end, or when the next record would not fit the rest of seq_file's page-sized
/// buffer, which cannot happen before 2 KiB with records (one cgroup file, one interface line)
/// under 2 KiB. Reading on to a 0-byte read instead cost 300 × 7 extra syscalls a second at
/// 300 containers.
const SHORT_READ_ENDS: usize = 2048;

impl Counter {
    fn new(path: PathBuf, keep_open: bool) -> Counter {
        if keep_open {
            if let Ok(f) = File::open(&path) {
                return Counter::Open(f);
            }
        }
        Counter::Path(path)
    }

    /// The file's whole content into `buf` (cleared first).
    fn read_into(&self, buf: &mut Vec<u8>) -> io::Result<()> {
        buf.clear();
        match self {
            Counter::Path(p) => File::open(p)?.read_to_end(buf).map(|_| ()),
            Counter::Open(f) => {
                let mut chunk = [0u8; 4096];
                loop {
                    let n = f.read_at(&mut chunk, buf.len() as u64)?;
                    buf.extend_from_slice(&chunk[..n]);
                    // A short read is the end (see SHORT_READ_ENDS): no second call to learn it,
                    // which would cost a syscall and, for net/dev, a device lookup.
                    if n < SHORT_READ_ENDS {
                        return Ok(());
                    }
                }
            }
        }
    }

    fn text<'b>(&self, buf: &'b mut Vec<u8>) -> Option<&'b str> {
        self.read_into(buf).ok()?;
        std::str::from_utf8(buf).ok()
    }

    fn u64(&self, buf: &mut Vec<u8>) -> Option<u64> {
        self.text(buf)?.trim().parse().ok()
    }
}

/// One container's counter files, opened once (see [`Counter`]).
#[derive(Debug)]
pub(crate) struct Cgroup {
    files: Files,
    /// The container's own `net/dev`, and where its network counters are read from now.
    net_dev: Counter,
    net: std::sync::Mutex<Net>,
    /// `/proc/PID` of its init process.
    pid_dir: PathBuf,
    /// Whether the files are held open (each costs a file descriptor).
    open: bool,
    /// Readings reused while they hold (see [`super::memo`]): `memory.stat`'s inactive file
    /// cache, keyed by memory usage;
    mem_stat_memo: Memo<u64>,
    /// block I/O read and written (v1) and the process count, keyed by CPU time (v2: the
    /// process count only);
    io_pids_memo: Memo<(u64, u64, u64)>,
    /// the memory limit.
    limit_memo: Memo<u64>,
}

#[derive(Debug)]
enum Files {
    V1 {
        usage: Counter,
        mem_usage: Counter,
        mem_limit: Counter,
        mem_stat: Counter,
        /// `blkio.throttle.io_service_bytes_recursive`, or the older name.
        blkio: Option<Counter>,
        pids: Option<Counter>,
    },
    V2 {
        cpu_stat: Counter,
        mem_current: Counter,
        mem_max: Counter,
        mem_stat: Counter,
        io_stat: Counter,
        pids: Counter,
    },
}

/// Where a container's network counters come from (see [`super::netmap`]).
#[derive(Debug)]
enum Net {
    /// Its own `net/dev`; mapping to the host's table is tried at `retry_at_ms`.
    Own { retry_at_ms: i64 },
    /// The host's table; its own interface list is checked again at `recheck_at_ms`.
    Host { mapped: Mapped, recheck_at_ms: i64 },
}

/// How many files [`open`] holds per container when `keep_open`.
pub(crate) const FILES_PER_CONTAINER: usize = 7;

/// Open the counter files of a located cgroup; with `keep_open`, they stay open until the
/// returned value is dropped.
pub(crate) fn open(paths: &CgroupPaths, proc_root: &Path, keep_open: bool) -> Cgroup {
    let c = |p: PathBuf| Counter::new(p, keep_open);
    let files = match &paths.kind {
        Kind::V1 {
            cpuacct,
            memory,
            blkio,
            pids,
        } => Files::V1 {
            usage: c(cpuacct.join("cpuacct.usage")),
            mem_usage: c(memory.join("memory.usage_in_bytes")),
            mem_limit: c(memory.join("memory.limit_in_bytes")),
            mem_stat: c(memory.join("memory.stat")),
            blkio: blkio.as_ref().map(|b| {
                let recursive = b.join("blkio.throttle.io_service_bytes_recursive");
                c(if recursive.exists() {
                    recursive
                } else {
                    b.join("blkio.throttle.io_service_bytes")
                })
            }),
            pids: pids.as_ref().map(|p| c(p.join("pids.current"))),
        },
        Kind::V2 { dir } => Files::V2 {
            cpu_stat: c(dir.join("cpu.stat")),
            mem_current: c(dir.join("memory.current")),
            mem_max: c(dir.join("memory.max")),
            mem_stat: c(dir.join("memory.stat")),
            io_stat: c(dir.join("io.stat")),
            pids: c(dir.join("pids.current")),
        },
    };
    let pid_dir = proc_root.join(paths.pid.to_string());
    Cgroup {
        files,
        net_dev: c(pid_dir.join("net/dev")),
        net: std::sync::Mutex::new(Net::Own {
            retry_at_ms: i64::MIN,
        }),
        pid_dir,
        open: keep_open,
        mem_stat_memo: Memo::default(),
        io_pids_memo: Memo::default(),
        limit_memo: Memo::default(),
    }
}

impl Cgroup {
    pub(crate) fn is_open(&self) -> bool {
        self.open
    }
}

/// Read one container's counters; `None` if its cgroup vanished (it stopped). `buf` is
/// scratch space, reused between calls; `host` is the host's interface table read on this
/// tick, if it was (see [`super::netmap`]).
pub(crate) fn read(
    cg: &Cgroup,
    host_mem: u64,
    at_ms: i64,
    buf: &mut Vec<u8>,
    host: Option<&mut HostNet>,
) -> Option<RawStats> {
    let mut s = RawStats {
        at_ms,
        online_cpus: 0,
        ..Default::default()
    };
    // An unlimited cgroup reports a huge limit; show the host's memory as docker does.
    let cap = |l: u64| if host_mem > 0 { l.min(host_mem) } else { l };
    match &cg.files {
        Files::V1 {
            usage,
            mem_usage,
            mem_limit,
            mem_stat,
            blkio,
            pids,
        } => {
            s.cpu_total_ns = usage.u64(buf)?;
            s.mem_usage = mem_usage.u64(buf)?;
            s.mem_limit = cap(limit(cg, mem_limit, at_ms, buf));
            s.mem_inactive_file = inactive_file(cg, mem_stat, "total_inactive_file", &s, buf);
            let io_pids = cg.io_pids_memo.get_or_read(s.cpu_total_ns, at_ms, || {
                let (r, w) = blkio
                    .as_ref()
                    .and_then(|b| b.text(buf))
                    .map_or((0, 0), blkio_v1);
                Some((r, w, pids.as_ref().and_then(|p| p.u64(buf)).unwrap_or(0)))
            });
            (s.blk_read, s.blk_write, s.pids) = io_pids.unwrap_or_default();
        }
        Files::V2 {
            cpu_stat,
            mem_current,
            mem_max,
            mem_stat,
            io_stat,
            pids,
        } => {
            s.cpu_total_ns = keyed(cpu_stat.text(buf)?, "usage_usec")?.saturating_mul(1000);
            s.mem_usage = mem_current.u64(buf).unwrap_or(0);
            s.mem_limit = cap(limit(cg, mem_max, at_ms, buf));
            s.mem_inactive_file = inactive_file(cg, mem_stat, "inactive_file", &s, buf);
            // Read on every tick: writeback charges a sleeping container (see super::memo).
            if let Some(t) = io_stat.text(buf) {
                (s.blk_read, s.blk_write) = io_stat_v2(t);
            }
            let io_pids = cg.io_pids_memo.get_or_read(s.cpu_total_ns, at_ms, || {
                Some((0, 0, pids.u64(buf).unwrap_or(0)))
            });
            s.pids = io_pids.map_or(0, |(_, _, p)| p);
        }
    }
    if let Some((rx, tx)) = net(cg, at_ms, buf, host) {
        (s.net_rx, s.net_tx) = (rx, tx);
    }
    Some(s)
}

/// Whether reading this container needs the host's interface table on this tick.
pub(crate) fn wants_host_net(cg: &Cgroup, at_ms: i64) -> bool {
    match &*cg
        .net
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        Net::Host { .. } => true,
        Net::Own { retry_at_ms } => due(*retry_at_ms, at_ms),
    }
}

/// `at_ms` has reached `at`, or the clock went back by more than a recheck.
fn due(at: i64, at_ms: i64) -> bool {
    at_ms >= at || at.saturating_sub(at_ms) > netmap::RECHECK_MS
}

/// A container's (received, sent) bytes over its interfaces but loopback: from the host's table
/// when it is mapped there, else from its own `net/dev` (and then mapped when it can be).
fn net(
    cg: &Cgroup,
    at_ms: i64,
    buf: &mut Vec<u8>,
    host: Option<&mut HostNet>,
) -> Option<(u64, u64)> {
    let mut state = cg
        .net
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut ends_gone = false;
    if let (
        Net::Host {
            mapped,
            recheck_at_ms,
        },
        Some(h),
    ) = (&*state, host.as_deref())
    {
        match h.container_counters(&mapped.peers) {
            Some(c) if !due(*recheck_at_ms, at_ms) => return Some(c),
            Some(_) => {}
            None => ends_gone = true,
        }
    }
    let own = cg.net_dev.text(buf)?;
    let counters = net_dev(own);
    let next = match (&*state, host) {
        // Re-listed: the same interfaces, their ends still there, keep their mapping.
        (Net::Host { mapped, .. }, Some(_)) if !ends_gone && mapped.still_listed(own) => {
            Some(Net::Host {
                mapped: mapped.clone(),
                recheck_at_ms: at_ms.saturating_add(netmap::RECHECK_MS),
            })
        }
        (Net::Host { .. }, Some(h)) => Some(map(h, own, cg, at_ms)),
        (Net::Own { retry_at_ms }, Some(h)) if due(*retry_at_ms, at_ms) => {
            Some(map(h, own, cg, at_ms))
        }
        _ => None,
    };
    if let Some(n) = next {
        *state = n;
    }
    Some(counters)
}

fn map(h: &mut HostNet, own: &str, cg: &Cgroup, at_ms: i64) -> Net {
    let next = at_ms.saturating_add(netmap::RECHECK_MS);
    match h.map(own, &cg.pid_dir) {
        Some(mapped) => Net::Host {
            mapped,
            recheck_at_ms: next,
        },
        None => Net::Own { retry_at_ms: next },
    }
}

/// The inactive file cache `key` of `memory.stat`, read again only when the remembered one no
/// longer holds for the usage counter in `s` (see [`super::memo`]); 0 when unreadable.
fn inactive_file(
    cg: &Cgroup,
    mem_stat: &Counter,
    key: &str,
    s: &RawStats,
    buf: &mut Vec<u8>,
) -> u64 {
    cg.mem_stat_memo
        .get_or_read(s.mem_usage, s.at_ms, || {
            mem_stat.text(buf).and_then(|t| keyed(t, key))
        })
        .unwrap_or(0)
}

/// The memory limit (`u64::MAX`: none, or unreadable), read again at most every
/// [`super::memo::MAX_AGE_MS`].
fn limit(cg: &Cgroup, file: &Counter, at_ms: i64, buf: &mut Vec<u8>) -> u64 {
    cg.limit_memo
        .get_or_read(0, at_ms, || Some(file.u64(buf).unwrap_or(u64::MAX)))
        .unwrap_or(u64::MAX)
}

/// Host memory in bytes from `/proc/meminfo`.
pub(crate) fn host_memory(proc_root: &Path) -> u64 {
    fs::read_to_string(proc_root.join("meminfo"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &Path, s: &str) {
        if let Some(d) = p.parent() {
            fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
        }
        fs::write(p, s).unwrap_or_else(|e| panic!("{e}"));
    }

    const NET_DEV: &str = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     500       5    0    0    0     0          0         0      500       5    0    0    0     0       0          0
  eth0:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0
  eth1:      10       1    0    0    0     0          0         0       20       2    0    0    0     0       0          0
";

    #[test]
    fn net_dev_sums_all_but_loopback() {
        assert_eq!(net_dev(NET_DEV), (1010, 2020));
    }

    #[test]
    fn cgroup_v1_cgroupfs_layout() {
        let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (root, proc_) = (t.path().join("cg"), t.path().join("proc"));
        let id = "4f1cabc";
        write(
            &proc_.join("42/cgroup"),
            &format!(
                "12:pids:/docker/{id}\n4:cpu,cpuacct:/docker/{id}\n9:memory:/docker/{id}\n3:blkio:/docker/{id}\n1:name=systemd:/docker/{id}\n0::/system.slice/containerd.service\n"
            ),
        );
        write(&proc_.join("42/net/dev"), NET_DEV);
        write(&proc_.join("meminfo"), "MemTotal:       2048 kB\n");
        let cg_dir = root.join("cpu,cpuacct/docker").join(id);
        write(&cg_dir.join("cpuacct.usage"), "123456789\n");
        let mem = root.join("memory/docker").join(id);
        write(&mem.join("memory.usage_in_bytes"), "1000000\n");
        write(&mem.join("memory.limit_in_bytes"), "9223372036854771712\n");
        write(
            &mem.join("memory.stat"),
            "cache 5\ntotal_inactive_file 400000\n",
        );
        write(
            &root
                .join("blkio/docker")
                .join(id)
                .join("blkio.throttle.io_service_bytes"),
            "8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n",
        );
        write(
            &root.join("pids/docker").join(id).join("pids.current"),
            "7\n",
        );

        let paths = locate(&root, &proc_, 42, id).unwrap_or_else(|| panic!("not located"));
        let host = host_memory(&proc_);
        assert_eq!(host, 2048 * 1024);
        let mut buf = Vec::new();
        for keep_open in [true, false] {
            let cg = open(&paths, &proc_, keep_open);
            let s = read(&cg, host, 1, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
            assert_eq!(s.cpu_total_ns, 123_456_789);
            assert_eq!(s.mem_used(), 600_000);
            assert_eq!(s.mem_limit, host, "unlimited shows host memory");
            assert_eq!((s.blk_read, s.blk_write), (4096, 512));
            assert_eq!(s.pids, 7);
            assert_eq!((s.net_rx, s.net_tx), (1010, 2020));
        }
        // Open files are read again from the start: a new value shows.
        let cg = open(&paths, &proc_, true);
        write(&cg_dir.join("cpuacct.usage"), "223456789\n");
        let s = read(&cg, host, 2, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(s.cpu_total_ns, 223_456_789);
        // The tick after: every memo is confirmed; from now on each holds while its key does.
        read(&cg, host, 3, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        // memory.stat is read again only when usage moved or the last reading aged out; block
        // I/O and the process count only when CPU time moved; the limit only when aged out.
        write(
            &mem.join("memory.stat"),
            "cache 5\ntotal_inactive_file 300000\n",
        );
        let blkio = root
            .join("blkio/docker")
            .join(id)
            .join("blkio.throttle.io_service_bytes");
        write(
            &blkio,
            "8:0 Read 8192\n8:0 Write 512\n8:0 Total 8704\nTotal 8704\n",
        );
        let pids = root.join("pids/docker").join(id).join("pids.current");
        write(&pids, "9\n");
        write(&mem.join("memory.limit_in_bytes"), "1048576\n");
        let s = read(&cg, host, 4, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(s.mem_used(), 600_000, "usage unchanged: the reading holds");
        assert_eq!(
            (s.blk_read, s.pids),
            (4096, 7),
            "CPU time unchanged: they hold"
        );
        assert_eq!(s.mem_limit, host, "the limit holds");
        assert_eq!((s.net_rx, s.net_tx), (1010, 2020));
        let later = 3 + super::super::memo::MAX_AGE_MS;
        let s = read(&cg, host, later, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(s.mem_used(), 700_000, "aged out: read again");
        assert_eq!((s.blk_read, s.pids), (8192, 9), "aged out: read again");
        assert_eq!(s.mem_limit, 1_048_576, "aged out: read again");
        write(
            &mem.join("memory.stat"),
            "cache 5\ntotal_inactive_file 900000\n",
        );
        write(&mem.join("memory.usage_in_bytes"), "1000001\n");
        write(&pids, "3\n");
        let s = read(&cg, host, later + 1, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(s.mem_used(), 100_001, "usage moved: read again at once");
        assert_eq!(s.pids, 9, "CPU time unchanged");
        write(&cg_dir.join("cpuacct.usage"), "323456789\n");
        let s = read(&cg, host, later + 2, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(s.pids, 3, "CPU time moved: read again at once");
        // The network can receive while the container sleeps: read on every tick.
        write(
            &proc_.join("42/net/dev"),
            &NET_DEV.replace(" 1000 ", " 3000 "),
        );
        let s = read(&cg, host, later + 3, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(s.net_rx, 3010);
        // Another container's pid is not ours to read.
        assert_eq!(locate(&root, &proc_, 42, "ffff0000"), None);
    }

    #[test]
    fn network_counters_come_from_the_host_table_once_mapped() {
        use super::super::netmap::tests::{dev, host, iface};
        let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (root, proc_) = (t.path().join("cg"), t.path().join("proc"));
        let id = "beef02";
        write(
            &proc_.join("42/cgroup"),
            &format!("0::/system.slice/docker-{id}.scope\n"),
        );
        let dir = root.join(format!("system.slice/docker-{id}.scope"));
        write(&dir.join("cpu.stat"), "usage_usec 2500\n");
        write(&dir.join("memory.current"), "8192\n");
        iface(&proc_.join("42/root/sys/class/net"), "eth0", 2, 12);
        let own = proc_.join("42/net/dev");
        write(&own, &dev(&[("lo", 1, 1), ("eth0", 1000, 2000)]));
        let mut h = host(t.path());
        let paths = locate(&root, &proc_, 42, id).unwrap_or_else(|| panic!("not located"));
        let cg = open(&paths, &proc_, true);
        let mut buf = Vec::new();
        let mut tick = |at: i64, h: &mut HostNet| {
            assert!(wants_host_net(&cg, at));
            assert!(h.refresh(at));
            read(&cg, 1 << 30, at, &mut buf, Some(h)).unwrap_or_else(|| panic!("unreadable"))
        };
        // The first tick reads its own file and maps it.
        let s = tick(1, &mut h);
        assert_eq!((s.net_rx, s.net_tx), (1000, 2000));
        // Then the host's table is what counts: its own file is not read.
        write(&own, &dev(&[("lo", 1, 1), ("eth0", 1000, 2000)]));
        let s = tick(2, &mut h);
        assert_eq!((s.net_rx, s.net_tx), (1000, 2000));
        // A tick that does not read the host's table (too few containers for it to pay)
        // reads the container's own file, and the mapping is kept for the next that does.
        write(&own, &dev(&[("lo", 1, 1), ("eth0", 1100, 2100)]));
        let s =
            read(&cg, 1 << 30, 2, &mut Vec::new(), None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!((s.net_rx, s.net_tx), (1100, 2100));
        assert!(wants_host_net(&cg, 2));
        write(&own, &dev(&[("lo", 1, 1), ("eth0", 1, 1)]));
        let host_dev = proc_.join("self/net/dev");
        write(&host_dev, &dev(&[("lo", 9, 9), ("vethA", 2500, 1700)]));
        let s = tick(3, &mut h);
        assert_eq!((s.net_rx, s.net_tx), (1700, 2500));
        // Its host end is gone (disconnected): its own file, on the same tick.
        write(&host_dev, &dev(&[("lo", 9, 9)]));
        let s = tick(4, &mut h);
        assert_eq!((s.net_rx, s.net_tx), (1, 1));
        // Not mapped again at once (its end is gone), but after a recheck period.
        assert!(!wants_host_net(&cg, 5));
        assert!(wants_host_net(&cg, 4 + netmap::RECHECK_MS));
    }

    #[test]
    fn cgroup_v2_systemd_layout() {
        let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (root, proc_) = (t.path().join("cg"), t.path().join("proc"));
        let id = "beef01";
        write(
            &proc_.join("7/cgroup"),
            &format!("0::/system.slice/docker-{id}.scope\n"),
        );
        let dir = root.join(format!("system.slice/docker-{id}.scope"));
        write(&dir.join("cpu.stat"), "usage_usec 2500\nuser_usec 2000\n");
        write(&dir.join("memory.current"), "8192\n");
        write(&dir.join("memory.max"), "max\n");
        write(&dir.join("memory.stat"), "anon 4096\ninactive_file 1024\n");
        write(
            &dir.join("io.stat"),
            "8:0 rbytes=100 wbytes=200 rios=1 wios=2\n",
        );
        write(&dir.join("pids.current"), "2\n");
        let paths = locate(&root, &proc_, 7, id).unwrap_or_else(|| panic!("not located"));
        let cg = open(&paths, &proc_, true);
        let mut buf = Vec::new();
        let s = read(&cg, 1 << 30, 1, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!(s.cpu_total_ns, 2_500_000);
        assert_eq!(s.mem_used(), 7168);
        assert_eq!(s.mem_limit, 1 << 30);
        assert_eq!((s.blk_read, s.blk_write), (100, 200));
        assert_eq!(s.pids, 2);
        read(&cg, 1 << 30, 2, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        // v2 charges writeback to the container while it sleeps: io.stat is read on every
        // tick; the process count holds while CPU time does.
        write(
            &dir.join("io.stat"),
            "8:0 rbytes=100 wbytes=900 rios=1 wios=3\n",
        );
        write(&dir.join("pids.current"), "5\n");
        let s = read(&cg, 1 << 30, 3, &mut buf, None).unwrap_or_else(|| panic!("unreadable"));
        assert_eq!((s.blk_read, s.blk_write, s.pids), (100, 900, 2));
    }
}

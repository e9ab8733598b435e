//! A local container's network counters from the host's side of its veth pairs: one read of
//! the host's `net/dev` a tick for every container, instead of one `/proc/PID/net/dev` each.
//!
//! Reading `/proc/PID/net/dev` makes the kernel walk the container's network namespace and
//! format loopback's line and each interface's; at 300 containers that was a fifth of `wharf
//! watch`'s CPU once the cgroup reads were cut (docs/design.md, "`wharf watch` at 300
//! containers"). A container on a bridge network (docker's default) reaches it through a veth
//! pair whose other end is in the host's namespace, and a veth end's received bytes are its
//! peer's sent bytes (the kernel's `veth_get_stats64` reads them from the peer): so the host's
//! one table holds every such container's counters, crossed.
//!
//! **Mapping.** When a container is located, each of its interfaces but loopback is followed to
//! its peer: the interface's `iflink` (the peer's index) in the container's own sysfs
//! (`/proc/PID/root/sys/class/net/IF/iflink`, opened non-blocking and accepted only when it is
//! a regular file on sysfs, since the container's file system is the container's to shape),
//! then the host interface with that index. The pairing is kept only when the host end's own
//! `iflink` is the container interface's index (both ends name each other) and the host end's
//! counters, read first, are at most the container's, crossed: an index that means another
//! interface in another namespace (a second engine in its own network namespace, a macvlan, a
//! container that renamed or faked things) fails one of these. Anything that does not map (host
//! or no network, user namespaces, a sysfs-less container) is read from its own `net/dev` as
//! before, and mapping is tried again every [`RECHECK_MS`].
//!
//! **Keeping it true.** A peer that leaves the host's table (the network was disconnected, the
//! container stopped) sends the container back to its own `net/dev` at once, on that tick.
//! Every [`RECHECK_MS`] the container's own interface list is read again: a network connected
//! while it runs is counted from then on (so within 10 s, where its own `net/dev` would show it
//! on the next tick).

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// How often an unmapped container is tried again, and a mapped one's interfaces re-listed.
pub(crate) const RECHECK_MS: i64 = 10_000;

/// One container's own `net/dev` read costs about as much as this many lines of the host's
/// table (measured: a read ≈ 5 µs, walking its namespace's two devices; a host line ≈ 1–2 µs,
/// formatting one device and summing its per-CPU counters). The host's table is read only for
/// a tick that reads at least one container per this many host interfaces: a desktop's Stats
/// tab watching one container on a host with 330 interfaces read all 330 lines a second to
/// use one of them (≈ 0.08 % of a core), where its own file costs two.
pub(crate) const LINES_PER_OWN_READ: usize = 4;

/// `/proc/…/net/dev` lines: interface name, received bytes, sent bytes (loopback included).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (&str, u64, u64)> {
    text.lines().skip(2).filter_map(|line| {
        let (iface, rest) = line.split_once(':')?;
        // Receive bytes first, transmit bytes ninth; no allocation per line.
        let mut f = rest.split_ascii_whitespace().map(str::parse::<u64>);
        match (f.next(), f.nth(7)) {
            (Some(Ok(r)), Some(Ok(t))) => Some((iface.trim(), r, t)),
            _ => None,
        }
    })
}

/// The host's interfaces and their counters, read once per tick.
#[derive(Debug)]
pub(crate) struct HostNet {
    /// `net/dev` of the namespace Wharf runs in.
    dev: PathBuf,
    file: Option<File>,
    /// `/sys/class/net` of that namespace.
    class_net: PathBuf,
    buf: Vec<u8>,
    /// Name → (received, sent, the refresh that saw it), as of the last [`HostNet::refresh`].
    table: HashMap<String, (u64, u64, u32)>,
    /// Counts refreshes; entries not seen by the last one are dropped.
    generation: u32,
    /// When the table was last read (Unix ms; `None`: never), and how many lines it had.
    refreshed: Option<(i64, usize)>,
    /// [`LINES_PER_OWN_READ`], or another ratio (`HubConfig::net_table_lines_per_read`).
    lines_per_read: usize,
    /// Interface index → name; rebuilt when an index is not in it (at most once a refresh).
    by_index: HashMap<u32, String>,
    by_index_fresh: bool,
}

impl HostNet {
    pub(crate) fn new(proc_root: &Path, class_net: PathBuf) -> HostNet {
        HostNet {
            dev: proc_root.join("self/net/dev"),
            file: None,
            class_net,
            buf: Vec::new(),
            table: HashMap::new(),
            generation: 0,
            refreshed: None,
            lines_per_read: LINES_PER_OWN_READ,
            by_index: HashMap::new(),
            by_index_fresh: false,
        }
    }

    /// The same, reading the table for a tick that reads one container per `n` of its lines.
    pub(crate) fn lines_per_read(mut self, n: usize) -> HostNet {
        self.lines_per_read = n;
        self
    }

    /// Whether a tick that reads `containers` containers at `now_ms` should read the host's
    /// table: when it has never been read, when the tick reads at least one container per
    /// [`LINES_PER_OWN_READ`] lines of it (or the ratio given), or when it was last read
    /// [`RECHECK_MS`] ago (so its size follows the host, and mapping is tried, even for a tick
    /// that reads few). A table that could not be read is tried again only after that period.
    pub(crate) fn pays_for(&self, containers: usize, now_ms: i64) -> bool {
        match self.refreshed {
            None => true,
            Some((at, lines)) => {
                containers.saturating_mul(self.lines_per_read) >= lines
                    || now_ms.saturating_sub(at) >= RECHECK_MS
                    || now_ms < at
            }
        }
    }

    /// Read the host's table again at `now_ms`; `false` (and an empty table) if it cannot be
    /// read. Entries are updated in place: a tick allocates only for a new interface.
    pub(crate) fn refresh(&mut self, now_ms: i64) -> bool {
        self.by_index_fresh = false;
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let text = match self.read() {
            Ok(()) => std::str::from_utf8(&self.buf).unwrap_or(""),
            Err(e) => {
                tracing::debug!("{}: {e}", self.dev.display());
                self.file = None;
                self.table.clear();
                // As if endless: not opened again on every tick, only after a recheck period.
                self.refreshed = Some((now_ms, usize::MAX));
                return false;
            }
        };
        let mut seen = 0;
        for (name, rx, tx) in lines(text) {
            seen += 1;
            match self.table.get_mut(name) {
                Some(e) => *e = (rx, tx, generation),
                None => {
                    self.table.insert(name.to_owned(), (rx, tx, generation));
                }
            }
        }
        if seen < self.table.len() {
            self.table.retain(|_, e| e.2 == generation);
        }
        self.refreshed = Some((now_ms, seen));
        true
    }

    /// The whole file, read on from where the last read ended until a read returns nothing.
    /// seq_file hands out at most a page per read; a read from the offset where the previous
    /// one ended continues its walk, where any other offset would make the kernel walk and
    /// format the devices again from the first.
    fn read(&mut self) -> io::Result<()> {
        if self.file.is_none() {
            self.file = Some(File::open(&self.dev)?);
        }
        let Some(f) = &self.file else {
            return Ok(());
        };
        let mut len = 0;
        loop {
            if self.buf.len() < len + 8192 {
                self.buf.resize(len + 8192, 0);
            }
            let n = f.read_at(&mut self.buf[len..], len as u64)?;
            if n == 0 {
                break;
            }
            len += n;
        }
        self.buf.truncate(len);
        Ok(())
    }

    /// The (received, sent) of a container whose interfaces' host ends are `peers`, crossed
    /// back to the container's side; `None` if one of them is no longer there.
    pub(crate) fn container_counters(&self, peers: &[String]) -> Option<(u64, u64)> {
        let (mut rx, mut tx) = (0u64, 0u64);
        for p in peers {
            let &(host_rx, host_tx, _) = self.table.get(p)?;
            rx = rx.saturating_add(host_tx);
            tx = tx.saturating_add(host_rx);
        }
        Some((rx, tx))
    }

    /// The name of the host interface with index `ifindex`.
    fn name_of(&mut self, ifindex: u32) -> Option<String> {
        if !self.by_index.contains_key(&ifindex) && !self.by_index_fresh {
            self.by_index_fresh = true;
            self.by_index.clear();
            for name in self.table.keys() {
                let index = std::fs::read_to_string(self.class_net.join(name).join("ifindex"))
                    .ok()
                    .and_then(|t| t.trim().parse().ok());
                if let Some(i) = index {
                    self.by_index.insert(i, name.clone());
                }
            }
        }
        self.by_index.get(&ifindex).cloned()
    }

    /// The host ends of every interface but loopback listed in `own` (a container's own
    /// `net/dev`, read after this table) of the container whose `/proc` directory is `pid_dir`,
    /// with the container's names of them, if each is one end of a veth pair whose other end is
    /// in this table: each end's `iflink` is the other's index, and the host end's counters
    /// (read first) are at most the container's crossed. `None` otherwise, or when it has no
    /// interface but loopback.
    pub(crate) fn map(&mut self, own: &str, pid_dir: &Path) -> Option<Mapped> {
        let mut m = Mapped::default();
        for (name, rx, tx) in lines(own) {
            if name == "lo" {
                continue;
            }
            let peer = self.name_of(container_attr(pid_dir, name, "iflink")?)?;
            let back: u32 = std::fs::read_to_string(self.class_net.join(&peer).join("iflink"))
                .ok()?
                .trim()
                .parse()
                .ok()?;
            if back != container_attr(pid_dir, name, "ifindex")? {
                return None;
            }
            let &(host_rx, host_tx, _) = self.table.get(&peer)?;
            if host_rx > tx || host_tx > rx {
                return None;
            }
            m.peers.push(peer);
            m.ifaces.push(name.to_owned());
        }
        (!m.peers.is_empty()).then_some(m)
    }
}

/// A container's interfaces (but loopback) and their host ends, in the same order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Mapped {
    pub(crate) ifaces: Vec<String>,
    pub(crate) peers: Vec<String>,
}

impl Mapped {
    /// Whether `own` (the container's `net/dev`) still lists exactly these interfaces.
    pub(crate) fn still_listed(&self, own: &str) -> bool {
        let mut n = 0;
        for (name, _, _) in lines(own) {
            if name == "lo" {
                continue;
            }
            if !self.ifaces.iter().any(|i| i == name) {
                return false;
            }
            n += 1;
        }
        n == self.ifaces.len()
    }
}

/// `0x62656572`, sysfs's magic number (`statfs(2)`).
const SYSFS_MAGIC: u64 = 0x6265_6572;

/// A number from the container's own sysfs about its interface `name` (`iflink`: the peer's
/// index; `ifindex`: its own). The path is inside the container's file system, which the
/// container shapes: the name must be a plain one, the file is opened non-blocking without
/// following a last symlink, and it must be a regular file on sysfs (a FIFO there would
/// otherwise block the reader for ever).
fn container_attr(pid_dir: &Path, name: &str, attr: &str) -> Option<u32> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        return None;
    }
    let path = pid_dir.join("root/sys/class/net").join(name).join(attr);
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc_flags())
        .open(path)
        .ok()?;
    let meta = f.metadata().ok()?;
    if !meta.is_file() || !on_sysfs(&f) {
        return None;
    }
    let mut buf = [0u8; 32];
    let n = f.read_at(&mut buf, 0).ok()?;
    std::str::from_utf8(&buf[..n]).ok()?.trim().parse().ok()
}

fn libc_flags() -> i32 {
    use rustix::fs::OFlags;
    (OFlags::NONBLOCK | OFlags::NOFOLLOW).bits() as i32
}

#[cfg(not(test))]
fn on_sysfs(f: &File) -> bool {
    rustix::fs::fstatfs(f).is_ok_and(|s| s.f_type as u64 == SYSFS_MAGIC)
}

/// Unit tests build a fake sysfs in a temporary directory.
#[cfg(test)]
fn on_sysfs(f: &File) -> bool {
    let _ = SYSFS_MAGIC;
    f.metadata().is_ok()
}

#[cfg(test)]
#[path = "netmap_tests.rs"]
pub(crate) mod tests;

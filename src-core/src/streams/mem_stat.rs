//! When a container's `memory.stat` is read again.
//!
//! "Used" memory is the usage counter minus the cache the kernel can drop at once
//! (`total_inactive_file` in cgroup v1, `inactive_file` in v2), as docker computes it. The usage
//! counter is one number; the inactive-file figure is only in `memory.stat`, a file of 30–50
//! lines the kernel formats on every read (on v1, summing per-cpu counters of the whole
//! hierarchy): at 300 containers read every second, a fifth of `wharf watch`'s CPU.
//!
//! So `memory.stat` is re-read only when the usage counter differs from the one seen at the
//! last `memory.stat` read, or when that read is [`MEM_STAT_MAX_AGE_MS`] old (or the clock went
//! back). Charging or uncharging pages (a burst of file reads filling the cache, reclaim, a file
//! deleted, anonymous memory) moves the usage counter, so `inactive_file` is fresh on the same
//! tick. What moves `inactive_file` without moving usage is LRU aging between the active and
//! inactive file lists (and, on v1, charges smaller than the per-cpu charge batch): "used"
//! memory may then be off by those pages for at most [`MEM_STAT_MAX_AGE_MS`].

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// The longest a remembered `inactive_file` is used while the usage counter stays the same.
pub(crate) const MEM_STAT_MAX_AGE_MS: i64 = 10_000;

/// The last `memory.stat` reading of one container. Atomics because the cgroup it belongs to
/// is shared (`Arc`) with the blocking reader; one reader at a time, so `Relaxed` suffices.
#[derive(Debug)]
pub(crate) struct MemStatMemo {
    usage: AtomicU64,
    inactive: AtomicU64,
    /// `i64::MIN`: never read.
    at_ms: AtomicI64,
}

impl Default for MemStatMemo {
    fn default() -> Self {
        MemStatMemo {
            usage: AtomicU64::new(0),
            inactive: AtomicU64::new(0),
            at_ms: AtomicI64::new(i64::MIN),
        }
    }
}

impl MemStatMemo {
    /// The remembered `inactive_file`, if it still holds for a usage counter of `usage` read at
    /// `now_ms`; `None`: read `memory.stat` again.
    pub(crate) fn reuse(&self, usage: u64, now_ms: i64) -> Option<u64> {
        let at = self.at_ms.load(Ordering::Relaxed);
        if at == i64::MIN {
            return None;
        }
        let age = now_ms.checked_sub(at)?;
        if !(0..MEM_STAT_MAX_AGE_MS).contains(&age) || self.usage.load(Ordering::Relaxed) != usage {
            return None;
        }
        Some(self.inactive.load(Ordering::Relaxed))
    }

    /// Remember a `memory.stat` reading taken with the usage counter at `usage`.
    pub(crate) fn store(&self, usage: u64, inactive: u64, now_ms: i64) {
        self.usage.store(usage, Ordering::Relaxed);
        self.inactive.store(inactive, Ordering::Relaxed);
        self.at_ms.store(now_ms, Ordering::Relaxed);
    }

    /// Forget the reading (it failed): the next one reads the file.
    pub(crate) fn clear(&self) {
        self.at_ms.store(i64::MIN, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re_read_when_usage_moves_or_the_reading_ages() {
        let m = MemStatMemo::default();
        assert_eq!(m.reuse(100, 0), None, "never read");
        m.store(100, 40, 1_000);
        assert_eq!(m.reuse(100, 1_000), Some(40));
        assert_eq!(m.reuse(100, 1_000 + MEM_STAT_MAX_AGE_MS - 1), Some(40));
        // The bound: never older than MEM_STAT_MAX_AGE_MS.
        assert_eq!(m.reuse(100, 1_000 + MEM_STAT_MAX_AGE_MS), None);
        // Usage moved (a burst of file reads, reclaim): read at once, either way.
        assert_eq!(m.reuse(101, 1_001), None);
        assert_eq!(m.reuse(99, 1_001), None);
        // The clock went back: read.
        assert_eq!(m.reuse(100, 999), None);
        m.clear();
        assert_eq!(m.reuse(100, 1_001), None);
    }
}

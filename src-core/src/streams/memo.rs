//! Which of a container's counter files are read again on a tick, and which readings hold.
//!
//! At 300 containers read every second, each file read is 300 system calls a second, and the
//! kernel formats the file on each (`wharf watch`'s CPU is mostly that). Three kinds of file
//! can only have changed when something else that is read anyway has changed, or change so
//! rarely that a bounded delay is harmless. Each keeps its last reading in a [`Memo`], keyed by
//! the counter whose movement it follows, and is read again when that key differs, on the tick
//! after it moved (so a change that lands just after a read is seen one tick later, not
//! [`MAX_AGE_MS`] later), when the reading is [`MAX_AGE_MS`] old, or when the clock went back:
//!
//! - **`memory.stat`, keyed by the memory usage counter.** "Used" memory is usage minus the
//!   cache the kernel can drop at once (`total_inactive_file` in v1, `inactive_file` in v2), as
//!   docker computes it; that figure is only in `memory.stat`, 30–50 lines the kernel formats
//!   on each read (on v1, summing per-cpu counters of the hierarchy). Charging or uncharging
//!   pages (a burst of file reads filling the cache, reclaim, a deleted file, anonymous memory)
//!   moves usage. What moves `inactive_file` without moving usage is LRU aging between the
//!   active and inactive lists (and, on v1, charges smaller than the per-cpu charge batch):
//!   "used" may be off by those pages for at most [`MAX_AGE_MS`].
//! - **Block I/O (cgroup v1) and the process count, keyed by the CPU time counter.** v1's
//!   `blkio.throttle.io_service_bytes*` counts I/O when it is submitted, by the submitting
//!   task's cgroup: a container's own tasks (io_uring and AIO workers are its tasks too), which
//!   run, so its CPU counter moves. Writeback of its dirty pages is charged to the root cgroup
//!   in v1. A process is created or exits by running in the container (its CPU time moves);
//!   its exit is counted when its parent reaps it, within the tick after. On cgroup v2, the
//!   kernel's flusher threads write a container's dirty pages back on its behalf, so `io.stat`
//!   can move while the container sleeps: it is read on every tick.
//! - **The memory limit, with no key.** It changes only when someone writes it (`docker
//!   update`): the new limit shows within [`MAX_AGE_MS`].
//!
//! A container that runs is read in full on every tick, as before; one that sleeps costs its
//! CPU, memory usage and network counters (the network can receive while it sleeps).

use std::sync::Mutex;

/// The longest a reading is used without reading its file again.
pub(crate) const MAX_AGE_MS: i64 = 10_000;

/// The last reading of one file (or a few read together) of one container, and the key it was
/// taken at. A `Mutex` because the cgroup it belongs to is shared (`Arc`) with the blocking
/// reader; there is one reader at a time, so it is never contended.
#[derive(Debug)]
pub(crate) struct Memo<T: Copy>(Mutex<Option<Entry<T>>>);

#[derive(Debug, Clone, Copy)]
struct Entry<T> {
    key: u64,
    value: T,
    at_ms: i64,
    /// The key was the same at the read before this one: nothing was moving.
    settled: bool,
}

impl<T: Copy> Default for Memo<T> {
    fn default() -> Self {
        Memo(Mutex::new(None))
    }
}

impl<T: Copy> Memo<T> {
    /// The remembered value if it holds for `key` at `now_ms`, else what `read` gives (then
    /// remembered; a failed read is forgotten, so the next call reads again).
    pub(crate) fn get_or_read(
        &self,
        key: u64,
        now_ms: i64,
        read: impl FnOnce() -> Option<T>,
    ) -> Option<T> {
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(e) = *slot {
            let fresh = now_ms
                .checked_sub(e.at_ms)
                .is_some_and(|age| (0..MAX_AGE_MS).contains(&age));
            if e.key == key && e.settled && fresh {
                return Some(e.value);
            }
        }
        let value = read();
        *slot = value.map(|value| Entry {
            key,
            value,
            at_ms: now_ms,
            settled: slot.is_some_and(|e| e.key == key),
        });
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls `get_or_read` with a reader that returns `file` and counts the reads.
    fn get(
        m: &Memo<u64>,
        key: u64,
        now_ms: i64,
        file: Option<u64>,
        reads: &mut u32,
    ) -> Option<u64> {
        m.get_or_read(key, now_ms, || {
            *reads += 1;
            file
        })
    }

    #[test]
    fn read_again_when_the_key_moves_the_tick_after_or_when_the_reading_ages() {
        let m = Memo::default();
        let mut reads = 0;
        assert_eq!(
            get(&m, 100, 1_000, Some(40), &mut reads),
            Some(40),
            "never read"
        );
        // Not settled yet: the first reading at a key is confirmed once.
        assert_eq!(get(&m, 100, 2_000, Some(41), &mut reads), Some(41));
        assert_eq!(reads, 2);
        // Settled: the file changes, the key does not, the reading holds…
        assert_eq!(get(&m, 100, 3_000, Some(42), &mut reads), Some(41));
        assert_eq!(
            get(&m, 100, 2_000 + MAX_AGE_MS - 1, Some(42), &mut reads),
            Some(41)
        );
        assert_eq!(reads, 2);
        // …never longer than MAX_AGE_MS.
        assert_eq!(
            get(&m, 100, 2_000 + MAX_AGE_MS, Some(42), &mut reads),
            Some(42)
        );
        assert_eq!(reads, 3);
        // The key moved: read at once, and on the next tick too, then it holds again.
        let t = 2_000 + MAX_AGE_MS;
        assert_eq!(get(&m, 101, t + 1_000, Some(50), &mut reads), Some(50));
        assert_eq!(get(&m, 101, t + 2_000, Some(51), &mut reads), Some(51));
        assert_eq!(get(&m, 101, t + 3_000, Some(52), &mut reads), Some(51));
        assert_eq!(reads, 5);
        assert_eq!(
            get(&m, 99, t + 4_000, Some(60), &mut reads),
            Some(60),
            "moved back"
        );
        assert_eq!(get(&m, 99, t + 5_000, Some(61), &mut reads), Some(61));
        // Settled, but the clock went back: read.
        assert_eq!(get(&m, 99, t, Some(62), &mut reads), Some(62));
        assert_eq!(reads, 8);
        // A failed read is not remembered.
        assert_eq!(get(&m, 98, t + 1, None, &mut reads), None);
        assert_eq!(get(&m, 98, t + 2, Some(70), &mut reads), Some(70));
        assert_eq!(reads, 10);
    }
}

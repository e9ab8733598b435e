//! The reorder window of merged logs: lines from several sources, each in order, go out in
//! timestamp order as long as none arrives more than [`REORDER_WINDOW`] late.
//!
//! Lines wait in a heap ordered by timestamp. When the line that arrived first has waited the
//! window, it goes out with every line of an earlier timestamp (earliest first); more than
//! [`MAX_PENDING`] waiting lines push the earliest out at once. So every line is shown at
//! most the window after it arrived, a burst of history from one source and a slower burst
//! from another interleave correctly, and a source whose reader lags behind a flood does not
//! hold a quiet source's lines back: the flood's late lines go out after them, out of place.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::{Duration, Instant};

use super::logs::LogLine;

/// How long a line waits for earlier lines of other sources.
pub const REORDER_WINDOW: Duration = Duration::from_millis(300);

/// At most this many lines wait; beyond it the earliest goes out at once (bounded memory
/// under a flood, ≤ this × 16 KiB of text).
pub const MAX_PENDING: usize = 2048;

/// An engine timestamp as a key that sorts in time order: `YYYY-MM-DDTHH:MM:SS.fffffffff`
/// (the fraction padded to nanoseconds). The engine writes UTC (`Z`); anything that does not
/// look like that sorts as `fallback` (the time it arrived).
pub fn order_key(ts: Option<&str>, fallback: &str) -> String {
    let Some(ts) = ts.and_then(|t| t.strip_suffix('Z')) else {
        return fallback.to_owned();
    };
    let (whole, frac) = ts.split_once('.').unwrap_or((ts, ""));
    if whole.len() != 19 || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return fallback.to_owned();
    }
    format!("{whole}.{frac:0<9}")
}

#[derive(Debug)]
struct Pending {
    key: String,
    /// Arrival order: ties (same timestamp) keep the order lines came in.
    n: u64,
    line: LogLine,
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        (&self.key, self.n) == (&o.key, o.n)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (&self.key, self.n).cmp(&(&o.key, o.n))
    }
}

/// Lines waiting to go out in order.
#[derive(Debug)]
pub struct Reorder {
    heap: BinaryHeap<Reverse<Pending>>,
    /// `(arrived, key, n)` in arrival order, for lines that may still wait.
    arrivals: VecDeque<(Instant, String, u64)>,
    /// Lines ordered up to here are due (raised by overdue arrivals).
    bar: Option<(String, u64)>,
    window: Duration,
    n: u64,
    /// The most that ever waited at once.
    high_water: usize,
}

impl Reorder {
    pub fn new(window: Duration) -> Self {
        Reorder {
            heap: BinaryHeap::new(),
            arrivals: VecDeque::new(),
            bar: None,
            window,
            n: 0,
            high_water: 0,
        }
    }

    /// Hold `line`, ordered by `key` (see [`order_key`]).
    pub fn push(&mut self, key: String, line: LogLine, now: Instant) {
        self.arrivals.push_back((now, key.clone(), self.n));
        self.heap.push(Reverse(Pending {
            key,
            n: self.n,
            line,
        }));
        self.n += 1;
        self.high_water = self.high_water.max(self.heap.len());
    }

    /// The next line due at `now` (see the module's comment); `flush` releases everything.
    pub fn pop_ready(&mut self, now: Instant, flush: bool) -> Option<LogLine> {
        while let Some((at, _, _)) = self.arrivals.front() {
            let overdue = flush
                || now.saturating_duration_since(*at) >= self.window
                || self.arrivals.len() > 2 * MAX_PENDING;
            if !overdue {
                break;
            }
            if let Some((_, key, n)) = self.arrivals.pop_front() {
                if self.bar.as_ref().is_none_or(|b| (&key, n) > (&b.0, b.1)) {
                    self.bar = Some((key, n));
                }
            }
        }
        let top = &self.heap.peek()?.0;
        let due = flush
            || self.heap.len() > MAX_PENDING
            || self
                .bar
                .as_ref()
                .is_some_and(|b| (&top.key, top.n) <= (&b.0, b.1));
        if due {
            self.heap.pop().map(|p| p.0.line)
        } else {
            None
        }
    }

    /// The earliest line if more than [`MAX_PENDING`] wait (while everything else is held).
    pub fn pop_over_cap(&mut self) -> Option<LogLine> {
        if self.heap.len() > MAX_PENDING {
            self.heap.pop().map(|p| p.0.line)
        } else {
            None
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    pub fn high_water(&self) -> usize {
        self.high_water
    }
}

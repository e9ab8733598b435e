//! Resource samples and the maths that turns raw counters into rates and percentages.
//!
//! A [`RawStats`] is one reading of cumulative counters, whether it came from the engine's
//! stats API or from cgroup files. A [`Sample`] is what users see: CPU %, memory used, rates;
//! it needs two readings. CPU % is "of one core" (100 % = one core busy, as `docker stats`
//! shows it) and, when the container has a CPU limit, also "of its limit". Memory used
//! excludes the reclaimable page cache (`inactive_file`), as `docker stats` does.

use serde::{Deserialize, Serialize};

/// Cumulative counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RawStats {
    /// When the reading was taken, Unix milliseconds.
    pub at_ms: i64,
    /// Container CPU time, nanoseconds, cumulative.
    pub cpu_total_ns: u64,
    /// Host CPU time over all CPUs, nanoseconds, cumulative (API readings only).
    pub system_ns: Option<u64>,
    pub online_cpus: u32,
    /// Memory charged to the container, bytes, including page cache.
    pub mem_usage: u64,
    /// Reclaimable page cache (`inactive_file`), subtracted from `mem_usage`.
    pub mem_inactive_file: u64,
    /// Memory limit, bytes (the host's memory when unlimited).
    pub mem_limit: u64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub blk_read: u64,
    pub blk_write: u64,
    pub pids: u64,
}

/// One point of a container's time series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sample {
    /// Unix milliseconds.
    pub at_ms: i64,
    /// CPU use, percent of one core.
    pub cpu_pct: f64,
    /// CPU use, percent of the container's CPU limit, when it has one.
    pub cpu_pct_of_limit: Option<f64>,
    /// Memory used without reclaimable cache, bytes.
    pub mem_used: u64,
    pub mem_limit: u64,
    /// Bytes per second over the interval.
    pub net_rx_rate: f64,
    pub net_tx_rate: f64,
    pub blk_read_rate: f64,
    pub blk_write_rate: f64,
    /// Cumulative totals at `at_ms`.
    pub net_rx_total: u64,
    pub net_tx_total: u64,
    pub blk_read_total: u64,
    pub blk_write_total: u64,
    pub pids: u64,
}

impl RawStats {
    /// Memory in use the way `docker stats` counts it.
    pub fn mem_used(&self) -> u64 {
        self.mem_usage.saturating_sub(self.mem_inactive_file)
    }
}

impl Sample {
    /// Combine two readings of the same container. `cpu_limit` is the container's limit in
    /// cores, if any. Counters that went backwards (a restart) give a zero rate, not a spike.
    pub fn between(prev: &RawStats, cur: &RawStats, cpu_limit: Option<f64>) -> Sample {
        // Saturating: readings come from two clocks (ours, the engine's) and must never panic.
        let secs = (cur.at_ms.saturating_sub(prev.at_ms) as f64 / 1000.0).max(0.0);
        let cpu_delta = cur.cpu_total_ns.checked_sub(prev.cpu_total_ns);
        let cpu_pct = match (cpu_delta, prev.system_ns, cur.system_ns) {
            // Docker's own formula: share of host CPU time, scaled to cores.
            (Some(cpu), Some(sp), Some(sc)) if sc > sp && cur.online_cpus > 0 => {
                cpu as f64 / (sc - sp) as f64 * f64::from(cur.online_cpus) * 100.0
            }
            // Wall-clock formula for cgroup readings: CPU seconds per second.
            (Some(cpu), _, _) if secs > 0.0 => cpu as f64 / 1e9 / secs * 100.0,
            _ => 0.0,
        };
        let rate = |a: u64, b: u64| match b.checked_sub(a) {
            Some(d) if secs > 0.0 => d as f64 / secs,
            _ => 0.0,
        };
        Sample {
            at_ms: cur.at_ms,
            cpu_pct,
            cpu_pct_of_limit: cpu_limit.filter(|l| *l > 0.0).map(|l| cpu_pct / l),
            mem_used: cur.mem_used(),
            mem_limit: cur.mem_limit,
            net_rx_rate: rate(prev.net_rx, cur.net_rx),
            net_tx_rate: rate(prev.net_tx, cur.net_tx),
            blk_read_rate: rate(prev.blk_read, cur.blk_read),
            blk_write_rate: rate(prev.blk_write, cur.blk_write),
            net_rx_total: cur.net_rx,
            net_tx_total: cur.net_tx,
            blk_read_total: cur.blk_read,
            blk_write_total: cur.blk_write,
            pids: cur.pids,
        }
    }

    /// Memory used as a percentage of the limit.
    pub fn mem_pct(&self) -> f64 {
        if self.mem_limit == 0 {
            0.0
        } else {
            self.mem_used as f64 / self.mem_limit as f64 * 100.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(at_ms: i64, cpu: u64) -> RawStats {
        RawStats {
            at_ms,
            cpu_total_ns: cpu,
            online_cpus: 8,
            mem_usage: 300,
            mem_inactive_file: 100,
            mem_limit: 1000,
            ..Default::default()
        }
    }

    #[test]
    fn one_busy_core_is_100_percent_whatever_the_core_count() {
        // lazydocker#662: one busy core on 8 cores must read ~100 %, not 12 %.
        let s = Sample::between(&raw(0, 0), &raw(1000, 1_000_000_000), None);
        assert!((s.cpu_pct - 100.0).abs() < 1e-9, "{}", s.cpu_pct);
        assert_eq!(s.cpu_pct_of_limit, None);
    }

    #[test]
    fn docker_formula_when_system_time_is_known() {
        let mut a = raw(0, 0);
        let mut b = raw(1000, 500_000_000);
        // 8 CPUs over one second = 8e9 ns of host time.
        a.system_ns = Some(10_000_000_000);
        b.system_ns = Some(18_000_000_000);
        let s = Sample::between(&a, &b, Some(0.5));
        assert!((s.cpu_pct - 50.0).abs() < 1e-9);
        // Half a core used under a half-core limit: 100 % of the limit (ctop#200).
        assert!((s.cpu_pct_of_limit.unwrap_or_default() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn memory_excludes_inactive_file() {
        let s = Sample::between(&raw(0, 0), &raw(1000, 0), None);
        assert_eq!(s.mem_used, 200);
        assert!((s.mem_pct() - 20.0).abs() < 1e-9);
    }

    #[test]
    fn counters_going_backwards_give_zero_not_a_spike() {
        let mut a = raw(0, 5_000_000_000);
        a.net_rx = 10_000;
        let mut b = raw(1000, 1_000);
        b.net_rx = 10;
        let s = Sample::between(&a, &b, None);
        assert_eq!(s.cpu_pct, 0.0);
        assert_eq!(s.net_rx_rate, 0.0);
    }

    #[test]
    fn rates_are_per_second() {
        let mut a = raw(0, 0);
        let mut b = raw(2000, 0);
        a.net_tx = 1000;
        b.net_tx = 5000;
        b.blk_write = 4096;
        let s = Sample::between(&a, &b, None);
        assert!((s.net_tx_rate - 2000.0).abs() < 1e-9);
        assert!((s.blk_write_rate - 2048.0).abs() < 1e-9);
    }
}

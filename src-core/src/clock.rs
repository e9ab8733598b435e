//! The one wall clock Wharf reads: milliseconds since the Unix epoch. Everything that dates
//! something (connection states, samples, audit lines, the UIs' ticks) asks here, so a test or a
//! future fake clock has one place to look. Times are written as RFC 3339 UTC here too.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A clock a component can be handed: the system's, or a manual one a test sets and advances
/// (to simulate days of history in no time). Cheap to clone; clones of a manual clock share
/// its time.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// A manual clock reading `start_ms` until set or advanced.
    pub fn manual(start_ms: i64) -> Clock {
        Clock::Manual(Arc::new(AtomicI64::new(start_ms)))
    }

    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => now_ms(),
            Clock::Manual(t) => t.load(Ordering::Relaxed),
        }
    }

    /// Move a manual clock forward by `ms` (no effect on the system clock).
    pub fn advance(&self, ms: i64) {
        if let Clock::Manual(t) = self {
            t.fetch_add(ms, Ordering::Relaxed);
        }
    }

    /// Set a manual clock (no effect on the system clock).
    pub fn set(&self, ms: i64) {
        if let Clock::Manual(t) = self {
            t.store(ms, Ordering::Relaxed);
        }
    }
}

/// Milliseconds since the Unix epoch; 0 if the system clock is before it.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `2026-11-30T12:00:00Z` for Unix seconds (proleptic Gregorian, UTC).
pub fn rfc3339_utc(secs: i64) -> String {
    let (y, m, d, t) = civil(secs);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

/// `2026-11-30T12:00:00.000Z` for Unix milliseconds.
pub fn rfc3339_ms(ms: i64) -> String {
    let (y, m, d, t) = civil(ms.div_euclid(1000));
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        t / 3600,
        t % 3600 / 60,
        t % 60,
        ms.rem_euclid(1000)
    )
}

/// Year, month, day and seconds into the day of Unix seconds (Howard Hinnant's
/// `civil_from_days`).
fn civil(secs: i64) -> (i64, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, secs.rem_euclid(86_400))
}

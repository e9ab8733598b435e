//! The one wall clock Wharf reads: milliseconds since the Unix epoch. Everything that dates
//! something (connection states, samples, audit lines, the UIs' ticks) asks here, so a test or a
//! future fake clock has one place to look.

/// Milliseconds since the Unix epoch; 0 if the system clock is before it.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

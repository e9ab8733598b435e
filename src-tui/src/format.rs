//! Human-readable numbers (sizes, rates, durations, clock times) and engine text made inert.

/// Engine-provided text with control characters and escape sequences removed, and invisible
/// characters (bidi overrides, zero-width) shown as markers: the core's one rule.
pub fn inert(s: &str) -> String {
    wharf_core::streams::text::inert(s).into_owned()
}

/// "stop" → "Stop".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// `1.5GB`, `12MB`, `640B` (powers of 1024, as `docker stats` shows memory).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n}B")
    } else if v < 10.0 {
        format!("{v:.1}{}", UNITS[u])
    } else {
        format!("{v:.0}{}", UNITS[u])
    }
}

/// Bytes per second, short: `0`, `12K`, `1.2M`.
pub fn rate(bps: f64) -> String {
    if bps < 1.0 {
        return "0".into();
    }
    let units = ["", "K", "M", "G"];
    let mut v = bps;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 && u > 0 {
        format!("{v:.1}{}", units[u])
    } else {
        format!("{v:.0}{}", units[u])
    }
}

/// `42s`, `5m`, `3h`, `2d`, `7w`.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        86_400..=1_209_599 => format!("{}d", s / 86_400),
        _ => format!("{}w", s / 604_800),
    }
}

/// `5m ago`.
pub fn ago(secs: i64) -> String {
    format!("{} ago", duration(secs))
}

/// `HH:MM:SS` (UTC) of a Unix time.
pub fn clock(unix_secs: i64) -> String {
    let d = unix_secs.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", d / 3600, d % 3600 / 60, d % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(bytes(640), "640B");
        assert_eq!(bytes(1536), "1.5KiB");
        assert_eq!(bytes(64 << 20), "64MiB");
        assert_eq!(rate(0.2), "0");
        assert_eq!(rate(2048.0), "2.0K");
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(3600 * 5), "5h");
        assert_eq!(clock(3661), "01:01:01");
    }
}

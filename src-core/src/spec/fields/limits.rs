//! Restart policy, resource limits, user and host names, capabilities and the health check.

use crate::spec::run::{Field, HealthSpec, RestartPolicy, RunForm};

use super::{entries, optional, Errors, Parsed};

// ---- policies and limits ------------------------------------------------------------------

pub(crate) fn parse_restart(s: &str) -> Parsed<RestartPolicy> {
    let bad = || format!("restart '{s}' is not one of no, always, unless-stopped, on-failure[:N]");
    match s {
        "no" => Ok(RestartPolicy::No),
        "always" => Ok(RestartPolicy::Always),
        "unless-stopped" => Ok(RestartPolicy::UnlessStopped),
        "on-failure" => Ok(RestartPolicy::OnFailure { max_retries: None }),
        _ => match s.strip_prefix("on-failure:") {
            Some(n) => n
                .parse::<u32>()
                .map(|n| RestartPolicy::OnFailure {
                    max_retries: Some(n),
                })
                .map_err(|_| format!("restart '{s}': the retry count '{n}' is not a number")),
            None => Err(bad()),
        },
    }
}

/// Docker's sizes: `512m`, `1g`, `1.5g`, `100` (bytes), units b k m g t p (powers of 1024),
/// an optional trailing `b` (`512mb`), any case.
pub(crate) fn parse_size(what: &str, s: &str) -> Parsed<u64> {
    let bad = || format!("{what} '{s}' is not a size (use 512m, 1g, bytes)");
    let lower = s.to_ascii_lowercase();
    let t = lower.strip_suffix('b').unwrap_or(&lower);
    let (num, mult): (&str, u64) = match t.char_indices().last() {
        Some((i, 'k')) => (&t[..i], 1 << 10),
        Some((i, 'm')) => (&t[..i], 1 << 20),
        Some((i, 'g')) => (&t[..i], 1 << 30),
        Some((i, 't')) => (&t[..i], 1 << 40),
        Some((i, 'p')) => (&t[..i], 1 << 50),
        _ => (t, 1),
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    let v: f64 = num.parse().map_err(|_| bad())?;
    let bytes = v * mult as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("{what} '{s}' is too large"));
    }
    Ok(bytes as u64)
}

/// `1.5` → 1 500 000 000 nano-CPUs.
pub(super) fn parse_cpus(s: &str) -> Parsed<u64> {
    let bad = || format!("cpus '{s}' is not a number of CPUs (like 0.5 or 2)");
    if !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    let v: f64 = s.parse().map_err(|_| bad())?;
    if v <= 0.0 {
        return Err(format!("cpus '{s}' must be more than 0"));
    }
    if v > 1_000_000.0 {
        return Err(format!("cpus '{s}' is too large"));
    }
    let nano = (v * 1e9).round() as u64;
    if nano < 10_000_000 {
        return Err(format!("cpus '{s}' is below the engine's minimum of 0.01"));
    }
    Ok(nano)
}

pub(super) fn parse_cpu_shares(s: &str) -> Parsed<u32> {
    match s.parse::<u32>() {
        Ok(n) if (2..=262_144).contains(&n) => Ok(n),
        Ok(n) => Err(format!("cpu shares {n} is out of range 2-262144")),
        Err(_) => Err(format!(
            "cpu shares '{s}' is not a number (1024 is the default weight)"
        )),
    }
}

/// `0-2,4`: CPU numbers and ascending ranges.
pub(super) fn parse_cpuset(s: &str) -> Parsed<String> {
    for part in s.split(',') {
        let nums: Vec<&str> = part.splitn(2, '-').collect();
        let parsed: Option<Vec<u32>> = nums.iter().map(|n| n.parse::<u32>().ok()).collect();
        match parsed.as_deref() {
            Some([_]) => {}
            Some([a, b]) if a <= b => {}
            Some([_, _]) => return Err(format!("cpuset range '{part}' ends before it starts")),
            _ => return Err(format!("cpuset '{s}' is not a list of CPUs (like 0-2,4)")),
        }
    }
    Ok(s.to_owned())
}

pub(super) fn parse_pids(s: &str) -> Parsed<i64> {
    match s.parse::<i64>() {
        Ok(-1) => Ok(-1),
        Ok(n) if n > 0 => Ok(n),
        Ok(n) => Err(format!(
            "pids limit {n} must be a positive number, or -1 for unlimited"
        )),
        Err(_) => Err(format!("pids limit '{s}' is not a number")),
    }
}

pub(super) fn parse_user(s: &str) -> Parsed<String> {
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
    };
    let ok = match s.split_once(':') {
        Some((u, g)) => ok_part(u) && ok_part(g),
        None => ok_part(s),
    };
    if ok {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "user '{s}' is not a user: name or uid, optionally :group or :gid"
        ))
    }
}

pub(super) fn parse_workdir(s: &str) -> Parsed<String> {
    if !s.starts_with('/') {
        Err(format!("working dir '{s}' must be an absolute path"))
    } else if s.contains('\0') {
        Err("working dir must not contain a NUL character".into())
    } else {
        Ok(s.to_owned())
    }
}

/// RFC 1123 host names: labels of letters, digits and '-', at most 63 each, 255 in all.
pub(super) fn parse_hostname(s: &str) -> Parsed<String> {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if s.len() <= 255 && s.split('.').all(label_ok) {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "hostname '{s}' is not a host name: letters, digits and '-' between dots, 63 at most per part"
        ))
    }
}

/// Linux capabilities the engine knows (without `CAP_`).
const CAPABILITIES: &[&str] = &[
    "ALL",
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "BPF",
    "CHECKPOINT_RESTORE",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "PERFMON",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];

/// `net_admin`, `CAP_NET_ADMIN` → `NET_ADMIN`.
pub(crate) fn parse_capability(s: &str) -> Parsed<String> {
    let up = s.to_ascii_uppercase();
    let name = up.strip_prefix("CAP_").unwrap_or(&up);
    if CAPABILITIES.contains(&name) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "capability '{s}' is not a Linux capability (like NET_ADMIN, CHOWN, ALL)"
        ))
    }
}

pub(super) fn caps(list: &[String], field: Field, e: &mut Errors) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, s) in entries(list) {
        if let Some(c) = e.take(field, Some(i), parse_capability(s)) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

// ---- health check -------------------------------------------------------------------------

/// Go durations as the engine prints them: `1h2m3s`, `30s`, `500ms`, `1.5s`.
pub(crate) fn parse_duration_ms(what: &str, s: &str) -> Parsed<u64> {
    let bad = || format!("{what} '{s}' is not a duration (use 30s, 1m30s, 500ms)");
    let mut rest = s;
    let mut total = 0f64;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let (num, after) = rest.split_at(n);
        let v: f64 = num.parse().map_err(|_| bad())?;
        let u = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(u);
        let ms = match unit {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" => 1000.0,
            "ms" => 1.0,
            _ => return Err(bad()),
        };
        total += v * ms;
        rest = next;
    }
    if total > 1e15 {
        return Err(format!("{what} '{s}' is too long"));
    }
    let ms = total.round() as u64;
    if ms < 1 {
        return Err(format!("{what} '{s}' must be at least 1ms"));
    }
    Ok(ms)
}

pub(super) fn parse_health(form: &RunForm, e: &mut Errors) -> Option<Option<HealthSpec>> {
    let cmd = form.health_cmd.trim();
    let test = if cmd.is_empty() {
        None
    } else if cmd.eq_ignore_ascii_case("none") {
        Some(vec!["NONE".to_owned()])
    } else if cmd.contains('\0') {
        e.push(
            Field::HealthCmd,
            None,
            "health command must not contain a NUL character".into(),
        );
        return None;
    } else {
        Some(vec!["CMD-SHELL".to_owned(), cmd.to_owned()])
    };
    let interval = e.take(
        Field::HealthInterval,
        None,
        optional(&form.health_interval, |s| {
            parse_duration_ms("health interval", s)
        }),
    )?;
    let timeout = e.take(
        Field::HealthTimeout,
        None,
        optional(&form.health_timeout, |s| {
            parse_duration_ms("health timeout", s)
        }),
    )?;
    let retries = e.take(
        Field::HealthRetries,
        None,
        optional(&form.health_retries, |s| {
            s.parse::<u32>()
                .map_err(|_| format!("health retries '{s}' is not a number"))
        }),
    )?;
    let disabled = test.as_ref().is_some_and(|t| t[0] == "NONE");
    if disabled && (interval.is_some() || timeout.is_some() || retries.is_some()) {
        e.push(
            Field::HealthCmd,
            None,
            "health command none disables the check; leave its timings empty".into(),
        );
        return None;
    }
    if test.is_none() && interval.is_none() && timeout.is_none() && retries.is_none() {
        return Some(None);
    }
    Some(Some(HealthSpec {
        test,
        interval_ms: interval,
        timeout_ms: timeout,
        retries,
    }))
}

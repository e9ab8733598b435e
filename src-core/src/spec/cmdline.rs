//! A run plan as the equivalent `docker run` command line: the arguments, and the line with
//! POSIX shell quoting (so it can be pasted into a shell and gives the same container).

use std::borrow::Cow;

use super::run::{MountKind, MountSpec, RunPlan};

/// Milliseconds as a Go duration the CLI takes (`1m30s`, `500ms`).
pub(crate) fn duration(ms: u64) -> String {
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// Nano-CPUs as `--cpus` takes them (`1.25`).
pub(crate) fn cpus(nano: u64) -> String {
    let (whole, frac) = (nano / 1_000_000_000, nano % 1_000_000_000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:09}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// The `-v` or `--mount` argument of a mount.
pub(crate) fn mount_arg(m: &MountSpec) -> (&'static str, String) {
    if m.long {
        let mut parts = vec![format!("type={}", m.kind.as_str())];
        if !m.source.is_empty() {
            parts.push(format!("source={}", m.source));
        }
        parts.push(format!("target={}", m.target));
        if m.read_only {
            parts.push("readonly".into());
        }
        parts.extend(m.options.iter().cloned());
        return ("--mount", parts.join(","));
    }
    if m.kind == MountKind::Tmpfs {
        return ("--tmpfs", m.target.clone());
    }
    let mut s = if m.source.is_empty() {
        m.target.clone()
    } else {
        format!("{}:{}", m.source, m.target)
    };
    let mut modes: Vec<&str> = m.options.iter().map(String::as_str).collect();
    if m.read_only {
        modes.insert(0, "ro");
    }
    if !modes.is_empty() {
        s.push(':');
        s.push_str(&modes.join(","));
    }
    ("-v", s)
}

/// The arguments after `docker run`, unquoted.
pub(super) fn args(p: &RunPlan) -> Vec<String> {
    let mut a: Vec<String> = vec!["-d".into()];
    let opt = |a: &mut Vec<String>, flag: &str, v: String| {
        a.push(flag.to_owned());
        a.push(v);
    };
    if let Some(n) = &p.name {
        opt(&mut a, "--name", n.clone());
    }
    if p.auto_remove {
        a.push("--rm".into());
    }
    for port in &p.ports {
        let mut s = String::new();
        if let Some(ip) = &port.host_ip {
            if ip.contains(':') {
                s.push_str(&format!("[{ip}]:"));
            } else {
                s.push_str(&format!("{ip}:"));
            }
        }
        match (&port.host_ports, &port.host_ip) {
            (Some(h), _) => s.push_str(&format!("{h}:")),
            (None, Some(_)) => s.push(':'),
            (None, None) => {}
        }
        s.push_str(&format!(
            "{}/{}",
            port.container_port,
            port.protocol.as_str()
        ));
        opt(&mut a, "-p", s);
    }
    if p.publish_all {
        a.push("-P".into());
    }
    for (k, v) in &p.env {
        opt(&mut a, "-e", format!("{k}={v}"));
    }
    for m in &p.mounts {
        let (flag, v) = mount_arg(m);
        opt(&mut a, flag, v);
    }
    for n in &p.networks {
        opt(&mut a, "--network", n.name.clone());
        // The CLI of Docker 20.10 takes aliases for the first network only, as
        // `--network-alias`; further networks are connected after create by Wharf (and by
        // `docker network connect --alias` on a shell).
        if std::ptr::eq(n, &p.networks[0]) {
            for al in &n.aliases {
                opt(&mut a, "--network-alias", al.clone());
            }
        }
    }
    if let Some(r) = &p.restart {
        opt(&mut a, "--restart", r.to_string());
    }
    if let Some(m) = p.memory {
        opt(&mut a, "--memory", m.to_string());
    }
    if let Some(m) = p.memory_swap {
        opt(&mut a, "--memory-swap", m.to_string());
    }
    if let Some(m) = p.memory_reservation {
        opt(&mut a, "--memory-reservation", m.to_string());
    }
    if let Some(n) = p.nano_cpus {
        opt(&mut a, "--cpus", cpus(n));
    }
    if let Some(s) = p.cpu_shares {
        opt(&mut a, "--cpu-shares", s.to_string());
    }
    if let Some(s) = &p.cpuset {
        opt(&mut a, "--cpuset-cpus", s.clone());
    }
    if let Some(n) = p.pids_limit {
        opt(&mut a, "--pids-limit", n.to_string());
    }
    if let Some(u) = &p.user {
        opt(&mut a, "--user", u.clone());
    }
    if let Some(w) = &p.workdir {
        opt(&mut a, "--workdir", w.clone());
    }
    if let Some(h) = &p.hostname {
        opt(&mut a, "--hostname", h.clone());
    }
    for c in &p.cap_add {
        opt(&mut a, "--cap-add", c.clone());
    }
    for c in &p.cap_drop {
        opt(&mut a, "--cap-drop", c.clone());
    }
    if p.privileged {
        a.push("--privileged".into());
    }
    if p.read_only {
        a.push("--read-only".into());
    }
    for (k, v) in &p.labels {
        opt(&mut a, "--label", format!("{k}={v}"));
    }
    if let Some(h) = &p.health {
        match h.test.as_deref() {
            Some([none]) if none == "NONE" => a.push("--no-healthcheck".into()),
            Some([_, cmd]) => opt(&mut a, "--health-cmd", cmd.clone()),
            _ => {}
        }
        if let Some(ms) = h.interval_ms {
            opt(&mut a, "--health-interval", duration(ms));
        }
        if let Some(ms) = h.timeout_ms {
            opt(&mut a, "--health-timeout", duration(ms));
        }
        if let Some(n) = h.retries {
            opt(&mut a, "--health-retries", n.to_string());
        }
    }
    if let Some(pid) = &p.pid {
        opt(&mut a, "--pid", pid.clone());
    }
    if let Some(ep) = &p.entrypoint {
        // The CLI's --entrypoint takes one word; the rest of an entrypoint becomes the first
        // words of the command, which is what the engine runs either way.
        if let Some(first) = ep.first() {
            opt(&mut a, "--entrypoint", first.clone());
        }
    }
    a.push(p.image.to_string());
    if let Some(ep) = &p.entrypoint {
        a.extend(ep.iter().skip(1).cloned());
    }
    if let Some(cmd) = &p.command {
        a.extend(cmd.iter().cloned());
    }
    a
}

/// One word quoted for a POSIX shell (unchanged when it needs no quoting). A NUL cannot be
/// in a shell word at all; the parser refuses it, but a plan is plain data and could be built
/// by hand, so it is dropped here rather than failing.
fn quote(word: &str) -> String {
    let clean: Cow<'_, str> = if word.contains('\0') {
        Cow::Owned(word.replace('\0', ""))
    } else {
        Cow::Borrowed(word)
    };
    shlex::try_quote(&clean).map_or_else(|_| String::new(), Cow::into_owned)
}

/// `docker run -d … image args`, quoted.
pub(super) fn docker_run(p: &RunPlan) -> String {
    let mut out = String::from("docker run");
    for w in args(p) {
        out.push(' ');
        out.push_str(&quote(&w));
    }
    out
}

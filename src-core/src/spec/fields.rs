//! The run form's field parsers: one function per syntax, each returning a message that names
//! the value and the rule, and [`parse_form`], which runs all of them and keeps every error.

use std::collections::BTreeMap;

use crate::model::Protocol;

use super::run::{
    Field, FieldError, HealthSpec, ImageRef, MountKind, MountSpec, NetworkSpec, PortRange,
    PortSpec, RestartPolicy, RunForm, RunPlan,
};

type Parsed<T> = std::result::Result<T, String>;

/// Collects field errors while the form is parsed.
struct Errors(Vec<FieldError>);

impl Errors {
    /// `r`'s value, or `None` with its error recorded against `field` (and `entry`).
    fn take<T>(&mut self, field: Field, entry: Option<usize>, r: Parsed<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(message) => {
                self.0.push(FieldError {
                    field,
                    entry,
                    message,
                });
                None
            }
        }
    }

    fn push(&mut self, field: Field, entry: Option<usize>, message: String) {
        self.0.push(FieldError {
            field,
            entry,
            message,
        });
    }
}

/// An optional text field: `None` when blank, else `parse` of the trimmed text.
fn optional<T>(s: &str, parse: impl FnOnce(&str) -> Parsed<T>) -> Parsed<Option<T>> {
    let t = s.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        parse(t).map(Some)
    }
}

/// Parse every field of `form`, keeping every error.
pub(super) fn parse_form(form: &RunForm) -> Result<RunPlan, Vec<FieldError>> {
    let mut e = Errors(Vec::new());
    let image = e.take(Field::Image, None, parse_image(&form.image));
    let name = e.take(
        Field::Name,
        None,
        optional(&form.name, |n| {
            super::validate_name("container", n)
                .map(|()| n.to_owned())
                .map_err(|e| e.message().to_owned())
        }),
    );
    let command = e.take(
        Field::Command,
        None,
        optional(&form.command, |s| words("command", s)),
    );
    let entrypoint = e.take(
        Field::Entrypoint,
        None,
        optional(&form.entrypoint, |s| words("entrypoint", s)),
    );
    let mut ports = Vec::new();
    for (i, p) in entries(&form.ports) {
        if let Some(mut v) = e.take(Field::Ports, Some(i), parse_port(p)) {
            ports.append(&mut v);
        }
    }
    let mut env = Vec::new();
    for (i, s) in entries(&form.env) {
        if let Some(kv) = e.take(Field::Env, Some(i), parse_env(s)) {
            env.push(kv);
        }
    }
    if !form.env_file.trim().is_empty() {
        match read_env_file(form.env_file.trim()) {
            Ok(lines) => {
                for (line, r) in lines {
                    if let Some(kv) = e.take(Field::EnvFile, Some(line), r) {
                        env.push(kv);
                    }
                }
            }
            Err(message) => e.push(Field::EnvFile, None, message),
        }
    }
    let mut mounts: Vec<MountSpec> = Vec::new();
    for (i, s) in entries(&form.mounts) {
        if let Some(m) = e.take(Field::Mounts, Some(i), parse_mount(s)) {
            if mounts.iter().any(|o| o.target == m.target) {
                e.push(
                    Field::Mounts,
                    Some(i),
                    format!("mount target {} is used twice", m.target),
                );
            } else {
                mounts.push(m);
            }
        }
    }
    let networks = parse_networks(&form.networks, &mut e);
    let restart = e.take(Field::Restart, None, optional(&form.restart, parse_restart));
    let memory = e.take(
        Field::Memory,
        None,
        optional(&form.memory, |s| parse_size("memory", s)),
    );
    let memory_swap = e.take(
        Field::MemorySwap,
        None,
        optional(&form.memory_swap, |s| {
            if s == "-1" {
                Ok(-1)
            } else {
                parse_size("memory swap", s).map(|b| i64::try_from(b).unwrap_or(i64::MAX))
            }
        }),
    );
    let memory_reservation = e.take(
        Field::MemoryReservation,
        None,
        optional(&form.memory_reservation, |s| {
            parse_size("memory reservation", s)
        }),
    );
    let nano_cpus = e.take(Field::Cpus, None, optional(&form.cpus, parse_cpus));
    let cpu_shares = e.take(
        Field::CpuShares,
        None,
        optional(&form.cpu_shares, parse_cpu_shares),
    );
    let cpuset = e.take(Field::Cpuset, None, optional(&form.cpuset, parse_cpuset));
    let pids_limit = e.take(
        Field::PidsLimit,
        None,
        optional(&form.pids_limit, parse_pids),
    );
    let user = e.take(Field::User, None, optional(&form.user, parse_user));
    let workdir = e.take(Field::Workdir, None, optional(&form.workdir, parse_workdir));
    let hostname = e.take(
        Field::Hostname,
        None,
        optional(&form.hostname, parse_hostname),
    );
    let cap_add = caps(&form.cap_add, Field::CapAdd, &mut e);
    let cap_drop = caps(&form.cap_drop, Field::CapDrop, &mut e);
    let mut labels = BTreeMap::new();
    for (i, s) in entries(&form.labels) {
        if let Some((k, v)) = e.take(Field::Labels, Some(i), parse_label(s)) {
            if labels.insert(k.clone(), v).is_some() {
                e.push(Field::Labels, Some(i), format!("label {k} is set twice"));
            }
        }
    }
    let health = parse_health(form, &mut e);
    let pid = e.take(
        Field::Pid,
        None,
        optional(&form.pid, |s| match s {
            "host" => Ok("host".to_owned()),
            other => Err(format!(
                "pid '{other}' is not a pid mode: leave it empty or use host"
            )),
        }),
    );

    // Rules across fields, each reported on the field the user would change.
    if let (Some(Some(mem)), Some(Some(swap))) = (memory, memory_swap) {
        if swap >= 0 && u64::try_from(swap).unwrap_or(0) < mem {
            e.push(
                Field::MemorySwap,
                None,
                "memory swap must be at least the memory limit (it counts memory plus swap), or -1 for unlimited".into(),
            );
        }
    }
    if memory_swap.flatten().is_some() && matches!(memory, Some(None)) {
        e.push(
            Field::MemorySwap,
            None,
            "memory swap needs a memory limit too".into(),
        );
    }
    if let (Some(Some(mem)), Some(Some(res))) = (memory, memory_reservation) {
        if res > mem {
            e.push(
                Field::MemoryReservation,
                None,
                "memory reservation must not be above the memory limit".into(),
            );
        }
    }
    if form.auto_remove
        && matches!(
            restart,
            Some(Some(
                RestartPolicy::Always
                    | RestartPolicy::UnlessStopped
                    | RestartPolicy::OnFailure { .. }
            ))
        )
    {
        e.push(
            Field::Restart,
            None,
            "a restart policy cannot be combined with --rm (remove when it exits)".into(),
        );
    }

    if !e.0.is_empty() {
        return Err(e.0);
    }
    // Every `take` above returned `Some` when no error was recorded; a `None` here would be a
    // bug in this function, reported as an error rather than a panic.
    let missing = || {
        vec![FieldError {
            field: Field::Image,
            entry: None,
            message: "internal error: a field was not parsed".into(),
        }]
    };
    Ok(RunPlan {
        image: image.ok_or_else(missing)?,
        name: name.ok_or_else(missing)?,
        command: command.ok_or_else(missing)?,
        entrypoint: entrypoint.ok_or_else(missing)?,
        ports,
        publish_all: form.publish_all,
        env,
        mounts,
        networks,
        restart: restart.ok_or_else(missing)?,
        memory: memory.ok_or_else(missing)?,
        memory_swap: memory_swap.ok_or_else(missing)?,
        memory_reservation: memory_reservation.ok_or_else(missing)?,
        nano_cpus: nano_cpus.ok_or_else(missing)?,
        cpu_shares: cpu_shares.ok_or_else(missing)?,
        cpuset: cpuset.ok_or_else(missing)?,
        pids_limit: pids_limit.ok_or_else(missing)?,
        user: user.ok_or_else(missing)?,
        workdir: workdir.ok_or_else(missing)?,
        hostname: hostname.ok_or_else(missing)?,
        cap_add,
        cap_drop,
        privileged: form.privileged,
        read_only: form.read_only,
        auto_remove: form.auto_remove,
        labels,
        health: health.ok_or_else(missing)?,
        pid: pid.ok_or_else(missing)?,
    })
}

/// The non-blank entries of a list field, with their index in the list.
fn entries(list: &[String]) -> impl Iterator<Item = (usize, &str)> {
    list.iter()
        .enumerate()
        .map(|(i, s)| (i, s.trim()))
        .filter(|(_, s)| !s.is_empty())
}

// ---- image, name, words -----------------------------------------------------------------

/// `[registry[:port]/]path[:tag][@sha256:hex]`, as the engine's reference grammar allows.
pub(crate) fn parse_image(s: &str) -> Parsed<ImageRef> {
    let t = s.trim();
    if t.is_empty() {
        return Err("image is required: a name like busybox or busybox:1.36".into());
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("image '{t}' must not contain spaces"));
    }
    let (rest, digest) = match t.split_once('@') {
        Some((r, d)) => {
            let (algo, hex) = d.split_once(':').unwrap_or(("", d));
            let ok = match algo {
                "sha256" => hex.len() == 64,
                "sha384" => hex.len() == 96,
                "sha512" => hex.len() == 128,
                _ => false,
            } && hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
            if !ok {
                return Err(format!(
                    "image digest '{d}' is not a digest (sha256: and 64 lowercase hex digits)"
                ));
            }
            (r, Some(d.to_owned()))
        }
        None => (t, None),
    };
    // The tag is after a ':' that comes after the last '/' (before it, ':' is a port).
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let mut cs = tag.chars();
        let ok = cs
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            && tag.len() <= 128;
        if !ok {
            return Err(format!(
                "image tag '{tag}' is not a tag: letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'"
            ));
        }
    }
    if repository.is_empty() {
        return Err(format!("image '{t}' has no name"));
    }
    let mut parts: Vec<&str> = repository.split('/').collect();
    // A first part with '.' or ':' or `localhost` is a registry host, which may be mixed
    // case and carry a port.
    if parts.len() > 1 {
        let first = parts[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            let (host, port) = first.split_once(':').unwrap_or((first, ""));
            let host_ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
            let port_ok = first.split_once(':').is_none() || port.parse::<u16>().is_ok();
            if !host_ok || !port_ok {
                return Err(format!("image registry '{first}' is not a host[:port]"));
            }
            parts.remove(0);
        }
    }
    for p in parts {
        let ok = !p.is_empty()
            && p.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
            && p.starts_with(|c: char| c.is_ascii_alphanumeric())
            && p.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            return Err(format!(
                "image name part '{p}' must be lowercase letters, digits and separators (., _, -)"
            ));
        }
    }
    Ok(ImageRef {
        repository: repository.to_owned(),
        tag: tag.map(str::to_owned),
        digest,
    })
}

/// Shell words (`sh -c 'echo hi'`).
fn words(what: &str, s: &str) -> Parsed<Vec<String>> {
    if s.contains('\0') {
        return Err(format!("{what} must not contain a NUL character"));
    }
    match shlex::split(s) {
        Some(w) if !w.is_empty() => Ok(w),
        Some(_) => Err(format!("{what} has no words")),
        None => Err(format!(
            "{what} '{s}' has an unclosed quote or a trailing backslash"
        )),
    }
}

// ---- ports --------------------------------------------------------------------------------

fn port_number(s: &str) -> Parsed<u16> {
    match s.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        Ok(n) => Err(format!("port {n} is out of range 1-65535")),
        Err(_) => Err(format!("port '{s}' is not a number")),
    }
}

fn port_range(s: &str) -> Parsed<PortRange> {
    match s.split_once('-') {
        Some((a, b)) => {
            let (start, end) = (port_number(a)?, port_number(b)?);
            if start > end {
                Err(format!("port range {s} ends before it starts"))
            } else {
                Ok(PortRange { start, end })
            }
        }
        None => port_number(s).map(|p| PortRange { start: p, end: p }),
    }
}

/// `[ip:][host:]container[/proto]` with ranges, expanded port by port.
pub(crate) fn parse_port(s: &str) -> Parsed<Vec<PortSpec>> {
    let (spec, protocol) = match s.rsplit_once('/') {
        Some((spec, p)) => (
            spec,
            Protocol::parse(p)
                .ok_or_else(|| format!("port protocol '{p}' is not one of tcp, udp, sctp"))?,
        ),
        None => (s, Protocol::Tcp),
    };
    // An IPv6 host address is bracketed: `[::1]:8080:80`.
    let (host_ip, rest) = if let Some(after) = spec.strip_prefix('[') {
        let (ip, rest) = after
            .split_once("]:")
            .ok_or_else(|| format!("port '{s}': a bracketed address needs ]:port after it"))?;
        (Some(ip.to_owned()), rest)
    } else {
        match spec.matches(':').count() {
            0 | 1 => (None, spec),
            2 => {
                let (ip, rest) = spec.split_once(':').unwrap_or(("", spec));
                (Some(ip.to_owned()), rest)
            }
            _ => {
                return Err(format!(
                    "port '{s}' has too many ':' (use ip:host:container; IPv6 addresses in [ ])"
                ))
            }
        }
    };
    if let Some(ip) = &host_ip {
        if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
            return Err(format!("port host address '{ip}' is not an IP address"));
        }
    }
    let host_ip = host_ip.filter(|ip| !ip.is_empty());
    let (host, container) = match rest.split_once(':') {
        Some((h, c)) => (Some(h), c),
        None => (None, rest),
    };
    if container.is_empty() {
        return Err(format!("port '{s}' needs a container port"));
    }
    let container = port_range(container)?;
    let host = match host {
        Some("") | None => None,
        Some(h) => Some(port_range(h)?),
    };
    let count = container.end - container.start;
    let spec = |container_port, host_ports| PortSpec {
        host_ip: host_ip.clone(),
        host_ports,
        container_port,
        protocol,
    };
    match host {
        // One container port: the host port or range as given (the engine picks in a range).
        _ if count == 0 => Ok(vec![spec(container.start, host)]),
        None => Ok((container.start..=container.end)
            .map(|p| spec(p, None))
            .collect()),
        Some(h) if h.end - h.start == count => Ok((0..=count)
            .map(|k| {
                let hp = h.start + k;
                spec(container.start + k, Some(PortRange { start: hp, end: hp }))
            })
            .collect()),
        Some(h) => Err(format!(
            "port '{s}': host range {h} and container range {container} differ in length"
        )),
    }
}

// ---- env, labels --------------------------------------------------------------------------

fn env_key(k: &str, what: &str) -> Parsed<()> {
    if k.is_empty() {
        Err(format!("{what} has no name before '='"))
    } else if k.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(format!("{what} name '{k}' must not contain spaces"))
    } else {
        Ok(())
    }
}

/// `K=V`. A bare `K` is refused: the docker CLI would copy Wharf's own environment variable
/// into the container, and Wharf has no business doing that.
pub(crate) fn parse_env(s: &str) -> Parsed<(String, String)> {
    if s.contains('\0') {
        return Err("environment entry must not contain a NUL character".into());
    }
    match s.split_once('=') {
        Some((k, v)) => {
            env_key(k, &format!("environment entry '{s}'"))?;
            Ok((k.to_owned(), v.to_owned()))
        }
        None => Err(format!(
            "environment entry '{s}' needs a value: write {s}=value"
        )),
    }
}

/// One line of an env file: its index, and `K=V` or the error.
type EnvLine = (usize, Parsed<(String, String)>);

/// The lines of an env file; blank and `#` lines skipped.
fn read_env_file(path: &str) -> Parsed<Vec<EnvLine>> {
    let bytes = std::fs::read(path).map_err(|e| format!("env file {path} cannot be read: {e}"))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("env file {path} is not UTF-8 text"))?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, l)| {
            let l = l.trim_start().trim_end_matches('\r');
            let r = parse_env(l).map_err(|m| format!("env file {path}, line {}: {m}", i + 1));
            (i, r)
        })
        .collect())
}

fn parse_label(s: &str) -> Parsed<(String, String)> {
    if s.contains('\0') {
        return Err("label must not contain a NUL character".into());
    }
    let (k, v) = s.split_once('=').unwrap_or((s, ""));
    if k.is_empty() {
        return Err(format!("label '{s}' has no key before '='"));
    }
    if k.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("label key '{k}' must not contain spaces"));
    }
    Ok((k.to_owned(), v.to_owned()))
}

// ---- mounts -------------------------------------------------------------------------------

const SHORT_MODES: &[&str] = &[
    "ro",
    "rw",
    "z",
    "Z",
    "nocopy",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "private",
    "rprivate",
    "consistent",
    "cached",
    "delegated",
];

fn container_path(what: &str, p: &str) -> Parsed<String> {
    if p.is_empty() {
        Err(format!("{what} needs a target path inside the container"))
    } else if !p.starts_with('/') {
        Err(format!(
            "{what}: target '{p}' must be an absolute path inside the container"
        ))
    } else if p == "/" {
        Err(format!("{what}: the target cannot be / itself"))
    } else {
        Ok(p.to_owned())
    }
}

/// `vol:/data[:ro]`, `/host:/data[:ro,z]`, `tmpfs:/run`, `/data`, or `--mount` syntax
/// (`type=…,source=…,target=…,readonly`).
pub(crate) fn parse_mount(s: &str) -> Parsed<MountSpec> {
    if s.contains("type=")
        || s.contains("target=")
        || s.contains("dst=")
        || s.contains("destination=")
    {
        return parse_long_mount(s);
    }
    let what = format!("mount '{s}'");
    let parts: Vec<&str> = s.split(':').collect();
    let (source, target, modes) = match parts.as_slice() {
        [t] => ("", *t, ""),
        [src, t] => (*src, *t, ""),
        [src, t, m] => (*src, *t, *m),
        _ => return Err(format!("{what} has too many ':' (use source:target[:ro])")),
    };
    let target = container_path(&what, target)?;
    let mut read_only = false;
    let mut options = Vec::new();
    for m in modes.split(',').filter(|m| !m.is_empty()) {
        if !SHORT_MODES.contains(&m) {
            return Err(format!(
                "{what}: mode '{m}' is not one of ro, rw, z, Z, nocopy, [r]shared, [r]slave, [r]private"
            ));
        }
        match m {
            "ro" => read_only = true,
            "rw" => read_only = false,
            other => options.push(other.to_owned()),
        }
    }
    let kind = if source == "tmpfs" {
        if read_only || !options.is_empty() {
            return Err(format!(
                "{what}: a tmpfs takes no modes here (use type=tmpfs,target=…,tmpfs-size=… for options)"
            ));
        }
        MountKind::Tmpfs
    } else if source.is_empty() {
        MountKind::Volume
    } else if source.starts_with('/') {
        MountKind::Bind
    } else if source.starts_with('.') || source.starts_with('~') {
        return Err(format!(
            "{what}: bind source '{source}' must be an absolute host path"
        ));
    } else {
        super::validate_name("volume", source).map_err(|e| format!("{what}: {}", e.message()))?;
        MountKind::Volume
    };
    Ok(MountSpec {
        kind,
        source: if kind == MountKind::Tmpfs {
            String::new()
        } else {
            source.to_owned()
        },
        target,
        read_only,
        options,
        long: false,
    })
}

fn parse_long_mount(s: &str) -> Parsed<MountSpec> {
    let what = format!("mount '{s}'");
    let mut kind = MountKind::Volume;
    let mut source = String::new();
    let mut target = String::new();
    let mut read_only = false;
    let mut options = Vec::new();
    for kv in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let flag = || match v {
            "" | "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(format!("{what}: {k}={other} must be true or false")),
        };
        match k {
            "type" => {
                kind = match v {
                    "volume" => MountKind::Volume,
                    "bind" => MountKind::Bind,
                    "tmpfs" => MountKind::Tmpfs,
                    other => {
                        return Err(format!(
                            "{what}: type '{other}' is not one of volume, bind, tmpfs"
                        ))
                    }
                }
            }
            "source" | "src" => source = v.to_owned(),
            "target" | "destination" | "dst" => target = v.to_owned(),
            "readonly" | "ro" => read_only = flag()?,
            "bind-propagation" => {
                if !["shared", "rshared", "slave", "rslave", "private", "rprivate"].contains(&v)
                {
                    return Err(format!("{what}: bind-propagation '{v}' is not one of [r]shared, [r]slave, [r]private"));
                }
                options.push(format!("bind-propagation={v}"));
            }
            "volume-nocopy" => {
                if flag()? {
                    options.push("volume-nocopy".into());
                }
            }
            "tmpfs-size" => {
                parse_size("tmpfs-size", v).map_err(|m| format!("{what}: {m}"))?;
                options.push(format!("tmpfs-size={v}"));
            }
            "tmpfs-mode" => {
                if v.is_empty() || !v.chars().all(|c| ('0'..='7').contains(&c)) || v.len() > 4 {
                    return Err(format!("{what}: tmpfs-mode '{v}' is not an octal mode like 1777"));
                }
                options.push(format!("tmpfs-mode={v}"));
            }
            other => {
                return Err(format!(
                    "{what}: option '{other}' is not one of type, source, target, readonly, bind-propagation, volume-nocopy, tmpfs-size, tmpfs-mode"
                ))
            }
        }
    }
    let target = container_path(&what, &target)?;
    match kind {
        MountKind::Bind if !source.starts_with('/') => {
            return Err(format!(
                "{what}: a bind needs source= an absolute host path"
            ))
        }
        MountKind::Tmpfs if !source.is_empty() => {
            return Err(format!("{what}: a tmpfs has no source"))
        }
        MountKind::Volume if !source.is_empty() => {
            super::validate_name("volume", &source)
                .map_err(|e| format!("{what}: {}", e.message()))?;
        }
        _ => {}
    }
    let wrong: Vec<&String> = options
        .iter()
        .filter(|o| match kind {
            MountKind::Bind => !o.starts_with("bind-"),
            MountKind::Volume => !o.starts_with("volume-"),
            MountKind::Tmpfs => !o.starts_with("tmpfs-"),
        })
        .collect();
    if let Some(o) = wrong.first() {
        return Err(format!(
            "{what}: option {o} does not apply to a {} mount",
            kind.as_str()
        ));
    }
    Ok(MountSpec {
        kind,
        source,
        target,
        read_only,
        options,
        long: true,
    })
}

// ---- networks -----------------------------------------------------------------------------

/// Network modes that are not networks to connect to, and take no aliases or second network.
const SOLO_MODES: &[&str] = &["host", "none"];

fn parse_networks(list: &[String], e: &mut Errors) -> Vec<NetworkSpec> {
    let mut out: Vec<NetworkSpec> = Vec::new();
    for (i, s) in entries(list) {
        let (name, aliases) = match s.split_once(':') {
            // `container:<id>` is a network mode, not a network with aliases.
            Some(("container", c)) => (s, if c.is_empty() { None } else { Some("") }),
            Some((n, a)) => (n, Some(a)),
            None => (s, None),
        };
        if name.starts_with("container:") {
            if aliases.is_none() {
                e.push(
                    Field::Networks,
                    Some(i),
                    format!("network '{s}' needs a container name after container:"),
                );
                continue;
            }
        } else if let Err(err) = super::validate_name("network", name) {
            e.push(Field::Networks, Some(i), err.message().to_owned());
            continue;
        }
        let aliases: Vec<String> = aliases
            .filter(|_| !name.starts_with("container:"))
            .map(|a| {
                a.split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(bad) = aliases
            .iter()
            .find(|a| super::validate_name("alias", a).is_err())
        {
            e.push(
                Field::Networks,
                Some(i),
                format!("network alias '{bad}' must be letters, digits, '_', '.' and '-'"),
            );
            continue;
        }
        let builtin =
            SOLO_MODES.contains(&name) || name == "bridge" || name.starts_with("container:");
        if builtin && !aliases.is_empty() {
            e.push(
                Field::Networks,
                Some(i),
                format!("network {name} takes no aliases: aliases work on networks you create"),
            );
            continue;
        }
        if out.iter().any(|n| n.name == name) {
            e.push(
                Field::Networks,
                Some(i),
                format!("network {name} is listed twice"),
            );
            continue;
        }
        out.push(NetworkSpec {
            name: name.to_owned(),
            aliases,
        });
    }
    let solo = out
        .iter()
        .find(|n| SOLO_MODES.contains(&n.name.as_str()) || n.name.starts_with("container:"));
    if let (Some(solo), true) = (solo, out.len() > 1) {
        e.push(
            Field::Networks,
            None,
            format!(
                "network {} cannot be combined with other networks",
                solo.name
            ),
        );
    }
    out
}

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
fn parse_cpus(s: &str) -> Parsed<u64> {
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

fn parse_cpu_shares(s: &str) -> Parsed<u32> {
    match s.parse::<u32>() {
        Ok(n) if (2..=262_144).contains(&n) => Ok(n),
        Ok(n) => Err(format!("cpu shares {n} is out of range 2-262144")),
        Err(_) => Err(format!(
            "cpu shares '{s}' is not a number (1024 is the default weight)"
        )),
    }
}

/// `0-2,4`: CPU numbers and ascending ranges.
fn parse_cpuset(s: &str) -> Parsed<String> {
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

fn parse_pids(s: &str) -> Parsed<i64> {
    match s.parse::<i64>() {
        Ok(-1) => Ok(-1),
        Ok(n) if n > 0 => Ok(n),
        Ok(n) => Err(format!(
            "pids limit {n} must be a positive number, or -1 for unlimited"
        )),
        Err(_) => Err(format!("pids limit '{s}' is not a number")),
    }
}

fn parse_user(s: &str) -> Parsed<String> {
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

fn parse_workdir(s: &str) -> Parsed<String> {
    if !s.starts_with('/') {
        Err(format!("working dir '{s}' must be an absolute path"))
    } else if s.contains('\0') {
        Err("working dir must not contain a NUL character".into())
    } else {
        Ok(s.to_owned())
    }
}

/// RFC 1123 host names: labels of letters, digits and '-', at most 63 each, 255 in all.
fn parse_hostname(s: &str) -> Parsed<String> {
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

fn caps(list: &[String], field: Field, e: &mut Errors) -> Vec<String> {
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

fn parse_health(form: &RunForm, e: &mut Errors) -> Option<Option<HealthSpec>> {
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

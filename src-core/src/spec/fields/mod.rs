//! The run form's field parsers: one function per syntax, each returning a message that names
//! the value and the rule, and [`parse_form`], which runs all of them and keeps every error.

use std::collections::BTreeMap;

use super::run::{Field, FieldError, MountSpec, RestartPolicy, RunForm, RunPlan};

// Here, not in `run`, so that `run` (the types) does not import the parsers.
impl RunForm {
    /// Every problem at once (not the first), or the plan. Reads `env_file` when set.
    pub fn parse(&self) -> Result<RunPlan, Vec<FieldError>> {
        parse_form(self)
    }
}

mod limits;
mod mounts;
mod values;

pub(crate) use limits::parse_size;
use limits::{
    caps, parse_cpu_shares, parse_cpus, parse_cpuset, parse_health, parse_hostname, parse_pids,
    parse_restart, parse_user, parse_workdir,
};
use mounts::{parse_mount, parse_networks};
pub(crate) use values::parse_image;
use values::{parse_port, words};

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
            crate::spec::validate_name("container", n)
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
    if let Some(Some(mem)) = memory {
        // The engine's own floor (Docker 20.10 refuses less at create).
        if mem > 0 && mem < 6 << 20 {
            e.push(
                Field::Memory,
                None,
                format!(
                    "memory '{}' is below the engine's minimum of 6m",
                    form.memory.trim()
                ),
            );
        }
    }
    // The host's (or another container's) network stack has its own host name and ports.
    if let Some(mode) = networks
        .first()
        .map(|n| n.name.as_str())
        .filter(|m| *m == "host" || m.starts_with("container:"))
    {
        if matches!(hostname, Some(Some(_))) {
            e.push(
                Field::Hostname,
                None,
                format!("a hostname cannot be set with network {mode}: it shares that network's host name"),
            );
        }
        if !ports.is_empty() || form.publish_all {
            e.push(
                Field::Ports,
                None,
                format!("ports cannot be published with network {mode}: the container uses that network's ports directly"),
            );
        }
    }
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

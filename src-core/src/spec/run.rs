//! The run form: what a user types to make a container ([`RunForm`], strings as typed), the
//! validated [`RunPlan`] it parses into (typed values only), and the [`preview`] both UIs show
//! while the user types (every field error at once, or the warnings and the `docker run` line).
//!
//! The form is strings, not typed values, so that both UIs hold exactly what the user typed
//! (a half-typed `8080:` stays on screen) and the one parser here decides what it means, with
//! a message that names the field, the entry, the value and the rule. Nothing reaches the
//! engine until [`RunForm::parse`] returns a plan: `Command::Run` parses the form again before
//! any request.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::findings::{self, Finding, SecurityFacts};
use crate::model::Protocol;

/// A run form as the user typed it: one string per field, lists one entry per item.
/// `Default` is an empty form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct RunForm {
    /// `busybox`, `reg:5000/a/b:1.2`, `busybox@sha256:…`.
    pub image: String,
    /// Optional; the engine picks a name when empty.
    pub name: String,
    /// Shell words (`sh -c 'echo hi'`); empty = the image's command.
    pub command: String,
    /// Shell words; empty = the image's entrypoint.
    pub entrypoint: String,
    /// `8080:80`, `127.0.0.1:8080:80/udp`, `8000-8010:8000-8010`, `80`.
    pub ports: Vec<String>,
    /// `-P`: publish every port the image exposes on a random host port.
    pub publish_all: bool,
    /// `K=V`.
    pub env: Vec<String>,
    /// A path on the machine running Wharf, of `K=V` lines; optional.
    pub env_file: String,
    /// `vol:/data`, `/host/dir:/data:ro`, `tmpfs:/run`, `/data` (anonymous volume), or
    /// docker's `--mount` syntax `type=bind,source=…,target=…,readonly`.
    pub mounts: Vec<String>,
    /// `net` or `net:alias1,alias2`; the first is the network mode (`host`, `none` too).
    pub networks: Vec<String>,
    /// Empty, `no`, `always`, `unless-stopped`, `on-failure[:N]`.
    pub restart: String,
    /// Sizes: `512m`, `1g`, bytes. Swap also `-1` (unlimited).
    pub memory: String,
    pub memory_swap: String,
    pub memory_reservation: String,
    /// `1.5` CPUs.
    pub cpus: String,
    /// Relative weight, `512`.
    pub cpu_shares: String,
    /// `0-2,4`.
    pub cpuset: String,
    /// A number, or `-1` for unlimited.
    pub pids_limit: String,
    /// `name`, `uid`, `uid:gid`, `name:group`.
    pub user: String,
    /// An absolute path inside the container.
    pub workdir: String,
    pub hostname: String,
    /// `NET_ADMIN` or `CAP_NET_ADMIN`, `ALL`.
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    pub read_only: bool,
    /// `--rm`: the engine removes the container when it exits.
    pub auto_remove: bool,
    /// `k=v` (or `k` for an empty value).
    pub labels: Vec<String>,
    /// A shell command (`curl -f localhost`), `none` to disable the image's; empty = the
    /// image's own health check (the timings below still apply to it).
    pub health_cmd: String,
    /// Durations: `30s`, `1m30s`, `500ms`.
    pub health_interval: String,
    pub health_timeout: String,
    pub health_retries: String,
    /// Empty or `host`.
    pub pid: String,
}

/// The form's fields, for error placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
// `chart::Field` is exported to TypeScript as `Field` too: one would overwrite the other.
#[cfg_attr(feature = "ts", ts(rename = "RunField"))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Image,
    Name,
    Command,
    Entrypoint,
    Ports,
    Env,
    EnvFile,
    Mounts,
    Networks,
    Restart,
    Memory,
    MemorySwap,
    MemoryReservation,
    Cpus,
    CpuShares,
    Cpuset,
    PidsLimit,
    User,
    Workdir,
    Hostname,
    CapAdd,
    CapDrop,
    Labels,
    HealthCmd,
    HealthInterval,
    HealthTimeout,
    HealthRetries,
    Pid,
}

impl Field {
    /// The field's name in messages (`memory swap`).
    pub fn label(self) -> &'static str {
        match self {
            Field::Image => "image",
            Field::Name => "name",
            Field::Command => "command",
            Field::Entrypoint => "entrypoint",
            Field::Ports => "ports",
            Field::Env => "environment",
            Field::EnvFile => "env file",
            Field::Mounts => "mounts",
            Field::Networks => "networks",
            Field::Restart => "restart",
            Field::Memory => "memory",
            Field::MemorySwap => "memory swap",
            Field::MemoryReservation => "memory reservation",
            Field::Cpus => "cpus",
            Field::CpuShares => "cpu shares",
            Field::Cpuset => "cpuset",
            Field::PidsLimit => "pids limit",
            Field::User => "user",
            Field::Workdir => "working dir",
            Field::Hostname => "hostname",
            Field::CapAdd => "capabilities added",
            Field::CapDrop => "capabilities dropped",
            Field::Labels => "labels",
            Field::HealthCmd => "health command",
            Field::HealthInterval => "health interval",
            Field::HealthTimeout => "health timeout",
            Field::HealthRetries => "health retries",
            Field::Pid => "pid",
        }
    }
}

/// One precise problem: "port 70000 is out of range 1-65535". `entry` is the list entry
/// (0-based) for list fields, the line (0-based) for the env file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    pub field: Field,
    pub entry: Option<usize>,
    pub message: String,
}

impl FieldError {
    /// Every problem of a form as one `InvalidInput` error (messages joined by "; "): what
    /// a command that refuses an invalid form returns.
    pub fn into_error(errors: Vec<FieldError>) -> crate::error::CoreError {
        let lines: Vec<String> = errors.into_iter().map(|e| e.message).collect();
        crate::error::CoreError::invalid_input(lines.join("; "))
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// An image reference, split: `reg:5000/a/b:1.2@sha256:…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageRef {
    /// `reg:5000/a/b` (registry and path, as typed).
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:<64 hex>`.
    pub digest: Option<String>,
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// Host ports `start..=end` (one port when equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PortRange {
    pub start: u16,
    pub end: u16,
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// One published (or only exposed) container port. Ranges are expanded port by port, as
/// the docker CLI does; a host range left with one container port lets the engine pick one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PortSpec {
    /// `None`: all interfaces.
    pub host_ip: Option<String>,
    /// `None`: a random host port.
    pub host_ports: Option<PortRange>,
    pub container_port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MountKind {
    Volume,
    Bind,
    Tmpfs,
}

impl MountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MountKind::Volume => "volume",
            MountKind::Bind => "bind",
            MountKind::Tmpfs => "tmpfs",
        }
    }
}

/// One mount. `long` keeps which syntax the user wrote, because the engine treats them
/// differently (`-v` creates a missing bind source directory, `--mount` refuses it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MountSpec {
    pub kind: MountKind,
    /// Volume name or host path; empty for an anonymous volume and for tmpfs.
    pub source: String,
    pub target: String,
    pub read_only: bool,
    /// Further modes, validated: `z`, `Z`, `nocopy`, `rshared`… (short syntax); `size=64m`,
    /// `mode=1777` for tmpfs.
    pub options: Vec<String>,
    pub long: bool,
}

/// A network to attach to, with its aliases there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkSpec {
    pub name: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "policy", rename_all = "kebab-case")]
pub enum RestartPolicy {
    No,
    Always,
    UnlessStopped,
    OnFailure { max_retries: Option<u32> },
}

impl std::fmt::Display for RestartPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RestartPolicy::No => f.write_str("no"),
            RestartPolicy::Always => f.write_str("always"),
            RestartPolicy::UnlessStopped => f.write_str("unless-stopped"),
            RestartPolicy::OnFailure { max_retries: None } => f.write_str("on-failure"),
            RestartPolicy::OnFailure {
                max_retries: Some(n),
            } => write!(f, "on-failure:{n}"),
        }
    }
}

/// The health check to set. `test: None` keeps the image's command (timings still apply);
/// `Some(["NONE"])` disables the image's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HealthSpec {
    /// `["CMD-SHELL", "curl -f localhost"]` or `["NONE"]`.
    pub test: Option<Vec<String>>,
    pub interval_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub retries: Option<u32>,
}

/// A validated form: typed values only, nothing left to parse. `None` / empty = the image's
/// or the engine's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunPlan {
    pub image: ImageRef,
    pub name: Option<String>,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub ports: Vec<PortSpec>,
    pub publish_all: bool,
    /// `(key, value)` in order: the form's entries, then the env file's lines.
    pub env: Vec<(String, String)>,
    pub mounts: Vec<MountSpec>,
    /// The first is the network mode.
    pub networks: Vec<NetworkSpec>,
    pub restart: Option<RestartPolicy>,
    /// Bytes.
    pub memory: Option<u64>,
    /// Bytes of memory + swap; `-1` = unlimited swap.
    pub memory_swap: Option<i64>,
    pub memory_reservation: Option<u64>,
    /// CPUs in billionths (`--cpus 1.5` = 1 500 000 000).
    pub nano_cpus: Option<u64>,
    pub cpu_shares: Option<u32>,
    pub cpuset: Option<String>,
    /// `-1` = unlimited.
    pub pids_limit: Option<i64>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub hostname: Option<String>,
    /// Upper case, without the `CAP_` prefix (`NET_ADMIN`, `ALL`).
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    pub read_only: bool,
    pub auto_remove: bool,
    pub labels: BTreeMap<String, String>,
    pub health: Option<HealthSpec>,
    /// `host` or none.
    pub pid: Option<String>,
}

/// What a UI shows while the user types: the errors per field, and when the form is valid the
/// warnings it would have and the command line. Cheap (no engine call; reads the env file
/// when one is named), so the UIs call it on every edit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunPreview {
    pub errors: Vec<FieldError>,
    pub findings: Vec<Finding>,
    pub docker_run: Option<String>,
}

/// The preview of `form`.
pub fn preview(form: &RunForm) -> RunPreview {
    match form.parse() {
        Ok(plan) => RunPreview::of_plan(&plan),
        Err(errors) => RunPreview::of_errors(errors),
    }
}

impl RunPreview {
    /// The preview of a valid form's plan: its findings and command line.
    pub fn of_plan(plan: &RunPlan) -> RunPreview {
        RunPreview {
            errors: Vec::new(),
            findings: plan.findings(),
            docker_run: Some(plan.docker_run()),
        }
    }

    /// The preview of a form that does not parse.
    pub fn of_errors(errors: Vec<FieldError>) -> RunPreview {
        RunPreview {
            errors,
            findings: Vec::new(),
            docker_run: None,
        }
    }
}

impl RunPlan {
    /// The security facts of this configuration, as the rules read them.
    pub fn security_facts(&self) -> SecurityFacts {
        SecurityFacts {
            privileged: self.privileged,
            user: self.user.clone().unwrap_or_default(),
            cap_add: self.cap_add.clone(),
            network_mode: self
                .networks
                .first()
                .map_or_else(|| "bridge".to_owned(), |n| n.name.clone()),
            pid_mode: self.pid.clone().unwrap_or_default(),
            ipc_mode: String::new(),
            read_only_rootfs: self.read_only,
            memory_limit: self.memory,
            pids_limit: self.pids_limit,
            mounts: self
                .mounts
                .iter()
                .filter(|m| m.kind == MountKind::Bind)
                .map(|m| (m.source.clone(), m.target.clone()))
                .collect(),
            // `-p 80` publishes too (on a random host port); `-P` publishes the image's
            // exposed ports, which a plan does not know: one entry for them.
            published: self
                .ports
                .iter()
                .map(|p| {
                    (
                        p.host_ip.clone().unwrap_or_default(),
                        p.host_ports.map_or(0, |h| h.start),
                    )
                })
                .chain(self.publish_all.then(|| (String::new(), 0)))
                .collect(),
            image: self.image.to_string(),
            healthcheck: self
                .health
                .as_ref()
                .and_then(|h| h.test.as_ref())
                .is_some_and(|t| t.first().is_some_and(|w| w != "NONE")),
            restart_policy: self.restart.map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    /// The security findings this configuration would have: the same rules as for existing
    /// containers.
    pub fn findings(&self) -> Vec<Finding> {
        findings::findings(&self.security_facts())
    }
}

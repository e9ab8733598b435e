//! Security findings: what in a container's configuration weakens its isolation or makes it
//! harder to operate safely, each with why it matters and where the advice comes from (CIS
//! Docker Benchmark v1.6, sections 4 and 5).
//!
//! The rules read [`SecurityFacts`], which come from an inspected container (`engine::convert`
//! fills `Container::security`) or from a run plan before anything is created
//! (`spec::run::RunPlan::findings`), so the run form's warnings and the container list's
//! findings are the same rules by construction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

// Model data (a container carries it), defined with the model; the rules are here.
pub use crate::model::SecurityFacts;

use crate::model::Container;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// What a finding is about. The order is the order findings of one severity are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Privileged,
    DockerSocket,
    HostPid,
    HostNetwork,
    HostIpc,
    AddedCapabilities,
    RunsAsRoot,
    PortsOnAllInterfaces,
    NoMemoryLimit,
    NoPidsLimit,
    WritableRootFs,
    LatestOrUntaggedImage,
    NoHealthcheck,
    NoRestartPolicy,
}

impl Check {
    /// Every check, in listing order.
    pub const ALL: [Check; 14] = [
        Check::Privileged,
        Check::DockerSocket,
        Check::HostPid,
        Check::HostNetwork,
        Check::HostIpc,
        Check::AddedCapabilities,
        Check::RunsAsRoot,
        Check::PortsOnAllInterfaces,
        Check::NoMemoryLimit,
        Check::NoPidsLimit,
        Check::WritableRootFs,
        Check::LatestOrUntaggedImage,
        Check::NoHealthcheck,
        Check::NoRestartPolicy,
    ];
}

/// One finding: what, exactly where, why it matters, and the advice it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    pub check: Check,
    pub severity: Severity,
    /// "Runs privileged".
    pub title: String,
    /// What exactly: "mounts /var/run/docker.sock at /var/run/docker.sock".
    pub detail: String,
    /// Why it matters, one or two sentences.
    pub why: String,
    /// "CIS Docker Benchmark 5.4".
    pub reference: String,
}

/// Engine-wide counts of findings, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FindingsSummary {
    /// Containers looked at.
    pub containers: usize,
    /// Containers with at least one finding of each severity (a container counts once, at
    /// its worst severity).
    pub worst_high: usize,
    pub worst_medium: usize,
    pub worst_low: usize,
    /// Per check, how many containers have it, in [`Check::ALL`] order, checks with none left
    /// out.
    pub by_check: Vec<CheckCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckCount {
    pub check: Check,
    pub severity: Severity,
    pub title: String,
    pub containers: usize,
}

/// Host paths whose bind mount hands the container the engine's socket.
const SOCKET_PATHS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run",
    "/run",
    "/var",
    "/",
];

/// Capabilities that are as good as root on the host.
const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "DAC_READ_SEARCH",
    "NET_ADMIN",
    "SYS_BOOT",
    "BPF",
];

fn finding(
    check: Check,
    severity: Severity,
    title: &str,
    detail: String,
    why: &str,
    reference: &str,
) -> Finding {
    Finding {
        check,
        severity,
        title: title.to_owned(),
        detail,
        why: why.to_owned(),
        reference: reference.to_owned(),
    }
}

/// Whether `user` (as configured) is root: empty (the image's default, root unless the image
/// sets one), `root`, `0`, or those with any group.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name.is_empty() || name == "root" || name == "0"
}

/// Whether the image is pinned: a digest, or a tag other than `latest`.
fn image_pin(image: &str) -> Option<String> {
    if image.contains('@') {
        return None;
    }
    // A tag is after the last ':' that follows the last '/' (a registry port is before it).
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, "latest")) => Some(format!("image {image} uses the moving tag latest")),
        Some(_) => None,
        None if image.starts_with("sha256:") => None,
        None => Some(format!(
            "image {image} has no tag, so it means {image}:latest"
        )),
    }
}

/// Whether `ip` is every interface.
fn all_interfaces(ip: &str) -> bool {
    matches!(ip, "" | "0.0.0.0" | "::" | "[::]")
}

/// The findings of `f`, sorted by severity, then check.
pub fn findings(f: &SecurityFacts) -> Vec<Finding> {
    use Check as C;
    use Severity::{High, Low, Medium};
    let mut out = Vec::new();
    if f.privileged {
        out.push(finding(
            C::Privileged,
            High,
            "Runs privileged",
            "--privileged: every capability, every host device, no seccomp or AppArmor profile"
                .into(),
            "A privileged container can do almost anything root on the host can, including \
             mounting the host's disks; one compromise of it is a compromise of the host.",
            "CIS Docker Benchmark 5.4",
        ));
    }
    for (source, target) in &f.mounts {
        let src = source.trim_end_matches('/');
        let src = if src.is_empty() { "/" } else { src };
        // Any `docker.sock` (engines run with other socket paths too), or a directory
        // holding the default one.
        if src.ends_with("/docker.sock") || SOCKET_PATHS.contains(&src) {
            let detail = if src.ends_with("docker.sock") {
                format!("mounts {source} at {target}")
            } else {
                format!("mounts {src} at {target}, which holds the Docker socket")
            };
            out.push(finding(
                C::DockerSocket,
                High,
                "Docker socket mounted",
                detail,
                "Whoever can talk to the engine's socket can start a privileged container with \
                 the host's root filesystem: this container can take over the host.",
                "CIS Docker Benchmark 5.31",
            ));
        }
    }
    if f.pid_mode == "host" {
        out.push(finding(
            C::HostPid,
            High,
            "Shares the host's process namespace",
            "--pid host".into(),
            "The container sees every process on the host and, as root, can signal or trace \
             them.",
            "CIS Docker Benchmark 5.15",
        ));
    }
    if f.network_mode == "host" {
        out.push(finding(
            C::HostNetwork,
            Medium,
            "Uses the host's network",
            "--network host".into(),
            "The container shares the host's interfaces: it can bind any host port and reach \
             services listening on localhost, and no port mapping isolates it.",
            "CIS Docker Benchmark 5.9",
        ));
    }
    if f.ipc_mode == "host" {
        out.push(finding(
            C::HostIpc,
            Medium,
            "Shares the host's IPC namespace",
            "--ipc host".into(),
            "The container can read and write the host's shared memory segments and \
             semaphores.",
            "CIS Docker Benchmark 5.16",
        ));
    }
    if !f.cap_add.is_empty() {
        let dangerous = f
            .cap_add
            .iter()
            .any(|c| DANGEROUS_CAPS.contains(&c.as_str()));
        out.push(finding(
            C::AddedCapabilities,
            if dangerous { High } else { Medium },
            "Adds capabilities",
            format!("--cap-add {}", f.cap_add.join(", ")),
            "Each added capability gives the container's root more power over the kernel; \
             some (SYS_ADMIN, NET_ADMIN, ALL) are close to full root on the host.",
            "CIS Docker Benchmark 5.3",
        ));
    }
    if is_root(&f.user) {
        let detail = if f.user.trim().is_empty() {
            "no user set: the image's default user, root unless the image sets USER".to_owned()
        } else {
            format!("--user {}", f.user)
        };
        out.push(finding(
            C::RunsAsRoot,
            Medium,
            "Runs as root",
            detail,
            "A process that escapes the container as root is root on the host (without user \
             namespaces); running as an unprivileged user limits what a compromise can do.",
            "CIS Docker Benchmark 4.1",
        ));
    }
    let open: Vec<String> = f
        .published
        .iter()
        .filter(|(ip, _)| all_interfaces(ip))
        .map(|(_, port)| {
            if *port == 0 {
                "a random port".to_owned()
            } else {
                port.to_string()
            }
        })
        .collect();
    if !open.is_empty() {
        out.push(finding(
            C::PortsOnAllInterfaces,
            Medium,
            "Ports published on all interfaces",
            format!("host port {} on 0.0.0.0", open.join(", ")),
            "A port published without a host address is reachable from every network the \
             host is on, and Docker's rules bypass the host firewall; bind it to 127.0.0.1 or \
             one interface.",
            "CIS Docker Benchmark 5.13",
        ));
    }
    if f.memory_limit.is_none_or(|m| m == 0) {
        out.push(finding(
            C::NoMemoryLimit,
            Medium,
            "No memory limit",
            "--memory not set".into(),
            "Without a limit one container can take all of the host's memory and get other \
             containers or host processes killed.",
            "CIS Docker Benchmark 5.10",
        ));
    }
    if f.pids_limit.is_none_or(|p| p <= 0) {
        out.push(finding(
            C::NoPidsLimit,
            Low,
            "No pids limit",
            "--pids-limit not set".into(),
            "Without a limit a fork bomb in the container exhausts the host's process table.",
            "CIS Docker Benchmark 5.28",
        ));
    }
    if !f.read_only_rootfs {
        out.push(finding(
            C::WritableRootFs,
            Low,
            "Writable root filesystem",
            "--read-only not set".into(),
            "A read-only root filesystem stops an intruder from changing the container's \
             binaries; data belongs in volumes.",
            "CIS Docker Benchmark 5.12",
        ));
    }
    if let Some(detail) = image_pin(&f.image) {
        out.push(finding(
            C::LatestOrUntaggedImage,
            Low,
            "Image not pinned",
            detail,
            "latest moves: a recreate or another host can run different code than was \
             tested. Pin a version tag or a digest.",
            "Image pinning (supply-chain hardening)",
        ));
    }
    if !f.healthcheck {
        out.push(finding(
            C::NoHealthcheck,
            Low,
            "No health check",
            "neither the container nor its image sets a HEALTHCHECK".into(),
            "Without a health check the engine (and Wharf) can only tell that the process \
             runs, not that it works.",
            "CIS Docker Benchmark 4.6",
        ));
    }
    if matches!(f.restart_policy.as_str(), "" | "no") {
        out.push(finding(
            C::NoRestartPolicy,
            Low,
            "No restart policy",
            "--restart not set".into(),
            "The container stays down after a crash or a host reboot; on-failure with a \
             maximum of 5 retries is the advised policy.",
            "CIS Docker Benchmark 5.14",
        ));
    }
    out.sort_by_key(|f| (f.severity, f.check));
    out
}

/// The findings of a container, when it has been inspected (`None` before).
pub fn of_container(c: &Container) -> Option<Vec<Finding>> {
    c.security.as_ref().map(findings)
}

/// Engine-wide counts over the findings of each container.
pub fn summary(all: &[Vec<Finding>]) -> FindingsSummary {
    let mut s = FindingsSummary {
        containers: all.len(),
        ..Default::default()
    };
    let mut per_check: BTreeMap<Check, (Severity, String, usize)> = BTreeMap::new();
    for list in all {
        match list.iter().map(|f| f.severity).min() {
            Some(Severity::High) => s.worst_high += 1,
            Some(Severity::Medium) => s.worst_medium += 1,
            Some(Severity::Low) => s.worst_low += 1,
            None => {}
        }
        let mut seen = std::collections::BTreeSet::new();
        for f in list {
            if seen.insert(f.check) {
                let e = per_check
                    .entry(f.check)
                    .or_insert_with(|| (f.severity, f.title.clone(), 0));
                e.0 = e.0.min(f.severity);
                e.2 += 1;
            }
        }
    }
    s.by_check = per_check
        .into_iter()
        .map(|(check, (severity, title, containers))| CheckCount {
            check,
            severity,
            title,
            containers,
        })
        .collect();
    s
}

#[cfg(test)]
mod tests;

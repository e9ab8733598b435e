//! bollard wire types → wharf model types.
//!
//! Engines differ (Docker versions, Podman): every field is treated as optional and a missing
//! one degrades to a neutral value rather than failing the whole listing. Objects without an
//! id are dropped (`None`), since nothing could refer to them.

use std::collections::{BTreeMap, HashMap};

use bollard::models as m;

mod run_form;
mod security;
mod swarm;
mod system;
pub(crate) use swarm::{node, secret, service, task};
pub(crate) use system::{disk_usage, disk_usage_from_lists, engine_info, raw_stats};

use crate::model::{
    ComposeRef, Container, ContainerId, ContainerState, EngineEvent, EventKind, Health, Image,
    ImageId, MountPoint, Network, NetworkId, PortMapping, Protocol, Volume, VolumeName,
};

fn labels(l: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    l.unwrap_or_default().into_iter().collect()
}

fn trim_name(n: &str) -> String {
    n.strip_prefix('/').unwrap_or(n).to_owned()
}

/// RFC 3339 → Unix seconds. The engine writes `0001-01-01T00:00:00Z` for "never".
pub fn rfc3339_secs(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.starts_with("0001-") {
        return None;
    }
    let (date, rest) = s.split_once('T')?;
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let mo: i64 = d.next()?.parse().ok()?;
    let da: i64 = d.next()?.parse().ok()?;
    // RFC 3339 ranges; anything else is not a time (and would overflow the arithmetic below).
    let in_range = (0..=9999).contains(&y) && (1..=12).contains(&mo) && (1..=31).contains(&da);
    if !in_range {
        return None;
    }
    let hms = rest.get(..8)?;
    let mut t = hms.split(':');
    let h: i64 = t.next()?.parse().ok()?;
    let mi: i64 = t.next()?.parse().ok()?;
    let se: i64 = t.next()?.parse().ok()?;
    if !((0..=23).contains(&h) && (0..=59).contains(&mi) && (0..=60).contains(&se)) {
        return None;
    }
    // Offset: `Z` or `±hh:mm` after optional fraction.
    let tail = &rest[8..];
    let tail = tail.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match tail.as_bytes().first() {
        Some(b'+') | Some(b'-') => {
            let sign = if tail.starts_with('-') { -1 } else { 1 };
            let oh: i64 = tail.get(1..3)?.parse().ok()?;
            let om: i64 = tail.get(4..6)?.parse().ok()?;
            if !((0..=23).contains(&oh) && (0..=59).contains(&om)) {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
        _ => 0,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + da - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset)
}

fn port_summary(p: m::PortSummary) -> PortMapping {
    PortMapping {
        host_ip: p.ip.filter(|s| !s.is_empty()),
        host_port: p.public_port.filter(|p| *p != 0),
        container_port: p.private_port,
        protocol: p
            .typ
            .and_then(|t| Protocol::parse(t.as_ref()))
            .unwrap_or(Protocol::Tcp),
    }
}

fn ports_from_map(map: Option<m::PortMap>) -> Vec<PortMapping> {
    let mut out = Vec::new();
    for (key, bindings) in map.unwrap_or_default() {
        let (port, proto) = key.split_once('/').unwrap_or((key.as_str(), "tcp"));
        let Ok(container_port) = port.parse::<u16>() else {
            continue;
        };
        let protocol = Protocol::parse(proto).unwrap_or(Protocol::Tcp);
        match bindings {
            Some(bs) if !bs.is_empty() => {
                for b in bs {
                    out.push(PortMapping {
                        host_ip: b.host_ip.filter(|s| !s.is_empty()),
                        host_port: b.host_port.and_then(|p| p.parse().ok()),
                        container_port,
                        protocol,
                    });
                }
            }
            _ => out.push(PortMapping {
                host_ip: None,
                host_port: None,
                container_port,
                protocol,
            }),
        }
    }
    sort_ports(&mut out);
    out
}

fn sort_ports(ports: &mut Vec<PortMapping>) {
    ports.sort_by(|a, b| {
        (
            a.container_port,
            a.protocol.as_str(),
            &a.host_ip,
            a.host_port,
        )
            .cmp(&(
                b.container_port,
                b.protocol.as_str(),
                &b.host_ip,
                b.host_port,
            ))
    });
    ports.dedup();
}

fn mounts(mps: Option<Vec<m::MountPoint>>) -> Vec<MountPoint> {
    mps.unwrap_or_default().into_iter().map(mount).collect()
}

fn mount(mp: m::MountPoint) -> MountPoint {
    MountPoint {
        kind: mp.typ.map(|t| t.to_string()).unwrap_or_default(),
        name: mp.name.filter(|s| !s.is_empty()),
        source: mp.source.unwrap_or_default(),
        destination: mp.destination.unwrap_or_default(),
        read_write: mp.rw.unwrap_or(true),
    }
}

/// From `GET /containers/json`: everything but the inspect-only fields.
pub(crate) fn container_summary(c: m::ContainerSummary) -> Option<Container> {
    let id = c.id?;
    let labels = labels(c.labels);
    let mut ports: Vec<PortMapping> = c
        .ports
        .unwrap_or_default()
        .into_iter()
        .map(port_summary)
        .collect();
    sort_ports(&mut ports);
    let status = c.status.unwrap_or_default();
    let health = c
        .health
        .and_then(|h| h.status)
        .and_then(|s| Health::parse(s.as_ref()))
        .or_else(|| health_from_status(&status));
    let mut networks: Vec<String> = c
        .network_settings
        .and_then(|n| n.networks)
        .map(|n| n.into_keys().collect())
        .unwrap_or_default();
    networks.sort();
    Some(Container {
        id: ContainerId(id),
        name: c
            .names
            .as_ref()
            .and_then(|n| n.first())
            .map(|n| trim_name(n))
            .unwrap_or_default(),
        image: c.image.unwrap_or_default(),
        image_id: c.image_id.filter(|s| !s.is_empty()).map(ImageId),
        command: c.command.unwrap_or_default(),
        created: c.created.unwrap_or_default(),
        state: c
            .state
            .map(|s| ContainerState::parse(s.as_ref()))
            .unwrap_or(ContainerState::Unknown),
        exit_code: exit_code_from_status(&status),
        status,
        health,
        started_at: None,
        finished_at: None,
        restart_count: None,
        ports,
        mounts: mounts(c.mounts),
        networks,
        compose: ComposeRef::from_labels(&labels),
        labels,
        pid: None,
        cpu_limit: None,
        memory_limit: None,
        security: None,
        tty: false,
        detailed: false,
    })
}

/// `Up 2 minutes (healthy)` → healthy; older engines have no `Health` field in the list.
fn health_from_status(status: &str) -> Option<Health> {
    if status.contains("(healthy)") {
        Some(Health::Healthy)
    } else if status.contains("(unhealthy)") {
        Some(Health::Unhealthy)
    } else if status.contains("(health: starting)") {
        Some(Health::Starting)
    } else {
        None
    }
}

/// `Exited (137) 3 minutes ago` → 137.
fn exit_code_from_status(status: &str) -> Option<i64> {
    let rest = status.strip_prefix("Exited (")?;
    rest.split_once(')')?.0.parse().ok()
}

/// From `GET /containers/{id}/json`: the full picture.
pub(crate) fn container_inspect(c: m::ContainerInspectResponse) -> Option<Container> {
    let id = c.id?;
    let mut config = c.config.unwrap_or_default();
    let labels = labels(config.labels.take());
    let state = c.state.unwrap_or_default();
    let host = c.host_config.unwrap_or_default();
    let net = c.network_settings.unwrap_or_default();
    let mut networks: Vec<String> = net
        .networks
        .map(|n| n.into_keys().collect())
        .unwrap_or_default();
    networks.sort();
    let st = state
        .status
        .map(|s| ContainerState::parse(s.as_ref()))
        .unwrap_or(ContainerState::Unknown);
    let cpu_limit = match (host.nano_cpus, host.cpu_quota, host.cpu_period) {
        (Some(n), _, _) if n > 0 => Some(n as f64 / 1e9),
        (_, Some(q), p) if q > 0 => Some(q as f64 / p.filter(|p| *p > 0).unwrap_or(100_000) as f64),
        _ => None,
    };
    let mut command = c.path.unwrap_or_default();
    for a in c.args.unwrap_or_default() {
        command.push(' ');
        command.push_str(&a);
    }
    let started_at = state.started_at.as_deref().and_then(rfc3339_secs);
    let finished_at = state.finished_at.as_deref().and_then(rfc3339_secs);
    let exit_code = match st {
        ContainerState::Exited | ContainerState::Dead => state.exit_code,
        _ => None,
    };
    let status = synth_status(st, state.health.as_ref(), exit_code);
    let security = security::security_facts(&config, &host, c.mounts.as_deref());
    Some(Container {
        id: ContainerId(id),
        name: c.name.as_deref().map(trim_name).unwrap_or_default(),
        image: config.image.unwrap_or_default(),
        image_id: c.image.filter(|s| !s.is_empty()).map(ImageId),
        command,
        created: c
            .created
            .as_deref()
            .and_then(rfc3339_secs)
            .unwrap_or_default(),
        state: st,
        status,
        health: state
            .health
            .and_then(|h| h.status)
            .and_then(|s| Health::parse(s.as_ref())),
        started_at,
        finished_at,
        exit_code,
        restart_count: c.restart_count.and_then(|r| u64::try_from(r).ok()),
        ports: {
            let mut ports = ports_from_map(net.ports);
            if ports.is_empty() {
                // A stopped container has no port bindings; show what it exposes.
                ports = ports_from_map(Some(
                    config
                        .exposed_ports
                        .iter()
                        .flatten()
                        .map(|p| (p.clone(), None))
                        .collect(),
                ));
            }
            ports
        },
        mounts: mounts(c.mounts),
        networks,
        compose: ComposeRef::from_labels(&labels),
        labels,
        pid: state
            .pid
            .and_then(|p| u32::try_from(p).ok())
            .filter(|p| *p > 0),
        cpu_limit,
        memory_limit: host
            .memory
            .and_then(|m| u64::try_from(m).ok())
            .filter(|m| *m > 0),
        tty: config.tty.unwrap_or(false),
        security: Some(security),
        detailed: true,
    })
}

/// A short status for inspected containers (the list's human status is not in inspect).
fn synth_status(st: ContainerState, health: Option<&m::Health>, exit: Option<i64>) -> String {
    let mut s = match (st, exit) {
        (ContainerState::Exited, Some(code)) => format!("Exited ({code})"),
        (ContainerState::Running, _) => "Up".to_owned(),
        (ContainerState::Paused, _) => "Up (Paused)".to_owned(),
        (other, _) => {
            let mut t = other.as_str().to_owned();
            if let Some(f) = t.get_mut(..1) {
                f.make_ascii_uppercase();
            }
            t
        }
    };
    if let Some(h) = health.and_then(|h| h.status.as_ref()) {
        let h = h.to_string();
        if !h.is_empty() && h != "none" && st == ContainerState::Running {
            s.push_str(&format!(" ({h})"));
        }
    }
    s
}

pub(crate) fn image_summary(i: m::ImageSummary) -> Image {
    Image {
        id: ImageId(i.id),
        tags: i
            .repo_tags
            .into_iter()
            .filter(|t| t != "<none>:<none>")
            .collect(),
        digests: i.repo_digests,
        created: i.created,
        size: i.size,
        containers: (i.containers >= 0).then_some(i.containers),
        labels: i.labels.into_iter().collect(),
    }
}

pub(crate) fn image_inspect(i: m::ImageInspect) -> Option<Image> {
    Some(Image {
        id: ImageId(i.id?),
        tags: i
            .repo_tags
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t != "<none>:<none>")
            .collect(),
        digests: i.repo_digests.unwrap_or_default(),
        created: i
            .created
            .as_deref()
            .and_then(rfc3339_secs)
            .unwrap_or_default(),
        size: i.size.unwrap_or_default(),
        containers: None,
        labels: labels(i.config.and_then(|c| c.labels)),
    })
}

fn subnets(ipam: Option<m::Ipam>) -> Vec<String> {
    ipam.and_then(|i| i.config)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.subnet)
        .collect()
}

/// A [`Network`] from a bollard network type: the list (`m::Network`) and inspect
/// (`m::NetworkInspect`) types are distinct but name the shared fields alike.
macro_rules! network_from {
    ($n:ident, $containers:expr) => {
        Some(Network {
            id: NetworkId($n.id?),
            name: $n.name.unwrap_or_default(),
            driver: $n.driver.unwrap_or_default(),
            scope: $n.scope.unwrap_or_default(),
            internal: $n.internal.unwrap_or(false),
            attachable: $n.attachable.unwrap_or(false),
            subnets: subnets($n.ipam),
            created: $n.created,
            labels: labels($n.labels),
            containers: $containers,
        })
    };
}

pub(crate) fn network(n: m::Network) -> Option<Network> {
    network_from!(n, None)
}

pub(crate) fn network_inspect(n: m::NetworkInspect) -> Option<Network> {
    let containers = n.containers.as_ref().map(|c| c.len());
    network_from!(n, containers)
}

pub(crate) fn volume(v: m::Volume) -> Volume {
    Volume {
        name: VolumeName(v.name),
        driver: v.driver,
        mountpoint: v.mountpoint,
        created: v.created_at,
        scope: v.scope.map(|s| s.to_string()),
        labels: v.labels.into_iter().collect(),
        size: v.usage_data.as_ref().map(|u| u.size).filter(|s| *s >= 0),
        ref_count: v.usage_data.map(|u| u.ref_count).filter(|s| *s >= 0),
    }
}

pub(crate) fn event(e: m::EventMessage) -> Option<EngineEvent> {
    let kind = EventKind::parse(e.typ?.as_ref());
    let actor = e.actor.unwrap_or_default();
    Some(EngineEvent {
        kind,
        action: e.action.unwrap_or_default(),
        actor_id: actor.id.unwrap_or_default(),
        attributes: labels(actor.attributes),
        time_nano: e
            .time_nano
            // Saturating: the engine's numbers are outside input, and overflow panics in debug.
            .or_else(|| e.time.map(|t| t.saturating_mul(1_000_000_000)))
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_parses_engine_timestamps() {
        assert_eq!(rfc3339_secs("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            rfc3339_secs("2026-11-23T11:51:39.522509444Z"),
            Some(1_795_434_699)
        );
        assert_eq!(
            rfc3339_secs("2026-11-23T12:51:39+01:00"),
            Some(1_795_434_699)
        );
        assert_eq!(rfc3339_secs("0001-01-01T00:00:00Z"), None);
        assert_eq!(rfc3339_secs("garbage"), None);
    }

    #[test]
    fn container_from_list_json() {
        // A real `GET /v1.41/containers/json` row from dockerd 20.10.
        let json = r#"{"Id":"4f1c","Names":["/web"],"Image":"busybox:test","ImageID":"sha256:aa",
            "Command":"httpd -f","Created":1700000000,"Ports":[{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"},{"PrivatePort":53,"Type":"udp"}],
            "Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"web"},
            "State":"running","Status":"Up 3 minutes (healthy)","HostConfig":{"NetworkMode":"default"},
            "NetworkSettings":{"Networks":{"bridge":{}}},"Mounts":[{"Type":"volume","Name":"data","Source":"/var/lib/docker/volumes/data/_data","Destination":"/data","Driver":"local","Mode":"","RW":true,"Propagation":""}]}"#;
        let s: m::ContainerSummary = serde_json::from_str(json).unwrap_or_default();
        let c = container_summary(s).unwrap_or_else(|| panic!("no container"));
        assert_eq!(c.name, "web");
        assert_eq!(c.state, ContainerState::Running);
        assert_eq!(c.health, Some(Health::Healthy));
        assert_eq!(c.ports.len(), 2);
        assert_eq!(c.ports[1].to_string(), "0.0.0.0:8080->80/tcp");
        assert_eq!(c.ports[0].to_string(), "53/udp");
        assert_eq!(
            c.compose,
            Some(ComposeRef {
                project: "shop".into(),
                service: Some("web".into())
            })
        );
        assert_eq!(c.mounts[0].name.as_deref(), Some("data"));
        assert_eq!(c.networks, vec!["bridge".to_owned()]);
        assert!(!c.detailed);
    }

    #[test]
    fn exit_code_from_list_status() {
        assert_eq!(
            exit_code_from_status("Exited (137) 3 minutes ago"),
            Some(137)
        );
        assert_eq!(exit_code_from_status("Up 2 seconds"), None);
    }

    #[test]
    fn container_from_inspect_json() {
        let json = r#"{"Id":"4f1c","Created":"2026-11-23T11:51:39.5Z","Path":"sh","Args":["-c","sleep 1"],
            "State":{"Status":"exited","Running":false,"Paused":false,"Pid":0,"ExitCode":3,
              "StartedAt":"2026-11-23T11:51:40Z","FinishedAt":"2026-11-23T11:51:41Z"},
            "Image":"sha256:aa","Name":"/job","RestartCount":2,
            "HostConfig":{"NanoCpus":500000000,"Memory":67108864},
            "Config":{"Image":"busybox:test","Tty":true,"Labels":{}},
            "NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}],"81/tcp":null},"Networks":{"net1":{}}}}"#;
        let i: m::ContainerInspectResponse = serde_json::from_str(json).unwrap_or_default();
        let c = container_inspect(i).unwrap_or_else(|| panic!("no container"));
        assert_eq!(c.name, "job");
        assert_eq!(c.command, "sh -c sleep 1");
        assert_eq!(c.exit_code, Some(3));
        assert_eq!(c.status, "Exited (3)");
        assert_eq!(c.restart_count, Some(2));
        assert_eq!(c.cpu_limit, Some(0.5));
        assert_eq!(c.memory_limit, Some(64 << 20));
        assert!(c.tty && c.detailed);
        assert_eq!(c.pid, None);
        assert_eq!(c.ports[0].to_string(), "127.0.0.1:8080->80/tcp");
        assert_eq!(c.ports[1].to_string(), "81/tcp");
        assert_eq!(c.finished_at, Some(1_795_434_701));
    }

    #[test]
    fn stats_from_cgroup_v1_json() {
        let json = r#"{"read":"2026-11-23T11:51:39Z","cpu_stats":{"cpu_usage":{"total_usage":2000000000,"percpu_usage":[1,1]},"system_cpu_usage":90000000000,"online_cpus":2},
            "memory_stats":{"usage":10485760,"limit":1073741824,"stats":{"total_inactive_file":4194304}},
            "networks":{"eth0":{"rx_bytes":100,"tx_bytes":200},"eth1":{"rx_bytes":1,"tx_bytes":2}},
            "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},{"major":8,"minor":0,"op":"Write","value":8192},{"major":8,"minor":0,"op":"Total","value":12288}]},
            "pids_stats":{"current":3}}"#;
        let s: m::ContainerStatsResponse = serde_json::from_str(json).unwrap_or_default();
        let r = raw_stats(s);
        assert_eq!(r.cpu_total_ns, 2_000_000_000);
        assert_eq!(r.online_cpus, 2);
        assert_eq!(r.mem_used(), 6 << 20);
        assert_eq!((r.net_rx, r.net_tx), (101, 202));
        assert_eq!((r.blk_read, r.blk_write), (4096, 8192));
        assert_eq!(r.pids, 3);
    }

    #[test]
    fn event_json() {
        let json = r#"{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"abc","Attributes":{"name":"web","image":"x"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}"#;
        let e: m::EventMessage = serde_json::from_str(json).unwrap_or_default();
        let e = event(e).unwrap_or_else(|| panic!("no event"));
        assert_eq!(e.kind, EventKind::Container);
        assert_eq!(e.verb(), "health_status");
        assert_eq!(e.name(), Some("web"));
        assert_eq!(e.time_nano, 1_700_000_000_123_456_789);
    }
}

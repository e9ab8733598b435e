//! Inspect data → [`SecurityFacts`], what the security rules read (`rules::findings`). The
//! run plan gives the same facts (`RunPlan::security_facts`), so a container made from a plan
//! has the findings the run form warned about.

use bollard::models as m;

use crate::model::SecurityFacts;

/// `cap_net_admin` → `NET_ADMIN`, as the run form writes capabilities.
fn capability(c: &str) -> String {
    let up = c.to_ascii_uppercase();
    up.strip_prefix("CAP_").unwrap_or(&up).to_owned()
}

/// The configured restart policy as the run form writes it (`on-failure:5`).
fn restart(p: Option<&m::RestartPolicy>) -> String {
    let Some(p) = p else {
        return String::new();
    };
    let name = p.name.map(|n| n.to_string()).unwrap_or_default();
    match p.maximum_retry_count {
        Some(n) if n > 0 && name == "on-failure" => format!("on-failure:{n}"),
        _ => name,
    }
}

pub(crate) fn security_facts(
    config: &m::ContainerConfig,
    host: &m::HostConfig,
    mounts: Option<&[m::MountPoint]>,
) -> SecurityFacts {
    let network_mode = match host.network_mode.as_deref() {
        None | Some("" | "default") => "bridge".to_owned(),
        Some(n) => n.to_owned(),
    };
    let mut published: Vec<(String, u16)> = host
        .port_bindings
        .iter()
        .flatten()
        .flat_map(|(_, b)| b.iter().flatten())
        .map(|b| {
            let port = b.host_port.as_deref().unwrap_or_default();
            // `8000-8010` (the engine picks one) counts as its first port.
            let first = port.split('-').next().unwrap_or_default();
            (
                b.host_ip.clone().unwrap_or_default(),
                first.parse::<u16>().unwrap_or(0),
            )
        })
        .collect();
    if host.publish_all_ports == Some(true) {
        published.push((String::new(), 0));
    }
    published.sort();
    SecurityFacts {
        privileged: host.privileged.unwrap_or(false),
        user: config.user.clone().unwrap_or_default(),
        cap_add: host
            .cap_add
            .iter()
            .flatten()
            .map(|c| capability(c))
            .collect(),
        network_mode,
        pid_mode: host.pid_mode.clone().unwrap_or_default(),
        ipc_mode: host.ipc_mode.clone().unwrap_or_default(),
        read_only_rootfs: host.readonly_rootfs.unwrap_or(false),
        memory_limit: host
            .memory
            .and_then(|m| u64::try_from(m).ok())
            .filter(|m| *m > 0),
        pids_limit: host.pids_limit.filter(|p| *p > 0),
        mounts: mounts
            .unwrap_or_default()
            .iter()
            .filter(|mp| mp.typ.as_deref() == Some("bind"))
            .map(|mp| {
                (
                    mp.source.clone().unwrap_or_default(),
                    mp.destination.clone().unwrap_or_default(),
                )
            })
            .collect(),
        published,
        image: config.image.clone().unwrap_or_default(),
        healthcheck: config
            .healthcheck
            .as_ref()
            .and_then(|h| h.test.as_ref())
            .and_then(|t| t.first())
            .is_some_and(|w| w != "NONE"),
        restart_policy: restart(host.restart_policy.as_ref()),
    }
}

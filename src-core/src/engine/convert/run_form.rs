//! Inspect data → the [`RunForm`] that makes the same container again (the "edit" prefill,
//! and what recreate will start from). The form holds the container's effective
//! configuration: what came from the image (its command, env, labels, health check) is
//! written out, so the form means the same container even if the image tag moves.
//!
//! What the form cannot say is left out here and must be carried by whoever recreates (tmpfs
//! mount options, a `CMD` health check's exec form, which becomes a shell command).

use bollard::models as m;

use crate::spec::run::RunForm;

/// Words back into one shell line (the form's command syntax).
fn join(words: &[String]) -> String {
    shlex::try_join(words.iter().map(String::as_str)).unwrap_or_else(|_| {
        // A NUL in a word: the parser refuses it, so the form shows it for the user to fix.
        words.join(" ")
    })
}

/// Nanoseconds as the form's duration (`1m30s`, `500ms`).
fn duration(ns: i64) -> String {
    let ms = u64::try_from(ns / 1_000_000).unwrap_or(0);
    crate::spec::cmdline::duration(ms)
}

fn port_entry(key: &str, b: &m::PortBinding) -> String {
    let ip = b.host_ip.as_deref().unwrap_or_default();
    let port = b.host_port.as_deref().unwrap_or_default();
    let ip = if ip.contains(':') {
        format!("[{ip}]")
    } else {
        ip.to_owned()
    };
    match (ip.is_empty(), port.is_empty()) {
        (true, true) => key.to_owned(),
        (true, false) => format!("{port}:{key}"),
        (false, _) => format!("{ip}:{port}:{key}"),
    }
}

fn long_mount(mt: &m::Mount) -> String {
    let kind = match mt.typ {
        Some(m::MountType::BIND) => "bind",
        Some(m::MountType::TMPFS) => "tmpfs",
        _ => "volume",
    };
    let mut parts = vec![format!("type={kind}")];
    if let Some(s) = mt.source.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("source={s}"));
    }
    parts.push(format!(
        "target={}",
        mt.target.as_deref().unwrap_or_default()
    ));
    if mt.read_only == Some(true) {
        parts.push("readonly".into());
    }
    if let Some(p) = mt.bind_options.as_ref().and_then(|b| b.propagation) {
        let p = p.to_string();
        if !p.is_empty() {
            parts.push(format!("bind-propagation={p}"));
        }
    }
    if mt.volume_options.as_ref().and_then(|v| v.no_copy) == Some(true) {
        parts.push("volume-nocopy".into());
    }
    if let Some(t) = &mt.tmpfs_options {
        if let Some(size) = t.size_bytes.filter(|s| *s > 0) {
            parts.push(format!("tmpfs-size={size}"));
        }
        if let Some(mode) = t.mode.filter(|m| *m > 0) {
            parts.push(format!("tmpfs-mode={mode:o}"));
        }
    }
    parts.join(",")
}

impl RunForm {
    /// The form that makes `c` again.
    pub(crate) fn from_inspect(c: &m::ContainerInspectResponse) -> RunForm {
        let config = c.config.clone().unwrap_or_default();
        let host = c.host_config.clone().unwrap_or_default();
        let id = c.id.as_deref().unwrap_or_default();
        let short_id = id.get(..12).unwrap_or(id);
        let mut f = RunForm {
            image: config.image.clone().unwrap_or_default(),
            name: c
                .name
                .as_deref()
                .map(|n| n.trim_start_matches('/').to_owned())
                .unwrap_or_default(),
            command: config.cmd.as_deref().map(join).unwrap_or_default(),
            entrypoint: config.entrypoint.as_deref().map(join).unwrap_or_default(),
            publish_all: host.publish_all_ports.unwrap_or(false),
            env: config.env.clone().unwrap_or_default(),
            privileged: host.privileged.unwrap_or(false),
            read_only: host.readonly_rootfs.unwrap_or(false),
            auto_remove: host.auto_remove.unwrap_or(false),
            user: config.user.clone().unwrap_or_default(),
            workdir: config.working_dir.clone().unwrap_or_default(),
            // The engine names the host after the short id when none was asked for.
            hostname: config
                .hostname
                .clone()
                .filter(|h| h != short_id)
                .unwrap_or_default(),
            cpuset: host.cpuset_cpus.clone().unwrap_or_default(),
            pid: host
                .pid_mode
                .clone()
                .filter(|p| p == "host")
                .unwrap_or_default(),
            ..Default::default()
        };
        let mut ports: Vec<String> = host
            .port_bindings
            .iter()
            .flatten()
            .flat_map(|(key, bs)| bs.iter().flatten().map(move |b| port_entry(key, b)))
            .collect();
        ports.sort();
        f.ports = ports;

        // Mounts: `-v` binds as written, `--mount` ones in its syntax, tmpfs, and the
        // anonymous volumes (declared paths no other mount covers).
        let mut mounts: Vec<String> = host.binds.clone().unwrap_or_default();
        mounts.extend(host.mounts.iter().flatten().map(long_mount));
        let mut tmpfs: Vec<&String> = host.tmpfs.iter().flatten().map(|(k, _)| k).collect();
        tmpfs.sort();
        mounts.extend(tmpfs.into_iter().map(|t| format!("tmpfs:{t}")));
        let written = |t: &str, mounts: &[String]| {
            mounts.iter().any(|w| {
                w.split(':').nth(1) == Some(t) || w.split(',').any(|kv| kv == format!("target={t}"))
            })
        };
        let mut anon: Vec<String> = config
            .volumes
            .iter()
            .flatten()
            .filter(|v| !written(v, &mounts))
            .cloned()
            .collect();
        anon.sort();
        mounts.extend(anon);
        f.mounts = mounts;

        // Networks: the mode first (with its aliases), then the others by name. The engine
        // adds the short id as an alias on user networks, and the host name on a network
        // connected before the first start (Docker 20.10); those are not the user's.
        let mode = host.network_mode.clone().unwrap_or_default();
        let nets = c
            .network_settings
            .as_ref()
            .and_then(|n| n.networks.clone())
            .unwrap_or_default();
        let entry = |name: &str| {
            let aliases: Vec<String> = nets
                .get(name)
                .and_then(|e| e.aliases.clone())
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a != short_id && a != id && Some(a) != config.hostname.as_ref())
                .collect();
            if aliases.is_empty() {
                name.to_owned()
            } else {
                format!("{name}:{}", aliases.join(","))
            }
        };
        let mut networks = Vec::new();
        if !mode.is_empty() && mode != "default" {
            networks.push(entry(&mode));
        }
        let mut others: Vec<&String> = nets.keys().filter(|n| **n != mode).collect();
        others.sort();
        // With the default mode the container is on `bridge`, which is the default.
        let default_mode = mode.is_empty() || mode == "default";
        networks.extend(
            others
                .into_iter()
                .filter(|n| !(default_mode && n.as_str() == "bridge"))
                .map(|n| entry(n)),
        );
        f.networks = networks;

        if let Some(p) = &host.restart_policy {
            let name = p.name.map(|n| n.to_string()).unwrap_or_default();
            f.restart = match p.maximum_retry_count {
                Some(n) if n > 0 && name == "on-failure" => format!("on-failure:{n}"),
                _ => name,
            };
        }
        let positive = |v: Option<i64>| v.filter(|v| *v > 0).map(|v| v.to_string());
        f.memory = positive(host.memory).unwrap_or_default();
        f.memory_swap = match host.memory_swap {
            Some(-1) => "-1".to_owned(),
            v => positive(v).unwrap_or_default(),
        };
        f.memory_reservation = positive(host.memory_reservation).unwrap_or_default();
        f.cpus = host
            .nano_cpus
            .filter(|n| *n > 0)
            .map(|n| crate::spec::cmdline::cpus(u64::try_from(n).unwrap_or(0)))
            .unwrap_or_default();
        f.cpu_shares = positive(host.cpu_shares).unwrap_or_default();
        f.pids_limit = match host.pids_limit {
            Some(-1) => "-1".to_owned(),
            v => positive(v).unwrap_or_default(),
        };
        let cap = |c: &String| {
            let up = c.to_ascii_uppercase();
            up.strip_prefix("CAP_").unwrap_or(&up).to_owned()
        };
        f.cap_add = host.cap_add.iter().flatten().map(cap).collect();
        f.cap_drop = host.cap_drop.iter().flatten().map(cap).collect();
        let mut labels: Vec<String> = config
            .labels
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        labels.sort();
        f.labels = labels;
        if let Some(h) = &config.healthcheck {
            match h.test.as_deref() {
                Some([none]) if none == "NONE" => f.health_cmd = "none".into(),
                Some([kind, cmd]) if kind == "CMD-SHELL" => f.health_cmd = cmd.clone(),
                Some([kind, words @ ..]) if kind == "CMD" && !words.is_empty() => {
                    f.health_cmd = join(words)
                }
                _ => {}
            }
            if f.health_cmd != "none" {
                let d = |v: Option<i64>| v.filter(|v| *v > 0).map(duration).unwrap_or_default();
                f.health_interval = d(h.interval);
                f.health_timeout = d(h.timeout);
                f.health_retries = positive(h.retries).unwrap_or_default();
            }
        }
        f
    }
}

//! Mounts (`-v` and `--mount` syntax) and networks with aliases.

use crate::spec::run::{Field, MountKind, MountSpec, NetworkSpec};

use super::{entries, parse_size, Errors, Parsed};

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

pub(super) fn container_path(what: &str, p: &str) -> Parsed<String> {
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
        crate::spec::validate_name("volume", source)
            .map_err(|e| format!("{what}: {}", e.message()))?;
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

pub(super) fn parse_long_mount(s: &str) -> Parsed<MountSpec> {
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
            crate::spec::validate_name("volume", &source)
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

pub(super) fn parse_networks(list: &[String], e: &mut Errors) -> Vec<NetworkSpec> {
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
        } else if let Err(err) = crate::spec::validate_name("network", name) {
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
            .find(|a| crate::spec::validate_name("alias", a).is_err())
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

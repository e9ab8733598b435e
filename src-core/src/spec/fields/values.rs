//! The image reference, shell words and published ports.

use crate::model::Protocol;
use crate::spec::run::{ImageRef, PortRange, PortSpec};

use super::Parsed;

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
pub(super) fn words(what: &str, s: &str) -> Parsed<Vec<String>> {
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

pub(super) fn port_number(s: &str) -> Parsed<u16> {
    match s.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        Ok(n) => Err(format!("port {n} is out of range 1-65535")),
        Err(_) => Err(format!("port '{s}' is not a number")),
    }
}

pub(super) fn port_range(s: &str) -> Parsed<PortRange> {
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

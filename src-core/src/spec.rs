//! User input → engine specs, each parser rejecting bad input with a precise message.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::model::Protocol;

/// Signals `docker kill` accepts by name.
const SIGNALS: &[&str] = &[
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

/// `SIGTERM`, `term`, `15` → the form the engine takes (`SIGTERM` or `15`).
pub fn parse_signal(s: &str) -> Result<String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u32>() {
        return if (1..=64).contains(&n) {
            Ok(n.to_string())
        } else {
            Err(CoreError::invalid_input(format!(
                "signal number {n} is out of range 1-64"
            )))
        };
    }
    let up = t.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    if SIGNALS.contains(&name) || name.starts_with("RTMIN") || name.starts_with("RTMAX") {
        Ok(format!("SIG{name}"))
    } else {
        Err(CoreError::invalid_input(format!(
            "unknown signal {s:?}; use a name like SIGTERM, SIGKILL, SIGHUP or a number"
        )))
    }
}

/// Container, network and volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, as the engine demands.
pub fn validate_name(what: &str, name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {
            chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        }
        _ => false,
    };
    if ok && name.len() <= 255 {
        Ok(())
    } else if name.is_empty() {
        Err(CoreError::invalid_input(format!(
            "the {what} name is empty"
        )))
    } else {
        Err(CoreError::invalid_input(format!(
            "invalid {what} name {name:?}: use letters, digits, '_', '.' and '-', starting with a letter or digit"
        )))
    }
}

/// A `-p` port publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortSpec {
    pub host_ip: Option<String>,
    /// `None`: the engine picks a free port.
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub protocol: Protocol,
}

fn port(s: &str, what: &str, spec: &str) -> Result<u16> {
    match s.parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(CoreError::invalid_input(format!(
            "invalid port spec {spec:?}: {what} port {s:?} must be a number from 1 to 65535"
        ))),
    }
}

/// `[ip:][hostPort:]containerPort[/proto]`, as `docker run -p` takes it (IPv6 in brackets).
pub fn parse_port(spec: &str) -> Result<PortSpec> {
    let s = spec.trim();
    if s.is_empty() {
        return Err(CoreError::invalid_input("the port spec is empty"));
    }
    let (body, proto) = match s.rsplit_once('/') {
        Some((b, p)) => (
            b,
            Protocol::parse(p).ok_or_else(|| {
                CoreError::invalid_input(format!(
                    "invalid port spec {spec:?}: protocol {p:?} is not tcp, udp or sctp"
                ))
            })?,
        ),
        None => (s, Protocol::Tcp),
    };
    let (ip, rest) = if let Some(r) = body.strip_prefix('[') {
        let (ip, after) = r.split_once(']').ok_or_else(|| {
            CoreError::invalid_input(format!("invalid port spec {spec:?}: unclosed '['"))
        })?;
        let after = after.strip_prefix(':').ok_or_else(|| {
            CoreError::invalid_input(format!(
                "invalid port spec {spec:?}: expected ':' after ']'"
            ))
        })?;
        (Some(ip.to_owned()), after)
    } else {
        let parts: Vec<&str> = body.split(':').collect();
        match parts.len() {
            1 | 2 => (None, body),
            3 => (Some(parts[0].to_owned()), &body[parts[0].len() + 1..]),
            _ => {
                return Err(CoreError::invalid_input(format!(
                    "invalid port spec {spec:?}: expected [ip:][hostPort:]containerPort[/proto]"
                )))
            }
        }
    };
    if let Some(ip) = &ip {
        if ip.parse::<std::net::IpAddr>().is_err() {
            return Err(CoreError::invalid_input(format!(
                "invalid port spec {spec:?}: {ip:?} is not an IP address"
            )));
        }
    }
    let (host, cont) = match rest.split_once(':') {
        Some((h, c)) => (Some(h), c),
        None => (None, rest),
    };
    let host_port = match host {
        None | Some("") => None,
        Some(h) => Some(port(h, "host", spec)?),
    };
    Ok(PortSpec {
        host_ip: ip,
        host_port,
        container_port: port(cont, "container", spec)?,
        protocol: proto,
    })
}

/// A parsed image reference: `[registry[:port]/]path[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    pub registry: Option<String>,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// The reference with `:latest` filled in when neither tag nor digest is given.
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        if let Some(r) = &self.registry {
            s.push_str(r);
            s.push('/');
        }
        s.push_str(&self.path);
        match (&self.tag, &self.digest) {
            (Some(t), _) => {
                s.push(':');
                s.push_str(t);
            }
            (None, None) => s.push_str(":latest"),
            _ => {}
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }
}

pub fn parse_image_ref(input: &str) -> Result<ImageRef> {
    let bad = |why: &str| CoreError::invalid_input(format!("invalid image name {input:?}: {why}"));
    let s = input.trim();
    if s.is_empty() {
        return Err(bad("it is empty"));
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => {
            let (algo, hex) = d
                .split_once(':')
                .ok_or_else(|| bad("the digest needs 'algo:hex'"))?;
            if algo.is_empty() || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(bad("the digest is not like sha256:<64 hex digits>"));
            }
            (r, Some(d.to_owned()))
        }
        None => (s, None),
    };
    // A ':' after the last '/' is the tag separator; before it, a registry port.
    let last_slash = rest.rfind('/');
    let (name, tag) = match rest.rfind(':') {
        Some(i) if last_slash.is_none_or(|sl| i > sl) => {
            (&rest[..i], Some(rest[i + 1..].to_owned()))
        }
        _ => (rest, None),
    };
    if let Some(t) = &tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return Err(bad(
                "the tag may hold letters, digits, '_', '.', '-' (at most 128)",
            ));
        }
    }
    let mut comps: Vec<&str> = name.split('/').collect();
    let registry = if comps.len() > 1
        && (comps[0].contains('.') || comps[0].contains(':') || comps[0] == "localhost")
    {
        Some(comps.remove(0).to_owned())
    } else {
        None
    };
    for c in &comps {
        let ok = !c.is_empty()
            && c.chars().all(|ch| {
                ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '_' | '.' | '-')
            })
            && c.chars()
                .next()
                .is_some_and(|ch| ch.is_ascii_alphanumeric())
            && c.chars()
                .last()
                .is_some_and(|ch| ch.is_ascii_alphanumeric());
        if !ok {
            return Err(bad(
                "each path component must be lowercase letters, digits and separators ('.', '_', '-')",
            ));
        }
    }
    Ok(ImageRef {
        registry,
        path: comps.join("/"),
        tag,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals() {
        assert_eq!(parse_signal("term").ok().as_deref(), Some("SIGTERM"));
        assert_eq!(parse_signal("SIGKILL").ok().as_deref(), Some("SIGKILL"));
        assert_eq!(parse_signal("9").ok().as_deref(), Some("9"));
        assert!(parse_signal("0").is_err());
        assert!(parse_signal("SIGFOO").is_err());
    }

    #[test]
    fn names() {
        assert!(validate_name("container", "web-1.a_b").is_ok());
        for bad in ["", "-x", "a b", "a/b", "é"] {
            assert!(validate_name("container", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports() {
        let p = |s: &str| parse_port(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(p("80").container_port, 80);
        assert_eq!(p("8080:80").host_port, Some(8080));
        let q = p("127.0.0.1:8080:80/udp");
        assert_eq!(
            (q.host_ip.as_deref(), q.protocol),
            (Some("127.0.0.1"), Protocol::Udp)
        );
        assert_eq!(p("127.0.0.1::80").host_port, None);
        assert_eq!(p("[::1]:53:53/udp").host_ip.as_deref(), Some("::1"));
        for (bad, says) in [
            ("", "empty"),
            ("80/http", "protocol \"http\""),
            ("99999:80", "host port \"99999\""),
            ("8080:0", "container port \"0\""),
            ("abc", "container port \"abc\""),
            ("1.2.3:80:80", "not an IP"),
            ("a:b:c:d", "expected [ip:]"),
        ] {
            let e = parse_port(bad)
                .err()
                .unwrap_or_else(|| panic!("accepted {bad:?}"));
            assert!(e.message().contains(says), "{bad:?}: {}", e.message());
        }
    }

    #[test]
    fn image_refs() {
        let r = parse_image_ref("busybox").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.canonical(), "busybox:latest");
        let r =
            parse_image_ref("127.0.0.1:5000/test/busybox:1.0").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.registry.as_deref(), Some("127.0.0.1:5000"));
        assert_eq!(
            (r.path.as_str(), r.tag.as_deref()),
            ("test/busybox", Some("1.0"))
        );
        let d = format!("alpine@sha256:{}", "a".repeat(64));
        assert_eq!(parse_image_ref(&d).map(|r| r.canonical()).ok(), Some(d));
        for bad in [
            "",
            "UPPER",
            "a//b",
            "img:",
            "img:bad tag",
            "img@sha256:zz",
            "-lead",
        ] {
            assert!(parse_image_ref(bad).is_err(), "{bad:?}");
        }
    }
}

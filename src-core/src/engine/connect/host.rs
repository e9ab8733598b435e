//! Engine addresses: `unix://`, `tcp://`, `http://`, `https://`, `ssh://` and bare
//! `host:port`, parsed into a [`Transport`] with a precise message for every mistake (missing
//! path or host, bad port, unbracketed IPv6, paths, credentials, unknown schemes).
//!
//! Port defaults follow the docker CLI for `tcp://` (2375, or 2376 with TLS) and URL habits for
//! `http://` (80) and `https://` (443). Host names may not start with `-`, so nothing parsed
//! here can be taken as an option by `ssh`.
//!
//! SSH user and host names end up on `ssh`'s command line and, through `%r`/`%h` in a user's
//! `ProxyCommand`, `Match exec` or `LocalCommand`, in a shell: both are checked against an
//! allow-list ([`check_ssh_user`], [`check_host_name`]) rather than a list of dangerous
//! characters, and the SSH transport checks them again before running `ssh`.

use std::path::PathBuf;

use super::{TlsFiles, Transport, DEFAULT_PLAIN_PORT, DEFAULT_SOCKET, DEFAULT_TLS_PORT};
use crate::error::{CoreError, Result};

const SCHEMES: &str = "unix:///path, tcp://host:port, http://host:port, https://host:port \
                       or ssh://[user@]host[:port]";

/// Parse an engine address. `tls` applies to `tcp://` (which is plain HTTP without it) and
/// `https://` (which checks against the system's CAs without it); other schemes ignore it.
/// Without a port, `tcp://` uses 2375, or 2376 with TLS, like the docker CLI; `http://` and
/// `https://` use 80 and 443 like any URL. A bare `host:port` means `tcp://host:port`.
pub fn parse_host(spec: &str, tls: Option<TlsFiles>) -> Result<Transport> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(CoreError::invalid_input(format!(
            "empty engine address; expected {SCHEMES}"
        )));
    }
    // Every message below quotes the address: none may carry a control sequence to a
    // terminal or hide text (an address can come from a context file someone else wrote).
    if spec.chars().any(invisible) {
        return Err(CoreError::invalid_input(format!(
            "`{}`: control or invisible characters are not allowed in an engine address",
            spec.escape_default()
        )));
    }
    let (scheme, rest) = match spec.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None if spec.starts_with('/') => {
            return Err(CoreError::invalid_input(format!(
                "`{spec}` has no scheme; a socket path is written unix://{spec}"
            )))
        }
        None => ("tcp".to_owned(), spec),
    };
    let tls_transport = |host: String, port: u16, files: TlsFiles| Transport::Tls {
        host,
        port,
        ca: files.ca,
        cert: files.cert,
        key: files.key,
        skip_verify: files.skip_verify,
    };
    match scheme.as_str() {
        "unix" => {
            if rest.is_empty() {
                return Err(CoreError::invalid_input(format!(
                    "`{spec}` has no socket path, e.g. unix://{DEFAULT_SOCKET}"
                )));
            }
            if !rest.starts_with('/') {
                return Err(CoreError::invalid_input(format!(
                    "`{spec}`: the socket path must be absolute (three slashes: unix:///{rest})"
                )));
            }
            Ok(Transport::Unix {
                path: PathBuf::from(rest),
            })
        }
        "tcp" => {
            let default_port = if tls.is_some() {
                DEFAULT_TLS_PORT
            } else {
                DEFAULT_PLAIN_PORT
            };
            let (host, port) = host_port(rest, spec)?;
            let port = port.unwrap_or(default_port);
            Ok(match tls {
                Some(files) => tls_transport(host, port, files),
                None => Transport::Tcp { host, port },
            })
        }
        "http" => {
            let (host, port) = host_port(rest, spec)?;
            Ok(Transport::Tcp {
                host,
                port: port.unwrap_or(80),
            })
        }
        "https" => {
            let (host, port) = host_port(rest, spec)?;
            Ok(tls_transport(
                host,
                port.unwrap_or(443),
                tls.unwrap_or_default(),
            ))
        }
        "ssh" => parse_ssh(rest, spec),
        "npipe" => Err(CoreError::invalid_input(format!(
            "`{spec}`: named pipes exist only on Windows"
        ))),
        "fd" => Err(CoreError::invalid_input(format!(
            "`{spec}`: fd:// is how dockerd receives its own sockets; clients cannot connect to it"
        ))),
        other => Err(CoreError::invalid_input(format!(
            "`{spec}`: unsupported scheme `{other}://`; expected {SCHEMES}"
        ))),
    }
}

/// Control characters (C0, DEL, C1) and the invisible ones that reorder or hide text
/// (zero-width, bidi controls, BOM).
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Split `host[:port]` (IPv6 in brackets), rejecting paths, credentials and junk.
fn host_port(rest: &str, spec: &str) -> Result<(String, Option<u16>)> {
    let bad = |why: &str| CoreError::invalid_input(format!("`{spec}`: {why}"));
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#']) {
        return Err(bad("a path after the address is not supported"));
    }
    if rest.contains('@') {
        return Err(bad("credentials in the address are not supported"));
    }
    let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
        let (host, after) = inner
            .split_once(']')
            .ok_or_else(|| bad("unclosed `[` in an IPv6 address"))?;
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(bad("expected `:port` after `]`")),
            },
        }
    } else {
        match rest.rsplit_once(':') {
            Some((host, _)) if host.contains(':') => {
                return Err(bad(
                    "write IPv6 addresses in brackets, e.g. tcp://[::1]:2376",
                ))
            }
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    check_host_name(host).map_err(|why| bad(&why))?;
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ if p.is_empty() => return Err(bad("empty port after `:`")),
            _ => return Err(bad(&format!("port `{p}` is not a number from 1 to 65535"))),
        },
    };
    Ok((host.to_owned(), port))
}

/// Host names: letters, digits and `-._` (DNS names, IPv4), `:` and `%` (IPv6 with a zone),
/// never starting with `-`. `Err` says why, for a message that names the address.
pub(super) fn check_host_name(host: &str) -> std::result::Result<(), String> {
    if host.is_empty() {
        return Err("no host name".to_owned());
    }
    if host.starts_with('-') {
        return Err("a host name cannot start with `-`".to_owned());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._:%".contains(c);
    match host.chars().find(|c| !allowed(*c)) {
        Some(c) => Err(format!(
            "`{}` is not allowed in a host name",
            c.escape_debug()
        )),
        None => Ok(()),
    }
}

/// SSH user names: letters, digits and `._-@` (POSIX portable names, and `user@domain` for
/// directory accounts), never starting with `-`. Everything else (`$ ; | \` ' "`, spaces,
/// newlines, control and non-ASCII characters) is refused: ssh would hand it to a shell
/// wherever a config expands `%r`. `Err` says why.
pub(super) fn check_ssh_user(user: &str) -> std::result::Result<(), String> {
    if user.is_empty() {
        return Err("empty SSH user name before `@`".to_owned());
    }
    if user.starts_with('-') {
        return Err("an SSH user name cannot start with `-`".to_owned());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._-@".contains(c);
    match user.chars().find(|c| !allowed(*c)) {
        Some(c) => Err(format!(
            "`{}` is not allowed in an SSH user name (letters, digits, `.`, `_`, `-` and `@` are)",
            c.escape_debug()
        )),
        None => Ok(()),
    }
}

/// [`check_ssh_user`] and [`check_host_name`] for a transport built without [`parse_host`]
/// (a serialized or hand-made [`Transport::Ssh`]), just before `ssh` would run.
pub(super) fn check_ssh_target(user: Option<&str>, host: &str) -> Result<()> {
    let refuse = |why: String| {
        CoreError::invalid_input(format!(
            "refusing to run ssh for `{}`: {why}",
            host.escape_debug()
        ))
    };
    if let Some(user) = user {
        check_ssh_user(user).map_err(refuse)?;
    }
    check_host_name(host).map_err(refuse)
}

fn parse_ssh(rest: &str, spec: &str) -> Result<Transport> {
    let bad = |why: &str| CoreError::invalid_input(format!("`{spec}`: {why}"));
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#']) {
        return Err(bad(
            "a path after the host is not supported; Wharf runs `docker system dial-stdio` there",
        ));
    }
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((user, hostport)) => (Some(user), hostport),
        None => (None, rest),
    };
    if let Some(user) = user {
        if user.contains(':') {
            return Err(bad(
                "passwords in ssh:// addresses are not supported; use an SSH key or agent",
            ));
        }
        check_ssh_user(user).map_err(|why| bad(&why))?;
    }
    let (host, port) = host_port(hostport, spec)?;
    Ok(Transport::Ssh {
        user: user.map(str::to_owned),
        host,
        port,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::error::ErrorKind;

    fn tcp(host: &str, port: u16) -> Transport {
        Transport::Tcp {
            host: host.into(),
            port,
        }
    }

    #[test]
    fn bad_host_specs_are_explained() {
        let cases = [
            ("", "empty engine address"),
            ("   ", "empty engine address"),
            ("ftp://x", "unsupported scheme `ftp://`"),
            ("unix://", "has no socket path"),
            (
                "unix://var/run/docker.sock",
                "must be absolute (three slashes",
            ),
            (
                "/var/run/docker.sock",
                "is written unix:///var/run/docker.sock",
            ),
            ("tcp://", "no host name"),
            ("tcp://:2375", "no host name"),
            ("tcp://host:", "empty port"),
            (
                "tcp://host:99999",
                "port `99999` is not a number from 1 to 65535",
            ),
            ("tcp://host:0", "port `0`"),
            ("tcp://host:http", "port `http`"),
            ("tcp://::1:2375", "IPv6 addresses in brackets"),
            ("tcp://[::1", "unclosed `[`"),
            ("tcp://host:2375/v1.41", "a path after the address"),
            ("tcp://user@host:2375", "credentials"),
            ("tcp://-oProxyCommand=x", "cannot start with `-`"),
            ("tcp://ho st:1", "` ` is not allowed"),
            ("ssh://user:pw@host", "passwords in ssh:// addresses"),
            ("ssh://@host", "empty SSH user name"),
            ("ssh://host/var/run/docker.sock", "a path after the host"),
            ("ssh://", "no host name"),
            ("ssh://-oProxyCommand=x", "cannot start with `-`"),
            ("npipe:////./pipe/docker_engine", "only on Windows"),
            ("fd://", "clients cannot connect"),
        ];
        for (spec, expected) in cases {
            let err = parse_host(spec, None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{spec}");
            assert!(err.message().contains(expected), "{spec:?}: {err}");
        }
    }

    #[test]
    fn hostile_ssh_user_and_host_names_are_refused() {
        let user = "is not allowed in an SSH user name";
        let host = "is not allowed in a host name";
        let cases = [
            ("ssh://$(reboot)@box", "`$` ".to_owned() + user),
            ("ssh://a;b@box", format!("`;` {user}")),
            ("ssh://a|b@box", format!("`|` {user}")),
            ("ssh://`id`@box", format!("``` {user}")),
            ("ssh://a b@box", format!("` ` {user}")),
            (
                "ssh://a\tb@box",
                "control or invisible characters".to_owned(),
            ),
            (
                "ssh://a\nb@box",
                "control or invisible characters".to_owned(),
            ),
            (
                "ssh://a\u{1b}]0;x\u{7}@box",
                "`ssh://a\\u{1b}]0;x\\u{7}@box`: control".to_owned(),
            ),
            (
                "unix:///tmp/\u{202e}kcos.rekcod",
                "control or invisible".to_owned(),
            ),
            ("ssh://a\u{200b}b@box", "control or invisible".to_owned()),
            ("ssh://a\\b@box", format!("`\\\\` {user}")),
            ("ssh://a\"b@box", format!("`\\\"` {user}")),
            ("ssh://a'b@box", format!("`\\'` {user}")),
            ("ssh://a&b@box", format!("`&` {user}")),
            ("ssh://a>b@box", format!("`>` {user}")),
            ("ssh://a(b@box", format!("`(` {user}")),
            ("ssh://a{b@box", format!("`{{` {user}")),
            ("ssh://a%b@box", format!("`%` {user}")),
            ("ssh://a*b@box", format!("`*` {user}")),
            ("ssh://ü@box", format!("`ü` {user}")),
            (
                "ssh://-oProxyCommand=x@box",
                "cannot start with `-`".to_owned(),
            ),
            ("ssh://@box", "empty SSH user name".to_owned()),
            ("ssh://me@$(reboot)", format!("`$` {host}")),
            ("ssh://me@a;b", format!("`;` {host}")),
            ("ssh://me@a|b", format!("`|` {host}")),
            (
                "ssh://me@-oProxyCommand=x",
                "cannot start with `-`".to_owned(),
            ),
            ("ssh://me@a`b", format!("``` {host}")),
        ];
        for (spec, expected) in cases {
            let err = parse_host(spec, None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{spec:?}");
            assert!(err.message().contains(&expected), "{spec:?}: {err}");
        }
        // Real user names still parse.
        for user in [
            "deploy",
            "ops.team",
            "svc_docker",
            "a-b",
            "jane@corp.example",
            "u1",
        ] {
            let parsed = parse_host(&format!("ssh://{user}@box:22"), None).unwrap();
            let Transport::Ssh { user: Some(u), .. } = parsed else {
                panic!("{user}: {parsed:?}");
            };
            assert_eq!(u, user);
        }
    }

    #[test]
    fn good_host_specs_parse_like_the_docker_cli() {
        let tls = || {
            Some(TlsFiles {
                ca: Some("/c/ca.pem".into()),
                ..TlsFiles::default()
            })
        };
        let tls_at = |host: &str, port: u16, ca: Option<&str>| Transport::Tls {
            host: host.into(),
            port,
            ca: ca.map(PathBuf::from),
            cert: None,
            key: None,
            skip_verify: false,
        };
        let cases = [
            ("tcp://docker.example", None, tcp("docker.example", 2375)),
            (
                "tcp://docker.example",
                tls(),
                tls_at("docker.example", 2376, Some("/c/ca.pem")),
            ),
            ("TCP://10.0.0.5:2375/", None, tcp("10.0.0.5", 2375)),
            ("10.0.0.5:2375", None, tcp("10.0.0.5", 2375)),
            (
                "tcp://[::1]:2376",
                tls(),
                tls_at("::1", 2376, Some("/c/ca.pem")),
            ),
            ("tcp://[fe80::1%eth0]", None, tcp("fe80::1%eth0", 2375)),
            ("http://docker.example", None, tcp("docker.example", 80)),
            ("http://docker.example", tls(), tcp("docker.example", 80)),
            (
                "https://docker.example",
                None,
                tls_at("docker.example", 443, None),
            ),
            (
                "https://docker.example:8443",
                tls(),
                tls_at("docker.example", 8443, Some("/c/ca.pem")),
            ),
            (
                "unix:///var/run/docker.sock",
                tls(),
                Transport::Unix {
                    path: "/var/run/docker.sock".into(),
                },
            ),
            (
                "ssh://box",
                None,
                Transport::Ssh {
                    user: None,
                    host: "box".into(),
                    port: None,
                },
            ),
            (
                "ssh://me@box:2222/",
                None,
                Transport::Ssh {
                    user: Some("me".into()),
                    host: "box".into(),
                    port: Some(2222),
                },
            ),
        ];
        for (spec, tls, expected) in cases {
            assert_eq!(parse_host(spec, tls).unwrap(), expected, "{spec}");
        }
        let v6 = parse_host("tcp://[::1]:2376", tls()).unwrap();
        assert_eq!(v6.to_string(), "tcp+tls://[::1]:2376");
    }
}

//! Why the engine could not be reached: turns a transport-level bollard error into a
//! [`CoreError`] that says what Wharf was trying to reach, what failed (missing socket,
//! permission, refused, timeout, DNS, a TLS verdict, an SSH failure) and the likely fix.
//!
//! The cause is found by walking the whole `source()` chain, looking inside `io::Error`s (they
//! hide their payload from `source()`), for the first rustls, SSH, DNS or I/O error that
//! explains it. A raw hyper message is never the whole story: every message names the target.
//! Engine answers that are not transport failures (HTTP statuses, bad JSON) come back as
//! [`ErrorKind::Engine`] with bollard's message; statuses are mapped by `engine::map_error`.

use std::error::Error as StdError;
use std::io;
use std::path::{Path, PathBuf};

use bollard::errors::Error as BollardError;
use rustls::{AlertDescription, CertificateError};

use super::{
    Endpoint, EndpointSource, SshError, Transport, QUICK_REQUEST_TIMEOUT, REQUEST_TIMEOUT_SECS,
};
use crate::error::{CoreError, ErrorKind};

/// What Go's TLS server answers to plain HTTP, as dockerd with `--tlsverify` does.
const HTTP_TO_TLS: &str = "Client sent an HTTP request to an HTTPS server";

pub(crate) fn classify(err: BollardError, endpoint: &Endpoint) -> CoreError {
    let target = target(endpoint);
    let classified = match &err {
        BollardError::SocketNotFoundError(path) => missing_socket(Path::new(path), endpoint),
        BollardError::RequestTimeoutError => {
            let hint = format!(
                "Wharf waits {} s for reads and {REQUEST_TIMEOUT_SECS} s for slow actions; \
                 the engine may be frozen or overloaded, or the network slow (try `docker \
                 info` there)",
                QUICK_REQUEST_TIMEOUT.as_secs()
            );
            CoreError::unavailable(format!(
                "the engine at {target} is not responding: no answer in time"
            ))
            .with_hint(hint)
        }
        BollardError::DockerResponseServerError {
            status_code: 400,
            message,
        } if message.contains(HTTP_TO_TLS) => speaks_tls(&target),
        BollardError::UnsupportedURISchemeError { uri } => {
            CoreError::invalid_input(format!("unsupported engine address {uri}"))
        }
        BollardError::HyperResponseError { .. }
        | BollardError::HyperLegacyError { .. }
        | BollardError::IOError { .. } => transport(&err, endpoint, &target),
        _ => CoreError::new(ErrorKind::Engine, err.to_string()),
    };
    classified.with_source(err)
}

/// Whether `err` says the engine accepted the request but did not answer before its deadline
/// (a frozen or hung engine, as opposed to one that refused or is gone).
pub fn is_timeout(err: &CoreError) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = StdError::source(err);
    while let Some(e) = cur {
        if matches!(
            e.downcast_ref::<BollardError>(),
            Some(BollardError::RequestTimeoutError)
        ) {
            return true;
        }
        cur = e.source();
    }
    false
}

/// `tcp://10.0.0.5:2375 (DOCKER_HOST)`: the transport and, when useful, where it came from.
fn target(endpoint: &Endpoint) -> String {
    let t = &endpoint.transport;
    match &endpoint.source {
        EndpointSource::Flag => format!("{t} (--host)"),
        EndpointSource::EnvHost => format!("{t} (DOCKER_HOST)"),
        EndpointSource::FlagContext { name }
        | EndpointSource::EnvContext { name }
        | EndpointSource::ConfigContext { name } => format!("{t} (context {name})"),
        EndpointSource::DefaultSocket => t.to_string(),
        EndpointSource::Fallback { what, .. } => format!("{t} ({what})"),
    }
}

/// Every error in the chain, including the payloads that `io::Error` keeps out of `source()`.
fn chain<'a>(err: &'a BollardError) -> Vec<&'a (dyn StdError + 'static)> {
    fn walk<'a>(e: &'a (dyn StdError + 'static), out: &mut Vec<&'a (dyn StdError + 'static)>) {
        if out.len() > 32 {
            return;
        }
        out.push(e);
        let next: Option<&'a (dyn StdError + 'static)> = match e.downcast_ref::<io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner),
                None => e.source(),
            },
            None => e.source(),
        };
        if let Some(next) = next {
            walk(next, out);
        }
    }
    let mut out = vec![err as &(dyn StdError + 'static)];
    // These variants are `#[error(transparent)]`: their `source()` skips the wrapped error.
    match err {
        BollardError::IOError { err } => walk(err, &mut out),
        BollardError::HyperResponseError { err } => walk(err, &mut out),
        _ => {
            if let Some(source) = err.source() {
                walk(source, &mut out);
            }
        }
    }
    out
}

fn find<'a, T: StdError + 'static>(chain: &[&'a (dyn StdError + 'static)]) -> Option<&'a T> {
    chain.iter().find_map(|e| e.downcast_ref::<T>())
}

fn no_client_cert(target: &str) -> CoreError {
    CoreError::new(
        ErrorKind::Denied,
        format!("the engine at {target} requires a client certificate and none was given"),
    )
    .with_hint(
        "put cert.pem and key.pem beside ca.pem in DOCKER_CERT_PATH, or in the context's TLS files",
    )
}

/// The engine asked for a client certificate and then closed the connection without an
/// answer: its refusal of the certificate given (`cert`) or of its absence, whose alert was lost
/// (see `tls::RecordingResolver`).
#[derive(Debug, thiserror::Error)]
#[error("the engine asked for a client certificate and closed the connection after the handshake: {detail}")]
pub(super) struct ClientCertRefused {
    cert: Option<PathBuf>,
    detail: String,
}

/// `err` of a request over TLS, once the engine has asked for a client certificate: a
/// connection closed or reset before any answer becomes [`ClientCertRefused`].
pub(super) fn after_cert_request(err: BollardError, cert: Option<&Path>) -> BollardError {
    let closed = {
        let chain = chain(&err);
        chain.iter().any(|e| {
            e.downcast_ref::<hyper::Error>()
                .is_some_and(|h| h.is_incomplete_message() || h.is_canceled())
                || e.downcast_ref::<io::Error>().is_some_and(|io| {
                    matches!(
                        io.kind(),
                        io::ErrorKind::ConnectionReset
                            | io::ErrorKind::BrokenPipe
                            | io::ErrorKind::UnexpectedEof
                    )
                })
        }) && find::<rustls::Error>(&chain).is_none()
    };
    if !closed {
        return err;
    }
    BollardError::IOError {
        err: io::Error::new(
            io::ErrorKind::PermissionDenied,
            ClientCertRefused {
                cert: cert.map(Path::to_path_buf),
                detail: err.to_string(),
            },
        ),
    }
}

fn transport(err: &BollardError, endpoint: &Endpoint, target: &str) -> CoreError {
    let chain = chain(err);
    if let Some(refused) = find::<ClientCertRefused>(&chain) {
        return match &refused.cert {
            None => no_client_cert(target),
            Some(cert) => cert_refused(target, cert, "its alert was lost as it closed"),
        };
    }
    if let Some(ssh) = find::<SshError>(&chain) {
        return ssh.explain(&endpoint.transport, target);
    }
    if let Some(tls) = find::<rustls::Error>(&chain) {
        return tls_failure(tls, endpoint, target);
    }
    let is_dns = chain.iter().any(|e| {
        let text = e.to_string();
        text.starts_with("dns error") || text.contains("failed to lookup address")
    });
    if is_dns {
        let host = host_of(&endpoint.transport).unwrap_or_default();
        return CoreError::unavailable(format!("cannot resolve the host name {host} of {target}"))
            .with_hint("check the host name, or use an IP address");
    }
    let io_kind = chain
        .iter()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .map(io::Error::kind)
        .find(|k| *k != io::ErrorKind::Other);
    let unix = match &endpoint.transport {
        Transport::Unix { path } => Some(path.as_path()),
        _ => None,
    };
    let is_tls = matches!(endpoint.transport, Transport::Tls { .. });
    match (io_kind, unix) {
        (Some(io::ErrorKind::NotFound), Some(path)) => return missing_socket(path, endpoint),
        (Some(io::ErrorKind::PermissionDenied), Some(path)) => {
            return CoreError::new(
                ErrorKind::Denied,
                format!("permission denied on the engine socket {}", path.display()),
            )
            .with_hint(
                "add your user to the socket's group (usually docker: `sudo usermod -aG docker \
                 $USER`, then log in again) or run Wharf with sudo",
            )
        }
        (Some(io::ErrorKind::ConnectionRefused), Some(path)) => {
            return CoreError::unavailable(format!(
                "no engine is listening on {} (connection refused)",
                path.display()
            ))
            .with_hint("the socket file is left from an engine that stopped; start the engine")
        }
        (Some(io::ErrorKind::ConnectionRefused), None) => {
            return CoreError::unavailable(format!("connection refused by {target}")).with_hint(
                "is the engine running and listening on that address and port? Check any firewall",
            )
        }
        (Some(io::ErrorKind::TimedOut), _) => {
            return CoreError::unavailable(format!("timed out connecting to {target}"))
                .with_hint("the host may be down, or a firewall drops the connection")
        }
        (Some(io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable), _) => {
            return CoreError::unavailable(format!("{target} is unreachable from this machine"))
                .with_hint("check the address and the network route to it")
        }
        (
            Some(
                io::ErrorKind::UnexpectedEof
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted,
            ),
            None,
        ) if is_tls => {
            return CoreError::new(
                ErrorKind::Tls,
                format!("the engine at {target} closed the connection during the TLS handshake"),
            )
            .with_hint("that port may not speak TLS, or the engine refused this client")
        }
        _ => {}
    }
    if let Some(hyper_err) = find::<hyper::Error>(&chain) {
        if hyper_err.is_parse() && !is_tls {
            return CoreError::unavailable(format!("the answer from {target} is not HTTP"))
                .with_hint(
                    "if that port speaks TLS, set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH \
                     (TLS engines usually listen on 2376)",
                );
        }
        if hyper_err.is_incomplete_message() || hyper_err.is_canceled() {
            return CoreError::unavailable(format!(
                "the engine at {target} closed the connection before answering"
            ))
            .with_hint("is it a Docker engine, and does it speak TLS on this port or not?");
        }
    }
    let cause = chain
        .last()
        .map(|e| e.to_string())
        .unwrap_or_else(|| err.to_string());
    CoreError::unavailable(format!("cannot reach the engine at {target}: {cause}"))
}

fn missing_socket(path: &Path, endpoint: &Endpoint) -> CoreError {
    let hint = match &endpoint.source {
        EndpointSource::DefaultSocket => "is the Docker engine running? Start it (e.g. `sudo \
             systemctl start docker`) or choose an engine with --host, DOCKER_HOST or --context; \
             Wharf also looked for rootless Docker, Docker Desktop, Podman, Colima and OrbStack \
             sockets"
            .to_owned(),
        EndpointSource::Fallback { .. } => "its engine has stopped; start it again".to_owned(),
        EndpointSource::Flag => "check the socket path given to --host".to_owned(),
        EndpointSource::EnvHost => "DOCKER_HOST names it: fix or unset DOCKER_HOST".to_owned(),
        EndpointSource::FlagContext { name }
        | EndpointSource::EnvContext { name }
        | EndpointSource::ConfigContext { name } => format!(
            "context {name} names it; start that engine or pick another context \
             (`docker context ls`)"
        ),
    };
    CoreError::unavailable(format!("no Docker socket at {}", path.display())).with_hint(hint)
}

fn speaks_tls(target: &str) -> CoreError {
    CoreError::new(
        ErrorKind::Tls,
        format!("the engine at {target} speaks TLS, but Wharf connected with plain HTTP"),
    )
    .with_hint(
        "set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the directory with ca.pem, cert.pem and \
         key.pem, or use a docker context that holds them",
    )
}

fn host_of(transport: &Transport) -> Option<&str> {
    match transport {
        Transport::Unix { .. } => None,
        Transport::Tcp { host, .. } | Transport::Tls { host, .. } | Transport::Ssh { host, .. } => {
            Some(host)
        }
    }
}

fn tls_failure(e: &rustls::Error, endpoint: &Endpoint, target: &str) -> CoreError {
    let (ca, cert) = match &endpoint.transport {
        Transport::Tls { ca, cert, .. } => (ca.as_deref(), cert.as_deref()),
        _ => (None, None),
    };
    let against = match ca {
        Some(ca) => format!("the CA in {}", ca.display()),
        None => "the system's trusted CAs".to_owned(),
    };
    let server_cert = |what: String, hint: &str| {
        CoreError::new(
            ErrorKind::Tls,
            format!("the engine's certificate at {target} {what}"),
        )
        .with_hint(hint.to_owned())
    };
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => server_cert(
                format!("is not signed by {against}"),
                "use the CA that signed the engine's certificate (dockerd --tlscacert), via \
                 DOCKER_CERT_PATH/ca.pem or the context's TLS files",
            ),
            CertificateError::NotValidForName => server_cert(
                format!(
                    "is not valid for {}",
                    host_of(&endpoint.transport).unwrap_or("this host")
                ),
                "connect with a name or IP listed in the certificate, or reissue it with that \
                 subjectAltName",
            ),
            CertificateError::NotValidForNameContext {
                expected,
                presented,
            } => {
                let listed: Vec<&str> = presented.iter().map(|p| unwrap_name(p)).collect();
                let listed = match listed.is_empty() {
                    true => "no names".to_owned(),
                    false => listed.join(", "),
                };
                server_cert(
                    format!("is not valid for {} (it lists {listed})", expected.to_str()),
                    "connect with a name or IP listed in the certificate, or reissue it with \
                     that subjectAltName",
                )
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => server_cert(
                "has expired".to_owned(),
                "renew the engine's certificate, or check this machine's clock",
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                server_cert(
                    "is not valid yet".to_owned(),
                    "check the clocks of this machine and the engine's host",
                )
            }
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                server_cert(
                    "is not issued for TLS servers".to_owned(),
                    "reissue it with extendedKeyUsage=serverAuth",
                )
            }
            other => server_cert(
                format!("failed verification against {against}: {other}"),
                "check the engine's certificate and the CA file",
            ),
        },
        rustls::Error::AlertReceived(alert) => refused_by_engine(*alert, cert, target),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            CoreError::new(
                ErrorKind::Tls,
                format!(
                    "the engine at {target} does not speak TLS (its answer is not a TLS handshake)"
                ),
            )
            .with_hint(
                "for a plain-HTTP engine (usually port 2375) use tcp:// without DOCKER_TLS_VERIFY \
                 or TLS files; TLS engines usually listen on 2376",
            )
        }
        rustls::Error::NoCertificatesPresented => CoreError::new(
            ErrorKind::Tls,
            format!("the engine at {target} presented no certificate"),
        ),
        other => CoreError::new(
            ErrorKind::Tls,
            format!("TLS with the engine at {target} failed: {other}"),
        ),
    }
}

/// webpki lists presented names as `DnsName("x")` / `IpAddress(x)`: keep the `x`.
fn unwrap_name(presented: &str) -> &str {
    match (presented.find('('), presented.strip_suffix(')')) {
        (Some(open), Some(body)) if open < body.len() => body[open + 1..].trim_matches('"'),
        _ => presented,
    }
}

/// The engine sent a TLS alert: usually a verdict on our client certificate.
fn refused_by_engine(alert: AlertDescription, cert: Option<&Path>, target: &str) -> CoreError {
    use AlertDescription as A;
    let about_client_cert = matches!(
        alert,
        A::BadCertificate
            | A::CertificateRequired
            | A::UnknownCA
            | A::CertificateUnknown
            | A::UnsupportedCertificate
            | A::CertificateRevoked
            | A::CertificateExpired
            | A::AccessDenied
    ) || (cert.is_none() && alert == A::HandshakeFailure);
    if !about_client_cert {
        return CoreError::new(
            ErrorKind::Tls,
            format!("the engine at {target} ended the TLS handshake ({alert:?})"),
        )
        .with_hint("this client and the engine may share no TLS version or cipher");
    }
    match cert {
        Some(cert) => cert_refused(target, cert, &format!("{alert:?}")),
        None => no_client_cert(target),
    }
}

fn cert_refused(target: &str, cert: &Path, why: &str) -> CoreError {
    CoreError::new(
        ErrorKind::Denied,
        format!(
            "the engine at {target} refused the client certificate {} ({why})",
            cert.display()
        ),
    )
    .with_hint(
        "the engine accepts client certificates signed by its own CA (dockerd --tlscacert); \
         use a certificate it issued",
    )
}

#[cfg(test)]
mod tests {
    //! Classification of errors that cannot be produced for real here (ssh's many failure
    //! texts, a socket refused to root); real connections are tested in `connect::live_tests`.
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn endpoint(transport: Transport) -> Endpoint {
        Endpoint {
            transport,
            source: EndpointSource::ConfigContext {
                name: "prod".into(),
            },
        }
    }

    #[test]
    fn a_reset_after_a_certificate_request_is_the_missing_client_certificate() {
        let ep = endpoint(Transport::Tls {
            host: "127.0.0.1".into(),
            port: 2376,
            ca: Some("/c/ca.pem".into()),
            cert: None,
            key: None,
            skip_verify: false,
        });
        // The engine's alert lost to the reset its close caused: only the reset is left.
        let reset = || BollardError::IOError {
            err: io::ErrorKind::ConnectionReset.into(),
        };
        let err = classify(after_cert_request(reset(), None), &ep);
        assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
        assert!(
            err.to_string()
                .contains("requires a client certificate and none was given"),
            "{err}"
        );
        // Anything else is left as it was.
        let refused = || BollardError::IOError {
            err: io::ErrorKind::ConnectionRefused.into(),
        };
        let err = classify(after_cert_request(refused(), None), &ep);
        assert_ne!(err.kind(), ErrorKind::Denied, "{err}");
        assert_eq!(
            classify(after_cert_request(refused(), None), &ep).to_string(),
            classify(refused(), &ep).to_string()
        );
    }

    #[test]
    fn a_close_after_a_certificate_request_with_a_certificate_is_its_refusal() {
        let ep = endpoint(Transport::Tls {
            host: "127.0.0.1".into(),
            port: 2376,
            ca: Some("/c/ca.pem".into()),
            cert: Some("/c/cert.pem".into()),
            key: Some("/c/key.pem".into()),
            skip_verify: false,
        });
        // hyper's "connection closed before message completed", the alert lost to the reset.
        let eof = || BollardError::IOError {
            err: io::ErrorKind::UnexpectedEof.into(),
        };
        let err = classify(
            after_cert_request(eof(), Some(Path::new("/c/cert.pem"))),
            &ep,
        );
        assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
        assert!(
            err.to_string()
                .contains("refused the client certificate /c/cert.pem"),
            "{err}"
        );
        // Without the engine's request, the same close says only that it closed.
        assert_ne!(classify(eof(), &ep).kind(), ErrorKind::Denied);
    }

    #[test]
    fn missing_ssh_program() {
        let err = BollardError::IOError {
            err: io::Error::other(SshError::Spawn(io::ErrorKind::NotFound.into())),
        };
        let ep = endpoint(Transport::Ssh {
            user: None,
            host: "box".into(),
            port: None,
        });
        let err = classify(err, &ep);
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert!(
            err.message().contains("`ssh` program is not installed"),
            "{err}"
        );
    }

    #[test]
    fn socket_permission_denied() {
        let err = BollardError::IOError {
            err: io::ErrorKind::PermissionDenied.into(),
        };
        let ep = endpoint(Transport::Unix {
            path: "/var/run/docker.sock".into(),
        });
        let err = classify(err, &ep);
        assert_eq!(err.kind(), ErrorKind::Denied);
        assert_eq!(
            err.message(),
            "permission denied on the engine socket /var/run/docker.sock"
        );
        assert!(err.hint().unwrap().contains("usermod -aG docker"));
    }
}

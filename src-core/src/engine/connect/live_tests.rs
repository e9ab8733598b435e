//! [`Link`] and `transport_error::classify` against real local peers: missing and stale
//! sockets, a closed port, a plain HTTP listener, a Go-style TLS port answering plain HTTP,
//! and rustls servers with the fixture certificates (right CA, wrong CA, wrong name, client
//! certificate required, foreign client certificate). Each failure must name its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

use super::transport_error::classify;
use super::{Endpoint, EndpointSource, Link, Transport};
use crate::error::{CoreError, ErrorKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/contexts/tls")
        .join(name)
}

fn flag(transport: Transport) -> Endpoint {
    Endpoint {
        transport,
        source: EndpointSource::Flag,
    }
}

fn tls(port: u16, ca: &str, client: Option<&str>) -> Transport {
    Transport::Tls {
        host: "127.0.0.1".into(),
        port,
        ca: Some(fixture(ca)),
        cert: client.map(|c| fixture(&format!("{c}-cert.pem"))),
        key: client.map(|c| fixture(&format!("{c}-key.pem"))),
        skip_verify: false,
    }
}

/// A bollard client over the endpoint's link, as `Engine::new` builds it.
fn client(endpoint: &Endpoint) -> Result<bollard::Docker, CoreError> {
    Link::new(endpoint)?
        .docker(bollard::API_DEFAULT_VERSION)
        .map_err(|e| classify(e, endpoint))
}

/// Build the link and ping (as `Engine::negotiate` does); the classified error, or `None` when
/// the ping succeeded.
async fn ping(endpoint: &Endpoint) -> Option<CoreError> {
    let link = match Link::new(endpoint) {
        Ok(link) => link,
        Err(e) => return Some(e),
    };
    match tokio::time::timeout(Duration::from_secs(30), link.ping()).await {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(classify(e, endpoint)),
        Err(_) => panic!("ping to {endpoint} hung"),
    }
}

async fn failure(endpoint: &Endpoint) -> CoreError {
    ping(endpoint).await.expect("the ping should have failed")
}

async fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.len() < 65536 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

async fn answer<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, reply: &[u8]) {
    read_head(&mut stream).await;
    let _ = stream.write_all(reply).await;
    let _ = stream.shutdown().await;
}

/// A TCP listener that writes `reply` to whatever connects (after reading the request head,
/// unless the peer speaks first in TLS, which never ends with a blank line: reply at once).
async fn serve_raw(reply: &'static [u8], wait_for_request: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                if wait_for_request {
                    answer(tcp, reply).await;
                } else {
                    let mut buf = [0u8; 512];
                    let _ = tcp.read(&mut buf).await;
                    let _ = tcp.write_all(reply).await;
                    let _ = tcp.shutdown().await;
                }
            });
        }
    });
    port
}

const PONG: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";

/// A TLS engine stand-in with the fixture `name` certificate, optionally requiring client
/// certificates signed by `client_ca`.
async fn serve_tls(name: &str, client_ca: Option<&str>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(fixture(&format!("{name}-cert.pem")))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture(&format!("{name}-key.pem"))).unwrap();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(fixture(ca)).unwrap() {
                roots.add(cert.unwrap()).unwrap();
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let config = builder.with_single_cert(chain, key).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(stream) = acceptor.accept(tcp).await {
                    answer(stream, PONG).await;
                }
            });
        }
    });
    port
}

fn says(err: &CoreError, kind: ErrorKind, fragments: &[&str]) {
    eprintln!("[{}] {err}", err.kind().as_str());
    assert_eq!(err.kind(), kind, "{err}");
    for fragment in fragments {
        assert!(
            err.to_string().contains(fragment),
            "expected {fragment:?} in: {err}"
        );
    }
}

#[tokio::test]
async fn missing_socket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker.sock");
    let endpoint = Endpoint {
        transport: Transport::Unix { path: path.clone() },
        source: EndpointSource::DefaultSocket,
    };
    let err = failure(&endpoint).await;
    let at = format!("no Docker socket at {}", path.display());
    says(
        &err,
        ErrorKind::Unavailable,
        &[&at, "is the Docker engine running?"],
    );
}

#[tokio::test]
async fn socket_gone_or_stale_after_the_client_was_built() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker.sock");
    let endpoint = flag(Transport::Unix { path: path.clone() });
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let link = Link::new(&endpoint).unwrap();
    drop(listener); // the file stays: a stale socket
    let err = classify(link.ping().await.unwrap_err(), &endpoint);
    says(
        &err,
        ErrorKind::Unavailable,
        &["no engine is listening on", "connection refused"],
    );
    std::fs::remove_file(&path).unwrap();
    let err = classify(link.ping().await.unwrap_err(), &endpoint);
    says(
        &err,
        ErrorKind::Unavailable,
        &["no Docker socket at", "--host"],
    );
}

#[tokio::test]
async fn closed_port_is_refused() {
    let port = free_port().await;
    let err = failure(&flag(Transport::Tcp {
        host: "127.0.0.1".into(),
        port,
    }))
    .await;
    let refused = format!("connection refused by tcp://127.0.0.1:{port} (--host)");
    says(&err, ErrorKind::Unavailable, &[&refused]);
}

#[tokio::test]
async fn tls_to_a_plain_http_port() {
    let port = serve_raw(
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
        false,
    )
    .await;
    let err = failure(&flag(tls(port, "ca.pem", None))).await;
    let at = format!("the engine at tcp+tls://127.0.0.1:{port} (--host) does not speak TLS");
    says(&err, ErrorKind::Tls, &[&at, "2375"]);
}

#[tokio::test]
async fn plain_http_to_a_tls_engine() {
    // What dockerd --tlsverify (Go's TLS server) answers to plain HTTP.
    let reply =
        b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
    let port = serve_raw(reply, true).await;
    let err = failure(&flag(Transport::Tcp {
        host: "127.0.0.1".into(),
        port,
    }))
    .await;
    says(
        &err,
        ErrorKind::Tls,
        &[
            "speaks TLS, but Wharf connected with plain HTTP",
            "DOCKER_TLS_VERIFY=1",
        ],
    );
}

#[tokio::test]
async fn tls_with_the_right_ca_and_client_certificate_works() {
    let port = serve_tls("server", Some("ca.pem")).await;
    assert!(ping(&flag(tls(port, "ca.pem", Some("client"))))
        .await
        .is_none());
}

#[tokio::test]
async fn engine_certificate_from_another_ca() {
    let port = serve_tls("server", None).await;
    let err = failure(&flag(tls(port, "other-ca.pem", None))).await;
    let ca = fixture("other-ca.pem").display().to_string();
    says(
        &err,
        ErrorKind::Tls,
        &[
            "the engine's certificate at tcp+tls://127.0.0.1",
            "is not signed by the CA in",
            &ca,
        ],
    );
}

#[tokio::test]
async fn engine_certificate_for_another_name() {
    let port = serve_tls("wrong-name", None).await;
    let err = failure(&flag(tls(port, "ca.pem", None))).await;
    says(
        &err,
        ErrorKind::Tls,
        &["is not valid for", "127.0.0.1", "wrong.example"],
    );
}

#[tokio::test]
async fn engine_requires_a_client_certificate() {
    let port = serve_tls("server", Some("ca.pem")).await;
    let err = failure(&flag(tls(port, "ca.pem", None))).await;
    says(
        &err,
        ErrorKind::Denied,
        &[
            "requires a client certificate and none was given",
            "cert.pem",
        ],
    );
}

#[tokio::test]
async fn engine_refuses_a_foreign_client_certificate() {
    let port = serve_tls("server", Some("ca.pem")).await;
    let err = failure(&flag(tls(port, "ca.pem", Some("stranger")))).await;
    let cert = fixture("stranger-cert.pem").display().to_string();
    says(
        &err,
        ErrorKind::Denied,
        &["refused the client certificate", &cert],
    );
}

#[tokio::test]
async fn insecure_tls_accepts_any_certificate_when_allowed() {
    let port = serve_tls("wrong-name", None).await;
    let transport = Transport::Tls {
        host: "127.0.0.1".into(),
        port,
        ca: None,
        cert: None,
        key: None,
        skip_verify: true,
    };
    assert!(ping(&flag(transport)).await.is_none());
}

#[tokio::test]
async fn silent_engine_times_out_but_streams_outlive_the_timeout() {
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let endpoint = flag(Transport::Tcp {
        host: "127.0.0.1".into(),
        port,
    });
    let docker = client(&endpoint)
        .unwrap()
        .with_timeout(Duration::from_secs(1));
    let err = classify(docker.ping().await.unwrap_err(), &endpoint);
    says(
        &err,
        ErrorKind::Unavailable,
        &["not responding", "no answer in time"],
    );
    drop(silent);

    // Headers at once, the first event after two seconds: the 1 s timeout must not cut it.
    let streaming = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = streaming.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut tcp, _) = streaming.accept().await.unwrap();
        read_head(&mut tcp).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                    Transfer-Encoding: chunked\r\n\r\n";
        tcp.write_all(head.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let event = "{\"Type\":\"container\",\"Action\":\"start\"}\n";
        let chunk = format!("{:x}\r\n{event}\r\n0\r\n\r\n", event.len());
        tcp.write_all(chunk.as_bytes()).await.unwrap();
    });
    let endpoint = flag(Transport::Tcp {
        host: "127.0.0.1".into(),
        port,
    });
    let docker = client(&endpoint)
        .unwrap()
        .with_timeout(Duration::from_secs(1));
    use futures_util::StreamExt;
    let mut events = docker.events(None::<bollard::query_parameters::EventsOptions>);
    let first = events.next().await.unwrap().unwrap();
    assert_eq!(first.action.as_deref(), Some("start"));
}

/// A frozen engine (dockerd under SIGSTOP) accepts connections in the kernel and never
/// answers. Reads must fail at the quick deadline, not after bollard's 120 s; slow actions keep
/// the long limit. The clock is paused, so the deadlines elapse at once.
#[tokio::test(start_paused = true)]
async fn a_silent_engine_fails_reads_at_the_quick_deadline() {
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let endpoint = flag(Transport::Tcp {
        host: "127.0.0.1".into(),
        port,
    });
    let engine = crate::engine::Engine::new(endpoint).unwrap();
    // Never negotiated: even a slow action first needs the version, and the ping that asks
    // for it gives up at the quick deadline.
    let start = tokio::time::Instant::now();
    let err = engine.stop("web", Some(30)).await.unwrap_err();
    says(&err, ErrorKind::Unavailable, &["not responding"]);
    assert_eq!(start.elapsed(), super::QUICK_REQUEST_TIMEOUT);
    // As after a negotiation made before the engine went quiet.
    engine.assume_negotiated();
    for _ in 0..2 {
        let start = tokio::time::Instant::now();
        let err = engine.inspect_container("web").await.unwrap_err();
        says(&err, ErrorKind::Unavailable, &["not responding"]);
        assert_eq!(
            start.elapsed().as_secs(),
            super::QUICK_REQUEST_TIMEOUT.as_secs()
        );
    }
    let start = tokio::time::Instant::now();
    engine.ping().await.unwrap_err();
    assert_eq!(start.elapsed(), super::QUICK_REQUEST_TIMEOUT);
    let start = tokio::time::Instant::now();
    engine.stop("web", Some(30)).await.unwrap_err();
    assert_eq!(start.elapsed().as_secs(), super::REQUEST_TIMEOUT_SECS);
    drop(silent);
}

#[tokio::test]
async fn ssh_failures_carry_ssh_stderr() {
    if std::process::Command::new("ssh")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipped: no ssh client");
        return;
    }
    let endpoint = flag(Transport::Ssh {
        user: Some("nobody".into()),
        host: "wharf-test.invalid".into(),
        port: Some(2222),
    });
    let err = failure(&endpoint).await;
    says(
        &err,
        ErrorKind::Unavailable,
        &["ssh://nobody@wharf-test.invalid:2222", "wharf-test.invalid"],
    );
    assert!(err.message().to_lowercase().contains("resolve"), "{err}");
}

#[test]
fn engine_answers_are_not_transport_errors() {
    let endpoint = flag(Transport::Tcp {
        host: "h".into(),
        port: 1,
    });
    let err = classify(
        bollard::errors::Error::DockerResponseServerError {
            status_code: 500,
            message: "boom".into(),
        },
        &endpoint,
    );
    says(&err, ErrorKind::Engine, &["boom"]);
}

/// An engine stand-in whose `/_ping` says it speaks `api` (or sends no version header): it
/// answers every request with the pong and counts `/version` requests.
async fn engine_speaking(
    api: Option<&'static str>,
) -> (Endpoint, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let versions = Arc::new(AtomicUsize::new(0));
    let seen = versions.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = tcp.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let reply = if head.contains("/version ") {
                    seen.fetch_add(1, Ordering::SeqCst);
                    let body = r#"{"Version":"19.03.0","ApiVersion":"1.40"}"#;
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    let header = api
                        .map(|v| format!("Api-Version: {v}\r\n"))
                        .unwrap_or_default();
                    format!("HTTP/1.1 200 OK\r\n{header}Content-Length: 2\r\n\r\nOK")
                };
                let _ = tcp.write_all(reply.as_bytes()).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    let endpoint = flag(Transport::Tcp {
        host: "127.0.0.1".into(),
        port,
    });
    (endpoint, versions)
}

#[tokio::test]
async fn version_is_negotiated_from_the_ping_header_alone() {
    use std::sync::atomic::Ordering;
    let (endpoint, versions) = engine_speaking(Some("1.43")).await;
    let engine = crate::engine::Engine::connect(endpoint).await.unwrap();
    assert_eq!(engine.api_version(), "1.43");
    assert_eq!(versions.load(Ordering::SeqCst), 0, "no /version round trip");

    // An engine newer than Wharf gets Wharf's own version.
    let (endpoint, _) = engine_speaking(Some("9.99")).await;
    let engine = crate::engine::Engine::connect(endpoint).await.unwrap();
    let ours = bollard::API_DEFAULT_VERSION;
    let ours = format!("{}.{}", ours.major_version, ours.minor_version);
    assert_eq!(engine.api_version(), ours);
}

#[tokio::test]
async fn without_the_header_version_comes_from_the_version_endpoint() {
    use std::sync::atomic::Ordering;
    let (endpoint, versions) = engine_speaking(None).await;
    // That engine says 1.40 there: too old, and the message says so.
    let err = crate::engine::Engine::connect(endpoint).await.unwrap_err();
    assert_eq!(versions.load(Ordering::SeqCst), 1);
    says(&err, ErrorKind::Engine, &["speaks API 1.40", "needs 1.41"]);
}

#[tokio::test]
async fn engines_older_than_1_41_are_refused_by_name() {
    let (endpoint, _) = engine_speaking(Some("1.39")).await;
    let err = crate::engine::Engine::connect(endpoint).await.unwrap_err();
    says(
        &err,
        ErrorKind::Engine,
        &["speaks API 1.39", "Docker 20.10"],
    );
}

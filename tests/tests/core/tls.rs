//! TLS: the right CA and client certificate connect; a wrong CA (unknown to Wharf), a
//! certificate for another name, an expired certificate, a missing client certificate and
//! plain HTTP are each refused by a real dockerd with a typed error and a message that names
//! the cause. Certificates are made by the test (`TlsMaterial`).

use std::path::Path;

use wharf_core::engine::connect::{resolve, ConnectOptions, EnvVars};
use wharf_core::engine::Engine;
use wharf_core::ErrorKind;
use wharf_tests::{require_private_engine, PrivateOpts};

fn tls_env(cert_dir: &Path) -> EnvVars {
    EnvVars {
        docker_tls_verify: Some("1".into()),
        docker_cert_path: Some(cert_dir.to_path_buf()),
        home: std::env::var_os("HOME").map(Into::into),
        ..Default::default()
    }
}

async fn try_connect(host: &str, env: EnvVars) -> Result<Engine, wharf_core::CoreError> {
    let ep = resolve(&ConnectOptions {
        host: Some(host.to_owned()),
        env,
        ..Default::default()
    })?;
    Engine::connect(ep).await
}

/// A loopback TCP forwarder listening on `ip` (any port) to the engine at `tcp://…`: the same
/// engine, reached under another address. Returns its `tcp://ip:port`.
async fn forward(ip: &str, engine: &str) -> String {
    let to = engine.trim_start_matches("tcp://").to_owned();
    let listener = tokio::net::TcpListener::bind((ip, 0))
        .await
        .unwrap_or_else(|e| panic!("bind {ip}: {e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let to = to.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&to).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    format!("tcp://{ip}:{port}")
}

fn copy(from: &Path, to: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for (src, dst) in files {
        std::fs::copy(from.join(src), to.join(dst)).unwrap_or_else(|e| panic!("copy {src}: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_verification_and_its_failures() {
    let te = require_private_engine!(PrivateOpts {
        tls: true,
        ..Default::default()
    });
    let host = te
        .tls_host()
        .unwrap_or_else(|| panic!("no TLS host"))
        .to_owned();
    let dir = te
        .tls_dir()
        .unwrap_or_else(|| panic!("no TLS dir"))
        .to_path_buf();

    // The right CA and client certificate.
    let engine = try_connect(&host, tls_env(&dir))
        .await
        .unwrap_or_else(|e| panic!("TLS connect failed: {e}"));
    let info = engine
        .info()
        .await
        .unwrap_or_else(|e| panic!("info over TLS: {e}"));
    assert!(!info.version.is_empty());

    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    // A CA that did not sign the server's certificate: the engine is unknown, refused.
    let wrong_ca = scratch.path().join("wrong-ca");
    copy(
        &dir,
        &wrong_ca,
        &[
            ("other-ca.pem", "ca.pem"),
            ("cert.pem", "cert.pem"),
            ("key.pem", "key.pem"),
        ],
    );
    let e = try_connect(&host, tls_env(&wrong_ca))
        .await
        .err()
        .unwrap_or_else(|| panic!("a wrong CA was accepted"));
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("certificate") && msg.contains("is not signed by the CA in"),
        "says the engine's CA is unknown: {msg}"
    );
    assert!(msg.contains("ca.pem"), "names the CA file: {msg}");

    // The right CA, but the engine reached under a name its certificate does not list
    // (127.0.0.2, forwarded to the engine's 127.0.0.1 port): refused as a name mismatch.
    let other_name = forward("127.0.0.2", &host).await;
    let e = try_connect(&other_name, tls_env(&dir))
        .await
        .err()
        .unwrap_or_else(|| panic!("a certificate for another name was accepted"));
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("is not valid for 127.0.0.2") && msg.contains("localhost"),
        "says which name was expected and which it lists: {msg}"
    );

    // No client certificate: the engine refuses the handshake, and the message says so.
    let no_cert = scratch.path().join("no-cert");
    copy(&dir, &no_cert, &[("ca.pem", "ca.pem")]);
    let e = try_connect(&host, tls_env(&no_cert))
        .await
        .err()
        .unwrap_or_else(|| panic!("no client cert was accepted"));
    assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    assert!(
        e.to_string()
            .contains("requires a client certificate and none was given"),
        "{e}"
    );

    // A client certificate from a CA the engine does not trust.
    let foreign = scratch.path().join("foreign-cert");
    copy(
        &dir,
        &foreign,
        &[
            ("ca.pem", "ca.pem"),
            ("other-cert.pem", "cert.pem"),
            ("other-key.pem", "key.pem"),
        ],
    );
    let e = try_connect(&host, tls_env(&foreign))
        .await
        .err()
        .unwrap_or_else(|| panic!("a foreign client cert was accepted"));
    assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    assert!(
        e.to_string().contains("refused the client certificate"),
        "{e}"
    );

    // Plain HTTP against the TLS port.
    let e = try_connect(&host, EnvVars::default())
        .await
        .err()
        .unwrap_or_else(|| panic!("plain HTTP was accepted"));
    let msg = e.to_string().to_lowercase();
    assert!(msg.contains("tls"), "says the engine wants TLS: {msg}");
    assert!(!msg.contains("hyper"), "no bare transport error: {msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_engine_certificate_is_refused() {
    let te = require_private_engine!(PrivateOpts {
        tls: true,
        expired_server_cert: true,
        ..Default::default()
    });
    let host = te.tls_host().unwrap_or_else(|| panic!("no TLS host"));
    let dir = te.tls_dir().unwrap_or_else(|| panic!("no TLS dir"));
    let e = try_connect(&host, tls_env(dir))
        .await
        .err()
        .unwrap_or_else(|| panic!("an expired engine certificate was accepted"));
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("certificate") && msg.contains("has expired"),
        "{msg}"
    );
    assert!(msg.contains("renew"), "says what to do: {msg}");
}

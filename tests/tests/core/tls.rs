//! TLS: the right CA and client certificate connect; a wrong CA, a missing client
//! certificate and plain HTTP are each refused with a message that says why.

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

    // A CA that did not sign the server's certificate.
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
    assert!(msg.contains("certificate"), "{msg}");
    assert!(msg.contains("ca.pem"), "names the CA file: {msg}");

    // No client certificate: the engine refuses the handshake.
    let no_cert = scratch.path().join("no-cert");
    copy(&dir, &no_cert, &[("ca.pem", "ca.pem")]);
    let e = try_connect(&host, tls_env(&no_cert))
        .await
        .err()
        .unwrap_or_else(|| panic!("no client cert was accepted"));
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Tls | ErrorKind::Denied | ErrorKind::Config
        ),
        "{e}"
    );
    assert!(e.to_string().contains("cert"), "{e}");

    // Plain HTTP against the TLS port.
    let e = try_connect(&host, EnvVars::default())
        .await
        .err()
        .unwrap_or_else(|| panic!("plain HTTP was accepted"));
    let msg = e.to_string().to_lowercase();
    assert!(msg.contains("tls"), "says the engine wants TLS: {msg}");
    assert!(!msg.contains("hyper"), "no bare transport error: {msg}");
}

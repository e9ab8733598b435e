//! The real terminal UI and unverified TLS: refused without `--insecure-skip-tls-verify`, and
//! with it the header says `TLS NOT VERIFIED` for as long as Wharf runs (a private engine
//! with TLS made by the test; `DOCKER_TLS` without `DOCKER_TLS_VERIFY` asks to skip checks).

use wharf_tests::{require_private_engine, PrivateOpts};

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn unverified_tls_is_refused_unless_allowed_and_then_shown() {
    require_tmux!();
    let engine = require_private_engine!(PrivateOpts {
        tls: true,
        ..Default::default()
    });
    let host = engine.tls_host().unwrap_or_else(|| panic!("no TLS host"));
    let dir = engine.tls_dir().unwrap_or_else(|| panic!("no TLS dir"));
    let certs = dir.to_string_lossy().into_owned();
    let env = [("DOCKER_TLS", "1"), ("DOCKER_CERT_PATH", certs.as_str())];

    // Without the flag: Wharf says why and exits, nothing is shown as connected.
    let mut w = Wharf::start_with_env(&engine, &["--host", &host], &env);
    let s = w.wait_for_text("[wharf exited: 2]");
    assert!(s.contains("refuses unverified TLS"), "{s}");
    drop(w);

    // With it: connected, and the header says the certificate is not verified.
    let mut w = Wharf::start_with_env(
        &engine,
        &["--host", &host, "--insecure-skip-tls-verify"],
        &env,
    );
    let s = w.wait_ready();
    let header = s.lines().next().unwrap_or_default();
    assert!(header.contains("TLS NOT VERIFIED"), "{s}");
    assert!(header.contains("(certificate not verified)"), "{s}");
}

//! Smoke tests of the harness itself: the shared engine, labelled RAII fixtures, polling waits,
//! and private engines (kill/restart, TLS). If these fail, every other end-to-end test would too.

use std::time::Duration;

use wharf_tests::{
    require_engine, require_private_engine, run_id, wait_until, wait_until_blocking, PrivateOpts,
    LABEL,
};

const WAIT: Duration = Duration::from_secs(15);

#[test]
fn container_is_labelled_logs_and_is_removed_on_drop() {
    let engine = require_engine!();
    let c = engine
        .container("echo")
        .cmd(&["sh", "-c", "echo hello-from-wharf; exec sleep 60"])
        .start();
    wait_until_blocking(WAIT, "the echo shows in docker logs", || {
        c.logs().contains("hello-from-wharf")
    });
    let label = format!("{{{{index .Config.Labels \"{LABEL}\"}}}}");
    assert_eq!(c.inspect(&label), run_id());
    assert!(c.name().starts_with(&format!("wharf-test-{}-", run_id())));

    let id = c.id().to_owned();
    drop(c);
    let left = engine.docker_ok(&["ps", "-aq", "--no-trunc", "--filter", &format!("id={id}")]);
    assert_eq!(left, "", "the container outlived its guard");
}

#[test]
fn networks_and_volumes_are_labelled_and_removed_on_drop() {
    let engine = require_engine!();
    let net = engine.network("net");
    let vol = engine.volume("vol");
    let label = format!("{{{{index .Labels \"{LABEL}\"}}}}");
    assert_eq!(
        engine.docker_ok(&["network", "inspect", "-f", &label, net.name()]),
        run_id()
    );
    assert_eq!(
        engine.docker_ok(&["volume", "inspect", "-f", &label, vol.name()]),
        run_id()
    );

    // A guard whose resource the test already removed must drop quietly.
    let (net_name, vol_name) = (net.name().to_owned(), vol.name().to_owned());
    engine.docker_ok(&["volume", "rm", vol.name()]);
    drop(vol);
    drop(net);
    assert!(engine.docker(&["network", "inspect", &net_name]).is_err());
    assert!(engine.docker(&["volume", "inspect", &vol_name]).is_err());
}

#[tokio::test]
async fn wait_until_sees_a_container_exit() {
    let engine = require_engine!();
    let c = engine
        .container("exit")
        .cmd(&["sh", "-c", "exit 3"])
        .start();
    wait_until(WAIT, "the container has exited", || async {
        engine
            .docker_async(&["inspect", "-f", "{{.State.Status}}", c.id()])
            .await
            .is_ok_and(|s| s == "exited")
    })
    .await;
    assert_eq!(c.inspect("{{.State.ExitCode}}"), "3");
}

#[test]
fn private_engine_survives_kill_and_start() {
    let mut engine = require_private_engine!(PrivateOpts::default());
    let dir = engine.dir().map(|d| d.to_path_buf()).unwrap_or_default();
    engine.docker_ok(&["version"]);

    engine.kill();
    assert!(
        engine.docker(&["version"]).is_err(),
        "a killed engine still answers"
    );
    engine.start();
    assert!(engine
        .docker_ok(&["info", "--format", "{{.Driver}}"])
        .contains("overlay"));

    drop(engine);
    assert!(!dir.exists(), "{} outlived its engine", dir.display());
}

#[test]
fn private_tls_engine_serves_the_docker_cli() {
    let engine = require_private_engine!(PrivateOpts {
        tls: true,
        ..Default::default()
    });
    let tls = engine.tls().expect("a TLS engine has TLS material");
    let host = engine.tls_host().expect("a TLS engine has a TCP address");
    let version = |ca: &std::path::Path, cert: &std::path::Path, key: &std::path::Path| {
        let ca = format!("--tlscacert={}", ca.display());
        let cert = format!("--tlscert={}", cert.display());
        let key = format!("--tlskey={}", key.display());
        let args = ["--tlsverify", &ca, &cert, &key, "-H", &host, "version"];
        engine.docker(&[&args[..], &["--format", "{{.Server.Version}}"]].concat())
    };

    let ok = version(&tls.ca(), &tls.cert(), &tls.key());
    assert!(ok.as_deref().is_ok_and(|v| !v.is_empty()), "{ok:?}");
    // The engine's certificate does not chain to another CA…
    assert!(version(&tls.other_ca(), &tls.cert(), &tls.key()).is_err());
    // …and the engine refuses a client certificate its CA did not sign.
    assert!(version(&tls.ca(), &tls.other_cert(), &tls.other_key()).is_err());
}

#[test]
fn a_loopback_registry_takes_a_push_and_gives_it_back_and_demands_its_password() {
    use wharf_tests::TestRegistry;
    let engine = require_engine!();
    let Some(open) = TestRegistry::start_or_skip() else {
        return;
    };
    let reference = open.reference("harness/busybox", run_id());
    engine.docker_ok(&["tag", &engine.image(), &reference]);
    let pushed = engine.docker(&["push", &reference]);
    engine.docker_ok(&["rmi", &reference]);
    pushed.expect("push to the open registry");
    engine.docker_ok(&["pull", &reference]);
    engine.docker_ok(&["rmi", &reference]);

    let Some(locked) = TestRegistry::start_with_auth_or_skip("wharf", "s3cret-pw") else {
        return;
    };
    let reference = locked.reference("harness/busybox", run_id());
    engine.docker_ok(&["tag", &engine.image(), &reference]);
    // No credentials (an empty client config): refused.
    let config = tempfile::tempdir().expect("temp dir");
    let push = |extra: &[&str]| {
        let mut cmd = engine.cli().command();
        cmd.env("DOCKER_CONFIG", config.path()).args(extra);
        cmd.output().expect("run docker")
    };
    let refused = push(&["push", &reference]);
    assert!(
        !refused.status.success(),
        "push without a login went through"
    );
    let mut login = engine.cli().command();
    login
        .env("DOCKER_CONFIG", config.path())
        .args(["login", "-u", "wharf", "--password-stdin", &locked.host()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = login.spawn().expect("docker login");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"s3cret-pw").expect("password");
    }
    let logged = child.wait_with_output().expect("docker login");
    assert!(
        logged.status.success(),
        "login: {}",
        String::from_utf8_lossy(&logged.stderr)
    );
    let accepted = push(&["push", &reference]);
    engine.docker_ok(&["rmi", &reference]);
    assert!(
        accepted.status.success(),
        "push after login: {}",
        String::from_utf8_lossy(&accepted.stderr)
    );
}

//! SSH, against a loopback sshd made by the test (`TestSshd`) in front of the test engine:
//! an unknown host key is refused with a message that says so and is not learnt (even with
//! `StrictHostKeyChecking accept-new` in the user's config), a changed host key is refused, and
//! with the key known the engine answers over `ssh://`, and no agent forwarding is asked for
//! although the user's config says `ForwardAgent yes` and an agent is running.
//!
//! One test in its own binary: it puts an `ssh` shim first in `PATH` (so the system ssh reads
//! the test's config, never `~/.ssh`), which must happen before any other thread runs.

use std::time::Duration;

use wharf_core::engine::connect::{resolve, ConnectOptions, EnvVars};
use wharf_core::engine::Engine;
use wharf_core::{CoreError, ErrorKind};
use wharf_tests::{require_engine, TestSshd};

async fn connect(address: &str) -> Result<Engine, CoreError> {
    let endpoint = resolve(&ConnectOptions {
        host: Some(address.to_owned()),
        env: EnvVars::default(),
        ..ConnectOptions::default()
    })?;
    // ssh has ConnectTimeout=10; this only keeps a broken setup from hanging the suite.
    tokio::time::timeout(Duration::from_secs(60), Engine::connect(endpoint))
        .await
        .unwrap_or_else(|_| panic!("connecting to {address} hung"))
}

#[test]
fn ssh_host_keys_are_checked_and_never_learnt() {
    let engine = require_engine!();
    if !engine.host().starts_with("unix://") {
        // sshd's SetEnv hands the address to the remote docker CLI; a unix socket is simplest.
        panic!(
            "the SSH test needs a unix-socket engine, not {}",
            engine.host()
        );
    }
    let Some(sshd) = TestSshd::start_or_skip(engine.host()) else {
        return;
    };
    // An agent the user's config would forward (`ForwardAgent yes` in the test's ssh_config).
    let agent_sock = sshd.shim_dir().join("agent.sock");
    let _agent = Agent(
        std::process::Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&agent_sock)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("ssh-agent: {e}")),
    );
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![sshd.shim_dir()];
    dirs.extend(std::env::split_paths(&path));
    let joined = std::env::join_paths(dirs).unwrap_or_else(|e| panic!("{e}"));
    // Only this test runs in this binary, and no runtime exists yet.
    std::env::set_var("PATH", joined);
    std::env::set_var("SSH_AUTH_SOCK", &agent_sock);

    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let address = format!("ssh://root@127.0.0.1:{}", sshd.port());
    let read_known = || std::fs::read_to_string(sshd.known_hosts()).unwrap_or_default();

    // Unknown host key: refused by name, and the key is not added.
    let err = rt
        .block_on(connect(&address))
        .err()
        .unwrap_or_else(|| panic!("an unknown host key was accepted; sshd: {}", sshd.log()));
    assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
    assert!(
        err.message()
            .contains("the SSH host key of 127.0.0.1 is unknown or has changed"),
        "{err}"
    );
    assert_eq!(read_known(), "", "Wharf must not learn a host key");

    // Another key on record for that address: refused the same way.
    let wrong = sshd
        .wrong_known_hosts_line()
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(sshd.known_hosts(), &wrong).unwrap_or_else(|e| panic!("{e}"));
    let err = rt
        .block_on(connect(&address))
        .err()
        .unwrap_or_else(|| panic!("a changed host key was accepted"));
    assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
    assert!(err.message().contains("unknown or has changed"), "{err}");
    assert_eq!(read_known(), wrong, "known_hosts untouched");

    // The right key: the engine answers, and listing works.
    let right = sshd.known_hosts_line().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(sshd.known_hosts(), &right).unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let engine = connect(&address)
            .await
            .unwrap_or_else(|e| panic!("ssh with a known host key: {e}; sshd: {}", sshd.log()));
        engine
            .list_containers()
            .await
            .unwrap_or_else(|e| panic!("listing over ssh: {e}"));
    });
    assert_eq!(read_known(), right, "known_hosts untouched");

    // sshd saw sessions, and none asked for the agent (or X11) to be forwarded.
    let log = sshd.log();
    assert!(log.contains("Accepted publickey"), "{log}");
    assert!(
        !log.contains("auth-agent-req"),
        "agent forwarding requested:\n{log}"
    );
    assert!(!log.contains("x11-req"), "X11 forwarding requested:\n{log}");
}

/// The test's ssh-agent, ended on drop (also when the test panics).
struct Agent(std::process::Child);

impl Drop for Agent {
    fn drop(&mut self) {
        // Our own child, by its handle.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

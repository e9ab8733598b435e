//! What SSH costs, per engine, in the fleet's header: `wharf --host ssh://… --host unix://…`
//! (a loopback sshd made by the test in front of the test engine, and the test engine's own
//! socket). The SSH member's line says its connections, sessions and ssh processes; the
//! socket's line says nothing of SSH.

use wharf_tests::{require_engine, TestSshd};

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn the_fleet_header_shows_each_ssh_engines_cost() {
    require_tmux!();
    let engine = require_engine!();
    let Some(sshd) = TestSshd::start_or_skip(engine.host()) else {
        return;
    };
    // wharf (not this process) finds the shim's ssh first, which reads the test's ssh config.
    let path = sshd.trusted_path().unwrap_or_else(|e| panic!("{e}"));
    let path = path.to_string_lossy();
    let ssh = format!("ssh://root@127.0.0.1:{}", sshd.port());
    let mut w = Wharf::start_with_env(
        engine,
        &["--host", &ssh, "--host", engine.host()],
        &[("PATH", &path)],
    );
    let s = w.wait("the SSH engine's cost on its header line", |s| {
        s.lines().any(|l| {
            l.contains(&ssh)
                && l.contains("connected")
                && l.contains("ssh: 1 SSH connection ·")
                && l.contains("(at most 8 each)")
                && l.contains("ssh processes")
        })
    });
    let local = s
        .lines()
        .find(|l| l.contains(engine.host()) && l.contains("connected") && !l.contains(&ssh))
        .unwrap_or_else(|| panic!("no header line for the socket engine:\n{s}"));
    assert!(!local.contains("ssh:"), "{s}");
}

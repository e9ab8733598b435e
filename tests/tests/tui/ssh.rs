//! The real `wharf` over SSH (a loopback sshd made by the test, `MaxSessions 10`, in front of
//! the test engine): it connects with `--host ssh://…`, lists, and its engine view says what
//! the shared SSH connections cost (issue #12).

use wharf_tests::{require_engine, TestSshd};

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn the_engine_view_shows_what_ssh_costs() {
    require_tmux!();
    let engine = require_engine!();
    let Some(sshd) = TestSshd::start_or_skip(engine.host()) else {
        return;
    };
    // wharf (not this process) finds the shim's ssh first, which reads the test's ssh config.
    let path = sshd.trusted_path().unwrap_or_else(|e| panic!("{e}"));
    let path = path.to_string_lossy();
    let host = format!("ssh://root@127.0.0.1:{}", sshd.port());
    let mut w = Wharf::start_with_env(engine, &["--host", &host], &[("PATH", &path)]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("engine");
    w.keys(&["Enter"]);
    let screen = w.wait("the SSH cost in the engine view", |s| {
        s.lines().any(|l| {
            l.contains("ssh ")
                && l.contains("1 SSH connection ·")
                && l.contains("(at most 8 each)")
                && l.contains("ssh processes")
        })
    });
    assert!(screen.contains(&host), "{screen}");
    assert!(sshd.tcp_connections() >= 1, "wharf holds an SSH connection");
}

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
    // How many connections and sessions Wharf needs depends on how many requests overlap (a
    // second connection opens when the first carries 8 sessions, e.g. while the rows' stats
    // are fetched on a busy machine), so the line is not expected to say "1": it must add up,
    // and its connection count must be what sshd has, once both agree.
    let screen = w.wait(
        "the SSH cost in the engine view, matching sshd's connections",
        |s| {
            s.lines()
                .filter_map(ssh_cost)
                .any(|(c, n, p)| c >= 1 && n <= 8 * c && p == c + n && c == sshd.tcp_connections())
        },
    );
    assert!(screen.contains(&host), "{screen}");
}

/// `(connections, sessions, processes)` of an engine view line
/// `ssh   C SSH connection(s) · N session(s) (at most 8 each) · P ssh process(es)`.
fn ssh_cost(line: &str) -> Option<(usize, usize, usize)> {
    // Inside the view's frame: its border, then the key.
    let rest = line
        .trim_start_matches(|c: char| c == '│' || c.is_whitespace())
        .strip_prefix("ssh ")?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let n = |i: usize| words.get(i)?.parse::<usize>().ok();
    // C SSH connection(s) · N session(s) (at most 8 each) · P ssh process(es)
    (words.get(1) == Some(&"SSH")
        && words.get(6..10) == Some(&["(at", "most", "8", "each)"][..])
        && words.get(12) == Some(&"ssh"))
    .then_some(())?;
    Some((n(0)?, n(4)?, n(11)?))
}

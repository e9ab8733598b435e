//! The real `wharf` where terminals are hostile to it: no terminal at all, and panes from 1×1
//! up with keys pressed. Wharf never panics, says plainly what is wrong, and leaves the
//! terminal as it found it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wharf_tests::{require_engine, require_private_engine, PrivateOpts};

use crate::require_tmux;
use crate::term::{wharf_bin, Wharf, HEIGHT, WIDTH};

/// Issue #9, item 14: `wharf` with stdin or stdout not a terminal (a script, a pipe, cron,
/// `ssh host wharf` without `-t`) exits non-zero with a message naming the fix, without a
/// panic and without writing a single escape sequence.
#[test]
fn without_a_terminal_wharf_says_so_and_exits() {
    for (stdin, what) in [
        (Stdio::null(), "standard input"),
        // stdin a pipe too: Cargo's test runner may give the tests a terminal.
        (Stdio::piped(), "standard input"),
    ] {
        let out = Command::new(wharf_bin())
            .args(["--log-file", "/dev/null", "-H", "tcp://127.0.0.1:1"])
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap_or_else(|e| panic!("cannot run wharf: {e}"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "exit status; stderr: {err}");
        assert!(
            err.contains(&format!("{what} is not a terminal")) && err.contains("ssh -t"),
            "the message names the problem and the fix: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            out.stdout.is_empty(),
            "nothing written to stdout (no alternate screen, no raw mode): {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The same in a real terminal (tmux): `wharf </dev/null` and `wharf | cat` print the message,
/// exit 2, and the terminal is as before (main screen, cursor shown, no mouse mode).
#[test]
fn without_a_terminal_the_pane_is_left_as_it_was() {
    require_tmux!();
    let engine = require_engine!();
    for redirect in ["</dev/null", "| cat"] {
        let mut w = Wharf::start_with(engine, &[], (WIDTH, HEIGHT), redirect);
        let s = w.wait_for_text("[wharf exited:");
        let what = if redirect.starts_with('<') {
            "standard input"
        } else {
            "standard output"
        };
        assert!(
            s.contains(&format!("{what} is not a terminal")) && s.contains("ssh -t HOST wharf"),
            "{redirect}: {s}"
        );
        // `| cat` reports cat's status; the message is what counts there.
        if redirect.starts_with('<') {
            assert!(s.contains("[wharf exited: 2]"), "{s}");
        }
        assert!(!s.contains("panicked"), "{s}");
        assert_eq!(w.display("#{alternate_on}"), "0", "main screen");
        assert_eq!(w.display("#{cursor_flag}"), "1", "cursor shown");
        assert_eq!(w.display("#{mouse_any_flag}"), "0", "no mouse mode");
    }
}

/// Waits for a frame that can only come from a draw at full size — the header on the first
/// row and the footer on the last (no tiny pane has either) — so every key sent before was
/// handled (events are handled in order), and checks that Wharf still runs. Generous: eight
/// journeys of keys (details, logs, searches) are worked through first, by a debug build on a
/// loaded 2-core machine (30 s was once not enough there).
fn full_size_frame(w: &mut Wharf, after: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let s = w.screen();
        let footer = s.lines().nth(usize::from(HEIGHT) - 1).unwrap_or_default();
        if s.starts_with(" wharf ") && !footer.trim().is_empty() {
            break;
        }
        if let Some(st) = w.exit_status() {
            w.fail(&format!("wharf exited ({st}) after {after}"));
        }
        if Instant::now() >= deadline {
            let pane = w.display("#{pane_width}x#{pane_height} alternate=#{alternate_on}");
            w.fail(&format!("no full-size frame after {after} (pane {pane})"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Issue #9, item 2: tiny panes. Wharf (read-only, so no stray key can change the engine)
/// starts in a 1×1 pane and is driven through its screens (details and their tabs, help,
/// prompts, searches) at 1×1, 10×3, 30×10, 2×40 and 200×2; then, not read-only, `s` at 30
/// columns — the reported crash — shows its confirmation.
#[test]
fn tiny_panes_never_crash() {
    require_tmux!();
    let engine = require_engine!();
    let c = engine.container("tiny").cmd(&["sleep", "3600"]).start();
    let mut w = Wharf::start_with(engine, &["--read-only"], (1, 1), "");
    // Keys typed before Wharf owns the terminal would meet the tty's line discipline
    // (ctrl-s would stop the pane's output): wait until it switched to its own screen.
    let deadline = Instant::now() + Duration::from_secs(30);
    while w.display("#{alternate_on}") != "1" {
        assert!(Instant::now() < deadline, "wharf never took the terminal");
        assert_eq!(w.exit_status(), None, "wharf exited at 1x1");
        std::thread::sleep(Duration::from_millis(50));
    }
    let journeys: &[&[&str]] = &[
        &["s", "D", "K"],
        &["?", "j", "j", "PgDn"],
        &["/", "x", "Enter", "/", "C-u", "Enter"],
        &[":", "i", "m", "g", "Enter", ":", "e", "n", "g", "Enter"],
        &[
            "Enter", "Tab", "Tab", "Tab", "Tab", "z", "Tab", "Tab", "Tab", "Tab", "Tab",
        ],
        &[
            // The save prompt is emptied before Enter: nothing is written anywhere.
            "Enter", "C-s", "C-u", "Enter", "/", "a", "Enter", "w", "T", "PgUp", "n",
        ],
        &["Enter", "i", "]", "]", "/", "S", "t", "Enter", "G"],
        &["e", "R", "c"],
    ];
    for (width, height) in [(1, 1), (10, 3), (30, 10), (2, 40), (200, 2)] {
        w.resize(width, height);
        for keys in journeys {
            w.keys(keys);
        }
        w.resize(WIDTH, HEIGHT);
        full_size_frame(&mut w, &format!("keys at {width}x{height}"));
    }
    drop(w);

    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.filter_to(c.name());
    w.resize(30, 10);
    w.keys(&["s"]);
    w.resize(WIDTH, HEIGHT);
    w.wait("the stop confirmation", |s| s.contains("Stop 1 container?"));
    assert_eq!(w.exit_status(), None);
    w.keys(&["n"]);
    w.wait("the confirmation closes", |s| {
        !s.contains("Stop 1 container?")
    });
}

/// Issue #9, item 12: the shell's banner names the detach keys; `ctrl-p ctrl-q` brings the
/// list back while the shell still runs.
#[test]
fn detach_keys_leave_a_shell() {
    require_tmux!();
    let engine = require_engine!();
    let c = engine.container("detach").cmd(&["sleep", "3600"]).start();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.filter_to(c.name());
    w.keys(&["e"]);
    w.wait_for_text("detach from the shell: ctrl-p ctrl-q");
    w.keys(&["Enter"]);
    let s = w.wait("a shell prompt", |s| {
        s.lines().any(|l| l.trim_end().ends_with('#'))
    });
    assert!(s.contains("detach: ctrl-p ctrl-q"), "the banner: {s}");
    w.keys(&["C-p"]);
    w.keys(&["C-q"]);
    w.wait("the list is back with a note", |s| {
        s.starts_with(" wharf ") && s.contains("NAME") && s.contains("detached from the shell")
    });
}

/// A private engine's dockerd stopped with SIGSTOP for as long as this lives.
struct Frozen(u32);

impl Frozen {
    fn new(engine: &wharf_tests::TestEngine) -> Frozen {
        let dir = engine.dir().expect("a private engine has a directory");
        let pid: u32 = std::fs::read_to_string(dir.join("docker.pid"))
            .expect("docker.pid")
            .trim()
            .parse()
            .expect("a pid");
        signal(pid, "STOP");
        Frozen(pid)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        signal(self.0, "CONT");
    }
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok || std::thread::panicking(), "kill -{sig} {pid}");
}

/// Issue #9, item 12: a frozen engine does not trap the user. In a shell, the detach keys
/// still bring the list back; a shell asked for while the engine is frozen gives up after
/// the hand-over deadline with a message, and the detach keys cancel it sooner.
#[test]
fn a_frozen_engine_does_not_trap_the_user_in_a_shell() {
    require_tmux!();
    let engine = require_private_engine!(PrivateOpts::default());
    let c = engine.container("frozen").cmd(&["sleep", "3600"]).start();
    let mut w = Wharf::start(&engine, &[]);
    w.wait_ready();
    w.filter_to(c.name());
    w.keys(&["e"]);
    w.wait_for_text("run in container:");
    w.keys(&["Enter"]);
    w.wait("a shell prompt", |s| {
        s.lines().any(|l| l.trim_end().ends_with('#'))
    });
    {
        let _frozen = Frozen::new(&engine);
        w.type_text("echo never-answered");
        w.keys(&["Enter"]);
        w.keys(&["C-p"]);
        w.keys(&["C-q"]);
        w.wait("the list is back while the engine is frozen", |s| {
            s.starts_with(" wharf ") && s.contains("detached from the shell")
        });

        // Hand-over against the frozen engine: cancelled by the detach keys…
        w.keys(&["e"]);
        w.wait_for_text("run in container:");
        w.keys(&["Enter"]);
        w.wait_for_text("detach: ctrl-p ctrl-q");
        w.keys(&["C-p"]);
        w.keys(&["C-q"]);
        w.wait("the list is back after cancelling", |s| {
            s.starts_with(" wharf ") && s.contains("shell cancelled before it started")
        });

        // …or given up after the deadline, with the reason: whichever of the hand-over's own
        // 10 s deadline and the engine handle's 10 s request deadline fires first, the user
        // reads the hand-over's message (exec.rs words the core's timeout the same way).
        w.keys(&["e"]);
        w.wait_for_text("run in container:");
        w.keys(&["Enter"]);
        w.wait("the hand-over deadline", |s| {
            s.starts_with(" wharf ") && s.contains("did not start the shell within 10 s")
        });
    }
    assert_eq!(w.exit_status(), None);
}

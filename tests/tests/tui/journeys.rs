//! User journeys through the real `wharf` in tmux against the test engine. Each journey makes
//! its own labelled fixtures with unique names, filters the UI down to them (the engine may
//! hold other containers), and checks the result both on screen and with the engine.

use wharf_tests::{require_engine, run_id, TestEngine, LABEL};

use crate::require_tmux;
use crate::term::{token, Wharf};

/// The table line showing `name` (names may be cut to the column width, so match a prefix).
fn row_of<'s>(screen: &'s str, name: &str) -> Option<&'s str> {
    let prefix = &name[..name.len().min(30)];
    screen
        .lines()
        .find(|l| l.contains(prefix) && !l.contains("filter:"))
}

/// How many table rows show one of `names`: in full, or cut to the column width with `…` (a
/// long run id makes fixture names longer than the NAME column, and then the cut names of
/// fixtures made together may look alike: hence rows, not names).
fn rows_showing(screen: &str, names: &[&str]) -> usize {
    let shows = |t: &str, name: &str| {
        t == name
            || t.strip_suffix('…')
                .is_some_and(|cut| cut.len() >= 16 && name.starts_with(cut))
    };
    screen
        .lines()
        .filter(|l| !l.contains("filter:"))
        .filter(|l| {
            l.split_whitespace()
                .any(|t| names.iter().any(|name| shows(t, name)))
        })
        .count()
}

fn state(engine: &TestEngine, id: &str) -> String {
    engine
        .docker_ok(&["inspect", "-f", "{{.State.Status}}", id])
        .trim()
        .to_owned()
}

/// (a) Find a container by filter, follow its logs and search them, stop it after a
/// confirmation that names it, and see the new state on screen and in the engine.
#[test]
fn filter_follow_logs_search_and_stop() {
    require_tmux!();
    let engine = require_engine!();
    let tok = token();
    let script = format!(
        "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo \"tick $i\"; \
         if [ $((i % 4)) -eq 0 ]; then echo \"needle-{tok} at $i\" >&2; fi; sleep 0.2; done"
    );
    let c = engine
        .container("logs")
        .cmd(&["sh", "-c", &script])
        .label("wharf.e2e", "logs")
        .start();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.filter_to(c.name());

    // Logs follow.
    w.keys(&["Enter"]);
    w.wait("the logs follow the container", |s| {
        s.contains(" following ") && s.contains("tick ") && s.contains(&format!("needle-{tok}"))
    });

    // Search: a highlighted match, the count in the status line, n moves on.
    w.keys(&["/"]);
    w.wait_for_text("search logs:");
    w.type_text(&format!("needle-{tok}"));
    w.keys(&["Enter"]);
    let s = w.wait("the search reports its matches", |s| {
        s.contains(&format!("search \"needle-{tok}\":")) && s.contains(" scrolled ")
    });
    assert!(s.contains(" match"), "{s}");
    let escaped = w.screen_with_escapes();
    // Several matches may be on screen (a needle comes every 0.8 s); the other matches have
    // a grey background, the current one (where the search went) a yellow one: `43` or the
    // indexed form `48;5;3`.
    let hits: Vec<&str> = escaped
        .lines()
        .filter(|l| l.contains(&format!("needle-{tok}")))
        .collect();
    assert!(
        hits.iter()
            .any(|hit| hit.contains("[43m") || hit.contains("48;5;3m")),
        "the current match is highlighted (yellow background): {hits:?}"
    );
    w.keys(&["n"]);
    w.wait_for_text(&format!("search \"needle-{tok}\":"));

    // Stop: a confirmation naming it, then the state change.
    w.keys(&["s"]);
    let s = w.wait("the stop confirmation", |s| s.contains("Stop 1 container?"));
    let short = &c.id()[..12];
    assert!(
        s.contains(short),
        "the confirmation names the container's id:\n{s}"
    );
    let tail = &c.name()[c.name().len().saturating_sub(20)..];
    assert!(
        s.contains(tail),
        "the confirmation names the container:\n{s}"
    );
    assert_eq!(
        state(engine, c.id()),
        "running",
        "nothing happens before the answer"
    );
    w.keys(&["y"]);
    w.wait("the row shows the container exited", |s| {
        row_of(s, c.name()).is_some_and(|l| l.contains("exited"))
    });
    w.wait_engine("the engine says exited", || {
        state(engine, c.id()) == "exited"
    });
}

/// (b) Open a shell, run `echo`, exit; Wharf's screen comes back and still answers keys.
#[test]
fn exec_shell_and_back() {
    require_tmux!();
    let engine = require_engine!();
    let tok = token();
    let c = engine.container("shell").cmd(&["sleep", "3600"]).start();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.filter_to(c.name());
    w.keys(&["e"]);
    w.wait_for_text("run in container: auto");
    w.keys(&["Enter"]);
    w.wait("a shell prompt", |s| {
        s.lines().any(|l| l.trim_end().ends_with('#'))
    });
    // The output differs from the typed line, so seeing it proves the shell ran it.
    w.type_text(&format!("echo wharf-$((6*7))-{tok}"));
    w.keys(&["Enter"]);
    w.wait("the echo output", |s| {
        s.lines().any(|l| l.trim() == format!("wharf-42-{tok}"))
    });
    w.type_text("exit");
    w.keys(&["Enter"]);
    let s = w.wait("Wharf's table is back", |s| {
        s.starts_with(" wharf ") && s.contains("NAME") && row_of(s, c.name()).is_some()
    });
    assert!(
        !s.contains(&format!("wharf-42-{tok}")),
        "the shell's output is gone:\n{s}"
    );
    w.keys(&["?"]);
    w.wait_for_text("help — any key closes");
    w.keys(&["Escape"]);
    w.wait("the help closes", |s| !s.contains("help — any key closes"));
    w.keys(&[":"]);
    w.type_text("img");
    w.keys(&["Enter"]);
    w.wait_for_text("REPOSITORY:TAG");
}

/// An image made for one test, removed (by tag) when dropped.
struct TestImage(String);

impl Drop for TestImage {
    fn drop(&mut self) {
        // Already gone is the expected case.
        if let Some(engine) = TestEngine::shared_or_skip() {
            let _ = engine.docker(&["rmi", "-f", &self.0]);
        }
    }
}

/// (c) Remove an image after a confirmation naming it; the engine no longer has it.
#[test]
fn remove_image_after_confirmation() {
    require_tmux!();
    let engine = require_engine!();
    let tok = token();
    // An image of its own (a commit has a fresh id), so removing it touches nothing shared.
    let src = engine.container("imgsrc").cmd(&["true"]).created_only();
    let label = format!("LABEL {LABEL}={}", run_id());
    let committed = engine.docker_ok(&[
        "commit",
        "--change",
        &label,
        src.id(),
        &format!("wharf-test/commit:{tok}"),
    ]);
    let _committed = TestImage(format!("wharf-test/commit:{tok}"));
    drop(src);
    let tag = format!("wharf-test/rmme:{tok}");
    engine.docker_ok(&["tag", committed.trim(), &tag]);
    engine.docker_ok(&["rmi", &format!("wharf-test/commit:{tok}")]);
    let _image = TestImage(tag.clone());

    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("img");
    w.keys(&["Enter"]);
    w.wait_for_text("REPOSITORY:TAG");
    w.filter_to(&tag);
    w.keys(&["D"]);
    let s = w.wait("the remove confirmation", |s| s.contains("Remove 1 image?"));
    assert!(s.contains(&tag), "the confirmation names the tag:\n{s}");
    assert!(
        engine.docker(&["image", "inspect", &tag]).is_ok(),
        "nothing happens before the answer"
    );
    w.keys(&["y"]);
    w.wait_engine("the engine no longer has the image", || {
        engine.docker(&["image", "inspect", &tag]).is_err()
    });
    w.wait("the row is gone", |s| {
        s.contains("no images match the filter")
    });
}

/// (d) `--read-only`: `s` and `D` change nothing, and the UI says why.
#[test]
fn read_only_refuses_to_stop() {
    require_tmux!();
    let engine = require_engine!();
    let c = engine.container("ro").cmd(&["sleep", "3600"]).start();
    let mut w = Wharf::start(engine, &["--read-only"]);
    let s = w.wait_ready();
    assert!(s.contains("READ-ONLY"), "the header says read-only:\n{s}");
    w.filter_to(c.name());
    w.keys(&["s"]);
    let s = w.wait_for_text("read-only mode: stop is disabled");
    assert!(!s.contains("Stop 1 container?"), "{s}");
    w.keys(&["D"]);
    w.wait_for_text("read-only mode: remove is disabled");
    // Later keys are handled, so any command would have been sent by now.
    w.keys(&["?"]);
    let s = w.wait_for_text("help — any key closes");
    // Help marks the mutating keys as off.
    assert!(
        s.lines().any(|l| l.contains("stop (") && l.contains("off")),
        "{s}"
    );
    assert_eq!(state(engine, c.id()), "running");
}

/// (e) Escape sequences printed by a container (OSC 52 clipboard, title, clear screen) are
/// inert: Wharf's screen stays intact and the terminal never receives them.
#[test]
fn container_escape_sequences_are_inert() {
    require_tmux!();
    let engine = require_engine!();
    let tok = token();
    let script = format!(
        "while true; do printf '\\033]52;c;ZXZpbA==\\007\\033]0;pwned-{tok}\\007\\033[2J\\033[H\\033[31mred-{tok}\\033[0m after-clear\\n'; sleep 0.3; done"
    );
    let c = engine.container("osc").cmd(&["sh", "-c", &script]).start();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    let title_before = w.display("#{pane_title}");
    w.filter_to(c.name());
    w.keys(&["Enter"]);
    let s = w.wait("the container's lines in the logs", |s| {
        s.matches(&format!("red-{tok} after-clear")).count() >= 3
    });
    assert!(s.starts_with(" wharf "), "the header is still on top:\n{s}");
    assert!(
        s.contains("Logs  Stats  Inspect"),
        "the details tabs are intact:\n{s}"
    );
    assert!(row_of(&s, c.name()).is_some(), "the table is intact:\n{s}");
    let escaped = w.screen_with_escapes();
    assert!(
        !escaped.contains("]52;") && !escaped.contains("pwned"),
        "{escaped:?}"
    );
    let title = w.display("#{pane_title}");
    assert!(
        !title.contains("pwned"),
        "the pane title changed: {title:?} (was {title_before:?})"
    );
    let buffers = w.buffers();
    assert!(
        buffers.trim().is_empty(),
        "an OSC 52 write reached tmux: {buffers}"
    );
}

/// (f) A frozen engine (dockerd under SIGSTOP): the header says "not responding since T"
/// within seconds, keys and frames keep working (help opens and closes, the selection moves,
/// the counter in the header goes on), and on SIGCONT the header says connected again.
#[test]
fn a_frozen_engine_is_reported_and_keys_keep_working() {
    require_tmux!();
    let te = wharf_tests::require_private_engine!(wharf_tests::PrivateOpts::default());
    let a = te
        .container("frozen-a")
        .cmd(&["sleep", "300"])
        .created_only();
    let b = te
        .container("frozen-b")
        .cmd(&["sleep", "300"])
        .created_only();
    let mut w = Wharf::start(&te, &[]);
    w.wait("both containers listed", |s| {
        s.contains("connected") && rows_showing(s, &[a.name(), b.name()]) == 2 && s.contains("/2")
    });

    let frozen = te.freeze();
    let first = w.wait("the header says not responding", |s| {
        s.contains("not responding since")
    });
    let counter = |s: &str| -> Option<String> {
        let rest = &s[s.find("not responding since")?..];
        Some(rest[rest.find('(')?..rest.find("s)")?].to_owned())
    };
    let c0 = counter(&first);
    w.wait("the header's counter goes on", |s| {
        counter(s).is_some() && counter(s) != c0
    });
    w.keys(&["?"]);
    w.wait("help opens while frozen", |s| s.contains(" help — "));
    w.keys(&["Escape"]);
    w.wait("help closes", |s| !s.contains(" help — "));
    w.keys(&["j"]);
    w.wait("the selection moves while frozen", |s| {
        s.lines().any(|l| l.split_whitespace().any(|t| t == "2/2"))
    });

    frozen.thaw();
    w.wait("connected again after SIGCONT", |s| {
        s.contains("● connected") && !s.contains("not responding")
    });
}

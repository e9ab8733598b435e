//! `:ctx` in the real terminal UI, with two real engines: the shared test engine (where Wharf
//! starts, through `DOCKER_HOST`) and a private `dockerd` this test starts, reached through a
//! docker context written into a temp `DOCKER_CONFIG`, beside a context whose socket does not
//! exist. A failed switch leaves the current engine's list (filter included) in place; a
//! switch shows the other engine's labelled container and not the first's; read-only carries
//! over; `:ctx default` comes back, and `:host URL` reaches an engine by address.

use wharf_tests::{require_engine, require_private_engine, write_context, PrivateOpts};

use crate::require_tmux;
use crate::term::Wharf;

fn command(w: &Wharf, line: &str) {
    w.keys(&[":"]);
    w.type_text(line);
    w.keys(&["Enter"]);
}

#[test]
fn ctx_switches_engine_live_and_a_broken_context_leaves_the_current_one() {
    require_tmux!();
    let shared = require_engine!();
    let other = require_private_engine!(PrivateOpts::default());
    // Names short enough to show whole in the NAME column, so that both "shows" and "does not
    // show" are real checks; the pid keeps parallel runs on the shared engine apart.
    let pid = std::process::id();
    let here = shared
        .container("ctx-here")
        .named(&format!("wharf-ctx-here-{pid}"))
        .cmd(&["sleep", "3600"])
        .start();
    let there = other
        .container("ctx-there")
        .named(&format!("wharf-ctx-there-{pid}"))
        .cmd(&["sleep", "3600"])
        .start();
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    write_context(config.path(), "other", other.host());
    let missing = config.path().join("missing.sock");
    write_context(
        config.path(),
        "broken",
        &format!("unix://{}", missing.display()),
    );
    let config_dir = config.path().to_string_lossy().into_owned();
    let mut w = Wharf::start_with_env(
        shared,
        &["--read-only"],
        &[("DOCKER_CONFIG", config_dir.as_str())],
    );
    w.wait_ready();
    w.filter_to(here.name());

    // A context whose socket does not exist: the error, and the current list stays.
    command(&w, "ctx broken");
    let s = w.wait_for_text("cannot switch to broken");
    assert!(s.contains(here.name()), "{s}");
    assert!(s.contains(&format!("filter: {}", here.name())), "{s}");
    let header = s.lines().next().unwrap_or_default();
    assert!(
        header.contains(shared.host()) && header.contains("connected"),
        "{s}"
    );

    // The picker lists all three, with their endpoints and descriptions.
    command(&w, "ctx");
    let s = w.wait_for_text("the other engine");
    for text in ["default", "the other engine", other.host(), "broken"] {
        assert!(s.contains(text), "{text:?} missing:\n{s}");
    }
    w.keys(&["Escape"]);
    w.wait("the picker closes", |s| !s.contains("docker contexts"));

    // Tab completes the name; the switch shows the other engine's container only.
    w.keys(&[":"]);
    w.type_text("ctx ot");
    w.keys(&["Tab"]);
    w.wait_for_text(":ctx other");
    w.keys(&["Enter"]);
    let s = w.wait(&format!("the other engine's {} shows", there.name()), |s| {
        s.contains(there.name()) && s.contains("switched to other")
    });
    assert!(!s.contains(here.name()), "{s}");
    let header = s.lines().next().unwrap_or_default();
    // The header names the context and its endpoint.
    let endpoint = other.host().trim_start_matches("unix://");
    assert!(
        header.contains("ctx other:") && header.contains(endpoint),
        "{s}"
    );
    // Read-only is the user's choice for the whole run, not per engine.
    assert!(header.contains("READ-ONLY"), "{s}");

    // And back: `default` is DOCKER_HOST, the shared engine.
    command(&w, "ctx default");
    w.wait("the shared engine's list is back", |s| {
        s.contains("switched to default") && !s.contains(there.name())
    });
    w.filter_to(here.name());

    // `:host URL` reaches an engine by address, no context needed.
    command(&w, &format!("host {}", other.host()));
    let s = w.wait(&format!("{} shows through :host", there.name()), |s| {
        s.contains(there.name()) && s.contains(&format!("switched to {}", other.host()))
    });
    assert!(!s.contains(here.name()), "{s}");
}

/// A frozen engine (SIGSTOP: its socket accepts, nothing answers) named by a context: the
/// header says "connecting to frozen…", the UI keeps answering keys on the current engine
/// meanwhile, and after the request deadline the switch fails with the current engine kept.
#[test]
fn a_frozen_context_shows_connecting_then_fails_and_the_ui_stays_usable() {
    require_tmux!();
    let shared = require_engine!();
    let target = require_private_engine!(PrivateOpts::default());
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    write_context(config.path(), "frozen", target.host());
    let config_dir = config.path().to_string_lossy().into_owned();
    let mut w = Wharf::start_with_env(shared, &[], &[("DOCKER_CONFIG", config_dir.as_str())]);
    w.wait_ready();
    let frozen = target.freeze();
    command(&w, "ctx frozen");
    w.wait_for_text("connecting to frozen…");
    // Still connecting, and another view opens at once on the current engine.
    command(&w, "images");
    let s = w.wait_for_text("REPOSITORY:TAG");
    assert!(s.contains("connecting to frozen…"), "{s}");
    let s = w.wait_for_text("cannot switch to frozen");
    let header = s.lines().next().unwrap_or_default();
    assert!(
        header.contains(shared.host()) && header.contains("connected"),
        "{s}"
    );
    assert!(!header.contains("connecting to frozen"), "{s}");
    assert!(s.contains("REPOSITORY:TAG"), "{s}");
    frozen.thaw();
}

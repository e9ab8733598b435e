//! The fleet view in the real terminal UI: `wharf --host A --host B` with the shared test
//! engine and a private one, named and set up by the configuration's `[[engines]]` (A is
//! read-only, B is red). Both engines' containers show with the ENGINE column and the header
//! states; the filter matches an engine's name; a stop on a row of B acts on B (and only on
//! that container); the same stop on a row of the read-only A is refused by the core.

use wharf_tests::{require_engine, require_private_engine, PrivateOpts};

use crate::{fleet_pair, require_tmux};

#[test]
fn a_fleet_of_two_engines_routes_actions_to_each() {
    require_tmux!();
    let shared = require_engine!();
    let other = require_private_engine!(PrivateOpts::default());
    let pid = std::process::id();
    let a = shared
        .container("fleet-a")
        .named(&format!("wharf-fleet-a-{pid}"))
        .args(&["--stop-timeout", "1"])
        .cmd(&["sleep", "3600"])
        .start();
    let b = other
        .container("fleet-b")
        .named(&format!("wharf-fleet-b-{pid}"))
        .args(&["--stop-timeout", "1"])
        .cmd(&["sleep", "3600"])
        .start();
    let b2 = other
        .container("fleet-b2")
        .named(&format!("wharf-fleet-c-{pid}"))
        .cmd(&["sleep", "3600"])
        .start();
    let (mut w, alpha, beta, _dir) = fleet_pair::start(
        shared,
        &other,
        ["read_only = true", "colour = \"red\""],
        false,
    );
    let s = w.wait("both engines connected with their containers", |s| {
        s.contains("ENGINE")
            && s.contains(a.name())
            && s.contains(b.name())
            && s.lines()
                .any(|l| l.contains(&alpha) && l.contains("connected") && l.contains("RO"))
            && s.lines()
                .any(|l| l.contains(&beta) && l.contains("connected") && l.contains("■"))
    });
    // Each row says its engine.
    let row = |s: &str, name: &str| {
        s.lines()
            .find(|l| l.contains(name) && !l.contains("containers,"))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no row {name}:\n{s}"))
    };
    assert!(row(&s, a.name()).contains(&alpha), "{s}");
    assert!(row(&s, b.name()).contains(&beta), "{s}");

    // `/` matches the engine name: B's filter leaves only B's rows.
    w.keys(&["/"]);
    w.type_text(&beta);
    w.keys(&["Enter"]);
    let s = w.wait("only beta's rows", |s| {
        s.contains(&format!("filter: {beta}")) && !s.contains(a.name()) && s.contains(b.name())
    });
    assert!(s.contains(b2.name()), "{s}");

    // A stop on B's row: the confirmation names the engine; it stops exactly that one on B.
    w.keys(&["Escape"]);
    w.keys(&["/"]);
    w.type_text(b.name());
    w.keys(&["Enter"]);
    w.wait("only b", |s| !s.contains(b2.name()) && s.contains(b.name()));
    w.keys(&["s"]);
    let s = w.wait_for_text(&format!("on {beta}"));
    assert!(s.contains(&format!("stop {}", b.name())), "{s}");
    w.keys(&["y"]);
    w.wait_engine("b stopped on the other engine", || {
        b.inspect("{{.State.Running}}").trim() == "false"
    });
    w.wait("the fleet shows b exited", |s| {
        row(s, b.name()).contains("exited")
    });
    assert_eq!(b2.inspect("{{.State.Running}}").trim(), "true");
    assert_eq!(a.inspect("{{.State.Running}}").trim(), "true");

    // The same stop on A's row: A is read-only, the core refuses, nothing changes.
    w.keys(&["Escape"]);
    w.keys(&["/"]);
    w.type_text(a.name());
    w.keys(&["Enter"]);
    w.wait("only a", |s| !s.contains(b.name()) && s.contains(a.name()));
    w.keys(&["s"]);
    let s = w.wait_for_text(&format!("on {alpha}"));
    assert!(s.contains("read-only"), "{s}");
    w.keys(&["y"]);
    w.wait_for_text("read-only mode");
    assert_eq!(a.inspect("{{.State.Running}}").trim(), "true");
}

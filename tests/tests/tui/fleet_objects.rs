//! The fleet's other kinds in the real terminal UI: `wharf --host A --host B` with the shared
//! test engine (A, read-only) and a private one (B, red), named by the configuration's
//! `[[engines]]`. `:volumes` lists both engines' volumes with the ENGINE column and each
//! engine's volume count in the header; `/` matches an engine's name; `D` on B's volume is
//! confirmed naming it with its engine and removes exactly that one on B; the same on A's
//! volume is refused by the core (A is read-only) and the volume stays.

use wharf_tests::{require_engine, require_private_engine, PrivateOpts};

use crate::{fleet_pair, require_tmux};

#[test]
fn fleet_volumes_are_listed_per_engine_and_removed_on_their_engine() {
    require_tmux!();
    let shared = require_engine!();
    let other = require_private_engine!(PrivateOpts::default());
    let va = shared.volume("fk-a");
    let vb = other.volume("fk-bone");
    let vb2 = other.volume("fk-btwo");
    let (mut w, alpha, beta, _dir) = fleet_pair::start(
        shared,
        &other,
        ["read_only = true", "colour = \"red\""],
        false,
    );
    w.wait("both engines connected", |s| {
        s.lines()
            .any(|l| l.contains(&alpha) && l.contains("connected"))
            && s.lines()
                .any(|l| l.contains(&beta) && l.contains("connected"))
    });
    // `:volumes`, the single-engine UI's key for the kind.
    w.keys(&[":"]);
    w.type_text("volumes");
    w.keys(&["Enter"]);
    let row = |s: &str, name: &str| {
        s.lines()
            .find(|l| l.contains(name))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no row {name}:\n{s}"))
    };
    let s = w.wait("both engines' volumes", |s| {
        s.contains("ENGINE")
            && s.contains(va.name())
            && s.contains(vb.name())
            && s.contains(vb2.name())
    });
    assert!(row(&s, va.name()).contains(&alpha), "{s}");
    assert!(row(&s, vb.name()).contains(&beta), "{s}");
    // The header counts each engine's volumes (B has exactly the two made here).
    assert!(
        s.lines()
            .any(|l| l.contains(&beta) && l.contains("connected · 2 volumes")),
        "{s}"
    );

    // `/` matches the engine: B's name leaves only B's volumes.
    w.keys(&["/"]);
    w.type_text(&beta);
    w.keys(&["Enter"]);
    w.wait("only beta's volumes", |s| {
        !s.contains(va.name()) && s.contains(vb.name()) && s.contains(vb2.name())
    });

    // `D` on B's volume: confirmed naming it with its engine, and exactly it goes, on B.
    w.keys(&["Escape"]);
    w.keys(&["/"]);
    w.type_text(vb.name());
    w.keys(&["Enter"]);
    w.wait("only vb", |s| {
        !s.contains(vb2.name()) && s.contains(vb.name())
    });
    w.keys(&["D"]);
    let s = w.wait_for_text(&format!("remove volume {} on {beta}", vb.name()));
    assert!(s.contains("Their data is lost"), "{s}");
    w.keys(&["y"]);
    w.wait_engine("vb removed on the other engine", || {
        other.docker(&["volume", "inspect", vb.name()]).is_err()
    });
    w.wait("vb gone from the fleet", |s| {
        s.contains("volumes (0)")
            && !s
                .lines()
                .any(|l| l.contains(vb.name()) && l.contains(&beta))
    });
    other.docker_ok(&["volume", "inspect", vb2.name()]);
    shared.docker_ok(&["volume", "inspect", va.name()]);

    // The same on A's volume: A is read-only, named in the popup, refused by the core.
    w.keys(&["Escape"]);
    w.keys(&["/"]);
    w.type_text(va.name());
    w.keys(&["Enter"]);
    w.wait("only va", |s| {
        s.contains(va.name()) && !s.contains(vb2.name())
    });
    w.keys(&["D"]);
    let s = w.wait_for_text(&format!("remove volume {} on {alpha}", va.name()));
    assert!(s.contains(&format!("{alpha} is read-only")), "{s}");
    w.keys(&["y"]);
    // The outcome line names the volume and the refusal (cut at the screen's edge with long
    // names: "read-only" is what is sure to show).
    w.wait("the core's refusal", |s| {
        s.lines().any(|l| {
            l.starts_with(&format!("remove volume {}", va.name())) && l.contains("read-only")
        })
    });
    shared.docker_ok(&["volume", "inspect", va.name()]);
}

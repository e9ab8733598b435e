//! Going from one engine to the fleet and back in the real terminal UI, with no restart:
//! `wharf --host A` (the shared test engine) with a private engine B in the configuration's
//! `[[engines]]`. `:fleet` lists both engines' containers; Enter on B's row opens B's usual
//! views with that container's details; Esc, Esc (details closed, then the top level) comes
//! back to the fleet as it was (its filter kept) with both engines connected; Enter on A's
//! row and `:fleet` come back again. The fleet's `?` help lists its keys, and its footer
//! comes from the key map.

use wharf_tests::{require_engine, require_private_engine, PrivateOpts};

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn fleet_then_an_engine_then_back_to_the_fleet() {
    require_tmux!();
    let shared = require_engine!();
    let other = require_private_engine!(PrivateOpts::default());
    let pid = std::process::id();
    let a = shared
        .container("nav-a")
        .named(&format!("wharf-nav-a-{pid}"))
        .cmd(&["sleep", "3600"])
        .start();
    let b = other
        .container("nav-b")
        .named(&format!("wharf-nav-b-{pid}"))
        .cmd(&["sleep", "3600"])
        .start();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let config = dir.path().join("config.toml");
    let beta = format!("beta{pid}");
    std::fs::write(
        &config,
        format!(
            "[[engines]]\nname = \"{beta}\"\nhost = \"{}\"\n",
            other.host()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = config.to_string_lossy().into_owned();
    // No docker contexts but the test's: an empty docker configuration directory.
    let docker_config = dir.path().join("docker");
    std::fs::create_dir_all(&docker_config).unwrap_or_else(|e| panic!("{e}"));
    let docker_config = docker_config.to_string_lossy().into_owned();
    let mut w = Wharf::start_with_env(
        shared,
        &["--config", &config, "--host", shared.host()],
        &[("DOCKER_CONFIG", &docker_config)],
    );
    w.wait_ready();
    w.wait_for_text(a.name());

    // One engine's views: `:fleet` opens the fleet of the configured engines around it.
    w.keys(&[":"]);
    w.type_text("fleet");
    w.keys(&["Enter"]);
    let both = |s: &str| {
        s.contains("ENGINE")
            && s.contains(a.name())
            && s.contains(b.name())
            && s.lines()
                .any(|l| l.contains(&beta) && l.contains("connected"))
            && s.lines()
                .any(|l| l.contains(shared.host()) && l.contains("connected"))
    };
    let s = w.wait("the fleet with both engines", both);
    // The current engine is one member (docker's `default` context is that engine too): it
    // is not connected a second time under another name.
    assert!(s.contains("2 engines"), "{s}");
    // The footer is the key map's (the fleet's own keys, `?` help among them).
    assert!(s.contains("?/f1 help") && s.contains("space mark"), "{s}");

    // Its help lists its keys; any other key closes it.
    w.keys(&["?"]);
    // Waited for whole: a screen read while the help is being drawn has only its first lines.
    w.wait("its help, with its keys", |s| {
        s.contains("Select & sort") && s.contains("mark") && s.contains("remove")
    });
    w.keys(&["x"]);
    w.wait("the help closed", |s| !s.contains("Select & sort"));

    // Enter on B's row: B's usual views, the container's details open.
    w.keys(&["/"]);
    w.type_text(b.name());
    w.keys(&["Enter"]);
    w.wait("only b", |s| s.contains(b.name()) && !s.contains(a.name()));
    w.keys(&["Enter"]);
    let s = w.wait("b's engine with its details", |s| {
        s.contains(other.host()) && s.contains("Logs") && !s.contains("ENGINE")
    });
    assert!(s.contains(b.name()), "{s}");

    // Esc closes the details, Esc at the top level goes back to the fleet as it was.
    w.keys(&["Escape"]);
    w.wait("the details closed", |s| !s.contains("Logs"));
    w.keys(&["Escape"]);
    let s = w.wait("the fleet again, its filter kept", |s| {
        s.contains("ENGINE") && s.contains(&format!("filter: {}", b.name()))
    });
    assert!(s.contains(b.name()) && !s.contains(a.name()), "{s}");
    w.keys(&["Escape"]);
    w.wait("the fleet with both engines, still connected", both);

    // Enter on A's row, then `:fleet`: back again, both engines listed.
    w.keys(&["/"]);
    w.type_text(a.name());
    w.keys(&["Enter"]);
    w.wait("only a", |s| s.contains(a.name()) && !s.contains(b.name()));
    w.keys(&["Enter"]);
    w.wait("a's engine", |s| {
        !s.contains("ENGINE") && s.contains("Logs")
    });
    w.keys(&[":"]);
    w.type_text("fleet");
    w.keys(&["Enter"]);
    w.wait("the fleet", |s| s.contains("ENGINE"));
    w.keys(&["Escape"]);
    w.wait("the fleet with both engines after the second trip", both);
}

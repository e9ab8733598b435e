//! The fleet's last pieces in the real terminal UI, mouse on (no `--no-mouse`):
//! `wharf --fleet` with the shared test engine configured as `one<pid>`, while docker's
//! `default` context (`DOCKER_HOST`) and a context through a symlink to the same socket
//! point at it too: the fleet lists one engine and says which names were the same engine.
//! In `:volumes`, a click selects the row drawn there and the wheel moves the selection by 3
//! (the confirmation of `D` names the row selected), `?` shows the object keys' help, and the
//! footer is the key map's (`:` command, `?` help).

use wharf_tests::{require_engine, write_context};

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn a_fleet_lists_an_engine_once_and_its_object_views_take_the_mouse_and_help() {
    require_tmux!();
    let shared = require_engine!();
    let pid = std::process::id();
    let vols: Vec<_> = (0..8).map(|_| shared.volume("ffmouse")).collect();
    let mut names: Vec<String> = vols.iter().map(|v| v.name().to_owned()).collect();
    names.sort_by_key(|n| n.to_lowercase());

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let config = dir.path().join("config.toml");
    let one = format!("one{pid}");
    std::fs::write(
        &config,
        format!(
            "[[engines]]\nname = \"{one}\"\nhost = \"{}\"\n",
            shared.host()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = config.to_string_lossy().into_owned();
    // A docker context on the same socket through a symlink.
    let socket = shared
        .host()
        .strip_prefix("unix://")
        .unwrap_or_else(|| panic!("the test engine is not a unix socket: {}", shared.host()));
    let link = dir.path().join("same.sock");
    std::os::unix::fs::symlink(socket, &link).unwrap_or_else(|e| panic!("{e}"));
    let docker_config = dir.path().join("docker");
    let alias = format!("alias{pid}");
    write_context(
        &docker_config,
        &alias,
        &format!("unix://{}", link.display()),
    );
    let docker_config = docker_config.to_string_lossy().into_owned();

    let mut w = Wharf::start_with_mouse(
        shared,
        &["--config", &config, "--fleet"],
        &[("DOCKER_CONFIG", &docker_config)],
    );
    let s = w.wait("the fleet, one engine, said so", |s| {
        s.contains("Fleet · 1 engine")
            && s.lines()
                .any(|l| l.contains(&one) && l.contains("connected"))
            && s.contains(&format!(
                "default and {one} are the same engine: shown once"
            ))
    });
    assert!(
        s.contains(&format!("{alias} and {one} are the same engine")),
        "{s}"
    );
    assert!(!s.lines().any(|l| l.starts_with("● default")), "{s}");

    // `:volumes`, filtered to this test's volumes (sorted by name on the one engine).
    w.keys(&[":"]);
    w.type_text("volumes");
    w.keys(&["Enter"]);
    w.keys(&["/"]);
    w.type_text(&format!("ffmouse {pid}"));
    w.keys(&["Enter"]);
    let s = w.wait("this test's volumes only", |s| {
        s.contains("volumes (8)") && names.iter().all(|n| s.contains(n.as_str()))
    });
    // The footer is the key map's.
    assert!(s.contains(": command") && s.contains(" help "), "{s}");
    // Rows start under the header (1 line + 1 engine), the frame and the column titles.
    let first = s
        .lines()
        .position(|l| l.contains(names[0].as_str()))
        .unwrap_or_else(|| panic!("no first row:\n{s}")) as u16;
    assert_eq!(first, 4, "{s}");

    // A click on the third row selects it: `D` names that volume.
    w.mouse(0, 20, first + 2);
    w.keys(&["D"]);
    w.wait_for_text(&format!("remove volume {} on {one}", names[2]));
    w.keys(&["n"]);
    w.wait("the confirmation closes", |s| !s.contains("remove volume"));
    // The wheel moves the selection by 3.
    w.mouse(65, 20, first);
    w.keys(&["D"]);
    w.wait_for_text(&format!("remove volume {} on {one}", names[5]));
    w.keys(&["n"]);
    w.wait("the confirmation closes", |s| !s.contains("remove volume"));

    // `?`: the object view's help (its keys), closed by another key.
    w.keys(&["?"]);
    let s = w.wait("the help", |s| s.contains("help —"));
    for label in ["clear marks", "sort column", "remove", "command"] {
        assert!(s.contains(label), "{label:?} missing:\n{s}");
    }
    w.keys(&["Escape"]);
    w.wait("the help closes", |s| !s.contains("help —"));
    for v in &vols {
        shared.docker_ok(&["volume", "inspect", v.name()]);
    }
}

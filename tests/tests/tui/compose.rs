//! Compose projects in the real `wharf` in tmux: a project made with Debian's docker-compose
//! shows with its services, counts and working dir; project stop (confirmed, naming both
//! containers) stops both in the engine; `:compose up` brings them back with the output in
//! the panel; `:compose down`, confirmed naming the containers and networks, removes them.

use wharf_tests::{require_engine, TestProject};

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn project_stop_up_and_down_from_the_terminal() {
    require_tmux!();
    let engine = require_engine!();
    let proj = TestProject::new(engine, "tui", &["web", "db"]);
    proj.up();
    let name = proj.name().to_owned();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("projects");
    w.keys(&["Enter"]);
    w.wait_for_text("WORKING DIR");
    let s = w.filter_to(&name);
    assert!(s.contains("db 1/1, web 1/1"), "services with counts:\n{s}");
    assert!(s.contains("2/2"), "{s}");

    // Project stop: confirmed, naming both containers; then both stopped in the engine.
    w.keys(&["s"]);
    let s = w.wait("the stop confirmation", |s| {
        s.contains("Stop 2 containers?")
    });
    assert!(s.contains("web") && s.contains("db"), "{s}");
    assert_eq!(proj.states(engine), ["running", "running"]);
    w.keys(&["y"]);
    w.wait_engine("both stopped", || {
        proj.states(engine) == ["exited", "exited"]
    });
    w.wait("the row shows the project stopped", |s| {
        s.lines()
            .any(|l| l.contains("0/2") && l.contains("stopped"))
    });

    // `:compose up`: the tool's output in the panel, both running again.
    w.keys(&[":"]);
    w.type_text("compose up");
    w.keys(&["Enter"]);
    let title = format!("compose up {name}  ");
    let s = w.wait("compose up finished", |s| {
        s.contains(&format!("{title}done")) || s.contains(&format!("{title}failed"))
    });
    assert!(s.contains(&format!("{title}done")), "{s}");
    assert!(
        s.contains("docker-compose -p"),
        "the command is shown:\n{s}"
    );
    assert_eq!(proj.states(engine), ["running", "running"]);
    w.keys(&["Escape"]);
    w.wait("the projects view is back", |s| s.contains("WORKING DIR"));

    // `:compose down`: confirmed, naming the containers and the networks; then gone.
    w.keys(&[":"]);
    w.type_text("compose down");
    w.keys(&["Enter"]);
    let s = w.wait("the down confirmation", |s| {
        s.contains(&format!("compose down {name}?"))
    });
    assert!(
        s.contains("remove container") && s.contains("networks"),
        "{s}"
    );
    assert_eq!(proj.states(engine).len(), 2, "nothing before the answer");
    w.keys(&["y"]);
    let title = format!("compose down {name}  ");
    let s = w.wait("compose down finished", |s| {
        s.contains(&format!("{title}done")) || s.contains(&format!("{title}failed"))
    });
    assert!(s.contains(&format!("{title}done")), "{s}");
    w.wait_engine("the containers removed", || proj.states(engine).is_empty());
}

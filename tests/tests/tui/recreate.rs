//! Edit and recreate in the real `wharf` against the test engine: `E` on a container opens
//! the run form prefilled ("Edit NAME"), an env value is changed with keys, ctrl-s shows the
//! change in the confirmation, `y` recreates; the engine then holds a new container under the
//! same name with the new value, and the old one is gone.

use wharf_tests::require_engine;

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn edit_changes_an_env_value_and_recreates_the_container() {
    require_tmux!();
    let engine = require_engine!();
    let c = engine
        .container("edit")
        .args(&["-e", "WHARF_EDIT=before"])
        .cmd(&["sleep", "3600"])
        .start();
    let (old_id, name) = (c.id().to_owned(), c.name().to_owned());
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.filter_to(&name);
    let prefix = &name[..name.len().min(30)];
    w.wait("the container's row", |s| {
        s.lines()
            .any(|l| l.contains(prefix) && l.contains("running"))
    });
    w.keys(&["E"]);
    w.wait("the edit form", |s| {
        s.contains(&format!("Edit {name}")) && s.contains("WHARF_EDIT=before")
    });
    // From the image line: name, command, entrypoint, workdir, ports (add), publish all,
    // networks (add), hostname, mounts (add), then the first env entry (the container's
    // own env comes before the engine's PATH).
    for _ in 0..10 {
        w.keys(&["j"]);
    }
    w.wait("the focus on the env entry", |s| {
        s.contains("K=V; one entry per line")
    });
    w.keys(&["Enter"]);
    w.wait("the env editor", |s| s.contains("esc undo"));
    w.keys(&["C-u"]);
    w.type_text("WHARF_EDIT=after");
    w.keys(&["Enter"]);
    w.wait("the new value", |s| {
        s.contains("WHARF_EDIT=after") && !s.contains("esc undo")
    });
    assert!(
        engine
            .docker_ok(&["inspect", "-f", "{{.Id}}", &name])
            .trim()
            == old_id,
        "nothing is recreated before the confirmation"
    );
    w.keys(&["C-s"]);
    w.wait("the confirmation lists the change", |s| {
        s.contains("Recreate") && s.contains("environment WHARF_EDIT: before → after")
    });
    w.keys(&["y"]);
    w.wait_engine("a new container under the same name", || {
        engine
            .docker(&["inspect", "-f", "{{.Id}} {{.State.Status}}", &name])
            .is_ok_and(|s| !s.starts_with(&old_id) && s.trim().ends_with("running"))
    });
    let env = engine.docker_ok(&["inspect", "-f", "{{json .Config.Env}}", &name]);
    assert!(env.contains("WHARF_EDIT=after"), "{env}");
    assert!(!env.contains("WHARF_EDIT=before"), "{env}");
    // Removing the old one is the last step, right after the new one started.
    w.wait_engine("the old container is removed", || {
        engine
            .docker(&["inspect", "--type", "container", &old_id])
            .is_err()
    });
    w.wait("the form closes", |s| !s.contains(&format!("Edit {name}")));
    // `c` removes by the old id when dropped: the new one goes by name.
    let _ = engine.docker(&["rm", "-f", "-v", &name]);
}

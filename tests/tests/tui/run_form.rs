//! The run form in the real `wharf` against the test engine: `:run IMAGE`, fields filled with
//! keys, ctrl-s; the engine then holds a container with exactly those settings, and it is the
//! one selected on screen. And the security findings of a risky container (made with the
//! docker CLI) in the RISK column, its Findings tab and the engine view's summary.

use wharf_tests::{require_engine, run_id, unique_name, TestEngine, LABEL};

use crate::require_tmux;
use crate::term::Wharf;

/// Removes the container the form made (by name), also when the test fails; the harness's
/// sweep finds it by its `wharf.test` label otherwise.
struct Made<'e> {
    engine: &'e TestEngine,
    name: String,
}

impl Drop for Made<'_> {
    fn drop(&mut self) {
        // Never panic in drop; a container that was never made is fine.
        let _ = self.engine.docker(&["rm", "-f", &self.name]);
    }
}

/// Moves the focus down `n` lines and edits that line: Enter, `text`, Enter; waits until the
/// form shows the value with the editor closed (keys are taken in order, but the screen lags).
fn fill_after(w: &mut Wharf, n: usize, text: &str) {
    for _ in 0..n {
        w.keys(&["j"]);
    }
    w.keys(&["Enter"]);
    w.type_text(text);
    w.keys(&["Enter"]);
    w.wait(&format!("the form shows {text:?}"), |s| {
        s.contains(text) && !s.contains("esc undo")
    });
}

#[test]
fn run_form_creates_the_container_as_filled_and_selects_it() {
    require_tmux!();
    let engine = require_engine!();
    let image = engine.image();
    let made = Made {
        engine,
        name: unique_name("run-form"),
    };
    let name = made.name.clone();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();

    // `:run IMAGE` opens the form with the image filled, the focus on the name.
    w.keys(&[":"]);
    w.type_text(&format!("run {image}"));
    w.keys(&["Enter"]);
    w.wait("the run form", |s| {
        s.contains("Run a container") && s.contains(&image)
    });
    // Lines, from the name: name, command, entrypoint, workdir, ports (add), publish all,
    // networks (add), hostname, mounts (add), env (add), env file, labels (add).
    fill_after(&mut w, 0, &name);
    fill_after(&mut w, 1, "sleep 3600");
    // A port on loopback, the engine picking the host port (command → ports add: 3 down).
    fill_after(&mut w, 3, "127.0.0.1::80");
    // After an add the focus is on the add line again: ports add → env add is 5 down
    // (publish all, networks add, hostname, mounts add, env add).
    fill_after(&mut w, 5, "WHARF_E2E=from-the-form");
    // env add → labels add: env file, labels add.
    fill_after(&mut w, 2, &format!("{LABEL}={}", run_id()));
    let s = w.wait("the docker run line", |s| s.contains("$ docker run"));
    assert!(s.contains("-p 127.0.0.1::80"), "{s}");
    assert!(
        engine.docker(&["inspect", &name]).is_err(),
        "nothing is created before the form is run"
    );

    w.keys(&["C-s"]);
    w.wait("the form closes on the containers view", |s| {
        !s.contains("Run a container") && s.contains("NAME")
    });
    w.wait_engine("the engine has the container running", || {
        engine
            .docker(&["inspect", "-f", "{{.State.Status}}", &name])
            .is_ok_and(|s| s.trim() == "running")
    });
    let env = engine.docker_ok(&["inspect", "-f", "{{json .Config.Env}}", &name]);
    assert!(env.contains("WHARF_E2E=from-the-form"), "{env}");
    let cmd = engine.docker_ok(&["inspect", "-f", "{{json .Config.Cmd}}", &name]);
    assert_eq!(cmd.trim(), r#"["sleep","3600"]"#);
    let label = engine.docker_ok(&[
        "inspect",
        "-f",
        &format!("{{{{index .Config.Labels \"{LABEL}\"}}}}"),
        &name,
    ]);
    assert_eq!(label.trim(), run_id());
    let ports = engine.docker_ok(&["port", &name, "80/tcp"]);
    assert!(
        ports.lines().all(|l| l.starts_with("127.0.0.1:")) && !ports.trim().is_empty(),
        "published on loopback only: {ports}"
    );
    let image_of = engine.docker_ok(&["inspect", "-f", "{{.Config.Image}}", &name]);
    assert_eq!(image_of.trim(), image);

    // The new container is the selected row once the table shows it: Enter opens its
    // details.
    let prefix = &name[..name.len().min(30)];
    w.wait("the new container's row", |s| {
        s.lines()
            .any(|l| l.contains(prefix) && l.contains("running"))
    });
    w.keys(&["Enter"]);
    w.wait("the details of the new container", |s| {
        s.lines()
            .any(|l| l.contains(&format!(" {name} ")) && l.contains("Logs"))
    });
    drop(made);
}

#[test]
fn a_privileged_container_shows_its_findings_in_the_table_the_tab_and_the_engine_view() {
    require_tmux!();
    let engine = require_engine!();
    let c = engine
        .container("privileged")
        .arg("--privileged")
        .args(&["-p", "127.0.0.1::80"])
        .cmd(&["sleep", "3600"])
        // Created only: the rules read the configuration, and a privileged start needs
        // capabilities a nested test engine may not have.
        .created_only();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.filter_to(c.name());
    // Inspected in the background: the RISK cell fills in with the high findings' count.
    let prefix = &c.name()[..c.name().len().min(30)];
    w.wait("the row's RISK cell counts high findings", |s| {
        s.lines()
            .any(|l| l.contains(prefix) && l.split_whitespace().any(|t| t.starts_with('!')))
    });
    // The Findings tab comes before Files and Changes, the last two: shift-tab from Logs.
    w.keys(&["Enter"]);
    w.wait_for_text(" Logs ");
    w.keys(&["BTab", "BTab", "BTab"]);
    let s = w.wait("the Findings tab", |s| {
        s.contains("Runs privileged") && s.contains("CIS Docker Benchmark 5.4")
    });
    assert!(s.contains("HIGH"), "{s}");
    // Published on loopback only: no finding about all interfaces.
    assert!(!s.contains("Ports published on all interfaces"), "{s}");
    // Esc alone (a key right after it would read as alt-KEY), then the engine view.
    w.keys(&["Escape"]);
    w.wait("the details close", |s| !s.contains("Runs privileged"));
    w.keys(&[":"]);
    w.type_text("engine");
    w.keys(&["Enter"]);
    w.wait("the engine's security summary", |s| {
        s.contains("security") && s.contains("with high findings") && s.contains("runs privileged")
    });
}

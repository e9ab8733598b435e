//! Compose through `App::update`: `:compose down` on the selected project is confirmed first
//! naming its containers and networks and then runs in the panel with the project's working
//! dir and files; `up` starts at once; output and the end fill the panel (stale runs
//! dropped, escapes inert); Esc cancels a running one and closes a finished one; read-only,
//! no project and a missing file are refused with a message and no effect.

use crossterm::event::KeyCode;
use wharf_core::command::Command;
use wharf_core::compose::{ComposeAction, ComposeTarget};
use wharf_core::model::Container;
use wharf_core::rules::compose::{COMPOSE_CONFIG_FILES_LABEL, COMPOSE_WORKING_DIR_LABEL};

use crate::app::App;
use crate::msg::{ComposeUpdate, Effect, Msg};
use crate::prompt::Mode;
use crate::view::tests::fixtures::*;

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

/// The populated fixture whose project `shop` (web `a`, db `b`) was made in `dir`.
fn app_in(dir: &std::path::Path) -> App {
    let cs: Vec<Container> = containers()
        .into_iter()
        .map(|mut c| {
            if c.project() == Some("shop") {
                let d = dir.to_string_lossy().into_owned();
                c.labels.insert(COMPOSE_WORKING_DIR_LABEL.into(), d);
                c.labels
                    .insert(COMPOSE_CONFIG_FILES_LABEL.into(), "compose.yaml".into());
            }
            c
        })
        .collect();
    let mut app = app_with(
        crate::app::Settings::default(),
        with_containers(snapshot(), cs),
        120,
        30,
    );
    command_line(&mut app, "projects");
    app
}

fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

#[test]
fn down_is_confirmed_naming_containers_and_networks_then_runs_in_the_panel() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    assert!(command_line(&mut app, "compose down").is_empty());
    let Mode::Confirm(c) = &app.mode else {
        panic!("expected a confirmation, got {:?}", app.mode);
    };
    assert_eq!(c.title, "compose down shop?");
    let text = c.objects.join("\n");
    assert!(text.contains("web") && text.contains("db"), "{text}");
    assert!(text.contains("networks of project shop"), "{text}");
    let fx = app.update(key('y'));
    let want = ComposeTarget {
        project: Some("shop".into()),
        working_dir: dir.path().to_owned(),
        files: vec![dir.path().join("compose.yaml")],
    };
    let [Effect::Compose { gen, cmd }] = fx.as_slice() else {
        panic!("expected one compose effect, got {fx:?}");
    };
    assert_eq!(cmd, &Command::ComposeDown { target: want });
    let gen = *gen;
    // Output (escapes already inert from the core; the view cuts what is left) and the end.
    app.update(Msg::Compose {
        gen,
        update: ComposeUpdate::Line("Stopping shop_web_1 ... done".into()),
    });
    app.update(Msg::Compose {
        gen: gen + 7,
        update: ComposeUpdate::Line("stale".into()),
    });
    let screen = render(&app);
    assert!(screen.contains("compose down shop"), "{screen}");
    assert!(screen.contains("running…"), "{screen}");
    assert!(screen.contains("Stopping shop_web_1 ... done"), "{screen}");
    assert!(!screen.contains("stale"), "{screen}");
    app.update(Msg::Compose {
        gen,
        update: ComposeUpdate::Finished(Ok(())),
    });
    assert!(render(&app).contains("done"));
    // Esc closes a finished run: the projects view is back.
    assert!(app.update(code(KeyCode::Esc)).is_empty());
    assert!(app.compose.is_none());
}

#[test]
fn up_starts_at_once_and_esc_cancels_the_running_tool() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    let fx = command_line(&mut app, "compose up");
    let [Effect::Compose {
        cmd: Command::Compose { target, run },
        ..
    }] = fx.as_slice()
    else {
        panic!("expected one compose effect, got {fx:?}");
    };
    assert_eq!(*run, ComposeAction::Up);
    assert_eq!(target.project.as_deref(), Some("shop"));
    // The panel takes the keys; a second run while one is running is refused.
    assert!(app.compose_command(&["pull"]).is_empty());
    assert!(toast(&app).contains("running"), "{}", toast(&app));
    assert_eq!(app.update(code(KeyCode::Esc)), vec![Effect::CancelCompose]);
    let panel = app.compose.as_ref().unwrap();
    assert!(matches!(&panel.finished, Some(Err(e)) if e.contains("cancelled")));
}

#[test]
fn a_failed_run_shows_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    let fx = command_line(&mut app, "compose build");
    let [Effect::Compose { gen, .. }] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    app.update(Msg::Compose {
        gen: *gen,
        update: ComposeUpdate::Finished(Err(engine_err(
            "docker-compose build exited with status 1: no such service",
        ))),
    });
    let screen = render(&app);
    assert!(screen.contains("failed"), "{screen}");
    assert!(screen.contains("no such service"), "{screen}");
}

#[test]
fn up_of_a_named_file_runs_in_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stack.yml");
    std::fs::write(&file, "services: {}\n").unwrap();
    let mut app = app_in(dir.path());
    let fx = command_line(&mut app, &format!("compose up {}", file.display()));
    let [Effect::Compose {
        cmd: Command::Compose { target, run },
        ..
    }] = fx.as_slice()
    else {
        panic!("{fx:?}");
    };
    assert_eq!(*run, ComposeAction::Up);
    assert_eq!(target.project, None);
    let real = std::fs::canonicalize(&file).unwrap();
    assert_eq!(target.files, vec![real.clone()]);
    assert_eq!(target.working_dir, real.parent().unwrap());
    app.compose = None;
    // A file that is not there changes nothing.
    let fx = command_line(&mut app, "compose up /nonexistent/compose.yml");
    assert!(fx.is_empty());
    assert!(
        toast(&app).contains("/nonexistent/compose.yml"),
        "{}",
        toast(&app)
    );
}

#[test]
fn refusals_change_nothing() {
    let mut app = read_only_app();
    command_line(&mut app, "projects");
    assert!(command_line(&mut app, "compose up").is_empty());
    assert!(toast(&app).contains("read-only"), "{}", toast(&app));
    assert!(app.compose.is_none());
    // Not on a project.
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    command_line(&mut app, "containers");
    assert!(command_line(&mut app, "compose down").is_empty());
    assert!(toast(&app).contains("select a project"), "{}", toast(&app));
    assert!(matches!(app.mode, Mode::Normal));
    // No such action.
    assert!(command_line(&mut app, "compose restart").is_empty());
    assert!(
        toast(&app).contains("up, down, pull or build"),
        "{}",
        toast(&app)
    );
    // A project whose working dir is not on this machine.
    let mut app = app_in(std::path::Path::new("/nonexistent/shop"));
    assert!(command_line(&mut app, "compose up").is_empty());
    assert!(
        toast(&app).contains("not a directory on this machine"),
        "{}",
        toast(&app)
    );
}

#[test]
fn remove_on_a_project_names_and_removes_every_container_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    app.update(key('D'));
    let Mode::Confirm(c) = &app.mode else {
        panic!("expected a confirmation, got {:?}", app.mode);
    };
    let text = c.objects.join("\n");
    assert!(text.contains("web") && text.contains("db"), "{text}");
    let mut ids: Vec<_> = c
        .commands
        .iter()
        .map(|cmd| match cmd {
            Command::Remove { id, .. } => id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    ids.sort();
    assert_eq!(ids, vec![cid('a'), cid('b')]);
}

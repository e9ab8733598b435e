//! Snapshots of the run form: empty, with errors, with warnings, being edited, and its
//! warnings explained, at 80x24 and 120x40.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::command;
use super::tests::fixtures::*;
use crate::app::App;
use crate::msg::Msg;
use crate::run_form::{Line, FIELDS};

fn snap(name: &str, app: &App) {
    let text = render(app);
    assert!(
        !text.contains('\x1b') && !text.contains('\x07'),
        "{name}: raw control bytes"
    );
    insta::assert_snapshot!(name, text);
}

/// Focus field `label` (its add line for a list).
fn focus(app: &mut App, label: &str) {
    let def = FIELDS
        .iter()
        .position(|d| d.label == label)
        .unwrap_or_else(|| panic!("no field {label}"));
    let target = app
        .run_form
        .as_ref()
        .and_then(|f| {
            f.lines()
                .iter()
                .position(|l| *l == Line::Field { def, entry: None })
        })
        .unwrap_or_else(|| panic!("no line {label}"));
    app.update(key('g'));
    for _ in 0..target {
        app.update(key('j'));
    }
}

/// Focus field `label`, Enter, clear, type `text`, Enter.
fn fill(app: &mut App, label: &str, text: &str) {
    focus(app, label);
    app.update(code(KeyCode::Enter));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    type_text(app, text);
    app.update(code(KeyCode::Enter));
}

fn with_errors(w: u16, h: u16) -> App {
    let mut app = app(w, h);
    command(&mut app, "run busybox:1.36");
    fill(&mut app, "name", "web");
    fill(&mut app, "ports", "70000:80, 8080:80");
    fill(&mut app, "memory", "12q");
    fill(&mut app, "restart", "sometimes");
    // Back to the top, so the snapshot shows the first fields.
    app.update(key('g'));
    app
}

fn with_warnings(w: u16, h: u16) -> App {
    let mut app = app(w, h);
    command(&mut app, "run busybox:latest");
    fill(&mut app, "name", "risky");
    fill(&mut app, "ports", "8080:80");
    fill(
        &mut app,
        "mounts",
        "/var/run/docker.sock:/var/run/docker.sock",
    );
    fill(&mut app, "env", "DB_PASSWORD=hunter2");
    fill(&mut app, "env", "MODE=prod");
    focus(&mut app, "privileged");
    app.update(code(KeyCode::Enter));
    fill(&mut app, "command", "sh -c 'echo hi; sleep 3600'");
    app
}

#[test]
fn run_form_empty() {
    let mut app = app(80, 24);
    command(&mut app, "run");
    snap("run_form_empty_80x24", &app);
    let mut app = crate::view::tests::fixtures::app(120, 40);
    command(&mut app, "run busybox:1.36");
    snap("run_form_empty_120x40", &app);
}

#[test]
fn run_form_with_errors() {
    snap("run_form_errors_80x24", &with_errors(80, 24));
    snap("run_form_errors_120x40", &with_errors(120, 40));
}

#[test]
fn run_form_with_warnings() {
    let app = with_warnings(80, 24);
    let text = render(&app);
    assert!(!text.contains("hunter2"), "the secret is masked:\n{text}");
    snap("run_form_warnings_80x24", &app);
    snap("run_form_warnings_120x40", &with_warnings(120, 40));
}

#[test]
fn run_form_editing_and_explained() {
    let mut app = with_warnings(80, 24);
    app.update(key('g'));
    app.update(key('j'));
    app.update(code(KeyCode::Enter));
    type_text(&mut app, "-2");
    snap("run_form_editing_80x24", &app);
    app.update(code(KeyCode::Esc));
    app.update(key('?'));
    snap("run_form_explained_120x40", &{
        app.update(Msg::Resize(120, 40));
        app
    });
}

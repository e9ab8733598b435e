//! The run form through `App::update`: how it opens (and is refused in read-only mode), that
//! an invalid form shows its errors and yields no command, that a valid one yields exactly one
//! `Command::Run` with the form as typed, and what follows the outcome.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf_core::command::{Command, Outcome};
use wharf_core::model::ContainerState;
use wharf_core::spec::run::{Field, RunForm};

use crate::app::App;
use crate::kinds::View;
use crate::msg::{Effect, Msg};
use crate::prompt::Mode;
use crate::run_form::{Line, Overlay, FIELDS};
use crate::view::tests::fixtures::*;

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

fn form(app: &App) -> &crate::run_form::RunFormState {
    app.run_form.as_ref().expect("the run form is open")
}

/// Moves the focus (with `j`/`k`) to field `label`'s line (a list's add line).
fn focus(app: &mut App, label: &str) {
    let def = FIELDS
        .iter()
        .position(|d| d.label == label)
        .unwrap_or_else(|| panic!("no field {label}"));
    let target = form(app)
        .lines()
        .iter()
        .position(|l| *l == Line::Field { def, entry: None })
        .unwrap_or_else(|| panic!("no line for {label}"));
    app.update(key('g'));
    for _ in 0..target {
        app.update(key('j'));
    }
    assert_eq!(form(app).focus, target);
}

/// Focus `label`, Enter, replace its text with `text`, Enter.
fn fill(app: &mut App, label: &str, text: &str) {
    focus(app, label);
    app.update(code(KeyCode::Enter));
    assert!(form(app).editing.is_some(), "{label} is being edited");
    app.update(ctrl('u'));
    type_text(app, text);
    app.update(code(KeyCode::Enter));
    assert!(form(app).editing.is_none());
}

fn toast_text(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

fn runs(fx: &[Effect]) -> Vec<&Command> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Execute { cmd, .. } => Some(cmd),
            _ => None,
        })
        .collect()
}

#[test]
fn run_opens_the_form_with_the_image_and_completes_local_images() {
    let mut app = app(120, 40);
    command_line(&mut app, "run busybox:1.36");
    assert_eq!(form(&app).form.image, "busybox:1.36");
    assert!(matches!(app.mode, Mode::Normal));
    // The command line completes local image names after `run`.
    app.run_form = None;
    app.update(key(':'));
    type_text(&mut app, "run busybox:1");
    app.update(code(KeyCode::Tab));
    match &app.mode {
        Mode::Input(_, input) => assert_eq!(input.text, "run busybox:1.36 "),
        other => panic!("the prompt stays open: {other:?}"),
    }
    app.update(code(KeyCode::Esc));
    command_line(&mut app, "run");
    assert_eq!(form(&app).form, RunForm::default());
}

#[test]
fn the_run_key_on_an_image_opens_its_form_and_still_restarts_containers() {
    let mut app = app(120, 40);
    command_line(&mut app, "images");
    let i = app
        .rows
        .iter()
        .position(|r| r.name.starts_with("redis"))
        .expect("redis row");
    app.update(key('g'));
    for _ in 0..i {
        app.update(key('j'));
    }
    app.update(key('r'));
    assert_eq!(form(&app).form.image, "redis:7");

    // On containers, `r` is still restart (asked first).
    let mut app = crate::view::tests::fixtures::app(120, 40);
    app.update(key('r'));
    assert!(app.run_form.is_none());
    assert!(matches!(app.mode, Mode::Confirm(_)), "{:?}", app.mode);
}

#[test]
fn read_only_refuses_to_open_the_form() {
    let mut app = read_only_app();
    let fx = command_line(&mut app, "run busybox");
    assert!(fx.is_empty());
    assert!(app.run_form.is_none());
    assert!(
        toast_text(&app).contains("read-only"),
        "{}",
        toast_text(&app)
    );
    command_line(&mut app, "images");
    app.toast = None;
    app.update(key('r'));
    assert!(app.run_form.is_none());
    assert!(
        toast_text(&app).contains("read-only"),
        "{}",
        toast_text(&app)
    );
}

#[test]
fn an_invalid_port_shows_its_error_and_submit_yields_no_command_until_fixed() {
    let mut app = app(120, 40);
    command_line(&mut app, "run busybox:1.36");
    fill(&mut app, "name", "web");
    fill(&mut app, "ports", "70000:80");
    let errors = form(&app).errors().to_vec();
    assert!(
        errors
            .iter()
            .any(|e| e.field == Field::Ports && e.entry == Some(0)),
        "{errors:?}"
    );
    // On screen, under the port.
    let screen = render(&app);
    let message = &errors[0].message;
    assert!(screen.contains(message.as_str()), "{message}\n{screen}");
    assert!(screen.contains("70000:80"), "{screen}");

    // ctrl-s, and Enter on [Run], are refused: no command, a toast naming the problem.
    let fx = app.update(ctrl('s'));
    assert!(runs(&fx).is_empty(), "{fx:?}");
    assert!(app.pending.is_empty());
    assert!(
        toast_text(&app).contains(message.as_str()),
        "{}",
        toast_text(&app)
    );
    app.update(key('G'));
    assert_eq!(form(&app).focused(), Line::Submit);
    let fx = app.update(code(KeyCode::Enter));
    assert!(runs(&fx).is_empty(), "{fx:?}");

    // Fixed: exactly one Command::Run with the form as typed.
    let def = FIELDS.iter().position(|d| d.label == "ports").unwrap_or(0);
    let entry = form(&app)
        .lines()
        .iter()
        .position(|l| {
            *l == Line::Field {
                def,
                entry: Some(0),
            }
        })
        .expect("the port's line");
    app.update(key('g'));
    for _ in 0..entry {
        app.update(key('j'));
    }
    app.update(code(KeyCode::Enter));
    app.update(ctrl('u'));
    type_text(&mut app, "127.0.0.1:8080:80");
    app.update(code(KeyCode::Enter));
    assert!(form(&app).errors().is_empty(), "{:?}", form(&app).errors());
    let fx = app.update(ctrl('s'));
    let expected = RunForm {
        image: "busybox:1.36".into(),
        name: "web".into(),
        ports: vec!["127.0.0.1:8080:80".into()],
        ..RunForm::default()
    };
    assert_eq!(
        runs(&fx),
        vec![&Command::Run {
            form: Box::new(expected),
            start: true
        }]
    );
    assert_eq!(app.pending.len(), 1);
    // A second submit while it runs does nothing.
    let fx = app.update(ctrl('s'));
    assert!(runs(&fx).is_empty(), "{fx:?}");
}

#[test]
fn a_created_container_is_selected_and_its_logs_open_when_asked() {
    let mut app = app(120, 40);
    command_line(&mut app, "run busybox:1.36");
    fill(&mut app, "name", "fresh");
    focus(&mut app, "follow logs");
    app.update(key(' '));
    assert!(form(&app).follow_logs);
    command_line_is_not_reached(&mut app);
    let fx = app.update(ctrl('s'));
    let req = match fx.as_slice() {
        [Effect::Execute { req, .. }] => *req,
        other => panic!("one Execute: {other:?}"),
    };
    let id = cid('9');
    let fx = app.update(Msg::Outcome {
        req,
        result: Ok(Outcome::ContainerCreated {
            id: id.clone(),
            name: "fresh".into(),
            started: true,
        }),
    });
    assert!(app.run_form.is_none(), "the form closes");
    assert_eq!(app.view, View::Containers);
    // The snapshot has not got it yet: nothing opens until it has.
    assert!(!fx.iter().any(|e| matches!(e, Effect::OpenLogs { .. })));
    let mut cs = containers();
    cs.push(container(
        '9',
        "fresh",
        "busybox:1.36",
        ContainerState::Running,
    ));
    let fx = app.update(Msg::Snapshot(Arc::new(with_containers(snapshot(), cs))));
    assert_eq!(app.selected_row().map(|r| r.name.as_str()), Some("fresh"));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::OpenLogs { id: i, .. } if *i == id)),
        "{fx:?}"
    );
    assert_eq!(app.details.as_ref().map(|d| d.id.clone()), Some(id));
}

/// Keys typed in the form never reach the table or the command line.
fn command_line_is_not_reached(app: &mut App) {
    app.update(key(':'));
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
}

#[test]
fn a_failed_run_keeps_the_form_as_typed() {
    let mut app = app(120, 40);
    command_line(&mut app, "run busybox:9");
    let fx = app.update(ctrl('s'));
    let req = match fx.as_slice() {
        [Effect::Execute { req, .. }] => *req,
        other => panic!("one Execute: {other:?}"),
    };
    app.update(Msg::Outcome {
        req,
        result: Err(wharf_core::error::CoreError::new(
            wharf_core::error::ErrorKind::NotFound,
            "image busybox:9 is not on the engine; pull it first",
        )),
    });
    assert_eq!(form(&app).form.image, "busybox:9");
    assert!(form(&app).request.is_none());
    assert!(
        toast_text(&app).contains("pull it first"),
        "{}",
        toast_text(&app)
    );
    // And it can be run again.
    let fx = app.update(ctrl('s'));
    assert_eq!(runs(&fx).len(), 1);
}

#[test]
fn esc_closes_an_untouched_form_and_asks_before_discarding_a_changed_one() {
    let mut app = app(120, 40);
    command_line(&mut app, "run busybox");
    app.update(code(KeyCode::Esc));
    assert!(app.run_form.is_none());

    // The terminal's own choices count as changes too.
    command_line(&mut app, "run busybox");
    focus(&mut app, "follow logs");
    app.update(key(' '));
    app.update(code(KeyCode::Esc));
    assert_eq!(form(&app).overlay, Some(Overlay::Discard));
    app.update(key('y'));
    assert!(app.run_form.is_none());

    command_line(&mut app, "run busybox");
    fill(&mut app, "env", "A=1");
    app.update(code(KeyCode::Esc));
    assert_eq!(form(&app).overlay, Some(Overlay::Discard));
    assert!(render(&app).contains("Discard this run form?"));
    app.update(key('n'));
    assert_eq!(form(&app).overlay, None);
    assert_eq!(form(&app).form.env, vec!["A=1"]);
    // `q` does not leave Wharf from a changed form either.
    app.update(key('q'));
    assert!(!app.quit);
    assert_eq!(form(&app).overlay, Some(Overlay::Discard));
    app.update(key('y'));
    assert!(app.run_form.is_none());
}

#[test]
fn esc_while_editing_puts_the_field_back() {
    let mut app = app(120, 40);
    command_line(&mut app, "run busybox");
    fill(&mut app, "memory", "512m");
    focus(&mut app, "memory");
    app.update(code(KeyCode::Enter));
    type_text(&mut app, "zz");
    assert_eq!(form(&app).form.memory, "512mzz");
    assert!(form(&app).errors().iter().any(|e| e.field == Field::Memory));
    app.update(code(KeyCode::Esc));
    assert_eq!(form(&app).form.memory, "512m");
    assert!(form(&app).errors().is_empty());
    assert!(
        app.run_form.is_some(),
        "esc in the editor does not close the form"
    );
}

#[test]
fn warnings_show_and_are_explained_and_the_command_line_copies() {
    let mut app = app(120, 40);
    command_line(&mut app, "run busybox:latest");
    focus(&mut app, "privileged");
    app.update(code(KeyCode::Enter));
    assert!(form(&app).form.privileged);
    let findings = form(&app).findings().to_vec();
    assert!(
        findings
            .iter()
            .any(|f| f.severity == wharf_core::rules::findings::Severity::High),
        "{findings:?}"
    );
    let screen = render(&app);
    assert!(screen.contains(&findings[0].title), "{screen}");
    assert!(screen.contains("$ docker run"), "{screen}");

    app.update(key('?'));
    assert_eq!(form(&app).overlay, Some(Overlay::Explain(0)));
    let screen = render(&app);
    assert!(screen.contains(&findings[0].reference), "{screen}");
    app.update(code(KeyCode::Esc));
    assert_eq!(form(&app).overlay, None);
    assert!(app.run_form.is_some());

    let fx = app.update(key('y'));
    let line = form(&app)
        .preview
        .docker_run
        .clone()
        .expect("a command line");
    assert!(line.contains("--privileged"), "{line}");
    assert_eq!(fx, vec![Effect::Copy(line)]);
}

#[test]
fn the_risk_column_counts_findings_and_is_empty_until_inspected() {
    let mut app = app(160, 40);
    let risk = |app: &App, name: &str| {
        app.rows
            .iter()
            .find(|r| r.name == name)
            .map(|r| (r.cells[4].text.clone(), r.cells[4].tone))
            .expect("a row")
    };
    use crate::kinds::Tone;
    // sick: privileged, the engine's socket, host network (all high).
    let (text, tone) = risk(&app, "sick");
    assert!(text.starts_with('!'), "{text}");
    assert_eq!(tone, Tone::Error);
    // web: medium ones only (root, all interfaces, no memory limit).
    let (text, tone) = risk(&app, "shop-web-1");
    assert!(text.starts_with('!'), "{text}");
    assert_eq!(tone, Tone::Paused);
    // cache is not inspected: nothing yet.
    assert_eq!(risk(&app, "cache").0, "");
    // Sorted by risk, worst first; the uninspected last.
    command_line(&mut app, "sort risk");
    app.update(key('I'));
    let names: Vec<&str> = app.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        &names[..3],
        &["sick", "shop-web-1", "shop-db-1"],
        "{names:?}"
    );
}

#[test]
fn the_findings_tab_lists_each_finding_or_says_it_waits_for_inspect() {
    let mut app = app(140, 40);
    let open = |app: &mut App, name: &str| {
        let i = app.rows.iter().position(|r| r.name == name).expect("row");
        app.update(key('g'));
        for _ in 0..i {
            app.update(key('j'));
        }
        app.update(code(KeyCode::Enter));
        if let Some(d) = app.details.as_mut() {
            d.tab = crate::details::Tab::Findings;
        }
    };
    open(&mut app, "sick");
    let screen = render(&app);
    let found = wharf_core::rules::findings::of_container(&app.snapshot.containers[&cid('f')])
        .expect("sick is inspected");
    // The high ones come first (the list is sorted by severity).
    for f in found
        .iter()
        .filter(|f| f.severity == wharf_core::rules::findings::Severity::High)
    {
        assert!(screen.contains(&f.title), "{}:\n{screen}", f.title);
        assert!(screen.contains(&f.reference), "{}:\n{screen}", f.reference);
    }
    assert!(screen.contains("HIGH"), "{screen}");
    open(&mut app, "cache");
    assert!(render(&app).contains("not inspected yet"));
}

//! Edit and recreate through `App::update`: `E` on a container asks for its configuration,
//! the form opens prefilled under "Edit NAME", an unchanged form applies nothing, a changed
//! one asks first with every change listed (secrets masked) and then sends exactly one
//! `Command::Recreate`, and the outcome closes the form.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf_core::command::{Command, Outcome};
use wharf_core::model::ContainerId;
use wharf_core::spec::run::RunForm;

use crate::app::App;
use crate::msg::{Effect, Msg};
use crate::prompt::Mode;
use crate::view::tests::fixtures::*;

fn selected_id(app: &App) -> ContainerId {
    match &app.selected_row().expect("a row").key {
        crate::kinds::RowKey::Container(id) => id.clone(),
        other => panic!("{other:?}"),
    }
}

fn prefill(name: &str) -> RunForm {
    RunForm {
        image: "busybox:1.36".into(),
        name: name.into(),
        command: "sleep 300".into(),
        env: vec!["A=1".into(), "DB_PASSWORD=old".into()],
        ..Default::default()
    }
}

/// `E` on the selected container, then the prefill arrives.
fn open_edit(app: &mut App) -> ContainerId {
    let id = selected_id(app);
    let fx = app.update(key('E'));
    assert_eq!(fx, vec![Effect::LoadRunForm(id.clone())]);
    assert!(
        app.run_form.is_none(),
        "the form waits for the configuration"
    );
    app.update(Msg::RunForm {
        id: id.clone(),
        result: Ok(Box::new(prefill("web"))),
    });
    id
}

fn submit(app: &mut App) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )))
}

#[test]
fn edit_opens_the_prefilled_form_titled_with_the_name() {
    let mut app = app(120, 40);
    open_edit(&mut app);
    let f = app.run_form.as_ref().expect("form");
    assert_eq!(f.form, prefill("web"));
    assert!(!f.changed(), "a prefilled form is not a change");
    let screen = render(&app);
    assert!(screen.contains("Edit web"), "{screen}");
    app.update(key('G'));
    let screen = render(&app);
    assert!(screen.contains("[ Recreate ]"), "{screen}");
    assert!(
        !screen.contains("follow logs"),
        "no start/follow choice:\n{screen}"
    );
}

#[test]
fn an_unchanged_edit_applies_nothing() {
    let mut app = app(120, 40);
    open_edit(&mut app);
    let fx = submit(&mut app);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(app.mode, Mode::Normal));
    let toast = app
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default();
    assert!(toast.contains("nothing changed"), "{toast}");
}

#[test]
fn a_changed_edit_is_confirmed_with_its_diff_then_recreates_once() {
    let mut app = app(120, 40);
    let id = open_edit(&mut app);
    if let Some(f) = &mut app.run_form {
        f.form.env = vec!["A=2".into(), "DB_PASSWORD=new".into()];
        f.update_preview();
    }
    assert!(submit(&mut app).is_empty(), "asks first");
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(c.title, format!("Recreate web ({})?", id.short()));
    assert_eq!(
        c.objects,
        [
            "environment A: 1 → 2",
            "environment DB_PASSWORD: •••••••• → ••••••••"
        ]
    );
    let screen = render(&app);
    assert!(screen.contains("environment A: 1 → 2"), "{screen}");
    assert!(!screen.contains("→ new"), "a secret shows:\n{screen}");
    let fx = app.update(key('y'));
    let (req, cmd) = match fx.as_slice() {
        [Effect::Execute { req, cmd }] => (*req, cmd.clone()),
        other => panic!("{other:?}"),
    };
    let Command::Recreate { id: got, form } = cmd else {
        panic!("{cmd:?}")
    };
    assert_eq!(got, id);
    assert_eq!(form.env, ["A=2", "DB_PASSWORD=new"]);
    // The outcome closes the form; a failure would keep it as typed.
    app.update(Msg::Outcome {
        req,
        result: Ok(Outcome::Recreated {
            old: id.clone(),
            new: ContainerId::from("f00f00f00f00"),
            name: "web".into(),
        }),
    });
    assert!(app.run_form.is_none());
}

#[test]
fn a_failed_recreate_keeps_the_form_as_typed() {
    let mut app = app(120, 40);
    open_edit(&mut app);
    if let Some(f) = &mut app.run_form {
        f.form.memory = "64m".into();
        f.update_preview();
    }
    submit(&mut app);
    let fx = app.update(key('y'));
    let [Effect::Execute { req, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    app.update(Msg::Outcome {
        req: *req,
        result: Err(wharf_core::CoreError::invalid_input(
            "recreate web: could not start the new container: boom. Nothing was changed",
        )),
    });
    let f = app.run_form.as_ref().expect("the form stays");
    assert_eq!(f.form.memory, "64m");
    assert!(f.request.is_none());
}

#[test]
fn edit_is_refused_in_read_only_mode() {
    let mut app = read_only_app();
    let fx = app.update(key('E'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(app.run_form.is_none());
}

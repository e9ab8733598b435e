//! `:ctx` through `App::update`: the picker lists every context (the one in use marked, a
//! broken file as its row's error), Tab completes names, and a switch is asked of the loop,
//! shown as "connecting…", and on the loop's answer either keeps everything (failure) or
//! clears what named the old engine's objects (success).

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use wharf_core::engine::connect::ContextSummary;
use wharf_core::error::{CoreError, ErrorKind};

use crate::app::App;
use crate::msg::{Effect, Msg, Switched};
use crate::prompt::{Mode, PromptKind};
use crate::view::tests::fixtures::*;

fn row(name: &str, host: &str, current: bool) -> ContextSummary {
    ContextSummary {
        name: name.into(),
        description: Some(format!("the {name} engine")),
        host: host.into(),
        current,
        error: None,
    }
}

fn listed() -> Vec<ContextSummary> {
    let mut broken = row("5e1f00", "", false);
    broken.description = None;
    broken.error = Some("malformed context file /cfg/contexts/meta/5e1f00/meta.json".into());
    vec![
        row("default", "unix:///var/run/docker.sock", true),
        row("other", "unix:///tmp/other.sock", false),
        row("prod", "tcp://10.0.0.5:2376", false),
        broken,
    ]
}

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// An app on the fixtures, with context `current` in use and the contexts listed.
fn on_context(current: Option<&str>) -> App {
    let mut app = app(120, 40);
    app.contexts.current = current.map(str::to_owned);
    app.update(Msg::Contexts(Ok(listed())));
    app
}

#[test]
fn the_picker_lists_every_context_and_marks_the_one_in_use() {
    let mut app = on_context(Some("other"));
    let fx = command_line(&mut app, "ctx");
    assert_eq!(fx, vec![Effect::ListContexts]);
    assert!(render(&app).contains("listing contexts…"));
    app.update(Msg::Contexts(Ok(listed())));
    let p = app.contexts.picker.as_ref().expect("the picker is open");
    // It starts on the context in use.
    assert_eq!(p.selected, 1);
    let screen = render(&app);
    for text in [
        "docker contexts",
        "default",
        "unix:///var/run/docker.sock",
        "* other",
        "unix:///tmp/other.sock",
        "the prod engine",
        "malformed context file",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    // Listing failed: the picker says why instead of closing or crashing.
    app.update(Msg::Contexts(Err(CoreError::config(
        "cannot list contexts in /cfg: permission denied",
    ))));
    assert!(render(&app).contains("permission denied"));
    // A click goes to the picker's owner, not to the table under it.
    let before = app.table().selected;
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 5,
        row: 5,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.table().selected, before);
    app.update(code(KeyCode::Esc));
    assert!(app.contexts.picker.is_none());
}

#[test]
fn enter_in_the_picker_switches_and_a_broken_row_is_refused() {
    let mut app = on_context(None);
    command_line(&mut app, "ctx");
    app.update(Msg::Contexts(Ok(listed())));
    // No context in use but the endpoint is not default's either: the first row.
    assert_eq!(app.contexts.picker.as_ref().map(|p| p.selected), Some(0));
    for _ in 0..3 {
        app.update(key('j'));
    }
    let fx = app.update(code(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        toast(&app).contains("cannot use this context"),
        "{}",
        toast(&app)
    );
    app.update(key('k'));
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::SwitchContext("prod".into())]);
    assert!(app.contexts.picker.is_none());
    assert_eq!(app.contexts.switching.as_deref(), Some("prod"));
}

#[test]
fn tab_completes_context_names() {
    let mut app = on_context(None);
    let fx = app.update(key(':'));
    // Opening the command line lists the contexts afresh for completion.
    assert_eq!(fx, vec![Effect::ListContexts]);
    type_text(&mut app, "ctx ot");
    app.update(code(KeyCode::Tab));
    match &app.mode {
        Mode::Input(PromptKind::Command, i) => assert_eq!(i.text, "ctx other "),
        other => panic!("expected the command line, got {other:?}"),
    }
    // A broken row is not offered.
    app.update(code(KeyCode::Esc));
    app.update(key(':'));
    type_text(&mut app, "ctx 5e");
    app.update(code(KeyCode::Tab));
    match &app.mode {
        Mode::Input(PromptKind::Command, i) => assert_eq!(i.text, "ctx 5e"),
        other => panic!("expected the command line, got {other:?}"),
    }
}

#[test]
fn a_failed_switch_keeps_the_current_engine_and_its_state() {
    let mut app = on_context(Some("default"));
    app.update(key(' '));
    let marks = app.table().marks.clone();
    assert_eq!(marks.len(), 1);
    let fx = command_line(&mut app, "ctx broken");
    assert_eq!(fx, vec![Effect::SwitchContext("broken".into())]);
    assert!(render(&app).contains("connecting to broken…"));
    // A second switch waits for the first.
    assert!(command_line(&mut app, "ctx prod").is_empty());
    assert!(toast(&app).contains("already connecting to broken"));
    let fx = app.update(Msg::Switched {
        name: "broken".into(),
        result: Err(CoreError::new(
            ErrorKind::Unavailable,
            "cannot connect to unix:///nowhere.sock: no such file",
        )),
    });
    assert!(fx.is_empty(), "{fx:?}");
    let t = toast(&app);
    assert!(
        t.contains("cannot switch to broken") && t.contains("no such file"),
        "{t}"
    );
    assert!(t.contains("still on default"), "{t}");
    assert!(app.contexts.switching.is_none());
    assert_eq!(app.contexts.current.as_deref(), Some("default"));
    assert_eq!(app.table().marks, marks);
    assert!(!render(&app).contains("connecting to"));
}

#[test]
fn a_switch_clears_what_named_the_old_engines_objects() {
    let mut app = on_context(None);
    app.update(key(' '));
    app.update(key('/'));
    type_text(&mut app, "web");
    app.update(code(KeyCode::Enter));
    app.update(code(KeyCode::Enter));
    assert!(app.details.is_some(), "details open");
    // A confirmation about an old container is pending when the switch lands.
    app.update(key('D'));
    assert!(matches!(app.mode, Mode::Confirm(_)));
    command_line(&mut app, "ctx other");
    // The confirmation went when the command line opened; open it again.
    app.update(key('D'));
    let fx = app.update(Msg::Switched {
        name: "other".into(),
        result: Ok(Switched {
            endpoint: "unix:///tmp/other.sock".into(),
            context: Some("other".into()),
            tls_unverified: false,
        }),
    });
    assert_eq!(fx, vec![Effect::CloseLogs]);
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    assert!(app.details.is_none());
    assert!(app
        .tables
        .values()
        .all(|t| t.marks.is_empty() && t.filter.is_none()));
    assert_eq!(app.contexts.current.as_deref(), Some("other"));
    assert!(toast(&app).contains("switched to other (unix:///tmp/other.sock)"));
    // The loop sends the new engine's snapshot next: its lists and endpoint show.
    let mut s = empty_synced();
    // The store names the context in its endpoint (`ctx NAME: ADDRESS`).
    s.endpoint = "ctx other: unix:///tmp/other.sock".into();
    app.update(Msg::Snapshot(Arc::new(s)));
    let screen = render(&app);
    let header = screen.lines().next().unwrap_or_default();
    assert!(
        header.contains("ctx other: unix:///tmp/other.sock"),
        "{screen}"
    );
    assert!(!screen.contains("shop-web-1"), "{screen}");
    // Back to the first one through the picker: `default` is a context like the others.
    assert_eq!(
        command_line(&mut app, "ctx default"),
        vec![Effect::SwitchContext("default".into())]
    );
    assert!(command_line(&mut app, "ctx a b").is_empty());
}

#[test]
fn host_switches_to_an_address() {
    let mut app = on_context(Some("other"));
    let fx = command_line(&mut app, "host tcp://127.0.0.1:2375");
    assert_eq!(fx, vec![Effect::SwitchHost("tcp://127.0.0.1:2375".into())]);
    assert!(render(&app).contains("connecting to tcp://127.0.0.1:2375…"));
    assert!(command_line(&mut app, "ctx prod").is_empty());
    let fx = app.update(Msg::Switched {
        name: "tcp://127.0.0.1:2375".into(),
        result: Ok(Switched {
            endpoint: "tcp://127.0.0.1:2375".into(),
            context: None,
            tls_unverified: false,
        }),
    });
    assert_eq!(fx, vec![Effect::CloseLogs]);
    // No context now: `:ctx other` goes back.
    assert_eq!(app.contexts.current, None);
    assert!(toast(&app).contains("switched to tcp://127.0.0.1:2375"));
    assert_eq!(
        command_line(&mut app, "ctx other"),
        vec![Effect::SwitchContext("other".into())]
    );
    assert!(command_line(&mut app, "host").is_empty());
}

//! The build panel and search through `App::update`: opening (refused in read-only mode), an
//! invalid form yields no build, a valid one exactly one `Effect::Build` with the plan as
//! typed, events fill the output (stale ones dropped), Esc cancels, and the new image is
//! selected in the images view at the end; `:search` asks once and Enter offers `:pull NAME`.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf_core::engine::{BuildEvent, SearchResult};
use wharf_core::spec::build::BuildField;

use crate::app::App;
use crate::build_form::{Line, Stage, LINES};
use crate::kinds::{RowKey, View};
use crate::msg::{Effect, Msg};
use crate::prompt::{Mode, PromptKind};
use crate::view::tests::fixtures::*;

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

fn context() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("Dockerfile"), "FROM busybox\n").unwrap();
    d
}

/// Focus `line`, Enter, replace the text with `text`, Enter.
fn fill(app: &mut App, line: Line, text: &str) {
    let target = LINES.iter().position(|l| *l == line).unwrap();
    app.update(key('g'));
    for _ in 0..target {
        app.update(key('j'));
    }
    app.update(code(KeyCode::Enter));
    assert!(app.build.as_ref().unwrap().editing.is_some());
    app.update(ctrl('u'));
    type_text(app, text);
    app.update(code(KeyCode::Enter));
}

fn started(fx: &[Effect]) -> Option<(u64, &wharf_core::spec::build::BuildPlan)> {
    fx.iter().find_map(|e| match e {
        Effect::Build { gen, plan } => Some((*gen, plan)),
        _ => None,
    })
}

#[test]
fn build_opens_with_its_context_and_is_refused_read_only() {
    let mut app = app(120, 40);
    command_line(&mut app, "build /some/dir");
    let b = app.build.as_ref().expect("the build panel is open");
    assert_eq!(b.form.context, "/some/dir");
    // The core's verdict is on screen at once: the directory does not exist.
    assert!(render(&app).contains("context '/some/dir' cannot be read"));
    app.update(code(KeyCode::Esc));
    assert!(app.build.is_none());

    let mut ro = read_only_app();
    command_line(&mut ro, "build .");
    assert!(ro.build.is_none());
    assert!(ro.toast.as_ref().is_some_and(|t| t.error));
}

#[test]
fn esc_closes_an_untouched_form_and_asks_before_discarding_a_changed_one() {
    let mut app = app(120, 40);
    let d = context();
    command_line(&mut app, &format!("build {}", d.path().display()));
    fill(&mut app, Line::List(BuildField::Tags), "shop/web:2");
    app.update(code(KeyCode::Esc));
    let b = app
        .build
        .as_ref()
        .expect("a changed form is not closed by Esc");
    assert!(b.discard);
    assert!(render(&app).contains("Discard this build form?"));
    // Any other key keeps the form as typed.
    app.update(key('n'));
    let b = app.build.as_ref().expect("kept");
    assert!(!b.discard);
    assert_eq!(b.form.tags, vec!["shop/web:2".to_owned()]);
    // Asked again, y discards it.
    app.update(code(KeyCode::Esc));
    app.update(key('y'));
    assert!(app.build.is_none());
    assert!(app
        .toast
        .as_ref()
        .is_some_and(|t| t.text.contains("discarded")));
}

#[test]
fn an_invalid_form_builds_nothing() {
    let mut app = app(120, 40);
    let d = context();
    command_line(&mut app, &format!("build {}", d.path().display()));
    fill(&mut app, Line::List(BuildField::Tags), "Bad:Tag:x");
    let fx = app.update(ctrl('s'));
    assert!(started(&fx).is_none(), "{fx:?}");
    assert_eq!(app.build.as_ref().unwrap().stage, Stage::Form);
    assert!(app
        .toast
        .as_ref()
        .is_some_and(|t| t.error && t.text.contains("fix the form")));
}

#[test]
fn a_valid_form_is_one_build_and_its_image_is_selected_at_the_end() {
    let mut app = app(120, 40);
    let d = context();
    command_line(&mut app, &format!("build {}", d.path().display()));
    fill(&mut app, Line::List(BuildField::Tags), "app:1 app:latest");
    fill(&mut app, Line::List(BuildField::Args), "A=1 'B=two words'");
    fill(&mut app, Line::Text(BuildField::Target), "final");
    let fx = app.update(ctrl('s'));
    let (gen, plan) = started(&fx).expect("one build");
    assert_eq!(fx.len(), 1);
    assert_eq!(plan.tags, ["app:1", "app:latest"]);
    assert_eq!(plan.args["B"], "two words");
    assert_eq!(plan.target.as_deref(), Some("final"));
    // While it runs, another ctrl-s starts nothing.
    assert!(started(&app.update(ctrl('s'))).is_none());

    for event in [
        BuildEvent::Context {
            bytes: 2048,
            entries: 2,
        },
        BuildEvent::Step {
            text: "Step 1/2 : FROM busybox".into(),
        },
        BuildEvent::Output {
            text: " ---> 0123456789ab".into(),
        },
    ] {
        app.update(Msg::Build {
            gen,
            event: Ok(event),
        });
    }
    // A stale build's event is dropped.
    app.update(Msg::Build {
        gen: gen + 7,
        event: Ok(BuildEvent::Output {
            text: "from another build".into(),
        }),
    });
    let built = image_id('3');
    app.update(Msg::Build {
        gen,
        event: Ok(BuildEvent::Done {
            id: built.to_string(),
            tags: vec!["app:1".into()],
        }),
    });
    let screen = render(&app);
    insta::assert_snapshot!("build_finished", screen);
    assert!(!screen.contains("from another build"));

    app.update(code(KeyCode::Enter));
    assert!(app.build.is_none());
    assert_eq!(app.view, View::Images);
    assert_eq!(
        app.selected_row().map(|r| r.key.clone()),
        Some(RowKey::Image(built))
    );
}

#[test]
fn an_image_not_yet_listed_is_selected_when_the_snapshot_has_it() {
    let mut app = app(120, 40);
    let d = context();
    command_line(&mut app, &format!("build {}", d.path().display()));
    let (gen, _) = started(&app.update(ctrl('s')))
        .map(|(g, p)| (g, p.clone()))
        .unwrap();
    let new_id = image_id('9');
    app.update(Msg::Build {
        gen,
        event: Ok(BuildEvent::Done {
            id: new_id.to_string(),
            tags: Vec::new(),
        }),
    });
    app.update(code(KeyCode::Enter));
    assert_eq!(app.view, View::Images);
    assert!(app.built.is_some());
    let mut snap = (*app.snapshot).clone();
    let mut images = (*snap.images).clone();
    let mut img = (**images.values().next().unwrap()).clone();
    img.id = new_id.clone();
    images.insert(new_id.clone(), Arc::new(img));
    snap.images = Arc::new(images);
    app.update(Msg::Snapshot(Arc::new(snap)));
    assert!(app.built.is_none());
    assert_eq!(
        app.selected_row().map(|r| r.key.clone()),
        Some(RowKey::Image(new_id))
    );
}

#[test]
fn esc_cancels_a_running_build_and_errors_stay_on_screen() {
    let mut app = app(120, 40);
    let d = context();
    command_line(&mut app, &format!("build {}", d.path().display()));
    let gen = started(&app.update(ctrl('s'))).unwrap().0;
    let fx = app.update(code(KeyCode::Esc));
    assert_eq!(fx, vec![Effect::CancelBuild]);
    assert!(matches!(
        app.build.as_ref().unwrap().stage,
        Stage::Finished(Err(_))
    ));
    // The cancelled build's last word is dropped.
    app.update(Msg::Build {
        gen,
        event: Err(engine_err("build cancelled")),
    });
    assert!(render(&app).contains("Build failed"));
    // Enter goes back to the form as typed.
    app.update(code(KeyCode::Enter));
    let b = app.build.as_ref().unwrap();
    assert_eq!(b.stage, Stage::Form);
    assert_eq!(b.form.context, d.path().display().to_string());

    let gen = started(&app.update(ctrl('s'))).unwrap().0;
    app.update(Msg::Build {
        gen,
        event: Err(engine_err(
            "build failed: The command '/bin/sh -c exit 3' returned a non-zero code: 3",
        )),
    });
    assert!(render(&app).contains("returned a non-zero code: 3"));
}

#[test]
fn search_lists_results_and_offers_a_pull() {
    let mut app = app(120, 40);
    let fx = command_line(&mut app, "search 127.0.0.1:5000/web");
    assert!(matches!(&fx[..], [Effect::Search(q)] if q.term == "127.0.0.1:5000/web"));
    app.update(Msg::SearchResults {
        term: "127.0.0.1:5000/web".into(),
        result: Ok(vec![
            SearchResult {
                name: "web".into(),
                description: "a web server\u{1b}[2J".into(),
                stars: 12,
                official: true,
                automated: false,
            },
            SearchResult {
                name: "webapp".into(),
                description: String::new(),
                stars: 0,
                official: false,
                automated: true,
            },
        ]),
    });
    let screen = render(&app);
    assert!(
        screen.contains("★12") && screen.contains("webapp"),
        "{screen}"
    );
    app.update(key('j'));
    app.update(code(KeyCode::Enter));
    assert!(app.search.is_none());
    match &app.mode {
        Mode::Input(PromptKind::Command, input) => assert_eq!(input.text, "pull webapp"),
        other => panic!("{other:?}"),
    }

    // A registry without search: the core's message as is.
    app.update(code(KeyCode::Esc));
    command_line(&mut app, "search 127.0.0.1:5000/web");
    app.update(Msg::SearchResults {
        term: "127.0.0.1:5000/web".into(),
        result: Err(engine_err("127.0.0.1:5000 does not offer search")),
    });
    assert!(render(&app).contains("127.0.0.1:5000 does not offer search"));
}

#[test]
fn the_form_and_the_search_results_as_drawn() {
    let mut app = app(80, 24);
    command_line(&mut app, "build /nonexistent/wharf-build-ctx");
    // The tags line focused and edited, with a bad tag.
    fill(&mut app, Line::List(BuildField::Tags), "Bad:Tag:x");
    let screen = render(&app);
    assert!(!screen.contains('\x1b'));
    insta::assert_snapshot!("build_form_errors_80x24", screen);

    // Changed: Esc asks, y discards.
    app.update(code(KeyCode::Esc));
    app.update(key('y'));
    assert!(app.build.is_none());
    app.toast = None; // its note would cover the search's key hints below
    command_line(&mut app, "search web");
    app.update(Msg::SearchResults {
        term: "web".into(),
        result: Ok(vec![SearchResult {
            name: "web".into(),
            description: "a web server\u{1b}]0;title\u{7}".into(),
            stars: 12,
            official: true,
            automated: false,
        }]),
    });
    insta::assert_snapshot!("search_results_80x24", render(&app));
}

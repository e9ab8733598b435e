//! Merged logs in the terminal: `L` on marks or a project and `:logs …` open the merged log
//! pane (Logs tab only, over the containers view) asking the loop for the core's merged
//! follower; bad or empty selections say why; lines drawn with their coloured prefixes, saved
//! with them.

use crossterm::event::KeyCode;
use wharf_core::engine::LogStream;
use wharf_core::streams::merged::decorate;
use wharf_core::streams::text::StyledText;
use wharf_core::streams::{LogLine, Selection};

use super::*;
use crate::details::{Tab, MERGED_ID};
use crate::msg::{Effect, Msg};
use crate::prompt::{Mode, PromptKind};
use crate::view::tests::fixtures::*;

fn opened(fx: &[Effect]) -> Option<&Selection> {
    fx.iter().find_map(|e| match e {
        Effect::OpenMergedLogs { sel, .. } => Some(sel),
        _ => None,
    })
}

fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

#[test]
fn marked_containers_open_merged_logs() {
    let mut app = app(160, 40);
    // Nothing marked: say how.
    assert!(app.update(key('L')).is_empty());
    assert!(toast(&app).contains("mark containers"), "{}", toast(&app));

    let first = app.selected_row().and_then(|r| r.key.container().cloned());
    app.update(key(' '));
    let second = app.selected_row().and_then(|r| r.key.container().cloned());
    app.update(key(' '));
    let fx = app.update(key('L'));
    let mut want: Vec<_> = [first, second].into_iter().flatten().collect();
    want.sort();
    let Some(Selection::Containers(ids)) = opened(&fx) else {
        panic!("{fx:?}");
    };
    let mut ids = ids.clone();
    ids.sort();
    assert_eq!(ids, want);
    let d = app.details.as_ref().expect("the pane");
    assert_eq!(d.id.as_str(), MERGED_ID);
    assert_eq!(d.name, "logs of 2 containers");
    // Only the Logs tab; moving in the table keeps the pane.
    app.update(code(KeyCode::Tab));
    app.update(key('j'));
    let d = app.details.as_ref().expect("the pane");
    assert_eq!((d.tab, d.id.as_str()), (Tab::Logs, MERGED_ID));
    // Not "removed" when a snapshot comes.
    app.update(Msg::Snapshot(std::sync::Arc::new(snapshot())));
    assert!(!app.details.as_ref().is_some_and(|d| d.gone));
}

#[test]
fn a_project_opens_over_its_containers_and_the_command_line_takes_selections() {
    let mut app = app(160, 40);
    app.update(key(':'));
    type_text(&mut app, "projects");
    app.update(code(KeyCode::Enter));
    let fx = app.update(key('L'));
    assert_eq!(opened(&fx), Some(&Selection::Project("shop".into())));
    assert_eq!(app.view, View::Containers);
    let names: Vec<&str> = app.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.len(), 2, "filtered to the project: {names:?}");

    app.update(key(':'));
    type_text(&mut app, "logs label=tier=backend");
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(
        opened(&fx),
        Some(&Selection::Label {
            key: "tier".into(),
            value: Some("backend".into())
        })
    );
    assert_eq!(
        app.details.as_ref().map(|d| d.name.as_str()),
        Some("logs of label tier=backend")
    );

    // Bad input: a clear message, nothing opened.
    for (line, says) in [
        ("logs image=x", "project=NAME"),
        ("logs project=nope", "no containers in project nope"),
    ] {
        app.update(key(':'));
        type_text(&mut app, line);
        let fx = app.update(code(KeyCode::Enter));
        assert!(opened(&fx).is_none(), "{line}: {fx:?}");
        assert!(toast(&app).contains(says), "{line}: {}", toast(&app));
    }
}

fn merged_app() -> App {
    let mut app = app(100, 24);
    app.update(key(':'));
    type_text(&mut app, "logs project=shop");
    app.update(code(KeyCode::Enter));
    let d = app.details.as_mut().expect("the pane");
    for (prefix, colour, text) in [
        ("web", 6, "GET / 200"),
        ("db", 3, "checkpoint complete"),
        ("web", 6, "GET /cart 500"),
    ] {
        let line = LogLine {
            seq: 0,
            stream: LogStream::Stdout,
            timestamp: None,
            text: StyledText {
                text: text.into(),
                runs: Vec::new(),
            },
            truncated: false,
        };
        d.logs.buffer.push_line(decorate(line, prefix, 3, colour));
    }
    app
}

#[test]
fn merged_lines_show_prefixed_search_only_matches_and_save_with_prefixes() {
    let mut app = merged_app();
    insta::assert_snapshot!("merged_logs", render(&app));
    app.update(key('/'));
    type_text(&mut app, "web");
    app.update(code(KeyCode::Enter));
    app.update(key('F'));
    let d = app.details.as_ref().expect("the pane");
    assert_eq!(d.logs.displayed().len(), 2);
    app.update(key('F'));

    app.update(Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('s'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    let Mode::Input(PromptKind::SaveLogs, input) = &app.mode else {
        panic!("{:?}", app.mode);
    };
    assert_eq!(input.text, "project-shop.log");
    let fx = app.update(code(KeyCode::Enter));
    let saved = fx.iter().find_map(|e| match e {
        Effect::SaveLogs { text, .. } => Some(text.as_str()),
        _ => None,
    });
    assert_eq!(
        saved,
        Some("web │ GET / 200\ndb  │ checkpoint complete\nweb │ GET /cart 500\n")
    );
}

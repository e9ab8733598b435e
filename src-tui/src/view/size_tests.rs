//! No panic at any size: every screen state (each view, each details tab in both layouts,
//! each popup, prompt and toast) is built at a terminal size and drawn into a `TestBackend`,
//! then resized and drawn again. A property test picks sizes from 1×1 to 300×100; an
//! exhaustive sweep covers every size up to 40×12, where the arithmetic on widths breaks.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use wharf_core::engine::{LogChunk, LogStream};
use wharf_core::store::{ConnectionState, Snapshot};

use super::tests::fixtures::*;
use super::tests::{command, inspect_json, log_chunks, processes};

use crate::app::App;
use crate::details::Tab;
use crate::kinds::View;
use crate::msg::Msg;

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Moves the selection to the row called `name`, if it is there.
fn select(app: &mut App, name: &str) {
    let Some(i) = app.rows.iter().position(|r| r.name == name) else {
        return;
    };
    app.update(key('g'));
    for _ in 0..i {
        app.update(key('j'));
    }
}

/// Opens shop-web-1's details on `tab` with logs, inspect and processes loaded.
fn details(app: &mut App, tab: Tab, full: bool) {
    select(app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    if full {
        app.update(key('z'));
    }
    app.update(Msg::Inspect {
        id: cid('a'),
        result: Ok(inspect_json()),
    });
    app.update(Msg::Top {
        id: cid('a'),
        result: Ok(processes()),
    });
    if let Some(d) = app.details.as_mut() {
        for c in log_chunks() {
            d.logs.buffer.push(&c);
        }
        d.logs.buffer.push(&LogChunk {
            stream: LogStream::Stderr,
            bytes: format!("{}\n", "wide 字符 and a long line ".repeat(20)).into_bytes(),
        });
        d.tab = tab;
    }
}

/// A run form with errors in text and list fields, then valid with many warnings.
fn run_form_filled(a: &mut App) {
    command(a, "run busybox:latest");
    let fill = |a: &mut App, label: &str, text: &str| {
        let Some(f) = a.run_form.as_mut() else {
            return;
        };
        let def = crate::run_form::FIELDS
            .iter()
            .position(|d| d.label == label)
            .unwrap_or(0);
        if let Some(i) = f
            .lines()
            .iter()
            .position(|l| *l == crate::run_form::Line::Field { def, entry: None })
        {
            f.focus = i;
        }
        a.update(code(KeyCode::Enter));
        type_text(a, text);
        a.update(code(KeyCode::Enter));
    };
    fill(a, "ports", "8080:80, 70000:1, 9000");
    fill(a, "memory", "12q");
    fill(a, "mounts", "/var/run/docker.sock:/var/run/docker.sock");
    fill(a, "env", "DB_PASSWORD=hunter2");
    fill(a, "labels", "evil=\x1b[2J\u{202e}");
    if let Some(f) = a.run_form.as_mut() {
        f.form.memory = String::new();
        f.form.ports = vec!["8080:80".into(), "9000".into()];
        f.form.privileged = true;
        f.form.networks = vec!["host".into()];
        f.form.pid = "host".into();
        f.form.cap_add = vec!["SYS_ADMIN".into()];
        f.update_preview();
    }
}

/// Hostile and wide names, so cells cut in the middle of a wide character are drawn too.
fn hostile_snapshot() -> Snapshot {
    let mut cs = containers();
    cs[0].name = "evil\x1b]52;c;ZXZpbA==\x07\x1b[2J-v=\u{202e}gnp.exe-データベース".into();
    cs[1].name = "a".repeat(200);
    cs[2].image = "registry.example.com:5000/deeply/nested/image-name:v1.2.3".repeat(3);
    with_containers(snapshot(), cs)
}

type Build = Box<dyn Fn(&mut App)>;
type Steps = fn(&mut App);

/// Every screen state, by name. Each is built from `app(w, h)` at the size under test.
fn states() -> Vec<(&'static str, Build)> {
    let plain: Vec<(&'static str, Steps)> = vec![
        ("containers", |_| {}),
        ("images", |a| command(a, "images")),
        ("networks", |a| command(a, "networks")),
        ("volumes", |a| command(a, "volumes")),
        ("projects", |a| command(a, "projects")),
        ("nodes", |a| command(a, "nodes")),
        ("services", |a| command(a, "services")),
        ("tasks", |a| command(a, "tasks")),
        ("stacks", |a| command(a, "stacks")),
        ("secrets", |a| command(a, "secrets")),
        ("configs", |a| command(a, "configs")),
        ("events", |a| command(a, "events")),
        ("engine", |a| command(a, "engine")),
        ("alerts", |a| {
            a.update(Msg::Alerts {
                first: false,
                result: Ok(vec![wharf_core::model::FiredAlert {
                    id: 1,
                    at_ms: 1_700_000_000_000,
                    rule: "a rule with a long name".repeat(3),
                    engine: "unix:///var/run/docker.sock".into(),
                    container_id: "abc123abc123".into(),
                    container: "shop-web-1".into(),
                    key: "compose:shop/web".into(),
                    cause: "log line matched /x/: ".to_owned() + &"long ".repeat(40),
                    notify: true,
                    actions: vec![],
                }]),
            });
            command(a, "alerts");
        }),
        ("engine disk usage", |a| {
            command(a, "engine");
            a.update(Msg::DiskUsage(Ok(disk_usage())));
        }),
        ("engine disk usage failed", |a| {
            command(a, "engine");
            a.update(Msg::DiskUsage(Err(engine_err(
                "engine said no ".repeat(10),
            ))));
        }),
        ("hostile names", |a| {
            a.update(Msg::Snapshot(Arc::new(hostile_snapshot())));
        }),
        ("loading", |a| {
            a.update(Msg::Snapshot(Arc::new(Snapshot::empty(ENDPOINT.into()))));
        }),
        ("reconnecting", |a| {
            let mut s = snapshot();
            s.connection = ConnectionState::Reconnecting {
                since_ms: NOW_MS - 12_000,
                attempt: 3,
                reason: "connection refused ".repeat(8),
            };
            a.update(Msg::Snapshot(Arc::new(s)));
        }),
        ("failed", |a| {
            let mut s = Snapshot::empty(ENDPOINT.into());
            s.connection = ConnectionState::Failed {
                reason: "TLS handshake failed ".repeat(8),
            };
            a.update(Msg::Snapshot(Arc::new(s)));
        }),
        ("marks and filter", |a| {
            a.update(key('/'));
            type_text(a, "!job");
            a.update(code(KeyCode::Enter));
            a.update(key(' '));
            a.update(key('j'));
            a.update(key(' '));
            a.update(key('G'));
            a.update(key('v'));
        }),
        ("running only", |a| {
            a.update(key('a'));
        }),
        ("sorted", |a| {
            command(a, "sort cpu");
            a.update(key('I'));
        }),
        ("pending and error toast", |a| {
            select(a, "broken");
            a.update(key('S'));
            if let Some(req) = a.pending.keys().next().copied() {
                a.update(Msg::Outcome {
                    req,
                    result: Err(engine_err("Cannot start container: ".repeat(10))),
                });
            }
        }),
        ("confirm stop", |a| {
            select(a, "shop-web-1");
            a.update(key('s'));
        }),
        ("confirm remove with toggles", |a| {
            select(a, "broken");
            a.update(key('D'));
            a.update(key('f'));
            a.update(key('v'));
        }),
        ("confirm kill many", |a| {
            a.update(key('G'));
            a.update(key('v'));
            a.update(key('g'));
            a.update(key('v'));
            a.update(key('K'));
        }),
        ("confirm hostile name", |a| {
            a.update(Msg::Snapshot(Arc::new(hostile_snapshot())));
            a.update(key('D'));
        }),
        ("confirm prune", |a| command(a, "prune images")),
        ("help", |a| {
            a.update(key('?'));
        }),
        ("help scrolled", |a| {
            a.update(key('?'));
            for _ in 0..40 {
                a.update(key('j'));
            }
        }),
        ("filter prompt", |a| {
            a.update(key('/'));
            type_text(a, "sh");
        }),
        ("command prompt", |a| {
            a.update(key(':'));
            type_text(a, "prune im");
        }),
        ("command prompt long", |a| {
            a.update(key(':'));
            type_text(a, &"x".repeat(300));
            a.update(code(KeyCode::Home));
        }),
        ("rename prompt", |a| {
            select(a, "shop-web-1");
            a.update(key('R'));
        }),
        ("create volume prompt", |a| {
            command(a, "volumes");
            a.update(key('c'));
        }),
        ("exec prompt", |a| {
            select(a, "shop-web-1");
            a.update(key('e'));
        }),
        ("read-only refusal", |a| {
            a.settings.read_only = true;
            a.update(key('s'));
        }),
        ("save logs prompt", |a| {
            details(a, Tab::Logs, true);
            a.update(ctrl('s'));
        }),
        ("log search prompt", |a| {
            details(a, Tab::Logs, false);
            a.update(key('/'));
            type_text(a, "error");
        }),
        ("log search, wrapped, only matches", |a| {
            details(a, Tab::Logs, true);
            a.update(key('/'));
            type_text(a, "line");
            a.update(code(KeyCode::Enter));
            a.update(key('w'));
            a.update(key('F'));
            a.update(key('T'));
            a.update(code(KeyCode::PageUp));
        }),
        ("inspect search and sections", |a| {
            details(a, Tab::Inspect, true);
            a.update(key(']'));
            a.update(key('/'));
            type_text(a, "nginx");
            a.update(code(KeyCode::Enter));
        }),
        ("details waiting", |a| {
            select(a, "shop-web-1");
            a.update(code(KeyCode::Enter));
        }),
        ("details of a removed container", |a| {
            details(a, Tab::Ports, false);
            a.update(Msg::Snapshot(Arc::new(empty_synced())));
        }),
        ("details help", |a| {
            details(a, Tab::Stats, false);
            a.update(key('?'));
        }),
        ("details confirm", |a| {
            details(a, Tab::Env, false);
            a.update(key('K'));
        }),
        ("run form", |a| command(a, "run busybox:1.36")),
        ("run form empty", |a| command(a, "run")),
        ("run form with errors", |a| {
            run_form_filled(a);
            if let Some(f) = a.run_form.as_mut() {
                f.form.memory = "12q".into();
                f.form.ports.push("70000:1".into());
                f.update_preview();
            }
        }),
        ("run form editing a long value", |a| {
            run_form_filled(a);
            a.update(key('g'));
            a.update(code(KeyCode::Enter));
            type_text(a, &"wide 字符 ".repeat(30));
            a.update(code(KeyCode::Left));
        }),
        ("run form scrolled to the end with warnings", |a| {
            run_form_filled(a);
            a.update(key('G'));
        }),
        ("run form warnings explained", |a| {
            run_form_filled(a);
            a.update(key('?'));
            for _ in 0..30 {
                a.update(key('j'));
            }
        }),
        ("run form discard?", |a| {
            run_form_filled(a);
            a.update(code(KeyCode::Esc));
        }),
        ("build form discard?", |a| {
            command(a, "build /tmp");
            a.update(key('j'));
            a.update(code(KeyCode::Enter));
            a.update(key('x'));
            a.update(code(KeyCode::Enter));
            a.update(code(KeyCode::Esc));
        }),
        ("run form from an image", |a| {
            command(a, "images");
            a.update(key('r'));
        }),
    ];
    let mut v: Vec<(&'static str, Build)> = plain
        .into_iter()
        .map(|(n, f)| (n, Box::new(f) as Build))
        .collect();
    for tab in Tab::ALL {
        v.push(("details split", Box::new(move |a| details(a, tab, false))));
        v.push(("details full", Box::new(move |a| details(a, tab, true))));
    }
    v
}

/// Builds state `i` at `w`×`h`, draws it, resizes to `w2`×`h2` and draws again.
fn build_and_draw(i: usize, (w, h): (u16, u16), (w2, h2): (u16, u16)) {
    let states = states();
    let build = &states[i].1;
    let mut a = app(w, h);
    build(&mut a);
    let _ = render(&a);
    a.update(Msg::Resize(w2, h2));
    let _ = render(&a);
}

#[test]
fn stop_in_a_30_column_pane_asks_for_confirmation() {
    // Issue #9, item 2: `clamp` with its lower bound above the upper one panicked here.
    for w in [21, 23, 30] {
        let mut a = app(w, 24);
        select(&mut a, "shop-web-1");
        a.update(key('s'));
        let text = render(&a);
        assert!(text.contains("confirm"), "{w} columns:\n{text}");
    }
}

#[test]
fn every_state_has_a_distinct_builder() {
    // The list above is what "every screen state" means; each view is in it.
    let names: Vec<&str> = states().iter().map(|(n, _)| *n).collect();
    for v in View::ALL {
        assert!(names.contains(&v.name()), "{} missing", v.name());
    }
    assert_eq!(
        Tab::ALL.len() * 2,
        names
            .iter()
            .filter(|n| n.starts_with("details ") && (n.ends_with("split") || n.ends_with("full")))
            .count()
    );
}

#[test]
fn every_state_draws_at_every_small_size() {
    let n = states().len();
    for w in 1..=40u16 {
        for h in 1..=12u16 {
            for i in 0..n {
                let r = std::panic::catch_unwind(|| build_and_draw(i, (w, h), (w, h)));
                assert!(r.is_ok(), "state {:?} panicked at {w}x{h}", states()[i].0);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_state_draws_at_any_size(
        i in 0..states().len(),
        w in 1u16..=300,
        h in 1u16..=100,
        w2 in 1u16..=300,
        h2 in 1u16..=100,
    ) {
        build_and_draw(i, (w, h), (w2, h2));
    }
}

/// One thing a user does: a key (any modifiers) or a resize.
#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Resize(u16, u16),
    Mouse(crossterm::event::MouseEventKind, u16, u16),
}

fn input() -> impl Strategy<Value = Input> {
    let code = prop_oneof![
        proptest::char::range(' ', '~').prop_map(KeyCode::Char),
        Just(KeyCode::Char('é')),
        Just(KeyCode::Char('字')),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Backspace),
        Just(KeyCode::Delete),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        Just(KeyCode::PageUp),
        Just(KeyCode::PageDown),
        Just(KeyCode::F(1)),
    ];
    let mods = prop_oneof![
        6 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::CONTROL),
        1 => Just(KeyModifiers::ALT),
        1 => Just(KeyModifiers::SHIFT),
    ];
    use crossterm::event::{MouseButton, MouseEventKind as M};
    let mouse = prop_oneof![
        Just(M::Down(MouseButton::Left)),
        Just(M::ScrollUp),
        Just(M::ScrollDown),
        Just(M::Moved),
    ];
    prop_oneof![
        12 => (code, mods).prop_map(|(c, m)| Input::Key(c, m)),
        1 => (1u16..=200, 1u16..=60).prop_map(|(w, h)| Input::Resize(w, h)),
        2 => (mouse, 0u16..=210, 0u16..=70).prop_map(|(k, x, y)| Input::Mouse(k, x, y)),
    ]
}

/// Keys that would leave the app (`q`, ctrl-c) end a sequence early; everything else is fed
/// as typed, whatever mode the app is in.
fn is_quit(a: &App) -> bool {
    a.quit
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random key sequences, mouse clicks and scrolls, and resizes from random screen states:
    /// every frame draws.
    #[test]
    fn random_keys_and_sizes_never_panic(
        i in 0..states().len(),
        w in 1u16..=200,
        h in 1u16..=60,
        inputs in proptest::collection::vec(input(), 0..40),
    ) {
        let states = states();
        let mut a = app(w, h);
        (states[i].1)(&mut a);
        let _ = render(&a);
        for inp in inputs {
            match inp {
                Input::Key(c, m) => {
                    a.update(Msg::Key(KeyEvent::new(c, m)));
                }
                Input::Resize(w, h) => {
                    a.update(Msg::Resize(w, h));
                }
                Input::Mouse(kind, column, row) => {
                    a.update(Msg::Mouse(crossterm::event::MouseEvent {
                        kind,
                        column,
                        row,
                        modifiers: KeyModifiers::NONE,
                    }));
                }
            }
            if is_quit(&a) {
                break;
            }
            let _ = render(&a);
        }
    }
}

//! `App::update` behaviour: keys and messages in, state and effects out. Destructive keys
//! only ever ask; confirming yields one `Execute` per target; read-only refuses every
//! mutation; filters, sorts and marks act on the right rows; the selection follows its object.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use wharf_core::command::Command;
use wharf_core::model::{ContainerState, PruneTarget, COMPOSE_PROJECT_LABEL};
use wharf_core::rules::prune::{candidates, Listing, PrunePlan};

use super::*;
use crate::details::Tab;
use crate::kinds::View;
use crate::msg::{Effect, Msg};
use crate::prompt::{Mode, PromptKind};

use crate::view::tests::fixtures::*;

/// Names of the visible rows, in order.
fn names(app: &App) -> Vec<String> {
    app.rows.iter().map(|r| r.name.clone()).collect()
}

fn selected_name(app: &App) -> String {
    app.selected_row()
        .map(|r| r.name.clone())
        .unwrap_or_default()
}

/// Move the selection with `j`/`k` until `name` is selected.
fn select(app: &mut App, name: &str) {
    let target = app
        .rows
        .iter()
        .position(|r| r.name == name)
        .unwrap_or_else(|| panic!("{name} is not a visible row: {:?}", names(app)));
    app.update(key('g'));
    for _ in 0..target {
        app.update(key('j'));
    }
    assert_eq!(selected_name(app), name);
}

fn confirm(app: &App) -> &crate::prompt::Confirm {
    match &app.mode {
        Mode::Confirm(c) => c,
        other => panic!("expected a confirmation, got {other:?}"),
    }
}

/// The commands of `Execute` effects, checking each has its own pending request.
fn executed(app: &App, fx: &[Effect]) -> Vec<Command> {
    let mut reqs = std::collections::BTreeSet::new();
    fx.iter()
        .map(|e| match e {
            Effect::Execute { req, cmd } => {
                assert!(reqs.insert(*req), "request ids are unique: {fx:?}");
                assert!(app.pending.contains_key(req), "request {req} is pending");
                cmd.clone()
            }
            other => panic!("expected only Execute effects, got {other:?}"),
        })
        .collect()
}

fn toast_text(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

fn no_execute(fx: &[Effect]) {
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Execute { .. } | Effect::Exec { .. })),
        "no command may run yet: {fx:?}"
    );
}

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

// --- confirmations -------------------------------------------------------------------

#[test]
fn stop_asks_first_naming_the_container_and_runs_only_on_yes() {
    let mut app = app(120, 40);
    select(&mut app, "shop-web-1");
    let fx = app.update(key('s'));
    no_execute(&fx);
    let c = confirm(&app);
    assert_eq!(c.title, "Stop 1 container?");
    assert_eq!(c.objects.len(), 1);
    assert!(
        c.objects[0].contains("shop-web-1") && c.objects[0].contains("aaaaaaaaaaaa"),
        "{:?}",
        c.objects
    );
    assert!(app.pending.is_empty());

    let fx = app.update(key('y'));
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(
        executed(&app, &fx),
        vec![Command::Stop {
            id: cid('a'),
            timeout: None
        }]
    );
}

#[test]
fn enter_also_confirms() {
    let mut app = app(120, 40);
    select(&mut app, "shop-db-1");
    app.update(key('r'));
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(
        executed(&app, &fx),
        vec![Command::Restart {
            id: cid('b'),
            timeout: None
        }]
    );
}

#[test]
fn remove_with_force_and_volumes_toggles_yields_one_command_per_marked_container() {
    let mut app = app(120, 40);
    select(&mut app, "broken");
    app.update(key(' '));
    select(&mut app, "nightly-job");
    app.update(key(' '));
    let fx = app.update(key('D'));
    no_execute(&fx);
    let c = confirm(&app);
    assert_eq!(c.title, "Remove 2 containers?");
    let objects = c.objects.join("\n");
    assert!(
        objects.contains("broken") && objects.contains("nightly-job"),
        "{objects}"
    );
    assert!(
        !objects.contains("shop-web-1"),
        "only the marked rows: {objects}"
    );
    assert!(!c.force() && !c.volumes());

    app.update(key('f'));
    assert!(confirm(&app).force());
    app.update(key('v'));
    assert!(confirm(&app).volumes());
    // Toggling twice turns it off again.
    app.update(key('f'));
    app.update(key('f'));
    let fx = app.update(key('y'));
    let mut cmds = executed(&app, &fx);
    cmds.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(
        cmds,
        vec![
            Command::Remove {
                id: cid('d'),
                force: true,
                volumes: true
            },
            Command::Remove {
                id: cid('e'),
                force: true,
                volumes: true
            },
        ]
    );
}

#[test]
fn the_delete_key_removes_too() {
    let mut app = app(120, 40);
    select(&mut app, "broken");
    app.update(code(KeyCode::Delete));
    assert_eq!(
        confirm(&app).commands,
        vec![Command::Remove {
            id: cid('e'),
            force: false,
            volumes: false
        }]
    );
}

#[test]
fn removing_a_live_container_says_it_will_be_killed() {
    // The core's rule (issue #9 item 5): force only with the warning on screen.
    let mut app = app(120, 40);
    select(&mut app, "cache");
    app.update(code(KeyCode::Delete));
    let c = confirm(&app);
    assert_eq!(
        c.commands,
        vec![Command::Remove {
            id: cid('c'),
            force: true,
            volumes: false
        }]
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n == "cache is paused and will be killed"),
        "{:?}",
        c.notes
    );
    let text = render(&app);
    assert!(
        text.contains("cache is paused and will be killed"),
        "{text}"
    );
}

#[test]
fn kill_asks_and_n_or_esc_or_q_cancel() {
    for cancel in [key('n'), code(KeyCode::Esc), key('q')] {
        let mut app = app(120, 40);
        select(&mut app, "sick");
        let fx = app.update(key('K'));
        no_execute(&fx);
        let c = confirm(&app);
        assert_eq!(
            c.commands,
            vec![Command::Kill {
                id: cid('f'),
                signal: "SIGKILL".into()
            }]
        );
        assert!(c.objects[0].contains("sick"));
        let fx = app.update(cancel);
        assert!(fx.is_empty(), "{fx:?}");
        assert!(matches!(app.mode, Mode::Normal));
        assert!(!app.quit, "q in a confirmation cancels, it does not quit");
        assert!(app.pending.is_empty());
        assert_eq!(toast_text(&app), "cancelled");
    }
}

#[test]
fn other_keys_keep_the_confirmation_open() {
    let mut app = app(120, 40);
    select(&mut app, "shop-web-1");
    app.update(key('s'));
    for k in [key('x'), key('j'), key('D'), key('f')] {
        assert!(app.update(k).is_empty());
        assert!(matches!(app.mode, Mode::Confirm(_)));
    }
}

#[test]
fn stop_and_kill_skip_containers_that_are_not_running() {
    let mut app = app(120, 40);
    select(&mut app, "broken");
    let fx = app.update(key('K'));
    assert!(fx.is_empty());
    assert!(matches!(app.mode, Mode::Normal), "nothing to confirm");
    assert!(
        toast_text(&app).contains("nothing applies"),
        "{}",
        toast_text(&app)
    );

    // Marked: one running, one exited: only the running one is named and stopped.
    app.update(key(' '));
    select(&mut app, "shop-web-1");
    app.update(key(' '));
    app.update(key('s'));
    let c = confirm(&app);
    assert_eq!(
        c.commands,
        vec![Command::Stop {
            id: cid('a'),
            timeout: None
        }]
    );
    assert_eq!(c.objects.len(), 1);
}

#[test]
fn start_and_pause_are_not_destructive_and_run_at_once() {
    let mut app = app(120, 40);
    select(&mut app, "broken");
    let fx = app.update(key('S'));
    assert_eq!(executed(&app, &fx), vec![Command::Start { id: cid('e') }]);
    select(&mut app, "cache");
    let fx = app.update(key('p'));
    assert_eq!(executed(&app, &fx), vec![Command::Unpause { id: cid('c') }]);
}

/// The plan the engine would give for the fixture snapshot: the core's own rule on its lists.
fn planned(app: &App, target: PruneTarget) -> PrunePlan {
    let s = &app.snapshot;
    let containers: Vec<_> = s.containers.values().map(|c| (**c).clone()).collect();
    let images: Vec<_> = s.images.values().map(|i| (**i).clone()).collect();
    let networks: Vec<_> = s.networks.values().map(|n| (**n).clone()).collect();
    let volumes: Vec<_> = s.volumes.values().map(|v| (**v).clone()).collect();
    let listing = Listing {
        containers: &containers,
        images: &images,
        networks: &networks,
        volumes: &volumes,
        labels_anonymous: false,
    };
    PrunePlan {
        target,
        items: candidates(target, &listing),
    }
}

/// `prune …` asks the engine for the plan, then confirms with exactly its objects.
fn prune_through_plan(app: &mut App, line: &str, target: PruneTarget) -> PrunePlan {
    let fx = command_line(app, line);
    assert_eq!(fx, vec![Effect::PlanPrune(target)], "{line}");
    let plan = planned(app, target);
    let fx = app.update(Msg::PrunePlan(Ok(plan.clone())));
    no_execute(&fx);
    plan
}

#[test]
fn prune_containers_previews_the_stopped_ones_then_prunes_on_yes() {
    let mut app = app(120, 40);
    let plan = prune_through_plan(&mut app, "prune containers", PruneTarget::Containers);
    let c = confirm(&app);
    assert_eq!(c.title, "Prune 2 stopped containers?");
    let objects = c.objects.join("\n");
    assert!(
        objects.contains("broken") && objects.contains("nightly-job"),
        "{objects}"
    );
    assert!(
        !objects.contains("shop-web-1") && !objects.contains("cache"),
        "{objects}"
    );
    let fx = app.update(key('y'));
    assert_eq!(executed(&app, &fx), vec![Command::Prune { plan }]);
}

#[test]
fn prune_images_lists_only_unused_dangling_images_with_their_size() {
    let mut app = app(120, 40);
    prune_through_plan(&mut app, "prune images", PruneTarget::Images { all: false });
    let c = confirm(&app);
    assert_eq!(c.objects, vec!["555555555555  (77MiB)".to_owned()]);
    assert!(c.notes.iter().any(|n| n.contains("77MiB")), "{:?}", c.notes);
    app.update(key('n'));
    assert!(matches!(app.mode, Mode::Normal));
}

#[test]
fn prune_volumes_means_anonymous_ones_and_an_empty_plan_says_so() {
    let mut app = app(120, 40);
    let plan = prune_through_plan(
        &mut app,
        "prune volumes",
        PruneTarget::Volumes { all: false },
    );
    // The fixture's volumes are all named: nothing to prune, no confirmation.
    assert!(plan.items.is_empty(), "{plan:?}");
    assert!(matches!(app.mode, Mode::Normal));
    assert!(toast_text(&app).contains("no unused anonymous volumes"));
    let fx = command_line(&mut app, "prune volumes-all");
    assert_eq!(
        fx,
        vec![Effect::PlanPrune(PruneTarget::Volumes { all: true })]
    );
}

#[test]
fn image_remove_names_the_tag_and_its_users() {
    let mut app = app(120, 40);
    command_line(&mut app, "img");
    assert_eq!(app.view, View::Images);
    select(&mut app, "busybox:latest");
    let fx = app.update(key('D'));
    no_execute(&fx);
    let c = confirm(&app);
    assert_eq!(c.title, "Remove 1 image?");
    assert!(
        c.objects[0].contains("busybox:latest") && c.objects[0].contains("used by 3 containers"),
        "{:?}",
        c.objects
    );
    app.update(key('f'));
    let fx = app.update(key('y'));
    assert_eq!(
        executed(&app, &fx),
        vec![Command::RemoveImage {
            id: image_id('4'),
            tags: vec!["busybox:latest".into(), "busybox:1.36".into()],
            force: true,
            no_prune: false,
        }]
    );
}

#[test]
fn builtin_networks_cannot_be_removed() {
    let mut app = app(120, 40);
    command_line(&mut app, "net");
    select(&mut app, "bridge");
    let fx = app.update(key('D'));
    assert!(fx.is_empty());
    assert!(matches!(app.mode, Mode::Normal));
    select(&mut app, "shop_default");
    app.update(key('D'));
    assert_eq!(confirm(&app).objects, vec!["shop_default".to_owned()]);
}

#[test]
fn project_actions_target_every_container_of_the_project() {
    let mut app = app(120, 40);
    command_line(&mut app, "proj");
    assert_eq!(names(&app), vec!["shop"]);
    app.update(key('s'));
    let c = confirm(&app);
    assert_eq!(c.title, "Stop 2 containers?");
    let fx = app.update(key('y'));
    let mut cmds = executed(&app, &fx);
    cmds.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(
        cmds,
        vec![
            Command::Stop {
                id: cid('a'),
                timeout: None
            },
            Command::Stop {
                id: cid('b'),
                timeout: None
            }
        ]
    );
}

// --- read-only -------------------------------------------------------------------------

#[test]
fn read_only_refuses_every_mutating_key_in_every_view() {
    let mutating = ['s', 'S', 'r', 'p', 'K', 'D', 'R', 'e', 'c'];
    for (view, line) in [
        (View::Containers, "containers"),
        (View::Images, "images"),
        (View::Networks, "networks"),
        (View::Volumes, "volumes"),
        (View::Projects, "projects"),
    ] {
        for k in mutating {
            let mut app = read_only_app();
            command_line(&mut app, line);
            assert_eq!(app.view, view);
            // A row that takes every action: a running, non-builtin one.
            if view == View::Containers {
                select(&mut app, "shop-web-1");
            } else if view == View::Networks {
                select(&mut app, "shop_default");
            }
            app.toast = None;
            let fx = app.update(key(k));
            assert!(fx.is_empty(), "{view:?} {k}: {fx:?}");
            assert!(
                matches!(app.mode, Mode::Normal),
                "{view:?} {k}: {:?}",
                app.mode
            );
            assert!(app.pending.is_empty());
            let t = app
                .toast
                .clone()
                .unwrap_or_else(|| panic!("{view:?} {k}: a toast says why"));
            assert!(
                t.error && t.text.contains("read-only"),
                "{view:?} {k}: {t:?}"
            );
        }
    }
}

#[test]
fn read_only_refuses_mutating_commands() {
    for line in [
        "prune containers",
        "prune images-all",
        "prune volumes",
        "prune networks",
        "prune build-cache",
        "create network n1",
        "create volume v1",
    ] {
        let mut app = read_only_app();
        let fx = command_line(&mut app, line);
        assert!(fx.is_empty(), "{line}: {fx:?}");
        assert!(matches!(app.mode, Mode::Normal), "{line}: {:?}", app.mode);
        assert!(
            toast_text(&app).contains("read-only"),
            "{line}: {}",
            toast_text(&app)
        );
    }
}

#[test]
fn read_only_still_browses_and_copies() {
    let mut app = read_only_app();
    select(&mut app, "shop-web-1");
    let fx = app.update(key('y'));
    assert_eq!(fx, vec![Effect::Copy(id('a'))]);
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::OpenLogs { .. })),
        "{fx:?}"
    );
    command_line(&mut app, "img");
    assert_eq!(app.view, View::Images);
}

// --- filters ---------------------------------------------------------------------------

/// Esc then `/` in one read (over SSH, or typed fast) reach Wharf as alt-/: that is Esc (the
/// filter prompt closes, dropping its text) and then `/` (a new, empty one). Taken as one
/// unknown key, the Esc was lost and what the user typed next landed somewhere else.
#[test]
fn esc_and_a_key_in_one_read_are_two_keys() {
    let mut app = app(120, 40);
    app.update(key('/'));
    type_text(&mut app, "shop");
    let fx = app.update(Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::ALT,
    )));
    no_execute(&fx);
    // Esc left the filter prompt (dropping what it had) and `/` opened a new one.
    match &app.mode {
        Mode::Input(PromptKind::Filter, i) => assert_eq!(i.text, ""),
        other => panic!("{other:?}"),
    }
    assert_eq!(names(&app).len(), 6);
}

#[test]
fn filter_applies_as_you_type_and_enter_keeps_it() {
    let mut app = app(120, 40);
    assert_eq!(
        names(&app),
        vec![
            "broken",
            "cache",
            "nightly-job",
            "shop-db-1",
            "shop-web-1",
            "sick"
        ]
    );
    app.update(key('/'));
    assert!(matches!(app.mode, Mode::Input(PromptKind::Filter, _)));
    type_text(&mut app, "shop");
    assert_eq!(names(&app), vec!["shop-db-1", "shop-web-1"]);
    app.update(code(KeyCode::Enter));
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(names(&app), vec!["shop-db-1", "shop-web-1"]);
    assert_eq!(
        app.table().filter.as_ref().map(|f| f.source()),
        Some("shop")
    );
    // `/` again edits the current filter.
    app.update(key('/'));
    match &app.mode {
        Mode::Input(_, i) => assert_eq!(i.text, "shop"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn typing_an_inverted_filter_shows_no_error() {
    let mut app = app(120, 40);
    app.update(key('/'));
    type_text(&mut app, "!job");
    app.update(code(KeyCode::Enter));
    assert_eq!(names(&app).len(), 5);
    assert!(
        !app.toast.as_ref().is_some_and(|t| t.error),
        "{:?}",
        app.toast
    );
}

#[test]
fn esc_on_the_filter_prompt_clears_it() {
    let mut app = app(120, 40);
    app.update(key('/'));
    type_text(&mut app, "cache");
    assert_eq!(names(&app), vec!["cache"]);
    app.update(code(KeyCode::Esc));
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(names(&app).len(), 6);
}

#[test]
fn filter_kinds_invert_label_and_regex() {
    let cases: &[(&str, &[&str])] = &[
        ("!shop", &["broken", "cache", "nightly-job", "sick"]),
        ("tier=front", &["shop-web-1"]),
        ("tier=", &["shop-db-1", "shop-web-1"]),
        (
            "!tier=backend",
            &["broken", "cache", "nightly-job", "shop-web-1", "sick"],
        ),
        (
            &format!("{COMPOSE_PROJECT_LABEL}=shop"),
            &["shop-db-1", "shop-web-1"],
        ),
        ("^s", &["shop-db-1", "shop-web-1", "sick"]),
        ("redis|postgres", &["cache", "shop-db-1"]),
        ("paused", &["cache"]),
        ("8080", &["shop-web-1"]),
        ("SICK", &[]),
        ("a(b", &[]),
    ];
    for (filter, want) in cases {
        let mut app = app(120, 40);
        app.update(key('/'));
        type_text(&mut app, filter);
        app.update(code(KeyCode::Enter));
        assert_eq!(names(&app), *want, "filter {filter:?}");
    }
}

#[test]
fn filter_by_command_and_on_other_views() {
    let mut app = app(120, 40);
    command_line(&mut app, "img busy");
    assert_eq!(app.view, View::Images);
    assert_eq!(names(&app), vec!["busybox:latest"]);
    command_line(&mut app, "vol");
    assert_eq!(names(&app), vec!["scratch", "shop_pgdata"]);
    app.update(key('/'));
    type_text(&mut app, "!pg");
    app.update(code(KeyCode::Enter));
    assert_eq!(names(&app), vec!["scratch"]);
}

#[test]
fn the_stopped_toggle_hides_exited_containers() {
    let mut app = app(120, 40);
    app.update(key('a'));
    assert_eq!(
        names(&app),
        vec!["cache", "shop-db-1", "shop-web-1", "sick"]
    );
    app.update(key('a'));
    assert_eq!(names(&app).len(), 6);
}

// --- sorting ---------------------------------------------------------------------------

#[test]
fn sort_keys_change_column_and_direction() {
    let mut app = app(120, 40);
    app.update(key('>'));
    assert_eq!(app.table().sort_col, 1);
    // IMAGE ascending, ties by name.
    assert_eq!(
        names(&app),
        vec![
            "broken",
            "nightly-job",
            "sick",
            "shop-web-1",
            "shop-db-1",
            "cache"
        ]
    );
    app.update(key('I'));
    assert!(app.table().sort_desc);
    assert_eq!(
        names(&app),
        vec![
            "cache",
            "shop-db-1",
            "shop-web-1",
            "broken",
            "nightly-job",
            "sick"
        ]
    );
    app.update(key('<'));
    app.update(key('<'));
    // Wraps to the last column (PROJECT), still descending: project rows first.
    assert_eq!(app.table().sort_col, 9);
    assert_eq!(&names(&app)[..2], &["shop-db-1", "shop-web-1"]);
}

#[test]
fn numeric_columns_sort_by_value_with_missing_values_last() {
    let mut app = app(120, 40);
    command_line(&mut app, "sort cpu");
    assert_eq!(app.table().sort_col, 5);
    // sick 0.2 %, db ~1-4 %, web ~10-40 %; stopped/paused ones have no value.
    assert_eq!(&names(&app)[..3], &["sick", "shop-db-1", "shop-web-1"]);
    app.update(key('I'));
    assert_eq!(&names(&app)[..3], &["shop-web-1", "shop-db-1", "sick"]);
    let rest: Vec<String> = names(&app)[3..].to_vec();
    assert_eq!(
        rest,
        vec!["broken", "cache", "nightly-job"],
        "missing values sort last both ways?"
    );
}

/// Where a header title starts on screen (row 2 is the table header).
fn header_x(app: &App, title: &str) -> u16 {
    let screen = render(app);
    let line = screen.lines().nth(2).unwrap_or_default();
    let byte = line
        .find(title)
        .unwrap_or_else(|| panic!("{title} in {line:?}"));
    unicode_width::UnicodeWidthStr::width(&line[..byte]) as u16
}

fn click(app: &mut App, column: u16, row: u16) -> Vec<Effect> {
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }))
}

#[test]
fn clicking_a_header_sorts_by_it_and_again_reverses() {
    let mut app = app(120, 40);
    let x = header_x(&app, "STATE");
    click(&mut app, x + 1, 2);
    assert_eq!((app.table().sort_col, app.table().sort_desc), (2, false));
    assert_eq!(
        names(&app)[0],
        "broken",
        "exited < paused < running: {:?}",
        names(&app)
    );
    let x = header_x(&app, "STATE");
    click(&mut app, x + 1, 2);
    assert_eq!((app.table().sort_col, app.table().sort_desc), (2, true));
    let x = header_x(&app, "IMAGE");
    click(&mut app, x, 2);
    assert_eq!((app.table().sort_col, app.table().sort_desc), (1, false));
}

#[test]
fn clicking_a_row_selects_it_and_the_wheel_scrolls() {
    let mut app = app(120, 40);
    // Rows start under the header line (screen row 3).
    click(&mut app, 10, 3 + 4);
    assert_eq!(selected_name(&app), "shop-web-1");
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(selected_name(&app), "cache");
}

#[test]
fn mouse_is_ignored_when_turned_off() {
    let settings = Settings {
        mouse: false,
        ..Settings::default()
    };
    let mut app = app_with(settings, snapshot(), 120, 40);
    click(&mut app, 10, 7);
    assert_eq!(app.table().selected, 0);
}

// --- marks -----------------------------------------------------------------------------

#[test]
fn space_marks_and_moves_down_v_marks_a_range_u_clears() {
    let mut app = app(120, 40);
    app.update(key(' '));
    assert_eq!(app.table().marks.len(), 1);
    assert_eq!(selected_name(&app), "cache", "space moves down");
    app.update(key(' '));
    app.update(key(' '));
    // broken, cache, nightly-job marked; now on shop-db-1.
    app.update(key(' '));
    // Space on a marked row unmarks it.
    app.update(key('k'));
    app.update(key(' '));
    let marked: Vec<&str> = app
        .rows
        .iter()
        .filter(|r| app.table().marks.contains(&r.key))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(marked, vec!["broken", "cache", "nightly-job"]);
    app.update(key('u'));
    assert!(app.table().marks.is_empty());

    // Range: mark the first, move down twice, `v` marks everything between.
    app.update(key('g'));
    app.update(key(' '));
    app.update(key('j'));
    app.update(key('j'));
    app.update(key('v'));
    let marked: Vec<&str> = app
        .rows
        .iter()
        .filter(|r| app.table().marks.contains(&r.key))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(marked, vec!["broken", "cache", "nightly-job", "shop-db-1"]);
}

#[test]
fn bulk_actions_apply_to_marked_rows_not_the_selection() {
    let mut app = app(120, 40);
    select(&mut app, "shop-db-1");
    app.update(key(' '));
    select(&mut app, "sick");
    app.update(key(' '));
    select(&mut app, "shop-web-1");
    app.update(key('r'));
    let c = confirm(&app);
    let ids: Vec<_> = c
        .commands
        .iter()
        .map(|c| match c {
            Command::Restart { id, .. } => id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        ids,
        vec![cid('b'), cid('f')],
        "the selected, unmarked shop-web-1 is not restarted"
    );
}

#[test]
fn mark_range_on_an_empty_table_does_nothing() {
    let mut app = app(120, 40);
    app.update(key('/'));
    type_text(&mut app, "matches-nothing");
    app.update(code(KeyCode::Enter));
    assert!(app.rows.is_empty());
    for k in ['v', ' ', 'u', 's', 'D', 'y', 'j', 'G'] {
        let fx = app.update(key(k));
        assert!(fx.is_empty(), "{k}: {fx:?}");
        assert!(matches!(app.mode, Mode::Normal));
    }
}

#[test]
fn esc_clears_marks_before_the_filter() {
    let mut app = app(120, 40);
    command_line(&mut app, "filter shop");
    app.update(key(' '));
    app.update(code(KeyCode::Esc));
    assert!(app.table().marks.is_empty());
    assert!(app.table().filter.is_some());
    app.update(code(KeyCode::Esc));
    assert!(app.table().filter.is_none());
    assert_eq!(app.view, View::Containers);
}

// --- snapshots and outcomes ----------------------------------------------------------------

#[test]
fn selection_follows_the_same_container_across_snapshot_updates() {
    let mut app = app(120, 40);
    select(&mut app, "shop-db-1");
    let before = app.table().selected;
    // New containers sort before it; the selection stays on shop-db-1.
    let mut cs = containers();
    cs.push(container(
        '0',
        "aaa-new",
        "busybox:latest",
        ContainerState::Running,
    ));
    cs.push(container(
        '1',
        "alpha",
        "busybox:latest",
        ContainerState::Running,
    ));
    app.update(Msg::Snapshot(Arc::new(with_containers(snapshot(), cs))));
    assert_eq!(selected_name(&app), "shop-db-1");
    assert_eq!(app.table().selected, before + 2);

    // Its state changes (stopped): still the same row.
    let mut cs = containers();
    cs[1].state = ContainerState::Exited;
    app.update(Msg::Snapshot(Arc::new(with_containers(snapshot(), cs))));
    assert_eq!(selected_name(&app), "shop-db-1");

    // It disappears: the selection stays in range.
    let cs: Vec<_> = containers()
        .into_iter()
        .filter(|c| c.name != "shop-db-1")
        .collect();
    app.update(Msg::Snapshot(Arc::new(with_containers(snapshot(), cs))));
    assert!(app.table().selected < app.rows.len());
}

#[test]
fn marks_of_removed_containers_are_dropped() {
    let mut app = app(120, 40);
    select(&mut app, "broken");
    app.update(key(' '));
    let cs: Vec<_> = containers()
        .into_iter()
        .filter(|c| c.name != "broken")
        .collect();
    app.update(Msg::Snapshot(Arc::new(with_containers(snapshot(), cs))));
    assert!(app.table().marks.is_empty());
}

#[test]
fn outcomes_toast_once_and_stale_ones_are_ignored() {
    let mut app = app(120, 40);
    select(&mut app, "broken");
    let fx = app.update(key('S'));
    let req = match fx.as_slice() {
        [Effect::Execute { req, .. }] => *req,
        other => panic!("{other:?}"),
    };
    // Unknown id: nothing happens.
    app.update(Msg::Outcome {
        req: req + 100,
        result: Err(engine_err("boom")),
    });
    assert!(app.toast.is_none());
    assert!(app.pending.contains_key(&req));

    app.update(Msg::Outcome {
        req,
        result: Err(engine_err("no such container")),
    });
    let t = app.toast.clone().expect("a toast");
    assert!(t.error && t.text.contains("no such container"), "{t:?}");
    assert!(app.pending.is_empty());

    // The same outcome again (a late duplicate) is stale now.
    app.toast = None;
    app.update(Msg::Outcome {
        req,
        result: Ok(wharf_core::command::Outcome::Done),
    });
    assert!(app.toast.is_none());
}

#[test]
fn toasts_expire_with_the_clock() {
    let mut app = app(120, 40);
    app.update(key('a'));
    assert!(app.toast.is_some());
    app.update(Msg::Tick(NOW_MS + 3_000));
    assert!(app.toast.is_some());
    app.update(Msg::Tick(NOW_MS + 60_000));
    assert!(app.toast.is_none());
}

// --- command mode and navigation ---------------------------------------------------------------

#[test]
fn command_aliases_switch_views_and_q_quits() {
    let mut app = app(120, 40);
    for (line, view) in [
        ("img", View::Images),
        ("net", View::Networks),
        ("vol", View::Volumes),
        ("proj", View::Projects),
        ("events", View::Events),
        ("containers", View::Containers),
    ] {
        let fx = command_line(&mut app, line);
        assert_eq!(app.view, view, "{line}");
        assert!(!fx.iter().any(|e| matches!(e, Effect::Execute { .. })));
    }
    let fx = command_line(&mut app, "engine");
    assert_eq!(app.view, View::Engine);
    assert!(fx.contains(&Effect::LoadDiskUsage), "{fx:?}");
    let fx = command_line(&mut app, "q");
    assert!(app.quit);
    assert!(
        fx.is_empty(),
        "quitting is the app's state, read by the loop"
    );
}

#[test]
fn unknown_commands_say_so() {
    let mut app = app(120, 40);
    let fx = command_line(&mut app, "explode");
    assert!(fx.is_empty());
    assert!(
        toast_text(&app).contains("unknown command"),
        "{}",
        toast_text(&app)
    );
    assert_eq!(app.view, View::Containers);
}

#[test]
fn tab_completes_and_arrows_walk_the_history() {
    let mut app = app(120, 40);
    app.update(key(':'));
    type_text(&mut app, "im");
    app.update(code(KeyCode::Tab));
    match &app.mode {
        Mode::Input(PromptKind::Command, i) => assert_eq!(i.text, "images "),
        other => panic!("{other:?}"),
    }
    app.update(code(KeyCode::Enter));
    assert_eq!(app.view, View::Images);
    command_line(&mut app, "vol");
    app.update(key(':'));
    app.update(code(KeyCode::Up));
    match &app.mode {
        Mode::Input(_, i) => assert_eq!(i.text, "vol"),
        other => panic!("{other:?}"),
    }
    app.update(code(KeyCode::Up));
    match &app.mode {
        Mode::Input(_, i) => assert_eq!(i.text.trim(), "images"),
        other => panic!("{other:?}"),
    }
    app.update(code(KeyCode::Enter));
    assert_eq!(app.view, View::Images);
    // Esc leaves the prompt without running anything.
    app.update(key(':'));
    type_text(&mut app, "q");
    app.update(code(KeyCode::Esc));
    assert!(!app.quit);
    assert!(matches!(app.mode, Mode::Normal));
}

#[test]
fn esc_goes_back_through_the_views() {
    let mut app = app(120, 40);
    command_line(&mut app, "img");
    command_line(&mut app, "net");
    app.update(code(KeyCode::Esc));
    assert_eq!(app.view, View::Images);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.view, View::Containers);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.view, View::Containers);
    assert!(!app.quit, "Esc never quits");
}

#[test]
fn enter_on_a_project_shows_its_containers() {
    let mut app = app(120, 40);
    command_line(&mut app, "proj");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.view, View::Containers);
    assert_eq!(names(&app), vec!["shop-db-1", "shop-web-1"]);
    assert_eq!(
        app.table().filter.as_ref().map(|f| f.source().to_owned()),
        Some(format!("{COMPOSE_PROJECT_LABEL}=shop"))
    );
    // Esc clears the project filter, then goes back to the projects.
    app.update(code(KeyCode::Esc));
    assert_eq!(names(&app).len(), 6);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.view, View::Projects);
}

// --- details ---------------------------------------------------------------------------

#[test]
fn enter_opens_logs_and_inspect_and_esc_closes_them() {
    let mut app = app(120, 40);
    select(&mut app, "shop-web-1");
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::OpenLogs { id, opts } if *id == cid('a') && opts.follow)),
        "{fx:?}"
    );
    assert!(fx.contains(&Effect::LoadInspect(cid('a'))), "{fx:?}");
    assert_eq!(app.details.as_ref().map(|d| d.tab), Some(Tab::Logs));
    // In split layout the details follow the selection.
    let fx = app.update(key('j'));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::OpenLogs { id, .. } if *id == cid('f'))),
        "{fx:?}"
    );
    assert_eq!(app.details.as_ref().map(|d| d.id.clone()), Some(cid('f')));
    let fx = app.update(code(KeyCode::Esc));
    assert_eq!(fx, vec![Effect::CloseLogs]);
    assert!(app.details.is_none());
}

#[test]
fn tabs_cycle_and_top_loads_processes() {
    let mut app = app(120, 40);
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    let mut seen = Vec::new();
    for _ in 0..Tab::ALL.len() {
        let fx = app.update(code(KeyCode::Tab));
        let tab = app.details.as_ref().map(|d| d.tab).expect("details");
        if tab == Tab::Top {
            assert_eq!(fx, vec![Effect::LoadTop(cid('a'))]);
        }
        seen.push(tab);
    }
    assert_eq!(seen.last(), Some(&Tab::Logs), "wraps around");
    assert_eq!(seen.len(), Tab::ALL.len());
}

#[test]
fn exec_opens_an_editable_prompt_and_runs_only_on_enter() {
    let mut app = app(120, 40);
    select(&mut app, "shop-web-1");
    let fx = app.update(key('e'));
    assert!(fx.is_empty());
    assert!(matches!(&app.mode, Mode::Input(PromptKind::Exec(id), _) if *id == cid('a')));
    let fx = app.update(code(KeyCode::Enter));
    match fx.as_slice() {
        [Effect::Exec { id, cmd }] => {
            assert_eq!(*id, cid('a'));
            assert_eq!(cmd[0], "/bin/sh");
        }
        other => panic!("{other:?}"),
    }
    // A stopped container has no shell.
    select(&mut app, "broken");
    assert!(app.update(key('e')).is_empty());
    assert!(matches!(app.mode, Mode::Normal));
    assert!(toast_text(&app).contains("running"));
}

#[test]
fn log_search_jumps_between_matches() {
    use wharf_core::engine::{LogChunk, LogStream};
    let mut app = app(120, 40);
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    let d = app.details.as_mut().expect("details");
    let text: String = (0..50)
        .map(|i| {
            if i % 10 == 3 {
                format!("line {i} ERROR\n")
            } else {
                format!("line {i}\n")
            }
        })
        .collect();
    d.logs.buffer.push(&LogChunk {
        stream: LogStream::Stdout,
        bytes: text.into_bytes(),
    });
    app.update(key('/'));
    assert!(
        matches!(app.mode, Mode::Input(PromptKind::LogSearch, _)),
        "/ searches the open logs"
    );
    type_text(&mut app, "error");
    app.update(code(KeyCode::Enter));
    let d = app.details.as_ref().expect("details");
    assert!(!d.logs.follow, "a search stops following");
    assert_eq!(d.logs.current_match, Some(43), "starts at the newest match");
    app.update(key('n'));
    assert_eq!(
        app.details.as_ref().and_then(|d| d.logs.current_match),
        Some(3),
        "n wraps to the first"
    );
    app.update(key('n'));
    assert_eq!(
        app.details.as_ref().and_then(|d| d.logs.current_match),
        Some(13)
    );
    app.update(key('N'));
    assert_eq!(
        app.details.as_ref().and_then(|d| d.logs.current_match),
        Some(3)
    );
    app.update(key('F'));
    assert_eq!(
        app.details.as_ref().map(|d| d.logs.displayed().len()),
        Some(5)
    );
}

/// The CPU% cell of the row named `name`.
fn cpu_cell(app: &App, name: &str) -> String {
    let row = app.rows.iter().find(|r| r.name == name).unwrap();
    row.cells[5].text.clone()
}

#[test]
fn new_stats_update_live_cells_and_reorder_only_when_sorted_by_them() {
    let mut app = app(200, 50);
    let order = names(&app);
    let b = app.snapshot.containers[&cid('b')].name.clone();
    let a = app.snapshot.containers[&cid('a')].name.clone();
    let before = cpu_cell(&app, &b);

    // b becomes the busiest: its cell changes in place, the name order stays.
    let mut hot = stats();
    hot.series.insert(cid('b'), samples(90, 50.0));
    app.update(Msg::Stats(Arc::new(hot.clone())));
    let after = cpu_cell(&app, &b);
    assert_ne!(before, after);
    let want = format!("{:.1}", hot.latest(cid('b').as_str()).unwrap().cpu_pct);
    assert_eq!(after, want);
    assert_eq!(names(&app), order);

    // Sorted by CPU% (descending), new stats move rows.
    app.table_mut().sort_col = 5;
    app.table_mut().sort_desc = true;
    app.update(Msg::Stats(Arc::new(stats())));
    assert_eq!(names(&app)[0], a, "a is the busiest in the fixture");
    app.update(Msg::Stats(Arc::new(hot)));
    assert_eq!(names(&app)[0], b, "b is now");
}

#[test]
fn bulk_actions_report_every_object_once_all_are_in() {
    let mut app = app(120, 40);
    for n in ["broken", "nightly-job"] {
        select(&mut app, n);
        app.update(key(' '));
    }
    app.update(key('S'));
    let reqs: Vec<u64> = app.pending.keys().copied().collect();
    assert_eq!(reqs.len(), 2);
    app.update(Msg::Outcome {
        req: reqs[0],
        result: Ok(wharf_core::command::Outcome::Done),
    });
    assert!(app.toast.is_none(), "no report before every object is in");
    app.update(Msg::Outcome {
        req: reqs[1],
        result: Err(engine_err("no such container")),
    });
    let t = app.toast.clone().unwrap_or_else(|| panic!("a report"));
    assert!(t.error, "{t:?}");
    assert!(t.text.starts_with("Start × 2: 1 of 2 done"), "{t:?}");
    assert_eq!(t.text.matches(": done").count(), 1, "{t:?}");
    assert_eq!(
        t.text.matches("failed: no such container").count(),
        1,
        "{t:?}"
    );
    assert!(
        t.text.contains("broken") && t.text.contains("nightly-job"),
        "each object is named: {t:?}"
    );
}

/// Issue #9, item 12: the shell prompt names the configured detach keys before the shell
/// starts, Enter hands over, and a detach brings the list back with a note saying so.
#[test]
fn exec_names_the_detach_keys_and_a_detach_returns_to_the_list() {
    let cfg = crate::config::Config {
        detach_keys: vec!["ctrl-]".into()],
        ..Default::default()
    };
    let settings = Settings::from_config(&cfg).expect("valid config");
    let mut app = app_with(settings, snapshot(), 120, 12);
    select(&mut app, "shop-web-1");
    app.update(key('e'));
    assert!(matches!(app.mode, Mode::Input(PromptKind::Exec(_), _)));
    let screen = crate::view::tests::fixtures::render(&app);
    assert!(screen.contains("detach from the shell: ctrl-]"), "{screen}");
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Exec { id, .. } if *id == cid('a'))),
        "{fx:?}"
    );
    let fx = app.update(Msg::ExecDone(Ok(
        "detached from the shell in aaaaaaaaaaaa (it may still run there)".into(),
    )));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(selected_name(&app), "shop-web-1");
    assert!(toast_text(&app).starts_with("detached from the shell"));
    // A hand-over that timed out says why, as an error.
    app.update(Msg::ExecDone(Err(
        "the engine did not start the shell within 10 s (is it responding?)".into(),
    )));
    assert!(app.toast.as_ref().is_some_and(|t| t.error));
    assert!(toast_text(&app).contains("within 10 s"));
}

#[test]
fn detach_keys_in_the_config_are_checked() {
    let cfg = crate::config::Config {
        detach_keys: Vec::new(),
        ..Default::default()
    };
    assert!(Settings::from_config(&cfg).is_err());
    let err = crate::config::Config::parse("detach_keys = [\"hyper-x\"]\n").unwrap_err();
    assert!(err.contains("detach_keys"), "{err}");
}

/// Issue #9, item 8: secret env values are masked in the Env and Inspect tabs by default,
/// shown on the reveal key, hidden again on the next press and for the next container.
#[test]
fn secret_env_values_are_masked_until_revealed() {
    use crate::view::tests::fixtures::render;
    let mut app = app(120, 30);
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    app.update(Msg::Inspect {
        id: cid('a'),
        result: Ok(serde_json::json!({
            "Id": id('a'),
            "Config": { "Env": [
                "POSTGRES_PASSWORD=hunter2-pw",
                "DATABASE_URL=postgres://app:db-pw-42@db/app",
                "KEYBOARD_LAYOUT=fr",
                "PATH=/bin"
            ] }
        })),
    });
    app.update(key('z'));
    for tab in [Tab::Env, Tab::Inspect] {
        app.details.as_mut().expect("details").tab = tab;
        let text = render(&app);
        assert!(
            !text.contains("hunter2-pw") && !text.contains("db-pw-42"),
            "{tab:?} masked:\n{text}"
        );
        assert!(text.contains("POSTGRES_PASSWORD=••••••••"), "{text}");
        assert!(text.contains("KEYBOARD_LAYOUT=fr"), "{text}");
    }
    app.details.as_mut().expect("details").tab = Tab::Env;
    assert!(render(&app).contains("2 secret values hidden — x shows them"));
    app.update(key('x'));
    let text = render(&app);
    assert!(
        text.contains("POSTGRES_PASSWORD=hunter2-pw") && text.contains("db-pw-42"),
        "{text}"
    );
    assert!(
        text.contains("secret values shown — x hides them"),
        "{text}"
    );
    app.update(key('x'));
    assert!(!render(&app).contains("hunter2-pw"));
    // Revealed for one container only.
    app.update(key('x'));
    app.update(code(KeyCode::Esc));
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    assert!(!app.details.as_ref().expect("details").secrets_shown);
}

#[test]
fn a_valid_filter_clears_only_the_filter_error_toast() {
    let mut app = app(100, 30);
    // An engine error that happens to mention "filter" is not the filter's own error.
    app.toast("engine: the filter plugin failed", true);
    app.apply_filter("web");
    assert!(
        app.toast.as_ref().is_some_and(|t| t.error),
        "an unrelated error stays on screen"
    );
    // The filter's own parse error goes once the filter parses.
    app.apply_filter("!");
    assert!(app.toast.as_ref().is_some_and(|t| t.bad_filter));
    app.apply_filter("web");
    assert!(app.toast.is_none());
}

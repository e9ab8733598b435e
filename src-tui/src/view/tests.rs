//! Snapshot tests of every view in its states: the whole screen is drawn into a `TestBackend`
//! with a fixed clock and fixed sizes, and kept as text under `snapshots/`. A few tests also
//! check styles (search highlight, colours) that text snapshots cannot show.
//!
//! Review a changed snapshot as a user would before accepting it.

use std::sync::Arc;

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use wharf_core::engine::{LogChunk, LogStream, Processes};
use wharf_core::model::ContainerState;
use wharf_core::store::{ConnectionState, Snapshot};

use crate::app::{App, Layout, Settings};
use crate::details::Tab;
use crate::msg::Msg;

/// Fixtures shared with the `App::update` tests (`crate::app::tests`).
#[path = "../test_fixtures.rs"]
pub(crate) mod fixtures;
use fixtures::*;

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(name, render(app));
}

pub(super) fn command(app: &mut App, line: &str) {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter));
}

pub(super) fn select(app: &mut App, name: &str) {
    let i = app
        .rows
        .iter()
        .position(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row {name}"));
    app.update(key('g'));
    for _ in 0..i {
        app.update(key('j'));
    }
}

// --- containers --------------------------------------------------------------------------

#[test]
fn containers_populated() {
    snap("containers_populated", &app(160, 20));
}

#[test]
fn containers_populated_120() {
    snap("containers_populated_120", &app(120, 20));
}

#[test]
fn containers_narrow_80x24() {
    snap("containers_narrow_80x24", &app(80, 24));
}

#[test]
fn containers_empty() {
    snap(
        "containers_empty",
        &app_with(Settings::default(), empty_synced(), 100, 12),
    );
}

#[test]
fn containers_loading() {
    // Not synced yet, still connecting.
    let s = Snapshot::empty(ENDPOINT.into());
    snap(
        "containers_loading",
        &app_with(Settings::default(), s, 100, 12),
    );
}

#[test]
fn containers_failed_connection() {
    let mut s = Snapshot::empty("tcp://10.0.0.5:2376 (DOCKER_HOST)".into());
    s.connection = ConnectionState::Failed {
        reason: "TLS handshake failed: certificate signed by unknown authority".into(),
    };
    snap(
        "containers_failed_connection",
        &app_with(Settings::default(), s, 120, 12),
    );
}

#[test]
fn containers_reconnecting_keeps_the_last_rows() {
    let mut s = snapshot();
    s.connection = ConnectionState::Reconnecting {
        since_ms: NOW_MS - 12_000,
        attempt: 3,
        reason: "connection refused".into(),
    };
    snap(
        "containers_reconnecting",
        &app_with(Settings::default(), s, 120, 14),
    );
}

#[test]
fn containers_long_names_and_images() {
    let mut cs = containers();
    cs[0].name =
        "a-container-with-an-extremely-long-name-that-goes-on-and-on-and-on-forever-1".into();
    cs[0].image =
        "registry.example.com:5000/some/deeply/nested/path/to/an/image-with-a-long-name:v1.2.3-alpha.4-build.567".into();
    cs[1].name = "短い名前-ünïcödé-データベース".into();
    cs[2].image = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into();
    let s = with_containers(snapshot(), cs);
    snap(
        "containers_long_names_120",
        &app_with(Settings::default(), s.clone(), 120, 14),
    );
    snap(
        "containers_long_names_80x24",
        &app_with(Settings::default(), s, 80, 24),
    );
}

#[test]
fn containers_marks_and_filter() {
    let mut app = app(120, 14);
    app.update(key('/'));
    type_text(&mut app, "!job");
    app.update(code(KeyCode::Enter));
    app.update(key(' '));
    app.update(key('j'));
    app.update(key(' '));
    snap("containers_marks_and_filter", &app);
}

#[test]
fn containers_filter_matches_nothing() {
    let mut app = app(100, 10);
    command(&mut app, "filter nothing-has-this-name");
    snap("containers_filter_matches_nothing", &app);
}

#[test]
fn containers_running_only_with_toast() {
    let mut app = app(120, 12);
    app.update(key('a'));
    snap("containers_running_only", &app);
}

#[test]
fn containers_sorted_by_cpu_descending() {
    let mut app = app(120, 12);
    command(&mut app, "sort cpu");
    app.update(key('I'));
    snap("containers_sorted_by_cpu_desc", &app);
}

#[test]
fn containers_pending_request_and_error_toast() {
    let mut app = app(120, 12);
    select(&mut app, "broken");
    app.update(key('S'));
    snap("containers_pending_request", &app);
    let req = *app.pending.keys().next().expect("a request");
    app.update(Msg::Outcome {
        req,
        result: Err(engine_err(
            "Cannot start container: exec: \"nope\": executable file not found",
        )),
    });
    snap("containers_error_toast", &app);
}

#[test]
fn containers_read_only() {
    snap("containers_read_only", &read_only_app_sized(120, 12));
}

fn read_only_app_sized(w: u16, h: u16) -> App {
    let settings = Settings {
        read_only: true,
        ..Settings::default()
    };
    app_with(settings, snapshot(), w, h)
}

#[test]
fn container_names_with_escape_sequences_are_inert() {
    let mut cs = containers();
    cs[0].name = "evil\x1b]52;c;ZXZpbA==\x07\x1b[2J-name".into();
    cs[0].labels.insert(
        wharf_core::model::COMPOSE_PROJECT_LABEL.into(),
        "p\x1b]0;title\x07roj".into(),
    );
    let app = app_with(
        Settings::default(),
        with_containers(snapshot(), cs),
        120,
        12,
    );
    let text = render(&app);
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
    snap("containers_escape_sequences_in_names", &app);
}

// --- other resource views ----------------------------------------------------------------

#[test]
fn images_populated() {
    let mut app = app(120, 12);
    command(&mut app, "img");
    snap("images_populated", &app);
}

#[test]
fn images_empty() {
    let mut app = app_with(Settings::default(), empty_synced(), 100, 10);
    command(&mut app, "img");
    snap("images_empty", &app);
}

#[test]
fn images_narrow_80x24() {
    let mut app = app(80, 24);
    command(&mut app, "img");
    snap("images_narrow_80x24", &app);
}

#[test]
fn networks_populated() {
    let mut app = app(120, 12);
    command(&mut app, "net");
    snap("networks_populated", &app);
}

#[test]
fn volumes_populated() {
    let mut app = app(120, 10);
    command(&mut app, "vol");
    snap("volumes_populated", &app);
}

#[test]
fn volumes_loading() {
    let mut app = app_with(
        Settings::default(),
        Snapshot::empty(ENDPOINT.into()),
        100,
        10,
    );
    command(&mut app, "vol");
    snap("volumes_loading", &app);
}

#[test]
fn projects_populated() {
    let mut cs = containers();
    let mut other = container('9', "blog-app-1", "ghost:5", ContainerState::Exited);
    other.labels.insert(
        wharf_core::model::COMPOSE_PROJECT_LABEL.into(),
        "blog".into(),
    );
    other.compose = Some(wharf_core::model::ComposeRef {
        project: "blog".into(),
        service: Some("app".into()),
    });
    cs.push(other);
    let mut app = app_with(
        Settings::default(),
        with_containers(snapshot(), cs),
        120,
        10,
    );
    command(&mut app, "proj");
    snap("projects_populated", &app);
}

#[test]
fn projects_empty() {
    let mut app = app_with(Settings::default(), empty_synced(), 100, 10);
    command(&mut app, "proj");
    snap("projects_empty", &app);
}

#[test]
fn events_populated() {
    let mut app = app(140, 14);
    command(&mut app, "events");
    snap("events_populated", &app);
}

#[test]
fn events_empty() {
    let mut app = app_with(Settings::default(), empty_synced(), 100, 10);
    command(&mut app, "events");
    snap("events_empty", &app);
}

#[test]
fn engine_with_disk_usage() {
    let mut app = app(120, 30);
    command(&mut app, "engine");
    app.update(Msg::DiskUsage(Ok(disk_usage())));
    snap("engine_with_disk_usage", &app);
}

/// Over SSH the engine view says what the shared connections cost (issue #12).
#[test]
fn engine_over_ssh_shows_its_cost() {
    let mut app = app(120, 32);
    command(&mut app, "engine");
    app.update(Msg::DiskUsage(Ok(disk_usage())));
    app.ssh_cost = Some(wharf_core::model::SshCost {
        connections: 2,
        sessions: 9,
        processes: 11,
        sessions_per_connection: 8,
    });
    let text = render(&app);
    snap("engine_over_ssh", &app);
    assert!(
        text.contains(
            "ssh             2 SSH connections · 9 sessions (at most 8 each) · 11 ssh processes"
        ),
        "{text}"
    );
    // The disk usage table still fits below the taller facts.
    assert!(text.contains("Build Cache"), "{text}");
}

#[test]
fn engine_disk_usage_loading() {
    let mut app = app(120, 30);
    command(&mut app, "engine");
    snap("engine_disk_usage_loading", &app);
}

#[test]
fn engine_disk_usage_failed() {
    let mut app = app(120, 30);
    command(&mut app, "engine");
    app.update(Msg::DiskUsage(Err(engine_err("context deadline exceeded"))));
    snap("engine_disk_usage_failed", &app);
}

#[test]
fn engine_not_connected_yet() {
    let mut app = app_with(
        Settings::default(),
        Snapshot::empty(ENDPOINT.into()),
        100,
        12,
    );
    command(&mut app, "engine");
    snap("engine_waiting", &app);
}

#[test]
fn engine_narrow_80x24() {
    let mut app = app(80, 24);
    command(&mut app, "engine");
    app.update(Msg::DiskUsage(Ok(disk_usage())));
    snap("engine_narrow_80x24", &app);
}

// --- details -----------------------------------------------------------------------------

/// Log output with colours, stderr, a search target and hostile control sequences.
pub(super) fn log_chunks() -> Vec<LogChunk> {
    let out = |s: &str| LogChunk {
        stream: LogStream::Stdout,
        bytes: s.as_bytes().to_vec(),
    };
    let err = |s: &str| LogChunk {
        stream: LogStream::Stderr,
        bytes: s.as_bytes().to_vec(),
    };
    vec![
        out("nginx: starting worker processes\n"),
        out("\x1b[32mINFO\x1b[0m listening on 0.0.0.0:80\n"),
        out("10.0.0.7 - - \"GET /health HTTP/1.1\" 200 2\n"),
        err("\x1b[1;31mERROR\x1b[0m upstream timed out (110: Connection timed out)\n"),
        out("clipboard: \x1b]52;c;cm0gLXJmIH4=\x07 <- an OSC 52 write, must be inert\n"),
        out("\x1b]0;owned title\x07title change above, \x1b[2J\x1b[Hclear screen here\n"),
        out("tab\tseparated\tcolumns\n"),
        err("warning: retrying in 5s (error count 2)\n"),
        out("10.0.0.7 - - \"GET / HTTP/1.1\" 200 615\n"),
        out("partial line without newline yet"),
    ]
}

pub(super) fn inspect_json() -> serde_json::Value {
    serde_json::json!({
        "Id": id('a'),
        "Created": "2023-11-14T19:13:20Z",
        "Path": "/docker-entrypoint.sh",
        "Args": ["nginx", "-g", "daemon off;"],
        "State": { "Status": "running", "Running": true, "Pid": 4242, "ExitCode": 0 },
        "Image": "sha256:1111",
        "Name": "/shop-web-1",
        "RestartCount": 0,
        "HostConfig": { "NetworkMode": "shop_default", "Memory": 0, "NanoCpus": 500000000 },
        "Config": {
            "Hostname": "aaaaaaaaaaaa",
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25.3", "SECRET_LEVEL=\u{1b}]52;c;ZXZpbA==\u{7}low"],
            "Image": "nginx:1.25-alpine",
            "Labels": { "com.docker.compose.project": "shop", "tier": "frontend" }
        },
        "NetworkSettings": { "Networks": { "shop_default": { "IPAddress": "172.19.0.2" } } }
    })
}

pub(super) fn processes() -> Processes {
    Processes {
        titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
            .map(String::from)
            .to_vec(),
        rows: vec![
            [
                "root",
                "4242",
                "4221",
                "0",
                "19:13",
                "?",
                "00:00:00",
                "nginx: master process nginx -g daemon off;",
            ]
            .map(String::from)
            .to_vec(),
            [
                "101",
                "4290",
                "4242",
                "0",
                "19:13",
                "?",
                "00:00:01",
                "nginx: worker process",
            ]
            .map(String::from)
            .to_vec(),
        ],
    }
}

/// The app with shop-web-1's details open on `tab`, logs and inspect loaded.
pub(super) fn details_app(w: u16, h: u16, tab: Tab, full: bool) -> App {
    let mut app = app(w, h);
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    if full {
        app.update(key('z'));
        assert_eq!(app.layout, Layout::Full);
    }
    app.update(Msg::Inspect {
        id: cid('a'),
        result: Ok(inspect_json()),
    });
    app.update(Msg::Top {
        id: cid('a'),
        result: Ok(processes()),
    });
    let d = app.details.as_mut().expect("details open");
    for c in log_chunks() {
        d.logs.buffer.push(&c);
    }
    d.tab = tab;
    app
}

#[test]
fn details_every_tab_split_and_full() {
    for tab in Tab::ALL {
        for (full, layout) in [(false, "split"), (true, "full")] {
            let app = details_app(120, 32, tab, full);
            let text = render(&app);
            assert!(
                !text.contains('\x1b') && !text.contains('\x07'),
                "{tab:?} {layout}: raw control bytes"
            );
            insta::assert_snapshot!(
                format!("details_{}_{layout}", tab.title().to_lowercase()),
                text
            );
        }
    }
}

#[test]
fn details_logs_search_highlight() {
    let mut app = details_app(120, 24, Tab::Logs, true);
    app.update(key('/'));
    snap("details_logs_search_prompt", &app);
    type_text(&mut app, "error");
    app.update(code(KeyCode::Enter));
    snap("details_logs_search", &app);

    // The current match is highlighted in yellow, other matches differently; colours from
    // the container (green INFO, bold ERROR) are kept.
    // The search starts at the newest match; `n` wraps to the oldest, so both are on screen.
    app.update(key('n'));
    snap("details_logs_search_next", &app);
    let t = draw(&app);
    let buf = t.backend().buffer();
    let find = |needle: &str| -> (u16, u16) {
        let text = screen_text(&t);
        let (y, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} on screen:\n{text}"));
        let x = unicode_width::UnicodeWidthStr::width(&line[..line.find(needle).unwrap_or(0)]);
        (x as u16, y as u16)
    };
    let (x, y) = find("ERROR");
    let cur = &buf[(x, y)];
    assert_eq!(
        cur.bg,
        Color::Yellow,
        "the current match is yellow: {cur:?}"
    );
    assert!(cur.modifier.contains(Modifier::BOLD), "{cur:?}");
    let (x, y) = find("error count");
    let other = &buf[(x, y)];
    assert_eq!(other.bg, Color::DarkGray, "other matches: {other:?}");
    let (x, y) = find("INFO");
    assert_ne!(
        buf[(x, y)].fg,
        Color::Reset,
        "SGR colours are kept as styling"
    );

    app.update(key('F'));
    snap("details_logs_only_matches", &app);
}

#[test]
fn details_logs_states() {
    // Nothing yet.
    let mut app = app(100, 20);
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    snap("details_logs_waiting", &app);
    // Ended with an error.
    app.update(Msg::LogsEnded(Some(engine_err("container not found"))));
    snap("details_logs_ended", &app);
    // Wrap, paused, timestamps off, long lines.
    let mut app = details_app(80, 24, Tab::Logs, true);
    let d = app.details.as_mut().expect("details");
    d.logs.buffer.push(&LogChunk {
        stream: LogStream::Stdout,
        bytes: format!("{}\n", "a-very-long-line ".repeat(12)).into_bytes(),
    });
    app.update(key('w'));
    app.update(key('P'));
    snap("details_logs_wrapped_paused_80x24", &app);
}

/// Screen rows of the log pane (between the details title and the status line).
fn log_rows(app: &App) -> Vec<String> {
    let text = render(app);
    let lines: Vec<&str> = text.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.contains(" Logs  Stats "))
        .unwrap_or_else(|| panic!("no details title:\n{text}"));
    let status = lines
        .iter()
        .rposition(|l| l.contains(" lines"))
        .unwrap_or_else(|| panic!("no log status line:\n{text}"));
    lines[top + 1..status]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn details_logs_stay_full_when_jumping_to_a_late_match_and_scrolling() {
    let mut app = details_app(100, 24, Tab::Logs, true);
    let d = app.details.as_mut().expect("details");
    let text: String = (1..=80).map(|i| format!("line {i}\n")).collect();
    d.logs.buffer.push(&LogChunk {
        stream: LogStream::Stdout,
        bytes: text.into_bytes(),
    });
    // The newest match is the very last line: the pane still ends with it, full.
    app.update(key('/'));
    type_text(&mut app, "line 80");
    app.update(code(KeyCode::Enter));
    let rows = log_rows(&app);
    assert!(rows.last().unwrap().contains("line 80"), "{rows:#?}");
    assert!(
        rows.iter().all(|r| !r.trim().is_empty()),
        "no blank rows: {rows:#?}"
    );
    // One step up moves the view one line at once (no dead presses past the end).
    app.update(key('k'));
    let rows = log_rows(&app);
    assert!(rows.last().unwrap().contains("line 79"), "{rows:#?}");
    // From following, too.
    app.update(key('f'));
    app.update(key('k'));
    let rows = log_rows(&app);
    assert!(rows.last().unwrap().contains("line 79"), "{rows:#?}");
}

#[test]
fn details_logs_wrapped_stderr_keeps_its_marker_on_every_row() {
    let mut app = details_app(60, 20, Tab::Logs, true);
    let d = app.details.as_mut().expect("details");
    d.logs.buffer.push(&LogChunk {
        stream: LogStream::Stderr,
        bytes: format!("{}END\n", "0123456789".repeat(15)).into_bytes(),
    });
    app.update(key('w'));
    let rows = log_rows(&app);
    let wrapped: Vec<&String> = rows
        .iter()
        .skip_while(|r| !r.contains("0123456789"))
        .take_while(|r| !r.trim().is_empty())
        .collect();
    assert_eq!(
        wrapped.len(),
        3,
        "150 + 3 characters in rows of 59: {rows:#?}"
    );
    for r in &wrapped {
        assert!(r.starts_with('▍'), "stderr marker on every row: {r:?}");
    }
    assert!(wrapped[2].contains("END"), "{wrapped:#?}");
}

#[test]
fn details_logs_dropped_lines() {
    let settings = Settings {
        log_buffer: 5,
        ..Settings::default()
    };
    let mut app = app_with(settings, snapshot(), 100, 16);
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    let d = app.details.as_mut().expect("details");
    let text: String = (1..=12).map(|i| format!("line {i}\n")).collect();
    d.logs.buffer.push(&LogChunk {
        stream: LogStream::Stdout,
        bytes: text.into_bytes(),
    });
    snap("details_logs_bounded_buffer", &app);
}

#[test]
fn details_loading_and_failed_states() {
    let mut app = app(100, 20);
    select(&mut app, "shop-web-1");
    app.update(code(KeyCode::Enter));
    for tab in [Tab::Inspect, Tab::Top, Tab::Env] {
        app.details.as_mut().expect("details").tab = tab;
        insta::assert_snapshot!(
            format!("details_{}_loading", tab.title().to_lowercase()),
            render(&app)
        );
    }
    app.update(Msg::Inspect {
        id: cid('a'),
        result: Err(engine_err("No such container: aaaaaaaaaaaa")),
    });
    app.update(Msg::Top {
        id: cid('a'),
        result: Err(engine_err("container is not running")),
    });
    for tab in [Tab::Inspect, Tab::Top] {
        app.details.as_mut().expect("details").tab = tab;
        insta::assert_snapshot!(
            format!("details_{}_failed", tab.title().to_lowercase()),
            render(&app)
        );
    }
}

#[test]
fn details_stats_states() {
    // 80 columns: the charts stack.
    snap(
        "details_stats_full_80x24",
        &details_app(80, 24, Tab::Stats, true),
    );
    // No samples yet for a running container; none at all for a stopped one.
    let mut app = app(100, 20);
    select(&mut app, "shop-db-1");
    app.update(Msg::Stats(Arc::new(Default::default())));
    app.update(key('t'));
    snap("details_stats_collecting", &app);
    select(&mut app, "broken");
    snap("details_stats_stopped", &app);
}

#[test]
fn details_inspect_search_and_sections() {
    let mut app = details_app(120, 24, Tab::Inspect, true);
    app.update(key(']'));
    app.update(key(']'));
    snap("details_inspect_next_section", &app);
    app.update(key('/'));
    type_text(&mut app, "nginx_version");
    app.update(code(KeyCode::Enter));
    snap("details_inspect_search", &app);
}

#[test]
fn details_of_a_removed_container() {
    let mut app = details_app(100, 20, Tab::Ports, false);
    let cs: Vec<_> = containers()
        .into_iter()
        .filter(|c| c.name != "shop-web-1")
        .collect();
    app.update(Msg::Snapshot(Arc::new(with_containers(snapshot(), cs))));
    snap("details_container_removed", &app);
}

#[test]
fn details_empty_lists() {
    let mut app = app(100, 16);
    select(&mut app, "cache");
    app.update(code(KeyCode::Enter));
    app.update(key('z'));
    for tab in [Tab::Ports, Tab::Mounts, Tab::Labels] {
        app.details.as_mut().expect("details").tab = tab;
        insta::assert_snapshot!(
            format!("details_{}_empty", tab.title().to_lowercase()),
            render(&app)
        );
    }
}

// --- popups and prompts ----------------------------------------------------------------------

#[test]
fn confirm_remove_with_toggles() {
    let mut app = app(120, 24);
    select(&mut app, "broken");
    app.update(key(' '));
    app.update(key(' '));
    app.update(key('D'));
    snap("confirm_remove", &app);
    app.update(key('f'));
    app.update(key('v'));
    snap("confirm_remove_force_volumes", &app);
}

#[test]
fn confirm_stop_narrow_80x24() {
    let mut app = app(80, 24);
    select(&mut app, "shop-web-1");
    app.update(key('s'));
    snap("confirm_stop_80x24", &app);
}

#[test]
fn confirm_many_objects_is_cut_with_a_count() {
    let cs: Vec<_> = (0..30)
        .map(|i| {
            let mut c = container(
                'a',
                &format!("worker-{i:02}"),
                "busybox:latest",
                ContainerState::Running,
            );
            c.id = wharf_core::model::ContainerId::from(format!("{i:02}{}", "c".repeat(62)));
            c
        })
        .collect();
    let mut app = app_with(Settings::default(), with_containers(snapshot(), cs), 80, 24);
    app.update(key('G'));
    app.update(key('v'));
    app.update(key('g'));
    app.update(key('v'));
    app.update(key('K'));
    snap("confirm_kill_many_80x24", &app);
}

#[test]
fn confirm_prune_images() {
    let mut app = app(120, 20);
    command(&mut app, "prune images");
    // The engine's answer: the one unused dangling image of the fixture.
    let image = app
        .snapshot
        .images
        .values()
        .find(|i| i.is_dangling())
        .map(|i| (**i).clone())
        .unwrap_or_else(|| panic!("no dangling image in the fixture"));
    let plan = wharf_core::rules::prune::PrunePlan {
        target: wharf_core::model::PruneTarget::Images { all: false },
        items: wharf_core::rules::prune::candidates(
            wharf_core::model::PruneTarget::Images { all: false },
            &wharf_core::rules::prune::Listing {
                containers: &[],
                images: &[image],
                networks: &[],
                volumes: &[],
                labels_anonymous: false,
            },
        ),
    };
    app.update(Msg::PrunePlan(Ok(plan)));
    snap("confirm_prune_images", &app);
}

#[test]
fn confirm_long_names_wrap_inside_the_popup() {
    let mut cs = containers();
    cs[0].name =
        "a-container-with-an-extremely-long-name-that-goes-on-and-on-and-on-and-on-and-on-forever"
            .into();
    let mut app = app_with(Settings::default(), with_containers(snapshot(), cs), 80, 24);
    select(
        &mut app,
        "a-container-with-an-extremely-long-name-that-goes-on-and-on-and-on-and-on-and-on-forever",
    );
    app.update(key('D'));
    snap("confirm_long_name_80x24", &app);
}

#[test]
fn help_popup() {
    let mut app = app(120, 50);
    app.update(key('?'));
    snap("help", &app);
}

#[test]
fn help_popup_80x24() {
    let mut app = app(80, 24);
    app.update(key('?'));
    snap("help_80x24", &app);
}

#[test]
fn help_popup_read_only() {
    let mut app = read_only_app_sized(120, 50);
    app.update(key('?'));
    snap("help_read_only", &app);
}

#[test]
fn command_prompt_with_completions() {
    let mut app = app(120, 10);
    app.update(key(':'));
    snap("command_prompt_empty", &app);
    type_text(&mut app, "p");
    snap("command_prompt_completions", &app);
    type_text(&mut app, "rune ");
    snap("command_prompt_prune_arguments", &app);
    type_text(&mut app, "im");
    app.update(code(KeyCode::Tab));
    snap("command_prompt_after_tab", &app);
}

#[test]
fn filter_prompt_while_typing() {
    let mut app = app(120, 10);
    app.update(key('/'));
    type_text(&mut app, "sh");
    snap("filter_prompt_typing", &app);
}

#[test]
fn exec_prompt_suggests_a_shell() {
    let mut app = app(120, 10);
    select(&mut app, "shop-web-1");
    app.update(key('e'));
    snap("exec_prompt", &app);
}

#[test]
fn read_only_toast_when_a_mutation_is_refused() {
    let mut app = read_only_app_sized(120, 10);
    app.update(key('s'));
    snap("read_only_refused_toast", &app);
}

// --- regressions: bugs the snapshots once showed, checked directly (no snapshots here, so
// ignoring one while it is broken never leaves an orphan) ------------------------------------

#[test]
fn read_only_marker_is_visible_at_120_columns() {
    let text = render(&read_only_app_sized(120, 12));
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("READ-ONLY"), "{header}");
}

#[test]
fn position_indicator_leaves_column_titles_readable() {
    let text = render(&app(120, 12));
    let titles = text.lines().nth(2).unwrap_or_default();
    assert!(titles.contains("PROJECT"), "{titles}");
}

#[test]
fn footer_shows_the_help_key_at_80_columns() {
    for w in [80, 120] {
        let text = render(&app(w, 24));
        let footer = text.lines().last().unwrap_or_default();
        assert!(footer.contains("help"), "{w} columns: {footer}");
    }
}

#[test]
fn confirm_popup_always_shows_its_answer_keys() {
    let mut cs = containers();
    cs[0].name =
        "a-container-with-an-extremely-long-name-that-goes-on-and-on-and-on-and-on-and-on-forever"
            .into();
    let mut app = app_with(Settings::default(), with_containers(snapshot(), cs), 80, 24);
    app.update(key('D'));
    let text = render(&app);
    assert!(
        text.contains("y/enter: do it") && text.contains("[x] force"),
        "{text}"
    );
}

#[test]
fn help_shows_every_key_or_scrolls() {
    for (w, h) in [(80, 24), (120, 50)] {
        let mut app = app(w, h);
        app.update(key('?'));
        // Every screen of the help, scrolled down with j.
        let mut text = render(&app);
        for _ in 0..10 {
            app.update(key('j'));
            text.push_str(&render(&app));
        }
        for needle in [
            "D del",
            "save logs",
            "previous section",
            ":containers",
            "update images",
        ] {
            assert!(text.contains(needle), "{w}x{h}: {needle} missing:\n{text}");
        }
    }
}

#[test]
fn tls_not_verified_is_shown_first_in_red() {
    let settings = Settings {
        tls_unverified: true,
        ..Settings::default()
    };
    let app = app_with(settings, snapshot(), 120, 12);
    snap("containers_tls_not_verified", &app);
    let t = draw(&app);
    let text = screen_text(&t);
    let first = text.lines().next().unwrap_or_default();
    let x = first
        .find("TLS NOT VERIFIED")
        .unwrap_or_else(|| panic!("not in the header: {first}"));
    assert!(x < first.find("unix://").unwrap_or(usize::MAX), "{first}");
    let cell = &t.backend().buffer()[(x as u16, 0)];
    assert_eq!(cell.fg, app.settings.palette.error, "{cell:?}");
    assert!(cell.modifier.contains(Modifier::BOLD), "{cell:?}");
    // Even 30 columns wide, it is not pushed out of the header.
    let narrow = app_with(
        Settings {
            tls_unverified: true,
            ..Settings::default()
        },
        snapshot(),
        30,
        8,
    );
    assert!(render(&narrow)
        .lines()
        .next()
        .unwrap_or_default()
        .contains("TLS NOT VERIFIED"));
    // Without the flag in use, nothing is shown.
    assert!(!render(&app_with(Settings::default(), snapshot(), 120, 12)).contains("NOT VERIFIED"));
}

/// A frozen engine: the header says since when it has not answered, and the rows stay; the
/// container whose refresh fails is marked in its row and counted in the header.
#[test]
fn containers_not_responding_keeps_the_last_rows() {
    let mut s = snapshot();
    s.connection = ConnectionState::NotResponding {
        since_ms: NOW_MS - 8_000,
        reason: "the engine has not answered for 4 s".into(),
    };
    s.refresh_failures = std::sync::Arc::new(vec![wharf_core::store::RefreshFailure {
        object: wharf_core::store::ObjectRef::Container(cid('a')),
        reason: "json: cannot unmarshal".into(),
        since_ms: NOW_MS - 60_000,
        attempts: 3,
        retry_at_ms: NOW_MS + 4_000,
    }]);
    snap(
        "containers_not_responding",
        &app_with(Settings::default(), s, 140, 14),
    );
}

/// Issue #9, item 10: bidi overrides and zero-width characters from the engine show as
/// visible markers everywhere the terminal UI draws engine text (table, labels, env,
/// inspect, confirmation, toast), never as themselves.
#[test]
fn invisible_characters_are_shown_as_markers() {
    let mut cs = containers();
    cs[0].name = "v=\u{202E}gnp.exe".into();
    cs[0].command = "sh -c z\u{200B}w".into();
    cs[0]
        .labels
        .insert("tier\u{2066}".into(), "front\u{202E}end\u{FEFF}".into());
    let mut app = app_with(
        Settings::default(),
        with_containers(snapshot(), cs),
        160,
        30,
    );
    select(&mut app, "v=\u{202E}gnp.exe");
    let screens = {
        let mut v = vec![render(&app)];
        app.update(key('K'));
        v.push(render(&app));
        app.update(key('n'));
        app.update(Msg::ExecDone(Err("exec \u{202E}failed".into())));
        v.push(render(&app));
        app.update(code(KeyCode::Enter));
        app.update(Msg::Inspect {
            id: cid('a'),
            result: Ok(serde_json::json!({
                "Config": { "Env": ["A=\u{202E}b"], "Labels": { "tier\u{2066}": "x" } }
            })),
        });
        for tab in [Tab::Labels, Tab::Env, Tab::Inspect] {
            app.details.as_mut().expect("details").tab = tab;
            v.push(render(&app));
        }
        v
    };
    let all = screens.join("\n");
    for c in ['\u{202E}', '\u{200B}', '\u{2066}', '\u{FEFF}'] {
        assert!(!all.contains(c), "{c:?} drawn as itself:\n{all}");
    }
    for marker in [
        "v=⟨U+202E⟩gnp.exe",
        "tier⟨U+2066⟩=front⟨U+202E⟩end⟨U+FEFF⟩",
        "exec ⟨U+202E⟩failed",
        "A=⟨U+202E⟩b",
    ] {
        assert!(all.contains(marker), "{marker} missing:\n{all}");
    }
}

/// `:ctx`'s picker over the containers, the context in use marked, a broken file's row in its
/// place with the error, while a switch is shown in the header.
#[test]
fn context_picker_and_switching() {
    use wharf_core::engine::connect::ContextSummary;
    let row =
        |name: &str, host: &str, description: Option<&str>, error: Option<&str>| ContextSummary {
            name: name.into(),
            description: description.map(str::to_owned),
            host: host.into(),
            current: false,
            error: error.map(str::to_owned),
        };
    let mut app = app(120, 30);
    app.contexts.current = Some("prod".into());
    command(&mut app, "ctx");
    app.update(Msg::Contexts(Ok(vec![
        row(
            "default",
            "unix:///var/run/docker.sock",
            Some("Current DOCKER_HOST based configuration"),
            None,
        ),
        row(
            "prod",
            "ssh://deploy@prod-1.example.internal",
            Some("production"),
            None,
        ),
        row("staging", "tcp://10.0.0.7:2376", None, None),
        row(
            "5e1f00aa",
            "",
            None,
            Some("malformed context file /root/.docker/contexts/meta/5e1f00aa/meta.json"),
        ),
    ])));
    snap("context_picker", &app);
    app.update(key('j'));
    app.update(code(KeyCode::Enter));
    snap("context_switching", &app);
}

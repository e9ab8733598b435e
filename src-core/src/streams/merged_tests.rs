use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::*;
use crate::model::ComposeRef;
use crate::streams::reorder::{Reorder, MAX_PENDING};

fn container(name: &str, labels: &[(&str, &str)]) -> Container {
    let labels: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Container {
        id: ContainerId::from("0123456789abcdef"),
        name: name.to_owned(),
        image: "busybox".into(),
        image_id: None,
        command: "sh".into(),
        created: 1,
        state: ContainerState::Running,
        status: String::new(),
        health: None,
        started_at: Some(1),
        finished_at: None,
        exit_code: None,
        restart_count: None,
        ports: Vec::new(),
        mounts: Vec::new(),
        networks: Vec::new(),
        compose: ComposeRef::from_labels(&labels),
        labels,
        pid: None,
        cpu_limit: None,
        memory_limit: None,
        tty: false,
        security: None,
        detailed: false,
    }
}

fn line(ts: Option<&str>, text: &str) -> LogLine {
    LogLine {
        seq: 0,
        stream: LogStream::Stdout,
        timestamp: ts.map(str::to_owned),
        text: StyledText {
            text: text.to_owned(),
            runs: Vec::new(),
        },
        truncated: false,
    }
}

#[test]
fn selections_parse_or_say_what_to_write() {
    assert_eq!(
        Selection::parse("project=shop").ok(),
        Some(Selection::Project("shop".into()))
    );
    assert_eq!(
        Selection::parse("label=tier=db").ok(),
        Some(Selection::Label {
            key: "tier".into(),
            value: Some("db".into())
        })
    );
    assert_eq!(
        Selection::parse("label=tier").ok(),
        Some(Selection::Label {
            key: "tier".into(),
            value: None
        })
    );
    for bad in ["", "shop", "project=", "label==x", "image=busybox"] {
        let e = Selection::parse(bad).err().map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(|m| m.contains("project=NAME")),
            "{bad:?}: {e:?}"
        );
    }
}

#[test]
fn keys_and_prefixes_come_from_compose_labels_else_the_name() {
    let web = container(
        "shop-web-1",
        &[
            ("com.docker.compose.project", "shop"),
            ("com.docker.compose.service", "web"),
            ("com.docker.compose.container-number", "1"),
        ],
    );
    assert_eq!(source_key(&web), "compose:shop/web/1");
    assert_eq!(source_prefix(&web), "web");
    let web2 = container(
        "shop-web-2",
        &[
            ("com.docker.compose.project", "shop"),
            ("com.docker.compose.service", "web"),
            ("com.docker.compose.container-number", "2"),
        ],
    );
    assert_eq!(source_key(&web2), "compose:shop/web/2");
    assert_eq!(source_prefix(&web2), "web-2");
    let plain = container("db", &[]);
    assert_eq!(source_key(&plain), "name:db");
    assert_eq!(source_prefix(&plain), "db");
    // Hostile names are inert and short.
    let evil = container(&format!("a\u{202E}b{}", "x".repeat(40)), &[]);
    let p = source_prefix(&evil);
    assert!(p.contains("⟨U+202E⟩") && p.ends_with('…'), "{p}");
    assert_eq!(p.chars().count(), MAX_PREFIX);
}

#[test]
fn decorate_puts_a_coloured_padded_prefix_before_the_styled_text() {
    let mut l = line(None, "red!");
    l.text.runs = vec![(
        0,
        Style {
            fg: Some(Color::Indexed(1)),
            ..Style::default()
        },
    )];
    let d = decorate(l, "db", 4, 6);
    assert_eq!(d.text.text, "db   │ red!");
    let pieces: Vec<(&str, Option<Color>)> = d.text.pieces().map(|(s, st)| (s, st.fg)).collect();
    assert_eq!(
        pieces,
        vec![
            ("db   │ ", Some(Color::Indexed(6))),
            ("red!", Some(Color::Indexed(1)))
        ]
    );
}

#[test]
fn engine_timestamps_sort_in_time_order() {
    let a = order_key(Some("2026-12-01T03:00:00.5Z"), "");
    let b = order_key(Some("2026-12-01T03:00:00.123456789Z"), "");
    let c = order_key(Some("2026-12-01T03:00:01Z"), "");
    assert!(b < a && a < c, "{a} {b} {c}");
    assert_eq!(order_key(Some("garbage"), "fallback"), "fallback");
    assert_eq!(order_key(None, "fallback"), "fallback");
}

#[test]
fn the_window_orders_late_lines_and_stays_bounded() {
    let t0 = Instant::now();
    let mut r = Reorder::new(Duration::from_millis(300));
    r.push(
        order_key(Some("2026-12-01T03:00:02Z"), ""),
        line(None, "a2"),
        t0,
    );
    r.push(
        order_key(Some("2026-12-01T03:00:01Z"), ""),
        line(None, "b1"),
        t0,
    );
    assert!(r.pop_ready(t0, false).is_none(), "held for the window");
    let later = t0 + Duration::from_millis(300);
    let out: Vec<String> = std::iter::from_fn(|| r.pop_ready(later, false))
        .map(|l| l.text.text)
        .collect();
    assert_eq!(out, vec!["b1", "a2"]);

    // A quiet source is not held back by a lagging one: once its line has waited the window
    // it goes out, and the lagging source's older line that arrives after it follows at once
    // (holding it could not put it back in order).
    r.push(
        order_key(Some("2026-12-01T03:00:05Z"), ""),
        line(None, "quiet"),
        later,
    );
    let much_later = later + Duration::from_millis(300);
    let mut out: Vec<String> = std::iter::from_fn(|| r.pop_ready(much_later, false))
        .map(|l| l.text.text)
        .collect();
    r.push(
        order_key(Some("2026-12-01T03:00:04Z"), ""),
        line(None, "late"),
        much_later,
    );
    out.extend(std::iter::from_fn(|| r.pop_ready(much_later, false)).map(|l| l.text.text));
    assert_eq!(out, vec!["quiet", "late"]);
    assert!(r.is_empty());

    // A flood never holds more than the cap.
    for i in 0..(MAX_PENDING * 3) {
        r.push(format!("{i:09}"), line(None, "y"), t0);
        while r.pop_ready(t0, false).is_some() {}
    }
    assert!(r.high_water() <= MAX_PENDING + 1, "{}", r.high_water());
}

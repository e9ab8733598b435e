//! Markers on a container's Stats export, end to end: `wharf watch` records a compose
//! service's container being restarted (`die` with its exit code, `start`, `restart`); the
//! terminal's Stats tab of that container lists the die over its graphs and its export (the
//! export key, then a file name) draws it as a line in its kind's colour, with its label.

use std::path::Path;
use std::time::{Duration, Instant};

use wharf_core::history::{
    read_markers, HistoryDb, HistoryOptions, MarkerKind, MarkerScope, SeriesKey,
};
use wharf_tests::{require_engine, unique_name};

use crate::require_tmux;
use crate::term::Wharf;
use crate::watch::{watch, Recorder};

const TIMEOUT: Duration = Duration::from_secs(60);

fn recorded_key(db: &Path, key: &str) -> Option<SeriesKey> {
    let reader = HistoryDb::open(&HistoryOptions::new(db)).ok()?;
    reader.keys().ok()?.into_iter().find(|k| k.key == key)
}

/// Does the SVG draw a vertical line in `hex` (`#RRGGBB`, upper case)?
fn has_vertical_line(svg: &str, hex: &str) -> bool {
    svg.lines().any(|l| {
        let up = l.to_uppercase();
        up.contains("<POLYLINE") && up.contains(hex) && {
            let pts: Vec<&str> = l
                .split("points=\"")
                .nth(1)
                .and_then(|p| p.split('"').next())
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            pts.len() == 2 && pts[0].split(',').next() == pts[1].split(',').next()
        }
    })
}

#[test]
fn a_restarted_containers_stats_export_draws_its_die_marker() {
    require_tmux!();
    let engine = require_engine!();
    let project = unique_name("cmarks");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let log = dir.path().join("watch.log");
    let _rec = Recorder(watch(engine.host(), &db, &log, &[]).spawn().unwrap());
    let web = engine
        .container("web")
        .compose(&project, "web")
        .cmd(&["sleep", "600"])
        .start();
    let key = format!("compose:{project}/web");
    let until = Instant::now() + TIMEOUT;
    while recorded_key(&db, &key).is_none() {
        let err = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(Instant::now() < until, "watch never recorded: {err}");
        std::thread::sleep(Duration::from_millis(200));
    }
    // `sleep` as PID 1 ignores SIGTERM: with no grace it is killed (exit 137) and started again.
    engine.docker_ok(&["restart", "-t", "0", web.id()]);
    let scope = MarkerScope::Series(recorded_key(&db, &key).unwrap());
    let until = Instant::now() + TIMEOUT;
    loop {
        let m = read_markers(&db, &scope, 0, i64::MAX).unwrap();
        if m.iter()
            .any(|m| m.kind == MarkerKind::Die && m.detail == "exit 137")
        {
            break;
        }
        assert!(Instant::now() < until, "no die marker recorded: {m:?}");
        std::thread::sleep(Duration::from_millis(200));
    }

    // The terminal: the container's Stats tab lists the die on its range line.
    let db_env = db.display().to_string();
    let mut w = Wharf::start_with_env(engine, &[], &[("WHARF_HISTORY", &db_env)]);
    w.wait_ready();
    w.filter_to(web.name());
    w.keys(&["t"]);
    w.wait(
        "the die on the Stats tab's range line and live graphs",
        |s| s.contains("die exit 137") && s.contains("CPU") && !s.contains("collecting samples"),
    );

    // Its export draws it: a vertical line in the die's colour, labelled.
    let svg = dir.path().join("web-stats.svg");
    w.keys(&["C-s"]);
    w.wait_for_text("export the container's graphs to");
    w.keys(&["C-u"]);
    w.type_text(&svg.display().to_string());
    w.keys(&["Enter"]);
    let s = w.wait("the export's outcome", |s| {
        s.contains("exported the graphs to") || s.contains("export failed")
    });
    assert!(s.contains("web-stats.svg"), "{s}");
    let text = std::fs::read_to_string(&svg).unwrap();
    let c = wharf_core::chart::marker_color(MarkerKind::Die);
    let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    assert!(has_vertical_line(&text, &hex), "die drawn in {hex}");
    assert!(text.to_uppercase().contains(">\nDIE\n<"), "die labelled");
    for title in ["CPU", "Memory", "Network I/O", "Block I/O"] {
        assert!(text.contains(title), "{title} graph");
    }

    // The same name again is not replaced without a y.
    let before = std::fs::metadata(&svg).unwrap().len();
    w.keys(&["C-s"]);
    w.wait_for_text("export the container's graphs to");
    w.keys(&["C-u"]);
    w.type_text(&svg.display().to_string());
    w.keys(&["Enter"]);
    w.wait_for_text("type y to overwrite it");
    w.keys(&["n", "Enter"]);
    w.wait_for_text("not overwritten");
    assert_eq!(std::fs::metadata(&svg).unwrap().len(), before);
}

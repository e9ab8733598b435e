//! Markers on the graphs, end to end: `wharf watch` records a container's `die` and the alert
//! it fires; the core returns both for the container's series and for its project's
//! dashboard; the terminal's `:dash PROJECT` lists them over its graphs and its SVG export
//! draws them in their colours.

use std::path::Path;
use std::time::{Duration, Instant};

use wharf_core::history::{
    read_markers, HistoryDb, HistoryMarker, HistoryOptions, MarkerKind, MarkerScope, SeriesKey,
};
use wharf_core::streams::DashScope;
use wharf_tests::{require_engine, unique_name};

use crate::require_tmux;
use crate::term::Wharf;
use crate::watch::{watch, Recorder};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The series key `wharf watch` recorded as `key` (its engine is the session's endpoint).
fn recorded_key(db: &Path, key: &str) -> Option<SeriesKey> {
    let reader = HistoryDb::open(&HistoryOptions::new(db)).ok()?;
    reader.keys().ok()?.into_iter().find(|k| k.key == key)
}

fn wait_markers(
    db: &Path,
    what: &str,
    scope: impl Fn() -> Option<MarkerScope>,
    f: impl Fn(&[HistoryMarker]) -> bool,
) -> Vec<HistoryMarker> {
    let until = Instant::now() + TIMEOUT;
    loop {
        if let Some(s) = scope() {
            let m = read_markers(db, &s, 0, i64::MAX).expect("markers");
            if f(&m) {
                return m;
            }
        }
        assert!(Instant::now() < until, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn has(m: &[HistoryMarker], kind: MarkerKind, detail: &str) -> bool {
    m.iter()
        .any(|m| m.kind == kind && m.detail.contains(detail))
}

#[test]
fn a_dead_container_and_its_alert_are_markers_in_the_core_the_dash_and_the_svg() {
    require_tmux!();
    let engine = require_engine!();
    let project = unique_name("marks");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let rules = dir.path().join("alerts.toml");
    std::fs::write(
        &rules,
        format!(
            "[[rule]]\nname = \"crashed\"\nselect = {{ project = \"^{project}$\" }}\n\
             trigger = {{ event = \"die\" }}\ncooldown_secs = 600\ncommand = [\"true\"]\n"
        ),
    )
    .unwrap();
    let rules_arg = rules.display().to_string();
    let log = dir.path().join("watch.log");
    let _rec = Recorder(
        watch(engine.host(), &db, &log, &["--alerts", &rules_arg])
            .spawn()
            .unwrap(),
    );
    let _rest = engine
        .container("rest")
        .compose(&project, "rest")
        .cmd(&["sleep", "300"])
        .start();
    let rest_key = format!("compose:{project}/rest");
    let until = Instant::now() + TIMEOUT;
    while recorded_key(&db, &rest_key).is_none() {
        let err = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(Instant::now() < until, "watch never recorded: {err}");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Started once the recorder follows the engine; dies by itself with code 3.
    let _crash = engine
        .container("crash")
        .compose(&project, "crash")
        .cmd(&["sh", "-c", "sleep 2; exit 3"])
        .start();

    // The core: the series' markers, then the project dashboard's.
    let crash_key = format!("compose:{project}/crash");
    let series = wait_markers(
        &db,
        "the die and its alert are markers of the series",
        || recorded_key(&db, &crash_key).map(MarkerScope::Series),
        |m| has(m, MarkerKind::Die, "exit 3") && has(m, MarkerKind::Alert, "crashed: "),
    );
    let engine_name = recorded_key(&db, &rest_key).unwrap().engine;
    let scope = DashScope::Project {
        name: project.clone(),
    };
    let dash = read_markers(
        &db,
        &MarkerScope::Dash {
            engine: engine_name,
            scope,
        },
        0,
        i64::MAX,
    )
    .unwrap();
    assert!(
        series.iter().all(|m| dash.contains(m)),
        "{series:?} in {dash:?}"
    );

    // The terminal: `:dash PROJECT` lists them on its events line.
    let db_env = db.display().to_string();
    let mut w = Wharf::start_with_env(engine, &[], &[("WHARF_HISTORY", &db_env)]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text(&format!("dash {project}"));
    w.keys(&["Enter"]);
    let screen = w.wait("the die and the alert on the events line", |s| {
        s.contains("die exit 3") && s.contains("alert crashed: ")
    });
    assert!(
        screen.contains(&format!("Dashboard · project {project}")),
        "{screen}"
    );

    // The SVG export draws them: a line and a label in each kind's colour.
    let svg = dir.path().join("dash.svg");
    // The dashboard's first samples may still be on their way (it says "nothing to export
    // yet"): then the export is asked again, as a user would.
    for attempt in 1.. {
        w.keys(&["e"]);
        w.wait_for_text("export the graphs to");
        w.keys(&["C-u"]);
        w.type_text(&svg.display().to_string());
        w.keys(&["Enter"]);
        // Any outcome of the export shows in the footer: written, nothing yet, or an error.
        let s = w.wait("the export's outcome", |s| {
            s.lines()
                .last()
                .is_some_and(|l| l.starts_with("export") && !l.starts_with("export the graphs"))
        });
        assert!(
            s.contains("dash.svg") && s.contains("exported") || s.contains("nothing to export yet"),
            "{s}"
        );
        if !s.contains("nothing to export yet") {
            break;
        }
        assert!(
            attempt < 20,
            "no samples to export after {attempt} tries:\n{s}"
        );
        // The error toast stays 8 s; the prompt replaces it.
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    let text = std::fs::read_to_string(&svg).unwrap().to_uppercase();
    for kind in [MarkerKind::Die, MarkerKind::Alert] {
        let c = wharf_core::chart::marker_color(kind);
        let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        assert!(text.contains(&hex), "{kind:?} drawn in {hex}");
        assert!(
            text.contains(&format!(">\n{}\n<", kind.label().to_uppercase())),
            "{kind:?} labelled"
        );
    }
}

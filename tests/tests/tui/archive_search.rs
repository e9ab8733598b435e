//! The log archive in the real `wharf`: `:archive on` on the selected container stores the
//! choice in the history database (what `wharf watch` follows), and `:archive grep` shows the
//! archived lines of a recreated container's two instances with the recreate marker, inert.

use wharf_core::engine::LogStream;
use wharf_core::history::archive::ArchLine;
use wharf_core::history::{HistoryDb, HistoryOptions, SeriesKey};
use wharf_tests::require_engine;

use crate::require_tmux;
use crate::term::Wharf;

fn lines(from_ms: i64, words: &[&str]) -> Vec<ArchLine> {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| ArchLine {
            ts_ns: (from_ms + i as i64 * 1000) * 1_000_000,
            stream: LogStream::Stdout,
            bytes: w.as_bytes().to_vec(),
        })
        .collect()
}

#[test]
fn archive_on_stores_the_choice_and_grep_finds_both_instances() {
    require_tmux!();
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let c = engine.container("arcs").cmd(&["sleep", "300"]).start();
    let db_env = db.display().to_string();
    let mut w = Wharf::start_with_env(engine, &[], &[("WHARF_HISTORY", &db_env)]);
    w.wait_ready();
    w.filter_to(c.name());
    w.keys(&[":"]);
    w.type_text("archive on");
    w.keys(&["Enter"]);
    w.wait_for_text(&format!("archiving the logs of name:{}", c.name()));
    let mut h = HistoryDb::open(&HistoryOptions::new(&db)).unwrap();
    let choices = h.archive_choices().unwrap();
    assert_eq!(choices.len(), 1, "{choices:?}");
    assert_eq!(choices[0].selector, format!("name:{}", c.name()));

    // What a recorder would have stored: two instances of the name, one line hostile.
    let key = SeriesKey {
        engine: choices[0].engine.clone(),
        key: format!("name:{}", c.name()),
    };
    let t0 = wharf_core::clock::now_ms() - 600_000;
    h.archive_write(
        &key,
        "aaaa1111aaaa1111",
        c.name(),
        &lines(t0, &["hello-1 old", "other"]),
    )
    .unwrap();
    h.archive_write(
        &key,
        "bbbb2222bbbb2222",
        c.name(),
        &lines(
            t0 + 60_000,
            &["hello-2 new \x1b]0;pwned\x07\x1b[2J", "more"],
        ),
    )
    .unwrap();

    w.keys(&[":"]);
    w.type_text("archive grep hello-[0-9] since=1h");
    w.keys(&["Enter"]);
    let screen = w.wait("both instances' lines and the marker", |s| {
        s.contains("hello-1 old") && s.contains("hello-2 new") && s.contains("was recreated")
    });
    assert!(screen.contains("2 lines found"), "{screen}");
    assert!(
        !screen.contains("other") && !screen.contains("pwned"),
        "{screen}"
    );
    assert!(!w.screen_with_escapes().contains("pwned"));

    // A bad regex says so and shows nothing new.
    w.keys(&[":"]);
    w.type_text("archive grep (");
    w.keys(&["Enter"]);
    w.wait_for_text("archive search failed");
}

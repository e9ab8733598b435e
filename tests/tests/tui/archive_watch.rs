//! The log archive filled by the real `wharf watch`: a container printing numbered lines is
//! archived; the recorder is killed (SIGKILL) mid-stream and restarted, and every line is in
//! the archive exactly once; the container is recreated under the same name and a search finds
//! the lines of both instances with a recreate marker between them.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wharf_core::history::{
    ArchiveQuery, ArchiveResult, ArchiveSelector, HistoryDb, HistoryOptions,
};
use wharf_tests::require_engine;

use crate::term::wharf_bin;

const TIMEOUT: Duration = Duration::from_secs(90);

fn watch(host: &str, db: &Path, log: &Path, extra: &[&str]) -> Child {
    Command::new(wharf_bin())
        .args(["watch", "--history"])
        .arg(db)
        .args(["-H", host, "--log-file", "/dev/null"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// Kills the recorder when a test fails halfway.
struct Recorder(Child);

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A search of everything archived under `name:NAME`, on whichever engine recorded it.
pub fn search(db: &Path, name: &str, pattern: &str) -> Option<ArchiveResult> {
    let reader = HistoryDb::open(&HistoryOptions::new(db)).ok()?;
    let key = reader
        .keys()
        .ok()?
        .into_iter()
        .find(|k| k.key == format!("name:{name}"))?;
    reader
        .archive_search(&ArchiveQuery {
            engine: key.engine,
            scope: key.key,
            pattern: pattern.into(),
            regex: true,
            ..Default::default()
        })
        .ok()
}

fn wait_for(
    db: &Path,
    name: &str,
    what: &str,
    f: impl Fn(&ArchiveResult) -> bool,
) -> ArchiveResult {
    let until = Instant::now() + TIMEOUT;
    loop {
        if let Some(r) = search(db, name, "").filter(|r| f(r)) {
            return r;
        }
        assert!(Instant::now() < until, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn count(r: &ArchiveResult, prefix: &str, n: usize) -> Vec<usize> {
    (1..=n)
        .map(|i| {
            let line = format!("{prefix} {i}");
            r.entries
                .iter()
                .filter(|e| e.kind == "line" && e.text == line)
                .count()
        })
        .collect()
}

#[test]
fn watch_archives_every_line_once_across_a_kill_and_a_recreate() {
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    // 80 numbered lines over ~20 s, on stdout and stderr, then quiet.
    let script = "i=1; while [ $i -le 80 ]; do if [ $((i % 2)) = 0 ]; then echo \"first $i\" >&2; \
                  else echo \"first $i\"; fi; i=$((i+1)); sleep 0.25; done; sleep 600";
    let name = wharf_tests::unique_name("arch");

    // First run, selected on the command line before the container exists; killed once some
    // lines are stored.
    let log1 = dir.path().join("1.log");
    let mut first = Recorder(watch(engine.host(), &db, &log1, &["--archive", &name]));
    let until = Instant::now() + TIMEOUT;
    while !std::fs::read_to_string(&log1)
        .unwrap()
        .contains("recording")
    {
        assert!(Instant::now() < until, "wharf watch did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let c1 = engine
        .container("arch")
        .named(&name)
        .cmd(&["sh", "-c", script])
        .start();
    let r = wait_for(&db, &name, "the first run stored 10 lines", |r| {
        r.entries.len() >= 10
    });
    assert!(
        r.entries.len() < 80,
        "the kill must come mid-stream: {}",
        r.entries.len()
    );
    first.0.kill().unwrap();
    first.0.wait().unwrap();

    // Second run: selected in the database, as a UI's toggle stores it.
    {
        let mut w = HistoryDb::open(&HistoryOptions::new(&db)).unwrap();
        let endpoint = w.keys().unwrap()[0].engine.clone();
        w.archive_set(&endpoint, &ArchiveSelector::parse(&name).unwrap(), true)
            .unwrap();
    }
    let log2 = dir.path().join("2.log");
    let mut second = Recorder(watch(engine.host(), &db, &log2, &[]));
    let r = wait_for(&db, &name, "all 80 lines are stored", |r| {
        count(r, "first", 80).iter().all(|n| *n >= 1)
    });
    assert_eq!(
        count(&r, "first", 80),
        vec![1; 80],
        "every line exactly once"
    );
    assert!(r.entries.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    assert!(r
        .entries
        .iter()
        .any(|e| e.stream == wharf_core::engine::LogStream::Stderr));

    // Recreated under the same name: the archive goes on, with a marker.
    drop(c1);
    let c2 = engine
        .container("arch")
        .named(&name)
        .cmd(&[
            "sh",
            "-c",
            "for i in 1 2 3 4 5; do echo second $i; done; sleep 600",
        ])
        .start();
    let r = wait_for(&db, &name, "the new instance's lines are stored", |r| {
        count(r, "second", 5).iter().all(|n| *n == 1)
    });
    let found = search(&db, &name, "^(first 7|second 3)$").unwrap();
    let kinds: Vec<(&str, &str)> = found
        .entries
        .iter()
        .map(|e| (e.kind.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert_eq!(kinds[0], ("line", "first 7"));
    assert_eq!(kinds[1].0, "recreate");
    assert!(kinds[1].1.contains(&c2.id()[..12]), "{kinds:?}");
    assert_eq!(kinds[2], ("line", "second 3"));
    assert_eq!(count(&r, "first", 80), vec![1; 80]);

    // SIGTERM: a clean stop that says what it wrote.
    Command::new("kill")
        .args(["-TERM", &second.0.id().to_string()])
        .status()
        .unwrap();
    let status = second.0.wait().unwrap();
    let err = std::fs::read_to_string(&log2).unwrap();
    assert!(status.success(), "{status:?}: {err}");
    assert!(err.contains("log lines written"), "{err}");
}

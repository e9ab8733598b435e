//! `wharf watch`, the real binary: records the stats of running containers and their events
//! into the history database, is killed (SIGKILL) and restarted and the range query spans both
//! runs, refuses a second recorder with a clear message, and stops cleanly on SIGTERM.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wharf_core::history::{HistoryDb, HistoryOptions, HistorySeries, SeriesKey};
use wharf_tests::require_engine;

use crate::term::wharf_bin;

const TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) fn watch(host: &str, db: &Path, log: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(wharf_bin());
    cmd.args(["watch", "--history"])
        .arg(db)
        .args(["-H", host, "--log-file", "/dev/null"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    cmd
}

/// Kills the recorder when a test fails halfway.
pub(crate) struct Recorder(pub(crate) Child);

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn series(db: &Path, name: &str) -> Option<HistorySeries> {
    let reader = HistoryDb::open(&HistoryOptions::new(db)).ok()?;
    let key: SeriesKey = reader
        .keys()
        .ok()?
        .into_iter()
        .find(|k| k.key == format!("name:{name}"))?;
    reader.query(&key, 0, i64::MAX, 0).ok()
}

/// Polls the database until `f` holds for the series of `name`.
fn wait_series(
    db: &Path,
    name: &str,
    what: &str,
    f: impl Fn(&HistorySeries) -> bool,
) -> HistorySeries {
    let until = Instant::now() + TIMEOUT;
    loop {
        if let Some(s) = series(db, name).filter(|s| f(s)) {
            return s;
        }
        assert!(Instant::now() < until, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn now_ms() -> i64 {
    wharf_core::clock::now_ms()
}

#[test]
fn watch_records_across_a_kill_and_a_restart_and_refuses_a_second_writer() {
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state/wharf/history.sqlite3");
    let c = engine.container("watched").cmd(&["sleep", "600"]).start();

    // First run: samples appear, then the recorder is killed without a chance to tidy up.
    let mut first = Recorder(
        watch(engine.host(), &db, &dir.path().join("1.log"), &[])
            .spawn()
            .unwrap(),
    );
    let run1 = wait_series(&db, c.name(), "the first run recorded 3 samples", |s| {
        s.samples.len() >= 3
    });
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let killed_at = now_ms();
    let last1 = run1.samples.last().unwrap().at_ms;

    // Second run (the lock died with the first), and a restart while it records: markers.
    let log2 = dir.path().join("2.log");
    let mut second = Recorder(watch(engine.host(), &db, &log2, &[]).spawn().unwrap());
    wait_series(&db, c.name(), "the second run recorded", |s| {
        s.samples.iter().any(|x| x.at_ms > killed_at)
    });

    // A second writer is refused at once, naming the holder; with --wait it gives up later.
    for extra in [&[][..], &["--wait", "1"][..]] {
        let log = dir.path().join("3.log");
        let out = watch(engine.host(), &db, &log, extra).status().unwrap();
        let err = std::fs::read_to_string(&log).unwrap();
        assert_eq!(out.code(), Some(3), "{err}");
        assert!(
            err.contains(&format!("process {} is already recording", second.0.id())),
            "{err}"
        );
        assert!(
            err.contains("--wait"),
            "the message names the ways out: {err}"
        );
    }

    engine.docker_ok(&["restart", "-t", "0", c.id()]);
    let both = wait_series(
        &db,
        c.name(),
        "die and start markers after the restart",
        |s| {
            let after = |a: &str| {
                s.markers
                    .iter()
                    .any(|m| m.action == a && m.at_ms > killed_at)
            };
            after("die")
                && after("start")
                && s.samples.last().is_some_and(|x| x.at_ms > now_ms() - 5000)
        },
    );

    // SIGTERM: a clean stop with a summary.
    let pid = second.0.id();
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    let status = second.0.wait().unwrap();
    let err = std::fs::read_to_string(&log2).unwrap();
    assert!(status.success(), "{status:?}: {err}");
    assert!(err.contains("stopped;") && err.contains("samples"), "{err}");

    // One range spans both runs: samples before the kill (the first run's) and after it.
    assert!(both.samples.iter().any(|s| s.at_ms <= last1));
    assert!(both.samples.iter().any(|s| s.at_ms > killed_at));
    assert!(both.samples.windows(2).all(|w| w[0].at_ms < w[1].at_ms));
    assert!(both.markers.iter().all(|m| m.container == c.id()[..12]));
    assert!(!err.contains("panicked"), "{err}");
}

//! Alerts in the real binaries: `wharf watch` with a rules file fires an alert with no UI open
//! (its command writes a file), a `wharf` UI open meanwhile shows it as a toast and in `:alerts`
//! without firing it a second time, and once the recorder stops the UI evaluates the rules
//! itself and fires the next alert.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wharf_core::history::read_alerts;
use wharf_tests::{require_engine, unique_name};

use crate::require_tmux;
use crate::term::{wharf_bin, Wharf};

const TIMEOUT: Duration = Duration::from_secs(60);

/// Kills the recorder when a test fails halfway.
struct Recorder(Child);

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fired(db: &Path, rule: &str) -> Vec<String> {
    read_alerts(db, 0, 100)
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.rule == rule)
        .map(|a| a.container)
        .collect()
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + TIMEOUT;
    while !f() {
        assert!(Instant::now() < until, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn watch_fires_with_no_ui_the_ui_shows_it_and_takes_over_when_watch_stops() {
    require_tmux!();
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let rules = dir.path().join("alerts.toml");
    let out = dir.path().join("fired.txt");
    let tag = unique_name("tuial");
    std::fs::write(
        &rules,
        format!(
            r#"[[rule]]
name = "crashed"
select = {{ name = "^{tag}" }}
trigger = {{ event = "die" }}
cooldown_secs = 600
notify = true
command = ["sh", "-c", "echo $WHARF_ALERT_CONTAINER >> {}"]
"#,
            out.display()
        ),
    )
    .unwrap();

    // No UI: the recorder evaluates.
    let log = dir.path().join("watch.log");
    let mut watch = Recorder(
        Command::new(wharf_bin())
            .args(["watch", "--history"])
            .arg(&db)
            .arg("--alerts")
            .arg(&rules)
            .args(["-H", engine.host(), "--log-file", "/dev/null"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    wait_until("watch evaluates the rules", || {
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("evaluating 1 alert rules"))
    });
    let env = [
        ("WHARF_HISTORY", db.to_str().unwrap()),
        ("WHARF_ALERTS", rules.to_str().unwrap()),
    ];
    let mut w = Wharf::start_with_env(engine, &[], &env);
    w.wait_ready();
    let first = engine
        .container("x")
        .named(&format!("{tag}-one"))
        .cmd(&["sh", "-c", "exit 4"])
        .start();
    wait_until("watch fired, its command ran", || {
        std::fs::read_to_string(&out).is_ok_and(|s| s.contains(first.name()))
    });
    w.wait("the toast of watch's alert", |s| {
        s.contains(&format!(
            "ALERT crashed: {} — exited with code 4",
            first.name()
        ))
    });
    // It stays one alert: the UI did not evaluate while watch recorded.
    w.keys(&[":"]);
    w.type_text("alerts");
    w.keys(&["Enter"]);
    w.wait("the alerts view lists it", |s| {
        s.contains("crashed") && s.contains(first.name()) && s.contains("command ok")
    });
    assert_eq!(fired(&db, "crashed"), vec![first.name().to_owned()]);

    // watch stops: the UI takes the rules over within a few seconds.
    Command::new("kill")
        .args(["-TERM", &watch.0.id().to_string()])
        .status()
        .unwrap();
    let status = watch.0.wait().unwrap();
    let err = std::fs::read_to_string(&log).unwrap();
    assert!(status.success() && err.contains("1 alerts fired"), "{err}");
    wait_until("the UI evaluates", || {
        std::fs::read_to_string(w_log(&w)).is_ok_and(|l| l.contains("evaluating the alert rules"))
    });
    let second = engine
        .container("x")
        .named(&format!("{tag}-two"))
        .cmd(&["sh", "-c", "exit 5"])
        .start();
    w.wait("the UI's own alert, toast and list", |s| {
        s.contains(&format!(
            "ALERT crashed: {} — exited with code 5",
            second.name()
        ))
    });
    wait_until("its command ran", || {
        std::fs::read_to_string(&out).is_ok_and(|s| s.contains(second.name()))
    });
    let mut both = fired(&db, "crashed");
    both.sort();
    assert_eq!(
        both,
        vec![first.name().to_owned(), second.name().to_owned()]
    );
}

fn w_log(w: &Wharf) -> std::path::PathBuf {
    w.log_path()
}

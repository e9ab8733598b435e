//! `wharf watch` follows its rules file: a rule added while it runs fires (the file's change is
//! seen within seconds), a bad file keeps the rules in use and says why, naming the rule and the
//! field, and SIGHUP reads the file again.

use std::process::Command;
use std::time::{Duration, Instant};

use wharf_core::history::read_alerts;
use wharf_tests::{require_engine, unique_name};

use crate::watch::{watch, Recorder};

const TIMEOUT: Duration = Duration::from_secs(60);

fn wait(what: &str, log: &std::path::Path, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + TIMEOUT;
    while !f() {
        let err = std::fs::read_to_string(log).unwrap_or_default();
        assert!(
            Instant::now() < until,
            "timed out waiting until {what}: {err}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn rule(name: &str, tag: &str) -> String {
    format!(
        "[[rule]]\nname = \"{name}\"\nselect = {{ name = \"^{tag}\" }}\n\
         trigger = {{ event = \"die\" }}\ncooldown_secs = 600\ncommand = [\"true\"]\n"
    )
}

#[test]
fn watch_reloads_its_rules_file_and_keeps_them_when_the_new_one_is_bad() {
    let engine = require_engine!();
    let tag = unique_name("reload");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let rules = dir.path().join("alerts.toml");
    let log = dir.path().join("watch.log");
    // Started with a rule that never matches: the new rule comes from the edited file.
    std::fs::write(&rules, rule("never", "no-such-container-")).unwrap();
    let rules_arg = rules.display().to_string();
    let mut rec = Recorder(
        watch(engine.host(), &db, &log, &["--alerts", &rules_arg])
            .spawn()
            .unwrap(),
    );
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait("watch evaluates the first rules", &log, || {
        read_log().contains("evaluating 1 alert rules")
    });

    // A bad file: the rule in use stays; the message names the rule and the field.
    std::fs::write(
        &rules,
        format!(
            "{}[[rule]]\nname = \"broken\"\ntrigger = {{ log = \"(\" }}\nnotify = true\n",
            rule("crashed", &tag)
        ),
    )
    .unwrap();
    wait("the bad file is reported", &log, || {
        read_log().contains("keeping the 1 rules in use")
    });
    let text = read_log();
    assert!(
        text.contains("\"broken\"") && text.contains("trigger.log"),
        "{text}"
    );

    // The fixed file: the new rule is evaluated and fires on a die.
    std::fs::write(&rules, rule("crashed", &tag)).unwrap();
    wait("the new rules are taken", &log, || {
        read_log().contains("(reloaded)")
    });
    let _c = engine
        .container("dies")
        .named(&format!("{tag}-dies"))
        .cmd(&["sh", "-c", "exit 7"])
        .start();
    wait("the new rule fired", &log, || {
        read_alerts(&db, 0, 50)
            .unwrap_or_default()
            .iter()
            .any(|a| a.rule == "crashed" && a.container.starts_with(&tag))
    });

    // SIGHUP reads the file again even when its stamp did not change.
    Command::new("kill")
        .args(["-HUP", &rec.0.id().to_string()])
        .status()
        .unwrap();
    wait("SIGHUP reloads", &log, || {
        read_log().contains("SIGHUP: reading")
    });
    Command::new("kill")
        .args(["-TERM", &rec.0.id().to_string()])
        .status()
        .unwrap();
    let status = rec.0.wait().unwrap();
    let text = read_log();
    assert!(status.success(), "{status:?}: {text}");
    assert!(text.contains("1 alerts fired"), "{text}");
}

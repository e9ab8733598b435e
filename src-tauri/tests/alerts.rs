//! Alerts through Tauri's mock runtime with the real core and engine: the rules editor's
//! commands check with the core's messages (nothing written when a rule is bad) and save; with
//! no `wharf watch` running the app evaluates the saved rules itself, a container that dies
//! fires the rule once, the desktop notification is sent (observed through the app's
//! `Notices` hook), the page gets the list as `alerts://fired`, and `alerts_list` returns it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{kind, TestApp};
use serde_json::{json, Value};
use tauri::{Listener, Manager};
use wharf_desktop::alerts::{Notices, EVENT};
use wharf_tests::{require_engine, unique_name};

const T: Duration = Duration::from_secs(60);

fn wait<V>(what: &str, mut f: impl FnMut() -> Option<V>) -> V {
    let deadline = Instant::now() + T;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn rules_are_checked_and_saved_and_a_dying_container_notifies_once() {
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let rules_path = dir.path().join("config/alerts.toml");
    // The only test in this binary: the variables are the app's, read when it looks.
    std::env::set_var("WHARF_HISTORY", &db);
    std::env::set_var("WHARF_ALERTS", &rules_path);
    let t = TestApp::on(engine);
    let fired: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = fired.clone();
    t.app.listen_any(EVENT, move |e| {
        sink.lock()
            .unwrap()
            .push(serde_json::from_str(e.payload()).unwrap_or(Value::Null));
    });

    // Nothing yet: empty, not an error.
    assert_eq!(
        t.invoke("alert_rules", json!({})).unwrap()["rules"],
        json!([])
    );
    assert_eq!(t.invoke("alerts_list", json!({})).unwrap(), json!([]));

    let tag = unique_name("deskal");
    let rule = |log: Option<&str>, cooldown: u64| {
        json!({
            "name": "crashed",
            "select": { "name": format!("^{tag}"), "project": null, "labels": {}, "engine": null },
            "trigger": { "event": if log.is_none() { Some("die") } else { None }, "restarts": null,
                         "minutes": null, "threshold": null, "above": null, "for_secs": null, "log": log },
            "cooldown_secs": cooldown,
            "webhook": null,
            "command": [],
            "notify": true,
        })
    };
    // The core's messages, naming the rule and the field; nothing is written.
    let bad = t
        .invoke(
            "alert_rules_save",
            json!({ "rules": [rule(Some("(unclosed"), 60)] }),
        )
        .unwrap_err();
    assert_eq!(kind(&bad), "invalid_input", "{bad}");
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .starts_with("alert rule \"crashed\": trigger.log: bad regex"),
        "{bad}"
    );
    let zero = t
        .invoke("alert_rules_save", json!({ "rules": [rule(None, 0)] }))
        .unwrap_err();
    assert!(
        zero["message"]
            .as_str()
            .unwrap()
            .contains("cooldown_secs: must be at least 1"),
        "{zero}"
    );
    assert!(!rules_path.exists());

    let saved = t
        .invoke("alert_rules_save", json!({ "rules": [rule(None, 600)] }))
        .unwrap();
    assert_eq!(saved["rules"][0]["name"], "crashed");
    assert!(std::fs::read_to_string(&rules_path)
        .unwrap()
        .contains("[[rule]]"));
    assert_eq!(
        t.invoke("alert_rules", json!({})).unwrap()["rules"],
        saved["rules"]
    );

    // The app evaluates (no recorder holds the database), a container dies twice: one alert.
    wait("the app holds the alerts lock", || {
        wharf_core::alerts::runner::AlertsLock::try_acquire(&db)
            .is_err()
            .then_some(())
    });
    let c = engine
        .container("x")
        .named(&format!("{tag}-one"))
        .cmd(&["sh", "-c", "exit 6"])
        .start();
    let notice = wait("a desktop notification", || {
        t.app.state::<Notices>().0.lock().unwrap().first().cloned()
    });
    assert_eq!(notice.title, "Wharf alert: crashed");
    assert_eq!(notice.body, format!("{}: exited with code 6", c.name()));
    // Dies again (exit 6) within the cooldown.
    let _ = engine.docker(&["start", "-a", c.id()]);
    let list = wait("the page got the list", || {
        fired
            .lock()
            .unwrap()
            .last()
            .cloned()
            .filter(|l| l.as_array().is_some_and(|a| !a.is_empty()))
    });
    assert_eq!(list[0]["rule"], "crashed");
    assert_eq!(list[0]["container"], c.name());
    // Two more looks of the app: still one alert and one notification (cooldown).
    std::thread::sleep(wharf_desktop::alerts::EVERY * 2);
    let all = t.invoke("alerts_list", json!({})).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all[0]["cause"], "exited with code 6");
    assert_eq!(t.app.state::<Notices>().0.lock().unwrap().len(), 1);
}

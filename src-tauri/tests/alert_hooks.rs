//! The Alerts editor's webhook headers and CA file through Tauri's mock runtime with the real
//! core: a rule with a header from the environment, a literal header and a CA file is checked
//! and saved; the replies (`alert_rules_save`, `alert_rules`) carry the variable's name and
//! the literal as the core's mask, never a value; saving the mask back keeps the file's value;
//! a mask with nothing to keep, an unset variable or a bad CA file is refused with the rule and
//! field named, and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{kind, TestApp};
use serde_json::{json, Value};
use wharf_core::alerts::webhook::MASK;
use wharf_tests::{require_engine, TlsMaterial};

const ENV_SECRET: &str = "desk-env-s3cret-41c2";
const LITERAL: &str = "desk-lit-s3cret-8e07";

fn rule(name: &str, headers: Value, ca: &str) -> Value {
    json!({
        "name": name,
        "select": { "name": "^nothing-matches-", "project": null, "labels": {}, "engine": null },
        "trigger": { "event": "die", "restarts": null, "minutes": null, "threshold": null,
                     "above": null, "for_secs": null, "log": null },
        "cooldown_secs": 600,
        "webhook": { "url": "https://hooks.corp.example/t/abc", "headers": headers, "ca_file": ca },
        "command": [],
        "notify": false,
    })
}

fn no_secret(what: &str, v: &impl ToString) {
    let text = v.to_string();
    assert!(
        !text.contains(ENV_SECRET) && !text.contains(LITERAL),
        "{what} holds a secret: {text}"
    );
}

#[test]
fn headers_are_saved_and_kept_and_never_sent_to_the_page() {
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let rules_path = dir.path().join("config/alerts.toml");
    // The only test in this binary: the variables are the app's, read when it looks.
    std::env::set_var("WHARF_HISTORY", dir.path().join("history.sqlite3"));
    std::env::set_var("WHARF_ALERTS", &rules_path);
    std::env::set_var("WHARF_T_DESK_TOKEN", ENV_SECRET);
    std::env::remove_var("WHARF_T_DESK_UNSET");
    let tls = TlsMaterial::generate(&dir.path().join("tls")).unwrap();
    let ca = tls.ca().display().to_string();
    let t = TestApp::on(engine);

    let headers = json!({ "Authorization": "env:WHARF_T_DESK_TOKEN", "X-Secret": LITERAL });
    let saved = t
        .invoke(
            "alert_rules_save",
            json!({ "rules": [rule("hooked", headers, &ca)] }),
        )
        .unwrap();
    no_secret("the save's reply", &saved);
    let masked = json!({ "Authorization": "env:WHARF_T_DESK_TOKEN", "X-Secret": MASK });
    assert_eq!(saved["rules"][0]["webhook"]["headers"], masked);
    assert_eq!(saved["rules"][0]["webhook"]["ca_file"], json!(ca));
    let file = std::fs::read_to_string(&rules_path).unwrap();
    assert!(
        file.contains(LITERAL) && file.contains("env:WHARF_T_DESK_TOKEN"),
        "{file}"
    );
    assert!(
        !file.contains(ENV_SECRET),
        "the variable's value is not written: {file}"
    );
    let listed = t.invoke("alert_rules", json!({})).unwrap();
    no_secret("alert_rules", &listed);
    assert_eq!(listed["rules"], saved["rules"]);

    // The page's rules sent back (the mask) with another cooldown: the literal stays.
    let mut back = listed["rules"].clone();
    back[0]["cooldown_secs"] = json!(900);
    let again = t
        .invoke("alert_rules_save", json!({ "rules": back }))
        .unwrap();
    no_secret("the second save's reply", &again);
    let file = std::fs::read_to_string(&rules_path).unwrap();
    assert!(file.contains(LITERAL) && file.contains("900"), "{file}");

    // Refused, with rule and field named, the file unchanged.
    let refused = |rules: Value, want: &str| {
        let err = t
            .invoke("alert_rules_save", json!({ "rules": rules }))
            .unwrap_err();
        assert_eq!(kind(&err), "invalid_input", "{err}");
        let msg = err["message"].as_str().unwrap();
        assert!(msg.contains(want), "{msg}\n  want: {want}");
        no_secret("the error", &err);
        assert_eq!(std::fs::read_to_string(&rules_path).unwrap(), file);
    };
    let mut renamed = again["rules"].clone();
    renamed[0]["name"] = json!("renamed");
    refused(
        renamed,
        "alert rule \"renamed\": webhook.headers.X-Secret: the hidden value is not known",
    );
    refused(
        json!([rule("hooked", json!({ "X-A": "env:WHARF_T_DESK_UNSET" }), &ca)]),
        "alert rule \"hooked\": webhook.headers.X-A: environment variable WHARF_T_DESK_UNSET is not set",
    );
    refused(
        json!([rule("hooked", json!({}), &tls.key().display().to_string())]),
        "alert rule \"hooked\": webhook.ca_file: ",
    );
    refused(
        json!([rule("hooked", json!({ "Content-Type": "text/plain" }), &ca)]),
        "webhook.headers.Content-Type: Wharf sets this header itself",
    );
}

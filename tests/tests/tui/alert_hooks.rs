//! Webhook headers in the real terminal UI: `:alerts` lists the rules in use with a webhook's
//! host and header names only; a container that dies fires the rule, whose webhook (to a
//! closed loopback port) fails with a result naming the host, and neither the screen, the
//! history's action result nor the log holds a header's value (from the environment or
//! literal) or the URL's path; a file whose header names a variable that is not set is refused
//! with the rule and field named.

use std::path::Path;
use std::time::{Duration, Instant};

use wharf_core::history::read_alerts;
use wharf_core::model::FiredAlert;
use wharf_tests::{require_engine, unique_name, TlsMaterial};

use crate::require_tmux;
use crate::term::Wharf;

const ENV_SECRET: &str = "env-s3cret-5d1a";
const LITERAL: &str = "lit-s3cret-90ce";
const PATH_TOKEN: &str = "path-s3cret-77f0";

fn rules_text(tag: &str, ca: &Path, extra: &str) -> String {
    format!(
        r#"[[rule]]
name = "hooked"
select = {{ name = "^{tag}" }}
trigger = {{ event = "die" }}
cooldown_secs = 600
webhook = {{ url = "https://127.0.0.1:9/t/{PATH_TOKEN}", headers = {{ Authorization = "env:WHARF_T_HOOK_TUI", X-Tag = "{LITERAL}"{extra} }}, ca_file = "{}" }}
"#,
        ca.display()
    )
}

fn hooked(db: &Path) -> Option<FiredAlert> {
    read_alerts(db, 0, 100)
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.rule == "hooked" && !a.actions.is_empty())
}

fn no_secret(what: &str, text: &str) {
    for s in [ENV_SECRET, LITERAL, PATH_TOKEN] {
        assert!(!text.contains(s), "{what} holds {s}:\n{text}");
    }
}

#[test]
fn alerts_view_shows_webhook_host_and_header_names_never_values() {
    require_tmux!();
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let rules = dir.path().join("alerts.toml");
    let tls = TlsMaterial::generate(&dir.path().join("tls")).unwrap();
    let tag = unique_name("tuihook");
    std::fs::write(&rules, rules_text(&tag, &tls.ca(), "")).unwrap();
    let env = [
        ("WHARF_HISTORY", db.to_str().unwrap()),
        ("WHARF_ALERTS", rules.to_str().unwrap()),
        ("WHARF_T_HOOK_TUI", ENV_SECRET),
    ];
    let mut w = Wharf::start_with_env(engine, &[], &env);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("alerts");
    w.keys(&["Enter"]);
    let screen = w.wait("the rules in use", |s| {
        s.contains("Rules in use (1)")
            && s.contains("hooked → webhook https://127.0.0.1:9 [authorization, x-tag] + CA")
    });
    no_secret("the alerts view", &screen);

    // The UI evaluates: a container dies, the webhook fails (nothing listens on port 9).
    let c = engine
        .container("x")
        .named(&format!("{tag}-one"))
        .cmd(&["sh", "-c", "exit 3"])
        .start();
    let until = Instant::now() + Duration::from_secs(60);
    let alert = loop {
        if let Some(a) = hooked(&db) {
            break a;
        }
        assert!(
            Instant::now() < until,
            "the rule did not fire for {}",
            c.name()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let result = &alert.actions[0];
    assert!(
        result.action == "webhook"
            && !result.ok
            && result.detail.starts_with("webhook https://127.0.0.1:9: "),
        "{result:?}"
    );
    no_secret("the action result", &format!("{alert:?}"));
    let screen = w.wait("the failed webhook listed", |s| {
        s.contains("webhook failed")
    });
    no_secret("the alerts view", &screen);

    // A header naming a variable that is not set: refused, rule and field named.
    std::fs::write(
        &rules,
        rules_text(&tag, &tls.ca(), ", X-Other = \"env:WHARF_T_HOOK_UNSET\""),
    )
    .unwrap();
    let screen = w.wait("the rules error", |s| {
        s.contains(
            "alert rule \"hooked\": webhook.headers.X-Other: environment variable \
             WHARF_T_HOOK_UNSET is not set",
        )
    });
    no_secret("the screen", &screen);
    let log = std::fs::read_to_string(w.log_path()).unwrap_or_default();
    assert!(log.contains("alert"), "the log is the UI's:\n{log}");
    no_secret("the log", &log);
}

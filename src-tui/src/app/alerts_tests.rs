//! Alerts in the terminal: the first look lists without announcing; a new alert whose rule
//! notifies gives a toast and one bell; `:alerts` lists them (newest first) and the header
//! shows the tab once one has fired; a fresh read of an alert (its actions' results) replaces
//! the old.

use crossterm::event::KeyCode;
use wharf_core::model::{ActionResult, FiredAlert};

use super::*;
use crate::msg::{Effect, Msg};
use crate::view::tests::fixtures::*;

fn alert(id: i64, notify: bool, actions: Vec<ActionResult>) -> FiredAlert {
    FiredAlert {
        id,
        at_ms: 1_700_000_000_000 + id * 1000,
        rule: "crashed".into(),
        engine: "unix:///var/run/docker.sock".into(),
        container_id: "abc123abc123".into(),
        container: format!("api-{id}"),
        key: format!("name:api-{id}"),
        cause: "exited with code 3".into(),
        notify,
        actions,
    }
}

fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

#[test]
fn new_alerts_toast_and_ring_once_and_are_listed() {
    let mut app = app(160, 30);
    assert!(!render(&app).contains(" alerts "), "no tab before an alert");
    // The first look lists what is there without announcing it.
    let fx = app.update(Msg::Alerts {
        first: true,
        result: Ok(vec![alert(1, true, vec![])]),
    });
    assert!(fx.is_empty());
    assert_eq!(toast(&app), "");
    // Two new ones (one notifies): a toast for it, one bell.
    let fx = app.update(Msg::Alerts {
        first: false,
        result: Ok(vec![
            alert(3, true, vec![]),
            alert(2, false, vec![]),
            alert(1, true, vec![]),
        ]),
    });
    assert_eq!(fx, vec![Effect::Bell]);
    assert_eq!(toast(&app), "ALERT crashed: api-3 — exited with code 3");
    // The same list again: nothing new, no bell; results arriving replace the row.
    let done = vec![ActionResult {
        action: "webhook".into(),
        ok: false,
        detail: "HTTP 500".into(),
    }];
    let fx = app.update(Msg::Alerts {
        first: false,
        result: Ok(vec![alert(3, true, done), alert(2, false, vec![])]),
    });
    assert!(fx.is_empty());
    assert_eq!(app.alerts.len(), 3);
    app.update(key(':'));
    type_text(&mut app, "alerts");
    app.update(code(KeyCode::Enter));
    assert_eq!(
        toast(&app),
        "ALERT crashed: api-3 — exited with code 3",
        "an alert's message stays through a command typed meanwhile"
    );
    let screen = render(&app);
    assert!(screen.contains(" alerts "), "{screen}");
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("crashed") && !l.contains("ALERT"))
        .collect();
    assert_eq!(rows.len(), 3, "{screen}");
    assert!(
        rows[0].contains("api-3") && rows[0].contains("webhook failed"),
        "{screen}"
    );
    assert!(rows[2].contains("api-1"), "{screen}");
    // A read error is said, not swallowed.
    app.update(Msg::Alerts {
        first: false,
        result: Err("history database: locked".into()),
    });
    assert_eq!(toast(&app), "alerts: history database: locked");
}

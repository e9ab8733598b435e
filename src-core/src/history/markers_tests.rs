//! Markers for a series or a dashboard's scope: events and fired alerts, merged by time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use super::*;
use crate::clock::Clock;
use crate::model::{EngineEvent, EventKind, FiredAlert};
use crate::streams::engine_series::DashScope;

const T0: i64 = 1_780_000_000_000;
const E: &str = "unix:///e";

fn die(name: &str, project: Option<(&str, &str)>, at_ms: i64) -> EngineEvent {
    let mut attributes = BTreeMap::from([
        ("name".to_string(), name.to_string()),
        ("exitCode".to_string(), "3".to_string()),
    ]);
    if let Some((p, s)) = project {
        attributes.insert("com.docker.compose.project".into(), p.into());
        attributes.insert("com.docker.compose.service".into(), s.into());
    }
    EngineEvent {
        kind: EventKind::Container,
        action: "die".into(),
        actor_id: format!("{name}0123456789"),
        attributes,
        time_nano: at_ms * 1_000_000,
    }
}

fn alert(key: &str, at_ms: i64) -> FiredAlert {
    FiredAlert {
        id: 0,
        at_ms,
        rule: "crash".into(),
        engine: E.into(),
        container_id: "abc".into(),
        container: "shop-web-1".into(),
        key: key.into(),
        cause: "exited with code 3".into(),
        notify: false,
        actions: vec![],
    }
}

fn dash(scope: DashScope) -> MarkerScope {
    MarkerScope::Dash {
        engine: E.into(),
        scope,
    }
}

#[test]
fn a_series_and_each_dashboard_scope_get_their_events_and_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = HistoryDb::open(&HistoryOptions {
        clock: Clock::manual(T0 + 60_000),
        ..HistoryOptions::new(dir.path().join("h.sqlite3"))
    })
    .unwrap();
    let events = [
        die("shop-web-1", Some(("shop", "web")), T0),
        die("shop_db_1", Some(("shop_db", "db")), T0 + 1000),
        die("api.1.xyz", None, T0 + 2000),
        die("lonely", None, T0 + 3000),
    ];
    db.record_events(E, &events).unwrap();
    db.record_events("unix:///other", &events).unwrap();
    db.insert_alert(&alert("compose:shop/web", T0 + 500))
        .unwrap();

    let web = MarkerScope::Series(SeriesKey {
        engine: E.into(),
        key: "compose:shop/web".into(),
    });
    let m = db.markers(&web, T0 - 1, T0 + 60_000).unwrap();
    let kinds: Vec<MarkerKind> = m.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [MarkerKind::Die, MarkerKind::Alert], "{m:?}");
    assert_eq!(m[0].detail, "exit 3");
    assert_eq!(m[1].detail, "crash: exited with code 3");
    assert_eq!(m[1].text(), "alert crash: exited with code 3 shop-web-1");
    // A range query of the series carries the same markers.
    let key = SeriesKey {
        engine: E.into(),
        key: "compose:shop/web".into(),
    };
    assert_eq!(db.range(&key, HistoryRange::M15).unwrap().markers, m);

    let names = |s: MarkerScope| -> Vec<String> {
        db.markers(&s, T0 - 1, T0 + 60_000)
            .unwrap()
            .into_iter()
            .map(|m| format!("{} {}", m.action, m.name))
            .collect()
    };
    assert_eq!(
        names(dash(DashScope::Project {
            name: "shop".into()
        })),
        ["die shop-web-1", "alert shop-web-1"],
        "shop_db is another project; `_` is no wildcard"
    );
    assert_eq!(
        names(dash(DashScope::Service { name: "api".into() })),
        ["die api.1.xyz"]
    );
    assert_eq!(names(dash(DashScope::Engine)).len(), 5, "one engine only");
    // Outside the range: nothing.
    assert!(db
        .markers(&web, T0 + 10_000, T0 + 60_000)
        .unwrap()
        .is_empty());
}

#[test]
fn no_database_file_means_no_markers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.sqlite3");
    assert!(read_markers(&path, &dash(DashScope::Engine), 0, T0)
        .unwrap()
        .is_empty());
    assert!(!path.exists(), "reading creates nothing");
}

#[test]
fn kinds_come_from_actions() {
    for (a, k) in [
        ("die", MarkerKind::Die),
        ("oom", MarkerKind::Oom),
        ("health_status: unhealthy", MarkerKind::Health),
        ("restart", MarkerKind::Restart),
        ("recreate", MarkerKind::Recreate),
        ("alert", MarkerKind::Alert),
    ] {
        assert_eq!(MarkerKind::of_action(a), k);
    }
}

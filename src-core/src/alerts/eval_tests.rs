//! The evaluator's rules, on a manual clock: each trigger fires once per cooldown and key.

use std::collections::BTreeMap;

use super::*;
use crate::alerts::rules::parse;
use crate::model::{EngineEvent, EventKind, Sample};

const ENGINE: &str = "unix:///test.sock";

fn evaluator(toml: &str) -> (Evaluator, Clock) {
    let (_, rules) = parse(toml).unwrap_or_else(|e| panic!("{e}"));
    let clock = Clock::manual(1_000_000);
    (Evaluator::new(rules, clock.clone()), clock)
}

fn event(id: &str, name: &str, action: &str, attrs: &[(&str, &str)]) -> EngineEvent {
    let mut attributes: BTreeMap<String, String> = attrs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    attributes.insert("name".into(), name.into());
    EngineEvent {
        kind: EventKind::Container,
        action: action.into(),
        actor_id: id.into(),
        attributes,
        time_nano: 0,
    }
}

fn target(id: &str, name: &str) -> Target {
    Target {
        engine: ENGINE.into(),
        id: id.into(),
        name: name.into(),
        key: format!("name:{name}"),
        ..Default::default()
    }
}

#[test]
fn die_with_non_zero_exit_fires_once_per_cooldown() {
    let (mut ev, clock) = evaluator(
        r#"[[rule]]
name = "died"
select = { name = "^api" }
trigger = { event = "die" }
cooldown_secs = 60
notify = true"#,
    );
    assert!(ev
        .on_event(ENGINE, &event("a1", "api", "die", &[("exitCode", "0")]))
        .is_empty());
    assert!(ev
        .on_event(ENGINE, &event("w1", "web", "die", &[("exitCode", "1")]))
        .is_empty());
    let f = ev.on_event(ENGINE, &event("a1", "api", "die", &[("exitCode", "3")]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].cause, "exited with code 3");
    assert_eq!(f[0].target.name, "api");
    clock.advance(59_000);
    assert!(ev
        .on_event(ENGINE, &event("a1", "api", "die", &[("exitCode", "3")]))
        .is_empty());
    // A recreated container (new id, same name) shares the cooldown.
    assert!(ev
        .on_event(ENGINE, &event("a2", "api", "die", &[("exitCode", "3")]))
        .is_empty());
    clock.advance(1_000);
    assert_eq!(
        ev.on_event(ENGINE, &event("a2", "api", "die", &[("exitCode", "3")]))
            .len(),
        1
    );
}

#[test]
fn oom_unhealthy_and_selectors() {
    let (mut ev, _) = evaluator(
        r#"[[rule]]
name = "oom"
select = { project = "^shop$", labels = { tier = "front|back" } }
trigger = { event = "oom" }
cooldown_secs = 60
notify = true
[[rule]]
name = "sick"
trigger = { event = "unhealthy" }
cooldown_secs = 60
notify = true"#,
    );
    let shop = [("com.docker.compose.project", "shop"), ("tier", "front")];
    let other = [
        ("com.docker.compose.project", "shopping"),
        ("tier", "front"),
    ];
    assert!(ev
        .on_event(ENGINE, &event("x", "x", "oom", &other))
        .is_empty());
    assert!(ev.on_event(ENGINE, &event("y", "y", "oom", &[])).is_empty());
    let f = ev.on_event(ENGINE, &event("s", "s", "oom", &shop));
    assert_eq!((f.len(), f[0].cause.as_str()), (1, "killed: out of memory"));
    assert!(ev
        .on_event(ENGINE, &event("s", "s", "health_status: healthy", &[]))
        .is_empty());
    let f = ev.on_event(ENGINE, &event("s", "s", "health_status: unhealthy", &[]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_name, "sick");
    assert!(ev
        .on_event(ENGINE, &event("s", "s", "health_status: unhealthy", &[]))
        .is_empty());
}

#[test]
fn restart_loop_counts_restarts_within_the_window() {
    let (mut ev, clock) = evaluator(
        r#"[[rule]]
name = "loop"
trigger = { event = "restart_loop", restarts = 3, minutes = 1 }
cooldown_secs = 600
notify = true"#,
    );
    let cycle = |ev: &mut Evaluator| {
        let mut f = ev.on_event(ENGINE, &event("c", "c", "die", &[("exitCode", "1")]));
        f.extend(ev.on_event(ENGINE, &event("c", "c", "start", &[])));
        f
    };
    // The first start is not a restart.
    assert!(ev
        .on_event(ENGINE, &event("c", "c", "start", &[]))
        .is_empty());
    assert!(cycle(&mut ev).is_empty());
    clock.advance(61_000); // the first restart leaves the window
    assert!(cycle(&mut ev).is_empty());
    clock.advance(1_000);
    assert!(cycle(&mut ev).is_empty());
    clock.advance(1_000);
    let f = cycle(&mut ev);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].cause, "restarted 3 times within 1 min");
    for _ in 0..5 {
        assert!(cycle(&mut ev).is_empty(), "cooldown");
    }
}

#[test]
fn thresholds_need_the_whole_window() {
    let (mut ev, clock) = evaluator(
        r#"[[rule]]
name = "hot"
trigger = { threshold = "cpu_percent", above = 80.0, for_secs = 10 }
cooldown_secs = 300
notify = true
[[rule]]
name = "big"
trigger = { threshold = "memory_percent", above = 50.0 }
cooldown_secs = 300
notify = true"#,
    );
    let t = target("c", "c");
    let s = |cpu: f64, mem: u64| Sample {
        cpu_pct: cpu,
        mem_used: mem,
        mem_limit: 100,
        ..Default::default()
    };
    assert!(ev.on_sample(&t, &s(90.0, 10)).is_empty());
    clock.advance(5_000);
    assert!(
        ev.on_sample(&t, &s(50.0, 10)).is_empty(),
        "dropped below: restart"
    );
    clock.advance(1_000);
    assert!(ev.on_sample(&t, &s(90.0, 10)).is_empty());
    clock.advance(9_000);
    assert!(ev.on_sample(&t, &s(95.0, 10)).is_empty());
    clock.advance(1_000);
    let f = ev.on_sample(&t, &s(95.0, 10));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].cause, "CPU 95.0 % above 80.0 % for 10 s");
    let f = ev.on_sample(&t, &s(95.0, 60));
    assert_eq!(f.len(), 1, "memory fires at once: {f:?}");
    clock.advance(1_000);
    assert!(ev.on_sample(&t, &s(95.0, 60)).is_empty());
}

#[test]
fn log_lines_and_seeded_cooldowns() {
    let (mut ev, clock) = evaluator(
        r#"[[rule]]
name = "panic"
select = { name = "^worker" }
trigger = { log = "panic|FATAL" }
cooldown_secs = 60
notify = true"#,
    );
    let w = target("w", "worker-1");
    assert!(ev.wants_logs(&w));
    assert!(!ev.wants_logs(&target("a", "api")));
    assert!(!ev.wants_stats(&w));
    assert!(ev.on_log_line(&w, "all good").is_empty());
    ev.seed("panic", "name:worker-1", 1_000_000 - 30_000);
    assert!(
        ev.on_log_line(&w, "FATAL one").is_empty(),
        "seeded 30 s ago"
    );
    clock.advance(30_000);
    let f = ev.on_log_line(&w, "FATAL \u{1b}]0;pwned\u{7} two");
    assert_eq!(f.len(), 1);
    assert!(!f[0].cause.contains('\u{1b}'), "inert: {:?}", f[0].cause);
    assert!(f[0]
        .cause
        .starts_with("log line matched /panic|FATAL/: FATAL"));
}

#[test]
fn bad_rules_are_named_with_their_field() {
    let cases = [
        (
            "[[rule]]\nname = \"a\"\ntrigger = { log = \"(\" }\ncooldown_secs = 1\nnotify = true",
            "alert rule \"a\": trigger.log: bad regex",
        ),
        (
            "[[rule]]\nname = \"b\"\ntrigger = { event = \"explode\" }\ncooldown_secs = 1\nnotify = true",
            "alert rule \"b\": trigger.event: unknown event \"explode\"",
        ),
        (
            "[[rule]]\nname = \"c\"\ntrigger = { event = \"die\" }\nnotify = true",
            "alert rule \"c\": cooldown_secs: must be at least 1",
        ),
        (
            "[[rule]]\nname = \"d\"\ntrigger = { event = \"die\", log = \"x\" }\ncooldown_secs = 1\nnotify = true",
            "alert rule \"d\": trigger: give exactly one of event, threshold or log",
        ),
        (
            "[[rule]]\nname = \"e\"\nselect = { name = \"[\" }\ntrigger = { event = \"die\" }\ncooldown_secs = 1\nnotify = true",
            "alert rule \"e\": select.name: bad regex",
        ),
        (
            "[[rule]]\nname = \"f\"\ntrigger = { event = \"die\" }\ncooldown_secs = 1\nwebhook = \"ftp://x\"",
            "alert rule \"f\": webhook: must be an http:// or https:// URL",
        ),
        (
            "[[rule]]\nname = \"g\"\ntrigger = { threshold = \"cpu_percent\" }\ncooldown_secs = 1\nnotify = true",
            "alert rule \"g\": trigger.above: a threshold needs a value",
        ),
        (
            "[[rule]]\nname = \"h\"\ntrigger = { event = \"die\" }\ncooldown_secs = 1",
            "alert rule \"h\": actions: give at least one of",
        ),
        (
            "[[rule]]\nname = \"i\"\ntrigger = { event = \"die\" }\ncooldown_secs = 1\nnotify = true\n[[rule]]\nname = \"i\"\ntrigger = { event = \"oom\" }\ncooldown_secs = 1\nnotify = true",
            "alert rule \"i\": name: another rule has this name",
        ),
        (
            "[[rule]]\nname = \"j\"\ntrigger = { event = \"die\" }\ncooldown_secs = 1\nnotify = true\ncolour = 3",
            "unknown field `colour`",
        ),
    ];
    for (text, want) in cases {
        let got = parse(text).map(|_| ()).unwrap_err().message().to_owned();
        assert!(got.contains(want), "{text}\n  got:  {got}\n  want: {want}");
    }
}

use std::path::PathBuf;

use super::*;
use crate::engine::connect::EndpointSource;
use crate::error::CoreError;

fn unix(path: &std::path::Path) -> Transport {
    Transport::Unix { path: path.into() }
}

#[test]
fn endpoint_keys_normalize_each_transport() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let sock = dir.path().join("docker.sock");
    std::fs::write(&sock, b"").unwrap_or_else(|e| panic!("{e}"));
    let link = dir.path().join("link.sock");
    std::os::unix::fs::symlink(&sock, &link).unwrap_or_else(|e| panic!("{e}"));
    let dotted = dir.path().join(".").join("docker.sock");
    let real = std::fs::canonicalize(&sock).unwrap_or_else(|e| panic!("{e}"));
    let want = format!("unix://{}", real.display());
    // A symlink and a `.` in the path are the same socket file.
    for p in [&sock, &link, &dotted] {
        assert_eq!(endpoint_key(&unix(p)), want, "{}", p.display());
    }
    // A socket that is not there compares as written.
    let gone = PathBuf::from("/nonexistent/wharf/docker.sock");
    assert_eq!(
        endpoint_key(&unix(&gone)),
        "unix:///nonexistent/wharf/docker.sock"
    );

    let cases = [
        (
            Transport::Tcp {
                host: "Engine.Example".into(),
                port: 2375,
            },
            "tcp://engine.example:2375",
        ),
        (
            Transport::Tls {
                host: "engine.example".into(),
                port: 2375,
                ca: None,
                cert: None,
                key: None,
                skip_verify: false,
            },
            "tcp://engine.example:2375",
        ),
        (
            Transport::Tcp {
                host: "[::1]".into(),
                port: 2376,
            },
            "tcp://::1:2376",
        ),
        (
            Transport::Ssh {
                user: Some("ops".into()),
                host: "Box".into(),
                port: None,
            },
            "ssh://ops@box:22",
        ),
        (
            Transport::Ssh {
                user: Some("ops".into()),
                host: "box".into(),
                port: Some(22),
            },
            "ssh://ops@box:22",
        ),
        (
            Transport::Ssh {
                user: None,
                host: "box".into(),
                port: Some(2222),
            },
            "ssh://@box:2222",
        ),
    ];
    for (t, want) in cases {
        assert_eq!(endpoint_key(&t), want, "{t}");
    }
    // Another user or port is another engine (or another login to it: not folded).
    assert_ne!(
        endpoint_key(&Transport::Ssh {
            user: Some("a".into()),
            host: "box".into(),
            port: None
        }),
        endpoint_key(&Transport::Ssh {
            user: Some("b".into()),
            host: "box".into(),
            port: None
        })
    );
}

fn ep(path: &str) -> Result<Endpoint> {
    Ok(Endpoint {
        transport: Transport::Unix { path: path.into() },
        source: EndpointSource::Flag,
    })
}

fn named(name: &str, host: &str) -> EngineSpec {
    EngineSpec {
        name: name.into(),
        ..EngineSpec::host(host)
    }
}

#[test]
fn default_and_a_configured_engine_on_one_socket_are_one_member_named_by_the_configured_one() {
    let mut prod = named("prod", "unix:///run/a.sock");
    prod.read_only = false;
    let mut default = EngineSpec::context("default");
    default.read_only = true;
    default.colour = Some("red".into());
    let (kept, same) = fold(vec![
        (default, ep("/run/a.sock")),
        (EngineSpec::context("other"), ep("/run/b.sock")),
        (prod, ep("/run/a.sock")),
        (
            EngineSpec::context("broken"),
            Err(CoreError::config("no such context")),
        ),
    ]);
    let names: Vec<&str> = kept.iter().map(|(s, _)| s.name.as_str()).collect();
    // `prod` takes `default`'s place (first seen), `other` and the unresolved one stay.
    assert_eq!(names, ["prod", "other", "broken"]);
    let prod = &kept[0].0;
    assert!(prod.read_only, "never less guarded than either spec asked");
    assert_eq!(prod.colour.as_deref(), Some("red"));
    assert_eq!(same.len(), 1);
    assert_eq!(
        same[0].describe(),
        "default and prod are the same engine: shown once"
    );
    assert_eq!(same[0].endpoint, "unix:///run/a.sock");
}

#[test]
fn of_two_equally_specific_names_the_first_is_kept() {
    let (kept, same) = fold(vec![
        (named("a", "unix:///run/x.sock"), ep("/run/x.sock")),
        (named("b", "unix:///run/x.sock"), ep("/run/x.sock")),
        (EngineSpec::context("ctx"), ep("/run/x.sock")),
        (EngineSpec::context("default"), ep("/run/x.sock")),
    ]);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].0.name, "a");
    let lines: Vec<String> = same.iter().map(SameEngine::describe).collect();
    assert_eq!(
        lines,
        [
            "b and a are the same engine: shown once",
            "ctx and a are the same engine: shown once",
            "default and a are the same engine: shown once",
        ]
    );
}

#[test]
fn a_configured_name_beats_an_address_named_by_itself() {
    let (kept, same) = fold(vec![
        (EngineSpec::host("unix:///run/x.sock"), ep("/run/x.sock")),
        (named("prod", "unix:///run/x.sock"), ep("/run/x.sock")),
    ]);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].0.name, "prod");
    assert_eq!(
        same[0].describe(),
        "unix:///run/x.sock and prod are the same engine: shown once"
    );
}

#[test]
fn two_named_entries_under_different_read_only_stay_two_members() {
    let mut guard = named("guard", "unix:///run/x.sock");
    guard.read_only = true;
    let (kept, same) = fold(vec![
        (named("main", "unix:///run/x.sock"), ep("/run/x.sock")),
        (guard, ep("/run/x.sock")),
        (EngineSpec::context("default"), ep("/run/x.sock")),
    ]);
    let names: Vec<(&str, bool)> = kept
        .iter()
        .map(|(s, _)| (s.name.as_str(), s.read_only))
        .collect();
    assert_eq!(names, [("main", false), ("guard", true)]);
    assert_eq!(
        same.iter().map(SameEngine::describe).collect::<Vec<_>>(),
        ["default and main are the same engine: shown once"]
    );
}

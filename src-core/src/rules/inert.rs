//! Engine objects made inert for display in a webview: every string the engine or a
//! container chose (names, labels, commands, mount paths, event attributes) passes through
//! [`streams::text::inert`](crate::streams::text::inert), so escape sequences are dropped and
//! bidi overrides or zero-width characters show as `⟨U+XXXX⟩` markers.
//!
//! The check comes first and is cheap; an object is copied only when one of its strings
//! needs changing, which real engines almost never send, so the usual cost is one scan.
//! (The terminal UI sanitizes each cell as it draws it instead.)

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::{
    Config, Container, EngineEvent, EngineInfo, Image, Network, Node, Secret, Service, Task, Volume,
};
use crate::store::{ConnectionState, RefreshFailure};
use crate::streams::text::{inert, needs_sanitizing};

fn fix(s: &mut String) {
    if let Cow::Owned(o) = inert(s) {
        *s = o;
    }
}

fn map_needs(m: &BTreeMap<String, String>) -> bool {
    m.iter()
        .any(|(k, v)| needs_sanitizing(k) || needs_sanitizing(v))
}

fn fix_map(m: &mut BTreeMap<String, String>) {
    if map_needs(m) {
        *m = std::mem::take(m)
            .into_iter()
            .map(|(k, v)| (inert(&k).into_owned(), inert(&v).into_owned()))
            .collect();
    }
}

fn any_needs<'a>(mut it: impl Iterator<Item = &'a str>) -> bool {
    it.any(needs_sanitizing)
}

pub fn container(c: &Container) -> Cow<'_, Container> {
    let strings = [c.name.as_str(), &c.image, &c.command, &c.status]
        .into_iter()
        .chain(c.networks.iter().map(String::as_str))
        .chain(c.mounts.iter().flat_map(|m| {
            [m.kind.as_str(), &m.source, &m.destination]
                .into_iter()
                .chain(m.name.as_deref())
        }))
        .chain(
            c.compose
                .iter()
                .flat_map(|p| std::iter::once(p.project.as_str()).chain(p.service.as_deref())),
        );
    if !any_needs(strings) && !map_needs(&c.labels) {
        return Cow::Borrowed(c);
    }
    let mut c = c.clone();
    for s in [&mut c.name, &mut c.image, &mut c.command, &mut c.status] {
        fix(s);
    }
    c.networks.iter_mut().for_each(fix);
    for m in &mut c.mounts {
        fix(&mut m.kind);
        fix(&mut m.source);
        fix(&mut m.destination);
        m.name.iter_mut().for_each(fix);
    }
    if let Some(p) = &mut c.compose {
        fix(&mut p.project);
        p.service.iter_mut().for_each(fix);
    }
    fix_map(&mut c.labels);
    Cow::Owned(c)
}

pub fn image(i: &Image) -> Cow<'_, Image> {
    let strings = i.tags.iter().chain(&i.digests).map(String::as_str);
    if !any_needs(strings) && !map_needs(&i.labels) {
        return Cow::Borrowed(i);
    }
    let mut i = i.clone();
    i.tags.iter_mut().for_each(fix);
    i.digests.iter_mut().for_each(fix);
    fix_map(&mut i.labels);
    Cow::Owned(i)
}

/// A swarm node, service, task or secret: every engine string made inert (names, images,
/// labels, task messages and errors come from whoever created the object).
pub fn node(n: &Node) -> Cow<'_, Node> {
    let strings = [
        n.hostname.as_str(),
        &n.role,
        &n.availability,
        &n.state,
        &n.engine_version,
        &n.addr,
    ];
    if !any_needs(strings.into_iter()) && !map_needs(&n.labels) {
        return Cow::Borrowed(n);
    }
    let mut n = n.clone();
    for s in [
        &mut n.hostname,
        &mut n.role,
        &mut n.availability,
        &mut n.state,
        &mut n.engine_version,
        &mut n.addr,
    ] {
        fix(s);
    }
    fix_map(&mut n.labels);
    Cow::Owned(n)
}

pub fn service(v: &Service) -> Cow<'_, Service> {
    let strings = [v.name.as_str(), &v.image]
        .into_iter()
        .chain(v.ports.iter().map(String::as_str))
        .chain(v.update_state.as_deref())
        .chain(v.update_message.as_deref())
        .chain(v.stack.as_deref());
    if !any_needs(strings) && !map_needs(&v.labels) {
        return Cow::Borrowed(v);
    }
    let mut v = v.clone();
    fix(&mut v.name);
    fix(&mut v.image);
    v.ports.iter_mut().for_each(fix);
    for s in [&mut v.update_state, &mut v.update_message, &mut v.stack] {
        s.iter_mut().for_each(fix);
    }
    fix_map(&mut v.labels);
    Cow::Owned(v)
}

pub fn task(t: &Task) -> Cow<'_, Task> {
    let strings = [t.state.as_str(), &t.desired_state, &t.message, &t.image]
        .into_iter()
        .chain(t.error.as_deref());
    if !any_needs(strings) {
        return Cow::Borrowed(t);
    }
    let mut t = t.clone();
    for s in [
        &mut t.state,
        &mut t.desired_state,
        &mut t.message,
        &mut t.image,
    ] {
        fix(s);
    }
    t.error.iter_mut().for_each(fix);
    Cow::Owned(t)
}

pub fn secret(v: &Secret) -> Cow<'_, Secret> {
    let strings = [v.name.as_str()].into_iter().chain(v.driver.as_deref());
    if !any_needs(strings) && !map_needs(&v.labels) {
        return Cow::Borrowed(v);
    }
    let mut v = v.clone();
    fix(&mut v.name);
    v.driver.iter_mut().for_each(fix);
    fix_map(&mut v.labels);
    Cow::Owned(v)
}

/// A swarm config with its name, labels and data made inert. The data keeps its line breaks
/// and tabs (it is usually a file); every other control and escape is dropped line by line.
pub fn config(v: &Config) -> Cow<'_, Config> {
    let data_needs = v.data.as_deref().is_some_and(|d| {
        d.split('\n')
            .any(|l| needs_sanitizing(&l.replace('\t', " ")))
    });
    if !needs_sanitizing(&v.name) && !map_needs(&v.labels) && !data_needs {
        return Cow::Borrowed(v);
    }
    let mut v = v.clone();
    fix(&mut v.name);
    fix_map(&mut v.labels);
    if let Some(d) = v.data.as_mut() {
        *d = config_data(d);
    }
    Cow::Owned(v)
}

/// A config's text, inert line by line (tabs kept).
pub fn config_data(data: &str) -> String {
    data.split('\n')
        .map(|line| {
            line.split('\t')
                .map(|part| inert(part).into_owned())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn network(n: &Network) -> Cow<'_, Network> {
    let strings = [n.name.as_str(), &n.driver, &n.scope]
        .into_iter()
        .chain(n.subnets.iter().map(String::as_str));
    if !any_needs(strings) && !map_needs(&n.labels) {
        return Cow::Borrowed(n);
    }
    let mut n = n.clone();
    for s in [&mut n.name, &mut n.driver, &mut n.scope] {
        fix(s);
    }
    n.subnets.iter_mut().for_each(fix);
    fix_map(&mut n.labels);
    Cow::Owned(n)
}

pub fn volume(v: &Volume) -> Cow<'_, Volume> {
    let strings = [v.driver.as_str(), &v.mountpoint]
        .into_iter()
        .chain(v.scope.as_deref());
    if !any_needs(strings) && !map_needs(&v.labels) {
        return Cow::Borrowed(v);
    }
    let mut v = v.clone();
    fix(&mut v.driver);
    fix(&mut v.mountpoint);
    v.scope.iter_mut().for_each(fix);
    fix_map(&mut v.labels);
    Cow::Owned(v)
}

pub fn event(e: &EngineEvent) -> Cow<'_, EngineEvent> {
    if !needs_sanitizing(&e.action) && !needs_sanitizing(&e.actor_id) && !map_needs(&e.attributes) {
        return Cow::Borrowed(e);
    }
    let mut e = e.clone();
    fix(&mut e.action);
    fix(&mut e.actor_id);
    fix_map(&mut e.attributes);
    Cow::Owned(e)
}

/// The connection state: its reason quotes the engine's (or a proxy's) own error text.
pub fn connection(c: &ConnectionState) -> Cow<'_, ConnectionState> {
    match c {
        ConnectionState::NotResponding { reason, .. }
        | ConnectionState::Reconnecting { reason, .. }
        | ConnectionState::Failed { reason }
            if needs_sanitizing(reason) =>
        {
            let mut c = c.clone();
            if let ConnectionState::NotResponding { reason, .. }
            | ConnectionState::Reconnecting { reason, .. }
            | ConnectionState::Failed { reason } = &mut c
            {
                fix(reason);
            }
            Cow::Owned(c)
        }
        _ => Cow::Borrowed(c),
    }
}

/// Objects that failed to refresh: each reason is the engine's error text.
pub fn refresh_failures(fs: &[RefreshFailure]) -> Cow<'_, [RefreshFailure]> {
    if !fs.iter().any(|f| needs_sanitizing(&f.reason)) {
        return Cow::Borrowed(fs);
    }
    let mut fs = fs.to_vec();
    for f in &mut fs {
        fix(&mut f.reason);
    }
    Cow::Owned(fs)
}

/// The engine's own description of itself (`/info`), shown on the engine page.
pub fn engine_info(e: &EngineInfo) -> Cow<'_, EngineInfo> {
    let strings = [
        e.platform.as_str(),
        &e.version,
        &e.api_version,
        &e.negotiated_api_version,
        &e.os,
        &e.os_type,
        &e.kernel,
        &e.arch,
        &e.hostname,
        &e.storage_driver,
        &e.cgroup_driver,
        &e.cgroup_version,
        &e.logging_driver,
        &e.root_dir,
        &e.swarm,
        &e.system_time,
    ]
    .into_iter()
    .chain(e.min_api_version.as_deref())
    .chain(e.warnings.iter().map(String::as_str));
    if !any_needs(strings) {
        return Cow::Borrowed(e);
    }
    let mut e = e.clone();
    for s in [
        &mut e.platform,
        &mut e.version,
        &mut e.api_version,
        &mut e.negotiated_api_version,
        &mut e.os,
        &mut e.os_type,
        &mut e.kernel,
        &mut e.arch,
        &mut e.hostname,
        &mut e.storage_driver,
        &mut e.cgroup_driver,
        &mut e.cgroup_version,
        &mut e.logging_driver,
        &mut e.root_dir,
        &mut e.swarm,
        &mut e.system_time,
    ] {
        fix(s);
    }
    e.min_api_version.iter_mut().for_each(fix);
    e.warnings.iter_mut().for_each(fix);
    Cow::Owned(e)
}

/// A container's process list (`top`): the commands are the container's to choose.
pub fn processes(mut p: crate::model::Processes) -> crate::model::Processes {
    p.titles.iter_mut().for_each(fix);
    p.rows.iter_mut().flatten().for_each(fix);
    p
}

/// Every string of a JSON document (an inspect result), object keys included, made inert in
/// place.
pub fn json(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => fix(s),
        Value::Array(a) => a.iter_mut().for_each(json),
        Value::Object(m) => {
            if m.keys().any(|k| needs_sanitizing(k)) {
                *m = std::mem::take(m)
                    .into_iter()
                    .map(|(k, v)| (inert(&k).into_owned(), v))
                    .collect();
            }
            m.values_mut().for_each(json);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContainerId, ContainerState};

    fn plain() -> Container {
        Container {
            id: ContainerId::from("a".repeat(64)),
            name: "web".into(),
            image: "nginx".into(),
            image_id: None,
            command: "nginx -g 'daemon off;'".into(),
            created: 0,
            state: ContainerState::Running,
            status: "Up 2 hours".into(),
            health: None,
            started_at: None,
            finished_at: None,
            exit_code: None,
            restart_count: None,
            ports: Vec::new(),
            mounts: Vec::new(),
            networks: vec!["bridge".into()],
            labels: BTreeMap::from([("tier".into(), "web".into())]),
            compose: None,
            pid: None,
            cpu_limit: None,
            memory_limit: None,
            tty: false,
            security: None,
            detailed: false,
        }
    }

    #[test]
    fn clean_objects_are_borrowed() {
        let c = plain();
        assert!(matches!(container(&c), Cow::Borrowed(_)));
    }

    #[test]
    fn hostile_strings_are_made_inert() {
        let mut c = plain();
        c.command = "sh -c \x1b]52;c;ZXZpbA==\x07x".into();
        c.labels
            .insert("evil\u{202e}key".into(), "v=\u{202E}gnp.exe\x1b[2J".into());
        let out = container(&c);
        assert_eq!(out.command, "sh -c x");
        assert_eq!(
            out.labels.get("evil⟨U+202E⟩key").map(String::as_str),
            Some("v=⟨U+202E⟩gnp.exe")
        );
        assert_eq!(out.labels.get("tier").map(String::as_str), Some("web"));
        assert_eq!(out.id, c.id, "ids are kept: actions use them");
    }

    #[test]
    fn process_lists_are_made_inert() {
        let p = processes(crate::model::Processes {
            titles: vec!["CMD".into()],
            rows: vec![vec!["sh -c \u{1b}]0;t\u{7}v=\u{202e}gnp.exe".into()]],
        });
        assert_eq!(p.rows[0][0], "sh -c v=⟨U+202E⟩gnp.exe");
    }

    #[test]
    fn json_documents_are_made_inert_keys_included() {
        let mut v = serde_json::json!({
            "Config": { "Env": ["A=\u{202e}x\u{1b}]0;t\u{7}"], "Labels": { "k\u{200b}": "v" } },
            "N": 1
        });
        json(&mut v);
        assert_eq!(v["Config"]["Env"][0], "A=⟨U+202E⟩x");
        assert_eq!(v["Config"]["Labels"]["k⟨U+200B⟩"], "v");
        assert_eq!(v["N"], 1);
    }

    #[test]
    fn connection_reasons_and_refresh_failures_are_made_inert() {
        let ok = ConnectionState::Connected { since_ms: 1 };
        assert!(matches!(connection(&ok), Cow::Borrowed(_)));
        let hostile = ConnectionState::Reconnecting {
            since_ms: 1,
            attempt: 2,
            reason: "proxy said \u{1b}]0;pwned\u{7}v=\u{202e}gnp.exe".into(),
        };
        match &*connection(&hostile) {
            ConnectionState::Reconnecting {
                reason, attempt, ..
            } => {
                assert_eq!(reason, "proxy said v=⟨U+202E⟩gnp.exe");
                assert_eq!(*attempt, 2);
            }
            other => panic!("changed kind: {other:?}"),
        }
        let f = RefreshFailure {
            object: crate::store::ObjectRef::Container(crate::model::ContainerId::from("a")),
            reason: "bad \u{200b}json".into(),
            since_ms: 1,
            attempts: 1,
            retry_at_ms: 2,
        };
        let clean = RefreshFailure {
            reason: "plain".into(),
            ..f.clone()
        };
        assert!(matches!(
            refresh_failures(std::slice::from_ref(&clean)),
            Cow::Borrowed(_)
        ));
        assert_eq!(refresh_failures(&[f])[0].reason, "bad ⟨U+200B⟩json");
    }
}

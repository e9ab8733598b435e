//! What an edit changes: the old run form (the container as it is, `Engine::run_form`) against
//! the new one, as a list of settings with their old and new values. Both UIs show it before a
//! recreate and apply nothing when it is empty ("nothing changed").
//!
//! Pure and unmasked: values are as typed. Display masks secret-looking env values with
//! `rules::secrets::mask_diff` (the secrets rule lives a layer above this one).
//!
//! Lists are compared as sets (the prefill sorts some lists, the user may reorder), except
//! the first network, which is the network mode: moving another network first is a change.
//! Environment and labels are compared by key, so a changed value is one line, not a removed
//! and an added entry.

use serde::{Deserialize, Serialize};

use super::run::RunForm;

/// How one setting changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A value was replaced (`old` → `new`).
    Changed,
    /// A list entry was added (`new`).
    Added,
    /// A list entry was removed (`old`).
    Removed,
}

/// One changed setting. `setting` is the form's label (`memory`, `environment`); `key` names
/// the env variable or label for those two lists. Empty `old`/`new` means unset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SettingChange {
    pub setting: String,
    pub key: Option<String>,
    pub change: ChangeKind,
    pub old: String,
    pub new: String,
}

impl std::fmt::Display for SettingChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.setting)?;
        if let Some(k) = &self.key {
            write!(f, " {k}")?;
        }
        let shown = |v: &str| {
            if v.is_empty() {
                "(unset)".to_owned()
            } else {
                v.to_owned()
            }
        };
        match self.change {
            ChangeKind::Changed => write!(f, ": {} → {}", shown(&self.old), shown(&self.new)),
            ChangeKind::Added => write!(f, ": + {}", self.new),
            ChangeKind::Removed => write!(f, ": − {}", self.old),
        }
    }
}

fn onoff(b: bool) -> String {
    if b { "on" } else { "off" }.to_owned()
}

fn scalar(out: &mut Vec<SettingChange>, setting: &str, old: &str, new: &str) {
    if old.trim() != new.trim() {
        out.push(SettingChange {
            setting: setting.to_owned(),
            key: None,
            change: ChangeKind::Changed,
            old: old.trim().to_owned(),
            new: new.trim().to_owned(),
        });
    }
}

/// Entries of a list, trimmed, blank ones dropped (the UIs keep a blank row while typing).
fn entries(list: &[String]) -> Vec<&str> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect()
}

fn list(out: &mut Vec<SettingChange>, setting: &str, old: &[String], new: &[String]) {
    let (old, new) = (entries(old), entries(new));
    for o in old.iter().filter(|o| !new.contains(o)) {
        out.push(SettingChange {
            setting: setting.to_owned(),
            key: None,
            change: ChangeKind::Removed,
            old: (*o).to_owned(),
            new: String::new(),
        });
    }
    for n in new.iter().filter(|n| !old.contains(n)) {
        out.push(SettingChange {
            setting: setting.to_owned(),
            key: None,
            change: ChangeKind::Added,
            old: String::new(),
            new: (*n).to_owned(),
        });
    }
}

/// `K=V` entries compared by key (the last entry of a key wins, as in the engine).
fn keyed(out: &mut Vec<SettingChange>, setting: &str, old: &[String], new: &[String]) {
    let split = |l: &[String]| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = Vec::new();
        for e in entries(l) {
            let (k, val) = e.split_once('=').unwrap_or((e, ""));
            v.retain(|(x, _)| x != k);
            v.push((k.to_owned(), val.to_owned()));
        }
        v
    };
    let (old, new) = (split(old), split(new));
    let find =
        |l: &[(String, String)], k: &str| l.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
    let change = |key: &str, change, old: String, new: String| SettingChange {
        setting: setting.to_owned(),
        key: Some(key.to_owned()),
        change,
        old,
        new,
    };
    for (k, v) in &old {
        match find(&new, k) {
            None => out.push(change(k, ChangeKind::Removed, v.clone(), String::new())),
            Some(n) if n != *v => out.push(change(k, ChangeKind::Changed, v.clone(), n)),
            Some(_) => {}
        }
    }
    for (k, v) in &new {
        if find(&old, k).is_none() {
            out.push(change(k, ChangeKind::Added, String::new(), v.clone()));
        }
    }
}

/// Every setting that differs between `old` and `new`, in the form's order. Empty: nothing
/// to apply.
pub fn diff(old: &RunForm, new: &RunForm) -> Vec<SettingChange> {
    let mut out = Vec::new();
    let o = old;
    let n = new;
    scalar(&mut out, "image", &o.image, &n.image);
    scalar(&mut out, "name", &o.name, &n.name);
    scalar(&mut out, "command", &o.command, &n.command);
    scalar(&mut out, "entrypoint", &o.entrypoint, &n.entrypoint);
    list(&mut out, "ports", &o.ports, &n.ports);
    if o.publish_all != n.publish_all {
        scalar(
            &mut out,
            "publish all",
            &onoff(o.publish_all),
            &onoff(n.publish_all),
        );
    }
    keyed(&mut out, "environment", &o.env, &n.env);
    scalar(&mut out, "env file", &o.env_file, &n.env_file);
    list(&mut out, "mounts", &o.mounts, &n.mounts);
    let first = |l: &[String]| {
        entries(l)
            .first()
            .map(|s| (*s).to_owned())
            .unwrap_or_default()
    };
    let (of, nf) = (first(&o.networks), first(&n.networks));
    let base = |s: &str| s.split(':').next().unwrap_or_default().to_owned();
    if base(&of) != base(&nf) {
        scalar(&mut out, "network mode", &base(&of), &base(&nf));
    }
    list(&mut out, "networks", &o.networks, &n.networks);
    scalar(&mut out, "restart", &o.restart, &n.restart);
    scalar(&mut out, "memory", &o.memory, &n.memory);
    scalar(&mut out, "memory swap", &o.memory_swap, &n.memory_swap);
    scalar(
        &mut out,
        "memory reservation",
        &o.memory_reservation,
        &n.memory_reservation,
    );
    scalar(&mut out, "cpus", &o.cpus, &n.cpus);
    scalar(&mut out, "cpu shares", &o.cpu_shares, &n.cpu_shares);
    scalar(&mut out, "cpuset", &o.cpuset, &n.cpuset);
    scalar(&mut out, "pids limit", &o.pids_limit, &n.pids_limit);
    scalar(&mut out, "user", &o.user, &n.user);
    scalar(&mut out, "working dir", &o.workdir, &n.workdir);
    scalar(&mut out, "hostname", &o.hostname, &n.hostname);
    let caps = |l: &[String]| -> Vec<String> {
        entries(l)
            .iter()
            .map(|c| {
                let up = c.to_ascii_uppercase();
                up.strip_prefix("CAP_").unwrap_or(&up).to_owned()
            })
            .collect()
    };
    list(
        &mut out,
        "capabilities added",
        &caps(&o.cap_add),
        &caps(&n.cap_add),
    );
    list(
        &mut out,
        "capabilities dropped",
        &caps(&o.cap_drop),
        &caps(&n.cap_drop),
    );
    for (setting, a, b) in [
        ("privileged", o.privileged, n.privileged),
        ("read-only root", o.read_only, n.read_only),
        ("remove when stopped", o.auto_remove, n.auto_remove),
    ] {
        if a != b {
            scalar(&mut out, setting, &onoff(a), &onoff(b));
        }
    }
    keyed(&mut out, "labels", &o.labels, &n.labels);
    scalar(&mut out, "health command", &o.health_cmd, &n.health_cmd);
    scalar(
        &mut out,
        "health interval",
        &o.health_interval,
        &n.health_interval,
    );
    scalar(
        &mut out,
        "health timeout",
        &o.health_timeout,
        &n.health_timeout,
    );
    scalar(
        &mut out,
        "health retries",
        &o.health_retries,
        &n.health_retries,
    );
    scalar(&mut out, "pid", &o.pid, &n.pid);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> RunForm {
        RunForm {
            image: "busybox:1".into(),
            name: "web".into(),
            command: "sleep 1000".into(),
            ports: vec!["8080:80/tcp".into(), "9090:90/tcp".into()],
            env: vec!["A=1".into(), "PASSWORD=hunter2".into()],
            mounts: vec!["data:/data".into(), "/cache".into()],
            networks: vec!["front:web".into(), "back".into()],
            memory: "64m".into(),
            labels: vec!["team=a".into()],
            ..Default::default()
        }
    }

    fn line(
        setting: &str,
        key: Option<&str>,
        change: ChangeKind,
        old: &str,
        new: &str,
    ) -> SettingChange {
        SettingChange {
            setting: setting.into(),
            key: key.map(Into::into),
            change,
            old: old.into(),
            new: new.into(),
        }
    }

    #[test]
    fn identical_forms_have_no_changes() {
        assert_eq!(diff(&base(), &base()), vec![]);
        // Reordered lists, surrounding blanks and blank rows are no change either.
        let mut f = base();
        f.ports.reverse();
        f.env.reverse();
        f.mounts.push("  ".into());
        f.memory = " 64m ".into();
        assert_eq!(diff(&base(), &f), vec![]);
    }

    #[test]
    fn table() {
        use ChangeKind::*;
        type Edit = fn(&mut RunForm);
        let cases: Vec<(&str, Edit, Vec<SettingChange>)> = vec![
            (
                "scalar",
                |f| f.memory = "128m".into(),
                vec![line("memory", None, Changed, "64m", "128m")],
            ),
            (
                "cleared",
                |f| f.memory.clear(),
                vec![line("memory", None, Changed, "64m", "")],
            ),
            (
                "env value",
                |f| f.env[0] = "A=2".into(),
                vec![line("environment", Some("A"), Changed, "1", "2")],
            ),
            (
                "env added and removed",
                |f| f.env = vec!["PASSWORD=hunter2".into(), "B=3".into()],
                vec![
                    line("environment", Some("A"), Removed, "1", ""),
                    line("environment", Some("B"), Added, "", "3"),
                ],
            ),
            (
                "port list",
                |f| f.ports[1] = "9191:90/tcp".into(),
                vec![
                    line("ports", None, Removed, "9090:90/tcp", ""),
                    line("ports", None, Added, "", "9191:90/tcp"),
                ],
            ),
            (
                "flag",
                |f| f.privileged = true,
                vec![line("privileged", None, Changed, "off", "on")],
            ),
            (
                "network mode",
                |f| f.networks.reverse(),
                vec![line("network mode", None, Changed, "front", "back")],
            ),
            (
                "alias",
                |f| f.networks[1] = "back:db".into(),
                vec![
                    line("networks", None, Removed, "back", ""),
                    line("networks", None, Added, "", "back:db"),
                ],
            ),
            (
                "capability spelling",
                |f| f.cap_add = vec!["cap_net_admin".into()],
                vec![line("capabilities added", None, Added, "", "NET_ADMIN")],
            ),
            (
                "label",
                |f| f.labels = vec!["team=b".into()],
                vec![line("labels", Some("team"), Changed, "a", "b")],
            ),
        ];
        for (what, edit, want) in cases {
            let mut f = base();
            edit(&mut f);
            assert_eq!(diff(&base(), &f), want, "{what}");
        }
    }

    #[test]
    fn display() {
        let c = line("memory", None, ChangeKind::Changed, "64m", "");
        assert_eq!(c.to_string(), "memory: 64m → (unset)");
        let c = line("environment", Some("A"), ChangeKind::Added, "", "1");
        assert_eq!(c.to_string(), "environment A: + 1");
    }
}

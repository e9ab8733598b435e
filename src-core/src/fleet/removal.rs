//! The plan of a removal of images, volumes and networks across engines: the confirmation
//! both UIs show (a title, one line per object naming its engine, notes on what is left
//! alone and why) and the commands routed by engine.
//!
//! Image removals carry the single-engine removal's two choices ([`RemovalOptions`]): force
//! and no-prune (keep the untagged parents). Without force, an image some container on its
//! engine uses (a stopped one too: the engine refuses those as well) is left out of the
//! items, and a note names the image, its engine and those containers, so nothing is sent
//! that the engine would refuse halfway through a bulk removal. With force it is removed.
//! Volumes and networks are never forced; built-in networks are never removed; a read-only
//! engine's part is named (its member's policy refuses it).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::objects::{FleetObjectKey, FleetObjectKind, FleetObjects, RemovalOptions};
use super::EngineStatus;
use crate::command::Command;

/// A command and the engine it goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoutedCommand {
    pub engine: String,
    pub cmd: Command,
}

/// What a removal across engines will do, for the confirmation of both UIs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RemovalPlan {
    /// `Remove 2 volumes on 2 engines? Their data is lost.`
    pub title: String,
    /// One line per item, naming the object and its engine (`super::describe_command`), with
    /// its users on that engine when some container uses it.
    pub lines: Vec<String>,
    /// What is left alone and why, and which engines will refuse (read-only).
    pub notes: Vec<String>,
    pub items: Vec<RoutedCommand>,
    /// Images left out because containers use them: force would take them.
    #[serde(default)]
    pub needs_force: usize,
    /// Whether any object is an image (the force and no-prune choices apply).
    #[serde(default)]
    pub has_images: bool,
}

/// Plan the removal of the objects `keys` (in listing order; unknown keys are reported, not
/// acted on) without force or no-prune. `engines` tells which engines are read-only.
pub fn plan_removal(
    objects: &FleetObjects,
    engines: &[EngineStatus],
    keys: &[FleetObjectKey],
) -> RemovalPlan {
    plan_removal_with(objects, engines, keys, RemovalOptions::default())
}

/// [`plan_removal`] with the image removal's choices.
pub fn plan_removal_with(
    objects: &FleetObjects,
    engines: &[EngineStatus],
    keys: &[FleetObjectKey],
    opts: RemovalOptions,
) -> RemovalPlan {
    let wanted: BTreeSet<&FleetObjectKey> = keys.iter().collect();
    let mut found: BTreeSet<FleetObjectKey> = BTreeSet::new();
    let mut plan = RemovalPlan::default();
    let mut kinds: BTreeMap<FleetObjectKind, usize> = BTreeMap::new();
    let push = |plan: &mut RemovalPlan, engine: &str, name: &str, cmd: Command, users| {
        let mut line = super::describe_command(engine, name, &cmd);
        if users > 0 {
            line.push_str(&format!(
                ", used by {users} container{} there",
                if users == 1 { "" } else { "s" }
            ));
        }
        plan.lines.push(line);
        plan.items.push(RoutedCommand {
            engine: engine.to_owned(),
            cmd,
        });
    };
    for i in objects.images.iter().filter(|i| wanted.contains(&i.key())) {
        found.insert(i.key());
        plan.has_images = true;
        if i.users > 0 && !opts.force {
            plan.needs_force += 1;
            plan.notes.push(format!(
                "image {} on {} is used by container{} {} there: left alone (force removes it)",
                i.image.display_name(),
                i.engine,
                if i.users == 1 { "" } else { "s" },
                i.used_by.join(", ")
            ));
            continue;
        }
        *kinds.entry(FleetObjectKind::Image).or_default() += 1;
        push(
            &mut plan,
            &i.engine,
            i.image.display_name(),
            i.removal(opts),
            i.users,
        );
    }
    for v in objects.volumes.iter().filter(|v| wanted.contains(&v.key())) {
        found.insert(v.key());
        *kinds.entry(FleetObjectKind::Volume).or_default() += 1;
        push(
            &mut plan,
            &v.engine,
            v.volume.name.as_str(),
            v.removal(),
            v.users,
        );
    }
    for n in objects
        .networks
        .iter()
        .filter(|n| wanted.contains(&n.key()))
    {
        found.insert(n.key());
        match n.removal() {
            Some(cmd) => {
                *kinds.entry(FleetObjectKind::Network).or_default() += 1;
                push(&mut plan, &n.engine, &n.network.name, cmd, n.users);
            }
            None => plan.notes.push(format!(
                "{} on {} is built in: left alone",
                n.network.name, n.engine
            )),
        }
    }
    for k in keys.iter().filter(|k| !found.contains(*k)) {
        plan.notes.push(format!(
            "{} {} on {} is no longer listed: left alone",
            k.kind.as_str(),
            k.id,
            k.engine
        ));
    }
    for e in engines {
        if e.read_only && plan.items.iter().any(|i| i.engine == e.name) {
            plan.notes
                .push(format!("{} is read-only: its part will be refused", e.name));
        }
    }
    let engines: BTreeSet<&str> = plan.items.iter().map(|i| i.engine.as_str()).collect();
    let what: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("{n} {}{}", k.as_str(), if *n == 1 { "" } else { "s" }))
        .collect();
    plan.title = if plan.items.is_empty() {
        "Nothing to remove".to_owned()
    } else {
        format!(
            "Remove {} on {} engine{}?{}",
            what.join(", "),
            engines.len(),
            if engines.len() == 1 { "" } else { "s" },
            if kinds.contains_key(&FleetObjectKind::Volume) {
                " Their data is lost."
            } else {
                ""
            }
        )
    };
    plan
}

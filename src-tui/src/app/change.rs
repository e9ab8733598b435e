//! Changing what exists from the command line: `:update KEY=VALUE…` (limits and restart
//! policy in place), `:connect NETWORK [ALIAS,…]`, `:disconnect NETWORK` (asks first) on the
//! selected container, and `:create network NAME [subnet=… gateway=… ip-range=… driver=…
//! opt=K=V label=K=V internal attachable]`. The words are only sorted into the core's forms
//! here; every value is parsed (and refused with its message) by wharf-core.

use wharf_core::command::Command;
use wharf_core::model::ContainerId;
use wharf_core::spec::network::NetworkForm;
use wharf_core::spec::update::UpdateForm;

use super::App;
use crate::kinds::{RowKey, View};
use crate::msg::Effect;
use crate::prompt::{Confirm, Mode};

/// The keys `:update` takes, for the error message.
pub const UPDATE_KEYS: &str =
    "memory, swap, reservation, cpus, cpu-shares, pids, restart (e.g. :update memory=256m restart=always)";

/// `KEY=VALUE` words into an update form.
pub fn update_form(words: &[&str]) -> Result<UpdateForm, String> {
    let mut f = UpdateForm::default();
    for w in words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!("{w:?} is not KEY=VALUE; keys: {UPDATE_KEYS}"));
        };
        let slot = match k {
            "memory" | "mem" | "m" => &mut f.memory,
            "swap" | "memory-swap" => &mut f.memory_swap,
            "reservation" | "memory-reservation" => &mut f.memory_reservation,
            "cpus" => &mut f.cpus,
            "cpu-shares" | "shares" => &mut f.cpu_shares,
            "pids" | "pids-limit" => &mut f.pids_limit,
            "restart" => &mut f.restart,
            other => return Err(format!("unknown setting {other:?}; keys: {UPDATE_KEYS}")),
        };
        v.clone_into(slot);
    }
    Ok(f)
}

/// A network's name and options from `NAME [subnet=…] …` words.
pub fn network_form(words: &[&str]) -> Result<(String, Option<String>, bool, NetworkForm), String> {
    let Some((name, rest)) = words.split_first() else {
        return Err("create network: give a name".into());
    };
    let (mut driver, mut internal, mut f) = (None, false, NetworkForm::default());
    for w in rest {
        match w.split_once('=') {
            Some(("subnet", v)) => v.clone_into(&mut f.subnet),
            Some(("gateway", v)) => v.clone_into(&mut f.gateway),
            Some(("ip-range", v)) => v.clone_into(&mut f.ip_range),
            Some(("driver", v)) => driver = Some(v.to_owned()),
            Some(("opt", v)) => f.options.push(v.to_owned()),
            Some(("label", v)) => f.labels.push(v.to_owned()),
            None if *w == "internal" => internal = true,
            None if *w == "attachable" => f.attachable = true,
            _ => {
                return Err(format!(
                    "unknown network option {w:?}; use subnet=, gateway=, ip-range=, driver=, opt=K=V, label=K=V, internal, attachable"
                ))
            }
        }
    }
    Ok(((*name).to_owned(), driver, internal, f))
}

impl App {
    /// The selected container and its name, or a toast saying one is needed.
    fn selected_container(&mut self, verb: &str) -> Option<(ContainerId, String)> {
        let found = match (self.view, self.selected_row()) {
            (View::Containers, Some(r)) => match &r.key {
                RowKey::Container(id) => Some((id.clone(), r.name.clone())),
                _ => None,
            },
            _ => None,
        };
        if found.is_none() {
            self.toast(format!("{verb}: select a container first"), true);
        }
        found
    }

    /// `:update KEY=VALUE…` on the selected container.
    pub(super) fn update_command(&mut self, words: &[&str]) -> Vec<Effect> {
        let Some((id, _)) = self.selected_container("update") else {
            return Vec::new();
        };
        match update_form(words) {
            Ok(f) => self.execute(vec![Command::Update {
                id,
                limits: Box::new(f),
            }]),
            Err(e) => {
                self.toast(e, true);
                Vec::new()
            }
        }
    }

    /// `:connect NETWORK [ALIAS,…]` on the selected container.
    pub(super) fn connect_command(&mut self, words: &[&str]) -> Vec<Effect> {
        let Some((id, _)) = self.selected_container("connect") else {
            return Vec::new();
        };
        let Some((network, rest)) = words.split_first() else {
            self.toast(
                "connect: give a network (and aliases: :connect NET a1,a2)",
                true,
            );
            return Vec::new();
        };
        let aliases = rest
            .iter()
            .flat_map(|w| w.split(','))
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        self.execute(vec![Command::Connect {
            network: (*network).to_owned(),
            container: id,
            aliases,
        }])
    }

    /// `:disconnect NETWORK` on the selected container: asks first.
    pub(super) fn disconnect_command(&mut self, words: &[&str]) -> Vec<Effect> {
        let Some((id, name)) = self.selected_container("disconnect") else {
            return Vec::new();
        };
        let [network] = words else {
            self.toast("disconnect: give one network (:disconnect NET)", true);
            return Vec::new();
        };
        self.mode = Mode::Confirm(Confirm {
            title: format!("Disconnect {name} from {network}?"),
            objects: vec![format!("{name}  ({})  ×  network {network}", id.short())],
            commands: vec![Command::Disconnect {
                network: (*network).to_owned(),
                container: id,
                force: false,
            }],
            notes: vec!["its connections on that network are cut".into()],
        });
        Vec::new()
    }

    /// `:create network NAME [options]` and the create-network prompt.
    pub(super) fn create_network_command(&mut self, words: &[&str]) -> Vec<Effect> {
        match network_form(words) {
            Ok((name, driver, internal, options)) => self.execute(vec![Command::CreateNetwork {
                name,
                driver,
                internal,
                options: Box::new(options),
            }]),
            Err(e) => {
                self.toast(e, true);
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;

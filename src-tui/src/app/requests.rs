//! Requests to the engine: each command gets an id and a description shown while it runs;
//! bulk actions report once, per object, when every outcome is in.

use wharf_core::command::{Command, Outcome};

use super::{App, Batch};
use crate::format::{bytes, capitalise};
use crate::msg::Effect;

impl App {
    pub fn new_request(&mut self, what: String) -> u64 {
        let id = self.next_req;
        self.next_req += 1;
        self.pending.insert(id, what);
        id
    }

    /// Report the requests `reqs` together under `title`, one entry per object, once all
    /// of them are in.
    pub fn batch(&mut self, title: String, reqs: Vec<u64>) {
        if reqs.len() > 1 {
            self.batches.push(Batch {
                title,
                reqs,
                entries: Vec::new(),
            });
        }
    }

    /// Record a bulk action's outcome; `false` when `req` is not part of one.
    pub(super) fn batch_outcome(
        &mut self,
        req: u64,
        what: String,
        result: Result<String, String>,
    ) -> bool {
        let Some(i) = self.batches.iter().position(|b| b.reqs.contains(&req)) else {
            return false;
        };
        let b = &mut self.batches[i];
        b.entries.push((what, result));
        if b.entries.len() < b.reqs.len() {
            return true;
        }
        let b = self.batches.remove(i);
        let ok = b.entries.iter().filter(|(_, r)| r.is_ok()).count();
        let entries: Vec<String> = b
            .entries
            .iter()
            .map(|(what, r)| match r {
                Ok(_) => format!("{what}: done"),
                Err(e) => format!("{what}: failed: {e}"),
            })
            .collect();
        let failed = ok < b.entries.len();
        self.toast(
            format!(
                "{}: {ok} of {} done — {}",
                b.title,
                b.entries.len(),
                entries.join("; ")
            ),
            failed,
        );
        true
    }

    /// Send commands, each with its own request id.
    pub fn execute(&mut self, cmds: Vec<Command>) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast("read-only mode: nothing was changed", true);
            return Vec::new();
        }
        let title = match cmds.first() {
            Some(c) if cmds.len() > 1 => format!("{} × {}", capitalise(c.verb()), cmds.len()),
            _ => String::new(),
        };
        let effects: Vec<Effect> = cmds
            .into_iter()
            .map(|cmd| {
                let req = self.new_request(self.describe(&cmd));
                Effect::Execute { req, cmd }
            })
            .collect();
        // Bulk actions report per object, in one message once every object's outcome is in.
        let reqs = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Execute { req, .. } => Some(*req),
                _ => None,
            })
            .collect();
        self.batch(title, reqs);
        effects
    }

    /// The command in words, with the container's name rather than its short id.
    pub(super) fn describe(&self, cmd: &Command) -> String {
        let text = cmd.to_string();
        let Some(id) = cmd.container() else {
            return text;
        };
        match self.snapshot.containers.get(id) {
            Some(c) => text.replacen(id.short(), &c.name, 1),
            None => text,
        }
    }
}

/// The outcome in words: `Err` when some object was not removed, so the user sees it as a
/// failure, with one entry per object.
pub(super) fn outcome_text(o: &Outcome) -> Result<String, String> {
    let entries = |items: &[wharf_core::destroy::ObjectReport]| -> Vec<String> {
        items.iter().map(|i| i.line()).collect()
    };
    match o {
        Outcome::Done => Ok(String::new()),
        Outcome::Removed { items } => {
            let text = entries(items).join("; ");
            if items.iter().all(|i| i.is_removed()) {
                Ok(text)
            } else {
                Err(text)
            }
        }
        Outcome::Created { id } => Ok(format!("created {}", id.get(..12).unwrap_or(id))),
        Outcome::Composed { command, output } => Ok(match output.last() {
            Some(last) => format!("{command}: {last}"),
            None => command.clone(),
        }),
        Outcome::ContainerCreated { id, name, started } => Ok(format!(
            "{} {name} ({})",
            if *started { "started" } else { "created" },
            id.short()
        )),
        Outcome::Recreated { old, new, name } => Ok(format!(
            "recreated {name} ({} → {})",
            old.short(),
            new.short()
        )),
        Outcome::ImagesUpdated { report } => {
            let text = format!("{}: {}", report.summary(), report.lines().join("; "));
            let failed = report
                .containers
                .iter()
                .any(|c| matches!(c, wharf_core::engine::ContainerUpdate::Failed { .. }));
            if failed {
                Err(text)
            } else {
                Ok(text)
            }
        }
        Outcome::Pruned { report } => {
            let head = format!(
                "removed {} of {}, reclaimed {}",
                report.removed(),
                report.items.len(),
                bytes(report.reclaimed)
            );
            if report.removed() == report.items.len() {
                Ok(head)
            } else {
                let others: Vec<String> = report
                    .items
                    .iter()
                    .filter(|i| !i.is_removed())
                    .map(|i| i.line())
                    .collect();
                Err(format!("{head}; {}", others.join("; ")))
            }
        }
    }
}

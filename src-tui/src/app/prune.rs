//! Prune previews: the core lists what a prune would remove, the confirmation names every
//! object, and confirming removes exactly those objects.

use wharf_core::command::Command;
use wharf_core::model::PruneTarget;
use wharf_core::rules::prune::{ObjectKind, PrunePlan};

use super::App;
use crate::format::bytes;
use crate::msg::Effect;
use crate::prompt::{Confirm, Mode};

impl App {
    /// Ask the engine what pruning `target` would remove; the answer ([`Msg::PrunePlan`]) opens
    /// the confirmation ([`confirm_prune`]).
    ///
    /// [`Msg::PrunePlan`]: crate::msg::Msg::PrunePlan
    pub fn prune_preview(&mut self, target: PruneTarget) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast("read-only mode: prune is disabled", true);
            return Vec::new();
        }
        self.toast(format!("listing {}…", target.describe()), false);
        vec![Effect::PlanPrune(target)]
    }

    /// Show a prune plan's objects and ask; confirming removes exactly these objects.
    pub fn confirm_prune(&mut self, plan: PrunePlan) {
        let target = plan.target;
        if plan.items.is_empty() {
            self.toast(format!("no {} to prune", target.describe()), false);
            return;
        }
        let objects: Vec<String> = plan
            .items
            .iter()
            .map(|i| {
                let id = match i.kind {
                    ObjectKind::Container | ObjectKind::Image | ObjectKind::Network => {
                        wharf_core::model::short_id(&i.id).to_owned()
                    }
                    _ => String::new(),
                };
                match (id.is_empty() || id == i.name, i.size) {
                    (true, Some(size)) => format!("{}  ({})", i.name, bytes(size)),
                    (true, None) => i.name.clone(),
                    (false, Some(size)) => format!("{}  ({id}, {})", i.name, bytes(size)),
                    (false, None) => format!("{}  ({id})", i.name),
                }
            })
            .collect();
        let mut notes = vec![if plan.sizes_unknown() {
            "the space reclaimed is reported when done".to_owned()
        } else {
            format!(
                "about {} would come back (shared layers may make it less)",
                bytes(plan.known_size())
            )
        }];
        if matches!(target, PruneTarget::Volumes { .. }) {
            notes.push("the data in these volumes is lost".into());
        }
        notes.push("only these objects are removed; anything in use by then is skipped".into());
        let what = target.describe();
        // "dangling images" → "dangling image" for one object.
        let what = if objects.len() == 1 {
            what.strip_suffix('s').unwrap_or(what)
        } else {
            what
        };
        let title = format!("Prune {} {what}?", objects.len());
        self.mode = Mode::Confirm(Confirm {
            title,
            objects,
            commands: vec![Command::Prune { plan }],
            notes,
        });
    }
}

//! The bulk image update in the terminal: `A` (or `:update-images`) on the containers list
//! asks the core for a plan of the marked containers, or of every container the last update
//! check marked outdated when none is marked; the confirmation lists each container → image
//! and each one left out with why; `y` runs it in the transfer view (pull progress, then
//! "recreating NAME (i/n)"; Esc cancels), which ends with one line per container.
//!
//! The rules (what can be updated, the order, the rollback) are the core's
//! (`engine/bulk.rs`); this file only chooses the containers and shows what comes back.

use wharf_core::command::Command;
use wharf_core::engine::{ContainerUpdate, ImageUpdateEvent, ImageUpdatePlan};
use wharf_core::error::CoreError;
use wharf_core::model::ContainerId;
use wharf_core::rules::images::{inert_transfer, Freshness};

use super::App;
use crate::format::inert;
use crate::kinds::{RowKey, View};
use crate::msg::{Effect, TransferJob};
use crate::prompt::{Confirm, Mode};

impl App {
    /// The containers a bulk update is about: the marked ones, else every container the last
    /// check marked outdated.
    pub fn image_update_targets(&self) -> Vec<ContainerId> {
        let marked: Vec<ContainerId> = self
            .tables
            .get(&View::Containers)
            .map(|t| {
                t.marks
                    .iter()
                    .filter_map(|k| match k {
                        RowKey::Container(id) => Some(id.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !marked.is_empty() {
            return marked;
        }
        self.images
            .marks
            .containers
            .iter()
            .filter(|(id, f)| {
                **f == Freshness::Outdated && self.snapshot.containers.contains_key(*id)
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// `A` / `:update-images`: ask the core for the plan.
    pub(super) fn update_images(&mut self) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast("read-only mode: update images is disabled", true);
            return Vec::new();
        }
        let ids = self.image_update_targets();
        if ids.is_empty() {
            self.toast(
                "no outdated container: check for updates first (U), or mark containers",
                true,
            );
            return Vec::new();
        }
        self.toast(
            format!("asking the registries about {} container(s)…", ids.len()),
            false,
        );
        vec![Effect::PlanImageUpdates(ids)]
    }

    /// The plan is in: confirm it (or say why nothing can be updated).
    pub(super) fn on_image_update_plan(
        &mut self,
        result: Result<ImageUpdatePlan, CoreError>,
    ) -> Vec<Effect> {
        let plan = match result {
            Ok(p) => p,
            Err(e) => {
                self.toast(format!("update images: {e}"), true);
                return Vec::new();
            }
        };
        let left: Vec<String> = plan
            .excluded
            .iter()
            .map(|e| inert(&format!("left alone: {}: {}", e.name, e.why)))
            .collect();
        if plan.items.is_empty() {
            let why = if left.is_empty() {
                "nothing to update".to_owned()
            } else {
                left.join("; ")
            };
            self.toast(format!("update images: nothing to update ({why})"), true);
            return Vec::new();
        }
        self.toast = None;
        let objects = plan.confirmation_lines().iter().map(|l| inert(l)).collect();
        let mut notes = vec![
            "each is recreated from its own settings on the new image; one that fails is put \
             back as it was and the others go on; the old images are kept"
                .to_owned(),
        ];
        notes.extend(left);
        let n = plan.items.len();
        self.mode = Mode::Confirm(Confirm {
            title: format!(
                "Update the image of {n} container{}?",
                if n == 1 { "" } else { "s" }
            ),
            objects,
            commands: vec![Command::UpdateImages { plan }],
            notes,
        });
        Vec::new()
    }

    /// A confirmed bulk update runs in the transfer view (with progress), not as a command.
    pub(super) fn confirmed_image_update(&mut self, cmds: &[Command]) -> Option<Vec<Effect>> {
        match cmds {
            [Command::UpdateImages { plan }] => {
                Some(self.start_transfer(TransferJob::UpdateImages(Box::new(plan.clone()))))
            }
            _ => None,
        }
    }

    pub(super) fn on_image_update(
        &mut self,
        job: u64,
        event: Result<ImageUpdateEvent, CoreError>,
    ) -> Vec<Effect> {
        let Some(view) = self.running_transfer(job) else {
            return Vec::new();
        };
        match event {
            Ok(ImageUpdateEvent::Pull {
                reference,
                index,
                count,
                transfer,
            }) => {
                let what = view.progress.what.clone();
                view.progress = inert_transfer(&transfer).into_owned();
                view.progress.what = what;
                view.progress.status = inert(&format!(
                    "pull {reference} ({}/{count}): {}",
                    index + 1,
                    view.progress.status
                ));
            }
            Ok(ImageUpdateEvent::Recreating {
                name, index, count, ..
            }) => {
                // The pull's bars stay (they show it complete); the status says who is next.
                view.progress.status = inert(&format!("recreating {name} ({}/{count})", index + 1));
            }
            Ok(ImageUpdateEvent::Finished { report }) => {
                let failed = report
                    .containers
                    .iter()
                    .any(|c| matches!(c, ContainerUpdate::Failed { .. }));
                let summary = report.summary();
                view.progress.status = String::new();
                view.lines = report.lines().iter().map(|l| inert(l)).collect();
                view.finished = Some(if failed {
                    Err(summary.clone())
                } else {
                    Ok(summary.clone())
                });
                self.toast(format!("update images: {summary}"), failed);
            }
            Err(e) => {
                let mut text = e.to_string();
                if let Some(h) = e.hint() {
                    text.push_str(&format!(" ({h})"));
                }
                let text = inert(&text);
                view.finished = Some(Err(text.clone()));
                self.toast(format!("update images: {text}"), true);
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
#[path = "bulk_update_tests.rs"]
mod tests;

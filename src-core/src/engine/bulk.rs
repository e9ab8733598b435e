//! Bulk image update: recreate the containers whose image tag has a newer digest in its
//! registry on that newer image, each with recreate's safety (`engine/recreate.rs`).
//!
//! Two halves, both by container id:
//! - **The plan** ([`Engine::plan_image_updates`]): for the containers asked about, which can
//!   be updated and which cannot, with why ([`exclusion`], [`classify`]: the rules, pure). A
//!   container is planned only when it runs a tag (not an id or a digest: its own form would
//!   bring the same image back), is not paused (recreate could not put it back paused), was
//!   not made with `--rm` (the engine removes it when it stops, so it could not be put back),
//!   and the registry holds another digest for its tag than the image it runs. The plan
//!   records the local image id each container runs and the digest it will get.
//! - **The run** ([`Engine::update_images`]): each distinct reference is pulled once (progress
//!   streamed as for a pull), then each container in turn is re-checked (it must still run
//!   the plan's image id, and the tag must now name the pulled image) and recreated from its
//!   own form (`Engine::run_form`), unchanged: the form names the tag, which now resolves to
//!   the new image. A failed recreate puts that container back as it was (same id, old image,
//!   running or not) and the run goes on with the next: the containers are independent, each
//!   failure is undone, so stopping would only leave an arbitrary part of the plan undone.
//!   The old images are not removed (the user can prune them). Each container's update is
//!   one audit entry (`container.update_image`), besides the calls recreate makes.
//!
//! Read-only engines refuse the run before any pull. Dropping the stream cancels it: a pull
//! in flight is dropped (the engine cancels it) and no further container is touched; a
//! recreate in flight runs on as its own task to its end or its rollback, since cutting it
//! between two engine calls would leave the old container stopped under its aside name.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::credentials::Keychain;
use super::images::parse_reference;
use super::transfer::{Transfer, TransferEvent};
use super::updates::{compare, normalize_repository, UnknownWhy, UpdateState};
use super::Engine;
use crate::error::{CoreError, Result};
use crate::model::{ContainerId, ImageId};

/// One container the plan updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageUpdateItem {
    pub id: ContainerId,
    pub name: String,
    /// The tag it was made from (`127.0.0.1:5000/app:1`), pulled again.
    pub reference: String,
    /// The image id it runs now.
    pub image: ImageId,
    /// The registry's manifest digest for `reference`, the one it will get.
    pub digest: String,
}

/// A container asked about that the plan leaves alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageUpdateExcluded {
    pub id: ContainerId,
    pub name: String,
    pub why: String,
}

/// What a bulk update will do: the containers it updates, in order, and the ones it leaves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageUpdatePlan {
    pub items: Vec<ImageUpdateItem>,
    pub excluded: Vec<ImageUpdateExcluded>,
}

impl ImageUpdatePlan {
    /// The distinct references to pull, in the plan's order.
    pub fn references(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for i in &self.items {
            if !out.contains(&i.reference.as_str()) {
                out.push(&i.reference);
            }
        }
        out
    }

    /// The plan minus the containers not in `keep` (a UI's unticked rows).
    pub fn only(&self, keep: &[ContainerId]) -> ImageUpdatePlan {
        ImageUpdatePlan {
            items: self
                .items
                .iter()
                .filter(|i| keep.contains(&i.id))
                .cloned()
                .collect(),
            excluded: self.excluded.clone(),
        }
    }

    /// The confirmation's lines: every container and its image, old → new digest.
    pub fn confirmation_lines(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|i| {
                format!(
                    "{} ({}) → {} [{} → {}]",
                    i.name,
                    i.id.short(),
                    i.reference,
                    i.image.short(),
                    crate::model::short_id(&i.digest)
                )
            })
            .collect()
    }
}

/// What the plan needs to know about one container (from its inspect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: ContainerId,
    pub name: String,
    /// `Config.Image`: what it was made from, as typed.
    pub reference: String,
    /// The image id it runs.
    pub image: ImageId,
    pub paused: bool,
    pub auto_remove: bool,
}

/// Why `c` cannot be updated whatever the registry says (`Err`), or its reference normalised
/// (`repo:tag`, the key its registry answer is kept under) when the registry can be asked.
pub fn exclusion(c: &Candidate) -> std::result::Result<String, String> {
    if c.paused {
        return Err(
            "it is paused: it could not be put back paused if the update failed; \
                    unpause it first"
                .to_owned(),
        );
    }
    if c.auto_remove {
        return Err(
            "it was made with --rm: the engine removes it when it stops, so it \
                    could not be put back if the update failed"
                .to_owned(),
        );
    }
    let hex = c
        .image
        .as_str()
        .strip_prefix("sha256:")
        .unwrap_or(c.image.as_str());
    let by_id = c.reference.len() >= 12
        && c.reference.bytes().all(|b| b.is_ascii_hexdigit())
        && hex.starts_with(c.reference.as_str());
    if c.reference.starts_with("sha256:") || by_id {
        return Err(format!(
            "it was made from an image id ({}), not a tag: there is nothing newer to get",
            crate::model::short_id(&c.reference)
        ));
    }
    let r = parse_reference(&c.reference).map_err(|e| e.message().to_owned())?;
    if r.digest.is_some() {
        return Err(format!(
            "it is pinned to a digest ({}): its own settings would bring the same image back",
            c.reference
        ));
    }
    Ok(format!(
        "{}:{}",
        normalize_repository(&r.repository),
        r.tag.as_deref().unwrap_or("latest")
    ))
}

/// The plan's item for `c` given its tag's state in the registry, or why it is left.
pub fn classify(
    c: &Candidate,
    state: &UpdateState,
) -> std::result::Result<ImageUpdateItem, String> {
    match state {
        UpdateState::Outdated { remote } => Ok(ImageUpdateItem {
            id: c.id.clone(),
            name: c.name.clone(),
            reference: c.reference.clone(),
            image: c.image.clone(),
            digest: remote.clone(),
        }),
        UpdateState::UpToDate => Err(format!(
            "{} is up to date: the registry has the digest it runs",
            c.reference
        )),
        UpdateState::Unknown { why, detail } => Err(match why {
            UnknownWhy::NoLocalDigest => format!(
                "its image has no registry digest for {} (built or loaded here): nothing to \
                 compare with",
                c.reference
            ),
            _ => format!("the registry could not tell for {}: {detail}", c.reference),
        }),
    }
}

/// Per container, how the run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ContainerUpdate {
    /// Recreated on the new image: `new_id` now has the name.
    Updated {
        id: ContainerId,
        name: String,
        new_id: ContainerId,
        old_image: ImageId,
        new_image: ImageId,
    },
    /// Not touched, and why (it changed since the plan, the tag did not move, …).
    Skipped {
        id: ContainerId,
        name: String,
        why: String,
    },
    /// The step that failed and the error; the container is back as it was unless the error
    /// says otherwise (recreate's message tells what it put back).
    Failed {
        id: ContainerId,
        name: String,
        step: String,
        error: String,
    },
}

/// The outcome of a bulk update, one line per planned container, in the plan's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageUpdateReport {
    pub containers: Vec<ContainerUpdate>,
}

impl ImageUpdateReport {
    /// `2 updated, 1 skipped, 0 failed`.
    pub fn summary(&self) -> String {
        let (mut u, mut s, mut f) = (0, 0, 0);
        for c in &self.containers {
            match c {
                ContainerUpdate::Updated { .. } => u += 1,
                ContainerUpdate::Skipped { .. } => s += 1,
                ContainerUpdate::Failed { .. } => f += 1,
            }
        }
        format!("{u} updated, {s} skipped, {f} failed")
    }

    /// One line per container, for the terminal's outcome and logs.
    pub fn lines(&self) -> Vec<String> {
        self.containers
            .iter()
            .map(|c| match c {
                ContainerUpdate::Updated {
                    name,
                    old_image,
                    new_image,
                    ..
                } => format!(
                    "{name}: updated {} → {}",
                    old_image.short(),
                    new_image.short()
                ),
                ContainerUpdate::Skipped { name, why, .. } => format!("{name}: skipped: {why}"),
                ContainerUpdate::Failed {
                    name, step, error, ..
                } => format!("{name}: failed at {step}: {error}"),
            })
            .collect()
    }
}

/// What the run's stream yields: pull progress, each container as it starts, then the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ImageUpdateEvent {
    /// Pulling `reference` (the `index`-th of `count` references).
    Pull {
        reference: String,
        index: u32,
        count: u32,
        transfer: Transfer,
    },
    /// Recreating container `name` (the `index`-th of `count`).
    Recreating {
        id: ContainerId,
        name: String,
        index: u32,
        count: u32,
    },
    Finished {
        report: ImageUpdateReport,
    },
}

pub type ImageUpdateEvents = Pin<Box<dyn Stream<Item = Result<ImageUpdateEvent>> + Send>>;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Engine {
    /// The plan for containers `ids` (see the module docs): each is inspected, its tag's
    /// registry digest asked once per distinct tag (with this session's credentials).
    pub async fn plan_image_updates(
        &self,
        ids: &[ContainerId],
        keychain: &Keychain,
    ) -> ImageUpdatePlan {
        let mut plan = ImageUpdatePlan::default();
        // Normalised reference → the registry's answer, asked once.
        let mut remote: BTreeMap<String, std::result::Result<String, CoreError>> = BTreeMap::new();
        for id in ids {
            let c = match self.candidate(id.as_str()).await {
                Ok(c) => c,
                Err(e) => {
                    plan.excluded.push(ImageUpdateExcluded {
                        id: id.clone(),
                        name: id.short().to_owned(),
                        why: format!("could not inspect it: {}", e.message()),
                    });
                    continue;
                }
            };
            let key = match exclusion(&c) {
                Ok(k) => k,
                Err(why) => {
                    plan.excluded.push(ImageUpdateExcluded {
                        id: c.id,
                        name: c.name,
                        why,
                    });
                    continue;
                }
            };
            let digests = match self.inspect_image(c.image.as_str()).await {
                Ok(i) => i.digests,
                Err(e) => {
                    plan.excluded.push(ImageUpdateExcluded {
                        id: c.id,
                        name: c.name,
                        why: format!("could not inspect its image: {}", e.message()),
                    });
                    continue;
                }
            };
            let answer = match remote.entry(key) {
                Entry::Occupied(o) => o.into_mut(),
                Entry::Vacant(v) => v.insert(self.registry_digest(&c.reference, keychain).await),
            };
            let state = match answer {
                Ok(d) => compare(&c.reference, &digests, Ok(d.clone())),
                Err(e) => compare(&c.reference, &digests, Err(e)),
            };
            match classify(&c, &state) {
                Ok(item) => plan.items.push(item),
                Err(why) => plan.excluded.push(ImageUpdateExcluded {
                    id: c.id,
                    name: c.name,
                    why,
                }),
            }
        }
        plan
    }

    async fn candidate(&self, id: &str) -> Result<Candidate> {
        let c = self.inspect_container_raw(id).await?;
        let state = c.state.clone().unwrap_or_default();
        Ok(Candidate {
            id: ContainerId(c.id.clone().unwrap_or_else(|| id.to_owned())),
            name: c
                .name
                .as_deref()
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_owned(),
            reference: c
                .config
                .as_ref()
                .and_then(|k| k.image.clone())
                .unwrap_or_default(),
            image: ImageId(c.image.clone().unwrap_or_default()),
            paused: state.paused == Some(true),
            auto_remove: c.host_config.as_ref().and_then(|h| h.auto_remove) == Some(true),
        })
    }

    /// Run `plan` (see the module docs): pull each reference once, then recreate each
    /// container on the new image, putting back any that fails. The stream ends with
    /// `Finished`; dropping it cancels the rest.
    pub fn update_images(&self, plan: &ImageUpdatePlan, keychain: &Keychain) -> ImageUpdateEvents {
        let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
        if let Err(e) = self.check_writable("images.update", &ids) {
            return Box::pin(futures_util::stream::once(async move { Err(e) }));
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Result<ImageUpdateEvent>>();
        let engine = self.clone();
        let keychain = keychain.clone();
        let plan = plan.clone();
        let work = async move {
            let report = engine.run_plan(&plan, &keychain, &tx).await;
            // The receiver is gone when the stream was dropped; nothing to tell then.
            let _ = tx.send(Ok(ImageUpdateEvent::Finished { report }));
        };
        let events =
            futures_util::stream::unfold(
                rx,
                |mut rx| async move { rx.recv().await.map(|e| (e, rx)) },
            );
        // The work is polled by the stream itself (no task): dropping the stream drops it.
        let work = futures_util::stream::once(work).filter_map(|()| async { None });
        Box::pin(futures_util::stream::select(events, work))
    }

    async fn run_plan(
        &self,
        plan: &ImageUpdatePlan,
        keychain: &Keychain,
        tx: &tokio::sync::mpsc::UnboundedSender<Result<ImageUpdateEvent>>,
    ) -> ImageUpdateReport {
        // A send fails only when the stream was dropped: the work then ends at its next await
        // (a started recreate excepted, see `update_images`), so the results are not needed.
        let refs = plan.references();
        // Reference → the pulled image id, or the pull's error.
        let mut pulled: BTreeMap<&str, std::result::Result<ImageId, String>> = BTreeMap::new();
        for (n, reference) in refs.iter().enumerate() {
            let mut stream = self.pull(reference, keychain);
            let mut result = Err("the pull ended without a result".to_owned());
            while let Some(ev) = stream.next().await {
                match ev {
                    Ok(TransferEvent::Progress(transfer)) => {
                        let _ = tx.send(Ok(ImageUpdateEvent::Pull {
                            reference: (*reference).to_owned(),
                            index: count(n),
                            count: count(refs.len()),
                            transfer,
                        }));
                    }
                    Ok(TransferEvent::Done {
                        transfer, image, ..
                    }) => {
                        let _ = tx.send(Ok(ImageUpdateEvent::Pull {
                            reference: (*reference).to_owned(),
                            index: count(n),
                            count: count(refs.len()),
                            transfer,
                        }));
                        result = image
                            .map(ImageId)
                            .ok_or_else(|| "the pull named no image".to_owned());
                    }
                    Err(e) => result = Err(e.message().to_owned()),
                }
            }
            pulled.insert(reference, result);
        }
        let mut report = ImageUpdateReport::default();
        for (n, item) in plan.items.iter().enumerate() {
            let _ = tx.send(Ok(ImageUpdateEvent::Recreating {
                id: item.id.clone(),
                name: item.name.clone(),
                index: count(n),
                count: count(plan.items.len()),
            }));
            let new_image = match pulled.get(item.reference.as_str()) {
                Some(Ok(i)) => i.clone(),
                Some(Err(e)) => {
                    report.containers.push(ContainerUpdate::Failed {
                        id: item.id.clone(),
                        name: item.name.clone(),
                        step: format!("pull {}", item.reference),
                        error: format!("{e}; the container was not touched"),
                    });
                    continue;
                }
                None => {
                    report.containers.push(ContainerUpdate::Failed {
                        id: item.id.clone(),
                        name: item.name.clone(),
                        step: format!("pull {}", item.reference),
                        error: "not pulled; the container was not touched".to_owned(),
                    });
                    continue;
                }
            };
            // Its own task: a recreate cut between two engine calls would leave the old
            // container renamed aside and stopped, so once started it runs to its end (or
            // its rollback) even when the stream is dropped; dropping stops the next ones.
            let engine = self.clone();
            let it = item.clone();
            let task = tokio::spawn(async move { engine.update_one(&it, &new_image).await });
            let done = match task.await {
                Ok(d) => d,
                Err(e) => ContainerUpdate::Failed {
                    id: item.id.clone(),
                    name: item.name.clone(),
                    step: "recreate".to_owned(),
                    error: format!("the update task ended abnormally: {e}"),
                },
            };
            report.containers.push(done);
        }
        report
    }

    /// Re-check one planned container and recreate it on `new_image`.
    async fn update_one(&self, item: &ImageUpdateItem, new_image: &ImageId) -> ContainerUpdate {
        let skip = |why: String| ContainerUpdate::Skipped {
            id: item.id.clone(),
            name: item.name.clone(),
            why,
        };
        let now = match self.candidate(item.id.as_str()).await {
            Ok(c) => c,
            Err(e) => return skip(format!("it could not be inspected: {}", e.message())),
        };
        if now.image != item.image {
            return skip(format!(
                "it now runs image {}, not {} the plan was made with",
                now.image.short(),
                item.image.short()
            ));
        }
        if now.reference != item.reference {
            return skip(format!(
                "it is now made from {}, not {}",
                now.reference, item.reference
            ));
        }
        if let Err(why) = exclusion(&now) {
            return skip(why);
        }
        if *new_image == item.image {
            return skip(format!(
                "{} still names the image it runs ({})",
                item.reference,
                item.image.short()
            ));
        }
        // The tag must name what was just pulled: another pull or tag meanwhile would
        // otherwise put the container on an image nobody was shown.
        match self.inspect_image(&item.reference).await {
            Ok(i) if i.id == *new_image => {}
            Ok(i) => {
                return skip(format!(
                    "{} now names image {}, not the pulled {}",
                    item.reference,
                    i.id.short(),
                    new_image.short()
                ))
            }
            Err(e) => {
                return skip(format!(
                    "{} could not be inspected: {}",
                    item.reference,
                    e.message()
                ))
            }
        }
        let form = match self.run_form(item.id.as_str()).await {
            Ok(f) => f,
            Err(e) => {
                return ContainerUpdate::Failed {
                    id: item.id.clone(),
                    name: item.name.clone(),
                    step: "read its settings".to_owned(),
                    error: format!("{}; the container was not touched", e.message()),
                }
            }
        };
        let targets = [item.id.as_str(), item.reference.as_str()];
        match self
            .mutate(
                "container.update_image",
                &targets,
                self.recreate(item.id.as_str(), &form),
            )
            .await
        {
            Ok(r) => ContainerUpdate::Updated {
                id: item.id.clone(),
                name: r.name,
                new_id: r.new,
                old_image: item.image.clone(),
                new_image: new_image.clone(),
            },
            Err(e) => ContainerUpdate::Failed {
                id: item.id.clone(),
                name: item.name.clone(),
                step: "recreate".to_owned(),
                error: e.message().to_owned(),
            },
        }
    }
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod tests;

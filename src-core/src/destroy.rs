//! Destructive actions that act on ids the user was shown, and report per object.
//!
//! - [`plan_prune`] lists the engine and computes a [`PrunePlan`] with the rules of
//!   [`crate::rules::prune`]; [`apply_prune`] removes exactly the plan's objects, one by one by
//!   id, never through the engine's prune endpoints (whose filters differ per API version and
//!   which would take objects that appeared after the preview). An object now in use is left
//!   alone with the engine's reason.
//! - [`remove_image`] removes an image whose id and tags were captured when the user confirmed:
//!   each tag is removed only if it still names that image (checked right before each call),
//!   then the image by id; a failure halfway reports what was and was not removed.
//!
//! Every removal goes through the engine handle's mutating methods, so read-only mode and the
//! audit log apply to each one.

use serde::Serialize;

use crate::engine::Engine;
use crate::error::{CoreError, ErrorKind, ErrorReport, Result};
use crate::model::{ImageId, PruneTarget};
use crate::rules::prune::{
    candidates, real_tags, Listing, ObjectKind, PrunePlan, ANONYMOUS_LABEL_API,
};

/// What happened to one object of a destructive action.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ObjectResult {
    Removed,
    /// Left alone on purpose: in use now, gone already, or renamed since the preview.
    Skipped {
        reason: String,
    },
    Failed {
        error: ErrorReport,
    },
}

/// One line of a per-object report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ObjectReport {
    pub kind: ObjectKind,
    pub id: String,
    pub name: String,
    pub outcome: ObjectResult,
}

impl ObjectReport {
    pub fn is_removed(&self) -> bool {
        self.outcome == ObjectResult::Removed
    }

    /// `removed web`, `skipped pgdata: volume is in use`, `failed app:1: …`.
    pub fn line(&self) -> String {
        match &self.outcome {
            ObjectResult::Removed => format!("removed {}", self.name),
            ObjectResult::Skipped { reason } => format!("skipped {}: {reason}", self.name),
            ObjectResult::Failed { error } => format!("failed {}: {}", self.name, error.message),
        }
    }
}

/// The result of applying a [`PrunePlan`]: one line per planned object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PruneReport {
    pub target: PruneTarget,
    pub items: Vec<ObjectReport>,
    /// Bytes freed, counting removed objects whose size the plan knew (or the engine said).
    pub reclaimed: u64,
}

impl PruneReport {
    pub fn removed(&self) -> usize {
        self.items.iter().filter(|i| i.is_removed()).count()
    }
}

/// List the engine and compute what pruning `target` would remove now.
pub async fn plan_prune(engine: &Engine, target: PruneTarget) -> Result<PrunePlan> {
    let containers = engine.list_containers().await?;
    let (images, networks, volumes) = match target {
        PruneTarget::Images { .. } => (engine.list_images().await?, Vec::new(), Vec::new()),
        PruneTarget::Networks => (Vec::new(), engine.list_networks().await?, Vec::new()),
        PruneTarget::Volumes { .. } => (Vec::new(), Vec::new(), engine.list_volumes().await?),
        PruneTarget::Containers | PruneTarget::BuildCache => (Vec::new(), Vec::new(), Vec::new()),
    };
    let listing = Listing {
        containers: &containers,
        images: &images,
        networks: &networks,
        volumes: &volumes,
        // Engines label anonymous volumes from API 1.42 (Docker 23).
        labels_anonymous: engine
            .api_at_least(ANONYMOUS_LABEL_API.0, ANONYMOUS_LABEL_API.1)
            .await?,
    };
    Ok(PrunePlan {
        target,
        items: candidates(target, &listing),
    })
}

/// Check that a plan's objects are of the kind its target removes (a plan is data that may
/// come from the page).
pub fn validate_plan(plan: &PrunePlan) -> Result<()> {
    let want = match plan.target {
        PruneTarget::Containers => ObjectKind::Container,
        PruneTarget::Images { .. } => ObjectKind::Image,
        PruneTarget::Networks => ObjectKind::Network,
        PruneTarget::Volumes { .. } => ObjectKind::Volume,
        PruneTarget::BuildCache => ObjectKind::BuildCache,
    };
    match plan
        .items
        .iter()
        .find(|i| i.kind != want || (want != ObjectKind::BuildCache && i.id.is_empty()))
    {
        Some(bad) => Err(CoreError::invalid_input(format!(
            "prune {}: the plan names {:?} {:?}, which this prune does not remove",
            plan.target.describe(),
            bad.kind,
            bad.name
        ))),
        None => Ok(()),
    }
}

/// Remove exactly the plan's objects, by id, and report each one.
pub async fn apply_prune(engine: &Engine, plan: &PrunePlan) -> Result<PruneReport> {
    validate_plan(plan)?;
    engine.check_writable("prune", &[plan.target.describe()])?;
    let mut items = Vec::with_capacity(plan.items.len());
    let mut reclaimed = 0u64;
    let mut unreachable: Option<String> = None;
    for item in &plan.items {
        let report = |outcome| ObjectReport {
            kind: item.kind,
            id: item.id.clone(),
            name: item.name.clone(),
            outcome,
        };
        // With the engine gone, each further call would only wait for its own timeout.
        if let Some(why) = &unreachable {
            items.push(report(ObjectResult::Failed {
                error: ErrorReport::from(&CoreError::unavailable(format!("not attempted: {why}"))),
            }));
            continue;
        }
        let result = match item.kind {
            ObjectKind::Container => engine.remove(&item.id, false, false).await,
            ObjectKind::Volume => engine.remove_volume(&item.id, false).await,
            ObjectKind::Network => engine.remove_network(&item.id).await,
            ObjectKind::Image => {
                match remove_image(
                    engine,
                    &ImageId::from(item.id.as_str()),
                    &item.tags,
                    false,
                    false,
                )
                .await
                {
                    Ok(lines) => match lines.iter().find(|l| l.kind == ObjectKind::Image) {
                        Some(l) if l.is_removed() => Ok(()),
                        Some(l) => match &l.outcome {
                            ObjectResult::Skipped { reason } => {
                                Err(CoreError::new(ErrorKind::Conflict, reason.clone()))
                            }
                            ObjectResult::Failed { error } => {
                                Err(CoreError::new(error.kind, error.message.clone()))
                            }
                            ObjectResult::Removed => Ok(()),
                        },
                        None => Ok(()),
                    },
                    Err(e) => Err(e),
                }
            }
            ObjectKind::BuildCache => match engine.prune_build_cache().await {
                Ok(bytes) => {
                    reclaimed += bytes;
                    Ok(())
                }
                Err(e) => Err(e),
            },
            ObjectKind::Tag => Err(CoreError::invalid_input("a prune plan removes no tags")),
        };
        let outcome = match result {
            Ok(()) => {
                reclaimed += item.size.unwrap_or(0);
                ObjectResult::Removed
            }
            Err(e) => {
                if e.kind() == ErrorKind::Unavailable {
                    unreachable = Some(e.message().to_owned());
                }
                skipped_or_failed(&e)
            }
        };
        items.push(report(outcome));
    }
    Ok(PruneReport {
        target: plan.target,
        items,
        reclaimed,
    })
}

/// In use or already gone: skipped with the engine's reason; anything else failed.
fn skipped_or_failed(e: &CoreError) -> ObjectResult {
    match e.kind() {
        ErrorKind::Conflict => ObjectResult::Skipped {
            reason: e.message().to_owned(),
        },
        ErrorKind::NotFound => ObjectResult::Skipped {
            reason: format!("already gone ({})", e.message()),
        },
        // Docker answers 403 for a network with active endpoints: in use, not a refusal of
        // Wharf's credentials. Read-only refusals never get here (checked before the loop).
        ErrorKind::Denied if e.message().contains("active endpoints") => ObjectResult::Skipped {
            reason: e.message().to_owned(),
        },
        _ => ObjectResult::Failed {
            error: ErrorReport::from(e),
        },
    }
}

/// Remove the image `id` whose tags were `tags` when the user confirmed.
///
/// Each captured tag is removed only if, right before the call, it still names `id` (a tag
/// moved to another image since is left to that image); then the image itself goes by id,
/// unless tags the user was not shown name it now. An image with at most one name and no new
/// tags is removed by id in one call, so the engine's own refusal (in use, with its reason)
/// comes back unchanged. An image a container uses is never untagged tag by tag.
///
/// Returns one line per tag and one for the image. `Err` only when nothing was removed.
pub async fn remove_image(
    engine: &Engine,
    id: &ImageId,
    tags: &[String],
    force: bool,
    no_prune: bool,
) -> Result<Vec<ObjectReport>> {
    engine.check_writable("image.remove", &[id.as_str()])?;
    let image = engine.inspect_image(id.as_str()).await?;
    let current = real_tags(&image);
    let unseen: Vec<&String> = current.iter().filter(|t| !tags.contains(t)).collect();
    let line = |kind, name: &str, outcome| ObjectReport {
        kind,
        id: image.id.to_string(),
        name: name.to_owned(),
        outcome,
    };
    let shown = image.display_name().to_owned();

    if unseen.is_empty() && current.len() <= 1 {
        // One name or none: one call by id; the engine's refusal is the answer.
        engine
            .remove_image_with(image.id.as_str(), force, no_prune)
            .await?;
        let mut lines: Vec<ObjectReport> = current
            .iter()
            .map(|t| line(ObjectKind::Tag, t, ObjectResult::Removed))
            .collect();
        lines.extend(tags.iter().filter(|t| !current.contains(t)).map(|t| {
            line(
                ObjectKind::Tag,
                t,
                ObjectResult::Skipped {
                    reason: format!("{t} no longer names this image (left alone)"),
                },
            )
        }));
        lines.push(line(ObjectKind::Image, &shown, ObjectResult::Removed));
        return Ok(lines);
    }

    if !force {
        let users: Vec<String> = engine
            .list_containers()
            .await?
            .into_iter()
            .filter(|c| c.image_id.as_ref() == Some(&image.id))
            .map(|c| c.name)
            .collect();
        if !users.is_empty() {
            return Err(CoreError::new(
                ErrorKind::Conflict,
                format!(
                    "remove image {shown}: image {} is in use by container {}",
                    image.id.short(),
                    users.join(", ")
                ),
            )
            .with_hint("remove those containers first, or remove with force"));
        }
    }

    let mut lines = Vec::new();
    let mut failed = false;
    for tag in tags {
        if failed {
            lines.push(line(
                ObjectKind::Tag,
                tag,
                ObjectResult::Skipped {
                    reason: "not attempted after the failure above".into(),
                },
            ));
            continue;
        }
        // Re-check right before the call: the tag may have moved to another image.
        match engine.inspect_image(tag).await {
            Ok(now) if now.id == image.id => {}
            Ok(now) => {
                lines.push(line(
                    ObjectKind::Tag,
                    tag,
                    ObjectResult::Skipped {
                        reason: format!("{tag} now names image {}", now.id.short()),
                    },
                ));
                continue;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                lines.push(line(
                    ObjectKind::Tag,
                    tag,
                    ObjectResult::Skipped {
                        reason: format!("{tag} no longer exists"),
                    },
                ));
                continue;
            }
            Err(e) => {
                failed = true;
                lines.push(line(ObjectKind::Tag, tag, skipped_or_failed(&e)));
                continue;
            }
        }
        match engine.remove_image_with(tag, force, no_prune).await {
            Ok(_) => lines.push(line(ObjectKind::Tag, tag, ObjectResult::Removed)),
            Err(e) => {
                failed = true;
                lines.push(line(
                    ObjectKind::Tag,
                    tag,
                    ObjectResult::Failed {
                        error: ErrorReport::from(&e),
                    },
                ));
            }
        }
    }

    let image_line = if failed {
        ObjectResult::Skipped {
            reason: "not removed: a tag could not be removed".into(),
        }
    } else if !unseen.is_empty() {
        let names: Vec<&str> = unseen.iter().map(|t| t.as_str()).collect();
        ObjectResult::Skipped {
            reason: format!(
                "kept: it is also tagged {} (not in the confirmation)",
                names.join(", ")
            ),
        }
    } else {
        match engine.inspect_image(image.id.as_str()).await {
            // Removing its last tag deleted it.
            Err(e) if e.kind() == ErrorKind::NotFound => ObjectResult::Removed,
            Err(e) => ObjectResult::Failed {
                error: ErrorReport::from(&e),
            },
            Ok(now) if !real_tags(&now).is_empty() => ObjectResult::Skipped {
                reason: format!("kept: it is now tagged {}", real_tags(&now).join(", ")),
            },
            Ok(_) => match engine
                .remove_image_with(image.id.as_str(), force, no_prune)
                .await
            {
                Ok(_) => ObjectResult::Removed,
                Err(e) => skipped_or_failed(&e),
            },
        }
    };
    lines.push(line(ObjectKind::Image, &shown, image_line));
    if lines.iter().all(|l| !l.is_removed()) {
        if let Some(ObjectReport {
            outcome: ObjectResult::Failed { error },
            ..
        }) = lines
            .iter()
            .find(|l| matches!(l.outcome, ObjectResult::Failed { .. }))
        {
            return Err(CoreError::new(error.kind, error.message.clone()));
        }
    }
    Ok(lines)
}

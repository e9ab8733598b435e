//! Image rules both UIs use: the list filters (dangling, unused), what an update check
//! means for each image and for the containers running it, and registry text made inert.
//!
//! - *Dangling*: no tag (`<none>:<none>` only), as `docker images -f dangling=true`.
//! - *Unused*: no container in any state uses it ([`Usage`]: by `image_id`), the images
//!   `docker image prune -a` would consider.
//! - An image is *outdated* when any of its tags is; *up to date* when one is and none is
//!   outdated; else unknown. A container is marked with its image's state (by `image_id`: the
//!   image it runs, not the tag it was started with, which may have moved since).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::{HistoryEntry, LayerProgress, TagUpdate, Transfer, UnknownWhy, UpdateState};
use crate::model::{ContainerId, Image, ImageId};
use crate::rules::usage::Usage;
use crate::store::Snapshot;
use crate::streams::text::{inert, needs_sanitizing};

/// Which images a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ImageFilter {
    #[default]
    All,
    Dangling,
    Unused,
}

impl ImageFilter {
    /// Whether `image` is shown under this filter.
    pub fn keeps(self, image: &Image, usage: &Usage) -> bool {
        match self {
            ImageFilter::All => true,
            ImageFilter::Dangling => image.is_dangling(),
            ImageFilter::Unused => usage.image_users(&image.id).is_empty(),
        }
    }

    /// The next filter of the cycle the terminal's key walks (all → dangling → unused).
    pub fn next(self) -> ImageFilter {
        match self {
            ImageFilter::All => ImageFilter::Dangling,
            ImageFilter::Dangling => ImageFilter::Unused,
            ImageFilter::Unused => ImageFilter::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ImageFilter::All => "all",
            ImageFilter::Dangling => "dangling",
            ImageFilter::Unused => "unused",
        }
    }
}

/// An image's or a container's state after an update check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Freshness {
    UpToDate,
    Outdated,
    Unknown,
}

impl Freshness {
    /// The short word the tables show.
    pub fn label(self) -> &'static str {
        match self {
            Freshness::UpToDate => "current",
            Freshness::Outdated => "outdated",
            Freshness::Unknown => "unknown",
        }
    }
}

/// The result of one check, by image and by container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpdateMarks {
    pub images: BTreeMap<ImageId, Freshness>,
    pub containers: BTreeMap<ContainerId, Freshness>,
    /// Per image, one line per tag that is not up to date ("app:1 outdated: registry has
    /// sha256:…", "app:2 unknown: registry unreachable: …"), for details and tooltips.
    pub why: BTreeMap<ImageId, Vec<String>>,
}

impl UpdateMarks {
    /// Fold a check's tag results into marks, and mark each container of `snapshot` with the
    /// state of the image it runs.
    pub fn of(snapshot: &Snapshot, updates: &[TagUpdate]) -> UpdateMarks {
        let mut marks = UpdateMarks::default();
        for u in updates {
            let state = match &u.state {
                UpdateState::UpToDate => Freshness::UpToDate,
                UpdateState::Outdated { .. } => Freshness::Outdated,
                UpdateState::Unknown { .. } => Freshness::Unknown,
            };
            let entry = marks.images.entry(u.image.clone()).or_insert(state);
            *entry = worst(*entry, state);
            if let Some(line) = why_line(u) {
                marks.why.entry(u.image.clone()).or_default().push(line);
            }
        }
        for line in marks.why.values_mut() {
            line.sort();
        }
        for c in snapshot.containers.values() {
            if let Some(state) = c.image_id.as_ref().and_then(|i| marks.images.get(i)) {
                marks.containers.insert(c.id.clone(), *state);
            }
        }
        marks
    }
}

/// Outdated beats up to date beats unknown: one outdated tag is worth acting on.
fn worst(a: Freshness, b: Freshness) -> Freshness {
    use Freshness::*;
    match (a, b) {
        (Outdated, _) | (_, Outdated) => Outdated,
        (UpToDate, _) | (_, UpToDate) => UpToDate,
        _ => Unknown,
    }
}

fn why_line(u: &TagUpdate) -> Option<String> {
    let tag = inert(&u.tag);
    match &u.state {
        UpdateState::UpToDate => None,
        UpdateState::Outdated { remote } => Some(format!(
            "{tag} outdated: the registry has {}",
            inert(remote)
        )),
        UpdateState::Unknown { why, detail } => {
            let why = match why {
                UnknownWhy::NoLocalDigest => "no registry digest here",
                UnknownWhy::Unreachable => "registry unreachable",
                UnknownWhy::Auth => "registry wants credentials",
                UnknownWhy::NotInRegistry => "not in the registry",
                UnknownWhy::Other => "check failed",
            };
            Some(format!("{tag} unknown ({why}): {}", inert(detail)))
        }
    }
}

/// A transfer's engine and registry text (statuses, layer ids) made inert.
pub fn inert_transfer(t: &Transfer) -> Cow<'_, Transfer> {
    let dirty = needs_sanitizing(&t.status)
        || needs_sanitizing(&t.what)
        || t.layers
            .iter()
            .any(|l| needs_sanitizing(&l.id) || needs_sanitizing(&l.status));
    if !dirty {
        return Cow::Borrowed(t);
    }
    let mut t = t.clone();
    t.status = inert(&t.status).into_owned();
    t.what = inert(&t.what).into_owned();
    for l in &mut t.layers {
        let LayerProgress { id, status, .. } = l;
        *id = inert(id).into_owned();
        *status = inert(status).into_owned();
    }
    Cow::Owned(t)
}

/// History entries with their build steps, comments and tags made inert.
pub fn inert_history(entries: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
    entries
        .into_iter()
        .map(|mut e| {
            e.id = inert(&e.id).into_owned();
            e.created_by = inert(&e.created_by).into_owned();
            e.comment = inert(&e.comment).into_owned();
            e.tags = e.tags.iter().map(|t| inert(t).into_owned()).collect();
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Container;
    use std::sync::Arc;

    fn container(id: &str, image: &str) -> Container {
        let json = serde_json::json!({
            "id": id, "name": id, "image": "busybox", "image_id": image, "command": "",
            "created": 0, "state": "running", "status": "", "health": null, "started_at": null,
            "finished_at": null, "exit_code": null, "restart_count": null, "ports": [],
            "mounts": [], "networks": [], "labels": {}, "compose": null, "pid": null,
            "cpu_limit": null, "memory_limit": null, "tty": false, "detailed": false,
        });
        match serde_json::from_value(json) {
            Ok(c) => c,
            Err(e) => panic!("container fixture: {e}"),
        }
    }

    fn image(id: &str, tags: &[&str]) -> Image {
        Image {
            id: ImageId::new(id),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            digests: Vec::new(),
            created: 0,
            size: 0,
            containers: None,
            labels: Default::default(),
        }
    }

    #[test]
    fn filters() {
        let used = image("sha256:1", &["a:1"]);
        let unused = image("sha256:2", &["b:1"]);
        let dangling = image("sha256:3", &[]);
        let c = container("c1", used.id.as_str());
        let usage = Usage::from_lists([&c], []);
        let kept = |f: ImageFilter| -> Vec<&str> {
            [&used, &unused, &dangling]
                .into_iter()
                .filter(|i| f.keeps(i, &usage))
                .map(|i| i.id.as_str())
                .collect()
        };
        assert_eq!(kept(ImageFilter::All).len(), 3);
        assert_eq!(kept(ImageFilter::Dangling), vec!["sha256:3"]);
        assert_eq!(kept(ImageFilter::Unused), vec!["sha256:2", "sha256:3"]);
    }

    #[test]
    fn marks_reach_containers_by_image_id() {
        let mut snap = Snapshot::empty("x".into());
        let c = container("c1", "sha256:1");
        let mut containers = BTreeMap::new();
        containers.insert(c.id.clone(), Arc::new(c));
        snap.containers = Arc::new(containers);
        let updates = vec![
            TagUpdate {
                image: ImageId::new("sha256:1"),
                tag: "r:1/a:1".into(),
                state: UpdateState::UpToDate,
            },
            TagUpdate {
                image: ImageId::new("sha256:1"),
                tag: "r:1/a:2".into(),
                state: UpdateState::Outdated {
                    remote: "sha256:f".into(),
                },
            },
        ];
        let marks = UpdateMarks::of(&snap, &updates);
        assert_eq!(marks.images[&ImageId::new("sha256:1")], Freshness::Outdated);
        assert_eq!(
            marks.containers[&ContainerId::new("c1")],
            Freshness::Outdated
        );
        assert_eq!(marks.why[&ImageId::new("sha256:1")].len(), 1);
    }

    #[test]
    fn registry_text_is_made_inert() {
        let mut t = Transfer::new("pull x");
        t.status = "Digest: \x1b]52;c;aGk=\x07evil".into();
        let shown = inert_transfer(&t);
        assert!(!shown.status.contains('\x1b'));
    }
}

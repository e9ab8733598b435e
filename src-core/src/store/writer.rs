//! The store's working copy and how changes land in it: [`Writer`] publishes snapshots,
//! [`patch_from_event`] applies what an event says for certain, and [`apply`] refetches the
//! objects a batch of events touched and puts what it found in the working copy. `sync` drives
//! them; this module knows nothing of sessions or reconnects.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use tokio::sync::watch;

use super::events::Delta;
use super::refresh::{gone_if_missing, is_link_error, object_of, Retries};
use super::snapshot::{ConnectionState, ObjectRef, Snapshot};
use crate::clock::now_ms;
use crate::engine::Engine;
use crate::error::{ErrorKind, Result};
use crate::model::{
    Container, ContainerId, ContainerState, EngineEvent, EventKind, ImageId, NetworkId, VolumeName,
};

/// How many objects are refetched at once.
const FETCH_CONCURRENCY: usize = 8;

/// The writer's working copy and the channel it publishes on.
pub(super) struct Writer {
    pub(super) tx: watch::Sender<Arc<Snapshot>>,
    pub(super) cur: Snapshot,
    /// When the current session finished its listing.
    pub(super) synced_at: Option<std::time::Instant>,
}

impl Writer {
    pub(super) fn publish(&mut self) {
        self.cur.revision += 1;
        self.tx.send_replace(Arc::new(self.cur.clone()));
    }

    pub(super) fn set_connection(&mut self, state: ConnectionState) {
        if self.cur.connection != state {
            self.cur.connection = state;
            self.publish();
        }
    }
}

/// Apply what an event says for certain about a container, before the refetch.
///
/// The engine sends `die` while it still holds the container's lock for clean-up (unmounts,
/// network teardown), so the inspect sent for it waits 50–200 ms; the event itself already
/// says the process is gone and with which exit code. Returns whether anything changed.
pub(super) fn patch_from_event(
    containers: &mut Arc<BTreeMap<ContainerId, Arc<Container>>>,
    e: &EngineEvent,
) -> bool {
    if e.kind != EventKind::Container || e.verb() != "die" {
        return false;
    }
    let id = ContainerId(e.actor_id.clone());
    let Some(cur) = containers.get(&id) else {
        return false;
    };
    if !cur.state.is_alive() {
        return false;
    }
    let mut c = (**cur).clone();
    c.state = ContainerState::Exited;
    c.exit_code = e
        .attributes
        .get("exitCode")
        .and_then(|s| s.parse().ok())
        .or(c.exit_code);
    if e.time_nano > 0 {
        c.finished_at = Some(e.time_nano / 1_000_000_000);
    }
    c.pid = None;
    if let Some(code) = c.exit_code {
        c.status = format!("Exited ({code})");
    }
    Arc::make_mut(containers).insert(id, Arc::new(c));
    true
}

/// What a refetch found.
pub(super) enum Fetched {
    Container(ContainerId, Option<crate::model::Container>),
    Image(String, Option<crate::model::Image>),
    Network(NetworkId, Option<crate::model::Network>),
    Volume(VolumeName, Option<crate::model::Volume>),
    Engine(crate::model::EngineInfo),
    Swarm(super::swarm::SwarmFetched),
}

async fn fetch(engine: &Engine, d: Delta) -> Result<Fetched> {
    if let Some(f) = super::swarm::fetch(engine, &d).await {
        return f.map(Fetched::Swarm);
    }
    Ok(match d {
        Delta::Container(id) => {
            let c = gone_if_missing(engine.inspect_container(id.as_str()).await)?;
            Fetched::Container(id, c)
        }
        Delta::ContainerGone(id) => Fetched::Container(id, None),
        Delta::Image(r) => {
            let i = gone_if_missing(engine.inspect_image(&r).await)?;
            Fetched::Image(r, i)
        }
        Delta::ImageGone(r) => Fetched::Image(r, None),
        Delta::Network(id) => {
            let n = gone_if_missing(engine.inspect_network(id.as_str()).await)?;
            Fetched::Network(id, n)
        }
        Delta::NetworkGone(id) => Fetched::Network(id, None),
        Delta::Volume(name) => {
            let v = gone_if_missing(engine.inspect_volume(name.as_str()).await)?;
            Fetched::Volume(name, v)
        }
        Delta::VolumeGone(name) => Fetched::Volume(name, None),
        Delta::Engine => Fetched::Engine(engine.info().await?),
        // Answered by `swarm::fetch` above.
        Delta::Node(_)
        | Delta::NodeGone(_)
        | Delta::Service(_)
        | Delta::ServiceGone(_)
        | Delta::Tasks(_)
        | Delta::AllTasks
        | Delta::Secret(_)
        | Delta::SecretGone(_)
        | Delta::Config(_)
        | Delta::ConfigGone(_) => {
            return Err(crate::error::CoreError::new(
                ErrorKind::Engine,
                "a swarm object was not refetched",
            ))
        }
    })
}

/// Coalesce, refetch concurrently, write into the working copy.
pub(super) async fn apply(
    engine: &Engine,
    w: &mut Writer,
    retries: &mut Retries,
    deltas: Vec<Delta>,
) -> Result<()> {
    apply_with(w, retries, deltas, |d| fetch(engine, d)).await
}

/// [`apply`] with the refetch passed in, so tests can make one object fail.
///
/// A link error ends the session; an error about one object keeps its last data, lists it in
/// `refresh_failures` and leaves it to its own backoff (see [`super::refresh`]).
pub(super) async fn apply_with<F, Fut>(
    w: &mut Writer,
    retries: &mut Retries,
    deltas: Vec<Delta>,
    fetch: F,
) -> Result<()>
where
    F: Fn(Delta) -> Fut,
    Fut: std::future::Future<Output = Result<Fetched>>,
{
    if deltas.is_empty() {
        return Ok(());
    }
    let now = tokio::time::Instant::now();
    // The last delta per object wins (a refetch after `destroy` finds nothing anyway).
    let mut by_object: HashMap<ObjectRef, Delta> = HashMap::new();
    let mut order: Vec<ObjectRef> = Vec::new();
    for d in deltas {
        let key = object_of(&d);
        if by_object.insert(key.clone(), d).is_none() {
            order.push(key);
        }
    }
    let jobs: Vec<Delta> = order
        .into_iter()
        .filter_map(|k| by_object.remove(&k))
        .filter(|d| !retries.defer(d, now))
        .collect();
    let results: Vec<(Delta, Result<Fetched>)> = stream::iter(jobs)
        .map(|d| {
            let fut = fetch(d.clone());
            async move { (d, fut.await) }
        })
        .buffered(FETCH_CONCURRENCY)
        .collect()
        .await;
    let mut failures_changed = false;
    let mut images_refetched: Vec<ImageId> = Vec::new();
    for (delta, r) in results {
        let fetched = match r {
            Ok(f) => {
                failures_changed |= retries.succeeded(&object_of(&delta));
                f
            }
            Err(e) if is_link_error(&e) => return Err(e),
            Err(e) => {
                retries.failed(delta, &e, now, now_ms());
                failures_changed = true;
                continue;
            }
        };
        match fetched {
            Fetched::Container(id, c) => {
                let map = Arc::make_mut(&mut w.cur.containers);
                match c {
                    Some(c) => {
                        // Inspect has no human status line; keep the list's when state agrees.
                        let mut c = c;
                        if let Some(old) = map.get(&id) {
                            if old.state == c.state && !old.status.is_empty() && !old.detailed {
                                c.status = old.status.clone();
                            }
                        }
                        map.insert(id, Arc::new(c));
                    }
                    None => {
                        map.remove(&id);
                    }
                }
            }
            Fetched::Image(r, i) => {
                let map = Arc::make_mut(&mut w.cur.images);
                match i {
                    Some(i) => {
                        // An image whose last tag moved elsewhere keeps its id; replace in place.
                        images_refetched.push(i.id.clone());
                        map.insert(i.id.clone(), Arc::new(i));
                    }
                    None => {
                        let key = ImageId(r.clone());
                        if map.remove(&key).is_none() {
                            map.retain(|_, i| !i.tags.contains(&r));
                        }
                    }
                }
            }
            Fetched::Network(id, n) => {
                let map = Arc::make_mut(&mut w.cur.networks);
                match n {
                    Some(n) => {
                        map.insert(id, Arc::new(n));
                    }
                    None => {
                        map.remove(&id);
                    }
                }
            }
            Fetched::Volume(name, v) => {
                let map = Arc::make_mut(&mut w.cur.volumes);
                match v {
                    Some(v) => {
                        map.insert(name, Arc::new(v));
                    }
                    None => {
                        map.remove(&name);
                    }
                }
            }
            Fetched::Engine(info) => w.cur.engine = Some(Arc::new(info)),
            Fetched::Swarm(f) => {
                super::swarm::apply(&mut w.cur, f);
            }
        }
    }
    if failures_changed {
        w.cur.refresh_failures = Arc::new(retries.failures());
    }
    // Only a refetched image can have taken a tag from another one.
    if !images_refetched.is_empty() {
        drop_stale_tags(&mut w.cur.images, &images_refetched);
    }
    Ok(())
}

/// A tag lives on one image: when a refetch found `busybox:latest` on an image, any other image
/// must no longer claim it (the engine sends no event for the image a tag left). What was just
/// refetched is the engine's word and wins over what was not; the tag may well have moved back
/// to an older image. Between two images refetched in the same batch (each fresh, but read at
/// slightly different times) the newer image keeps it, as a build or pull would have moved it.
fn drop_stale_tags(
    images: &mut Arc<BTreeMap<ImageId, Arc<crate::model::Image>>>,
    refetched: &[ImageId],
) {
    let fresh = |id: &ImageId| refetched.contains(id);
    let mut seen: HashMap<&str, (&ImageId, i64)> = HashMap::new();
    let mut stale: Vec<(ImageId, String)> = Vec::new();
    for (id, img) in images.iter() {
        for t in &img.tags {
            if let Some(&(other, created)) = seen.get(t.as_str()) {
                let keep_this = match (fresh(id), fresh(other)) {
                    (true, false) => true,
                    (false, true) => false,
                    _ => img.created >= created,
                };
                if keep_this {
                    stale.push((other.clone(), t.clone()));
                    seen.insert(t, (id, img.created));
                } else {
                    stale.push((id.clone(), t.clone()));
                }
            } else {
                seen.insert(t, (id, img.created));
            }
        }
    }
    if stale.is_empty() {
        return;
    }
    let map = Arc::make_mut(images);
    for (id, tag) in stale {
        if let Some(img) = map.get_mut(&id) {
            Arc::make_mut(img).tags.retain(|t| *t != tag);
        }
    }
}

//! Per-object refresh failures and their backoff.
//!
//! A refetch can fail for a reason that belongs to one object (the engine answers 500 for one
//! broken container, a document that does not decode, an authorization plugin refusing one
//! inspect) or to the link (refused, reset, timed out). Only the second ends the session.
//! An object failure keeps the object's last data, lists the object in the snapshot's
//! `refresh_failures`, and retries that object alone after 1 s, doubling to 60 s; events about
//! it in the meantime wait for that retry. One broken object therefore costs one request a
//! minute, not a full relisting several times a second.
//!
//! Invariant: an object is in [`Retries`] exactly while its last refetch failed.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use super::events::Delta;
use super::snapshot::{ObjectRef, RefreshFailure};
use crate::error::{CoreError, ErrorKind, Result};

pub(super) const RETRY_MIN: Duration = Duration::from_secs(1);
pub(super) const RETRY_MAX: Duration = Duration::from_secs(60);

/// Which object a delta is about (the last delta per object wins when coalescing).
pub(super) fn object_of(d: &Delta) -> ObjectRef {
    match d {
        Delta::Container(i) | Delta::ContainerGone(i) => ObjectRef::Container(i.clone()),
        Delta::Image(r) | Delta::ImageGone(r) => ObjectRef::Image(r.clone()),
        Delta::Network(i) | Delta::NetworkGone(i) => ObjectRef::Network(i.clone()),
        Delta::Volume(v) | Delta::VolumeGone(v) => ObjectRef::Volume(v.clone()),
        Delta::Node(i) | Delta::NodeGone(i) => ObjectRef::Node(i.clone()),
        Delta::Service(i) | Delta::ServiceGone(i) => ObjectRef::Service(i.clone()),
        Delta::Tasks(i) => ObjectRef::Tasks(i.clone()),
        Delta::AllTasks => ObjectRef::AllTasks,
        Delta::Secret(i) | Delta::SecretGone(i) => ObjectRef::Secret(i.clone()),
        Delta::Config(i) | Delta::ConfigGone(i) => ObjectRef::Config(i.clone()),
        Delta::Engine => ObjectRef::Engine,
    }
}

/// `NotFound` means the object is gone; other errors go to [`apply_with`].
pub(super) fn gone_if_missing<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether a refetch error says the link is broken (end the session) rather than something
/// about the object (mark it and go on).
pub(crate) fn is_link_error(e: &CoreError) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Unavailable | ErrorKind::Tls | ErrorKind::Cancelled | ErrorKind::Io
    )
}

struct Failing {
    /// What to refetch when the retry is due (the latest delta for the object).
    delta: Delta,
    failure: RefreshFailure,
    due: Instant,
    backoff: Duration,
}

/// Objects whose last refetch failed, with their retry times.
#[derive(Default)]
pub(super) struct Retries {
    failing: BTreeMap<ObjectRef, Failing>,
}

impl Retries {
    /// Record a failed refetch of `delta`'s object.
    pub fn failed(&mut self, delta: Delta, err: &CoreError, now: Instant, now_ms: i64) {
        let object = object_of(&delta);
        let (attempts, since_ms, backoff) = match self.failing.get(&object) {
            Some(f) => (
                f.failure.attempts + 1,
                f.failure.since_ms,
                (f.backoff * 2).min(RETRY_MAX),
            ),
            None => (1, now_ms, RETRY_MIN),
        };
        tracing::warn!(?object, attempts, error = %err, "refresh failed; retrying later");
        let failure = RefreshFailure {
            object: object.clone(),
            reason: err.to_string(),
            since_ms,
            attempts,
            retry_at_ms: now_ms + i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX),
        };
        self.failing.insert(
            object,
            Failing {
                delta,
                failure,
                due: now + backoff,
                backoff,
            },
        );
    }

    /// The object refreshed (or is gone): forget its failures. True if it was failing.
    pub fn succeeded(&mut self, object: &ObjectRef) -> bool {
        self.failing.remove(object).is_some()
    }

    /// If `delta`'s object is waiting for a retry, keep `delta` for that retry and return
    /// true: it must not be refetched now.
    pub fn defer(&mut self, delta: &Delta, now: Instant) -> bool {
        match self.failing.get_mut(&object_of(delta)) {
            Some(f) if f.due > now => {
                f.delta = delta.clone();
                true
            }
            _ => false,
        }
    }

    /// The deltas whose retry time has come. They stay listed until they succeed.
    pub fn due(&self, now: Instant) -> Vec<Delta> {
        self.failing
            .values()
            .filter(|f| f.due <= now)
            .map(|f| f.delta.clone())
            .collect()
    }

    /// The earliest retry time, for the session's timer.
    pub fn next_due(&self) -> Option<Instant> {
        self.failing.values().map(|f| f.due).min()
    }

    /// What the snapshot lists.
    pub fn failures(&self) -> Vec<RefreshFailure> {
        self.failing.values().map(|f| f.failure.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ContainerId;

    #[test]
    fn only_link_errors_end_the_session() {
        for kind in [
            ErrorKind::Unavailable,
            ErrorKind::Tls,
            ErrorKind::Cancelled,
            ErrorKind::Io,
        ] {
            assert!(is_link_error(&CoreError::new(kind, "x")), "{kind:?}");
        }
        for kind in [
            ErrorKind::Engine,
            ErrorKind::Conflict,
            ErrorKind::Denied,
            ErrorKind::InvalidInput,
            ErrorKind::Config,
        ] {
            assert!(!is_link_error(&CoreError::new(kind, "x")), "{kind:?}");
        }
    }

    #[test]
    fn a_failing_object_backs_off_alone_and_is_forgotten_on_success() {
        let t0 = Instant::now();
        let bad = Delta::Container(ContainerId::new("bad"));
        let obj = object_of(&bad);
        let err = CoreError::new(ErrorKind::Engine, "json: cannot unmarshal");
        let mut r = Retries::default();
        r.failed(bad.clone(), &err, t0, 1_000);
        assert_eq!(r.next_due(), Some(t0 + RETRY_MIN));
        // An event about it before the retry waits for the retry.
        assert!(r.defer(&bad, t0));
        assert!(r.due(t0).is_empty());
        // Others are never deferred.
        assert!(!r.defer(&Delta::Container(ContainerId::new("good")), t0));
        assert_eq!(r.due(t0 + RETRY_MIN), vec![bad.clone()]);

        // Each failure doubles the wait, up to the cap.
        let mut now = t0;
        let mut waits = Vec::new();
        for _ in 0..8 {
            now = r.next_due().unwrap_or(now);
            r.failed(bad.clone(), &err, now, 1_000);
            waits.push((r.next_due().unwrap_or(now) - now).as_secs());
        }
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
        let f = &r.failures()[0];
        assert_eq!((f.attempts, f.since_ms), (9, 1_000));
        assert!(f.reason.contains("cannot unmarshal"));

        assert!(r.succeeded(&obj));
        assert!(r.failures().is_empty() && r.next_due().is_none());
        assert!(!r.succeeded(&obj));
    }
}

//! The live model of one engine, kept up to date by its events stream.
//!
//! `sync` owns the only writer (its session loop; `writer` holds the working copy and applies
//! refetched objects to it); readers get immutable [`Snapshot`]s through a
//! `tokio::sync::watch` channel and never lock engine state. `events` decides, for each engine
//! event, which object to refetch or drop: a pure function, table-tested.

mod events;
mod refresh;
mod snapshot;
mod swarm;
mod sync;
mod writer;

pub use events::{interpret, Delta};
pub(crate) use refresh::is_link_error;
pub use snapshot::{ConnectionState, ObjectRef, RefreshFailure, Snapshot, EVENT_HISTORY};
pub use sync::{Store, EVENT_QUEUE};

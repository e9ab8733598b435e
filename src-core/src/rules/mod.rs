//! Domain rules both UIs share, as pure functions of model data: what a prune would remove
//! ([`prune`]) and what a removal does to a container that is still running ([`removal`]).
//! Nothing here talks to an engine; the functions that act on these rules live in
//! `crate::destroy`.

pub mod prune;
pub mod removal;

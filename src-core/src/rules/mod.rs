//! Domain rules both UIs share, as pure functions of model data, written once: what a prune
//! would remove ([`prune`]), what a removal does to a container that is still running
//! ([`removal`]), what counts as a secret and how it is masked ([`secrets`]), and engine
//! objects made inert for display ([`inert`]), which containers use which image, volume and
//! network ([`usage`]), which networks are the engine's own ([`networks`]) and which container
//! states have processes ([`containers`]). The security findings of a configuration are rules
//! too, re-exported here as [`findings`]: they live one layer lower (`crate::findings`, over
//! the model only) because the run form's parser (`crate::spec`, below this layer) warns with
//! them. Nothing here talks to an engine; the functions that act on these rules live in
//! `crate::destroy`.

pub mod compose;
pub mod containers;
pub use crate::findings;
pub mod images;
pub mod inert;
pub mod networks;
pub mod prune;
pub mod removal;
pub mod secrets;
pub mod swarm;
pub mod usage;

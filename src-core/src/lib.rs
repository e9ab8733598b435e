//! Wharf's core: everything that knows about Docker engines.
//!
//! `engine` is the only module that speaks bollard; everything else works on the plain data of
//! `model`. `store` keeps a live [`store::Snapshot`] from the engine's events, `streams` gives
//! on-demand stats and logs, `command` executes lifecycle actions, `rules` holds the domain
//! rules both UIs share, and `session` is the one setup (engine + store + stats hub) both front
//! ends call. Nothing here knows about terminals or webviews.

pub mod alerts;
pub mod audit;
pub mod chart;
pub mod clock;
pub mod command;
pub mod compose;
pub mod destroy;
pub mod engine;
pub mod error;
pub mod findings;
pub mod fleet;
pub mod history;
pub mod model;
pub mod rules;
pub mod session;
pub mod spec;
pub mod store;
pub mod streams;

pub use error::{CoreError, ErrorKind, Result};

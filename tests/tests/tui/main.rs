//! End-to-end tests of the `wharf` terminal UI: the real binary in tmux against the test
//! engine, driven with keys, read from the screen, checked with the engine.

mod build;
mod bulk_update;
mod contexts;
mod files;
mod hostile;
mod images;
mod journeys;
mod recreate;
mod robustness;
mod run_form;
mod safety;
mod swarm;
mod term;
mod trust;

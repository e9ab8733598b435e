//! End-to-end tests of the `wharf` terminal UI: the real binary in tmux against the test
//! engine, driven with keys, read from the screen, checked with the engine.

mod alert_hooks;
mod alerts;
mod archive_search;
mod archive_watch;
mod build;
mod bulk_update;
mod chart_marks;
mod compose;
mod contexts;
mod dash;
mod files;
mod fleet;
mod fleet_finish;
mod fleet_nav;
mod fleet_objects;
mod fleet_pair;
mod fleet_sort;
mod fleet_ssh;
mod hostile;
mod images;
mod input;
mod journeys;
mod markers;
mod merged_logs;
mod recreate;
mod robustness;
mod run_form;
mod safety;
mod ssh;
mod swarm;
mod swarm_nodes;
mod term;
mod trust;
mod watch;
mod watch_reload;

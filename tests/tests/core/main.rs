//! End-to-end tests of `wharf-core` against a real engine (one test binary, one link).
//!
//! Fixtures come from the harness (docker CLI, labelled, removed on drop); the code under
//! test is wharf-core. Waits poll with timeouts; nothing sleeps a fixed time to "let things
//! settle".

mod alerts;
mod build;
mod bulk_update;
mod chart_marks;
mod commands;
mod common;
mod compose;
mod dash;
mod dash_cost;
mod faults;
mod files;
mod fleet;
mod fleet_image_force;
mod fleet_objects;
mod history;
mod images;
mod logs;
mod merged_logs;
mod reconnect;
mod recreate;
mod run;
mod safety;
mod stats;
mod store;
mod swarm;
mod swarm_nodes;
mod switch;
mod tls;

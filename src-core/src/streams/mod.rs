//! On-demand subscriptions: stats and logs, started for what a user looks at and stopped
//! when it is dropped. The cost of Wharf grows with what is watched, not with how many
//! containers exist.

pub mod build;
mod cgroup;
pub mod engine_series;
#[cfg(test)]
mod fuzz_tests;
pub mod logs;
mod memo;
pub mod merged;
mod netmap;
pub mod reorder;
mod series;
pub mod stats;
pub mod text;

pub use engine_series::{DashScope, EngineSeries, Stacking};
pub use logs::{LogBuffer, LogFollower, LogLine, LogQuery};
pub use merged::{MergedEvent, MergedFollower, Selection};
pub use series::{Series, SERIES_WINDOW_MS};
pub use stats::{IdMap, SampleSource, StatsHub, StatsView, ALL_API_INTERVAL};

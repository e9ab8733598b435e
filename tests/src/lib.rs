//! Harness for Wharf's end-to-end tests: real Docker engines, labelled fixtures, polling waits.
//!
//! Fixtures are made with the `docker` CLI (never with bollard), so they do not depend on the
//! code under test. Everything a test creates carries the label `wharf.test=<run id>` and a
//! fresh name `wharf-test-<run id>-<pid>-<n>-<suffix>`, and is removed by a `Drop` guard, also
//! when the test panics. `scripts/test.sh` sweeps whatever is left at the end of a run.
//!
//! The normal path is `scripts/test.sh`, which starts one private engine, exports `DOCKER_HOST`
//! and `WHARF_TEST_RUN`, and stops the engine afterwards. A bare `cargo test` also works: with
//! `DOCKER_HOST` set the tests use that engine; without it each test process starts its own
//! private engine (root only) that a watcher process stops when the test process exits.
//!
//! ```no_run
//! use std::time::Duration;
//! use wharf_tests::{require_engine, wait_until_blocking};
//!
//! #[test]
//! fn echo_shows_in_logs() {
//!     let engine = require_engine!();
//!     let c = engine.container("echo").cmd(&["sh", "-c", "echo hi; sleep 60"]).start();
//!     wait_until_blocking(Duration::from_secs(10), "the echo in the logs", || {
//!         c.logs().contains("hi")
//!     });
//! }
//! ```

mod cli;
mod compose;
mod contexts;
mod engine;
mod process;
mod registry;
mod resources;
mod sshd;
mod swarm;
mod swarm_node;
mod tls;
mod wait;

use std::sync::OnceLock;

pub use cli::DockerCli;
pub use compose::TestProject;
pub use contexts::write_context;
pub use engine::{Frozen, PrivateOpts, TestEngine};
pub use registry::TestRegistry;
pub use resources::{unique_name, ContainerBuilder, TestContainer, TestNetwork, TestVolume};
pub use sshd::{ssh_children, TestSshd, MAX_SESSIONS};
pub use swarm::TestSwarm;
pub use swarm_node::{NetnsEngine, TwoNodeSwarm, WORKER_HOSTNAME};
pub use tls::TlsMaterial;
pub use wait::{wait_for, wait_for_blocking, wait_until, wait_until_blocking};

/// The label key every test resource carries; its value is [`run_id`].
pub const LABEL: &str = "wharf.test";

/// The id of this test run: `WHARF_TEST_RUN` when set (by `scripts/test.sh`, shared by all test
/// processes of the run), otherwise made once per process from the time and pid.
///
/// The id goes into container names and image tags, so other characters than `[A-Za-z0-9_.-]`
/// become `-`, and an `r` is put in front of an id that does not start with a letter or digit
/// (`scripts/test.sh` only makes and accepts ids that need neither).
pub fn run_id() -> &'static str {
    static RUN: OnceLock<String> = OnceLock::new();
    RUN.get_or_init(|| {
        let raw = std::env::var("WHARF_TEST_RUN")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or_default();
                format!("{secs}-{}", std::process::id())
            });
        let clean: String = raw
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if clean.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            clean
        } else {
            format!("r{clean}")
        }
    })
}

/// True when running under CI (`CI=true` or `CI=1`): a missing engine is then a failure, never a skip.
pub fn in_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true") | Ok("1"))
}

/// Yields the shared [`TestEngine`], or prints `SKIPPED: …` and returns from the calling test
/// (which must return `()`) when no engine can be had outside CI. Under CI it panics instead.
#[macro_export]
macro_rules! require_engine {
    () => {
        match $crate::TestEngine::shared_or_skip() {
            Some(engine) => engine,
            None => return,
        }
    };
}

/// Like [`require_engine!`] for a private engine: `require_private_engine!(PrivateOpts { tls: true })`
/// yields an owned [`TestEngine`] or skips the test (outside CI) when none can be started.
#[macro_export]
macro_rules! require_private_engine {
    ($opts:expr) => {
        match $crate::TestEngine::private_or_skip($opts) {
            Some(engine) => engine,
            None => return,
        }
    };
}

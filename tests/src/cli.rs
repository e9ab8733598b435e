//! `DockerCli`: runs the `docker` CLI (whichever is on `PATH`) against one engine.
//!
//! Invariant: every command gets `DOCKER_HOST` of its engine; for engines the harness owns, the
//! caller's `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`/`DOCKER_CONTEXT` are removed so they cannot
//! redirect or break the call. Commands run under coreutils' `timeout` so a wedged engine fails
//! the test instead of hanging it.

use std::process::{Command, Output};

/// How long one `docker` command may take before it is killed.
const COMMAND_TIMEOUT_SECS: &str = "120";

/// The `docker` CLI bound to one engine. Cheap to clone; guards keep one to clean up on drop.
#[derive(Clone, Debug)]
pub struct DockerCli {
    host: String,
    isolated: bool,
}

impl DockerCli {
    /// `isolated`: drop the caller's TLS/context variables (engines the harness started itself).
    pub(crate) fn new(host: impl Into<String>, isolated: bool) -> Self {
        Self {
            host: host.into(),
            isolated,
        }
    }

    /// The engine address given to the CLI, e.g. `unix:///tmp/wt.ab12cd/docker.sock`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Applies this engine's environment to any command (the CLI itself, or a script calling it).
    pub fn apply_env(&self, cmd: &mut Command) {
        cmd.env("DOCKER_HOST", &self.host);
        if self.isolated {
            for var in ["DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"] {
                cmd.env_remove(var);
            }
        }
    }

    /// A bare `docker` command with this engine's environment, for what the helpers below do
    /// not cover (stdin, streaming output). It has no timeout.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new("docker");
        self.apply_env(&mut cmd);
        cmd
    }

    /// Runs `docker ARGS`; `Ok(stdout)` (final newline removed) on success, `Err` with the
    /// command, exit status and stderr otherwise.
    pub fn run(&self, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new("timeout");
        cmd.args(["--kill-after=5", COMMAND_TIMEOUT_SECS, "docker"])
            .args(args);
        self.apply_env(&mut cmd);
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run `docker {}`: {e}", args.join(" ")))?;
        into_result(args, out)
    }

    /// Like [`DockerCli::run`] but panics with stderr on failure.
    #[track_caller]
    pub fn run_ok(&self, args: &[&str]) -> String {
        match self.run(args) {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`DockerCli::run`] on tokio's process support, for async tests that must not block.
    pub async fn run_async(&self, args: &[&str]) -> Result<String, String> {
        let mut cmd = self.command();
        cmd.args(args);
        let mut cmd = tokio::process::Command::from(cmd);
        cmd.kill_on_drop(true);
        let out = cmd
            .output()
            .await
            .map_err(|e| format!("cannot run `docker {}`: {e}", args.join(" ")))?;
        into_result(args, out)
    }
}

fn into_result(args: &[&str], out: Output) -> Result<String, String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() {
        return Ok(stdout.strip_suffix('\n').unwrap_or(&stdout).to_owned());
    }
    let why = match out.status.code() {
        Some(124) => "timed out".to_owned(),
        Some(code) => format!("exit {code}"),
        None => "killed".to_owned(),
    };
    Err(format!(
        "`docker {}` failed ({why}): {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}

//! RAII fixtures on an engine: containers, networks and volumes.
//!
//! Invariants: every resource is named by [`unique_name`] and labelled `wharf.test=<run id>`;
//! its guard removes it on drop (also while a test panics) and accepts that the test already
//! removed it. Drop never panics: failures are printed, and `scripts/test.sh` sweeps leftovers.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::cli::DockerCli;
use crate::engine::TestEngine;
use crate::{run_id, LABEL};

/// A fresh name for a test resource: `wharf-test-<run id>-<pid>-<n>-<suffix>`. The pid keeps
/// the test binaries of one run (same run id) apart on a shared engine, and the counter `n`
/// keeps apart tests of one binary that pick the same suffix, since they run in parallel.
pub fn unique_name(suffix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!(
        "wharf-test-{}-{}-{n}-{suffix}",
        run_id(),
        std::process::id()
    )
}

fn label_arg() -> String {
    format!("{LABEL}={}", run_id())
}

/// Describes a container; [`ContainerBuilder::start`] runs it (`docker run -d`) and
/// [`ContainerBuilder::created_only`] only creates it (`docker create`). Made by
/// [`TestEngine::container`].
///
/// Defaults: the engine's busybox image with the image's command (`sh`), no tty.
#[must_use = "call .start() or .created_only() to create the container"]
pub struct ContainerBuilder<'e> {
    engine: &'e TestEngine,
    name: String,
    image: Option<String>,
    cmd: Vec<String>,
    args: Vec<String>,
}

impl<'e> ContainerBuilder<'e> {
    pub(crate) fn new(engine: &'e TestEngine, suffix: &str) -> Self {
        Self {
            engine,
            name: unique_name(suffix),
            image: None,
            cmd: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Uses `image` instead of the busybox test image.
    pub fn image(mut self, image: &str) -> Self {
        self.image = Some(image.to_owned());
        self
    }

    /// The command and its arguments, e.g. `&["sh", "-c", "echo hi; sleep 60"]`.
    /// A short name instead of [`unique_name`]'s, for a test that must see the whole name in a
    /// table column (a CI run id makes unique names longer than the NAME column). The caller
    /// keeps it unique on its engine.
    pub fn named(mut self, name: &str) -> Self {
        name.clone_into(&mut self.name);
        self
    }

    pub fn cmd(mut self, cmd: &[&str]) -> Self {
        self.cmd = cmd.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Allocates a pseudo-terminal (`-t`).
    pub fn tty(self, on: bool) -> Self {
        if on {
            self.arg("-t")
        } else {
            self
        }
    }

    /// Keeps stdin open (`-i`), e.g. for attach tests.
    pub fn interactive(self, on: bool) -> Self {
        if on {
            self.arg("-i")
        } else {
            self
        }
    }

    /// Adds a label (the `wharf.test` label is always added).
    pub fn label(self, key: &str, value: &str) -> Self {
        self.arg("--label").arg(&format!("{key}={value}"))
    }

    /// Labels it as compose `project`'s `service` (container number 1), as compose would.
    pub fn compose(self, project: &str, service: &str) -> Self {
        self.label("com.docker.compose.project", project)
            .label("com.docker.compose.service", service)
            .label("com.docker.compose.container-number", "1")
    }

    /// Publishes a port, `docker run -p` syntax; keep it on loopback, e.g. `127.0.0.1::80`.
    pub fn publish(self, spec: &str) -> Self {
        self.arg("-p").arg(spec)
    }

    /// Sets an environment variable.
    pub fn env(self, key: &str, value: &str) -> Self {
        self.arg("-e").arg(&format!("{key}={value}"))
    }

    /// Connects the container to `network` (a name or id) instead of the default bridge.
    pub fn network(self, network: &str) -> Self {
        self.arg("--network").arg(network)
    }

    /// Any other `docker run`/`create` option, e.g. `--stop-timeout=1`, `--restart=always`.
    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    /// Several other `docker run`/`create` options, e.g. `&["-v", "vol:/data"]`.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|s| s.to_string()));
        self
    }

    /// Creates and starts the container (`docker run -d`); panics with docker's error.
    #[track_caller]
    pub fn start(self) -> TestContainer {
        self.make(&["run", "-d"])
    }

    /// Creates the container without starting it (`docker create`); panics with docker's error.
    #[track_caller]
    pub fn created_only(self) -> TestContainer {
        self.make(&["create"])
    }

    #[track_caller]
    fn make(self, verb: &[&str]) -> TestContainer {
        let image = self.image.unwrap_or_else(|| self.engine.image());
        let label = label_arg();
        let mut args = verb.to_vec();
        args.extend(["--name", &self.name, "--label", &label]);
        args.extend(self.args.iter().map(String::as_str));
        args.push(&image);
        args.extend(self.cmd.iter().map(String::as_str));
        let cli = self.engine.cli().clone();
        let id = match cli.run(&args) {
            Ok(out) => out.lines().last().unwrap_or_default().trim().to_owned(),
            Err(e) => {
                // `run -d` can fail after creating the container (e.g. a bad command): remove it.
                let _ = cli.run(&["rm", "-f", "-v", &self.name]);
                panic!("{e}");
            }
        };
        TestContainer {
            cli,
            id,
            name: self.name,
        }
    }
}

/// A container that is force-removed (with its anonymous volumes) when dropped.
#[derive(Debug)]
pub struct TestContainer {
    cli: DockerCli,
    id: String,
    name: String,
}

impl TestContainer {
    /// The full container id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The container name (without the leading `/`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `docker logs`: the container's stdout followed by its stderr (not interleaved).
    #[track_caller]
    pub fn logs(&self) -> String {
        let out = self
            .cli
            .command()
            .args(["logs", &self.id])
            .output()
            .unwrap_or_else(|e| panic!("cannot run docker logs: {e}"));
        assert!(out.status.success(), "docker logs {} failed", self.name);
        let mut logs = String::from_utf8_lossy(&out.stdout).into_owned();
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
        logs
    }

    /// `docker inspect -f FORMAT`, e.g. `{{.State.Status}}`.
    #[track_caller]
    pub fn inspect(&self, format: &str) -> String {
        self.cli.run_ok(&["inspect", "-f", format, &self.id])
    }
}

impl Drop for TestContainer {
    fn drop(&mut self) {
        remove(
            &self.cli,
            &["rm", "-f", "-v", &self.id],
            "No such container",
        );
    }
}

/// A network removed when dropped. Made by [`TestEngine::network`].
#[derive(Debug)]
pub struct TestNetwork {
    cli: DockerCli,
    id: String,
    name: String,
}

impl TestNetwork {
    #[track_caller]
    pub(crate) fn create(cli: &DockerCli, suffix: &str, extra: &[&str]) -> Self {
        let (name, label) = (unique_name(suffix), label_arg());
        let mut args = vec!["network", "create", "--label", &label];
        args.extend(extra);
        args.push(&name);
        let id = cli.run_ok(&args);
        Self {
            cli: cli.clone(),
            id,
            name,
        }
    }

    /// The network id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The network name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestNetwork {
    fn drop(&mut self) {
        remove(&self.cli, &["network", "rm", &self.id], "not found");
    }
}

/// A volume removed when dropped. Made by [`TestEngine::volume`].
#[derive(Debug)]
pub struct TestVolume {
    cli: DockerCli,
    name: String,
}

impl TestVolume {
    #[track_caller]
    pub(crate) fn create(cli: &DockerCli, suffix: &str, extra: &[&str]) -> Self {
        let (name, label) = (unique_name(suffix), label_arg());
        let mut args = vec!["volume", "create", "--label", &label];
        args.extend(extra);
        args.push(&name);
        cli.run_ok(&args);
        Self {
            cli: cli.clone(),
            name,
        }
    }

    /// The volume name (volumes have no other id).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestVolume {
    fn drop(&mut self) {
        remove(
            &self.cli,
            &["volume", "rm", "-f", &self.name],
            "no such volume",
        );
    }
}

/// Removal for drop: tolerates "already gone" (`gone` in stderr) and prints other failures.
fn remove(cli: &DockerCli, args: &[&str], gone: &str) {
    if let Err(e) = cli.run(args) {
        if !e.to_lowercase().contains(&gone.to_lowercase()) {
            eprintln!("wharf-tests: cleanup failed: {e}");
        }
    }
}

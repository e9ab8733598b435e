//! `TestEngine`: the Docker engine a test talks to.
//!
//! - [`TestEngine::shared`]: one per test process. The engine named by `DOCKER_HOST` when set
//!   (what `scripts/test.sh` does), otherwise a private engine started for this process.
//! - [`TestEngine::private`]: an engine the test owns, for killing/restarting it or for TLS.
//!
//! Invariants of an owned (private) engine: it lives in a short temp dir under `/tmp` (unix
//! socket paths are limited to 108 bytes), was started by `scripts/engine.sh start` (so it has a
//! bridge of its own and `--iptables=false`, and never touches another engine's `docker0` or
//! iptables rules), and is stopped and removed by `Drop`. Statics are never dropped, so a
//! watcher process (`engine.sh watch`) also stops it once the test process has exited, even
//! after a crash.

use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::cli::DockerCli;
use crate::process;
use crate::resources::{ContainerBuilder, TestNetwork, TestVolume};
use crate::tls::TlsMaterial;
use crate::{in_ci, run_id};

/// `scripts/engine.sh`, found from this crate's source directory.
const ENGINE_SH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/engine.sh");

/// Options for [`TestEngine::private`].
#[derive(Clone, Debug, Default)]
pub struct PrivateOpts {
    /// Also listen on `tcp://127.0.0.1:PORT` with mutual TLS (see [`TlsMaterial`]).
    pub tls: bool,
    /// More dockerd arguments, e.g. `--live-restore`. Not `--bridge=none`: see `engine.sh`.
    pub dockerd_args: Vec<String>,
    /// With `tls`: the engine presents [`TlsMaterial::expired_server_cert`].
    pub expired_server_cert: bool,
}

/// A Docker engine for tests; see the module docs. Owned engines stop on drop.
#[derive(Debug)]
pub struct TestEngine {
    /// `unix://…` for private engines; whatever `DOCKER_HOST` says for an external one.
    host: String,
    /// The private engine's directory (socket, data, exec root, log, `tls/`).
    dir: Option<PathBuf>,
    /// True when this value started the engine and must stop it.
    owned: bool,
    tls: Option<TlsMaterial>,
    tls_host: Option<String>,
    /// Extra dockerd arguments, kept to restart with the same ones.
    args: Vec<String>,
    pid: Option<u32>,
    cli: DockerCli,
    image: OnceLock<String>,
}

impl TestEngine {
    /// The engine shared by this process's tests; panics when there is none (see
    /// [`TestEngine::shared_or_skip`] for the skipping variant).
    #[track_caller]
    pub fn shared() -> &'static TestEngine {
        match shared_engine() {
            Ok(engine) => engine,
            Err(why) => panic!("no Docker engine for the tests: {why}"),
        }
    }

    /// The shared engine, or `None` after printing `SKIPPED: no engine: …` to stderr when none
    /// can be had. Under CI (`CI=true`) it panics instead: CI never skips silently.
    #[track_caller]
    pub fn shared_or_skip() -> Option<&'static TestEngine> {
        skip_unless(shared_engine().map_err(Clone::clone))
    }

    /// Starts an engine owned by the caller, in its own temp dir.
    pub fn private(opts: PrivateOpts) -> io::Result<TestEngine> {
        start_private(opts).map_err(io::Error::other)
    }

    /// [`TestEngine::private`], or `None` after printing `SKIPPED: …` when this machine cannot
    /// start one (not root, no dockerd). Under CI it panics instead.
    #[track_caller]
    pub fn private_or_skip(opts: PrivateOpts) -> Option<TestEngine> {
        skip_unless(start_private(opts))
    }

    /// The address to give clients (`DOCKER_HOST` form), e.g. `unix:///tmp/wt.ab12cd/docker.sock`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `tcp://127.0.0.1:PORT` of a TLS engine.
    pub fn tls_host(&self) -> Option<String> {
        self.tls_host.clone()
    }

    /// The directory with the TLS files (docker CLI layout: `ca.pem cert.pem key.pem`, …).
    pub fn tls_dir(&self) -> Option<&Path> {
        self.tls.as_ref().map(TlsMaterial::dir)
    }

    /// All TLS files of a TLS engine.
    pub fn tls(&self) -> Option<&TlsMaterial> {
        self.tls.as_ref()
    }

    /// The private engine's directory (holds `dockerd.log`); `None` for an external engine.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The `docker` CLI bound to this engine.
    pub fn cli(&self) -> &DockerCli {
        &self.cli
    }

    /// `docker ARGS` against this engine: `Ok(stdout)` or `Err(command, status and stderr)`.
    pub fn docker(&self, args: &[&str]) -> Result<String, String> {
        self.cli.run(args)
    }

    /// `docker ARGS` against this engine; panics with stderr on failure.
    #[track_caller]
    pub fn docker_ok(&self, args: &[&str]) -> String {
        self.cli.run_ok(args)
    }

    /// Non-blocking [`TestEngine::docker`] for async tests.
    pub async fn docker_async(&self, args: &[&str]) -> Result<String, String> {
        self.cli.run_async(args).await
    }

    /// The busybox test image on this engine (imported once per engine and process by
    /// `engine.sh image`): `wharf-test/busybox:<run id>` in a `scripts/test.sh` run, which
    /// removes it at the end; otherwise `wharf-test/busybox:local-v1`, kept and reused so bare
    /// `cargo test` runs do not pile up one tag per process. Commands: sh ls echo sleep cat
    /// top ps yes httpd nc wc head tail printf env id hostname true false kill grep sed mkdir
    /// rm touch date seq sort tr cut timeout.
    #[track_caller]
    pub fn image(&self) -> String {
        self.image
            .get_or_init(|| {
                let tag = match std::env::var_os("WHARF_TEST_RUN") {
                    Some(_) => format!("wharf-test/busybox:{}", run_id()),
                    // Bump when engine.sh changes what goes into the image.
                    None => "wharf-test/busybox:local-v1".to_owned(),
                };
                let mut cmd = Command::new("bash");
                cmd.args([ENGINE_SH, "image", &self.host, &tag]);
                self.cli.apply_env(&mut cmd);
                if let Err(e) = run_script(cmd) {
                    panic!("cannot import the test image into {}: {e}", self.host);
                }
                tag
            })
            .clone()
    }

    /// Starts describing a container named by [`crate::unique_name`]; see [`ContainerBuilder`].
    pub fn container(&self, suffix: &str) -> ContainerBuilder<'_> {
        ContainerBuilder::new(self, suffix)
    }

    /// Leaves an unused anonymous volume as Docker 20.10 makes one (64 hex digits, no label):
    /// the volume of `docker create -v /data`, left behind by `docker rm` without `-v`.
    /// Returns its name. It carries no test label: the caller removes it (a prune test does).
    #[track_caller]
    pub fn leftover_anonymous_volume(&self) -> String {
        let c = self
            .container("anon")
            .args(&["-v", "/data"])
            .cmd(&["true"])
            .created_only();
        let name = c
            .inspect("{{range .Mounts}}{{.Name}}{{end}}")
            .trim()
            .to_owned();
        self.docker_ok(&["rm", c.id()]);
        assert_eq!(name.len(), 64, "an anonymous volume: {name}");
        name
    }

    /// Creates a labelled network named by [`crate::unique_name`], removed on drop.
    #[track_caller]
    pub fn network(&self, suffix: &str) -> TestNetwork {
        TestNetwork::create(&self.cli, suffix, &[])
    }

    /// [`TestEngine::network`] with extra `docker network create` arguments (e.g. `--internal`).
    #[track_caller]
    pub fn network_with(&self, suffix: &str, args: &[&str]) -> TestNetwork {
        TestNetwork::create(&self.cli, suffix, args)
    }

    /// Creates a labelled volume named by [`crate::unique_name`], removed on drop.
    #[track_caller]
    pub fn volume(&self, suffix: &str) -> TestVolume {
        TestVolume::create(&self.cli, suffix, &[])
    }

    /// [`TestEngine::volume`] with extra `docker volume create` arguments.
    #[track_caller]
    pub fn volume_with(&self, suffix: &str, args: &[&str]) -> TestVolume {
        TestVolume::create(&self.cli, suffix, args)
    }

    /// Simulates a crash: SIGKILLs the dockerd of an owned engine and waits until it is gone.
    /// Its containers keep running (their shims outlive dockerd), as after a real crash.
    #[track_caller]
    pub fn kill(&mut self) {
        assert!(self.owned, "kill() needs a private engine");
        let Some(pid) = self.pid.take() else {
            return; // already down
        };
        if let Err(e) = process::signal(pid, "KILL") {
            assert!(!process::alive(pid), "{e}");
        }
        assert!(
            process::wait_gone(pid, Duration::from_secs(10)),
            "dockerd {pid} survived SIGKILL"
        );
    }

    /// Freezes the dockerd of an owned engine with SIGSTOP, which is how a hung engine looks
    /// from outside: its sockets still accept connections (the kernel does that) and nothing
    /// answers. The guard sends SIGCONT when dropped, also when the test panics, so no clean-up
    /// waits on a frozen engine: declare it after the fixtures so it drops first.
    #[track_caller]
    pub fn freeze(&self) -> Frozen {
        assert!(self.owned, "freeze() needs a private engine");
        let pid = self.pid.filter(|p| process::alive(*p));
        if let Some(pid) = pid {
            if let Err(e) = process::signal(pid, "STOP") {
                panic!("cannot SIGSTOP dockerd {pid}: {e}");
            }
        }
        Frozen { pid }
    }

    /// Starts a killed owned engine again with the same directory and arguments and waits until
    /// it answers. Containers still running from before are stopped by dockerd during start-up,
    /// each after its stop timeout (10 s unless the container was made with `--stop-timeout`).
    #[track_caller]
    pub fn start(&mut self) {
        assert!(self.owned, "start() needs a private engine");
        if self.pid.is_some_and(process::alive) {
            return;
        }
        let dir = self.dir.clone().unwrap_or_default();
        if let Err(e) = launch(&dir, &self.args) {
            panic!("cannot restart the engine in {}: {e}", dir.display());
        }
        self.pid = read_pid(&dir);
    }
}

/// A dockerd stopped by [`TestEngine::freeze`]; dropping it (or [`Frozen::thaw`]) continues it.
#[derive(Debug)]
pub struct Frozen {
    pid: Option<u32>,
}

impl Frozen {
    /// SIGCONT now.
    pub fn thaw(self) {}
}

impl Drop for Frozen {
    fn drop(&mut self) {
        if let Some(pid) = self.pid.take() {
            if let Err(e) = process::signal(pid, "CONT") {
                eprintln!("wharf-tests: SIGCONT dockerd {pid}: {e}");
            }
        }
    }
}

impl Drop for TestEngine {
    fn drop(&mut self) {
        let (true, Some(dir)) = (self.owned, &self.dir) else {
            return;
        };
        if let Some(pid) = self.pid.filter(|p| process::alive(*p)) {
            // Never stop a frozen engine's clean-up on it: continue it first (harmless if it runs).
            let _ = process::signal(pid, "CONT");
        }
        let mut cmd = Command::new("bash");
        cmd.args([ENGINE_SH, "stop"]).arg(dir);
        if let Err(e) = run_script(cmd) {
            // Never panic in drop: a second panic during unwinding aborts the test binary.
            eprintln!("wharf-tests: stopping the engine in {}: {e}", dir.display());
        }
    }
}

/// Turns "no engine" into a loud skip outside CI and a panic under CI.
#[track_caller]
fn skip_unless<T>(engine: Result<T, String>) -> Option<T> {
    match engine {
        Ok(engine) => Some(engine),
        Err(why) if in_ci() => panic!("CI=true but no Docker engine for the tests: {why}"),
        Err(why) => {
            // Straight to the stderr handle: libtest captures `eprintln!` of passing tests,
            // and a skip must be seen.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED: no engine: {why}");
            None
        }
    }
}

fn shared_engine() -> Result<&'static TestEngine, &'static String> {
    static SHARED: OnceLock<Result<TestEngine, String>> = OnceLock::new();
    SHARED
        .get_or_init(|| match std::env::var("DOCKER_HOST") {
            Ok(host) if !host.is_empty() => external(host),
            _ => start_private(PrivateOpts::default()),
        })
        .as_ref()
}

/// The engine named by `DOCKER_HOST`, if it answers. Its TLS variables are left in place.
fn external(host: String) -> Result<TestEngine, String> {
    let cli = DockerCli::new(host.clone(), false);
    cli.run(&["version", "--format", "{{.Server.Version}}"])
        .map_err(|e| format!("DOCKER_HOST={host} does not answer: {e}"))?;
    Ok(TestEngine {
        host,
        dir: None,
        owned: false,
        tls: None,
        tls_host: None,
        args: Vec::new(),
        pid: None,
        cli,
        image: OnceLock::new(),
    })
}

fn start_private(opts: PrivateOpts) -> Result<TestEngine, String> {
    if !process::is_root() {
        return Err("a private engine needs root; run scripts/test.sh or set DOCKER_HOST".into());
    }
    for program in ["dockerd", "docker", "openssl", "curl", "ip"] {
        if !process::on_path(program) {
            return Err(format!(
                "`{program}` is missing (run: scripts/engine.sh install)"
            ));
        }
    }
    let dir = tempfile::Builder::new()
        .prefix("wt.")
        .tempdir_in("/tmp")
        .map_err(|e| format!("cannot make a temp dir in /tmp: {e}"))?
        .keep();
    let mut engine = TestEngine {
        host: format!("unix://{}/docker.sock", dir.display()),
        dir: Some(dir.clone()),
        owned: true,
        tls: None,
        tls_host: None,
        args: Vec::new(),
        pid: None,
        cli: DockerCli::new(format!("unix://{}/docker.sock", dir.display()), true),
        image: OnceLock::new(),
    };
    // From here on, dropping `engine` removes the directory whatever fails.
    watch(&dir)?;
    if opts.tls {
        let tls = TlsMaterial::generate(&dir.join("tls")).map_err(|e| e.to_string())?;
        engine.tls = Some(tls);
    }
    // A port picked by binding :0 may be taken again before dockerd binds it: retry a little.
    let mut last_error = String::new();
    for _ in 0..3 {
        engine.args = match &engine.tls {
            Some(tls) => {
                let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
                engine.tls_host = Some(format!("tcp://127.0.0.1:{port}"));
                tls_args(tls, port, opts.expired_server_cert)
            }
            None => Vec::new(),
        };
        engine.args.extend(opts.dockerd_args.iter().cloned());
        match launch(&dir, &engine.args) {
            Ok(()) => {
                engine.pid = read_pid(&dir);
                return Ok(engine);
            }
            Err(e) if engine.tls.is_some() => last_error = e,
            Err(e) => return Err(e),
        }
    }
    Err(last_error)
}

fn tls_args(tls: &TlsMaterial, port: u16, expired: bool) -> Vec<String> {
    let path = |p: PathBuf| p.display().to_string();
    let (cert, key) = match expired {
        true => (tls.expired_server_cert(), tls.expired_server_key()),
        false => (tls.server_cert(), tls.server_key()),
    };
    vec![
        "--host".into(),
        format!("tcp://127.0.0.1:{port}"),
        "--tlsverify".into(),
        "--tlscacert".into(),
        path(tls.ca()),
        "--tlscert".into(),
        path(cert),
        "--tlskey".into(),
        path(key),
    ]
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `engine.sh start DIR ARGS…`: returns once the engine answers `_ping`.
fn launch(dir: &Path, args: &[String]) -> Result<(), String> {
    let mut cmd = Command::new("bash");
    cmd.args([ENGINE_SH, "start"]).arg(dir).args(args);
    run_script(cmd).map(drop)
}

/// Starts `engine.sh watch OUR_PID DIR`, which stops the engine once this process has exited.
/// Detached (own process group, no stdio) so it neither holds cargo's output pipes nor dies
/// with a Ctrl-C aimed at the tests.
fn watch(dir: &Path) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    Command::new("bash")
        .args([ENGINE_SH, "watch", &std::process::id().to_string()])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map(drop)
        .map_err(|e| format!("cannot start the engine watcher: {e}"))
}

fn read_pid(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join("docker.pid"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

/// Runs a script command to completion; `Err` carries its stderr.
fn run_script(mut cmd: Command) -> Result<String, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

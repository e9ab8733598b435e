//! A two-node swarm: a private engine as manager, and a second private `dockerd` in a network
//! namespace of its own joined as a worker.
//!
//! The test picks the addresses: a free `/30` in 10.213.0.0/16, its first address on the host
//! side of a veth pair (the manager listens and advertises there), the second on `eth0` inside
//! the namespace (the worker's node address). Both nodes get the test image under the same tag,
//! since no registry serves it. No overlay network is used: services publish no ports and the
//! ingress network's VXLAN traffic is never needed (control traffic is plain TCP on the veth).
//!
//! Teardown on drop, in order, even after a failed assertion: the worker leaves, its engine is
//! stopped, the namespace (and with it the veth pair and the worker's bridges) is deleted; then
//! the manager's [`TestSwarm`] removes its services and leaves. A watcher process does the
//! worker's part if the test process dies first (`scripts/netns-engine.sh watch`).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::cli::DockerCli;
use crate::engine::TestEngine;
use crate::swarm::TestSwarm;

const NETNS_SH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/netns-engine.sh");
const ENGINE_SH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/engine.sh");

/// The worker's hostname, as its node shows it.
pub const WORKER_HOSTNAME: &str = "wharf-worker";

/// The second node: a `dockerd` in its own network namespace; stopped and deleted on drop.
pub struct NetnsEngine {
    ns: String,
    dir: PathBuf,
    veth: String,
    /// Host side and namespace side addresses (no prefix).
    host_addr: String,
    peer_addr: String,
    cli: DockerCli,
}

impl NetnsEngine {
    /// Start one (see the module docs); a failure cleans up what was made.
    pub fn start() -> Result<NetnsEngine, String> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        let (host_addr, peer_addr) = free_slash30(pid, n)?;
        let dir = tempfile::Builder::new()
            .prefix("wn.")
            .tempdir_in("/tmp")
            .map_err(|e| format!("cannot make a temp dir in /tmp: {e}"))?
            .keep();
        let sock = format!("unix://{}/docker.sock", dir.display());
        let engine = NetnsEngine {
            ns: format!("wharf-{pid}-{n}"),
            veth: format!("wsw{}{n}", pid % 1_000_000),
            dir,
            host_addr,
            peer_addr,
            cli: DockerCli::new(sock, true),
        };
        // From here on, dropping `engine` stops whatever was started.
        engine.watch()?;
        let mut cmd = Command::new("bash");
        cmd.arg(NETNS_SH)
            .arg("start")
            .arg(&engine.ns)
            .arg(&engine.dir)
            .arg(&engine.veth)
            .arg(format!("{}/30", engine.host_addr))
            .arg(format!("{}/30", engine.peer_addr))
            .arg(WORKER_HOSTNAME);
        run(cmd)?;
        Ok(engine)
    }

    /// The host side of the veth pair: where the manager listens for this node.
    pub fn host_addr(&self) -> &str {
        &self.host_addr
    }

    /// This node's own address.
    pub fn addr(&self) -> &str {
        &self.peer_addr
    }

    pub fn host(&self) -> &str {
        self.cli.host()
    }

    pub fn docker(&self, args: &[&str]) -> Result<String, String> {
        self.cli.run(args)
    }

    /// The engine's own log so far (`dockerd.log`), empty when unreadable.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default()
    }

    /// Import the busybox test image as `tag` (what the manager's tasks run, by tag).
    pub fn import_image(&self, tag: &str) -> Result<(), String> {
        let mut cmd = Command::new("bash");
        cmd.args([ENGINE_SH, "image", self.host(), tag]);
        self.cli.apply_env(&mut cmd);
        run(cmd).map(drop)
    }

    fn stop_args(&self) -> Vec<String> {
        vec![
            self.ns.clone(),
            self.dir.display().to_string(),
            self.veth.clone(),
        ]
    }

    /// `netns-engine.sh watch OUR_PID …`, detached, so a crashed test still cleans up.
    fn watch(&self) -> Result<(), String> {
        use std::os::unix::process::CommandExt;
        Command::new("bash")
            .args([NETNS_SH, "watch", &std::process::id().to_string()])
            .args(self.stop_args())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map(drop)
            .map_err(|e| format!("cannot start the namespace watcher: {e}"))
    }
}

impl Drop for NetnsEngine {
    fn drop(&mut self) {
        let _ = self.cli.run(&["swarm", "leave", "--force"]);
        let mut cmd = Command::new("bash");
        cmd.args([NETNS_SH, "stop"]).args(self.stop_args());
        if let Err(e) = run(cmd) {
            // Never panic in drop: a second panic during unwinding aborts the test binary.
            eprintln!(
                "wharf-tests: stopping the namespace engine {}: {e}",
                self.ns
            );
        }
    }
}

/// A swarm of `manager` (a private engine) and a [`NetnsEngine`] worker; see the module docs.
pub struct TwoNodeSwarm<'e> {
    // Field order is drop order: the worker goes first.
    worker: NetnsEngine,
    swarm: TestSwarm<'e>,
}

impl<'e> TwoNodeSwarm<'e> {
    /// Start the worker's engine, init the swarm on `manager` at the veth address, join the
    /// worker, give it the manager's test image, and wait until both nodes are ready.
    pub fn start(manager: &'e TestEngine) -> Result<TwoNodeSwarm<'e>, String> {
        let worker = NetnsEngine::start()?;
        let swarm = TestSwarm::init_at(manager, worker.host_addr())?;
        let two = TwoNodeSwarm { worker, swarm };
        let token = manager.docker(&["swarm", "join-token", "-q", "worker"])?;
        let join = two.swarm.join_addr()?;
        let listen = format!("{}:2377", two.worker.addr());
        two.worker.docker(&[
            "swarm",
            "join",
            "--token",
            token.trim(),
            "--advertise-addr",
            two.worker.addr(),
            "--listen-addr",
            &listen,
            &join,
        ])?;
        two.worker.import_image(&manager.image())?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = manager.docker(&["node", "ls", "--format", "{{.Status}}"])?;
            if ready.lines().filter(|l| *l == "Ready").count() == 2 {
                return Ok(two);
            }
            if Instant::now() > deadline {
                return Err(format!("the worker did not become ready: {ready}"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn swarm(&self) -> &TestSwarm<'e> {
        &self.swarm
    }

    pub fn worker(&self) -> &NetnsEngine {
        &self.worker
    }

    /// Tag `from` as `to` on both nodes (a second image for updates, present everywhere).
    pub fn tag_everywhere(&self, from: &str, to: &str) -> Result<(), String> {
        self.swarm.engine().docker(&["tag", from, to])?;
        self.worker.docker(&["tag", from, to]).map(drop)
    }
}

/// A `/30` of 10.213.0.0/16 that no interface of this namespace uses; spread by pid so
/// concurrent test processes start from different places.
fn free_slash30(pid: u32, n: u32) -> Result<(String, String), String> {
    let out = Command::new("ip")
        .args(["-o", "-4", "addr", "show"])
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    let used = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = (pid.wrapping_mul(7) + n * 13) % 16_384;
    for i in 0..16_384 {
        let block = (start + i) % 16_384;
        let (a, b) = (block / 64, (block % 64) * 4);
        let host = format!("10.213.{a}.{}", b + 1);
        let peer = format!("10.213.{a}.{}", b + 2);
        if !used.contains(&format!("{host}/")) && !used.contains(&format!("{peer}/")) {
            return Ok((host, peer));
        }
    }
    Err("no free /30 in 10.213.0.0/16".into())
}

fn run(mut cmd: Command) -> Result<String, String> {
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

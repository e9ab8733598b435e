//! An engine reached over SSH (a loopback sshd made by the test, `docker system dial-stdio` on
//! the other side) freezes: the store says so, and the ssh processes of timed-out requests
//! are killed instead of piling up; after SIGCONT it recovers, and dropping the store leaves
//! no ssh process behind.
//!
//! Its own test binary: it puts an `ssh` wrapper first on `PATH` (adding `-F` with the test's
//! client config), which must not leak into other tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::Engine;
use wharf_core::store::{ConnectionState, Store};
use wharf_tests::{require_private_engine, wait_until, PrivateOpts};

const TIMEOUT: Duration = Duration::from_secs(30);
const ALIAS: &str = "wharf-liveness-sshd";

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A loopback sshd whose sessions talk to `docker_host`, and a client config for [`ALIAS`].
struct Sshd {
    child: Child,
    dir: tempfile::TempDir,
}

impl Sshd {
    fn start(docker_host: &str) -> Sshd {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for key in ["host_key", "id"] {
            run(Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", ""])
                .arg("-f")
                .arg(d.join(key)));
        }
        std::fs::copy(d.join("id.pub"), d.join("authorized_keys")).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n\
             AuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nPermitRootLogin yes\nStrictModes no\nUsePAM no\n\
             PidFile {d}/sshd.pid\nSetEnv DOCKER_HOST={docker_host}\n",
            d = d.display()
        );
        std::fs::write(d.join("sshd_config"), config).unwrap();
        // sshd insists on its privilege separation directory.
        std::fs::create_dir_all("/run/sshd").unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(d.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let client = format!(
            "Host {ALIAS}\n  HostName 127.0.0.1\n  Port {port}\n  User root\n  \
             IdentityFile {d}/id\n  IdentitiesOnly yes\n  UserKnownHostsFile {d}/known_hosts\n  \
             StrictHostKeyChecking accept-new\n",
            d = d.display()
        );
        std::fs::write(d.join("ssh_config"), client).unwrap();
        let bin = d.join("bin");
        std::fs::create_dir(&bin).unwrap();
        let real = which("ssh").expect("ssh on PATH");
        let wrapper = format!(
            "#!/bin/sh\nexec '{}' -F '{}/ssh_config' \"$@\"\n",
            real.display(),
            d.display()
        );
        std::fs::write(bin.join("ssh"), wrapper).unwrap();
        std::fs::set_permissions(bin.join("ssh"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::var("PATH").unwrap_or_default();
        std::env::set_var("PATH", format!("{}:{path}", bin.display()));
        let deadline = Instant::now() + TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "sshd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Sshd { child, dir }
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var("PATH").ok()?.split(':').find_map(|p| {
        let f = Path::new(p).join(program);
        f.is_file().then_some(f)
    })
}

/// Live (not zombie) `ssh` processes whose parent is this test process.
fn ssh_children() -> usize {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter(|stat| {
            let Some((head, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let comm = head.split_once('(').map_or("", |(_, c)| c);
            let mut f = rest.split_whitespace();
            let state = f.next().unwrap_or("Z");
            let ppid = f.next().unwrap_or("");
            comm == "ssh" && ppid == me && state != "Z" && state != "X"
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_engine_over_ssh_leaves_no_ssh_process_behind() {
    if which("sshd").is_none() && !Path::new("/usr/sbin/sshd").exists() {
        eprintln!("SKIPPED: no sshd");
        return;
    }
    let te = require_private_engine!(PrivateOpts::default());
    let sshd = Sshd::start(te.host());
    let ep = resolve(&ConnectOptions {
        host: Some(format!("ssh://{ALIAS}")),
        ..Default::default()
    })
    .unwrap();
    let engine = Engine::connect(ep)
        .await
        .unwrap_or_else(|e| panic!("over ssh: {e}"));
    let store = Store::spawn(engine);
    store
        .wait_for(TIMEOUT, |s| s.synced && s.connection.is_connected())
        .await
        .unwrap_or_else(|e| panic!("never synced over ssh: {e}"));
    assert!(ssh_children() >= 1);

    // The events stream's and the pool's idle connections: each is one ssh process.
    let before = ssh_children();
    let frozen = te.freeze();
    store
        .wait_for(Duration::from_secs(15), |s| {
            matches!(s.connection, ConnectionState::NotResponding { .. })
        })
        .await
        .unwrap_or_else(|e| panic!("not responding over ssh: {e}"));
    // 20 s of attempts, each one ssh process whose request times out: they must end.
    let start = Instant::now();
    let mut most = 0;
    let mut last = 0;
    while start.elapsed() < Duration::from_secs(20) {
        let n = ssh_children();
        most = most.max(n);
        if start.elapsed() > Duration::from_secs(15) {
            last = last.max(n);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Idle ones are used up by the attempts and never replaced; one attempt at a time.
    assert!(
        most <= before + 1,
        "ssh processes piled up: {most} (before: {before})"
    );
    assert!(
        last <= 2,
        "ssh processes left by timed-out attempts: {last}"
    );
    frozen.thaw();
    store
        .wait_for(TIMEOUT, |s| s.synced && s.connection.is_connected())
        .await
        .unwrap_or_else(|e| panic!("no recovery over ssh: {e}"));

    drop(store);
    wait_until(TIMEOUT, "no ssh process left", || {
        let n = ssh_children();
        async move { n == 0 }
    })
    .await;
    eprintln!(
        "FIGURE ssh: {before} ssh processes before the freeze, at most {most} while frozen for \
         20 s ({last} in the last 5 s), none after the store was dropped"
    );
    drop(sshd);
}

//! `TestSshd`: an OpenSSH server on loopback, made and owned by a test, through which
//! `docker system dial-stdio` reaches a test engine (as `docker -H ssh://…` would).
//!
//! Everything lives in a temp dir: host key, client key, `authorized_keys`, `sshd_config`
//! (`ListenAddress 127.0.0.1`, a free port, keys only, `SetEnv DOCKER_HOST=<engine>`) and a
//! client `ssh_config` with its own `UserKnownHostsFile`, so the machine's `~/.ssh` and
//! `/etc/ssh` are never read or written. sshd runs in the foreground (`-D`) as a child that is
//! killed on drop. The client side is the system `ssh` with `-F <ssh_config>`: [`TestSshd::shim_dir`]
//! holds an `ssh` script that adds it, for programs that run `ssh` from `PATH`.

use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::in_ci;

const SSHD: &str = "/usr/sbin/sshd";

/// sshd's `MaxSessions`, written out although it is the default: sessions per connection that
/// Wharf's shared connections must stay under.
pub const MAX_SESSIONS: u32 = 10;

/// A loopback sshd for one test; see the module docs.
#[derive(Debug)]
pub struct TestSshd {
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

impl TestSshd {
    /// Starts sshd in front of the engine at `docker_host`; `Err` says what is missing.
    pub fn start(docker_host: &str) -> Result<TestSshd, String> {
        if !Path::new(SSHD).exists() {
            return Err(format!(
                "{SSHD} is missing (apt-get install openssh-server; scripts/apt-packages.txt)"
            ));
        }
        let dir = tempfile::Builder::new()
            .prefix("wssh.")
            .tempdir_in("/tmp")
            .map_err(|e| format!("temp dir: {e}"))?;
        let d = dir.path();
        // Privilege separation directory; sshd refuses to start without it.
        std::fs::create_dir_all("/run/sshd").map_err(|e| format!("/run/sshd: {e}"))?;
        keygen(&d.join("host_key"))?;
        keygen(&d.join("client_key"))?;
        std::fs::copy(d.join("client_key.pub"), d.join("authorized_keys"))
            .map_err(|e| format!("authorized_keys: {e}"))?;
        std::fs::write(d.join("known_hosts"), "").map_err(|e| e.to_string())?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let sshd_config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile {d}/sshd.pid\n\
             AuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n\
             PermitRootLogin prohibit-password\nAllowAgentForwarding yes\nX11Forwarding no\n\
             SetEnv DOCKER_HOST={docker_host}\nLogLevel DEBUG1\n\
             MaxSessions {MAX_SESSIONS}\n",
            d = d.display()
        );
        std::fs::write(d.join("sshd_config"), sshd_config).map_err(|e| e.to_string())?;
        // The client config a careless user might have: Wharf must not follow its lax parts.
        let ssh_config = format!(
            "Host *\n  IdentityFile {d}/client_key\n  IdentitiesOnly yes\n  \
             UserKnownHostsFile {d}/known_hosts\n  GlobalKnownHostsFile /dev/null\n  \
             StrictHostKeyChecking accept-new\n  ForwardAgent yes\n  LogLevel ERROR\n",
            d = d.display()
        );
        std::fs::write(d.join("ssh_config"), ssh_config).map_err(|e| e.to_string())?;
        let shim = d.join("bin");
        std::fs::create_dir_all(&shim).map_err(|e| e.to_string())?;
        let script = format!(
            "#!/bin/sh\nexec /usr/bin/ssh -F {} \"$@\"\n",
            d.join("ssh_config").display()
        );
        std::fs::write(shim.join("ssh"), script).map_err(|e| e.to_string())?;
        chmod_x(&shim.join("ssh"))?;
        let child = Command::new(SSHD)
            .args(["-D", "-E"])
            .arg(d.join("sshd.log"))
            .arg("-f")
            .arg(d.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {SSHD}: {e}"))?;
        let sshd = TestSshd { dir, port, child };
        sshd.wait_listening()?;
        Ok(sshd)
    }

    /// [`TestSshd::start`], or `None` after printing `SKIPPED: …` when sshd cannot run here.
    /// Under CI a missing sshd is a failure: this panics instead.
    #[track_caller]
    pub fn start_or_skip(docker_host: &str) -> Option<TestSshd> {
        match TestSshd::start(docker_host) {
            Ok(sshd) => Some(sshd),
            Err(why) if in_ci() => panic!("CI=true but no loopback sshd: {why}"),
            Err(why) => {
                use std::io::Write;
                let _ = writeln!(io::stderr(), "SKIPPED: no sshd: {why}");
                None
            }
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A directory holding an `ssh` that uses this server's client config: put it first in
    /// `PATH` of the program under test.
    pub fn shim_dir(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// Trust this server's real host key, and give `PATH` with [`TestSshd::shim_dir`] first:
    /// what a client under test needs to reach the engine through this server.
    pub fn trusted_path(&self) -> Result<std::ffi::OsString, String> {
        std::fs::write(self.known_hosts(), self.known_hosts_line()?).map_err(|e| e.to_string())?;
        let mut dirs = vec![self.shim_dir()];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(dirs).map_err(|e| e.to_string())
    }

    /// The client's known-hosts file (empty at start).
    pub fn known_hosts(&self) -> PathBuf {
        self.dir.path().join("known_hosts")
    }

    /// The `known_hosts` line that trusts this server's real host key.
    pub fn known_hosts_line(&self) -> Result<String, String> {
        let key = std::fs::read_to_string(self.dir.path().join("host_key.pub"))
            .map_err(|e| e.to_string())?;
        let mut fields = key.split_whitespace();
        let (kind, blob) = (fields.next().unwrap_or(""), fields.next().unwrap_or(""));
        Ok(format!("[127.0.0.1]:{} {kind} {blob}\n", self.port))
    }

    /// A `known_hosts` line for this server's address with another key: what a changed (or
    /// impersonated) host looks like.
    pub fn wrong_known_hosts_line(&self) -> Result<String, String> {
        let other = self.dir.path().join("other_key");
        keygen(&other)?;
        let key =
            std::fs::read_to_string(other.with_extension("pub")).map_err(|e| e.to_string())?;
        let mut fields = key.split_whitespace();
        let (kind, blob) = (fields.next().unwrap_or(""), fields.next().unwrap_or(""));
        Ok(format!("[127.0.0.1]:{} {kind} {blob}\n", self.port))
    }

    /// sshd's own log (`LogLevel DEBUG1`: it names the channel requests a client made).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    /// Established TCP connections from this machine to this sshd (client side, from
    /// `/proc/net/tcp`): the SSH connections any client holds.
    pub fn tcp_connections(&self) -> usize {
        let port = format!(":{:04X}", self.port);
        std::fs::read_to_string("/proc/net/tcp")
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                // local, remote, state (01 = ESTABLISHED): the client end has the port remote.
                f.len() > 3 && f[2].ends_with(&port) && f[3] == "01"
            })
            .count()
    }

    fn wait_listening(&self) -> Result<(), String> {
        crate::process::wait_listening(self.port, Duration::from_secs(10), "sshd", || self.log())
    }
}

impl Drop for TestSshd {
    fn drop(&mut self) {
        // Our own child, by its handle: never by name.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keygen(path: &Path) -> Result<(), String> {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "wharf-test", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run ssh-keygen: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ssh-keygen failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn chmod_x(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())
}

/// Live (not zombie) `ssh` processes whose parent is this test process, by pid, each with
/// whether it is a ControlMaster (`-M` on its command line).
pub fn ssh_children() -> Vec<(u32, bool)> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
            let (head, rest) = stat.rsplit_once(')')?;
            let (pid, comm) = head.split_once(" (")?;
            let mut f = rest.split_whitespace();
            let state = f.next().unwrap_or("Z");
            let ppid = f.next().unwrap_or("");
            if comm != "ssh" || ppid != me || state == "Z" || state == "X" {
                return None;
            }
            let cmdline = std::fs::read(dir.join("cmdline")).unwrap_or_default();
            let master = cmdline.split(|b| *b == 0).any(|a| a == b"-M");
            Some((pid.trim().parse().ok()?, master))
        })
        .collect()
}

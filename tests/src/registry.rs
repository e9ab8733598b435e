//! `TestRegistry`: a real image registry (Debian's `docker-registry`, the CNCF distribution
//! server) on loopback, made and owned by a test.
//!
//! Everything lives in a temp dir: the config (`http.addr` = 127.0.0.1 and a free port,
//! filesystem storage, deletes enabled), the blobs, and for [`TestRegistry::start_with_auth`]
//! an `htpasswd` file (bcrypt, written by `htpasswd -B` from apache2-utils). The engine reaches
//! it without TLS because dockerd treats 127.0.0.0/8 as an insecure registry by default; the
//! registry runs on the host, which is also where a local test engine's pulls come from. The
//! server is a child killed on drop.

use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::in_ci;

const REGISTRY: &str = "/usr/bin/docker-registry";
const HTPASSWD: &str = "/usr/bin/htpasswd";

/// A loopback registry for one test; see the module docs.
#[derive(Debug)]
pub struct TestRegistry {
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
    auth: Option<(String, String)>,
}

impl TestRegistry {
    /// Starts an open registry (no authentication); `Err` says what is missing.
    pub fn start() -> Result<TestRegistry, String> {
        TestRegistry::spawn(None)
    }

    /// Starts a registry that demands `user`/`password` (HTTP basic, htpasswd with bcrypt).
    pub fn start_with_auth(user: &str, password: &str) -> Result<TestRegistry, String> {
        TestRegistry::spawn(Some((user.to_string(), password.to_string())))
    }

    /// [`TestRegistry::start`], or `None` after printing `SKIPPED: …` when the registry cannot
    /// run here. Under CI a missing registry is a failure: this panics instead.
    #[track_caller]
    pub fn start_or_skip() -> Option<TestRegistry> {
        skip_unless_ci(TestRegistry::start())
    }

    /// [`TestRegistry::start_with_auth`] with [`TestRegistry::start_or_skip`]'s rules.
    #[track_caller]
    pub fn start_with_auth_or_skip(user: &str, password: &str) -> Option<TestRegistry> {
        skip_unless_ci(TestRegistry::start_with_auth(user, password))
    }

    fn spawn(auth: Option<(String, String)>) -> Result<TestRegistry, String> {
        if !Path::new(REGISTRY).exists() {
            return Err(format!(
                "{REGISTRY} is missing (apt-get install docker-registry; scripts/apt-packages.txt)"
            ));
        }
        let dir = tempfile::Builder::new()
            .prefix("wreg.")
            .tempdir_in("/tmp")
            .map_err(|e| format!("temp dir: {e}"))?;
        let d = dir.path();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {d}/data\n  \
             delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: wharf-test\n",
            d = d.display()
        );
        if let Some((user, password)) = &auth {
            htpasswd(&d.join("htpasswd"), user, password)?;
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: wharf-test\n    path: {}\n",
                d.join("htpasswd").display()
            ));
        }
        std::fs::write(d.join("config.yml"), config).map_err(|e| e.to_string())?;
        let log = std::fs::File::create(d.join("registry.log")).map_err(|e| e.to_string())?;
        let child = Command::new(REGISTRY)
            .arg("serve")
            .arg(d.join("config.yml"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run {REGISTRY}: {e}"))?;
        let registry = TestRegistry {
            dir,
            port,
            child,
            auth,
        };
        registry.wait_listening()?;
        Ok(registry)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`, the registry part of an image reference.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:PORT/REPO:TAG`, a reference into this registry.
    pub fn reference(&self, repo: &str, tag: &str) -> String {
        format!("{}/{repo}:{tag}", self.host())
    }

    /// The user and password [`TestRegistry::start_with_auth`] was given.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.auth.as_ref().map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// Where the registry keeps its blobs (to measure what a push stored).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The registry's own log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    fn wait_listening(&self) -> Result<(), String> {
        crate::process::wait_listening(self.port, Duration::from_secs(15), "registry", || {
            self.log()
        })
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        // Our own child, by its handle: never by name.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[track_caller]
fn skip_unless_ci(started: Result<TestRegistry, String>) -> Option<TestRegistry> {
    match started {
        Ok(registry) => Some(registry),
        Err(why) if in_ci() => panic!("CI=true but no loopback registry: {why}"),
        Err(why) => {
            use std::io::Write;
            let _ = writeln!(io::stderr(), "SKIPPED: no registry: {why}");
            None
        }
    }
}

fn htpasswd(path: &Path, user: &str, password: &str) -> Result<(), String> {
    if !Path::new(HTPASSWD).exists() {
        return Err(format!(
            "{HTPASSWD} is missing (apt-get install apache2-utils; scripts/apt-packages.txt)"
        ));
    }
    // -i reads the password from stdin, so it never shows in a process list.
    let mut child = Command::new(HTPASSWD)
        .args(["-B", "-c", "-i"])
        .arg(path)
        .arg(user)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {HTPASSWD}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(password.as_bytes())
            .map_err(|e| format!("htpasswd stdin: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "htpasswd failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

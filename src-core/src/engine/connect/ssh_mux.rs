//! Shared SSH connections: one OpenSSH ControlMaster per engine carries every session (each
//! `docker system dial-stdio` is one SSH session, so one hyper connection), and another master
//! starts only when all of them carry [`SESSIONS_PER_CONNECTION`] sessions, which keeps each
//! connection under sshd's `MaxSessions` (10 by default).
//!
//! The control sockets live in a private directory (mode 0700, made by `tempfile`, removed
//! on drop) that only this engine handle uses, so no other program's master is ever joined
//! and no other user can reach ours. Each master is Wharf's child (`kill_on_drop`), held by
//! the [`Mux`] and by every [`Lease`] on it, so it ends when the engine handle and the last
//! stream over it are gone. Masters are started one at a time; a master that ended (host
//! gone, keepalives unanswered) is forgotten and the next session starts a new one, and a
//! spare master with no session left is retired when the next session is placed.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::{Child, ChildStderr};

use super::ssh_command::{
    master_command, SshError, Target, SSH_CONNECT_TIMEOUT_SECS, STDERR_LIMIT,
};
use crate::model::SshCost;

/// Sessions one connection carries at most: two under sshd's default `MaxSessions` of 10,
/// because sshd frees a session only once its remote `dial-stdio` has exited (which a frozen
/// engine delays), while Wharf counts it free as soon as its local ssh is killed.
pub(crate) const SESSIONS_PER_CONNECTION: u32 = 8;

/// How long a master may take to log in (ssh's own connect timeout covers TCP; this adds the
/// key exchange and authentication).
const MASTER_DEADLINE: Duration = Duration::from_secs(SSH_CONNECT_TIMEOUT_SECS as u64 + 20);

/// How often a starting master's control socket is looked for.
const MASTER_POLL: Duration = Duration::from_millis(20);

/// The shared connections of one engine.
#[derive(Debug)]
pub(crate) struct Mux {
    target: Target,
    masters: Mutex<Vec<Arc<Master>>>,
    /// Held while a master starts, so concurrent sessions wait for it instead of starting
    /// one each.
    starting: tokio::sync::Mutex<()>,
    next_id: AtomicU32,
    dir: Arc<tempfile::TempDir>,
}

/// One ControlMaster: an ssh child holding one TCP connection.
#[derive(Debug)]
struct Master {
    /// Ends the master if Wharf dies without dropping it (see [`watchdog`]); killed on drop,
    /// first (fields drop in order), so it never signals a master already gone.
    _watchdog: Child,
    /// Killed when the last holder drops it (declared before `_dir`, so it ends first).
    child: Mutex<Child>,
    control: PathBuf,
    sessions: AtomicU32,
    _dir: Arc<tempfile::TempDir>,
}

/// One session on a master, counted until dropped.
#[derive(Debug)]
pub(crate) struct Lease {
    master: Arc<Master>,
}

impl Lease {
    /// The control socket the session's ssh joins.
    pub fn control(&self) -> &Path {
        &self.master.control
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.master.sessions.fetch_sub(1, Ordering::AcqRel);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Master {
    fn alive(&self) -> bool {
        matches!(lock(&self.child).try_wait(), Ok(None))
    }

    /// Start a master and wait until its control socket exists (it is made after login), or
    /// until ssh ends (its stderr says why) or [`MASTER_DEADLINE`] passes.
    async fn start(
        target: &Target,
        dir: &Arc<tempfile::TempDir>,
        id: u32,
    ) -> Result<Master, SshError> {
        let control = dir.path().join(format!("m{id}"));
        let mut child = master_command(target, &control)
            .spawn()
            .map_err(SshError::Spawn)?;
        let mut stderr = child.stderr.take().ok_or_else(|| {
            SshError::Spawn(io::Error::other("ssh's standard error was not piped"))
        })?;
        let started = tokio::time::Instant::now();
        loop {
            if control.exists() {
                break;
            }
            if !matches!(child.try_wait(), Ok(None)) {
                let mut text = Vec::new();
                // ssh has ended: its stderr is closed, or closes as soon as it is read.
                let _ = tokio::time::timeout(
                    Duration::from_secs(2),
                    (&mut stderr)
                        .take(STDERR_LIMIT as u64 * 4)
                        .read_to_end(&mut text),
                )
                .await;
                let stderr = String::from_utf8_lossy(&text).trim().to_owned();
                return Err(SshError::Session { stderr });
            }
            if started.elapsed() > MASTER_DEADLINE {
                // `child` is killed as it drops.
                return Err(SshError::Session {
                    stderr: format!("ssh did not log in within {} s", MASTER_DEADLINE.as_secs()),
                });
            }
            tokio::time::sleep(MASTER_POLL).await;
        }
        let watchdog = watchdog(&child)?;
        tokio::spawn(drain(stderr));
        tracing::debug!(?target, id, "ssh connection shared");
        Ok(Master {
            _watchdog: watchdog,
            child: Mutex::new(child),
            control,
            sessions: AtomicU32::new(0),
            _dir: Arc::clone(dir),
        })
    }
}

/// A master runs nothing and reads no stdin, so unlike a session's ssh it would outlive a
/// Wharf that exits without running destructors (a desktop app's `exit`, a crash, SIGKILL),
/// holding its connection open. Its watchdog is a shell that waits on a pipe only Wharf
/// holds and sends the master SIGTERM when that pipe closes, whatever ended Wharf. (No
/// `prctl(PR_SET_PDEATHSIG)`: the crate forbids `unsafe`, and it fires when the spawning
/// thread, not the process, ends.)
fn watchdog(master: &Child) -> Result<Child, SshError> {
    let pid = master
        .id()
        .ok_or_else(|| SshError::Spawn(io::Error::other("ssh ended as it started")))?;
    tokio::process::Command::new("sh")
        .args([
            "-c",
            "read -r _; kill -TERM \"$1\" 2>/dev/null",
            "wharf-ssh-watchdog",
        ])
        .arg(pid.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(SshError::Spawn)
}

/// Read a running master's stderr until it ends, so it never blocks on a full pipe; what it
/// says after login goes to the debug log.
async fn drain(mut stderr: ChildStderr) {
    let mut chunk = [0u8; 512];
    while let Ok(n @ 1..) = stderr.read(&mut chunk).await {
        tracing::debug!(said = %String::from_utf8_lossy(&chunk[..n]).trim(), "ssh master");
    }
}

impl Mux {
    pub fn new(target: Target) -> Result<Mux, SshError> {
        // Short, so the socket path stays under the 108 bytes a unix socket address allows.
        let base = if Path::new("/tmp").is_dir() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("wharf-ssh.")
            .tempdir_in(base)
            .map_err(SshError::Spawn)?;
        Ok(Mux {
            target,
            masters: Mutex::new(Vec::new()),
            starting: tokio::sync::Mutex::new(()),
            next_id: AtomicU32::new(0),
            dir: Arc::new(dir),
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// A session on a live master with room, starting a master when none has any.
    pub async fn lease(&self) -> Result<Lease, SshError> {
        if let Some(lease) = self.place() {
            return Ok(lease);
        }
        let _starting = self.starting.lock().await;
        // Another caller may have started one while this one waited.
        if let Some(lease) = self.place() {
            return Ok(lease);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let master = Arc::new(Master::start(&self.target, &self.dir, id).await?);
        master.sessions.fetch_add(1, Ordering::AcqRel);
        lock(&self.masters).push(Arc::clone(&master));
        Ok(Lease { master })
    }

    /// Forget ended masters and retire spare idle ones (keeping the first that is alive),
    /// then take a session on the first with room.
    fn place(&self) -> Option<Lease> {
        let mut masters = lock(&self.masters);
        let mut kept_idle = false;
        masters.retain(|m| {
            if !m.alive() {
                return false;
            }
            if m.sessions.load(Ordering::Acquire) > 0 {
                return true;
            }
            !std::mem::replace(&mut kept_idle, true)
        });
        let master = masters.iter().find(|m| {
            m.sessions
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    (n < SESSIONS_PER_CONNECTION).then_some(n + 1)
                })
                .is_ok()
        })?;
        Some(Lease {
            master: Arc::clone(master),
        })
    }

    /// Live connections, sessions in use on them, and the ssh processes that makes (one
    /// master per connection, one ssh per session).
    pub fn cost(&self) -> SshCost {
        let masters = lock(&self.masters);
        let live: Vec<_> = masters.iter().filter(|m| m.alive()).collect();
        let connections = u32::try_from(live.len()).unwrap_or(u32::MAX);
        let sessions: u32 = live
            .iter()
            .map(|m| m.sessions.load(Ordering::Acquire))
            .sum();
        SshCost {
            connections,
            sessions,
            processes: connections + sessions,
            sessions_per_connection: SESSIONS_PER_CONNECTION,
        }
    }
}

//! The SSH transport: the system `ssh` runs `docker system dial-stdio` on the remote host and
//! HTTP flows over its stdin/stdout, as with the docker CLI. Each hyper connection is one SSH
//! session, run by one ssh process (killed when the connection is dropped) over a connection
//! shared with the engine's other sessions: an OpenSSH ControlMaster that Wharf starts and
//! owns ([`super::ssh_mux`]), so listing, logs and stats do not each log in again.
//!
//! Wharf does not use bollard's SSH connector: it hands `user@host:port` to ssh as a host name,
//! so any custom port fails. Here the user and port go to ssh as `-l` and `-p`, everything else
//! (keys, agent, known_hosts, jump hosts) comes from the user's ssh configuration, and
//! `BatchMode=yes` because nobody could answer a password prompt inside a TUI (the terminal
//! belongs to Wharf; a prompt would corrupt the screen and wait forever). A few options are
//! locked whatever that configuration says ([`super::ssh_command::LOCKED_OPTIONS`]: no forwarding, no unknown host
//! keys), and user and host names are checked by `host::check_ssh_target` before ssh runs. When ssh ends
//! before the engine said anything, its stderr becomes the error ([`SshError::Session`]), which
//! [`SshError::explain`] turns into a message (login refused, unknown host key, no docker
//! there…).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout};

pub(crate) use super::ssh_command::SshError;
use super::ssh_command::{command, Target, STDERR_LIMIT};
use super::ssh_mux::{Lease, Mux};
use super::Transport;
use crate::error::{CoreError, ErrorKind};
use crate::model::SshCost;

#[derive(Debug, Clone)]
pub(super) struct SshConnector {
    mux: Arc<Mux>,
}

impl SshConnector {
    /// A connector whose sessions share SSH connections (see [`Mux`]); `Err` when Wharf's
    /// private directory for the control sockets cannot be made.
    pub fn new(
        user: Option<String>,
        host: String,
        port: Option<u16>,
    ) -> Result<SshConnector, SshError> {
        let target = Target { user, host, port };
        Ok(SshConnector {
            mux: Arc::new(Mux::new(target)?),
        })
    }

    /// What this engine's SSH costs right now.
    pub fn cost(&self) -> SshCost {
        self.mux.cost()
    }
}

impl tower_service::Service<Uri> for SshConnector {
    type Response = TokioIo<SshStream>;
    type Error = SshError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, SshError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), SshError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Uri) -> Self::Future {
        let mux = Arc::clone(&self.mux);
        Box::pin(async move {
            let lease = mux.lease().await?;
            let target = mux.target();
            let mut child = command(target, lease.control())
                .spawn()
                .map_err(SshError::Spawn)?;
            let piped =
                || SshError::Spawn(io::Error::other("ssh's standard streams were not piped"));
            let stdin = child.stdin.take().ok_or_else(piped)?;
            let stdout = child.stdout.take().ok_or_else(piped)?;
            let stderr = child.stderr.take().ok_or_else(piped)?;
            tracing::debug!(host = %target.host, port = ?target.port, "ssh session started");
            Ok(TokioIo::new(SshStream {
                _child: child,
                lease: Some(lease),
                stdin: Some(stdin),
                stdout,
                stderr,
                stderr_text: Vec::new(),
                stderr_done: false,
                answered: false,
            }))
        })
    }
}

/// One ssh process as a byte stream: writes go to its stdin, reads come from its stdout.
/// It holds one session of a shared connection until dropped (after its process is killed).
pub(crate) struct SshStream {
    _child: Child,
    /// Released at EOF: ssh ends with its session, although hyper may keep this a while.
    lease: Option<Lease>,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    stderr: ChildStderr,
    stderr_text: Vec<u8>,
    stderr_done: bool,
    /// The remote side has sent at least one byte, so an EOF is an ordinary close.
    answered: bool,
}

impl SshStream {
    /// Read what ssh has printed so far, without waiting; `Ready` once stderr is closed.
    fn poll_stderr(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut chunk = [0u8; 512];
        while !self.stderr_done {
            let mut buf = ReadBuf::new(&mut chunk);
            match Pin::new(&mut self.stderr).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if buf.filled().is_empty() => self.stderr_done = true,
                Poll::Ready(Ok(())) => {
                    // Keep the end: ssh prints its fatal message last.
                    self.stderr_text.extend_from_slice(buf.filled());
                    let excess = self.stderr_text.len().saturating_sub(STDERR_LIMIT);
                    self.stderr_text.drain(..excess);
                }
                Poll::Ready(Err(_)) => self.stderr_done = true,
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(())
    }

    fn stdin(&mut self) -> io::Result<Pin<&mut ChildStdin>> {
        self.stdin
            .as_mut()
            .map(Pin::new)
            .ok_or_else(|| io::ErrorKind::BrokenPipe.into())
    }
}

impl AsyncRead for SshStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // Drain stderr as we go so ssh can never block on a full pipe.
        let _ = this.poll_stderr(cx);
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.stdout).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            this.answered = true;
            return Poll::Ready(Ok(()));
        }
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        this.lease = None;
        if this.answered {
            return Poll::Ready(Ok(()));
        }
        // EOF before the engine said anything: the session failed; ssh's stderr says why.
        ready!(this.poll_stderr(cx));
        let stderr = String::from_utf8_lossy(&this.stderr_text).trim().to_owned();
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            SshError::Session { stderr },
        )))
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().stdin()?.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().stdin()?.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(stdin) = this.stdin.as_mut() {
            ready!(Pin::new(stdin).poll_shutdown(cx))?;
        }
        // Closing the pipe is what tells dial-stdio the write half is done.
        this.stdin = None;
        Poll::Ready(Ok(()))
    }
}

impl Connection for SshStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

/// The last meaningful lines of ssh's stderr, without its known-hosts chatter.
fn said(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Warning: Permanently added"))
        .collect();
    lines[lines.len().saturating_sub(3)..].join("; ")
}

impl SshError {
    /// What went wrong, for the user, from ssh's own words: `target` is how the endpoint is shown.
    pub(crate) fn explain(&self, transport: &Transport, target: &str) -> CoreError {
        let (user, host, port) = match transport {
            Transport::Ssh { user, host, port } => (user.as_deref(), host.as_str(), *port),
            _ => (None, "", None),
        };
        let stderr = match self {
            SshError::Spawn(io) if io.kind() == io::ErrorKind::NotFound => {
                return CoreError::unavailable(format!(
                    "cannot reach {target}: the `ssh` program is not installed or not in PATH"
                ))
                .with_hint("install the OpenSSH client")
            }
            SshError::Spawn(io) => {
                return CoreError::unavailable(format!("cannot run ssh to reach {target}: {io}"))
            }
            SshError::Session { stderr } => stderr,
        };
        let said = said(stderr);
        let by_hand = format!(
            "ssh {}{}{host}",
            port.map(|p| format!("-p {p} ")).unwrap_or_default(),
            user.map(|u| format!("{u}@")).unwrap_or_default()
        );
        let lower = stderr.to_ascii_lowercase();
        let has = |needle: &str| lower.contains(needle);
        if said.is_empty() {
            return CoreError::unavailable(format!(
            "the SSH session to {target} ended before the engine answered (ssh printed nothing)"
        ))
            .with_hint(format!("try `{by_hand} docker system dial-stdio` by hand"));
        }
        if has("docker daemon") || has("docker.sock") {
            let kind = if has("permission denied") {
                ErrorKind::Denied
            } else {
                ErrorKind::Unavailable
            };
            return CoreError::new(
                kind,
                format!("over SSH, docker on {host} cannot reach its engine: {said}"),
            )
            .with_hint(format!(
                "on {host}, start dockerd, or add the SSH user to the docker group"
            ));
        }
        if has("host key verification failed") || has("remote host identification has changed") {
            return CoreError::new(
                ErrorKind::Denied,
                format!("the SSH host key of {host} is unknown or has changed: {said}"),
            )
            .with_hint(format!(
                "run `{by_hand}` once to check and accept its host key (~/.ssh/known_hosts)"
            ));
        }
        if has("permission denied") || has("too many authentication failures") {
            return CoreError::new(
                ErrorKind::Denied,
                format!("SSH login to {target} was refused: {said}"),
            )
            .with_hint(
                "Wharf runs ssh non-interactively and cannot type passwords: load your key into \
             ssh-agent or name it with IdentityFile in ~/.ssh/config",
            );
        }
        if has("command not found") || has("docker: not found") || has("no such file or directory")
        {
            return CoreError::unavailable(format!("the docker CLI is missing on {host}: {said}"))
                .with_hint(
                    "Wharf runs `docker system dial-stdio` on the remote host; install the docker \
                 CLI there",
                );
        }
        if has("unknown command") || has("is not a docker command") {
            return CoreError::unavailable(format!("the docker CLI on {host} is too old: {said}"))
                .with_hint(
                    "`docker system dial-stdio` needs Docker 18.09 or newer on the remote host",
                );
        }
        if has("could not resolve hostname") {
            return CoreError::unavailable(format!(
                "cannot resolve the host name of {target}: {said}"
            ))
            .with_hint("check the host name, or define it as a Host in ~/.ssh/config");
        }
        if has("connection refused")
            || has("timed out")
            || has("no route to host")
            || has("unreachable")
        {
            return CoreError::unavailable(format!("ssh cannot connect to {target}: {said}"))
                .with_hint("is sshd running there, on that port? Check any firewall");
        }
        CoreError::unavailable(format!("the SSH session to {target} failed: {said}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssh_session(stderr: &str) -> CoreError {
        let session = SshError::Session {
            stderr: stderr.into(),
        };
        let transport = Transport::Ssh {
            user: Some("ops".into()),
            host: "box".into(),
            port: Some(2222),
        };
        session.explain(&transport, "ssh://ops@box:2222 (context prod)")
    }

    #[test]
    fn ssh_stderr_is_explained() {
        let cases = [
            (
                "Warning: Permanently added '[box]:2222' (ED25519) to the list of known hosts.\r\n\
                 ops@box: Permission denied (publickey).",
                ErrorKind::Denied,
                "SSH login to ssh://ops@box:2222 (context prod) was refused: ops@box: Permission \
                 denied (publickey). (hint: Wharf runs ssh non-interactively",
            ),
            (
                "Host key verification failed.",
                ErrorKind::Denied,
                "run `ssh -p 2222 ops@box` once",
            ),
            (
                "bash: line 1: docker: command not found",
                ErrorKind::Unavailable,
                "the docker CLI is missing on box: bash: line 1: docker: command not found",
            ),
            (
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker \
                 daemon running?",
                ErrorKind::Unavailable,
                "over SSH, docker on box cannot reach its engine",
            ),
            (
                "Got permission denied while trying to connect to the Docker daemon socket at \
                 unix:///var/run/docker.sock",
                ErrorKind::Denied,
                "docker group",
            ),
            (
                "docker: 'system dial-stdio' is not a docker command.",
                ErrorKind::Unavailable,
                "the docker CLI on box is too old",
            ),
            (
                "ssh: connect to host box port 2222: Connection timed out",
                ErrorKind::Unavailable,
                "ssh cannot connect to ssh://ops@box:2222 (context prod)",
            ),
            ("", ErrorKind::Unavailable, "(ssh printed nothing)"),
            ("something else", ErrorKind::Unavailable, "failed: something else"),
        ];
        for (stderr, kind, fragment) in cases {
            let err = ssh_session(stderr);
            assert_eq!(err.kind(), kind, "{err}");
            assert!(
                err.to_string().contains(fragment),
                "{fragment:?} not in: {err}"
            );
        }
    }
}

//! Interactive exec sessions: a process in a running container with its I/O attached.

use std::pin::Pin;

use bollard::exec::{CreateExecOptions, ResizeExecOptions, StartExecOptions, StartExecResults};
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWrite;

use super::{map_error, Engine, LogChunk};
use crate::error::{CoreError, ErrorKind, Result};

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecSpec {
    pub cmd: Vec<String>,
    pub tty: bool,
    pub env: Vec<String>,
    pub user: Option<String>,
    pub working_dir: Option<String>,
}

impl ExecSpec {
    /// An interactive shell: bash when the image has it, else sh (busybox/alpine).
    pub fn shell() -> Self {
        ExecSpec {
            cmd: vec![
                "/bin/sh".into(),
                "-c".into(),
                "if [ -x /bin/bash ]; then exec /bin/bash; else exec /bin/sh; fi".into(),
            ],
            tty: true,
            env: vec!["TERM=xterm-256color".into()],
            user: None,
            working_dir: None,
        }
    }
}

type Output = Pin<Box<dyn Stream<Item = Result<LogChunk>> + Send>>;
type Input = Pin<Box<dyn AsyncWrite + Send>>;

/// A started exec: write to `input`, read `output`, `resize` on window changes.
pub struct ExecSession {
    pub id: String,
    pub output: Output,
    pub input: Input,
}

impl std::fmt::Debug for ExecSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecSession").field("id", &self.id).finish()
    }
}

impl Engine {
    /// Create and start an exec in container `id`, attached.
    /// Changes the engine (a process runs in the container): refused in read-only mode and
    /// audited as `container.exec` (without the command line, which may hold secrets).
    pub async fn exec(&self, id: &str, spec: &ExecSpec) -> Result<ExecSession> {
        self.mutate("container.exec", &[id], self.exec_unchecked(id, spec))
            .await
    }

    async fn exec_unchecked(&self, id: &str, spec: &ExecSpec) -> Result<ExecSession> {
        if spec.cmd.is_empty() {
            return Err(CoreError::invalid_input("exec: the command is empty"));
        }
        let opts = CreateExecOptions::<String> {
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(spec.tty),
            env: Some(spec.env.clone()),
            cmd: Some(spec.cmd.clone()),
            user: spec.user.clone(),
            working_dir: spec.working_dir.clone(),
            ..Default::default()
        };
        let created = self
            .ready()
            .await?
            .create_exec(id, opts)
            .await
            .map_err(|e| self.err(format_args!("exec in {id}"), e))?;
        let start = StartExecOptions {
            detach: false,
            tty: spec.tty,
            output_capacity: None,
        };
        let started = self
            .ready()
            .await?
            .start_exec(&created.id, Some(start))
            .await
            .map_err(|e| self.err(format_args!("start exec in {id}"), e))?;
        match started {
            StartExecResults::Attached { output, input } => {
                let endpoint = self.endpoint.clone();
                let output = output
                    .map(move |r| {
                        r.map(LogChunk::from)
                            .map_err(|e| map_error(e, &endpoint).context("exec output"))
                    })
                    .boxed();
                Ok(ExecSession {
                    id: created.id,
                    output,
                    input,
                })
            }
            StartExecResults::Detached => Err(CoreError::new(
                ErrorKind::Engine,
                format!("exec in {id}: the engine started it detached"),
            )),
        }
    }

    /// Tell the exec's TTY its new size.
    pub async fn resize_exec(&self, exec_id: &str, width: u16, height: u16) -> Result<()> {
        self.ready()
            .await?
            .resize_exec(exec_id, ResizeExecOptions { width, height })
            .await
            .map_err(|e| self.err("resize exec", e))
    }

    /// The exit code of a finished exec (`None` while it runs).
    pub async fn exec_exit_code(&self, exec_id: &str) -> Result<Option<i64>> {
        let i = self
            .ready()
            .await?
            .inspect_exec(exec_id)
            .await
            .map_err(|e| self.err("inspect exec", e))?;
        Ok(if i.running.unwrap_or(false) {
            None
        } else {
            i.exit_code
        })
    }
}

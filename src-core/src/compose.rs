//! `up -d`, `down`, `pull` and `build` of a compose project, through the compose tool the
//! machine has: the `docker compose` plugin when the docker CLI has it, else `docker-compose`
//! (v1). The engine API has no compose endpoint, so this is the one place Wharf runs a child
//! that talks to the engine itself; it is held to the engine handle's rules by hand:
//!
//! - the child gets the session's engine in its environment ([`engine_env`]: `DOCKER_HOST` and
//!   the TLS variables from the resolved endpoint, `DOCKER_CONTEXT` removed), so a remote
//!   engine is driven with compose files that are on this machine;
//! - it runs in the project's working dir with its config files (`-p NAME -f FILE…
//!   --project-directory DIR`), as the labels compose wrote say;
//! - read-only refuses it before anything is spawned, and one audit line per run records the
//!   call (`compose.up`), the project and the command line (paths and a name, no secrets);
//! - its output (stdout and stderr, line by line) is made inert and streamed; it is killed
//!   with its whole process group when cancelled, when the receiver is dropped, or after
//!   [`RUN_DEADLINE`].
//!
//! Project start/stop/restart/remove need no tool: they are the containers' own commands on
//! the ids of [`crate::rules::compose::ComposeProject`] (`command::project_commands`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::{mpsc, oneshot};

use crate::engine::connect::{authority, Transport};
use crate::engine::{Endpoint, Engine};
use crate::error::{CoreError, ErrorKind, Result};
use crate::rules::compose::ComposeProject;
use crate::streams::text::inert;

/// How long `docker compose version` may take to say whether the plugin is there.
pub const DETECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A run that has not finished by then is killed (a pull of many large images fits easily).
pub const RUN_DEADLINE: Duration = Duration::from_secs(60 * 60);
/// Longer output lines are cut (a progress bar redrawn without newlines).
pub const MAX_LINE: usize = 4096;

/// What to install when neither tool is there; both UIs show it.
pub const INSTALL_HINT: &str = "install the Docker Compose plugin (package docker-compose-plugin \
     from Docker's repository, giving `docker compose`) or docker-compose (Debian: apt-get \
     install docker-compose)";

/// The compose program found on PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeTool {
    /// `docker compose …`: the docker CLI with its compose plugin.
    Plugin { docker: PathBuf },
    /// `docker-compose …` (v1, or v2's standalone binary).
    Standalone { program: PathBuf },
}

impl ComposeTool {
    /// The tool on the process's PATH.
    pub async fn detect() -> Result<ComposeTool> {
        Self::detect_in(std::env::var_os("PATH")).await
    }

    /// The tool on `path` (a PATH value): the plugin when `docker compose version` succeeds
    /// within [`DETECT_TIMEOUT`], else `docker-compose`, else an error naming what to install.
    pub async fn detect_in(path: Option<OsString>) -> Result<ComposeTool> {
        let path = path.unwrap_or_default();
        if let Some(docker) = find_program(&path, "docker") {
            let probe = tokio::process::Command::new(&docker)
                .args(["compose", "version"])
                .env("PATH", &path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .status();
            if let Ok(Ok(status)) = tokio::time::timeout(DETECT_TIMEOUT, probe).await {
                if status.success() {
                    return Ok(ComposeTool::Plugin { docker });
                }
            }
        }
        if let Some(program) = find_program(&path, "docker-compose") {
            return Ok(ComposeTool::Standalone { program });
        }
        Err(CoreError::new(
            ErrorKind::Config,
            "neither `docker compose` (the Compose plugin) nor `docker-compose` is installed",
        )
        .with_hint(INSTALL_HINT))
    }

    /// `docker compose` or `docker-compose`, as a user would type it.
    pub fn name(&self) -> &'static str {
        match self {
            ComposeTool::Plugin { .. } => "docker compose",
            ComposeTool::Standalone { .. } => "docker-compose",
        }
    }

    fn program_and_prefix(&self) -> (&Path, &'static [&'static str]) {
        match self {
            ComposeTool::Plugin { docker } => (docker, &["compose"]),
            ComposeTool::Standalone { program } => (program, &[]),
        }
    }
}

/// The first executable file `name` in the directories of `path`.
fn find_program(path: &OsString, name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ComposeAction {
    /// `up -d`: create and start the services, detached.
    Up,
    /// `down`: stop and remove the project's containers and networks (destructive).
    Down,
    Pull,
    Build,
}

impl ComposeAction {
    pub const ALL: [ComposeAction; 4] = [
        ComposeAction::Up,
        ComposeAction::Down,
        ComposeAction::Pull,
        ComposeAction::Build,
    ];

    /// The subcommand and its flags.
    pub fn args(self) -> &'static [&'static str] {
        match self {
            ComposeAction::Up => &["up", "-d"],
            ComposeAction::Down => &["down"],
            ComposeAction::Pull => &["pull"],
            ComposeAction::Build => &["build"],
        }
    }

    /// `up`, `down`, `pull`, `build`.
    pub fn as_str(self) -> &'static str {
        self.args()[0]
    }

    /// Parse `up`, `down`, `pull` or `build`.
    pub fn parse(s: &str) -> Option<ComposeAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// `down` removes containers and networks: the UIs confirm it, naming them
    /// ([`ComposeProject::down_confirmation`]).
    pub fn is_destructive(self) -> bool {
        self == ComposeAction::Down
    }
}

/// Where and with which files to run compose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComposeTarget {
    /// `-p NAME`; `None` lets the tool derive it (a file the user named).
    pub project: Option<String>,
    pub working_dir: PathBuf,
    /// `-f FILE…`; empty lets the tool find `docker-compose.yml` in the working dir.
    pub files: Vec<PathBuf>,
}

impl ComposeTarget {
    /// A project of the live model, from its labels. Its working dir must exist on this
    /// machine (a remote engine's project is driven with compose files that are here).
    pub fn of_project(p: &ComposeProject) -> Result<ComposeTarget> {
        let Some(dir) = &p.working_dir else {
            return Err(CoreError::new(
                ErrorKind::InvalidInput,
                format!(
                    "project {} has no working dir label ({}): it was not made by compose",
                    inert(&p.name),
                    crate::rules::compose::COMPOSE_WORKING_DIR_LABEL
                ),
            ));
        };
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            return Err(CoreError::new(
                ErrorKind::InvalidInput,
                format!(
                    "the working dir of project {}, {}, is not a directory on this machine",
                    inert(&p.name),
                    inert(&dir.to_string_lossy())
                ),
            )
            .with_hint("run Wharf where the project's compose files are"));
        }
        Ok(ComposeTarget {
            project: Some(p.name.clone()),
            working_dir: dir,
            files: p.config_files.iter().map(PathBuf::from).collect(),
        })
    }

    /// A compose file the user named (no containers yet): run in its directory.
    pub fn of_file(file: &Path) -> Result<ComposeTarget> {
        let bad = |why: &str| {
            CoreError::new(
                ErrorKind::InvalidInput,
                format!("compose file {}: {why}", inert(&file.to_string_lossy())),
            )
        };
        let file = std::fs::canonicalize(file).map_err(|e| bad(&e.to_string()))?;
        if !file.is_file() {
            return Err(bad("not a file"));
        }
        let dir = file.parent().ok_or_else(|| bad("has no directory"))?;
        Ok(ComposeTarget {
            project: None,
            working_dir: dir.to_owned(),
            files: vec![file.clone()],
        })
    }

    /// What the audit line and the UIs name: the project, else the file.
    pub fn label(&self) -> String {
        match (&self.project, self.files.first()) {
            (Some(p), _) => p.clone(),
            (None, Some(f)) => f.to_string_lossy().into_owned(),
            (None, None) => self.working_dir.to_string_lossy().into_owned(),
        }
    }

    /// The arguments after the program: `[compose] -p NAME -f FILE… --project-directory DIR
    /// ACTION…`.
    fn args(&self, tool: &ComposeTool, action: ComposeAction) -> Vec<OsString> {
        let (_, prefix) = tool.program_and_prefix();
        let mut args: Vec<OsString> = prefix.iter().map(OsString::from).collect();
        if let Some(p) = &self.project {
            args.extend(["-p".into(), p.into()]);
        }
        for f in &self.files {
            args.extend(["-f".into(), f.into()]);
        }
        args.extend([
            "--project-directory".into(),
            self.working_dir.clone().into_os_string(),
        ]);
        args.extend(action.args().iter().map(OsString::from));
        args
    }
}

/// The command line as text (audit, UIs), made inert.
pub fn command_line(tool: &ComposeTool, target: &ComposeTarget, action: ComposeAction) -> String {
    let (program, _) = tool.program_and_prefix();
    let name = program.file_name().unwrap_or(program.as_os_str());
    let words: Vec<String> = std::iter::once(name.to_string_lossy().into_owned())
        .chain(
            target
                .args(tool, action)
                .iter()
                .map(|a| a.to_string_lossy().into_owned()),
        )
        .collect();
    let joined = shlex::try_join(words.iter().map(String::as_str)).unwrap_or(words.join(" "));
    inert(&joined).into_owned()
}

/// The environment that points a docker client at `endpoint` as Wharf resolved it:
/// `(name, Some(value))` to set, `(name, None)` to remove.
pub fn engine_env(endpoint: &Endpoint) -> Result<Vec<(&'static str, Option<String>)>> {
    let mut env: Vec<(&'static str, Option<String>)> = vec![
        ("DOCKER_CONTEXT", None),
        ("DOCKER_TLS_VERIFY", None),
        ("DOCKER_TLS", None),
        ("DOCKER_CERT_PATH", None),
    ];
    let host = match &endpoint.transport {
        Transport::Unix { .. } | Transport::Tcp { .. } | Transport::Ssh { .. } => {
            endpoint.transport.to_string()
        }
        Transport::Tls {
            host,
            port,
            ca,
            cert,
            key,
            skip_verify,
        } => {
            let files = [(ca, "ca.pem"), (cert, "cert.pem"), (key, "key.pem")];
            let mut dir: Option<&Path> = None;
            for (file, wanted) in files {
                let Some(file) = file else { continue };
                let named = file.file_name().is_some_and(|n| n == wanted);
                let parent = file.parent();
                if !named || (dir.is_some() && dir != parent) {
                    return Err(CoreError::new(
                        ErrorKind::Config,
                        format!(
                            "compose reads the engine's TLS files as ca.pem, cert.pem and \
                             key.pem of one directory; this session uses {}",
                            file.display()
                        ),
                    )
                    .with_hint("put the three files in one directory under those names"));
                }
                dir = parent;
            }
            if let Some(dir) = dir {
                env.retain(|(k, _)| *k != "DOCKER_CERT_PATH");
                env.push(("DOCKER_CERT_PATH", Some(dir.to_string_lossy().into_owned())));
            }
            let flag = if *skip_verify {
                "DOCKER_TLS"
            } else {
                "DOCKER_TLS_VERIFY"
            };
            env.retain(|(k, _)| *k != flag);
            env.push((flag, Some("1".to_owned())));
            format!("tcp://{}", authority(host, *port))
        }
    };
    env.push(("DOCKER_HOST", Some(host)));
    Ok(env)
}

/// What a run reports.
#[derive(Debug)]
pub enum ComposeEvent {
    /// One line of the tool's output, inert.
    Line { text: String, stderr: bool },
    /// The run ended: the tool succeeded, failed (its status and last error line), was
    /// cancelled or timed out. Always the last event.
    Finished(Result<()>),
}

/// A running compose command. Dropping it kills the child and its group.
#[derive(Debug)]
pub struct ComposeRun {
    command: String,
    rx: mpsc::Receiver<ComposeEvent>,
    cancel: Option<oneshot::Sender<()>>,
}

impl ComposeRun {
    /// The command line (inert), as the audit log records it.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// The next event; `None` after [`ComposeEvent::Finished`].
    pub async fn next(&mut self) -> Option<ComposeEvent> {
        self.rx.recv().await
    }

    /// The next event if one is waiting (for a UI loop that polls).
    pub fn try_next(&mut self) -> Option<ComposeEvent> {
        self.rx.try_recv().ok()
    }

    /// Kill the child and its process group; a `Finished` with `Cancelled` follows.
    pub fn cancel(&mut self) {
        if let Some(tx) = self.cancel.take() {
            let _ = tx.send(());
        }
    }
}

/// Start `action` on `target` with `tool` against `engine`'s endpoint. Refused in read-only
/// mode before anything is spawned (and audited as refused); otherwise one audit line is
/// written when the run ends. Must be called within a tokio runtime.
pub fn run(
    engine: &Engine,
    tool: &ComposeTool,
    target: &ComposeTarget,
    action: ComposeAction,
) -> Result<ComposeRun> {
    run_with_deadline(engine, tool, target, action, RUN_DEADLINE)
}

/// [`run`] with another deadline (tests).
pub fn run_with_deadline(
    engine: &Engine,
    tool: &ComposeTool,
    target: &ComposeTarget,
    action: ComposeAction,
    deadline: Duration,
) -> Result<ComposeRun> {
    let call = format!("compose.{}", action.as_str());
    let command = command_line(tool, target, action);
    let targets = [target.label(), command.clone()];
    let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
    engine.check_writable(&call, &refs)?;
    let env = engine_env(engine.endpoint())?;
    let (program, _) = tool.program_and_prefix();
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(target.args(tool, action))
        .current_dir(&target.working_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let child = cmd.spawn().map_err(|e| {
        CoreError::new(ErrorKind::Io, format!("cannot run {command}: {e}")).with_source(e)
    })?;
    let (tx, rx) = mpsc::channel(256);
    let (cancel_tx, cancel_rx) = oneshot::channel();
    let engine = engine.clone();
    let what = command.clone();
    tokio::spawn(async move {
        let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        let result = engine
            .mutate(
                &call,
                &refs,
                drive(child, tx.clone(), cancel_rx, deadline, &what),
            )
            .await;
        let _ = tx.send(ComposeEvent::Finished(result)).await;
    });
    Ok(ComposeRun {
        command,
        rx,
        cancel: Some(cancel_tx),
    })
}

/// Kills the process group on drop unless disarmed (the child exited by itself).
struct Group(Option<i32>);

impl Group {
    fn kill(&mut self) {
        if let Some(pid) = self.0.take().and_then(rustix::process::Pid::from_raw) {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

enum End {
    Exited(std::io::Result<std::process::ExitStatus>),
    Cancelled(&'static str),
    Deadline,
}

async fn drive(
    mut child: tokio::process::Child,
    tx: mpsc::Sender<ComposeEvent>,
    cancel: oneshot::Receiver<()>,
    deadline: Duration,
    what: &str,
) -> Result<()> {
    let mut group = Group(child.id().and_then(|id| i32::try_from(id).ok()));
    let out = child.stdout.take();
    let err = child.stderr.take();
    let last_err = std::sync::Mutex::new(None::<String>);
    let end = {
        let output = async {
            tokio::join!(
                pipe(out, false, &tx, None),
                pipe(err, true, &tx, Some(&last_err))
            );
            child.wait().await
        };
        tokio::select! {
            status = output => End::Exited(status),
            _ = cancel => End::Cancelled("cancelled"),
            _ = tx.closed() => End::Cancelled("cancelled: the view was closed"),
            _ = tokio::time::sleep(deadline) => End::Deadline,
        }
    };
    match end {
        End::Exited(status) => {
            group.0 = None;
            let status = status.map_err(|e| {
                CoreError::new(ErrorKind::Io, format!("{what}: {e}")).with_source(e)
            })?;
            if status.success() {
                return Ok(());
            }
            let last = last_err
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            let code = status
                .code()
                .map_or("a signal".to_owned(), |c| format!("status {c}"));
            Err(CoreError::new(
                ErrorKind::Engine,
                match last {
                    Some(line) => format!("{what} exited with {code}: {line}"),
                    None => format!("{what} exited with {code}"),
                },
            ))
        }
        End::Cancelled(why) => {
            group.kill();
            let _ = child.wait().await;
            Err(CoreError::new(
                ErrorKind::Cancelled,
                format!("{what}: {why}"),
            ))
        }
        End::Deadline => {
            group.kill();
            let _ = child.wait().await;
            Err(CoreError::new(
                ErrorKind::Unavailable,
                format!(
                    "{what} did not finish in {} s and was killed",
                    deadline.as_secs()
                ),
            ))
        }
    }
}

/// Forward the lines of one pipe, inert and cut at [`MAX_LINE`]; remember the last non-empty
/// one in `last` (stderr: the error compose ends with).
async fn pipe(
    pipe: Option<impl AsyncRead + Unpin>,
    stderr: bool,
    tx: &mpsc::Sender<ComposeEvent>,
    last: Option<&std::sync::Mutex<Option<String>>>,
) {
    let Some(pipe) = pipe else { return };
    let mut reader = BufReader::new(pipe);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let raw = String::from_utf8_lossy(&buf);
        let mut text = inert(raw.trim_end_matches(['\n', '\r'])).into_owned();
        if text.len() > MAX_LINE {
            let mut cut = MAX_LINE;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        if let Some(last) = last.filter(|_| !text.trim().is_empty()) {
            *last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(text.clone());
        }
        if tx.send(ComposeEvent::Line { text, stderr }).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::connect::EndpointSource;

    fn ep(transport: Transport) -> Endpoint {
        Endpoint {
            transport,
            source: EndpointSource::Flag,
        }
    }

    fn get<'a>(env: &'a [(&str, Option<String>)], k: &str) -> Option<&'a str> {
        env.iter()
            .rev()
            .find(|(n, _)| *n == k)
            .and_then(|(_, v)| v.as_deref())
    }

    #[test]
    fn env_names_the_sessions_engine_and_drops_the_context() {
        let env = engine_env(&ep(Transport::Unix {
            path: "/tmp/x.sock".into(),
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&env, "DOCKER_HOST"), Some("unix:///tmp/x.sock"));
        assert!(env.contains(&("DOCKER_CONTEXT", None)));
        let env = engine_env(&ep(Transport::Tls {
            host: "::1".into(),
            port: 2376,
            ca: Some("/c/ca.pem".into()),
            cert: Some("/c/cert.pem".into()),
            key: Some("/c/key.pem".into()),
            skip_verify: false,
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&env, "DOCKER_HOST"), Some("tcp://[::1]:2376"));
        assert_eq!(get(&env, "DOCKER_CERT_PATH"), Some("/c"));
        assert_eq!(get(&env, "DOCKER_TLS_VERIFY"), Some("1"));
        let odd = engine_env(&ep(Transport::Tls {
            host: "h".into(),
            port: 2376,
            ca: Some("/c/my-ca.crt".into()),
            cert: None,
            key: None,
            skip_verify: false,
        }));
        assert!(odd.is_err_and(|e| e.message().contains("my-ca.crt")));
        let ssh = engine_env(&ep(Transport::Ssh {
            user: Some("u".into()),
            host: "h".into(),
            port: Some(2222),
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&ssh, "DOCKER_HOST"), Some("ssh://u@h:2222"));
    }

    #[test]
    fn command_line_names_project_files_and_dir() {
        let target = ComposeTarget {
            project: Some("shop".into()),
            working_dir: "/srv/my shop".into(),
            files: vec!["/srv/my shop/docker-compose.yml".into()],
        };
        let tool = ComposeTool::Standalone {
            program: "/usr/bin/docker-compose".into(),
        };
        assert_eq!(
            command_line(&tool, &target, ComposeAction::Up),
            "docker-compose -p shop -f '/srv/my shop/docker-compose.yml' --project-directory \
             '/srv/my shop' up -d"
        );
        let plugin = ComposeTool::Plugin {
            docker: "/usr/bin/docker".into(),
        };
        assert!(
            command_line(&plugin, &target, ComposeAction::Down).starts_with("docker compose -p")
        );
        assert_eq!(ComposeAction::parse("down"), Some(ComposeAction::Down));
        assert!(ComposeAction::Down.is_destructive() && !ComposeAction::Up.is_destructive());
    }
}

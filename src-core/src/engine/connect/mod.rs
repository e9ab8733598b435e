//! Where to connect: flags, environment and docker contexts become an [`Endpoint`], and an
//! endpoint becomes a bollard client.
//!
//! Resolution follows the docker CLI: `--host`/`--context` > `DOCKER_HOST` > `DOCKER_CONTEXT` >
//! `currentContext` in the docker config > `/var/run/docker.sock`, and when that socket is
//! missing, the usual rootless, Desktop, Podman, Colima and OrbStack sockets. An [`Endpoint`] is
//! plain data (addresses and file paths, never secrets) that can be shown, logged and
//! serialized. Certificate files are read and checked while resolving, so a bad file is named
//! before any connection is tried.
//!
//! Invariant: TLS verifies the engine's certificate unless the caller opted in with
//! [`ConnectOptions::allow_insecure_tls`]; an insecure setting found in the environment or a
//! context is refused, never silently applied.

mod context;
mod deadline;
mod host;
mod link;
mod ssh;
mod ssh_command;
mod ssh_mux;
mod tls;
pub(crate) mod transport_error;

#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod tests;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::error::{CoreError, Result};

pub use context::{list_contexts, ContextSummary};
pub use host::parse_host;
#[cfg(test)]
use link::link;
#[cfg(test)]
pub(crate) use link::parse_api_version;
pub(crate) use link::Link;
pub(crate) use ssh::SshError;
pub use tls::TlsFiles;

/// The socket the docker CLI uses when nothing else is configured.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// The longest any request may wait for the engine's response headers (bollard's own limit,
/// applied to the request future only, so streamed bodies are never cut by it). Most requests
/// get a much shorter deadline: see [`deadline`].
pub(crate) const REQUEST_TIMEOUT_SECS: u64 = 120;

pub(crate) use deadline::QUICK as QUICK_REQUEST_TIMEOUT;

/// How long establishing a TCP connection may take before it counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// TCP keepalive, so a silently dead network under an idle events stream is noticed.
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);

const DEFAULT_PLAIN_PORT: u16 = 2375;
const DEFAULT_TLS_PORT: u16 = 2376;

/// A snapshot of the environment variables that decide where to connect.
///
/// Empty values count as unset, as in the docker CLI. Tests build this by hand; only
/// [`EnvVars::from_process`] reads the real environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvVars {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    pub docker_config: Option<PathBuf>,
    /// Non-empty means "TLS, verifying the engine's certificate" (any value, even `0`).
    pub docker_tls_verify: Option<String>,
    pub docker_cert_path: Option<PathBuf>,
    /// Non-empty without `DOCKER_TLS_VERIFY` means "TLS without verification" (refused by
    /// default).
    pub docker_tls: Option<String>,
    pub home: Option<PathBuf>,
    pub xdg_runtime_dir: Option<PathBuf>,
}

impl EnvVars {
    pub fn from_process() -> EnvVars {
        let text = |name: &str| {
            std::env::var_os(name)
                .map(|v| v.to_string_lossy().into_owned())
                .filter(|v| !v.is_empty())
        };
        let path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        EnvVars {
            docker_host: text("DOCKER_HOST"),
            docker_context: text("DOCKER_CONTEXT"),
            docker_config: path("DOCKER_CONFIG"),
            docker_tls_verify: text("DOCKER_TLS_VERIFY"),
            docker_cert_path: path("DOCKER_CERT_PATH"),
            docker_tls: text("DOCKER_TLS"),
            home: path("HOME"),
            xdg_runtime_dir: path("XDG_RUNTIME_DIR"),
        }
    }

    fn host(&self) -> Option<&str> {
        non_empty(self.docker_host.as_deref())
    }

    fn context(&self) -> Option<&str> {
        non_empty(self.docker_context.as_deref())
    }

    fn tls_verify(&self) -> bool {
        non_empty(self.docker_tls_verify.as_deref()).is_some()
    }

    fn tls(&self) -> bool {
        non_empty(self.docker_tls.as_deref()).is_some()
    }

    fn home(&self) -> Option<&Path> {
        self.home.as_deref().filter(|p| !p.as_os_str().is_empty())
    }

    fn xdg_runtime_dir(&self) -> Option<&Path> {
        self.xdg_runtime_dir
            .as_deref()
            .filter(|p| !p.as_os_str().is_empty())
    }

    /// The docker config directory: `DOCKER_CONFIG`, else `~/.docker`.
    pub fn config_dir(&self) -> Option<PathBuf> {
        match &self.docker_config {
            Some(dir) if !dir.as_os_str().is_empty() => Some(dir.clone()),
            _ => self.home().map(|home| home.join(".docker")),
        }
    }
}

/// What the user asked for, plus the environment to resolve it in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// `--host`: an engine address such as `tcp://10.0.0.5:2376`.
    pub host: Option<String>,
    /// `--context`: a docker context name; `default` means no context.
    pub context: Option<String>,
    /// Accept TLS without verifying the engine's certificate when the environment or a context
    /// asks for it. Off by default: such settings are refused with an explanation.
    pub allow_insecure_tls: bool,
    pub env: EnvVars,
}

impl ConnectOptions {
    /// No flags, the process environment.
    pub fn from_env() -> ConnectOptions {
        ConnectOptions {
            env: EnvVars::from_process(),
            ..ConnectOptions::default()
        }
    }
}

/// How to reach an engine. Only addresses and file paths: no key material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Transport {
    Unix {
        path: PathBuf,
    },
    /// Plain HTTP over TCP.
    Tcp {
        host: String,
        port: u16,
    },
    /// HTTPS. Without `ca` the engine's certificate is checked against the system's CAs.
    Tls {
        host: String,
        port: u16,
        ca: Option<PathBuf>,
        cert: Option<PathBuf>,
        key: Option<PathBuf>,
        /// Only ever true when the caller allowed insecure TLS.
        skip_verify: bool,
    },
    /// The system `ssh` running `docker system dial-stdio` on `host`.
    Ssh {
        user: Option<String>,
        host: String,
        port: Option<u16>,
    },
}

/// What both UIs show in their header, in their error colour, while the engine's TLS
/// certificate is not verified (`--insecure-skip-tls-verify` let an endpoint skip it).
pub const TLS_NOT_VERIFIED: &str = "TLS NOT VERIFIED";

impl Transport {
    /// TLS that accepts any certificate: the UIs must show [`TLS_NOT_VERIFIED`] while it is used.
    pub fn tls_unverified(&self) -> bool {
        matches!(
            self,
            Transport::Tls {
                skip_verify: true,
                ..
            }
        )
    }
}

/// Why this endpoint was chosen: which flag, variable, context or search found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EndpointSource {
    /// `--host`.
    Flag,
    /// `--context NAME`.
    FlagContext { name: String },
    /// `DOCKER_HOST`.
    EnvHost,
    /// `DOCKER_CONTEXT`.
    EnvContext { name: String },
    /// `currentContext` in the docker config file.
    ConfigContext { name: String },
    /// Nothing configured: `/var/run/docker.sock`.
    DefaultSocket,
    /// Nothing configured and the default socket is missing; this socket was found instead.
    Fallback { path: PathBuf, what: &'static str },
}

/// Where to connect and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub transport: Transport,
    pub source: EndpointSource,
}

impl Endpoint {
    /// The docker context this endpoint comes from, if any.
    pub fn context(&self) -> Option<&str> {
        match &self.source {
            EndpointSource::FlagContext { name }
            | EndpointSource::EnvContext { name }
            | EndpointSource::ConfigContext { name } => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Unix { path } => write!(f, "unix://{}", path.display()),
            Transport::Tcp { host, port } => write!(f, "tcp://{}", authority(host, *port)),
            Transport::Tls {
                host,
                port,
                skip_verify,
                ..
            } => {
                write!(f, "tcp+tls://{}", authority(host, *port))?;
                if *skip_verify {
                    f.write_str(" (certificate not verified)")?;
                }
                Ok(())
            }
            Transport::Ssh { user, host, port } => {
                f.write_str("ssh://")?;
                if let Some(user) = user {
                    write!(f, "{user}@")?;
                }
                match port {
                    Some(port) => f.write_str(&authority(host, *port)),
                    None => f.write_str(&bracketed(host)),
                }
            }
        }
    }
}

/// One line for a header: `unix:///var/run/docker.sock (default)`, `ctx prod: tcp+tls://…`.
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.transport;
        match &self.source {
            EndpointSource::FlagContext { name }
            | EndpointSource::EnvContext { name }
            | EndpointSource::ConfigContext { name } => write!(f, "ctx {name}: {t}"),
            EndpointSource::Flag => write!(f, "{t} (--host)"),
            EndpointSource::EnvHost => write!(f, "{t} (DOCKER_HOST)"),
            EndpointSource::DefaultSocket => write!(f, "{t} (default)"),
            EndpointSource::Fallback { what, .. } => write!(f, "{t} ({what})"),
        }
    }
}

fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

pub(crate) fn authority(host: &str, port: u16) -> String {
    format!("{}:{port}", bracketed(host))
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Where the default and system-wide sockets live; tests point these into a tempdir.
#[derive(Debug, Clone)]
struct SystemSockets {
    default: PathBuf,
    podman: PathBuf,
}

impl SystemSockets {
    fn real() -> SystemSockets {
        SystemSockets {
            default: PathBuf::from(DEFAULT_SOCKET),
            podman: PathBuf::from("/run/podman/podman.sock"),
        }
    }
}

/// Decide where to connect. Reads the docker config, contexts and certificate files, and
/// checks which sockets exist; connects to nothing.
pub fn resolve(opts: &ConnectOptions) -> Result<Endpoint> {
    resolve_in(opts, &SystemSockets::real())
}

fn resolve_in(opts: &ConnectOptions, sockets: &SystemSockets) -> Result<Endpoint> {
    let env = &opts.env;
    // An empty flag is a mistake (e.g. `--host "$UNSET"`), unlike an empty variable.
    let flag_host = opts.host.as_deref();
    let flag_context = opts.context.as_deref().map(str::trim);
    if flag_context == Some("") {
        return Err(CoreError::invalid_input("--context needs a context name"));
    }
    if let (Some(host), Some(context)) = (flag_host, flag_context) {
        return Err(CoreError::invalid_input(format!(
            "both --host {host} and --context {context} were given; use one of them"
        )));
    }
    if let Some(host) = flag_host {
        return from_host(host, EndpointSource::Flag, opts).map_err(|e| e.context("--host"));
    }
    if let Some(name) = flag_context {
        return from_context(name, opts, sockets, |name| EndpointSource::FlagContext {
            name,
        });
    }
    if let Some(host) = env.host() {
        return from_host(host, EndpointSource::EnvHost, opts)
            .map_err(|e| e.context("DOCKER_HOST"));
    }
    if let Some(name) = env.context() {
        return from_context(name, opts, sockets, |name| EndpointSource::EnvContext {
            name,
        });
    }
    if let Some(name) = context::current_context(env)? {
        return from_context(&name, opts, sockets, |name| EndpointSource::ConfigContext {
            name,
        });
    }
    Ok(local_socket(env, sockets))
}

fn from_host(spec: &str, source: EndpointSource, opts: &ConnectOptions) -> Result<Endpoint> {
    // A bad address is reported before any TLS problem.
    parse_host(spec, None)?;
    // Only TCP and HTTPS use the TLS variables; a unix:// host must not fail on a bad cert dir.
    let lower = spec.trim().to_ascii_lowercase();
    let wants_tls = lower.starts_with("tcp://") || lower.starts_with("https://");
    let tls = if wants_tls || !lower.contains("://") {
        tls::from_env(&opts.env)?
    } else {
        None
    };
    let transport = parse_host(spec, tls)?;
    let why_insecure = "DOCKER_TLS is set without DOCKER_TLS_VERIFY";
    tls::admit(&transport, opts.allow_insecure_tls, why_insecure)?;
    Ok(Endpoint { transport, source })
}

fn from_context(
    name: &str,
    opts: &ConnectOptions,
    sockets: &SystemSockets,
    source: impl FnOnce(String) -> EndpointSource,
) -> Result<Endpoint> {
    if name == context::DEFAULT_CONTEXT {
        // The default context is what you get without contexts: DOCKER_HOST or the socket.
        return match opts.env.host() {
            Some(host) => {
                from_host(host, EndpointSource::EnvHost, opts).map_err(|e| e.context("DOCKER_HOST"))
            }
            None => Ok(local_socket(&opts.env, sockets)),
        };
    }
    let stored = context::load(&opts.env, name)?;
    let in_file =
        |e: CoreError| e.context(format!("context {name} ({})", stored.meta_path.display()));
    let transport = parse_host(&stored.host, stored.tls_files()).map_err(in_file)?;
    let why_insecure = format!("context {name} sets SkipTLSVerify");
    tls::admit(&transport, opts.allow_insecure_tls, &why_insecure)?;
    Ok(Endpoint {
        transport,
        source: source(name.to_owned()),
    })
}

/// `/var/run/docker.sock` if it exists, else the first rootless/Desktop/Podman/Colima/OrbStack
/// socket found, else the default socket anyway (connecting then explains it is missing).
fn local_socket(env: &EnvVars, sockets: &SystemSockets) -> Endpoint {
    let default = Endpoint {
        transport: Transport::Unix {
            path: sockets.default.clone(),
        },
        source: EndpointSource::DefaultSocket,
    };
    match fs::metadata(&sockets.default) {
        // Present, or present but not stat-able: connecting will say which.
        Ok(_) => return default,
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return default,
        Err(_) => {}
    }
    for (path, what) in fallback_sockets(env, sockets) {
        if is_socket(&path) {
            tracing::info!(path = %path.display(), what, "default Docker socket missing; using");
            return Endpoint {
                transport: Transport::Unix { path: path.clone() },
                source: EndpointSource::Fallback { path, what },
            };
        }
    }
    default
}

fn fallback_sockets(env: &EnvVars, sockets: &SystemSockets) -> Vec<(PathBuf, &'static str)> {
    let mut found = Vec::new();
    let xdg = env.xdg_runtime_dir();
    let home = env.home();
    if let Some(xdg) = xdg {
        found.push((xdg.join("docker.sock"), "rootless Docker"));
    }
    if let Some(home) = home {
        found.push((home.join(".docker/run/docker.sock"), "Docker Desktop"));
        found.push((home.join(".docker/desktop/docker.sock"), "Docker Desktop"));
    }
    if let Some(xdg) = xdg {
        found.push((xdg.join("podman/podman.sock"), "rootless Podman"));
    }
    found.push((sockets.podman.clone(), "Podman"));
    if let Some(home) = home {
        found.push((home.join(".colima/default/docker.sock"), "Colima"));
        found.push((home.join(".orbstack/run/docker.sock"), "OrbStack"));
    }
    found
}

fn is_socket(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

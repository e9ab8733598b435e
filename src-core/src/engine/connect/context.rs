//! Docker contexts as the docker CLI stores them: `currentContext` in `config.json`,
//! `contexts/meta/<sha256 of name>/meta.json` and the TLS files in
//! `contexts/tls/<sha256 of name>/docker/{ca,cert,key}.pem`, all under the config directory
//! (`DOCKER_CONFIG` or `~/.docker`).
//!
//! Only the docker endpoint's `Host` and `SkipTLSVerify` and the description are read; the
//! rest of `config.json` (registry credentials among it) is never kept. A malformed file is
//! reported with its path when it is needed, and listed as a row carrying its error.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{EnvVars, TlsFiles, DEFAULT_SOCKET};
use crate::error::{CoreError, Result};

/// The implicit context: no context at all, i.e. `DOCKER_HOST` or the default socket.
pub(super) const DEFAULT_CONTEXT: &str = "default";

/// One row of `docker context ls`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContextSummary {
    pub name: String,
    pub description: Option<String>,
    /// The docker endpoint's address as stored, e.g. `tcp://10.0.0.5:2376`.
    pub host: String,
    /// The context used when no flag is given.
    pub current: bool,
    /// Why this context's file cannot be used (malformed JSON, unreadable): the row stays in
    /// the list with this instead of vanishing, named by its directory since the file's own
    /// name could not be read.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(rename = "currentContext", default)]
    current_context: Option<String>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Metadata", default)]
    metadata: Option<MetaInfo>,
    #[serde(rename = "Endpoints", default)]
    endpoints: MetaEndpoints,
}

#[derive(Deserialize, Default)]
struct MetaInfo {
    #[serde(rename = "Description", default)]
    description: Option<String>,
}

#[derive(Deserialize, Default)]
struct MetaEndpoints {
    #[serde(default)]
    docker: Option<DockerEndpoint>,
}

#[derive(Deserialize)]
struct DockerEndpoint {
    #[serde(rename = "Host", default)]
    host: Option<String>,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

/// A context read from disk: its docker endpoint and the TLS files that exist for it.
#[derive(Debug, Clone)]
pub(super) struct StoredContext {
    pub host: String,
    pub skip_tls_verify: bool,
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub meta_path: PathBuf,
}

impl StoredContext {
    /// TLS settings as the docker CLI derives them: TLS when the context holds any TLS file or
    /// skips verification, plain otherwise.
    pub fn tls_files(&self) -> Option<TlsFiles> {
        let any_file = self.ca.is_some() || self.cert.is_some() || self.key.is_some();
        (any_file || self.skip_tls_verify).then(|| TlsFiles {
            ca: self.ca.clone(),
            cert: self.cert.clone(),
            key: self.key.clone(),
            skip_verify: self.skip_tls_verify,
        })
    }
}

fn digest(name: &str) -> String {
    hex::encode(Sha256::digest(name.as_bytes()))
}

fn meta_root(config_dir: &Path) -> PathBuf {
    config_dir.join("contexts").join("meta")
}

fn no_config_dir() -> CoreError {
    CoreError::config(
        "cannot find the docker config directory: neither DOCKER_CONFIG nor HOME is set",
    )
}

/// `currentContext` from `config.json`, if the file exists and names one.
pub(super) fn current_context(env: &EnvVars) -> Result<Option<String>> {
    let Some(dir) = env.config_dir() else {
        return Ok(None);
    };
    let path = dir.join("config.json");
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(
                CoreError::config(format!("cannot read {}: {e}", path.display())).with_source(e),
            )
        }
    };
    let config: ConfigFile = serde_json::from_slice(&bytes).map_err(|e| {
        CoreError::config(format!(
            "{} is not valid docker config JSON: {e}",
            path.display()
        ))
        .with_hint("fix the file, or choose an engine with --host or --context")
        .with_source(e)
    })?;
    Ok(config
        .current_context
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty()))
}

fn read_meta(path: &Path) -> Result<Meta> {
    let bytes = fs::read(path).map_err(|e| {
        CoreError::config(format!("cannot read context file {}: {e}", path.display()))
            .with_source(e)
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        CoreError::config(format!("malformed context file {}: {e}", path.display()))
            .with_hint("fix or remove it (`docker context rm`), or pick another context")
            .with_source(e)
    })
}

/// Load a named context (not `default`) with the TLS files that exist beside it.
pub(super) fn load(env: &EnvVars, name: &str) -> Result<StoredContext> {
    let dir = env.config_dir().ok_or_else(no_config_dir)?;
    let id = digest(name);
    let meta_path = meta_root(&dir).join(&id).join("meta.json");
    if let Err(e) = fs::metadata(&meta_path) {
        if e.kind() == io::ErrorKind::NotFound {
            let names = stored_names(&dir);
            let available = std::iter::once(DEFAULT_CONTEXT.to_owned())
                .chain(names)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(CoreError::not_found(format!(
                "context {name:?} not found in {} (available: {available})",
                meta_root(&dir).display()
            ))
            .with_hint(
                "list contexts with `docker context ls`, or pass --context with one of them",
            ));
        }
    }
    let meta = read_meta(&meta_path)?;
    let endpoint = meta.endpoints.docker.ok_or_else(|| {
        CoreError::config(format!(
            "context {name} has no docker endpoint in {}",
            meta_path.display()
        ))
    })?;
    let host = endpoint
        .host
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            CoreError::config(format!(
                "context {name} has no docker Host in {}",
                meta_path.display()
            ))
        })?;
    let tls_dir = dir.join("contexts").join("tls").join(&id).join("docker");
    let file = |n: &str| {
        let path = tls_dir.join(n);
        // A file that exists but cannot be read is kept, so checking it names the problem.
        match fs::metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            _ => Some(path),
        }
    };
    Ok(StoredContext {
        host,
        skip_tls_verify: endpoint.skip_tls_verify,
        ca: file("ca.pem"),
        cert: file("cert.pem"),
        key: file("key.pem"),
        meta_path,
    })
}

/// Names of the readable contexts, sorted; unreadable ones are left out.
fn stored_names(config_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = stored(config_dir)
        .into_iter()
        .filter_map(|(_, meta)| meta.ok().map(|m| m.name))
        .collect();
    names.sort();
    names
}

/// Every `meta.json` under the meta directory with its parse result.
fn stored(config_dir: &Path) -> Vec<(PathBuf, Result<Meta>)> {
    let Ok(entries) = fs::read_dir(meta_root(config_dir)) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("meta.json"))
        .filter(|path| path.exists())
        .map(|path| {
            let meta = read_meta(&path);
            (path, meta)
        })
        .collect()
}

/// Every context, `default` first, then by name, marking the one used without flags
/// (`DOCKER_HOST` means `default`). A malformed context file is a row with its error (named by
/// its directory), after the good ones, so one bad file neither hides nor breaks the list.
pub fn list_contexts(env: &EnvVars) -> Result<Vec<ContextSummary>> {
    let current = if env.host().is_some() {
        DEFAULT_CONTEXT.to_owned()
    } else if let Some(name) = env.context() {
        name.to_owned()
    } else {
        match current_context(env) {
            Ok(name) => name.unwrap_or_else(|| DEFAULT_CONTEXT.to_owned()),
            Err(e) => {
                tracing::warn!(error = %e, "ignoring the current context");
                DEFAULT_CONTEXT.to_owned()
            }
        }
    };
    let mut by_name = BTreeMap::new();
    let mut broken = Vec::new();
    if let Some(dir) = env.config_dir() {
        if let Err(e) = fs::read_dir(meta_root(&dir)) {
            if e.kind() != io::ErrorKind::NotFound {
                return Err(CoreError::config(format!(
                    "cannot list contexts in {}: {e}",
                    meta_root(&dir).display()
                ))
                .with_source(e));
            }
        }
        for (path, meta) in stored(&dir) {
            match meta {
                Ok(meta) if meta.name == DEFAULT_CONTEXT => {
                    let path = path.display();
                    tracing::warn!(%path, "ignoring a stored context called default");
                }
                Ok(meta) => {
                    let host = meta
                        .endpoints
                        .docker
                        .and_then(|d| d.host)
                        .unwrap_or_default();
                    let description = meta
                        .metadata
                        .and_then(|m| m.description)
                        .filter(|d| !d.is_empty());
                    by_name.insert(meta.name, (description, host));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a context file cannot be read");
                    let dir = path
                        .parent()
                        .and_then(Path::file_name)
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                    broken.push(ContextSummary {
                        name: dir,
                        description: None,
                        host: String::new(),
                        current: false,
                        error: Some(e.to_string()),
                    });
                }
            }
        }
    }
    let (default_description, default_host) = match env.host() {
        Some(host) => ("Current DOCKER_HOST based configuration", host.to_owned()),
        None => (
            "The local engine socket",
            format!("unix://{DEFAULT_SOCKET}"),
        ),
    };
    let mut all = vec![ContextSummary {
        name: DEFAULT_CONTEXT.to_owned(),
        description: Some(default_description.to_owned()),
        host: default_host,
        current: current == DEFAULT_CONTEXT,
        error: None,
    }];
    all.extend(
        by_name
            .into_iter()
            .map(|(name, (description, host))| ContextSummary {
                current: name == current,
                name,
                description,
                host,
                error: None,
            }),
    );
    broken.sort_by(|a, b| a.name.cmp(&b.name));
    all.extend(broken);
    Ok(all)
}

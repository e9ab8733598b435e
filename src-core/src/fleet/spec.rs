//! Which engines a fleet follows: Wharf's `[[engines]]` configuration table, the command
//! line's repeated `--host`/`--context`, and every docker context, turned into one list of
//! [`EngineSpec`]s with unique names. Validation happens here, before anything connects, so
//! a bad entry is one clear message naming it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::connect::{list_contexts, EnvVars, TlsFiles};
use crate::error::{CoreError, Result};

/// The colour that means "production": a red frame and marker in both UIs.
pub const RED: &str = "red";

/// One `[[engines]]` entry of the configuration file, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineEntry {
    /// The name the ENGINE column and the header show; unique in the fleet.
    pub name: String,
    /// An engine address (`unix://`, `tcp://`, `https://`, `ssh://`).
    pub host: Option<String>,
    /// `user@host[:port]`: short for `host = "ssh://user@host[:port]"`.
    pub ssh: Option<String>,
    /// A docker context instead of an address (its own TLS/SSH settings apply).
    pub context: Option<String>,
    /// TLS files for a `tcp://`/`https://` host: the CA that signs the engine's certificate,
    /// and a client certificate with its key.
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// A colour name for the engine (`red` marks production: a red frame in both UIs).
    pub colour: Option<String>,
    /// Refuse every change to this engine (enforced by its engine handle in the core).
    pub read_only: bool,
}

/// Where a fleet engine connects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineSource {
    /// An address, with TLS files from the configuration (else the environment's).
    Host { host: String, tls: Option<TlsFiles> },
    /// A docker context.
    Context { name: String },
}

/// One engine of a fleet, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineSpec {
    pub name: String,
    pub source: EngineSource,
    pub colour: Option<String>,
    pub read_only: bool,
}

impl EngineSpec {
    /// An engine given by address on the command line, named by it.
    pub fn host(host: &str) -> EngineSpec {
        EngineSpec {
            name: host.trim().to_owned(),
            source: EngineSource::Host {
                host: host.trim().to_owned(),
                tls: None,
            },
            colour: None,
            read_only: false,
        }
    }

    /// An engine given by docker context, named by it.
    pub fn context(name: &str) -> EngineSpec {
        EngineSpec {
            name: name.trim().to_owned(),
            source: EngineSource::Context {
                name: name.trim().to_owned(),
            },
            colour: None,
            read_only: false,
        }
    }

    /// Whether the engine is marked production (colour `red`).
    pub fn is_red(&self) -> bool {
        self.colour
            .as_deref()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case(RED))
    }
}

impl EngineEntry {
    /// Check the entry and say what it connects to. `at` names it in messages
    /// (`engines[2]`).
    pub fn validate(&self, at: &str) -> Result<EngineSpec> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(CoreError::config(format!("{at}: `name` is required")));
        }
        if name.chars().any(|c| c.is_control()) {
            return Err(CoreError::config(format!(
                "{at}: the name {:?} has control characters",
                name
            )));
        }
        let at = format!("{at} ({name})");
        let given = [&self.host, &self.ssh, &self.context]
            .iter()
            .filter(|v| v.is_some())
            .count();
        if given != 1 {
            return Err(CoreError::config(format!(
                "{at}: give exactly one of `host`, `ssh` or `context` ({given} given)"
            )));
        }
        let tls_given = self.ca.is_some() || self.cert.is_some() || self.key.is_some();
        if self.cert.is_some() != self.key.is_some() {
            return Err(CoreError::config(format!(
                "{at}: `cert` and `key` go together (a client certificate and its key)"
            )));
        }
        let source = if let Some(name) = &self.context {
            if tls_given {
                return Err(CoreError::config(format!(
                    "{at}: TLS files go with `host`; a context has its own"
                )));
            }
            EngineSource::Context {
                name: name.trim().to_owned(),
            }
        } else if let Some(ssh) = &self.ssh {
            if tls_given {
                return Err(CoreError::config(format!(
                    "{at}: TLS files go with a tcp:// or https:// `host`, not `ssh`"
                )));
            }
            let ssh = ssh.trim();
            let host = if ssh.starts_with("ssh://") {
                ssh.to_owned()
            } else {
                format!("ssh://{ssh}")
            };
            EngineSource::Host { host, tls: None }
        } else {
            let host = self.host.as_deref().unwrap_or_default().trim().to_owned();
            let tls = tls_given.then(|| TlsFiles {
                ca: self.ca.clone(),
                cert: self.cert.clone(),
                key: self.key.clone(),
                skip_verify: false,
            });
            if tls.is_some() && !(host.starts_with("tcp://") || host.starts_with("https://")) {
                return Err(CoreError::config(format!(
                    "{at}: TLS files need a tcp:// or https:// host, not {host}"
                )));
            }
            EngineSource::Host { host, tls }
        };
        Ok(EngineSpec {
            name: name.to_owned(),
            source,
            colour: self.colour.as_deref().map(|c| c.trim().to_owned()),
            read_only: self.read_only,
        })
    }
}

/// The configured engines, validated, with unique names.
pub fn from_config(entries: &[EngineEntry]) -> Result<Vec<EngineSpec>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let spec = e.validate(&format!("engines[{i}]"))?;
        if !seen.insert(spec.name.clone()) {
            return Err(CoreError::config(format!(
                "engines[{i}]: the name {} is used twice",
                spec.name
            )));
        }
        out.push(spec);
    }
    Ok(out)
}

/// The engines named on the command line (`--host` and `--context`, repeated), in order,
/// each taking its configured settings (colour, read-only, TLS files) when a configured
/// engine has that name or address.
pub fn from_flags(
    hosts: &[String],
    contexts: &[String],
    configured: &[EngineSpec],
) -> Vec<EngineSpec> {
    let mut out: Vec<EngineSpec> = Vec::new();
    let known = |name: &str| configured.iter().find(|c| c.name == name).cloned();
    for h in hosts {
        let spec = configured
            .iter()
            .find(|c| matches!(&c.source, EngineSource::Host { host, .. } if host == h.trim()))
            .cloned()
            .or_else(|| known(h.trim()))
            .unwrap_or_else(|| EngineSpec::host(h));
        push_unique(&mut out, spec);
    }
    for c in contexts {
        let spec = configured
            .iter()
            .find(|s| matches!(&s.source, EngineSource::Context { name } if name == c.trim()))
            .cloned()
            .unwrap_or_else(|| EngineSpec::context(c));
        push_unique(&mut out, spec);
    }
    out
}

/// Every engine Wharf knows (`--fleet`): the configured ones, then each docker context no
/// configured engine names or points at (contexts that cannot be read are left out; the
/// contexts picker shows them with their error).
pub fn everything(configured: &[EngineSpec], env: &EnvVars) -> Result<Vec<EngineSpec>> {
    let mut out = configured.to_vec();
    for ctx in list_contexts(env)? {
        if ctx.error.is_some() {
            continue;
        }
        let used = out.iter().any(|s| {
            s.name == ctx.name
                || matches!(&s.source, EngineSource::Context { name } if *name == ctx.name)
        });
        if !used {
            out.push(EngineSpec::context(&ctx.name));
        }
    }
    Ok(out)
}

/// Adds `spec`, renaming it `NAME (2)` … when the name is taken (the same context twice on
/// the command line is still one engine).
fn push_unique(out: &mut Vec<EngineSpec>, mut spec: EngineSpec) {
    if out.iter().any(|s| s.source == spec.source) {
        return;
    }
    let base = spec.name.clone();
    let mut n = 2;
    while out.iter().any(|s| s.name == spec.name) {
        spec.name = format!("{base} ({n})");
        n += 1;
    }
    out.push(spec);
}
